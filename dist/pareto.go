package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// ParetoDist is the Pareto (type I) distribution on [Scale, ∞) with tail
// index Alpha (Pyro's Pareto(scale, alpha)).
type ParetoDist struct {
	Scale, Alpha ad.V
	support      constraints.Bounded
	uvBase
}

var paretoPool = NewPool[ParetoDist]()

// Pareto returns Pareto(scale, alpha); both positive.
func Pareto(scale, alpha ad.V) *ParetoDist {
	d := paretoPool.Get(scale.Tape())
	d.init("Pareto", scale, alpha)
	uvCheck("Pareto", "scale", scale, uvPositive, "positive")
	uvCheck("Pareto", "alpha", alpha, uvPositive, "positive")
	d.Scale, d.Alpha = scale, alpha
	d.support = constraints.GreaterThanEqV(scale)
	return d
}

// Name is Pyro's class name.
func (d *ParetoDist) Name() string { return "Pareto" }

// Support is the set of values LogProb accepts.
func (d *ParetoDist) Support() constraints.Constraint { return &d.support }

// HasRSample reports whether RSample is available.
func (d *ParetoDist) HasRSample() bool { return true }

// uvLogRatio is log(x/s), accurate when x ≈ s and safe from overflow.
func uvLogRatio(x, s float64) float64 {
	r := x / s
	if r > 0.5 && r < 2 {
		return math.Log1p((x - s) / s)
	}
	if r > 0 && !math.IsInf(r, 0) && r >= 1e-300 {
		return math.Log(r)
	}
	return math.Log(x) - math.Log(s)
}

func paretoK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, s, a := in[0], in[1], in[2]
	var g [4]float64
	lr := uvLogRatio(x, s)
	if need&1 != 0 {
		g[0] = -(a + 1) / x
	}
	if need&2 != 0 {
		g[1] = a / s
	}
	if need&4 != 0 {
		g[2] = 1/a - lr
	}
	return math.Log(a) - a*lr - math.Log(x), g
}

func paretoSupport(in [4]float64) bool { return in[0] >= in[1] }

// LogProb is log α + α·log(scale) - (α+1)·log x.
func (d *ParetoDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, paretoK, paretoSupport, [4]ad.V{x, d.Scale, d.Alpha}, 3)
}

// Sample draws Pareto variates (no gradient).
func (d *ParetoDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

// RSample draws scale·exp(E/α), E ~ Exponential(1).
func (d *ParetoDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, stdExpDraw)
	return t.Mul(d.Scale, t.Exp(t.Div(e, d.Alpha)))
}

// Mean is α·scale/(α-1) for α > 1, +Inf otherwise.
func (d *ParetoDist) Mean() ad.V {
	t := d.t
	m := t.Div(t.Mul(d.Alpha, d.Scale), t.AddConst(d.Alpha, -1))
	return t.Where(d.expand(uvGreater(t, d.Alpha, 1)), d.expand(m), t.Scalar(math.Inf(1)))
}

// Variance is scale²·α/((α-1)²(α-2)) for α > 2, +Inf otherwise.
func (d *ParetoDist) Variance() ad.V {
	t := d.t
	a := d.Alpha
	v := t.Div(t.Mul(t.Square(d.Scale), a), t.Mul(t.Square(t.AddConst(a, -1)), t.AddConst(a, -2)))
	return t.Where(d.expand(uvGreater(t, a, 2)), d.expand(v), t.Scalar(math.Inf(1)))
}

// Entropy is log(scale/α) + 1/α + 1.
func (d *ParetoDist) Entropy() ad.V {
	t := d.t
	h := t.Add(t.Log(t.Div(d.Scale, d.Alpha)), t.AddConst(t.Reciprocal(d.Alpha), 1))
	return d.expand(h)
}

// Expand broadcasts the parameters to batchShape.
func (d *ParetoDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Pareto(t.Expand(d.Scale, batchShape...), t.Expand(d.Alpha, batchShape...))
}

// WeibullDist is the Weibull distribution with scale Scale and shape
// Concentration (Pyro's Weibull(scale, concentration)).
type WeibullDist struct {
	Scale, Concentration ad.V
	uvBase
}

var weibullPool = NewPool[WeibullDist]()

// Weibull returns Weibull(scale, concentration); both positive.
func Weibull(scale, concentration ad.V) *WeibullDist {
	d := weibullPool.Get(scale.Tape())
	d.init("Weibull", scale, concentration)
	uvCheck("Weibull", "scale", scale, uvPositive, "positive")
	uvCheck("Weibull", "concentration", concentration, uvPositive, "positive")
	d.Scale, d.Concentration = scale, concentration
	return d
}

// Name is Pyro's class name.
func (d *WeibullDist) Name() string { return "Weibull" }

// Support is the set of values LogProb accepts.
func (d *WeibullDist) Support() constraints.Constraint { return constraints.Positive }

// HasRSample reports whether RSample is available.
func (d *WeibullDist) HasRSample() bool { return true }

func weibullK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, l, k := in[0], in[1], in[2]
	var g [4]float64
	lr := uvLogRatio(x, l)
	rk := math.Exp(k * lr)
	if need&1 != 0 {
		g[0] = ((k - 1) - k*rk) / x
	}
	if need&2 != 0 {
		g[1] = k * (rk - 1) / l
	}
	if need&4 != 0 {
		g[2] = 1/k + lr*(1-rk)
	}
	return math.Log(k) - math.Log(l) + (k-1)*lr - rk, g
}

// LogProb is log(k/λ) + (k-1)·log(x/λ) - (x/λ)^k.
func (d *WeibullDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, weibullK, positiveSupport, [4]ad.V{x, d.Scale, d.Concentration}, 3)
}

// Sample draws Weibull variates (no gradient).
func (d *WeibullDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

func uvLogExpDraw(rng *RNG, _ [4]float64) float64 { return math.Log(rng.ExpFloat64()) }

// RSample draws λ·E^(1/k) = λ·exp(log(E)/k), E ~ Exponential(1).
func (d *WeibullDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	le := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, uvLogExpDraw)
	return t.Mul(d.Scale, t.Exp(t.Div(le, d.Concentration)))
}

// Mean is λ·Γ(1 + 1/k).
func (d *WeibullDist) Mean() ad.V {
	t := d.t
	return d.expand(t.Mul(d.Scale, t.Exp(t.Lgamma(t.AddConst(t.Reciprocal(d.Concentration), 1)))))
}

// Variance is λ²·(Γ(1 + 2/k) - Γ(1 + 1/k)²).
func (d *WeibullDist) Variance() ad.V {
	t := d.t
	ik := t.Reciprocal(d.Concentration)
	g2 := t.Exp(t.Lgamma(t.AddConst(t.MulConst(ik, 2), 1)))
	g1 := t.Exp(t.MulConst(t.Lgamma(t.AddConst(ik, 1)), 2))
	return d.expand(t.Mul(t.Square(d.Scale), t.Sub(g2, g1)))
}

// Entropy is γ(1 - 1/k) + log(λ/k) + 1.
func (d *WeibullDist) Entropy() ad.V {
	t := d.t
	k := d.Concentration
	h := t.MulConst(t.AddConst(t.Neg(t.Reciprocal(k)), 1), uvEulerGam)
	h = t.Add(h, t.AddConst(t.Log(t.Div(d.Scale, k)), 1))
	return d.expand(h)
}

// Expand broadcasts the parameters to batchShape.
func (d *WeibullDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Weibull(t.Expand(d.Scale, batchShape...), t.Expand(d.Concentration, batchShape...))
}

// FisherSnedecorDist is the F distribution with Df1 and Df2 degrees of
// freedom (Pyro's FisherSnedecor(df1, df2)).
type FisherSnedecorDist struct {
	Df1, Df2 ad.V
	uvBase
}

var fisherPool = NewPool[FisherSnedecorDist]()

// FisherSnedecor returns FisherSnedecor(df1, df2); both positive.
func FisherSnedecor(df1, df2 ad.V) *FisherSnedecorDist {
	d := fisherPool.Get(df1.Tape())
	d.init("FisherSnedecor", df1, df2)
	uvCheck("FisherSnedecor", "df1", df1, uvPositive, "positive")
	uvCheck("FisherSnedecor", "df2", df2, uvPositive, "positive")
	d.Df1, d.Df2 = df1, df2
	return d
}

// Name is Pyro's class name.
func (d *FisherSnedecorDist) Name() string { return "FisherSnedecor" }

// Support is the set of values LogProb accepts.
func (d *FisherSnedecorDist) Support() constraints.Constraint { return constraints.Positive }

// HasRSample reports whether RSample is available.
func (d *FisherSnedecorDist) HasRSample() bool { return true }

func fisherK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, d1, d2 := in[0], in[1], in[2]
	a, b := 0.5*d1, 0.5*d2
	r := d1 / d2
	var g [4]float64
	lu := math.Log1p(r * x)
	lx := math.Log(x)
	lr := math.Log(r)
	lp := -m.get(0, a, b, uvLbeta) + a*lr + (a-1)*lx - (a+b)*lu
	if need&1 != 0 {
		g[0] = (a-1)/x - (a+b)*r/(1+r*x)
	}
	if need&6 != 0 {
		dab := m.get(1, a+b, 0, uvDigamma2)
		u := 1 + r*x
		if need&2 != 0 {
			g[1] = 0.5*(dab-m.get(2, a, 0, uvDigamma2)) + 0.5*lr + 0.5 + 0.5*lx - 0.5*lu - (a+b)*x/(d2*u)
		}
		if need&4 != 0 {
			g[2] = 0.5*(dab-m.get(3, b, 0, uvDigamma2)) - a/d2 - 0.5*lu + (a+b)*r*x/(d2*u)
		}
	}
	return lp, g
}

// LogProb is -log B(d1/2, d2/2) + (d1/2)·log(d1/d2) + (d1/2-1)·log x
// - ((d1+d2)/2)·log(1 + d1·x/d2).
func (d *FisherSnedecorDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, fisherK, positiveSupport, [4]ad.V{x, d.Df1, d.Df2}, 3)
}

// Sample draws F variates (no gradient).
func (d *FisherSnedecorDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	// the same draw with detached parameters: no implicit-gradient work
	t := d.t
	return FisherSnedecor(t.Detach(d.Df1), t.Detach(d.Df2)).RSample(rng, sampleShape...)
}

// RSample draws (G1/(d1/2))/(G2/(d2/2)) with G_i ~ Gamma(d_i/2, 1), pathwise
// in both degrees of freedom.
func (d *FisherSnedecorDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	a, b := t.MulConst(d.Df1, 0.5), t.MulConst(d.Df2, 0.5)
	g1 := uvStandardGammaR(t, rng, sampleShape, d.batch.Slice(), a, 1)
	g2 := uvStandardGammaR(t, rng, sampleShape, d.batch.Slice(), b, 1)
	return t.Div(t.Div(g1, a), t.Div(g2, b))
}

// Mean is d2/(d2-2) for d2 > 2, NaN otherwise (as PyTorch).
func (d *FisherSnedecorDist) Mean() ad.V {
	t := d.t
	m := t.Div(d.Df2, t.AddConst(d.Df2, -2))
	return t.Where(d.expand(uvGreater(t, d.Df2, 2)), d.expand(m), t.Scalar(math.NaN()))
}

// Variance is 2·d2²·(d1+d2-2)/(d1·(d2-2)²·(d2-4)) for d2 > 4, NaN otherwise.
func (d *FisherSnedecorDist) Variance() ad.V {
	t := d.t
	d1, d2 := d.Df1, d.Df2
	num := t.MulConst(t.Mul(t.Square(d2), t.AddConst(t.Add(d1, d2), -2)), 2)
	den := t.Mul(t.Mul(d1, t.Square(t.AddConst(d2, -2))), t.AddConst(d2, -4))
	return t.Where(d.expand(uvGreater(t, d2, 4)), d.expand(t.Div(num, den)), t.Scalar(math.NaN()))
}

// Expand broadcasts the parameters to batchShape.
func (d *FisherSnedecorDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return FisherSnedecor(t.Expand(d.Df1, batchShape...), t.Expand(d.Df2, batchShape...))
}
