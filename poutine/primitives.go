package poutine

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

var realConstraint = constraints.Real

// Option modifies a Sample call (Pyro's keyword arguments). Options are
// plain values: passing them allocates nothing.
type Option struct {
	kind  uint8
	v     ad.V
	infer *InferConfig
}

const (
	optObs uint8 = iota + 1
	optInfer
)

// Obs marks a sample site as observed with value v (Pyro's obs=).
func Obs(v ad.V) Option { return Option{kind: optObs, v: v} }

// Infer attaches an inference configuration (Pyro's infer={…}).
func Infer(cfg *InferConfig) Option { return Option{kind: optInfer, infer: cfg} }

// Sample is Pyro's pyro.sample: a named random choice from d, routed
// through the handler stack. With Obs, the site is observed and its value
// is the observation. It returns the site's value.
func (r *Runtime) Sample(name string, d dist.Distribution, opts ...Option) ad.V {
	if d == nil {
		failSite(name, "nil distribution")
	}
	m := r.NewMsg()
	m.Type = TypeSample
	m.Name = name
	m.Fn = d
	for i := range opts {
		switch opts[i].kind {
		case optObs:
			if !opts[i].v.Valid() {
				failSite(name, "observed value is the zero (invalid) value")
			}
			checkObsShape(name, d, opts[i].v)
			m.Value = opts[i].v
			m.IsObserved = true
		case optInfer:
			m.Infer = *opts[i].infer
		}
	}
	r.Apply(m)
	return m.Value
}

// checkObsShape verifies that an observation's shape is batch+event shaped
// for d: its rightmost dims equal the event shape and the rest broadcast
// with the batch shape.
func checkObsShape(name string, d dist.Distribution, v ad.V) {
	vs, ev, bs := v.Shape(), d.EventShape(), d.BatchShape()
	if len(vs) < len(ev) {
		failSite(name, "observed value of shape %v has fewer dims than the event shape %v of %s", cpInts(vs), cpInts(ev), d.Name())
	}
	for i := range ev {
		if vs[len(vs)-len(ev)+i] != ev[i] {
			failSite(name, "observed value of shape %v does not end with the event shape %v of %s", cpInts(vs), cpInts(ev), d.Name())
		}
	}
	vb := vs[:len(vs)-len(ev)]
	for i := 1; i <= len(vb) && i <= len(bs); i++ {
		a, b := vb[len(vb)-i], bs[len(bs)-i]
		if a != b && a != 1 && b != 1 {
			failSite(name, "observed value of shape %v does not broadcast with batch shape %v of %s", cpInts(vs), cpInts(bs), d.Name())
		}
	}
}

func cpInts(s []int) []int { return append([]int(nil), s...) }

// Factor adds logFactor to the model's log density (Pyro's pyro.factor): an
// observed site of the Unit distribution.
func (r *Runtime) Factor(name string, logFactor ad.V) {
	m := r.NewMsg()
	m.Type = TypeSample
	m.Name = name
	m.Fn = unitDist(r, logFactor)
	m.Value = r.Scalar(0)
	m.IsObserved = true
	m.Infer.IsAuxiliary = false
	r.Apply(m)
}

// Deterministic records value as a named deterministic site (Pyro's
// pyro.deterministic): observed, with zero log density, visible in traces
// and Predictive.
func (r *Runtime) Deterministic(name string, value ad.V) ad.V {
	m := r.NewMsg()
	m.Type = TypeSample
	m.Name = name
	m.Fn = deltaDist(r, value)
	m.Value = value
	m.IsObserved = true
	r.Apply(m)
	return m.Value
}

// Effect sends a custom effect through the handler stack: a message of the
// given type whose default value is apply(m) (Pyro's effectful). Handlers
// recognise it by m.Type.
func (r *Runtime) Effect(typ, name string, apply func(m *Msg) ad.V, args ...ad.V) ad.V {
	m := r.NewMsg()
	m.Type = typ
	m.Name = name
	m.ApplyFn = apply
	if len(args) > len(m.Args) {
		failSite(name, "effect has %d arguments, at most %d are supported", len(args), len(m.Args))
	}
	m.NArgs = copy(m.Args[:], args)
	r.Apply(m)
	return m.Value
}

// ---------------------------------------------------------------------------
// zero-density helper distributions for Factor and Deterministic

// factorDist is a site whose log density is a given value (Pyro's Unit).
type factorDist struct {
	logFactor ad.V
}

var factorPool = dist.NewPool[factorDist]()

func unitDist(r *Runtime, lf ad.V) *factorDist {
	d := factorPool.Get(r.Tape)
	d.logFactor = lf
	return d
}

func (d *factorDist) Name() string      { return "Unit" }
func (d *factorDist) Tape() *ad.Tape    { return d.logFactor.Tape() }
func (d *factorDist) BatchShape() []int { return d.logFactor.Shape() }
func (d *factorDist) EventShape() []int { return nil }
func (d *factorDist) LogProb(ad.V) ad.V { return d.logFactor }
func (d *factorDist) Sample(*dist.RNG, ...int) ad.V {
	return d.Tape().Scalar(0)
}
func (d *factorDist) HasRSample() bool                { return false }
func (d *factorDist) RSample(*dist.RNG, ...int) ad.V  { return d.Sample(nil) }
func (d *factorDist) Support() constraints.Constraint { return realConstraint }
func (d *factorDist) Mean() ad.V                      { return d.Tape().Scalar(math.NaN()) }
func (d *factorDist) Variance() ad.V                  { return d.Tape().Scalar(math.NaN()) }
func (d *factorDist) Expand(batch ...int) dist.Distribution {
	return unitDistT(d.Tape(), d.Tape().Expand(d.logFactor, batch...))
}

func unitDistT(t *ad.Tape, lf ad.V) *factorDist {
	d := factorPool.Get(t)
	d.logFactor = lf
	return d
}

// pointDist is a point mass with zero log density, used by Deterministic.
type pointDist struct {
	v     ad.V
	batch dist.Shape
}

var pointPool = dist.NewPool[pointDist]()

func deltaDist(r *Runtime, v ad.V) *pointDist {
	d := pointPool.Get(r.Tape)
	d.v = v
	return d
}

func (d *pointDist) Name() string                    { return "Delta" }
func (d *pointDist) Tape() *ad.Tape                  { return d.v.Tape() }
func (d *pointDist) BatchShape() []int               { return d.batch.Slice() }
func (d *pointDist) EventShape() []int               { return d.v.Shape() }
func (d *pointDist) LogProb(ad.V) ad.V               { return d.Tape().Scalar(0) }
func (d *pointDist) Sample(*dist.RNG, ...int) ad.V   { return d.v }
func (d *pointDist) HasRSample() bool                { return true }
func (d *pointDist) RSample(*dist.RNG, ...int) ad.V  { return d.v }
func (d *pointDist) Support() constraints.Constraint { return realConstraint }
func (d *pointDist) Mean() ad.V                      { return d.v }
func (d *pointDist) Variance() ad.V                  { return d.Tape().MulConst(d.v, 0) }
func (d *pointDist) Expand(batch ...int) dist.Distribution {
	e := pointPool.Get(d.Tape())
	e.v = d.v
	e.batch = dist.MakeShape(batch)
	return e
}
