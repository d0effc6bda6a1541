package blastest

import (
	"fmt"
	"math"
	"testing"
)

func (s *suite) ddot(t *testing.T) {
	r := s.rng(1)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			for _, iy := range incs {
				x, y := newVec(r, n, ix), newVec(r, n, iy)
				x0, y0 := clone(x), clone(y)
				want, mag := 0.0, 0.0
				for i := 0; i < n; i++ {
					p := x[vidx(i, n, ix)] * y[vidx(i, n, iy)]
					want += p
					mag += math.Abs(p)
				}
				got := s.impl.Ddot(n, x, ix, y, iy)
				ctx := fmt.Sprintf("n=%d incX=%d incY=%d", n, ix, iy)
				if !near(got, want, mag, s.opt.Tol*float64(n+2)) {
					t.Errorf("%s: got %v want %v", ctx, got, want)
				}
				unchanged(t, ctx, "x", x0, x)
				unchanged(t, ctx, "y", y0, y)
			}
		}
	}
}

// l1Out compares an output vector y (n elements at stride inc) with want.
func (s *suite) l1Out(t *testing.T, ctx string, before, got []float64, n, inc int, want, mag []float64, terms int) bool {
	t.Helper()
	w, m, wr := clone(before), make([]float64, len(before)), make([]bool, len(before))
	for i := 0; i < n; i++ {
		k := vidx(i, n, inc)
		w[k], m[k], wr[k] = want[i], mag[i], true
	}
	return s.result(t, ctx, before, got, w, m, wr, terms)
}

func (s *suite) daxpy(t *testing.T) {
	r := s.rng(2)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			for _, iy := range incs {
				for _, alpha := range []float64{0, 1, -0.75} {
					x, y := newVec(r, n, ix), newVec(r, n, iy)
					x0, y0 := clone(x), clone(y)
					want, mag := make([]float64, n), make([]float64, n)
					for i := 0; i < n; i++ {
						xi, yi := x[vidx(i, n, ix)], y[vidx(i, n, iy)]
						want[i] = yi + alpha*xi
						mag[i] = math.Abs(yi) + math.Abs(alpha*xi)
					}
					s.impl.Daxpy(n, alpha, x, ix, y, iy)
					ctx := fmt.Sprintf("n=%d alpha=%v incX=%d incY=%d", n, alpha, ix, iy)
					unchanged(t, ctx, "x", x0, x)
					s.l1Out(t, ctx, y0, y, n, iy, want, mag, 1)
				}
			}
		}
	}
}

func (s *suite) dscal(t *testing.T) {
	r := s.rng(3)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			for _, alpha := range []float64{0, 1, -1.5, 3e-300} {
				x := newVec(r, n, ix)
				x0 := clone(x)
				s.impl.Dscal(n, alpha, x, ix)
				ctx := fmt.Sprintf("n=%d alpha=%v incX=%d", n, alpha, ix)
				if ix < 0 {
					// Reference BLAS: a negative increment makes Dscal a no-op.
					unchanged(t, ctx+" (negative inc is a no-op)", "x", x0, x)
					continue
				}
				want, mag := make([]float64, n), make([]float64, n)
				for i := 0; i < n; i++ {
					want[i] = alpha * x0[vidx(i, n, ix)]
					mag[i] = math.Abs(want[i])
				}
				s.l1Out(t, ctx, x0, x, n, ix, want, mag, 0)
			}
		}
	}
}

func (s *suite) dnrm2(t *testing.T) {
	r := s.rng(4)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			for _, scale := range []float64{1, 1e300, 1e-300} {
				x := newVec(r, n, ix)
				for i := 0; i < n; i++ {
					x[vidx(i, n, ix)] *= scale
				}
				x0 := clone(x)
				got := s.impl.Dnrm2(n, x, ix)
				ctx := fmt.Sprintf("n=%d incX=%d scale=%g", n, ix, scale)
				unchanged(t, ctx, "x", x0, x)
				if ix < 0 {
					if got != 0 {
						t.Errorf("%s: negative increment must give 0, got %v", ctx, got)
					}
					continue
				}
				ss := 0.0
				for i := 0; i < n; i++ {
					v := x[vidx(i, n, ix)] / scale
					ss += v * v
				}
				want := math.Sqrt(ss) * scale
				if !near(got, want, want, s.opt.Tol*float64(n+2)) {
					t.Errorf("%s: got %v want %v", ctx, got, want)
				}
			}
		}
	}
}

func (s *suite) dasum(t *testing.T) {
	r := s.rng(5)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			x := newVec(r, n, ix)
			x0 := clone(x)
			got := s.impl.Dasum(n, x, ix)
			ctx := fmt.Sprintf("n=%d incX=%d", n, ix)
			unchanged(t, ctx, "x", x0, x)
			want := 0.0
			if ix > 0 {
				for i := 0; i < n; i++ {
					want += math.Abs(x[vidx(i, n, ix)])
				}
			}
			if !near(got, want, want, s.opt.Tol*float64(n+2)) {
				t.Errorf("%s: got %v want %v", ctx, got, want)
			}
		}
	}
}

func (s *suite) idamax(t *testing.T) {
	r := s.rng(6)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			for trial := 0; trial < 3; trial++ {
				x := newVec(r, n, ix)
				if trial == 1 && n > 2 {
					// A tie: the first index must win.
					a, b := r.IntN(n), r.IntN(n)
					if a > b {
						a, b = b, a
					}
					if a != b {
						x[vidx(a, n, ix)], x[vidx(b, n, ix)] = 5, -5
					}
				}
				if trial == 2 && n > 0 {
					x[vidx(n-1, n, ix)] = -7 // the last element
				}
				x0 := clone(x)
				got := s.impl.Idamax(n, x, ix)
				ctx := fmt.Sprintf("n=%d incX=%d trial=%d", n, ix, trial)
				unchanged(t, ctx, "x", x0, x)
				want := -1
				if ix > 0 && n > 0 {
					want = 0
					best := math.Abs(x[0])
					for i := 1; i < n; i++ {
						if v := math.Abs(x[vidx(i, n, ix)]); v > best {
							want, best = i, v
						}
					}
				}
				if got != want {
					t.Errorf("%s: got %d want %d", ctx, got, want)
				}
			}
		}
	}
}

func (s *suite) dcopy(t *testing.T) {
	r := s.rng(7)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			for _, iy := range incs {
				x, y := newVec(r, n, ix), newVec(r, n, iy)
				x0, y0 := clone(x), clone(y)
				want, mag := make([]float64, n), make([]float64, n)
				for i := 0; i < n; i++ {
					want[i] = x[vidx(i, n, ix)]
				}
				s.impl.Dcopy(n, x, ix, y, iy)
				ctx := fmt.Sprintf("n=%d incX=%d incY=%d", n, ix, iy)
				unchanged(t, ctx, "x", x0, x)
				s.l1Out(t, ctx, y0, y, n, iy, want, mag, 0)
			}
		}
	}
}

func (s *suite) dswap(t *testing.T) {
	r := s.rng(8)
	for _, n := range l1Sizes {
		for _, ix := range incs {
			for _, iy := range incs {
				x, y := newVec(r, n, ix), newVec(r, n, iy)
				x0, y0 := clone(x), clone(y)
				wx, wy, mag := make([]float64, n), make([]float64, n), make([]float64, n)
				for i := 0; i < n; i++ {
					wx[i], wy[i] = y[vidx(i, n, iy)], x[vidx(i, n, ix)]
				}
				s.impl.Dswap(n, x, ix, y, iy)
				ctx := fmt.Sprintf("n=%d incX=%d incY=%d", n, ix, iy)
				s.l1Out(t, ctx+" x", x0, x, n, ix, wx, mag, 0)
				s.l1Out(t, ctx+" y", y0, y, n, iy, wy, mag, 0)
			}
		}
	}
}
