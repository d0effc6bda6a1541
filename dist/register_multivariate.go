package dist

import (
	"math"
	"strings"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Constructors of the multivariate distributions by Pyro name and Pyro
// parameter names (see New). Wrappers that take distributions rather than
// tensors (Independent, MaskedDistribution, TransformedDistribution,
// FoldedDistribution, MaskedMixture) are built with their Go functions.

func init() {
	Register("Dirichlet", func(t *ad.Tape, p Params) (Distribution, error) {
		return mvBuild("Dirichlet", p, []string{"concentration"}, func() Distribution {
			return Dirichlet(mvReq("Dirichlet", p, "concentration"))
		})
	})
	Register("MultivariateNormal", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "MultivariateNormal"
		return mvBuild(name, p, []string{"loc", "covariance_matrix", "precision_matrix", "scale_tril"}, func() Distribution {
			loc := mvReq(name, p, "loc")
			switch i, m := mvOneOf(name, p, "covariance_matrix", "precision_matrix", "scale_tril"); i {
			case 0:
				return MultivariateNormal(loc, m)
			case 1:
				return MultivariateNormalPrecision(loc, m)
			default:
				return MultivariateNormalScaleTril(loc, m)
			}
		})
	})
	Register("LowRankMultivariateNormal", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "LowRankMultivariateNormal"
		return mvBuild(name, p, []string{"loc", "cov_factor", "cov_diag"}, func() Distribution {
			return LowRankMultivariateNormal(mvReq(name, p, "loc"), mvReq(name, p, "cov_factor"), mvReq(name, p, "cov_diag"))
		})
	})
	Register("MultivariateStudentT", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "MultivariateStudentT"
		return mvBuild(name, p, []string{"df", "loc", "scale_tril"}, func() Distribution {
			return MultivariateStudentT(mvReq(name, p, "df"), mvReq(name, p, "loc"), mvReq(name, p, "scale_tril"))
		})
	})
	Register("LKJCholesky", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "LKJCholesky"
		return mvBuild(name, p, []string{"dim", "concentration"}, func() Distribution {
			dim := mvScalarInt(name, p, "dim", 0, 2, true)
			c, ok := p["concentration"]
			if !ok || !c.Valid() {
				c = t.Scalar(1)
			}
			return LKJCholesky(dim, c)
		})
	})
	Register("LKJCorrCholesky", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "LKJCorrCholesky"
		return mvBuild(name, p, []string{"d", "eta"}, func() Distribution {
			return LKJCholesky(mvScalarInt(name, p, "d", 0, 2, true), mvReq(name, p, "eta"))
		})
	})
	Register("LogisticNormal", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "LogisticNormal"
		return mvBuild(name, p, []string{"loc", "scale"}, func() Distribution {
			return LogisticNormal(mvReq(name, p, "loc"), mvReq(name, p, "scale"))
		})
	})
	Register("MixtureOfDiagNormals", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "MixtureOfDiagNormals"
		return mvBuild(name, p, []string{"locs", "coord_scale", "component_logits"}, func() Distribution {
			return MixtureOfDiagNormals(mvReq(name, p, "locs"), mvReq(name, p, "coord_scale"), mvReq(name, p, "component_logits"))
		})
	})
	Register("Empirical", func(t *ad.Tape, p Params) (Distribution, error) {
		const name = "Empirical"
		return mvBuild(name, p, []string{"samples", "log_weights"}, func() Distribution {
			return Empirical(mvReq(name, p, "samples"), mvReq(name, p, "log_weights"))
		})
	})
	Register("OneHotCategorical", func(t *ad.Tape, p Params) (Distribution, error) {
		return mvBuild("OneHotCategorical", p, []string{"probs", "logits"}, func() Distribution {
			i, v := mvOneOf("OneHotCategorical", p, "probs", "logits")
			return newOneHot(i == 0, v)
		})
	})
	Register("Multinomial", func(t *ad.Tape, p Params) (Distribution, error) {
		return mvBuild("Multinomial", p, []string{"total_count", "probs", "logits"}, func() Distribution {
			n := mvScalarInt("Multinomial", p, "total_count", 1, 0, false)
			i, v := mvOneOf("Multinomial", p, "probs", "logits")
			return newMultinomial(n, i == 0, v)
		})
	})
	Register("RelaxedBernoulli", func(t *ad.Tape, p Params) (Distribution, error) {
		return mvBuild("RelaxedBernoulli", p, []string{"temperature", "probs", "logits"}, func() Distribution {
			temp := mvReq("RelaxedBernoulli", p, "temperature")
			i, v := mvOneOf("RelaxedBernoulli", p, "probs", "logits")
			return newRelaxedBern(temp, i == 0, v)
		})
	})
	Register("RelaxedOneHotCategorical", func(t *ad.Tape, p Params) (Distribution, error) {
		return mvBuild("RelaxedOneHotCategorical", p, []string{"temperature", "probs", "logits"}, func() Distribution {
			temp := mvReq("RelaxedOneHotCategorical", p, "temperature")
			i, v := mvOneOf("RelaxedOneHotCategorical", p, "probs", "logits")
			return newRelaxedCat(temp, i == 0, v)
		})
	})
	Register("DirichletMultinomial", func(t *ad.Tape, p Params) (Distribution, error) {
		return mvBuild("DirichletMultinomial", p, []string{"concentration", "total_count"}, func() Distribution {
			conc := mvReq("DirichletMultinomial", p, "concentration")
			n, ok := p["total_count"]
			if !ok || !n.Valid() {
				n = t.Scalar(1)
			}
			return DirichletMultinomial(conc, n)
		})
	})
}

// mvBuild checks that p holds only names from allowed, then runs mk,
// converting a panic with *Error into a returned error.
func mvBuild(dist string, p Params, allowed []string, mk func() Distribution) (d Distribution, err error) {
	for name := range p {
		ok := false
		for _, a := range allowed {
			if a == name {
				ok = true
				break
			}
		}
		if !ok {
			return nil, &Error{Dist: dist, Param: name, Msg: "unknown parameter (accepted: " + strings.Join(allowed, ", ") + ")"}
		}
	}
	err = Catch(func() { d = mk() })
	return d, err
}

// mvReq returns the required parameter name.
func mvReq(dist string, p Params, name string) ad.V {
	v, ok := p[name]
	if !ok || !v.Valid() {
		Fail(dist, name, "missing required parameter")
	}
	return v
}

// mvOneOf returns the index and value of the one parameter among names that
// is present, failing unless exactly one is.
func mvOneOf(dist string, p Params, names ...string) (int, ad.V) {
	idx := -1
	var val ad.V
	for i, n := range names {
		if v, ok := p[n]; ok && v.Valid() {
			if idx >= 0 {
				Fail(dist, n, "give exactly one of %s, got both %s and %s", strings.Join(names, ", "), names[idx], n)
			}
			idx, val = i, v
		}
	}
	if idx < 0 {
		Fail(dist, names[0], "give exactly one of %s", strings.Join(names, ", "))
	}
	return idx, val
}

// mvScalar returns a scalar parameter given as a 0-d or one-element tensor,
// or def when absent.
func mvScalar(dist string, p Params, name string, def float64, required bool) float64 {
	v, ok := p[name]
	if !ok || !v.Valid() {
		if required {
			Fail(dist, name, "missing required parameter")
		}
		return def
	}
	if v.Size() != 1 {
		Fail(dist, name, "must be a scalar (0-d or one-element tensor), got shape %v", append([]int(nil), v.Shape()...))
	}
	return v.Data()[0]
}

// mvScalarInt is mvScalar for integer parameters ≥ min.
func mvScalarInt(dist string, p Params, name string, def, min int, required bool) int {
	x := mvScalar(dist, p, name, float64(def), required)
	if x != math.Trunc(x) || x < float64(min) || x > 1<<53 {
		Fail(dist, name, "must be an integer ≥ %d, got %v", min, x)
	}
	return int(x)
}
