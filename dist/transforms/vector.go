package transforms

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// batchPlus returns x's shape with its last k dimensions replaced by tail.
func batchPlus(op string, x ad.V, k int, tail ...int) Shape {
	s := x.Shape()
	if len(s) < k {
		fail(op, "needs at least %d dimensions, got shape %v", k, cp(s))
	}
	var r Shape
	r.n = copy(r.d[:], s[:len(s)-k])
	if r.n+len(tail) > ad.MaxDims {
		fail(op, "result would have more than %d dimensions", ad.MaxDims)
	}
	r.n += copy(r.d[r.n:], tail)
	return r
}

func lastDim(op string, x ad.V) int {
	s := x.Shape()
	if len(s) == 0 {
		fail(op, "needs a vector (or batch of vectors), got a scalar")
	}
	return s[len(s)-1]
}

// constVec records the read-only cached vector d (no copy).
func constVec(t *ad.Tape, d []float64) ad.V {
	var s [1]int
	s[0] = len(d)
	return t.ConstRef(s[:], d)
}

func constMat(t *ad.Tape, n int, d []float64) ad.V {
	var s [2]int
	s[0], s[1] = n, n
	return t.ConstRef(s[:], d)
}

// ---------------------------------------------------------------------------
// StickBreaking

type stickBreaking struct{}

// StickBreaking maps a vector in R^K onto the (K+1)-simplex (PyTorch's
// StickBreakingTransform): z_i = σ(x_i - log(K-i)), y_i = z_i·Π_{j<i}(1-z_j),
// y_K = Π_{j<K}(1-z_j). It works in log space, so extreme inputs give
// exact zeros rather than NaN. Its log-det-Jacobian is taken on the first K
// coordinates of y; it is computed from x (y is not read).
var StickBreaking Transform = stickBreaking{}

func (stickBreaking) Name() string                     { return "StickBreakingTransform" }
func (stickBreaking) Domain() constraints.Constraint   { return constraints.RealVector }
func (stickBreaking) Codomain() constraints.Constraint { return constraints.Simplex }
func (stickBreaking) Sign() int                        { return 0 }

// parts returns log z and the cumulative sums of log(1-z).
func (stickBreaking) parts(x ad.V) (lz, L ad.V) {
	t := x.Tape()
	k := lastDim("StickBreakingTransform", x)
	a := t.Sub(x, constVec(t, indices(k).logOffset))
	lz = t.Neg(t.Softplus(t.Neg(a)))
	L = t.CumSum(t.Neg(t.Softplus(a)), -1)
	return lz, L
}

func (s stickBreaking) ForwardLogDet(x ad.V) (ad.V, ad.V) {
	t := x.Tape()
	lz, L := s.parts(x)
	zs := batchPlus("StickBreakingTransform", x, 1, 1)
	zero := t.Const(zs.Slice(), nil)
	logy := t.Add(t.Concat(-1, lz, zero), t.Concat(-1, zero, L))
	// log|J| = Σ_i log z_i + Σ_{j≤i} log(1-z_j)
	return t.Exp(logy), t.SumAxis(t.Add(lz, L), -1, false)
}

func (s stickBreaking) Forward(x ad.V) ad.V {
	y, _ := s.ForwardLogDet(x)
	return y
}

func (s stickBreaking) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	lz, L := s.parts(x)
	return t.SumAxis(t.Add(lz, L), -1, false)
}

func (stickBreaking) Inverse(y ad.V) ad.V {
	t := y.Tape()
	k := lastDim("StickBreakingTransform", y) - 1
	if k < 0 {
		fail("StickBreakingTransform", "simplex of length 0")
	}
	yc := t.SliceAxis(y, -1, 0, k)
	sf := t.Clamp(t.AddConst(t.Neg(t.CumSum(yc, -1)), 1), float64Tiny, 1)
	return t.Add(t.Sub(t.Log(yc), t.Log(sf)), constVec(t, indices(k).logOffset))
}

func (stickBreaking) ForwardShape(shape []int) (Shape, error) {
	if len(shape) == 0 {
		return Shape{}, fmt.Errorf("transforms: StickBreakingTransform: needs a vector shape, got a scalar")
	}
	s := makeShape(shape)
	s.d[s.n-1]++
	return s, nil
}

func (stickBreaking) InverseShape(shape []int) (Shape, error) {
	if len(shape) == 0 || shape[len(shape)-1] < 1 {
		return Shape{}, fmt.Errorf("transforms: StickBreakingTransform: needs a simplex shape (…, K+1), got %v", cp(shape))
	}
	s := makeShape(shape)
	s.d[s.n-1]--
	return s, nil
}

// ---------------------------------------------------------------------------
// Ordered

type ordered struct{ sameShape }

// Ordered maps R^K onto increasing vectors (Pyro's OrderedTransform):
// y_0 = x_0, y_i = y_{i-1} + exp(x_i). Log-det-Jacobian Σ_{i≥1} x_i.
var Ordered Transform = ordered{sameShape{1}}

func (ordered) Name() string                     { return "OrderedTransform" }
func (ordered) Domain() constraints.Constraint   { return constraints.RealVector }
func (ordered) Codomain() constraints.Constraint { return constraints.OrderedVector }
func (ordered) Sign() int                        { return 0 }

func (ordered) Forward(x ad.V) ad.V {
	t := x.Tape()
	k := lastDim("OrderedTransform", x)
	first := constVec(t, indices(k).first)
	return t.CumSum(t.Where(first, x, t.Exp(x)), -1)
}

func (ordered) Inverse(y ad.V) ad.V {
	t := y.Tape()
	k := lastDim("OrderedTransform", y)
	if k <= 1 {
		return y
	}
	d := t.Sub(t.SliceAxis(y, -1, 1, k), t.SliceAxis(y, -1, 0, k-1))
	return t.Concat(-1, t.SliceAxis(y, -1, 0, 1), t.Log(d))
}

func (ordered) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	k := lastDim("OrderedTransform", x)
	return t.SumAxis(t.Mul(x, constVec(t, indices(k).notFirst)), -1, false)
}

// ---------------------------------------------------------------------------
// Permute

// PermuteTransform reorders the last dimension: y[..., i] = x[..., Perm[i]]
// (PyTorch's PermuteTransform with dim=-1). Volume preserving.
type PermuteTransform struct {
	Perm, inv []int
	sameShape
}

// Permute returns the permutation transform (allocated; perm is copied).
// It panics with *autodiff.Error unless perm is a permutation of 0..n-1.
func Permute(perm []int) *PermuteTransform {
	inv := make([]int, len(perm))
	for i := range inv {
		inv[i] = -1
	}
	for i, p := range perm {
		if p < 0 || p >= len(perm) || inv[p] >= 0 {
			fail("PermuteTransform", "%v is not a permutation", cp(perm))
		}
		inv[p] = i
	}
	return &PermuteTransform{Perm: append([]int(nil), perm...), inv: inv, sameShape: sameShape{1}}
}

func (p *PermuteTransform) Name() string                     { return "PermuteTransform" }
func (p *PermuteTransform) Domain() constraints.Constraint   { return constraints.RealVector }
func (p *PermuteTransform) Codomain() constraints.Constraint { return constraints.RealVector }
func (p *PermuteTransform) Sign() int                        { return 0 }
func (p *PermuteTransform) Forward(x ad.V) ad.V {
	p.check(x)
	return x.Tape().IndexSelect(x, -1, p.Perm)
}
func (p *PermuteTransform) Inverse(y ad.V) ad.V {
	p.check(y)
	return y.Tape().IndexSelect(y, -1, p.inv)
}
func (p *PermuteTransform) LogAbsDetJacobian(x, _ ad.V) ad.V { return zerosBatch(x, 1) }
func (p *PermuteTransform) check(x ad.V) {
	if k := lastDim("PermuteTransform", x); k != len(p.Perm) {
		fail("PermuteTransform", "last dimension %d does not match the permutation's length %d", k, len(p.Perm))
	}
}

// ---------------------------------------------------------------------------
// DiscreteCosine

type dct struct{ sameShape }

// DiscreteCosine is the orthonormal DCT-II along the last dimension (Pyro's
// DiscreteCosineTransform with dim=-1, smooth=0): y_k = s_k Σ_j x_j
// cos(π(j+½)k/n), s_0 = √(1/n), s_k = √(2/n). Orthogonal, so the
// log-det-Jacobian is zero; the inverse is the DCT-III. The matrix is cached
// per length (below 512), so applying it allocates nothing.
var DiscreteCosine Transform = dct{sameShape{1}}

func (dct) Name() string                     { return "DiscreteCosineTransform" }
func (dct) Domain() constraints.Constraint   { return constraints.RealVector }
func (dct) Codomain() constraints.Constraint { return constraints.RealVector }
func (dct) Sign() int                        { return 0 }
func (dct) Forward(x ad.V) ad.V {
	t := x.Tape()
	n := lastDim("DiscreteCosineTransform", x)
	return t.MatMul(x, constMat(t, n, indices(n).dctT))
}
func (dct) Inverse(y ad.V) ad.V {
	t := y.Tape()
	n := lastDim("DiscreteCosineTransform", y)
	return t.MatMul(y, constMat(t, n, indices(n).dct))
}
func (dct) LogAbsDetJacobian(x, _ ad.V) ad.V { return zerosBatch(x, 1) }
