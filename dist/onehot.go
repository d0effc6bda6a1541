package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// mvCat holds a categorical parameterization over the last dimension:
// normalized probabilities and/or normalized logits, the missing one
// computed on first use (as PyTorch's lazy_property).
type mvCat struct {
	probs, logits ad.V
}

// init validates and normalizes the given parameterization: probs must be
// nonnegative and sum to 1 within 1e-6 (PyTorch's simplex check) and are
// then divided by their sum; logits must not be NaN or +Inf and are
// shifted by their logsumexp.
func (c *mvCat) init(dist string, isProbs bool, v ad.V) {
	t := v.Tape()
	if isProbs {
		mvAtLeast1D(dist, "probs", v, 1)
		mvCheckSimplex(dist, "probs", v, 1e-6)
		c.probs = t.Div(v, mvSumLast(t, v))
		c.logits = ad.V{}
		return
	}
	mvAtLeast1D(dist, "logits", v, 1)
	mvCheckAll(dist, "logits", v, func(x float64) bool { return x == x && !math.IsInf(x, 1) }, "real (not NaN or +Inf)")
	c.logits = t.Sub(v, mvLogSumExpLast(t, v))
	c.probs = ad.V{}
}

func (c *mvCat) param() ad.V {
	if c.probs.Valid() {
		return c.probs
	}
	return c.logits
}

// Probs returns the normalized probabilities (softmax of the logits).
func (c *mvCat) Probs() ad.V {
	if !c.probs.Valid() {
		c.probs = c.logits.Tape().Exp(c.logits)
	}
	return c.probs
}

// Logits returns the normalized logits (log of the clamped probabilities,
// as PyTorch's probs_to_logits).
func (c *mvCat) Logits() ad.V {
	if !c.logits.Valid() {
		t := c.probs.Tape()
		c.logits = t.Log(t.Clamp(c.probs, mvEps, 1-mvEps))
	}
	return c.logits
}

func (c *mvCat) expand(dist string, batch []int) (isProbs bool, v ad.V) {
	p := c.param()
	return c.probs.Valid(), mvExpandParam(dist, p.Tape(), p, batch, 1)
}

// mvDrawIndex draws an index with probabilities p (summing to about 1).
func mvDrawIndex(rng *RNG, p []float64) int {
	u := rng.Float64()
	s := 0.0
	for i, x := range p {
		s += x
		if u < s {
			return i
		}
	}
	// rounding: the last index with positive probability
	for i := len(p) - 1; i > 0; i-- {
		if p[i] > 0 {
			return i
		}
	}
	return 0
}

// OneHotCategoricalDist is the categorical distribution over one-hot
// vectors (Pyro's OneHotCategorical(probs | logits)).
type OneHotCategoricalDist struct {
	mvCat
	batch, event Shape
}

var oneHotPool = NewPool[OneHotCategoricalDist]()

// OneHotCategorical returns OneHotCategorical(probs=probs); probs has shape
// batch + (k,) and each row must sum to 1 (within 1e-6; it is then
// renormalized, as PyTorch).
func OneHotCategorical(probs ad.V) *OneHotCategoricalDist {
	return newOneHot(true, probs)
}

// OneHotCategoricalLogits returns OneHotCategorical(logits=logits).
func OneHotCategoricalLogits(logits ad.V) *OneHotCategoricalDist {
	return newOneHot(false, logits)
}

func newOneHot(isProbs bool, v ad.V) *OneHotCategoricalDist {
	checkSameTape("OneHotCategorical", v)
	d := oneHotPool.Get(v.Tape())
	d.init("OneHotCategorical", isProbs, v)
	sh := v.Shape()
	d.batch = MakeShape(sh[:len(sh)-1])
	d.event = MakeShape(sh[len(sh)-1:])
	return d
}

func (d *OneHotCategoricalDist) Name() string                    { return "OneHotCategorical" }
func (d *OneHotCategoricalDist) Tape() *ad.Tape                  { return d.param().Tape() }
func (d *OneHotCategoricalDist) BatchShape() []int               { return d.batch.Slice() }
func (d *OneHotCategoricalDist) EventShape() []int               { return d.event.Slice() }
func (d *OneHotCategoricalDist) Support() constraints.Constraint { return constraints.OneHot }
func (d *OneHotCategoricalDist) HasRSample() bool                { return false }

// LogProb is the normalized logit at the hot position of each one-hot
// value (selected with Where, so -Inf logits elsewhere do not leak).
func (d *OneHotCategoricalDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	mvCheckValue("OneHotCategorical", x, d.batch.Slice(), d.event.Slice())
	mvCheckOneHot("OneHotCategorical", x)
	return mvSumRightmost("OneHotCategorical", t, t.Where(x, d.Logits(), t.Scalar(0)), 1)
}

// Sample draws one-hot vectors, as a constant.
func (d *OneHotCategoricalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	p := d.Probs()
	var buf [ad.MaxDims]int
	out := mvSampleShape("OneHotCategorical", &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	v := t.Const(out, nil)
	z := v.Data()
	pd, ps := p.Data(), p.Shape()
	k := d.event.d[0]
	for r := 0; r < len(z)/k; r++ {
		off := mvBcastRow(r, out, ps, 1)
		z[r*k+mvDrawIndex(rng, pd[off:off+k])] = 1
	}
	return v
}

// RSample panics with *Error: the distribution is discrete.
func (d *OneHotCategoricalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	Fail("OneHotCategorical", "", "rsample is not available for a discrete distribution")
	return ad.V{}
}

// Mean is probs.
func (d *OneHotCategoricalDist) Mean() ad.V { return d.Probs() }

// Variance is probs·(1-probs).
func (d *OneHotCategoricalDist) Variance() ad.V {
	t := d.Tape()
	p := d.Probs()
	return t.Mul(p, t.AddConst(t.Neg(p), 1))
}

// Entropy is -Σ p·logits, with logits clamped below at the most negative
// finite float (as PyTorch).
func (d *OneHotCategoricalDist) Entropy() ad.V {
	t := d.Tape()
	l := t.Clamp(d.Logits(), -math.MaxFloat64, math.Inf(1))
	return t.Neg(mvSumRightmost("OneHotCategorical", t, t.Mul(l, d.Probs()), 1))
}

// EnumerateSupport returns the k one-hot vectors, shape (k,) + (1,)*len(batch)
// + (k,), or (k,) + batch + (k,) when expand is true.
func (d *OneHotCategoricalDist) EnumerateSupport(expand bool) ad.V {
	t := d.Tape()
	k := d.event.d[0]
	var buf [ad.MaxDims]int
	nb := d.batch.Len()
	if nb+2 > ad.MaxDims {
		Fail("OneHotCategorical", "", "enumerated support has more than %d dimensions", ad.MaxDims)
	}
	buf[0] = k
	for i := 0; i < nb; i++ {
		buf[1+i] = 1
	}
	buf[1+nb] = k
	v := t.Const(buf[:nb+2], nil)
	z := v.Data()
	for i := 0; i < k; i++ {
		z[i*k+i] = 1
	}
	if expand && nb > 0 {
		copy(buf[1:], d.batch.Slice())
		return t.Expand(v, buf[:nb+2]...)
	}
	return v
}

// Expand broadcasts the parameters to batchShape + (k,).
func (d *OneHotCategoricalDist) Expand(batchShape ...int) Distribution {
	return newOneHot(d.expand("OneHotCategorical", batchShape))
}

// mvCheckOneHot fails unless every row of x is a one-hot vector.
func mvCheckOneHot(dist string, x ad.V) {
	sh := x.Shape()
	k := sh[len(sh)-1]
	xd := x.Data()
	for r := 0; r < len(xd)/k; r++ {
		s := 0.0
		for j, y := range xd[r*k : (r+1)*k] {
			if y != 0 && y != 1 {
				Fail(dist, "value", "must be one-hot, got element %v at flat index %d", y, r*k+j)
			}
			s += y
		}
		if s != 1 {
			Fail(dist, "value", "must be one-hot, row %d has %v ones", r, s)
		}
	}
}
