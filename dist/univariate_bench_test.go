package dist

import (
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

const uvBenchN = 1 << 20 // ~1e6

func uvBenchData() (x []float64) {
	x = make([]float64, uvBenchN)
	r := NewRNG(1)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

// BenchmarkNormalLogProb1M: Normal(0.3, 1.7).LogProb over 2^20 values
// (constant value, scalar parameters) on a warm tape.
func BenchmarkNormalLogProb1M(b *testing.B) {
	x := uvBenchData()
	tp := ad.NewTape()
	b.ReportAllocs()
	b.SetBytes(8 * uvBenchN)
	for i := 0; i < b.N; i++ {
		tp.Reset()
		d := Normal(tp.Scalar(0.3), tp.Scalar(1.7))
		d.LogProb(tp.ConstRef([]int{uvBenchN}, x))
	}
}

var uvSink float64

// BenchmarkNormalLogProb1MPlainGo is the floor: the same formula in a plain
// Go loop writing to a preallocated slice.
func BenchmarkNormalLogProb1MPlainGo(b *testing.B) {
	x := uvBenchData()
	out := make([]float64, uvBenchN)
	b.ReportAllocs()
	b.SetBytes(8 * uvBenchN)
	for i := 0; i < b.N; i++ {
		loc, scale := 0.3, 1.7
		c := math.Log(scale) + 0.5*math.Log(2*math.Pi)
		inv := 1 / scale
		for j, v := range x {
			z := (v - loc) * inv
			out[j] = -0.5*z*z - c
		}
	}
	uvSink = out[0]
}

// BenchmarkNormalLogProbGrad1M: LogProb, Sum and Backward with loc and
// scale as parameters.
func BenchmarkNormalLogProbGrad1M(b *testing.B) {
	x := uvBenchData()
	tp := ad.NewTape()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tp.Reset()
		d := Normal(tp.ParamScalar(0.3), tp.ParamScalar(1.7))
		tp.Backward(tp.Sum(d.LogProb(tp.ConstRef([]int{uvBenchN}, x))))
	}
}

// BenchmarkGammaLogProb1M: a fused univariate kernel (Gamma's saddle-point
// form) over 2^20 values.
func BenchmarkGammaLogProb1M(b *testing.B) {
	x := uvBenchData()
	for i := range x {
		x[i] = math.Abs(x[i]) + 0.1
	}
	tp := ad.NewTape()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tp.Reset()
		d := Gamma(tp.Scalar(2.5), tp.Scalar(1.5))
		d.LogProb(tp.ConstRef([]int{uvBenchN}, x))
	}
}

// BenchmarkPoissonLogProb1M: Poisson counts through the saddle-point kernel.
func BenchmarkPoissonLogProb1M(b *testing.B) {
	x := uvBenchData()
	for i := range x {
		x[i] = math.Floor(math.Abs(x[i]) * 10)
	}
	tp := ad.NewTape()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tp.Reset()
		d := Poisson(tp.Scalar(7.5))
		d.LogProb(tp.ConstRef([]int{uvBenchN}, x))
	}
}

// BenchmarkNormalSample1M and BenchmarkGammaSample1M draw 2^20 values
// through the distributions.
func BenchmarkNormalSample1M(b *testing.B) {
	tp := ad.NewTape()
	rng := NewRNG(2)
	ss := []int{uvBenchN}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tp.Reset()
		Normal(tp.Scalar(0.3), tp.Scalar(1.7)).Sample(rng, ss...)
	}
}

func BenchmarkGammaSample1M(b *testing.B) {
	tp := ad.NewTape()
	rng := NewRNG(2)
	ss := []int{uvBenchN}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tp.Reset()
		Gamma(tp.Scalar(2.5), tp.Scalar(1.5)).Sample(rng, ss...)
	}
}

func BenchmarkGammaSmallSample1M(b *testing.B) {
	tp := ad.NewTape()
	rng := NewRNG(2)
	ss := []int{uvBenchN}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tp.Reset()
		Gamma(tp.Scalar(0.3), tp.Scalar(1.5)).Sample(rng, ss...)
	}
}

// BenchmarkGammaLogProbGrad1M: Gamma LogProb + Sum + Backward with both
// parameters differentiated (the fused kernel's partials and the gradient
// injection).
func BenchmarkGammaLogProbGrad1M(b *testing.B) {
	x := uvBenchData()
	for i := range x {
		x[i] = math.Abs(x[i]) + 0.1
	}
	tp := ad.NewTape()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tp.Reset()
		d := Gamma(tp.ParamScalar(2.5), tp.ParamScalar(1.5))
		tp.Backward(tp.Sum(d.LogProb(tp.ConstRef([]int{uvBenchN}, x))))
	}
}
