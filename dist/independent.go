package dist

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// IndependentDist reinterprets the rightmost ReinterpretedBatchNdims batch
// dimensions of Base as event dimensions (PyTorch's Independent, Pyro's
// to_event): its log density sums Base's over those dimensions.
type IndependentDist struct {
	Base                    Distribution
	ReinterpretedBatchNdims int
	batch, event            Shape
	support                 constraints.IndependentConstraint
}

var independentPool = NewPool[IndependentDist]()

// Independent returns Independent(base, reinterpretedBatchNdims): the
// rightmost reinterpretedBatchNdims dimensions of base's batch shape become
// event dimensions. It panics with *Error when base has fewer batch
// dimensions. Unlike ToEvent it does not collapse nesting and returns an
// Independent even for n = 0 (as PyTorch's constructor).
func Independent(base Distribution, reinterpretedBatchNdims int) *IndependentDist {
	if base == nil {
		Fail("Independent", "base_distribution", "is nil")
	}
	bs := base.BatchShape()
	n := reinterpretedBatchNdims
	if n < 0 || n > len(bs) {
		Fail("Independent", "reinterpreted_batch_ndims", "must be in [0, %d] for base batch shape %v, got %d", len(bs), append([]int(nil), bs...), n)
	}
	d := independentPool.Get(base.Tape())
	d.Base, d.ReinterpretedBatchNdims = base, n
	k := len(bs) - n
	d.batch = MakeShape(bs[:k])
	es := base.EventShape()
	if len(bs)-k+len(es) > ad.MaxDims {
		Fail("Independent", "", "event shape has more than %d dimensions", ad.MaxDims)
	}
	d.event.n = copy(d.event.d[:], bs[k:])
	d.event.n += copy(d.event.d[d.event.n:], es)
	d.support = constraints.IndependentConstraint{Base: base.Support(), N: n}
	return d
}

// ToEvent is Pyro's to_event: it reinterprets the n rightmost batch
// dimensions of d as event dimensions. n = 0 returns d itself; nesting
// collapses (ToEvent of an Independent wraps its base once). A negative n
// removes dimensions from an Independent's reinterpreted ones (as Pyro);
// removing all of them returns the base. Use AllBatchDims for Pyro's
// to_event(None).
func ToEvent(d Distribution, n int) Distribution {
	if d == nil {
		Fail("Independent", "base_distribution", "is nil")
	}
	if n == AllBatchDims {
		n = len(d.BatchShape())
	}
	if n == 0 {
		return d
	}
	if ind, ok := d.(*IndependentDist); ok {
		m := ind.ReinterpretedBatchNdims + n
		if m < 0 {
			Fail("Independent", "reinterpreted_batch_ndims", "cannot remove %d event dimensions from an Independent reinterpreting %d", -n, ind.ReinterpretedBatchNdims)
		}
		if m == 0 {
			return ind.Base
		}
		return Independent(ind.Base, m)
	}
	if n < 0 {
		Fail("Independent", "reinterpreted_batch_ndims", "negative value %d needs an Independent distribution, got %s", n, d.Name())
	}
	return Independent(d, n)
}

// AllBatchDims passed to ToEvent reinterprets every batch dimension (Pyro's
// to_event(None)).
const AllBatchDims = -1 << 30

func (d *IndependentDist) Name() string                    { return "Independent" }
func (d *IndependentDist) Tape() *ad.Tape                  { return d.Base.Tape() }
func (d *IndependentDist) BatchShape() []int               { return d.batch.Slice() }
func (d *IndependentDist) EventShape() []int               { return d.event.Slice() }
func (d *IndependentDist) Support() constraints.Constraint { return &d.support }
func (d *IndependentDist) HasRSample() bool                { return d.Base.HasRSample() }

// LogProb sums the base log density over the reinterpreted dimensions.
func (d *IndependentDist) LogProb(x ad.V) ad.V {
	return mvSumRightmost("Independent", d.Tape(), d.Base.LogProb(x), d.ReinterpretedBatchNdims)
}

// Sample draws from the base distribution.
func (d *IndependentDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Base.Sample(rng, sampleShape...)
}

// RSample draws a reparameterized sample from the base distribution.
func (d *IndependentDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	return d.Base.RSample(rng, sampleShape...)
}

func (d *IndependentDist) Mean() ad.V     { return d.Base.Mean() }
func (d *IndependentDist) Variance() ad.V { return d.Base.Variance() }

// HasEntropy reports whether the base distribution has a closed-form
// entropy (Entropy panics otherwise).
func (d *IndependentDist) HasEntropy() bool { _, ok := d.Base.(Entropier); return ok }

// Entropy sums the base entropy over the reinterpreted dimensions. It panics
// with *Error when the base has no closed-form entropy.
func (d *IndependentDist) Entropy() ad.V {
	e, ok := d.Base.(Entropier)
	if !ok {
		Fail("Independent", "", "base distribution %s has no closed-form entropy", d.Base.Name())
	}
	return mvSumRightmost("Independent", d.Tape(), e.Entropy(), d.ReinterpretedBatchNdims)
}

// HasEnumerateSupport reports whether EnumerateSupport is available: the
// base must be enumerable and no dimension reinterpreted (as PyTorch).
func (d *IndependentDist) HasEnumerateSupport() bool {
	_, ok := d.Base.(Enumerable)
	return ok && d.ReinterpretedBatchNdims == 0
}

// EnumerateSupport enumerates the base support; it panics with *Error when
// dimensions are reinterpreted (the support would be a Cartesian product)
// or the base is not enumerable.
func (d *IndependentDist) EnumerateSupport(expand bool) ad.V {
	e, ok := d.Base.(Enumerable)
	if !ok || d.ReinterpretedBatchNdims > 0 {
		Fail("Independent", "", "enumerate_support is not available (base %s, %d reinterpreted dimensions)", d.Base.Name(), d.ReinterpretedBatchNdims)
	}
	return e.EnumerateSupport(expand)
}

// Expand expands the base to batchShape + the reinterpreted dimensions.
func (d *IndependentDist) Expand(batchShape ...int) Distribution {
	bs := d.Base.BatchShape()
	n := d.ReinterpretedBatchNdims
	if len(batchShape)+n > ad.MaxDims {
		Fail("Independent", "batch_shape", "expanded shape has more than %d dimensions", ad.MaxDims)
	}
	var buf [ad.MaxDims]int
	k := copy(buf[:], batchShape)
	k += copy(buf[k:], bs[len(bs)-n:])
	return Independent(d.Base.Expand(buf[:k]...), n)
}

// mvSumRightmost sums the n rightmost dimensions of v (PyTorch's
// _sum_rightmost), panicking with *Error naming dist when v has fewer.
func mvSumRightmost(dist string, t *ad.Tape, v ad.V, n int) ad.V {
	if n == 0 {
		return v
	}
	sh := v.Shape()
	if n > len(sh) {
		Fail(dist, "value", "log density of shape %v has fewer than %d dimensions to sum", append([]int(nil), sh...), n)
	}
	if n == len(sh) {
		return t.Sum(v)
	}
	var buf [ad.MaxDims]int
	k := len(sh) - n
	copy(buf[:k], sh[:k])
	inner := 1
	for _, x := range sh[k:] {
		inner *= x
	}
	if n > 1 {
		buf[k] = inner
		v = t.Reshape(v, buf[:k+1]...)
	}
	buf[k] = 1
	s := t.SumTo(v, buf[:k+1]...)
	return t.Reshape(s, buf[:k]...)
}
