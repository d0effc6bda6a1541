package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/dist/transforms"
)

// MaxTransforms is the longest chain a TransformedDistribution holds.
const MaxTransforms = 8

// TransformedDist is PyTorch's TransformedDistribution: the distribution of
// y = f_n(…f_1(x)) for x drawn from Base. Shapes follow PyTorch: the base is
// expanded to the shape the transforms need and reinterpreted as
// Independent over the first transform's domain event dims; the event
// shape is the codomain's, plus any base event dims beyond the domain's.
// LogProb inverts the chain and subtracts each log|det J|.
type TransformedDist struct {
	Base       Distribution
	Transforms [MaxTransforms]transforms.Transform
	N          int
	batch      Shape
	event      Shape
}

var transformedPool = NewPool[TransformedDist]()

// TransformedDistribution returns the distribution of ts applied in order to
// draws of base. It panics with *Error when a transform cannot take the
// base's shape.
func TransformedDistribution(base Distribution, ts ...transforms.Transform) *TransformedDist {
	if base == nil {
		Fail("TransformedDistribution", "base_distribution", "is nil")
	}
	if len(ts) > MaxTransforms {
		Fail("TransformedDistribution", "transforms", "%d transforms; at most %d are supported", len(ts), MaxTransforms)
	}
	for _, tf := range ts {
		if tf == nil {
			Fail("TransformedDistribution", "transforms", "a transform is nil")
		}
	}
	t := base.Tape()
	var sbuf [ad.MaxDims]int
	shape := append(append(sbuf[:0], base.BatchShape()...), base.EventShape()...)
	baseEvent := len(base.EventShape())
	domainEvent := 0
	if len(ts) > 0 {
		domainEvent = ts[0].Domain().EventDim()
	}
	if len(shape) < domainEvent {
		Fail("TransformedDistribution", "base_distribution", "shape %v has fewer dims than the transforms' domain event dim %d", cpShape(shape), domainEvent)
	}
	// forward shape through the chain, and the event dim of the result
	fwd := MakeShape(shape)
	eventDim := baseEvent
	for _, tf := range ts {
		s, err := tf.ForwardShape(fwd.Slice())
		if err != nil {
			Fail("TransformedDistribution", "transforms", "%s: %v", tf.Name(), err)
		}
		fwd = MakeShape(s.Slice())
		d := eventDim - tf.Domain().EventDim()
		if d < 0 {
			d = 0
		}
		eventDim = tf.Codomain().EventDim() + d
	}
	// base shape the chain needs (an expanded base when a transform broadcasts)
	back := fwd
	for i := len(ts) - 1; i >= 0; i-- {
		s, err := ts[i].InverseShape(back.Slice())
		if err != nil {
			Fail("TransformedDistribution", "transforms", "%s: %v", ts[i].Name(), err)
		}
		back = MakeShape(s.Slice())
	}
	if !sameInts(back.Slice(), shape) {
		bs := back.Slice()
		base = base.Expand(bs[:len(bs)-baseEvent]...)
	}
	if re := domainEvent - baseEvent; re > 0 {
		base = ToEvent(base, re)
	}
	if len(ts) == 0 {
		eventDim = baseEvent
	}
	d := transformedPool.Get(t)
	d.Base = base
	d.N = copy(d.Transforms[:], ts)
	fs := fwd.Slice()
	if eventDim > len(fs) {
		eventDim = len(fs)
	}
	d.batch = MakeShape(fs[:len(fs)-eventDim])
	d.event = MakeShape(fs[len(fs)-eventDim:])
	return d
}

func sameInts(a, b []int) bool {
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

func (d *TransformedDist) Name() string      { return "TransformedDistribution" }
func (d *TransformedDist) Tape() *ad.Tape    { return d.Base.Tape() }
func (d *TransformedDist) BatchShape() []int { return d.batch.Slice() }
func (d *TransformedDist) EventShape() []int { return d.event.Slice() }
func (d *TransformedDist) HasRSample() bool  { return d.Base.HasRSample() }

// Support is the last transform's codomain (the base's support without
// transforms).
func (d *TransformedDist) Support() constraints.Constraint {
	if d.N == 0 {
		return d.Base.Support()
	}
	return d.Transforms[d.N-1].Codomain()
}

// sumRightmost sums the rightmost n dims of v.
func sumRightmost(t *ad.Tape, v ad.V, n int) ad.V {
	for ; n > 0 && v.Dims() > 0; n-- {
		v = t.SumAxis(v, v.Dims()-1, false)
	}
	return v
}

// LogProb inverts the chain: log p(y) = log p_base(x) − Σ log|det J_i|.
func (d *TransformedDist) LogProb(y ad.V) ad.V {
	t := d.Tape()
	if y.Tape() != t {
		Fail("TransformedDistribution", "value", "value is recorded on a different tape")
	}
	eventDim := d.event.Len()
	var lp ad.V
	for i := d.N - 1; i >= 0; i-- {
		tf := d.Transforms[i]
		x := tf.Inverse(y)
		eventDim += tf.Domain().EventDim() - tf.Codomain().EventDim()
		ld := sumRightmost(t, tf.LogAbsDetJacobian(x, y), eventDim-tf.Domain().EventDim())
		if lp.Valid() {
			lp = t.Sub(lp, ld)
		} else {
			lp = t.Neg(ld)
		}
		y = x
	}
	base := sumRightmost(t, d.Base.LogProb(y), eventDim-len(d.Base.EventShape()))
	if lp.Valid() {
		return t.Add(lp, base)
	}
	return base
}

// Sample draws from the base and applies the transforms (no gradient).
func (d *TransformedDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	x := d.Base.Sample(rng, sampleShape...)
	for i := 0; i < d.N; i++ {
		x = d.Transforms[i].Forward(x)
	}
	return d.Tape().Detach(x)
}

// RSample is Sample with gradients, when the base has RSample.
func (d *TransformedDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	if !d.Base.HasRSample() {
		Fail("TransformedDistribution", "", "the base distribution %s has no rsample", d.Base.Name())
	}
	x := d.Base.RSample(rng, sampleShape...)
	for i := 0; i < d.N; i++ {
		x = d.Transforms[i].Forward(x)
	}
	return x
}

func (d *TransformedDist) nanFull() ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	s := append(append(buf[:0], d.batch.Slice()...), d.event.Slice()...)
	if len(s) == 0 {
		return t.Scalar(math.NaN())
	}
	v := t.Const(s, nil)
	for i := range v.Data() {
		v.Data()[i] = math.NaN()
	}
	return v
}

// Mean has no closed form in general (PyTorch raises); it is NaN.
func (d *TransformedDist) Mean() ad.V { return d.nanFull() }

// Variance has no closed form in general; it is NaN.
func (d *TransformedDist) Variance() ad.V { return d.nanFull() }

// Expand broadcasts the base so that the result has batchShape.
func (d *TransformedDist) Expand(batchShape ...int) Distribution {
	var sbuf [ad.MaxDims]int
	shape := MakeShape(append(append(sbuf[:0], batchShape...), d.event.Slice()...))
	back := shape
	for i := d.N - 1; i >= 0; i-- {
		s, err := d.Transforms[i].InverseShape(back.Slice())
		if err != nil {
			Fail("TransformedDistribution", "batch_shape", "cannot expand to %v: %v", cpShape(batchShape), err)
		}
		back = MakeShape(s.Slice())
	}
	be := len(d.Base.EventShape())
	bs := back.Slice()
	return TransformedDistribution(d.Base.Expand(bs[:len(bs)-be]...), d.Transforms[:d.N]...)
}
