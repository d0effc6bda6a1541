package infer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func normLP(x, loc, scale float64) float64 {
	z := (x - loc) / scale
	return -0.5*z*z - math.Log(scale) - 0.5*math.Log(2*math.Pi)
}

// gradMoments runs n single-particle gradient evaluations (no parameter
// updates) and returns the mean and standard error of each component of
// the gradient of the named parameters, concatenated.
func gradMoments(t *testing.T, svi *SVI, n int, names ...string) (mean, se []float64) {
	t.Helper()
	ctx := context.Background()
	var sum, sq []float64
	for i := 0; i < n; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		k := 0
		for _, name := range names {
			for _, g := range svi.R.Params.Get(name).Grad {
				if len(sum) <= k {
					sum, sq = append(sum, 0), append(sq, 0)
				}
				sum[k] += g
				sq[k] += g * g
				k++
			}
		}
	}
	mean, se = make([]float64, len(sum)), make([]float64, len(sum))
	for k := range sum {
		m := sum[k] / float64(n)
		mean[k] = m
		se[k] = math.Sqrt(math.Max(sq[k]/float64(n)-m*m, 0) / float64(n))
	}
	return mean, se
}

// chainModel / chainGuide: a Bernoulli latent z, a reparameterized w that
// depends on z in both model and guide, and an observation of w. z's
// downstream cost must include w's terms and the observation.
const chainX = 0.8

func chainModel(r *poutine.Runtime) {
	z := r.Sample("z", dist.Bernoulli(r.Scalar(0.3)))
	w := r.Sample("w", dist.Normal(z, r.Scalar(1)))
	r.Sample("x", dist.Normal(w, r.Scalar(1)), poutine.Obs(r.Scalar(chainX)))
}

func chainGuide(b any) poutine.Model {
	var cfg *poutine.InferConfig
	if b != nil {
		cfg = &poutine.InferConfig{Extra: map[string]any{BaselineKey: b}}
	}
	return func(r *poutine.Runtime) {
		th := r.Param("theta", tensor.New(nil, []float64{0.4}))
		m := r.Param("m", tensor.New(nil, []float64{0.2}))
		var z ad.V
		if cfg != nil {
			z = r.Sample("z", dist.BernoulliLogits(th), poutine.Infer(cfg))
		} else {
			z = r.Sample("z", dist.BernoulliLogits(th))
		}
		r.Sample("w", dist.Normal(r.Add(m, z), r.Scalar(1)))
	}
}

// chainELBO is the analytic ELBO of chainModel/chainGuide.
func chainELBO(th, m float64) float64 {
	l2p := 0.5 * math.Log(2*math.Pi)
	q1 := sigmoid(th)
	elbo := 0.0
	for z, qz := range []float64{1 - q1, q1} {
		pz := []float64{0.7, 0.3}[z]
		mu := m + float64(z)
		ew := -l2p - 0.5*((mu-float64(z))*(mu-float64(z))+1) // E log N(w; z, 1)
		ex := -l2p - 0.5*((chainX-mu)*(chainX-mu)+1)          // E log N(x; w, 1)
		ent := l2p + 0.5                                       // E −log N(w; mu, 1)
		elbo += qz * (math.Log(pz) - math.Log(qz) + ew + ex + ent)
	}
	return elbo
}

// The surrogate gradient is unbiased: its mean over many particles
// matches the analytic gradient of the loss, for the score-function
// parameter theta and the pathwise parameter m, with no baseline, a
// decaying-average baseline, a constant baseline value and Pyro's
// dictionary form.
func TestTraceGraphELBOUnbiased(t *testing.T) {
	const th0, m0, h = 0.4, 0.2, 1e-6
	want := []float64{
		-(chainELBO(th0+h, m0) - chainELBO(th0-h, m0)) / (2 * h),
		-(chainELBO(th0, m0+h) - chainELBO(th0, m0-h)) / (2 * h),
	}
	cases := []struct {
		name string
		b    any
	}{
		{"none", nil},
		{"decaying", &Baseline{DecayingAvg: true}},
		{"dict", map[string]any{"use_decaying_avg_baseline": true, "baseline_beta": 0.5, "baseline_value": -2.0}},
	}
	for _, c := range cases {
		r := poutine.NewRuntime(11)
		svi := NewSVI(r, chainModel, chainGuide(c.b), nil, &TraceGraphELBO{})
		mean, se := gradMoments(t, svi, 40000, "theta", "m")
		for k := range want {
			if math.Abs(mean[k]-want[k]) > 4*se[k] {
				t.Errorf("%s: gradient %d: mean %.5f ± %.5f, analytic %.5f", c.name, k, mean[k], se[k], want[k])
			}
		}
		t.Logf("%-8s dθ %.4f ± %.4f (analytic %.4f), dm %.4f ± %.4f (analytic %.4f)", c.name, mean[0], se[0], want[0], mean[1], se[1], want[1])
	}
	// the original Bernoulli model of TestTraceELBOScoreFunctionUnbiased
	model := func(r *poutine.Runtime) {
		z := r.Sample("z", dist.Bernoulli(r.Scalar(0.3)))
		r.Sample("x", dist.Normal(z, r.Scalar(1)), poutine.Obs(r.Scalar(0.8)))
	}
	guide := func(r *poutine.Runtime) {
		th := r.Param("theta", tensor.New(nil, []float64{th0}))
		r.Sample("z", dist.BernoulliLogits(th))
	}
	elbo := func(th float64) float64 {
		q1 := sigmoid(th)
		return q1*(math.Log(0.3)+normLP(0.8, 1, 1)-math.Log(q1)) + (1-q1)*(math.Log(0.7)+normLP(0.8, 0, 1)-math.Log(1-q1))
	}
	w := -(elbo(th0+h) - elbo(th0-h)) / (2 * h)
	svi := NewSVI(poutine.NewRuntime(3), model, guide, nil, &TraceGraphELBO{NumParticles: 2})
	mean, se := gradMoments(t, svi, 20000, "theta")
	if math.Abs(mean[0]-w) > 4*se[0] {
		t.Errorf("Bernoulli model: mean gradient %.5f ± %.5f, analytic %.5f", mean[0], se[0], w)
	}
}

// The loss is the same estimate as Trace_ELBO's (the same draws give the
// same −ELBO), and with only reparameterized sites the surrogate gradient
// is Trace_ELBO's exactly.
func TestTraceGraphELBOLossMatchesTraceELBO(t *testing.T) {
	ctx := context.Background()
	for _, reparam := range []bool{true, false} {
		model, guide := nnModel, nnGuide
		if !reparam {
			model, guide = chainModel, chainGuide(nil)
		}
		ra, rb := poutine.NewRuntime(5), poutine.NewRuntime(5)
		sa := NewSVI(ra, model, guide, nil, &TraceELBO{NumParticles: 3})
		sb := NewSVI(rb, model, guide, nil, &TraceGraphELBO{NumParticles: 3})
		for i := 0; i < 20; i++ {
			la, err := sa.Step(ctx)
			if err != nil {
				t.Fatal(err)
			}
			lb, err := sb.Step(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(la-lb) > 1e-12*(1+math.Abs(la)) {
				t.Fatalf("reparam=%v step %d: Trace_ELBO loss %v, TraceGraph_ELBO loss %v", reparam, i, la, lb)
			}
			if reparam {
				for _, name := range []string{"loc", "log_scale"} {
					ga, gb := ra.Params.Get(name).Grad[0], rb.Params.Get(name).Grad[0]
					if math.Abs(ga-gb) > 1e-12*(1+math.Abs(ga)) {
						t.Fatalf("step %d: gradient of %s: Trace_ELBO %v, TraceGraph_ELBO %v", i, name, ga, gb)
					}
				}
			}
		}
	}
}

// structModel has a global latent a, a sequential plate of two latents
// b0, b1 with observations y0, y1, and a vectorized plate of three
// latents c with observations x; the guide samples the latents in the
// same order. The dependency structure decides each site's downstream
// cost, which this test recomputes by hand from the trace values.
func structModel(r *poutine.Runtime) {
	a := r.Sample("a", dist.Bernoulli(r.Scalar(0.4)))
	for i := range r.SeqPlate("seq", 2) {
		b := r.Sample(fmt.Sprint("b", i), dist.Bernoulli(r.Scalar(0.6)))
		r.Sample(fmt.Sprint("y", i), dist.Normal(r.Add(a, b), r.Scalar(1)), poutine.Obs(r.Scalar(0.5*float64(i))))
	}
	r.Plate("data", 3, func([]int) {
		c := r.Sample("c", dist.Bernoulli(r.Scalar(0.5)))
		r.Sample("x", dist.Normal(c, r.Scalar(2)), poutine.Obs(r.ConstRef([]int{3}, []float64{0.1, 0.9, -0.4})))
	})
}

func structGuide(r *poutine.Runtime) {
	pa := r.Param("pa", tensor.New(nil, []float64{0.3}))
	r.Sample("a", dist.BernoulliLogits(pa))
	pb := r.Param("pb", tensor.New([]int{2}, []float64{-0.2, 0.5}))
	for i := range r.SeqPlate("seq", 2) {
		r.Sample(fmt.Sprint("b", i), dist.BernoulliLogits(r.Index(pb, i)))
	}
	pc := r.Param("pc", tensor.New([]int{3}, []float64{0.1, -0.3, 0.2}))
	r.Plate("data", 3, func([]int) {
		r.Sample("c", dist.BernoulliLogits(pc))
	})
}

func TestTraceGraphELBODownstreamCosts(t *testing.T) {
	r := poutine.NewRuntime(17)
	svi := NewSVI(r, structModel, structGuide, nil, &TraceGraphELBO{})
	for step := 0; step < 20; step++ {
		if _, err := svi.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		mt, gt := svi.modelTr.Trace(), svi.guideTr.Trace()
		lp := func(tr *poutine.Trace, name string) []float64 { return tr.Get(name).LogProb.Data() }
		sum := func(x []float64) float64 {
			s := 0.0
			for _, v := range x {
				s += v
			}
			return s
		}
		val := func(name string) []float64 { return gt.Get(name).Value.Data() }
		// d log q(z)/d logit = z − sigmoid(logit); the gradient of the loss
		// is −score'·cost
		score := func(z, logit float64) float64 { return z - sigmoid(logit) }
		pa := r.Params.Get("pa").Data[0]
		pb := r.Params.Get("pb").Data
		pc := r.Params.Get("pc").Data
		d := func(name string) float64 { return sum(lp(mt, name)) - sum(lp(gt, name)) }
		// a precedes everything: its cost is the whole ELBO
		costA := d("a") + d("b0") + d("b1") + d("c") + sum(lp(mt, "y0")) + sum(lp(mt, "y1")) + sum(lp(mt, "x"))
		// b0 and b1 sit in different iterations of the sequential plate:
		// b0 does not reach b1 or y1, b1 does not see b0 or y0; both reach
		// the vectorized plate that follows
		costB0 := d("b0") + sum(lp(mt, "y0")) + d("c") + sum(lp(mt, "x"))
		costB1 := d("b1") + sum(lp(mt, "y1")) + d("c") + sum(lp(mt, "x"))
		// each c_i sees only its own slice
		want := map[string][]float64{
			"pa": {-score(val("a")[0], pa) * costA},
			"pb": {-score(val("b0")[0], pb[0]) * costB0, -score(val("b1")[0], pb[1]) * costB1},
		}
		var gc []float64
		for i := 0; i < 3; i++ {
			ci := lp(mt, "c")[i] - lp(gt, "c")[i] + lp(mt, "x")[i]
			gc = append(gc, -score(val("c")[i], pc[i])*ci)
		}
		want["pc"] = gc
		for name, w := range want {
			got := r.Params.Get(name).Grad
			for i := range w {
				if math.Abs(got[i]-w[i]) > 1e-10*(1+math.Abs(w[i])) {
					t.Fatalf("step %d: gradient of %s[%d] = %v, want %v", step, name, i, got[i], w[i])
				}
			}
		}
	}
}

// The dense graph TraceGraphELBO walks agrees with poutine's
// Trace.Successors for GraphType "dense".
func TestTraceGraphDenseEdgesMatchPoutine(t *testing.T) {
	r := poutine.NewRuntime(2)
	for _, m := range []poutine.Model{structModel, structGuide, chainModel} {
		r.Reset()
		tr, err := poutine.TraceOf(m).Get(r)
		if err != nil {
			t.Fatal(err)
		}
		tr.GraphType = "dense"
		sites := tr.Sites()
		for i, a := range sites {
			succ, err := tr.Successors(a.Name)
			if err != nil {
				t.Fatal(err)
			}
			var mine []string
			for _, b := range sites[i+1:] {
				if denseEdge(a, b) {
					mine = append(mine, b.Name)
				}
			}
			if !slices.Equal(mine, succ) && !(len(mine) == 0 && len(succ) == 0) {
				t.Fatalf("successors of %s: TraceGraphELBO %v, poutine %v", a.Name, mine, succ)
			}
		}
	}
}

func TestTraceGraphELBODecayingAverage(t *testing.T) {
	r := poutine.NewRuntime(4)
	e := &TraceGraphELBO{}
	svi := NewSVI(r, structModel, func(r *poutine.Runtime) {
		pc := r.Param("pc", tensor.New([]int{3}, []float64{0.1, -0.3, 0.2}))
		r.Sample("a", dist.Bernoulli(r.Scalar(0.5)))
		for i := range r.SeqPlate("seq", 2) {
			r.Sample(fmt.Sprint("b", i), dist.Bernoulli(r.Scalar(0.5)))
		}
		r.Plate("data", 3, func([]int) {
			r.Sample("c", dist.BernoulliLogits(pc), poutine.Infer(&poutine.InferConfig{Extra: map[string]any{
				BaselineKey: Baseline{DecayingAvg: true, Beta: 0.75}}}))
		})
	}, nil, e)
	avg := make([]float64, 3)
	for step := 0; step < 5; step++ {
		if _, err := svi.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		mt, gt := svi.modelTr.Trace(), svi.guideTr.Trace()
		for i := range avg {
			cost := mt.Get("c").LogProb.Data()[i] - gt.Get("c").LogProb.Data()[i] + mt.Get("x").LogProb.Data()[i]
			pc := r.Params.Get("pc").Data[i]
			z := gt.Get("c").Value.Data()[i]
			wantGrad := -(z - sigmoid(pc)) * (cost - avg[i])
			if g := r.Params.Get("pc").Grad[i]; math.Abs(g-wantGrad) > 1e-10*(1+math.Abs(wantGrad)) {
				t.Fatalf("step %d: gradient %v, want %v (cost %v, baseline %v)", step, g, wantGrad, cost, avg[i])
			}
			avg[i] = 0.25*cost + 0.75*avg[i]
		}
		got, shape := e.BaselineAverage("c")
		if !slices.Equal(shape, []int{3}) {
			t.Fatalf("average shape %v", shape)
		}
		for i := range avg {
			if math.Abs(got[i]-avg[i]) > 1e-12 {
				t.Fatalf("step %d: average %v, want %v", step, got, avg)
			}
		}
	}
	if a, _ := e.BaselineAverage("a"); a != nil {
		t.Fatal("site without a baseline has an average")
	}
	e.ResetBaselines()
	if a, _ := e.BaselineAverage("c"); a != nil {
		t.Fatal("ResetBaselines kept an average")
	}
}

func TestTraceGraphELBOBaselineErrors(t *testing.T) {
	cases := []struct {
		b    any
		want string
	}{
		{map[string]any{"use_decaying_avg": true}, "unrecognized baseline option"},
		{map[string]any{"baseline_beta": 1}, "must be a float64"},
		{map[string]any{"baseline_value": "x"}, "ad.V or a float64"},
		{&Baseline{DecayingAvg: true, Beta: 1.5}, "baseline_beta 1.5"},
		{map[string]any{"nn_baseline": func(x ad.V) ad.V { return x }}, "needs nn_baseline_input"},
		{42, "must be an infer.Baseline"},
	}
	for _, c := range cases {
		r := poutine.NewRuntime(1)
		svi := NewSVI(r, chainModel, chainGuide(c.b), nil, &TraceGraphELBO{})
		_, err := svi.Step(context.Background())
		var se *StepError
		if !errors.As(err, &se) || se.Site != "z" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("baseline %v: want a StepError naming z containing %q, got %v", c.b, c.want, err)
		}
	}
	// a baseline value of the wrong shape, and one with both a value and a function
	for _, bad := range []func(r *poutine.Runtime) *Baseline{
		func(r *poutine.Runtime) *Baseline { return &Baseline{Value: r.Const([]int{2}, []float64{1, 2})} },
		func(r *poutine.Runtime) *Baseline {
			return &Baseline{Value: r.Scalar(1), Fn: func(x ad.V) ad.V { return x }, Input: r.Scalar(0)}
		},
	} {
		r := poutine.NewRuntime(1)
		guide := func(r *poutine.Runtime) {
			th := r.Param("theta", tensor.New(nil, []float64{0}))
			r.Sample("z", dist.BernoulliLogits(th), poutine.Infer(&poutine.InferConfig{Extra: map[string]any{BaselineKey: bad(r)}}))
			r.Sample("w", dist.Normal(r.Scalar(0), r.Scalar(1)))
		}
		svi := NewSVI(r, chainModel, guide, nil, &TraceGraphELBO{})
		_, err := svi.Step(context.Background())
		var se *StepError
		if !errors.As(err, &se) || se.Site != "z" {
			t.Errorf("want a StepError naming z, got %v", err)
		}
	}
}
