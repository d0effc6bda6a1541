package poutine

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// MaxPlates is the deepest nesting of plates a message can carry.
const MaxPlates = 8

// Message types. Custom effects use any other string.
const (
	TypeSample = "sample"
	TypeParam  = "param"
)

// CondIndepFrame describes one enclosing plate (Pyro's CondIndepStackFrame).
type CondIndepFrame struct {
	Name       string
	Dim        int // negative batch dimension, or 0 for a sequential plate
	Size       int // full size
	Subsample  int // number of indices drawn (== Size without subsampling)
	Vectorized bool
	Counter    int // iteration index of a sequential plate
}

// InferConfig is Pyro's msg["infer"]: per-site instructions to inference.
type InferConfig struct {
	Enumerate   string // "", "parallel", "sequential"
	NumSamples  int
	IsAuxiliary bool
	// Baseline settings for TraceGraph_ELBO and similar (free-form).
	Extra map[string]any
}

// Msg is the message passed through the handler stack for every effect
// (Pyro's Message). Msgs are owned by the Runtime and reused: handlers must
// not keep pointers to them beyond Postprocess (a Trace copies what it
// needs).
type Msg struct {
	Type       string
	Name       string
	Fn         dist.Distribution // the distribution of a sample site
	Value      ad.V
	IsObserved bool
	// Args carries the inputs of a custom effect; ApplyFn computes its
	// default value (the "fn" of a non-sample message).
	Args    [4]ad.V
	NArgs   int
	ApplyFn func(m *Msg) ad.V
	// Scale multiplies the site's log density (plates and the scale
	// handler multiply it). ScaleV, when valid, is a tensor factor
	// broadcast against the log density as well.
	Scale  float64
	ScaleV ad.V
	// Mask, when valid, zeroes the log density where it is 0 (it is
	// combined with the distribution's own mask).
	Mask ad.V

	CondIndepStack [MaxPlates]CondIndepFrame
	NStack         int

	Done         bool
	Stop         bool
	Continuation func(m *Msg)
	Infer        InferConfig

	// Param sites: the constraint, event dim, and the unconstrained leaf
	// on the tape whose gradient optimizers read.
	Constraint    constraints.Constraint
	EventDim      int
	Unconstrained ad.V

	// Computed by Trace.ComputeLogProb.
	LogProb    ad.V
	LogProbSum ad.V
	// UnscaledLogProb is the distribution's log density before scale and
	// mask: the score function of a non-reparameterized site (Pyro's
	// ScoreParts leave it unscaled).
	UnscaledLogProb ad.V
	lpDone          bool
}

// Plates returns the enclosing plates, innermost last.
func (m *Msg) Plates() []CondIndepFrame { return m.CondIndepStack[:m.NStack] }

// reset clears m for reuse. The plate stack and argument arrays are not
// zeroed (NStack and NArgs bound what is read), which keeps message reuse
// cheap.
func (m *Msg) reset() {
	m.Type, m.Name = "", ""
	m.Fn = nil
	m.Value = ad.V{}
	m.IsObserved = false
	m.NArgs = 0
	m.ApplyFn = nil
	m.Scale = 1
	m.ScaleV, m.Mask = ad.V{}, ad.V{}
	m.NStack = 0
	m.Done, m.Stop = false, false
	m.Continuation = nil
	m.Infer = InferConfig{}
	m.Constraint = nil
	m.EventDim = 0
	m.Unconstrained = ad.V{}
	m.LogProb, m.LogProbSum, m.UnscaledLogProb = ad.V{}, ad.V{}, ad.V{}
	m.lpDone = false
}

// Handler is an effect handler (Pyro's Messenger).
type Handler interface {
	// Process sees a message on its way from the model to the default
	// behaviour, innermost handler first. Setting m.Stop stops the message
	// from reaching outer handlers.
	Process(m *Msg)
	// Postprocess sees the message after the default behaviour, in the
	// reverse order of Process.
	Postprocess(m *Msg)
}

// Model is a gyro model: a Go function receiving its runtime.
type Model func(r *Runtime)

// Runtime is one goroutine's execution context for models: the handler
// stack, the autodiff tape every value lives on, the random number
// generator and the parameter store. It embeds the tape, so tape operations
// are available as r.Add, r.Exp, r.Scalar, … Each goroutine (each chain)
// owns its Runtime: nothing in gyro's model path is global.
type Runtime struct {
	*ad.Tape
	RNG    *dist.RNG
	Params *ParamStore

	stack []Handler
	msgs  []*Msg // pool of messages, reused
	// paramLog records every param leaf created since Reset, so that
	// inference can read gradients of all parameters used in a run, also
	// those hidden from traces by block.
	paramLog []ParamUse
	nmsg     int
	plate    plateState
}

// NewRuntime returns a runtime with a fresh tape, an RNG seeded with seed,
// and an empty parameter store.
func NewRuntime(seed uint64) *Runtime {
	return &Runtime{Tape: ad.NewTape(), RNG: dist.NewRNG(seed), Params: NewParamStore()}
}

// Reset clears the tape (invalidating every value and distribution of the
// last run) and the message pool. Handlers that run models call it.
func (r *Runtime) Reset() {
	r.Tape.Reset()
	r.nmsg = 0
	r.paramLog = r.paramLog[:0]
}

// ParamUse is one use of a stored parameter in a run: the store entry and
// the unconstrained leaf recorded on the tape.
type ParamUse struct {
	Entry *ParamEntry
	Leaf  ad.V
}

// ParamUses lists the parameters used since the last Reset, in order (a
// parameter used twice appears twice, with two leaves).
func (r *Runtime) ParamUses() []ParamUse { return r.paramLog }

// Push adds h as the innermost handler. Pair it with Pop (defer-free for
// speed); Run is the closure form.
func (r *Runtime) Push(h Handler) { r.stack = append(r.stack, h) }

// Pop removes the innermost handler, which must be h.
func (r *Runtime) Pop(h Handler) {
	n := len(r.stack)
	if n == 0 || r.stack[n-1] != h {
		panic(&Error{Msg: "handler stack out of order: Pop of a handler that is not innermost"})
	}
	r.stack[n-1] = nil
	r.stack = r.stack[:n-1]
}

// With runs body with h pushed as the innermost handler (Go's stand-in for
// Python's `with handler:`).
// If body panics, the handler stack and plate state are restored to what
// they were before With (handlers body pushed without popping included)
// and the panic continues.
func (r *Runtime) With(h Handler, body func()) {
	st := saveState(r)
	r.Push(h)
	done := false
	defer func() {
		if !done {
			restoreState(r, st)
		}
	}()
	body()
	r.Pop(h)
	done = true
}

// runState is the part of a runtime's state a nonlocal exit can leave
// inconsistent.
type runState struct {
	depth      int
	plateDepth int
	usedDim    [MaxPlates + 1]string
}

func saveState(r *Runtime) runState {
	return runState{depth: len(r.stack), plateDepth: r.plate.depth, usedDim: r.plate.usedDim}
}

func restoreState(r *Runtime, s runState) {
	for len(r.stack) > s.depth {
		r.stack[len(r.stack)-1] = nil
		r.stack = r.stack[:len(r.stack)-1]
	}
	r.plate.depth = s.plateDepth
	r.plate.usedDim = s.usedDim
}

// Stack returns the current handler stack, outermost first (read-only).
func (r *Runtime) Stack() []Handler { return r.stack }

// AmIWrapped reports whether any handler is active (Pyro's am_i_wrapped).
func (r *Runtime) AmIWrapped() bool { return len(r.stack) > 0 }

// NewMsg returns a cleared message from the runtime's pool.
func (r *Runtime) NewMsg() *Msg {
	if r.nmsg == len(r.msgs) {
		r.msgs = append(r.msgs, &Msg{})
	}
	m := r.msgs[r.nmsg]
	r.nmsg++
	m.reset()
	return m
}

// Apply runs m through the handler stack (Pyro's apply_stack): Process from
// the innermost handler outwards until one sets Stop, the default behaviour
// (sample from Fn unless the value is already set or the site is observed;
// ApplyFn for custom effects), Postprocess over the visited handlers in
// reverse order, then the continuation.
func (r *Runtime) Apply(m *Msg) {
	n := len(r.stack)
	visited := 0
	for i := n - 1; i >= 0; i-- {
		visited++
		r.stack[i].Process(m)
		if m.Stop {
			break
		}
	}
	r.defaultProcess(m)
	for i := n - visited; i < n; i++ {
		r.stack[i].Postprocess(m)
	}
	if m.Continuation != nil {
		m.Continuation(m)
	}
}

func (r *Runtime) defaultProcess(m *Msg) {
	if m.Done || m.Value.Valid() {
		m.Done = true
		return
	}
	switch {
	case m.Type == TypeSample && m.Fn != nil:
		// As Pyro: a reparameterizable distribution draws with rsample, so
		// gradients flow from the value to the distribution's parameters.
		if m.Fn.HasRSample() {
			m.Value = m.Fn.RSample(r.RNG)
		} else {
			m.Value = m.Fn.Sample(r.RNG)
		}
	case m.ApplyFn != nil:
		m.Value = m.ApplyFn(m)
	}
	m.Done = true
}

// Error is the error poutine raises: it names the site and what was wrong.
// Model code may panic with it (or any error); the entry points (Trace.Get,
// inference) recover it and return it.
type Error struct {
	Site string
	Msg  string
	// Err is the underlying error (for example a *dist.Error raised by a
	// distribution at this site), when there is one.
	Err error
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Site == "" {
		return "poutine: " + e.Msg
	}
	return fmt.Sprintf("poutine: site %q: %s", e.Site, e.Msg)
}

func failSite(site, format string, args ...any) {
	panic(&Error{Site: site, Msg: fmt.Sprintf(format, args...)})
}

// Catch runs f, converting a panic carrying an error (poutine, dist or
// autodiff errors, or any error value a model panics with) into a returned
// error. Other panics propagate.
func Catch(f func()) (err error) {
	defer func() {
		if x := recover(); x != nil {
			if e, ok := x.(error); ok {
				if _, rt := x.(interface{ RuntimeError() }); !rt {
					err = e
					return
				}
			}
			panic(x)
		}
	}()
	f()
	return nil
}
