package native

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// These tests compare every routine but Dgemm (see dgemm_test.go) with
// gonum's pure-Go reference on random inputs, over all Uplo/Trans/Diag/Side
// values and vector increments ±1, ±2, with every GEMM micro-kernel.

var (
	ref    gonum.Implementation
	nat    Implementation
	incs   = []int{1, 2, -1, -2}
	uplos  = []blas.Uplo{blas.Upper, blas.Lower}
	diags  = []blas.Diag{blas.NonUnit, blas.Unit}
	sides  = []blas.Side{blas.Left, blas.Right}
	l2dims = []int{0, 1, 2, 3, 7, 16, 33, 70}
	l3dims = []int{0, 1, 3, 8, 17, 50, 97}
)

func vecLen(n, inc int) int {
	if n == 0 {
		return 1
	}
	return 1 + (n-1)*abs(inc)
}

// closeSlices reports the first index where got and want differ by more
// than tol relative to 1+|want|, or -1.
func closeSlices(got, want []float64, tol float64) int {
	for i := range want {
		g, w := got[i], want[i]
		if math.IsNaN(w) != math.IsNaN(g) {
			return i
		}
		if !math.IsNaN(w) && math.Abs(g-w) > tol*(1+math.Abs(w)) {
			return i
		}
	}
	return -1
}

func compare(t *testing.T, ctx, name string, got, want []float64, tol float64) {
	t.Helper()
	if i := closeSlices(got, want, tol); i >= 0 {
		t.Fatalf("%s: %s[%d] = %v, want %v", ctx, name, i, got[i], want[i])
	}
}

// triMatrix returns a random n×n matrix with leading dimension ld whose
// off-diagonal entries are O(1/n) and whose diagonal is ±(4…5), so that
// triangular solves are well conditioned with unit and non-unit diagonals.
func triMatrix(rng *rand.Rand, n, ld int) []float64 {
	a := randSlice(rng, max(1, (n-1)*ld+n))
	for i := range a {
		a[i] /= float64(max(1, n))
	}
	for i := 0; i < n; i++ {
		a[i*ld+i] = 4 + rng.Float64()
		if rng.IntN(2) == 0 {
			a[i*ld+i] = -a[i*ld+i]
		}
	}
	return a
}

func clone(s []float64) []float64 { return append([]float64(nil), s...) }

func TestLevel1(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{0, 1, 2, 5, 16, 33, 100} {
		for _, ix := range incs {
			for _, iy := range incs {
				ctx := fmt.Sprintf("n=%d incX=%d incY=%d", n, ix, iy)
				x := randSlice(rng, vecLen(n, ix))
				y := randSlice(rng, vecLen(n, iy))
				if g, w := nat.Ddot(n, x, ix, y, iy), ref.Ddot(n, x, ix, y, iy); math.Abs(g-w) > 1e-12*(1+math.Abs(w)) {
					t.Fatalf("Ddot %s: %v want %v", ctx, g, w)
				}
				y1, y2 := clone(y), clone(y)
				nat.Daxpy(n, -0.7, x, ix, y1, iy)
				ref.Daxpy(n, -0.7, x, ix, y2, iy)
				compare(t, "Daxpy "+ctx, "y", y1, y2, 1e-14)
				y1, y2 = clone(y), clone(y)
				nat.Dcopy(n, x, ix, y1, iy)
				ref.Dcopy(n, x, ix, y2, iy)
				compare(t, "Dcopy "+ctx, "y", y1, y2, 0)
				x1, x2 := clone(x), clone(x)
				y1, y2 = clone(y), clone(y)
				nat.Dswap(n, x1, ix, y1, iy)
				ref.Dswap(n, x2, ix, y2, iy)
				compare(t, "Dswap "+ctx, "x", x1, x2, 0)
				compare(t, "Dswap "+ctx, "y", y1, y2, 0)
			}
			ctx := fmt.Sprintf("n=%d incX=%d", n, ix)
			x := randSlice(rng, vecLen(n, ix))
			if ix > 0 {
				// gonum and reference BLAS differ on negative increments
				// for these (gonum panics or returns early); compare only
				// positive ones here, the conformance suite covers the rest.
				if g, w := nat.Dnrm2(n, x, ix), ref.Dnrm2(n, x, ix); math.Abs(g-w) > 1e-14*(1+w) {
					t.Fatalf("Dnrm2 %s: %v want %v", ctx, g, w)
				}
				if g, w := nat.Dasum(n, x, ix), ref.Dasum(n, x, ix); math.Abs(g-w) > 1e-13*(1+w) {
					t.Fatalf("Dasum %s: %v want %v", ctx, g, w)
				}
				if g, w := nat.Idamax(n, x, ix), ref.Idamax(n, x, ix); g != w {
					t.Fatalf("Idamax %s: %v want %v", ctx, g, w)
				}
				x1, x2 := clone(x), clone(x)
				nat.Dscal(n, 1.5, x1, ix)
				ref.Dscal(n, 1.5, x2, ix)
				compare(t, "Dscal "+ctx, "x", x1, x2, 1e-15)
			} else {
				x1 := clone(x)
				nat.Dscal(n, 1.5, x1, ix)
				compare(t, "Dscal (negative inc is a no-op) "+ctx, "x", x1, x, 0)
				if v := nat.Dnrm2(n, x, ix); v != 0 {
					t.Fatalf("Dnrm2 %s: %v, want 0", ctx, v)
				}
				if v := nat.Idamax(n, x, ix); v != -1 {
					t.Fatalf("Idamax %s: %v, want -1", ctx, v)
				}
			}
		}
	}
}

func TestLevel2(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, m := range l2dims {
		for _, n := range l2dims {
			for _, ix := range incs {
				for _, iy := range incs {
					pad := (m + n + abs(ix)) % 3
					lda := max(1, n) + pad
					a := randSlice(rng, max(1, (m-1)*lda+n))
					for _, tA := range transes {
						lx, ly := n, m
						if tA == blas.Trans {
							lx, ly = m, n
						}
						x := randSlice(rng, vecLen(lx, ix))
						y := randSlice(rng, vecLen(ly, iy))
						for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {0, -0.5}, {2, -0.5}} {
							ctx := fmt.Sprintf("Dgemv tA=%c m=%d n=%d incX=%d incY=%d alpha=%v beta=%v", tA, m, n, ix, iy, ab[0], ab[1])
							y1, y2 := clone(y), clone(y)
							nat.Dgemv(tA, m, n, ab[0], a, lda, x, ix, ab[1], y1, iy)
							ref.Dgemv(tA, m, n, ab[0], a, lda, x, ix, ab[1], y2, iy)
							compare(t, ctx, "y", y1, y2, 1e-13)
						}
					}
					x := randSlice(rng, vecLen(m, ix))
					y := randSlice(rng, vecLen(n, iy))
					// gonum v0.17's Dger ignores negative increments, so
					// the reference here is the definition.
					a1, a2 := clone(a), clone(a)
					nat.Dger(m, n, 0.75, x, ix, y, iy, a1, lda)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							a2[i*lda+j] += 0.75 * x[start(m, ix)+i*ix] * y[start(n, iy)+j*iy]
						}
					}
					compare(t, fmt.Sprintf("Dger m=%d n=%d incX=%d incY=%d", m, n, ix, iy), "a", a1, a2, 1e-14)
				}
			}
		}
	}
	for _, n := range l2dims {
		for _, ix := range incs {
			for _, iy := range incs {
				lda := max(1, n) + 2
				for _, ul := range uplos {
					a := triMatrix(rng, n, lda)
					x := randSlice(rng, vecLen(n, ix))
					y := randSlice(rng, vecLen(n, iy))
					for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {0, 2}, {2, -0.5}} {
						y1, y2 := clone(y), clone(y)
						nat.Dsymv(ul, n, ab[0], a, lda, x, ix, ab[1], y1, iy)
						ref.Dsymv(ul, n, ab[0], a, lda, x, ix, ab[1], y2, iy)
						compare(t, fmt.Sprintf("Dsymv ul=%c n=%d incX=%d incY=%d alpha=%v beta=%v", ul, n, ix, iy, ab[0], ab[1]), "y", y1, y2, 1e-13)
					}
					if iy != 1 {
						continue
					}
					for _, tA := range transes {
						for _, d := range diags {
							ctx := fmt.Sprintf("ul=%c tA=%c d=%c n=%d incX=%d", ul, tA, d, n, ix)
							x1, x2 := clone(x), clone(x)
							nat.Dtrmv(ul, tA, d, n, a, lda, x1, ix)
							ref.Dtrmv(ul, tA, d, n, a, lda, x2, ix)
							compare(t, "Dtrmv "+ctx, "x", x1, x2, 1e-13)
							x1, x2 = clone(x), clone(x)
							nat.Dtrsv(ul, tA, d, n, a, lda, x1, ix)
							ref.Dtrsv(ul, tA, d, n, a, lda, x2, ix)
							compare(t, "Dtrsv "+ctx, "x", x1, x2, 1e-12)
						}
					}
				}
			}
		}
	}
}

func TestLevel3(t *testing.T) {
	forEachGemmKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 16))
		for _, n := range l3dims {
			for _, k := range l3dims {
				for _, ul := range uplos {
					for _, tA := range transes {
						ra, ca := n, k
						if tA == blas.Trans {
							ra, ca = k, n
						}
						lda, ldc := max(1, ca)+1, max(1, n)+3
						a := randSlice(rng, max(1, (ra-1)*lda+ca))
						c := randSlice(rng, max(1, (n-1)*ldc+n))
						for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {0, -0.5}, {2, -0.5}} {
							c1, c2 := clone(c), clone(c)
							nat.Dsyrk(ul, tA, n, k, ab[0], a, lda, ab[1], c1, ldc)
							ref.Dsyrk(ul, tA, n, k, ab[0], a, lda, ab[1], c2, ldc)
							compare(t, fmt.Sprintf("Dsyrk ul=%c t=%c n=%d k=%d alpha=%v beta=%v", ul, tA, n, k, ab[0], ab[1]), "c", c1, c2, 1e-12)
						}
					}
				}
			}
		}
		for _, m := range l3dims {
			for _, n := range l3dims {
				for _, s := range sides {
					na := m
					if s == blas.Right {
						na = n
					}
					lda, ldb := max(1, na)+2, max(1, n)+1
					b := randSlice(rng, max(1, (m-1)*ldb+n))
					for _, ul := range uplos {
						a := triMatrix(rng, na, lda)
						for _, tA := range transes {
							for _, d := range diags {
								for _, alpha := range []float64{1, -0.5, 0} {
									ctx := fmt.Sprintf("s=%c ul=%c tA=%c d=%c m=%d n=%d alpha=%v", s, ul, tA, d, m, n, alpha)
									b1, b2 := clone(b), clone(b)
									nat.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b1, ldb)
									ref.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b2, ldb)
									compare(t, "Dtrmm "+ctx, "b", b1, b2, 1e-12)
									b1, b2 = clone(b), clone(b)
									nat.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b1, ldb)
									ref.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b2, ldb)
									compare(t, "Dtrsm "+ctx, "b", b1, b2, 1e-11)
								}
							}
						}
					}
				}
			}
		}
	})
}
