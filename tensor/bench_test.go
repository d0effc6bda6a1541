package tensor

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

var benchSizes = []int{1, 8, 1000, 1000000}

func benchData(n int) []float64 {
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, n)
	for i := range x {
		x[i] = r.Float64() + 0.5
	}
	return x
}

// BenchmarkApplyBinary: raw kernel, contiguous same-shape operands, a scalar
// operand, and a row broadcast [n/8, 8] op [8].
func BenchmarkApplyBinary(b *testing.B) {
	for _, op := range []BinaryOp{OpAdd, OpMul} {
		for _, n := range benchSizes {
			x, y, out := benchData(n), benchData(n), make([]float64, n)
			shape := []int{n}
			b.Run(op.String()+"/same/n="+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(int64(24 * n))
				for b.Loop() {
					ApplyBinary(op, out, shape, x, shape, y, shape)
				}
			})
			s := []float64{2}
			b.Run(op.String()+"/scalar/n="+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(int64(16 * n))
				for b.Loop() {
					ApplyBinary(op, out, shape, x, shape, s, nil)
				}
			})
			if n >= 8 {
				m := []int{n / 8, 8}
				row := []int{8}
				b.Run(op.String()+"/row/n="+strconv.Itoa(n), func(b *testing.B) {
					b.SetBytes(int64(16 * n))
					for b.Loop() {
						ApplyBinary(op, out, m, x, m, y[:8], row)
					}
				})
				wide := []int{8, n / 8}
				col := []int{8, 1}
				b.Run(op.String()+"/col/n="+strconv.Itoa(n), func(b *testing.B) {
					b.SetBytes(int64(16 * n))
					for b.Loop() {
						ApplyBinary(op, out, wide, x, wide, y[:8], col)
					}
				})
			}
		}
	}
}

// BenchmarkDenseAddInto: Dense operands into an arena destination.
func BenchmarkDenseAddInto(b *testing.B) {
	for _, n := range benchSizes {
		x, y := New([]int{n}, benchData(n)), New([]int{n}, benchData(n))
		var a Arena
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Reset()
				t := a.Uninit(n)
				_ = AddInto(t, x, y)
			}
		})
	}
	for _, n := range []int{1000, 1000000} {
		x := New([]int{n / 8, 8}, benchData(n))
		y := New([]int{8}, benchData(8))
		var a Arena
		b.Run("rowbcast/n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Reset()
				t := a.Uninit(n/8, 8)
				_ = MulInto(t, x, y)
			}
		})
	}
}

// BenchmarkSumTo: the gradient of broadcasting, to a row [8], a column
// [n/8, 1] and a scalar.
func BenchmarkSumTo(b *testing.B) {
	for _, n := range benchSizes[1:] {
		src := benchData(n)
		full := []int{n / 8, 8}
		row, col := make([]float64, 8), make([]float64, n/8)
		sc := make([]float64, 1)
		b.Run("row/n="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				SumTo(row, []int{8}, src, full)
			}
		})
		b.Run("col/n="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				SumTo(col, []int{n / 8, 1}, src, full)
			}
		})
		b.Run("scalar/n="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				SumTo(sc, nil, src, full)
			}
		})
	}
	b.Run("same/n=1", func(b *testing.B) {
		x, y := []float64{1}, []float64{0}
		for b.Loop() {
			SumTo(y, nil, x, nil)
		}
	})
}

// BenchmarkReduceAxes: last-axis LogSumExp and Sum over rows of [n/8, 8].
func BenchmarkReduceAxes(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		src := benchData(n)
		shape := []int{n / 8, 8}
		dst := make([]float64, n/8)
		for _, op := range []ReduceOp{ReduceSum, ReduceLogSumExp} {
			b.Run(op.String()+"/n="+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					ReduceAxes(op, dst, src, shape, 2)
				}
			})
		}
	}
}

// BenchmarkMatMul: Dense n×n products into an arena destination, and the
// raw batched kernel.
func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{64, 256} {
		x, y := New([]int{n, n}, benchData(n*n)), New([]int{n, n}, benchData(n*n))
		var a Arena
		b.Run("Dense/n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Reset()
				_ = MatMulInto(a.Uninit(n, n), x, y)
			}
		})
		xt := x.T()
		b.Run("DenseTransposed/n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Reset()
				_ = MatMulInto(a.Uninit(n, n), xt, y)
			}
		})
		out := make([]float64, n*n)
		sh := []int{n, n}
		b.Run("Raw/n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				MatMulRaw(out, x.Data(), sh, y.Data(), sh, false, false, false)
			}
		})
	}
}

//go:noinline
func callFloor(op BinaryOp, out []float64, outShape []int, a []float64, aShape []int, b []float64, bShape []int) {
	out[0] = a[0] + b[0]
}

// BenchmarkApplyBinaryFloor is the floor for BenchmarkApplyBinary at n=1: a
// non-inlined call with ApplyBinary's signature that only adds. Compare the
// two in one run (timings on a shared machine drift).
func BenchmarkApplyBinaryFloor(b *testing.B) {
	x, y, o := []float64{1}, []float64{2}, []float64{0}
	sh := []int{1}
	b.Run("floor", func(b *testing.B) {
		for b.Loop() {
			callFloor(OpAdd, o, sh, x, sh, y, sh)
		}
	})
	b.Run("ApplyBinary", func(b *testing.B) {
		for b.Loop() {
			ApplyBinary(OpAdd, o, sh, x, sh, y, sh)
		}
	})
	b.Run("ApplyBinary0d", func(b *testing.B) {
		for b.Loop() {
			ApplyBinary(OpAdd, o, nil, x, nil, y, nil)
		}
	})
	b.Run("SumTo0d", func(b *testing.B) {
		for b.Loop() {
			SumTo(o, nil, x, nil)
		}
	})
}
