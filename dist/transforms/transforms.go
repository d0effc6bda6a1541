package transforms

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// Transform is a differentiable bijection y = f(x) between Domain and
// Codomain, applied to tape values.
//
// Shapes follow PyTorch: x has shape batch + domain event shape; y has
// shape batch + codomain event shape (equal to x's for all but the
// shape-changing transforms, see ForwardShape); LogAbsDetJacobian has shape
// batch, i.e. x's shape without the Domain().EventDim() rightmost
// dimensions, which it sums over.
type Transform interface {
	// Name is the PyTorch/Pyro class name, e.g. "ExpTransform".
	Name() string
	// Domain and Codomain are the constraints of x and y; their EventDim
	// are the transform's input and output event dimensions.
	Domain() constraints.Constraint
	Codomain() constraints.Constraint
	// Forward computes y = f(x).
	Forward(x ad.V) ad.V
	// Inverse computes x = f⁻¹(y).
	Inverse(y ad.V) ad.V
	// LogAbsDetJacobian is log|det ∂y/∂x| for y = Forward(x), summed over
	// the domain's event dimensions. For the shape-changing transforms it
	// is taken on the free coordinates of y (see each transform). Some
	// transforms recompute it from x alone for accuracy in the tails and
	// ignore y; pass the y Forward returned.
	LogAbsDetJacobian(x, y ad.V) ad.V
	// Sign is +1 or -1 for a strictly increasing or decreasing elementwise
	// transform, 0 when that does not apply (vector transforms, or a sign
	// that varies by element).
	Sign() int
	// ForwardShape and InverseShape map the shape of x to that of y and
	// back; they return an error when the shape is invalid for the
	// transform.
	ForwardShape(shape []int) (Shape, error)
	InverseShape(shape []int) (Shape, error)
}

// Shape is a small inline shape (no allocation).
type Shape struct {
	n int
	d [ad.MaxDims]int
}

// Slice returns the dimensions, aliasing s.
func (s *Shape) Slice() []int { return s.d[:s.n] }

// Len is the number of dimensions.
func (s *Shape) Len() int { return s.n }

func makeShape(s []int) Shape {
	var r Shape
	r.n = copy(r.d[:], s)
	return r
}

// fail panics with *ad.Error, which every gyro inference entry point (and
// dist.Catch) recovers and returns.
func fail(op, format string, args ...any) {
	panic(&ad.Error{Op: op, Msg: fmt.Sprintf(format, args...)})
}

func cp(s []int) []int { return append([]int(nil), s...) }

// ---------------------------------------------------------------------------
// per-tape pools (as dist.Pool; this package cannot import dist)

type pool[T any] struct{ slot int }

func newPool[T any]() pool[T] { return pool[T]{slot: ad.NewSlot()} }

const slabSize = 32

type slab[T any] struct {
	chunks [][]T
	n      int
}

func (s *slab[T]) Reset() { s.n = 0 }

func (p pool[T]) get(t *ad.Tape) *T {
	sp := t.Slot(p.slot)
	s, _ := (*sp).(*slab[T])
	if s == nil {
		s = &slab[T]{}
		*sp = s
	}
	c, i := s.n/slabSize, s.n%slabSize
	if c == len(s.chunks) {
		s.chunks = append(s.chunks, make([]T, slabSize))
	}
	s.n++
	x := &s.chunks[c][i]
	var zero T
	*x = zero
	return x
}

// ---------------------------------------------------------------------------
// helpers

// sumRightmost sums the n rightmost dimensions of v (PyTorch's
// _sum_rightmost).
func sumRightmost(op string, v ad.V, n int) ad.V {
	if n == 0 {
		return v
	}
	t := v.Tape()
	d := v.Dims()
	if n > d {
		fail(op, "log-det-Jacobian of shape %v has fewer than %d dimensions to sum", cp(v.Shape()), n)
	}
	if n == d {
		return t.Sum(v)
	}
	if n == 1 {
		return t.SumAxis(v, -1, false)
	}
	var axes [ad.MaxDims]int
	for i := 0; i < n; i++ {
		axes[i] = -1 - i
	}
	return t.SumAxes(v, false, axes[:n]...)
}

// zerosBatch records zeros of x's shape without its last k dimensions (the
// log-det-Jacobian of a volume-preserving transform).
func zerosBatch(x ad.V, k int) ad.V {
	s := x.Shape()
	if len(s) < k {
		fail("LogAbsDetJacobian", "value of shape %v has fewer than %d dimensions", cp(s), k)
	}
	return x.Tape().Const(s[:len(s)-k], nil)
}

// needDims panics unless v has at least k dimensions.
func needDims(op string, v ad.V, k int) {
	if v.Dims() < k {
		fail(op, "needs a value with at least %d dimensions, got shape %v", k, cp(v.Shape()))
	}
}

// sameShape implements ForwardShape/InverseShape for shape-preserving
// transforms with the given minimum number of dimensions.
type sameShape struct{ minDims int }

func (s sameShape) ForwardShape(shape []int) (Shape, error) { return s.check(shape) }
func (s sameShape) InverseShape(shape []int) (Shape, error) { return s.check(shape) }
func (s sameShape) check(shape []int) (Shape, error) {
	if len(shape) < s.minDims || len(shape) > ad.MaxDims {
		return Shape{}, fmt.Errorf("transforms: shape %v needs at least %d dimensions", cp(shape), s.minDims)
	}
	return makeShape(shape), nil
}
