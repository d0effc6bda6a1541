package infer

import (
	"fmt"
	"math/bits"
	"slices"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/poutine"
)

// BaselineKey is the key of InferConfig.Extra under which a guide site
// carries its baseline settings for TraceGraphELBO (Pyro's
// infer={"baseline": {...}}).
const BaselineKey = "baseline"

// DefaultBaselineBeta is Pyro's default decay rate of the decaying-average
// baseline (baseline_beta).
const DefaultBaselineBeta = 0.90

// Baseline configures the baseline of one non-reparameterized guide site
// for TraceGraphELBO. Put a Baseline or *Baseline in the site's
// InferConfig.Extra[BaselineKey]:
//
//	cfg := &poutine.InferConfig{Extra: map[string]any{
//		infer.BaselineKey: &infer.Baseline{DecayingAvg: true, Beta: 0.95},
//	}}
//	r.Sample("z", dist.BernoulliLogits(theta), poutine.Infer(cfg))
//
// Pyro's dictionary form is accepted too, as a map[string]any with Pyro's
// keys: "use_decaying_avg_baseline" (bool), "baseline_beta" (float64),
// "baseline_value" (an ad.V, or a float64 constant), "nn_baseline" (a
// func(ad.V) ad.V) and "nn_baseline_input" (ad.V). Any other key, or a
// value of the wrong type, is an error naming the site.
//
// The baseline b is subtracted from the site's downstream cost c in the
// score-function term log q(z)·(c − b). It must not depend on z: the
// decaying average uses only earlier costs, and Value and Fn must be
// computed from quantities upstream of the site (data, parameters), so the
// gradient estimate stays unbiased. A baseline has the shape of the
// downstream cost — the shape of the site's vectorized plate dimensions
// (for a site outside every plate, a scalar) — or is a scalar, which is
// broadcast (Pyro requires equal shapes; the scalar case is a gyro
// convenience).
type Baseline struct {
	// DecayingAvg subtracts an exponentially decaying average of the
	// site's earlier downstream costs (use_decaying_avg_baseline). The
	// average starts at zero and is kept per site name in the
	// TraceGraphELBO value, across steps; after each particle it becomes
	// (1−Beta)·cost + Beta·average.
	DecayingAvg bool
	// Beta is the decay rate of the average (baseline_beta), in [0, 1].
	// Zero in the struct form means DefaultBaselineBeta (0.90); in the
	// map form an explicit 0 is used as given, as in Pyro.
	Beta float64
	// Value is a baseline computed by the guide (baseline_value), for
	// example from a parameter or a small network of parameters read with
	// r.Param. It may be combined with DecayingAvg (the two add up) but
	// not with Fn. When Value depends on parameters, a squared-error loss
	// Σ(c − b)² is added to the surrogate loss so that those parameters
	// learn to predict the cost, as Pyro does; the score-function term
	// itself uses c − b detached. Value lives on the tape, so the guide
	// must set it on every run (a long-lived *Baseline whose Value the
	// guide assigns keeps the step free of allocations); a value left over
	// from an earlier run is not detected once the tape has been reset.
	Value ad.V
	// Fn is a learned baseline (nn_baseline): TraceGraphELBO computes
	// b = Fn(Detach(Input)) after the particle's traces are recorded and
	// adds the squared-error loss as for Value. Parameters Fn reads must
	// be read through the runtime (r.Param) so that SVI collects their
	// gradients: Fn is typically a closure over the runtime.
	Fn func(input ad.V) ad.V
	// Input is Fn's argument (nn_baseline_input); it is detached, so no
	// gradient of the baseline loss flows into it.
	Input ad.V
}

// TraceGraphELBO is Pyro's TraceGraph_ELBO: the ELBO estimated from
// sampled traces, with a gradient estimator that uses the dependency
// structure of the guide and the model to lower the variance of the
// score-function terms, and optional baselines.
//
// Reparameterized guide sites contribute pathwise gradients, as in
// TraceELBO. For each non-reparameterized guide site z the surrogate gets
// log q(z)·(cost(z) − b) where b is the site's Baseline (zero without one)
// and cost(z), detached, is z's downstream cost: the sum of
// log p − log q over z and the guide sites downstream of it in the guide's
// dense dependency graph, plus log p of the model sites that are children,
// in the model's dense graph, of those sites but not among them (Pyro's
// _compute_downstream_costs). Sites sampled before z — in the guide and in
// the model — are left out, because z cannot influence them; terms are
// further Rao-Blackwellized with the plates, as in TraceELBO: z sees only
// its own slice of a plate it is in, and sums over plates it is outside of
// (MultiFrameTensor.sum_to).
//
// The dense graph has an edge from every sample site to every later one
// except across iterations of a sequential plate (poutine.SeqPlate):
// sites in different iterations are independent. Pyro ≥ 1.8.2 finds
// dependencies by provenance tracking through tensor operations instead;
// gyro's tape does not track provenance, so TraceGraphELBO uses the dense
// graph of earlier Pyro versions, whose downstream sets contain the
// provenance ones (the estimator is unbiased either way; provenance can
// only drop more terms).
//
// The loss is −ELBO averaged over particles, as for TraceELBO; the
// surrogate is the surrogate loss plus, for learned baselines (Value or
// Fn), the squared-error baseline loss Σ(cost − b)², averaged over
// particles. Decaying averages are kept in the TraceGraphELBO value: use
// one value per SVI run, or call ResetBaselines. A TraceGraphELBO is not
// safe for concurrent use. After warm-up a step allocates nothing.
type TraceGraphELBO struct {
	// NumParticles is the number of particles per step (default 1).
	NumParticles int

	rb    TraceELBO // plate sum_to machinery and its buffers
	parts []poutine.ScoreParts
	avg   map[string]*decayingAvg
	// reachability: desc[i*words : (i+1)*words] is the bitset of guide
	// sites reachable from guide site i (itself included)
	desc  []uint64
	words int
	mark  []bool // model sites among the current downstream guide nodes
	coef  []float64
}

type decayingAvg struct {
	shape []int
	data  []float64
}

func (e *TraceGraphELBO) particles() int {
	if e.NumParticles <= 0 {
		return 1
	}
	return e.NumParticles
}

// ResetBaselines forgets the decaying averages of every site.
func (e *TraceGraphELBO) ResetBaselines() { clear(e.avg) }

// BaselineAverage returns a copy of the decaying-average baseline of the
// named site and its shape, or nil, nil when the site has none yet.
func (e *TraceGraphELBO) BaselineAverage(site string) (data []float64, shape []int) {
	a := e.avg[site]
	if a == nil {
		return nil, nil
	}
	return slices.Clone(a.data), slices.Clone(a.shape)
}

// Loss implements ELBO.
func (e *TraceGraphELBO) Loss(t *ad.Tape, run func() (model, guide *poutine.Trace)) (float64, ad.V) {
	n := e.particles()
	total := 0.0
	acc := t.Scalar(0)
	for p := 0; p < n; p++ {
		model, guide := run()
		elbo, surr := e.particle(t, model, guide)
		total += elbo
		acc = t.Add(acc, surr)
	}
	return -total / float64(n), t.MulConst(acc, 1/float64(n))
}

// particle scores one particle: its ELBO estimate and its surrogate loss
// (−surrogate ELBO + baseline loss).
func (e *TraceGraphELBO) particle(t *ad.Tape, model, guide *poutine.Trace) (float64, ad.V) {
	model.ComputeLogProb(nil)
	e.parts = guide.ComputeScoreParts(e.parts)
	elbo := 0.0
	surr := t.Scalar(0)
	for _, s := range model.Sites() {
		if s.Type != poutine.TypeSample || !s.LogProbSum.Valid() {
			continue
		}
		elbo += s.LogProbSum.Value()
		surr = t.Add(surr, s.LogProbSum)
	}
	nonReparam := false
	for i := range e.parts {
		sp := &e.parts[i]
		s := sp.Site
		if s.IsObserved {
			continue
		}
		elbo -= s.LogProbSum.Value()
		if sp.Reparam {
			surr = t.Sub(surr, s.LogProbSum)
		} else if !poutine.SiteIsSubsample(s) {
			nonReparam = true
		}
	}
	if !nonReparam {
		return elbo, t.Neg(surr)
	}
	e.reachability(guide)
	baselineLoss := ad.V{}
	for i := range e.parts {
		sp := &e.parts[i]
		s := sp.Site
		if s.IsObserved || sp.Reparam || poutine.SiteIsSubsample(s) {
			continue
		}
		cost := e.downstreamCost(t, model, guide, s)
		coef, bl := e.applyBaseline(t, s, cost)
		if bl.Valid() {
			if baselineLoss.Valid() {
				baselineLoss = t.Add(baselineLoss, bl)
			} else {
				baselineLoss = bl
			}
		}
		surr = t.Add(surr, t.Sum(t.Mul(sp.ScoreFunction, coef)))
	}
	loss := t.Neg(surr)
	if baselineLoss.Valid() {
		loss = t.Add(loss, baselineLoss)
	}
	return elbo, loss
}

// graphNode reports whether s is a node of the dense dependency graph (a
// sample site other than a plate's subsample site).
func graphNode(s *poutine.Site) bool {
	return s.Type == poutine.TypeSample && !poutine.SiteIsSubsample(s)
}

// denseEdge reports whether the dense graph of a trace has the edge a → b,
// where a was recorded before b: both are graph nodes and no sequential
// plate holds them in different iterations (Pyro's identify_dense_edges;
// the rule of poutine's Trace.Successors for GraphType "dense").
func denseEdge(a, b *poutine.Site) bool {
	if !graphNode(a) || !graphNode(b) {
		return false
	}
	n := min(a.NStack, b.NStack)
	for k := 0; k < n; k++ {
		p, q := &a.CondIndepStack[k], &b.CondIndepStack[k]
		if p.Name == q.Name && p.Counter != q.Counter {
			return false
		}
	}
	return true
}

// reachability fills e.desc with the transitive closure of the guide's
// dense graph. Trace order is a topological order of it (edges point
// forward), so one backward sweep suffices.
func (e *TraceGraphELBO) reachability(guide *poutine.Trace) {
	sites := guide.Sites()
	n := len(sites)
	w := (n + 63) / 64
	e.words = w
	if cap(e.desc) < n*w {
		e.desc = make([]uint64, n*w)
	}
	e.desc = e.desc[:n*w]
	clear(e.desc)
	for i := n - 1; i >= 0; i-- {
		if !graphNode(sites[i]) {
			continue
		}
		row := e.desc[i*w : (i+1)*w]
		row[i/64] |= 1 << uint(i%64)
		for k := i + 1; k < n; k++ {
			if row[k/64]&(1<<uint(k%64)) != 0 || !denseEdge(sites[i], sites[k]) {
				continue
			}
			for j, x := range e.desc[k*w : (k+1)*w] {
				row[j] |= x
			}
		}
	}
}

// downstreamCost builds the detached downstream cost of the guide site z
// (see TraceGraphELBO) summed to z's plates.
func (e *TraceGraphELBO) downstreamCost(t *ad.Tape, model, guide *poutine.Trace, z *poutine.Site) ad.V {
	gs := guide.Sites()
	ms := model.Sites()
	iz := -1
	for i, s := range gs {
		if s == z {
			iz = i
			break
		}
	}
	w := e.words
	row := e.desc[iz*w : (iz+1)*w]
	if cap(e.mark) < len(ms) {
		e.mark = make([]bool, len(ms))
	}
	e.mark = e.mark[:len(ms)]
	clear(e.mark)
	e.rb.terms = e.rb.terms[:0]
	anyMarked := false
	for j, x := range row {
		for x != 0 {
			b := x & -x
			x &^= b
			i := j*64 + bits.TrailingZeros64(b)
			d := gs[i]
			if m := model.Get(d.Name); m != nil && m.Type == poutine.TypeSample {
				if m.LogProb.Valid() {
					e.rb.terms = append(e.rb.terms, makeLogRTerm(m, 1))
				}
				e.mark[siteIndexOf(ms, m)] = true
				anyMarked = true
			}
			if !d.IsObserved && d.LogProb.Valid() {
				e.rb.terms = append(e.rb.terms, makeLogRTerm(d, -1))
			}
		}
	}
	// model children of the downstream guide nodes that are not among them
	if anyMarked {
		first := 0
		for first < len(ms) && !e.mark[first] {
			first++
		}
		for c := first + 1; c < len(ms); c++ {
			mc := ms[c]
			if e.mark[c] || !graphNode(mc) || !mc.LogProb.Valid() {
				continue
			}
			for j := first; j < c; j++ {
				if e.mark[j] && denseEdge(ms[j], mc) {
					e.rb.terms = append(e.rb.terms, makeLogRTerm(mc, 1))
					break
				}
			}
		}
	}
	return e.rb.sumTo(t, z)
}

func siteIndexOf(sites []*poutine.Site, s *poutine.Site) int {
	for i, x := range sites {
		if x == s {
			return i
		}
	}
	return -1
}

// makeLogRTerm is one detached log-density term with its vectorized plate
// frames, as TraceELBO.collectLogR records them, for TraceELBO.sumTo.
func makeLogRTerm(s *poutine.Site, sign float64) logRTerm {
	var term logRTerm
	for _, f := range s.Plates() {
		if f.Vectorized {
			term.frames[term.nf] = f
			term.nf++
		}
	}
	term.data = s.LogProb.Data()
	term.shape = s.LogProb.Shape()
	term.sign = sign
	return term
}

// baselineConfig reads a site's baseline settings; ok is false when it
// has none. A malformed configuration panics with an error naming the
// site.
func baselineConfig(t *ad.Tape, s *poutine.Site) (b Baseline, ok bool) {
	raw, has := s.Infer.Extra[BaselineKey]
	if !has || raw == nil {
		return Baseline{}, false
	}
	switch v := raw.(type) {
	case Baseline:
		b = v
		if b.Beta == 0 {
			b.Beta = DefaultBaselineBeta
		}
	case *Baseline:
		if v == nil {
			return Baseline{}, false
		}
		b = *v
		if b.Beta == 0 {
			b.Beta = DefaultBaselineBeta
		}
	case map[string]any:
		b = baselineFromMap(t, s.Name, v)
	default:
		panic(&poutine.Error{Site: s.Name, Msg: fmt.Sprintf("TraceGraph_ELBO: infer config %q must be an infer.Baseline, *infer.Baseline or map[string]any, got %T", BaselineKey, raw)})
	}
	if !(b.Beta >= 0 && b.Beta <= 1) {
		panic(&poutine.Error{Site: s.Name, Msg: fmt.Sprintf("TraceGraph_ELBO: baseline_beta %v must lie in [0, 1]", b.Beta)})
	}
	if b.Fn != nil && b.Value.Valid() {
		panic(&poutine.Error{Site: s.Name, Msg: "TraceGraph_ELBO: a baseline cannot have both a value (baseline_value) and a function (nn_baseline)"})
	}
	if b.Fn != nil && !b.Input.Valid() {
		panic(&poutine.Error{Site: s.Name, Msg: "TraceGraph_ELBO: nn_baseline needs nn_baseline_input"})
	}
	if b.Fn == nil && b.Input.Valid() {
		panic(&poutine.Error{Site: s.Name, Msg: "TraceGraph_ELBO: nn_baseline_input given without nn_baseline"})
	}
	return b, b.DecayingAvg || b.Value.Valid() || b.Fn != nil
}

func baselineFromMap(t *ad.Tape, site string, m map[string]any) Baseline {
	b := Baseline{Beta: DefaultBaselineBeta}
	bad := func(key string, v any, want string) {
		panic(&poutine.Error{Site: site, Msg: fmt.Sprintf("TraceGraph_ELBO: baseline option %q must be %s, got %T", key, want, v)})
	}
	for k, v := range m {
		switch k {
		case "use_decaying_avg_baseline":
			x, ok := v.(bool)
			if !ok {
				bad(k, v, "a bool")
			}
			b.DecayingAvg = x
		case "baseline_beta":
			x, ok := v.(float64)
			if !ok {
				bad(k, v, "a float64")
			}
			b.Beta = x
		case "baseline_value":
			switch x := v.(type) {
			case ad.V:
				b.Value = x
			case float64:
				b.Value = t.Scalar(x)
			default:
				bad(k, v, "an ad.V or a float64")
			}
		case "nn_baseline":
			x, ok := v.(func(ad.V) ad.V)
			if !ok {
				bad(k, v, "a func(ad.V) ad.V")
			}
			b.Fn = x
		case "nn_baseline_input":
			x, ok := v.(ad.V)
			if !ok {
				bad(k, v, "an ad.V")
			}
			b.Input = x
		default:
			panic(&poutine.Error{Site: site, Msg: fmt.Sprintf("TraceGraph_ELBO: unrecognized baseline option %q", k)})
		}
	}
	return b
}

// applyBaseline returns the detached coefficient cost − baseline of the
// site's score function and, for a learned baseline, the squared-error
// baseline loss (invalid otherwise).
func (e *TraceGraphELBO) applyBaseline(t *ad.Tape, s *poutine.Site, cost ad.V) (coef, loss ad.V) {
	b, ok := baselineConfig(t, s)
	if !ok {
		return cost, ad.V{}
	}
	shape := cost.Shape()
	cd := cost.Data()
	e.coef = append(e.coef[:0], cd...)
	learned := ad.V{}
	if b.Fn != nil {
		learned = b.Fn(t.Detach(b.Input))
		if !learned.Valid() {
			panic(&poutine.Error{Site: s.Name, Msg: "TraceGraph_ELBO: nn_baseline returned the zero (invalid) value"})
		}
	} else if b.Value.Valid() {
		learned = b.Value
	}
	if learned.Valid() {
		if learned.Tape() != t {
			panic(&poutine.Error{Site: s.Name, Msg: "TraceGraph_ELBO: the baseline value lives on another tape"})
		}
		ls := learned.Shape()
		if len(ls) != 0 && !slices.Equal(ls, shape) {
			panic(&poutine.Error{Site: s.Name, Msg: fmt.Sprintf("TraceGraph_ELBO: baseline of shape %v, want the downstream cost's shape %v (or a scalar)", slices.Clone(ls), slices.Clone(shape))})
		}
		ld := learned.Data()
		for i := range e.coef {
			e.coef[i] -= ld[i%len(ld)]
		}
	}
	var baseline ad.V // the full baseline, attached where learned
	if b.DecayingAvg {
		a := e.avg[s.Name]
		if a == nil || !slices.Equal(a.shape, shape) {
			if e.avg == nil {
				e.avg = make(map[string]*decayingAvg)
			}
			a = &decayingAvg{shape: slices.Clone(shape), data: make([]float64, len(cd))}
			e.avg[s.Name] = a
		}
		for i, old := range a.data {
			e.coef[i] -= old
		}
		if learned.Valid() {
			baseline = t.Add(learned, constOf(t, shape, a.data))
		}
		beta := b.Beta
		for i, c := range cd {
			a.data[i] = (1-beta)*c + beta*a.data[i]
		}
	} else {
		baseline = learned
	}
	coef = constOf(t, shape, e.coef)
	if learned.Valid() {
		loss = t.Sum(t.Square(t.Sub(cost, baseline)))
	}
	return coef, loss
}

func constOf(t *ad.Tape, shape []int, data []float64) ad.V {
	if len(shape) == 0 {
		return t.Scalar(data[0])
	}
	return t.Const(shape, data)
}
