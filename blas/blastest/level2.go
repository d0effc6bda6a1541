package blastest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
)

// opAt returns op(A)[i][j] for a row-major A with leading dimension ld.
func opAt(a []float64, ld int, t blas.Transpose, i, j int) float64 {
	if t == blas.NoTrans {
		return a[i*ld+j]
	}
	return a[j*ld+i]
}

// triAt returns T[i][j] of the triangular matrix stored in a: zero outside
// the ul triangle, one on a unit diagonal (neither slot is read).
func triAt(a []float64, ld int, ul blas.Uplo, d blas.Diag, i, j int) float64 {
	switch {
	case i == j && d == blas.Unit:
		return 1
	case i == j:
		return a[i*ld+j]
	case (ul == blas.Upper) == (j > i):
		return a[i*ld+j]
	}
	return 0
}

// newTri returns an n×n triangular matrix, well conditioned for solves:
// off-diagonal entries in [-1, 1)/n, diagonal in [1, 2). The other triangle,
// and the diagonal when d == Unit, hold sentinels.
func newTri(r *rand.Rand, n, ld int, ul blas.Uplo, d blas.Diag) []float64 {
	a := newMat(r, n, n, ld)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			switch {
			case i == j && d == blas.Unit:
				a[i*ld+j] = sentinel
			case i == j:
				a[i*ld+j] = 1 + r.Float64()
			case (ul == blas.Upper) == (j > i):
				a[i*ld+j] /= float64(n)
			default:
				a[i*ld+j] = sentinel
			}
		}
	}
	return a
}

// newSym returns an n×n matrix with only the ul triangle (diagonal included)
// set; the other triangle holds sentinels.
func newSym(r *rand.Rand, n, ld int, ul blas.Uplo) []float64 {
	a := newMat(r, n, n, ld)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j && (ul == blas.Upper) != (j > i) {
				a[i*ld+j] = sentinel
			}
		}
	}
	return a
}

func symAt(a []float64, ld int, ul blas.Uplo, i, j int) float64 {
	if i != j && (ul == blas.Upper) != (j > i) {
		i, j = j, i
	}
	return a[i*ld+j]
}

var l2Incs = [][2]int{{1, 1}, {2, 3}, {-1, 1}, {1, -2}, {-3, -1}}

func (s *suite) dgemv(t *testing.T) {
	r := s.rng(10)
	c := 0
	for _, tA := range transposes {
		for _, m := range l2Dims {
			for _, n := range l2Dims {
				for _, inc := range l2Incs {
					for _, pad := range []int{0, 3} {
						c++
						ab := alphaBetas[c%len(alphaBetas)]
						alpha, beta := ab[0], ab[1]
						lda := max(1, n) + pad
						lx, ly := n, m
						if tA != blas.NoTrans {
							lx, ly = m, n
						}
						a, x, y := newMat(r, m, n, lda), newVec(r, lx, inc[0]), newVec(r, ly, inc[1])
						if beta == 0 && m > 0 && n > 0 {
							for i := 0; i < ly; i++ {
								y[vidx(i, ly, inc[1])] = math.NaN() // must not be read
							}
						}
						a0, x0, y0 := clone(a), clone(x), clone(y)
						want, mag := make([]float64, ly), make([]float64, ly)
						for i := 0; i < ly; i++ {
							yi := y[vidx(i, ly, inc[1])]
							if m == 0 || n == 0 {
								want[i] = yi // quick return: y untouched
								continue
							}
							sum, sm := 0.0, 0.0
							for j := 0; j < lx; j++ {
								p := opAt(a, lda, tA, i, j) * x[vidx(j, lx, inc[0])]
								sum += p
								sm += math.Abs(p)
							}
							want[i] = alpha * sum
							mag[i] = math.Abs(alpha) * sm
							if beta != 0 {
								want[i] += beta * yi
								mag[i] += math.Abs(beta * yi)
							}
						}
						s.impl.Dgemv(tA, m, n, alpha, a, lda, x, inc[0], beta, y, inc[1])
						ctx := fmt.Sprintf("tA=%s m=%d n=%d lda=%d incX=%d incY=%d alpha=%v beta=%v", tname(tA), m, n, lda, inc[0], inc[1], alpha, beta)
						unchanged(t, ctx, "a", a0, a)
						unchanged(t, ctx, "x", x0, x)
						s.l1Out(t, ctx, y0, y, ly, inc[1], want, mag, lx)
					}
				}
			}
		}
	}
}

func (s *suite) dger(t *testing.T) {
	r := s.rng(11)
	c := 0
	for _, m := range l2Dims {
		for _, n := range l2Dims {
			for _, inc := range l2Incs {
				for _, pad := range []int{0, 2} {
					c++
					alpha := []float64{1, -0.5, 0}[c%3]
					lda := max(1, n) + pad
					a, x, y := newMat(r, m, n, lda), newVec(r, m, inc[0]), newVec(r, n, inc[1])
					a0, x0, y0 := clone(a), clone(x), clone(y)
					want, mag, wr := clone(a), make([]float64, len(a)), make([]bool, len(a))
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							k := i*lda + j
							p := alpha * x[vidx(i, m, inc[0])] * y[vidx(j, n, inc[1])]
							want[k] += p
							mag[k] = math.Abs(a[k]) + math.Abs(p)
							wr[k] = true
						}
					}
					s.impl.Dger(m, n, alpha, x, inc[0], y, inc[1], a, lda)
					ctx := fmt.Sprintf("m=%d n=%d lda=%d incX=%d incY=%d alpha=%v", m, n, lda, inc[0], inc[1], alpha)
					unchanged(t, ctx, "x", x0, x)
					unchanged(t, ctx, "y", y0, y)
					s.result(t, ctx, a0, a, want, mag, wr, 1)
				}
			}
		}
	}
}

func (s *suite) dsymv(t *testing.T) {
	r := s.rng(12)
	c := 0
	for _, ul := range uplos {
		for _, n := range l2Dims {
			for _, inc := range l2Incs {
				for _, pad := range []int{0, 3} {
					c++
					ab := alphaBetas[c%len(alphaBetas)]
					alpha, beta := ab[0], ab[1]
					lda := max(1, n) + pad
					a, x, y := newSym(r, n, lda, ul), newVec(r, n, inc[0]), newVec(r, n, inc[1])
					if beta == 0 {
						for i := 0; i < n; i++ {
							y[vidx(i, n, inc[1])] = math.NaN()
						}
					}
					a0, x0, y0 := clone(a), clone(x), clone(y)
					want, mag := make([]float64, n), make([]float64, n)
					for i := 0; i < n; i++ {
						sum, sm := 0.0, 0.0
						for j := 0; j < n; j++ {
							p := symAt(a, lda, ul, i, j) * x[vidx(j, n, inc[0])]
							sum += p
							sm += math.Abs(p)
						}
						want[i], mag[i] = alpha*sum, math.Abs(alpha)*sm
						if beta != 0 {
							yi := y[vidx(i, n, inc[1])]
							want[i] += beta * yi
							mag[i] += math.Abs(beta * yi)
						}
					}
					s.impl.Dsymv(ul, n, alpha, a, lda, x, inc[0], beta, y, inc[1])
					ctx := fmt.Sprintf("ul=%s n=%d lda=%d incX=%d incY=%d alpha=%v beta=%v", uname(ul), n, lda, inc[0], inc[1], alpha, beta)
					unchanged(t, ctx, "a", a0, a)
					unchanged(t, ctx, "x", x0, x)
					s.l1Out(t, ctx, y0, y, n, inc[1], want, mag, n)
				}
			}
		}
	}
}

func (s *suite) dtrmv(t *testing.T) { s.trv(t, false) }
func (s *suite) dtrsv(t *testing.T) { s.trv(t, true) }

// trv tests Dtrmv (solve == false) or Dtrsv (solve == true); solves are
// checked through their residual.
func (s *suite) trv(t *testing.T, solve bool) {
	r := s.rng(13)
	dims := append(append([]int(nil), l2Dims...), 130)
	for _, ul := range uplos {
		for _, tA := range transposes {
			for _, d := range diags {
				for _, n := range dims {
					for _, inc := range []int{1, 2, -1, -3} {
						lda := max(1, n) + n%3
						a, x := newTri(r, n, lda, ul, d), newVec(r, n, inc)
						a0, x0 := clone(a), clone(x)
						ctx := fmt.Sprintf("ul=%s tA=%s d=%s n=%d lda=%d incX=%d", uname(ul), tname(tA), dname(d), n, lda, inc)
						var opT = func(i, j int) float64 {
							if tA == blas.NoTrans {
								return triAt(a, lda, ul, d, i, j)
							}
							return triAt(a, lda, ul, d, j, i)
						}
						// product returns op(T)*v and Σ|op(T)||v| for v given by element.
						product := func(v func(int) float64) ([]float64, []float64) {
							p, m := make([]float64, n), make([]float64, n)
							for i := 0; i < n; i++ {
								for j := 0; j < n; j++ {
									q := opT(i, j) * v(j)
									p[i] += q
									m[i] += math.Abs(q)
								}
							}
							return p, m
						}
						if !solve {
							want, mag := product(func(j int) float64 { return x0[vidx(j, n, inc)] })
							s.impl.Dtrmv(ul, tA, d, n, a, lda, x, inc)
							unchanged(t, ctx, "a", a0, a)
							s.l1Out(t, ctx, x0, x, n, inc, want, mag, n)
							continue
						}
						s.impl.Dtrsv(ul, tA, d, n, a, lda, x, inc)
						unchanged(t, ctx, "a", a0, a)
						recon, mag := product(func(j int) float64 { return x[vidx(j, n, inc)] })
						rs := clone(x)
						want := make([]float64, n)
						for i := 0; i < n; i++ {
							rs[vidx(i, n, inc)] = recon[i]
							want[i] = x0[vidx(i, n, inc)]
							mag[i] += math.Abs(want[i])
						}
						s.l1Out(t, ctx+" (residual)", x0, rs, n, inc, want, mag, n)
					}
				}
			}
		}
	}
}
