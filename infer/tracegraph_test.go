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
		ex := -l2p - 0.5*((chainX-mu)*(chainX-mu)+1)         // E log N(x; w, 1)
		ent := l2p + 0.5                                     // E −log N(w; mu, 1)
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
var structB, structY = []string{"b0", "b1"}, []string{"y0", "y1"}

func structModel(r *poutine.Runtime) {
	a := r.Sample("a", dist.Bernoulli(r.Scalar(0.4)))
	for i := range r.SeqPlate("seq", 2) {
		b := r.Sample(structB[i], dist.Bernoulli(r.Scalar(0.6)))
		r.Sample(structY[i], dist.Normal(r.Add(a, b), r.Scalar(1)), poutine.Obs(r.Scalar(0.5*float64(i))))
	}
	r.Plate("data", 3, func([]int) {
		c := r.Sample("c", dist.Bernoulli(r.Scalar(0.5)))
		r.Sample("x", dist.Normal(c, r.Scalar(2)), poutine.Obs(r.ConstRef([]int{3}, []float64{0.1, 0.9, -0.4})))
	})
}

var (
	structPA = tensor.New(nil, []float64{0.3})
	structPB = tensor.New([]int{2}, []float64{-0.2, 0.5})
	structPC = tensor.New([]int{3}, []float64{0.1, -0.3, 0.2})
)

func structGuide(r *poutine.Runtime) {
	pa := r.Param("pa", structPA)
	r.Sample("a", dist.BernoulliLogits(pa))
	pb := r.Param("pb", structPB)
	for i := range r.SeqPlate("seq", 2) {
		r.Sample(structB[i], dist.BernoulliLogits(r.Index(pb, i)))
	}
	pc := r.Param("pc", structPC)
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

// Variance reduction. The model has a global latent g sampled first and a
// Bernoulli latent per data point:
//
//	g ~ N(0, 1); for i in plate: z_i ~ Bern(0.5); x_i ~ N(2 z_i − 1 + g, 1)
//
// with guide g ~ N(a, 0.5), z_i ~ Bern(sigmoid(θ_i)). Trace_ELBO's cost for
// z_i includes the noisy global term log p(g) − log q(g); TraceGraph_ELBO's
// leaves it out (g precedes z_i in both programs), and a decaying-average
// baseline removes most of the rest. All three estimators have the
// analytic mean.
var vrX = []float64{1.3, -0.4, 2.1, 0.2, -1.7, 0.9, -0.1, 1.6}

func vrModel(r *poutine.Runtime) {
	g := r.Sample("g", dist.Normal(r.Scalar(0), r.Scalar(1)))
	r.Plate("data", len(vrX), func([]int) {
		z := r.Sample("z", dist.Bernoulli(r.Scalar(0.5)))
		loc := r.Add(r.AddConst(r.MulConst(z, 2), -1), g)
		r.Sample("x", dist.Normal(loc, r.Scalar(1)), poutine.Obs(r.ConstRef([]int{len(vrX)}, vrX)))
	})
}

var vrTheta = []float64{0.5, -0.3, 1.2, 0.1, -1.5, 0.8, 0.0, 0.6}

func vrGuide(cfg *poutine.InferConfig) poutine.Model {
	a0, th0 := tensor.New(nil, []float64{0.3}), tensor.New([]int{len(vrTheta)}, vrTheta)
	return func(r *poutine.Runtime) {
		a := r.Param("a", a0)
		th := r.Param("theta", th0)
		r.Sample("g", dist.Normal(a, r.Scalar(0.5)))
		r.Plate("data", len(vrX), func([]int) {
			if cfg != nil {
				r.Sample("z", dist.BernoulliLogits(th), poutine.Infer(cfg))
			} else {
				r.Sample("z", dist.BernoulliLogits(th))
			}
		})
	}
}

// vrGradTheta is the analytic gradient of the loss (−ELBO) in θ_i at a.
func vrGradTheta(a float64) []float64 {
	out := make([]float64, len(vrX))
	for i, x := range vrX {
		q := sigmoid(vrTheta[i])
		// E_g log N(x; 2z−1+g, 1) with g ~ N(a, 0.5²)
		ell := func(z float64) float64 {
			m := 2*z - 1 + a
			return -0.5*math.Log(2*math.Pi) - 0.5*((x-m)*(x-m)+0.25)
		}
		// d/dθ Σ_z q(z)[log 0.5 + ell(z) − log q(z)]; dq/dθ = q(1−q)
		d := q * (1 - q) * ((ell(1) - math.Log(q)) - (ell(0) - math.Log(1-q)))
		out[i] = -d
	}
	return out
}

func TestTraceGraphELBOVarianceReduction(t *testing.T) {
	const n, warm = 20000, 300
	want := vrGradTheta(0.3)
	type result struct {
		name string
		vsum float64
	}
	var res []result
	run := func(name string, e ELBO, cfg *poutine.InferConfig) {
		r := poutine.NewRuntime(21)
		svi := NewSVI(r, vrModel, vrGuide(cfg), nil, e)
		gradMoments(t, svi, warm, "theta") // warm up the decaying average
		mean, se := gradMoments(t, svi, n, "theta")
		v := 0.0
		for i := range mean {
			if math.Abs(mean[i]-want[i]) > 4.5*se[i] {
				t.Errorf("%s: dθ[%d] mean %.4f ± %.4f, analytic %.4f", name, i, mean[i], se[i], want[i])
			}
			v += se[i] * se[i] * n // per-particle variance
		}
		res = append(res, result{name, v})
	}
	run("Trace_ELBO", &TraceELBO{}, nil)
	run("TraceGraph_ELBO", &TraceGraphELBO{}, nil)
	run("TraceGraph_ELBO+avg", &TraceGraphELBO{}, &poutine.InferConfig{Extra: map[string]any{
		BaselineKey: &Baseline{DecayingAvg: true, Beta: 0.9}}})
	for _, r := range res {
		t.Logf("%-20s Σ_i Var(dθ_i) per particle = %8.4f  (ratio to Trace_ELBO %.3f)", r.name, r.vsum, r.vsum/res[0].vsum)
	}
	if ratio := res[1].vsum / res[0].vsum; ratio >= 0.85 {
		t.Errorf("dependency structure alone: variance ratio %.3f, want < 0.85", ratio)
	}
	if ratio := res[2].vsum / res[0].vsum; ratio >= 0.3 {
		t.Errorf("with the decaying-average baseline: variance ratio %.3f, want < 0.3", ratio)
	}
	if res[2].vsum >= res[1].vsum {
		t.Errorf("the baseline did not lower the variance: %v vs %v", res[2].vsum, res[1].vsum)
	}
}

// Convergence. A two-component mixture with known components N(−1, 1.5)
// and N(1, 1.5), equal weights, and five measurements of each of six
// items: z_i ~ Bern(0.5), x_ij ~ N(2 z_i − 1, 1.5). The guide
// z_i ~ Bern(sigmoid(θ_i)) can represent the exact posterior, whose
// responsibilities are sigmoid(Σ_j [log N(x_ij; 1, 1.5) − log N(x_ij; −1, 1.5)]).
var (
	mixItem = []float64{-0.3, -0.1, 0.0, 0.05, 0.15, 0.4}
	mixDev  = []float64{-1.2, 0.5, 0.9, -0.6, 0.4}
	mixX    []float64 // [5, 6], measurements × items
)

const mixSigma = 1.5

func init() {
	for _, d := range mixDev {
		for _, m := range mixItem {
			mixX = append(mixX, m+d)
		}
	}
}

func mixModel(r *poutine.Runtime) {
	x := r.ConstRef([]int{len(mixDev), len(mixItem)}, mixX)
	r.Plate("items", len(mixItem), func([]int) {
		z := r.Sample("z", dist.Bernoulli(r.Scalar(0.5)))
		loc := r.AddConst(r.MulConst(z, 2), -1)
		r.Plate("meas", len(mixDev), func([]int) {
			r.Sample("x", dist.Normal(loc, r.Scalar(mixSigma)), poutine.Obs(x))
		})
	})
}

func mixGuide(cfg *poutine.InferConfig) poutine.Model {
	init := tensor.New([]int{len(mixItem)}, nil)
	return func(r *poutine.Runtime) {
		th := r.Param("theta", init)
		r.Plate("items", len(mixItem), func([]int) {
			if cfg != nil {
				r.Sample("z", dist.BernoulliLogits(th), poutine.Infer(cfg))
			} else {
				r.Sample("z", dist.BernoulliLogits(th))
			}
		})
	}
}

func mixResponsibilities() []float64 {
	out := make([]float64, len(mixItem))
	for i := range mixItem {
		l := 0.0
		for j := range mixDev {
			x := mixX[j*len(mixItem)+i]
			l += normLP(x, 1, mixSigma) - normLP(x, -1, mixSigma)
		}
		out[i] = sigmoid(l)
	}
	return out
}

type convergence struct {
	steps     int       // first step from which the error stays below tol to the end of the run (−1: never)
	finalErr  float64   // mean over the last window of max_i |q_i − r_i|
	finalJump float64   // RMS step-to-step change of q_i over the last window
	meanQ     []float64 // q averaged over the last window
}

func runMixture(t *testing.T, e ELBO, cfg *poutine.InferConfig, seed uint64, steps, window int, tol float64) convergence {
	t.Helper()
	want := mixResponsibilities()
	r := poutine.NewRuntime(seed)
	svi := NewSVI(r, mixModel, mixGuide(cfg), newAdam(0.05), e)
	ctx := context.Background()
	errs := make([]float64, steps)
	q, prev := make([]float64, len(want)), make([]float64, len(want))
	c := convergence{steps: -1, meanQ: make([]float64, len(want))}
	jump := 0.0
	for s := 0; s < steps; s++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		th := r.Params.Get("theta").Data
		for i, w := range want {
			q[i] = sigmoid(th[i])
			errs[s] = math.Max(errs[s], math.Abs(q[i]-w))
		}
		if s >= steps-window {
			c.finalErr += errs[s] / float64(window)
			for i := range q {
				jump += (q[i] - prev[i]) * (q[i] - prev[i])
				c.meanQ[i] += q[i] / float64(window)
			}
		}
		copy(prev, q)
	}
	c.finalJump = math.Sqrt(jump / float64(window*len(want)))
	for s := steps - 1; s >= 0 && errs[s] < tol; s-- {
		c.steps = s + 1
	}
	return c
}

// TraceGraph_ELBO with a decaying-average baseline reaches the exact
// responsibilities and stays there (at the exact posterior every
// particle's cost is log p(x), which the baseline learns, so the gradient
// noise vanishes); Trace_ELBO without a baseline, at the same learning
// rate, keeps wandering around them. Both are logged.
func TestTraceGraphELBOMixtureConvergence(t *testing.T) {
	const steps, window, tol = 3000, 1000, 0.05
	want := mixResponsibilities()
	t.Logf("exact responsibilities %.3f", want)
	baseline := &poutine.InferConfig{Extra: map[string]any{BaselineKey: &Baseline{DecayingAvg: true}}}
	for seed := uint64(1); seed <= 3; seed++ {
		tg := runMixture(t, &TraceGraphELBO{}, baseline, seed, steps, window, tol)
		tr := runMixture(t, &TraceELBO{}, nil, seed, steps, window, tol)
		t.Logf("seed %d TraceGraph_ELBO+avg: steps to stay within %.2f: %5d; last %d steps: mean max|q−r| %.4f, RMS step change %.5f, mean q %.3f",
			seed, tol, tg.steps, window, tg.finalErr, tg.finalJump, tg.meanQ)
		t.Logf("seed %d Trace_ELBO:          steps to stay within %.2f: %5d; last %d steps: mean max|q−r| %.4f, RMS step change %.5f, mean q %.3f",
			seed, tol, tr.steps, window, tr.finalErr, tr.finalJump, tr.meanQ)
		if tg.steps < 0 || tg.steps > 500 {
			t.Errorf("seed %d: TraceGraph_ELBO did not settle within %.2f of the responsibilities by step 500 (%d)", seed, tol, tg.steps)
		}
		if tg.finalErr > 0.01 {
			t.Errorf("seed %d: TraceGraph_ELBO final error %.4f, want < 0.01", seed, tg.finalErr)
		}
		if tr.finalErr < 3*tg.finalErr || tr.finalJump < 3*tg.finalJump {
			t.Errorf("seed %d: Trace_ELBO (error %.4f, step change %.5f) is not clearly noisier than TraceGraph_ELBO (%.4f, %.5f)",
				seed, tr.finalErr, tr.finalJump, tg.finalErr, tg.finalJump)
		}
	}
}

// mixCost is the downstream cost of each z_i of the last mixture step,
// computed by hand from the traces.
func mixCost(svi *SVI) []float64 {
	mt, gt := svi.modelTr.Trace(), svi.guideTr.Trace()
	n := len(mixItem)
	cost := make([]float64, n)
	for i := range cost {
		cost[i] = mt.Get("z").LogProb.Data()[i] - gt.Get("z").LogProb.Data()[i]
		for j := range mixDev {
			cost[i] += mt.Get("x").LogProb.Data()[j*n+i]
		}
	}
	return cost
}

func mixLogEvidence() []float64 {
	out := make([]float64, len(mixItem))
	for i := range mixItem {
		var l [2]float64
		for z, mu := range []float64{-1, 1} {
			l[z] = math.Log(0.5)
			for j := range mixDev {
				l[z] += normLP(mixX[j*len(mixItem)+i], mu, mixSigma)
			}
		}
		m := math.Max(l[0], l[1])
		out[i] = m + math.Log(math.Exp(l[0]-m)+math.Exp(l[1]-m))
	}
	return out
}

// Learned baselines (Pyro's baseline_value and nn_baseline): the score
// term uses cost − b detached, and the baseline's parameters get the
// gradient of Σ(cost − b)²; trained with the guide, a per-item baseline
// value learns log p(x_i), the cost at the exact posterior.
func TestTraceGraphELBOLearnedBaseline(t *testing.T) {
	n := len(mixItem)
	ctx := context.Background()
	check := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
	// baseline_value from a parameter, alone and added to a decaying average
	for _, avg := range []bool{false, true} {
		bl := &Baseline{DecayingAvg: avg}
		cfg := &poutine.InferConfig{Extra: map[string]any{BaselineKey: bl}}
		guide := func(r *poutine.Runtime) {
			bl.Value = r.Param("bv", tensor.New([]int{n}, []float64{-5, -6, -7, -8, -9, -10}))
			mixGuide(cfg)(r)
		}
		r := poutine.NewRuntime(8)
		e := &TraceGraphELBO{}
		svi := NewSVI(r, mixModel, guide, nil, e)
		for step := 0; step < 4; step++ {
			a, _ := e.BaselineAverage("z")
			if a == nil {
				a = make([]float64, n)
			}
			if !avg {
				clear(a)
			}
			if _, err := svi.Step(ctx); err != nil {
				t.Fatal(err)
			}
			cost := mixCost(svi)
			z := svi.guideTr.Trace().Get("z").Value.Data()
			for i := range cost {
				b := r.Params.Get("bv").Data[i] + a[i]
				check(fmt.Sprintf("avg=%v step %d: d bv[%d]", avg, step, i), r.Params.Get("bv").Grad[i], 2*(b-cost[i]))
				check(fmt.Sprintf("avg=%v step %d: d θ[%d]", avg, step, i), r.Params.Get("theta").Grad[i], -(z[i]-0.5)*(cost[i]-b))
			}
		}
	}
	// nn_baseline: b_i = w0 + w1·input_i on a detached input
	{
		r := poutine.NewRuntime(9)
		fn := func(in ad.V) ad.V {
			w0 := r.Param("w0", tensor.New(nil, []float64{-4}))
			w1 := r.Param("w1", tensor.New(nil, []float64{0.5}))
			return r.Add(w0, r.Mul(w1, in))
		}
		bl := &Baseline{Fn: fn}
		cfg := &poutine.InferConfig{Extra: map[string]any{BaselineKey: map[string]any{"nn_baseline": fn}}}
		guide := func(r *poutine.Runtime) {
			feat := r.Param("feat", tensor.New([]int{n}, mixItem)) // a parameter, to see that no gradient reaches it
			bl.Input = feat
			cfg.Extra[BaselineKey].(map[string]any)["nn_baseline_input"] = feat
			mixGuide(cfg)(r)
		}
		svi := NewSVI(r, mixModel, guide, nil, &TraceGraphELBO{})
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		cost := mixCost(svi)
		var g0, g1 float64
		for i := range cost {
			b := -4 + 0.5*mixItem[i]
			g0 += 2 * (b - cost[i])
			g1 += 2 * (b - cost[i]) * mixItem[i]
		}
		check("d w0", r.Params.Get("w0").Grad[0], g0)
		check("d w1", r.Params.Get("w1").Grad[0], g1)
		for i, g := range r.Params.Get("feat").Grad {
			check(fmt.Sprintf("d feat[%d]", i), g, 0)
		}
	}
	// training: the baseline value learns log p(x_i), the guide the
	// responsibilities
	{
		bl := &Baseline{}
		cfg := &poutine.InferConfig{Extra: map[string]any{BaselineKey: bl}}
		guide := func(r *poutine.Runtime) {
			bl.Value = r.Param("bv", tensor.New([]int{n}, nil))
			mixGuide(cfg)(r)
		}
		r := poutine.NewRuntime(10)
		svi := NewSVI(r, mixModel, guide, newAdam(0.05), &TraceGraphELBO{})
		for step := 0; step < 3000; step++ {
			if _, err := svi.Step(ctx); err != nil {
				t.Fatal(err)
			}
		}
		wantB, wantQ := mixLogEvidence(), mixResponsibilities()
		for i := range wantB {
			b, q := r.Params.Get("bv").Data[i], sigmoid(r.Params.Get("theta").Data[i])
			if math.Abs(b-wantB[i]) > 0.05 || math.Abs(q-wantQ[i]) > 0.01 {
				t.Errorf("item %d: baseline %.4f (log p(x_i) %.4f), q %.4f (responsibility %.4f)", i, b, wantB[i], q, wantQ[i])
			}
		}
		t.Logf("learned baseline %.3f, log p(x_i) %.3f", r.Params.Get("bv").Data, wantB)
	}
}

// After warm-up an SVI step with a decaying-average baseline and a learned
// baseline value allocates nothing.
func TestTraceGraphELBOStepZeroAlloc(t *testing.T) {
	bl := &Baseline{DecayingAvg: true}
	cfg := &poutine.InferConfig{Extra: map[string]any{BaselineKey: bl}}
	init := tensor.New([]int{len(mixItem)}, nil)
	mg := mixGuide(cfg)
	guide := func(r *poutine.Runtime) {
		bl.Value = r.Param("bv", init)
		mg(r)
	}
	avg := &poutine.InferConfig{Extra: map[string]any{BaselineKey: Baseline{DecayingAvg: true}}}
	for _, m := range []struct {
		model, guide poutine.Model
	}{{mixModel, guide}, {vrModel, vrGuide(avg)}} {
		// (structModel is left out: the body of a range over r.SeqPlate
		// escapes to the heap, one allocation per model run in poutine)
		r := poutine.NewRuntime(3)
		svi := NewSVI(r, m.model, m.guide, nopOptim{}, &TraceGraphELBO{NumParticles: 2})
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			if _, err := svi.Step(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if a := testing.AllocsPerRun(50, func() { svi.Step(ctx) }); a != 0 {
			t.Errorf("SVI step with TraceGraph_ELBO allocates %v per step, want 0", a)
		}
	}
}

// Subsampled plates scale the costs but not the score function (Pyro's
// ScoreParts.scale_and_mask): with two of six items, each z_k's gradient
// is −(z_k − sigmoid(θ_k))·3·cost_k.
func TestTraceGraphELBOSubsampleScale(t *testing.T) {
	idx := []int{1, 4}
	xs := []float64{0.3, -0.5}
	model := func(r *poutine.Runtime) {
		r.Plate("items", 6, func([]int) {
			z := r.Sample("z", dist.Bernoulli(r.Scalar(0.5)))
			r.Sample("x", dist.Normal(r.AddConst(r.MulConst(z, 2), -1), r.Scalar(1)), poutine.Obs(r.ConstRef([]int{2}, xs)))
		}, poutine.Subsample(idx))
	}
	th0 := tensor.New([]int{2}, []float64{0.2, -0.7})
	guide := func(r *poutine.Runtime) {
		th := r.Param("theta", th0)
		r.Plate("items", 6, func([]int) {
			r.Sample("z", dist.BernoulliLogits(th))
		}, poutine.Subsample(idx))
	}
	// Trace_ELBO's plate Rao-Blackwellization gives the same cost here
	// (every site is in the one plate), so both must match.
	for _, e := range []ELBO{&TraceGraphELBO{}, &TraceELBO{}} {
		testSubsampleScale(t, model, guide, th0, xs, e)
	}
}

func testSubsampleScale(t *testing.T, model, guide poutine.Model, th0 *tensor.Dense, xs []float64, e ELBO) {
	r := poutine.NewRuntime(6)
	svi := NewSVI(r, model, guide, nil, e)
	for step := 0; step < 10; step++ {
		if _, err := svi.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		z := svi.guideTr.Trace().Get("z").Value.Data()
		for k := range z {
			q := sigmoid(th0.Data()[k])
			lq := math.Log(q)
			if z[k] == 0 {
				lq = math.Log(1 - q)
			}
			cost := 3 * (math.Log(0.5) - lq + normLP(xs[k], 2*z[k]-1, 1))
			want := -(z[k] - q) * cost
			if g := r.Params.Get("theta").Grad[k]; math.Abs(g-want) > 1e-10*(1+math.Abs(want)) {
				t.Fatalf("%T step %d: dθ[%d] = %v, want %v", e, step, k, g, want)
			}
		}
	}
}

// One SVI step (one particle, no optimizer) on the variance-reduction
// model: Trace_ELBO, TraceGraph_ELBO, TraceGraph_ELBO with a
// decaying-average baseline.
func BenchmarkTraceGraphELBOStep(b *testing.B) {
	avg := &poutine.InferConfig{Extra: map[string]any{BaselineKey: Baseline{DecayingAvg: true}}}
	for _, c := range []struct {
		name  string
		e     ELBO
		guide poutine.Model
	}{
		{"Trace_ELBO", &TraceELBO{}, vrGuide(nil)},
		{"TraceGraph_ELBO", &TraceGraphELBO{}, vrGuide(nil)},
		{"TraceGraph_ELBO+avg", &TraceGraphELBO{}, vrGuide(avg)},
	} {
		b.Run(c.name, func(b *testing.B) {
			svi := NewSVI(poutine.NewRuntime(1), vrModel, c.guide, nopOptim{}, c.e)
			ctx := context.Background()
			svi.Step(ctx)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := svi.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
