package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// EmpiricalDist is Pyro's Empirical(samples, log_weights): a discrete
// distribution over the given samples with probabilities ∝ exp(log_weights).
// log_weights has shape batch + (N,); samples has shape batch + (N,) + event.
type EmpiricalDist struct {
	Samples, LogWeights ad.V
	batch, event        Shape
}

var empiricalPool = NewPool[EmpiricalDist]()

// Empirical returns Empirical(samples, log_weights).
func Empirical(samples, logWeights ad.V) *EmpiricalDist {
	const name = "Empirical"
	checkSameTape(name, samples, logWeights)
	ws, ss := logWeights.Shape(), samples.Shape()
	if len(ws) < 1 || ws[len(ws)-1] < 1 || len(ss) < len(ws) || !mvShapeEq(ss[:len(ws)], ws) {
		Fail(name, "log_weights", "shape %v must be a nonempty leading part of samples's shape %v", append([]int(nil), ws...), append([]int(nil), ss...))
	}
	mvCheckAll(name, "log_weights", logWeights, func(x float64) bool { return x == x && !math.IsInf(x, 1) }, "real (not NaN or +Inf)")
	d := empiricalPool.Get(samples.Tape())
	d.Samples, d.LogWeights = samples, logWeights
	d.batch = MakeShape(ws[:len(ws)-1])
	d.event = MakeShape(ss[len(ws):])
	return d
}

func (d *EmpiricalDist) Name() string                    { return "Empirical" }
func (d *EmpiricalDist) Tape() *ad.Tape                  { return d.Samples.Tape() }
func (d *EmpiricalDist) BatchShape() []int               { return d.batch.Slice() }
func (d *EmpiricalDist) EventShape() []int               { return d.event.Slice() }
func (d *EmpiricalDist) Support() constraints.Constraint { return constraints.Real }
func (d *EmpiricalDist) HasRSample() bool                { return false }

func (d *EmpiricalDist) probs() ad.V {
	t := d.Tape()
	return t.Exp(t.Sub(d.LogWeights, mvLogSumExpLast(t, d.LogWeights)))
}

// LogProb is the log of the total probability of the samples equal to
// value (-Inf when none is). As Pyro, value must have shape exactly
// batch + event (no sample dimensions).
func (d *EmpiricalDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	want := mvWithBatch(d.Name(), &buf, d.batch.Slice(), d.event.Slice())
	if !mvShapeEq(x.Shape(), want) {
		Fail(d.Name(), "value", "shape %v must be %v (batch + event)", append([]int(nil), x.Shape()...), append([]int(nil), want...))
	}
	ws := d.LogWeights.Shape()
	sel := t.Const(ws, nil)
	sd, xd, s := sel.Data(), x.Data(), d.Samples.Data()
	n := ws[len(ws)-1]
	e := 1
	for _, k := range d.event.Slice() {
		e *= k
	}
	for i := range sd {
		b := i / n
		eq := 1.0
		for j := 0; j < e; j++ {
			if s[i*e+j] != xd[b*e+j] {
				eq = 0
				break
			}
		}
		sd[i] = eq
	}
	return t.Log(t.SumAxis(t.Mul(d.probs(), sel), -1, false))
}

// Sample draws samples by their weights, as a constant.
func (d *EmpiricalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	v := t.Const(out, nil)
	z := v.Data()
	ws := d.LogWeights.Shape()
	n := ws[len(ws)-1]
	lw, s := d.LogWeights.Data(), d.Samples.Data()
	nb := len(lw) / n
	e := 1
	for _, k := range d.event.Slice() {
		e *= k
	}
	for r := 0; r < len(z)/e; r++ {
		b := r % nb
		i := rng.CategoricalLogits(lw[b*n : (b+1)*n])
		copy(z[r*e:(r+1)*e], s[(b*n+i)*e:(b*n+i+1)*e])
	}
	return v
}

// RSample panics with *Error: the distribution is discrete.
func (d *EmpiricalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	Fail(d.Name(), "", "rsample is not available for a discrete distribution")
	return ad.V{}
}

// weighted sums f(samples) weighted by the probabilities over the sample
// dimension.
func (d *EmpiricalDist) weighted(v ad.V) ad.V {
	t := d.Tape()
	p := d.probs()
	var buf [ad.MaxDims]int
	n := copy(buf[:], p.Shape())
	for i := 0; i < d.event.Len(); i++ {
		buf[n+i] = 1
	}
	w := t.Reshape(p, buf[:n+d.event.Len()]...)
	return t.SumAxis(t.Mul(w, v), d.batch.Len(), false)
}

// Mean is Σ p_i·s_i.
func (d *EmpiricalDist) Mean() ad.V { return d.weighted(d.Samples) }

// Variance is Σ p_i·(s_i - mean)².
func (d *EmpiricalDist) Variance() ad.V {
	t := d.Tape()
	m := mvUnsqueezeAt(t, d.Mean(), d.batch.Len())
	return d.weighted(t.Square(t.Sub(d.Samples, m)))
}

// Expand broadcasts samples and weights to batchShape.
func (d *EmpiricalDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	ws := d.LogWeights.Shape()
	return Empirical(mvExpandParam(d.Name(), t, d.Samples, batchShape, 1+d.event.Len()), mvExpandParam(d.Name(), t, d.LogWeights, batchShape, len(ws)-d.batch.Len()))
}
