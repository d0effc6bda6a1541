package dist

import (
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

func uvEqualShape(t *testing.T, what string, got, want []int) {
	t.Helper()
	if !uvShapesEqual(got, want) {
		t.Errorf("%s: shape %v, want %v", what, got, want)
	}
}

func TestUnivariateShapes(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(5)
	// Categorical: batch = param shape minus the last dimension.
	c := CategoricalLogits(tp.Const([]int{2, 3}, []float64{0, 1, 2, 3, 4, 5}))
	uvEqualShape(t, "Categorical batch", c.BatchShape(), []int{2})
	uvEqualShape(t, "Categorical event", c.EventShape(), nil)
	uvEqualShape(t, "Categorical sample", c.Sample(rng, 4).Shape(), []int{4, 2})
	uvEqualShape(t, "Categorical enumerate", c.EnumerateSupport(false).Shape(), []int{3, 1})
	e := c.EnumerateSupport(true)
	uvEqualShape(t, "Categorical enumerate expanded", e.Shape(), []int{3, 2})
	if got := e.Data(); got[0] != 0 || got[1] != 0 || got[4] != 2 {
		t.Errorf("Categorical enumerate values %v", got)
	}
	uvEqualShape(t, "Categorical log_prob of enumerate", c.LogProb(c.EnumerateSupport(false)).Shape(), []int{3, 2})
	uvEqualShape(t, "Categorical expand", c.Expand(5, 2).BatchShape(), []int{5, 2})
	// Bernoulli / Binomial enumerate.
	b := Bernoulli(tp.Const([]int{4}, []float64{0.1, 0.2, 0.3, 0.4}))
	uvEqualShape(t, "Bernoulli enumerate", b.EnumerateSupport(false).Shape(), []int{2, 1})
	bi := Binomial(tp.Scalar(3), tp.Const([]int{2}, []float64{0.1, 0.2}))
	uvEqualShape(t, "Binomial enumerate", bi.EnumerateSupport(true).Shape(), []int{4, 2})
	if err := Catch(func() { Binomial(tp.Const([]int{2}, []float64{3, 4}), tp.Scalar(0.5)).EnumerateSupport(false) }); err == nil {
		t.Errorf("Binomial with inhomogeneous total_count enumerated without error")
	}
	// Broadcasting of parameters and values.
	g := Gamma(tp.Const([]int{3, 1}, []float64{1, 2, 3}), tp.Const([]int{2}, []float64{1, 2}))
	uvEqualShape(t, "Gamma batch", g.BatchShape(), []int{3, 2})
	uvEqualShape(t, "Gamma log_prob", g.LogProb(tp.Const([]int{4, 1, 1}, []float64{1, 2, 3, 4})).Shape(), []int{4, 3, 2})
	uvEqualShape(t, "Gamma sample", g.Sample(rng, 5).Shape(), []int{5, 3, 2})
	uvEqualShape(t, "Gamma mean", g.Mean().Shape(), []int{3, 2})
	if err := Catch(func() { Normal(tp.Const([]int{3}, nil), tp.Const([]int{2}, []float64{1, 1})) }); err == nil {
		t.Errorf("Normal with shapes (3,) and (2,) built without error")
	}
	// Delta with an event dimension.
	dv := tp.Const([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	dd := Delta(dv, tp.Const([]int{2}, []float64{0.5, -1}), 1)
	uvEqualShape(t, "Delta batch", dd.BatchShape(), []int{2})
	uvEqualShape(t, "Delta event", dd.EventShape(), []int{3})
	lp := dd.LogProb(tp.Const([]int{2, 3}, []float64{1, 2, 3, 4, 5, 7})).Data()
	if lp[0] != 0.5 || !math.IsInf(lp[1], -1) {
		t.Errorf("Delta log_prob %v, want [0.5 -Inf]", lp)
	}
	uvEqualShape(t, "Delta sample", dd.Sample(rng, 4).Shape(), []int{4, 2, 3})
	// Unit: event shape (0,).
	u := Unit(tp.Const([]int{3}, []float64{1, 2, 3}))
	uvEqualShape(t, "Unit event", u.EventShape(), []int{0})
	s := u.Sample(rng, 2)
	uvEqualShape(t, "Unit sample", s.Shape(), []int{2, 3, 0})
	uvEqualShape(t, "Unit log_prob", u.LogProb(s).Shape(), []int{2, 3})
	// Zero-inflated: batch broadcasts gate with the base.
	z := ZeroInflatedPoisson(tp.Const([]int{3}, []float64{1, 2, 3}), tp.Const([]int{2, 1}, []float64{0.1, 0.2}))
	uvEqualShape(t, "ZIP batch", z.BatchShape(), []int{2, 3})
	uvEqualShape(t, "ZIP sample", z.Sample(rng, 7).Shape(), []int{7, 2, 3})
}

// TestUnivariateMoments checks Mean, Variance and Entropy against closed
// forms computed independently (SciPy 1.10.1 / mpmath values).
func TestUnivariateMoments(t *testing.T) {
	tp := ad.NewTape()
	s := tp.Scalar
	cases := []struct {
		d                      Distribution
		mean, variance, entrop float64
	}{
		// scipy.stats.*.entropy(); Beta and Chi2 from mpmath (SciPy integrates numerically there, ~1e-12)
		{Gamma(s(2.5), s(1.5)), 2.5 / 1.5, 2.5 / 2.25, 1.3244828013968901},
		{Beta(s(2), s(3)), 0.4, 0.04, -0.23490664978800031},
		{StudentT(s(5), s(1), s(2)), 1, 4 * 5.0 / 3, 2.3206498529743413},
		{Laplace(s(1), s(2)), 1, 8, 1 + math.Log(4)},
		{Gumbel(s(1), s(2)), 1 + 2*0.5772156649015329, math.Pi * math.Pi / 6 * 4, 2.270362845461478},
		{LogNormal(s(0.2), s(0.5)), math.Exp(0.2 + 0.125), math.Expm1(0.25) * math.Exp(0.4+0.25), 0.9257913526447274},
		{Weibull(s(2), s(1.5)), 1.805490585901867, 1.5027611392557279, 1.4800872940856251},
		{Pareto(s(1), s(5)), 1.25, 5.0 / 48, -0.4094379124341003},
		{Exponential(s(2)), 0.5, 0.25, 1 - math.Ln2},
		{InverseGamma(s(5), s(2)), 0.5, 4.0 / 48, -0.16550499968291066},
		{HalfNormal(s(2)), 2 * math.Sqrt(2/math.Pi), 4 * (1 - 2/math.Pi), 1.4189385332046727},
		{Chi2(s(5)), 5, 10, 2.4230950900649997},
		{Binomial(s(10), s(0.3)), 3, 2.1, math.NaN()},
		{Poisson(s(3.5)), 3.5, 3.5, math.NaN()},
		{NegativeBinomial(s(4), s(0.6)), 6, 15, math.NaN()},
		{Geometric(s(0.3)), 1/0.3 - 1, (1/0.3 - 1) / 0.3, 2.0362143401829433},
		{Bernoulli(s(0.3)), 0.3, 0.21, 0.6108643020548935},
		{Cauchy(s(0), s(2)), math.NaN(), math.Inf(1), math.Log(8 * math.Pi)},
		{FisherSnedecor(s(4), s(12)), 1.2, 2 * 144 * 14 / (4 * 100 * 8.0), math.NaN()},
		{GammaPoisson(s(3), s(0.5)), 6, 18, math.NaN()},
		{BetaBinomial(s(2), s(3), s(10)), 4, 10 * 6 * 15 / (25.0 * 6), math.NaN()},
	}
	for _, c := range cases {
		check := func(what string, got, want float64) {
			if math.IsNaN(want) {
				return
			}
			if uvRelErr(got, want) > 1e-12 {
				t.Errorf("%s %s = %.17g, want %.17g", c.d.Name(), what, got, want)
			}
		}
		check("mean", c.d.Mean().Value(), c.mean)
		check("variance", c.d.Variance().Value(), c.variance)
		if e, ok := c.d.(Entropier); ok {
			check("entropy", e.Entropy().Value(), c.entrop)
		} else if !math.IsNaN(c.entrop) {
			t.Errorf("%s has no Entropy", c.d.Name())
		}
	}
}

// TestUnivariateBoundaries: values on the boundary of the support follow
// PyTorch (Gamma at 0, Uniform at high, Beta at 0 and 1).
func TestUnivariateBoundaries(t *testing.T) {
	tp := ad.NewTape()
	s := tp.Scalar
	cases := []struct {
		d    Distribution
		x    float64
		want float64
	}{
		{Gamma(s(1), s(2)), 0, math.Log(2)},
		{Gamma(s(2), s(2)), 0, math.Inf(-1)},
		{Gamma(s(0.5), s(2)), 0, math.Inf(1)},
		{Chi2(s(2)), 0, -math.Ln2},
		{Uniform(s(0), s(2)), 2, math.Inf(-1)},
		{Uniform(s(0), s(2)), 0, -math.Ln2},
		{Beta(s(1), s(1)), 0, 0},
		{Beta(s(2), s(1)), 0, math.Inf(-1)},
		{Beta(s(1), s(0.5)), 1, math.Inf(1)},
		{Exponential(s(3)), 0, math.Log(3)},
		{Geometric(s(1)), 0, 0},
		{Poisson(s(0)), 0, 0},
		{Binomial(s(5), s(1)), 5, 0},
		{Bernoulli(s(0)), 0, 0},
		{Bernoulli(s(0)), 1, math.Inf(-1)},
	}
	for _, c := range cases {
		if got := c.d.LogProb(s(c.x)).Value(); got != c.want && !(math.Abs(got-c.want) < 1e-15) {
			t.Errorf("%s.LogProb(%v) = %v, want %v", c.d.Name(), c.x, got, c.want)
		}
	}
}

// TestUnivariateExpand: Expand gives the new batch shape, and the expanded
// distribution scores like the original.
func TestUnivariateExpand(t *testing.T) {
	for _, c := range uvSampleCases {
		tp := ad.NewTape()
		d := uvMake(t, tp, c.name, c.params)
		want := append([]int{4}, d.BatchShape()...)
		e := d.Expand(want...)
		uvEqualShape(t, c.name+" Expand", e.BatchShape(), want)
		x := d.Sample(NewRNG(1))
		a, b := d.LogProb(x).Data()[0], e.LogProb(x).Data()
		for _, v := range b {
			if v != a {
				t.Errorf("%s: expanded log_prob %v, original %v", c.name, v, a)
				break
			}
		}
	}
}
