package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// Location-scale families and their relatives: Cauchy, HalfCauchy,
// HalfNormal, Laplace, LogNormal, Gumbel, StudentT, Uniform.

const (
	uvLogPi     = 1.14472988584940017414342735135305871164729481291531
	uvEulerGam  = 0.57721566490153286060651209008240243104215933593992
	uvBigZ      = 1e150 // beyond this |z|, z² would overflow: use logs
	uvPi        = math.Pi
	uvHalfLog2P = 0.91893853320467274178032973640561763986139747363778
)

// uvLog1pSq is log(1 + (d/s)²) computed without overflow; lz is log|d/s|.
func uvLog1pSq(d, s float64) (float64, float64) {
	z := d / s
	if math.Abs(z) < uvBigZ {
		return math.Log1p(z * z), z
	}
	lz := math.Log(math.Abs(d)) - math.Log(s)
	return 2 * lz, z
}

func uvStdNormalDraw(rng *RNG, _ [4]float64) float64 { return rng.NormFloat64() }
func uvStdCauchyDraw(rng *RNG, _ [4]float64) float64 {
	return math.Tan(uvPi * (rng.Float64() - 0.5))
}

// ---------------------------------------------------------------------------

// CauchyDist is the Cauchy distribution with median Loc and half-width Scale
// (Pyro's Cauchy(loc, scale)).
type CauchyDist struct {
	Loc, Scale ad.V
	uvBase
}

var cauchyPool = NewPool[CauchyDist]()

// Cauchy returns Cauchy(loc, scale); scale must be positive.
func Cauchy(loc, scale ad.V) *CauchyDist {
	d := cauchyPool.Get(loc.Tape())
	d.init("Cauchy", loc, scale)
	uvCheck("Cauchy", "loc", loc, uvFiniteReal, "finite")
	uvCheck("Cauchy", "scale", scale, uvPositive, "positive")
	d.Loc, d.Scale = loc, scale
	return d
}

// Name is Pyro's class name.
func (d *CauchyDist) Name() string { return "Cauchy" }

// Support is the set of values LogProb accepts.
func (d *CauchyDist) Support() constraints.Constraint { return constraints.Real }

// HasRSample reports whether RSample is available.
func (d *CauchyDist) HasRSample() bool { return true }

// cauchyCore returns -log(1+z²) - log s and its partials in x and s.
func cauchyCore(dx, s float64, need bool) (float64, float64, float64) {
	l, z := uvLog1pSq(dx, s)
	lp := -l - math.Log(s)
	if !need {
		return lp, 0, 0
	}
	var gx, gs float64
	if math.Abs(z) < uvBigZ {
		w := 1 + z*z
		gx = -2 * z / (s * w)
		gs = (z*z - 1) / (s * w)
	} else {
		gx = -2 / dx
		gs = 1 / s
	}
	return lp, gx, gs
}

func cauchyK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	var g [4]float64
	lp, gx, gs := cauchyCore(in[0]-in[1], in[2], need != 0)
	g[0], g[1], g[2] = gx, -gx, gs
	return lp - uvLogPi, g
}

func realSupport(in [4]float64) bool { return in[0] == in[0] }

// LogProb is -log π - log scale - log(1 + ((x-loc)/scale)²).
func (d *CauchyDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, cauchyK, realSupport, [4]ad.V{x, d.Loc, d.Scale}, 3)
}

// Sample draws Cauchy variates (no gradient).
func (d *CauchyDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

// RSample draws loc + scale·tan(π(U - ½)).
func (d *CauchyDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, uvStdCauchyDraw)
	return t.Add(d.Loc, t.Mul(d.Scale, e))
}

// Mean and Variance are NaN and +Inf (undefined), as PyTorch.
func (d *CauchyDist) Mean() ad.V { return d.full(math.NaN()) }

// Variance is the variance, batch-shaped.
func (d *CauchyDist) Variance() ad.V { return d.full(math.Inf(1)) }

// Entropy is log(4π·scale).
func (d *CauchyDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.AddConst(t.Log(d.Scale), math.Log(4*uvPi)))
}

// Expand broadcasts the parameters to batchShape.
func (d *CauchyDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Cauchy(t.Expand(d.Loc, batchShape...), t.Expand(d.Scale, batchShape...))
}

// ---------------------------------------------------------------------------

// HalfCauchyDist is |X| for X ~ Cauchy(0, Scale) (Pyro's HalfCauchy(scale)).
type HalfCauchyDist struct {
	Scale ad.V
	uvBase
}

var halfCauchyPool = NewPool[HalfCauchyDist]()

// HalfCauchy returns HalfCauchy(scale); scale must be positive.
func HalfCauchy(scale ad.V) *HalfCauchyDist {
	d := halfCauchyPool.Get(scale.Tape())
	d.init("HalfCauchy", scale)
	uvCheck("HalfCauchy", "scale", scale, uvPositive, "positive")
	d.Scale = scale
	return d
}

// Name is Pyro's class name.
func (d *HalfCauchyDist) Name() string { return "HalfCauchy" }

// Support is the set of values LogProb accepts.
func (d *HalfCauchyDist) Support() constraints.Constraint { return constraints.NonNegative }

// HasRSample reports whether RSample is available.
func (d *HalfCauchyDist) HasRSample() bool { return true }

func halfCauchyK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	var g [4]float64
	lp, gx, gs := cauchyCore(in[0], in[1], need != 0)
	g[0], g[1] = gx, gs
	return lp + math.Ln2 - uvLogPi, g
}

// LogProb is log 2 + the Cauchy(0, scale) log density, for x ≥ 0.
func (d *HalfCauchyDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, halfCauchyK, nonNegSupport, [4]ad.V{x, d.Scale}, 2)
}

// Sample draws HalfCauchy variates (no gradient).
func (d *HalfCauchyDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

func uvAbsCauchyDraw(rng *RNG, _ [4]float64) float64 {
	return math.Abs(math.Tan(uvPi * (rng.Float64() - 0.5)))
}

// RSample draws scale·|tan(π(U - ½))|.
func (d *HalfCauchyDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, uvAbsCauchyDraw)
	return t.Mul(d.Scale, e)
}

// Mean and Variance are +Inf, as PyTorch.
func (d *HalfCauchyDist) Mean() ad.V { return d.full(math.Inf(1)) }

// Variance is the variance, batch-shaped.
func (d *HalfCauchyDist) Variance() ad.V { return d.full(math.Inf(1)) }

// Entropy is log(2π·scale).
func (d *HalfCauchyDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.AddConst(t.Log(d.Scale), math.Log(2*uvPi)))
}

// Expand broadcasts the scale to batchShape.
func (d *HalfCauchyDist) Expand(batchShape ...int) Distribution {
	return HalfCauchy(d.t.Expand(d.Scale, batchShape...))
}

// ---------------------------------------------------------------------------

// HalfNormalDist is |X| for X ~ Normal(0, Scale) (Pyro's HalfNormal(scale)).
type HalfNormalDist struct {
	Scale ad.V
	uvBase
}

var halfNormalPool = NewPool[HalfNormalDist]()

// HalfNormal returns HalfNormal(scale); scale must be positive.
func HalfNormal(scale ad.V) *HalfNormalDist {
	d := halfNormalPool.Get(scale.Tape())
	d.init("HalfNormal", scale)
	uvCheck("HalfNormal", "scale", scale, uvPositive, "positive")
	d.Scale = scale
	return d
}

// Name is Pyro's class name.
func (d *HalfNormalDist) Name() string { return "HalfNormal" }

// Support is the set of values LogProb accepts.
func (d *HalfNormalDist) Support() constraints.Constraint { return constraints.NonNegative }

// HasRSample reports whether RSample is available.
func (d *HalfNormalDist) HasRSample() bool { return true }

func halfNormalK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, s := in[0], in[1]
	var g [4]float64
	z := x / s
	if need&1 != 0 {
		g[0] = -z / s
	}
	if need&2 != 0 {
		g[1] = (z*z - 1) / s
	}
	return math.Ln2 - 0.5*z*z - math.Log(s) - uvHalfLog2P, g
}

// LogProb is log 2 + the Normal(0, scale) log density, for x ≥ 0.
func (d *HalfNormalDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, halfNormalK, nonNegSupport, [4]ad.V{x, d.Scale}, 2)
}

// Sample draws HalfNormal variates (no gradient).
func (d *HalfNormalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

func uvAbsNormalDraw(rng *RNG, _ [4]float64) float64 { return math.Abs(rng.NormFloat64()) }

// RSample draws scale·|ε|, ε ~ N(0, 1).
func (d *HalfNormalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, uvAbsNormalDraw)
	return t.Mul(d.Scale, e)
}

// Mean is scale·√(2/π).
func (d *HalfNormalDist) Mean() ad.V { return d.expand(d.t.MulConst(d.Scale, math.Sqrt(2/uvPi))) }

// Variance is scale²·(1 - 2/π).
func (d *HalfNormalDist) Variance() ad.V {
	t := d.t
	return d.expand(t.MulConst(t.Square(d.Scale), 1-2/uvPi))
}

// Entropy is ½log(π·scale²/2) + ½.
func (d *HalfNormalDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.AddConst(t.Log(d.Scale), 0.5*math.Log(uvPi/2)+0.5))
}

// Expand broadcasts the scale to batchShape.
func (d *HalfNormalDist) Expand(batchShape ...int) Distribution {
	return HalfNormal(d.t.Expand(d.Scale, batchShape...))
}

// ---------------------------------------------------------------------------

// LaplaceDist is the Laplace (double exponential) distribution (Pyro's
// Laplace(loc, scale)).
type LaplaceDist struct {
	Loc, Scale ad.V
	uvBase
}

var laplacePool = NewPool[LaplaceDist]()

// Laplace returns Laplace(loc, scale); scale must be positive.
func Laplace(loc, scale ad.V) *LaplaceDist {
	d := laplacePool.Get(loc.Tape())
	d.init("Laplace", loc, scale)
	uvCheck("Laplace", "loc", loc, uvFiniteReal, "finite")
	uvCheck("Laplace", "scale", scale, uvPositive, "positive")
	d.Loc, d.Scale = loc, scale
	return d
}

// Name is Pyro's class name.
func (d *LaplaceDist) Name() string { return "Laplace" }

// Support is the set of values LogProb accepts.
func (d *LaplaceDist) Support() constraints.Constraint { return constraints.Real }

// HasRSample reports whether RSample is available.
func (d *LaplaceDist) HasRSample() bool { return true }

func laplaceK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	dx, s := in[0]-in[1], in[2]
	var g [4]float64
	a := math.Abs(dx)
	if need != 0 {
		sg := 0.0
		if dx > 0 {
			sg = 1
		} else if dx < 0 {
			sg = -1
		}
		g[0] = -sg / s
		g[1] = sg / s
		g[2] = (a/s - 1) / s
	}
	return -math.Ln2 - math.Log(s) - a/s, g
}

// LogProb is -log(2·scale) - |x-loc|/scale.
func (d *LaplaceDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, laplaceK, realSupport, [4]ad.V{x, d.Loc, d.Scale}, 3)
}

// Sample draws Laplace variates (no gradient).
func (d *LaplaceDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

func uvStdLaplaceDraw(rng *RNG, _ [4]float64) float64 {
	e := rng.ExpFloat64()
	if rng.Uint64()&1 == 0 {
		return -e
	}
	return e
}

// RSample draws loc + scale·E·S with E ~ Exponential(1), S a random sign.
func (d *LaplaceDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, uvStdLaplaceDraw)
	return t.Add(d.Loc, t.Mul(d.Scale, e))
}

// Mean is the mean, batch-shaped.
func (d *LaplaceDist) Mean() ad.V { return d.expand(d.Loc) }

// Variance is 2·scale².
func (d *LaplaceDist) Variance() ad.V {
	t := d.t
	return d.expand(t.MulConst(t.Square(d.Scale), 2))
}

// Entropy is 1 + log(2·scale).
func (d *LaplaceDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.AddConst(t.Log(d.Scale), 1+math.Ln2))
}

// Expand broadcasts the parameters to batchShape.
func (d *LaplaceDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Laplace(t.Expand(d.Loc, batchShape...), t.Expand(d.Scale, batchShape...))
}

// ---------------------------------------------------------------------------

// LogNormalDist is exp(X) for X ~ Normal(Loc, Scale) (Pyro's
// LogNormal(loc, scale)).
type LogNormalDist struct {
	Loc, Scale ad.V
	uvBase
}

var logNormalPool = NewPool[LogNormalDist]()

// LogNormal returns LogNormal(loc, scale); scale must be positive.
func LogNormal(loc, scale ad.V) *LogNormalDist {
	d := logNormalPool.Get(loc.Tape())
	d.init("LogNormal", loc, scale)
	uvCheck("LogNormal", "loc", loc, uvFiniteReal, "finite")
	uvCheck("LogNormal", "scale", scale, uvPositive, "positive")
	d.Loc, d.Scale = loc, scale
	return d
}

// Name is Pyro's class name.
func (d *LogNormalDist) Name() string { return "LogNormal" }

// Support is the set of values LogProb accepts.
func (d *LogNormalDist) Support() constraints.Constraint { return constraints.Positive }

// HasRSample reports whether RSample is available.
func (d *LogNormalDist) HasRSample() bool { return true }

func logNormalK(in [4]float64, need uint8, _ *uvMemo) (float64, [4]float64) {
	x, mu, s := in[0], in[1], in[2]
	var g [4]float64
	lx := math.Log(x)
	z := (lx - mu) / s
	if need&1 != 0 {
		g[0] = -(z/s + 1) / x
	}
	g[1] = z / s
	if need&4 != 0 {
		g[2] = (z*z - 1) / s
	}
	return -0.5*z*z - math.Log(s) - uvHalfLog2P - lx, g
}

// LogProb is the Normal(loc, scale) log density of log x, minus log x.
func (d *LogNormalDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, logNormalK, positiveSupport, [4]ad.V{x, d.Loc, d.Scale}, 3)
}

// Sample draws LogNormal variates (no gradient).
func (d *LogNormalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

// RSample draws exp(loc + scale·ε).
func (d *LogNormalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := StandardNormal(t, rng, sampleShape, d.batch.Slice())
	return t.Exp(t.Add(d.Loc, t.Mul(d.Scale, e)))
}

// Mean is exp(loc + scale²/2).
func (d *LogNormalDist) Mean() ad.V {
	t := d.t
	return d.expand(t.Exp(t.Add(d.Loc, t.MulConst(t.Square(d.Scale), 0.5))))
}

// Variance is (exp(scale²) - 1)·exp(2loc + scale²).
func (d *LogNormalDist) Variance() ad.V {
	t := d.t
	s2 := t.Square(d.Scale)
	return d.expand(t.Mul(t.Expm1(s2), t.Exp(t.Add(t.MulConst(d.Loc, 2), s2))))
}

// Entropy is loc + ½ + log(scale) + log√(2π).
func (d *LogNormalDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.Add(d.Loc, t.AddConst(t.Log(d.Scale), 0.5+uvHalfLog2P)))
}

// Expand broadcasts the parameters to batchShape.
func (d *LogNormalDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return LogNormal(t.Expand(d.Loc, batchShape...), t.Expand(d.Scale, batchShape...))
}

// ---------------------------------------------------------------------------

// GumbelDist is the Gumbel (type-I extreme value) distribution (Pyro's
// Gumbel(loc, scale)).
type GumbelDist struct {
	Loc, Scale ad.V
	uvBase
}

var gumbelPool = NewPool[GumbelDist]()

// Gumbel returns Gumbel(loc, scale); scale must be positive.
func Gumbel(loc, scale ad.V) *GumbelDist {
	d := gumbelPool.Get(loc.Tape())
	d.init("Gumbel", loc, scale)
	uvCheck("Gumbel", "loc", loc, uvFiniteReal, "finite")
	uvCheck("Gumbel", "scale", scale, uvPositive, "positive")
	d.Loc, d.Scale = loc, scale
	return d
}

// Name is Pyro's class name.
func (d *GumbelDist) Name() string { return "Gumbel" }

// Support is the set of values LogProb accepts.
func (d *GumbelDist) Support() constraints.Constraint { return constraints.Real }

// HasRSample reports whether RSample is available.
func (d *GumbelDist) HasRSample() bool { return true }

func gumbelK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	s := in[2]
	z := (in[0] - in[1]) / s
	e := math.Exp(-z)
	var g [4]float64
	if need != 0 {
		g[0] = (e - 1) / s
		g[1] = -g[0]
		g[2] = (z*(1-e) - 1) / s
	}
	return -(math.Log(s) + z + e), g
}

// LogProb is -(log scale + z + exp(-z)), z = (x-loc)/scale.
func (d *GumbelDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, gumbelK, realSupport, [4]ad.V{x, d.Loc, d.Scale}, 3)
}

// Sample draws Gumbel variates (no gradient).
func (d *GumbelDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

func uvStdGumbelDraw(rng *RNG, _ [4]float64) float64 { return -math.Log(rng.ExpFloat64()) }

// RSample draws loc - scale·log(E), E ~ Exponential(1).
func (d *GumbelDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, uvStdGumbelDraw)
	return t.Add(d.Loc, t.Mul(d.Scale, e))
}

// Mean is loc + scale·γ (Euler's constant).
func (d *GumbelDist) Mean() ad.V {
	t := d.t
	return d.expand(t.Add(d.Loc, t.MulConst(d.Scale, uvEulerGam)))
}

// Variance is π²/6·scale².
func (d *GumbelDist) Variance() ad.V {
	t := d.t
	return d.expand(t.MulConst(t.Square(d.Scale), uvPi*uvPi/6))
}

// Entropy is log(scale) + γ + 1.
func (d *GumbelDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.AddConst(t.Log(d.Scale), uvEulerGam+1))
}

// Expand broadcasts the parameters to batchShape.
func (d *GumbelDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Gumbel(t.Expand(d.Loc, batchShape...), t.Expand(d.Scale, batchShape...))
}

// ---------------------------------------------------------------------------

// StudentTDist is Student's t distribution with Df degrees of freedom,
// location Loc and scale Scale (Pyro's StudentT(df, loc=0, scale=1)).
type StudentTDist struct {
	Df, Loc, Scale ad.V
	uvBase
}

var studentTPool = NewPool[StudentTDist]()

// StudentT returns StudentT(df, loc, scale); df and scale must be positive.
func StudentT(df, loc, scale ad.V) *StudentTDist {
	d := studentTPool.Get(df.Tape())
	d.init("StudentT", df, loc, scale)
	uvCheck("StudentT", "df", df, uvPositive, "positive")
	uvCheck("StudentT", "loc", loc, uvFiniteReal, "finite")
	uvCheck("StudentT", "scale", scale, uvPositive, "positive")
	d.Df, d.Loc, d.Scale = df, loc, scale
	return d
}

// Name is Pyro's class name.
func (d *StudentTDist) Name() string { return "StudentT" }

// Support is the set of values LogProb accepts.
func (d *StudentTDist) Support() constraints.Constraint { return constraints.Real }

// HasRSample reports whether RSample is available.
func (d *StudentTDist) HasRSample() bool { return true }

// in: x, df, loc, scale
func studentTK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	nu, dx, s := in[1], in[0]-in[2], in[3]
	var g [4]float64
	// log(1 + z²/ν) without overflow
	z := dx / s
	var l1 float64
	big := !(math.Abs(z) < uvBigZ)
	if !big {
		l1 = math.Log1p(z * z / nu)
	} else {
		l1 = 2*(math.Log(math.Abs(dx))-math.Log(s)) - math.Log(nu)
	}
	lp := m.get(0, nu, 0, studentTNorm) - math.Log(s) - 0.5*(nu+1)*l1
	if need != 0 {
		var gx, gs float64
		if !big {
			gx = -(nu + 1) * z / (s * (nu + z*z))
			gs = nu * (z*z - 1) / (s * (nu + z*z))
		} else {
			gx = -(nu + 1) / dx
			gs = nu / s
		}
		g[0], g[2], g[3] = gx, -gx, gs
		if need&2 != 0 {
			w := z * z / nu
			frac := 1.0
			if !big {
				frac = w / (1 + w)
			}
			g[1] = m.get(1, nu, 0, studentTDNorm) - 0.5*l1 + 0.5*(nu+1)*frac/nu
		}
	}
	return lp, g
}

// studentTNorm is log Γ((ν+1)/2) - log Γ(ν/2) - ½log(νπ), and
// studentTDNorm its derivative in ν.
func studentTNorm(nu, _ float64) float64 {
	return uvLgammaDiff(0.5*nu, 0.5) - 0.5*(math.Log(nu)+uvLogPi)
}

func studentTDNorm(nu, _ float64) float64 {
	return 0.5*(sp.Digamma(0.5*(nu+1))-sp.Digamma(0.5*nu)) - 0.5/nu
}

// LogProb is log Γ((ν+1)/2) - log Γ(ν/2) - ½log(νπ) - log scale
// - (ν+1)/2·log(1 + z²/ν).
func (d *StudentTDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, studentTK, realSupport, [4]ad.V{x, d.Df, d.Loc, d.Scale}, 4)
}

// Sample draws Student-t variates (no gradient).
func (d *StudentTDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	// the same draw with detached parameters: no implicit-gradient work
	t := d.t
	return StudentT(t.Detach(d.Df), t.Detach(d.Loc), t.Detach(d.Scale)).RSample(rng, sampleShape...)
}

// RSample draws loc + scale·ε/√(Z/df) with ε ~ N(0, 1) and Z ~ Chi2(df)
// (pathwise in df through the Gamma implicit gradient).
func (d *StudentTDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	e := StandardNormal(t, rng, sampleShape, d.batch.Slice())
	half := t.MulConst(d.Df, 0.5)
	g := uvStandardGammaR(t, rng, sampleShape, d.batch.Slice(), half, 1) // Z/df = g/(df/2)
	y := t.Mul(e, t.Sqrt(t.Div(half, g)))
	return t.Add(d.Loc, t.Mul(d.Scale, y))
}

// Mean is loc for df > 1, NaN otherwise.
func (d *StudentTDist) Mean() ad.V {
	t := d.t
	return t.Where(d.expand(uvGreater(t, d.Df, 1)), d.expand(d.Loc), t.Scalar(math.NaN()))
}

// Variance is scale²·df/(df-2) for df > 2, +Inf for 1 < df ≤ 2, NaN for
// df ≤ 1.
func (d *StudentTDist) Variance() ad.V {
	t := d.t
	v := t.Div(t.Mul(t.Square(d.Scale), d.Df), t.AddConst(d.Df, -2))
	v = t.Where(d.expand(uvGreater(t, d.Df, 2)), d.expand(v), t.Scalar(math.Inf(1)))
	return t.Where(d.expand(uvGreater(t, d.Df, 1)), v, t.Scalar(math.NaN()))
}

// Entropy is log scale + (ν+1)/2·(ψ((ν+1)/2) - ψ(ν/2)) + ½log ν + log B(ν/2, ½).
func (d *StudentTDist) Entropy() ad.V {
	t := d.t
	h := t.MulConst(d.Df, 0.5)
	h1 := t.AddConst(h, 0.5)
	lb := t.Sub(t.AddConst(t.Lgamma(h), 0.5*math.Log(uvPi)), t.Lgamma(h1))
	e := t.Add(t.Log(d.Scale), t.Mul(h1, t.Sub(t.Digamma(h1), t.Digamma(h))))
	e = t.Add(e, t.Add(t.MulConst(t.Log(d.Df), 0.5), lb))
	return d.expand(e)
}

// Expand broadcasts the parameters to batchShape.
func (d *StudentTDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return StudentT(t.Expand(d.Df, batchShape...), t.Expand(d.Loc, batchShape...), t.Expand(d.Scale, batchShape...))
}

// ---------------------------------------------------------------------------

// UniformDist is the uniform distribution on [Low, High) (Pyro's
// Uniform(low, high)). As PyTorch, values equal to High are accepted by
// validation (the support is the closed interval) and get log density -Inf.
type UniformDist struct {
	Low, High ad.V
	support   constraints.Bounded
	uvBase
}

var uniformPool = NewPool[UniformDist]()

// Uniform returns Uniform(low, high); low < high elementwise.
func Uniform(low, high ad.V) *UniformDist {
	d := uniformPool.Get(low.Tape())
	d.init("Uniform", low, high)
	uvCheck("Uniform", "low", low, uvFiniteReal, "finite")
	uvCheck("Uniform", "high", high, uvFiniteReal, "finite")
	ok := uvMap(d.t, d.batch.Slice(), [4]ad.V{low, high}, 2, func(in [4]float64) float64 {
		if in[0] < in[1] {
			return 1
		}
		return 0
	})
	for i, v := range ok.Data() {
		if v == 0 {
			Fail("Uniform", "low", "must be less than high (flat index %d)", i)
		}
	}
	d.Low, d.High = low, high
	d.support = constraints.IntervalV(low, high)
	return d
}

// Name is Pyro's class name.
func (d *UniformDist) Name() string { return "Uniform" }

// Support is the set of values LogProb accepts.
func (d *UniformDist) Support() constraints.Constraint { return &d.support }

// HasRSample reports whether RSample is available.
func (d *UniformDist) HasRSample() bool { return true }

func uniformK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, lo, hi := in[0], in[1], in[2]
	var g [4]float64
	w := hi - lo
	if need != 0 {
		g[1] = 1 / w
		g[2] = -1 / w
	}
	if x >= hi {
		return math.Inf(-1), g
	}
	return -math.Log(w), g
}

func uniformSupport(in [4]float64) bool { return in[0] >= in[1] && in[0] <= in[2] }

// LogProb is -log(high - low) on [low, high).
func (d *UniformDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, uniformK, uniformSupport, [4]ad.V{x, d.Low, d.High}, 3)
}

// Sample draws uniform variates (no gradient).
func (d *UniformDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

func uvStdUniformDraw(rng *RNG, _ [4]float64) float64 { return rng.Float64() }

// RSample draws low + (high-low)·U.
func (d *UniformDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	u := uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{}, 0, uvStdUniformDraw)
	return t.Add(d.Low, t.Mul(t.Sub(d.High, d.Low), u))
}

// Mean is (low+high)/2.
func (d *UniformDist) Mean() ad.V {
	t := d.t
	return d.expand(t.MulConst(t.Add(d.Low, d.High), 0.5))
}

// Variance is (high-low)²/12.
func (d *UniformDist) Variance() ad.V {
	t := d.t
	return d.expand(t.MulConst(t.Square(t.Sub(d.High, d.Low)), 1.0/12))
}

// Entropy is log(high - low).
func (d *UniformDist) Entropy() ad.V {
	t := d.t
	return d.expand(t.Log(t.Sub(d.High, d.Low)))
}

// Expand broadcasts the parameters to batchShape.
func (d *UniformDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return Uniform(t.Expand(d.Low, batchShape...), t.Expand(d.High, batchShape...))
}
