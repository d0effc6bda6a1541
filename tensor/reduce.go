package tensor

import "math"

// Reductions on Dense tensors. axes may be negative (counting from the end)
// and must not repeat; no axes means all of them. The allocating forms take
// keepdims (NumPy's keepdims: reduced dimensions stay as 1); the Into forms
// accept a destination of either shape and do not allocate.

// Names for errors, precomputed so that the success path builds no strings.
var reduceOpNames, reduceIntoNames [numReduceOps]string

func init() {
	for op := ReduceOp(0); op < numReduceOps; op++ {
		reduceOpNames[op] = "tensor." + op.String()
		reduceIntoNames[op] = "tensor." + op.String() + "Into"
	}
}

// Reduce reduces t over axes with op, returning a new tensor.
func Reduce(op ReduceOp, t *Dense, keepdims bool, axes ...int) (*Dense, error) {
	name := reduceOpNames[op%numReduceOps]
	if !op.Valid() {
		return nil, newShapeError("tensor.Reduce", "invalid ReduceOp")
	}
	mask, err := MakeAxisMask(name, t.shape, axes...)
	if err != nil {
		return nil, err
	}
	if err := checkNonEmpty(name, op, t, mask); err != nil {
		return nil, err
	}
	var sh [MaxDims]int
	out := New(ReducedShapeInto(sh[:0], t.shape, mask, keepdims), nil)
	reduceDense(op, out, t, mask)
	return out, nil
}

// ReduceInto reduces t over axes with op into dst, whose shape is the
// reduced shape with or without the reduced dimensions kept as 1.
func ReduceInto(op ReduceOp, dst, t *Dense, axes ...int) error {
	name := reduceIntoNames[op%numReduceOps]
	if !op.Valid() {
		return newShapeError("tensor.ReduceInto", "invalid ReduceOp")
	}
	mask, err := MakeAxisMask(name, t.shape, axes...)
	if err != nil {
		return err
	}
	if err := checkNonEmpty(name, op, t, mask); err != nil {
		return err
	}
	var sh [MaxDims]int
	if !ShapesEqual(dst.shape, ReducedShapeInto(sh[:0], t.shape, mask, false)) &&
		!ShapesEqual(dst.shape, ReducedShapeInto(sh[:0], t.shape, mask, true)) {
		return newShapeError(name, "destination shape does not match the reduced shape", dst.shape, t.shape)
	}
	reduceDense(op, dst, t, mask)
	return nil
}

// checkNonEmpty rejects Max and Min over an empty set, as NumPy does.
func checkNonEmpty(name string, op ReduceOp, t *Dense, mask AxisMask) error {
	if op != ReduceMax && op != ReduceMin {
		return nil
	}
	for i, d := range t.shape {
		if mask.Has(i) && d == 0 {
			return shapeErr(name, "reduction over axis %d of size 0 has no identity", []any{i}, t.shape)
		}
	}
	return nil
}

func reduceDense(op ReduceOp, dst, t *Dense, mask AxisMask) {
	nd := len(t.shape)
	var l layout
	l.nd = nd
	copy(l.shape[:], t.shape)
	copy(l.st[1][:], t.strides)
	keep := len(dst.shape) == nd
	count := 1
	j := 0
	for i := 0; i < nd; i++ {
		if mask.Has(i) {
			l.st[0][i] = 0
			count *= t.shape[i]
			if keep {
				j++
			}
			continue
		}
		l.st[0][i] = dst.strides[j]
		j++
	}
	reduceStrided(op, &l, count, dst.data, dst.off, t.data, t.off)
}

// Sum returns the sum over axes (all when none are given).
func Sum(t *Dense, keepdims bool, axes ...int) (*Dense, error) {
	return Reduce(ReduceSum, t, keepdims, axes...)
}

// SumInto writes the sum over axes into dst.
func SumInto(dst, t *Dense, axes ...int) error { return ReduceInto(ReduceSum, dst, t, axes...) }

// Mean returns the mean over axes (NaN over an empty set).
func Mean(t *Dense, keepdims bool, axes ...int) (*Dense, error) {
	return Reduce(ReduceMean, t, keepdims, axes...)
}

// MeanInto writes the mean over axes into dst.
func MeanInto(dst, t *Dense, axes ...int) error { return ReduceInto(ReduceMean, dst, t, axes...) }

// Prod returns the product over axes.
func Prod(t *Dense, keepdims bool, axes ...int) (*Dense, error) {
	return Reduce(ReduceProd, t, keepdims, axes...)
}

// ProdInto writes the product over axes into dst.
func ProdInto(dst, t *Dense, axes ...int) error { return ReduceInto(ReduceProd, dst, t, axes...) }

// Max returns the maximum over axes (NaN if any element is NaN; an error
// over an empty axis).
func Max(t *Dense, keepdims bool, axes ...int) (*Dense, error) {
	return Reduce(ReduceMax, t, keepdims, axes...)
}

// MaxInto writes the maximum over axes into dst.
func MaxInto(dst, t *Dense, axes ...int) error { return ReduceInto(ReduceMax, dst, t, axes...) }

// Min returns the minimum over axes (NaN if any element is NaN; an error
// over an empty axis).
func Min(t *Dense, keepdims bool, axes ...int) (*Dense, error) {
	return Reduce(ReduceMin, t, keepdims, axes...)
}

// MinInto writes the minimum over axes into dst.
func MinInto(dst, t *Dense, axes ...int) error { return ReduceInto(ReduceMin, dst, t, axes...) }

// LogSumExp returns log Σ exp over axes, computed stably (-Inf over an
// empty set).
func LogSumExp(t *Dense, keepdims bool, axes ...int) (*Dense, error) {
	return Reduce(ReduceLogSumExp, t, keepdims, axes...)
}

// LogSumExpInto writes log Σ exp over axes into dst.
func LogSumExpInto(dst, t *Dense, axes ...int) error {
	return ReduceInto(ReduceLogSumExp, dst, t, axes...)
}

// reduceAll reduces every element to one number without allocating.
func reduceAll(op ReduceOp, t *Dense) float64 {
	var out [1]float64
	var l layout
	nd := len(t.shape)
	l.nd = nd
	copy(l.shape[:], t.shape)
	copy(l.st[1][:], t.strides)
	reduceStrided(op, &l, t.size, out[:], 0, t.data, t.off)
	return out[0]
}

// SumAll returns the sum of all elements (0 for an empty tensor).
func SumAll(t *Dense) float64 { return reduceAll(ReduceSum, t) }

// MeanAll returns the mean of all elements (NaN for an empty tensor).
func MeanAll(t *Dense) float64 { return reduceAll(ReduceMean, t) }

// ProdAll returns the product of all elements (1 for an empty tensor).
func ProdAll(t *Dense) float64 { return reduceAll(ReduceProd, t) }

// MaxAll returns the largest element (NaN if any is NaN, -Inf for an empty
// tensor).
func MaxAll(t *Dense) float64 { return reduceAll(ReduceMax, t) }

// MinAll returns the smallest element (NaN if any is NaN, +Inf for an empty
// tensor).
func MinAll(t *Dense) float64 { return reduceAll(ReduceMin, t) }

// LogSumExpAll returns log Σ exp of all elements, computed stably (-Inf for
// an empty tensor).
func LogSumExpAll(t *Dense) float64 { return reduceAll(ReduceLogSumExp, t) }

// ArgMax returns the index of the largest element along axis (the first
// one on ties, and the first NaN if there is one, as NumPy), stored as
// float64 in a tensor of the reduced shape. An empty axis is an error.
func ArgMax(t *Dense, axis int, keepdims bool) (*Dense, error) {
	return argReduce("tensor.ArgMax", true, t, axis, keepdims)
}

// ArgMin is ArgMax for the smallest element.
func ArgMin(t *Dense, axis int, keepdims bool) (*Dense, error) {
	return argReduce("tensor.ArgMin", false, t, axis, keepdims)
}

func argReduce(name string, isMax bool, t *Dense, axis int, keepdims bool) (*Dense, error) {
	ax, err := NormalizeAxis(name, axis, t.shape)
	if err != nil {
		return nil, err
	}
	n := t.shape[ax]
	if n == 0 {
		return nil, newShapeError(name, "axis has size 0", t.shape)
	}
	var sh [MaxDims]int
	mask := AxisMask(1) << uint(ax)
	out := New(ReducedShapeInto(sh[:0], t.shape, mask, keepdims), nil)
	if out.size == 0 {
		return out, nil
	}
	// Iterate over the other dimensions of t; out is contiguous in them.
	var l layout
	nd := len(t.shape)
	for i := 0; i < nd; i++ {
		l.shape[i] = t.shape[i]
		l.st[1][i] = t.strides[i]
	}
	l.shape[ax] = 1
	l.nd = nd
	contiguousStrides(&l.st[0], l.shape[:nd])
	step := t.strides[ax]
	var idx [MaxDims]int
	p, q := t.off, 0
	for {
		out.data[q] = float64(argRow(t.data, p, step, n, isMax))
		q++
		d := nd - 1
		for ; d >= 0; d-- {
			idx[d]++
			p += l.st[1][d]
			if idx[d] < l.shape[d] {
				break
			}
			p -= l.st[1][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return out, nil
		}
	}
}

func argRow(x []float64, p, step, n int, isMax bool) int {
	best, bi := x[p], 0
	if best != best {
		return 0
	}
	for i := 1; i < n; i++ {
		p += step
		v := x[p]
		if v != v {
			return i
		}
		if (isMax && v > best) || (!isMax && v < best) {
			best, bi = v, i
		}
	}
	return bi
}

// ArgMaxAll returns the row-major flat index of the largest element (the
// first on ties, the first NaN if any). It returns -1 for an empty tensor.
func ArgMaxAll(t *Dense) int { return argAll(t, true) }

// ArgMinAll returns the row-major flat index of the smallest element (the
// first on ties, the first NaN if any), -1 for an empty tensor.
func ArgMinAll(t *Dense) int { return argAll(t, false) }

func argAll(t *Dense, isMax bool) int {
	bi := -1
	best := math.NaN()
	t.each(func(i int, v float64) bool {
		if v != v {
			bi = i
			return false
		}
		if bi < 0 || (isMax && v > best) || (!isMax && v < best) {
			best, bi = v, i
		}
		return true
	})
	return bi
}
