package asm

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var benchSizes = []int{16, 256, 4096, 1000000}

// benchImpls runs f as a sub-benchmark per supported implementation of kernel.
func benchImpls(b *testing.B, kernel string, f func(b *testing.B)) {
	for _, im := range ImplsOf(kernel) {
		if !im.Supported {
			continue
		}
		b.Run(im.Name, func(b *testing.B) {
			restore, err := Select(kernel, im.Name)
			if err != nil {
				b.Fatal(err)
			}
			defer restore()
			f(b)
		})
	}
}

var sink float64
var sinkInt int

func benchVec(n int) []float64 {
	x := make([]float64, n)
	randFill(newRand(uint64(n)), x)
	return x
}

func BenchmarkDdotUnitary(b *testing.B) {
	for _, n := range benchSizes {
		x, y := benchVec(n), benchVec(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchImpls(b, "DdotUnitary", func(b *testing.B) {
				b.SetBytes(int64(16 * n))
				for b.Loop() {
					sink = DdotUnitary(x, y)
				}
			})
			b.Run("gonum", func(b *testing.B) {
				b.SetBytes(int64(16 * n))
				for b.Loop() {
					sink = gonum.Implementation{}.Ddot(n, x, 1, y, 1)
				}
			})
		})
	}
}

func BenchmarkDaxpyUnitary(b *testing.B) {
	for _, n := range benchSizes {
		x, y := benchVec(n), benchVec(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchImpls(b, "DaxpyUnitary", func(b *testing.B) {
				b.SetBytes(int64(24 * n))
				for b.Loop() {
					DaxpyUnitary(1e-9, x, y)
				}
			})
			b.Run("gonum", func(b *testing.B) {
				b.SetBytes(int64(24 * n))
				for b.Loop() {
					gonum.Implementation{}.Daxpy(n, 1e-9, x, 1, y, 1)
				}
			})
		})
	}
}

func BenchmarkDgemv(b *testing.B) {
	for _, sz := range [][2]int{{100, 100}, {1000, 1000}, {10000, 50}} {
		m, n := sz[0], sz[1]
		a := benchVec(m * n)
		for _, tr := range []bool{false, true} {
			kernel, f, g := "DgemvN", DgemvN, "N"
			xl, yl := n, m
			if tr {
				kernel, f, g = "DgemvT", DgemvT, "T"
				xl, yl = m, n
			}
			x, y := benchVec(xl), benchVec(yl)
			b.Run(fmt.Sprintf("%s/%dx%d", g, m, n), func(b *testing.B) {
				benchImpls(b, kernel, func(b *testing.B) {
					b.SetBytes(int64(8 * m * n))
					for b.Loop() {
						f(m, n, 1, a, n, x, 0.5, y)
					}
				})
				tb := blasNoTrans
				if tr {
					tb = blasTrans
				}
				b.Run("gonum", func(b *testing.B) {
					b.SetBytes(int64(8 * m * n))
					for b.Loop() {
						gonum.Implementation{}.Dgemv(tb, m, n, 1, a, n, x, 1, 0.5, y, 1)
					}
				})
			})
		}
	}
}

const (
	blasNoTrans = blas.NoTrans
	blasTrans   = blas.Trans
)

func BenchmarkVmath(b *testing.B) {
	const n = 10000
	x := benchVec(n)
	for i := range x {
		x[i] *= 20
	}
	xpos := make([]float64, n)
	for i := range x {
		xpos[i] = math.Abs(x[i]) + 1e-3
	}
	dst := make([]float64, n)
	for _, c := range []struct {
		kernel string
		f      func(dst, x []float64)
		ref    func(float64) float64
		in     []float64
	}{
		{"Exp", Exp, math.Exp, x},
		{"Log", Log, math.Log, xpos},
		{"Log1p", Log1p, math.Log1p, xpos},
		{"Softplus", Softplus, mathSoftplus, x},
		{"Sigmoid", Sigmoid, mathSigmoid, x},
	} {
		b.Run(c.kernel, func(b *testing.B) {
			benchImpls(b, c.kernel, func(b *testing.B) {
				b.SetBytes(8 * n)
				for b.Loop() {
					c.f(dst, c.in)
				}
			})
			b.Run("mathloop", func(b *testing.B) {
				b.SetBytes(8 * n)
				for b.Loop() {
					for i, v := range c.in {
						dst[i] = c.ref(v)
					}
				}
			})
		})
	}
}
