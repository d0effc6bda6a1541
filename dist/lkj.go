package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// LKJCholeskyDist is the LKJ distribution over lower Cholesky factors of
// Dim×Dim correlation matrices (Pyro's LKJCholesky(dim, concentration); the
// deprecated LKJCorrCholesky(d, eta) is the same distribution). The
// density of the correlation matrix is ∝ det(C)^(concentration-1).
type LKJCholeskyDist struct {
	Dim           int
	Concentration ad.V // batch shape
	batch, event  Shape
}

var lkjPool = NewPool[LKJCholeskyDist]()

// LKJCholesky returns LKJCholesky(dim, concentration): dim ≥ 2 and a
// positive concentration (any shape: it is the batch shape).
func LKJCholesky(dim int, concentration ad.V) *LKJCholeskyDist {
	const name = "LKJCholesky"
	checkSameTape(name, concentration)
	if dim < 2 {
		Fail(name, "dim", "must be at least 2, got %d", dim)
	}
	mvCheckAll(name, "concentration", concentration, mvPositiveFinite, "positive and finite")
	d := lkjPool.Get(concentration.Tape())
	d.Dim, d.Concentration = dim, concentration
	d.batch = MakeShape(concentration.Shape())
	d.event.n = 2
	d.event.d[0], d.event.d[1] = dim, dim
	return d
}

func (d *LKJCholeskyDist) Name() string                    { return "LKJCholesky" }
func (d *LKJCholeskyDist) Tape() *ad.Tape                  { return d.Concentration.Tape() }
func (d *LKJCholeskyDist) BatchShape() []int               { return d.batch.Slice() }
func (d *LKJCholeskyDist) EventShape() []int               { return d.event.Slice() }
func (d *LKJCholeskyDist) Support() constraints.Constraint { return constraints.CorrCholesky }
func (d *LKJCholeskyDist) HasRSample() bool                { return false }

// LogProb is PyTorch's: Σ_{i≥1} (2(η-1) + D-1-i)·log L_ii minus the
// normalizer ½(D-1)·log π + mvlgamma(η + (D-1)/2 - ½, D-1) - (D-1)·lgamma(η + (D-1)/2).
// Values must be lower triangular with a positive diagonal and unit rows
// (tolerance 10·D·eps, as PyTorch).
func (d *LKJCholeskyDist) LogProb(x ad.V) ad.V {
	const name = "LKJCholesky"
	t := d.Tape()
	mvCheckValue(name, x, d.batch.Slice(), d.event.Slice())
	if ok, bad := constraints.CorrCholesky.Check(x.Data(), x.Shape()); !ok {
		Fail(name, "value", "must be the Cholesky factor of a correlation matrix (lower triangular, positive diagonal, unit rows); element %v at flat index %d fails", x.Data()[bad], bad)
	}
	D := d.Dim
	eta := d.Concentration
	// log of diagonal elements 1..D-1: shape sample+batch+(D-1)
	diag := mvDiagTail(t, x, D)
	var osh [1]int
	osh[0] = D - 1
	order := t.Const(osh[:], nil)
	od := order.Data()
	for i := range od {
		od[i] = float64(D - 2 - i) // D - (i+2)
	}
	w := t.Add(t.MulConst(t.AddConst(mvUnsqueezeLast(t, eta), -1), 2), order)
	unnorm := t.SumAxis(t.Mul(w, t.Log(diag)), -1, false)
	dm1 := float64(D - 1)
	alpha := t.AddConst(eta, 0.5*dm1)
	denom := t.MulConst(t.Lgamma(alpha), dm1)
	// mvlgamma(alpha - ½, D-1) = (D-1)(D-2)/4·log π + Σ_{j=1}^{D-1} lgamma(alpha - ½ + (1-j)/2)
	num := t.Scalar(dm1 * (dm1 - 1) / 4 * math.Log(math.Pi))
	for j := 1; j <= D-1; j++ {
		num = t.Add(num, t.Lgamma(t.AddConst(alpha, -0.5+0.5*float64(1-j))))
	}
	norm := t.Sub(t.AddConst(num, 0.5*dm1*math.Log(math.Pi)), denom)
	return t.Sub(unnorm, norm)
}

// mvDiagTail gathers x[..., i, i] for i = 1..D-1 (a copy on the tape).
func mvDiagTail(t *ad.Tape, x ad.V, D int) ad.V {
	var buf [ad.MaxDims]int
	xs := x.Shape()
	nd := len(xs)
	copy(buf[:], xs[:nd-2])
	buf[nd-2] = D * D
	flat := t.Reshape(x, buf[:nd-1]...)
	var idx [64]int
	var ix []int
	if D-1 <= len(idx) {
		ix = idx[:D-1]
	} else {
		ix = make([]int, D-1)
	}
	for i := 1; i < D; i++ {
		ix[i-1] = i*D + i
	}
	return t.IndexSelect(flat, nd-2, ix)
}

// Sample draws by the onion method (Lewandowski, Kurowicka and Joe 2009,
// §3.2) in PyTorch's Cholesky form: row i of the factor is √y_i·u_i on the
// strictly lower part, with y_i ~ Beta(i/2, η + (D-2)/2 - (i-1)/2) and u_i
// uniform on the unit sphere, and √(1-‖w_i‖²) on the diagonal.
//
// PyTorch 1.13 draws y_i ~ Beta(i - ½, …) instead of Beta(i/2, …), which
// for D ≥ 3 gives correlations whose marginals differ between pairs (not
// the LKJ distribution); gyro follows the paper, and its samples have the
// LKJ marginal variance 1/(2η + D - 1) for every pair.
func (d *LKJCholeskyDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	v := t.Const(out, nil)
	z := v.Data()
	D := d.Dim
	eta := d.Concentration.Data()
	for m := 0; m < len(z)/(D*D); m++ {
		e := eta[m%len(eta)]
		marg := e + 0.5*float64(D-2)
		L := z[m*D*D : (m+1)*D*D]
		L[0] = 1
		for i := 1; i < D; i++ {
			y := rng.Beta(0.5*float64(i), marg-0.5*float64(i-1))
			row := L[i*D : i*D+i]
			s := 0.0
			for j := range row {
				row[j] = rng.NormFloat64()
				s += row[j] * row[j]
			}
			f := math.Sqrt(y / s)
			ss := 0.0
			for j := range row {
				row[j] *= f
				ss += row[j] * row[j]
			}
			L[i*D+i] = math.Sqrt(math.Max(1-ss, mvTiny))
		}
	}
	return v
}

// RSample panics with *Error: the onion sampler is not reparameterized.
func (d *LKJCholeskyDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	Fail(d.Name(), "", "rsample is not available (the onion sampler is not reparameterized)")
	return ad.V{}
}

// Mean is NaN (PyTorch defines none).
func (d *LKJCholeskyDist) Mean() ad.V {
	var buf [ad.MaxDims]int
	return mvFillConst(d.Tape(), mvWithBatch(d.Name(), &buf, d.batch.Slice(), d.event.Slice()), math.NaN())
}

// Variance is NaN (PyTorch defines none).
func (d *LKJCholeskyDist) Variance() ad.V { return d.Mean() }

// Expand broadcasts the concentration to batchShape.
func (d *LKJCholeskyDist) Expand(batchShape ...int) Distribution {
	return LKJCholesky(d.Dim, d.Tape().Expand(d.Concentration, batchShape...))
}
