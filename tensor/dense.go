package tensor

import (
	"math"
)

// Dense is a float64 n-d array: a view of a backing []float64 through a
// shape, per-dimension strides (in elements, possibly 0 for broadcast
// dimensions or negative for reversed ones) and an offset. Several Dense
// values may share one backing slice: the view methods (Slice, Index,
// Transpose, Reshape, Expand, Squeeze, Unsqueeze) never copy.
//
// A Dense is not safe for concurrent mutation. The slices returned by Shape
// and Strides belong to the tensor and must not be modified.
type Dense struct {
	data    []float64
	off     int
	shape   []int
	strides []int
	size    int
	contig  bool
}

// New returns a contiguous row-major tensor of the given shape backed by
// data, which it uses without copying (the tensor aliases the slice). With
// nil data it allocates zeros. It panics with a *ShapeError when len(data)
// does not equal the product of the shape, or the shape is invalid (a
// negative dimension, more than MaxDims dimensions); FromSlice returns the
// error instead.
func New(shape []int, data []float64) *Dense {
	t, err := FromSlice(shape, data)
	if err != nil {
		panic(err)
	}
	return t
}

// FromSlice is New returning an error instead of panicking.
func FromSlice(shape []int, data []float64) (*Dense, error) {
	if err := CheckShape("tensor.New", shape); err != nil {
		return nil, err
	}
	n := ShapeSize(shape)
	if data == nil {
		data = make([]float64, n)
	} else if len(data) != n {
		return nil, shapeErr("tensor.New", "data has length %d, shape needs %d elements", []any{len(data), n}, shape)
	}
	t := newHeader(len(shape))
	t.init(data, shape)
	return t, nil
}

// Zeros returns a new contiguous tensor of zeros. It panics on an invalid
// shape.
func Zeros(shape ...int) *Dense { return New(shape, nil) }

// Full returns a new contiguous tensor with every element v.
func Full(v float64, shape ...int) *Dense {
	t := New(shape, nil)
	for i := range t.data {
		t.data[i] = v
	}
	return t
}

// Scalar returns a 0-d tensor (shape []) holding v.
func Scalar(v float64) *Dense { return New(nil, []float64{v}) }

// newHeader allocates a Dense whose shape and strides share one int slice.
func newHeader(nd int) *Dense {
	ints := make([]int, 2*nd)
	return &Dense{shape: ints[:nd:nd], strides: ints[nd:]}
}

// init makes t a contiguous tensor over data with the given shape; t.shape
// and t.strides must already have len(shape).
func (t *Dense) init(data []float64, shape []int) {
	copy(t.shape, shape)
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		t.strides[i] = s
		s *= shape[i]
	}
	t.data, t.off, t.size, t.contig = data, 0, s, true
}

// setLayout finishes a view: shape and strides are copied in, size and
// contiguity recomputed.
func (t *Dense) setLayout(data []float64, off int, shape, strides []int) {
	copy(t.shape, shape)
	copy(t.strides, strides)
	t.data, t.off = data, off
	t.size = ShapeSize(shape)
	t.contig = isContiguous(shape, strides)
	if t.size == 0 {
		t.off = 0 // no element is addressed; keep Data() in range
	}
}

func isContiguous(shape, strides []int) bool {
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		if shape[i] == 0 {
			return true
		}
		if shape[i] != 1 && strides[i] != s {
			return false
		}
		s *= shape[i]
	}
	return true
}

// Shape returns the dimensions (do not modify the slice).
func (t *Dense) Shape() []int { return t.shape }

// Strides returns the strides in elements (do not modify the slice).
func (t *Dense) Strides() []int { return t.strides }

// Offset returns the index in the backing slice of the element at all-zero
// indices.
func (t *Dense) Offset() int { return t.off }

// Dims returns the number of dimensions (0 for a scalar).
func (t *Dense) Dims() int { return len(t.shape) }

// Size returns the number of elements.
func (t *Dense) Size() int { return t.size }

// IsContiguous reports whether the elements are laid out in row-major order
// without gaps (so that Data returns exactly them).
func (t *Dense) IsContiguous() bool { return t.contig }

// Data returns the tensor's elements without copying. For a contiguous
// tensor it is exactly the Size() elements in row-major order (a sub-slice
// of the backing storage, so writes are visible in the tensor). For a
// non-contiguous view it is the whole backing slice shared with the tensor
// the view was taken from; use Offset and Strides to address it, or call
// Contiguous first.
func (t *Dense) Data() []float64 {
	if t.contig {
		return t.data[t.off : t.off+t.size : t.off+t.size]
	}
	return t.data
}

// index converts indices into a backing-slice position, panicking with a
// *ShapeError when they do not fit.
func (t *Dense) index(routine string, idx []int) int {
	if len(idx) != len(t.shape) {
		kernelPanic(routine, "got "+itoa(len(idx))+" indices for "+itoa(len(t.shape))+" dimensions", t.shape)
	}
	p := t.off
	for i, v := range idx {
		if uint(v) >= uint(t.shape[i]) {
			kernelPanic(routine, "index "+itoa(v)+" out of range for dimension "+itoa(i), t.shape)
		}
		p += v * t.strides[i]
	}
	return p
}

// At returns the element at the given indices (one per dimension, none for
// a scalar). It panics with a *ShapeError when they are out of range, as
// slice indexing does.
func (t *Dense) At(idx ...int) float64 { return t.data[t.index("At", idx)] }

// Set stores v at the given indices. It panics like At.
func (t *Dense) Set(v float64, idx ...int) { t.data[t.index("Set", idx)] = v }

// Item returns the single element of a tensor of size 1 (any shape). It
// panics with a *ShapeError otherwise.
func (t *Dense) Item() float64 {
	if t.size != 1 {
		kernelPanic("Item", "tensor has "+itoa(t.size)+" elements, not 1", t.shape)
	}
	return t.data[t.off]
}

// layout3 fills operand k of l from t, broadcast to shape out (aligned at
// trailing dimensions): its strides, 0 where t is broadcast.
func (t *Dense) stridesFor(st *[MaxDims]int, out []int) bool {
	nd, ns := len(out), len(t.shape)
	if ns > nd {
		return false
	}
	off := nd - ns
	for i := 0; i < nd; i++ {
		if i < off {
			st[i] = 0
			continue
		}
		d := t.shape[i-off]
		switch {
		case d == out[i]:
			st[i] = t.strides[i-off]
		case d == 1:
			st[i] = 0
		default:
			return false
		}
	}
	return true
}

// Fill sets every element to v.
func (t *Dense) Fill(v float64) {
	if t.contig {
		d := t.data[t.off : t.off+t.size]
		for i := range d {
			d[i] = v
		}
		return
	}
	if t.size == 0 {
		return
	}
	var l layout
	l.nd = len(t.shape)
	copy(l.shape[:], t.shape)
	copy(l.st[0][:], t.strides)
	fillLoop(&l, t.data, t.off, v)
}

// CopyFrom copies src into t, broadcasting src to t's shape (NumPy's
// copyto). Overlapping src and t give unspecified results unless they are
// the same view. The error, a *ShapeError, names both shapes.
func (t *Dense) CopyFrom(src *Dense) error {
	if !CanBroadcastTo(src.shape, t.shape) {
		return newShapeError("tensor.CopyFrom", "source does not broadcast to the destination shape", t.shape, src.shape)
	}
	unaryInto(OpIdentity, t, src)
	return nil
}

// Clone returns a contiguous deep copy.
func (t *Dense) Clone() *Dense {
	c := New(t.shape, nil)
	if err := c.CopyFrom(t); err != nil {
		panic(err) // unreachable: same shape
	}
	return c
}

// Contiguous returns t itself when it is contiguous, and otherwise a
// contiguous copy (Clone).
func (t *Dense) Contiguous() *Dense {
	if t.contig {
		return t
	}
	return t.Clone()
}

// each calls f with every element's value in row-major order.
func (t *Dense) each(f func(i int, v float64) bool) {
	if t.size == 0 {
		return
	}
	if t.contig {
		for i, v := range t.data[t.off : t.off+t.size] {
			if !f(i, v) {
				return
			}
		}
		return
	}
	nd := len(t.shape)
	var idx [MaxDims]int
	p := t.off
	for i := 0; ; i++ {
		if !f(i, t.data[p]) {
			return
		}
		d := nd - 1
		for ; d >= 0; d-- {
			idx[d]++
			p += t.strides[d]
			if idx[d] < t.shape[d] {
				break
			}
			p -= t.strides[d] * t.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// Values returns a new slice with the elements in row-major order.
func (t *Dense) Values() []float64 {
	out := make([]float64, 0, t.size)
	t.each(func(_ int, v float64) bool { out = append(out, v); return true })
	return out
}

// Equal reports whether u has t's shape and the same elements (NaN equals
// nothing, as in NumPy's array_equal).
func (t *Dense) Equal(u *Dense) bool {
	if !ShapesEqual(t.shape, u.shape) {
		return false
	}
	return t.AllClose(u, -1)
}

// AllClose reports whether u has t's shape and every pair of elements
// satisfies |t - u| <= tol + tol*|u| (NumPy's allclose with rtol = atol =
// tol). Infinities must match exactly; NaNs compare equal to NaNs in the same
// positions (equal_nan), so that NaN propagation can be tested. A negative
// tol requires exact equality with NaN unequal to everything.
func (t *Dense) AllClose(u *Dense, tol float64) bool {
	if !ShapesEqual(t.shape, u.shape) {
		return false
	}
	if t.size == 0 {
		return true
	}
	var l layout
	l.nd = len(t.shape)
	copy(l.shape[:], t.shape)
	copy(l.st[0][:], t.strides)
	copy(l.st[1][:], u.strides)
	return allCloseLoop(&l, t.data, t.off, u.data, u.off, tol)
}

func closeTo(x, y, tol float64) bool {
	if tol < 0 {
		return x == y
	}
	if x == y {
		return true
	}
	if x != x || y != y {
		return x != x && y != y
	}
	if math.IsInf(x, 0) || math.IsInf(y, 0) {
		return false
	}
	return math.Abs(x-y) <= tol+tol*math.Abs(y)
}

func allCloseLoop(l *layout, a []float64, ia int, b []float64, ib int, tol float64) bool {
	l.coalesce(2)
	in := l.nd - 1
	n, sa, sb := l.shape[in], l.st[0][in], l.st[1][in]
	var idx [MaxDims]int
	for {
		for i, p, q := 0, ia, ib; i < n; i++ {
			if !closeTo(a[p], b[q], tol) {
				return false
			}
			p += sa
			q += sb
		}
		d := in - 1
		for ; d >= 0; d-- {
			idx[d]++
			ia += l.st[0][d]
			ib += l.st[1][d]
			if idx[d] < l.shape[d] {
				break
			}
			ia -= l.st[0][d] * l.shape[d]
			ib -= l.st[1][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return true
		}
	}
}
