package transforms

import (
	"math"
	"math/rand/v2"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"gonum.org/v1/gonum/mat"
)

// A test case: p is a flat vector holding x (the first nx values) and the
// transform's parameters; build slices p into the transform and x.
type tcase struct {
	name   string
	p      []float64
	nx     int
	build  func(t *ad.Tape, p ad.V) (Transform, ad.V)
	free   []float64                 // free coordinates of x (nil: all of x)
	inFree func([]float64) []float64 // free coordinates → x data
	outFre func([]float64) []float64 // y data → its free coordinates (nil: all)
	tol    float64                   // log-det tolerance (default 1e-6)
}

func sl(t *ad.Tape, p ad.V, a, b int, shape ...int) ad.V {
	v := t.Slice(p, a, b)
	if shape == nil {
		return t.Reshape(v)
	}
	return t.Reshape(v, shape...)
}

func fixed(tr Transform, shape ...int) func(*ad.Tape, ad.V) (Transform, ad.V) {
	return func(t *ad.Tape, p ad.V) (Transform, ad.V) {
		n := 1
		for _, d := range shape {
			n *= d
		}
		return tr, sl(t, p, 0, n, shape...)
	}
}

func randn(r *rand.Rand, n int, s float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = s * r.NormFloat64()
	}
	return x
}

// lower-triangle helpers for n×n row-major matrices
func fromIncl(n int, v []float64) []float64 {
	m := make([]float64, n*n)
	k := 0
	for r := 0; r < n; r++ {
		for c := 0; c <= r; c++ {
			m[r*n+c] = v[k]
			k++
		}
	}
	return m
}

func toIncl(n int, m []float64) []float64 {
	var v []float64
	for r := 0; r < n; r++ {
		for c := 0; c <= r; c++ {
			v = append(v, m[r*n+c])
		}
	}
	return v
}

func toStrict(n int, m []float64) []float64 {
	var v []float64
	for r := 0; r < n; r++ {
		for c := 0; c < r; c++ {
			v = append(v, m[r*n+c])
		}
	}
	return v
}

// corrFromStrict builds a correlation Cholesky factor from its strictly
// lower entries (rows completed to unit norm on the diagonal).
func corrFromStrict(n int, v []float64) []float64 {
	m := make([]float64, n*n)
	k := 0
	for r := 0; r < n; r++ {
		s := 0.0
		for c := 0; c < r; c++ {
			m[r*n+c] = v[k]
			s += v[k] * v[k]
			k++
		}
		m[r*n+r] = math.Sqrt(1 - s)
	}
	return m
}

func cases() []tcase {
	r := rand.New(rand.NewPCG(1, 2))
	posDiag := func(n int) []float64 {
		v := randn(r, n*(n+1)/2, 0.5)
		for i, k := 0, 0; i < n; i++ {
			k += i
			v[k] = 0.5 + math.Abs(v[k])
			k++
		}
		return v
	}
	pd3 := posDiag(3)
	L3 := fromIncl(3, pd3)
	corrFree := []float64{0.3, -0.2, 0.4, 0.1, -0.5, 0.2}
	cs := []tcase{
		{name: "Exp", p: randn(r, 5, 2), nx: 5, build: fixed(Exp, 5)},
		{name: "Sigmoid", p: randn(r, 5, 3), nx: 5, build: fixed(Sigmoid, 5)},
		{name: "Tanh", p: randn(r, 5, 1), nx: 5, build: fixed(Tanh, 5)},
		{name: "Softplus", p: randn(r, 5, 3), nx: 5, build: fixed(Softplus, 5)},
		{name: "Identity", p: randn(r, 3, 1), nx: 3, build: fixed(Identity, 3)},
		{name: "AffineConst", p: randn(r, 4, 1), nx: 4, build: fixed(AffineConst(1.5, -2.5, 0), 4)},
		{name: "AffineV", p: append(randn(r, 4, 1), 0.3, -0.7, 1.2, 2, -3), nx: 4,
			build: func(t *ad.Tape, p ad.V) (Transform, ad.V) {
				return Affine(sl(t, p, 4, 5), sl(t, p, 5, 9, 4), 0), sl(t, p, 0, 4, 4)
			}},
		{name: "AffineV/event1", p: append(randn(r, 6, 1), 0.3, -0.7, 1.2, 2, -3, 0.5), nx: 6,
			build: func(t *ad.Tape, p ad.V) (Transform, ad.V) {
				return Affine(sl(t, p, 6, 9, 3), sl(t, p, 9, 12, 3), 1), sl(t, p, 0, 6, 2, 3)
			}},
		{name: "PowerConst", p: []float64{0.5, 1.5, 3}, nx: 3, build: fixed(PowerConst(2.5), 3)},
		{name: "PowerV", p: []float64{0.5, 1.5, 3, -0.7}, nx: 3,
			build: func(t *ad.Tape, p ad.V) (Transform, ad.V) { return Power(sl(t, p, 3, 4)), sl(t, p, 0, 3, 3) }},
		{name: "Bounded(float interval)", p: randn(r, 4, 2), nx: 4, build: fixed(mustBiject(constraints.Interval(-2, 5)), 4)},
		{name: "Bounded(float greater_than)", p: randn(r, 4, 2), nx: 4, build: fixed(mustBiject(constraints.GreaterThan(3)), 4)},
		{name: "Bounded(float less_than)", p: randn(r, 4, 2), nx: 4, build: fixed(mustBiject(constraints.LessThan(-1)), 4)},
		{name: "Bounded(tensor interval)", p: append(randn(r, 6, 2), -1, 0.5, 2, 3, 4, 5.5), nx: 6,
			build: func(t *ad.Tape, p ad.V) (Transform, ad.V) {
				c := constraints.IntervalV(sl(t, p, 6, 9, 3), sl(t, p, 9, 12, 3))
				tr, _ := BijectTo(&c)
				return tr, sl(t, p, 0, 6, 2, 3)
			}},
		{name: "Bounded(tensor greater_than_eq)", p: append(randn(r, 3, 2), -1, 0.5, 2), nx: 3,
			build: func(t *ad.Tape, p ad.V) (Transform, ad.V) {
				c := constraints.GreaterThanEqV(sl(t, p, 3, 6, 3))
				tr, _ := BijectTo(&c)
				return tr, sl(t, p, 0, 3, 3)
			}},
		{name: "Bounded(tensor less_than)", p: append(randn(r, 3, 2), -1), nx: 3,
			build: func(t *ad.Tape, p ad.V) (Transform, ad.V) {
				c := constraints.LessThanV(sl(t, p, 3, 4))
				tr, _ := BijectTo(&c)
				return tr, sl(t, p, 0, 3, 3)
			}},
		{name: "StickBreaking", p: randn(r, 4, 1), nx: 4, build: fixed(StickBreaking, 4),
			outFre: func(y []float64) []float64 { return y[:4] }},
		{name: "Ordered", p: randn(r, 5, 1), nx: 5, build: fixed(Ordered, 5)},
		{name: "PositiveOrdered", p: randn(r, 4, 1), nx: 4, build: fixed(positiveOrdered, 4)},
		{name: "Permute", p: randn(r, 4, 1), nx: 4, build: fixed(Permute([]int{2, 0, 3, 1}), 4)},
		{name: "DiscreteCosine", p: randn(r, 6, 1), nx: 6, build: fixed(DiscreteCosine, 6)},
		{name: "LowerCholesky", nx: 9, build: fixed(LowerCholesky, 3, 3), free: randn(r, 6, 1),
			inFree: func(v []float64) []float64 { return fromIncl(3, v) },
			outFre: func(y []float64) []float64 { return toIncl(3, y) }},
		{name: "SoftplusLowerCholesky", nx: 9, build: fixed(SoftplusLowerCholesky, 3, 3), free: randn(r, 6, 1),
			inFree: func(v []float64) []float64 { return fromIncl(3, v) },
			outFre: func(y []float64) []float64 { return toIncl(3, y) }},
		{name: "UnitLowerCholesky", nx: 9, build: fixed(UnitLowerCholesky, 3, 3), free: randn(r, 3, 1),
			inFree: func(v []float64) []float64 {
				return []float64{0, 0, 0, v[0], 0, 0, v[1], v[2], 0}
			},
			outFre: func(y []float64) []float64 { return toStrict(3, y) }},
		{name: "LowerCholeskyVec", p: randn(r, 10, 1), nx: 10, build: fixed(LowerCholeskyVec, 10),
			outFre: func(y []float64) []float64 { return toIncl(4, y) }},
		{name: "CorrLCholesky", p: randn(r, 6, 1), nx: 6, build: fixed(CorrLCholesky, 6),
			outFre: func(y []float64) []float64 { return toStrict(4, y) }},
		{name: "CorrLCholesky(n=2)", p: randn(r, 1, 1), nx: 1, build: fixed(CorrLCholesky, 1),
			outFre: func(y []float64) []float64 { return toStrict(2, y) }},
		{name: "CholeskyOuter", nx: 9, build: fixed(CholeskyOuter, 3, 3), free: pd3,
			inFree: func(v []float64) []float64 { return fromIncl(3, v) },
			outFre: func(y []float64) []float64 { return toIncl(3, y) }},
		{name: "CorrCholeskyOuter", nx: 16, build: fixed(CorrCholeskyOuter, 4, 4), free: corrFree,
			inFree: func(v []float64) []float64 { return corrFromStrict(4, v) },
			outFre: func(y []float64) []float64 { return toStrict(4, y) }},
		{name: "PositiveDefinite", nx: 9, build: fixed(positiveDefinite, 3, 3), free: randn(r, 6, 1),
			inFree: func(v []float64) []float64 { return fromIncl(3, v) },
			outFre: func(y []float64) []float64 { return toIncl(3, y) }},
		{name: "CorrMatrix", p: randn(r, 6, 1), nx: 6, build: fixed(corrMatrix, 6),
			outFre: func(y []float64) []float64 { return toStrict(4, y) }},
		{name: "LowerCholeskyAffine", p: append(append(randn(r, 3, 1), 0.5, -1, 2), L3...), nx: 3,
			build: func(t *ad.Tape, p ad.V) (Transform, ad.V) {
				return LowerCholeskyAffine(sl(t, p, 3, 6, 3), sl(t, p, 6, 15, 3, 3)), sl(t, p, 0, 3, 3)
			}},
		{name: "Compose(Exp, Affine, Sigmoid-inverse)", p: randn(r, 3, 0.5), nx: 3,
			build: fixed(Compose(Tanh, AffineConst(0.5, 0.25, 0), Inverse(Sigmoid)), 3)},
		{name: "Inverse(Exp)", p: []float64{0.5, 2, 7}, nx: 3, build: fixed(Inverse(Exp), 3)},
		{name: "Independent(Sigmoid, 1)", p: randn(r, 6, 1), nx: 6, build: fixed(Independent(Sigmoid, 1), 2, 3)},
	}
	for i := range cs {
		c := &cs[i]
		if c.free != nil {
			x := c.inFree(c.free)
			c.p = append(x, c.p...)
		}
	}
	return cs
}

func mustBiject(c constraints.Constraint) Transform {
	tr, err := BijectTo(c)
	if err != nil {
		panic(err)
	}
	return tr
}

// eval runs Forward and LogAbsDetJacobian at p on a fresh tape.
func eval(c tcase, p []float64) (x, y []float64, ladj float64) {
	t := ad.NewTape()
	pv := t.ParamVec(p)
	tr, xv := c.build(t, pv)
	yv := tr.Forward(xv)
	l := t.Sum(tr.LogAbsDetJacobian(xv, yv))
	return append([]float64(nil), xv.Data()...), append([]float64(nil), yv.Data()...), l.Value()
}

func TestRoundTrip(t *testing.T) {
	for _, c := range cases() {
		tp := ad.NewTape()
		pv := tp.ParamVec(c.p)
		tr, xv := c.build(tp, pv)
		yv := tr.Forward(xv)
		xb := tr.Inverse(yv)
		x, got := xv.Data(), xb.Data()
		if c.name == "LowerCholesky" || c.name == "SoftplusLowerCholesky" || c.name == "UnitLowerCholesky" {
			// the upper triangle is dropped: compare the lower one
			x, got = toIncl(3, x), toIncl(3, got)
			if c.name == "UnitLowerCholesky" {
				x, got = toStrict(3, xv.Data()), toStrict(3, xb.Data())
			}
		}
		if len(got) != len(x) {
			t.Errorf("%s: inverse has %d values, want %d", c.name, len(got), len(x))
			continue
		}
		for i := range x {
			if math.Abs(got[i]-x[i]) > 1e-9*(1+math.Abs(x[i])) {
				t.Errorf("%s: Inverse(Forward(x))[%d] = %v, want %v", c.name, i, got[i], x[i])
				break
			}
		}
		// codomain check and shapes
		if ok, bad := tr.Codomain().Check(yv.Data(), yv.Shape()); !ok {
			t.Errorf("%s: Forward(x) outside %s at %d: %v", c.name, tr.Codomain().Name(), bad, yv.Data())
		}
		fs, err := tr.ForwardShape(xv.Shape())
		if err != nil || !shapeEq(fs.Slice(), yv.Shape()) {
			t.Errorf("%s: ForwardShape(%v) = %v, %v; y has %v", c.name, xv.Shape(), fs.Slice(), err, yv.Shape())
		}
		is, err := tr.InverseShape(yv.Shape())
		if err != nil || !shapeEq(is.Slice(), xv.Shape()) {
			t.Errorf("%s: InverseShape(%v) = %v, %v; x has %v", c.name, yv.Shape(), is.Slice(), err, xv.Shape())
		}
		// LogAbsDetJacobian has the batch shape
		l := tr.LogAbsDetJacobian(xv, yv)
		ed := tr.Domain().EventDim()
		if want := xv.Shape()[:len(xv.Shape())-ed]; !shapeEq(l.Shape(), want) {
			t.Errorf("%s: log-det shape %v, want %v", c.name, l.Shape(), want)
		}
		// the fused path agrees
		y2, l2 := ForwardWithLogDet(tr, xv)
		if !close(y2.Data(), yv.Data(), 1e-12) || !close(l2.Data(), l.Data(), 1e-12) {
			t.Errorf("%s: ForwardWithLogDet disagrees", c.name)
		}
	}
}

func close(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol*(1+math.Abs(b[i])) {
			return false
		}
	}
	return true
}

// TestLogDetJacobian compares LogAbsDetJacobian with log|det| of a
// central-difference Jacobian on the free coordinates.
func TestLogDetJacobian(t *testing.T) {
	for _, c := range cases() {
		free := c.free
		if free == nil {
			free = c.p[:c.nx]
		}
		params := c.p[c.nx:]
		g := func(f []float64) []float64 {
			x := f
			if c.inFree != nil {
				x = c.inFree(f)
			}
			p := append(append([]float64(nil), x...), params...)
			_, y, _ := eval(c, p)
			if c.outFre != nil {
				return c.outFre(y)
			}
			return y
		}
		y0 := g(free)
		if len(y0) != len(free) {
			t.Fatalf("%s: %d free outputs for %d free inputs", c.name, len(y0), len(free))
		}
		n := len(free)
		J := mat.NewDense(n, n, nil)
		for j := 0; j < n; j++ {
			h := 1e-6 * (1 + math.Abs(free[j]))
			fp := append([]float64(nil), free...)
			fm := append([]float64(nil), free...)
			fp[j] += h
			fm[j] -= h
			yp, ym := g(fp), g(fm)
			for i := 0; i < n; i++ {
				J.Set(i, j, (yp[i]-ym[i])/(2*h))
			}
		}
		var lu mat.LU
		lu.Factorize(J)
		want, _ := lu.LogDet()
		_, _, got := eval(c, c.p)
		tol := c.tol
		if tol == 0 {
			tol = 1e-6
		}
		if math.Abs(got-want) > tol*(1+math.Abs(want)) {
			t.Errorf("%s: log|det J| = %.10g, numerical %.10g", c.name, got, want)
		}
	}
}

// TestGradients checks the tape gradient of Σ w·Forward(x) + LADJ(x) with
// respect to x and the transform's parameters against central differences.
func TestGradients(t *testing.T) {
	for _, c := range cases() {
		r := rand.New(rand.NewPCG(3, 4))
		_, y0, _ := eval(c, c.p)
		w := randn(r, len(y0), 1)
		f := func(tp *ad.Tape, p ad.V) ad.V {
			tr, xv := c.build(tp, p)
			y, l := ForwardWithLogDet(tr, xv)
			wy := tp.Sum(tp.Mul(y, tp.Const(y.Shape(), w)))
			return tp.Add(wy, tp.Sum(l))
		}
		tp := ad.NewTape()
		grad := make([]float64, len(c.p))
		ad.ValueAndGrad(tp, f, c.p, grad)
		for i := range c.p {
			h := 1e-6 * (1 + math.Abs(c.p[i]))
			pp := append([]float64(nil), c.p...)
			pm := append([]float64(nil), c.p...)
			pp[i] += h
			pm[i] -= h
			g2 := make([]float64, len(c.p))
			vp := ad.ValueAndGrad(ad.NewTape(), f, pp, g2)
			vm := ad.ValueAndGrad(ad.NewTape(), f, pm, g2)
			num := (vp - vm) / (2 * h)
			if c.inFree != nil && !inFreeCoord(c, i) {
				continue // coordinates the map ignores (upper triangle, corr diagonal)
			}
			if math.Abs(grad[i]-num) > 1e-5*(1+math.Abs(num)) {
				t.Errorf("%s: gradient[%d] = %.8g, numerical %.8g", c.name, i, grad[i], num)
			}
		}
	}
}

// inFreeCoord reports whether data index i of x is one of the free
// coordinates the case perturbs (for inFree cases, only those are
// meaningful: the map ignores or constrains the others).
func inFreeCoord(c tcase, i int) bool {
	if i >= c.nx {
		return true
	}
	n := int(math.Sqrt(float64(c.nx)))
	r, col := i/n, i%n
	switch c.name {
	case "CorrCholeskyOuter", "UnitLowerCholesky":
		return col < r
	}
	return col <= r
}

func TestBijectToLandsInside(t *testing.T) {
	tp := ad.NewTape()
	lo := tp.Const([]int{3}, []float64{-1, 0, 100})
	hi := tp.Const([]int{3}, []float64{-0.5, 1e-3, 1e4})
	iv := constraints.IntervalV(lo, hi)
	gv := constraints.GreaterThanV(lo)
	lv := constraints.LessThanV(hi)
	type bc struct {
		c     constraints.Constraint
		shape []int
	}
	for _, b := range []bc{
		{constraints.Real, []int{4, 3}}, {constraints.Positive, []int{4, 3}}, {constraints.NonNegative, []int{4, 3}},
		{constraints.UnitInterval, []int{4, 3}}, {constraints.SoftplusPositive, []int{4, 3}},
		{constraints.GreaterThan(2), []int{4, 3}}, {constraints.GreaterThanEq(-2), []int{4, 3}},
		{constraints.LessThan(5), []int{4, 3}}, {constraints.Interval(-3, 7), []int{4, 3}},
		{constraints.HalfOpenInterval(0, 2), []int{4, 3}}, {constraints.Interval(0, 1), []int{4, 3}},
		{&iv, []int{4, 3}}, {&gv, []int{4, 3}}, {&lv, []int{4, 3}},
		{constraints.Simplex, []int{4, 3}}, {constraints.OrderedVector, []int{4, 3}},
		{constraints.PositiveOrderedVector, []int{4, 3}}, {constraints.RealVector, []int{4, 3}},
		{constraints.LowerCholesky, []int{2, 3, 3}}, {constraints.SoftplusLowerCholesky, []int{2, 3, 3}},
		{constraints.UnitLowerCholesky, []int{2, 3, 3}},
		{constraints.CorrCholesky, []int{2, 6}}, {constraints.CorrMatrix, []int{2, 3}},
		{constraints.PositiveDefinite, []int{2, 3, 3}}, {constraints.Independent(constraints.Positive, 2), []int{4, 3}},
		{constraints.Independent(constraints.Simplex, 1), []int{4, 3}},
	} {
		tr, err := BijectTo(b.c)
		if err != nil {
			t.Errorf("BijectTo(%s): %v", b.c.Name(), err)
			continue
		}
		if tr.Codomain().EventDim() != b.c.EventDim() {
			t.Errorf("BijectTo(%s): codomain event dim %d, want %d", b.c.Name(), tr.Codomain().EventDim(), b.c.EventDim())
		}
		r := rand.New(rand.NewPCG(5, 6))
		n := 1
		for _, d := range b.shape {
			n *= d
		}
		for _, scale := range []float64{1, 5, 30} {
			x := randn(r, n, scale)
			if scale == 30 { // include the extremes exactly
				for i := range x {
					x[i] = []float64{30, -30}[i%2]
				}
			}
			if b.c == constraints.PositiveDefinite && scale == 30 {
				continue // exp(±30) on the diagonal: L·Lᵀ is not numerically positive definite (as in PyTorch)
			}
			xv := tp.Const(b.shape, x)
			y := tr.Forward(xv)
			check := b.c
			if scale == 30 {
				// at ±30 strict inequalities can round to equalities
				// (1e4 - e⁻³⁰ == 1e4; y + e⁻³⁰ == y for y ≈ e³⁰), as in
				// PyTorch: check the closure of those regions
				switch b.c {
				case &lv:
					cl := lv
					cl.UpperOpen = false
					check = &cl
				case constraints.OrderedVector, constraints.PositiveOrderedVector:
					check = nonDecreasing
				}
			}
			if ok, bad := check.Check(y.Data(), y.Shape()); !ok {
				t.Errorf("BijectTo(%s) at scale %v: value %v outside at %d (x %v)", b.c.Name(), scale, y.Data()[bad], bad, x[bad%len(x)])
			}
			l := tr.LogAbsDetJacobian(xv, y)
			for _, v := range l.Data() {
				if math.IsNaN(v) {
					t.Errorf("BijectTo(%s) at scale %v: NaN log-det", b.c.Name(), scale)
					break
				}
			}
		}
	}
	for _, c := range []constraints.Constraint{constraints.Boolean, constraints.IntegerInterval(0, 3), constraints.Sphere, constraints.Dependent, constraints.Symmetric, nil} {
		if _, err := BijectTo(c); err == nil {
			t.Errorf("BijectTo(%v) gave no error", c)
		}
	}
}

// nonDecreasing is the closure of ordered_vector: non-decreasing rows,
// no NaN (exp overflow to +Inf at the far end is allowed).
var nonDecreasing constraints.Constraint = closureOrdered{}

type closureOrdered struct{}

func (closureOrdered) Name() string     { return "closure(ordered_vector)" }
func (closureOrdered) IsDiscrete() bool { return false }
func (closureOrdered) EventDim() int    { return 1 }
func (closureOrdered) Check(x []float64, shape []int) (bool, int) {
	k := shape[len(shape)-1]
	for i, v := range x {
		if v != v || (i%k > 0 && v < x[i-1]) {
			return false, i
		}
	}
	return true, -1
}

func TestHotPathNoAllocs(t *testing.T) {
	tp := ad.NewTape()
	x := []float64{0.3, -1.2, 2, 0.1, 0.5, -0.7}
	grad := make([]float64, len(x))
	// a distribution embeds its support in its (pooled) object; this
	// holder plays that part
	var c constraints.Bounded
	f := func(tp *ad.Tape, p ad.V) ad.V {
		lo := tp.Scalar(-1)
		hi := tp.Const([]int{3}, []float64{1, 2, 3})
		c = constraints.IntervalV(lo, hi)
		bt, _ := BijectTo(&c)
		x3 := tp.Slice(p, 0, 3)
		y1, l1 := ForwardWithLogDet(bt, x3)
		y2, l2 := ForwardWithLogDet(Exp, x3)
		sb, _ := BijectTo(constraints.Simplex)
		y3, l3 := ForwardWithLogDet(sb, tp.Slice(p, 3, 6))
		cc, _ := BijectTo(constraints.CorrCholesky)
		y4, l4 := ForwardWithLogDet(cc, tp.Slice(p, 3, 6))
		s := tp.Add(tp.Sum(y1), tp.Sum(l1))
		s = tp.Add(s, tp.Add(tp.Sum(y2), tp.Sum(l2)))
		s = tp.Add(s, tp.Add(tp.Sum(y3), l3))
		s = tp.Add(s, tp.Add(tp.Sum(y4), l4))
		a := Affine(tp.Scalar(1), tp.Slice(p, 0, 3), 0)
		return tp.Add(s, tp.Sum(a.LogAbsDetJacobian(x3, a.Forward(x3))))
	}
	ad.ValueAndGrad(tp, f, x, grad)
	if a := testing.AllocsPerRun(50, func() { ad.ValueAndGrad(tp, f, x, grad) }); a != 0 {
		t.Fatalf("allocs per gradient evaluation = %v", a)
	}
}

// Reference values from torch.distributions.transforms (PyTorch 1.13,
// float64), which pin the conventions (element order, offsets) that a
// numerical Jacobian cannot.
func TestTorchReference(t *testing.T) {
	tp := ad.NewTape()
	for _, c := range []struct {
		tr   Transform
		x    []float64
		y    []float64
		ladj float64
	}{
		{CorrLCholesky, []float64{0.3, -0.4, 0.9, 0.2, -1.1, 0.05},
			[]float64{1.0, 0.0, 0.0, 0.0, 0.2913126124515909, 0.9566279119002483, 0.0, 0.0, -0.3799489622552249, 0.6625808677183189, 0.6454652429177092, 0.0, 0.197375320224904, -0.7847516031191595, 0.029352741433920023, 0.5868102938244515},
			-2.6599825199611686},
		{StickBreaking, []float64{0.5, -1, 2},
			[]float64{0.35466124439244334, 0.1002613801409296, 0.48010255958285813, 0.06497481588376891},
			-6.804077952067264},
	} {
		x := tp.Const([]int{len(c.x)}, c.x)
		y, l := ForwardWithLogDet(c.tr, x)
		if !close(y.Data(), c.y, 1e-14) || math.Abs(l.Value()-c.ladj) > 1e-13 {
			t.Errorf("%s: y %v, log-det %v; torch gives %v, %v", c.tr.Name(), y.Data(), l.Value(), c.y, c.ladj)
		}
	}
}

func TestTransformToAndBijectToOn(t *testing.T) {
	tp := ad.NewTape()
	x := tp.Const([]int{2, 3}, []float64{0.5, -30, 30, 1, 2, 3})
	sm, err := TransformTo(constraints.Simplex)
	if err != nil || sm != Softmax {
		t.Fatalf("TransformTo(simplex) = %v, %v", sm, err)
	}
	y := sm.Forward(x)
	if ok, bad := constraints.Simplex.Check(y.Data(), y.Shape()); !ok {
		t.Errorf("softmax outside the simplex at %d: %v", bad, y.Data())
	}
	// log y is a preimage: softmax(log y) = y
	if y2 := sm.Forward(sm.Inverse(y)); !close(y2.Data(), y.Data(), 1e-12) {
		t.Errorf("softmax(log y) = %v, want %v", y2.Data(), y.Data())
	}
	nz, _ := TransformTo(constraints.Sphere)
	s := nz.Forward(x)
	if ok, bad := constraints.Sphere.Check(s.Data(), s.Shape()); !ok {
		t.Errorf("normalize outside the sphere at %d", bad)
	}
	if err := catchAD(func() { sm.LogAbsDetJacobian(x, y) }); err == nil {
		t.Error("Softmax log-det gave no error")
	}
	if tr, _ := TransformTo(constraints.Positive); tr != Exp {
		t.Error("TransformTo(positive) is not Exp")
	}
	c := constraints.Interval(2, 5)
	run := func() {
		tp.Reset()
		tr, err := BijectToOn(tp, c)
		if err != nil {
			panic(err)
		}
		tr.Forward(tp.Scalar(0.3))
	}
	run()
	if a := testing.AllocsPerRun(50, run); a != 0 {
		t.Errorf("BijectToOn allocates %v", a)
	}
	tr, _ := BijectToOn(tp, c)
	if y := tr.Forward(tp.Scalar(0)); math.Abs(y.Value()-3.5) > 1e-15 {
		t.Errorf("interval(2, 5) at 0 = %v", y.Value())
	}
}

func catchAD(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*ad.Error); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// Cost of a constrained site on the NUTS path: forward map, log-det and
// their gradient, for 100 scalar sites (one vector) per evaluation.
func BenchmarkConstrainedSiteGrad(b *testing.B) {
	x := randn(rand.New(rand.NewPCG(7, 8)), 100, 1)
	grad := make([]float64, 100)
	var iv constraints.Bounded
	for _, c := range []struct {
		name string
		tr   func(t *ad.Tape) Transform
	}{
		{"positive(Exp)", func(*ad.Tape) Transform { return Exp }},
		{"unit_interval(Sigmoid)", func(*ad.Tape) Transform { return Sigmoid }},
		{"interval(tensor bounds)", func(t *ad.Tape) Transform {
			iv = constraints.IntervalV(t.Scalar(-1), t.Scalar(2))
			tr, _ := BijectTo(&iv)
			return tr
		}},
		{"simplex(StickBreaking)", func(*ad.Tape) Transform { return StickBreaking }},
	} {
		b.Run(c.name, func(b *testing.B) {
			tp := ad.NewTape()
			f := func(t *ad.Tape, p ad.V) ad.V {
				y, l := ForwardWithLogDet(c.tr(t), p)
				return t.Add(t.Sum(y), t.Sum(l))
			}
			b.ReportAllocs()
			for b.Loop() {
				ad.ValueAndGrad(tp, f, x, grad)
			}
		})
	}
}
