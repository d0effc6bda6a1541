package infer

import (
	"context"
	"errors"
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// adam is a minimal Adam used by these tests so that they do not depend on
// package optim.
type adam struct {
	lr   float64
	m, v map[*poutine.ParamEntry][]float64
	t    int
}

func newAdam(lr float64) *adam {
	return &adam{lr: lr, m: map[*poutine.ParamEntry][]float64{}, v: map[*poutine.ParamEntry][]float64{}}
}

func (a *adam) Step(ps []*poutine.ParamEntry) error {
	a.t++
	for _, p := range ps {
		m, v := a.m[p], a.v[p]
		if m == nil {
			m, v = make([]float64, len(p.Data)), make([]float64, len(p.Data))
			a.m[p], a.v[p] = m, v
		}
		for i, g := range p.Grad {
			m[i] = 0.9*m[i] + 0.1*g
			v[i] = 0.999*v[i] + 0.001*g*g
			mh := m[i] / (1 - math.Pow(0.9, float64(a.t)))
			vh := v[i] / (1 - math.Pow(0.999, float64(a.t)))
			p.Data[i] -= a.lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	return nil
}

var nnY = []float64{1.2, 0.8, 1.5, 0.3, 1.1}

func nnModel(r *poutine.Runtime) {
	mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
	y := r.ConstRef([]int{5}, nnY)
	r.Plate("data", 5, func([]int) {
		r.Sample("y", dist.Normal(mu, r.Scalar(1)), poutine.Obs(y))
	})
}

var zero = tensor.New(nil, []float64{0})

func nnGuide(r *poutine.Runtime) {
	loc := r.Param("loc", zero)
	ls := r.Param("log_scale", zero)
	r.Sample("mu", dist.Normal(loc, r.Exp(ls)))
}

// Conjugate Normal–Normal: the posterior of mu is N(Σy/6, 1/√6).
func TestSVINormalNormal(t *testing.T) {
	r := poutine.NewRuntime(7)
	svi := NewSVI(r, nnModel, nnGuide, newAdam(0.02), &TraceELBO{NumParticles: 8})
	ctx := context.Background()
	var locSum, scaleSum float64
	const steps, avg = 3000, 1000
	for i := 0; i < steps; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if i >= steps-avg {
			locSum += r.Params.Get("loc").Data[0]
			scaleSum += math.Exp(r.Params.Get("log_scale").Data[0])
		}
	}
	wantLoc, wantScale := 4.9/6, 1/math.Sqrt(6)
	loc, scale := locSum/avg, scaleSum/avg
	if math.Abs(loc-wantLoc) > 0.02*wantLoc || math.Abs(scale-wantScale) > 0.02*wantScale {
		t.Fatalf("posterior loc %.4f scale %.4f, want %.4f %.4f (2%%)", loc, scale, wantLoc, wantScale)
	}
}

// The score-function surrogate of a Bernoulli latent is unbiased: its
// average gradient over many particles matches the analytic ELBO gradient.
func TestTraceELBOScoreFunctionUnbiased(t *testing.T) {
	const theta0 = 0.4
	model := func(r *poutine.Runtime) {
		z := r.Sample("z", dist.Bernoulli(r.Scalar(0.3)))
		r.Sample("x", dist.Normal(z, r.Scalar(1)), poutine.Obs(r.Scalar(0.8)))
	}
	guide := func(r *poutine.Runtime) {
		th := r.Param("theta", tensor.New(nil, []float64{theta0}))
		r.Sample("z", dist.BernoulliLogits(th))
	}
	// analytic ELBO(θ) = Σ_z q(z)[log p(z) + log p(x|z) − log q(z)]
	elbo := func(th float64) float64 {
		q1 := 1 / (1 + math.Exp(-th))
		lpx := func(z float64) float64 { return -0.5*(0.8-z)*(0.8-z) - 0.5*math.Log(2*math.Pi) }
		return q1*(math.Log(0.3)+lpx(1)-math.Log(q1)) + (1-q1)*(math.Log(0.7)+lpx(0)-math.Log(1-q1))
	}
	h := 1e-6
	want := -(elbo(theta0+h) - elbo(theta0-h)) / (2 * h) // gradient of the loss
	r := poutine.NewRuntime(11)
	svi := NewSVI(r, model, guide, nil, &TraceELBO{NumParticles: 1})
	ctx := context.Background()
	const n = 40000
	sum, sumSq := 0.0, 0.0
	for i := 0; i < n; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		g := r.Params.Get("theta").Grad[0]
		sum += g
		sumSq += g * g
	}
	mean := sum / n
	se := math.Sqrt((sumSq/n - mean*mean) / n)
	if math.Abs(mean-want) > 4*se {
		t.Fatalf("mean surrogate gradient %.5f ± %.5f, analytic %.5f", mean, se, want)
	}
}

func TestSVIGuideSiteMissingFromModel(t *testing.T) {
	r := poutine.NewRuntime(1)
	guide := func(r *poutine.Runtime) {
		nnGuide(r)
		r.Sample("extra", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}
	svi := NewSVI(r, nnModel, guide, newAdam(0.01), &TraceELBO{})
	_, err := svi.Step(context.Background())
	var se *StepError
	if !errors.As(err, &se) || se.Site != "extra" {
		t.Fatalf("want a StepError naming site extra, got %v", err)
	}
}

func TestSVINaNLossKeepsParams(t *testing.T) {
	r := poutine.NewRuntime(1)
	model := func(r *poutine.Runtime) {
		mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
		// z = 1e300/1e-10 overflows: the log density is -Inf
		r.Sample("y", dist.Normal(mu, r.Scalar(1e-10)), poutine.Obs(r.Scalar(1e300)))
	}
	svi := NewSVI(r, model, nnGuide, newAdam(0.01), &TraceELBO{})
	_, err := svi.Step(context.Background())
	var se *StepError
	if !errors.As(err, &se) || !errors.Is(err, ErrNonFinite) || se.Site != "y" || se.Step != 1 {
		t.Fatalf("want non-finite StepError naming y at step 1, got %v", err)
	}
	if r.Params.Get("loc").Data[0] != 0 {
		t.Fatal("parameters changed by a failed step")
	}
	// a NaN observation is a support error naming the site
	nanModel := func(r *poutine.Runtime) {
		mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("y", dist.Normal(mu, r.Scalar(1)), poutine.Obs(r.Scalar(math.NaN())))
	}
	_, err = NewSVI(poutine.NewRuntime(1), nanModel, nnGuide, newAdam(0.01), &TraceELBO{}).Step(context.Background())
	if !errors.As(err, &se) || se.Site != "y" {
		t.Fatalf("want a StepError naming y for a NaN observation, got %v", err)
	}
}

func TestSVIStepZeroAlloc(t *testing.T) {
	r := poutine.NewRuntime(3)
	svi := NewSVI(r, nnModel, nnGuide, nopOptim{}, &TraceELBO{})
	ctx := context.Background()
	svi.Step(ctx)
	if a := testing.AllocsPerRun(50, func() { svi.Step(ctx) }); a != 0 {
		t.Fatalf("SVI step allocates %v per step, want 0", a)
	}
}

type nopOptim struct{}

func (nopOptim) Step([]*poutine.ParamEntry) error { return nil }

var _ = ad.V{}

// RenyiELBO with alpha=0 and many particles approaches log p(x): for the
// conjugate Normal–Normal model the evidence is analytic.
func TestRenyiELBOApproachesEvidence(t *testing.T) {
	// guide at the exact posterior: every importance weight equals p(x),
	// so the bound is exact for any number of particles
	guide := func(r *poutine.Runtime) {
		r.Sample("mu", dist.Normal(r.Scalar(4.9/6), r.Scalar(1/math.Sqrt(6))))
	}
	// log p(y) for y ~ N(0, I + 11ᵀ): Sherman–Morrison
	n := float64(len(nnY))
	s, ss := 0.0, 0.0
	for _, y := range nnY {
		s += y
		ss += y * y
	}
	quad := ss - s*s/(1+n)
	logdet := math.Log(1 + n)
	want := -0.5*quad - 0.5*logdet - n/2*math.Log(2*math.Pi)
	e, err := NewRenyiELBO(0, 5)
	if err != nil {
		t.Fatal(err)
	}
	r := poutine.NewRuntime(5)
	svi := NewSVI(r, nnModel, guide, nil, e)
	loss, err := svi.EvaluateLoss(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(-loss-want) > 1e-9 {
		t.Fatalf("Renyi bound %v, log evidence %v", -loss, want)
	}
	if _, err := NewRenyiELBO(1, 2); err == nil {
		t.Fatal("alpha = 1 accepted")
	}
}

// TraceMeanField_ELBO with the analytic Normal–Normal KL has the same
// expectation as Trace_ELBO and a smaller variance; on the conjugate model
// it recovers the posterior too.
func TestTraceMeanFieldELBO(t *testing.T) {
	r := poutine.NewRuntime(9)
	opt := newAdam(0.02)
	svi := NewSVI(r, nnModel, nnGuide, opt, &TraceMeanFieldELBO{NumParticles: 4})
	ctx := context.Background()
	var locSum, scaleSum float64
	const steps, avg = 4000, 1000
	for i := 0; i < steps; i++ {
		if i == 2000 {
			opt.lr = 0.002 // anneal: the Adam noise floor biases a fixed-lr average
		}
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if i >= steps-avg {
			locSum += r.Params.Get("loc").Data[0]
			scaleSum += math.Exp(r.Params.Get("log_scale").Data[0])
		}
	}
	wantLoc, wantScale := 4.9/6, 1/math.Sqrt(6)
	if loc, scale := locSum/avg, scaleSum/avg; math.Abs(loc-wantLoc) > 0.01*wantLoc || math.Abs(scale-wantScale) > 0.01*wantScale {
		t.Fatalf("posterior loc %.4f scale %.4f, want %.4f %.4f (1%%)", loc, scale, wantLoc, wantScale)
	}
	// at fixed parameters both estimators have the same expectation (the
	// analytic KL replaces a Monte Carlo estimate of it)
	moments := func(e ELBO) (mean, se float64) {
		rr := poutine.NewRuntime(10)
		// a guide away from the prior, so the KL term is not zero
		rr.Params.Set("loc", tensor.New(nil, []float64{0.5}))
		rr.Params.Set("log_scale", tensor.New(nil, []float64{-0.5}))
		s := NewSVI(rr, nnModel, nnGuide, nil, e)
		var sum, sq float64
		const n = 4000
		for i := 0; i < n; i++ {
			l, err := s.EvaluateLoss(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sum += l
			sq += l * l
		}
		m := sum / n
		return m, math.Sqrt((sq/n - m*m) / n)
	}
	mt, st := moments(&TraceELBO{})
	mm, sm := moments(&TraceMeanFieldELBO{})
	if math.Abs(mt-mm) > 4*math.Hypot(st, sm) {
		t.Fatalf("mean losses differ: Trace_ELBO %v ± %v, TraceMeanField_ELBO %v ± %v", mt, st, mm, sm)
	}
}

// Conjugate Beta–Bernoulli with an exact-family guide: p ~ Beta(2, 2) and
// 7 successes in 10 trials give the posterior Beta(9, 5); a Beta guide
// with positive-constrained concentrations recovers its mean and sd within
// 1% (Beta's rsample is the implicit-reparameterization gradient).
func TestSVIBetaBernoulliExactGuide(t *testing.T) {
	obs := []float64{1, 1, 0, 1, 1, 0, 1, 1, 0, 1}
	model := func(r *poutine.Runtime) {
		p := r.Sample("p", dist.Beta(r.Scalar(2), r.Scalar(2)))
		y := r.ConstRef([]int{10}, obs)
		r.Plate("data", 10, func([]int) {
			r.Sample("y", dist.Bernoulli(p), poutine.Obs(y))
		})
	}
	init := tensor.New(nil, []float64{2})
	guide := func(r *poutine.Runtime) {
		a := r.Param("alpha_q", init, poutine.WithConstraint(constraints.Positive))
		b := r.Param("beta_q", init, poutine.WithConstraint(constraints.Positive))
		r.Sample("p", dist.Beta(a, b))
	}
	r := poutine.NewRuntime(21)
	opt := newAdam(0.05)
	svi := NewSVI(r, model, guide, opt, &TraceMeanFieldELBO{NumParticles: 8})
	ctx := context.Background()
	var mean, sd float64
	const steps, avg = 6000, 2000
	for i := 0; i < steps; i++ {
		if i == 3000 {
			opt.lr = 0.005
		}
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if i >= steps-avg {
			a, _ := r.Params.Value("alpha_q")
			b, _ := r.Params.Value("beta_q")
			av, bv := a.Data()[0], b.Data()[0]
			mean += av / (av + bv) / avg
			sd += math.Sqrt(av*bv/((av+bv)*(av+bv)*(av+bv+1))) / avg
		}
	}
	wantMean, wantSD := 9.0/14, math.Sqrt(9*5/(14*14*15.0))
	if math.Abs(mean-wantMean) > 0.01*wantMean || math.Abs(sd-wantSD) > 0.01*wantSD {
		t.Fatalf("posterior mean %.4f sd %.4f, want %.4f %.4f (1%%)", mean, sd, wantMean, wantSD)
	}
}

// Vectorized particles (one run inside a particle plate) estimate the same
// loss as sequential particles and fit the conjugate posterior.
func TestTraceELBOVectorizedParticles(t *testing.T) {
	ctx := context.Background()
	mean := func(e ELBO) (float64, float64) {
		rr := poutine.NewRuntime(31)
		rr.Params.Set("loc", tensor.New(nil, []float64{0.5}))
		rr.Params.Set("log_scale", tensor.New(nil, []float64{-0.5}))
		s := NewSVI(rr, nnModel, nnGuide, nil, e)
		var sum, sq float64
		const n = 1000
		for i := 0; i < n; i++ {
			l, err := s.EvaluateLoss(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sum += l
			sq += l * l
		}
		m := sum / n
		return m, math.Sqrt((sq/n - m*m) / n)
	}
	ms, ss := mean(&TraceELBO{NumParticles: 8})
	mv, sv := mean(&TraceELBO{NumParticles: 8, VectorizeParticles: true, MaxPlateNesting: 1})
	if math.Abs(ms-mv) > 4*math.Hypot(ss, sv) {
		t.Fatalf("vectorized loss %v ± %v, sequential %v ± %v", mv, sv, ms, ss)
	}
	r := poutine.NewRuntime(32)
	opt := newAdam(0.02)
	svi := NewSVI(r, nnModel, nnGuide, opt, &TraceELBO{NumParticles: 16, VectorizeParticles: true, MaxPlateNesting: 1})
	var loc float64
	for i := 0; i < 3000; i++ {
		if i == 2000 {
			opt.lr = 0.002
		}
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if i >= 2000 {
			loc += r.Params.Get("loc").Data[0] / 1000
		}
	}
	if want := 4.9 / 6; math.Abs(loc-want) > 0.01*want {
		t.Fatalf("vectorized-particle fit: loc %v, want %v", loc, want)
	}
}
