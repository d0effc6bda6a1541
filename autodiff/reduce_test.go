package autodiff

import (
	"math"
	"testing"
)

func TestReduceValues(t *testing.T) {
	tp := NewTape()
	// shape (2, 3)
	a := tp.Const([]int{2, 3}, []float64{1, 5, 2, 7, -1, 7})
	check := func(name string, v V, shape []int, want []float64) {
		t.Helper()
		if !shapesEqual(v.Shape(), shape) {
			t.Fatalf("%s: shape %v, want %v", name, v.Shape(), shape)
		}
		closeSlices(t, name, v.Data(), want, 1e-14)
	}
	check("SumAxis0", tp.SumAxis(a, 0, false), []int{3}, []float64{8, 4, 9})
	check("SumAxis1 keep", tp.SumAxis(a, -1, true), []int{2, 1}, []float64{8, 13})
	check("SumAxes all", tp.SumAxes(a, false), nil, []float64{21})
	check("SumAxes all keep", tp.SumAxes(a, true, 0, 1), []int{1, 1}, []float64{21})
	check("Mean", tp.Mean(a), nil, []float64{3.5})
	check("MeanAxis", tp.MeanAxis(a, 1, false), []int{2}, []float64{8.0 / 3, 13.0 / 3})
	check("Prod", tp.ProdAxis(a, 0, false), []int{3}, []float64{7, -5, 14})
	check("Max", tp.MaxAxis(a, 1, false), []int{2}, []float64{5, 7})
	check("Max all", tp.Max(a), nil, []float64{7})
	lse := math.Log(math.Exp(1) + math.Exp(5) + math.Exp(2))
	closeSlices(t, "LSE", tp.LogSumExpAxis(a, 1, false).sliceData(0, 1), []float64{lse}, 1e-14)
	check("CumSum0", tp.CumSum(a, 0), []int{2, 3}, []float64{1, 5, 2, 8, 4, 9})
	check("CumSum1", tp.CumSum(a, 1), []int{2, 3}, []float64{1, 6, 8, 7, 6, 13})
	inf := math.Inf(1)
	b := tp.Const([]int{2, 2}, []float64{-inf, -inf, inf, 0})
	check("LSE inf", tp.LogSumExpAxis(b, 1, false), []int{2}, []float64{-inf, inf})
	c := tp.Const([]int{3}, []float64{1, math.NaN(), 2})
	if !math.IsNaN(tp.Max(c).Value()) {
		t.Fatalf("Max with NaN is not NaN")
	}
	// empty axis
	expectError(t, "MaxAxes", func() { tp.MaxAxis(tp.Const([]int{2, 0}, nil), 1, false) })
	check("Sum empty", tp.SumAxis(tp.Const([]int{2, 0}, nil), 1, false), []int{2}, []float64{0, 0})
}

// slice of a V's data for check
func (v V) sliceData(i, j int) []float64 { return v.Data()[i:j] }

func TestMaxGradientFirstArgmax(t *testing.T) {
	tp := NewTape()
	x := tp.Param([]int{2, 3}, []float64{3, 1, 3, 0, 2, 2})
	tp.Backward(tp.MaxAxis(x, 1, false))
	closeSlices(t, "max grad", x.Grad(), []float64{1, 0, 0, 0, 1, 0}, 0)
	// LSE of all -Inf has zero gradient, no NaN
	tp.Reset()
	y := tp.Param([]int{2}, []float64{math.Inf(-1), math.Inf(-1)})
	tp.Backward(tp.LogSumExp(y))
	closeSlices(t, "lse -inf grad", y.Grad(), []float64{0, 0}, 0)
	// Prod with zeros
	tp.Reset()
	z := tp.Param([]int{4}, []float64{2, 0, 3, 5})
	tp.Backward(tp.Prod(z))
	closeSlices(t, "prod one zero", z.Grad(), []float64{0, 30, 0, 0}, 0)
	tp.Reset()
	z = tp.Param([]int{3}, []float64{0, 0, 3})
	tp.Backward(tp.Prod(z))
	closeSlices(t, "prod two zeros", z.Grad(), []float64{0, 0, 0}, 0)
}

func TestGradReduce(t *testing.T) {
	r := newRand(3)
	type red struct {
		name string
		f    func(tp *Tape, a V) V
	}
	reds := []red{
		{"Sum", func(tp *Tape, a V) V { return tp.Sum(a) }},
		{"SumAxis0", func(tp *Tape, a V) V { return tp.SumAxis(a, 0, false) }},
		{"SumAxisLastKeep", func(tp *Tape, a V) V { return tp.SumAxis(a, -1, true) }},
		{"Mean", func(tp *Tape, a V) V { return tp.Mean(a) }},
		{"MeanAxis", func(tp *Tape, a V) V { return tp.MeanAxis(a, 0, true) }},
		{"ProdAxis", func(tp *Tape, a V) V { return tp.ProdAxis(a, -1, false) }},
		{"Prod", func(tp *Tape, a V) V { return tp.Prod(a) }},
		{"MaxAxis", func(tp *Tape, a V) V { return tp.MaxAxis(a, 0, false) }},
		{"Max", func(tp *Tape, a V) V { return tp.Max(a) }},
		{"LogSumExpAxis", func(tp *Tape, a V) V { return tp.LogSumExpAxis(a, -1, false) }},
		{"LogSumExp", func(tp *Tape, a V) V { return tp.LogSumExp(a) }},
		{"CumSum0", func(tp *Tape, a V) V { return tp.CumSum(a, 0) }},
		{"CumSumLast", func(tp *Tape, a V) V { return tp.CumSum(a, -1) }},
	}
	for _, rd := range reds {
		for _, s := range [][]int{{5}, {2, 3}, {2, 3, 4}} {
			gradCheck(t, rd.name+" "+shapeName(s), func(tp *Tape, x []V) V { return rd.f(tp, x[0]) }, rin(r, any1, s...))
		}
	}
	// multi-axis forms on (2, 3, 4)
	for _, ax := range [][]int{{0, 2}, {1}, {-1, 0}, {0, 1, 2}} {
		ax := ax
		for _, kd := range []bool{false, true} {
			gradCheck(t, "SumAxes", func(tp *Tape, x []V) V { return tp.SumAxes(x[0], kd, ax...) }, rin(r, any1, 2, 3, 4))
			gradCheck(t, "MeanAxes", func(tp *Tape, x []V) V { return tp.MeanAxes(x[0], kd, ax...) }, rin(r, any1, 2, 3, 4))
			gradCheck(t, "ProdAxes", func(tp *Tape, x []V) V { return tp.ProdAxes(x[0], kd, ax...) }, rin(r, any1, 2, 3, 4))
			gradCheck(t, "MaxAxes", func(tp *Tape, x []V) V { return tp.MaxAxes(x[0], kd, ax...) }, rin(r, any1, 2, 3, 4))
			gradCheck(t, "LogSumExpAxes", func(tp *Tape, x []V) V { return tp.LogSumExpAxes(x[0], kd, ax...) }, rin(r, any1, 2, 3, 4))
		}
	}
	// scalar input passes through
	gradCheck(t, "Sum scalar", func(tp *Tape, x []V) V { return tp.LogSumExp(tp.Mul(x[0], x[0])) }, rin(r, any1))
}

func TestReduceErrors(t *testing.T) {
	tp := NewTape()
	a := tp.Const([]int{2, 3}, nil)
	expectError(t, "SumAxes", func() { tp.SumAxis(a, 2, false) })
	expectError(t, "SumAxes", func() { tp.SumAxes(a, false, 0, 0) })
	expectError(t, "MeanAxes", func() { tp.MeanAxis(a, -3, false) })
	expectError(t, "CumSum", func() { tp.CumSum(tp.Scalar(1), 0) })
	expectError(t, "SumAxes", func() { tp.SumAxis(tp.Scalar(1), 0, false) })
}
