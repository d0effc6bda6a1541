package tensor

import (
	"github.com/gyro-ppl/gyro/asm"
)

// Raw kernels, part 1: elementwise operations with broadcasting.
//
// The raw kernels work on contiguous row-major []float64 buffers described
// by []int shapes, with no Dense headers. They never allocate. They check
// their preconditions cheaply (lengths against shapes, broadcast
// compatibility) and panic with a *ShapeError naming the routine when one is
// violated; callers that take shapes from users validate them first with the
// error-returning helpers (BroadcastShapesInto, CheckShape, MakeAxisMask,
// ...). Outputs must not overlap inputs unless a kernel says otherwise.

// unV applies op to a contiguous slice, using package asm's vector kernels
// where there is one.
func unV(op UnaryOp, o, x []float64) {
	switch op {
	case OpIdentity:
		copy(o, x)
	case OpExp:
		asm.Exp(o, x)
	case OpLog:
		asm.Log(o, x)
	case OpLog1p:
		asm.Log1p(o, x)
	case OpSoftplus:
		asm.Softplus(o, x)
	case OpSigmoid:
		asm.Sigmoid(o, x)
	default:
		unVGeneric(op, o, x)
	}
}

// ApplyUnary sets out[i] = op(x[i]). out may be x itself (in place); other
// overlaps are not allowed. It panics if len(out) != len(x) or op is invalid.
func ApplyUnary(op UnaryOp, out, x []float64) {
	if len(out) != len(x) {
		kernelPanic("ApplyUnary", "len(out) = "+itoa(len(out))+" != len(x) = "+itoa(len(x)))
	}
	unV(op, out, x)
}

// ApplyBinary sets out = op(a, b) elementwise, where a (shape aShape) and b
// (shape bShape) broadcast to outShape under NumPy rules (each of aShape and
// bShape must broadcast to outShape; outShape is usually
// BroadcastShapes(aShape, bShape) but may be larger). out may be a or b
// itself when that operand has outShape's size (in place); other overlaps
// are not allowed.
//
// Fast paths: equal shapes (one loop over the buffers), a scalar operand
// (size 1) with a full-size one, and row broadcasts such as [n, d] op [d]
// or [n, d] op [n, 1] (one specialised loop per row).
//
// It panics with a *ShapeError when a length does not match its shape, a
// shape has more than MaxDims dimensions, or an operand does not broadcast
// to outShape; and when op is invalid.
func ApplyBinary(op BinaryOp, out []float64, outShape []int, a []float64, aShape []int, b []float64, bShape []int) {
	applyBinary("ApplyBinary", op, false, out, outShape, a, aShape, b, bShape)
}

// AccumulateBinary is ApplyBinary adding into out: out += op(a, b). It is
// the building block of backward passes (for example grad_a += g * b when
// no reduction is needed). out must not overlap a or b.
func AccumulateBinary(op BinaryOp, out []float64, outShape []int, a []float64, aShape []int, b []float64, bShape []int) {
	applyBinary("AccumulateBinary", op, true, out, outShape, a, aShape, b, bShape)
}

func applyBinary(name string, op BinaryOp, acc bool, out []float64, outShape []int, a []float64, aShape []int, b []float64, bShape []int) {
	n := len(out)
	// Fast paths, validated in one pass each: equal shapes, and a size-1
	// operand (any number of leading 1s) with a full one.
	switch {
	case len(a) == n && len(b) == n && sameShape3(outShape, aShape, bShape, n):
		if n == 1 {
			v := binEval(op, a[0], b[0])
			if acc {
				v += out[0]
			}
			out[0] = v
			return
		}
		binV(op, acc, out, a, b)
		return
	case len(a) == 1 && len(b) == n && n > 0 && sameShape3(outShape, bShape, bShape, n) && onesWithin(aShape, len(outShape)):
		binSV(op, acc, out, a[0], b)
		return
	case len(b) == 1 && len(a) == n && n > 0 && sameShape3(outShape, aShape, aShape, n) && onesWithin(bShape, len(outShape)):
		binVS(op, acc, out, a, b[0])
		return
	}
	if ShapeSize(outShape) != n {
		kernelPanic(name, "len(out) = "+itoa(n)+" does not match outShape", outShape)
	}
	if len(outShape) > MaxDims {
		kernelPanic(name, "outShape has more than MaxDims dimensions", outShape)
	}
	var l layout
	l.nd = len(outShape)
	copy(l.shape[:], outShape)
	contiguousStrides(&l.st[0], outShape)
	if !broadcastStrides(&l.st[1], aShape, outShape) {
		kernelPanic(name, "aShape does not broadcast to outShape", aShape, outShape)
	}
	if !broadcastStrides(&l.st[2], bShape, outShape) {
		kernelPanic(name, "bShape does not broadcast to outShape", bShape, outShape)
	}
	if len(a) != ShapeSize(aShape) {
		kernelPanic(name, "len(a) = "+itoa(len(a))+" does not match aShape", aShape)
	}
	if len(b) != ShapeSize(bShape) {
		kernelPanic(name, "len(b) = "+itoa(len(b))+" does not match bShape", bShape)
	}
	if n == 0 {
		return
	}
	if !op.Valid() {
		badBinaryOp(op)
	}
	binaryLoop(op, acc, &l, out, 0, a, 0, b, 0)
}

// sameShape3 reports whether a and b both equal shape, whose size is n.
func sameShape3(shape, a, b []int, n int) bool {
	if len(a) != len(shape) || len(b) != len(shape) {
		return false
	}
	sz := 1
	for i, d := range shape {
		if a[i] != d || b[i] != d || d < 0 {
			return false
		}
		sz *= d
	}
	return sz == n
}

// onesWithin reports whether shape is all 1s with at most nd dimensions.
func onesWithin(shape []int, nd int) bool {
	if len(shape) > nd {
		return false
	}
	for _, d := range shape {
		if d != 1 {
			return false
		}
	}
	return true
}

// binEval is op(x, y) for one pair, the common ops inline.
func binEval(op BinaryOp, x, y float64) float64 {
	switch op {
	case OpAdd:
		return x + y
	case OpSub:
		return x - y
	case OpMul:
		return x * y
	case OpDiv:
		return x / y
	}
	var o [1]float64
	binG(op, false, 1, o[:], 0, 1, []float64{x}, 0, 0, []float64{y}, 0, 0)
	return o[0]
}

// BroadcastTo copies src (shape srcShape) into dst (shape dstShape),
// repeating it along broadcast dimensions: the forward pass of an expand,
// whose backward pass is SumTo. srcShape must broadcast to dstShape; dst
// must not overlap src. It panics with a *ShapeError otherwise.
func BroadcastTo(dst []float64, dstShape []int, src []float64, srcShape []int) {
	n := len(dst)
	if ShapeSize(dstShape) != n || len(dstShape) > MaxDims {
		kernelPanic("BroadcastTo", "len(dst) = "+itoa(n)+" does not match dstShape", dstShape)
	}
	if len(src) != ShapeSize(srcShape) {
		kernelPanic("BroadcastTo", "len(src) = "+itoa(len(src))+" does not match srcShape", srcShape)
	}
	var l layout
	l.nd = len(dstShape)
	copy(l.shape[:], dstShape)
	contiguousStrides(&l.st[0], dstShape)
	if !broadcastStrides(&l.st[1], srcShape, dstShape) {
		kernelPanic("BroadcastTo", "srcShape does not broadcast to dstShape", srcShape, dstShape)
	}
	switch {
	case n == 0:
	case len(src) == n:
		copy(dst, src)
	case len(src) == 1:
		v := src[0]
		for i := range dst {
			dst[i] = v
		}
	default:
		unaryLoop(OpIdentity, &l, dst, 0, src, 0)
	}
}

// SumTo reduces src, of shape srcShape, to dst, of shape dstShape, by
// summing over the dimensions along which dstShape broadcasts to srcShape
// (leading dimensions dstShape lacks, and dimensions where dstShape has 1):
// the gradient of broadcasting. dst is overwritten. dstShape must broadcast
// to srcShape; dst must not overlap src. Fast paths: equal sizes (a copy),
// a scalar dst (one sum), and leading-dimension reductions such as
// [n, d] -> [d] (row additions). It panics with a *ShapeError when a length
// does not match its shape or the shapes do not fit.
func SumTo(dst []float64, dstShape []int, src []float64, srcShape []int) {
	sumTo("SumTo", false, dst, dstShape, src, srcShape)
}

// AccumulateSumTo is SumTo adding into dst (dst += the reduction of src),
// as backward passes accumulate gradients.
func AccumulateSumTo(dst []float64, dstShape []int, src []float64, srcShape []int) {
	sumTo("AccumulateSumTo", true, dst, dstShape, src, srcShape)
}

func sumTo(name string, acc bool, dst []float64, dstShape []int, src []float64, srcShape []int) {
	n, m := len(dst), len(src)
	if ShapeSize(dstShape) != n {
		kernelPanic(name, "len(dst) = "+itoa(n)+" does not match dstShape", dstShape)
	}
	if ShapeSize(srcShape) != m {
		kernelPanic(name, "len(src) = "+itoa(m)+" does not match srcShape", srcShape)
	}
	if n == m && ShapesEqual(dstShape, srcShape) {
		if acc {
			addTo(dst, src)
		} else {
			copy(dst, src)
		}
		return
	}
	if len(srcShape) > MaxDims {
		kernelPanic(name, "srcShape has more than MaxDims dimensions", srcShape)
	}
	var l layout
	l.nd = len(srcShape)
	copy(l.shape[:], srcShape)
	if !broadcastStrides(&l.st[0], dstShape, srcShape) {
		kernelPanic(name, "dstShape does not broadcast to srcShape", dstShape, srcShape)
	}
	contiguousStrides(&l.st[1], srcShape)
	if !acc {
		clear(dst)
	}
	switch {
	case m == 0:
	case n == m:
		addTo(dst, src)
	case n == 1:
		dst[0] += sumSlice(src)
	default:
		reduceLoop(ReduceSum, &l, dst, 0, src, 0)
	}
}

// addTo sets dst[i] += src[i].
func addTo(dst, src []float64) {
	if len(dst) >= 16 {
		asm.DaxpyUnitary(1, src, dst)
		return
	}
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}
