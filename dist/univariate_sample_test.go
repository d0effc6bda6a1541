package dist

import (
	"math"
	"sort"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	sp "github.com/gyro-ppl/gyro/internal/special"
	"gonum.org/v1/gonum/mathext"
)

// uvSampleCase is a distribution (scalar parameters) for sampler checks.
type uvSampleCase struct {
	name     string
	params   map[string][]float64
	discrete bool
}

var uvSampleCases = []uvSampleCase{
	{"Normal", map[string][]float64{"loc": {0.3}, "scale": {1.5}}, false},
	{"Bernoulli", map[string][]float64{"probs": {0.3}}, true},
	{"Bernoulli", map[string][]float64{"logits": {1.3}}, true},
	{"Geometric", map[string][]float64{"probs": {0.3}}, true},
	{"Geometric", map[string][]float64{"logits": {-1}}, true},
	{"Binomial", map[string][]float64{"total_count": {20}, "probs": {0.3}}, true},
	{"Binomial", map[string][]float64{"total_count": {1000}, "probs": {0.4}}, true},
	{"Binomial", map[string][]float64{"total_count": {200}, "logits": {2}}, true},
	{"BetaBinomial", map[string][]float64{"concentration1": {2}, "concentration0": {3}, "total_count": {15}}, true},
	{"Poisson", map[string][]float64{"rate": {3.5}}, true},
	{"Poisson", map[string][]float64{"rate": {250}}, true},
	{"NegativeBinomial", map[string][]float64{"total_count": {4}, "probs": {0.6}}, true},
	{"NegativeBinomial", map[string][]float64{"total_count": {4}, "logits": {-0.5}}, true},
	{"GammaPoisson", map[string][]float64{"concentration": {3}, "rate": {0.5}}, true},
	{"Categorical", map[string][]float64{"probs": {0.2, 0.5, 0.3}}, true},
	{"Categorical", map[string][]float64{"logits": {0.2, -1, 1.5, 0}}, true},
	{"ZeroInflatedPoisson", map[string][]float64{"rate": {3}, "gate": {0.3}}, true},
	{"ZeroInflatedNegativeBinomial", map[string][]float64{"total_count": {3}, "logits": {0.5}, "gate_logits": {-1}}, true},
	{"Gamma", map[string][]float64{"concentration": {2.5}, "rate": {1.5}}, false},
	{"Gamma", map[string][]float64{"concentration": {0.3}, "rate": {2}}, false},
	{"Chi2", map[string][]float64{"df": {5}}, false},
	{"Exponential", map[string][]float64{"rate": {2}}, false},
	{"InverseGamma", map[string][]float64{"concentration": {5}, "rate": {2}}, false},
	{"Beta", map[string][]float64{"concentration1": {2}, "concentration0": {0.7}}, false},
	{"Cauchy", map[string][]float64{"loc": {1}, "scale": {2}}, false},
	{"HalfCauchy", map[string][]float64{"scale": {2}}, false},
	{"HalfNormal", map[string][]float64{"scale": {2}}, false},
	{"Laplace", map[string][]float64{"loc": {1}, "scale": {2}}, false},
	{"LogNormal", map[string][]float64{"loc": {0.2}, "scale": {0.5}}, false},
	{"Gumbel", map[string][]float64{"loc": {1}, "scale": {2}}, false},
	{"StudentT", map[string][]float64{"df": {5}, "loc": {1}, "scale": {2}}, false},
	{"Uniform", map[string][]float64{"low": {-1}, "high": {2}}, false},
	{"Pareto", map[string][]float64{"scale": {1}, "alpha": {5}}, false},
	{"Weibull", map[string][]float64{"scale": {2}, "concentration": {1.5}}, false},
	{"FisherSnedecor", map[string][]float64{"df1": {4}, "df2": {12}}, false},
	{"VonMises", map[string][]float64{"loc": {1}, "concentration": {2}}, false},
	{"VonMises", map[string][]float64{"loc": {-2}, "concentration": {0.01}}, false},
}

func uvMake(tb testing.TB, tp *ad.Tape, name string, params map[string][]float64) Distribution {
	p := Params{}
	for k, x := range params {
		p[k] = tp.Const(uvShapeOf(x, k), x)
	}
	d, err := registry[name](tp, p)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return d
}

// TestUnivariateSamplers draws 20000 values per distribution (fixed seed)
// and checks the sample mean and variance against Mean/Variance (where
// finite), a chi-square goodness of fit against the log density (pmf for
// discrete; for continuous, densities integrated over bins at the sample's
// 5%-quantiles), and the Monte-Carlo entropy -E[log p] against Entropy.
func TestUnivariateSamplers(t *testing.T) {
	const n = 20000
	for ci, c := range uvSampleCases {
		tp := ad.NewTape()
		rng := NewRNG(uint64(1000 + ci))
		d := uvMake(t, tp, c.name, c.params)
		xs := append([]float64(nil), d.Sample(rng, n).Data()...)
		if ok, bad := d.Support().Check(xs, []int{n}); !ok {
			t.Errorf("%s %v: sample %v outside the support", c.name, c.params, xs[bad])
			continue
		}
		var m, v float64
		for _, x := range xs {
			m += x
		}
		m /= n
		for _, x := range xs {
			v += (x - m) * (x - m)
		}
		v /= n - 1
		mean, vari := d.Mean().Value(), d.Variance().Value()
		// VonMises's Mean/Variance are circular statistics; skip linear moments.
		if c.name != "VonMises" && !math.IsNaN(mean) && !math.IsInf(vari, 0) && !math.IsNaN(vari) {
			if math.Abs(m-mean) > 5*math.Sqrt(vari/n) {
				t.Errorf("%s %v: sample mean %v, Mean %v", c.name, c.params, m, mean)
			}
			var m4 float64
			for _, x := range xs {
				m4 += math.Pow(x-m, 4)
			}
			m4 /= n
			if se := math.Sqrt((m4 - v*v) / n); math.Abs(v-vari) > 6*se {
				t.Errorf("%s %v: sample variance %v, Variance %v (se %v)", c.name, c.params, v, vari, se)
			}
		}
		// log p of the sample: entropy check
		lp := d.LogProb(tp.Const([]int{n}, xs)).Data()
		if e, ok := d.(Entropier); ok {
			var s, s2 float64
			for _, l := range lp {
				s -= l
				s2 += l * l
			}
			s /= n
			se := math.Sqrt((s2/n - s*s) / n)
			if h := e.Entropy().Value(); math.Abs(h-s) > 5*se+1e-12 {
				t.Errorf("%s %v: Entropy %v, Monte-Carlo %v ± %v", c.name, c.params, h, s, se)
			}
		}
		chi, df := uvChiSquare(t, tp, d, xs, c.discrete)
		// generous bound: P(chi2_df > df + 6·sqrt(2df) + 10) is below 1e-6
		if lim := float64(df) + 6*math.Sqrt(2*float64(df)) + 10; chi > lim {
			t.Errorf("%s %v: chi-square %.1f on %d degrees of freedom (limit %.1f)", c.name, c.params, chi, df, lim)
		}
	}
}

func uvChiSquare(t *testing.T, tp *ad.Tape, d Distribution, xs []float64, discrete bool) (float64, int) {
	n := float64(len(xs))
	sorted := append([]float64(nil), xs...)
	sort.Float64s(sorted)
	if discrete {
		counts := map[float64]float64{}
		for _, x := range xs {
			counts[x]++
		}
		lo, hi := sorted[0], sorted[len(sorted)-1]
		var chi, expTail, obsTail float64
		df := 0
		var pend, pendObs float64
		for k := lo; k <= hi; k++ {
			p := math.Exp(d.LogProb(tp.Scalar(k)).Value())
			pend += p * n
			pendObs += counts[k]
			if pend >= 20 {
				chi += (pendObs - pend) * (pendObs - pend) / pend
				df++
				expTail += pend
				obsTail += pendObs
				pend, pendObs = 0, 0
			}
		}
		rest := n - expTail
		restObs := n - obsTail
		if rest > 1e-9 {
			chi += (restObs - rest) * (restObs - rest) / rest
			df++
		}
		return chi, df - 1
	}
	// continuous: 20 bins at the sample's quantiles; interior probabilities by
	// Simpson integration of exp(LogProb), the two tails pooled.
	const bins = 20
	edges := make([]float64, bins-1)
	for j := range edges {
		edges[j] = sorted[(j+1)*len(sorted)/bins]
	}
	var chi, sumP float64
	obsInterior := 0.0
	for j := 0; j+1 < len(edges); j++ {
		a, b := edges[j], edges[j+1]
		const m = 400
		grid := make([]float64, m+1)
		for i := range grid {
			grid[i] = a + (b-a)*float64(i)/m
		}
		lps := d.LogProb(tp.Const([]int{m + 1}, grid)).Data()
		s := 0.0
		for i, l := range lps {
			w := 2.0
			if i == 0 || i == m {
				w = 1
			} else if i%2 == 1 {
				w = 4
			}
			s += w * math.Exp(l)
		}
		p := s * (b - a) / (3 * m)
		sumP += p
		obs := 0.0
		for _, x := range xs {
			if x >= a && x < b {
				obs++
			}
		}
		obsInterior += obs
		e := p * n
		chi += (obs - e) * (obs - e) / e
	}
	rest := (1 - sumP) * n
	restObs := n - obsInterior
	chi += (restObs - rest) * (restObs - rest) / rest
	return chi, len(edges) - 1
}

// TestUnivariateRSampleGradients checks pathwise gradients of E[f(x)] with
// f(x) = x² (and x for heavy-tailed ones) against finite differences of the
// same Monte-Carlo estimate with common random numbers (the same seed).
func TestUnivariateRSampleGradients(t *testing.T) {
	cases := []struct {
		name   string
		params map[string][]float64
		f      func(tp *ad.Tape, x ad.V) ad.V
	}{
		{"Exponential", map[string][]float64{"rate": {2}}, nil},
		{"LogNormal", map[string][]float64{"loc": {0.2}, "scale": {0.5}}, nil},
		{"Laplace", map[string][]float64{"loc": {1}, "scale": {2}}, nil},
		{"Gumbel", map[string][]float64{"loc": {1}, "scale": {2}}, nil},
		{"HalfNormal", map[string][]float64{"scale": {2}}, nil},
		{"Uniform", map[string][]float64{"low": {-1}, "high": {2}}, nil},
		{"Weibull", map[string][]float64{"scale": {2}, "concentration": {1.5}}, nil},
		{"Pareto", map[string][]float64{"scale": {1}, "alpha": {5}}, nil},
		{"Cauchy", map[string][]float64{"loc": {1}, "scale": {2}}, func(tp *ad.Tape, x ad.V) ad.V { return tp.Atan(x) }},
		{"HalfCauchy", map[string][]float64{"scale": {2}}, func(tp *ad.Tape, x ad.V) ad.V { return tp.Atan(x) }},
	}
	const n = 4000
	for _, c := range cases {
		f := c.f
		if f == nil {
			f = func(tp *ad.Tape, x ad.V) ad.V { return tp.Square(x) }
		}
		tp := ad.NewTape()
		est := func(pv map[string][]float64, grad bool) (float64, map[string]float64) {
			tp.Reset()
			p := Params{}
			for k, x := range pv {
				p[k] = tp.Param(nil, x)
			}
			d, err := registry[c.name](tp, p)
			if err != nil {
				t.Fatal(err)
			}
			x := d.RSample(NewRNG(7), n)
			obj := tp.MulConst(tp.Sum(f(tp, x)), 1.0/n)
			g := map[string]float64{}
			if grad {
				tp.Backward(obj)
				for k, v := range p {
					g[k] = v.Grad()[0]
				}
			}
			return obj.Value(), g
		}
		_, g := est(c.params, true)
		for k := range c.params {
			pv := map[string][]float64{}
			for kk, x := range c.params {
				pv[kk] = []float64{x[0]}
			}
			x0 := pv[k][0]
			h := 1e-5 * math.Max(1, math.Abs(x0))
			pv[k][0] = x0 + h
			fp, _ := est(pv, false)
			pv[k][0] = x0 - h
			fm, _ := est(pv, false)
			fd := (fp - fm) / (2 * h)
			if math.Abs(fd-g[k]) > 1e-4*math.Max(1, math.Abs(fd)) {
				t.Errorf("%s %v: pathwise d/d%s = %.8g, finite difference (common random numbers) %.8g", c.name, c.params, k, g[k], fd)
			}
		}
	}
}

// TestUnivariateGammaImplicitGrad checks dz/da of a standard Gamma draw
// against finite differences of the inverse CDF at fixed u (gonum's
// GammaIncRegInv), across tiny to large shapes and both tails.
func TestUnivariateGammaImplicitGrad(t *testing.T) {
	for _, a := range []float64{1e-3, 0.3, 1, 2.5, 40, 1e3} {
		for _, u := range []float64{1e-6, 0.01, 0.3, 0.5, 0.9, 0.999999} {
			z := mathext.GammaIncRegInv(a, u)
			if z < 1e-250 {
				continue // gonum's inverse loses accuracy in this far tail
			}
			h := 1e-6 * a
			fd := (mathext.GammaIncRegInv(a+h, u) - mathext.GammaIncRegInv(a-h, u)) / (2 * h)
			got := uvGammaDzDa(a, z)
			if math.Abs(got-fd) > 1e-5*math.Abs(fd)+1e-300 {
				t.Errorf("a=%v u=%v z=%v: dz/da = %.10g, finite difference %.10g", a, u, z, got, fd)
			}
		}
	}
}

// TestUnivariateRSampleGammaFamily checks Monte-Carlo pathwise gradients of
// E[f(x)] for the Gamma-based samplers against the derivative of the exact
// expectation (100000 draws, 2% tolerance).
func TestUnivariateRSampleGammaFamily(t *testing.T) {
	type P = map[string]float64
	cases := []struct {
		name   string
		params P
		sq     bool // f(x) = x² instead of x
		exact  func(p P) float64
	}{
		{"Gamma", P{"concentration": 2.5, "rate": 1.5}, false, func(p P) float64 { return p["concentration"] / p["rate"] }},
		{"Gamma", P{"concentration": 0.3, "rate": 0.7}, false, func(p P) float64 { return p["concentration"] / p["rate"] }},
		{"Gamma", P{"concentration": 40, "rate": 3}, true, func(p P) float64 {
			a, b := p["concentration"], p["rate"]
			return a * (a + 1) / (b * b)
		}},
		{"Chi2", P{"df": 3.5}, true, func(p P) float64 { k := p["df"]; return 2*k + k*k }},
		{"Beta", P{"concentration1": 2, "concentration0": 0.7}, false, func(p P) float64 {
			return p["concentration1"] / (p["concentration1"] + p["concentration0"])
		}},
		{"InverseGamma", P{"concentration": 5, "rate": 2}, false, func(p P) float64 { return p["rate"] / (p["concentration"] - 1) }},
		{"StudentT", P{"df": 6, "loc": 1, "scale": 2}, true, func(p P) float64 {
			return p["loc"]*p["loc"] + p["scale"]*p["scale"]*p["df"]/(p["df"]-2)
		}},
		{"FisherSnedecor", P{"df1": 5, "df2": 12}, false, func(p P) float64 { return p["df2"] / (p["df2"] - 2) }},
	}
	const n = 100000
	for _, c := range cases {
		tp := ad.NewTape()
		p := Params{}
		for k, x := range c.params {
			p[k] = tp.ParamScalar(x)
		}
		d, err := registry[c.name](tp, p)
		if err != nil {
			t.Fatal(err)
		}
		x := d.RSample(NewRNG(11), n)
		if c.sq {
			x = tp.Square(x)
		}
		tp.Backward(tp.MulConst(tp.Sum(x), 1.0/n))
		for k, v := range p {
			q := P{}
			for kk, xx := range c.params {
				q[kk] = xx
			}
			h := 1e-6 * math.Max(1, math.Abs(q[k]))
			q[k] += h
			fp := c.exact(q)
			q[k] -= 2 * h
			fm := c.exact(q)
			want := (fp - fm) / (2 * h)
			if got := v.Grad()[0]; math.Abs(got-want) > 0.02*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %v: pathwise d/d%s E[f] = %.6g, exact %.6g", c.name, c.params, k, got, want)
			}
		}
	}
}

// TestUnivariateLogGammaGrad checks d(log z)/da where z underflows (tiny
// shapes): there P(a, z) = z^a/Γ(a+1)·(1 + O(z)), so log z = (log u +
// log Γ(a+1))/a and d(log z)/da = -(log z)/a + ψ(a+1)/a at fixed u.
func TestUnivariateLogGammaGrad(t *testing.T) {
	for _, a := range []float64{1e-3, 1e-2} {
		for _, lz := range []float64{-1000, -5000, -800} {
			want := -lz/a + sp.Digamma(a+1)/a
			if got := uvGammaDlogzDa(a, lz); math.Abs(got-want) > 1e-10*math.Abs(want) {
				t.Errorf("a=%v log z=%v: d(log z)/da = %.12g, want %.12g", a, lz, got, want)
			}
		}
	}
	// Beta with tiny concentrations: samples in (0, 1) with finite log density.
	tp := ad.NewTape()
	d := Beta(tp.ParamScalar(1e-3), tp.ParamScalar(2e-3))
	x := d.RSample(NewRNG(9), 1000)
	lp := d.LogProb(x)
	for i, v := range lp.Data() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Beta(1e-3, 2e-3): log p(sample %v) = %v", x.Data()[i], v)
		}
	}
	tp.Backward(tp.Sum(x))
}
