package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

const mvLog2Pi = 1.8378770664093454835606594728112352797227949472755668

// MultivariateNormalDist is the multivariate normal (Gaussian) distribution
// with mean Loc and covariance ScaleTril·ScaleTrilᵀ (Pyro's
// MultivariateNormal(loc, covariance_matrix | precision_matrix |
// scale_tril)). Whatever parameterization it was built from, it holds the
// lower Cholesky factor of the covariance, as PyTorch.
type MultivariateNormalDist struct {
	Loc       ad.V // (…, n)
	ScaleTril ad.V // (…, n, n), lower triangular with positive diagonal
	batch     Shape
	event     Shape
}

var mvnPool = NewPool[MultivariateNormalDist]()

// MultivariateNormal returns MultivariateNormal(loc, covariance_matrix=cov).
// cov (…, n, n) must be symmetric (PyTorch's tolerance) and positive
// definite; the batch shape broadcasts loc's and cov's leading dimensions.
func MultivariateNormal(loc, cov ad.V) *MultivariateNormalDist {
	const name = "MultivariateNormal"
	checkSameTape(name, loc, cov)
	n := mvCheckSquare(name, "covariance_matrix", cov)
	mvCheckLoc(name, loc, n)
	mvCheckSymmetric(name, "covariance_matrix", cov)
	L := mvCholesky(name, "covariance_matrix", cov)
	return newMVN(loc, L)
}

// MultivariateNormalPrecision returns MultivariateNormal(loc,
// precision_matrix=prec); prec must be symmetric positive definite.
func MultivariateNormalPrecision(loc, prec ad.V) *MultivariateNormalDist {
	const name = "MultivariateNormal"
	checkSameTape(name, loc, prec)
	n := mvCheckSquare(name, "precision_matrix", prec)
	mvCheckLoc(name, loc, n)
	mvCheckSymmetric(name, "precision_matrix", prec)
	return newMVN(loc, mvPrecisionToScaleTril(name, prec, n))
}

// MultivariateNormalScaleTril returns MultivariateNormal(loc,
// scale_tril=L); L must be lower triangular with a positive diagonal.
func MultivariateNormalScaleTril(loc, scaleTril ad.V) *MultivariateNormalDist {
	const name = "MultivariateNormal"
	checkSameTape(name, loc, scaleTril)
	n := mvCheckSquare(name, "scale_tril", scaleTril)
	mvCheckLoc(name, loc, n)
	mvCheckLowerCholesky(name, "scale_tril", scaleTril)
	return newMVN(loc, scaleTril)
}

func newMVN(loc, L ad.V) *MultivariateNormalDist {
	ls, ss := loc.Shape(), L.Shape()
	d := mvnPool.Get(loc.Tape())
	d.Loc, d.ScaleTril = loc, L
	d.batch = mvBroadcastNamed("MultivariateNormal", "loc", ls[:len(ls)-1], ss[:len(ss)-2])
	d.event = MakeShape(ls[len(ls)-1:])
	return d
}

// mvPrecisionToScaleTril returns the lower Cholesky factor of P⁻¹: with
// P = Lp·Lpᵀ, Σ = Lp⁻ᵀ·Lp⁻¹ is formed by two triangular solves against the
// identity and factored again.
func mvPrecisionToScaleTril(name string, prec ad.V, n int) ad.V {
	t := prec.Tape()
	Lp := mvCholesky(name, "precision_matrix", prec)
	var buf [2]int
	buf[0], buf[1] = n, n
	eye := t.Const(buf[:], nil)
	e := eye.Data()
	for i := 0; i < n; i++ {
		e[i*n+i] = 1
	}
	cov := t.CholeskySolve(Lp, eye)
	// symmetrize against rounding before factoring
	cov = t.MulConst(t.Add(cov, t.Transpose(cov)), 0.5)
	return mvCholesky(name, "precision_matrix", cov)
}

func (d *MultivariateNormalDist) Name() string                    { return "MultivariateNormal" }
func (d *MultivariateNormalDist) Tape() *ad.Tape                  { return d.Loc.Tape() }
func (d *MultivariateNormalDist) BatchShape() []int               { return d.batch.Slice() }
func (d *MultivariateNormalDist) EventShape() []int               { return d.event.Slice() }
func (d *MultivariateNormalDist) Support() constraints.Constraint { return constraints.RealVector }
func (d *MultivariateNormalDist) HasRSample() bool                { return true }

// LogProb is -½(n·log 2π + ‖L⁻¹(x-loc)‖²) - Σ log L_ii, with the
// Mahalanobis term from a triangular solve against the Cholesky factor.
func (d *MultivariateNormalDist) LogProb(x ad.V) ad.V {
	t := d.Tape()
	mvCheckValue(d.Name(), x, d.batch.Slice(), d.event.Slice())
	mvCheckAll(d.Name(), "value", x, func(v float64) bool { return v == v }, "real (not NaN)")
	n := float64(d.event.d[0])
	m := mvMahalanobis(t, d.ScaleTril, t.Sub(x, d.Loc))
	c := t.AddConst(t.MulConst(m, -0.5), -0.5*n*mvLog2Pi)
	return t.Sub(c, t.SumLogDiag(d.ScaleTril))
}

// mvMahalanobis is ‖L⁻¹·diff‖² over the last dimension of diff (…, n),
// with L (…, n, n) lower triangular; leading dimensions broadcast.
func mvMahalanobis(t *ad.Tape, L, diff ad.V) ad.V {
	ds := diff.Shape()
	nd := len(ds)
	n := ds[nd-1]
	var buf [ad.MaxDims + 1]int
	if L.Dims() == 2 && nd >= 2 {
		// one solve with every vector as a column: L·Y = diffᵀ (n, N)
		rows := diff.Size() / n
		copy(buf[:], ds[:nd-1])
		flat := t.Reshape(diff, rows, n)
		y := t.TriangularSolve(L, t.Transpose(flat), false, false)
		m := t.SumAxis(t.Square(y), 0, false)
		return t.Reshape(m, buf[:nd-1]...)
	}
	if nd == 1 {
		y := t.TriangularSolve(L, diff, false, false)
		if L.Dims() == 2 {
			return t.Sum(t.Square(y))
		}
		return t.SumAxis(t.Square(y), -1, false)
	}
	copy(buf[:], ds)
	buf[nd] = 1
	y := t.TriangularSolve(L, t.Reshape(diff, buf[:nd+1]...), false, false)
	sq := t.Square(y)
	return t.SumAxes(sq, false, -2, -1)
}

// Sample draws loc + L·ε as a constant.
func (d *MultivariateNormalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return d.Tape().Detach(d.RSample(rng, sampleShape...))
}

// RSample draws loc + L·ε with ε standard normal, differentiable in loc
// and the Cholesky factor (hence in the covariance or precision it came
// from).
func (d *MultivariateNormalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	t := d.Tape()
	var buf [ad.MaxDims]int
	out := mvSampleShape(d.Name(), &buf, sampleShape, d.batch.Slice(), d.event.Slice())
	eps := t.Const(out, nil)
	rng.FillNormal(eps.Data())
	return t.Add(d.Loc, mvBatchMatVec(t, d.ScaleTril, eps))
}

// mvBatchMatVec is A·v over the last dimension of v (…, k) with A
// (…, m, k): leading dimensions broadcast; the result is (…, m).
func mvBatchMatVec(t *ad.Tape, A, v ad.V) ad.V {
	vs := v.Shape()
	nd := len(vs)
	var buf [ad.MaxDims + 1]int
	if A.Dims() == 2 && nd >= 2 {
		// (N, k)·Aᵀ = (N, m)
		k := vs[nd-1]
		m := A.Shape()[0]
		copy(buf[:], vs[:nd-1])
		buf[nd-1] = m
		y := t.MatMul(t.Reshape(v, v.Size()/k, k), t.Transpose(A))
		return t.Reshape(y, buf[:nd]...)
	}
	if nd == 1 {
		return t.MatMul(A, v)
	}
	copy(buf[:], vs)
	buf[nd] = 1
	y := t.MatMul(A, t.Reshape(v, buf[:nd+1]...))
	ys := y.Shape()
	n := copy(buf[:], ys[:len(ys)-1])
	return t.Reshape(y, buf[:n]...)
}

// Mean is loc broadcast to batch + (n,).
func (d *MultivariateNormalDist) Mean() ad.V {
	return mvExpandParam(d.Name(), d.Tape(), d.Loc, d.batch.Slice(), 1)
}

// Variance is the diagonal of the covariance, Σ_j L_ij².
func (d *MultivariateNormalDist) Variance() ad.V {
	t := d.Tape()
	v := t.SumAxis(t.Square(d.ScaleTril), -1, false)
	return mvExpandParam(d.Name(), t, v, d.batch.Slice(), 1)
}

// Entropy is n/2·(1 + log 2π) + Σ log L_ii.
func (d *MultivariateNormalDist) Entropy() ad.V {
	t := d.Tape()
	n := float64(d.event.d[0])
	h := t.AddConst(t.SumLogDiag(d.ScaleTril), 0.5*n*(1+mvLog2Pi))
	if d.batch.Len() == 0 {
		return h
	}
	return t.Expand(h, d.batch.Slice()...)
}

// CovarianceMatrix is L·Lᵀ.
func (d *MultivariateNormalDist) CovarianceMatrix() ad.V {
	t := d.Tape()
	return t.MatMul(d.ScaleTril, t.Transpose(d.ScaleTril))
}

// PrecisionMatrix is (L·Lᵀ)⁻¹, by two triangular solves against the
// identity.
func (d *MultivariateNormalDist) PrecisionMatrix() ad.V {
	t := d.Tape()
	n := d.event.d[0]
	var buf [2]int
	buf[0], buf[1] = n, n
	eye := t.Const(buf[:], nil)
	e := eye.Data()
	for i := 0; i < n; i++ {
		e[i*n+i] = 1
	}
	return t.CholeskySolve(d.ScaleTril, eye)
}

// Expand broadcasts loc and the Cholesky factor to batchShape.
func (d *MultivariateNormalDist) Expand(batchShape ...int) Distribution {
	t := d.Tape()
	return newMVN(mvExpandParam(d.Name(), t, d.Loc, batchShape, 1), mvExpandParam(d.Name(), t, d.ScaleTril, batchShape, 2))
}

// ---------------------------------------------------------------------------
// matrix parameter checks

// mvCheckSquare fails unless m is (…, n, n) with n ≥ 1 and returns n.
func mvCheckSquare(dist, param string, m ad.V) int {
	s := m.Shape()
	if len(s) < 2 || s[len(s)-1] != s[len(s)-2] || s[len(s)-1] < 1 {
		Fail(dist, param, "must be a square matrix or a batch of them (…, n, n), got shape %v", append([]int(nil), s...))
	}
	mvCheckAll(dist, param, m, func(x float64) bool { return x == x && !math.IsInf(x, 0) }, "finite")
	return s[len(s)-1]
}

// mvCheckLoc fails unless loc is (…, n).
func mvCheckLoc(dist string, loc ad.V, n int) {
	s := loc.Shape()
	if len(s) < 1 || s[len(s)-1] != n {
		Fail(dist, "loc", "must have shape (…, %d) to match the matrix, got %v", n, append([]int(nil), s...))
	}
	mvCheckAll(dist, "loc", loc, func(x float64) bool { return x == x && !math.IsInf(x, 0) }, "finite")
}

// mvCheckSymmetric applies PyTorch's symmetry test (isclose with rtol 1e-5,
// atol 1e-6).
func mvCheckSymmetric(dist, param string, m ad.V) {
	s := m.Shape()
	n := s[len(s)-1]
	x := m.Data()
	for b := 0; b < len(x)/(n*n); b++ {
		a := x[b*n*n : (b+1)*n*n]
		for i := 0; i < n; i++ {
			for j := 0; j < i; j++ {
				u, v := a[i*n+j], a[j*n+i]
				if math.Abs(u-v) > 1e-6+1e-5*math.Abs(v) {
					Fail(dist, param, "must be symmetric, got [%d,%d] = %v and [%d,%d] = %v (matrix %d)", i, j, u, j, i, v, b)
				}
			}
		}
	}
}

// mvCheckLowerCholesky fails unless every matrix is lower triangular with
// a positive diagonal (PyTorch's lower_cholesky).
func mvCheckLowerCholesky(dist, param string, m ad.V) {
	s := m.Shape()
	n := s[len(s)-1]
	x := m.Data()
	for b := 0; b < len(x)/(n*n); b++ {
		a := x[b*n*n : (b+1)*n*n]
		for i := 0; i < n; i++ {
			if !(a[i*n+i] > 0) {
				Fail(dist, param, "must have a positive diagonal, got [%d,%d] = %v (matrix %d)", i, i, a[i*n+i], b)
			}
			for j := i + 1; j < n; j++ {
				if a[i*n+j] != 0 {
					Fail(dist, param, "must be lower triangular, got [%d,%d] = %v (matrix %d)", i, j, a[i*n+j], b)
				}
			}
		}
	}
}

// mvCholesky factors m, turning a failure (not positive definite) into
// *Error naming dist and param.
func mvCholesky(dist, param string, m ad.V) (L ad.V) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*ad.Error); ok {
				Fail(dist, param, "must be positive definite: %s", e.Msg)
			}
			panic(r)
		}
	}()
	return m.Tape().Cholesky(m)
}
