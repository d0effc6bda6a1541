package poutine_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// The examples of Pyro's poutine documentation and of the effect-handler
// tutorial, each checked against a value computed independently.

func normalLogPDF(x, loc, scale float64) float64 {
	z := (x - loc) / scale
	return -0.5*z*z - math.Log(scale) - 0.5*math.Log(2*math.Pi)
}

func scalar(x float64) *tensor.Dense { return tensor.New(nil, []float64{x}) }

// obs1 is an observation of shape [1]. Condition records data with
// ConstRef, and autodiff's scalar fast paths currently read a 0-dim
// ConstRef from the wrong storage (reported to the autodiff owner), so the
// tests condition on one-element vectors; the log densities are the same.
func obs1(x float64) *tensor.Dense { return tensor.New([]int{1}, []float64{x}) }

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-10*(1+math.Abs(b)) }

// scaleModel is the tutorial's model:
//
//	weight ~ Normal(guess, 1); measurement ~ Normal(weight, 0.75)
func scaleModel(guess float64) poutine.Model {
	return func(r *poutine.Runtime) {
		w := r.Sample("weight", dist.Normal(r.Scalar(guess), r.Scalar(1)))
		r.Sample("measurement", dist.Normal(w, r.Scalar(0.75)))
	}
}

// makeLogJoint is the tutorial's make_log_joint: condition + trace +
// log_prob_sum.
func makeLogJoint(model func(guess float64) poutine.Model) func(r *poutine.Runtime, data map[string]*tensor.Dense, guess float64) (float64, error) {
	return func(r *poutine.Runtime, data map[string]*tensor.Dense, guess float64) (float64, error) {
		r.Reset()
		tr, err := poutine.TraceOf(poutine.Condition(model(guess), data)).Get(r)
		if err != nil {
			return 0, err
		}
		return tr.LogProbSum(r.Tape, nil).Value(), nil
	}
}

func TestTutorialMakeLogJoint(t *testing.T) {
	logJoint := makeLogJoint(scaleModel)
	r := poutine.NewRuntime(1)
	got, err := logJoint(r, map[string]*tensor.Dense{"measurement": obs1(9.5), "weight": obs1(8.23)}, 8.5)
	if err != nil {
		t.Fatal(err)
	}
	want := normalLogPDF(8.23, 8.5, 1) + normalLogPDF(9.5, 8.23, 0.75)
	if !near(got, want) {
		t.Fatalf("log joint %v, want %v", got, want)
	}
}

// logJointHandler is the tutorial's LogJointMessenger2: Process fixes the
// values of the sites in data, Postprocess accumulates the scaled log
// density once every handler has had its say.
type logJointHandler struct {
	data map[string]float64
	r    *poutine.Runtime
	logp ad.V
}

func (h *logJointHandler) Process(m *poutine.Msg) {
	if m.Type != poutine.TypeSample {
		return
	}
	if x, ok := h.data[m.Name]; ok {
		m.Value = h.r.Scalar(x)
		m.Done = true
	}
}

func (h *logJointHandler) Postprocess(m *poutine.Msg) {
	if m.Type != poutine.TypeSample {
		return
	}
	t := h.r.Tape
	lp := t.MulConst(t.Sum(m.Fn.LogProb(m.Value)), m.Scale)
	h.logp = t.Add(h.logp, lp)
}

// logJoint runs model under the handler and returns the accumulated log
// density (the tutorial's LogJointMessenger2(cond_data)(model)).
func (h *logJointHandler) logJoint(model poutine.Model) float64 {
	h.logp = h.r.Scalar(0)
	h.r.With(h, func() { model(h.r) })
	return h.logp.Value()
}

func TestTutorialLogJointHandler(t *testing.T) {
	r := poutine.NewRuntime(1)
	h := &logJointHandler{data: map[string]float64{"measurement": 9.5, "weight": 8.23}, r: r}
	got := h.logJoint(scaleModel(8.5))
	want := normalLogPDF(8.23, 8.5, 1) + normalLogPDF(9.5, 8.23, 0.75)
	if !near(got, want) {
		t.Fatalf("log joint %v, want %v", got, want)
	}
	// under an outer scale handler, Postprocess sees the scaled message
	r.Reset()
	got = h.logJoint(poutine.Scale(scaleModel(8.5), 0.5))
	if !near(got, 0.5*want) {
		t.Fatalf("scaled log joint %v, want %v", got, 0.5*want)
	}
}

// scaleGuide is q(weight) = Normal(8.9, 0.6).
func scaleGuide(r *poutine.Runtime) {
	r.Sample("weight", dist.Normal(r.Scalar(8.9), r.Scalar(0.6)))
}

// monteCarloELBO is the tutorial's single-sample ELBO: the guide is traced,
// the conditioned model is replayed against the guide's trace, and the
// ELBO is Σ model log p − Σ guide log q over the latent sites.
func monteCarloELBO(r *poutine.Runtime, model, guide poutine.Model, batch map[string]*tensor.Dense) (elbo, w float64, err error) {
	guideTracer := poutine.TraceOf(guide)
	guideTr, err := guideTracer.Get(r)
	if err != nil {
		return 0, 0, err
	}
	modelTr, err := poutine.TraceOf(poutine.Replay(poutine.Condition(model, batch), guideTr)).Get(r)
	if err != nil {
		return 0, 0, err
	}
	t := r.Tape
	acc := t.Scalar(0)
	for _, s := range modelTr.Sites() {
		if s.Type != poutine.TypeSample {
			continue
		}
		acc = t.Add(acc, t.Sum(s.Fn.LogProb(s.Value)))
		if !s.IsObserved {
			g := guideTr.Get(s.Name)
			acc = t.Sub(acc, t.Sum(g.Fn.LogProb(s.Value)))
		}
	}
	// the same with log_prob_sum
	short := t.Sub(modelTr.LogProbSum(t, nil), guideTr.LogProbSum(t, nil))
	if !near(short.Value(), acc.Value()) {
		return 0, 0, fmt.Errorf("log_prob_sum ELBO %v != site-by-site ELBO %v", short.Value(), acc.Value())
	}
	return acc.Value(), guideTr.Get("weight").Value.Value(), nil
}

func TestTutorialMonteCarloELBO(t *testing.T) {
	r := poutine.NewRuntime(7)
	batch := map[string]*tensor.Dense{"measurement": obs1(9.5)}
	for i := 0; i < 5; i++ {
		r.Reset()
		elbo, w, err := monteCarloELBO(r, scaleModel(8.5), scaleGuide, batch)
		if err != nil {
			t.Fatal(err)
		}
		want := normalLogPDF(w, 8.5, 1) + normalLogPDF(9.5, w, 0.75) - normalLogPDF(w, 8.9, 0.6)
		if !near(elbo, want) {
			t.Fatalf("elbo %v, want %v (weight %v)", elbo, want, w)
		}
	}
}

// discreteModel: a ~ Bernoulli(0.3); b ~ Bernoulli(a ? 0.9 : 0.2);
// c ~ Normal(a + b, 1), observed.
func discreteModel(r *poutine.Runtime) {
	a := r.Sample("a", dist.Bernoulli(r.Scalar(0.3)))
	b := r.Sample("b", dist.Bernoulli(r.AddConst(r.MulConst(a, 0.7), 0.2)))
	r.Sample("c", dist.Normal(r.Add(a, b), r.Scalar(1)))
}

// sequentialDiscreteMarginal is the tutorial's sequential_discrete_marginal:
// poutine.queue enumerates every assignment of the discrete latent sites,
// and each complete trace is weighted by its log joint. It returns the
// normalized posterior weight of each (a, b).
func sequentialDiscreteMarginal(r *poutine.Runtime, model poutine.Model, data map[string]*tensor.Dense) (map[[2]float64]float64, error) {
	q := &poutine.TraceQueue{}
	q.Put(poutine.NewTrace())
	enum := poutine.TraceOf(poutine.Queue(poutine.Condition(model, data), q, poutine.QueueOptions{}))
	var keys [][2]float64
	var logw []float64
	for !q.Empty() {
		tr, err := enum.Get(r)
		if err != nil {
			return nil, err
		}
		keys = append(keys, [2]float64{tr.Get("a").Value.Value(), tr.Get("b").Value.Value()})
		logw = append(logw, tr.LogProbSum(r.Tape, nil).Value())
	}
	mx := math.Inf(-1)
	for _, l := range logw {
		mx = math.Max(mx, l)
	}
	z := 0.0
	for _, l := range logw {
		z += math.Exp(l - mx)
	}
	out := map[[2]float64]float64{}
	for i, k := range keys {
		out[k] += math.Exp(logw[i]-mx) / z
	}
	return out, nil
}

func TestTutorialSequentialDiscreteMarginal(t *testing.T) {
	r := poutine.NewRuntime(3)
	post, err := sequentialDiscreteMarginal(r, discreteModel, map[string]*tensor.Dense{"c": obs1(1.5)})
	if err != nil {
		t.Fatal(err)
	}
	if len(post) != 4 {
		t.Fatalf("enumerated %d assignments, want 4: %v", len(post), post)
	}
	// exact posterior, computed by hand
	joint := map[[2]float64]float64{}
	z := 0.0
	for _, a := range []float64{0, 1} {
		for _, b := range []float64{0, 1} {
			pa := 0.3
			if a == 0 {
				pa = 0.7
			}
			pb1 := 0.2 + 0.7*a
			pb := pb1
			if b == 0 {
				pb = 1 - pb1
			}
			p := pa * pb * math.Exp(normalLogPDF(1.5, a+b, 1))
			joint[[2]float64{a, b}] = p
			z += p
		}
	}
	for k, p := range joint {
		if got := post[k]; math.Abs(got-p/z) > 1e-12 {
			t.Errorf("posterior of %v = %v, want %v", k, got, p/z)
		}
	}
	r.Reset()
}

func TestDocLift(t *testing.T) {
	// model(x): s = param("s", 0.5); z ~ Normal(x, s)
	model := func(r *poutine.Runtime) {
		s := r.Param("s", scalar(0.5))
		r.Sample("z", dist.Normal(r.Scalar(0), s))
	}
	lifted := poutine.Lift(model, map[string]poutine.PriorFn{
		"s": func(t *ad.Tape) dist.Distribution { return dist.Exponential(t.Scalar(0.3)) },
	})
	r := poutine.NewRuntime(5)
	tc := poutine.TraceOf(lifted)
	tr, err := tc.Get(r)
	if err != nil {
		t.Fatal(err)
	}
	s := tr.Get("s")
	if s.Type != poutine.TypeSample || s.IsObserved {
		t.Fatalf("lifted s: type %q observed %v, want an unobserved sample site", s.Type, s.IsObserved)
	}
	v1 := s.Value.Value()
	tr.ComputeLogProb(nil)
	if want := math.Log(0.3) - 0.3*v1; !near(s.LogProbSum.Value(), want) {
		t.Fatalf("log density of s %v, want Exponential(0.3) log pdf %v", s.LogProbSum.Value(), want)
	}
	// z's scale is the sampled s
	if got := tr.Get("z").Fn.(*dist.NormalDist).Scale.Value(); got != v1 {
		t.Fatalf("z's scale %v, want the lifted s %v", got, v1)
	}
	tr2, _ := tc.Get(r)
	if tr2.Get("s").Value.Value() == v1 {
		t.Fatal("two runs of the lifted model drew the same s")
	}
}

func TestDocScaleLogProbSum(t *testing.T) {
	model := func(r *poutine.Runtime) {
		s := r.Param("s", scalar(0.5))
		r.Sample("z", dist.Normal(r.Scalar(0), s), poutine.Obs(r.Scalar(1)))
	}
	r := poutine.NewRuntime(1)
	scaled, _ := poutine.TraceOf(poutine.Scale(model, 0.5)).Get(r)
	unscaled, _ := poutine.TraceOf(model).Get(r)
	a, b := scaled.LogProbSum(r.Tape, nil).Value(), unscaled.LogProbSum(r.Tape, nil).Value()
	if want := normalLogPDF(1, 0, 0.5); !near(b, want) {
		t.Fatalf("unscaled %v, want %v", b, want)
	}
	if !near(a, 0.5*b) {
		t.Fatalf("scaled %v, want half of %v", a, b)
	}
}

func TestDocBlockHideExpose(t *testing.T) {
	fn := func(r *poutine.Runtime) {
		a := r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("b", dist.Normal(a, r.Scalar(1)))
	}
	r := poutine.NewRuntime(1)
	inner := poutine.TraceOf(fn)
	outer := poutine.TraceOf(poutine.Block(inner.Model(), &poutine.BlockHandler{Hide: []string{"a"}}))
	trOuter, err := outer.Get(r)
	if err != nil {
		t.Fatal(err)
	}
	trInner := inner.Trace()
	if !trInner.Has("a") || trOuter.Has("a") || !trInner.Has("b") || !trOuter.Has("b") {
		t.Fatalf("inner has a=%v b=%v, outer has a=%v b=%v; want a only inside", trInner.Has("a"), trInner.Has("b"), trOuter.Has("a"), trOuter.Has("b"))
	}
	// expose: only the exposed site is visible outside
	trExp, _ := poutine.TraceOf(poutine.Block(fn, &poutine.BlockHandler{Expose: []string{"a"}})).Get(r)
	if !trExp.Has("a") || trExp.Has("b") {
		t.Fatalf("expose [a]: has a=%v b=%v", trExp.Has("a"), trExp.Has("b"))
	}
}

// ---------------------------------------------------------------------------
// runnable examples

func ExampleDo() {
	// x -> y; intervening on x fixes the value the model uses while a fresh
	// site "x" is still sampled (and traced) from its prior.
	var usedX float64
	model := func(r *poutine.Runtime) {
		x := r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		usedX = x.Value()
		r.Sample("y", dist.Normal(x, r.Scalar(1)))
	}
	r := poutine.NewRuntime(1)
	tr, err := poutine.TraceOf(poutine.Do(model, map[string]*tensor.Dense{"x": scalar(2)})).Get(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("model used x =", usedX)
	fmt.Println("y's mean =", tr.Get("y").Fn.Mean().Value())
	fmt.Println("traced x observed:", tr.Get("x").IsObserved, "equal to intervention:", tr.Get("x").Value.Value() == 2)
	fmt.Println("x__CF visible outside:", tr.Has("x__CF"))
	// Output:
	// model used x = 2
	// y's mean = 2
	// traced x observed: false equal to intervention: false
	// x__CF visible outside: false
}

func ExampleLift() {
	model := func(r *poutine.Runtime) {
		s := r.Param("s", scalar(0.5))
		r.Sample("z", dist.Normal(r.Scalar(0), s))
	}
	lifted := poutine.Lift(model, map[string]poutine.PriorFn{
		"s": func(t *ad.Tape) dist.Distribution { return dist.Exponential(t.Scalar(0.3)) },
	})
	r := poutine.NewRuntime(1)
	tr, _ := poutine.TraceOf(lifted).Get(r)
	fmt.Println(tr.Get("s").Type, tr.Get("s").Fn.Name())
	// Output: sample Exponential
}

func ExampleSubstitute() {
	model := func(r *poutine.Runtime) {
		a := r.Param("a", scalar(0.5))
		r.Sample("x", dist.Bernoulli(a))
	}
	r := poutine.NewRuntime(1)
	tr, _ := poutine.TraceOf(poutine.Substitute(model, map[string]*tensor.Dense{"a": scalar(0.3)})).Get(r)
	fmt.Println("a =", tr.Get("a").Value.Value())
	// Output: a = 0.3
}

func ExampleQueue() {
	// Exact enumeration of two coin flips: each traced run of the queued
	// model is one complete assignment.
	model := func(r *poutine.Runtime) {
		r.Sample("a", dist.Bernoulli(r.Scalar(0.5)))
		r.Sample("b", dist.Bernoulli(r.Scalar(0.5)))
	}
	q := &poutine.TraceQueue{}
	q.Put(poutine.NewTrace())
	tc := poutine.TraceOf(poutine.Queue(model, q, poutine.QueueOptions{}))
	r := poutine.NewRuntime(1)
	for !q.Empty() {
		tr, err := tc.Get(r)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(tr.Get("a").Value.Value(), tr.Get("b").Value.Value())
	}
	// Output:
	// 0 0
	// 0 1
	// 1 0
	// 1 1
}

func ExampleLocScaleReparam() {
	// Non-centred parameterization of x ~ Normal(3, 2): the model samples
	// x_decentered ~ Normal(0, 1) and x = 3 + 2·x_decentered.
	model := func(r *poutine.Runtime) {
		r.Sample("x", dist.Normal(r.Scalar(3), r.Scalar(2)))
	}
	reparam := poutine.Reparam(model, map[string]poutine.Reparameterizer{"x": poutine.NewLocScaleReparam(0)})
	r := poutine.NewRuntime(1)
	tr, _ := poutine.TraceOf(reparam).Get(r)
	z := tr.Get("x_decentered")
	x := tr.Get("x")
	fmt.Println(z.Fn.Name(), z.Fn.Mean().Value(), z.Fn.Variance().Value())
	fmt.Println("x observed (deterministic):", x.IsObserved)
	fmt.Println("x == 3 + 2z:", math.Abs(x.Value.Value()-(3+2*z.Value.Value())) < 1e-12)
	// Output:
	// Normal 0 1
	// x observed (deterministic): true
	// x == 3 + 2z: true
}

func ExampleEscape() {
	model := func(r *poutine.Runtime) {
		r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("b", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}
	r := poutine.NewRuntime(1)
	_, err := poutine.TraceOf(poutine.Escape(model, func(m *poutine.Msg) bool { return m.Name == "b" })).Get(r)
	var exit *poutine.NonlocalExit
	fmt.Println(errors.As(err, &exit), exit.Site.Name, len(r.Stack()))
	// Output: true b 0
}

func ExampleMarkovHandler_Range() {
	// A chain x_t ~ Normal(x_{t-1}, 1): with history 1 each site sees only
	// its predecessor.
	mk := poutine.NewMarkov(1, false)
	names := []string{"x0", "x1", "x2", "x3"}
	model := func(r *poutine.Runtime) {
		x := r.Scalar(0)
		for t := range mk.Range(r, poutine.Count(len(names))) {
			x = r.Sample(names[t], dist.Normal(x, r.Scalar(1)))
		}
	}
	r := poutine.NewRuntime(1)
	tr, _ := poutine.TraceOf(model).Get(r)
	for _, s := range tr.Sites() {
		depth, scope := poutine.MarkovScope(s)
		fmt.Println(s.Name, depth, scope)
	}
	// Output:
	// x0 1 []
	// x1 1 [x0]
	// x2 1 [x1]
	// x3 1 [x2]
}

func ExampleBlockPlate() {
	model := func(r *poutine.Runtime) {
		r.Plate("data", 3, func([]int) {
			poutine.BlockPlate(r, "data", 0, true, func() {
				r.Sample("scale", dist.LogNormal(r.Scalar(0), r.Scalar(1)))
			})
			r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		})
	}
	r := poutine.NewRuntime(1)
	tr, _ := poutine.TraceOf(model).Get(r)
	fmt.Println("scale:", tr.Get("scale").Fn.BatchShape(), len(tr.Get("scale").Plates()))
	fmt.Println("x:", tr.Get("x").Fn.BatchShape(), len(tr.Get("x").Plates()))
	// Output:
	// scale: [] 0
	// x: [3] 1
}

func ExampleTraceValue() {
	model := func(r *poutine.Runtime) ad.V {
		z := r.Sample("z", dist.Normal(r.Scalar(0), r.Scalar(1)), poutine.Obs(r.Scalar(3)))
		return r.Square(z)
	}
	r := poutine.NewRuntime(1)
	tr, v, _ := poutine.TraceValue(model).Get(r)
	ret, _ := tr.ReturnValue()
	fmt.Println(v.Value(), ret.Value(), tr.TopologicalSort(true))
	// Output: 9 9 [z _RETURN]
}
