package poutine

import (
	"fmt"
	"strings"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Site is one recorded message of a Trace (a node of Pyro's trace graph).
// A trace refers to the runtime's pooled messages rather than copying
// them: a site is valid until the runtime is Reset.
type Site = Msg

// Trace is an ordered record of a model's sites (Pyro's Trace). Its storage
// is reused across runs: a Trace and its sites are valid until the next
// run recorded into it, and values on it until the runtime is Reset.
type Trace struct {
	sites []*Msg
	// index maps names to sites. Entries are kept across Clear and marked
	// with the run (gen) that wrote them, so a model with the same sites
	// every run costs one map lookup per site and no map writes.
	index map[string]*siteRef
	gen   uint64
	// order remembers the sites' refs in the order of the last run: a model
	// that records the same names in the same order finds each ref here
	// (one string comparison, usually of identical pointers) and never
	// touches the map.
	order []*siteRef
	terms []ad.V // LogProbSum's buffer
	// GraphType is "flat" or "dense" (dense adds dependency edges; see
	// Predecessors).
	GraphType string
}

// NewTrace returns an empty trace.
func NewTrace() *Trace { return &Trace{index: make(map[string]*siteRef), GraphType: "flat", gen: 1} }

type siteRef struct {
	name string
	i    int
	gen  uint64
}

// Clear empties the trace, keeping its memory.
func (tr *Trace) Clear() {
	tr.sites = tr.sites[:0]
	tr.gen++
	if len(tr.index) > 4096 {
		// names from many different runs: drop them rather than grow forever
		clear(tr.index)
		tr.order = tr.order[:0]
	}
}

// Len is the number of sites.
func (tr *Trace) Len() int { return len(tr.sites) }

// Site returns site i in execution order.
func (tr *Trace) Site(i int) *Site { return tr.sites[i] }

// Sites returns the sites in execution order (aliases the trace).
func (tr *Trace) Sites() []*Site { return tr.sites }

// Get returns the site called name, or nil.
func (tr *Trace) Get(name string) *Site {
	ref := tr.index[name]
	if ref == nil || ref.gen != tr.gen {
		return nil
	}
	return tr.sites[ref.i]
}

// Has reports whether the trace has a site called name.
func (tr *Trace) Has(name string) bool { return tr.Get(name) != nil }

// add records a copy of m; duplicate names are an error naming the site.
func (tr *Trace) add(m *Msg) {
	i := len(tr.sites)
	var ref *siteRef
	if i < len(tr.order) && tr.order[i].name == m.Name {
		ref = tr.order[i]
	} else {
		ref = tr.index[m.Name]
		if ref == nil {
			ref = &siteRef{name: m.Name}
			tr.index[m.Name] = ref
		}
		if i < len(tr.order) {
			tr.order[i] = ref
		} else {
			tr.order = append(tr.order, ref)
		}
	}
	if ref.gen == tr.gen {
		// As Pyro's Trace.add_node: a param may be used more than once (the
		// last use is kept); any other repeat is an error.
		if prev := tr.sites[ref.i]; m.Type == TypeParam && prev.Type == TypeParam {
			tr.sites[ref.i] = m
			return
		} else if prev.Type != m.Type {
			failSite(m.Name, "already in the trace as a %s site", prev.Type)
		}
		failSite(m.Name, "duplicate site name (each sample and param site needs a unique name)")
	}
	ref.i, ref.gen = i, tr.gen
	tr.sites = append(tr.sites, m)
}

// ComputeLogProb computes, for every sample site accepted by filter (nil:
// all), its log density with the site's scale and mask applied (masking
// uses Where, so a NaN in a masked-out element cannot leak), in
// Site.LogProb, and its sum in Site.LogProbSum. Results are memoized per
// site.
func (tr *Trace) ComputeLogProb(filter func(*Site) bool) {
	var cur *Site
	err := Catch(func() {
		for _, s := range tr.sites {
			if s.Type != TypeSample || s.lpDone || (filter != nil && !filter(s)) {
				continue
			}
			cur = s
			siteLogProb(s)
		}
	})
	if err != nil {
		if pe, ok := err.(*Error); ok && pe.Site != "" {
			panic(pe)
		}
		panic(&Error{Site: cur.Name, Msg: "log_prob: " + err.Error(), Err: err})
	}
}

func siteLogProb(s *Site) {
	t := s.Fn.Tape()
	lp := s.Fn.LogProb(s.Value)
	s.UnscaledLogProb = lp
	if s.Mask.Valid() {
		lp = t.Where(s.Mask, lp, t.Scalar(0))
	}
	if s.ScaleV.Valid() {
		lp = t.Mul(lp, s.ScaleV)
	}
	if s.Scale != 1 {
		lp = t.MulConst(lp, s.Scale)
	}
	s.LogProb = lp
	s.LogProbSum = t.Sum(lp)
	s.lpDone = true
}

// LogProbSum is the total log density of the sample sites accepted by
// filter (nil: all): the sum over sites of their scaled, masked log
// densities, as a scalar on the tape.
func (tr *Trace) LogProbSum(t *ad.Tape, filter func(*Site) bool) ad.V {
	tr.ComputeLogProb(filter)
	tr.terms = tr.terms[:0]
	for i := range tr.sites {
		s := tr.sites[i]
		if s.Type != TypeSample || !s.lpDone || (filter != nil && !filter(s)) {
			continue
		}
		tr.terms = append(tr.terms, s.LogProbSum)
	}
	// one node for the whole sum (autodiff.AddN)
	return t.AddN(tr.terms)
}

// StochasticNodes are the names of unobserved sample sites.
func (tr *Trace) StochasticNodes() []string {
	return tr.names(func(s *Site) bool { return s.Type == TypeSample && !s.IsObserved })
}

// ObservationNodes are the names of observed sample sites.
func (tr *Trace) ObservationNodes() []string {
	return tr.names(func(s *Site) bool { return s.Type == TypeSample && s.IsObserved })
}

// ParamNodes are the names of param sites.
func (tr *Trace) ParamNodes() []string {
	return tr.names(func(s *Site) bool { return s.Type == TypeParam })
}

// ReparameterizedNodes are unobserved sample sites whose distribution has
// RSample.
func (tr *Trace) ReparameterizedNodes() []string {
	return tr.names(func(s *Site) bool { return s.Type == TypeSample && !s.IsObserved && s.Fn.HasRSample() })
}

// NonreparamStochasticNodes are unobserved sample sites without RSample.
func (tr *Trace) NonreparamStochasticNodes() []string {
	return tr.names(func(s *Site) bool { return s.Type == TypeSample && !s.IsObserved && !s.Fn.HasRSample() })
}

func (tr *Trace) names(keep func(*Site) bool) []string {
	var out []string
	for i := range tr.sites {
		if keep(tr.sites[i]) {
			out = append(out, tr.sites[i].Name)
		}
	}
	return out
}

// FormatShapes renders a table of each site's batch and event shapes and
// value shape, as Pyro's Trace.format_shapes.
func (tr *Trace) FormatShapes() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %-6s %-14s %-14s %s\n", "site", "type", "batch", "event", "value")
	for i := range tr.sites {
		s := tr.sites[i]
		batch, event := "", ""
		if s.Fn != nil {
			batch = fmt.Sprint(s.Fn.BatchShape())
			event = fmt.Sprint(s.Fn.EventShape())
		}
		val := ""
		if s.Value.Valid() {
			val = fmt.Sprint(s.Value.Shape())
		}
		fmt.Fprintf(&b, "%-20s %-6s %-14s %-14s %s\n", s.Name, s.Type, batch, event, val)
	}
	return b.String()
}

// traceHandler records every message into a Trace in Postprocess.
type traceHandler struct {
	tr *Trace
}

func (h *traceHandler) Process(*Msg) {}
func (h *traceHandler) Postprocess(m *Msg) {
	if m.Type == TypeSample || m.Type == TypeParam {
		h.tr.add(m)
	}
}

// Tracer runs a model under a trace handler (Pyro's poutine.trace). It
// reuses its Trace across runs.
type Tracer struct {
	model Model
	h     traceHandler
}

// TraceOf returns a tracer for model (poutine.trace(model)).
func TraceOf(model Model) *Tracer {
	return &Tracer{model: model, h: traceHandler{tr: NewTrace()}}
}

// Get runs the model once on r and returns its trace (get_trace). It does
// not Reset r: values from earlier runs on the same tape stay valid, which
// is how a guide trace is replayed into a model. A panic carrying an error
// inside the model is returned as the error.
func (tc *Tracer) Get(r *Runtime) (*Trace, error) {
	tc.h.tr.Clear()
	st := saveState(r)
	err := Catch(func() {
		r.Push(&tc.h)
		tc.model(r)
		r.Pop(&tc.h)
	})
	if err != nil {
		restoreState(r, st)
		return nil, err
	}
	return tc.h.tr, nil
}

// Model returns the traced model as a Model, for composing with other
// handlers; after each run the trace is available from Trace().
func (tc *Tracer) Model() Model {
	return func(r *Runtime) {
		tc.h.tr.Clear()
		r.Push(&tc.h)
		tc.model(r)
		r.Pop(&tc.h)
	}
}

// Trace is the trace of the last run.
func (tc *Tracer) Trace() *Trace { return tc.h.tr }
