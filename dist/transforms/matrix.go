package transforms

import (
	"fmt"
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

func squareDim(op string, x ad.V) int {
	s := x.Shape()
	if len(s) < 2 || s[len(s)-1] != s[len(s)-2] {
		fail(op, "needs square matrices (…, n, n), got shape %v", cp(s))
	}
	return s[len(s)-1]
}

// triangularN solves n(n+d)/2 = m for n (d = 1 with the diagonal, -1
// without), reporting false when m is not such a number.
func triangularN(m, d int) (int, bool) {
	n := int(math.Round((-float64(d) + math.Sqrt(float64(d*d+8*m))) / 2))
	if n < 0 || n*(n+d)/2 != m {
		return 0, false
	}
	return n, true
}

// ---------------------------------------------------------------------------
// LowerCholesky family (matrix → matrix, PyTorch's convention)

type lowerKind uint8

const (
	lowerExp      lowerKind = iota // diag exp(x)
	lowerSoftplus                  // diag softplus(x)
	lowerUnit                      // diag 1
)

type lowerChol struct {
	kind lowerKind
	sameShape
}

// LowerCholesky maps a square matrix to a lower-triangular one with a
// positive diagonal (PyTorch's LowerCholeskyTransform): y = tril(x, -1) +
// diag(exp(diag x)); entries above the diagonal are ignored. The map is a
// bijection on the n(n+1)/2 lower entries, and LogAbsDetJacobian (which
// PyTorch leaves undefined) is taken on those: Σ diag(x). For inference in
// unconstrained space prefer LowerCholeskyVec, whose domain has no ignored
// coordinates.
var LowerCholesky Transform = lowerChol{lowerExp, sameShape{2}}

// SoftplusLowerCholesky is Pyro's SoftplusLowerCholeskyTransform: as
// LowerCholesky with a softplus diagonal; log-det Σ log σ(diag x).
var SoftplusLowerCholesky Transform = lowerChol{lowerSoftplus, sameShape{2}}

// UnitLowerCholesky is Pyro's UnitLowerCholeskyTransform: y = tril(x, -1) +
// I; log-det 0.
var UnitLowerCholesky Transform = lowerChol{lowerUnit, sameShape{2}}

func (l lowerChol) Name() string {
	return [...]string{"LowerCholeskyTransform", "SoftplusLowerCholeskyTransform", "UnitLowerCholeskyTransform"}[l.kind]
}

var realMatrix constraints.Constraint = &constraints.IndependentConstraint{Base: constraints.Real, N: 2}

func (l lowerChol) Domain() constraints.Constraint { return realMatrix }
func (l lowerChol) Codomain() constraints.Constraint {
	return [...]constraints.Constraint{constraints.LowerCholesky, constraints.SoftplusLowerCholesky, constraints.UnitLowerCholesky}[l.kind]
}
func (l lowerChol) Sign() int { return 0 }

func (l lowerChol) Forward(x ad.V) ad.V {
	t := x.Tape()
	n := squareDim(l.Name(), x)
	ix := indices(n)
	var d ad.V
	switch l.kind {
	case lowerExp:
		d = t.Exp(x)
	case lowerSoftplus:
		d = t.Softplus(x)
	default:
		d = t.Scalar(1)
	}
	return t.Where(constMat(t, n, ix.strictMask), x, t.Where(constMat(t, n, ix.diagMask), d, t.Scalar(0)))
}

func (l lowerChol) Inverse(y ad.V) ad.V {
	t := y.Tape()
	n := squareDim(l.Name(), y)
	ix := indices(n)
	var d ad.V
	switch l.kind {
	case lowerExp:
		d = t.Log(y)
	case lowerSoftplus:
		d = softplusT{}.Inverse(y)
	default:
		d = t.Scalar(0)
	}
	return t.Where(constMat(t, n, ix.strictMask), y, t.Where(constMat(t, n, ix.diagMask), d, t.Scalar(0)))
}

func (l lowerChol) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	n := squareDim(l.Name(), x)
	eye := constMat(t, n, indices(n).diagMask)
	switch l.kind {
	case lowerExp:
		return t.SumAxes(t.Mul(x, eye), false, -1, -2)
	case lowerSoftplus:
		return t.SumAxes(t.Where(eye, t.LogSigmoid(x), t.Scalar(0)), false, -1, -2)
	}
	return zerosBatch(x, 2)
}

// ---------------------------------------------------------------------------
// LowerCholeskyVec (vector → matrix)

// LowerCholeskyVecTransform maps a vector of n(n+1)/2 reals (the lower
// triangle, row-major) to an n×n lower-triangular matrix with a positive
// (exp) diagonal, as NumPyro's LowerCholeskyTransform: a true bijection
// for unconstrained inference. Log-det-Jacobian: the sum of the diagonal
// entries of x.
type LowerCholeskyVecTransform struct{}

// LowerCholeskyVec is the vector-domain lower-Cholesky transform.
var LowerCholeskyVec Transform = LowerCholeskyVecTransform{}

func (LowerCholeskyVecTransform) Name() string                     { return "LowerCholeskyVecTransform" }
func (LowerCholeskyVecTransform) Domain() constraints.Constraint   { return constraints.RealVector }
func (LowerCholeskyVecTransform) Codomain() constraints.Constraint { return constraints.LowerCholesky }
func (LowerCholeskyVecTransform) Sign() int                        { return 0 }

func vecN(op string, x ad.V, d int) int {
	m := lastDim(op, x)
	n, ok := triangularN(m, d)
	if !ok {
		fail(op, "last dimension %d is not a triangular number n(n%+d)/2", m, d)
	}
	return n
}

// vecToMatrix scatters v (…, m) into (…, n, n) using the position map from
// (zero where it points past v).
func vecToMatrix(op string, v ad.V, n int, from []int) ad.V {
	t := v.Tape()
	zs := batchPlus(op, v, 1, 1)
	aug := t.Concat(-1, v, t.Const(zs.Slice(), nil))
	ms := batchPlus(op, v, 1, n, n)
	return t.Reshape(t.IndexSelect(aug, -1, from), ms.Slice()...)
}

// matrixToVec gathers the positions idx of (…, n, n) into (…, len(idx)).
func matrixToVec(op string, y ad.V, n int, idx []int) ad.V {
	t := y.Tape()
	fs := batchPlus(op, y, 2, n*n)
	return t.IndexSelect(t.Reshape(y, fs.Slice()...), -1, idx)
}

func (LowerCholeskyVecTransform) Forward(x ad.V) ad.V {
	t := x.Tape()
	n := vecN("LowerCholeskyVecTransform", x, 1)
	ix := indices(n)
	xd := t.Where(constVec(t, ix.inclDiagMask), t.Exp(x), x)
	return vecToMatrix("LowerCholeskyVecTransform", xd, n, ix.fromIncl)
}

func (LowerCholeskyVecTransform) Inverse(y ad.V) ad.V {
	t := y.Tape()
	n := squareDim("LowerCholeskyVecTransform", y)
	ix := indices(n)
	v := matrixToVec("LowerCholeskyVecTransform", y, n, ix.incl)
	return t.Where(constVec(t, ix.inclDiagMask), t.Log(v), v)
}

func (LowerCholeskyVecTransform) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	n := vecN("LowerCholeskyVecTransform", x, 1)
	return t.SumAxis(t.Mul(x, constVec(t, indices(n).inclDiagMask)), -1, false)
}

func (LowerCholeskyVecTransform) ForwardShape(shape []int) (Shape, error) {
	return vecShapeToMatrix("LowerCholeskyVecTransform", shape, 1)
}
func (LowerCholeskyVecTransform) InverseShape(shape []int) (Shape, error) {
	return matrixShapeToVec("LowerCholeskyVecTransform", shape, 1)
}

func vecShapeToMatrix(op string, shape []int, d int) (Shape, error) {
	if len(shape) == 0 || len(shape) >= ad.MaxDims {
		return Shape{}, fmt.Errorf("transforms: %s: needs a vector shape, got %v", op, cp(shape))
	}
	n, ok := triangularN(shape[len(shape)-1], d)
	if !ok {
		return Shape{}, fmt.Errorf("transforms: %s: last dimension of %v is not a triangular number n(n%+d)/2", op, cp(shape), d)
	}
	s := makeShape(shape[:len(shape)-1])
	s.d[s.n], s.d[s.n+1] = n, n
	s.n += 2
	return s, nil
}

func matrixShapeToVec(op string, shape []int, d int) (Shape, error) {
	if len(shape) < 2 || shape[len(shape)-1] != shape[len(shape)-2] {
		return Shape{}, fmt.Errorf("transforms: %s: needs square matrices (…, n, n), got %v", op, cp(shape))
	}
	n := shape[len(shape)-1]
	s := makeShape(shape[:len(shape)-2])
	s.d[s.n] = n * (n + d) / 2
	s.n++
	return s, nil
}

// ---------------------------------------------------------------------------
// CorrLCholesky

type corrLCholesky struct{}

// CorrLCholesky maps a vector of n(n-1)/2 reals onto the Cholesky factors
// of n×n correlation matrices (PyTorch's CorrCholeskyTransform, Stan's
// construction): r = tanh(x) placed row-major below the diagonal, then
// stick-breaking along each row so that rows have unit norm. The
// log-det-Jacobian is PyTorch's (on the strictly lower entries of y),
// computed from x.
var CorrLCholesky Transform = corrLCholesky{}

func (corrLCholesky) Name() string                     { return "CorrCholeskyTransform" }
func (corrLCholesky) Domain() constraints.Constraint   { return constraints.RealVector }
func (corrLCholesky) Codomain() constraints.Constraint { return constraints.CorrCholesky }
func (corrLCholesky) Sign() int                        { return 0 }

// parts returns the placed tanh values R (…, n, n), the row-wise cumulative
// sums C of h = ½·log(1-R²), and h.
func (corrLCholesky) parts(x ad.V) (R, C, h ad.V, n int) {
	t := x.Tape()
	n = vecN("CorrCholeskyTransform", x, -1)
	r := t.Clamp(t.Tanh(x), -1+float64Eps, 1-float64Eps)
	R = vecToMatrix("CorrCholeskyTransform", r, n, indices(n).fromStrict)
	h = t.MulConst(t.Log1p(t.Neg(t.Square(R))), 0.5)
	C = t.CumSum(h, -1)
	return R, C, h, n
}

func (c corrLCholesky) Forward(x ad.V) ad.V {
	t := x.Tape()
	R, C, h, n := c.parts(x)
	// y_ij = r_ij·Π_{k<j} √(1-r_ik²) (and the diagonal the remaining stick)
	return t.Mul(t.Add(R, constMat(t, n, indices(n).eye)), t.Exp(t.Sub(C, h)))
}

func (c corrLCholesky) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	_, C, _, n := c.parts(x)
	// ½ Σ_{j ≤ i-2} log(1 - Σ_{k≤j} y_ik²) = Σ_{j ≤ i-2} C_ij
	stick := t.SumAxes(t.Mul(C, constMat(t, n, indices(n).below2Mask)), false, -1, -2)
	return t.Add(stick, t.SumAxis(tanhT{}.LogAbsDetJacobian(x, ad.V{}), -1, false))
}

func (c corrLCholesky) ForwardLogDet(x ad.V) (ad.V, ad.V) {
	t := x.Tape()
	R, C, h, n := c.parts(x)
	ix := indices(n)
	y := t.Mul(t.Add(R, constMat(t, n, ix.eye)), t.Exp(t.Sub(C, h)))
	stick := t.SumAxes(t.Mul(C, constMat(t, n, ix.below2Mask)), false, -1, -2)
	return y, t.Add(stick, t.SumAxis(tanhT{}.LogAbsDetJacobian(x, ad.V{}), -1, false))
}

func (corrLCholesky) Inverse(y ad.V) ad.V {
	t := y.Tape()
	n := squareDim("CorrCholeskyTransform", y)
	y2 := t.Square(y)
	// 1 - Σ_{k<j} y_ik²: the stick left before entry j
	rem := t.AddConst(t.Neg(t.Sub(t.CumSum(y2, -1), y2)), 1)
	q := t.Div(y, t.Sqrt(t.Clamp(rem, float64Tiny, math.Inf(1))))
	v := matrixToVec("CorrCholeskyTransform", q, n, indices(n).strict)
	return t.Atanh(t.Clamp(v, -1+float64Eps, 1-float64Eps))
}

func (corrLCholesky) ForwardShape(shape []int) (Shape, error) {
	return vecShapeToMatrix("CorrCholeskyTransform", shape, -1)
}
func (corrLCholesky) InverseShape(shape []int) (Shape, error) {
	return matrixShapeToVec("CorrCholeskyTransform", shape, -1)
}

// ---------------------------------------------------------------------------
// L → L·Lᵀ

type cholOuter struct {
	corr bool
	sameShape
}

// CholeskyOuter maps a lower Cholesky factor L to L·Lᵀ, onto the positive
// definite matrices (Pyro's CholeskyTransform().inv); its log-det-Jacobian,
// on the lower-triangular coordinates of both, is n·log 2 + Σ_i (n-i)·log
// L_ii (i from 0). The inverse is the Cholesky factorization.
var CholeskyOuter Transform = cholOuter{false, sameShape{2}}

// CorrCholeskyOuter maps a correlation Cholesky factor L to the
// correlation matrix L·Lᵀ (Pyro's CorrMatrixCholeskyTransform().inv); its
// log-det-Jacobian, on the strictly lower coordinates, is Σ_i (n-1-i)·log
// L_ii.
var CorrCholeskyOuter Transform = cholOuter{true, sameShape{2}}

func (c cholOuter) Name() string {
	if c.corr {
		return "_InverseTransform(CorrMatrixCholeskyTransform)"
	}
	return "_InverseTransform(CholeskyTransform)"
}
func (c cholOuter) Domain() constraints.Constraint {
	if c.corr {
		return constraints.CorrCholesky
	}
	return constraints.LowerCholesky
}
func (c cholOuter) Codomain() constraints.Constraint {
	if c.corr {
		return constraints.CorrMatrix
	}
	return constraints.PositiveDefinite
}
func (c cholOuter) Sign() int { return 0 }
func (c cholOuter) Forward(x ad.V) ad.V {
	t := x.Tape()
	squareDim(c.Name(), x)
	return t.MatMul(x, t.Transpose(x))
}
func (c cholOuter) Inverse(y ad.V) ad.V {
	squareDim(c.Name(), y)
	return y.Tape().Cholesky(y)
}
func (c cholOuter) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	n := squareDim(c.Name(), x)
	ix := indices(n)
	d := t.Log(matrixToVec(c.Name(), x, n, ix.diag))
	w := ix.cholW
	if c.corr {
		w = ix.corrW
	}
	s := t.SumAxis(t.Mul(d, constVec(t, w)), -1, false)
	if c.corr {
		return s
	}
	return t.AddConst(s, float64(n)*math.Ln2)
}

// ---------------------------------------------------------------------------
// LowerCholeskyAffine

// LowerCholeskyAffineTransform is y = Loc + ScaleTril·x for vectors x
// (Pyro's LowerCholeskyAffine): Loc (…, n), ScaleTril (…, n, n) lower
// triangular with a positive diagonal. Log-det-Jacobian Σ log diag
// ScaleTril; the inverse is a triangular solve.
type LowerCholeskyAffineTransform struct {
	Loc, ScaleTril ad.V
	sameShape
}

var lcaPool = newPool[LowerCholeskyAffineTransform]()

// LowerCholeskyAffine returns the transform (from a per-tape pool).
func LowerCholeskyAffine(loc, scaleTril ad.V) *LowerCholeskyAffineTransform {
	if !loc.Valid() || !scaleTril.Valid() || loc.Tape() != scaleTril.Tape() {
		fail("LowerCholeskyAffine", "loc and scale_tril must be valid values on one tape")
	}
	n := squareDim("LowerCholeskyAffine", scaleTril)
	if lastDim("LowerCholeskyAffine", loc) != n && loc.Size() != 1 {
		fail("LowerCholeskyAffine", "loc of shape %v does not match scale_tril of shape %v", cp(loc.Shape()), cp(scaleTril.Shape()))
	}
	a := lcaPool.get(loc.Tape())
	a.Loc, a.ScaleTril = loc, scaleTril
	a.sameShape = sameShape{1}
	return a
}

func (a *LowerCholeskyAffineTransform) Name() string                   { return "LowerCholeskyAffine" }
func (a *LowerCholeskyAffineTransform) Domain() constraints.Constraint { return constraints.RealVector }
func (a *LowerCholeskyAffineTransform) Codomain() constraints.Constraint {
	return constraints.RealVector
}
func (a *LowerCholeskyAffineTransform) Sign() int { return 0 }

func (a *LowerCholeskyAffineTransform) Forward(x ad.V) ad.V {
	t := x.Tape()
	cs := batchPlus("LowerCholeskyAffine", x, 0, 1)
	xc := t.Reshape(x, cs.Slice()...)
	y := t.MatMul(a.ScaleTril, xc) // (…, n, 1)
	ys := y.Shape()
	vs := makeShape(ys[:len(ys)-1])
	return t.Add(a.Loc, t.Reshape(y, vs.Slice()...))
}

func (a *LowerCholeskyAffineTransform) Inverse(y ad.V) ad.V {
	t := y.Tape()
	d := t.Sub(y, a.Loc)
	cs := batchPlus("LowerCholeskyAffine", d, 0, 1)
	x := t.TriangularSolve(a.ScaleTril, t.Reshape(d, cs.Slice()...), false, false)
	xs := x.Shape()
	vs := makeShape(xs[:len(xs)-1])
	return t.Reshape(x, vs.Slice()...)
}

func (a *LowerCholeskyAffineTransform) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	l := t.SumLogDiag(a.ScaleTril)
	bs := batchPlus("LowerCholeskyAffine", x, 1)
	if shapeEq(l.Shape(), bs.Slice()) {
		return l
	}
	return t.Add(l, t.Const(bs.Slice(), nil))
}
