package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// uvGammaLog is the Gamma(a, rate b) log density at x, written as
// λ = b·x: log b + Poisson(a-1; λ) for a ≥ 1 and Poisson(a; λ) + log(a/x)
// for a < 1 (as R's dgamma), so that large concentrations lose nothing to
// cancellation. logb and logx are log b and log x.
func uvGammaLog(a, lam, logb, logx float64) float64 {
	if a >= 1 {
		return logb + uvPoisLog(a-1, lam, logb+logx)
	}
	return uvPoisLog(a, lam, logb+logx) + math.Log(a) - logx
}

// uvGammaFast is the Gamma log density by the direct formula
// a·log b + (a-1)·log x - b·x - log Γ(a) (log Γ(a) memoized), falling back
// to the saddle-point form uvGammaLog when the terms are more than 4 times
// the result (cancellation would cost more than 2 bits).
func uvGammaFast(x, a, b, logx, logb float64, m *uvMemo) float64 {
	lga := m.get(0, a, 0, uvLgamma2)
	t1 := a * logb
	t2 := 0.0
	if a != 1 {
		t2 = (a - 1) * logx
	}
	t3 := b * x
	lp := t1 + t2 - t3 - lga
	if math.Abs(t1)+math.Abs(t2)+math.Abs(t3)+math.Abs(lga) <= 4*math.Abs(lp) {
		return lp
	}
	if a >= 1 {
		return logb + uvPoisLogK(a-1, b*x, logb+logx, m, 2)
	}
	return uvPoisLogK(a, b*x, logb+logx, m, 2) + m.get(3, a, 0, uvLog2) - logx
}

// GammaDist is the Gamma distribution with shape Concentration and inverse
// scale Rate (Pyro's Gamma(concentration, rate)).
type GammaDist struct {
	Concentration, Rate ad.V
	uvBase
}

var gammaPool = NewPool[GammaDist]()

// Gamma returns Gamma(concentration, rate); both must be positive.
func Gamma(concentration, rate ad.V) *GammaDist {
	d := gammaPool.Get(concentration.Tape())
	d.init("Gamma", concentration, rate)
	uvCheck("Gamma", "concentration", concentration, uvPositive, "positive")
	uvCheck("Gamma", "rate", rate, uvPositive, "positive")
	d.Concentration, d.Rate = concentration, rate
	return d
}

// Name is Pyro's class name.
func (d *GammaDist) Name() string { return "Gamma" }

// Support is [0, ∞) (PyTorch's greater_than_eq(0)): at 0 the density is
// +Inf, rate or 0 for concentration below, at or above 1.
func (d *GammaDist) Support() constraints.Constraint { return constraints.NonNegative }

// HasRSample reports whether RSample is available.
func (d *GammaDist) HasRSample() bool { return true }

func gammaK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, a, b := in[0], in[1], in[2]
	var g [4]float64
	logx, logb := math.Log(x), m.get(4, b, 0, uvLog2)
	lp := uvGammaFast(x, a, b, logx, logb, m)
	if need&1 != 0 {
		g[0] = (a-1)/x - b
	}
	if need&2 != 0 {
		g[1] = logb + logx - m.get(1, a, 0, uvDigamma2)
	}
	if need&4 != 0 {
		g[2] = a/b - x
	}
	return lp, g
}

func positiveSupport(in [4]float64) bool { return in[0] > 0 }

// LogProb is a·log(rate) + (a-1)·log x - rate·x - log Γ(a).
func (d *GammaDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, gammaK, nonNegSupport, [4]ad.V{x, d.Concentration, d.Rate}, 3)
}

// Sample draws Gamma variates (no gradient).
func (d *GammaDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	// the same draw with detached parameters: no implicit-gradient work
	t := d.t
	return Gamma(t.Detach(d.Concentration), t.Detach(d.Rate)).RSample(rng, sampleShape...)
}

// RSample draws Gamma(a, 1)/rate with implicit reparameterization: the
// gradient of a standard Gamma draw with respect to a is -∂F/∂a / f
// (Figurnov et al. 2018), F the Gamma CDF.
func (d *GammaDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	z := uvStandardGammaR(t, rng, sampleShape, d.batch.Slice(), d.Concentration, 1)
	return t.Div(z, d.Rate)
}

// Mean is the mean, batch-shaped.
func (d *GammaDist) Mean() ad.V { return d.expand(d.t.Div(d.Concentration, d.Rate)) }

// Variance is the variance, batch-shaped.
func (d *GammaDist) Variance() ad.V {
	t := d.t
	return d.expand(t.Div(d.Concentration, t.Square(d.Rate)))
}

// Entropy is a - log(rate) + log Γ(a) + (1-a)ψ(a).
func (d *GammaDist) Entropy() ad.V {
	t := d.t
	a := d.Concentration
	h := t.Add(t.Sub(a, t.Log(d.Rate)), t.Lgamma(a))
	h = t.Add(h, t.Mul(t.AddConst(t.Neg(a), 1), t.Digamma(a)))
	return d.expand(h)
}

// Expand broadcasts the parameters to batchShape.
func (d *GammaDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Gamma(t.Expand(d.Concentration, batchShape...), t.Expand(d.Rate, batchShape...))
}

// Chi2Dist is the chi-squared distribution with Df degrees of freedom,
// Gamma(df/2, 1/2) (Pyro's Chi2(df)).
type Chi2Dist struct {
	Df ad.V
	uvBase
}

var chi2Pool = NewPool[Chi2Dist]()

// Chi2 returns Chi2(df); df must be positive.
func Chi2(df ad.V) *Chi2Dist {
	d := chi2Pool.Get(df.Tape())
	d.init("Chi2", df)
	uvCheck("Chi2", "df", df, uvPositive, "positive")
	d.Df = df
	return d
}

// Name is Pyro's class name.
func (d *Chi2Dist) Name() string { return "Chi2" }

// Support is [0, ∞), as Gamma's.
func (d *Chi2Dist) Support() constraints.Constraint { return constraints.NonNegative }

// HasRSample reports whether RSample is available.
func (d *Chi2Dist) HasRSample() bool { return true }

func chi2K(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, df := in[0], in[1]
	a := 0.5 * df
	var g [4]float64
	logx := math.Log(x)
	lp := uvGammaFast(x, a, 0.5, logx, -math.Ln2, m)
	if need&1 != 0 {
		g[0] = (a-1)/x - 0.5
	}
	if need&2 != 0 {
		g[1] = 0.5 * (logx - math.Ln2 - m.get(1, a, 0, uvDigamma2))
	}
	return lp, g
}

// LogProb is the Gamma(df/2, 1/2) log density.
func (d *Chi2Dist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, chi2K, nonNegSupport, [4]ad.V{x, d.Df}, 2)
}

// Sample draws chi-squared variates (no gradient).
func (d *Chi2Dist) Sample(rng *RNG, sampleShape ...int) ad.V {
	// the same draw with detached parameters: no implicit-gradient work
	t := d.t
	return Chi2(t.Detach(d.Df)).RSample(rng, sampleShape...)
}

// RSample draws 2·Gamma(df/2, 1), pathwise differentiable in df.
func (d *Chi2Dist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	z := uvStandardGammaR(t, rng, sampleShape, d.batch.Slice(), t.MulConst(d.Df, 0.5), 1)
	return t.MulConst(z, 2)
}

// Mean is the mean, batch-shaped.
func (d *Chi2Dist) Mean() ad.V { return d.expand(d.Df) }

// Variance is the variance, batch-shaped.
func (d *Chi2Dist) Variance() ad.V { return d.expand(d.t.MulConst(d.Df, 2)) }

// Entropy is that of Gamma(df/2, 1/2).
func (d *Chi2Dist) Entropy() ad.V {
	t := d.t
	a := t.MulConst(d.Df, 0.5)
	h := t.Add(t.AddConst(a, math.Ln2), t.Lgamma(a))
	h = t.Add(h, t.Mul(t.AddConst(t.Neg(a), 1), t.Digamma(a)))
	return d.expand(h)
}

// Expand broadcasts df to batchShape.
func (d *Chi2Dist) Expand(batchShape ...int) Distribution {
	return Chi2(d.t.Expand(d.Df, batchShape...))
}

// ExponentialDist is the exponential distribution with rate Rate (Pyro's
// Exponential(rate)).
type ExponentialDist struct {
	Rate ad.V
	uvBase
}

var exponentialPool = NewPool[ExponentialDist]()

// Exponential returns Exponential(rate); rate must be positive.
func Exponential(rate ad.V) *ExponentialDist {
	d := exponentialPool.Get(rate.Tape())
	d.init("Exponential", rate)
	uvCheck("Exponential", "rate", rate, uvPositive, "positive")
	d.Rate = rate
	return d
}

// Name is Pyro's class name.
func (d *ExponentialDist) Name() string { return "Exponential" }

// Support is the set of values LogProb accepts.
func (d *ExponentialDist) Support() constraints.Constraint { return constraints.NonNegative }

// HasRSample reports whether RSample is available.
func (d *ExponentialDist) HasRSample() bool { return true }

func exponentialK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, r := in[0], in[1]
	var g [4]float64
	if need&1 != 0 {
		g[0] = -r
	}
	if need&2 != 0 {
		g[1] = 1/r - x
	}
	return math.Log(r) - r*x, g
}

func nonNegSupport(in [4]float64) bool { return in[0] >= 0 }

// LogProb is log(rate) - rate·x.
func (d *ExponentialDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, exponentialK, nonNegSupport, [4]ad.V{x, d.Rate}, 2)
}

// Sample draws exponential variates (no gradient).
func (d *ExponentialDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

func stdExpDraw(rng *RNG, _ [4]float64) float64 { return rng.ExpFloat64() }

// RSample draws E/rate with E ~ Exponential(1).
func (d *ExponentialDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, stdExpDraw)
	return t.Div(e, d.Rate)
}

// Mean is the mean, batch-shaped.
func (d *ExponentialDist) Mean() ad.V { return d.expand(d.t.Reciprocal(d.Rate)) }

// Variance is the variance, batch-shaped.
func (d *ExponentialDist) Variance() ad.V {
	t := d.t
	return d.expand(t.Reciprocal(t.Square(d.Rate)))
}

// Entropy is 1 - log(rate).
func (d *ExponentialDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.AddConst(t.Neg(t.Log(d.Rate)), 1))
}

// Expand broadcasts the rate to batchShape.
func (d *ExponentialDist) Expand(batchShape ...int) Distribution {
	return Exponential(d.t.Expand(d.Rate, batchShape...))
}

// InverseGammaDist is the distribution of 1/X for X ~ Gamma(Concentration,
// Rate) (Pyro's InverseGamma(concentration, rate)).
type InverseGammaDist struct {
	Concentration, Rate ad.V
	uvBase
}

var inverseGammaPool = NewPool[InverseGammaDist]()

// InverseGamma returns InverseGamma(concentration, rate); both positive.
func InverseGamma(concentration, rate ad.V) *InverseGammaDist {
	d := inverseGammaPool.Get(concentration.Tape())
	d.init("InverseGamma", concentration, rate)
	uvCheck("InverseGamma", "concentration", concentration, uvPositive, "positive")
	uvCheck("InverseGamma", "rate", rate, uvPositive, "positive")
	d.Concentration, d.Rate = concentration, rate
	return d
}

// Name is Pyro's class name.
func (d *InverseGammaDist) Name() string { return "InverseGamma" }

// Support is the set of values LogProb accepts.
func (d *InverseGammaDist) Support() constraints.Constraint { return constraints.Positive }

// HasRSample reports whether RSample is available.
func (d *InverseGammaDist) HasRSample() bool { return true }

func inverseGammaK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	y, a, b := in[0], in[1], in[2]
	var g [4]float64
	logy, logb := math.Log(y), math.Log(b)
	// direct a·log b - log Γ(a) - (a+1)·log y - b/y unless it cancels
	lga := m.get(0, a, 0, uvLgamma2)
	t1, t2, t3 := a*logb, (a+1)*logy, b/y
	lp := t1 - lga - t2 - t3
	if !(math.Abs(t1)+math.Abs(t2)+math.Abs(t3)+math.Abs(lga) <= 4*math.Abs(lp)) {
		lp = uvGammaLog(a, b/y, logb, -logy) - 2*logy
	}
	if need&1 != 0 {
		g[0] = (b/y - (a + 1)) / y
	}
	if need&2 != 0 {
		g[1] = logb - logy - m.get(1, a, 0, uvDigamma2)
	}
	if need&4 != 0 {
		g[2] = a/b - 1/y
	}
	return lp, g
}

// LogProb is a·log(rate) - log Γ(a) - (a+1)·log y - rate/y.
func (d *InverseGammaDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, inverseGammaK, positiveSupport, [4]ad.V{x, d.Concentration, d.Rate}, 3)
}

// Sample draws 1/Gamma variates (no gradient).
func (d *InverseGammaDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	// the same draw with detached parameters: no implicit-gradient work
	t := d.t
	return InverseGamma(t.Detach(d.Concentration), t.Detach(d.Rate)).RSample(rng, sampleShape...)
}

// RSample draws rate/Gamma(a, 1), pathwise differentiable.
func (d *InverseGammaDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	z := uvStandardGammaR(t, rng, sampleShape, d.batch.Slice(), d.Concentration, 1)
	return t.Div(d.Rate, z)
}

// Mean is rate/(a-1) for a > 1, +Inf otherwise.
func (d *InverseGammaDist) Mean() ad.V {
	t := d.t
	m := t.Div(d.Rate, t.AddConst(d.Concentration, -1))
	return d.expand(t.Where(uvGreater(t, d.Concentration, 1), m, t.Scalar(math.Inf(1))))
}

// Variance is rate²/((a-1)²(a-2)) for a > 2, +Inf otherwise.
func (d *InverseGammaDist) Variance() ad.V {
	t := d.t
	a := d.Concentration
	v := t.Div(t.Square(d.Rate), t.Mul(t.Square(t.AddConst(a, -1)), t.AddConst(a, -2)))
	return d.expand(t.Where(uvGreater(t, a, 2), v, t.Scalar(math.Inf(1))))
}

// Entropy is a + log(rate) + log Γ(a) - (1+a)ψ(a).
func (d *InverseGammaDist) Entropy() ad.V {
	t := d.t
	a := d.Concentration
	h := t.Add(t.Add(a, t.Log(d.Rate)), t.Lgamma(a))
	h = t.Sub(h, t.Mul(t.AddConst(a, 1), t.Digamma(a)))
	return d.expand(h)
}

// Expand broadcasts the parameters to batchShape.
func (d *InverseGammaDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return InverseGamma(t.Expand(d.Concentration, batchShape...), t.Expand(d.Rate, batchShape...))
}

// uvGreater records a constant mask (1 where v > k).
func uvGreater(t *ad.Tape, v ad.V, k float64) ad.V {
	if v.IsScalar() {
		if v.Value() > k {
			return t.Scalar(1)
		}
		return t.Scalar(0)
	}
	m := t.Const(v.Shape(), nil)
	md, vd := m.Data(), v.Data()
	for i, x := range vd {
		if x > k {
			md[i] = 1
		}
	}
	return m
}

// BetaDist is the Beta distribution on [0, 1] (Pyro's Beta(concentration1,
// concentration0)): density ∝ x^(c1-1) (1-x)^(c0-1).
type BetaDist struct {
	Concentration1, Concentration0 ad.V
	uvBase
}

var betaPool = NewPool[BetaDist]()

// Beta returns Beta(concentration1, concentration0); both positive.
func Beta(concentration1, concentration0 ad.V) *BetaDist {
	d := betaPool.Get(concentration1.Tape())
	d.init("Beta", concentration1, concentration0)
	uvCheck("Beta", "concentration1", concentration1, uvPositive, "positive")
	uvCheck("Beta", "concentration0", concentration0, uvPositive, "positive")
	d.Concentration1, d.Concentration0 = concentration1, concentration0
	return d
}

// Name is Pyro's class name.
func (d *BetaDist) Name() string { return "Beta" }

// Support is the set of values LogProb accepts.
func (d *BetaDist) Support() constraints.Constraint { return constraints.UnitInterval }

// HasRSample reports whether RSample is available.
func (d *BetaDist) HasRSample() bool { return true }

func betaK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, a, b := in[0], in[1], in[2]
	var g [4]float64
	lp := sp.Xlogy(a-1, x) + sp.Xlog1py(b-1, -x) - m.get(0, a, b, uvLbeta)
	if need&1 != 0 {
		g[0] = (a-1)/x - (b-1)/(1-x)
	}
	if need&6 != 0 {
		dab := m.get(1, a+b, 0, uvDigamma2)
		if need&2 != 0 {
			g[1] = math.Log(x) - m.get(2, a, 0, uvDigamma2) + dab
		}
		if need&4 != 0 {
			g[2] = math.Log1p(-x) - m.get(3, b, 0, uvDigamma2) + dab
		}
	}
	return lp, g
}

func unitSupport(in [4]float64) bool { return in[0] >= 0 && in[0] <= 1 }

// LogProb is (c1-1)·log x + (c0-1)·log(1-x) - log B(c1, c0).
func (d *BetaDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, betaK, unitSupport, [4]ad.V{x, d.Concentration1, d.Concentration0}, 3)
}

// Sample draws Beta variates (no gradient).
func (d *BetaDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	// the same draw with detached parameters: no implicit-gradient work
	t := d.t
	return Beta(t.Detach(d.Concentration1), t.Detach(d.Concentration0)).RSample(rng, sampleShape...)
}

// RSample draws X/(X+Y) = sigmoid(log X - log Y) with X ~ Gamma(c1),
// Y ~ Gamma(c0) drawn in log space (so tiny concentrations do not give 0/0),
// each pathwise differentiable (implicit reparameterization). Results are
// clamped to [tiny, 1-2⁻⁵³] as PyTorch.
func (d *BetaDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	lx := uvStandardLogGammaR(t, rng, sampleShape, d.batch.Slice(), d.Concentration1)
	ly := uvStandardLogGammaR(t, rng, sampleShape, d.batch.Slice(), d.Concentration0)
	return t.Clamp(t.Sigmoid(t.Sub(lx, ly)), 0x1p-1022, 1-0x1p-53)
}

// Mean is c1/(c1+c0).
func (d *BetaDist) Mean() ad.V {
	t := d.t
	return d.expand(t.Div(d.Concentration1, t.Add(d.Concentration1, d.Concentration0)))
}

// Variance is c1·c0/((c1+c0)²(c1+c0+1)).
func (d *BetaDist) Variance() ad.V {
	t := d.t
	s := t.Add(d.Concentration1, d.Concentration0)
	return d.expand(t.Div(t.Mul(d.Concentration1, d.Concentration0), t.Mul(t.Square(s), t.AddConst(s, 1))))
}

// Entropy is log B(a, b) - (a-1)ψ(a) - (b-1)ψ(b) + (a+b-2)ψ(a+b).
func (d *BetaDist) Entropy() ad.V {
	t := d.t
	a, b := d.Concentration1, d.Concentration0
	s := t.Add(a, b)
	lb := t.Sub(t.Add(t.Lgamma(a), t.Lgamma(b)), t.Lgamma(s))
	h := t.Sub(lb, t.Mul(t.AddConst(a, -1), t.Digamma(a)))
	h = t.Sub(h, t.Mul(t.AddConst(b, -1), t.Digamma(b)))
	h = t.Add(h, t.Mul(t.AddConst(s, -2), t.Digamma(s)))
	return d.expand(h)
}

// Expand broadcasts the parameters to batchShape.
func (d *BetaDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Beta(t.Expand(d.Concentration1, batchShape...), t.Expand(d.Concentration0, batchShape...))
}
