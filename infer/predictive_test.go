package infer

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// posteriorMuSamples draws n exact posterior samples of mu (shape (n,)).
func posteriorMuSamples(n int, seed uint64) *tensor.Dense {
	pm, psd := isPosterior()
	rng := dist.NewRNG(seed)
	d := make([]float64, n)
	for i := range d {
		d[i] = pm + psd*rng.NormFloat64()
	}
	return tensor.New([]int{n}, d)
}

// checkPredictiveY checks that y's draws (shape (n, len(isY))) have the
// posterior predictive moments: mean pm, variance psd² + s².
func checkPredictiveY(t *testing.T, y *tensor.Dense, n int) {
	t.Helper()
	if sh := y.Shape(); len(sh) != 2 || sh[0] != n || sh[1] != len(isY) {
		t.Fatalf("y has shape %v, want [%d %d]", sh, n, len(isY))
	}
	pm, psd := isPosterior()
	wantVar := psd*psd + isS*isS
	d := y.Data()
	for j := range isY {
		var m, m2 float64
		for i := 0; i < n; i++ {
			x := d[i*len(isY)+j]
			m += x
			m2 += x * x
		}
		m /= float64(n)
		v := m2/float64(n) - m*m
		if se := math.Sqrt(wantVar / float64(n)); math.Abs(m-pm) > 4*se {
			t.Errorf("y[%d]: predictive mean %v, want %v (se %v)", j, m, pm, se)
		}
		// sd of a sample variance of normals: var·√(2/n)
		if se := wantVar * math.Sqrt(2/float64(n)); math.Abs(v-wantVar) > 4*se {
			t.Errorf("y[%d]: predictive variance %v, want %v (se %v)", j, v, wantVar, se)
		}
	}
	// draws of one y row share their mu: the covariance of two elements is psd²
	var c, m0, m1 float64
	for i := 0; i < n; i++ {
		m0 += d[i*len(isY)]
		m1 += d[i*len(isY)+1]
	}
	m0 /= float64(n)
	m1 /= float64(n)
	for i := 0; i < n; i++ {
		c += (d[i*len(isY)] - m0) * (d[i*len(isY)+1] - m1)
	}
	c /= float64(n)
	if se := math.Sqrt((wantVar*wantVar + psd*psd*psd*psd) / float64(n)); math.Abs(c-psd*psd) > 4*se {
		t.Errorf("covariance of y[0], y[1] %v, want %v (se %v)", c, psd*psd, se)
	}
}

func TestPredictivePosteriorSamples(t *testing.T) {
	const n = 20000
	mu := posteriorMuSamples(n, 4)
	p := &Predictive{Model: isModel, PosteriorSamples: map[string]*tensor.Dense{"mu": mu}}
	out, err := p.Run(context.Background(), poutine.NewRuntime(9))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out["mu"]; ok {
		t.Error("mu returned although it is in the posterior samples")
	}
	checkPredictiveY(t, out["y"], n)

	// named return sites; a global scalar comes back as (N, 1) (Pyro's
	// shape rule: the model has one plate)
	p.ReturnSites = []string{"mu", "y"}
	out, err = p.Run(context.Background(), poutine.NewRuntime(9))
	if err != nil {
		t.Fatal(err)
	}
	if sh := out["mu"].Shape(); len(sh) != 2 || sh[0] != n || sh[1] != 1 {
		t.Fatalf("mu has shape %v, want [%d 1]", sh, n)
	}
	for i := 0; i < 50; i++ {
		if out["mu"].At(i, 0) != mu.At(i) {
			t.Fatalf("mu[%d] = %v, posterior sample %v", i, out["mu"].At(i, 0), mu.At(i))
		}
	}
	// the (N, 1) output is accepted back as posterior samples
	p2 := &Predictive{Model: isModel, PosteriorSamples: map[string]*tensor.Dense{"mu": out["mu"]}}
	out2, err := p2.Run(context.Background(), poutine.NewRuntime(9))
	if err != nil {
		t.Fatal(err)
	}
	checkPredictiveY(t, out2["y"], n)

	// KeepObserved returns the data
	p.KeepObserved = true
	p.ReturnSites = nil
	out, err = p.Run(context.Background(), poutine.NewRuntime(9))
	if err != nil {
		t.Fatal(err)
	}
	if out["y"].At(123, 4) != isY[4] {
		t.Errorf("KeepObserved: y = %v, want the observation %v", out["y"].At(123, 4), isY[4])
	}
}

func TestPredictiveGuide(t *testing.T) {
	const n = 20000
	p := &Predictive{Model: isModel, Guide: isGuide(1), NumSamples: n}
	out, err := p.Run(context.Background(), poutine.NewRuntime(12))
	if err != nil {
		t.Fatal(err)
	}
	mu := out["mu"]
	if sh := mu.Shape(); len(sh) != 2 || sh[0] != n || sh[1] != 1 {
		t.Fatalf("mu has shape %v, want [%d 1]", sh, n)
	}
	pm, psd := isPosterior()
	var m float64
	for _, x := range mu.Data() {
		m += x
	}
	m /= n
	if math.Abs(m-pm) > 4*psd/math.Sqrt(n) {
		t.Errorf("guide draws of mu: mean %v, want %v", m, pm)
	}
	checkPredictiveY(t, out["y"], n)
}

// With neither samples nor guide: the prior predictive, every site.
func TestPredictivePrior(t *testing.T) {
	const n = 20000
	model := func(r *poutine.Runtime) {
		isModel(r)
		mu := r.Sample("mu2", dist.Normal(r.Scalar(1), r.Scalar(0.5)))
		r.Deterministic("mu2_sq", r.Square(mu))
		r.Factor("f", r.Scalar(-1))
	}
	p := &Predictive{Model: model, NumSamples: n}
	out, err := p.Run(context.Background(), poutine.NewRuntime(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mu", "y", "mu2", "mu2_sq"} {
		if out[name] == nil {
			t.Fatalf("site %q not returned (got %d sites)", name, len(out))
		}
	}
	if _, ok := out["f"]; ok {
		t.Error("factor site returned by default")
	}
	var m, v float64
	for _, x := range out["mu"].Data() {
		m += x
		v += x * x
	}
	m /= n
	v = v/n - m*m
	if math.Abs(m-isM0) > 4*isS0/math.Sqrt(n) || math.Abs(v-isS0*isS0) > 4*isS0*isS0*math.Sqrt(2.0/n) {
		t.Errorf("prior draws of mu: mean %v var %v, want %v, %v", m, v, isM0, isS0*isS0)
	}
	for i := 0; i < 100; i++ {
		if a, b := out["mu2_sq"].At(i, 0), out["mu2"].At(i, 0); a != b*b {
			t.Fatalf("deterministic site: %v, want %v²", a, b)
		}
	}
}

func TestPredictiveErrors(t *testing.T) {
	ctx := context.Background()
	r := poutine.NewRuntime(1)
	mu := posteriorMuSamples(10, 1)
	cases := []struct {
		name string
		p    *Predictive
		want string
	}{
		{"no draws", &Predictive{Model: isModel}, "num_samples"},
		{"guide and samples", &Predictive{Model: isModel, Guide: isGuide(1), PosteriorSamples: map[string]*tensor.Dense{"mu": mu}}, "guide"},
		{"unequal draws", &Predictive{Model: vecModel, PosteriorSamples: map[string]*tensor.Dense{"mu": mu, "theta": tensor.New([]int{7, 3}, nil)}}, "draws"},
		{"unknown posterior site", &Predictive{Model: isModel, PosteriorSamples: map[string]*tensor.Dense{"mu": mu, "sigma": mu}}, `"sigma"`},
		{"bad shape", &Predictive{Model: isModel, PosteriorSamples: map[string]*tensor.Dense{"mu": tensor.New([]int{10, 3}, nil)}}, `"mu"`},
		{"unknown return site", &Predictive{Model: isModel, NumSamples: 5, ReturnSites: []string{"nope"}}, `"nope"`},
		{"guide site missing", &Predictive{Model: isModel, NumSamples: 5, Guide: func(r *poutine.Runtime) {
			isGuide(1)(r)
			r.Sample("nu", dist.Normal(r.Scalar(0), r.Scalar(1)))
		}}, `"nu"`},
		{"model error", &Predictive{Model: func(r *poutine.Runtime) {
			r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(-1)))
		}, NumSamples: 3}, "scale"},
	}
	for _, c := range cases {
		_, err := c.p.Run(ctx, r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error mentioning %s", c.name, err, c.want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (&Predictive{Model: isModel, NumSamples: 5}).Run(cctx, r); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Draws allocate nothing after the first: a Run's allocations do not grow
// with the number of draws.
func TestPredictiveAllocsPerDraw(t *testing.T) {
	r := poutine.NewRuntime(2)
	ctx := context.Background()
	allocs := func(n int) float64 {
		p := &Predictive{Model: isModel, PosteriorSamples: map[string]*tensor.Dense{"mu": posteriorMuSamples(n, 1)}}
		p.Run(ctx, r)
		return testing.AllocsPerRun(5, func() {
			if _, err := p.Run(ctx, r); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(100), allocs(2000)
	t.Logf("allocations per Run: %v with 100 draws, %v with 2000", small, large)
	if large != small {
		t.Errorf("allocations grow with the draws: %v for 100, %v for 2000", small, large)
	}
}
