package dist

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

type klTensor struct {
	Shape []int       `json:"shape"`
	Data  []jsonFloat `json:"data"`
}

// jsonFloat reads a number, or "inf" / "-inf" (JSON has no infinities).
type jsonFloat float64

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"inf"`:
		*f = jsonFloat(math.Inf(1))
		return nil
	case `"-inf"`:
		*f = jsonFloat(math.Inf(-1))
		return nil
	}
	var v float64
	err := json.Unmarshal(b, &v)
	*f = jsonFloat(v)
	return err
}

func (k klTensor) floats() []float64 {
	out := make([]float64, len(k.Data))
	for i, v := range k.Data {
		out[i] = float64(v)
	}
	return out
}

type klSpec struct {
	Name     string              `json:"name"`
	Params   map[string]klTensor `json:"params"`
	Base     *klSpec             `json:"base"`
	Ndims    int                 `json:"ndims"`
	EventDim int                 `json:"event_dim"`
}

func (s *klSpec) build(t *testing.T, tp *ad.Tape) Distribution {
	t.Helper()
	p := func(k string) ad.V {
		v, ok := s.Params[k]
		if !ok {
			return ad.V{}
		}
		return tp.Const(v.Shape, v.floats())
	}
	switch s.Name {
	case "Normal":
		return Normal(p("loc"), p("scale"))
	case "MultivariateNormal":
		return MultivariateNormal(p("loc"), p("covariance_matrix"))
	case "Gamma":
		return Gamma(p("concentration"), p("rate"))
	case "Beta":
		return Beta(p("concentration1"), p("concentration0"))
	case "Exponential":
		return Exponential(p("rate"))
	case "Dirichlet":
		return Dirichlet(p("concentration"))
	case "Bernoulli":
		if v := p("probs"); v.Valid() {
			return Bernoulli(v)
		}
		return BernoulliLogits(p("logits"))
	case "Categorical":
		if v := p("probs"); v.Valid() {
			return Categorical(v)
		}
		return CategoricalLogits(p("logits"))
	case "Independent":
		return Independent(s.Base.build(t, tp), s.Ndims)
	case "Laplace":
		return Laplace(p("loc"), p("scale"))
	case "Gumbel":
		return Gumbel(p("loc"), p("scale"))
	case "LogNormal":
		return LogNormal(p("loc"), p("scale"))
	case "HalfNormal":
		return HalfNormal(p("scale"))
	case "Poisson":
		return Poisson(p("rate"))
	case "Pareto":
		return Pareto(p("scale"), p("alpha"))
	case "Geometric":
		return Geometric(p("probs"))
	case "Uniform":
		return Uniform(p("low"), p("high"))
	case "Binomial":
		return Binomial(p("total_count"), p("probs"))
	case "Delta":
		v := p("v")
		return Delta(v, tp.Const(v.Shape()[:len(v.Shape())-s.EventDim], nil), s.EventDim)
	}
	t.Fatalf("unknown distribution %q in kl_ref.json", s.Name)
	return nil
}

// TestKLReference compares KL with torch.distributions.kl_divergence
// (dist/testdata/kl_ref.py).
func TestKLReference(t *testing.T) {
	raw, err := os.ReadFile("testdata/kl_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Label string   `json:"label"`
			P     klSpec   `json:"p"`
			Qs    klSpec   `json:"q"`
			KL    klTensor `json:"kl"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 45 {
		t.Fatalf("only %d reference cases", len(ref.Cases))
	}
	tp := ad.NewTape()
	for _, c := range ref.Cases {
		tp.Reset()
		var p, q Distribution
		if err := Catch(func() { p, q = c.P.build(t, tp), c.Qs.build(t, tp) }); err != nil {
			t.Errorf("%s: building: %v", c.Label, err)
			continue
		}
		kl, err := KL(p, q)
		if err != nil {
			t.Errorf("%s: %v", c.Label, err)
			continue
		}
		if !shapesEqual(kl.Shape(), c.KL.Shape) {
			t.Errorf("%s: shape %v, want %v", c.Label, kl.Shape(), c.KL.Shape)
			continue
		}
		for i, want := range c.KL.floats() {
			got := kl.Data()[i]
			if math.IsInf(want, 1) {
				if !math.IsInf(got, 1) {
					t.Errorf("%s[%d] = %v, want +Inf", c.Label, i, got)
				}
				continue
			}
			if math.Abs(got-want) > 1e-10*(1+math.Abs(want)) {
				t.Errorf("%s[%d] = %.15g, want %.15g", c.Label, i, got, want)
			}
		}
	}
}

func TestKLErrors(t *testing.T) {
	tp := ad.NewTape()
	n := Normal(tp.Scalar(0), tp.Scalar(1))
	g := Gamma(tp.Scalar(2), tp.Scalar(1))
	if _, err := KL(n, g); err == nil {
		t.Error("KL(Normal‖Gamma) gave no error")
	} else if got := err.Error(); got != "dist: KL(Normal‖Gamma): no closed-form KL divergence is registered for this pair" {
		t.Errorf("error %q", got)
	}
	other := ad.NewTape()
	if _, err := KL(n, Normal(other.Scalar(0), other.Scalar(1))); err == nil {
		t.Error("KL across tapes gave no error")
	}
	d3 := Dirichlet(tp.Const([]int{3}, []float64{1, 2, 3}))
	d4 := Dirichlet(tp.Const([]int{4}, []float64{1, 2, 3, 4}))
	if _, err := KL(d3, d4); err == nil {
		t.Error("KL between Dirichlets of different sizes gave no error")
	}
	if _, err := KL(Normal(tp.Const([]int{2}, nil), tp.Scalar(1)), Normal(tp.Const([]int{3}, nil), tp.Scalar(1))); err == nil {
		t.Error("KL between incompatible batch shapes gave no error")
	}
	b1 := Binomial(tp.Scalar(3), tp.Scalar(0.5))
	b2 := Binomial(tp.Scalar(5), tp.Scalar(0.5))
	if _, err := KL(b1, b2); err == nil {
		t.Error("KL(Binomial(3)‖Binomial(5)) gave no error")
	}
	found := false
	for _, p := range KLPairs() {
		found = found || p == "Delta‖*"
	}
	if !found {
		t.Errorf("KLPairs %v lacks Delta‖*", KLPairs())
	}
}

// TestKLMonteCarlo checks two closed forms against E_p[log p - log q].
func TestKLMonteCarlo(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(31)
	for _, mk := range []func() (Distribution, Distribution){
		func() (Distribution, Distribution) {
			return Gamma(tp.Scalar(2.5), tp.Scalar(1.5)), Gamma(tp.Scalar(1.2), tp.Scalar(0.7))
		},
		func() (Distribution, Distribution) {
			return Normal(tp.Scalar(0.3), tp.Scalar(0.8)), Normal(tp.Scalar(-1), tp.Scalar(2))
		},
	} {
		tp.Reset()
		p, q := mk()
		kl, err := KL(p, q)
		if err != nil {
			t.Fatal(err)
		}
		x := p.Sample(rng, 200000)
		d := tp.Sub(p.LogProb(x), q.LogProb(x))
		m, v := meanVar(d.Data())
		se := math.Sqrt(v / 200000)
		if math.Abs(m-kl.Value()) > 5*se {
			t.Errorf("KL(%s‖%s) = %v, Monte Carlo %v ± %v", p.Name(), q.Name(), kl.Value(), m, se)
		}
	}
}

// TestKLGradient checks d KL / d parameters against central differences.
func TestKLGradient(t *testing.T) {
	build := func(tp *ad.Tape, x ad.V) (Distribution, Distribution) {
		sl := func(i int) ad.V { return tp.Index(x, i) }
		return Gamma(sl(0), sl(1)), Gamma(sl(2), sl(3))
	}
	f := func(tp *ad.Tape, x ad.V) ad.V {
		p, q := build(tp, x)
		kl, err := KL(p, q)
		if err != nil {
			panic(err)
		}
		return kl
	}
	x := []float64{2.5, 1.5, 1.2, 0.7}
	grad := make([]float64, 4)
	ad.ValueAndGrad(ad.NewTape(), f, x, grad)
	for i := range x {
		h := 1e-6
		xp := append([]float64(nil), x...)
		xm := append([]float64(nil), x...)
		xp[i] += h
		xm[i] -= h
		g := make([]float64, 4)
		num := (ad.ValueAndGrad(ad.NewTape(), f, xp, g) - ad.ValueAndGrad(ad.NewTape(), f, xm, g)) / (2 * h)
		if math.Abs(num-grad[i]) > 1e-6*(1+math.Abs(num)) {
			t.Errorf("dKL/dx[%d] = %v, numerical %v", i, grad[i], num)
		}
	}
}

func TestKLNoAllocs(t *testing.T) {
	tp := ad.NewTape()
	run := func() {
		tp.Reset()
		loc := tp.ParamScalar(0.3)
		p := Normal(loc, tp.Scalar(2))
		q := Normal(tp.Scalar(0), tp.Scalar(1))
		kl, err := KL(p, q)
		if err != nil {
			panic(err)
		}
		tp.Backward(kl)
	}
	run()
	if a := testing.AllocsPerRun(100, run); a != 0 {
		t.Fatalf("allocs per KL = %v", a)
	}
}

// KL of two Normals, differentiable in the parameters.
func ExampleKL() {
	t := ad.NewTape()
	p := Normal(t.Scalar(0), t.Scalar(1))
	q := Normal(t.Scalar(1), t.Scalar(2))
	kl, err := KL(p, q)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.6f\n", kl.Value())
	// Output: 0.443147
}
