package asm

import (
	"math"
	"testing"
)

const maxLen = 300

var nan = math.NaN()
var inf = math.Inf(1)

func TestDdotUnitary(t *testing.T) {
	forEachImpl(t, "DdotUnitary", func(t *testing.T) {
		r := newRand(1)
		for n := 0; n <= maxLen; n++ {
			for off := 0; off < 8; off++ {
				x, xb := guarded(n, off, nan)
				y, yb := guarded(n, 7-off, nan)
				randFill(r, x)
				randFill(r, y)
				var want, mag float64
				for i := range x {
					want += x[i] * y[i]
					mag += math.Abs(x[i] * y[i])
				}
				got := DdotUnitary(x, y)
				if !closeSum(got, want, n, mag) {
					t.Fatalf("n=%d off=%d: got %v want %v", n, off, got, want)
				}
				if g2 := ddotUnitaryGeneric(x, y); !closeSum(got, g2, n, mag) {
					t.Fatalf("n=%d off=%d: got %v generic %v", n, off, got, g2)
				}
				checkGuards(t, "x", xb, guardLen+off, guardLen+off+n, nan)
				checkGuards(t, "y", yb, guardLen+7-off, guardLen+7-off+n, nan)
			}
		}
		// special values propagate
		for n := 1; n <= 40; n++ {
			for _, sv := range []float64{nan, inf, -inf} {
				x := make([]float64, n)
				y := make([]float64, n)
				randFill(r, x)
				randFill(r, y)
				for i := range y {
					y[i] = 1
				}
				k := n / 2
				x[k] = sv
				want := ddotUnitaryGeneric(x, y)
				if got := DdotUnitary(x, y); !same(got, want) {
					t.Fatalf("n=%d special %v at %d: got %v want %v", n, sv, k, got, want)
				}
			}
		}
		// longer y is fine
		if got := DdotUnitary([]float64{1, 2}, []float64{3, 4, nan}); got != 11 {
			t.Fatalf("dot with longer y: %v", got)
		}
	})
}

func TestDaxpyUnitaryAndTo(t *testing.T) {
	for _, kernel := range []string{"DaxpyUnitary", "DaxpyUnitaryTo"} {
		forEachImpl(t, kernel, func(t *testing.T) {
			r := newRand(2)
			for n := 0; n <= maxLen; n++ {
				for off := 0; off < 8; off++ {
					alpha := r.Float64()*4 - 2
					x, xb := guarded(n, off, nan)
					y, yb := guarded(n, (off+3)%8, nan)
					randFill(r, x)
					randFill(r, y)
					want := make([]float64, n)
					for i := range want {
						want[i] = alpha*x[i] + y[i]
					}
					if kernel == "DaxpyUnitary" {
						DaxpyUnitary(alpha, x, y)
						for i := range y {
							if math.Abs(y[i]-want[i]) > 0x1p-52*(math.Abs(alpha*x[i])+math.Abs(want[i])) {
								t.Fatalf("n=%d off=%d i=%d: %v want %v", n, off, i, y[i], want[i])
							}
						}
					} else {
						dst, db := guarded(n, (off+5)%8, nan)
						DaxpyUnitaryTo(dst, alpha, x, y)
						for i := range dst {
							if math.Abs(dst[i]-want[i]) > 0x1p-52*(math.Abs(alpha*x[i])+math.Abs(want[i])) {
								t.Fatalf("n=%d off=%d i=%d: %v want %v", n, off, i, dst[i], want[i])
							}
						}
						checkGuards(t, "dst", db, guardLen+(off+5)%8, guardLen+(off+5)%8+n, nan)
						// dst aliasing x
						DaxpyUnitaryTo(x, alpha, x, y)
						for i := range x {
							if x[i] != dst[i] {
								t.Fatalf("aliased dst=x differs at %d", i)
							}
						}
					}
					checkGuards(t, "x", xb, guardLen+off, guardLen+off+n, nan)
					checkGuards(t, "y", yb, guardLen+(off+3)%8, guardLen+(off+3)%8+n, nan)
				}
			}
		})
	}
}

func TestDscalUnitary(t *testing.T) {
	forEachImpl(t, "DscalUnitary", func(t *testing.T) {
		r := newRand(3)
		for n := 0; n <= maxLen; n++ {
			off := n % 8
			x, xb := guarded(n, off, nan)
			randFill(r, x)
			if n > 2 {
				x[1] = inf
				x[2] = nan
			}
			want := make([]float64, n)
			for i := range x {
				want[i] = -1.5 * x[i]
			}
			DscalUnitary(-1.5, x)
			for i := range x {
				if !same(x[i], want[i]) {
					t.Fatalf("n=%d i=%d: %v want %v", n, i, x[i], want[i])
				}
			}
			checkGuards(t, "x", xb, guardLen+off, guardLen+off+n, nan)
		}
	})
}

func TestDasumDnrm2Idamax(t *testing.T) {
	for _, kernel := range []string{"DasumUnitary", "Dnrm2Unitary", "IdamaxUnitary"} {
		forEachImpl(t, kernel, func(t *testing.T) {
			r := newRand(4)
			for n := 0; n <= maxLen; n++ {
				for off := 0; off < 8; off++ {
					x, _ := guarded(n, off, nan)
					randFill(r, x)
					if n > 0 && off == 3 {
						x[r.IntN(n)] = x[r.IntN(n)] // duplicates for idamax ties
						x[r.IntN(n)] = -x[r.IntN(n)]
					}
					checkNormKernel(t, kernel, x)
				}
			}
			// special values, each at every position of a short vector
			for n := 1; n <= 40; n++ {
				for _, sv := range []float64{nan, inf, -inf, 1e300, 1e-300, 0} {
					for pos := 0; pos < n; pos += 1 + n/7 {
						x := make([]float64, n)
						randFill(r, x)
						x[pos] = sv
						checkNormKernel(t, kernel, x)
						if n > 3 {
							x[(pos+2)%n] = nan // NaN and another special together
							checkNormKernel(t, kernel, x)
						}
					}
				}
			}
		})
	}
}

// checkNormKernel compares asum, nrm2 and idamax with naive references.
func checkNormKernel(t *testing.T, kernel string, x []float64) {
	t.Helper()
	switch kernel {
	case "DasumUnitary":
		var want, mag float64
		for _, v := range x {
			want += math.Abs(v)
		}
		mag = want
		if got := DasumUnitary(x); !closeSum(got, want, len(x), mag) {
			t.Fatalf("asum %v: got %v want %v", x, got, want)
		}
	case "Dnrm2Unitary":
		want := naiveNrm2(x)
		got := Dnrm2Unitary(x)
		if math.IsNaN(want) || math.IsInf(want, 0) {
			if !same(got, want) {
				t.Fatalf("nrm2 %v: got %v want %v", x, got, want)
			}
		} else if math.Abs(got-want) > 4*float64(len(x)+1)*0x1p-52*want {
			t.Fatalf("nrm2 n=%d: got %v want %v", len(x), got, want)
		}
	case "IdamaxUnitary":
		want := idamaxUnitaryGeneric(x) // the reference BLAS scan, written plainly
		if got := IdamaxUnitary(x); got != want {
			t.Fatalf("idamax %v: got %d want %d", x, got, want)
		}
	}
}

// naiveNrm2 is the norm in double-double-free form: scale by the true max
// with a division (slow, but independent of the kernels' power-of-two scale).
func naiveNrm2(x []float64) float64 {
	var m float64
	for _, v := range x {
		if math.IsNaN(v) {
			return nan
		}
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 || math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += (v / m) * (v / m)
	}
	return m * math.Sqrt(s)
}

func TestDnrm2Range(t *testing.T) {
	forEachImpl(t, "Dnrm2Unitary", func(t *testing.T) {
		for _, c := range []struct {
			x    []float64
			want float64
		}{
			{[]float64{3e300, 4e300}, 5e300},
			{[]float64{3e-300, -4e-300}, 5e-300},
			{[]float64{1e308, 1e308}, math.Sqrt2 * 1e308},
			{[]float64{math.MaxFloat64, math.MaxFloat64}, inf},
			{[]float64{3 * 0x1p-1074, 4 * 0x1p-1074}, 5 * 0x1p-1074},
			{[]float64{1e300, 1e-300}, 1e300},
			{[]float64{}, 0},
			{[]float64{0, 0}, 0},
			{[]float64{inf, 1}, inf},
			{[]float64{-inf, nan}, nan},
		} {
			got := Dnrm2Unitary(c.x)
			if !(same(got, c.want) || math.Abs(got-c.want) <= 2*0x1p-52*c.want) {
				t.Errorf("Dnrm2Unitary(%v) = %v, want %v", c.x, got, c.want)
			}
			// the Inc form over a strided copy
			xs := make([]float64, 3*len(c.x))
			for i, v := range c.x {
				xs[3*i] = v
			}
			if got := Dnrm2Inc(xs, len(c.x), 3); !(same(got, c.want) || math.Abs(got-c.want) <= 2*0x1p-52*c.want) {
				t.Errorf("Dnrm2Inc(%v) = %v, want %v", c.x, got, c.want)
			}
		}
	})
}

func TestIdamaxNaN(t *testing.T) {
	forEachImpl(t, "IdamaxUnitary", func(t *testing.T) {
		for _, c := range []struct {
			x    []float64
			want int
		}{
			{nil, -1},
			{[]float64{nan, 5, 7}, 0},  // NaN first: nothing compares greater
			{[]float64{1, nan, 7}, 2},  // NaN elsewhere is skipped
			{[]float64{1, nan, -1}, 0}, // ties keep the first
			{[]float64{-3, 3, inf}, 2}, // Inf wins
			{[]float64{nan, nan}, 0},   // all NaN
			{[]float64{0, -inf, inf}, 1},
		} {
			if got := IdamaxUnitary(c.x); got != c.want {
				t.Errorf("IdamaxUnitary(%v) = %d, want %d", c.x, got, c.want)
			}
		}
	})
}

// incData returns a buffer and start index holding n random values at
// stride inc (negative inc: BLAS order, start at (n-1)*(-inc)).
func incData(r interface{ Float64() float64 }, n, inc int, guard float64) (buf []float64, start int) {
	ai := inc
	if ai < 0 {
		ai = -ai
	}
	size := 1
	if n > 0 {
		size = (n-1)*ai + 1
	}
	buf = make([]float64, size)
	for i := range buf {
		buf[i] = guard
	}
	if inc < 0 && n > 0 {
		start = (n - 1) * ai
	}
	for i, ix := 0, start; i < n; i, ix = i+1, ix+inc {
		buf[ix] = r.Float64()*2 - 1
	}
	return buf, start
}

func TestIncKernels(t *testing.T) {
	r := newRand(6)
	incs := []int{1, 2, 3, -1, -2}
	for n := 0; n <= 70; n++ {
		for _, incX := range incs {
			for _, incY := range incs {
				x, ix := incData(r, n, incX, nan)
				y, iy := incData(r, n, incY, nan)
				var want, mag float64
				for i := 0; i < n; i++ {
					p := x[ix+i*incX] * y[iy+i*incY]
					want += p
					mag += math.Abs(p)
				}
				forEachImpl(t, "DdotInc", func(t *testing.T) {
					if got := DdotInc(x, y, n, incX, incY, ix, iy); !closeSum(got, want, n, mag) {
						t.Fatalf("DdotInc n=%d inc=%d,%d: %v want %v", n, incX, incY, got, want)
					}
				})
				forEachImpl(t, "DaxpyInc", func(t *testing.T) {
					yc := append([]float64(nil), y...)
					DaxpyInc(0.5, x, yc, n, incX, incY, ix, iy)
					for i := range yc {
						w := y[i]
						if k := (i - iy) / incY; (i-iy)%incY == 0 && k >= 0 && k < n {
							w = y[i] + 0.5*x[ix+k*incX]
						}
						if !same(yc[i], w) {
							t.Fatalf("DaxpyInc n=%d inc=%d,%d i=%d: %v want %v", n, incX, incY, i, yc[i], w)
						}
					}
				})
			}
			if incX <= 0 {
				continue
			}
			x, _ := incData(r, n, incX, 1e300) // guard would dominate if read
			var asum, mx float64
			idx := -1
			for i := 0; i < n; i++ {
				v := math.Abs(x[i*incX])
				asum += v
				if idx < 0 || v > mx {
					mx, idx = v, i
				}
			}
			forEachImpl(t, "DasumInc", func(t *testing.T) {
				if got := DasumInc(x, n, incX); !closeSum(got, asum, n, asum) {
					t.Fatalf("DasumInc: %v want %v", got, asum)
				}
			})
			forEachImpl(t, "IdamaxInc", func(t *testing.T) {
				if got := IdamaxInc(x, n, incX); got != idx {
					t.Fatalf("IdamaxInc: %v want %v", got, idx)
				}
			})
			forEachImpl(t, "Dnrm2Inc", func(t *testing.T) {
				c := make([]float64, n)
				for i := range c {
					c[i] = x[i*incX]
				}
				if got, want := Dnrm2Inc(x, n, incX), naiveNrm2(c); math.Abs(got-want) > 4*float64(n+1)*0x1p-52*want {
					t.Fatalf("Dnrm2Inc: %v want %v", got, want)
				}
			})
			forEachImpl(t, "DscalInc", func(t *testing.T) {
				xc := append([]float64(nil), x...)
				DscalInc(2, xc, n, incX)
				for i := range xc {
					w := x[i]
					if i%incX == 0 && i/incX < n {
						w *= 2
					}
					if xc[i] != w {
						t.Fatalf("DscalInc i=%d: %v want %v", i, xc[i], w)
					}
				}
			})
		}
	}
}

func TestLevel1Panics(t *testing.T) {
	x := make([]float64, 4)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"DdotUnitary short y", func() { DdotUnitary(x, x[:3]) }},
		{"DaxpyUnitary short y", func() { DaxpyUnitary(1, x, x[:3]) }},
		{"DaxpyUnitaryTo short dst", func() { DaxpyUnitaryTo(x[:2], 1, x, x) }},
		{"DdotInc overrun", func() { DdotInc(x, x, 3, 2, 1, 0, 0) }},
		{"DdotInc negative start", func() { DdotInc(x, x, 2, -1, 1, 0, 0) }},
		{"DaxpyInc zero inc", func() { DaxpyInc(1, x, x, 2, 0, 1, 0, 0) }},
		{"DscalInc negative inc", func() { DscalInc(1, x, 2, -1) }},
		{"Dnrm2Inc overrun", func() { Dnrm2Inc(x, 3, 2) }},
		{"IdamaxInc n<0", func() { IdamaxInc(x, -1, 1) }},
		{"Exp short dst", func() { Exp(x[:1], x) }},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", c.name)
				} else if s, ok := r.(string); !ok || len(s) < 5 || s[:4] != "asm:" {
					t.Errorf("%s: panic %v does not name the routine", c.name, r)
				}
			}()
			c.f()
		}()
	}
}

func TestAllocs(t *testing.T) {
	x := benchVec(1000)
	y := benchVec(1000)
	d := make([]float64, 1000)
	a := benchVec(100 * 10)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"DdotUnitary", func() { sink = DdotUnitary(x, y) }},
		{"DdotInc", func() { sink = DdotInc(x, y, 500, 2, -2, 0, 998) }},
		{"DaxpyUnitary", func() { DaxpyUnitary(1e-9, x, y) }},
		{"DaxpyUnitaryTo", func() { DaxpyUnitaryTo(d, 1, x, y) }},
		{"DaxpyInc", func() { DaxpyInc(1e-9, x, y, 500, 2, 2, 0, 0) }},
		{"DscalUnitary", func() { DscalUnitary(1, d) }},
		{"DscalInc", func() { DscalInc(1, d, 500, 2) }},
		{"Dnrm2Unitary", func() { sink = Dnrm2Unitary(x) }},
		{"Dnrm2Inc", func() { sink = Dnrm2Inc(x, 500, 2) }},
		{"DasumUnitary", func() { sink = DasumUnitary(x) }},
		{"DasumInc", func() { sink = DasumInc(x, 500, 2) }},
		{"IdamaxUnitary", func() { sinkInt = IdamaxUnitary(x) }},
		{"IdamaxInc", func() { sinkInt = IdamaxInc(x, 500, 2) }},
		{"DgemvN", func() { DgemvN(100, 10, 1, a, 10, x, 0.5, y) }},
		{"DgemvT", func() { DgemvT(100, 10, 1, a, 10, x, 0.5, y) }},
		{"Exp", func() { Exp(d, x) }},
		{"Log", func() { Log(d, x) }},
		{"Log1p", func() { Log1p(d, x) }},
		{"Softplus", func() { Softplus(d, x) }},
		{"Sigmoid", func() { Sigmoid(d, x) }},
	} {
		forEachImpl(t, c.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(50, c.f); n != 0 {
				t.Errorf("%s: %v allocs per call", c.name, n)
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	for _, k := range []string{"DdotUnitary", "DgemvT", "Exp"} {
		im := ImplsOf(k)
		if len(im) == 0 || im[len(im)-1].Name != ImplGeneric {
			t.Fatalf("%s: implementations %v lack the generic twin", k, im)
		}
		active := 0
		for _, i := range im {
			if i.Active {
				active++
			}
		}
		if active != 1 {
			t.Fatalf("%s: %d active implementations", k, active)
		}
	}
	restore, err := Select("DdotUnitary", ImplGeneric)
	if err != nil {
		t.Fatal(err)
	}
	if Active("DdotUnitary") != ImplGeneric {
		t.Fatal("Select did not take effect")
	}
	restore()
	if _, err := Select("DdotUnitary", "no-such"); err == nil {
		t.Fatal("Select accepted an unknown implementation")
	}
	if _, err := Select("NoSuchKernel", ImplGeneric); err == nil {
		t.Fatal("Select accepted an unknown kernel")
	}
	r := SelectAll(ImplGeneric)
	for _, im := range Impls() {
		if im.Active && im.Name != ImplGeneric && hasGeneric(im.Kernel) {
			t.Fatalf("SelectAll(generic) left %s on %s", im.Kernel, im.Name)
		}
	}
	r()
}

func hasGeneric(kernel string) bool {
	for _, im := range ImplsOf(kernel) {
		if im.Name == ImplGeneric {
			return true
		}
	}
	return false
}
