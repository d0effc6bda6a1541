package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// LowRankMultivariateNormalDist is the multivariate normal with covariance
// CovFactor·CovFactorᵀ + diag(CovDiag) (Pyro's
// LowRankMultivariateNormal(loc, cov_factor, cov_diag)). Densities use the
// Woodbury identity and the matrix determinant lemma through the Cholesky
// factor of the capacitance matrix I + Wᵀ·D⁻¹·W (r×r), as PyTorch, so a
// log density costs O(n·r²) rather than O(n³).
type LowRankMultivariateNormalDist struct {
	Loc       ad.V // (…, n)
	CovFactor ad.V // (…, n, r)
	CovDiag   ad.V // (…, n), positive
	capTril   ad.V // (…, r, r)
	batch     Shape
	event     Shape
}

var lowRankPool = NewPool[LowRankMultivariateNormalDist]()

// LowRankMultivariateNormal returns LowRankMultivariateNormal(loc,
// cov_factor, cov_diag); the batch shape broadcasts the leading dimensions
// of all three.
func LowRankMultivariateNormal(loc, covFactor, covDiag ad.V) *LowRankMultivariateNormalDist {
	const name = "LowRankMultivariateNormal"
	checkSameTape(name, loc, covFactor, covDiag)
	fs := covFactor.Shape()
	if len(fs) < 2 || fs[len(fs)-1] < 1 {
		Fail(name, "cov_factor", "must be at least two-dimensional (…, n, r) with r ≥ 1, got shape %v", append([]int(nil), fs...))
	}
	n := fs[len(fs)-2]
	mvCheckLoc(name, loc, n)
	ds := covDiag.Shape()
	if len(ds) < 1 || ds[len(ds)-1] != n {
		Fail(name, "cov_diag", "must have shape (…, %d) to match cov_factor %v, got %v", n, append([]int(nil), fs...), append([]int(nil), ds...))
	}
	mvCheckAll(name, "cov_factor", covFactor, func(x float64) bool { return x == x && !math.IsInf(x, 0) }, "finite")
	mvCheckAll(name, "cov_diag", covDiag, mvPositiveFinite, "positive and finite")
	ls := loc.Shape()
	b1 := mvBroadcastNamed(name, "cov_factor", ls[:len(ls)-1], fs[:len(fs)-2])
	batch := mvBroadcastNamed(name, "cov_diag", b1.Slice(), ds[:len(ds)-1])
	t := loc.Tape()
	d := lowRankPool.Get(t)
	d.Loc, d.CovFactor, d.CovDiag = loc, covFactor, covDiag
	d.batch = batch
	d.event = MakeShape(ls[len(ls)-1:])
	// capacitance K = I + Wᵀ D⁻¹ W, factored
	wtDinv := t.Div(t.Transpose(covFactor), mvUnsqueezeAt(t, covDiag, -2))
	K := t.MatMul(wtDinv, covFactor)
	r := fs[len(fs)-1]
	var buf [2]int
	buf[0], buf[1] = r, r
	eye := t.Const(buf[:], nil)
	e := eye.Data()
	for i := 0; i < r; i++ {
		e[i*r+i] = 1
	}
	d.capTril = mvCholesky(name, "cov_factor", t.Add(K, eye))
	return d
}

// mvUnsqueezeAt views v with a new dimension of size 1 at axis (negative
// counts from the end of the result).
func mvUnsqueezeAt(t *ad.Tape, v ad.V, axis int) ad.V {
	var buf [ad.MaxDims]int
	s := v.Shape()
	nd := len(s) + 1
	if axis < 0 {
		axis += nd
	}
	copy(buf[:axis], s[:axis])
	buf[axis] = 1
	copy(buf[axis+1:nd], s[axis:])
	return t.Reshape(v, buf[:nd]...)
}

func (d *LowRankMultivariateNormalDist) Name() string      { return "LowRankMultivariateNormal" }
func (d *LowRankMultivariateNormalDist) Tape() *ad.Tape    { return d.Loc.Tape() }
func (d *LowRankMultivariateNormalDist) BatchShape() []int { return d.batch.Slice() }
func (d *LowRankMultivariateNormalDist) EventShape() []int { return d.event.Slice() }
func (d *LowRankMultivariateNormalDist) Support() constraints.Constraint {
	return constraints.RealVector
}
func (d *LowRankMultivariateNormalDist) HasRSample() bool { return true }

// logDet is log det Σ = 2·Σ log diag(capTril) + Σ log D.
func (d *LowRankMultivariateNormalDist) logDet() ad.V {
	t := d.Tape()
	return t.Add(t.MulConst(t.SumLogDiag(d.capTril), 2), t.SumAxis(t.Log(d.CovDiag), -1, false))
}

// LogProb is -½(n·log 2π + log det Σ + M), with the Mahalanobis term
// M = Σ x²/D - ‖C⁻¹·Wᵀ·D⁻¹·x‖² (x = value - loc, C the capacitance factor).
func (d *LowRankMultivariateNormalDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	mvCheckValue(d.Name(), x, d.batch.Slice(), d.event.Slice())
	mvCheckAll(d.Name(), "value", x, func(v float64) bool { return v == v }, "real (not NaN)")
	diff := t.Sub(x, d.Loc)
	m1 := t.SumAxis(t.Div(t.Square(diff), d.CovDiag), -1, false)
	wtDinv := t.Div(t.Transpose(d.CovFactor), mvUnsqueezeAt(t, d.CovDiag, -2))
	m2 := mvMahalanobis(t, d.capTril, mvBatchMatVec(t, wtDinv, diff))
	n := float64(d.event.d[0])
	return t.MulConst(t.AddConst(t.Add(d.logDet(), t.Sub(m1, m2)), n*mvLog2Pi), -0.5)
}

// Sample draws loc + W·ε_W + √D·ε_D as a constant.
func (d *LowRankMultivariateNormalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Detach(d.RSample(rng, sampleShape...))
}

// RSample draws loc + W·ε_W + √D·ε_D with standard normal ε_W (rank r) and
// ε_D (n), differentiable in all three parameters.
func (d *LowRankMultivariateNormalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	fs := d.CovFactor.Shape()
	r := fs[len(fs)-1]
	var buf [ad.MaxDims]int
	var rb [1]int
	rb[0] = r
	outW := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), rb[:])
	epsW := t.Const(outW, nil)
	rng.FillNormal(epsW.Data())
	outD := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	epsD := t.Const(outD, nil)
	rng.FillNormal(epsD.Data())
	y := t.Add(mvBatchMatVec(t, d.CovFactor, epsW), t.Mul(t.Sqrt(d.CovDiag), epsD))
	return t.Add(d.Loc, y)
}

// Mean is loc broadcast to batch + (n,).
func (d *LowRankMultivariateNormalDist) Mean() ad.V {
	return mvExpandParam(d.Name(), d.Tape(), d.Loc, d.batch.Slice(), 1)
}

// Variance is Σ_j W_ij² + D_i.
func (d *LowRankMultivariateNormalDist) Variance() ad.V {
	t := d.Tape()
	v := t.Add(t.SumAxis(t.Square(d.CovFactor), -1, false), d.CovDiag)
	return mvExpandParam(d.Name(), t, v, d.batch.Slice(), 1)
}

// Entropy is ½(n·(1 + log 2π) + log det Σ).
func (d *LowRankMultivariateNormalDist) Entropy() ad.V {
	t := d.Tape()
	n := float64(d.event.d[0])
	h := t.MulConst(t.AddConst(d.logDet(), n*(1+mvLog2Pi)), 0.5)
	if d.batch.Len() == 0 || mvShapeEq(h.Shape(), d.batch.Slice()) {
		return h
	}
	return t.Expand(h, d.batch.Slice()...)
}

// CovarianceMatrix is W·Wᵀ + diag(D).
func (d *LowRankMultivariateNormalDist) CovarianceMatrix() ad.V {
	t := d.Tape()
	W := d.CovFactor
	n := d.event.d[0]
	var buf [2]int
	buf[0], buf[1] = n, n
	eye := t.Const(buf[:], nil)
	e := eye.Data()
	for i := 0; i < n; i++ {
		e[i*n+i] = 1
	}
	return t.Add(t.MatMul(W, t.Transpose(W)), t.Mul(mvUnsqueezeAt(t, d.CovDiag, -1), eye))
}

// Expand broadcasts the parameters to batchShape.
func (d *LowRankMultivariateNormalDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	return LowRankMultivariateNormal(mvExpandParam(d.Name(), t, d.Loc, batchShape, 1),
		mvExpandParam(d.Name(), t, d.CovFactor, batchShape, 2), mvExpandParam(d.Name(), t, d.CovDiag, batchShape, 1))
}
