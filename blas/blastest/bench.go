package blastest

import (
	"math/rand/v2"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
)

// The Benchmark helpers time one kernel of impl with b.N calls, report
// allocations and GFLOP/s (b.ReportMetric), and are meant to be called from
// benchmark functions, for example
//
//	b.Run("backend=native/n=512", func(b *testing.B) { blastest.BenchmarkDgemm(b, native.Implementation{}, 512) })

func randSlice(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 99))
	s := make([]float64, n)
	for i := range s {
		s[i] = r.Float64()*2 - 1
	}
	return s
}

func report(b *testing.B, flopsPerOp float64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(flopsPerOp*float64(b.N)/s/1e9, "GFLOP/s")
	}
}

// BenchmarkDdot times impl.Ddot on unit-stride vectors of length n.
func BenchmarkDdot(b *testing.B, impl blas.Backend, n int) {
	x, y := randSlice(n, 1), randSlice(n, 2)
	b.ReportAllocs()
	b.ResetTimer()
	var s float64
	for i := 0; i < b.N; i++ {
		s += impl.Ddot(n, x, 1, y, 1)
	}
	b.StopTimer()
	Sink = s
	report(b, 2*float64(n))
}

// BenchmarkDaxpy times impl.Daxpy on unit-stride vectors of length n.
func BenchmarkDaxpy(b *testing.B, impl blas.Backend, n int) {
	x, y := randSlice(n, 1), randSlice(n, 2)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		impl.Daxpy(n, 1e-12, x, 1, y, 1)
	}
	b.StopTimer()
	report(b, 2*float64(n))
}

// BenchmarkDgemv times impl.Dgemv(tA, m, n) with y = A·x (beta = 0).
func BenchmarkDgemv(b *testing.B, impl blas.Backend, tA blas.Transpose, m, n int) {
	a := randSlice(m*n, 3)
	lx, ly := n, m
	if tA != blas.NoTrans {
		lx, ly = m, n
	}
	x, y := randSlice(lx, 4), randSlice(ly, 5)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		impl.Dgemv(tA, m, n, 1, a, n, x, 1, 0, y, 1)
	}
	b.StopTimer()
	report(b, 2*float64(m)*float64(n))
}

// BenchmarkDgemm times impl.Dgemm on n×n matrices, C = A·B (NoTrans, beta = 0).
func BenchmarkDgemm(b *testing.B, impl blas.Backend, n int) {
	a, bb, c := randSlice(n*n, 6), randSlice(n*n, 7), randSlice(n*n, 8)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		impl.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n)
	}
	b.StopTimer()
	report(b, 2*float64(n)*float64(n)*float64(n))
}

// Sink keeps benchmark results alive.
var Sink float64
