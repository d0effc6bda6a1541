package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// MaskedMixtureDist is Pyro's MaskedMixture(mask, component0, component1):
// a deterministic mixture that is Component1 where Mask is true (nonzero)
// and Component0 elsewhere, elementwise over the batch.
type MaskedMixtureDist struct {
	Mask                   ad.V
	Component0, Component1 Distribution
	batch                  Shape
}

var maskedMixturePool = NewPool[MaskedMixtureDist]()

// MaskedMixture returns MaskedMixture(mask, component0, component1). The
// components must have equal event shapes; the batch shape broadcasts the
// mask with both batch shapes.
func MaskedMixture(mask ad.V, component0, component1 Distribution) *MaskedMixtureDist {
	const name = "MaskedMixture"
	if component0 == nil || component1 == nil {
		Fail(name, "component0", "components must not be nil")
	}
	if !mask.Valid() || mask.Tape() != component0.Tape() || component1.Tape() != component0.Tape() {
		Fail(name, "mask", "mask and components must be recorded on one tape")
	}
	if !mvShapeEq(component0.EventShape(), component1.EventShape()) {
		Fail(name, "component1", "event shape %v differs from component0's %v", append([]int(nil), component1.EventShape()...), append([]int(nil), component0.EventShape()...))
	}
	d := maskedMixturePool.Get(mask.Tape())
	b := mvBroadcastNamed(name, "mask", mask.Shape(), component0.BatchShape())
	d.batch = mvBroadcastNamed(name, "component1", b.Slice(), component1.BatchShape())
	d.Mask, d.Component0, d.Component1 = mask, component0, component1
	return d
}

func (d *MaskedMixtureDist) Name() string                    { return "MaskedMixture" }
func (d *MaskedMixtureDist) Tape() *ad.Tape                  { return d.Mask.Tape() }
func (d *MaskedMixtureDist) BatchShape() []int               { return d.batch.Slice() }
func (d *MaskedMixtureDist) EventShape() []int               { return d.Component0.EventShape() }
func (d *MaskedMixtureDist) Support() constraints.Constraint { return d.Component0.Support() }
func (d *MaskedMixtureDist) HasRSample() bool {
	return d.Component0.HasRSample() && d.Component1.HasRSample()
}

// eventMask is the mask with a unit dimension per event dimension.
func (d *MaskedMixtureDist) eventMask() ad.V {
	ne := len(d.Component0.EventShape())
	if ne == 0 {
		return d.Mask
	}
	var buf [ad.MaxDims]int
	n := copy(buf[:], d.Mask.Shape())
	for i := 0; i < ne; i++ {
		buf[n+i] = 1
	}
	return d.Tape().Reshape(d.Mask, buf[:n+ne]...)
}

// LogProb is component1's log density where the mask is true and
// component0's elsewhere (selected with Where: the unselected side cannot
// leak NaN into the value).
func (d *MaskedMixtureDist) LogProb(x ad.V) ad.V {
	return d.Tape().Where(d.Mask, d.Component1.LogProb(x), d.Component0.LogProb(x))
}

// Sample selects between samples of the two components.
func (d *MaskedMixtureDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Where(d.eventMask(), d.Component1.Sample(rng, sampleShape...), d.Component0.Sample(rng, sampleShape...))
}

// RSample selects between reparameterized samples of the two components.
func (d *MaskedMixtureDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Where(d.eventMask(), d.Component1.RSample(rng, sampleShape...), d.Component0.RSample(rng, sampleShape...))
}

func (d *MaskedMixtureDist) Mean() ad.V {
	return d.Tape().Where(d.eventMask(), d.Component1.Mean(), d.Component0.Mean())
}

func (d *MaskedMixtureDist) Variance() ad.V {
	return d.Tape().Where(d.eventMask(), d.Component1.Variance(), d.Component0.Variance())
}

// Expand expands the mask and both components.
func (d *MaskedMixtureDist) Expand(batchShape ...int) Distribution {
	return MaskedMixture(d.Tape().Expand(d.Mask, batchShape...), d.Component0.Expand(batchShape...), d.Component1.Expand(batchShape...))
}

// MixtureOfDiagNormalsDist is Pyro's MixtureOfDiagNormals(locs,
// coord_scale, component_logits): a mixture of K D-dimensional normals with
// diagonal covariances.
type MixtureOfDiagNormalsDist struct {
	Locs            ad.V // (…, K, D)
	CoordScale      ad.V // (…, K, D)
	ComponentLogits ad.V // (…, K)
	batch, event    Shape
}

var mixDiagPool = NewPool[MixtureOfDiagNormalsDist]()

// MixtureOfDiagNormals returns MixtureOfDiagNormals(locs, coord_scale,
// component_logits). locs and coord_scale are (…, K, D) (coord_scale
// positive), component_logits (…, K); the batch shape is locs's leading
// dimensions.
func MixtureOfDiagNormals(locs, coordScale, componentLogits ad.V) *MixtureOfDiagNormalsDist {
	const name = "MixtureOfDiagNormals"
	checkSameTape(name, locs, coordScale, componentLogits)
	ls := locs.Shape()
	if len(ls) < 2 {
		Fail(name, "locs", "must be (…, K, D), got shape %v", append([]int(nil), ls...))
	}
	if !mvShapeEq(coordScale.Shape(), ls) {
		Fail(name, "coord_scale", "shape %v must equal locs's %v", append([]int(nil), coordScale.Shape()...), append([]int(nil), ls...))
	}
	cs := componentLogits.Shape()
	if !mvShapeEq(cs, ls[:len(ls)-1]) {
		Fail(name, "component_logits", "shape %v must equal locs's leading shape %v", append([]int(nil), cs...), append([]int(nil), ls[:len(ls)-1]...))
	}
	mvCheckAll(name, "coord_scale", coordScale, mvPositiveFinite, "positive and finite")
	mvCheckAll(name, "locs", locs, func(x float64) bool { return x == x && !math.IsInf(x, 0) }, "finite")
	mvCheckAll(name, "component_logits", componentLogits, func(x float64) bool { return x == x && !math.IsInf(x, 1) }, "real (not NaN or +Inf)")
	d := mixDiagPool.Get(locs.Tape())
	d.Locs, d.CoordScale, d.ComponentLogits = locs, coordScale, componentLogits
	d.batch = MakeShape(ls[:len(ls)-2])
	d.event = MakeShape(ls[len(ls)-1:])
	return d
}

func (d *MixtureOfDiagNormalsDist) Name() string                    { return "MixtureOfDiagNormals" }
func (d *MixtureOfDiagNormalsDist) Tape() *ad.Tape                  { return d.Locs.Tape() }
func (d *MixtureOfDiagNormalsDist) BatchShape() []int               { return d.batch.Slice() }
func (d *MixtureOfDiagNormalsDist) EventShape() []int               { return d.event.Slice() }
func (d *MixtureOfDiagNormalsDist) Support() constraints.Constraint { return constraints.RealVector }

// HasRSample is false: Pyro's pathwise mixture gradient (Jankowiak &
// Karaletsos) is not implemented in gyro.
func (d *MixtureOfDiagNormalsDist) HasRSample() bool { return false }

// LogProb is logsumexp_k(log softmax(logits)_k + Σ_d log N(x_d; μ_kd, σ_kd)).
func (d *MixtureOfDiagNormalsDist) LogProb(x ad.V) ad.V {
	const name = "MixtureOfDiagNormals"
	t := d.Tape()
	mvCheckValue(name, x, d.batch.Slice(), d.event.Slice())
	comp := t.SumAxis(t.NormalLogProb(mvUnsqueezeAt(t, x, -2), d.Locs, d.CoordScale), -1, false) // (…, K)
	lw := t.Sub(d.ComponentLogits, mvLogSumExpLast(t, d.ComponentLogits))
	return t.LogSumExpAxis(t.Add(comp, lw), -1, false)
}

// Sample draws a component then a normal vector, as a constant.
func (d *MixtureOfDiagNormalsDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	v := t.Const(out, nil)
	z := v.Data()
	ls := d.Locs.Shape()
	K, D := ls[len(ls)-2], ls[len(ls)-1]
	mu, sg, lg := d.Locs.Data(), d.CoordScale.Data(), d.ComponentLogits.Data()
	nb := len(lg) / K
	for r := 0; r < len(z)/D; r++ {
		b := r % nb
		k := rng.CategoricalLogits(lg[b*K : (b+1)*K])
		off := (b*K + k) * D
		for j := 0; j < D; j++ {
			z[r*D+j] = mu[off+j] + sg[off+j]*rng.NormFloat64()
		}
	}
	return v
}

// RSample panics with *Error: see HasRSample.
func (d *MixtureOfDiagNormalsDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	Fail(d.Name(), "", "rsample is not implemented (no pathwise mixture gradient); use Sample")
	return ad.V{}
}

func (d *MixtureOfDiagNormalsDist) weights() ad.V {
	t := d.Tape()
	return mvUnsqueezeLast(t, t.Exp(t.Sub(d.ComponentLogits, mvLogSumExpLast(t, d.ComponentLogits))))
}

// Mean is Σ_k π_k μ_k.
func (d *MixtureOfDiagNormalsDist) Mean() ad.V {
	t := d.Tape()
	return t.SumAxis(t.Mul(d.weights(), d.Locs), -2, false)
}

// Variance is Σ_k π_k (σ_k² + μ_k²) - mean².
func (d *MixtureOfDiagNormalsDist) Variance() ad.V {
	t := d.Tape()
	m2 := t.SumAxis(t.Mul(d.weights(), t.Add(t.Square(d.CoordScale), t.Square(d.Locs))), -2, false)
	return t.Sub(m2, t.Square(d.Mean()))
}

// Expand broadcasts the parameters to batchShape.
func (d *MixtureOfDiagNormalsDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	return MixtureOfDiagNormals(mvExpandParam(d.Name(), t, d.Locs, batchShape, 2), mvExpandParam(d.Name(), t, d.CoordScale, batchShape, 2),
		mvExpandParam(d.Name(), t, d.ComponentLogits, batchShape, 1))
}
