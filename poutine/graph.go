package poutine

import (
	"maps"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Trace support beyond the recording core of trace.go: owned copies,
// detaching, node removal, the dependency graph of a "dense" trace, the
// model's return value, and score parts.

// TypeReturn is the type of the "_RETURN" site that TraceValue records.
const TypeReturn = "return"

// ReturnSite is the name of the site holding a model's return value
// (Pyro's "_RETURN" node).
const ReturnSite = "_RETURN"

// Copy returns a trace whose sites are copies of tr's, owned by the new
// trace (independent of the runtime's message pool and of tr: changing a
// copied site, or the runtime reusing its messages, affects only one of
// them). Values, distributions and memoized log densities are shared
// handles: they live on the tape and are valid until it is Reset. Pyro's
// copy is shallow; gyro's must own its messages because the runtime
// reuses them.
func (tr *Trace) Copy() *Trace {
	c := &Trace{index: make(map[string]*siteRef, len(tr.sites)), GraphType: tr.GraphType, gen: 1}
	store := make([]Msg, len(tr.sites))
	refs := make([]siteRef, len(tr.sites))
	c.sites = make([]*Msg, len(tr.sites))
	for i, s := range tr.sites {
		store[i] = *s
		if s.Infer.Extra != nil {
			store[i].Infer.Extra = maps.Clone(s.Infer.Extra)
		}
		store[i].Continuation = nil
		c.sites[i] = &store[i]
		refs[i] = siteRef{i: i, gen: 1}
		c.index[s.Name] = &refs[i]
	}
	if c.GraphType == "" {
		c.GraphType = "flat"
	}
	return c
}

// Detach returns a copy of tr (see Copy) in which the value of every
// sample site is detached on its tape (no gradient flows through it), as
// Pyro's detach_ on a copy. Memoized log densities are dropped from the
// copy, since they were computed from the attached values.
func (tr *Trace) Detach() *Trace {
	c := tr.Copy()
	for _, s := range c.sites {
		if s.Type != TypeSample || !s.Value.Valid() {
			continue
		}
		s.Value = s.Value.Tape().Detach(s.Value)
		s.LogProb, s.LogProbSum, s.lpDone = ad.V{}, ad.V{}, false
	}
	return c
}

// RemoveNode removes the site called name (Pyro's remove_node). A missing
// site is an *Error naming it.
func (tr *Trace) RemoveNode(name string) error {
	ref := tr.index[name]
	if ref == nil || ref.gen != tr.gen {
		return &Error{Site: name, Msg: "remove_node: the trace has no site with this name"}
	}
	i := ref.i
	copy(tr.sites[i:], tr.sites[i+1:])
	tr.sites[len(tr.sites)-1] = nil
	tr.sites = tr.sites[:len(tr.sites)-1]
	ref.gen = 0
	for j := i; j < len(tr.sites); j++ {
		tr.index[tr.sites[j].Name].i = j
	}
	return nil
}

// AddNode adds an owned copy of m to tr (Pyro's add_node); a duplicate
// name is an *Error naming the site.
func (tr *Trace) AddNode(m *Msg) (err error) {
	c := new(Msg)
	*c = *m
	c.Continuation = nil
	return Catch(func() { tr.add(c) })
}

// ---------------------------------------------------------------------------
// dependency graph

// denseEdge reports whether the trace has the edge sites[j] → sites[i]
// (j < i) of Pyro's dense graph: both are sample sites (not subsample
// sites), and sites[j] is not conditionally independent of sites[i]
// because of a sequential plate (pairing their plate frames outermost
// first, no pair has the same plate with different iteration counters).
func (tr *Trace) denseEdge(j, i int) bool {
	a, b := tr.sites[j], tr.sites[i]
	if a.Type != TypeSample || b.Type != TypeSample || SiteIsSubsample(a) || SiteIsSubsample(b) {
		return false
	}
	n := a.NStack
	if b.NStack < n {
		n = b.NStack
	}
	for k := 0; k < n; k++ {
		q, t := b.CondIndepStack[k], a.CondIndepStack[k]
		if q.Name == t.Name && q.Counter != t.Counter {
			return false
		}
	}
	return true
}

func (tr *Trace) siteIndex(name string) (int, error) {
	ref := tr.index[name]
	if ref == nil || ref.gen != tr.gen {
		return -1, &Error{Site: name, Msg: "the trace has no site with this name"}
	}
	return ref.i, nil
}

// Predecessors are the sites with an edge into name. A "flat" trace has
// no edges; a "dense" one (GraphType "dense") links every sample site to
// each earlier sample site it is not independent of, as Pyro's
// identify_dense_edges. A missing site is an *Error naming it.
func (tr *Trace) Predecessors(name string) ([]string, error) {
	i, err := tr.siteIndex(name)
	if err != nil {
		return nil, err
	}
	out := []string{}
	if tr.GraphType != "dense" {
		return out, nil
	}
	for j := 0; j < i; j++ {
		if tr.denseEdge(j, i) {
			out = append(out, tr.sites[j].Name)
		}
	}
	return out, nil
}

// Successors are the sites with an edge from name (see Predecessors).
func (tr *Trace) Successors(name string) ([]string, error) {
	j, err := tr.siteIndex(name)
	if err != nil {
		return nil, err
	}
	out := []string{}
	if tr.GraphType != "dense" {
		return out, nil
	}
	for i := j + 1; i < len(tr.sites); i++ {
		if tr.denseEdge(j, i) {
			out = append(out, tr.sites[i].Name)
		}
	}
	return out, nil
}

// Edges lists the graph's edges (from, to) in trace order.
func (tr *Trace) Edges() [][2]string {
	var out [][2]string
	if tr.GraphType != "dense" {
		return out
	}
	for i := range tr.sites {
		for j := 0; j < i; j++ {
			if tr.denseEdge(j, i) {
				out = append(out, [2]string{tr.sites[j].Name, tr.sites[i].Name})
			}
		}
	}
	return out
}

// TopologicalSort returns the site names in an order where every edge
// points forward (reverse: backward), by Pyro's algorithm: a depth-first
// post-order from each site in trace order, successors in trace order,
// then reversed. As in Pyro, a flat trace (no edges) therefore sorts in
// reverse execution order, and reverse=true gives execution order.
func (tr *Trace) TopologicalSort(reverse bool) []string {
	n := len(tr.sites)
	succ := make([][]int, n)
	if tr.GraphType == "dense" {
		for i := 0; i < n; i++ {
			for j := 0; j < i; j++ {
				if tr.denseEdge(j, i) {
					succ[j] = append(succ[j], i)
				}
			}
		}
	}
	visited := make([]bool, n)
	post := make([]string, 0, n)
	// iterative DFS, post-order
	type frame struct{ v, next int }
	var stack []frame
	for s := 0; s < n; s++ {
		if visited[s] {
			continue
		}
		visited[s] = true
		stack = append(stack[:0], frame{s, 0})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(succ[f.v]) {
				w := succ[f.v][f.next]
				f.next++
				if !visited[w] {
					visited[w] = true
					stack = append(stack, frame{w, 0})
				}
				continue
			}
			post = append(post, tr.sites[f.v].Name)
			stack = stack[:len(stack)-1]
		}
	}
	if reverse {
		return post
	}
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post
}

// ---------------------------------------------------------------------------
// return values

// ValueModel is a model that returns a value (most Pyro models do).
type ValueModel func(r *Runtime) ad.V

// ValueTracer traces a ValueModel and records its return value in the
// trace as the site "_RETURN" of type "return" (Pyro's _RETURN node). It
// is the way to get a model's return value into a trace: gyro models are
// closures, so Pyro's "_INPUT" node (the model's arguments) has no
// counterpart. Only the tracer's own trace gets the "_RETURN" site; the
// site is not a sample site, so log densities and the node lists ignore
// it.
type ValueTracer struct {
	model ValueModel
	h     traceHandler
}

// TraceValue returns a tracer for a model with a return value.
func TraceValue(model ValueModel) *ValueTracer {
	return &ValueTracer{model: model, h: traceHandler{tr: NewTrace()}}
}

// Get runs the model once on r and returns its trace (with "_RETURN") and
// its return value. As Tracer.Get, it does not Reset r, and a panic
// carrying an error inside the model is returned as the error.
func (vt *ValueTracer) Get(r *Runtime) (*Trace, ad.V, error) {
	vt.h.tr.Clear()
	st := saveState(r)
	var v ad.V
	err := Catch(func() {
		r.Push(&vt.h)
		v = vt.model(r)
		r.Pop(&vt.h)
		m := r.NewMsg()
		m.Type = TypeReturn
		m.Name = ReturnSite
		m.Value = v
		m.Done = true
		vt.h.tr.add(m)
	})
	if err != nil {
		restoreState(r, st)
		return nil, ad.V{}, err
	}
	return vt.h.tr, v, nil
}

// Trace is the trace of the last run.
func (vt *ValueTracer) Trace() *Trace { return vt.h.tr }

// ReturnValue is the value of the trace's "_RETURN" site, if it has one.
func (tr *Trace) ReturnValue() (ad.V, bool) {
	s := tr.Get(ReturnSite)
	if s == nil || s.Type != TypeReturn {
		return ad.V{}, false
	}
	return s.Value, true
}

// ---------------------------------------------------------------------------
// score parts

// ScoreParts are the ingredients of stochastic ELBO gradient estimators at
// one sample site (Pyro's ScoreParts): LogProb is the site's scaled,
// masked log density (Site.LogProb); for a reparameterized distribution
// (HasRSample) EntropyTerm is LogProb and ScoreFunction is 0, otherwise
// ScoreFunction is the unscaled, unmasked log density and EntropyTerm is 0
// (as Pyro's Distribution.score_parts followed by scale_and_mask, which
// leaves the score function unscaled). The zeros are scalar constants on
// the site's tape.
type ScoreParts struct {
	Site          *Site
	LogProb       ad.V
	ScoreFunction ad.V
	EntropyTerm   ad.V
	Reparam       bool
}

// ComputeScoreParts computes the score parts of every sample site (Pyro's
// compute_score_parts), memoizing the log densities in the sites as
// ComputeLogProb does, and returns them in trace order appended to
// dst[:0] (pass the previous result to reuse its memory). A failure
// panics with *Error naming the site.
func (tr *Trace) ComputeScoreParts(dst []ScoreParts) []ScoreParts {
	tr.ComputeLogProb(nil)
	dst = dst[:0]
	for _, s := range tr.sites {
		if s.Type != TypeSample {
			continue
		}
		t := s.Fn.Tape()
		sp := ScoreParts{Site: s, LogProb: s.LogProb, Reparam: s.Fn.HasRSample()}
		if sp.Reparam {
			sp.EntropyTerm = s.LogProb
			sp.ScoreFunction = t.Scalar(0)
		} else {
			sp.EntropyTerm = t.Scalar(0)
			if s.Scale == 1 && !s.ScaleV.Valid() && !s.Mask.Valid() {
				sp.ScoreFunction = s.LogProb
			} else {
				sp.ScoreFunction = unscaledLogProb(s)
			}
		}
		dst = append(dst, sp)
	}
	return dst
}

func unscaledLogProb(s *Site) (lp ad.V) {
	if err := Catch(func() { lp = s.Fn.LogProb(s.Value) }); err != nil {
		panic(&Error{Site: s.Name, Msg: "score_parts: " + err.Error()})
	}
	return lp
}
