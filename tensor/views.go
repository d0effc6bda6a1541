package tensor

// Views: new headers over the same backing slice. Each public method has an
// internal twin taking an *Arena (nil = heap) so that Arena can hand out
// views without allocating.

func makeView(ar *Arena, data []float64, off int, shape, strides []int) *Dense {
	var t *Dense
	if ar != nil {
		t = ar.header(len(shape))
	} else {
		t = newHeader(len(shape))
	}
	t.setLayout(data, off, shape, strides)
	return t
}

// View returns a new header describing the same elements as t.
func (t *Dense) View() *Dense { return makeView(nil, t.data, t.off, t.shape, t.strides) }

// Slice returns the view of indices [start, end) along axis (negative axis
// counts from the end). 0 <= start <= end <= Shape()[axis] is required; the
// error is a *ShapeError.
func (t *Dense) Slice(axis, start, end int) (*Dense, error) {
	return t.sliceStep(nil, "tensor.Slice", axis, start, end, 1)
}

// SliceStep returns the view of indices start, start+step, ... along axis,
// stopping before end, as Python's x[start:end:step] with explicit bounds.
// With step > 0, 0 <= start <= end <= n; with step < 0 the view runs
// backwards (negative stride), -1 <= end <= start <= n-1 (end = -1 reaches
// index 0), or start = end for an empty view. step 0 is an error.
func (t *Dense) SliceStep(axis, start, end, step int) (*Dense, error) {
	return t.sliceStep(nil, "tensor.SliceStep", axis, start, end, step)
}

func (t *Dense) sliceStep(ar *Arena, op string, axis, start, end, step int) (*Dense, error) {
	ax, err := NormalizeAxis(op, axis, t.shape)
	if err != nil {
		return nil, err
	}
	n := t.shape[ax]
	var cnt int
	switch {
	case step > 0:
		if start < 0 || end < start || end > n {
			return nil, shapeErr(op, "range [%d, %d) out of bounds for dimension %d of size %d", []any{start, end, ax, n}, t.shape)
		}
		cnt = (end - start + step - 1) / step
	case step < 0:
		if start == end && start >= -1 && start <= n {
			cnt = 0
			start = 0
		} else {
			if start > n-1 || end < -1 || end > start {
				return nil, shapeErr(op, "range %d down to %d out of bounds for dimension %d of size %d", []any{start, end, ax, n}, t.shape)
			}
			cnt = (start - end + (-step) - 1) / (-step)
		}
	default:
		return nil, newShapeError(op, "step is 0", t.shape)
	}
	var sh, st [MaxDims]int
	nd := len(t.shape)
	copy(sh[:], t.shape)
	copy(st[:], t.strides)
	off := t.off
	if cnt > 0 {
		off += start * t.strides[ax]
	}
	sh[ax] = cnt
	st[ax] = t.strides[ax] * step
	return makeView(ar, t.data, off, sh[:nd], st[:nd]), nil
}

// Index returns the view at index i along axis, with that axis removed
// (x[..., i, ...] in NumPy). Negative axis counts from the end; i must be in
// [0, n).
func (t *Dense) Index(axis, i int) (*Dense, error) { return t.indexView(nil, axis, i) }

func (t *Dense) indexView(ar *Arena, axis, i int) (*Dense, error) {
	const op = "tensor.Index"
	ax, err := NormalizeAxis(op, axis, t.shape)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= t.shape[ax] {
		return nil, shapeErr(op, "index %d out of range for dimension %d of size %d", []any{i, ax, t.shape[ax]}, t.shape)
	}
	var sh, st [MaxDims]int
	n := 0
	for d := range t.shape {
		if d != ax {
			sh[n], st[n] = t.shape[d], t.strides[d]
			n++
		}
	}
	return makeView(ar, t.data, t.off+i*t.strides[ax], sh[:n], st[:n]), nil
}

// Transpose returns the view with axes permuted: axis i of the result is
// axis axes[i] of t (NumPy's transpose). With no axes the order is reversed.
func (t *Dense) Transpose(axes ...int) (*Dense, error) { return t.transpose(nil, axes) }

// T returns the view with all axes reversed (the matrix transpose for 2-d).
func (t *Dense) T() *Dense {
	v, _ := t.transpose(nil, nil)
	return v
}

func (t *Dense) transpose(ar *Arena, axes []int) (*Dense, error) {
	nd := len(t.shape)
	var sh, st [MaxDims]int
	if len(axes) == 0 {
		for i := 0; i < nd; i++ {
			sh[i], st[i] = t.shape[nd-1-i], t.strides[nd-1-i]
		}
	} else {
		var perm [MaxDims]int
		if len(axes) != nd {
			return nil, newShapeError("tensor.Transpose", "axes is not a permutation of the dimensions", t.shape, axes)
		}
		for i, a := range axes {
			if a < 0 {
				a += nd
			}
			perm[i] = a
		}
		if !validPerm(perm[:nd], nd) {
			return nil, newShapeError("tensor.Transpose", "axes is not a permutation of the dimensions", t.shape, axes)
		}
		for i := 0; i < nd; i++ {
			sh[i], st[i] = t.shape[perm[i]], t.strides[perm[i]]
		}
	}
	return makeView(ar, t.data, t.off, sh[:nd], st[:nd]), nil
}

// inferShape resolves one -1 in shape against size into dst.
func inferShape(op string, dst *[MaxDims]int, shape []int, size int, from []int) error {
	if len(shape) > MaxDims {
		return CheckShape(op, shape)
	}
	neg := -1
	p := 1
	for i, d := range shape {
		switch {
		case d == -1 && neg < 0:
			neg = i
		case d < 0:
			return newShapeError(op, "invalid dimension in new shape", from, shape)
		default:
			p *= d
		}
		dst[i] = d
	}
	if neg >= 0 {
		if p == 0 || size%p != 0 {
			return newShapeError(op, "cannot infer the -1 dimension", from, shape)
		}
		dst[neg] = size / p
		p *= dst[neg]
	}
	if p != size {
		return shapeErr(op, "cannot reshape %d elements into the new shape", []any{size}, from, shape)
	}
	return nil
}

// Reshape returns a view with a new shape of the same size (one dimension
// may be -1 and is inferred). The tensor must be contiguous: a non-contiguous
// view gives a *ShapeError (use ReshapeCopy, which copies when it must).
func (t *Dense) Reshape(shape ...int) (*Dense, error) { return t.reshape(nil, shape) }

func (t *Dense) reshape(ar *Arena, shape []int) (*Dense, error) {
	const op = "tensor.Reshape"
	var sh, st [MaxDims]int
	if err := inferShape(op, &sh, shape, t.size, t.shape); err != nil {
		return nil, err
	}
	if !t.contig {
		return nil, newShapeError(op, "tensor is not contiguous (use ReshapeCopy or Contiguous)", t.shape, shape)
	}
	nd := len(shape)
	contiguousStrides(&st, sh[:nd])
	return makeView(ar, t.data, t.off, sh[:nd], st[:nd]), nil
}

// ReshapeCopy is Reshape that copies a non-contiguous tensor into new
// contiguous storage first (the result is then not a view of t).
func (t *Dense) ReshapeCopy(shape ...int) (*Dense, error) {
	return t.Contiguous().Reshape(shape...)
}

// Expand returns a broadcast view of t with the given shape: t's shape must
// broadcast to it (NumPy's broadcast_to); repeated dimensions get stride 0,
// so the view must not be written to.
func (t *Dense) Expand(shape ...int) (*Dense, error) { return t.expand(nil, shape) }

func (t *Dense) expand(ar *Arena, shape []int) (*Dense, error) {
	const op = "tensor.Expand"
	if err := CheckShape(op, shape); err != nil {
		return nil, err
	}
	var st [MaxDims]int
	if !t.stridesFor(&st, shape) {
		return nil, newShapeError(op, "shape does not broadcast to the target", t.shape, shape)
	}
	return makeView(ar, t.data, t.off, shape, st[:len(shape)]), nil
}

// Squeeze returns the view without the given axes, which must have size 1;
// with no axes it drops every dimension of size 1.
func (t *Dense) Squeeze(axes ...int) (*Dense, error) { return t.squeeze(nil, axes) }

func (t *Dense) squeeze(ar *Arena, axes []int) (*Dense, error) {
	const op = "tensor.Squeeze"
	var drop AxisMask
	if len(axes) == 0 {
		for i, d := range t.shape {
			if d == 1 {
				drop |= 1 << uint(i)
			}
		}
	} else {
		m, err := MakeAxisMask(op, t.shape, axes...)
		if err != nil {
			return nil, err
		}
		for i, d := range t.shape {
			if m.Has(i) && d != 1 {
				return nil, shapeErr(op, "axis %d has size %d, not 1", []any{i, d}, t.shape)
			}
		}
		drop = m
	}
	var sh, st [MaxDims]int
	n := 0
	for i := range t.shape {
		if !drop.Has(i) {
			sh[n], st[n] = t.shape[i], t.strides[i]
			n++
		}
	}
	return makeView(ar, t.data, t.off, sh[:n], st[:n]), nil
}

// Unsqueeze returns the view with a new dimension of size 1 inserted at
// position axis (0 <= axis <= Dims(); negative counts from Dims()+1, as
// torch.unsqueeze).
func (t *Dense) Unsqueeze(axis int) (*Dense, error) { return t.unsqueeze(nil, axis) }

func (t *Dense) unsqueeze(ar *Arena, axis int) (*Dense, error) {
	const op = "tensor.Unsqueeze"
	nd := len(t.shape)
	if nd+1 > MaxDims {
		return nil, newShapeError(op, "result would have more than MaxDims dimensions", t.shape)
	}
	if axis < 0 {
		axis += nd + 1
	}
	if axis < 0 || axis > nd {
		return nil, shapeErr(op, "axis %d out of range [0, %d]", []any{axis, nd}, t.shape)
	}
	var sh, st [MaxDims]int
	for i, j := 0, 0; i <= nd; i++ {
		if i == axis {
			sh[i] = 1
			if i < nd {
				st[i] = t.strides[i] * t.shape[i]
			} else {
				st[i] = 1
			}
			continue
		}
		sh[i], st[i] = t.shape[j], t.strides[j]
		j++
	}
	return makeView(ar, t.data, t.off, sh[:nd+1], st[:nd+1]), nil
}
