package dist

import (
	"errors"
	"math"
	"sort"
	"strings"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// uvGradCase is one distribution at moderate parameters, for gradient checks.
type uvGradCase struct {
	name     string
	params   map[string][]float64 // each of shape (len,) (1 = scalar)
	value    []float64
	discrete bool     // value is not differentiated
	fixed    []string // parameters not differentiated (integers)
}

var uvGradCases = []uvGradCase{
	{name: "Normal", params: map[string][]float64{"loc": {0.3, -1}, "scale": {1.5, 0.7}}, value: []float64{0.1, 0.4}},
	{name: "Bernoulli", params: map[string][]float64{"probs": {0.3, 0.8}}, value: []float64{1, 0}, discrete: true},
	{name: "Bernoulli", params: map[string][]float64{"logits": {0.3, -2}}, value: []float64{1, 0}, discrete: true},
	{name: "Geometric", params: map[string][]float64{"probs": {0.3, 0.8}}, value: []float64{3, 0}, discrete: true},
	{name: "Geometric", params: map[string][]float64{"logits": {0.3, -2}}, value: []float64{3, 1}, discrete: true},
	{name: "Binomial", params: map[string][]float64{"total_count": {10}, "probs": {0.3, 0.8}}, value: []float64{4, 10}, discrete: true, fixed: []string{"total_count"}},
	{name: "Binomial", params: map[string][]float64{"total_count": {10}, "logits": {0.3, -2}}, value: []float64{4, 0}, discrete: true, fixed: []string{"total_count"}},
	{name: "BetaBinomial", params: map[string][]float64{"concentration1": {2, 0.5}, "concentration0": {1.5, 3}, "total_count": {12}}, value: []float64{5, 0}, discrete: true, fixed: []string{"total_count"}},
	{name: "Poisson", params: map[string][]float64{"rate": {3.5, 20}}, value: []float64{2, 25}, discrete: true},
	{name: "NegativeBinomial", params: map[string][]float64{"total_count": {3.5, 20}, "probs": {0.3, 0.6}}, value: []float64{2, 25}, discrete: true},
	{name: "NegativeBinomial", params: map[string][]float64{"total_count": {3.5, 20}, "logits": {0.3, -1}}, value: []float64{0, 25}, discrete: true},
	{name: "GammaPoisson", params: map[string][]float64{"concentration": {3.5, 0.4}, "rate": {0.3, 2}}, value: []float64{2, 0}, discrete: true},
	{name: "Categorical", params: map[string][]float64{"probs": {0.2, 0.5, 0.3}}, value: []float64{1, 2}, discrete: true},
	{name: "Categorical", params: map[string][]float64{"logits": {0.2, -0.5, 1.3}}, value: []float64{0, 2}, discrete: true},
	{name: "Gamma", params: map[string][]float64{"concentration": {2.5, 0.4}, "rate": {1.3, 0.2}}, value: []float64{0.8, 3}},
	{name: "Chi2", params: map[string][]float64{"df": {2.5, 7}}, value: []float64{0.8, 3}},
	{name: "Exponential", params: map[string][]float64{"rate": {2.5, 0.7}}, value: []float64{0.8, 3}},
	{name: "InverseGamma", params: map[string][]float64{"concentration": {2.5, 0.4}, "rate": {1.3, 0.2}}, value: []float64{0.8, 3}},
	{name: "Beta", params: map[string][]float64{"concentration1": {2.5, 0.4}, "concentration0": {1.3, 5}}, value: []float64{0.3, 0.05}},
	{name: "Cauchy", params: map[string][]float64{"loc": {0.3, -1}, "scale": {1.5, 0.7}}, value: []float64{0.1, 4}},
	{name: "HalfCauchy", params: map[string][]float64{"scale": {1.5, 0.7}}, value: []float64{0.1, 4}},
	{name: "HalfNormal", params: map[string][]float64{"scale": {1.5, 0.7}}, value: []float64{0.1, 4}},
	{name: "Laplace", params: map[string][]float64{"loc": {0.3, -1}, "scale": {1.5, 0.7}}, value: []float64{0.1, 4}},
	{name: "LogNormal", params: map[string][]float64{"loc": {0.3, -1}, "scale": {1.5, 0.7}}, value: []float64{0.1, 4}},
	{name: "Gumbel", params: map[string][]float64{"loc": {0.3, -1}, "scale": {1.5, 0.7}}, value: []float64{0.1, 4}},
	{name: "StudentT", params: map[string][]float64{"df": {3.5, 0.8}, "loc": {0.3, -1}, "scale": {1.5, 0.7}}, value: []float64{0.1, 4}},
	{name: "Uniform", params: map[string][]float64{"low": {0.3, -1}, "high": {1.5, 0.7}}, value: []float64{0.4, 0}},
	{name: "Pareto", params: map[string][]float64{"scale": {0.3, 1}, "alpha": {1.5, 0.7}}, value: []float64{0.4, 3}},
	{name: "Weibull", params: map[string][]float64{"scale": {0.3, 1}, "concentration": {1.5, 0.7}}, value: []float64{0.4, 3}},
	{name: "FisherSnedecor", params: map[string][]float64{"df1": {3, 1.5}, "df2": {1.5, 7}}, value: []float64{0.4, 3}},
	{name: "VonMises", params: map[string][]float64{"loc": {0.3, 1}, "concentration": {1.5, 40}}, value: []float64{0.4, 3}},
	{name: "ZeroInflatedPoisson", params: map[string][]float64{"rate": {3.5, 2}, "gate": {0.2, 0.6}}, value: []float64{0, 3}, discrete: true},
	{name: "ZeroInflatedPoisson", params: map[string][]float64{"rate": {3.5, 2}, "gate_logits": {0.2, -1.6}}, value: []float64{0, 3}, discrete: true},
	{name: "ZeroInflatedNegativeBinomial", params: map[string][]float64{"total_count": {3.5, 2}, "probs": {0.3, 0.6}, "gate": {0.2, 0.6}}, value: []float64{0, 3}, discrete: true},
	{name: "Delta", params: map[string][]float64{"v": {0.3, 1}, "log_density": {1.5, 0.7}}, value: []float64{0.3, 3}, discrete: true},
	{name: "Unit", params: map[string][]float64{"log_factor": {1.5, 0.7}}, value: nil, discrete: true},
}

func uvShapeOf(x []float64, name string) []int {
	if len(x) == 1 {
		return nil
	}
	if name == "probs" || name == "logits" {
		return []int{len(x)} // Categorical rows are the only 1-row multi-category use
	}
	return []int{len(x)}
}

// uvBuild records c's parameters on t (as Params where differentiated) and
// returns the distribution, the parameter handles and the value.
func uvBuild(tb testing.TB, t *ad.Tape, c uvGradCase, pv map[string][]float64, val []float64) (Distribution, map[string]ad.V, ad.V) {
	p := Params{}
	for k, x := range pv {
		fixed := false
		for _, f := range c.fixed {
			fixed = fixed || f == k
		}
		if fixed {
			p[k] = t.Const(uvShapeOf(x, k), x)
		} else {
			p[k] = t.Param(uvShapeOf(x, k), x)
		}
	}
	d, err := registry[c.name](t, p)
	if err != nil {
		tb.Fatalf("%s: %v", c.name, err)
	}
	var v ad.V
	switch {
	case c.name == "Unit":
		v = t.Const([]int{2, 0}, nil)
	case c.discrete:
		v = t.Const([]int{len(val)}, val)
	default:
		v = t.Param([]int{len(val)}, val)
	}
	return d, p, v
}

// TestUnivariateLogProbGradients compares the gradient of Σ log p with
// respect to every parameter (and the value, for continuous distributions)
// with central finite differences.
func TestUnivariateLogProbGradients(t *testing.T) {
	for _, c := range uvGradCases {
		tp := ad.NewTape()
		f := func(pv map[string][]float64, val []float64) float64 {
			tp.Reset()
			d, _, v := uvBuild(t, tp, c, pv, val)
			return tp.Sum(d.LogProb(v)).Value()
		}
		tp.Reset()
		d, params, v := uvBuild(t, tp, c, c.params, c.value)
		lp := tp.Sum(d.LogProb(v))
		tp.Backward(lp)
		grads := map[string][]float64{}
		for k, pv := range params {
			if pv.RequiresGrad() {
				grads[k] = append([]float64(nil), pv.Grad()...)
			}
		}
		var gval []float64
		if !c.discrete {
			gval = append([]float64(nil), v.Grad()...)
		}
		check := func(what string, got []float64, x []float64, eval func() float64) {
			for i := range x {
				h := 1e-6 * math.Max(1, math.Abs(x[i]))
				x0 := x[i]
				x[i] = x0 + h
				fp := eval()
				x[i] = x0 - h
				fm := eval()
				x[i] = x0
				fd := (fp - fm) / (2 * h)
				if math.Abs(fd-got[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s %v: d/d%s[%d] = %.10g, finite difference %.10g", c.name, c.params, what, i, got[i], fd)
				}
			}
		}
		keys := make([]string, 0, len(grads))
		for k := range grads {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			pv := map[string][]float64{}
			for kk, x := range c.params {
				pv[kk] = append([]float64(nil), x...)
			}
			check(k, grads[k], pv[k], func() float64 { return f(pv, c.value) })
		}
		if !c.discrete {
			val := append([]float64(nil), c.value...)
			check("value", gval, val, func() float64 { return f(c.params, val) })
		}
	}
}

// TestUnivariateValidation: invalid parameters and out-of-support values
// are errors naming the distribution, the parameter and the value.
func TestUnivariateValidation(t *testing.T) {
	type bad struct {
		name   string
		params map[string][]float64
		param  string // expected Param in the error
		substr string // expected in the message
	}
	cases := []bad{
		{"Bernoulli", map[string][]float64{"probs": {1.5}}, "probs", "1.5"},
		{"Bernoulli", map[string][]float64{"probs": {0.5}, "logits": {0}}, "probs", "exactly one"},
		{"Bernoulli", map[string][]float64{}, "probs", "missing"},
		{"Bernoulli", map[string][]float64{"prob": {0.5}}, "prob", "unknown"},
		{"Binomial", map[string][]float64{"total_count": {2.5}, "probs": {0.5}}, "total_count", "2.5"},
		{"Gamma", map[string][]float64{"concentration": {-1}, "rate": {1}}, "concentration", "-1"},
		{"Gamma", map[string][]float64{"concentration": {1}}, "rate", "missing"},
		{"Beta", map[string][]float64{"concentration1": {0}, "concentration0": {1}}, "concentration1", "0"},
		{"Cauchy", map[string][]float64{"loc": {0}, "scale": {-2}}, "scale", "-2"},
		{"Uniform", map[string][]float64{"low": {2}, "high": {1}}, "low", "less than high"},
		{"Categorical", map[string][]float64{"probs": {-0.1, 1}}, "probs", "-0.1"},
		{"StudentT", map[string][]float64{"df": {0}}, "df", "0"},
		{"Poisson", map[string][]float64{"rate": {math.NaN()}}, "rate", "NaN"},
		{"ZeroInflatedPoisson", map[string][]float64{"rate": {1}, "gate": {2}}, "gate", "2"},
	}
	for _, c := range cases {
		tp := ad.NewTape()
		p := Params{}
		for k, x := range c.params {
			p[k] = tp.Const(uvShapeOf(x, k), x)
		}
		_, err := registry[c.name](tp, p)
		var e *Error
		if !errors.As(err, &e) || e.Dist != c.name || e.Param != c.param || !strings.Contains(err.Error(), c.substr) {
			t.Errorf("%s %v: got error %v, want *Error naming %s/%s containing %q", c.name, c.params, err, c.name, c.param, c.substr)
		}
	}
	// values outside the support
	vals := []struct {
		name   string
		params map[string][]float64
		value  float64
	}{
		{"Bernoulli", map[string][]float64{"probs": {0.5}}, 0.5},
		{"Poisson", map[string][]float64{"rate": {1}}, -1},
		{"Poisson", map[string][]float64{"rate": {1}}, 1.5},
		{"Binomial", map[string][]float64{"total_count": {3}, "probs": {0.5}}, 4},
		{"Gamma", map[string][]float64{"concentration": {1}, "rate": {1}}, -1e-300},
		{"LogNormal", map[string][]float64{"loc": {0}, "scale": {1}}, 0},
		{"Beta", map[string][]float64{"concentration1": {1}, "concentration0": {1}}, 1.5},
		{"Uniform", map[string][]float64{"low": {0}, "high": {1}}, 1.5},
		{"Categorical", map[string][]float64{"probs": {0.5, 0.5}}, 2},
		{"Pareto", map[string][]float64{"scale": {2}, "alpha": {1}}, 1},
		{"ZeroInflatedPoisson", map[string][]float64{"rate": {1}, "gate": {0.5}}, -2},
	}
	for _, c := range vals {
		tp := ad.NewTape()
		p := Params{}
		for k, x := range c.params {
			p[k] = tp.Const(uvShapeOf(x, k), x)
		}
		d, err := registry[c.name](tp, p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		err = Catch(func() { d.LogProb(tp.Scalar(c.value)) })
		var e *Error
		if !errors.As(err, &e) || e.Dist != c.name || e.Param != "value" {
			t.Errorf("%s LogProb(%v): got error %v, want *Error naming %s/value", c.name, c.value, err, c.name)
		}
	}
}
