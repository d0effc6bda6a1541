package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// NormalDist is the Normal (Gaussian) distribution with mean Loc and
// standard deviation Scale (Pyro's Normal(loc, scale)).
type NormalDist struct {
	Loc, Scale ad.V
	batch      Shape
}

var normalPool = NewPool[NormalDist]()

// Normal returns Normal(loc, scale); loc and scale broadcast to the batch
// shape. scale must be positive.
func Normal(loc, scale ad.V) *NormalDist {
	t := loc.Tape()
	checkSameTape("Normal", loc, scale)
	checkPositive("Normal", "scale", scale)
	d := normalPool.GetRaw(t) // every field is set below
	d.Loc, d.Scale = loc, scale
	if loc.IsScalar() && scale.IsScalar() {
		d.batch.n = 0 // no 136-byte shape copy for the common scalar case
	} else {
		d.batch = BroadcastShapes("Normal", loc.Shape(), scale.Shape())
	}
	return d
}

func (d *NormalDist) Name() string                    { return "Normal" }
func (d *NormalDist) Tape() *ad.Tape                  { return d.Loc.Tape() }
func (d *NormalDist) BatchShape() []int               { return d.batch.Slice() }
func (d *NormalDist) EventShape() []int               { return nil }
func (d *NormalDist) Support() constraints.Constraint { return constraints.Real }
func (d *NormalDist) HasRSample() bool                { return true }

// LogProb is -((x-loc)/scale)²/2 - log(scale) - log√(2π).
func (d *NormalDist) LogProb(x ad.V) ad.V {
	for i, v := range x.Data() {
		if v != v {
			Fail("Normal", "value", "NaN at flat index %d is outside the support real", i)
		}
	}
	t := d.Tape()
	lp := t.NormalLogProb(x, d.Loc, d.Scale)
	if lp.Dims() < d.batch.Len() || !suffixOf(d.batch.Slice(), lp.Shape()) {
		// an expanded distribution scoring a value smaller than its batch
		b := BroadcastShapes("Normal", x.Shape(), d.batch.Slice())
		lp = t.Expand(lp, b.Slice()...)
	}
	return lp
}

// suffixOf reports whether s ends with the dims of suf.
func suffixOf(suf, s []int) bool {
	if len(suf) > len(s) {
		return false
	}
	off := len(s) - len(suf)
	for i, d := range suf {
		if s[off+i] != d {
			return false
		}
	}
	return true
}

// Sample draws loc + scale·ε with ε ~ N(0, 1), as a constant.
func (d *NormalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	if len(sampleShape) == 0 && d.batch.Len() == 0 {
		return t.Scalar(d.Loc.Value() + d.Scale.Value()*rng.NormFloat64())
	}
	return t.Detach(d.RSample(rng, sampleShape...))
}

// RSample draws loc + scale·ε, differentiable in loc and scale.
func (d *NormalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	if len(sampleShape) == 0 && d.Loc.IsScalar() && d.Scale.IsScalar() && d.batch.Len() == 0 {
		// one node: scale·ε + loc
		return t.MulAdd(d.Scale, t.Scalar(rng.NormFloat64()), d.Loc)
	}
	eps := StandardNormal(t, rng, sampleShape, d.batch.Slice())
	return t.Add(d.Loc, t.Mul(d.Scale, eps))
}

func (d *NormalDist) Mean() ad.V { return d.Tape().Expand(d.Loc, d.batch.Slice()...) }
func (d *NormalDist) Variance() ad.V {
	t := d.Tape()
	return t.Expand(t.Square(d.Scale), d.batch.Slice()...)
}

// Entropy is log(scale) + (1 + log 2π)/2.
func (d *NormalDist) Entropy() ad.V {
	t := d.Tape()
	return t.Expand(t.AddConst(t.Log(d.Scale), 0.5+0.5*math.Log(2*math.Pi)), d.batch.Slice()...)
}

// Expand broadcasts loc and scale to batchShape.
//
// As PyTorch's expand returns views, the parameters are not copied: they
// keep their shapes and broadcast against the new batch shape wherever
// they are used.
func (d *NormalDist) Expand(batchShape ...int) Distribution {
	b := BroadcastShapes("Normal", d.batch.Slice(), batchShape)
	if !sameInts(b.Slice(), batchShape) {
		Fail("Normal", "batch_shape", "cannot expand batch shape %v to %v", cpShape(d.batch.Slice()), cpShape(batchShape))
	}
	e := normalPool.GetRaw(d.Tape())
	e.Loc, e.Scale = d.Loc, d.Scale
	e.batch = b
	return e
}

// StandardNormal records a constant of shape sampleShape+batch filled with
// independent N(0, 1) draws.
func StandardNormal(t *ad.Tape, rng *RNG, sampleShape, batch []int) ad.V {
	var buf [ad.MaxDims]int
	s := append(append(buf[:0], sampleShape...), batch...)
	if len(s) == 0 {
		return t.Scalar(rng.NormFloat64())
	}
	v := t.Const(s, nil)
	rng.FillNormal(v.Data())
	return v
}

func checkSameTape(dist string, vs ...ad.V) {
	t := vs[0].Tape()
	for _, v := range vs {
		if !v.Valid() {
			Fail(dist, "", "a parameter is the zero (invalid) value")
		}
		if v.Tape() != t {
			Fail(dist, "", "parameters are recorded on different tapes")
		}
	}
}

func checkPositive(dist, param string, v ad.V) {
	for _, x := range v.Data() {
		if !(x > 0) {
			Fail(dist, param, "must be positive, got %v", x)
		}
	}
}
