package dist

import (
	"fmt"
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// MultinomialDist is the distribution of the counts of TotalCount
// categorical trials (Pyro's Multinomial(total_count, probs | logits)).
type MultinomialDist struct {
	mvCat
	TotalCount   int
	batch, event Shape
	support      mvMultinomialConstraint
}

var multinomialPool = NewPool[MultinomialDist]()

// Multinomial returns Multinomial(total_count, probs=probs); probs has
// shape batch + (k,).
func Multinomial(totalCount int, probs ad.V) *MultinomialDist {
	return newMultinomial(totalCount, true, probs)
}

// MultinomialLogits returns Multinomial(total_count, logits=logits).
func MultinomialLogits(totalCount int, logits ad.V) *MultinomialDist {
	return newMultinomial(totalCount, false, logits)
}

func newMultinomial(n int, isProbs bool, v ad.V) *MultinomialDist {
	checkSameTape("Multinomial", v)
	if n < 0 {
		Fail("Multinomial", "total_count", "must be a nonnegative integer, got %d", n)
	}
	d := multinomialPool.Get(v.Tape())
	d.init("Multinomial", isProbs, v)
	d.TotalCount = n
	d.support.n = float64(n)
	sh := v.Shape()
	d.batch = MakeShape(sh[:len(sh)-1])
	d.event = MakeShape(sh[len(sh)-1:])
	return d
}

func (d *MultinomialDist) Name() string                    { return "Multinomial" }
func (d *MultinomialDist) Tape() *ad.Tape                  { return d.param().Tape() }
func (d *MultinomialDist) BatchShape() []int               { return d.batch.Slice() }
func (d *MultinomialDist) EventShape() []int               { return d.event.Slice() }
func (d *MultinomialDist) Support() constraints.Constraint { return &d.support }
func (d *MultinomialDist) HasRSample() bool                { return false }

// LogProb is lgamma(Σx+1) - Σ lgamma(x+1) + Σ x·logits. As PyTorch it
// uses the value's own total Σx in the coefficient and accepts values whose
// total is at most total_count (PyTorch's multinomial support check);
// values must be nonnegative integers. A zero count at a -Inf logit
// contributes 0.
func (d *MultinomialDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	mvCheckValue("Multinomial", x, d.batch.Slice(), d.event.Slice())
	if ok, bad := d.support.Check(x.Data(), x.Shape()); !ok {
		Fail("Multinomial", "value", "must be nonnegative integer counts summing to at most total_count=%d, got element %v at flat index %d", d.TotalCount, x.Data()[bad], bad)
	}
	n := mvDropLast(t, mvSumLast(t, x))
	coef := t.Sub(t.Lgamma(t.AddConst(n, 1)), mvSumRightmost("Multinomial", t, t.Lgamma(t.AddConst(x, 1)), 1))
	pow := mvSumRightmost("Multinomial", t, t.Mul(t.Where(x, d.Logits(), t.Scalar(0)), x), 1)
	return t.Add(coef, pow)
}

// Sample draws counts as a constant: by TotalCount categorical draws when
// TotalCount ≤ 64·k, else by conditional binomials (RNG.Binomial).
func (d *MultinomialDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	p := d.Probs()
	var buf [ad.MaxDims]int
	out := mvSampleShape("Multinomial", &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	v := t.Const(out, nil)
	z := v.Data()
	pd, ps := p.Data(), p.Shape()
	k := d.event.d[0]
	for r := 0; r < len(z)/k; r++ {
		off := mvBcastRow(r, out, ps, 1)
		mvMultinomialDraw(rng, z[r*k:(r+1)*k], pd[off:off+k], d.TotalCount)
	}
	return v
}

// mvMultinomialDraw writes counts of n trials with probabilities p into dst.
func mvMultinomialDraw(rng *RNG, dst, p []float64, n int) {
	if n <= 64*len(p) {
		for i := 0; i < n; i++ {
			dst[mvDrawIndex(rng, p)]++
		}
		return
	}
	left := n
	rest := 1.0
	for i, pi := range p {
		if left == 0 {
			break
		}
		if i == len(p)-1 || rest <= 0 {
			dst[i] = float64(left)
			break
		}
		q := pi / rest
		if q > 1 {
			q = 1
		}
		c := int(rng.Binomial(float64(left), q))
		dst[i] = float64(c)
		left -= c
		rest -= pi
	}
}

// Mean is total_count·probs.
func (d *MultinomialDist) Mean() ad.V {
	t := d.Tape()
	return t.MulConst(d.Probs(), float64(d.TotalCount))
}

// Variance is total_count·probs·(1-probs).
func (d *MultinomialDist) Variance() ad.V {
	t := d.Tape()
	p := d.Probs()
	return t.MulConst(t.Mul(p, t.AddConst(t.Neg(p), 1)), float64(d.TotalCount))
}

// Expand broadcasts the parameters to batchShape + (k,).
func (d *MultinomialDist) Expand(batchShape ...int) Distribution {
	isProbs, v := d.expand("Multinomial", batchShape)
	return newMultinomial(d.TotalCount, isProbs, v)
}

// mvMultinomialConstraint is PyTorch's constraints.multinomial(n):
// nonnegative integer counts whose row totals are at most n.
type mvMultinomialConstraint struct{ n float64 }

func (c *mvMultinomialConstraint) Name() string {
	return fmt.Sprintf("multinomial(upper_bound=%g)", c.n)
}
func (c *mvMultinomialConstraint) IsDiscrete() bool { return true }
func (c *mvMultinomialConstraint) EventDim() int    { return 1 }
func (c *mvMultinomialConstraint) Check(x []float64, shape []int) (bool, int) {
	if len(shape) == 0 {
		return false, 0
	}
	k := shape[len(shape)-1]
	for r := 0; k > 0 && r < len(x)/k; r++ {
		s := 0.0
		for j, y := range x[r*k : (r+1)*k] {
			if !(y >= 0) || y != math.Trunc(y) || math.IsInf(y, 0) {
				return false, r*k + j
			}
			s += y
		}
		if s > c.n {
			return false, r * k
		}
	}
	return true, -1
}

// RSample panics with *Error: the distribution is discrete.
func (d *MultinomialDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	Fail("Multinomial", "", "rsample is not available for a discrete distribution")
	return ad.V{}
}
