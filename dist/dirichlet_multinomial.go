package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// DirichletMultinomialDist is the compound of a Dirichlet prior on the
// class probabilities and TotalCount categorical trials (Pyro's
// DirichletMultinomial(concentration, total_count=1)).
type DirichletMultinomialDist struct {
	Concentration ad.V // batch + (k,)
	TotalCount    ad.V // batch (nonnegative integers)
	batch, event  Shape
	support       mvCountsConstraint
}

var dirMultPool = NewPool[DirichletMultinomialDist]()

// DirichletMultinomial returns DirichletMultinomial(concentration,
// total_count). concentration (batch + (k,), positive) and total_count
// (nonnegative integers; a scalar constant for Pyro's default 1) broadcast
// to the batch shape, as Pyro.
func DirichletMultinomial(concentration, totalCount ad.V) *DirichletMultinomialDist {
	const name = "DirichletMultinomial"
	checkSameTape(name, concentration, totalCount)
	mvAtLeast1D(name, "concentration", concentration, 1)
	mvCheckAll(name, "concentration", concentration, mvPositiveFinite, "positive and finite")
	mvCheckAll(name, "total_count", totalCount, func(x float64) bool { return x >= 0 && x == math.Trunc(x) && !math.IsInf(x, 0) }, "a nonnegative integer")
	t := concentration.Tape()
	cs := concentration.Shape()
	batch := mvBroadcastNamed(name, "total_count", cs[:len(cs)-1], totalCount.Shape())
	bs := batch.Slice()
	if !mvShapeEq(cs[:len(cs)-1], bs) {
		concentration = mvExpandParam(name, t, concentration, bs, 1)
	}
	if !mvShapeEq(totalCount.Shape(), bs) {
		totalCount = t.Expand(totalCount, bs...)
	}
	d := dirMultPool.Get(t)
	d.Concentration, d.TotalCount = concentration, totalCount
	d.batch = batch
	d.event = MakeShape(concentration.Shape()[len(concentration.Shape())-1:])
	d.support.n = totalCount
	return d
}

func (d *DirichletMultinomialDist) Name() string                    { return "DirichletMultinomial" }
func (d *DirichletMultinomialDist) Tape() *ad.Tape                  { return d.Concentration.Tape() }
func (d *DirichletMultinomialDist) BatchShape() []int               { return d.batch.Slice() }
func (d *DirichletMultinomialDist) EventShape() []int               { return d.event.Slice() }
func (d *DirichletMultinomialDist) Support() constraints.Constraint { return &d.support }
func (d *DirichletMultinomialDist) HasRSample() bool                { return false }

// LogProb is Pyro's: with n = Σx and α₀ = Σα,
// lβ₁(α₀, n) - Σ lβ₁(α_i, x_i), lβ₁(a, v) = lgamma(1+v) + lgamma(a) - lgamma(a+v).
// Values must be nonnegative integer counts with total at most total_count
// (Pyro's multinomial support check).
func (d *DirichletMultinomialDist) LogProb(x ad.V) ad.V {
	const name = "DirichletMultinomial"
	t := d.Tape()
	mvCheckValue(name, x, d.batch.Slice(), d.event.Slice())
	if ok, bad := d.support.Check(x.Data(), x.Shape()); !ok {
		Fail(name, "value", "must be nonnegative integer counts summing to at most total_count, got element %v at flat index %d", x.Data()[bad], bad)
	}
	a := d.Concentration
	a0 := mvDropLast(t, mvSumLast(t, a))
	n := mvDropLast(t, mvSumLast(t, x))
	return t.Sub(mvLogBeta1(t, a0, n), mvSumRightmost(name, t, mvLogBeta1(t, a, x), 1))
}

func mvLogBeta1(t *ad.Tape, a, v ad.V) ad.V {
	return t.Sub(t.Add(t.Lgamma(t.AddConst(v, 1)), t.Lgamma(a)), t.Lgamma(t.Add(v, a)))
}

// Sample draws probabilities from the Dirichlet, then counts, as a
// constant (total counts may differ across the batch).
func (d *DirichletMultinomialDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	v := t.Const(out, nil)
	z := v.Data()
	k := d.event.d[0]
	a := d.Concentration.Data()
	n := d.TotalCount.Data()
	nb := len(n)
	var pbuf [64]float64
	p := pbuf[:0]
	if k > len(pbuf) {
		p = make([]float64, k)
	} else {
		p = pbuf[:k]
	}
	for r := 0; r < len(z)/k; r++ {
		b := r % nb // batch row (sample dims are leftmost)
		rng.Dirichlet(p, a[b*k:(b+1)*k])
		mvMultinomialDraw(rng, z[r*k:(r+1)*k], p, int(n[b]))
	}
	return v
}

// RSample panics with *Error: the distribution is discrete.
func (d *DirichletMultinomialDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	Fail(d.Name(), "", "rsample is not available for a discrete distribution")
	return ad.V{}
}

// Mean is total_count·α/α₀.
func (d *DirichletMultinomialDist) Mean() ad.V {
	t := d.Tape()
	a := d.Concentration
	return t.Mul(t.Div(a, mvSumLast(t, a)), mvUnsqueezeLast(t, d.TotalCount))
}

// Variance is n·p(1-p)·(n+α₀)/(1+α₀) with p = α/α₀.
func (d *DirichletMultinomialDist) Variance() ad.V {
	t := d.Tape()
	a := d.Concentration
	a0 := mvSumLast(t, a)
	p := t.Div(a, a0)
	n := mvUnsqueezeLast(t, d.TotalCount)
	f := t.Div(t.Mul(n, t.Add(n, a0)), t.AddConst(a0, 1))
	return t.Mul(t.Mul(p, t.AddConst(t.Neg(p), 1)), f)
}

// Expand broadcasts the parameters to batchShape.
func (d *DirichletMultinomialDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	return DirichletMultinomial(mvExpandParam(d.Name(), t, d.Concentration, batchShape, 1), t.Expand(d.TotalCount, batchShape...))
}

// mvUnsqueezeLast views v with a trailing dimension of size 1.
func mvUnsqueezeLast(t *ad.Tape, v ad.V) ad.V {
	var buf [ad.MaxDims]int
	n := copy(buf[:], v.Shape())
	buf[n] = 1
	return t.Reshape(v, buf[:n+1]...)
}

// mvCountsConstraint is multinomial(total_count) with a per-batch total:
// nonnegative integer counts whose row totals are at most n (broadcast from
// the right over the leading dimensions).
type mvCountsConstraint struct{ n ad.V }

func (c *mvCountsConstraint) Name() string     { return "multinomial" }
func (c *mvCountsConstraint) IsDiscrete() bool { return true }
func (c *mvCountsConstraint) EventDim() int    { return 1 }
func (c *mvCountsConstraint) Check(x []float64, shape []int) (bool, int) {
	if len(shape) == 0 {
		return false, 0
	}
	k := shape[len(shape)-1]
	n := c.n.Data()
	for r := 0; k > 0 && r < len(x)/k; r++ {
		s := 0.0
		for j, y := range x[r*k : (r+1)*k] {
			if !(y >= 0) || y != math.Trunc(y) || math.IsInf(y, 0) {
				return false, r*k + j
			}
			s += y
		}
		if s > n[r%len(n)] {
			return false, r * k
		}
	}
	return true, -1
}
