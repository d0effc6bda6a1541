package tensor

import "github.com/gyro-ppl/gyro/blas"

// backend is the BLAS implementation every matrix product in the package
// goes through: package blas's size-dispatching default (tiny products in
// Go assembly, large ones in OpenBLAS or cuBLAS, GYRO_BLAS to force one).
// Tests may swap it.
var backend blas.Backend = blas.Default()

// MatMulRaw computes the batched matrix product out (=|+=) op(a) @ op(b),
// where a has shape aShape = [batchA..., m, k] ([..., k, m] with transA,
// which multiplies by a's transpose), b has bShape = [batchB..., k, n]
// ([..., n, k] with transB), and out has the shape MatMulShapeInto returns:
// [broadcast(batchA, batchB)..., m, n]. Batch dimensions broadcast as in
// NumPy's matmul; both operands need at least 2 dimensions (reshape vectors
// to [1, k] or [k, 1]). With accumulate, out += the product; otherwise out
// is overwritten.
//
// Backward passes: for C = A @ B with A, B and C sharing a batch shape,
// grad A += G @ Bᵀ is MatMulRaw(gA, G, gShape, B, bShape, false, true, true)
// and grad B += Aᵀ @ G is MatMulRaw(gB, A, aShape, G, gShape, true, false,
// true). When B is a single matrix broadcast over A's batch [batch..., m, k],
// grad B sums over the batch, which is one product: view A as
// [batch·m, k] and G as [batch·m, n] (free for contiguous buffers) and call
// MatMulRaw(gB, A, [batch·m, k], G, [batch·m, n], true, false, true). Other
// broadcasts: compute per-batch products into scratch and reduce with SumTo.
//
// Each matrix goes to the BLAS backend's Dgemm. It panics with a
// *ShapeError when the shapes do not fit or a length does not match; out
// must not overlap a or b. It does not allocate.
func MatMulRaw(out []float64, a []float64, aShape []int, b []float64, bShape []int, transA, transB, accumulate bool) {
	const name = "MatMulRaw"
	var os [MaxDims]int
	outShape, err := MatMulShapeInto(os[:0], aShape, bShape, transA, transB)
	if err != nil {
		kernelPanic(name, "shapes do not fit", aShape, bShape)
	}
	if len(a) != ShapeSize(aShape) || len(b) != ShapeSize(bShape) || len(out) != ShapeSize(outShape) {
		kernelPanic(name, "lengths of out, a or b do not match their shapes", aShape, bShape, outShape)
	}
	na, nb, no := len(aShape), len(bShape), len(outShape)
	m, n := outShape[no-2], outShape[no-1]
	k := aShape[na-1]
	if transA {
		k = aShape[na-2]
	}
	lda, ldb := aShape[na-1], bShape[nb-1]
	matA, matB, matC := m*k, k*n, m*n
	// Batch iteration: operands 0 = out, 1 = a, 2 = b, in matrix units.
	var l layout
	l.nd = no - 2
	copy(l.shape[:], outShape[:no-2])
	contiguousStrides(&l.st[0], outShape[:no-2])
	broadcastStrides(&l.st[1], aShape[:na-2], outShape[:no-2])
	broadcastStrides(&l.st[2], bShape[:nb-2], outShape[:no-2])
	if len(out) == 0 && !(m*n > 0) {
		return
	}
	for i := 0; i < l.nd; i++ {
		if l.shape[i] == 0 {
			return
		}
	}
	if l.nd == 0 {
		gemm(transA, transB, m, n, k, a, lda, b, ldb, out, accumulate)
		return
	}
	l.coalesce(3)
	var idx [MaxDims]int
	io, ia, ib := 0, 0, 0
	for {
		gemm(transA, transB, m, n, k, a[ia*matA:(ia+1)*matA], lda, b[ib*matB:(ib+1)*matB], ldb, out[io*matC:(io+1)*matC], accumulate)
		d := l.nd - 1
		for ; d >= 0; d-- {
			idx[d]++
			io += l.st[0][d]
			ia += l.st[1][d]
			ib += l.st[2][d]
			if idx[d] < l.shape[d] {
				break
			}
			io -= l.st[0][d] * l.shape[d]
			ia -= l.st[1][d] * l.shape[d]
			ib -= l.st[2][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// gemm computes c (=|+=) op(a) @ op(b) for one m×n output with leading
// dimension n, handling the degenerate sizes BLAS rejects.
func gemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	beta := 0.0
	if accumulate {
		beta = 1
	}
	if k == 0 {
		if !accumulate {
			clear(c[:m*n])
		}
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	backend.Dgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, beta, c, n)
}
