package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// BernoulliDist is the Bernoulli distribution on {0, 1} (Pyro's
// Bernoulli(probs=…) or Bernoulli(logits=…)). Exactly one of Probs and
// Logits is set, by the constructor used; ProbsV and LogitsV give either
// form.
type BernoulliDist struct {
	Probs, Logits ad.V
	uvBase
}

var bernoulliPool = NewPool[BernoulliDist]()

// Bernoulli returns Bernoulli(probs); probs must lie in [0, 1].
func Bernoulli(probs ad.V) *BernoulliDist {
	d := bernoulliPool.Get(probs.Tape())
	d.init("Bernoulli", probs)
	uvCheck("Bernoulli", "probs", probs, uvUnit, "in [0, 1]")
	d.Probs = probs
	return d
}

// BernoulliLogits returns Bernoulli(logits=logits): P(1) = sigmoid(logits).
func BernoulliLogits(logits ad.V) *BernoulliDist {
	d := bernoulliPool.Get(logits.Tape())
	d.init("Bernoulli", logits)
	uvCheckNotNaN("Bernoulli", "logits", logits)
	d.Logits = logits
	return d
}

// Name is Pyro's class name.
func (d *BernoulliDist) Name() string { return "Bernoulli" }

// Support is the set of values LogProb accepts.
func (d *BernoulliDist) Support() constraints.Constraint { return constraints.Boolean }

// HasRSample reports whether RSample is available.
func (d *BernoulliDist) HasRSample() bool { return false }

// ProbsV is P(value = 1), computed from Logits when those were given.
func (d *BernoulliDist) ProbsV() ad.V {
	if d.Probs.Valid() {
		return d.Probs
	}
	return d.t.Sigmoid(d.Logits)
}

// LogitsV is log(p/(1-p)), computed from Probs when those were given.
func (d *BernoulliDist) LogitsV() ad.V {
	if d.Logits.Valid() {
		return d.Logits
	}
	return d.t.Logit(d.Probs)
}

func bernoulliProbsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, p := in[0], in[1]
	var g [4]float64
	lp := math.Log1p(-p)
	if x == 1 {
		lp = math.Log(p)
	}
	if need&1 != 0 {
		g[0] = math.Log(p) - math.Log1p(-p)
	}
	if need&2 != 0 {
		g[1] = x/p - (1-x)/(1-p)
		if x == 1 {
			g[1] = 1 / p
		} else if x == 0 {
			g[1] = -1 / (1 - p)
		}
	}
	return lp, g
}

func bernoulliLogitsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	x, l := in[0], in[1]
	var g [4]float64
	lp := -sp.Softplus(l)
	if x == 1 {
		lp = -sp.Softplus(-l)
	}
	if need&1 != 0 {
		g[0] = l
	}
	if need&2 != 0 {
		g[1] = x - sp.Sigmoid(l)
	}
	return lp, g
}

func boolSupport(in [4]float64) bool { return in[0] == 0 || in[0] == 1 }

// LogProb is log p at 1 and log(1-p) at 0 (-softplus(∓logits) in the logits
// form, accurate for |logits| in the hundreds).
func (d *BernoulliDist) LogProb(x ad.V) ad.V {
	if d.Probs.Valid() {
		return uvFused(d, &d.memo, bernoulliProbsK, boolSupport, [4]ad.V{x, d.Probs}, 2)
	}
	if !x.RequiresGrad() && x.Size() >= d.Logits.Size() {
		// fast path: one vectorized fused node (asm softplus) that also
		// checks the support
		lp, bad := d.t.BernoulliLogitsLogProbBinary(x, d.Logits)
		if bad >= 0 {
			uvFailSupport(d, x.Data()[bad%x.Size()], bad)
		}
		return lp
	}
	return uvFused(d, &d.memo, bernoulliLogitsK, boolSupport, [4]ad.V{x, d.Logits}, 2)
}

func bernoulliDrawP(rng *RNG, in [4]float64) float64 {
	if rng.Float64() < in[0] {
		return 1
	}
	return 0
}

func bernoulliDrawL(rng *RNG, in [4]float64) float64 {
	if rng.Float64() < sp.Sigmoid(in[0]) {
		return 1
	}
	return 0
}

// Sample draws 0/1 values of shape sampleShape + batch.
func (d *BernoulliDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	if d.Probs.Valid() {
		return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Probs}, 1, bernoulliDrawP)
	}
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Logits}, 1, bernoulliDrawL)
}

// RSample panics: Bernoulli is not reparameterizable.
func (d *BernoulliDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is the mean, batch-shaped.
func (d *BernoulliDist) Mean() ad.V { return d.expand(d.ProbsV()) }

// Variance is the variance, batch-shaped.
func (d *BernoulliDist) Variance() ad.V {
	t := d.t
	p := d.ProbsV()
	return d.expand(t.Mul(p, t.Neg(t.AddConst(p, -1))))
}

// Entropy is -p log p - (1-p) log(1-p) (softplus(l) - l·sigmoid(l) in the
// logits form).
func (d *BernoulliDist) Entropy() ad.V {
	t := d.t
	if d.Logits.Valid() {
		l := d.Logits
		return d.expand(t.Sub(t.Softplus(l), t.Mul(l, t.Sigmoid(l))))
	}
	p := d.Probs
	q := t.AddConst(t.Neg(p), 1)
	return d.expand(t.Neg(t.Add(t.Xlogy(p, p), t.Xlogy(q, q))))
}

// EnumerateSupport returns [0, 1] along a new leftmost dimension.
func (d *BernoulliDist) EnumerateSupport(expand bool) ad.V {
	return uvEnumerate(d.t, 2, d.batch.Slice(), expand)
}

// Expand broadcasts the parameter to batchShape.
func (d *BernoulliDist) Expand(batchShape ...int) Distribution {
	if d.Probs.Valid() {
		return Bernoulli(d.t.Expand(d.Probs, batchShape...))
	}
	return BernoulliLogits(d.t.Expand(d.Logits, batchShape...))
}

// GeometricDist is the number of failures before the first success in
// Bernoulli(probs) trials, on {0, 1, 2, …} (Pyro's Geometric(probs=…) or
// Geometric(logits=…)).
type GeometricDist struct {
	Probs, Logits ad.V
	uvBase
}

var geometricPool = NewPool[GeometricDist]()

// Geometric returns Geometric(probs); probs must lie in [0, 1] (at 0 every
// count has log mass -Inf, as PyTorch).
func Geometric(probs ad.V) *GeometricDist {
	d := geometricPool.Get(probs.Tape())
	d.init("Geometric", probs)
	uvCheck("Geometric", "probs", probs, uvUnit, "in [0, 1]")
	d.Probs = probs
	return d
}

// GeometricLogits returns Geometric(logits=logits).
func GeometricLogits(logits ad.V) *GeometricDist {
	d := geometricPool.Get(logits.Tape())
	d.init("Geometric", logits)
	uvCheckNotNaN("Geometric", "logits", logits)
	d.Logits = logits
	return d
}

// Name is Pyro's class name.
func (d *GeometricDist) Name() string { return "Geometric" }

// Support is the set of values LogProb accepts.
func (d *GeometricDist) Support() constraints.Constraint { return constraints.NonNegativeInteger }

// HasRSample reports whether RSample is available.
func (d *GeometricDist) HasRSample() bool { return false }

// ProbsV is the success probability.
func (d *GeometricDist) ProbsV() ad.V {
	if d.Probs.Valid() {
		return d.Probs
	}
	return d.t.Sigmoid(d.Logits)
}

func geometricProbsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	k, p := in[0], in[1]
	var g [4]float64
	lp := sp.Xlog1py(k, -p) + math.Log(p)
	if need&1 != 0 {
		g[0] = math.Log1p(-p)
	}
	if need&2 != 0 {
		g[1] = 1 / p
		if k != 0 {
			g[1] -= k / (1 - p)
		}
	}
	return lp, g
}

func geometricLogitsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	k, l := in[0], in[1]
	var g [4]float64
	lp := -sp.Softplus(-l)
	if k != 0 {
		lp -= k * sp.Softplus(l)
	}
	if need&1 != 0 {
		g[0] = -sp.Softplus(l)
	}
	if need&2 != 0 {
		g[1] = sp.Sigmoid(-l) - k*sp.Sigmoid(l)
	}
	return lp, g
}

func nonNegIntSupport(in [4]float64) bool { return uvNonNegInt(in[0]) }

// LogProb is k·log(1-p) + log p.
func (d *GeometricDist) LogProb(x ad.V) ad.V {
	if d.Probs.Valid() {
		return uvFused(d, &d.memo, geometricProbsK, nonNegIntSupport, [4]ad.V{x, d.Probs}, 2)
	}
	return uvFused(d, &d.memo, geometricLogitsK, nonNegIntSupport, [4]ad.V{x, d.Logits}, 2)
}

func geometricDraw(rng *RNG, in [4]float64) float64 {
	p := in[0]
	if p == 1 {
		return 0
	}
	// floor(log U / log(1-p)) with U in (0, 1]
	u := 1 - rng.Float64()
	return math.Floor(math.Log(u) / math.Log1p(-p))
}

func geometricDrawL(rng *RNG, in [4]float64) float64 {
	u := 1 - rng.Float64()
	return math.Floor(math.Log(u) / -sp.Softplus(in[0]))
}

// Sample draws failure counts of shape sampleShape + batch.
func (d *GeometricDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	if d.Probs.Valid() {
		return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Probs}, 1, geometricDraw)
	}
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Logits}, 1, geometricDrawL)
}

// RSample panics: Geometric is not reparameterizable.
func (d *GeometricDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is 1/p - 1.
func (d *GeometricDist) Mean() ad.V {
	t := d.t
	return d.expand(t.AddConst(t.Reciprocal(d.ProbsV()), -1))
}

// Variance is (1/p - 1)/p.
func (d *GeometricDist) Variance() ad.V {
	t := d.t
	p := d.ProbsV()
	return d.expand(t.Div(t.AddConst(t.Reciprocal(p), -1), p))
}

// Entropy is (-(1-p)log(1-p) - p log p)/p.
func (d *GeometricDist) Entropy() ad.V {
	t := d.t
	var h ad.V
	p := d.ProbsV()
	if d.Logits.Valid() {
		l := d.Logits
		h = t.Sub(t.Softplus(l), t.Mul(l, p))
	} else {
		q := t.AddConst(t.Neg(p), 1)
		h = t.Neg(t.Add(t.Xlogy(p, p), t.Xlogy(q, q)))
	}
	return d.expand(t.Div(h, p))
}

// Expand broadcasts the parameter to batchShape.
func (d *GeometricDist) Expand(batchShape ...int) Distribution {
	if d.Probs.Valid() {
		return Geometric(d.t.Expand(d.Probs, batchShape...))
	}
	return GeometricLogits(d.t.Expand(d.Logits, batchShape...))
}
