package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// mvTiny is PyTorch's finfo(float64).tiny, the smallest normal float64.
const mvTiny = 0x1p-1022

// RelaxedBernoulliDist is the Concrete / Gumbel-sigmoid relaxation of a
// Bernoulli variable (Pyro's RelaxedBernoulli(temperature, probs | logits)):
// sigmoid of a logistic variable (logits + L)/temperature.
type RelaxedBernoulliDist struct {
	Temperature   ad.V
	probs, logits ad.V
	batch         Shape
}

var relaxedBernPool = NewPool[RelaxedBernoulliDist]()

// RelaxedBernoulli returns RelaxedBernoulli(temperature, probs=probs).
// probs must lie in [0, 1] and temperature be positive; the batch shape is
// the broadcast of the two.
func RelaxedBernoulli(temperature, probs ad.V) *RelaxedBernoulliDist {
	return newRelaxedBern(temperature, true, probs)
}

// RelaxedBernoulliLogits returns RelaxedBernoulli(temperature,
// logits=logits).
func RelaxedBernoulliLogits(temperature, logits ad.V) *RelaxedBernoulliDist {
	return newRelaxedBern(temperature, false, logits)
}

func newRelaxedBern(temp ad.V, isProbs bool, v ad.V) *RelaxedBernoulliDist {
	const name = "RelaxedBernoulli"
	checkSameTape(name, temp, v)
	mvCheckAll(name, "temperature", temp, mvPositiveFinite, "positive and finite")
	d := relaxedBernPool.Get(v.Tape())
	d.Temperature = temp
	if isProbs {
		mvCheckAll(name, "probs", v, func(x float64) bool { return x >= 0 && x <= 1 }, "in [0, 1]")
		d.probs, d.logits = v, ad.V{}
	} else {
		mvCheckAll(name, "logits", v, func(x float64) bool { return x == x }, "real (not NaN)")
		d.probs, d.logits = ad.V{}, v
	}
	d.batch = mvBroadcastNamed(name, "temperature", temp.Shape(), v.Shape())
	return d
}

// Probs returns the success probabilities (sigmoid of the logits).
func (d *RelaxedBernoulliDist) Probs() ad.V {
	if !d.probs.Valid() {
		d.probs = d.Tape().Sigmoid(d.logits)
	}
	return d.probs
}

// Logits returns the log-odds (of the probabilities clamped to
// [eps, 1-eps], as PyTorch's probs_to_logits).
func (d *RelaxedBernoulliDist) Logits() ad.V {
	if !d.logits.Valid() {
		t := d.Tape()
		p := t.Clamp(d.probs, mvEps, 1-mvEps)
		d.logits = t.Sub(t.Log(p), t.Log1p(t.Neg(p)))
	}
	return d.logits
}

func (d *RelaxedBernoulliDist) Name() string                    { return "RelaxedBernoulli" }
func (d *RelaxedBernoulliDist) Tape() *ad.Tape                  { return d.Temperature.Tape() }
func (d *RelaxedBernoulliDist) BatchShape() []int               { return d.batch.Slice() }
func (d *RelaxedBernoulliDist) EventShape() []int               { return nil }
func (d *RelaxedBernoulliDist) Support() constraints.Constraint { return constraints.UnitInterval }
func (d *RelaxedBernoulliDist) HasRSample() bool                { return true }

// LogProb is PyTorch's: with x = logit(y) (y clamped to [tiny, 1-eps]) and
// δ = logits - T·x, log T + δ - 2·softplus(δ) + softplus(x) + softplus(-x).
// softplus is evaluated stably (PyTorch's log1p(exp(δ)) overflows for
// δ > 709; gyro returns the finite limit there).
func (d *RelaxedBernoulliDist) LogProb(y ad.V) ad.V {
	t := d.Tape()
	mvCheckValue("RelaxedBernoulli", y, d.batch.Slice(), nil)
	mvCheckAll("RelaxedBernoulli", "value", y, func(x float64) bool { return x >= 0 && x <= 1 }, "in [0, 1]")
	T := d.Temperature
	yc := t.Clamp(y, mvTiny, 1-mvEps)
	x := t.Sub(t.Log(yc), t.Log1p(t.Neg(yc)))
	diff := t.Sub(d.Logits(), t.Mul(x, T))
	lp := t.Add(t.Log(T), t.Sub(diff, t.MulConst(t.Softplus(diff), 2)))
	return t.Add(lp, t.Add(t.Softplus(x), t.Softplus(t.Neg(x))))
}

// Sample draws a relaxed sample as a constant.
func (d *RelaxedBernoulliDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Detach(d.RSample(rng, sampleShape...))
}

// RSample is sigmoid((logits + log u - log(1-u))/T), u uniform clamped to
// [eps, 1-eps], clamped to [tiny, 1-eps]; differentiable in logits and T.
func (d *RelaxedBernoulliDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape("RelaxedBernoulli", &buf, sampleShape, d.batch.Slice(), nil)
	var l ad.V
	if len(out) == 0 {
		u := math.Min(math.Max(rng.Float64(), mvEps), 1-mvEps)
		l = t.Scalar(math.Log(u) - math.Log1p(-u))
	} else {
		l = t.Const(out, nil)
		z := l.Data()
		for i := range z {
			u := math.Min(math.Max(rng.Float64(), mvEps), 1-mvEps)
			z[i] = math.Log(u) - math.Log1p(-u)
		}
	}
	x := t.Div(t.Add(l, d.Logits()), d.Temperature)
	return t.Clamp(t.Sigmoid(x), mvTiny, 1-mvEps)
}

// Mean is NaN: the relaxed distribution has no closed-form mean (PyTorch
// raises NotImplementedError).
func (d *RelaxedBernoulliDist) Mean() ad.V { return mvFillConst(d.Tape(), d.batch.Slice(), math.NaN()) }

// Variance is NaN (no closed form).
func (d *RelaxedBernoulliDist) Variance() ad.V {
	return mvFillConst(d.Tape(), d.batch.Slice(), math.NaN())
}

// Expand broadcasts temperature and the probabilities to batchShape.
func (d *RelaxedBernoulliDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	T := t.Expand(d.Temperature, batchShape...)
	if d.probs.Valid() {
		return RelaxedBernoulli(T, t.Expand(d.probs, batchShape...))
	}
	return RelaxedBernoulliLogits(T, t.Expand(d.logits, batchShape...))
}

// RelaxedOneHotCategoricalDist is the Concrete / Gumbel-softmax
// relaxation of a one-hot categorical variable (Pyro's
// RelaxedOneHotCategorical(temperature, probs | logits)): softmax of
// (logits + Gumbel noise)/temperature, a point of the simplex.
type RelaxedOneHotCategoricalDist struct {
	mvCat
	// Temperature is a single positive value (0-d or one element).
	Temperature  ad.V
	batch, event Shape
}

var relaxedCatPool = NewPool[RelaxedOneHotCategoricalDist]()

// RelaxedOneHotCategorical returns RelaxedOneHotCategorical(temperature,
// probs=probs); probs has shape batch + (k,), temperature is one positive
// value.
func RelaxedOneHotCategorical(temperature, probs ad.V) *RelaxedOneHotCategoricalDist {
	return newRelaxedCat(temperature, true, probs)
}

// RelaxedOneHotCategoricalLogits returns
// RelaxedOneHotCategorical(temperature, logits=logits).
func RelaxedOneHotCategoricalLogits(temperature, logits ad.V) *RelaxedOneHotCategoricalDist {
	return newRelaxedCat(temperature, false, logits)
}

func newRelaxedCat(temp ad.V, isProbs bool, v ad.V) *RelaxedOneHotCategoricalDist {
	const name = "RelaxedOneHotCategorical"
	checkSameTape(name, temp, v)
	if temp.Size() != 1 {
		Fail(name, "temperature", "must be a single value, got shape %v", append([]int(nil), temp.Shape()...))
	}
	mvCheckAll(name, "temperature", temp, mvPositiveFinite, "positive and finite")
	d := relaxedCatPool.Get(v.Tape())
	d.init(name, isProbs, v)
	d.Temperature = temp
	if !temp.IsScalar() {
		d.Temperature = v.Tape().Reshape(temp)
	}
	sh := v.Shape()
	d.batch = MakeShape(sh[:len(sh)-1])
	d.event = MakeShape(sh[len(sh)-1:])
	return d
}

func (d *RelaxedOneHotCategoricalDist) Name() string                    { return "RelaxedOneHotCategorical" }
func (d *RelaxedOneHotCategoricalDist) Tape() *ad.Tape                  { return d.Temperature.Tape() }
func (d *RelaxedOneHotCategoricalDist) BatchShape() []int               { return d.batch.Slice() }
func (d *RelaxedOneHotCategoricalDist) EventShape() []int               { return d.event.Slice() }
func (d *RelaxedOneHotCategoricalDist) Support() constraints.Constraint { return constraints.Simplex }
func (d *RelaxedOneHotCategoricalDist) HasRSample() bool                { return true }

// LogProb is PyTorch's: with x = log y and s = logits - T·x,
// lgamma(k) + (k-1)·log T + Σ(s - logsumexp(s)) - Σx. Values must lie in the
// simplex (tolerance 1e-6).
func (d *RelaxedOneHotCategoricalDist) LogProb(y ad.V) ad.V {
	const name = "RelaxedOneHotCategorical"
	t := d.Tape()
	mvCheckValue(name, y, d.batch.Slice(), d.event.Slice())
	mvCheckSimplex(name, "value", y, 1e-6)
	k := float64(d.event.d[0])
	T := d.Temperature
	x := t.Log(y)
	s := t.Sub(d.Logits(), t.Mul(x, T))
	score := mvSumRightmost(name, t, t.Sub(s, mvLogSumExpLast(t, s)), 1)
	logScale := t.AddConst(t.MulConst(t.Log(T), k-1), lgammaF(k))
	return t.Sub(t.Add(score, logScale), mvSumRightmost(name, t, x, 1))
}

func lgammaF(x float64) float64 { y, _ := math.Lgamma(x); return y }

// Sample draws a relaxed one-hot vector as a constant.
func (d *RelaxedOneHotCategoricalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Detach(d.RSample(rng, sampleShape...))
}

// RSample is softmax((logits + g)/T) with g = -log(-log u) standard Gumbel
// noise (u clamped to [eps, 1-eps]); differentiable in the logits and T.
func (d *RelaxedOneHotCategoricalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape("RelaxedOneHotCategorical", &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	g := t.Const(out, nil)
	z := g.Data()
	for i := range z {
		u := math.Min(math.Max(rng.Float64(), mvEps), 1-mvEps)
		z[i] = -math.Log(-math.Log(u))
	}
	s := t.Div(t.Add(d.Logits(), g), d.Temperature)
	return t.Exp(t.Sub(s, mvLogSumExpLast(t, s)))
}

// Mean is NaN (no closed form; PyTorch raises NotImplementedError).
func (d *RelaxedOneHotCategoricalDist) Mean() ad.V {
	var buf [ad.MaxDims]int
	return mvFillConst(d.Tape(), mvWithBatch(d.Name(), &buf, d.batch.Slice(), d.event.Slice()), math.NaN())
}

// Variance is NaN (no closed form).
func (d *RelaxedOneHotCategoricalDist) Variance() ad.V { return d.Mean() }

// Expand broadcasts the parameters to batchShape + (k,).
func (d *RelaxedOneHotCategoricalDist) Expand(batchShape ...int) Distribution {
	isProbs, v := d.expand("RelaxedOneHotCategorical", batchShape)
	return newRelaxedCat(d.Temperature, isProbs, v)
}
