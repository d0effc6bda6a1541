package infer

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/poutine"
)

// Optimizer updates parameters from the gradients in their Grad buffers
// (gradients of the loss, which SVI minimizes). Package infer/optim's
// optimizers satisfy it.
type Optimizer interface {
	Step(params []*poutine.ParamEntry) error
}

// SVI is Pyro's stochastic variational inference: each Step runs the guide,
// replays the model against it, estimates the loss (−ELBO) and its
// gradient, and lets the optimizer update the parameters in the runtime's
// parameter store.
type SVI struct {
	R     *poutine.Runtime
	Model poutine.Model
	Guide poutine.Model
	Optim Optimizer
	Loss  ELBO

	// Progress, when set, is called after every Step with the step number
	// (from 1) and the loss.
	Progress func(step int, loss float64)

	guideTr *poutine.Tracer
	modelTr *poutine.Tracer
	runFn   func() (model, guide *poutine.Trace)
	entries []*poutine.ParamEntry
	steps   int
}

// NewSVI prepares SVI of model with guide on runtime r (whose parameter
// store holds the parameters), optimizer opt and ELBO loss.
func NewSVI(r *poutine.Runtime, model, guide poutine.Model, opt Optimizer, loss ELBO) *SVI {
	s := &SVI{R: r, Model: model, Guide: guide, Optim: opt, Loss: loss}
	if vp, ok := loss.(interface{ particlePlate() (int, int, bool) }); ok {
		if n, dim, ok := vp.particlePlate(); ok {
			model, guide = inParticlePlate(model, n, dim), inParticlePlate(guide, n, dim)
		}
	}
	s.guideTr = poutine.TraceOf(guide)
	s.modelTr = poutine.TraceOf(poutine.Replay(model, s.guideTr.Trace()))
	s.runFn = s.runOnce
	return s
}

// StepError is returned when a step fails; Step names the step, Site the
// site involved (if any). The parameters keep their last good values.
type StepError struct {
	Step int
	Site string
	Err  error
}

func (e *StepError) Error() string {
	if e.Site != "" {
		return fmt.Sprintf("svi: step %d: site %q: %v", e.Step, e.Site, e.Err)
	}
	return fmt.Sprintf("svi: step %d: %v", e.Step, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// ErrNonFinite is wrapped by a StepError when the loss is NaN or infinite.
var ErrNonFinite = errors.New("loss is not finite")

// Step takes one gradient step and returns the loss estimate (−ELBO) before
// the update. A model error, a model/guide mismatch or a non-finite loss
// returns a *StepError and leaves the parameters unchanged.
func (s *SVI) Step(ctx context.Context) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.steps++
	loss, err := s.run(true)
	if err == nil && s.Progress != nil {
		s.Progress(s.steps, loss)
	}
	return loss, err
}

// EvaluateLoss estimates the loss without computing gradients or updating
// parameters.
func (s *SVI) EvaluateLoss(ctx context.Context) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return s.run(false)
}

func (s *SVI) run(update bool) (loss float64, err error) {
	var site string
	err = poutine.Catch(func() { loss, site = s.evaluate(update) })
	if err != nil {
		var se *StepError
		if errors.As(err, &se) {
			return loss, se
		}
		var pe *poutine.Error
		if errors.As(err, &pe) && site == "" {
			site = pe.Site
		}
		return loss, &StepError{Step: s.steps, Site: site, Err: err}
	}
	return loss, nil
}

// runOnce runs the guide and the model replayed against it once.
func (s *SVI) runOnce() (model, guide *poutine.Trace) {
	gtr, err := s.guideTr.Get(s.R)
	if err != nil {
		panic(err)
	}
	mtr, err := s.modelTr.Get(s.R)
	if err != nil {
		panic(err)
	}
	checkGuideSites(mtr, gtr)
	return mtr, gtr
}

func (s *SVI) evaluate(update bool) (float64, string) {
	r := s.R
	r.Reset()
	loss, surrogate := s.Loss.Loss(r.Tape, s.runFn)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		panic(&StepError{Step: s.steps, Site: firstNonFinite(s.modelTr.Trace(), s.guideTr.Trace()), Err: ErrNonFinite})
	}
	if !update {
		return loss, ""
	}
	r.Backward(surrogate)
	s.collectGrads()
	if len(s.entries) > 0 && s.Optim != nil {
		if err := s.Optim.Step(s.entries); err != nil {
			panic(err)
		}
	}
	return loss, ""
}

// collectGrads sums the gradient of every use of each parameter into its
// Grad buffer and lists the parameters used in s.entries.
func (s *SVI) collectGrads() {
	uses := s.R.ParamUses()
	s.entries = s.entries[:0]
	for _, u := range uses {
		e := u.Entry
		if !contains(s.entries, e) {
			clear(e.Grad)
			s.entries = append(s.entries, e)
		}
		g := u.Leaf.Grad()
		for i, x := range g {
			e.Grad[i] += x
		}
	}
}

func contains(es []*poutine.ParamEntry, e *poutine.ParamEntry) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// checkGuideSites reports a guide sample site the model does not have (the
// reverse, a model latent site the guide lacks, is caught by replay), and
// shape mismatches between a guide value and the model's distribution.
func checkGuideSites(model, guide *poutine.Trace) {
	for _, g := range guide.Sites() {
		if g.Type != poutine.TypeSample || g.IsObserved || g.Infer.IsAuxiliary {
			continue
		}
		m := model.Get(g.Name)
		if m == nil {
			panic(&poutine.Error{Site: g.Name, Msg: "the guide samples a site that the model does not have"})
		}
		if m.IsObserved {
			panic(&poutine.Error{Site: g.Name, Msg: "the guide samples a site that the model observes"})
		}
		ev := m.Fn.EventShape()
		vs := g.Value.Shape()
		bad := len(vs) < len(ev)
		for i := 0; !bad && i < len(ev); i++ {
			bad = vs[len(vs)-len(ev)+i] != ev[i]
		}
		if !bad {
			bs := m.Fn.BatchShape()
			vb := vs[:len(vs)-len(ev)]
			for i := 1; !bad && i <= len(vb) && i <= len(bs); i++ {
				a, b := vb[len(vb)-i], bs[len(bs)-i]
				bad = a != b && a != 1 && b != 1
			}
		}
		if bad {
			panic(&poutine.Error{Site: g.Name, Msg: fmt.Sprintf("guide value of shape %v does not match the model's batch shape %v and event shape %v",
				append([]int(nil), vs...), append([]int(nil), m.Fn.BatchShape()...), append([]int(nil), ev...))})
		}
	}
}

// firstNonFinite names the first site whose log density is NaN or ±Inf.
func firstNonFinite(trs ...*poutine.Trace) string {
	for _, tr := range trs {
		for _, s := range tr.Sites() {
			if s.LogProbSum.Valid() {
				if v := s.LogProbSum.Value(); math.IsNaN(v) || math.IsInf(v, 0) {
					return s.Name
				}
			}
		}
	}
	return ""
}

// inParticlePlate runs m inside the vectorized-particle plate
// (ParticlePlateName) of size n at dim.
func inParticlePlate(m poutine.Model, n, dim int) poutine.Model {
	return func(r *poutine.Runtime) {
		r.Plate(ParticlePlateName, n, func([]int) { m(r) }, poutine.Dim(dim))
	}
}
