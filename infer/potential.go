package infer

import (
	"errors"
	"fmt"
	"math"
	"sort"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/dist/transforms"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// LatentSite describes one unobserved sample site of a model as MCMC (and
// the autoguides) see it: where its unconstrained coordinates sit in the
// flat vector, and the bijection onto its support.
type LatentSite struct {
	Name      string
	Shape     []int // constrained value shape
	UShape    []int // unconstrained shape
	Offset    int   // first index in the flat unconstrained vector
	Size      int   // number of unconstrained coordinates
	Transform transforms.Transform
	// Plates are the site's vectorized plates, outermost first; EventDim is
	// its distribution's event dimension; Support its support.
	Plates   []poutine.CondIndepFrame
	EventDim int
	Support  constraints.Constraint
}

// ModelPotential turns a gyro model into a potential energy on a flat
// unconstrained vector: U(x) = −(log p(constrained(x), data) + log|det J|),
// the function HMC and NUTS integrate. Latent sites are found by tracing
// the model once; their supports are mapped with transforms.BijectTo.
// Observed sites stay fixed and plates are respected through the model's
// own log density. A ModelPotential owns a runtime and is not safe for
// concurrent use: give each chain its own (Clone).
type ModelPotential struct {
	model  poutine.Model
	r      *poutine.Runtime
	sites  []LatentSite
	byName map[string]int
	dim    int
	tracer *poutine.Tracer
	h      latentHandler
}

// latentHandler sets latent sites' values from the flat vector during a
// potential evaluation.
type latentHandler struct {
	p    *ModelPotential
	x    ad.V // the flat unconstrained parameter on the tape
	ladj ad.V // accumulated log|det J|
	seen int
}

func (h *latentHandler) Process(m *poutine.Msg) {
	if m.Type != poutine.TypeSample || m.IsObserved {
		return
	}
	k, ok := h.p.byName[m.Name]
	if !ok {
		panic(&poutine.Error{Site: m.Name, Msg: "latent site not seen when the model was first traced (models must have a fixed set of latent sites for MCMC)"})
	}
	s := &h.p.sites[k]
	t := h.x.Tape()
	u := t.Slice(h.x, s.Offset, s.Offset+s.Size)
	if len(s.UShape) != 1 {
		u = t.Reshape(u, s.UShape...)
	}
	y := s.Transform.Forward(u)
	if !sameShape(y.Shape(), s.Shape) {
		y = t.Reshape(y, s.Shape...)
	}
	if s.Transform != transforms.Identity {
		ld := s.Transform.LogAbsDetJacobian(u, y)
		if !ld.IsScalar() {
			ld = t.Sum(ld)
		}
		h.ladj = t.Add(h.ladj, ld)
	}
	m.Value = y
	m.Done = true
	h.seen++
}

func (h *latentHandler) Postprocess(*poutine.Msg) {}

func sameShape(a, b []int) bool {
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

// ErrNoLatent is returned for a model without latent sites.
var ErrNoLatent = errors.New("infer: the model has no latent sample sites")

// NewModelPotential traces model once (drawing latent values from the
// prior with a runtime seeded by seed) to find its latent sites. Discrete
// latent sites are an error until enumeration exists.
func NewModelPotential(model poutine.Model, seed uint64) (*ModelPotential, error) {
	p := &ModelPotential{model: model, r: poutine.NewRuntime(seed), byName: map[string]int{}}
	p.r.Reset()
	tr, err := poutine.TraceOf(model).Get(p.r)
	if err != nil {
		return nil, err
	}
	for _, s := range tr.Sites() {
		if s.Type != poutine.TypeSample || s.IsObserved {
			continue
		}
		if s.Fn.Support().IsDiscrete() {
			return nil, &poutine.Error{Site: s.Name, Msg: fmt.Sprintf("discrete latent site (%s, support %s): MCMC needs continuous latent sites until enumeration is implemented", s.Fn.Name(), s.Fn.Support().Name())}
		}
		tf, err := transforms.BijectTo(s.Fn.Support())
		if err != nil {
			return nil, &poutine.Error{Site: s.Name, Msg: err.Error()}
		}
		shape := append([]int{}, s.Value.Shape()...)
		us, err := tf.InverseShape(shape)
		if err != nil {
			return nil, &poutine.Error{Site: s.Name, Msg: err.Error()}
		}
		ushape := append([]int{}, us.Slice()...)
		size := 1
		for _, d := range ushape {
			size *= d
		}
		p.byName[s.Name] = len(p.sites)
		var plates []poutine.CondIndepFrame
		for _, f := range s.Plates() {
			if f.Vectorized {
				plates = append(plates, f)
			}
		}
		p.sites = append(p.sites, LatentSite{Name: s.Name, Shape: shape, UShape: ushape, Offset: p.dim, Size: size, Transform: tf,
			Plates: plates, EventDim: len(s.Fn.EventShape()), Support: s.Fn.Support()})
		p.dim += size
	}
	if len(p.sites) == 0 {
		return nil, ErrNoLatent
	}
	p.h.p = p
	p.tracer = poutine.TraceOf(func(r *poutine.Runtime) {
		r.Push(&p.h)
		model(r)
		r.Pop(&p.h)
	})
	return p, nil
}

// Clone returns an independent potential for the same model (own runtime
// and tape), for running chains in parallel.
func (p *ModelPotential) Clone(seed uint64) *ModelPotential {
	q := &ModelPotential{model: p.model, r: poutine.NewRuntime(seed), sites: p.sites, byName: p.byName, dim: p.dim}
	q.h.p = q
	model := p.model
	q.tracer = poutine.TraceOf(func(r *poutine.Runtime) {
		r.Push(&q.h)
		model(r)
		r.Pop(&q.h)
	})
	return q
}

// Dim is the number of unconstrained coordinates.
func (p *ModelPotential) Dim() int { return p.dim }

// Sites lists the latent sites in model order.
func (p *ModelPotential) Sites() []LatentSite { return p.sites }

// Runtime is the potential's runtime (its tape holds the last evaluation).
func (p *ModelPotential) Runtime() *poutine.Runtime { return p.r }

// Potential evaluates U(x) and writes ∇U into grad (len(grad) == Dim()). A
// model error panics with the error (MCMC entry points recover it).
// After warm-up it allocates nothing.
//
// A point where a distribution rejects its parameters (a *dist.Error: for
// example a scale that underflowed to 0 far out in unconstrained space)
// has U = +Inf and a zero gradient, as Stan treats a domain error in the
// log density: the sampler rejects the proposal (a divergence) instead of
// stopping the run. Other errors panic.
func (p *ModelPotential) Potential(x, grad []float64) (u float64) {
	defer func() {
		if r := recover(); r != nil {
			if isDomainError(r) {
				clear(grad)
				u = math.Inf(1)
				return
			}
			panic(r)
		}
	}()
	lp := p.record(x)
	uv := p.r.Neg(lp)
	p.r.Backward(uv)
	p.r.GradInto(grad, p.h.x)
	return uv.Value()
}

// isDomainError reports whether a recovered panic is a distribution
// rejecting its parameters or value (possibly wrapped by poutine).
func isDomainError(r any) bool {
	err, ok := r.(error)
	if !ok {
		return false
	}
	var de *dist.Error
	return errors.As(err, &de)
}

// LogDensity evaluates log p(constrained(x)) + log|det J| without a
// gradient.
func (p *ModelPotential) LogDensity(x []float64) float64 { return p.record(x).Value() }

func (p *ModelPotential) record(x []float64) ad.V {
	if len(x) != p.dim {
		panic(&poutine.Error{Msg: fmt.Sprintf("potential: x has %d coordinates, the model has %d", len(x), p.dim)})
	}
	r := p.r
	r.Reset()
	p.h.x = r.ParamVec(x)
	p.h.ladj = r.Scalar(0)
	p.h.seen = 0
	tr, err := p.tracer.Get(r)
	if err != nil {
		panic(err)
	}
	if p.h.seen != len(p.sites) {
		panic(&poutine.Error{Msg: fmt.Sprintf("potential: the model sampled %d latent sites, %d when first traced", p.h.seen, len(p.sites))})
	}
	return r.Add(tr.LogProbSum(r.Tape, nil), p.h.ladj)
}

// Constrain maps the unconstrained vector x to each latent site's
// constrained value, appended to dst per site (dst[k] for site k).
func (p *ModelPotential) Constrain(x []float64, dst [][]float64) [][]float64 {
	if len(dst) < len(p.sites) {
		dst = append(dst, make([][]float64, len(p.sites)-len(dst))...)
	}
	t := ad.NewTape()
	for k := range p.sites {
		s := &p.sites[k]
		u := t.Const(s.UShape, x[s.Offset:s.Offset+s.Size])
		y := s.Transform.Forward(u)
		dst[k] = append(dst[k], y.Data()...)
	}
	return dst
}

// Unconstrain maps constrained values (by site name) into x; sites missing
// from values are left as they are in x.
func (p *ModelPotential) Unconstrain(values map[string]*tensor.Dense, x []float64) error {
	t := ad.NewTape()
	for k := range p.sites {
		s := &p.sites[k]
		v, ok := values[s.Name]
		if !ok {
			continue
		}
		c := v.Contiguous()
		if !sameShape(c.Shape(), s.Shape) {
			return &poutine.Error{Site: s.Name, Msg: fmt.Sprintf("initial value has shape %v, the site has %v", c.Shape(), s.Shape)}
		}
		var bad error
		err := poutine.Catch(func() {
			if ok, i := s.Transform.Codomain().Check(c.Data(), c.Shape()); !ok {
				bad = &poutine.Error{Site: s.Name, Msg: fmt.Sprintf("initial value %v (flat index %d) is outside the support %s", c.Data()[i], i, s.Transform.Codomain().Name())}
				return
			}
			u := s.Transform.Inverse(t.Const(c.Shape(), c.Data()))
			copy(x[s.Offset:s.Offset+s.Size], u.Data())
		})
		if bad != nil {
			return bad
		}
		if err != nil {
			return &poutine.Error{Site: s.Name, Msg: err.Error()}
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// initialization strategies

// InitStrategy chooses an initial unconstrained point for a model
// potential (Pyro's init_to_* functions).
type InitStrategy interface {
	Init(p *ModelPotential, rng *dist.RNG, x []float64) error
}

// InitToFeasible starts every unconstrained coordinate at 0 (Pyro's
// init_to_feasible: the image of the origin under each site's bijection).
type InitToFeasible struct{}

func (InitToFeasible) Init(p *ModelPotential, rng *dist.RNG, x []float64) error {
	clear(x)
	return nil
}

// InitToUniform draws every unconstrained coordinate uniformly from
// (−Radius, Radius) (Pyro's init_to_uniform; radius 2 by default, the MCMC
// default).
type InitToUniform struct{ Radius float64 }

func (s InitToUniform) Init(p *ModelPotential, rng *dist.RNG, x []float64) error {
	rad := s.Radius
	if rad == 0 {
		rad = 2
	}
	if !(rad > 0) {
		return fmt.Errorf("infer: init_to_uniform: radius must be positive, got %v", rad)
	}
	for i := range x {
		x[i] = (2*rng.Float64() - 1) * rad
	}
	return nil
}

// InitToValue starts named sites at given constrained values and the rest
// with Fallback (InitToUniform{} when nil).
type InitToValue struct {
	Values   map[string]*tensor.Dense
	Fallback InitStrategy
}

func (s InitToValue) Init(p *ModelPotential, rng *dist.RNG, x []float64) error {
	fb := s.Fallback
	if fb == nil {
		fb = InitToUniform{}
	}
	if err := fb.Init(p, rng, x); err != nil {
		return err
	}
	for name := range s.Values {
		if _, ok := p.byName[name]; !ok {
			return &poutine.Error{Site: name, Msg: "init_to_value: the model has no latent site with this name"}
		}
	}
	return p.Unconstrain(s.Values, x)
}

// InitToMedian starts each site at the median of NumSamples prior draws
// (Pyro's init_to_median, default 15), elementwise in unconstrained space.
type InitToMedian struct{ NumSamples int }

func (s InitToMedian) Init(p *ModelPotential, rng *dist.RNG, x []float64) error {
	n := s.NumSamples
	if n <= 0 {
		n = 15
	}
	draws := make([][]float64, n)
	for i := range draws {
		draws[i] = make([]float64, len(x))
		if err := priorDraw(p, rng, draws[i]); err != nil {
			return err
		}
	}
	col := make([]float64, n)
	for j := range x {
		for i := range draws {
			col[i] = draws[i][j]
		}
		sort.Float64s(col)
		if n%2 == 1 {
			x[j] = col[n/2]
		} else {
			x[j] = 0.5 * (col[n/2-1] + col[n/2])
		}
	}
	return nil
}

// InitToSample starts at one draw from the prior (Pyro's init_to_sample).
type InitToSample struct{}

func (InitToSample) Init(p *ModelPotential, rng *dist.RNG, x []float64) error {
	return priorDraw(p, rng, x)
}

// InitToMean starts at the prior mean of each site (Pyro's init_to_mean),
// falling back to the median of prior draws where the mean is undefined.
type InitToMean struct{}

func (InitToMean) Init(p *ModelPotential, rng *dist.RNG, x []float64) error {
	r := poutine.NewRuntime(rng.Uint64())
	r.Reset()
	tr, err := poutine.TraceOf(p.model).Get(r)
	if err != nil {
		return err
	}
	vals := map[string]*tensor.Dense{}
	for _, s := range p.sites {
		site := tr.Get(s.Name)
		var m ad.V
		if err := poutine.Catch(func() { m = site.Fn.Mean() }); err != nil {
			continue
		}
		d := append([]float64(nil), m.Data()...)
		ok := len(d) == size(s.Shape)
		for _, v := range d {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				ok = false
			}
		}
		if ok {
			vals[s.Name] = tensor.New(append([]int{}, s.Shape...), d)
		}
	}
	if err := (InitToMedian{}).Init(p, rng, x); err != nil {
		return err
	}
	return p.Unconstrain(vals, x)
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// priorDraw samples the model's latent sites from the prior and maps them to
// unconstrained space.
func priorDraw(p *ModelPotential, rng *dist.RNG, x []float64) error {
	r := poutine.NewRuntime(rng.Uint64())
	r.Reset()
	tr, err := poutine.TraceOf(p.model).Get(r)
	if err != nil {
		return err
	}
	vals := map[string]*tensor.Dense{}
	for _, s := range p.sites {
		site := tr.Get(s.Name)
		if site == nil {
			return &poutine.Error{Site: s.Name, Msg: "latent site missing from a prior draw"}
		}
		vals[s.Name] = tensor.New(append([]int{}, s.Shape...), append([]float64(nil), site.Value.Data()...))
	}
	return p.Unconstrain(vals, x)
}

// FindInitial runs strategy until the potential and its gradient are
// finite, trying up to maxTries times (100 when ≤ 0), and returns a clear
// error when no valid point is found.
func FindInitial(p *ModelPotential, strategy InitStrategy, rng *dist.RNG, maxTries int) ([]float64, error) {
	if strategy == nil {
		strategy = InitToUniform{}
	}
	if maxTries <= 0 {
		maxTries = 100
	}
	x := make([]float64, p.dim)
	g := make([]float64, p.dim)
	var last error
	for try := 0; try < maxTries; try++ {
		if err := strategy.Init(p, rng, x); err != nil {
			return nil, err
		}
		var u float64
		err := poutine.Catch(func() { u = p.Potential(x, g) })
		if err != nil {
			last = err
			continue
		}
		finite := !math.IsNaN(u) && !math.IsInf(u, 0)
		for _, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				finite = false
			}
		}
		if finite {
			return x, nil
		}
		last = fmt.Errorf("potential energy %v at the initial point", u)
	}
	return nil, fmt.Errorf("infer: no initial point with finite potential and gradient after %d tries: %v", maxTries, last)
}
