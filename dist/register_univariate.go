package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Registry entries for the univariate distributions: each accepts Pyro's
// parameter names and defaults, exactly one of each alternative pair
// (probs/logits, gate/gate_logits), and returns an error naming any missing,
// unknown, duplicated or invalid parameter. ZeroInflatedDistribution is not
// registered: its base distribution is not a tensor parameter (use
// ZeroInflated / ZeroInflatedLogits).

type uvArgs struct {
	dist string
	t    *ad.Tape
	p    Params
}

// allow fails on a parameter name outside names.
func (a uvArgs) allow(names ...string) {
	for k, v := range a.p {
		ok := false
		for _, n := range names {
			if k == n {
				ok = true
				break
			}
		}
		if !ok {
			Fail(a.dist, k, "unknown parameter (accepted: %v)", names)
		}
		if !v.Valid() {
			Fail(a.dist, k, "is the zero (invalid) value")
		}
		if v.Tape() != a.t {
			Fail(a.dist, k, "is recorded on a different tape")
		}
	}
}

func (a uvArgs) req(name string) ad.V {
	v, ok := a.p[name]
	if !ok {
		Fail(a.dist, name, "missing required parameter")
	}
	return v
}

// opt returns the parameter, or a scalar def when absent.
func (a uvArgs) opt(name string, def float64) ad.V {
	if v, ok := a.p[name]; ok {
		return v
	}
	return a.t.Scalar(def)
}

// count returns a count-like parameter (total_count), viewing a one-element
// 1-d tensor as a scalar as Pyro's Python-number arguments behave.
func (a uvArgs) count(name string, def float64, required bool) ad.V {
	v, ok := a.p[name]
	if !ok {
		if required {
			Fail(a.dist, name, "missing required parameter")
		}
		return a.t.Scalar(def)
	}
	if v.Dims() == 1 && v.Size() == 1 {
		return a.t.Reshape(v)
	}
	return v
}

// either returns the one of names x, y that is present, and whether it was y.
func (a uvArgs) either(x, y string) (ad.V, bool) {
	vx, okx := a.p[x]
	vy, oky := a.p[y]
	switch {
	case okx && oky:
		Fail(a.dist, x, "give exactly one of %s and %s, not both", x, y)
	case okx:
		return vx, false
	case oky:
		return vy, true
	}
	Fail(a.dist, x, "missing: give exactly one of %s and %s", x, y)
	return ad.V{}, false
}

func uvRegister(name string, build func(a uvArgs) Distribution) {
	Register(name, func(t *ad.Tape, p Params) (d Distribution, err error) {
		err = Catch(func() {
			if t == nil {
				Fail(name, "", "nil tape")
			}
			d = build(uvArgs{dist: name, t: t, p: p})
		})
		if err != nil {
			d = nil
		}
		return d, err
	})
}

func init() {
	uvRegister("Normal", func(a uvArgs) Distribution {
		a.allow("loc", "scale")
		return Normal(a.req("loc"), a.req("scale"))
	})
	uvRegister("Bernoulli", func(a uvArgs) Distribution {
		a.allow("probs", "logits")
		if v, lg := a.either("probs", "logits"); lg {
			return BernoulliLogits(v)
		} else {
			return Bernoulli(v)
		}
	})
	uvRegister("Geometric", func(a uvArgs) Distribution {
		a.allow("probs", "logits")
		if v, lg := a.either("probs", "logits"); lg {
			return GeometricLogits(v)
		} else {
			return Geometric(v)
		}
	})
	uvRegister("Binomial", func(a uvArgs) Distribution {
		a.allow("total_count", "probs", "logits")
		n := a.count("total_count", 1, false)
		if v, lg := a.either("probs", "logits"); lg {
			return BinomialLogits(n, v)
		} else {
			return Binomial(n, v)
		}
	})
	uvRegister("BetaBinomial", func(a uvArgs) Distribution {
		a.allow("concentration1", "concentration0", "total_count")
		return BetaBinomial(a.req("concentration1"), a.req("concentration0"), a.count("total_count", 1, false))
	})
	uvRegister("Categorical", func(a uvArgs) Distribution {
		a.allow("probs", "logits")
		if v, lg := a.either("probs", "logits"); lg {
			return CategoricalLogits(v)
		} else {
			return Categorical(v)
		}
	})
	uvRegister("Poisson", func(a uvArgs) Distribution {
		a.allow("rate")
		return Poisson(a.req("rate"))
	})
	uvRegister("NegativeBinomial", func(a uvArgs) Distribution {
		a.allow("total_count", "probs", "logits")
		n := a.count("total_count", 0, true)
		if v, lg := a.either("probs", "logits"); lg {
			return NegativeBinomialLogits(n, v)
		} else {
			return NegativeBinomial(n, v)
		}
	})
	uvRegister("GammaPoisson", func(a uvArgs) Distribution {
		a.allow("concentration", "rate")
		return GammaPoisson(a.req("concentration"), a.req("rate"))
	})
	uvRegister("Gamma", func(a uvArgs) Distribution {
		a.allow("concentration", "rate")
		return Gamma(a.req("concentration"), a.req("rate"))
	})
	uvRegister("Chi2", func(a uvArgs) Distribution {
		a.allow("df")
		return Chi2(a.req("df"))
	})
	uvRegister("Exponential", func(a uvArgs) Distribution {
		a.allow("rate")
		return Exponential(a.req("rate"))
	})
	uvRegister("InverseGamma", func(a uvArgs) Distribution {
		a.allow("concentration", "rate")
		return InverseGamma(a.req("concentration"), a.req("rate"))
	})
	uvRegister("Beta", func(a uvArgs) Distribution {
		a.allow("concentration1", "concentration0")
		return Beta(a.req("concentration1"), a.req("concentration0"))
	})
	uvRegister("Cauchy", func(a uvArgs) Distribution {
		a.allow("loc", "scale")
		return Cauchy(a.req("loc"), a.req("scale"))
	})
	uvRegister("HalfCauchy", func(a uvArgs) Distribution {
		a.allow("scale")
		return HalfCauchy(a.req("scale"))
	})
	uvRegister("HalfNormal", func(a uvArgs) Distribution {
		a.allow("scale")
		return HalfNormal(a.req("scale"))
	})
	uvRegister("Laplace", func(a uvArgs) Distribution {
		a.allow("loc", "scale")
		return Laplace(a.req("loc"), a.req("scale"))
	})
	uvRegister("LogNormal", func(a uvArgs) Distribution {
		a.allow("loc", "scale")
		return LogNormal(a.req("loc"), a.req("scale"))
	})
	uvRegister("Gumbel", func(a uvArgs) Distribution {
		a.allow("loc", "scale")
		return Gumbel(a.req("loc"), a.req("scale"))
	})
	uvRegister("StudentT", func(a uvArgs) Distribution {
		a.allow("df", "loc", "scale")
		return StudentT(a.req("df"), a.opt("loc", 0), a.opt("scale", 1))
	})
	uvRegister("Uniform", func(a uvArgs) Distribution {
		a.allow("low", "high")
		return Uniform(a.req("low"), a.req("high"))
	})
	uvRegister("Pareto", func(a uvArgs) Distribution {
		a.allow("scale", "alpha")
		return Pareto(a.req("scale"), a.req("alpha"))
	})
	uvRegister("Weibull", func(a uvArgs) Distribution {
		a.allow("scale", "concentration")
		return Weibull(a.req("scale"), a.req("concentration"))
	})
	uvRegister("FisherSnedecor", func(a uvArgs) Distribution {
		a.allow("df1", "df2")
		return FisherSnedecor(a.req("df1"), a.req("df2"))
	})
	uvRegister("VonMises", func(a uvArgs) Distribution {
		a.allow("loc", "concentration")
		return VonMises(a.req("loc"), a.req("concentration"))
	})
	uvRegister("Delta", func(a uvArgs) Distribution {
		a.allow("v", "log_density", "event_dim")
		ed := 0
		if e, ok := a.p["event_dim"]; ok {
			if e.Size() != 1 {
				Fail("Delta", "event_dim", "must be a single integer, got shape %v", uvCp(e.Shape()))
			}
			x := e.Data()[0]
			if !(x >= 0 && x == math.Trunc(x) && x <= ad.MaxDims) {
				Fail("Delta", "event_dim", "must be a non-negative integer, got %v", x)
			}
			ed = int(x)
		}
		return Delta(a.req("v"), a.opt("log_density", 0), ed)
	})
	uvRegister("Unit", func(a uvArgs) Distribution {
		a.allow("log_factor")
		return Unit(a.req("log_factor"))
	})
	uvRegister("ZeroInflatedPoisson", func(a uvArgs) Distribution {
		a.allow("rate", "gate", "gate_logits")
		g, lg := a.either("gate", "gate_logits")
		if lg {
			return ZeroInflatedPoissonLogits(a.req("rate"), g)
		}
		return ZeroInflatedPoisson(a.req("rate"), g)
	})
	uvRegister("ZeroInflatedNegativeBinomial", func(a uvArgs) Distribution {
		a.allow("total_count", "probs", "logits", "gate", "gate_logits")
		n := a.count("total_count", 0, true)
		var nb *NegativeBinomialDist
		if v, lg := a.either("probs", "logits"); lg {
			nb = NegativeBinomialLogits(n, v)
		} else {
			nb = NegativeBinomial(n, v)
		}
		g, lg := a.either("gate", "gate_logits")
		if lg {
			return ZeroInflatedNegativeBinomialLogits(nb, g)
		}
		return ZeroInflatedNegativeBinomial(nb, g)
	})
}
