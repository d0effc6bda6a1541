package blastest

import (
	"fmt"
	"math"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
)

type mnk struct{ m, n, k int }

// gemmCases are the Dgemm shapes: every triple of small sizes, plus shapes
// larger than any kernel's block sizes in each dimension in turn.
func (s *suite) gemmCases() []mnk {
	var cs []mnk
	for _, m := range l3Dims {
		for _, n := range l3Dims {
			for _, k := range l3Dims {
				cs = append(cs, mnk{m, n, k})
			}
		}
	}
	cs = append(cs, mnk{64, 64, 64}, mnk{65, 67, 129})
	if !s.opt.Short {
		cs = append(cs, mnk{3, 4200, 5}, mnk{4200, 3, 5}, mnk{5, 3, 4200}, mnk{300, 257, 520})
	}
	return cs
}

func (s *suite) dgemm(t *testing.T) {
	r := s.rng(20)
	c := 0
	for _, tA := range transposes {
		for _, tB := range transposes {
			for _, sz := range s.gemmCases() {
				c++
				m, n, k := sz.m, sz.n, sz.k
				ab := alphaBetas[c%len(alphaBetas)]
				alpha, beta := ab[0], ab[1]
				pad := c % 3
				ar, ac := m, k
				if tA != blas.NoTrans {
					ar, ac = k, m
				}
				br, bc := k, n
				if tB != blas.NoTrans {
					br, bc = n, k
				}
				lda, ldb, ldc := max(1, ac)+pad, max(1, bc)+2*pad, max(1, n)+pad
				a, b, cm := newMat(r, ar, ac, lda), newMat(r, br, bc, ldb), newMat(r, m, n, ldc)
				if beta == 0 {
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							cm[i*ldc+j] = math.NaN() // must not be read
						}
					}
				}
				a0, b0, c0 := clone(a), clone(b), clone(cm)
				want, mag, wr := clone(cm), make([]float64, len(cm)), make([]bool, len(cm))
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						sum, sm := 0.0, 0.0
						for l := 0; l < k; l++ {
							p := opAt(a, lda, tA, i, l) * opAt(b, ldb, tB, l, j)
							sum += p
							sm += math.Abs(p)
						}
						q := i*ldc + j
						cv := cm[q]
						want[q], mag[q], wr[q] = alpha*sum, math.Abs(alpha)*sm, true
						if beta != 0 {
							want[q] += beta * cv
							mag[q] += math.Abs(beta * cv)
						}
					}
				}
				s.impl.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cm, ldc)
				ctx := fmt.Sprintf("tA=%s tB=%s m=%d n=%d k=%d lda=%d ldb=%d ldc=%d alpha=%v beta=%v",
					tname(tA), tname(tB), m, n, k, lda, ldb, ldc, alpha, beta)
				unchanged(t, ctx, "a", a0, a)
				unchanged(t, ctx, "b", b0, b)
				s.result(t, ctx, c0, cm, want, mag, wr, k)
			}
		}
	}
}

func (s *suite) dsyrk(t *testing.T) {
	r := s.rng(21)
	type nk struct{ n, k int }
	var cases []nk
	for _, n := range l3DimsSq {
		for _, k := range l3Dims {
			cases = append(cases, nk{n, k})
		}
	}
	if !s.opt.Short {
		cases = append(cases, nk{300, 520}, nk{5, 3000})
	}
	c := 0
	for _, ul := range uplos {
		for _, tr := range transposes {
			for _, sz := range cases {
				c++
				n, k := sz.n, sz.k
				ab := alphaBetas[c%len(alphaBetas)]
				alpha, beta := ab[0], ab[1]
				ar, ac := n, k
				if tr != blas.NoTrans {
					ar, ac = k, n
				}
				lda, ldc := max(1, ac)+c%3, max(1, n)+c%2
				a, cm := newMat(r, ar, ac, lda), newSym(r, n, ldc, ul)
				if beta == 0 {
					for i := 0; i < n; i++ {
						for j := 0; j < n; j++ {
							if !isSentinel(cm[i*ldc+j]) {
								cm[i*ldc+j] = math.NaN()
							}
						}
					}
				}
				a0, c0 := clone(a), clone(cm)
				want, mag, wr := clone(cm), make([]float64, len(cm)), make([]bool, len(cm))
				quick := n == 0 || ((alpha == 0 || k == 0) && beta == 1)
				for i := 0; i < n && !quick; i++ {
					for j := 0; j < n; j++ {
						if i != j && (ul == blas.Upper) != (j > i) {
							continue
						}
						sum, sm := 0.0, 0.0
						for l := 0; l < k; l++ {
							var p float64
							if tr == blas.NoTrans {
								p = a[i*lda+l] * a[j*lda+l]
							} else {
								p = a[l*lda+i] * a[l*lda+j]
							}
							sum += p
							sm += math.Abs(p)
						}
						q := i*ldc + j
						want[q], mag[q], wr[q] = alpha*sum, math.Abs(alpha)*sm, true
						if beta != 0 {
							want[q] += beta * cm[q]
							mag[q] += math.Abs(beta * cm[q])
						}
					}
				}
				s.impl.Dsyrk(ul, tr, n, k, alpha, a, lda, beta, cm, ldc)
				ctx := fmt.Sprintf("ul=%s t=%s n=%d k=%d lda=%d ldc=%d alpha=%v beta=%v", uname(ul), tname(tr), n, k, lda, ldc, alpha, beta)
				unchanged(t, ctx, "a", a0, a)
				s.result(t, ctx, c0, cm, want, mag, wr, k)
			}
		}
	}
}

func (s *suite) dtrmm(t *testing.T) { s.trm(t, false) }
func (s *suite) dtrsm(t *testing.T) { s.trm(t, true) }

// trm tests Dtrmm (solve == false) or Dtrsm (solve == true); solves are
// checked through their residual op(T)·X − alpha·B (or X·op(T) − alpha·B).
func (s *suite) trm(t *testing.T, solve bool) {
	r := s.rng(22)
	type mn struct{ m, n int }
	var cases []mn
	for _, m := range l3Dims {
		for _, n := range l3Dims {
			cases = append(cases, mn{m, n})
		}
	}
	if !s.opt.Short {
		cases = append(cases, mn{300, 70}, mn{70, 300})
	}
	c := 0
	for _, sd := range sides {
		for _, ul := range uplos {
			for _, tA := range transposes {
				for _, d := range diags {
					for _, sz := range cases {
						c++
						m, n := sz.m, sz.n
						alpha := []float64{1, -0.5, 0, 2}[c%4]
						k := n
						if sd == blas.Left {
							k = m
						}
						lda, ldb := max(1, k)+c%3, max(1, n)+c%2
						a, b := newTri(r, k, lda, ul, d), newMat(r, m, n, ldb)
						a0, b0 := clone(a), clone(b)
						ctx := fmt.Sprintf("s=%s ul=%s tA=%s d=%s m=%d n=%d lda=%d ldb=%d alpha=%v",
							sname(sd), uname(ul), tname(tA), dname(d), m, n, lda, ldb, alpha)
						opT := func(i, j int) float64 {
							if tA == blas.NoTrans {
								return triAt(a, lda, ul, d, i, j)
							}
							return triAt(a, lda, ul, d, j, i)
						}
						// product returns op(T)*X or X*op(T), and its magnitude, for X in x.
						product := func(x []float64) ([]float64, []float64) {
							p, mg := clone(x), make([]float64, len(x))
							for i := 0; i < m; i++ {
								for j := 0; j < n; j++ {
									sum, sm := 0.0, 0.0
									for l := 0; l < k; l++ {
										var q float64
										if sd == blas.Left {
											q = opT(i, l) * x[l*ldb+j]
										} else {
											q = x[i*ldb+l] * opT(l, j)
										}
										sum += q
										sm += math.Abs(q)
									}
									p[i*ldb+j], mg[i*ldb+j] = sum, sm
								}
							}
							return p, mg
						}
						wr := make([]bool, len(b))
						for i := 0; i < m; i++ {
							for j := 0; j < n; j++ {
								wr[i*ldb+j] = true
							}
						}
						if !solve {
							want, mag := product(b0)
							for i := range want {
								if wr[i] {
									want[i] *= alpha
									mag[i] *= math.Abs(alpha)
								}
							}
							s.impl.Dtrmm(sd, ul, tA, d, m, n, alpha, a, lda, b, ldb)
							unchanged(t, ctx, "a", a0, a)
							s.result(t, ctx, b0, b, want, mag, wr, k)
							continue
						}
						s.impl.Dtrsm(sd, ul, tA, d, m, n, alpha, a, lda, b, ldb)
						unchanged(t, ctx, "a", a0, a)
						recon, mag := product(b)
						want := clone(b0)
						for i := range want {
							if wr[i] {
								want[i] *= alpha
								mag[i] += math.Abs(want[i])
							}
						}
						// Untouched slots: recon copies b there, so result compares b with b0.
						s.result(t, ctx+" (residual)", b0, recon, want, mag, wr, k)
					}
				}
			}
		}
	}
}
