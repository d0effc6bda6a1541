package asm

import (
	"math"
	"testing"
)

// ulpDiff returns the distance between a and b in units in the last place,
// counted as the number of representable doubles between them (0 when both
// are NaN or they are equal, MaxInt64 when exactly one is NaN).
func ulpDiff(a, b float64) int64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.MaxInt64
	}
	if a == b {
		return 0
	}
	ia, ib := orderedBits(a), orderedBits(b)
	if ia > ib {
		return ia - ib
	}
	return ib - ia
}

// orderedBits maps doubles to integers monotonically (-0 and +0 both to 0).
func orderedBits(v float64) int64 {
	b := int64(math.Float64bits(v))
	if b < 0 {
		return math.MinInt64 - b
	}
	return b
}

// mathSoftplus and mathSigmoid are the stable formulas evaluated with the
// math package.
func mathSoftplus(v float64) float64 {
	return math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v)))
}

func mathSigmoid(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

type vmathCase struct {
	kernel string
	f      func(dst, x []float64)
	ref    func(float64) float64 // math-package reference
	exact  func(float64) float64 // correctly rounded reference (math/big)
	maxULP int64                 // asserted bound over the sweep
	lo, hi float64
}

var vmathCases = []vmathCase{
	{"Exp", Exp, math.Exp, refExp, 1, -746, 710},
	{"Log", Log, math.Log, refLog, 1, 0, 1e300},
	{"Log1p", Log1p, math.Log1p, refLog1p, 1, -1, 1e300},
	{"Softplus", Softplus, mathSoftplus, refSoftplus, 2, -750, 750},
	{"Sigmoid", Sigmoid, mathSigmoid, refSigmoid, 2, -750, 750},
}

// sweepInputs returns a dense sweep over [lo, hi] (uniform for small ranges,
// plus geometric for wide positive ranges), random inputs, and values near
// the interesting points of every function.
func sweepInputs(lo, hi float64) []float64 {
	var xs []float64
	const dense = 200000
	a, b := math.Max(lo, -800), math.Min(hi, 800)
	for i := 0; i <= dense; i++ {
		xs = append(xs, a+(b-a)*float64(i)/dense)
	}
	// geometric sweep over magnitudes 1e-310 .. 1e300, both signs.
	for i := 0; i <= dense; i++ {
		m := math.Pow(10, -310+610*float64(i)/dense)
		xs = append(xs, m, -m)
	}
	r := newRand(99)
	for i := 0; i < dense; i++ {
		xs = append(xs, (r.Float64()*2-1)*40, (r.Float64()*2-1)*1e-3, math.Float64frombits(r.Uint64()))
	}
	// neighbours of special points
	for _, p := range []float64{0, 1, -1, 0.5, math.Ln2, 709.782712893384, -708.3964185322641, -745.1332191019411,
		-745.1332191019412, 37, -37, 1 - 0x1p-53, 1 + 0x1p-52, 0x1p-1022, 0x1p-1074, math.MaxFloat64, math.Sqrt2, math.Sqrt2 / 2} {
		for _, s := range []float64{1, -1} {
			v := p * s
			for k := 0; k < 64; k++ {
				xs = append(xs, v)
				v = math.Nextafter(v, math.Inf(1))
			}
			v = p * s
			for k := 0; k < 64; k++ {
				v = math.Nextafter(v, math.Inf(-1))
				xs = append(xs, v)
			}
		}
	}
	return xs
}

func TestVmathULP(t *testing.T) {
	for _, c := range vmathCases {
		t.Run(c.kernel, func(t *testing.T) {
			xs := sweepInputs(c.lo, c.hi)
			dst := make([]float64, len(xs))
			forEachImpl(t, c.kernel, func(t *testing.T) {
				c.f(dst, xs)
				var worst int64
				var worstX float64
				hist := map[int64]int{}
				exactChecks := 0
				for i, x := range xs {
					d := ulpDiff(dst[i], c.ref(x))
					if d > c.maxULP {
						// Disagreement with the math package: judge
						// against the correctly rounded value instead.
						exactChecks++
						d = ulpDiff(dst[i], c.exact(x))
					}
					if d > 3 {
						hist[4]++
					} else {
						hist[d]++
					}
					if d > worst {
						worst, worstX = d, x
					}
				}
				t.Logf("%s: %d inputs, max %d ulp (at x=%v), histogram 0:%d 1:%d 2:%d 3:%d >3:%d; %d judged against math/big",
					c.kernel, len(xs), worst, worstX, hist[0], hist[1], hist[2], hist[3], hist[4], exactChecks)
				if worst > c.maxULP {
					t.Errorf("%s: max error %d ulp at x=%v (got %v, math %v, exact %v), bound %d",
						c.kernel, worst, worstX, dstAt(c.f, worstX), c.ref(worstX), c.exact(worstX), c.maxULP)
				}
			})
		})
	}
}

func dstAt(f func(dst, x []float64), x float64) float64 {
	d := []float64{0}
	f(d, []float64{x})
	return d[0]
}

// TestVmathExact measures the error against the correctly rounded value
// (math/big) on a smaller random sample, so the figures do not depend on the
// math package's own error.
func TestVmathExact(t *testing.T) {
	r := newRand(5)
	for _, c := range vmathCases {
		xs := make([]float64, 0, 3000)
		for len(xs) < cap(xs) {
			var x float64
			switch len(xs) % 3 {
			case 0:
				x = c.lo + (math.Min(c.hi, 800)-c.lo)*r.Float64()
			case 1:
				x = (r.Float64()*2 - 1) * 3
			default:
				x = math.Pow(10, -300+600*r.Float64())
			}
			if x < c.lo || x > c.hi {
				continue
			}
			xs = append(xs, x)
		}
		dst := make([]float64, len(xs))
		forEachImpl(t, c.kernel, func(t *testing.T) {
			c.f(dst, xs)
			var worst int64
			for i, x := range xs {
				if d := ulpDiff(dst[i], c.exact(x)); d > worst {
					worst = d
				}
			}
			t.Logf("%s: max %d ulp from the correctly rounded value over %d inputs", c.kernel, worst, len(xs))
			if worst > c.maxULP {
				t.Errorf("%s: %d ulp from the correctly rounded value, bound %d", c.kernel, worst, c.maxULP)
			}
		})
	}
}

func TestVmathSpecial(t *testing.T) {
	sub := math.Float64frombits(1) // smallest subnormal
	cases := []struct {
		kernel string
		f      func(dst, x []float64)
		in     []float64
		want   []float64
	}{
		{"Exp", Exp, []float64{inf, -inf, nan, 0, math.Copysign(0, -1), 710, 1000, -746, -1000, -745.1, -740},
			[]float64{inf, 0, nan, 1, 1, inf, inf, 0, 0, math.Exp(-745.1), math.Exp(-740)}},
		{"Log", Log, []float64{inf, -inf, nan, 0, math.Copysign(0, -1), -1, -sub, 1, sub, math.MaxFloat64},
			[]float64{inf, nan, nan, -inf, -inf, nan, nan, 0, -744.4400719213812, 709.782712893384}}, // -744.44…: refLog(2^-1074)
		{"Log1p", Log1p, []float64{inf, -inf, nan, 0, math.Copysign(0, -1), -1, -1.5, sub, -sub, 1e-300, math.MaxFloat64},
			[]float64{inf, nan, nan, 0, math.Copysign(0, -1), -inf, nan, sub, -sub, 1e-300, 709.782712893384}},
		{"Softplus", Softplus, []float64{inf, -inf, nan, 0, 1000, -1000, 40, -740, -746},
			[]float64{inf, 0, nan, math.Ln2, 1000, 0, 40, math.Exp(-740), 0}},
		{"Sigmoid", Sigmoid, []float64{inf, -inf, nan, 0, 1000, -1000, 40, -740, -746},
			[]float64{1, 0, nan, 0.5, 1, 0, 1, math.Exp(-740), 0}},
	}
	for _, c := range cases {
		t.Run(c.kernel, func(t *testing.T) {
			forEachImpl(t, c.kernel, func(t *testing.T) {
				// run each value in every lane position and in the masked tail
				for pos := 0; pos < 11; pos++ {
					for i, v := range c.in {
						x := make([]float64, 11)
						for j := range x {
							x[j] = 0.25
						}
						x[pos] = v
						dst := make([]float64, 11)
						c.f(dst, x)
						got := dst[pos]
						if ulpDiff(got, c.want[i]) > 1 || math.Signbit(got) != math.Signbit(c.want[i]) && !math.IsNaN(got) {
							t.Errorf("%s(%v) at lane %d = %v, want %v", c.kernel, v, pos, got, c.want[i])
						}
					}
				}
			})
		})
	}
}

func TestVmathLengthsAndGuards(t *testing.T) {
	for _, c := range vmathCases {
		forEachImpl(t, c.kernel, func(t *testing.T) {
			r := newRand(3)
			for n := 0; n <= maxLen; n++ {
				off := n % 8
				x, _ := guarded(n, off, 0.5)
				for i := range x {
					x[i] = (r.Float64()*2 - 1) * 5
					if c.kernel == "Log" {
						x[i] = math.Abs(x[i])
					}
				}
				dst, db := guarded(n, 7-off, nan)
				c.f(dst, x)
				for i := range x {
					if d := ulpDiff(dst[i], c.ref(x[i])); d > c.maxULP {
						t.Fatalf("%s n=%d i=%d: %d ulp", c.kernel, n, i, d)
					}
				}
				checkGuards(t, c.kernel, db, guardLen+7-off, guardLen+7-off+n, nan)
				// in place
				want := append([]float64(nil), dst...)
				c.f(x, x)
				for i := range x {
					if !same(x[i], want[i]) {
						t.Fatalf("%s in place n=%d i=%d: %v vs %v", c.kernel, n, i, x[i], want[i])
					}
				}
			}
		})
	}
}

// TestVmathBitwiseTwin checks that every implementation returns exactly
// the bits of the pure-Go twin (they run the same algorithm).
func TestVmathBitwiseTwin(t *testing.T) {
	twins := map[string]func(dst, x []float64){
		"Exp": expGeneric, "Log": logGeneric, "Log1p": log1pGeneric,
		"Softplus": softplusGeneric, "Sigmoid": sigmoidGeneric,
	}
	for _, c := range vmathCases {
		xs := sweepInputs(c.lo, c.hi)
		want := make([]float64, len(xs))
		twins[c.kernel](want, xs)
		got := make([]float64, len(xs))
		forEachImpl(t, c.kernel, func(t *testing.T) {
			c.f(got, xs)
			for i := range xs {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
					t.Fatalf("%s(%v): %v, twin %v", c.kernel, xs[i], got[i], want[i])
				}
			}
		})
	}
}
