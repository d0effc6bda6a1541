package poutine

import (
	"iter"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// MarkovHandler declares Markov dependence (Pyro's pyro.markov /
// MarkovMessenger): a site inside the i-th nested (or iterated) markov
// context may depend only on the sites of the History previous contexts.
// Without enumeration nothing else changes about a run: the handler
// records, for each sample site, its markov depth (the number of
// enclosing markov contexts) and its markov scope (the names of the sites
// of the visible contexts, a multiset like Pyro's Counter, since a name
// can be visible through several contexts), which enumeration-based
// inference reads with MarkovScope.
//
// Use Run for the context form (also re-entered by recursive functions:
// each nested Run is one more context) and Range for the iterator form.
// With Keep, a context's sites stay visible to the next context at the
// same level (neighbouring branches may depend on each other); without
// it, leaving a context forgets its sites. Pyro's dim and name arguments
// are interface stubs in Pyro itself and are not offered.
type MarkovHandler struct {
	History int
	Keep    bool

	pos  int
	sets [][]string // sets[0:nset] are live; storage is reused
	nset int
	ref  int
	r    *Runtime
}

// NewMarkov returns a markov handler; history must be ≥ 0 (0 makes each
// context independent of the others, like a sequential plate).
func NewMarkov(history int, keep bool) *MarkovHandler {
	if history < 0 {
		panic(&Error{Msg: "markov: history must be non-negative"})
	}
	return &MarkovHandler{History: history, Keep: keep, pos: -1}
}

func (h *MarkovHandler) enter(r *Runtime) {
	if h.History < 0 {
		panic(&Error{Msg: "markov: history must be non-negative"})
	}
	if h.ref == 0 && h.nset == 0 {
		h.pos = -1
	}
	h.pos++
	if h.nset <= h.pos {
		if h.nset < len(h.sets) {
			h.sets[h.nset] = h.sets[h.nset][:0]
		} else {
			h.sets = append(h.sets, nil)
		}
		h.nset++
	}
	h.ref++
	if h.ref == 1 {
		h.r = r
		r.Push(h)
	}
}

func (h *MarkovHandler) exit() {
	if !h.Keep && h.nset > 0 {
		h.nset--
	}
	h.pos--
	h.ref--
	if h.ref == 0 {
		popThrough(h.r, h)
		h.r = nil
		if h.Keep {
			h.nset = 0 // a new outermost use starts afresh
		}
	}
}

// popThrough removes h and everything above it from r's stack (a deferred
// exit must not fail when a panic left inner handlers behind).
func popThrough(r *Runtime, h Handler) {
	for i := len(r.stack) - 1; i >= 0; i-- {
		if r.stack[i] == h {
			for j := i; j < len(r.stack); j++ {
				r.stack[j] = nil
			}
			r.stack = r.stack[:i]
			return
		}
	}
}

// Run runs body inside one markov context.
func (h *MarkovHandler) Run(r *Runtime, body func()) {
	h.enter(r)
	defer h.exit()
	body()
}

// Range is the iterator form (Pyro's pyro.markov(iterable)): each value
// of seq is yielded inside one more nested markov context, and all of them
// are left when the loop ends, so the sites of step i see those of steps
// i-History … i-1.
//
//	mk := poutine.NewMarkov(1, false)
//	for t := range mk.Range(r, poutine.Count(T)) { … }
func (h *MarkovHandler) Range(r *Runtime, seq iter.Seq[int]) iter.Seq[int] {
	return func(yield func(int) bool) {
		entered := 0
		defer func() {
			for ; entered > 0; entered-- {
				h.exit()
			}
		}()
		for v := range seq {
			h.enter(r)
			entered++
			if !yield(v) {
				return
			}
		}
	}
}

// Count yields 0, 1, …, n-1 (a range for MarkovHandler.Range).
func Count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func (h *MarkovHandler) Process(m *Msg) {
	if m.Type != TypeSample || m.Done || m.Fn == nil || SiteIsSubsample(m) || h.pos < 0 {
		return
	}
	mt := markovTableOf(m.Fn.Tape())
	e := mt.entry(m)
	lo := h.pos - h.History
	if lo < 0 {
		lo = 0
	}
	for p := lo; p <= h.pos && p < h.nset; p++ {
		for _, name := range h.sets[p] {
			mt.appendName(e, name)
		}
	}
	mt.entries[e].depth++
	if h.pos < h.nset && !containsName(h.sets[h.pos], m.Name) {
		h.sets[h.pos] = append(h.sets[h.pos], m.Name)
	}
}
func (h *MarkovHandler) Postprocess(*Msg) {}

func containsName(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// MarkovScope returns what markov handlers recorded for the sample site
// m: its depth (the number of enclosing markov contexts; 0 outside any)
// and its scope, the names of the sites visible to it with multiplicity
// (Pyro's infer["_markov_depth"] and infer["_markov_scope"]). The slice
// is valid until the tape is Reset.
func MarkovScope(m *Msg) (depth int, scope []string) {
	if m.Fn == nil {
		return 0, nil
	}
	mt := markovTableOf(m.Fn.Tape())
	i, ok := mt.idx[m]
	if !ok {
		return 0, nil
	}
	e := mt.entries[i]
	return e.depth, mt.names[e.start : e.start+e.n : e.start+e.n]
}

// markovTable holds the per-message markov records of one tape's run; it
// is reset with the tape.
type markovTable struct {
	idx     map[*Msg]int
	entries []markovEntry
	names   []string
}

type markovEntry struct {
	depth, start, n int
}

var markovSlot = ad.NewSlot()

func markovTableOf(t *ad.Tape) *markovTable {
	sp := t.Slot(markovSlot)
	mt, _ := (*sp).(*markovTable)
	if mt == nil {
		mt = &markovTable{idx: map[*Msg]int{}}
		*sp = mt
	}
	return mt
}

// Reset forgets every record (called by the tape's Reset).
func (mt *markovTable) Reset() {
	clear(mt.idx)
	mt.entries = mt.entries[:0]
	clear(mt.names)
	mt.names = mt.names[:0]
}

func (mt *markovTable) entry(m *Msg) int {
	if i, ok := mt.idx[m]; ok {
		return i
	}
	mt.entries = append(mt.entries, markovEntry{start: len(mt.names)})
	i := len(mt.entries) - 1
	mt.idx[m] = i
	return i
}

// appendName adds name to entry e's names, moving them to the end of the
// arena first when another entry was appended after them.
func (mt *markovTable) appendName(e int, name string) {
	en := &mt.entries[e]
	if en.start+en.n != len(mt.names) {
		start := len(mt.names)
		mt.names = append(mt.names, mt.names[en.start:en.start+en.n]...)
		en.start = start
	}
	mt.names = append(mt.names, name)
	en.n++
}
