package dist

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// ZeroInflatedDist mixes a point mass at zero (weight Gate, or
// sigmoid(GateLogits)) with a univariate base distribution (weight 1-gate)
// (Pyro's ZeroInflatedDistribution(base_dist, gate=… | gate_logits=…), and
// its subclasses ZeroInflatedPoisson and ZeroInflatedNegativeBinomial, whose
// Name this reports when built by their constructors).
type ZeroInflatedDist struct {
	Base             Distribution
	Gate, GateLogits ad.V // exactly one is set
	name             string
	uvBase
}

var zeroInflatedPool = NewPool[ZeroInflatedDist]()

func newZeroInflated(name string, base Distribution, gate ad.V, logits bool) *ZeroInflatedDist {
	if base == nil {
		Fail(name, "base_dist", "is nil")
	}
	if len(base.EventShape()) != 0 {
		Fail(name, "base_dist", "must be univariate (event shape ()), got event shape %v", uvCp(base.EventShape()))
	}
	t := base.Tape()
	if !gate.Valid() || gate.Tape() != t {
		Fail(name, "gate", "must be a value on the base distribution's tape")
	}
	d := zeroInflatedPool.Get(t)
	d.t = t
	d.name = name
	if logits {
		uvCheck(name, "gate_logits", gate, uvNotNaN, "a number")
		d.GateLogits = gate
	} else {
		uvCheck(name, "gate", gate, uvUnit, "in [0, 1]")
		d.Gate = gate
	}
	d.batch = BroadcastShapes(name, base.BatchShape(), gate.Shape())
	if !uvShapesEqual(d.batch.Slice(), base.BatchShape()) {
		base = base.Expand(d.batch.Slice()...)
	}
	d.Base = base
	return d
}

func uvShapesEqual(a, b []int) bool {
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

// ZeroInflated returns ZeroInflatedDistribution(base, gate=gate).
func ZeroInflated(base Distribution, gate ad.V) *ZeroInflatedDist {
	return newZeroInflated("ZeroInflatedDistribution", base, gate, false)
}

// ZeroInflatedLogits returns ZeroInflatedDistribution(base,
// gate_logits=gateLogits).
func ZeroInflatedLogits(base Distribution, gateLogits ad.V) *ZeroInflatedDist {
	return newZeroInflated("ZeroInflatedDistribution", base, gateLogits, true)
}

// ZeroInflatedPoisson returns ZeroInflatedPoisson(rate, gate=gate).
func ZeroInflatedPoisson(rate, gate ad.V) *ZeroInflatedDist {
	return newZeroInflated("ZeroInflatedPoisson", Poisson(rate), gate, false)
}

// ZeroInflatedPoissonLogits returns ZeroInflatedPoisson(rate,
// gate_logits=gateLogits).
func ZeroInflatedPoissonLogits(rate, gateLogits ad.V) *ZeroInflatedDist {
	return newZeroInflated("ZeroInflatedPoisson", Poisson(rate), gateLogits, true)
}

// ZeroInflatedNegativeBinomial returns ZeroInflatedNegativeBinomial with the
// given negative binomial (built with NegativeBinomial or
// NegativeBinomialLogits) and gate.
func ZeroInflatedNegativeBinomial(nb *NegativeBinomialDist, gate ad.V) *ZeroInflatedDist {
	return newZeroInflated("ZeroInflatedNegativeBinomial", nb, gate, false)
}

// ZeroInflatedNegativeBinomialLogits is ZeroInflatedNegativeBinomial with
// gate_logits.
func ZeroInflatedNegativeBinomialLogits(nb *NegativeBinomialDist, gateLogits ad.V) *ZeroInflatedDist {
	return newZeroInflated("ZeroInflatedNegativeBinomial", nb, gateLogits, true)
}

// Name is Pyro's class name.
func (d *ZeroInflatedDist) Name() string { return d.name }

// Support is the set of values LogProb accepts.
func (d *ZeroInflatedDist) Support() constraints.Constraint { return d.Base.Support() }

// HasRSample reports whether RSample is available.
func (d *ZeroInflatedDist) HasRSample() bool { return false }

// GateV is the zero-inflation probability.
func (d *ZeroInflatedDist) GateV() ad.V {
	if d.Gate.Valid() {
		return d.Gate
	}
	return d.t.Sigmoid(d.GateLogits)
}

// LogProb is log(gate + (1-gate)·p(0)) at zero and log(1-gate) + log p(x)
// elsewhere (in log-sum-exp / softplus form).
func (d *ZeroInflatedDist) LogProb(x ad.V) ad.V {
	t := d.t
	if ok, bad := d.Base.Support().Check(x.Data(), x.Shape()); !ok {
		Fail(d.name, "value", "%v (flat index %d) is outside the support %s", x.Data()[bad], bad, d.Base.Support().Name())
	}
	blp := d.Base.LogProb(x)
	zero := uvZeroMask(t, x)
	var nz, z ad.V
	if d.Gate.Valid() {
		g := d.Gate
		nz = t.Add(t.Log1p(t.Neg(g)), blp)
		z = t.LogAddExp(t.Log(g), nz)
	} else {
		gl := d.GateLogits
		nz = t.Sub(blp, t.Softplus(gl))
		z = t.Add(t.Softplus(t.Sub(blp, gl)), t.LogSigmoid(gl))
	}
	return t.Where(zero, z, nz)
}

func uvGateDraw(rng *RNG, in [4]float64) float64 {
	if rng.Float64() < in[0] {
		return 1
	}
	return 0
}

func uvGateDrawL(rng *RNG, in [4]float64) float64 {
	if rng.Float64() < sp.Sigmoid(in[0]) {
		return 1
	}
	return 0
}

// Sample draws base samples and replaces each with 0 with probability gate.
func (d *ZeroInflatedDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	s := d.Base.Sample(rng, sampleShape...)
	var m ad.V
	if d.Gate.Valid() {
		m = uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Gate}, 1, uvGateDraw)
	} else {
		m = uvDraw(t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.GateLogits}, 1, uvGateDrawL)
	}
	return t.Where(m, t.Scalar(0), s)
}

// RSample panics: zero-inflated distributions are not reparameterizable.
func (d *ZeroInflatedDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is (1-gate)·base mean.
func (d *ZeroInflatedDist) Mean() ad.V {
	t := d.t
	return d.expand(t.Mul(t.AddConst(t.Neg(d.GateV()), 1), d.Base.Mean()))
}

// Variance is (1-gate)·(base mean² + base variance) - mean².
func (d *ZeroInflatedDist) Variance() ad.V {
	t := d.t
	bm := d.Base.Mean()
	q := t.AddConst(t.Neg(d.GateV()), 1)
	m := t.Mul(q, bm)
	return d.expand(t.Sub(t.Mul(q, t.Add(t.Square(bm), d.Base.Variance())), t.Square(m)))
}

// Expand broadcasts the base distribution and the gate to batchShape.
func (d *ZeroInflatedDist) Expand(batchShape ...int) Distribution {
	t := d.t
	if d.Gate.Valid() {
		return newZeroInflated(d.name, d.Base.Expand(batchShape...), t.Expand(d.Gate, batchShape...), false)
	}
	return newZeroInflated(d.name, d.Base.Expand(batchShape...), t.Expand(d.GateLogits, batchShape...), true)
}
