package infer

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// Predictive is Pyro's Predictive: it draws from the predictive
// distribution of a model by running it NumSamples times with its latent
// sites fixed to posterior draws, either given (PosteriorSamples) or drawn
// from a guide (Guide, run once per draw), and collects the values of the
// return sites. With neither, it draws from the prior predictive.
//
// Each draw runs the model with the posterior values substituted as Pyro
// does (poutine.condition: the substituted sites are recorded as observed).
// Observed sites are resampled: the model runs under poutine.Uncondition,
// so that a model that closes over its data still yields posterior
// predictive draws of its observations. In Pyro the same happens when the
// model is called without its data (obs=None); set KeepObserved to keep
// observations fixed instead (they are then returned as observed).
//
// Return sites (ReturnSites empty, as Pyro's return_sites=()): every
// sample site of the model not in PosteriorSamples (latent, observed and
// deterministic sites alike), or, with a Guide, every sample site of the
// model, the guide's draws included (Pyro's return_sites=None for guides).
// Factor sites (Runtime.Factor) are left out unless named. Pyro's "_RETURN"
// site has no counterpart: gyro models return nothing. Parallel
// (vectorized) prediction is not offered; draws run one after another,
// allocating nothing per draw after the first.
//
// Output shapes follow Pyro's: a site's draws have shape
// (N,) + (1,)·(max_plate_nesting − len(batch shape)) + value shape, where
// max_plate_nesting is the deepest vectorized plate dimension of the model
// (so a global scalar site of a model with one plate comes back as (N, 1)).
type Predictive struct {
	Model poutine.Model
	// PosteriorSamples maps latent sites to draws: tensors whose leading
	// dimension indexes the draw (all the same length), the rest the
	// site's value (or anything broadcasting to its batch + event shape).
	PosteriorSamples map[string]*tensor.Dense
	// Guide, when set, draws the latent sites instead; it cannot be
	// combined with PosteriorSamples.
	Guide poutine.Model
	// NumSamples is the number of draws; with PosteriorSamples it has no
	// effect (their leading dimension is used, as Pyro).
	NumSamples int
	// ReturnSites names the sites to collect (empty: the default above).
	ReturnSites []string
	// KeepObserved keeps observed sites at their observations rather than
	// resampling them.
	KeepObserved bool
}

// substHandler fixes sample sites to posterior values (Pyro's condition):
// from flat draw buffers by name, or from the sites of a guide trace.
type substHandler struct {
	idx    map[string]int
	data   [][]float64
	shapes [][]int
	sizes  []int
	i      int
	guide  *poutine.Trace
	seen   []bool
}

func (h *substHandler) Process(m *poutine.Msg) {
	if m.Type != poutine.TypeSample {
		return
	}
	if h.guide != nil {
		s := h.guide.Get(m.Name)
		if s == nil || s.Type != poutine.TypeSample {
			return
		}
		checkFits(m, s.Value.Shape())
		m.Value = s.Value
		m.IsObserved = true
		return
	}
	k, ok := h.idx[m.Name]
	if !ok {
		return
	}
	h.seen[k] = true
	checkFits(m, h.shapes[k])
	t := m.Fn.Tape()
	// Const copies the draw onto the tape (a scalar ConstRef would alias
	// caller memory through the tape's scalar fast paths).
	m.Value = t.Const(h.shapes[k], h.data[k][h.i*h.sizes[k]:(h.i+1)*h.sizes[k]])
	m.IsObserved = true
}

func (h *substHandler) Postprocess(*poutine.Msg) {}

// checkFits panics with a *poutine.Error when a value of shape vs cannot
// be the value of m's distribution: it must end with the event shape, and
// each of its other dimensions must equal the batch shape's (right-aligned)
// or be 1 (dimensions left of the batch shape must be 1, as in Pyro's
// padded (N, 1, …) outputs).
func checkFits(m *poutine.Msg, vs []int) {
	ev, bs := m.Fn.EventShape(), m.Fn.BatchShape()
	bad := len(vs) < len(ev)
	for i := 0; !bad && i < len(ev); i++ {
		bad = vs[len(vs)-len(ev)+i] != ev[i]
	}
	if !bad {
		vb := vs[:len(vs)-len(ev)]
		for i := 1; !bad && i <= len(vb); i++ {
			a := vb[len(vb)-i]
			if i <= len(bs) {
				bad = a != bs[len(bs)-i] && a != 1
			} else {
				bad = a != 1
			}
		}
	}
	if bad {
		panic(&poutine.Error{Site: m.Name, Msg: fmt.Sprintf("posterior value of shape %v does not fit the site's batch shape %v and event shape %v", cpShape(vs), cpShape(bs), cpShape(ev))})
	}
}

// returnStore collects one return site's draws.
type returnStore struct {
	name  string
	shape []int // value shape
	out   []int // output shape
	size  int
	data  []float64
}

// Run draws the predictive samples on runtime r (whose parameter store
// holds the guide's parameters) and returns them by site name. Errors name
// what is wrong: no NumSamples and no PosteriorSamples, both a Guide and
// PosteriorSamples, posterior draws of unequal counts or of a site the
// model does not sample or of a shape that does not fit it, a guide site
// the model lacks, an unknown return site, a site whose shape changes
// between draws, or the model's own error. Cancelling ctx stops the draws
// and returns its error.
func (p *Predictive) Run(ctx context.Context, r *poutine.Runtime) (map[string]*tensor.Dense, error) {
	if r == nil || p.Model == nil {
		return nil, errors.New("infer: Predictive: nil runtime or model")
	}
	if p.Guide != nil && len(p.PosteriorSamples) > 0 {
		return nil, errors.New("infer: Predictive: posterior_samples cannot be given together with a guide")
	}
	h := &substHandler{idx: map[string]int{}}
	n := 0
	var names []string
	for name := range p.PosteriorSamples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t := p.PosteriorSamples[name]
		if t == nil || len(t.Shape()) == 0 {
			return nil, fmt.Errorf("infer: Predictive: posterior samples of site %q need a leading draw dimension", name)
		}
		if len(h.data) == 0 {
			n = t.Shape()[0]
		} else if t.Shape()[0] != n {
			return nil, fmt.Errorf("infer: Predictive: posterior samples of site %q have %d draws, site %q has %d", name, t.Shape()[0], names[0], n)
		}
		h.idx[name] = len(h.data)
		h.data = append(h.data, t.Contiguous().Data())
		h.shapes = append(h.shapes, cpShape(t.Shape()[1:]))
		h.sizes = append(h.sizes, shapeSize(t.Shape()[1:]))
	}
	h.seen = make([]bool, len(h.data))
	if len(h.data) == 0 {
		n = p.NumSamples
		if n <= 0 {
			return nil, fmt.Errorf("infer: Predictive: num_samples must be positive when no posterior samples are given, got %d", n)
		}
	}
	if n == 0 {
		return nil, errors.New("infer: Predictive: posterior samples have no draws")
	}

	model := p.Model
	keepObs := p.KeepObserved
	run := func(r *poutine.Runtime) {
		r.Push(h)
		if !keepObs {
			r.Push(poutine.UnconditionHandler{})
			model(r)
			r.Pop(poutine.UnconditionHandler{})
		} else {
			model(r)
		}
		r.Pop(h)
	}
	mt := poutine.TraceOf(run)
	var gt *poutine.Tracer
	if p.Guide != nil {
		gt = poutine.TraceOf(p.Guide)
	}

	var stores []returnStore
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h.i = i
		err := poutine.Catch(func() {
			r.Reset()
			if gt != nil {
				gtr, err := gt.Get(r)
				if err != nil {
					panic(err)
				}
				h.guide = gtr
			}
			tr, err := mt.Get(r)
			if err != nil {
				panic(err)
			}
			if i == 0 {
				stores = p.initReturn(tr, h, n)
			}
			if gt != nil {
				for _, g := range h.guide.Sites() {
					if g.Type == poutine.TypeSample && !g.Infer.IsAuxiliary && tr.Get(g.Name) == nil {
						panic(&poutine.Error{Site: g.Name, Msg: "the guide samples a site that the model does not have"})
					}
				}
			}
			for k := range stores {
				st := &stores[k]
				s := tr.Get(st.name)
				if s == nil {
					panic(&poutine.Error{Site: st.name, Msg: "return site is missing from this draw (Predictive needs return sites present in every draw)"})
				}
				if !shapeEq(s.Value.Shape(), st.shape) {
					panic(&poutine.Error{Site: st.name, Msg: fmt.Sprintf("value shape changed from %v to %v between draws", st.shape, cpShape(s.Value.Shape()))})
				}
				copy(st.data[i*st.size:(i+1)*st.size], s.Value.Data())
			}
		})
		if err != nil {
			return nil, fmt.Errorf("infer: Predictive: sample %d: %w", i, err)
		}
	}
	out := make(map[string]*tensor.Dense, len(stores))
	for k := range stores {
		out[stores[k].name] = tensor.New(stores[k].out, stores[k].data)
	}
	return out, nil
}

// initReturn checks the posterior sites against the first trace, chooses
// the return sites and sizes their storage.
func (p *Predictive) initReturn(tr *poutine.Trace, h *substHandler, n int) []returnStore {
	for name, k := range h.idx {
		if !h.seen[k] {
			panic(&poutine.Error{Site: name, Msg: "posterior samples are given for a site that the model does not sample"})
		}
	}
	nesting := 0
	for _, s := range tr.Sites() {
		if s.Type != poutine.TypeSample {
			continue
		}
		for _, f := range s.Plates() {
			if f.Vectorized && -f.Dim > nesting {
				nesting = -f.Dim
			}
		}
	}
	var stores []returnStore
	add := func(s *poutine.Site) {
		vs := s.Value.Shape()
		pad := nesting - len(s.Fn.BatchShape())
		if pad < 0 {
			pad = 0
		}
		out := make([]int, 0, 1+pad+len(vs))
		out = append(out, n)
		for j := 0; j < pad; j++ {
			out = append(out, 1)
		}
		out = append(out, vs...)
		sz := shapeSize(vs)
		stores = append(stores, returnStore{name: s.Name, shape: cpShape(vs), out: out, size: sz, data: make([]float64, n*sz)})
	}
	if len(p.ReturnSites) > 0 {
		for _, name := range p.ReturnSites {
			s := tr.Get(name)
			if s == nil || s.Type != poutine.TypeSample {
				panic(&poutine.Error{Site: name, Msg: "return site is not a sample site of the model"})
			}
			add(s)
		}
		return stores
	}
	for _, s := range tr.Sites() {
		if s.Type != poutine.TypeSample || isFactor(s) {
			continue
		}
		if p.Guide == nil {
			if _, given := h.idx[s.Name]; given {
				continue
			}
		}
		add(s)
	}
	return stores
}
