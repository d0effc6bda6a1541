// Command handlers walks through Pyro's effect-handler tutorial ("Poutine:
// a guide to programming with effect handlers") in gyro. Each section
// builds an inference operation out of gyro's handlers, runs it on the
// tutorial's model
//
//	weight ~ Normal(guess, 1)
//	measurement ~ Normal(weight, 0.75)
//
// and prints the result beside the same quantity computed by hand:
//
//  1. make_log_joint: condition + trace + log_prob_sum;
//  2. a log-joint handler written from scratch (Process and Postprocess);
//  3. a Monte Carlo ELBO: a guide trace replayed into the model;
//  4. training the guide with it, parameters captured by trace + block;
//  5. exact inference by sequential enumeration with poutine.Queue;
//  6. lift (params become sample sites with priors), scale and block.
//
// Run it with
//
//	go run ./examples/handlers
package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

const (
	guess       = 8.5
	measurement = 9.5
	weightObs   = 8.23
	noise       = 0.75
)

// scale is the tutorial's model. (Its name in the tutorial; it has nothing
// to do with poutine.Scale.)
func scale(guess float64) poutine.Model {
	return func(r *poutine.Runtime) {
		w := r.Sample("weight", dist.Normal(r.Scalar(guess), r.Scalar(1)))
		r.Sample("measurement", dist.Normal(w, r.Scalar(noise)))
	}
}

func normalLogPDF(x, loc, s float64) float64 {
	z := (x - loc) / s
	return -0.5*z*z - math.Log(s) - 0.5*math.Log(2*math.Pi)
}

// scalar is a 0-d tensor.
func scalar(x float64) *tensor.Dense { return tensor.New(nil, []float64{x}) }

// ---------------------------------------------------------------------------
// 1. make_log_joint

// makeLogJoint is the tutorial's make_log_joint: the returned function
// conditions the model on data, traces one run and sums the log densities
// of its sample sites.
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

// ---------------------------------------------------------------------------
// 2. a log-joint handler

// logJointHandler is the tutorial's LogJointMessenger2: Process fixes the
// values of the sites in data (and marks them done); Postprocess, which runs
// once every handler has processed the message, adds the site's scaled log
// density to a running total on the tape.
type logJointHandler struct {
	r    *poutine.Runtime
	data map[string]float64
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
	h.logp = t.Add(h.logp, t.MulConst(t.Sum(m.Fn.LogProb(m.Value)), m.Scale))
}

// logJoint runs model under the handler and returns the total (the
// tutorial's LogJointMessenger2(cond_data)(model)).
func (h *logJointHandler) logJoint(model poutine.Model) float64 {
	h.r.Reset()
	h.logp = h.r.Scalar(0)
	h.r.With(h, func() { model(h.r) })
	return h.logp.Value()
}

// ---------------------------------------------------------------------------
// 3. Monte Carlo ELBO

// fixedGuide is q(weight) = Normal(loc, s).
func fixedGuide(loc, s float64) poutine.Model {
	return func(r *poutine.Runtime) {
		r.Sample("weight", dist.Normal(r.Scalar(loc), r.Scalar(s)))
	}
}

// monteCarloELBO is the tutorial's monte_carlo_elbo: it traces the guide,
// replays the conditioned model against the guide's trace, and returns the
// single-sample ELBO Σ log p − Σ log q (latent sites only for q) as a value
// on r's tape, differentiable in the guide's parameters when the guide's
// draw is reparameterized.
func monteCarloELBO(r *poutine.Runtime, model, guide poutine.Model, batch map[string]*tensor.Dense) (ad.V, error) {
	conditioned := poutine.Condition(model, batch)
	guideTr, err := poutine.TraceOf(guide).Get(r)
	if err != nil {
		return ad.V{}, err
	}
	modelTr, err := poutine.TraceOf(poutine.Replay(conditioned, guideTr)).Get(r)
	if err != nil {
		return ad.V{}, err
	}
	t := r.Tape
	elbo := t.Scalar(0)
	for _, s := range modelTr.Sites() {
		if s.Type != poutine.TypeSample {
			continue
		}
		elbo = t.Add(elbo, t.Sum(s.Fn.LogProb(s.Value)))
		if !s.IsObserved {
			elbo = t.Sub(elbo, t.Sum(guideTr.Get(s.Name).Fn.LogProb(s.Value)))
		}
	}
	return elbo, nil
}

// exactELBO is E_q[log p(weight, measurement) − log q(weight)] for
// q = Normal(m, s), in closed form.
func exactELBO(m, s float64) float64 {
	const half2pi = 0.91893853320467274178 // ½ log 2π
	prior := -half2pi - 0.5*((m-guess)*(m-guess)+s*s)
	lik := -half2pi - math.Log(noise) - 0.5*((measurement-m)*(measurement-m)+s*s)/(noise*noise)
	entropy := 0.5 + half2pi + math.Log(s)
	return prior + lik + entropy
}

// mcELBO averages n single-sample ELBOs of the guide Normal(m, s).
func mcELBO(r *poutine.Runtime, m, s float64, n int) (mean, se float64, err error) {
	batch := map[string]*tensor.Dense{"measurement": scalar(measurement)}
	var sum, sum2 float64
	for i := 0; i < n; i++ {
		r.Reset()
		e, err := monteCarloELBO(r, scale(guess), fixedGuide(m, s), batch)
		if err != nil {
			return 0, 0, err
		}
		v := e.Value()
		sum += v
		sum2 += v * v
	}
	mean = sum / float64(n)
	return mean, math.Sqrt((sum2/float64(n) - mean*mean) / float64(n-1)), nil
}

// ---------------------------------------------------------------------------
// 4. training with the hand-written ELBO

// paramGuide is q(weight) = Normal(loc, scale) with learnable loc and
// positive scale.
func paramGuide(r *poutine.Runtime) {
	loc := r.Param("loc", scalar(guess))
	s := r.Param("scale", scalar(1), poutine.WithConstraint(constraints.Positive))
	r.Sample("weight", dist.Normal(loc, s))
}

// exactPosterior is the conjugate posterior of weight given measurement.
func exactPosterior() (mean, sd float64) {
	prec := 1 + 1/(noise*noise)
	return (guess + measurement/(noise*noise)) / prec, 1 / math.Sqrt(prec)
}

// train fits paramGuide by the tutorial's loop: each step runs the ELBO
// under a trace that a block handler limits to param sites (the tutorial's
// param_capture), back-propagates −ELBO, and lets Adam update the captured
// parameters. The learning rate decays exponentially from lr to finalLR:
// with single-sample gradients a constant rate leaves the parameters
// wandering around the optimum by several times the rate. It returns the
// fitted loc and scale.
func train(r *poutine.Runtime, steps int, lr, finalLR float64) (loc, sd float64, err error) {
	batch := map[string]*tensor.Dense{"measurement": scalar(measurement)}
	adam, err := optim.NewAdam(lr)
	if err != nil {
		return 0, 0, err
	}
	sched, err := optim.NewExponentialLR(adam, math.Pow(finalLR/lr, 1/float64(steps)))
	if err != nil {
		return 0, 0, err
	}
	var elbo ad.V
	var inner error
	// the ELBO computation as a "model", so that handlers can wrap it
	elboProgram := func(r *poutine.Runtime) {
		elbo, inner = monteCarloELBO(r, scale(guess), paramGuide, batch)
	}
	onlyParams := &poutine.BlockHandler{HideFn: func(m *poutine.Msg) bool { return m.Type != poutine.TypeParam }}
	capture := poutine.TraceOf(poutine.Block(elboProgram, onlyParams))
	var entries []*poutine.ParamEntry
	for step := 0; step < steps; step++ {
		r.Reset()
		tr, err := capture.Get(r)
		if err == nil {
			err = inner
		}
		if err != nil {
			return 0, 0, err
		}
		loss := r.Neg(elbo)
		r.Backward(loss)
		entries = entries[:0]
		for _, name := range tr.ParamNodes() {
			site := tr.Get(name)
			e := r.Params.Get(name)
			copy(e.Grad, site.Unconstrained.Grad())
			entries = append(entries, e)
		}
		if err := adam.Step(entries); err != nil {
			return 0, 0, err
		}
		if err := sched.Step(); err != nil {
			return 0, 0, err
		}
	}
	l, err := r.Params.Value("loc")
	if err != nil {
		return 0, 0, err
	}
	s, err := r.Params.Value("scale")
	if err != nil {
		return 0, 0, err
	}
	return l.Data()[0], s.Data()[0], nil
}

// ---------------------------------------------------------------------------
// 5. sequential enumeration

// discreteModel: a ~ Bernoulli(0.3); b ~ Bernoulli(a ? 0.9 : 0.2);
// c ~ Normal(a + b, 1).
func discreteModel(r *poutine.Runtime) {
	a := r.Sample("a", dist.Bernoulli(r.Scalar(0.3)))
	b := r.Sample("b", dist.Bernoulli(r.AddConst(r.MulConst(a, 0.7), 0.2)))
	r.Sample("c", dist.Normal(r.Add(a, b), r.Scalar(1)))
}

// sequentialDiscreteMarginal is the tutorial's sequential_discrete_marginal:
// poutine.Queue runs the conditioned model once per complete assignment of
// its discrete sites, breadth first, and each trace is weighted by its log
// joint. It returns the posterior probability of each (a, b).
func sequentialDiscreteMarginal(r *poutine.Runtime, model poutine.Model, data map[string]*tensor.Dense) (map[[2]float64]float64, error) {
	q := &poutine.TraceQueue{}
	q.Put(poutine.NewTrace())
	enum := poutine.TraceOf(poutine.Queue(poutine.Condition(model, data), q, poutine.QueueOptions{}))
	var keys [][2]float64
	var logw []float64
	// no Reset inside the loop: the partial traces waiting in the queue
	// hold values recorded on r's tape
	r.Reset()
	for !q.Empty() {
		tr, err := enum.Get(r)
		if err != nil {
			return nil, err
		}
		keys = append(keys, [2]float64{tr.Get("a").Value.Value(), tr.Get("b").Value.Value()})
		logw = append(logw, tr.LogProbSum(r.Tape, nil).Value())
	}
	mx := slices.Max(logw)
	var z float64
	for _, l := range logw {
		z += math.Exp(l - mx)
	}
	out := map[[2]float64]float64{}
	for i, k := range keys {
		out[k] += math.Exp(logw[i]-mx) / z
	}
	return out, nil
}

// exactDiscretePosterior is discreteModel's posterior given c, by hand.
func exactDiscretePosterior(c float64) map[[2]float64]float64 {
	out := map[[2]float64]float64{}
	var z float64
	for _, a := range []float64{0, 1} {
		for _, b := range []float64{0, 1} {
			pa := 0.3
			if a == 0 {
				pa = 0.7
			}
			pb := 0.2 + 0.7*a
			if b == 0 {
				pb = 1 - pb
			}
			p := pa * pb * math.Exp(normalLogPDF(c, a+b, 1))
			out[[2]float64{a, b}] = p
			z += p
		}
	}
	for k := range out {
		out[k] /= z
	}
	return out
}

// ---------------------------------------------------------------------------
// 6. lift, scale, block

// paramModel has a learnable noise scale s: z ~ Normal(0, s), observed at 1.
func paramModel(r *poutine.Runtime) {
	s := r.Param("s", scalar(0.5), poutine.WithConstraint(constraints.Positive))
	r.Sample("z", dist.Normal(r.Scalar(0), s), poutine.Obs(r.Scalar(1)))
}

// liftDemo lifts s to a sample site with an Exponential(0.3) prior and
// returns the lifted site's type, its distribution and drawn value, and its
// log density as traced.
func liftDemo(r *poutine.Runtime) (typ, fn string, s, logp float64, err error) {
	lifted := poutine.Lift(paramModel, map[string]poutine.PriorFn{
		"s": func(t *ad.Tape) dist.Distribution { return dist.Exponential(t.Scalar(0.3)) },
	})
	r.Reset()
	tr, err := poutine.TraceOf(lifted).Get(r)
	if err != nil {
		return "", "", 0, 0, err
	}
	site := tr.Get("s")
	tr.ComputeLogProb(nil)
	return site.Type, site.Fn.Name(), site.Value.Value(), site.LogProbSum.Value(), nil
}

// scaleDemo returns the log joint of paramModel and of poutine.Scale(…, 0.5).
func scaleDemo(r *poutine.Runtime) (plain, scaled float64, err error) {
	r.Reset()
	tr, err := poutine.TraceOf(paramModel).Get(r)
	if err != nil {
		return 0, 0, err
	}
	plain = tr.LogProbSum(r.Tape, nil).Value()
	tr, err = poutine.TraceOf(poutine.Scale(paramModel, 0.5)).Get(r)
	if err != nil {
		return 0, 0, err
	}
	return plain, tr.LogProbSum(r.Tape, nil).Value(), nil
}

// blockDemo traces a two-site model inside a block that hides "a" and
// returns the sites each trace saw, and those seen when only "a" is exposed.
func blockDemo(r *poutine.Runtime) (inner, outer, exposed []string, err error) {
	fn := func(r *poutine.Runtime) {
		a := r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("b", dist.Normal(a, r.Scalar(1)))
	}
	names := func(tr *poutine.Trace) []string {
		var out []string
		for _, s := range tr.Sites() {
			out = append(out, s.Name)
		}
		return out
	}
	r.Reset()
	in := poutine.TraceOf(fn)
	out, err := poutine.TraceOf(poutine.Block(in.Model(), &poutine.BlockHandler{Hide: []string{"a"}})).Get(r)
	if err != nil {
		return nil, nil, nil, err
	}
	exp, err := poutine.TraceOf(poutine.Block(fn, &poutine.BlockHandler{Expose: []string{"a"}})).Get(r)
	if err != nil {
		return nil, nil, nil, err
	}
	return names(in.Trace()), names(out), names(exp), nil
}

// ---------------------------------------------------------------------------

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run prints every section to w.
func run(w io.Writer) error {
	r := poutine.NewRuntime(1)
	byHand := normalLogPDF(weightObs, guess, 1) + normalLogPDF(measurement, weightObs, noise)

	fmt.Fprintln(w, "1. make_log_joint (condition + trace + log_prob_sum)")
	lj, err := makeLogJoint(scale)(r, map[string]*tensor.Dense{"measurement": scalar(measurement), "weight": scalar(weightObs)}, guess)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   log p(weight=%.2f, measurement=%.1f | guess=%.1f) = %.6f   (by hand %.6f)\n\n", weightObs, measurement, guess, lj, byHand)

	fmt.Fprintln(w, "2. a log-joint handler (Process fixes values, Postprocess accumulates)")
	h := &logJointHandler{r: r, data: map[string]float64{"measurement": measurement, "weight": weightObs}}
	fmt.Fprintf(w, "   log joint = %.6f   (by hand %.6f)\n", h.logJoint(scale(guess)), byHand)
	fmt.Fprintf(w, "   under poutine.Scale(·, 0.5): %.6f   (by hand %.6f)\n\n", h.logJoint(poutine.Scale(scale(guess), 0.5)), 0.5*byHand)

	fmt.Fprintln(w, "3. Monte Carlo ELBO (guide trace replayed into the conditioned model)")
	const qm, qs, nMC = 8.9, 0.6, 20000
	mean, se, err := mcELBO(r, qm, qs, nMC)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   q = Normal(%.1f, %.1f): mean of %d single-sample ELBOs %.4f ± %.4f   (exact %.4f)\n\n", qm, qs, nMC, mean, se, exactELBO(qm, qs))

	fmt.Fprintln(w, "4. training the guide with that ELBO (params captured by trace + block)")
	loc, sd, err := train(poutine.NewRuntime(2), 6000, 0.05, 0.0002)
	if err != nil {
		return err
	}
	pm, ps := exactPosterior()
	fmt.Fprintf(w, "   fitted q = Normal(%.4f, %.4f)   (exact posterior Normal(%.4f, %.4f))\n\n", loc, sd, pm, ps)

	fmt.Fprintln(w, "5. exact inference by sequential enumeration (poutine.Queue), c = 1.5")
	post, err := sequentialDiscreteMarginal(r, discreteModel, map[string]*tensor.Dense{"c": scalar(1.5)})
	if err != nil {
		return err
	}
	exact := exactDiscretePosterior(1.5)
	for _, k := range [][2]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		fmt.Fprintf(w, "   p(a=%g, b=%g | c) = %.6f   (by hand %.6f)\n", k[0], k[1], post[k], exact[k])
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "6. lift, scale, block")
	typ, fn, s, lp, err := liftDemo(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   lift: param s became a %q site of %s, drew s = %.4f, log density %.6f   (by hand %.6f)\n", typ, fn, s, lp, math.Log(0.3)-0.3*s)
	plain, scaled, err := scaleDemo(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   scale: log joint %.6f, under Scale(·, 0.5) %.6f\n", plain, scaled)
	inner, outer, exposed, err := blockDemo(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   block: the inner trace sees %v, the trace outside Block(hide a) sees %v, Block(expose a) lets through %v\n", inner, outer, exposed)
	return nil
}
