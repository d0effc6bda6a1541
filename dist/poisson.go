package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// PoissonDist is the Poisson distribution with mean Rate (Pyro's
// Poisson(rate)).
type PoissonDist struct {
	Rate ad.V
	uvBase
}

var poissonPool = NewPool[PoissonDist]()

// Poisson returns Poisson(rate); rate must be non-negative.
func Poisson(rate ad.V) *PoissonDist {
	d := poissonPool.Get(rate.Tape())
	d.init("Poisson", rate)
	uvCheck("Poisson", "rate", rate, uvNonNeg, "non-negative")
	d.Rate = rate
	return d
}

// Name is Pyro's class name.
func (d *PoissonDist) Name() string { return "Poisson" }

// Support is the set of values LogProb accepts.
func (d *PoissonDist) Support() constraints.Constraint { return constraints.NonNegativeInteger }

// HasRSample reports whether RSample is available.
func (d *PoissonDist) HasRSample() bool { return false }

func poissonK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	k, lam := in[0], in[1]
	var g [4]float64
	ll := m.get(2, lam, 0, uvLog2)
	var lp float64
	if k < 1024 && lam > 0 {
		// direct k·log λ - λ - log k! unless it cancels
		t1 := 0.0
		if k != 0 {
			t1 = k * ll
		}
		lf := uvLogFact(k)
		lp = t1 - lam - lf
		if !(math.Abs(t1)+lam+lf <= 4*math.Abs(lp)) {
			lp = uvPoisLog(k, lam, ll)
		}
	} else {
		lp = uvPoisLog(k, lam, ll)
	}
	if need&1 != 0 {
		g[0] = ll - sp.Digamma(k+1)
	}
	if need&2 != 0 {
		g[1] = -1
		if k != 0 {
			g[1] += k / lam
		}
	}
	return lp, g
}

// LogProb is k log λ - λ - log k!, in Loader's saddle-point form (accurate
// for counts and rates in the millions).
func (d *PoissonDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, poissonK, nonNegIntSupport, [4]ad.V{x, d.Rate}, 2)
}

func poissonDraw(rng *RNG, in [4]float64) float64 { return rng.Poisson(in[0]) }

// Sample draws counts of shape sampleShape + batch.
func (d *PoissonDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Rate}, 1, poissonDraw)
}

// RSample panics: Poisson is not reparameterizable.
func (d *PoissonDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is the mean, batch-shaped.
func (d *PoissonDist) Mean() ad.V { return d.expand(d.Rate) }

// Variance is the variance, batch-shaped.
func (d *PoissonDist) Variance() ad.V { return d.expand(d.Rate) }

// Expand broadcasts the rate to batchShape.
func (d *PoissonDist) Expand(batchShape ...int) Distribution {
	return Poisson(d.t.Expand(d.Rate, batchShape...))
}

// NegativeBinomialDist is the number of successes before TotalCount
// failures in Bernoulli(Probs) trials (PyTorch's convention; Pyro's
// NegativeBinomial(total_count, probs=…) / (total_count, logits=…)). Its
// pmf is C(k+r-1, k) p^k (1-p)^r.
type NegativeBinomialDist struct {
	TotalCount    ad.V
	Probs, Logits ad.V // exactly one is set
	uvBase
}

var negBinomialPool = NewPool[NegativeBinomialDist]()

// NegativeBinomial returns NegativeBinomial(totalCount, probs); totalCount
// must be non-negative (real), probs in [0, 1).
func NegativeBinomial(totalCount, probs ad.V) *NegativeBinomialDist {
	d := negBinomialPool.Get(probs.Tape())
	d.init("NegativeBinomial", totalCount, probs)
	uvCheck("NegativeBinomial", "total_count", totalCount, uvNonNeg, "non-negative")
	uvCheck("NegativeBinomial", "probs", probs, func(x float64) bool { return x >= 0 && x < 1 }, "in [0, 1)")
	d.TotalCount, d.Probs = totalCount, probs
	return d
}

// NegativeBinomialLogits returns NegativeBinomial(totalCount, logits=logits).
func NegativeBinomialLogits(totalCount, logits ad.V) *NegativeBinomialDist {
	d := negBinomialPool.Get(logits.Tape())
	d.init("NegativeBinomial", totalCount, logits)
	uvCheck("NegativeBinomial", "total_count", totalCount, uvNonNeg, "non-negative")
	uvCheckNotNaN("NegativeBinomial", "logits", logits)
	d.TotalCount, d.Logits = totalCount, logits
	return d
}

// Name is Pyro's class name.
func (d *NegativeBinomialDist) Name() string { return "NegativeBinomial" }

// Support is the set of values LogProb accepts.
func (d *NegativeBinomialDist) Support() constraints.Constraint {
	return constraints.NonNegativeInteger
}

// HasRSample reports whether RSample is available.
func (d *NegativeBinomialDist) HasRSample() bool { return false }

// ProbsV is the success probability.
func (d *NegativeBinomialDist) ProbsV() ad.V {
	if d.Probs.Valid() {
		return d.Probs
	}
	return d.t.Sigmoid(d.Logits)
}

// LogitsV is log(p/(1-p)).
func (d *NegativeBinomialDist) LogitsV() ad.V {
	if d.Logits.Valid() {
		return d.Logits
	}
	return d.t.Logit(d.Probs)
}

// uvNegBinomLog is log[C(k+r-1, k) p^k q^r] through the binomial saddle
// point: r/(r+k) · Binomial(r; r+k, q).
func uvNegBinomLog(k, r, p, q, logp, logq float64) float64 {
	if r == 0 {
		if k == 0 {
			return 0
		}
		return math.Inf(-1)
	}
	if k == 0 {
		return r * logq
	}
	return uvBinomLog(r, k+r, q, p, logq, logp) - math.Log1p(k/r)
}

func negBinomK(in [4]float64, need uint8, m *uvMemo, p, q, logp, logq float64) (float64, [4]float64) {
	k, r := in[0], in[1]
	var g [4]float64
	var lp float64
	if r > 0 && k > 0 && k < 1024 && r < 1024 {
		// direct log Γ(k+r) - log k! - log Γ(r) + k log p + r log q unless it cancels
		l1, lf, lr := sp.Lgamma(k+r), uvLogFact(k), m.get(0, r, 0, uvLgamma2)
		t1, t2 := k*logp, r*logq
		lp = l1 - lf - lr + t1 + t2
		if !(math.Abs(l1)+lf+math.Abs(lr)+math.Abs(t1)+math.Abs(t2) <= 4*math.Abs(lp)) {
			lp = uvNegBinomLog(k, r, p, q, logp, logq)
		}
	} else {
		lp = uvNegBinomLog(k, r, p, q, logp, logq)
	}
	if need&3 != 0 {
		dkr := sp.Digamma(k + r)
		if need&1 != 0 {
			g[0] = dkr - sp.Digamma(k+1) + logp
		}
		if need&2 != 0 {
			g[1] = dkr - m.get(1, r, 0, uvDigamma2) + logq
		}
	}
	return lp, g
}

func negBinomProbsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	p := in[2]
	v, g := negBinomK(in, need, m, p, 1-p, math.Log(p), math.Log1p(-p))
	if need&4 != 0 {
		g[2] = -in[1] / (1 - p)
		if in[0] != 0 {
			g[2] += in[0] / p
		}
	}
	return v, g
}

func negBinomLogitsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	p, q, lp, lq := binomLogitsTerms(in[2])
	v, g := negBinomK(in, need, m, p, q, lp, lq)
	if need&4 != 0 {
		g[2] = in[0]*q - in[1]*p
	}
	return v, g
}

// LogProb is log Γ(k+r) - log Γ(r) - log k! + k log p + r log(1-p).
func (d *NegativeBinomialDist) LogProb(x ad.V) ad.V {
	if d.Probs.Valid() {
		return uvFused(d, &d.memo, negBinomProbsK, nonNegIntSupport, [4]ad.V{x, d.TotalCount, d.Probs}, 3)
	}
	return uvFused(d, &d.memo, negBinomLogitsK, nonNegIntSupport, [4]ad.V{x, d.TotalCount, d.Logits}, 3)
}

func negBinomDraw(rng *RNG, in [4]float64) float64 {
	r, p := in[0], in[1]
	if r == 0 || p == 0 {
		return 0
	}
	return rng.Poisson(rng.Gamma(r) * p / (1 - p))
}

func negBinomDrawL(rng *RNG, in [4]float64) float64 {
	if in[0] == 0 {
		return 0
	}
	return rng.Poisson(rng.Gamma(in[0]) * math.Exp(in[1]))
}

// Sample draws Poisson(λ) with λ ~ Gamma(r, (1-p)/p).
func (d *NegativeBinomialDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	if d.Probs.Valid() {
		return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.TotalCount, d.Probs}, 2, negBinomDraw)
	}
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.TotalCount, d.Logits}, 2, negBinomDrawL)
}

// RSample panics: NegativeBinomial is not reparameterizable.
func (d *NegativeBinomialDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is r·exp(logits) = r·p/(1-p).
func (d *NegativeBinomialDist) Mean() ad.V {
	t := d.t
	return d.expand(t.Mul(d.TotalCount, t.Exp(d.LogitsV())))
}

// Variance is mean/(1-p).
func (d *NegativeBinomialDist) Variance() ad.V {
	t := d.t
	l := d.LogitsV()
	return d.expand(t.Div(t.Mul(d.TotalCount, t.Exp(l)), t.Sigmoid(t.Neg(l))))
}

// Expand broadcasts the parameters to batchShape.
func (d *NegativeBinomialDist) Expand(batchShape ...int) Distribution {
	t := d.t
	n := t.Expand(d.TotalCount, batchShape...)
	if d.Probs.Valid() {
		return NegativeBinomial(n, t.Expand(d.Probs, batchShape...))
	}
	return NegativeBinomialLogits(n, t.Expand(d.Logits, batchShape...))
}

// GammaPoissonDist is Poisson(λ) with λ ~ Gamma(Concentration, Rate)
// integrated out (Pyro's GammaPoisson(concentration, rate)): a negative
// binomial with total_count = concentration and probs = 1/(1+rate).
type GammaPoissonDist struct {
	Concentration, Rate ad.V
	uvBase
}

var gammaPoissonPool = NewPool[GammaPoissonDist]()

// GammaPoisson returns GammaPoisson(concentration, rate); both positive.
func GammaPoisson(concentration, rate ad.V) *GammaPoissonDist {
	d := gammaPoissonPool.Get(concentration.Tape())
	d.init("GammaPoisson", concentration, rate)
	uvCheck("GammaPoisson", "concentration", concentration, uvPositive, "positive")
	uvCheck("GammaPoisson", "rate", rate, uvPositive, "positive")
	d.Concentration, d.Rate = concentration, rate
	return d
}

// Name is Pyro's class name.
func (d *GammaPoissonDist) Name() string { return "GammaPoisson" }

// Support is the set of values LogProb accepts.
func (d *GammaPoissonDist) Support() constraints.Constraint { return constraints.NonNegativeInteger }

// HasRSample reports whether RSample is available.
func (d *GammaPoissonDist) HasRSample() bool { return false }

func gammaPoissonK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	k, a, b := in[0], in[1], in[2]
	l1b := math.Log1p(b)
	logp, logq := -l1b, math.Log(b)-l1b
	v, g := negBinomK(in, need, m, 1/(1+b), b/(1+b), logp, logq)
	if need&4 != 0 {
		g[2] = (a/b - k) / (1 + b)
	}
	return v, g
}

// LogProb is the negative-binomial mass with r = concentration and
// p = 1/(1+rate).
func (d *GammaPoissonDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, gammaPoissonK, nonNegIntSupport, [4]ad.V{x, d.Concentration, d.Rate}, 3)
}

func gammaPoissonDraw(rng *RNG, in [4]float64) float64 {
	return rng.Poisson(rng.Gamma(in[0]) / in[1])
}

// Sample draws Poisson(λ) with λ ~ Gamma(concentration, rate).
func (d *GammaPoissonDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Concentration, d.Rate}, 2, gammaPoissonDraw)
}

// RSample panics: GammaPoisson is not reparameterizable.
func (d *GammaPoissonDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is concentration/rate.
func (d *GammaPoissonDist) Mean() ad.V { return d.expand(d.t.Div(d.Concentration, d.Rate)) }

// Variance is concentration/rate² · (1 + rate).
func (d *GammaPoissonDist) Variance() ad.V {
	t := d.t
	return d.expand(t.Div(t.Mul(d.Concentration, t.AddConst(d.Rate, 1)), t.Square(d.Rate)))
}

// Expand broadcasts the parameters to batchShape.
func (d *GammaPoissonDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return GammaPoisson(t.Expand(d.Concentration, batchShape...), t.Expand(d.Rate, batchShape...))
}
