package tensor

import "math"

// ReduceAxes reduces src (shape srcShape) over the axes in the set axes with
// op, writing the result to dst, which holds the reduced tensor in row-major
// order (its shape is ReducedShapeInto(srcShape, axes, keepdims) for either
// value of keepdims: keepdims changes the shape, not the data). dst is
// overwritten and must not overlap src. Reducing over no axes copies.
// Empty reductions give op's identity (Sum 0, Prod 1, Max -Inf, Min +Inf,
// LogSumExp -Inf, Mean NaN). LogSumExp factors out the maximum (two passes)
// when the reduced elements of each output are one strided run, and
// otherwise combines elements pairwise with a stable log-add-exp.
//
// It panics with a *ShapeError when len(src) or len(dst) does not match the
// shapes, axes names an axis beyond len(srcShape), or op is invalid.
func ReduceAxes(op ReduceOp, dst, src []float64, srcShape []int, axes AxisMask) {
	const name = "ReduceAxes"
	nd := len(srcShape)
	if nd > MaxDims {
		kernelPanic(name, "srcShape has more than MaxDims dimensions", srcShape)
	}
	if axes>>uint(nd) != 0 {
		kernelPanic(name, "axes names an axis beyond the "+itoa(nd)+" dimensions of srcShape", srcShape)
	}
	if !op.Valid() {
		kernelPanic(name, "invalid ReduceOp "+itoa(int(op)))
	}
	m := len(src)
	if ShapeSize(srcShape) != m {
		kernelPanic(name, "len(src) = "+itoa(m)+" does not match srcShape", srcShape)
	}
	var l layout
	l.nd = nd
	copy(l.shape[:], srcShape)
	n, count := 1, 1
	for i := nd - 1; i >= 0; i-- {
		if axes.Has(i) {
			l.st[0][i] = 0
			count *= srcShape[i]
		} else {
			l.st[0][i] = n
			n *= srcShape[i]
		}
	}
	if len(dst) != n {
		kernelPanic(name, "len(dst) = "+itoa(len(dst))+" does not match the reduced shape of srcShape", srcShape)
	}
	contiguousStrides(&l.st[1], srcShape)
	reduceStrided(op, &l, count, dst, 0, src, 0)
}

// reduceStrided initialises operand 0 (strides l.st[0], zero on reduced
// dims; it must be a dense block of its own when the reduction is over
// everything or nothing) and reduces operand 1 into it. count is the number
// of elements each output combines (for Mean).
func reduceStrided(op ReduceOp, l *layout, count int, o []float64, io int, a []float64, ia int) {
	// Initialise the destination through its own layout (dims with stride
	// 0 collapse), so that strided Dense destinations work too.
	var dl layout
	dl.nd = l.nd
	dl.shape = l.shape
	dl.st[0] = l.st[0]
	for i := 0; i < dl.nd; i++ {
		if dl.st[0][i] == 0 {
			dl.shape[i] = 1
		}
	}
	empty := false
	for i := 0; i < l.nd; i++ {
		if l.shape[i] == 0 {
			empty = true
		}
	}
	outEmpty := false
	for i := 0; i < dl.nd; i++ {
		if dl.shape[i] == 0 {
			outEmpty = true
		}
	}
	if outEmpty {
		return
	}
	init := op.identity()
	if op == ReduceMean && count == 0 {
		init = math.NaN()
	}
	if empty {
		fillLoop(&dl, o, io, init)
		return
	}
	if op == ReduceLogSumExp {
		// Two-pass per output when all reduced dims coalesce into the
		// innermost dimension.
		lc := *l
		lc.coalesce(2)
		in := lc.nd - 1
		single := lc.st[0][in] == 0
		for d := 0; d < in && single; d++ {
			if lc.st[0][d] == 0 {
				single = false
			}
		}
		if single {
			fillLoop(&dl, o, io, init)
			reduceLoop(op, &lc, o, io, a, ia) // reduceRow does max-then-sum per row
			return
		}
	}
	fillLoop(&dl, o, io, init)
	reduceLoop(op, l, o, io, a, ia)
	if op == ReduceMean {
		unaryScaleLoop(&dl, o, io, 1/float64(count))
	}
}

// unaryScaleLoop multiplies every element of operand 0 by s.
func unaryScaleLoop(l *layout, o []float64, io int, s float64) {
	l.coalesce(1)
	in := l.nd - 1
	n, so := l.shape[in], l.st[0][in]
	var idx [MaxDims]int
	for {
		for i, j := 0, io; i < n; i++ {
			o[j] *= s
			j += so
		}
		d := in - 1
		for ; d >= 0; d-- {
			idx[d]++
			io += l.st[0][d]
			if idx[d] < l.shape[d] {
				break
			}
			io -= l.st[0][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// Softmax writes the softmax of src (shape shape) along axis to dst:
// dst = exp(src - logsumexp(src, axis)). dst may be src (in place). A
// slice of all -Inf (or one holding +Inf or NaN) gives NaN, as in PyTorch. It
// panics with a *ShapeError when the lengths or the axis do not fit.
func Softmax(dst, src []float64, shape []int, axis int) {
	softmax("Softmax", false, dst, src, shape, axis)
}

// LogSoftmax writes src - logsumexp(src, axis) to dst. dst may be src (in
// place). It panics with a *ShapeError when the lengths or the axis do not
// fit.
func LogSoftmax(dst, src []float64, shape []int, axis int) {
	softmax("LogSoftmax", true, dst, src, shape, axis)
}

func softmax(name string, logForm bool, dst, src []float64, shape []int, axis int) {
	outer, n, inner := axisSplit(name, shape, axis)
	if len(src) != outer*n*inner || len(dst) != len(src) {
		kernelPanic(name, "len(src) = "+itoa(len(src))+", len(dst) = "+itoa(len(dst))+" do not match shape", shape)
	}
	for o := 0; o < outer; o++ {
		for k := 0; k < inner; k++ {
			base := o*n*inner + k
			m := math.Inf(-1)
			for j := 0; j < n; j++ {
				m = max(m, src[base+j*inner])
			}
			s := 0.0
			for j := 0; j < n; j++ {
				s += math.Exp(src[base+j*inner] - m)
			}
			if logForm {
				lse := m + math.Log(s)
				for j := 0; j < n; j++ {
					dst[base+j*inner] = src[base+j*inner] - lse
				}
			} else {
				r := 1 / s
				for j := 0; j < n; j++ {
					dst[base+j*inner] = math.Exp(src[base+j*inner]-m) * r
				}
			}
		}
	}
}

// axisSplit validates axis (which may be negative) against shape and returns
// the sizes before, along and after it. It panics with a *ShapeError naming
// routine.
func axisSplit(routine string, shape []int, axis int) (outer, n, inner int) {
	nd := len(shape)
	if nd > MaxDims {
		kernelPanic(routine, "shape has more than MaxDims dimensions", shape)
	}
	if axis < 0 {
		axis += nd
	}
	if axis < 0 || axis >= nd {
		kernelPanic(routine, "axis "+itoa(axis)+" out of range", shape)
	}
	outer, inner = 1, 1
	for i := 0; i < axis; i++ {
		outer *= shape[i]
	}
	for i := axis + 1; i < nd; i++ {
		inner *= shape[i]
	}
	return outer, shape[axis], inner
}
