package poutine

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/tensor"
)

// This file holds the handlers beyond the core set of handlers.go: do,
// lift, substitute, broadcast, escape, reparam and block_plate.

// checkValueShape verifies that a value set by a handler (op) at a sample
// site has the shape batch+event of the site's distribution (its leading
// dimensions must broadcast with the batch shape).
func checkValueShape(op, name string, d dist.Distribution, v ad.V) {
	vs, ev, bs := v.Shape(), d.EventShape(), d.BatchShape()
	bad := len(vs) < len(ev)
	for i := 0; !bad && i < len(ev); i++ {
		bad = vs[len(vs)-len(ev)+i] != ev[i]
	}
	if !bad {
		vb := vs[:len(vs)-len(ev)]
		for i := 1; i <= len(vb) && i <= len(bs); i++ {
			a, b := vb[len(vb)-i], bs[len(bs)-i]
			if a != b && a != 1 && b != 1 {
				bad = true
			}
		}
	}
	if bad {
		failSite(name, "%s: value of shape %v does not fit %s with batch shape %v and event shape %v", op, cpInts(vs), d.Name(), cpInts(bs), cpInts(ev))
	}
}

// constOf records d on t: a 0-dim tensor as a plain scalar constant
// (copying one number is cheaper than referencing it, and scalar fast paths
// read scalars from the tape's own storage), anything else by reference,
// without copying.
func constOf(t *ad.Tape, d *tensor.Dense) ad.V {
	if len(d.Shape()) == 0 {
		return t.Scalar(d.Data()[0])
	}
	return t.ConstRef(d.Shape(), d.Data())
}

func checkData(op string, data map[string]*tensor.Dense) {
	for name, d := range data {
		if d == nil || !d.IsContiguous() {
			panic(&Error{Site: name, Msg: op + ": value is nil or not contiguous"})
		}
	}
}

// ---------------------------------------------------------------------------
// do

// DoHandler performs interventions (Pyro's do, Pyro ≥ 1.8 behaviour): at a
// sample site named in the data, the model receives the intervention value
// as if it were hard-coded, and a fresh sample site with the original name
// is introduced whose value does not propagate into the model.
//
// Concretely, as Pyro's DoMessenger: the message is split. A copy with the
// original name is sent through the whole handler stack from the start (so
// outer handlers trace, condition or replay it as an ordinary site, and it
// is sampled unless something else sets its value); the original message is
// renamed "<name>__CF", gets the intervention as an observed value and
// stops, so only handlers inside the do handler (e.g. a trace inside it)
// see it. Composed with Condition this expresses counterfactual queries
// (single world intervention graphs).
//
// Differences from Pyro, both deliberate: the fresh copy starts with scale
// 1 and no mask (Pyro copies the scale already multiplied by the plates
// inside the handler, and those plates then scale it a second time), and a
// second do handler intervening on the same site is not warned about.
type DoHandler struct {
	// Runtime is the runtime the fresh sites are sent through. Do sets it
	// on each run; set it when pushing the handler yourself.
	Runtime *Runtime
	data    map[string]doEntry
	fresh   *Msg // the split copy in flight, which this handler must not split again
}

type doEntry struct {
	value  *tensor.Dense
	cfName string
}

// NewDoHandler returns a do handler for data (site name → intervention).
// Tensors must be contiguous and unchanged while models run; a nil or
// non-contiguous value panics with *Error naming the site.
func NewDoHandler(r *Runtime, data map[string]*tensor.Dense) *DoHandler {
	checkData("do", data)
	h := &DoHandler{Runtime: r, data: make(map[string]doEntry, len(data))}
	for name, v := range data {
		h.data[name] = doEntry{value: v, cfName: name + "__CF"}
	}
	return h
}

func (h *DoHandler) Process(m *Msg) {
	if m.Type != TypeSample || m == h.fresh {
		return
	}
	e, ok := h.data[m.Name]
	if !ok {
		return
	}
	r := h.Runtime
	if r == nil {
		failSite(m.Name, "do: the handler has no Runtime (set DoHandler.Runtime when pushing it directly)")
	}
	if m.Fn == nil {
		failSite(m.Name, "do: sample site has no distribution")
	}
	v := constOf(m.Fn.Tape(), e.value)
	checkValueShape("do", m.Name, m.Fn, v)
	// Split the node: a fresh copy with the original name goes through the
	// whole stack (its plates re-enter from scratch).
	nm := r.NewMsg()
	*nm = *m
	nm.NStack = 0
	nm.Scale = 1
	nm.ScaleV, nm.Mask = ad.V{}, ad.V{}
	nm.Stop = false
	nm.Continuation = nil
	nm.LogProb, nm.LogProbSum, nm.lpDone = ad.V{}, ad.V{}, false
	prev := h.fresh
	h.fresh = nm
	r.Apply(nm)
	h.fresh = prev
	// Apply the intervention to the original message.
	m.Name = e.cfName
	m.Value = v
	m.IsObserved = true
	m.Stop = true
}
func (h *DoHandler) Postprocess(*Msg) {}

// Do runs model with the sample sites named in data intervened on (Pyro's
// poutine.do; see DoHandler for the exact semantics).
func Do(model Model, data map[string]*tensor.Dense) Model {
	h := NewDoHandler(nil, data)
	return func(r *Runtime) {
		h.Runtime = r
		r.Push(h)
		model(r)
		r.Pop(h)
	}
}

// ---------------------------------------------------------------------------
// lift

// PriorFn builds a prior distribution on the tape t (distributions live on
// a tape and are valid for one run, so priors are given as constructors).
type PriorFn func(t *ad.Tape) dist.Distribution

// LiftHandler turns param sites into sample sites drawn from a prior
// (Pyro's lift). With All set, every param site is lifted with All's
// prior; otherwise the sites named in Priors are, and other params are
// untouched. A param used twice in one run is sampled once: the second use
// is observed at the first value and stops, as in Pyro.
//
// A prior whose batch and event shapes are both empty is expanded to the
// parameter's shape; any other prior must produce values of exactly the
// parameter's shape (batch + event), else the site fails with *Error.
type LiftHandler struct {
	All    PriorFn
	Priors map[string]PriorFn
	cache  map[string]*Msg
}

// ResetRun forgets the params seen in the current run (called at the start
// of each run by Lift and by Queue after a nonlocal exit).
func (h *LiftHandler) ResetRun() {
	if h.cache == nil {
		h.cache = make(map[string]*Msg)
	}
	clear(h.cache)
}

func (h *LiftHandler) Process(m *Msg) {
	if m.Type != TypeParam {
		return
	}
	prior := h.All
	if prior == nil {
		prior = h.Priors[m.Name]
		if prior == nil {
			return
		}
	}
	if h.cache == nil {
		h.cache = make(map[string]*Msg)
	}
	shape := m.Value.Shape()
	t := m.Value.Tape()
	d := prior(t)
	if d == nil {
		failSite(m.Name, "lift: prior returned a nil distribution")
	}
	if len(d.BatchShape()) == 0 && len(d.EventShape()) == 0 {
		if len(shape) > 0 {
			d = d.Expand(shape...)
		}
	} else if !sameShape2(d.BatchShape(), d.EventShape(), shape) {
		failSite(m.Name, "lift: prior %s has batch shape %v and event shape %v, but the param has shape %v", d.Name(), cpInts(d.BatchShape()), cpInts(d.EventShape()), cpInts(shape))
	}
	m.Type = TypeSample
	m.Fn = d
	m.Infer = InferConfig{}
	m.Constraint = nil
	m.Unconstrained = ad.V{}
	if prev, ok := h.cache[m.Name]; ok {
		m.Value = prev.Value
		m.IsObserved = true
		m.Stop = true
		return
	}
	h.cache[m.Name] = m
	m.Value = ad.V{}
	m.Done = false
	m.IsObserved = false
}
func (h *LiftHandler) Postprocess(*Msg) {}

func sameShape2(a, b, s []int) bool {
	if len(a)+len(b) != len(s) {
		return false
	}
	for i, x := range a {
		if s[i] != x {
			return false
		}
	}
	for i, x := range b {
		if s[len(a)+i] != x {
			return false
		}
	}
	return true
}

// Lift runs model with the param sites named in priors replaced by sample
// sites drawn from their priors (Pyro's lift with a dict prior).
func Lift(model Model, priors map[string]PriorFn) Model {
	for name, p := range priors {
		if p == nil {
			panic(&Error{Site: name, Msg: "lift: nil prior"})
		}
	}
	h := &LiftHandler{Priors: priors}
	return liftModel(model, h)
}

// LiftAll runs model with every param site replaced by a sample site drawn
// from prior (Pyro's lift with a Distribution prior).
func LiftAll(model Model, prior PriorFn) Model {
	if prior == nil {
		panic(&Error{Msg: "lift: nil prior"})
	}
	return liftModel(model, &LiftHandler{All: prior})
}

func liftModel(model Model, h *LiftHandler) Model {
	return func(r *Runtime) {
		h.ResetRun()
		r.Push(h)
		model(r)
		r.Pop(h)
	}
}

// ---------------------------------------------------------------------------
// substitute

// SubstituteHandler replaces the values of param and sample sites (NumPyro's
// substitute; Pyro's substitute acts on param sites only — set ParamsOnly
// for that). The value comes from Data by name (plain tensors, recorded
// without copying) or, for names not in Data, from Fn (an invalid V means
// "leave the site alone"). A substituted sample site is not observed: it
// keeps its distribution and is scored at the substituted value. A
// substituted param site no longer refers to a trainable leaf
// (Msg.Unconstrained is cleared).
type SubstituteHandler struct {
	Data       map[string]*tensor.Dense
	Fn         func(m *Msg) ad.V
	ParamsOnly bool
}

func (h *SubstituteHandler) Process(m *Msg) {
	var t *ad.Tape
	switch m.Type {
	case TypeParam:
		t = m.Value.Tape()
	case TypeSample:
		if h.ParamsOnly || m.Fn == nil {
			return
		}
		t = m.Fn.Tape()
	default:
		return
	}
	var v ad.V
	if d, ok := h.Data[m.Name]; ok {
		v = constOf(t, d)
	} else if h.Fn != nil {
		v = h.Fn(m)
	}
	if !v.Valid() {
		return
	}
	if v.Tape() != t {
		failSite(m.Name, "substitute: value is recorded on a different tape than the site")
	}
	if m.Type == TypeParam {
		if !sameShape2(v.Shape(), nil, m.Value.Shape()) {
			failSite(m.Name, "substitute: value of shape %v for a param of shape %v", cpInts(v.Shape()), cpInts(m.Value.Shape()))
		}
		m.Value = v
		m.Unconstrained = ad.V{}
		return
	}
	checkValueShape("substitute", m.Name, m.Fn, v)
	m.Value = v
}
func (h *SubstituteHandler) Postprocess(*Msg) {}

// Substitute runs model with the param and sample sites named in data set
// to data's values. Tensors must be contiguous and unchanged while the
// model runs.
func Substitute(model Model, data map[string]*tensor.Dense) Model {
	checkData("substitute", data)
	return wrap(model, &SubstituteHandler{Data: data})
}

// SubstituteFn runs model with site values from fn (NumPyro's
// substitute_fn): fn sees each param and sample message and returns the
// value to use, or the zero V to leave the site alone.
func SubstituteFn(model Model, fn func(m *Msg) ad.V) Model {
	if fn == nil {
		panic(&Error{Msg: "substitute: nil substitute function"})
	}
	return wrap(model, &SubstituteHandler{Fn: fn})
}

// ---------------------------------------------------------------------------
// broadcast

// BroadcastHandler expands each sample site's distribution to the batch
// shape its enclosing vectorized plates require (Pyro's broadcast). gyro's
// Plate already broadcasts sites as it sees them; Broadcast is for
// distributions set after the plates have processed a message (for example
// by Lift inside a plate, or a custom handler) and for frames added by
// custom handlers. A batch dimension that is neither 1 nor the plate's
// (subsample) size fails with *Error naming the site and the plate.
type BroadcastHandler struct {
	buf [2 * MaxPlates]int // heap-resident target shape: Expand's variadic slice does not allocate
}

func (h *BroadcastHandler) Process(m *Msg) {
	if m.Done || m.Type != TypeSample || m.Fn == nil {
		return
	}
	d := m.Fn
	bs := d.BatchShape()
	n := len(bs)
	for _, f := range m.Plates() {
		if f.Vectorized && f.Dim < 0 && -f.Dim > n {
			n = -f.Dim
		}
	}
	if n > len(h.buf) {
		failSite(m.Name, "broadcast: batch shape %v has more than %d dimensions", cpInts(bs), len(h.buf))
	}
	target := h.buf[:n]
	// 0 marks "not fixed by a plate yet" (Pyro's None)
	for i := range target {
		target[i] = 0
	}
	for i, x := range bs {
		if x != 1 {
			target[n-len(bs)+i] = x
		}
	}
	for _, f := range m.Plates() {
		if !f.Vectorized || f.Dim >= 0 {
			continue
		}
		j := n + f.Dim
		if target[j] != 0 && target[j] != f.Subsample {
			failSite(m.Name, "broadcast: shape mismatch inside plate %q at dim %d: %d vs %d", f.Name, f.Dim, f.Subsample, target[j])
		}
		target[j] = f.Subsample
	}
	changed := n != len(bs)
	for i := range target {
		if target[i] == 0 {
			target[i] = 1
		}
		if !changed && target[i] != bs[i] {
			changed = true
		}
	}
	if changed {
		m.Fn = d.Expand(target...)
	}
}
func (h *BroadcastHandler) Postprocess(*Msg) {}

// Broadcast runs model with sample distributions broadcast to their
// enclosing plates (Pyro's poutine.broadcast).
func Broadcast(model Model) Model { return wrap(model, &BroadcastHandler{}) }

// ---------------------------------------------------------------------------
// escape

// NonlocalExit is the error a model run panics with when an escape handler
// exits at a site (Pyro's NonlocalExit). Site is the message at which the
// run stopped: its Fn and Infer are set, its Value is not; it is the
// runtime's pooled message, valid until the runtime is Reset. Entry points
// that recover errors (Tracer.Get, Catch) return it as an error; test for
// it with errors.As.
type NonlocalExit struct {
	Site *Msg
}

func (e *NonlocalExit) Error() string {
	return fmt.Sprintf("poutine: nonlocal exit at site %q", e.Site.Name)
}

// EscapeHandler makes a nonlocal exit at every sample site for which
// EscapeFn returns true (Pyro's EscapeMessenger): the site is marked done
// and stopped (no value is drawn and no handler outside sees it), and
// after the handlers inside have post-processed it the run panics with
// *NonlocalExit carrying the site.
type EscapeHandler struct {
	EscapeFn func(m *Msg) bool
	cont     func(m *Msg)
}

func escapeContinuation(m *Msg) { panic(&NonlocalExit{Site: m}) }

func (h *EscapeHandler) Process(m *Msg) {
	if m.Type != TypeSample || h.EscapeFn == nil || !h.EscapeFn(m) {
		return
	}
	m.Done = true
	m.Stop = true
	m.Continuation = escapeContinuation
}
func (h *EscapeHandler) Postprocess(*Msg) {}

// Escape runs model with nonlocal exits where escapeFn says so.
func Escape(model Model, escapeFn func(m *Msg) bool) Model {
	if escapeFn == nil {
		panic(&Error{Msg: "escape: nil escape function"})
	}
	return wrap(model, &EscapeHandler{EscapeFn: escapeFn})
}

// ---------------------------------------------------------------------------
// reparam

// ReparamMessage is what a reparameterizer sees of a site and what it
// returns (Pyro passes the same four keys): the site's name, distribution,
// value (the zero V when not yet set) and whether it is observed.
type ReparamMessage struct {
	Name       string
	Fn         dist.Distribution
	Value      ad.V
	IsObserved bool
}

// Reparameterizer transforms a sample site into auxiliary sample sites and
// a deterministic transformation (Pyro's Reparam). Apply may sample
// auxiliary sites through r (r.Sample); it returns the site's new
// distribution, value and observedness. A reparameterizer that draws the
// value itself returns IsObserved true and a distribution with zero log
// density (as Pyro's pyro.deterministic), so the site stays visible in
// traces without being scored twice.
type Reparameterizer interface {
	Apply(r *Runtime, msg ReparamMessage) ReparamMessage
}

// ReparamHandler applies reparameterizers to sample sites (Pyro's reparam):
// Config maps site names to reparameterizers; ConfigFn, when set, is asked
// for sites not in Config (nil: leave the site alone). Sites sampled by a
// reparameterizer while it runs are not themselves reparameterized by the
// same handler (so a strategy matching every Normal site cannot recurse
// into the auxiliary Normal it creates).
type ReparamHandler struct {
	Config   map[string]Reparameterizer
	ConfigFn func(m *Msg) Reparameterizer
	// Runtime is passed to the reparameterizers. Reparam sets it on each
	// run; set it when pushing the handler yourself.
	Runtime *Runtime
	active  int
}

func (h *ReparamHandler) Process(m *Msg) {
	if m.Type != TypeSample || m.Fn == nil || h.active > 0 || SiteIsSubsample(m) {
		return
	}
	rp := h.Config[m.Name]
	if rp == nil && h.ConfigFn != nil {
		rp = h.ConfigFn(m)
	}
	if rp == nil {
		return
	}
	if h.Runtime == nil {
		failSite(m.Name, "reparam: the handler has no Runtime (set ReparamHandler.Runtime when pushing it directly)")
	}
	h.active++
	out := rp.Apply(h.Runtime, ReparamMessage{Name: m.Name, Fn: m.Fn, Value: m.Value, IsObserved: m.IsObserved})
	h.active--
	if out.Fn == nil {
		failSite(m.Name, "reparam: reparameterizer returned a nil distribution")
	}
	if out.Value.Valid() && m.Value.Valid() && out.Value != m.Value && !sameShape2(out.Value.Shape(), nil, m.Value.Shape()) {
		failSite(m.Name, "reparam: reparameterizer changed the value's shape from %v to %v", cpInts(m.Value.Shape()), cpInts(out.Value.Shape()))
	}
	m.Fn = out.Fn
	m.Value = out.Value
	m.IsObserved = out.IsObserved
}
func (h *ReparamHandler) Postprocess(*Msg) {}

// Reparam runs model with the sites named in config reparameterized.
func Reparam(model Model, config map[string]Reparameterizer) Model {
	for name, rp := range config {
		if rp == nil {
			panic(&Error{Site: name, Msg: "reparam: nil reparameterizer"})
		}
	}
	return reparamModel(model, &ReparamHandler{Config: config})
}

// ReparamFn runs model with each sample site reparameterized by
// configFn(site) (nil: left alone), Pyro's callable config.
func ReparamFn(model Model, configFn func(m *Msg) Reparameterizer) Model {
	if configFn == nil {
		panic(&Error{Msg: "reparam: nil config function"})
	}
	return reparamModel(model, &ReparamHandler{ConfigFn: configFn})
}

func reparamModel(model Model, h *ReparamHandler) Model {
	return func(r *Runtime) {
		h.Runtime = r
		h.active = 0
		r.Push(h)
		model(r)
		r.Pop(h)
	}
}

// LocScaleReparam is Pyro's LocScaleReparam with a fixed centering
// (Gorinova, Moore & Hoffman 2019): a site x ~ F(loc, scale) of a
// location-scale family F (Normal, Cauchy, Laplace, StudentT — whose df is
// kept — optionally wrapped by ToEvent/Independent) becomes
//
//	x_decentered ~ F(c·loc, scale^c)
//	x = loc + scale^(1-c)·(x_decentered - c·loc)
//
// with the auxiliary site named "<name>_decentered" and x recorded as a
// deterministic site (a Delta at x, masked out, observed). Centered c = 0
// is the fully non-centred parameterization x = loc + scale·z, z ~ F(0, 1);
// c = 1 leaves the site unchanged. A site whose value is already set (an
// observation, or a value set by an inner handler) is inverted
// differentiably and the auxiliary site observed at the inverse, as Pyro.
// Pyro's learnable centering (centered=None) needs a constrained param and
// is not offered here.
type LocScaleReparam struct {
	Centered float64
	names    map[string]string
}

// NewLocScaleReparam returns a reparameterizer with the given centering in
// [0, 1]; it panics with *Error outside that range.
func NewLocScaleReparam(centered float64) *LocScaleReparam {
	if !(centered >= 0 && centered <= 1) {
		panic(&Error{Msg: fmt.Sprintf("LocScaleReparam: centered must be in [0, 1], got %v", centered)})
	}
	return &LocScaleReparam{Centered: centered, names: map[string]string{}}
}

func (p *LocScaleReparam) auxName(name string) string {
	if p.names == nil {
		p.names = map[string]string{}
	}
	s, ok := p.names[name]
	if !ok {
		s = name + "_decentered"
		p.names[name] = s
	}
	return s
}

// Apply implements Reparameterizer.
func (p *LocScaleReparam) Apply(r *Runtime, msg ReparamMessage) ReparamMessage {
	c := p.Centered
	if !(c >= 0 && c <= 1) {
		failSite(msg.Name, "LocScaleReparam: centered must be in [0, 1], got %v", c)
	}
	if c == 1 {
		return msg
	}
	fn, eventDim := msg.Fn, 0
	if ind, ok := fn.(*dist.IndependentDist); ok {
		fn, eventDim = ind.Base, ind.ReinterpretedBatchNdims
	}
	t := fn.Tape()
	var loc, scale, df ad.V
	family := fn.Name()
	switch d := fn.(type) {
	case *dist.NormalDist:
		loc, scale = d.Loc, d.Scale
	case *dist.CauchyDist:
		loc, scale = d.Loc, d.Scale
	case *dist.LaplaceDist:
		loc, scale = d.Loc, d.Scale
	case *dist.StudentTDist:
		loc, scale, df = d.Loc, d.Scale, d.Df
	default:
		failSite(msg.Name, "LocScaleReparam: %s is not a supported location-scale distribution (Normal, Cauchy, Laplace, StudentT)", family)
	}
	var cloc, cscale ad.V
	if c == 0 {
		cloc, cscale = t.MulConst(loc, 0), t.PowConst(scale, 0)
	} else {
		cloc, cscale = t.MulConst(loc, c), t.PowConst(scale, c)
	}
	var dec dist.Distribution
	switch family {
	case "Normal":
		dec = dist.Normal(cloc, cscale)
	case "Cauchy":
		dec = dist.Cauchy(cloc, cscale)
	case "Laplace":
		dec = dist.Laplace(cloc, cscale)
	case "StudentT":
		dec = dist.StudentT(df, cloc, cscale)
	}
	if bs := fn.BatchShape(); !sameShape2(dec.BatchShape(), nil, bs) {
		dec = dec.Expand(bs...)
	}
	if eventDim > 0 {
		dec = dist.ToEvent(dec, eventDim)
	}
	aux := p.auxName(msg.Name)
	var z ad.V
	if msg.Value.Valid() {
		// differentiable inverse of the transform
		delta := t.Sub(msg.Value, loc)
		if c != 1 {
			delta = t.Mul(delta, t.PowConst(scale, c-1))
		}
		zv := delta
		if c != 0 {
			zv = t.Add(delta, cloc)
		}
		z = r.Sample(aux, dec, Obs(zv))
	} else {
		z = r.Sample(aux, dec)
	}
	value := msg.Value
	if !value.Valid() {
		delta := z
		if c != 0 {
			delta = t.Sub(z, cloc)
		}
		sc := scale
		if c != 0 {
			sc = t.PowConst(scale, 1-c)
		}
		value = t.Add(loc, t.Mul(sc, delta))
	}
	return ReparamMessage{Name: msg.Name, Fn: dist.MaskBool(dist.Delta(value, ad.V{}, eventDim), false), Value: value, IsObserved: true}
}

// ---------------------------------------------------------------------------
// block_plate

// BlockPlate runs body with one enclosing plate temporarily removed from
// the handler stack (Pyro's block_plate): sites in body are not in that
// plate (no frame, no broadcast, no subsample scaling). Select the plate by
// name (dim 0) or by its negative dim (name ""); exactly one must be
// given. With strict, anything other than exactly one matching enclosing
// plate panics with *Error; without it, every match is blocked (possibly
// none). The plate's dimension stays reserved while body runs, as in Pyro.
func BlockPlate(r *Runtime, name string, dim int, strict bool, body func()) {
	if (name != "") == (dim != 0) {
		panic(&Error{Site: name, Msg: "block_plate: exactly one of name and dim must be given"})
	}
	if dim > 0 {
		panic(&Error{Msg: fmt.Sprintf("block_plate: dim must be negative, got %d", dim)})
	}
	var idx [MaxPlates + 1]int
	var hs [MaxPlates + 1]Handler
	n := 0
	for i, h := range r.stack {
		p, ok := h.(*plateHandler)
		if !ok {
			continue
		}
		if (name != "" && p.frame.Name == name) || (dim != 0 && p.frame.Vectorized && p.frame.Dim == dim) {
			if n == len(idx) {
				break
			}
			idx[n], hs[n] = i, h
			n++
		}
	}
	if strict && n != 1 {
		what := name
		if what == "" {
			what = fmt.Sprintf("dim %d", dim)
		}
		panic(&Error{Site: name, Msg: fmt.Sprintf("block_plate matched %d enclosing plates for %s (want exactly 1; use strict=false to allow this)", n, what)})
	}
	if n == 0 {
		body()
		return
	}
	// remove matches (from the top so indices stay valid)
	for k := n - 1; k >= 0; k-- {
		i := idx[k]
		copy(r.stack[i:], r.stack[i+1:])
		r.stack[len(r.stack)-1] = nil
		r.stack = r.stack[:len(r.stack)-1]
	}
	defer func() {
		for k := 0; k < n; k++ {
			i := idx[k]
			if i > len(r.stack) {
				i = len(r.stack)
			}
			r.stack = append(r.stack, nil)
			copy(r.stack[i+1:], r.stack[i:])
			r.stack[i] = hs[k]
		}
	}()
	body()
}
