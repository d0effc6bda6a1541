package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// MultivariateStudentTDist is the multivariate Student's t distribution
// with Df degrees of freedom, location Loc and scale ScaleTril (Pyro's
// MultivariateStudentT(df, loc, scale_tril)): loc + L·ε·√(df/χ²_df).
type MultivariateStudentTDist struct {
	Df        ad.V // batch (expanded, as Pyro)
	Loc       ad.V // batch + (n,) (expanded)
	ScaleTril ad.V // (…, n, n), not broadcast
	batch     Shape
	event     Shape
}

var mvtPool = NewPool[MultivariateStudentTDist]()

// MultivariateStudentT returns MultivariateStudentT(df, loc, scale_tril).
// df must be positive; scale_tril lower triangular with a positive
// diagonal; the batch shape broadcasts df, loc's leading dimensions and
// scale_tril's.
func MultivariateStudentT(df, loc, scaleTril ad.V) *MultivariateStudentTDist {
	const name = "MultivariateStudentT"
	checkSameTape(name, df, loc, scaleTril)
	n := mvCheckSquare(name, "scale_tril", scaleTril)
	mvCheckLoc(name, loc, n)
	mvCheckLowerCholesky(name, "scale_tril", scaleTril)
	mvCheckAll(name, "df", df, func(x float64) bool { return x > 0 }, "positive")
	t := df.Tape()
	ls, ss := loc.Shape(), scaleTril.Shape()
	b1 := mvBroadcastNamed(name, "loc", df.Shape(), ls[:len(ls)-1])
	batch := mvBroadcastNamed(name, "scale_tril", b1.Slice(), ss[:len(ss)-2])
	bs := batch.Slice()
	if !mvShapeEq(df.Shape(), bs) {
		df = t.Expand(df, bs...)
	}
	loc = mvExpandParam(name, t, loc, bs, 1)
	d := mvtPool.Get(t)
	d.Df, d.Loc, d.ScaleTril = df, loc, scaleTril
	d.batch = batch
	d.event = MakeShape(loc.Shape()[len(loc.Shape())-1:])
	return d
}

func (d *MultivariateStudentTDist) Name() string                    { return "MultivariateStudentT" }
func (d *MultivariateStudentTDist) Tape() *ad.Tape                  { return d.Df.Tape() }
func (d *MultivariateStudentTDist) BatchShape() []int               { return d.batch.Slice() }
func (d *MultivariateStudentTDist) EventShape() []int               { return d.event.Slice() }
func (d *MultivariateStudentTDist) Support() constraints.Constraint { return constraints.RealVector }
func (d *MultivariateStudentTDist) HasRSample() bool                { return true }

// LogProb is -(df+n)/2·log1p(M/df) - Z with M = ‖L⁻¹(x-loc)‖² and
// Z = Σ log L_ii + n/2·log(df·π) + lgamma(df/2) - lgamma((df+n)/2).
func (d *MultivariateStudentTDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	mvCheckValue(d.Name(), x, d.batch.Slice(), d.event.Slice())
	mvCheckAll(d.Name(), "value", x, func(v float64) bool { return v == v }, "real (not NaN)")
	n := float64(d.event.d[0])
	df := d.Df
	m := mvMahalanobis(t, d.ScaleTril, t.Sub(x, d.Loc))
	z := t.Add(t.SumLogDiag(d.ScaleTril), t.AddConst(t.MulConst(t.Log(df), 0.5*n), 0.5*n*math.Log(math.Pi)))
	z = t.Add(z, t.Sub(t.Lgamma(t.MulConst(df, 0.5)), t.Lgamma(t.MulConst(t.AddConst(df, n), 0.5))))
	lp := t.Mul(t.MulConst(t.AddConst(df, n), -0.5), t.Log1p(t.Div(m, df)))
	return t.Sub(lp, z)
}

// Sample draws a constant sample.
func (d *MultivariateStudentTDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Detach(d.RSample(rng, sampleShape...))
}

// RSample draws loc + L·ε·√(df/χ²) with ε standard normal and χ² ~
// Chi2(df) reparameterized (implicit gradient in df), as Pyro.
func (d *MultivariateStudentTDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	eps := t.Const(out, nil)
	rng.FillNormal(eps.Data())
	chi := Chi2(d.Df).RSample(rng, sampleShape...) // sample + batch
	s := t.Sqrt(t.Div(d.Df, chi))
	y := t.Mul(eps, mvUnsqueezeLast(t, s))
	return t.Add(d.Loc, mvBatchMatVec(t, d.ScaleTril, y))
}

// Mean is loc where df > 1 and NaN elsewhere.
func (d *MultivariateStudentTDist) Mean() ad.V {
	t := d.Tape()
	ok := mvDfMask(t, d.Df, 1)
	return t.Where(ok, d.Loc, t.Scalar(math.NaN()))
}

// Variance is diag(L·Lᵀ)·df/(df-2) where df > 2, +Inf where 1 < df ≤ 2,
// NaN where df ≤ 1 (as Pyro).
func (d *MultivariateStudentTDist) Variance() ad.V {
	t := d.Tape()
	diag := t.SumAxis(t.Square(d.ScaleTril), -1, false)
	f := t.Div(d.Df, t.AddConst(d.Df, -2))
	v := t.Mul(diag, mvUnsqueezeLast(t, f))
	v = mvExpandParam(d.Name(), t, v, d.batch.Slice(), 1)
	v = t.Where(mvDfMask(t, d.Df, 2), v, t.Scalar(math.Inf(1)))
	return t.Where(mvDfMask(t, d.Df, 1), v, t.Scalar(math.NaN()))
}

// mvDfMask is the constant (df > lo) with a trailing unit dimension.
func mvDfMask(t *ad.Tape, df ad.V, lo float64) ad.V {
	var buf [ad.MaxDims]int
	n := copy(buf[:], df.Shape())
	buf[n] = 1
	m := t.Const(buf[:n+1], nil)
	md := m.Data()
	for i, x := range df.Data() {
		if x > lo {
			md[i] = 1
		}
	}
	return m
}

// Expand broadcasts the parameters to batchShape.
func (d *MultivariateStudentTDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	return MultivariateStudentT(t.Expand(d.Df, batchShape...), mvExpandParam(d.Name(), t, d.Loc, batchShape, 1), d.ScaleTril)
}
