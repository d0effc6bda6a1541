package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// DeltaDist is the point mass at V (Pyro's Delta(v, log_density=0,
// event_dim=0)): the rightmost EventDim dimensions of V form the event. Its
// log density is LogDensity where the value equals V and -Inf elsewhere.
// Samples are V itself, so RSample carries gradients to V.
type DeltaDist struct {
	V, LogDensity ad.V
	EventDim      int
	event         Shape
	uvBase
}

var deltaPool = NewPool[DeltaDist]()

// Delta returns Delta(v, logDensity, eventDim). logDensity may be the zero
// V (meaning 0); otherwise it must broadcast to v's batch shape.
func Delta(v, logDensity ad.V, eventDim int) *DeltaDist {
	if !v.Valid() {
		Fail("Delta", "v", "is the zero (invalid) value")
	}
	t := v.Tape()
	s := v.Shape()
	if eventDim < 0 || eventDim > len(s) {
		Fail("Delta", "event_dim", "must be in [0, %d] for v of shape %v, got %d", len(s), uvCp(s), eventDim)
	}
	if !logDensity.Valid() {
		logDensity = t.Scalar(0)
	}
	checkSameTape("Delta", v, logDensity)
	uvCheckNotNaN("Delta", "v", v)
	uvCheckNotNaN("Delta", "log_density", logDensity)
	d := deltaPool.Get(t)
	d.t = t
	d.V, d.LogDensity, d.EventDim = v, logDensity, eventDim
	batch := s[:len(s)-eventDim]
	d.batch = BroadcastShapes("Delta", batch, logDensity.Shape())
	if d.batch.Len() != len(batch) {
		Fail("Delta", "log_density", "shape %v does not broadcast to the batch shape %v", uvCp(logDensity.Shape()), uvCp(batch))
	}
	for i, x := range d.batch.Slice() {
		if x != batch[i] {
			Fail("Delta", "log_density", "shape %v does not broadcast to the batch shape %v", uvCp(logDensity.Shape()), uvCp(batch))
		}
	}
	d.event = MakeShape(s[len(s)-eventDim:])
	return d
}

// Name is Pyro's class name.
func (d *DeltaDist) Name() string { return "Delta" }

// EventShape is the event shape.
func (d *DeltaDist) EventShape() []int { return d.event.Slice() }

// Support is the reals (every value is scored; values other than V get -Inf).
func (d *DeltaDist) Support() constraints.Constraint { return constraints.Real }

// HasRSample reports whether RSample is available.
func (d *DeltaDist) HasRSample() bool { return true }

// LogProb is LogDensity where every element of the event equals V, -Inf
// otherwise; shape sample + batch.
func (d *DeltaDist) LogProb(x ad.V) ad.V {
	t := d.t
	if x.Tape() != t {
		Fail("Delta", "value", "value is recorded on a different tape")
	}
	full := BroadcastShapes("Delta", x.Shape(), d.V.Shape())
	fs := full.Slice()
	if len(fs) < d.EventDim {
		Fail("Delta", "value", "shape %v has fewer than event_dim=%d dimensions", uvCp(x.Shape()), d.EventDim)
	}
	os := fs[:len(fs)-d.EventDim]
	esz := 1
	for _, e := range fs[len(fs)-d.EventDim:] {
		esz *= e
	}
	var eq ad.V
	if len(os) == 0 {
		eq = t.Scalar(0)
	} else {
		eq = t.Const(os, nil)
	}
	ed, xd, vd := eq.Data(), x.Data(), d.V.Data()
	var it uvIter
	ins := [4]ad.V{x, d.V}
	it.init(fs, &ins, 2)
	for i := range ed {
		for j := 0; j < esz; j++ {
			a, b := xd[it.off[0]], vd[it.off[1]]
			it.next()
			if a != a {
				Fail("Delta", "value", "NaN at flat index %d", i*esz+j)
			}
			if a != b {
				ed[i] = math.Inf(-1)
			}
		}
	}
	return t.Add(eq, d.LogDensity)
}

// Sample returns V broadcast to sampleShape + batch + event, as a constant.
func (d *DeltaDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.t.Detach(d.RSample(rng, sampleShape...))
}

// RSample returns V broadcast to sampleShape + batch + event (gradients
// flow to V).
func (d *DeltaDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	var buf [ad.MaxDims]int
	s := uvSampleShape(&buf, sampleShape, d.V.Shape())
	return d.t.Expand(d.V, s...)
}

// Mean is the mean, batch-shaped.
func (d *DeltaDist) Mean() ad.V { return d.V }

// Variance is zero.
func (d *DeltaDist) Variance() ad.V {
	t := d.t
	if d.V.IsScalar() {
		return t.Scalar(0)
	}
	return t.Const(d.V.Shape(), nil)
}

// Expand broadcasts V and LogDensity to batchShape.
func (d *DeltaDist) Expand(batchShape ...int) Distribution {
	t := d.t
	var buf [ad.MaxDims]int
	s := uvSampleShape(&buf, batchShape, d.event.Slice())
	return Delta(t.Expand(d.V, s...), t.Expand(d.LogDensity, batchShape...), d.EventDim)
}

// UnitDist is the trivial distribution over the empty event (event shape
// (0,)) whose log density is LogFactor (Pyro's Unit(log_factor)): a way to
// add a factor to a model's log joint.
type UnitDist struct {
	LogFactor ad.V
	uvBase
}

var unitPool = NewPool[UnitDist]()

var unitEvent = [1]int{0}

// Unit returns Unit(logFactor); the batch shape is logFactor's shape.
func Unit(logFactor ad.V) *UnitDist {
	d := unitPool.Get(logFactor.Tape())
	d.init("Unit", logFactor)
	uvCheckNotNaN("Unit", "log_factor", logFactor)
	d.LogFactor = logFactor
	return d
}

// Name is Pyro's class name.
func (d *UnitDist) Name() string { return "Unit" }

// EventShape is the event shape.
func (d *UnitDist) EventShape() []int { return unitEvent[:] }

// Support is the set of values LogProb accepts.
func (d *UnitDist) Support() constraints.Constraint { return constraints.Real }

// HasRSample reports whether RSample is available.
func (d *UnitDist) HasRSample() bool { return true }

// LogProb is LogFactor broadcast to broadcast(batch, value.shape[:-1]).
func (d *UnitDist) LogProb(x ad.V) ad.V {
	s := x.Shape()
	if len(s) == 0 || s[len(s)-1] != 0 {
		Fail("Unit", "value", "must have an empty last dimension (event shape (0,)), got shape %v", uvCp(s))
	}
	out := BroadcastShapes("Unit", d.batch.Slice(), s[:len(s)-1])
	return d.t.Expand(d.LogFactor, out.Slice()...)
}

// Sample returns an empty value of shape sampleShape + batch + (0,).
func (d *UnitDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	var buf [ad.MaxDims]int
	s := uvSampleShape(&buf, sampleShape, d.batch.Slice())
	if len(s) == ad.MaxDims {
		Fail("Unit", "sample_shape", "too many dimensions")
	}
	s = append(s, 0)
	return d.t.Const(s, nil)
}

// RSample is Sample (there is nothing to differentiate).
func (d *UnitDist) RSample(rng *RNG, sampleShape ...int) ad.V { return d.Sample(rng, sampleShape...) }

// Mean and Variance are empty values of shape batch + (0,).
func (d *UnitDist) Mean() ad.V { return d.Sample(nil) }

// Variance is the variance, batch-shaped.
func (d *UnitDist) Variance() ad.V { return d.Sample(nil) }

// Expand broadcasts LogFactor to batchShape.
func (d *UnitDist) Expand(batchShape ...int) Distribution {
	return Unit(d.t.Expand(d.LogFactor, batchShape...))
}
