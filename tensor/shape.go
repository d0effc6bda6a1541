package tensor

// Shape helpers. They work on plain []int shapes, never allocate (except to
// build an error), and are what the raw kernels' callers use to validate
// shapes before calling a kernel.

// ShapeSize returns the number of elements of a tensor of the given shape:
// the product of the dimensions, 1 for the empty shape (a 0-d scalar) and 0
// when any dimension is 0. The dimensions are assumed non-negative (see
// CheckShape).
func ShapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// ShapesEqual reports whether a and b have the same dimensions.
func ShapesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ContiguousStrides appends the row-major (C-order) strides of shape, in
// elements, to dst[:0] and returns it: the last stride is 1 and each other
// one is the product of the dimensions after it. It does not allocate when
// cap(dst) >= len(shape).
func ContiguousStrides(dst []int, shape []int) []int {
	dst = dst[:0]
	for range shape {
		dst = append(dst, 0)
	}
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		dst[i] = s
		s *= shape[i]
	}
	return dst
}

// contiguousStrides fills st[:len(shape)] with row-major strides.
func contiguousStrides(st *[MaxDims]int, shape []int) {
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
}

// CheckShape returns a *ShapeError (Op set to op) when shape has more than
// MaxDims dimensions or a negative dimension.
func CheckShape(op string, shape []int) error {
	if len(shape) > MaxDims {
		return shapeErr(op, "shape has %d dimensions, more than MaxDims = %d", []any{len(shape), MaxDims}, shape)
	}
	for i, d := range shape {
		if d < 0 {
			return shapeErr(op, "dimension %d is negative (%d)", []any{i, d}, shape)
		}
	}
	return nil
}

// BroadcastShapes returns the NumPy broadcast of shapes a and b: the shapes
// are aligned at their trailing dimensions, and each pair of dimensions must
// be equal or contain a 1 (the result takes the other). Missing leading
// dimensions count as 1. The error, a *ShapeError, names both shapes.
func BroadcastShapes(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	if n > MaxDims {
		n = 0 // let BroadcastShapesInto report it
	}
	return BroadcastShapesInto(make([]int, 0, n), a, b)
}

// BroadcastShapesInto is BroadcastShapes appending the result to dst[:0]; it
// does not allocate when cap(dst) >= max(len(a), len(b)). dst may share
// memory with a or b.
func BroadcastShapesInto(dst []int, a, b []int) ([]int, error) {
	const op = "tensor.BroadcastShapes"
	na, nb := len(a), len(b)
	if na > MaxDims || nb > MaxDims {
		return dst[:0], shapeErr(op, "more than MaxDims = %d dimensions", []any{MaxDims}, a, b)
	}
	n := max(na, nb)
	var r [MaxDims]int
	for i := 1; i <= n; i++ {
		da, db := 1, 1
		if i <= na {
			da = a[na-i]
		}
		if i <= nb {
			db = b[nb-i]
		}
		if da < 0 || db < 0 {
			return dst[:0], newShapeError(op, "negative dimension", a, b)
		}
		switch {
		case da == db || db == 1:
			r[n-i] = da
		case da == 1:
			r[n-i] = db
		default:
			return dst[:0], shapeErr(op, "shapes are not broadcastable: dimension %d from the right is %d vs %d",
				[]any{i, da, db}, a, b)
		}
	}
	dst = dst[:0]
	return append(dst, r[:n]...), nil
}

// CanBroadcastTo reports whether a tensor of shape src broadcasts to shape
// dst, that is whether BroadcastShapes(src, dst) == dst. This is the
// precondition of ApplyBinary's operands and of SumTo's destination.
func CanBroadcastTo(src, dst []int) bool {
	if len(src) > len(dst) || len(dst) > MaxDims {
		return false
	}
	off := len(dst) - len(src)
	for i, d := range src {
		if d != 1 && d != dst[off+i] {
			return false
		}
	}
	return true
}

// NormalizeAxis maps axis, which may be negative (counting from the end as
// in NumPy), into [0, ndim). The error, a *ShapeError with Op op, names the
// axis and the shape.
func NormalizeAxis(op string, axis int, shape []int) (int, error) {
	nd := len(shape)
	if axis < -nd || axis >= nd {
		return 0, shapeErr(op, "axis %d out of range for %d dimensions", []any{axis, nd}, shape)
	}
	if axis < 0 {
		axis += nd
	}
	return axis, nil
}

// AxisMask is a set of axes, bit i meaning axis i. Because tensors have at
// most MaxDims = 16 dimensions it fits in 32 bits.
type AxisMask uint32

// Has reports whether axis i is in the set.
func (m AxisMask) Has(i int) bool { return m&(1<<uint(i)) != 0 }

// AllAxes is the set of all ndim axes.
func AllAxes(ndim int) AxisMask { return AxisMask(1)<<uint(ndim) - 1 }

// MakeAxisMask validates axes (which may be negative, NumPy style) against a
// shape and returns them as a set. Repeated axes are an error, as in NumPy.
// No axes means all axes. It does not allocate unless it fails.
func MakeAxisMask(op string, shape []int, axes ...int) (AxisMask, error) {
	if len(shape) > MaxDims {
		return 0, CheckShape(op, shape)
	}
	if len(axes) == 0 {
		return AllAxes(len(shape)), nil
	}
	var m AxisMask
	for _, ax := range axes {
		a, err := NormalizeAxis(op, ax, shape)
		if err != nil {
			return 0, err
		}
		if m.Has(a) {
			return 0, shapeErr(op, "axis %d repeated", []any{ax}, shape)
		}
		m |= 1 << uint(a)
	}
	return m, nil
}

// ReducedShapeInto appends to dst[:0] the shape that reducing a tensor of
// shape src over the axes in mask produces: with keepdims the reduced
// dimensions become 1, without they are dropped. It does not allocate when
// cap(dst) >= len(src).
func ReducedShapeInto(dst []int, src []int, mask AxisMask, keepdims bool) []int {
	var r [MaxDims]int
	n := 0
	for i, d := range src {
		if mask.Has(i) {
			if keepdims {
				r[n] = 1
				n++
			}
			continue
		}
		r[n] = d
		n++
	}
	dst = dst[:0]
	return append(dst, r[:n]...)
}

// MatMulShapeInto appends to dst[:0] the shape of the batched matrix product
// of a and b (as computed by MatMulRaw): a is [..., m, k] ([..., k, m] when
// transA), b is [..., k, n] ([..., n, k] when transB), both with at least 2
// dimensions, and the leading (batch) dimensions broadcast; the result is
// [batch..., m, n]. Mismatched inner dimensions or batch shapes give a
// *ShapeError naming both shapes. It does not allocate on success when dst
// has room.
func MatMulShapeInto(dst []int, a, b []int, transA, transB bool) ([]int, error) {
	const op = "tensor.MatMul"
	if len(a) < 2 || len(b) < 2 {
		return dst[:0], newShapeError(op, "operands need at least 2 dimensions", a, b)
	}
	if len(a) > MaxDims || len(b) > MaxDims {
		return dst[:0], shapeErr(op, "more than MaxDims = %d dimensions", []any{MaxDims}, a, b)
	}
	m, ka := a[len(a)-2], a[len(a)-1]
	if transA {
		m, ka = ka, m
	}
	kb, n := b[len(b)-2], b[len(b)-1]
	if transB {
		kb, n = n, kb
	}
	if ka != kb {
		return dst[:0], shapeErr(op, "inner dimensions differ (%d vs %d)", []any{ka, kb}, a, b)
	}
	var tmp [MaxDims]int
	bs, err := BroadcastShapesInto(tmp[:0], a[:len(a)-2], b[:len(b)-2])
	if err != nil {
		return dst[:0], shapeErr(op, "batch dimensions are not broadcastable", nil, a, b)
	}
	if len(bs)+2 > MaxDims {
		return dst[:0], shapeErr(op, "more than MaxDims = %d dimensions", []any{MaxDims}, a, b)
	}
	var r [MaxDims]int
	nb := copy(r[:], bs)
	r[nb], r[nb+1] = m, n
	dst = dst[:0]
	return append(dst, r[:nb+2]...), nil
}
