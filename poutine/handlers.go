package poutine

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/tensor"
)

// wrap returns the Model that runs model with h as its innermost-outer
// handler (pushed before model runs, popped after).
func wrap(model Model, h Handler) Model {
	return func(r *Runtime) {
		r.Push(h)
		model(r)
		r.Pop(h)
	}
}

// ---------------------------------------------------------------------------
// replay

// ReplayHandler makes sample sites take their values from a trace (Pyro's
// replay): unobserved sample sites reuse the trace's value and infer
// config. A site missing from the trace is an error naming it.
type ReplayHandler struct {
	Trace *Trace
}

func (h *ReplayHandler) Process(m *Msg) {
	if m.Type != TypeSample || m.IsObserved {
		return
	}
	s := h.Trace.Get(m.Name)
	if s == nil {
		failSite(m.Name, "replay: the trace has no site with this name")
	}
	m.Value = s.Value
	m.Infer = s.Infer
	m.Done = true
}
func (h *ReplayHandler) Postprocess(*Msg) {}

// Replay runs model with sample values replayed from *tr (read at each run,
// so tr may be refilled between runs, e.g. by a guide's Tracer).
func Replay(model Model, tr *Trace) Model { return wrap(model, &ReplayHandler{Trace: tr}) }

// ---------------------------------------------------------------------------
// condition, substitute, uncondition

// ConditionHandler fixes sample sites to observed values (Pyro's
// condition): by name from Data (plain tensors, recorded without copying)
// or from the sites of a Trace of the same run.
type ConditionHandler struct {
	Data  map[string]*tensor.Dense
	Trace *Trace
}

func (h *ConditionHandler) Process(m *Msg) {
	if m.Type != TypeSample {
		return
	}
	if h.Data != nil {
		if d, ok := h.Data[m.Name]; ok {
			v := m.Fn.Tape().ConstRef(d.Shape(), d.Data())
			checkObsShape(m.Name, m.Fn, v)
			m.Value = v
			m.IsObserved = true
			return
		}
	}
	if h.Trace != nil {
		if s := h.Trace.Get(m.Name); s != nil {
			m.Value = s.Value
			m.IsObserved = true
		}
	}
}
func (h *ConditionHandler) Postprocess(*Msg) {}

// Condition runs model with the named sample sites observed at data's
// values. Tensors must be contiguous and unchanged while the model runs.
func Condition(model Model, data map[string]*tensor.Dense) Model {
	for name, d := range data {
		if d == nil || !d.IsContiguous() {
			panic(&Error{Site: name, Msg: "condition: value is nil or not contiguous"})
		}
	}
	return wrap(model, &ConditionHandler{Data: data})
}

// ConditionTrace runs model with sample sites observed at the values of the
// same-named sites of *tr.
func ConditionTrace(model Model, tr *Trace) Model {
	return wrap(model, &ConditionHandler{Trace: tr})
}

// UnconditionHandler turns observed sample sites into latent ones (Pyro's
// uncondition): their values are sampled as if unobserved.
type UnconditionHandler struct{}

func (UnconditionHandler) Process(m *Msg) {
	if m.Type == TypeSample && m.IsObserved {
		m.IsObserved = false
		m.Value = ad.V{}
		m.Done = false
	}
}
func (UnconditionHandler) Postprocess(*Msg) {}

// Uncondition runs model with every observation removed.
func Uncondition(model Model) Model { return wrap(model, UnconditionHandler{}) }

// ---------------------------------------------------------------------------
// block

// BlockHandler hides messages from the handlers outside it (Pyro's block).
// If HideFn is set it decides; else if ExposeFn is set, everything it does
// not expose is hidden; else the default rule applies, with Pyro's
// precedence: a site is hidden when its name is in Hide, or its type is in
// HideTypes ("observe" stands for observed sample sites), or it is not
// exposed (by Expose/ExposeTypes) and hide-all is in force. Hide-all is on
// by default, off when ExposeAll is set or Hide/HideTypes are given, and
// forced on when Expose/ExposeTypes are given.
type BlockHandler struct {
	HideFn, ExposeFn       func(m *Msg) bool
	HideAll, ExposeAll     bool
	Hide, Expose           []string
	HideTypes, ExposeTypes []string
	hideAll                bool
	ready                  bool
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (h *BlockHandler) init() {
	if h.HideAll && h.ExposeAll {
		panic(&Error{Msg: "block: cannot both hide all and expose all"})
	}
	hideAll := !h.ExposeAll
	if h.Hide != nil {
		hideAll = false
	}
	if h.Expose != nil {
		hideAll = true
	}
	if h.HideTypes != nil {
		hideAll = false
	}
	if h.ExposeTypes != nil {
		hideAll = true
	}
	for _, s := range h.Hide {
		if contains(h.Expose, s) {
			panic(&Error{Site: s, Msg: "block: cannot both hide and expose a site"})
		}
	}
	for _, s := range h.HideTypes {
		if contains(h.ExposeTypes, s) {
			panic(&Error{Msg: "block: cannot both hide and expose site type " + s})
		}
	}
	h.hideAll = hideAll
	h.ready = true
}

func (h *BlockHandler) hidden(m *Msg) bool {
	if h.HideFn != nil {
		return h.HideFn(m)
	}
	if h.ExposeFn != nil {
		return !h.ExposeFn(m)
	}
	if !h.ready {
		h.init()
	}
	typ := m.Type
	if typ == TypeSample && m.IsObserved {
		typ = "observe"
	}
	notExposed := !contains(h.Expose, m.Name) && !contains(h.ExposeTypes, typ)
	return contains(h.Hide, m.Name) || contains(h.HideTypes, typ) || (notExposed && h.hideAll)
}

func (h *BlockHandler) Process(m *Msg) {
	if h.hidden(m) {
		m.Stop = true
	}
}
func (h *BlockHandler) Postprocess(*Msg) {}

// Block runs model with messages hidden from outer handlers per h's rules
// (a zero BlockHandler hides everything, as poutine.block(model)).
func Block(model Model, h *BlockHandler) Model {
	if h == nil {
		h = &BlockHandler{}
	}
	if h.HideFn == nil && h.ExposeFn == nil {
		h.init()
	}
	return wrap(model, h)
}

// ---------------------------------------------------------------------------
// scale, mask

// ScaleHandler multiplies the log densities of sample sites by Scale
// (Pyro's scale); Scale must be positive.
type ScaleHandler struct{ Scale float64 }

func (h *ScaleHandler) Process(m *Msg) {
	if m.Type == TypeSample {
		m.Scale *= h.Scale
	}
}
func (h *ScaleHandler) Postprocess(*Msg) {}

// Scale runs model with log densities multiplied by s > 0.
func Scale(model Model, s float64) Model {
	if !(s > 0) {
		panic(&Error{Msg: "scale: factor must be positive"})
	}
	return wrap(model, &ScaleHandler{Scale: s})
}

// MaskHandler masks sample sites' log densities (Pyro's mask): where the
// mask is 0 the log density counts as 0. With Value false and no MaskFn
// everything is masked; MaskFn, when set, builds a tensor mask on the
// message's tape (broadcast against the batch shape).
type MaskHandler struct {
	Value  bool
	MaskFn func(t *ad.Tape) ad.V
}

func (h *MaskHandler) Process(m *Msg) {
	if m.Type != TypeSample {
		return
	}
	t := m.Fn.Tape()
	var mask ad.V
	switch {
	case h.MaskFn != nil:
		mask = h.MaskFn(t)
	case h.Value:
		return
	default:
		mask = t.Scalar(0)
	}
	if m.Mask.Valid() {
		mask = t.Mul(m.Mask, mask)
	}
	m.Mask = mask
}
func (h *MaskHandler) Postprocess(*Msg) {}

// Mask runs model with every sample site's log density masked by value
// (false masks everything out).
func Mask(model Model, value bool) Model { return wrap(model, &MaskHandler{Value: value}) }

// ---------------------------------------------------------------------------
// seed

// Seed runs model with the runtime's RNG replaced, for the run, by one
// seeded with seed (re-seeded at every run, so runs repeat exactly).
func Seed(model Model, seed uint64) Model {
	return func(r *Runtime) {
		rng := dist.NewRNG(seed)
		saved := r.RNG
		r.RNG = rng
		defer func() { r.RNG = saved }()
		model(r)
	}
}

// ---------------------------------------------------------------------------
// infer_config

// InferConfigHandler edits sample sites' infer config (Pyro's
// infer_config).
type InferConfigHandler struct {
	Fn func(m *Msg, cfg *InferConfig)
}

func (h *InferConfigHandler) Process(m *Msg) {
	if m.Type == TypeSample || m.Type == TypeParam {
		h.Fn(m, &m.Infer)
	}
}
func (h *InferConfigHandler) Postprocess(*Msg) {}

// InferConfigOf runs model with fn applied to each site's infer config.
func InferConfigOf(model Model, fn func(m *Msg, cfg *InferConfig)) Model {
	return wrap(model, &InferConfigHandler{Fn: fn})
}
