package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// FoldedDist is Pyro's FoldedDistribution(base_dist): the law of
// |X| for X ~ Base, a univariate distribution.
type FoldedDist struct {
	Base Distribution
}

var foldedPool = NewPool[FoldedDist]()

var mvNonNegative = constraints.GreaterThanEq(0)

// FoldedDistribution returns FoldedDistribution(base); base must have an
// empty event shape.
func FoldedDistribution(base Distribution) *FoldedDist {
	if base == nil {
		Fail("FoldedDistribution", "base_dist", "is nil")
	}
	if len(base.EventShape()) != 0 {
		Fail("FoldedDistribution", "base_dist", "only univariate distributions can be folded, got event shape %v", append([]int(nil), base.EventShape()...))
	}
	d := foldedPool.Get(base.Tape())
	d.Base = base
	return d
}

func (d *FoldedDist) Name() string      { return "FoldedDistribution" }
func (d *FoldedDist) Tape() *ad.Tape    { return d.Base.Tape() }
func (d *FoldedDist) BatchShape() []int { return d.Base.BatchShape() }
func (d *FoldedDist) EventShape() []int { return nil }

// Support is [0, ∞).
func (d *FoldedDist) Support() constraints.Constraint { return mvNonNegative }
func (d *FoldedDist) HasRSample() bool                { return d.Base.HasRSample() }

// LogProb is logaddexp(base(x), base(-x)) for x ≥ 0 (as Pyro); negative
// values panic with *Error naming "value".
func (d *FoldedDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	mvCheckAll("FoldedDistribution", "value", x, func(v float64) bool { return v >= 0 }, "nonnegative")
	return t.LogAddExp(d.Base.LogProb(x), d.Base.LogProb(t.Neg(x)))
}

// Sample is |base sample|.
func (d *FoldedDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Abs(d.Base.Sample(rng, sampleShape...))
}

// RSample is |base rsample| (pathwise where the base is).
func (d *FoldedDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Abs(d.Base.RSample(rng, sampleShape...))
}

// Mean is NaN (Pyro defines none for a folded distribution).
func (d *FoldedDist) Mean() ad.V { return mvFillConst(d.Tape(), d.Base.BatchShape(), math.NaN()) }

// Variance is NaN.
func (d *FoldedDist) Variance() ad.V { return d.Mean() }

// Expand expands the base.
func (d *FoldedDist) Expand(batchShape ...int) Distribution {
	return FoldedDistribution(d.Base.Expand(batchShape...))
}
