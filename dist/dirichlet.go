package dist

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// DirichletDist is the Dirichlet distribution over the probability simplex
// with concentration vector Concentration (Pyro's Dirichlet(concentration)).
// The last dimension of Concentration is the event dimension.
type DirichletDist struct {
	Concentration ad.V
	batch, event  Shape
}

var dirichletPool = NewPool[DirichletDist]()

// Dirichlet returns Dirichlet(concentration). concentration has shape
// batch + (k,), k ≥ 1, and must be positive.
func Dirichlet(concentration ad.V) *DirichletDist {
	checkSameTape("Dirichlet", concentration)
	mvAtLeast1D("Dirichlet", "concentration", concentration, 1)
	mvCheckAll("Dirichlet", "concentration", concentration, mvPositiveFinite, "positive and finite")
	d := dirichletPool.Get(concentration.Tape())
	d.Concentration = concentration
	sh := concentration.Shape()
	d.batch = MakeShape(sh[:len(sh)-1])
	d.event = MakeShape(sh[len(sh)-1:])
	return d
}

func mvPositiveFinite(x float64) bool { return x > 0 && x < 1.7976931348623157e308 }

func (d *DirichletDist) Name() string                    { return "Dirichlet" }
func (d *DirichletDist) Tape() *ad.Tape                  { return d.Concentration.Tape() }
func (d *DirichletDist) BatchShape() []int               { return d.batch.Slice() }
func (d *DirichletDist) EventShape() []int               { return d.event.Slice() }
func (d *DirichletDist) Support() constraints.Constraint { return constraints.Simplex }

// HasRSample is false: gyro does not implement the implicit
// reparameterization of Gamma samples (PyTorch's Dirichlet.rsample).
func (d *DirichletDist) HasRSample() bool { return false }

// LogProb is Σ(α-1)·log x + lgamma(Σα) - Σ lgamma(α), summed over the event
// dimension. Values off the simplex (tolerance 1e-6 on the sum, as PyTorch)
// panic with *Error naming "value".
func (d *DirichletDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	mvCheckValue("Dirichlet", x, d.batch.Slice(), d.event.Slice())
	mvCheckSimplex("Dirichlet", "value", x, 1e-6)
	a := d.Concentration
	lp := mvSumRightmost("Dirichlet", t, t.Xlogy(t.AddConst(a, -1), x), 1)
	norm := t.Sub(t.Lgamma(mvDropLast(t, mvSumLast(t, a))), mvSumRightmost("Dirichlet", t, t.Lgamma(a), 1))
	return t.Add(lp, norm)
}

// Sample draws normalized independent Gamma(α_i, 1) variables, as a
// constant.
func (d *DirichletDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape("Dirichlet", &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	v := t.Const(out, nil)
	z := v.Data()
	a := d.Concentration.Data()
	as := d.Concentration.Shape()
	k := d.event.d[0]
	for r := 0; r < len(z)/k; r++ {
		off := mvBcastRow(r, out, as, 1)
		rng.Dirichlet(z[r*k:(r+1)*k], a[off:off+k])
	}
	return v
}

// RSample panics with *Error: see HasRSample.
func (d *DirichletDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	Fail("Dirichlet", "", "rsample is not implemented (no reparameterized sampler); use Sample")
	return ad.V{}
}

// Mean is α / Σα.
func (d *DirichletDist) Mean() ad.V {
	t := d.Tape()
	a := d.Concentration
	return t.Div(a, mvSumLast(t, a))
}

// Variance is α(α₀-α) / (α₀²(α₀+1)) with α₀ = Σα.
func (d *DirichletDist) Variance() ad.V {
	t := d.Tape()
	a := d.Concentration
	a0 := mvSumLast(t, a)
	return t.Div(t.Mul(a, t.Sub(a0, a)), t.Mul(t.Square(a0), t.AddConst(a0, 1)))
}

// Entropy is log B(α) + (α₀-k)ψ(α₀) - Σ(α_i-1)ψ(α_i).
func (d *DirichletDist) Entropy() ad.V {
	t := d.Tape()
	a := d.Concentration
	k := float64(d.event.d[0])
	a0 := mvDropLast(t, mvSumLast(t, a))
	lb := t.Sub(mvSumRightmost("Dirichlet", t, t.Lgamma(a), 1), t.Lgamma(a0))
	mid := t.Mul(t.AddConst(a0, -k), t.Digamma(a0))
	last := mvSumRightmost("Dirichlet", t, t.Mul(t.AddConst(a, -1), t.Digamma(a)), 1)
	return t.Sub(t.Add(lb, mid), last)
}

// Expand broadcasts the concentration to batchShape + (k,).
func (d *DirichletDist) Expand(batchShape ...int) Distribution {
	return Dirichlet(mvExpandParam("Dirichlet", d.Tape(), d.Concentration, batchShape, 1))
}
