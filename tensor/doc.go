// Package tensor provides Dense, gyro's row-major float64 n-d array with
// shapes, strides and zero-copy views (slice, transpose, reshape, broadcast),
// NumPy broadcasting for elementwise operations, reductions along axes,
// matrix products through package blas, and an Arena that hands out tensors
// and resets in O(1) so that hot loops allocate nothing.
//
// # Two layers
//
// Dense and the functions taking *Dense (Add, AddInto, Sum, MatMul, ...)
// work on arbitrary views — any strides, including 0 for broadcast
// dimensions and negative ones for reversed slices — and return errors
// (*ShapeError) for shapes that do not fit. Each operation has an allocating
// form and an Into form that writes a caller-provided destination and does
// not allocate.
//
// Underneath are the raw kernels (ApplyBinary, AccumulateBinary, ApplyUnary,
// BroadcastTo, SumTo, AccumulateSumTo, ReduceAxes, Softmax, LogSoftmax,
// Transpose2D, Permute, IndexSelect, IndexAdd, Gather, ScatterAdd, CumSum,
// CumSumReverse, Concat, Split, Stack, Unstack, Narrow, NarrowAccumulate,
// MatMulRaw). They take contiguous row-major []float64 buffers with []int
// shapes and no headers, keep all bookkeeping in fixed [MaxDims]int arrays on
// the stack, and never allocate: they are what the autodiff tape calls on
// every op. Their preconditions (lengths match shapes, operands broadcast,
// axes in range) are checked cheaply and a violation panics with a
// *ShapeError naming the routine; callers holding user-supplied shapes
// validate them first with the error-returning helpers (BroadcastShapesInto,
// CheckShape, MakeAxisMask, MatMulShapeInto, PermuteShapeInto, ...).
//
// # Conventions
//
// Shapes have at most MaxDims = 16 dimensions. Zero-size dimensions work
// everywhere; 0-d tensors (shape []) are scalars. NaN and Inf propagate as
// IEEE arithmetic does; Maximum, Minimum, Max and Min propagate NaN as NumPy
// does. Sum, Mean and Prod over empty sets give 0, NaN and 1.
package tensor
