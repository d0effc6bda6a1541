package autodiff

import (
	"math"
	"testing"
)

// WithPartials with a caller-computed value and partials matches the same
// function built from elementwise ops, value and gradient, with
// broadcasting (x: (3,2), a: (2,), b: scalar).
func TestWithPartialsMatchesComposite(t *testing.T) {
	xd := []float64{0.3, -1.2, 2.0, 0.7, -0.4, 1.1}
	ad := []float64{0.5, -0.25}
	bd := 1.7
	// f = sin(x·a) + b·x²
	composite := func(tp *Tape) (V, V, V, V) {
		x := tp.Param([]int{3, 2}, xd)
		a := tp.Param([]int{2}, ad)
		b := tp.ParamScalar(bd)
		return tp.Add(tp.Sin(tp.Mul(x, a)), tp.Mul(b, tp.Square(x))), x, a, b
	}
	fused := func(tp *Tape) (V, V, V, V) {
		x := tp.Param([]int{3, 2}, xd)
		a := tp.Param([]int{2}, ad)
		b := tp.ParamScalar(bd)
		ins := [MaxPartialInputs]V{x, a, b}
		v, val, p := tp.WithPartials([]int{3, 2}, &ins, 3)
		for i := range val {
			xi, ai := xd[i], ad[i%2]
			val[i] = math.Sin(xi*ai) + bd*xi*xi
			p[0][i] = math.Cos(xi*ai)*ai + 2*bd*xi
			p[1][i] = math.Cos(xi*ai) * xi
			p[2][i] = xi * xi
		}
		return v, x, a, b
	}
	t1, t2 := NewTape(), NewTape()
	o1, x1, a1, b1 := composite(t1)
	o2, x2, a2, b2 := fused(t2)
	for i := range o1.Data() {
		if math.Abs(o1.Data()[i]-o2.Data()[i]) > 1e-15 {
			t.Fatalf("value[%d] %v vs %v", i, o1.Data()[i], o2.Data()[i])
		}
	}
	t1.Backward(t1.Sum(o1))
	t2.Backward(t2.Sum(o2))
	for _, pair := range [][2]V{{x1, x2}, {a1, a2}, {b1, b2}} {
		g1, g2 := pair[0].Grad(), pair[1].Grad()
		for i := range g1 {
			if math.Abs(g1[i]-g2[i]) > 1e-13 {
				t.Fatalf("gradient mismatch %v vs %v", g1, g2)
			}
		}
	}
	// steady state allocates nothing
	tp := NewTape()
	run := func() {
		tp.Reset()
		o, _, _, _ := fused(tp)
		tp.Backward(tp.Sum(o))
	}
	run()
	if a := testing.AllocsPerRun(50, run); a != 0 {
		t.Fatalf("allocs %v", a)
	}
}

// A 0-d ConstRef (and a scalar view of external data) must read the right
// value in every scalar fast path.
func TestScalarConstRef(t *testing.T) {
	tp := NewTape()
	a := tp.ConstRef(nil, []float64{0.4})
	if got := tp.Sub(a, tp.Scalar(0.5)).Value(); math.Abs(got+0.1) > 1e-15 {
		t.Fatalf("ConstRef scalar - 0.5 = %v", got)
	}
	b := tp.Reshape(tp.ConstRef([]int{1}, []float64{2.5}))
	if got := tp.Mul(b, tp.Scalar(2)).Value(); got != 5 {
		t.Fatalf("scalar view of external data * 2 = %v", got)
	}
	lp := tp.NormalLogProb(a, tp.Scalar(0), tp.Scalar(1)).Value()
	if want := -0.5*0.16 - 0.91893853320467274178; math.Abs(lp-want) > 1e-15 {
		t.Fatalf("NormalLogProb at ConstRef scalar = %v, want %v", lp, want)
	}
}

func TestAddNAndMulAdd(t *testing.T) {
	tp := NewTape()
	a, b, c := tp.ParamScalar(1.5), tp.ParamScalar(-2), tp.ParamScalar(0.25)
	s := tp.AddN([]V{a, tp.Square(b), c, a})
	if got := s.Value(); got != 1.5+4+0.25+1.5 {
		t.Fatalf("AddN = %v", got)
	}
	m := tp.MulAdd(a, b, c)
	if got := m.Value(); got != 1.5*-2+0.25 {
		t.Fatalf("MulAdd = %v", got)
	}
	tp.Backward(tp.Add(s, tp.MulConst(m, 3)))
	// d/da = 2 + 3b, d/db = 2b + 3a, d/dc = 1 + 3
	if ga, gb, gc := a.Grad()[0], b.Grad()[0], c.Grad()[0]; ga != 2+3*-2.0 || gb != 2*-2.0+3*1.5 || gc != 4 {
		t.Fatalf("gradients %v %v %v", ga, gb, gc)
	}
	// tensors fall back to pairwise broadcasting
	x := tp.Const([]int{2}, []float64{1, 2})
	if got := tp.AddN([]V{x, tp.Scalar(1)}).Data(); got[0] != 2 || got[1] != 3 {
		t.Fatalf("tensor AddN %v", got)
	}
	if got := tp.MulAdd(x, tp.Scalar(2), tp.Scalar(1)).Data(); got[0] != 3 || got[1] != 5 {
		t.Fatalf("tensor MulAdd %v", got)
	}
}
