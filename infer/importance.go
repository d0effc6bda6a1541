package infer

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// Importance is Pyro's Importance: posterior inference by importance
// sampling. Each of NumSamples draws runs the guide (the proposal), then the
// model replayed against the guide's values (poutine.Replay), and weighs the
// draw by
//
//	log w = log p(model trace) − log q(guide trace),
//
// the sums of the scaled, masked log densities of every sample site of each
// trace (observed sites included, as Pyro's log_prob_sum). With a nil
// Guide the proposal is the model's prior: the model itself with its
// observed sites hidden (poutine.Block with HideTypes "observe"), so that
// log w is the log likelihood of the observations.
//
// Run keeps the log weights and, for the sites named in Sites (default:
// every latent sample site of the model trace and every deterministic
// site), the values of every draw. Results are read with LogEvidence,
// NormalizedWeights, ESS, GetSamples and Marginal, as Pyro's
// get_log_normalizer, get_normalized_weights, get_ESS and
// EmpiricalMarginal.
//
// Storing values requires the stored sites to be present, with the same
// shape, in every draw (models with static structure); for a model with
// stochastic control flow, name in Sites only the sites present in every
// draw (log weights themselves need no static structure).
//
// After the first draw (which sizes the storage), the loop over draws
// allocates nothing: traces, tape and messages are reused, and values are
// copied into storage sized once for NumSamples draws.
type Importance struct {
	R          *poutine.Runtime
	Model      poutine.Model
	Guide      poutine.Model // nil: propose from the prior
	NumSamples int
	// Sites names the model sites whose values Run keeps (nil: every
	// unobserved sample site and every deterministic site). An observed
	// site may be named.
	Sites []string

	// LogWeights holds the log weight of each draw after Run.
	LogWeights []float64
	// Samples maps each kept site to its draws, a tensor of shape
	// (NumSamples,) + the site's value shape, after Run.
	Samples map[string]*tensor.Dense

	guideTr *poutine.Tracer
	modelTr *poutine.Tracer
	store   []siteStore
	norm    []float64
}

// siteStore accumulates one site's values over the draws.
type siteStore struct {
	name  string
	shape []int
	size  int
	data  []float64
}

// NewImportance prepares importance sampling of model on runtime r (whose
// parameter store holds the guide's parameters) with guide as the proposal
// (nil: the prior) and numSamples draws. numSamples must be positive
// (Pyro defaults to 10 when it is not given; gyro asks for it).
func NewImportance(r *poutine.Runtime, model, guide poutine.Model, numSamples int) (*Importance, error) {
	if r == nil {
		return nil, errors.New("infer: Importance: nil runtime")
	}
	if model == nil {
		return nil, errors.New("infer: Importance: nil model")
	}
	if numSamples <= 0 {
		return nil, fmt.Errorf("infer: Importance: num_samples must be positive, got %d", numSamples)
	}
	return &Importance{R: r, Model: model, Guide: guide, NumSamples: numSamples}, nil
}

// priorGuide is the model with its observed sites hidden: sampling from it
// draws from the prior (Pyro's poutine.block(model, hide_types=["observe"])).
func priorGuide(model poutine.Model) poutine.Model {
	return poutine.Block(model, &poutine.BlockHandler{HideTypes: []string{"observe"}})
}

// keepByDefault reports whether a model site's values are kept when no
// sites are named: unobserved sample sites and deterministic sites
// (observed point masses, as poutine's Deterministic records them).
func keepByDefault(s *poutine.Site) bool {
	if s.Type != poutine.TypeSample {
		return false
	}
	return !s.IsObserved || isDeterministic(s)
}

// isDeterministic reports whether s is a deterministic site: an observed
// site of poutine's zero-density point mass (Runtime.Deterministic records
// its value that way). An observation of dist.Delta is not one.
func isDeterministic(s *poutine.Site) bool {
	if s.Type != poutine.TypeSample || !s.IsObserved || s.Fn == nil || s.Fn.Name() != "Delta" {
		return false
	}
	_, user := s.Fn.(*dist.DeltaDist)
	return !user
}

// isFactor reports whether s is a Runtime.Factor site (Pyro's Unit
// distribution).
func isFactor(s *poutine.Site) bool {
	return s.Type == poutine.TypeSample && s.Fn != nil && s.Fn.Name() == "Unit"
}

// Run draws NumSamples weighted samples. It returns ctx's error when ctx
// is cancelled (LogWeights and Samples then hold the draws completed so
// far), and the model's or guide's error (with the site it names, see
// poutine.Error) when a run fails. A guide sample site that the model
// lacks or observes is an error naming it, as is a log weight that is NaN
// or +Inf; a log weight of −Inf (a proposal outside the model's support) is
// a valid zero weight, but a run in which every weight is zero is an
// error.
func (imp *Importance) Run(ctx context.Context) error {
	if imp.NumSamples <= 0 {
		return fmt.Errorf("infer: Importance: num_samples must be positive, got %d", imp.NumSamples)
	}
	if imp.R == nil || imp.Model == nil {
		return errors.New("infer: Importance: nil runtime or model")
	}
	imp.prepare()
	n := imp.NumSamples
	imp.LogWeights = make([]float64, n)
	done := 0
	var err error
	for i := 0; i < n; i++ {
		if err = ctx.Err(); err != nil {
			break
		}
		if err = imp.draw(i); err != nil {
			err = fmt.Errorf("infer: Importance: sample %d: %w", i, err)
			break
		}
		done++
	}
	imp.finish(done)
	if err != nil {
		return err
	}
	if math.IsInf(logSumExp(imp.LogWeights), -1) {
		return errors.New("infer: Importance: every importance weight is zero (all log weights are -Inf): the proposal never reaches the model's support")
	}
	return nil
}

// prepare builds the tracers for the current Model and Guide.
func (imp *Importance) prepare() {
	guide := imp.Guide
	if guide == nil {
		guide = priorGuide(imp.Model)
	}
	imp.guideTr = poutine.TraceOf(guide)
	imp.modelTr = poutine.TraceOf(poutine.Replay(imp.Model, imp.guideTr.Trace()))
	imp.store = nil
}

// draw runs guide and model once and records draw i.
func (imp *Importance) draw(i int) (err error) {
	var lw float64
	err = poutine.Catch(func() {
		r := imp.R
		r.Reset()
		gtr, err := imp.guideTr.Get(r)
		if err != nil {
			panic(err)
		}
		mtr, err := imp.modelTr.Get(r)
		if err != nil {
			panic(err)
		}
		checkProposal(mtr, gtr)
		lw = mtr.LogProbSum(r.Tape, nil).Value() - gtr.LogProbSum(r.Tape, nil).Value()
		if math.IsNaN(lw) || math.IsInf(lw, 1) {
			panic(&poutine.Error{Site: badLogProbSite(mtr, gtr), Msg: fmt.Sprintf("log importance weight is %v", lw)})
		}
		if i == 0 {
			imp.initStore(mtr)
		}
		imp.record(i, mtr)
	})
	if err == nil {
		imp.LogWeights[i] = lw
	}
	return err
}

// checkProposal panics with a *poutine.Error naming a guide sample site the
// model does not have, or observes. Auxiliary guide sites (Infer.IsAuxiliary)
// are exempt, as in Pyro.
func checkProposal(model, guide *poutine.Trace) {
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
	}
}

// badLogProbSite names the first site whose log density sum is NaN or +Inf.
func badLogProbSite(trs ...*poutine.Trace) string {
	for _, tr := range trs {
		for _, s := range tr.Sites() {
			if s.LogProbSum.Valid() {
				if v := s.LogProbSum.Value(); math.IsNaN(v) || math.IsInf(v, 1) {
					return s.Name
				}
			}
		}
	}
	return ""
}

// initStore chooses the kept sites from the first model trace and
// allocates their storage (fresh for every Run, so that the Samples of an
// earlier Run stay valid).
func (imp *Importance) initStore(tr *poutine.Trace) {
	n := imp.NumSamples
	add := func(s *poutine.Site) {
		sh := s.Value.Shape()
		sz := shapeSize(sh)
		imp.store = append(imp.store, siteStore{name: s.Name, shape: cpShape(sh), size: sz, data: make([]float64, n*sz)})
	}
	if imp.Sites == nil {
		for _, s := range tr.Sites() {
			if keepByDefault(s) {
				add(s)
			}
		}
		return
	}
	for _, name := range imp.Sites {
		s := tr.Get(name)
		if s == nil || s.Type != poutine.TypeSample {
			panic(&poutine.Error{Site: name, Msg: "Importance: the model has no sample site with this name to keep"})
		}
		add(s)
	}
}

// record copies the kept sites' values of draw i.
func (imp *Importance) record(i int, tr *poutine.Trace) {
	for k := range imp.store {
		st := &imp.store[k]
		s := tr.Get(st.name)
		if s == nil {
			panic(&poutine.Error{Site: st.name, Msg: "site is missing from this draw; Importance keeps site values only for sites present in every draw (name the others out of Sites)"})
		}
		if !shapeEq(s.Value.Shape(), st.shape) {
			panic(&poutine.Error{Site: st.name, Msg: fmt.Sprintf("value shape changed from %v to %v between draws", st.shape, cpShape(s.Value.Shape()))})
		}
		copy(st.data[i*st.size:(i+1)*st.size], s.Value.Data())
	}
	if imp.Sites == nil {
		// every kept-by-default site of this draw must be stored
		cnt := 0
		for _, s := range tr.Sites() {
			if keepByDefault(s) {
				cnt++
			}
		}
		if cnt != len(imp.store) {
			for _, s := range tr.Sites() {
				if keepByDefault(s) && !imp.stores(s.Name) {
					panic(&poutine.Error{Site: s.Name, Msg: "site appears in this draw but not in the first; Importance keeps site values only for sites present in every draw (set Sites)"})
				}
			}
		}
	}
}

func (imp *Importance) stores(name string) bool {
	for k := range imp.store {
		if imp.store[k].name == name {
			return true
		}
	}
	return false
}

// finish truncates the results to the completed draws and publishes them.
func (imp *Importance) finish(done int) {
	imp.LogWeights = imp.LogWeights[:done]
	imp.Samples = make(map[string]*tensor.Dense, len(imp.store))
	if done == 0 {
		return
	}
	for k := range imp.store {
		st := &imp.store[k]
		sh := make([]int, 0, len(st.shape)+1)
		sh = append(append(sh, done), st.shape...)
		imp.Samples[st.name] = tensor.New(sh, st.data[:done*st.size])
	}
}

// LogEvidence is the importance-sampling estimate of the log marginal
// likelihood log p(x): log((1/N) Σ w_i), computed stably (Pyro's
// get_log_normalizer). It is NaN before Run.
func (imp *Importance) LogEvidence() float64 {
	if len(imp.LogWeights) == 0 {
		return math.NaN()
	}
	return logSumExp(imp.LogWeights) - math.Log(float64(len(imp.LogWeights)))
}

// NormalizedWeights returns the self-normalized weights w_i / Σ w_j (Pyro's
// get_normalized_weights). The slice is reused by later calls.
func (imp *Importance) NormalizedWeights() []float64 {
	imp.norm = NormalizeLogWeights(imp.norm, imp.LogWeights)
	for i, x := range imp.norm {
		imp.norm[i] = math.Exp(x)
	}
	return imp.norm
}

// ESS is the effective sample size of the weights, 1 / Σ w̃_i² with w̃ the
// normalized weights (Pyro's get_ESS). It is N when every weight is equal,
// and 0 before Run.
func (imp *Importance) ESS() float64 {
	if len(imp.LogWeights) == 0 {
		return 0
	}
	lse := logSumExp(imp.LogWeights)
	s := 0.0
	for _, x := range imp.LogWeights {
		e := math.Exp(x - lse)
		s += e * e
	}
	return 1 / s
}

// GetSamples returns the draws of a kept site, shape (N,) + value shape,
// or an error naming the site when it was not kept.
func (imp *Importance) GetSamples(site string) (*tensor.Dense, error) {
	t, ok := imp.Samples[site]
	if !ok {
		return nil, fmt.Errorf("infer: Importance: no samples of site %q (kept sites are unobserved and deterministic sites, or those named in Sites; call Run first)", site)
	}
	return t, nil
}

// Marginal returns the weighted empirical marginal of the named sites
// (Pyro's EmpiricalMarginal(importance, sites)); see EmpiricalMarginal.
func (imp *Importance) Marginal(sites ...string) (*Marginal, error) {
	return EmpiricalMarginal(imp.Samples, imp.LogWeights, sites...)
}

// NormalizeLogWeights writes the normalized log weights log w_i − log Σ_j w_j
// into dst (grown as needed) and returns it. When every weight is zero (all
// −Inf) there is nothing to normalize and the inputs are copied unchanged.
func NormalizeLogWeights(dst, logWeights []float64) []float64 {
	if cap(dst) < len(logWeights) {
		dst = make([]float64, len(logWeights))
	}
	dst = dst[:len(logWeights)]
	lse := logSumExp(logWeights)
	for i, x := range logWeights {
		if math.IsInf(lse, -1) {
			dst[i] = x
		} else {
			dst[i] = x - lse
		}
	}
	return dst
}

// logSumExp is log Σ exp(x_i), stable; −Inf for an empty slice or all −Inf.
func logSumExp(x []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		if v > mx {
			mx = v
		}
	}
	if math.IsInf(mx, 0) {
		return mx
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}

func shapeSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func shapeEq(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func cpShape(s []int) []int { return append([]int(nil), s...) }

// ParticlePlateName is the name of the plate that VectorizedImportanceWeights
// (and PsisDiagnostic) wraps the model and guide in, as Pyro's.
const ParticlePlateName = "num_particles_vectorized"

// VectorizedImportanceWeights is Pyro's vectorized_importance_weights: it
// draws numSamples particles in one pass by running guide and model (the
// model replayed against the guide) inside a vectorized plate of size
// numSamples at dimension −(maxPlateNesting+1), left of every plate of the
// model, and returns each particle's log importance weight
//
//	log w_p = Σ_model sites log p_p − Σ_guide sites log q_p,
//
// where each site's batch-shaped log density (Site.LogProb, scaled and
// masked) is summed over every dimension except the particle one (a site
// whose log density does not vary along it adds its whole sum to every
// particle). A nil guide proposes from the prior, as Importance.
//
// The model and guide must be vectorized (every batch dimension declared
// by a plate, at most maxPlateNesting of them nested) and have static
// structure. A site whose log density has dimensions left of the particle
// plate is an error that names it. The traces are those of the single
// vectorized run, valid until r is Reset; r is Reset first.
func VectorizedImportanceWeights(r *poutine.Runtime, model, guide poutine.Model, numSamples, maxPlateNesting int) (logWeights []float64, modelTrace, guideTrace *poutine.Trace, err error) {
	switch {
	case r == nil || model == nil:
		return nil, nil, nil, errors.New("infer: VectorizedImportanceWeights: nil runtime or model")
	case numSamples <= 0:
		return nil, nil, nil, fmt.Errorf("infer: VectorizedImportanceWeights: num_samples must be positive, got %d", numSamples)
	case maxPlateNesting < 0 || maxPlateNesting >= poutine.MaxPlates:
		return nil, nil, nil, fmt.Errorf("infer: VectorizedImportanceWeights: max_plate_nesting must be in [0, %d], got %d", poutine.MaxPlates-1, maxPlateNesting)
	}
	if guide == nil {
		guide = priorGuide(model)
	}
	dim := -(maxPlateNesting + 1)
	gt := poutine.TraceOf(inParticlePlate(guide, numSamples, dim))
	mt := poutine.TraceOf(poutine.Replay(inParticlePlate(model, numSamples, dim), gt.Trace()))
	lw := make([]float64, numSamples)
	r.Reset()
	err = poutine.Catch(func() {
		gtr, err := gt.Get(r)
		if err != nil {
			panic(err)
		}
		mtr, err := mt.Get(r)
		if err != nil {
			panic(err)
		}
		checkProposal(mtr, gtr)
		mtr.ComputeLogProb(nil)
		gtr.ComputeLogProb(nil)
		for _, s := range mtr.Sites() {
			addPerParticle(lw, s, 1, maxPlateNesting)
		}
		for _, s := range gtr.Sites() {
			addPerParticle(lw, s, -1, maxPlateNesting)
		}
		for i, x := range lw {
			if math.IsNaN(x) || math.IsInf(x, 1) {
				panic(&poutine.Error{Site: badLogProbSite(mtr, gtr), Msg: fmt.Sprintf("log importance weight of particle %d is %v", i, x)})
			}
		}
		modelTrace, guideTrace = mtr, gtr
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("infer: VectorizedImportanceWeights: %w", err)
	}
	return lw, modelTrace, guideTrace, nil
}

// addPerParticle adds sign × site s's log density, summed over every
// dimension but the particle one, to lw.
func addPerParticle(lw []float64, s *poutine.Site, sign float64, maxPlateNesting int) {
	if s.Type != poutine.TypeSample || !s.LogProb.Valid() {
		return
	}
	sh := s.LogProb.Shape()
	data := s.LogProb.Data()
	a := len(sh) - (maxPlateNesting + 1) // the particle axis
	n := len(lw)
	for i := 0; i < a; i++ {
		if sh[i] != 1 {
			panic(&poutine.Error{Site: s.Name, Msg: fmt.Sprintf("log density of shape %v has batch dimensions left of the particle plate at dim %d: declare every batch dimension with a plate and raise max_plate_nesting (%d)", cpShape(sh), -(maxPlateNesting + 1), maxPlateNesting)})
		}
	}
	if a < 0 || sh[a] == 1 {
		// constant along the particle dimension: every particle gets the sum
		tot := 0.0
		for _, x := range data {
			tot += x
		}
		for p := range lw {
			lw[p] += sign * tot
		}
		return
	}
	if sh[a] != n {
		panic(&poutine.Error{Site: s.Name, Msg: fmt.Sprintf("log density of shape %v has size %d at the particle dim %d, want %d", cpShape(sh), sh[a], -(maxPlateNesting + 1), n)})
	}
	inner := len(data) / n
	for p := range lw {
		tot := 0.0
		for _, x := range data[p*inner : (p+1)*inner] {
			tot += x
		}
		lw[p] += sign * tot
	}
}
