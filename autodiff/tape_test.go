package autodiff

import (
	"math"
	"testing"
)

// kitchenSink records a graph that uses most op families on a flat
// parameter x of length 24, returning a scalar.
var ksIndex = []int{2, 0, 1, 1}

func kitchenSink(tp *Tape, x V) V {
	A := tp.Reshape(tp.Slice(x, 0, 12), 3, 4)
	B := tp.Reshape(tp.Slice(x, 12, 24), 4, 3)
	C := tp.MatMul(A, B) // 3×3
	S := tp.Add(tp.MatMul(C, tp.Transpose(C)), tp.Const([]int{3, 3}, []float64{5, 0, 0, 0, 5, 0, 0, 0, 5}))
	L := tp.Cholesky(S)
	v := tp.CholeskySolve(L, tp.SumAxis(A, 1, false))
	lp := tp.Sub(tp.Sum(tp.Square(v)), tp.LogDetChol(L))
	lp = tp.Add(lp, tp.Sum(tp.LogSumExpAxis(A, 0, false)))
	lp = tp.Add(lp, tp.Sum(tp.MaxAxis(B, -1, true)))
	lp = tp.Add(lp, tp.Mean(tp.CumSum(tp.Tanh(B), 0)))
	lp = tp.Add(lp, tp.Sum(tp.Softplus(tp.Concat(1, A, tp.SliceAxis(A, 1, 1, 3)))))
	st := tp.Stack(0, tp.Index(x, 3), tp.Index(x, 5), tp.Sigmoid(tp.Index(x, 7)))
	lp = tp.Add(lp, tp.Dot(st, st))
	lp = tp.Add(lp, tp.Sum(tp.IndexSelect(B, 0, ksIndex)))
	lp = tp.Add(lp, tp.Sum(tp.Lgamma(tp.AddConst(tp.Square(tp.Gather(A, 1, ksIndex[:3])), 1))))
	lp = tp.Add(lp, tp.Sum(tp.NormalLogProb(A, tp.Scalar(0), tp.Scalar(2))))
	lp = tp.Add(lp, tp.Sum(tp.Outer(tp.Slice(x, 0, 3), tp.Slice(x, 3, 5))))
	return lp
}

func ksPoint() []float64 {
	x := make([]float64, 24)
	for i := range x {
		x[i] = math.Sin(float64(i)*1.3) * 0.8
	}
	return x
}

func TestRerunBitIdenticalAndNoAllocs(t *testing.T) {
	x := ksPoint()
	tp := NewTape()
	g1, g2 := make([]float64, len(x)), make([]float64, len(x))
	v1 := ValueAndGrad(tp, kitchenSink, x, g1)
	// gradient is right
	fd := centralDiff(func(x []float64) float64 {
		return ValueAndGrad(NewTape(), kitchenSink, x, make([]float64, len(x)))
	}, x, 1e-6)
	for i := range x {
		if math.Abs(g1[i]-fd[i]) > 1e-6*(1+math.Abs(fd[i])) {
			t.Errorf("grad[%d] = %v, finite difference %v", i, g1[i], fd[i])
		}
	}
	for run := 0; run < 3; run++ {
		v2 := ValueAndGrad(tp, kitchenSink, x, g2)
		if math.Float64bits(v2) != math.Float64bits(v1) {
			t.Fatalf("rerun %d value %v != %v", run, v2, v1)
		}
		for i := range g1 {
			if math.Float64bits(g1[i]) != math.Float64bits(g2[i]) {
				t.Fatalf("rerun %d grad[%d] %v != %v", run, i, g2[i], g1[i])
			}
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { ValueAndGrad(tp, kitchenSink, x, g2) }); allocs != 0 {
		t.Errorf("warm forward+backward allocates %v times per run, want 0", allocs)
	}
}

// scalarChain records n scalar ops (a mix of binary, unary and constant
// ops) on two scalar parameters.
func scalarChain(tp *Tape, x V, n int) V {
	a, b := tp.Index(x, 0), tp.Index(x, 1)
	y := a
	for i := 0; i < n; i += 4 {
		y = tp.Mul(y, b)
		y = tp.Tanh(y)
		y = tp.Add(y, a)
		y = tp.MulConst(y, 1.01)
	}
	return y
}

func chain100(tp *Tape, x V) V { return scalarChain(tp, x, 100) }

func TestScalarChain(t *testing.T) {
	x := []float64{0.3, 0.9}
	g := make([]float64, 2)
	tp := NewTape()
	ValueAndGrad(tp, chain100, x, g)
	fd := centralDiff(func(x []float64) float64 { return ValueAndGrad(NewTape(), chain100, x, make([]float64, 2)) }, x, 1e-6)
	for i := range g {
		if math.Abs(g[i]-fd[i]) > 1e-6*(1+math.Abs(fd[i])) {
			t.Errorf("grad[%d] = %v, finite difference %v", i, g[i], fd[i])
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { ValueAndGrad(tp, chain100, x, g) }); allocs != 0 {
		t.Errorf("allocates %v per run", allocs)
	}
}

// BenchmarkScalarChain100: forward+backward of a chain of 100 scalar ops
// (plus the two Index ops and ParamVec); ns/op divided by 100 is the cost
// per op, reported as ns/scalar-op.
func BenchmarkScalarChain100(b *testing.B) {
	x := []float64{0.3, 0.9}
	g := make([]float64, 2)
	tp := NewTape()
	ValueAndGrad(tp, chain100, x, g)
	b.ReportAllocs()
	for b.Loop() {
		ValueAndGrad(tp, chain100, x, g)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/scalar-op")
}

func BenchmarkKitchenSink(b *testing.B) {
	x := ksPoint()
	g := make([]float64, len(x))
	tp := NewTape()
	ValueAndGrad(tp, kitchenSink, x, g)
	b.ReportAllocs()
	for b.Loop() {
		ValueAndGrad(tp, kitchenSink, x, g)
	}
}

// chain100Arith is a chain of 100 arithmetic-only scalar ops (Mul, Add,
// MulConst, AddConst): the tape's per-op overhead without any math
// library call.
func chain100Arith(tp *Tape, x V) V {
	a, b := tp.Index(x, 0), tp.Index(x, 1)
	y := a
	for i := 0; i < 100; i += 4 {
		y = tp.Mul(y, b)
		y = tp.AddConst(y, 0.1)
		y = tp.Add(y, a)
		y = tp.MulConst(y, 0.5)
	}
	return y
}

func BenchmarkScalarChain100Arith(b *testing.B) {
	x := []float64{0.3, 0.9}
	g := make([]float64, 2)
	tp := NewTape()
	ValueAndGrad(tp, chain100Arith, x, g)
	b.ReportAllocs()
	for b.Loop() {
		ValueAndGrad(tp, chain100Arith, x, g)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/scalar-op")
}
