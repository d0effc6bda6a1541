package tensor

import "github.com/gyro-ppl/gyro/blas"

// Matrix products on Dense tensors, through the BLAS backend. MatMul follows
// NumPy's matmul: 2-d operands multiply as matrices, operands with more
// dimensions are stacks of matrices whose leading (batch) dimensions
// broadcast, and a 1-d operand is a row vector on the left or a column
// vector on the right (its dimension is removed from the result).
//
// Views are passed to BLAS without copying when each matrix has unit stride
// along one of its two dimensions (row-major, or a transposed view, which
// becomes a transposed BLAS operand); other layouts (negative or
// non-unit strides in both) are first copied to contiguous scratch, which
// allocates. The destination of an Into form must not overlap the operands;
// if its matrices are not row-major with unit column stride, the product is
// computed in scratch (allocating) and copied in.

// matOp describes one operand's matrices for gemm.
type matOp struct {
	data  []float64
	off   int
	trans bool
	ld    int
	bnd   int // batch dimensions
	bsh   [MaxDims]int
	bst   [MaxDims]int
}

// prepare describes t (with rows r and cols c already resolved by the
// caller, and matrix strides sr, sc) for gemm, copying when needed.
func (o *matOp) prepare(t *Dense, nb int, r, c, sr, sc int) {
	o.data, o.off, o.bnd = t.data, t.off, nb
	copy(o.bsh[:], t.shape[:nb])
	copy(o.bst[:], t.strides[:nb])
	switch {
	case sc == 1 && (r <= 1 || sr >= max(c, 1)):
		o.trans, o.ld = false, sr
		if r <= 1 {
			o.ld = max(c, 1)
		}
	case sr == 1 && (c <= 1 || sc >= max(r, 1)):
		o.trans, o.ld = true, sc
		if c <= 1 {
			o.ld = max(r, 1)
		}
	default:
		cp := t.Clone() // contiguous: rows of c elements
		o.data, o.off, o.trans, o.ld = cp.data, 0, false, max(c, 1)
		copy(o.bst[:], cp.strides[:nb])
	}
}

// matmulShape computes NumPy matmul's result shape into dst.
func matmulShape(dst *[MaxDims]int, a, b []int) (int, error) {
	const op = "tensor.MatMul"
	if len(a) == 0 || len(b) == 0 {
		return 0, newShapeError(op, "operands must have at least 1 dimension", a, b)
	}
	var as, bs [MaxDims]int
	na, nb := len(a), len(b)
	copy(as[:], a)
	copy(bs[:], b)
	if na == 1 {
		as[0], as[1] = 1, a[0]
		na = 2
	}
	if nb == 1 {
		bs[0], bs[1] = b[0], 1
		nb = 2
	}
	var tmp [MaxDims]int
	full, err := MatMulShapeInto(tmp[:0], as[:na], bs[:nb], false, false)
	if err != nil {
		return 0, newShapeError(op, err.(*ShapeError).Msg, a, b)
	}
	n := 0
	for i, d := range full {
		if (len(a) == 1 && i == len(full)-2) || (len(b) == 1 && i == len(full)-1) {
			continue
		}
		dst[n] = d
		n++
	}
	return n, nil
}

// MatMul returns the matrix product of a and b with NumPy's matmul rules.
func MatMul(a, b *Dense) (*Dense, error) {
	var sh [MaxDims]int
	n, err := matmulShape(&sh, a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	dst := New(sh[:n], nil)
	matmulInto(dst, a, b)
	return dst, nil
}

// MatMulInto writes the matrix product of a and b into dst, whose shape must
// be MatMul's result shape.
func MatMulInto(dst, a, b *Dense) error {
	var sh [MaxDims]int
	n, err := matmulShape(&sh, a.shape, b.shape)
	if err != nil {
		return err
	}
	if !ShapesEqual(dst.shape, sh[:n]) {
		return newShapeError("tensor.MatMulInto", "destination shape differs from the product's shape", dst.shape, a.shape, b.shape)
	}
	matmulInto(dst, a, b)
	return nil
}

func matmulInto(dst, a, b *Dense) {
	na, nb := len(a.shape), len(b.shape)
	var oa, ob matOp
	var m, k, n int
	if na == 1 {
		m, k = 1, a.shape[0]
		oa.prepare(a, 0, 1, k, 1, a.strides[0]) // the row stride of a single row is irrelevant
	} else {
		m, k = a.shape[na-2], a.shape[na-1]
		oa.prepare(a, na-2, m, k, a.strides[na-2], a.strides[na-1])
	}
	if nb == 1 {
		n = 1
		ob.prepare(b, 0, k, 1, b.strides[0], 1)
	} else {
		n = b.shape[nb-1]
		ob.prepare(b, nb-2, k, n, b.strides[nb-2], b.strides[nb-1])
	}
	// The result as a stack of m×n matrices: batch dims then m, n.
	nd := len(dst.shape)
	nbatch := nd
	if na > 1 {
		nbatch--
	}
	if nb > 1 {
		nbatch--
	}
	var dsr, dsc int
	switch {
	case na > 1 && nb > 1:
		dsr, dsc = dst.strides[nd-2], dst.strides[nd-1]
	case na > 1: // [.., m]
		dsr, dsc = dst.strides[nd-1], 1
	case nb > 1: // [.., n]
		dsr, dsc = n, dst.strides[nd-1]
	default:
		dsr, dsc = 1, 1
	}
	if dst.size == 0 {
		return
	}
	if !(dsc == 1 && (m <= 1 || dsr >= max(n, 1))) {
		tmp := New(dst.shape, nil)
		matmulInto(tmp, a, b)
		_ = dst.CopyFrom(tmp)
		return
	}
	ldc := dsr
	if m <= 1 {
		ldc = max(n, 1)
	}
	var l layout
	l.nd = nbatch
	copy(l.shape[:], dst.shape[:nbatch])
	copy(l.st[0][:], dst.strides[:nbatch])
	batchStrides(&l.st[1], &oa, dst.shape[:nbatch])
	batchStrides(&l.st[2], &ob, dst.shape[:nbatch])
	io, ia, ib := dst.off, oa.off, ob.off
	if nbatch == 0 {
		gemmLd(oa.trans, ob.trans, m, n, k, oa.data[ia:], oa.ld, ob.data[ib:], ob.ld, dst.data[io:], ldc, false)
		return
	}
	var idx [MaxDims]int
	for {
		gemmLd(oa.trans, ob.trans, m, n, k, oa.data[ia:], oa.ld, ob.data[ib:], ob.ld, dst.data[io:], ldc, false)
		d := nbatch - 1
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

// batchStrides aligns an operand's batch strides with the output's batch
// shape (0 where broadcast or missing).
func batchStrides(st *[MaxDims]int, o *matOp, out []int) {
	off := len(out) - o.bnd
	for i := range out {
		j := i - off
		if j < 0 || o.bsh[j] == 1 {
			st[i] = 0
		} else {
			st[i] = o.bst[j]
		}
	}
}

// gemmLd computes c (=|+=) op(a) @ op(b) for one m×n output with leading
// dimension ldc, handling the degenerate sizes BLAS rejects.
func gemmLd(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	beta := 0.0
	if accumulate {
		beta = 1
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	backend.Dgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

// MatVec returns a @ x for a matrix (or stack of matrices) a and a vector x.
func MatVec(a, x *Dense) (*Dense, error) {
	if len(a.shape) < 2 || len(x.shape) != 1 {
		return nil, newShapeError("tensor.MatVec", "want a matrix and a vector", a.shape, x.shape)
	}
	return MatMul(a, x)
}

// MatVecInto writes a @ x into dst.
func MatVecInto(dst, a, x *Dense) error {
	if len(a.shape) < 2 || len(x.shape) != 1 {
		return newShapeError("tensor.MatVecInto", "want a matrix and a vector", a.shape, x.shape)
	}
	return MatMulInto(dst, a, x)
}

// Dot returns the inner product of two vectors of the same length.
func Dot(a, b *Dense) (float64, error) {
	if len(a.shape) != 1 || len(b.shape) != 1 || a.shape[0] != b.shape[0] {
		return 0, newShapeError("tensor.Dot", "want two vectors of the same length", a.shape, b.shape)
	}
	n := a.shape[0]
	if n == 0 {
		return 0, nil
	}
	sa, sb := a.strides[0], b.strides[0]
	if sa > 0 && sb > 0 {
		return backend.Ddot(n, a.data[a.off:], sa, b.data[b.off:], sb), nil
	}
	s := 0.0
	for i, p, q := 0, a.off, b.off; i < n; i++ {
		s += a.data[p] * b.data[q]
		p += sa
		q += sb
	}
	return s, nil
}

// Outer returns the outer product of vectors a (length m) and b (length n),
// an m×n matrix.
func Outer(a, b *Dense) (*Dense, error) {
	if len(a.shape) != 1 || len(b.shape) != 1 {
		return nil, newShapeError("tensor.Outer", "want two vectors", a.shape, b.shape)
	}
	dst := New([]int{a.shape[0], b.shape[0]}, nil)
	outerInto(dst, a, b)
	return dst, nil
}

// OuterInto writes the outer product of vectors a and b into the m×n dst.
func OuterInto(dst, a, b *Dense) error {
	if len(a.shape) != 1 || len(b.shape) != 1 || len(dst.shape) != 2 ||
		dst.shape[0] != a.shape[0] || dst.shape[1] != b.shape[0] {
		return newShapeError("tensor.OuterInto", "want vectors of lengths m, n and an m×n destination", dst.shape, a.shape, b.shape)
	}
	outerInto(dst, a, b)
	return nil
}

func outerInto(dst, a, b *Dense) {
	if dst.size == 0 {
		return
	}
	var l layout
	l.nd = 2
	l.shape[0], l.shape[1] = a.shape[0], b.shape[0]
	l.st[0][0], l.st[0][1] = dst.strides[0], dst.strides[1]
	l.st[1][0], l.st[1][1] = a.strides[0], 0
	l.st[2][0], l.st[2][1] = 0, b.strides[0]
	binaryLoop(OpMul, false, &l, dst.data, dst.off, a.data, a.off, b.data, b.off)
}
