package dist

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// MaskedDist is Pyro's MaskedDistribution: Base with its log density
// replaced by exactly 0 wherever the mask is false. Sampling, moments and
// the support are Base's.
type MaskedDist struct {
	Base Distribution
	// MaskV is the mask broadcast to the batch shape (nonzero = keep); it
	// is the zero V when the mask is a constant (see MaskBool).
	MaskV ad.V
	// Keep is the constant mask when MaskV is the zero V.
	Keep  bool
	batch Shape
}

var maskedPool = NewPool[MaskedDist]()

// Mask is Pyro's d.mask(mask): mask (nonzero = true, recorded on d's tape,
// carrying no gradient) must broadcast with d's batch shape; the result's
// batch shape is the broadcast of the two (d is expanded when needed).
// LogProb is d's log density where mask is true and exactly 0 elsewhere,
// selected with Where so that a NaN or Inf from d at a masked-out element
// reaches neither the value nor the gradient.
func Mask(d Distribution, mask ad.V) Distribution {
	if d == nil {
		Fail("MaskedDistribution", "base_dist", "is nil")
	}
	if !mask.Valid() {
		Fail("MaskedDistribution", "mask", "is the zero (invalid) value")
	}
	t := d.Tape()
	if mask.Tape() != t {
		Fail("MaskedDistribution", "mask", "is recorded on a different tape than the distribution")
	}
	// The batch shape lives in the pooled object from the start: a slice of
	// a local Shape passed to d.Expand (an interface call) would escape.
	m := maskedPool.Get(t)
	bs := d.BatchShape()
	ms := mask.Shape()
	m.batch = mvBroadcastNamed("MaskedDistribution", "mask", ms, bs)
	if !mvShapeEq(bs, m.batch.Slice()) {
		d = d.Expand(m.batch.Slice()...)
	}
	if !mvShapeEq(ms, m.batch.Slice()) {
		mask = t.Expand(mask, m.batch.Slice()...)
	}
	m.Base, m.MaskV = d, mask
	return m
}

// MaskBool is Pyro's d.mask(True/False): with keep = true LogProb is d's;
// with keep = false it is 0 everywhere (d's LogProb is not evaluated).
func MaskBool(d Distribution, keep bool) Distribution {
	if d == nil {
		Fail("MaskedDistribution", "base_dist", "is nil")
	}
	m := maskedPool.Get(d.Tape())
	m.Base, m.Keep = d, keep
	m.batch = MakeShape(d.BatchShape())
	return m
}

func (d *MaskedDist) Name() string                    { return "MaskedDistribution" }
func (d *MaskedDist) Tape() *ad.Tape                  { return d.Base.Tape() }
func (d *MaskedDist) BatchShape() []int               { return d.batch.Slice() }
func (d *MaskedDist) EventShape() []int               { return d.Base.EventShape() }
func (d *MaskedDist) Support() constraints.Constraint { return d.Base.Support() }
func (d *MaskedDist) HasRSample() bool                { return d.Base.HasRSample() }

// LogProb is Base's log density where the mask is true and 0 elsewhere.
func (d *MaskedDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	if !d.MaskV.Valid() {
		if d.Keep {
			return d.Base.LogProb(x)
		}
		// zeros of shape broadcast(batch, value.shape[:-event_dim])
		xs := x.Shape()
		ed := len(d.Base.EventShape())
		if len(xs) < ed {
			Fail("MaskedDistribution", "value", "shape %v has fewer dimensions than the event shape %v", append([]int(nil), xs...), append([]int(nil), d.Base.EventShape()...))
		}
		out := mvBroadcastNamed("MaskedDistribution", "value", xs[:len(xs)-ed], d.batch.Slice())
		if out.Len() == 0 {
			return t.Scalar(0)
		}
		return t.Const(out.Slice(), nil)
	}
	return t.Where(d.MaskV, d.Base.LogProb(x), t.Scalar(0))
}

// Sample draws from Base.
func (d *MaskedDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Base.Sample(rng, sampleShape...)
}

// RSample draws a reparameterized sample from Base.
func (d *MaskedDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	return d.Base.RSample(rng, sampleShape...)
}

func (d *MaskedDist) Mean() ad.V     { return d.Base.Mean() }
func (d *MaskedDist) Variance() ad.V { return d.Base.Variance() }

// HasEnumerateSupport reports whether Base is enumerable.
func (d *MaskedDist) HasEnumerateSupport() bool { _, ok := EnumerableOf(d.Base); return ok }

// EnumerateSupport is Base's; it panics with *Error when Base is not
// enumerable.
func (d *MaskedDist) EnumerateSupport(expand bool) ad.V {
	e, ok := EnumerableOf(d.Base)
	if !ok {
		Fail("MaskedDistribution", "", "base distribution %s has no enumerable support", d.Base.Name())
	}
	return e.EnumerateSupport(expand)
}

// Expand expands Base and the mask to batchShape.
func (d *MaskedDist) Expand(batchShape ...int) Distribution {
	if !d.MaskV.Valid() {
		return MaskBool(d.Base.Expand(batchShape...), d.Keep)
	}
	return Mask(d.Base.Expand(batchShape...), d.Tape().Expand(d.MaskV, batchShape...))
}

// EnumerableOf returns d as an Enumerable when its support can actually be
// enumerated. Wrappers (Independent, MaskedDistribution, …) have an
// EnumerateSupport method whatever their base, so a bare type assertion is
// not enough: they report availability with HasEnumerateSupport.
func EnumerableOf(d Distribution) (Enumerable, bool) {
	e, ok := d.(Enumerable)
	if !ok {
		return nil, false
	}
	if h, ok := d.(interface{ HasEnumerateSupport() bool }); ok && !h.HasEnumerateSupport() {
		return nil, false
	}
	return e, true
}

// EntropierOf returns d as an Entropier when it has a closed-form entropy
// (wrappers report availability with HasEntropy, as for EnumerableOf).
func EntropierOf(d Distribution) (Entropier, bool) {
	e, ok := d.(Entropier)
	if !ok {
		return nil, false
	}
	if h, ok := d.(interface{ HasEntropy() bool }); ok && !h.HasEntropy() {
		return nil, false
	}
	return e, true
}

// mvBroadcastNamed broadcasts two shapes, failing with *Error naming dist
// and param when they are incompatible.
func mvBroadcastNamed(dist, param string, a, b []int) Shape {
	var r Shape
	n := len(a)
	if len(b) > n {
		n = len(b)
	}
	if n > ad.MaxDims {
		Fail(dist, param, "shapes %v and %v have more than %d dimensions", append([]int(nil), a...), append([]int(nil), b...), ad.MaxDims)
	}
	for i := 0; i < n; i++ {
		x, y := 1, 1
		if j := len(a) - n + i; j >= 0 {
			x = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			y = b[j]
		}
		switch {
		case x == y || y == 1:
			r.d[i] = x
		case x == 1:
			r.d[i] = y
		default:
			Fail(dist, param, "shape %v cannot be broadcast with %v", append([]int(nil), a...), append([]int(nil), b...))
		}
	}
	r.n = n
	return r
}

func mvShapeEq(a, b []int) bool {
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
