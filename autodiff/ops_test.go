package autodiff

import (
	"math"
	"testing"
)

func pos(lo, hi float64) func(float64) float64 {
	return func(u float64) float64 { return lo + (hi-lo)*(u+1)/2 }
}

// awayFrom0 maps u to ±[0.3, 1.3]: for ops with a kink or pole at 0.
func awayFrom0(u float64) float64 {
	if u < 0 {
		return u - 0.3
	}
	return u + 0.3
}

var unaryCases = []struct {
	name string
	f    func(tp *Tape, a V) V
	dom  func(float64) float64
}{
	{"Neg", (*Tape).Neg, any1},
	{"Exp", (*Tape).Exp, any1},
	{"Log", (*Tape).Log, pos(0.1, 3)},
	{"Log1p", (*Tape).Log1p, pos(-0.9, 3)},
	{"Expm1", (*Tape).Expm1, any1},
	{"Sqrt", (*Tape).Sqrt, pos(0.1, 3)},
	{"Square", (*Tape).Square, any1},
	{"Reciprocal", (*Tape).Reciprocal, awayFrom0},
	{"Abs", (*Tape).Abs, awayFrom0},
	{"Tanh", (*Tape).Tanh, any1},
	{"Sigmoid", (*Tape).Sigmoid, pos(-8, 8)},
	{"LogSigmoid", (*Tape).LogSigmoid, pos(-30, 30)},
	{"Softplus", (*Tape).Softplus, pos(-30, 30)},
	{"Relu", (*Tape).Relu, awayFrom0},
	{"Log1mexp", (*Tape).Log1mexp, pos(-5, -0.05)},
	{"Sin", (*Tape).Sin, any1},
	{"Cos", (*Tape).Cos, any1},
	{"Sinh", (*Tape).Sinh, any1},
	{"Cosh", (*Tape).Cosh, any1},
	{"Atan", (*Tape).Atan, any1},
	{"Atanh", (*Tape).Atanh, pos(-0.9, 0.9)},
	{"Logit", (*Tape).Logit, pos(0.05, 0.95)},
	{"Lgamma", (*Tape).Lgamma, pos(0.1, 8)},
	{"LgammaNeg", (*Tape).Lgamma, pos(-2.9, -2.1)},
	{"Digamma", (*Tape).Digamma, pos(0.2, 8)},
	{"Trigamma", (*Tape).Trigamma, pos(0.3, 8)},
	{"Erf", (*Tape).Erf, any1},
	{"Erfc", (*Tape).Erfc, pos(-2, 4)},
	{"LogNdtr", (*Tape).LogNdtr, pos(-30, 6)},
	{"Ndtri", (*Tape).Ndtri, pos(0.01, 0.99)},
	{"AddConst", func(tp *Tape, a V) V { return tp.AddConst(a, 1.5) }, any1},
	{"MulConst", func(tp *Tape, a V) V { return tp.MulConst(a, -2.5) }, any1},
	{"PowConst", func(tp *Tape, a V) V { return tp.PowConst(a, 1.7) }, pos(0.2, 3)},
	{"PowConst2", func(tp *Tape, a V) V { return tp.PowConst(a, 2) }, any1},
	{"PowConstHalf", func(tp *Tape, a V) V { return tp.PowConst(a, 0.5) }, pos(0.2, 3)},
	{"PowConstInv", func(tp *Tape, a V) V { return tp.PowConst(a, -1) }, pos(0.2, 3)},
	{"RPowConst", func(tp *Tape, a V) V { return tp.RPowConst(2.5, a) }, any1},
	{"Clamp", func(tp *Tape, a V) V { return tp.Clamp(a, -0.5, 0.6) }, func(u float64) float64 {
		// keep away from the bounds: ±[0, 0.4] inside, beyond outside
		return 2.2*u + 0.05*math.Copysign(1, u)
	}},
	{"Floor", (*Tape).Floor, func(u float64) float64 { return math.Floor(3*u) + 0.5 + 0.3*u }},
}

func TestGradUnary(t *testing.T) {
	r := newRand(10)
	for _, c := range unaryCases {
		for _, s := range [][]int{nil, {5}, {2, 3}} {
			// x·f(x)-style use keeps the op's output and input both in play
			gradCheck(t, c.name+" "+shapeName(s), func(tp *Tape, x []V) V { return c.f(tp, x[0]) }, rin(r, c.dom, s...))
		}
	}
	// far tails of the stable ops
	gradCheck(t, "LogNdtr tail", func(tp *Tape, x []V) V { return tp.LogNdtr(x[0]) }, gcIn{[]int{4}, []float64{-25, -38, -21, -19.5}})
	gradCheck(t, "Softplus tail", func(tp *Tape, x []V) V { return tp.Softplus(x[0]) }, gcIn{[]int{4}, []float64{-40, 40, -700, 36}})
	gradCheck(t, "LogSigmoid tail", func(tp *Tape, x []V) V { return tp.LogSigmoid(x[0]) }, gcIn{[]int{4}, []float64{-40, 40, -700, 36}})
}

var binaryShapes = [][2][]int{
	{nil, nil}, {nil, {3, 4}}, {{3, 4}, nil}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {4}}, {{4}, {2, 3, 4}}, {{2, 3}, {2, 3}}, {{2, 1, 3}, {4, 1}},
}

func TestGradBinary(t *testing.T) {
	r := newRand(11)
	cases := []struct {
		name   string
		f      func(tp *Tape, a, b V) V
		da, db func(float64) float64
	}{
		{"Add", (*Tape).Add, any1, any1},
		{"Sub", (*Tape).Sub, any1, any1},
		{"Mul", (*Tape).Mul, any1, any1},
		{"Div", (*Tape).Div, any1, awayFrom0},
		{"Pow", (*Tape).Pow, pos(0.2, 3), any1},
		{"LogAddExp", (*Tape).LogAddExp, pos(-5, 5), pos(-5, 5)},
		{"Xlogy", (*Tape).Xlogy, any1, pos(0.1, 3)},
		{"Maximum", (*Tape).Maximum, any1, any1},
		{"Minimum", (*Tape).Minimum, any1, any1},
		{"Atan2", (*Tape).Atan2, any1, awayFrom0},
		{"Lbeta", (*Tape).Lbeta, pos(0.2, 6), pos(0.2, 6)},
		{"BernoulliLogitsLogProb", (*Tape).BernoulliLogitsLogProb, pos(0, 1), pos(-30, 30)},
	}
	for _, c := range cases {
		for _, s := range binaryShapes {
			gradCheck(t, c.name+" "+shapeName(s[0])+"⊕"+shapeName(s[1]), func(tp *Tape, x []V) V { return c.f(tp, x[0], x[1]) },
				rin(r, c.da, s[0]...), rin(r, c.db, s[1]...))
		}
	}
	// one side constant
	gradCheck(t, "Mul const", func(tp *Tape, x []V) V { return tp.Mul(x[0], tp.Const([]int{4}, []float64{1, 2, 3, 4})) }, rin(r, any1, 3, 4))
	gradCheck(t, "Div const", func(tp *Tape, x []V) V { return tp.Div(tp.Const([]int{3, 1}, []float64{1, 2, 3}), x[0]) }, rin(r, awayFrom0, 4))
}

func TestGradTernary(t *testing.T) {
	r := newRand(12)
	for _, s := range [][3][]int{
		{nil, nil, nil}, {{3, 4}, nil, nil}, {nil, {3, 1}, {1, 4}}, {{2, 3, 4}, {4}, {3, 1}}, {{5}, {5}, {5}},
		{nil, {5}, {5}}, {{5}, nil, {5}}, {{5}, {5}, nil}, {nil, nil, {5}}, {{1}, {5}, nil},
	} {
		gradCheck(t, "NormalLogProb "+shapeName(s[0])+shapeName(s[1])+shapeName(s[2]), func(tp *Tape, x []V) V {
			return tp.NormalLogProb(x[0], x[1], x[2])
		}, rin(r, any1, s[0]...), rin(r, any1, s[1]...), rin(r, pos(0.3, 2), s[2]...))
		cond := rin(r, any1, s[0]...)
		for i, v := range cond.data {
			cond.data[i] = math.Max(0, math.Copysign(1, v))
		}
		gradCheck(t, "Where "+shapeName(s[0])+shapeName(s[1])+shapeName(s[2]), func(tp *Tape, x []V) V {
			return tp.Where(tp.Const(cond.shape, cond.data), x[0], x[1])
		}, rin(r, any1, s[1]...), rin(r, any1, s[2]...))
	}
	// Detach stops the gradient (finite differences cannot see that).
	tp := NewTape()
	a := tp.Param([]int{2}, []float64{3, 4})
	b := tp.Param([]int{2}, []float64{5, 6})
	tp.Backward(tp.Sum(tp.Mul(a, tp.Add(tp.Detach(b), b))))
	closeSlices(t, "detach grad", b.Grad(), []float64{3, 4}, 0)
}

// TestWhereNoLeak: NaN or Inf in the branch not taken reaches neither the
// value nor the gradient.
func TestWhereNoLeak(t *testing.T) {
	tp := NewTape()
	x := tp.Param([]int{3}, []float64{-1, 0, 2})
	y := tp.Where(tp.Const([]int{3}, []float64{0, 0, 1}), tp.Log(x), tp.Square(x))
	tp.Backward(tp.Sum(y))
	closeSlices(t, "where value", y.Data(), []float64{1, 0, math.Log(2)}, 1e-15)
	closeSlices(t, "where grad", x.Grad(), []float64{-2, 0, 0.5}, 1e-15)
}

func TestUnaryEdgeValues(t *testing.T) {
	tp := NewTape()
	x := tp.Param([]int{4}, []float64{-40, 40, -1000, 1000})
	tp.Backward(tp.Sum(tp.Softplus(x)))
	closeSlices(t, "softplus grad", x.Grad(), []float64{math.Exp(-40), 1, 0, 1}, 1e-12)
	tp.Reset()
	x = tp.Param([]int{3}, []float64{40, -40, 0})
	tp.Backward(tp.Sum(tp.LogSigmoid(x)))
	closeSlices(t, "logsigmoid grad", x.Grad(), []float64{math.Exp(-40), 1, 0.5}, 1e-12)
	if g := x.Grad()[0]; g == 0 || math.Abs(g-math.Exp(-40)) > 1e-25 {
		t.Fatalf("logsigmoid grad at 40 lost precision: %v", g)
	}
	tp.Reset()
	// Abs and Relu at 0: derivative 0
	z := tp.ParamScalar(0)
	tp.Backward(tp.Add(tp.Abs(z), tp.Relu(z)))
	if g := z.Grad()[0]; g != 0 {
		t.Fatalf("Abs+Relu gradient at 0 = %v", g)
	}
}
