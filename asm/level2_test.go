package asm

import (
	"fmt"
	"math"
	"testing"
)

// naiveGemv is the reference: y = alpha*op(A)*x + beta*y with beta == 0
// overwriting, accumulating in a plain loop.
func naiveGemv(trans bool, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) (want, mag []float64) {
	rows, cols := m, n
	if trans {
		rows, cols = n, m
	}
	want = make([]float64, rows)
	mag = make([]float64, rows)
	for i := 0; i < rows; i++ {
		var s, sm float64
		for j := 0; j < cols; j++ {
			var aij float64
			if trans {
				aij = a[j*lda+i]
			} else {
				aij = a[i*lda+j]
			}
			s += aij * x[j]
			sm += math.Abs(aij * x[j])
		}
		want[i] = alpha * s
		mag[i] = math.Abs(alpha) * sm
		if beta != 0 {
			want[i] += beta * y[i]
			mag[i] += math.Abs(beta * y[i])
		}
	}
	return want, mag
}

func testGemv(t *testing.T, trans bool) {
	kernel := "DgemvN"
	f := DgemvN
	if trans {
		kernel, f = "DgemvT", DgemvT
	}
	forEachImpl(t, kernel, func(t *testing.T) {
		r := newRand(7)
		dims := []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 50, 64, 100}
		for _, m := range dims {
			for _, n := range dims {
				for _, extra := range []int{0, 3} {
					lda := n + extra
					if lda == 0 {
						lda = 1
					}
					for _, ab := range [][2]float64{{1, 0}, {0.7, 1}, {-1.3, 0.5}, {0, 2}, {2, 1}} {
						alpha, beta := ab[0], ab[1]
						lenA := 0
						if m > 0 && n > 0 {
							lenA = (m-1)*lda + n
						}
						a, _ := guarded(lenA, extra%8, nan)
						randFill(r, a)
						// padding inside lda must not be read: poison it
						for i := 0; i < m; i++ {
							for j := n; j < lda && i*lda+j < len(a); j++ {
								a[i*lda+j] = nan
							}
						}
						xl, yl := n, m
						if trans {
							xl, yl = m, n
						}
						x, xb := guarded(xl, 1, nan)
						y, yb := guarded(yl, 2, nan)
						randFill(r, x)
						if beta == 0 {
							for i := range y {
								y[i] = nan // must not propagate
							}
						} else {
							randFill(r, y)
						}
						want, mag := naiveGemv(trans, m, n, alpha, a, lda, x, beta, y)
						f(m, n, alpha, a, lda, x, beta, y)
						for i := range y {
							if !closeSum(y[i], want[i], max(m, n)+2, mag[i]) {
								t.Fatalf("m=%d n=%d lda=%d alpha=%v beta=%v: y[%d]=%v want %v", m, n, lda, alpha, beta, i, y[i], want[i])
							}
						}
						checkGuards(t, "x", xb, guardLen+1, guardLen+1+xl, nan)
						checkGuards(t, "y", yb, guardLen+2, guardLen+2+yl, nan)
					}
				}
			}
		}
	})
}

func TestDgemvN(t *testing.T) { testGemv(t, false) }
func TestDgemvT(t *testing.T) { testGemv(t, true) }

func TestDgemvPanics(t *testing.T) {
	a := make([]float64, 12)
	x := make([]float64, 4)
	y := make([]float64, 4)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"lda", func() { DgemvN(3, 4, 1, a, 3, x, 0, y) }},
		{"len(a)", func() { DgemvN(4, 4, 1, a, 4, x, 0, y) }},
		{"len(x)", func() { DgemvN(3, 4, 1, a, 4, x[:3], 0, y) }},
		{"len(y)", func() { DgemvT(3, 4, 1, a, 4, x, 0, y[:3]) }},
		{"m < 0", func() { DgemvT(-1, 4, 1, a, 4, x, 0, y) }},
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", c.name)
					return
				}
				if s := fmt.Sprint(r); len(s) < 10 || s[:4] != "asm:" {
					t.Errorf("%s: panic message %q does not name the routine", c.name, s)
				}
			}()
			c.f()
		}()
	}
}
