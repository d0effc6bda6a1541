package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// LogisticNormalDist is Pyro's LogisticNormal(loc, scale): the image of
// Normal(loc, scale) (last dimension K) under PyTorch's stick-breaking
// transform onto the (K+1)-simplex.
type LogisticNormalDist struct {
	Loc, Scale   ad.V
	batch, event Shape
}

var logisticNormalPool = NewPool[LogisticNormalDist]()

// LogisticNormal returns LogisticNormal(loc, scale); loc and scale
// broadcast to batch + (K,) with K ≥ 1; scale must be positive. A 0-d
// loc/scale is treated as shape (1,), as PyTorch.
func LogisticNormal(loc, scale ad.V) *LogisticNormalDist {
	const name = "LogisticNormal"
	checkSameTape(name, loc, scale)
	mvCheckAll(name, "scale", scale, mvPositiveFinite, "positive and finite")
	mvCheckAll(name, "loc", loc, func(x float64) bool { return x == x && !math.IsInf(x, 0) }, "finite")
	t := loc.Tape()
	d := logisticNormalPool.Get(t)
	full := mvBroadcastNamed(name, "scale", loc.Shape(), scale.Shape())
	if full.Len() == 0 {
		full.n, full.d[0] = 1, 1
	}
	if !mvShapeEq(loc.Shape(), full.Slice()) {
		loc = t.Expand(loc, full.Slice()...)
	}
	if !mvShapeEq(scale.Shape(), full.Slice()) {
		scale = t.Expand(scale, full.Slice()...)
	}
	d.Loc, d.Scale = loc, scale
	fs := full.Slice()
	d.batch = MakeShape(fs[:len(fs)-1])
	d.event.n, d.event.d[0] = 1, fs[len(fs)-1]+1
	return d
}

func (d *LogisticNormalDist) Name() string                    { return "LogisticNormal" }
func (d *LogisticNormalDist) Tape() *ad.Tape                  { return d.Loc.Tape() }
func (d *LogisticNormalDist) BatchShape() []int               { return d.batch.Slice() }
func (d *LogisticNormalDist) EventShape() []int               { return d.event.Slice() }
func (d *LogisticNormalDist) Support() constraints.Constraint { return constraints.Simplex }
func (d *LogisticNormalDist) HasRSample() bool                { return true }

// logOffset is the constant log(K - k) for k = 0..K-1.
func (d *LogisticNormalDist) logOffset() ad.V {
	K := d.event.d[0] - 1
	var sh [1]int
	sh[0] = K
	c := d.Tape().Const(sh[:], nil)
	cd := c.Data()
	for k := range cd {
		cd[k] = math.Log(float64(K - k))
	}
	return c
}

// LogProb inverts the stick-breaking map (x_k = log y_k - log(1 - Σ_{j≤k} y_j)
// + log(K-k), the remainder clamped at the smallest normal float) and
// subtracts its log-Jacobian Σ(-u + log σ(u) + log y_k), u = x - log(K-k),
// from the normal log density, as PyTorch. Values must lie in the simplex.
func (d *LogisticNormalDist) LogProb(y ad.V) ad.V {
	const name = "LogisticNormal"
	t := d.Tape()
	mvCheckValue(name, y, d.batch.Slice(), d.event.Slice())
	mvCheckSimplex(name, "value", y, 1e-6)
	K := d.event.d[0] - 1
	ys := y.Shape()
	crop := t.SliceAxis(y, len(ys)-1, 0, K)
	sf := t.Clamp(t.AddConst(t.Neg(t.CumSum(crop, -1)), 1), mvTiny, math.Inf(1))
	lo := d.logOffset()
	logCrop := t.Log(crop)
	x := t.Add(t.Sub(logCrop, t.Log(sf)), lo)
	base := t.SumAxis(t.NormalLogProb(x, d.Loc, d.Scale), -1, false)
	u := t.Sub(x, lo)
	ladj := t.SumAxis(t.Add(t.Sub(t.LogSigmoid(u), u), logCrop), -1, false)
	return t.Sub(base, ladj)
}

// Sample draws a constant sample.
func (d *LogisticNormalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Detach(d.RSample(rng, sampleShape...))
}

// RSample maps x = loc + scale·ε through stick breaking: z = σ(x - log(K-k))
// (clamped to [tiny, 1-eps]), y_k = z_k·Π_{j<k}(1-z_j), y_K = Π(1-z_j).
func (d *LogisticNormalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	K := d.event.d[0] - 1
	var kb [1]int
	kb[0] = K
	out := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), kb[:])
	eps := t.Const(out, nil)
	rng.FillNormal(eps.Data())
	x := t.Add(d.Loc, t.Mul(d.Scale, eps))
	z := t.Clamp(t.Sigmoid(t.Sub(x, d.logOffset())), mvTiny, 1-mvEps)
	l := t.Log1p(t.Neg(z))
	cs := t.CumSum(l, -1)
	head := t.Mul(z, t.Exp(t.Sub(cs, l)))
	last := t.Exp(t.SliceAxis(cs, len(out)-1, K-1, K))
	return t.Concat(len(out)-1, head, last)
}

// Mean is NaN (no closed form; PyTorch raises NotImplementedError).
func (d *LogisticNormalDist) Mean() ad.V {
	var buf [ad.MaxDims]int
	return mvFillConst(d.Tape(), mvWithBatch(d.Name(), &buf, d.batch.Slice(), d.event.Slice()), math.NaN())
}

// Variance is NaN (no closed form).
func (d *LogisticNormalDist) Variance() ad.V { return d.Mean() }

// Expand broadcasts loc and scale to batchShape + (K,).
func (d *LogisticNormalDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	return LogisticNormal(mvExpandParam(d.Name(), t, d.Loc, batchShape, 1), mvExpandParam(d.Name(), t, d.Scale, batchShape, 1))
}
