package poutine

import (
	"errors"
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
)

// TraceQueue is a first-in first-out queue of partial traces, the queue
// that Queue draws from and extends (Pyro passes a queue.Queue). Seed it
// with an empty trace (NewTrace()) to enumerate a model from the start.
type TraceQueue struct {
	items []*Trace
	head  int
}

// Put appends tr.
func (q *TraceQueue) Put(tr *Trace) { q.items = append(q.items, tr) }

// Get removes and returns the oldest trace, or nil when the queue is empty.
func (q *TraceQueue) Get() *Trace {
	if q.head == len(q.items) {
		return nil
	}
	tr := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	return tr
}

// Len is the number of queued traces.
func (q *TraceQueue) Len() int { return len(q.items) - q.head }

// Empty reports whether the queue is empty.
func (q *TraceQueue) Empty() bool { return q.Len() == 0 }

// ExtendFn extends a partial trace at the site where a run escaped: it
// returns copies of tr, each with one more site (m with a value), at most
// about numSamples of them (numSamples < 0: no limit / the function's own
// default). The traces must own their sites (Trace.Copy does).
type ExtendFn func(r *Runtime, tr *Trace, m *Msg, numSamples int) []*Trace

// EscapeFn decides whether a run replaying the partial trace tr exits at
// the site m.
type EscapeFn func(tr *Trace, m *Msg) bool

// QueueOptions configures Queue; zero fields take Pyro's defaults.
type QueueOptions struct {
	// MaxTries bounds the runs attempted for one complete trace (default 1e6).
	MaxTries int
	// Extend extends partial traces (default EnumExtend).
	Extend ExtendFn
	// Escape decides where runs exit (default DiscreteEscape).
	Escape EscapeFn
	// NumSamples is passed to Extend; 0 means unset (-1, as Pyro's None).
	NumSamples int
}

// Resettable is implemented by handlers with per-run state that must be
// forgotten when a run is abandoned by a nonlocal exit and the model is
// run again (Pyro's Messenger._reset; see ResetStack).
type Resettable interface {
	ResetRun()
}

// ResetStack resets the state of the handlers on r's stack after a
// nonlocal exit at site (Pyro's NonlocalExit.reset_stack): from the
// innermost outwards, each trace handler's trace is cleared and each
// Resettable handler reset, stopping after a BlockHandler that hides the
// site (handlers outside it never saw the run's sites).
func ResetStack(r *Runtime, site *Msg) {
	for i := len(r.stack) - 1; i >= 0; i-- {
		switch h := r.stack[i].(type) {
		case *traceHandler:
			h.tr.Clear()
		case *BlockHandler:
			if h.hidden(site) {
				return
			}
		case Resettable:
			h.ResetRun()
		}
	}
}

// queueReplay replays the values of a partial trace (Pyro's replay, which
// ignores sites absent from the trace).
type queueReplay struct{ tr *Trace }

func (h *queueReplay) Process(m *Msg) {
	if m.Type != TypeSample || m.IsObserved {
		return
	}
	s := h.tr.Get(m.Name)
	if s == nil {
		return
	}
	if s.Type != TypeSample || s.IsObserved {
		failSite(m.Name, "queue: the partial trace has this site, but not as a latent sample site")
	}
	m.Value = s.Value
	m.Infer = s.Infer
	m.Done = true
}
func (h *queueReplay) Postprocess(*Msg) {}

// Queue returns a model that runs model to completion against a queue of
// partial traces (Pyro's poutine.queue, used for sequential enumeration of
// discrete variables). Each run takes the oldest partial trace from q and
// runs model with its values replayed, under an escape handler that exits
// at the first site opts.Escape selects (default: a discrete latent site
// not in the partial trace). If the run completes, that run is the
// result; if it exits, the runtime's state is restored, the handlers
// around the queue are reset (ResetStack), and opts.Extend's extensions of
// the partial trace (default: one per value of the site's support) are
// appended to q, and the next trace is tried.
//
// An empty queue, or MaxTries runs without a complete one, panics with
// *Error (Pyro raises). Traces in q hold values on r's tape: do not Reset
// r while q holds traces made on it.
func Queue(model Model, q *TraceQueue, opts QueueOptions) Model {
	if q == nil {
		panic(&Error{Msg: "queue: nil queue"})
	}
	maxTries := opts.MaxTries
	if maxTries == 0 {
		maxTries = 1000000
	}
	if maxTries < 0 {
		panic(&Error{Msg: fmt.Sprintf("queue: max_tries must be positive, got %d", maxTries)})
	}
	extend := opts.Extend
	if extend == nil {
		extend = EnumExtend
	}
	escape := opts.Escape
	if escape == nil {
		escape = DiscreteEscape
	}
	numSamples := opts.NumSamples
	if numSamples == 0 {
		numSamples = -1
	}
	rep := &queueReplay{}
	esc := &EscapeHandler{}
	tr := &traceHandler{tr: NewTrace()}
	esc.EscapeFn = func(m *Msg) bool { return escape(rep.tr, m) }
	return func(r *Runtime) {
		for try := 0; try < maxTries; try++ {
			next := q.Get()
			if next == nil {
				panic(&Error{Msg: "queue: the queue is empty (seed it with an empty trace; every partial trace has been extended or used)"})
			}
			rep.tr = next
			tr.tr.Clear()
			st := saveState(r)
			var exit *NonlocalExit
			err := Catch(func() {
				r.Push(tr)
				r.Push(esc)
				r.Push(rep)
				model(r)
				r.Pop(rep)
				r.Pop(esc)
				r.Pop(tr)
			})
			if err == nil {
				return
			}
			restoreState(r, st)
			if !errors.As(err, &exit) {
				panic(err)
			}
			ResetStack(r, exit.Site)
			for _, ext := range extend(r, tr.tr.Copy(), exit.Site, numSamples) {
				q.Put(ext)
			}
		}
		panic(&Error{Msg: fmt.Sprintf("queue: max tries (%d) exceeded", maxTries)})
	}
}

// extensionSite copies m into an owned message with value v, ready to be
// added to a partial trace.
func extensionSite(m *Msg) *Msg {
	c := new(Msg)
	*c = *m
	c.Stop = false
	c.Continuation = nil
	c.LogProb, c.LogProbSum, c.lpDone = ad.V{}, ad.V{}, false
	return c
}

// EnumExtend returns copies of tr each extended with the site m at one
// value of its distribution's support, in support order (Pyro's
// util.enum_extend). m's distribution must have an enumerable support.
// numSamples ≥ 0 limits the number of traces; as in Pyro, the limit admits
// numSamples+1 traces (Pyro breaks when the index exceeds num_samples,
// although its documentation says "maximum number").
func EnumExtend(r *Runtime, tr *Trace, m *Msg, numSamples int) []*Trace {
	if m.Fn == nil {
		failSite(m.Name, "enum_extend: site has no distribution")
	}
	e, ok := dist.EnumerableOf(m.Fn)
	if !ok {
		failSite(m.Name, "enum_extend: %s has no enumerable support", m.Fn.Name())
	}
	t := m.Fn.Tape()
	sup := e.EnumerateSupport(true)
	shape := sup.Shape()
	n := shape[0]
	var out []*Trace
	for i := 0; i < n; i++ {
		if numSamples >= 0 && i > numSamples {
			break
		}
		v := t.Reshape(t.Slice(sup, i, i+1), shape[1:]...)
		c := extensionSite(m)
		c.Value = v
		c.Done = true
		cp := tr.Copy()
		cp.add(c)
		out = append(out, cp)
	}
	return out
}

// McExtend returns numSamples copies of tr, each extended with the site m
// at an independent draw from its distribution (rsample when available, as
// calling a Pyro distribution does), Pyro's util.mc_extend. numSamples < 0
// means unset and draws one (mc_extend's own default; Pyro's queue passes
// -1, for which Pyro's mc_extend returns no traces at all).
func McExtend(r *Runtime, tr *Trace, m *Msg, numSamples int) []*Trace {
	if m.Fn == nil {
		failSite(m.Name, "mc_extend: site has no distribution")
	}
	if numSamples < 0 {
		numSamples = 1
	}
	out := make([]*Trace, 0, numSamples)
	for i := 0; i < numSamples; i++ {
		c := extensionSite(m)
		if m.Fn.HasRSample() {
			c.Value = m.Fn.RSample(r.RNG)
		} else {
			c.Value = m.Fn.Sample(r.RNG)
		}
		c.Done = true
		cp := tr.Copy()
		cp.add(c)
		out = append(out, cp)
	}
	return out
}

// DiscreteEscape reports whether m is a latent sample site with an
// enumerable (finite discrete) support that tr does not have yet (Pyro's
// util.discrete_escape).
func DiscreteEscape(tr *Trace, m *Msg) bool {
	if m.Type != TypeSample || m.IsObserved || m.Name == "" || tr.Has(m.Name) || m.Fn == nil {
		return false
	}
	_, ok := dist.EnumerableOf(m.Fn)
	return ok
}

// AllEscape reports whether m is a latent sample site that tr does not
// have yet (Pyro's util.all_escape).
func AllEscape(tr *Trace, m *Msg) bool {
	return m.Type == TypeSample && !m.IsObserved && m.Name != "" && !tr.Has(m.Name)
}
