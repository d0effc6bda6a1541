package dist

import (
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// uvAllocCases build a distribution from parameters p (batch of 3, recorded
// as tape parameters) and score a value; each must allocate nothing once the
// tape is warm.
var uvAllocCases = []struct {
	name  string
	value []float64
	build func(t *ad.Tape, p [3]ad.V) Distribution
}{
	{"Normal", []float64{0.1, 0.2, 0.3}, func(t *ad.Tape, p [3]ad.V) Distribution { return Normal(p[0], p[1]) }},
	{"Bernoulli", []float64{1, 0, 1}, func(t *ad.Tape, p [3]ad.V) Distribution { return Bernoulli(t.Sigmoid(p[0])) }},
	{"BernoulliLogits", []float64{1, 0, 1}, func(t *ad.Tape, p [3]ad.V) Distribution { return BernoulliLogits(p[0]) }},
	{"Binomial", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution { return BinomialLogits(t.Scalar(5), p[0]) }},
	{"BetaBinomial", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution { return BetaBinomial(p[1], p[2], t.Scalar(5)) }},
	{"Geometric", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution { return GeometricLogits(p[0]) }},
	{"Poisson", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution { return Poisson(p[1]) }},
	{"NegativeBinomial", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution { return NegativeBinomialLogits(p[1], p[0]) }},
	{"GammaPoisson", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution { return GammaPoisson(p[1], p[2]) }},
	{"Categorical", []float64{0, 2, 1}, func(t *ad.Tape, p [3]ad.V) Distribution { return CategoricalLogits(p[0]) }},
	{"Gamma", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Gamma(p[1], p[2]) }},
	{"GammaScalar", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Gamma(t.Index(p[1], 2), t.Index(p[2], 0)) }},
	{"GammaScalarSmall", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Gamma(t.Index(p[1], 1), t.Index(p[2], 0)) }},
	{"Chi2", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Chi2(p[1]) }},
	{"Exponential", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Exponential(p[1]) }},
	{"InverseGamma", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return InverseGamma(p[1], p[2]) }},
	{"Beta", []float64{0.5, 0.1, 0.9}, func(t *ad.Tape, p [3]ad.V) Distribution { return Beta(p[1], p[2]) }},
	{"Cauchy", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Cauchy(p[0], p[1]) }},
	{"HalfCauchy", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return HalfCauchy(p[1]) }},
	{"HalfNormal", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return HalfNormal(p[1]) }},
	{"Laplace", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Laplace(p[0], p[1]) }},
	{"LogNormal", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return LogNormal(p[0], p[1]) }},
	{"Gumbel", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Gumbel(p[0], p[1]) }},
	{"StudentT", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return StudentT(p[1], p[0], p[2]) }},
	{"Uniform", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Uniform(t.Scalar(-1), p[2]) }},
	{"Pareto", []float64{1.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Pareto(t.Scalar(0.5), p[2]) }},
	{"Weibull", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Weibull(p[1], p[2]) }},
	{"FisherSnedecor", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return FisherSnedecor(p[1], p[2]) }},
	{"VonMises", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return VonMises(p[0], p[1]) }},
	{"Delta", []float64{0.5, 1, 2}, func(t *ad.Tape, p [3]ad.V) Distribution { return Delta(p[0], p[1], 0) }},
	{"ZeroInflatedPoisson", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution { return ZeroInflatedPoissonLogits(p[1], p[0]) }},
	{"ZeroInflatedNegativeBinomial", []float64{1, 0, 3}, func(t *ad.Tape, p [3]ad.V) Distribution {
		return ZeroInflatedNegativeBinomial(NegativeBinomial(p[1], t.Sigmoid(p[0])), t.Sigmoid(p[2]))
	}},
}

// TestUnivariateNoAllocs: constructing each distribution, scoring a value,
// and differentiating allocate nothing on a warm tape.
func TestUnivariateNoAllocs(t *testing.T) {
	tp := ad.NewTape()
	p0 := []float64{0.3, -0.2, 0.5}
	p1 := []float64{1.5, 0.7, 2.5}
	p2 := []float64{0.9, 2.1, 3.3}
	sh := []int{3}
	for _, c := range uvAllocCases {
		run := func() {
			tp.Reset()
			var p [3]ad.V
			p[0], p[1], p[2] = tp.Param(sh, p0), tp.Param(sh, p1), tp.Param(sh, p2)
			d := c.build(tp, p)
			x := tp.Const(sh, c.value)
			tp.Backward(tp.Sum(d.LogProb(x)))
		}
		run()
		if a := testing.AllocsPerRun(50, run); a != 0 {
			t.Errorf("%s: %v allocations per run, want 0", c.name, a)
		}
	}
}

// TestUnivariateSampleNoAllocs: sampling (and RSample + Backward where
// available) allocates nothing on a warm tape.
func TestUnivariateSampleNoAllocs(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(3)
	p0 := []float64{0.3, -0.2, 0.5}
	p1 := []float64{1.5, 0.7, 2.5}
	p2 := []float64{0.9, 2.1, 3.3}
	sh := []int{3}
	ss := []int{4}
	for _, c := range uvAllocCases {
		run := func() {
			tp.Reset()
			var p [3]ad.V
			p[0], p[1], p[2] = tp.Param(sh, p0), tp.Param(sh, p1), tp.Param(sh, p2)
			d := c.build(tp, p)
			// sampleShape passed as an existing slice: a literal variadic
			// argument through the interface would be heap-allocated by the caller
			d.Sample(rng, ss...)
			if d.HasRSample() {
				tp.Backward(tp.Sum(d.RSample(rng, ss...)))
			}
		}
		run()
		if a := testing.AllocsPerRun(50, run); a != 0 {
			t.Errorf("%s: %v allocations per sampling run, want 0", c.name, a)
		}
	}
}
