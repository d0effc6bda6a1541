package autodiff

import (
	"math"

	"github.com/gyro-ppl/gyro/asm"
)

// Matrix ops beyond Dot and MatVec. Every op that takes matrices treats the
// last two dimensions as the matrix and any leading dimensions as a batch,
// broadcast between operands by NumPy's rules; gradients of a broadcast
// operand are summed over the batch, which the backward passes get for free
// by accumulating each batch element's contribution into the operand's
// (shared) block.
const (
	opMatMul     Op = opLinalgEnd0 + iota // batched matrix product
	opOuter                               // a ⊗ b
	opCholesky                            // lower Cholesky factor
	opTriSolve                            // c = solve flags (triUpper, triTrans)
	opSumLogDiag                          // Σ log a_ii per matrix
	opLinalgEnd
)

const (
	triUpper = 1 << iota
	triTrans
)

func init() {
	registerOpName(opMatMul, "MatMul")
	registerOpName(opOuter, "Outer")
	registerOpName(opCholesky, "Cholesky")
	registerOpName(opTriSolve, "TriangularSolve")
	registerOpName(opSumLogDiag, "SumLogDiag")
}

// batch2 is the broadcast of two operands' batch (leading) dimensions.
type batch2 struct {
	n      int // number of batch elements of the result
	nd     int
	shape  [MaxDims]int
	sa, sb [MaxDims]int // strides in matrices, 0 along broadcast dimensions
}

func (p *batch2) init(a, b []int) bool {
	out, ok := broadcastShape(&p.shape, a, b)
	if !ok {
		return false
	}
	p.nd = len(out)
	inStrides(&p.sa, a, out)
	inStrides(&p.sb, b, out)
	p.n = 1
	for _, d := range out {
		p.n *= d
	}
	return true
}

// at returns the matrix indices in a and b of batch element i.
func (p *batch2) at(i int) (ia, ib int) {
	for d := p.nd - 1; d >= 0; d-- {
		s := p.shape[d]
		c := i % s
		i /= s
		ia += c * p.sa[d]
		ib += c * p.sb[d]
	}
	return ia, ib
}

// matmulDims describes a MatMul: a is (…, m, k) or (k), b is (…, k, n) or (k).
type matmulDims struct {
	m, k, n int
	p       batch2
}

func (t *Tape) matmulDims(sa, sb []int) (d matmulDims, ok bool) {
	var ba, bb []int
	kb := 0
	switch len(sa) {
	case 0:
		return d, false
	case 1:
		d.m, d.k = 1, sa[0]
	default:
		d.m, d.k = sa[len(sa)-2], sa[len(sa)-1]
		ba = sa[:len(sa)-2]
	}
	switch len(sb) {
	case 0:
		return d, false
	case 1:
		kb, d.n = sb[0], 1
	default:
		kb, d.n = sb[len(sb)-2], sb[len(sb)-1]
		bb = sb[:len(sb)-2]
	}
	if kb != d.k || !d.p.init(ba, bb) {
		return d, false
	}
	return d, true
}

// MatMul is the matrix product a·b with NumPy's matmul rules: a is (…, m, k)
// and b is (…, k, n), the leading (batch) dimensions broadcast, giving
// (…, m, n). A 1-d a is a row vector (k) and a 1-d b a column vector (k);
// the dimension they add is dropped from the result, so a matrix times a
// vector is a vector, as MatVec. Products go through package blas.
func (t *Tape) MatMul(a, b V) V {
	t.check2("MatMul", a, b)
	sa, sb := t.shape(a.i), t.shape(b.i)
	d, ok := t.matmulDims(sa, sb)
	if !ok {
		fail("MatMul", "shapes %v and %v are not compatible for a matrix product", cp(sa), cp(sb))
	}
	var buf [MaxDims + 2]int
	out := append(buf[:0], d.p.shape[:d.p.nd]...)
	if len(sa) > 1 {
		out = append(out, d.m)
	}
	if len(sb) > 1 {
		out = append(out, d.n)
	}
	flags := (a.node().flags | b.node().flags) & fGrad
	var v V
	var c []float64
	if len(out) == 0 {
		v = t.newScalar(opMatMul, flags, a.i, b.i, 0)
		c = t.val[v.node().off:][:1]
	} else {
		v, c = t.newNode(opMatMul, flags, a.i, b.i, out)
	}
	A, B := t.data(a.i), t.data(b.i)
	m, k, n := d.m, d.k, d.n
	for i := 0; i < d.p.n; i++ {
		ia, ib := d.p.at(i)
		gemm(false, false, m, n, k, 1, A[ia*m*k:], max(k, 1), B[ib*k*n:], n, 0, c[i*m*n:], n)
	}
	return v
}

func (t *Tape) backMatMul(nd *node) {
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	d, _ := t.matmulDims(t.shp[na.shp:na.shp+int32(na.ndim)], t.shp[nb.shp:nb.shp+int32(nb.ndim)])
	m, k, n := d.m, d.k, d.n
	G := t.adj[nd.off : nd.off+nd.size]
	A, B := t.dataNode(na), t.dataNode(nb)
	if na.flags&fGrad != 0 { // dA += G·Bᵀ
		dA := t.adj[na.off : na.off+na.size]
		for i := 0; i < d.p.n; i++ {
			ia, ib := d.p.at(i)
			gemm(false, true, m, k, n, 1, G[i*m*n:], n, B[ib*k*n:], n, 1, dA[ia*m*k:], max(k, 1))
		}
	}
	if nb.flags&fGrad != 0 { // dB += Aᵀ·G
		dB := t.adj[nb.off : nb.off+nb.size]
		for i := 0; i < d.p.n; i++ {
			ia, ib := d.p.at(i)
			gemm(true, false, k, n, m, 1, A[ia*m*k:], max(k, 1), G[i*m*n:], n, 1, dB[ib*k*n:], n)
		}
	}
}

// Outer is the outer product of two 1-d values: shape (m) and (n) give
// (m, n) with element (i, j) = a_i·b_j.
func (t *Tape) Outer(a, b V) V {
	t.check2("Outer", a, b)
	sa, sb := t.shape(a.i), t.shape(b.i)
	if len(sa) != 1 || len(sb) != 1 {
		fail("Outer", "needs two 1-d values, got shapes %v and %v", cp(sa), cp(sb))
	}
	var out [2]int
	out[0], out[1] = sa[0], sb[0]
	v, c := t.newNode(opOuter, (a.node().flags|b.node().flags)&fGrad, a.i, b.i, out[:])
	x, y := t.data(a.i), t.data(b.i)
	n := len(y)
	for i, xi := range x {
		row := c[i*n : i*n+n]
		for j, yj := range y {
			row[j] = xi * yj
		}
	}
	return v
}

func (t *Tape) backOuter(nd *node) {
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	x, y := t.dataNode(na), t.dataNode(nb)
	n := len(y)
	G := t.adj[nd.off : nd.off+nd.size]
	if na.flags&fGrad != 0 {
		ga := t.adj[na.off : na.off+na.size]
		for i := range ga {
			ga[i] += asm.DdotUnitary(G[i*n:i*n+n], y)
		}
	}
	if nb.flags&fGrad != 0 {
		gb := t.adj[nb.off : nb.off+nb.size]
		for i, xi := range x {
			if xi != 0 {
				asm.DaxpyUnitary(xi, G[i*n:i*n+n], gb)
			}
		}
	}
}

// squareBatch checks that s is (…, n, n) and returns n and the batch size.
func squareBatch(op string, s []int) (n, nb int) {
	if len(s) < 2 || s[len(s)-1] != s[len(s)-2] {
		fail(op, "needs a square matrix or a batch of them (…, n, n), got shape %v", cp(s))
	}
	n = s[len(s)-1]
	nb = 1
	for _, d := range s[:len(s)-2] {
		nb *= d
	}
	return n, nb
}

// Cholesky is the lower-triangular Cholesky factor L of a symmetric
// positive-definite matrix A = L·Lᵀ, or of each matrix in a batch
// (…, n, n). Only the lower triangle of A is read; the factor's strict upper
// triangle is zero. A matrix that is not positive definite (or holds NaN)
// panics with *Error naming the failing leading minor and batch element.
//
// The gradient is PyTorch's (Murray 2016, "Differentiation of the Cholesky
// decomposition"): Ā = L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹ symmetrized, which is the gradient
// for symmetric perturbations of A, split equally between A_ij and A_ji.
// Factors of order ≥ 96 are computed by blas.Dpotrf; smaller ones by a
// row-oriented loop here (allocation-free, and it names the failing pivot).
func (t *Tape) Cholesky(a V) V {
	t.check1("Cholesky", a)
	sa := t.shape(a.i)
	n, nb := squareBatch("Cholesky", sa)
	v, L := t.newNode(opCholesky, a.node().flags&fGrad, a.i, -1, sa)
	copy(L, t.data(a.i))
	nn := n * n
	for b := 0; b < nb; b++ {
		if j := cholLower(n, L[b*nn:b*nn+nn]); j >= 0 {
			if nb == 1 {
				if j == n {
					fail("Cholesky", "%d×%d matrix is not positive definite", n, n)
				}
				fail("Cholesky", "%d×%d matrix is not positive definite (leading minor of order %d)", n, n, j+1)
			}
			if j == n {
				fail("Cholesky", "matrix %d of the batch (shape %v) is not positive definite", b, cp(sa))
			}
			fail("Cholesky", "matrix %d of the batch (shape %v) is not positive definite (leading minor of order %d)", b, cp(sa), j+1)
		}
	}
	return v
}

func (t *Tape) backCholesky(nd *node) {
	na := &t.nodes[nd.a]
	if na.flags&fGrad == 0 {
		return
	}
	n, nb := squareBatch("Cholesky", t.shp[nd.shp:nd.shp+int32(nd.ndim)])
	nn := n * n
	Ls := t.val[nd.off : nd.off+nd.size]
	Gs := t.adj[nd.off : nd.off+nd.size]
	dAs := t.adj[na.off : na.off+na.size]
	P := t.scratch(nn)
	for b := 0; b < nb; b++ {
		L, G, dA := Ls[b*nn:b*nn+nn], Gs[b*nn:b*nn+nn], dAs[b*nn:b*nn+nn]
		// P = Lᵀ·L̄; only its lower triangle is used (the strict upper part
		// of L̄ cannot reach it, since L is lower triangular).
		gemm(true, false, n, n, n, 1, L, n, G, n, 0, P, n)
		// S = sym(Φ(P)): off-diagonal ½P_ij mirrored, diagonal ½P_ii.
		for i := 0; i < n; i++ {
			for j := 0; j < i; j++ {
				s := 0.5 * P[i*n+j]
				P[i*n+j], P[j*n+i] = s, s
			}
			P[i*n+i] *= 0.5
		}
		// Ā = L⁻ᵀ·S·L⁻¹ = L⁻ᵀ·(L⁻ᵀ·S)ᵀ since Ā is symmetric.
		trsmLeft(false, true, n, n, L, P)
		transposeSquare(n, P)
		trsmLeft(false, true, n, n, L, P)
		for i, x := range P {
			dA[i] += x
		}
	}
	t.scratchReset()
}

func transposeSquare(n int, a []float64) {
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			a[i*n+j], a[j*n+i] = a[j*n+i], a[i*n+j]
		}
	}
}

// TriangularSolve solves op(A)·X = B for X, where A is triangular (lower,
// or upper when upper is set; only that triangle is read) and op(A) is A,
// or Aᵀ when transpose is set. A is (…, n, n); B is a matrix (…, n, k) or
// a vector (n); batch dimensions broadcast. The result has B's trailing
// shape and the broadcast batch. A zero on A's diagonal panics with *Error.
// The gradient with respect to A is confined to the triangle read.
func (t *Tape) TriangularSolve(A, B V, upper, transpose bool) V {
	t.check2("TriangularSolve", A, B)
	sa, sb := t.shape(A.i), t.shape(B.i)
	n, _ := squareBatch("TriangularSolve", sa)
	var p batch2
	k := 1
	var bb []int
	if len(sb) == 1 {
		if sb[0] != n {
			fail("TriangularSolve", "matrix shape %v and right-hand side shape %v do not match", cp(sa), cp(sb))
		}
	} else {
		if len(sb) < 2 || sb[len(sb)-2] != n {
			fail("TriangularSolve", "matrix shape %v and right-hand side shape %v do not match", cp(sa), cp(sb))
		}
		k = sb[len(sb)-1]
		bb = sb[:len(sb)-2]
	}
	if !p.init(sa[:len(sa)-2], bb) {
		fail("TriangularSolve", "batch dimensions of %v and %v cannot be broadcast together", cp(sa), cp(sb))
	}
	var buf [MaxDims + 2]int
	out := append(buf[:0], p.shape[:p.nd]...)
	out = append(out, n)
	if len(sb) > 1 {
		out = append(out, k)
	}
	var flags int32
	if upper {
		flags |= triUpper
	}
	if transpose {
		flags |= triTrans
	}
	v, X := t.newNode(opTriSolve, (A.node().flags|B.node().flags)&fGrad, A.i, B.i, out)
	t.nodes[v.i].c = flags
	a, b := t.data(A.i), t.data(B.i)
	nn, nk := n*n, n*k
	for i := 0; i < p.n; i++ {
		ia, ib := p.at(i)
		ab := a[ia*nn : ia*nn+nn]
		for j := 0; j < n; j++ {
			if ab[j*n+j] == 0 {
				fail("TriangularSolve", "matrix is singular: zero diagonal element %d (matrix %d of shape %v)", j, ia, cp(sa))
			}
		}
		x := X[i*nk : i*nk+nk]
		copy(x, b[ib*nk:ib*nk+nk])
		trsmLeft(upper, transpose, n, k, ab, x)
	}
	return v
}

func (t *Tape) backTriSolve(nd *node) {
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	sa := t.shp[na.shp : na.shp+int32(na.ndim)]
	sb := t.shp[nb.shp : nb.shp+int32(nb.ndim)]
	n := sa[len(sa)-1]
	k := 1
	var bb []int
	if len(sb) > 1 {
		k = sb[len(sb)-1]
		bb = sb[:len(sb)-2]
	}
	var p batch2
	p.init(sa[:len(sa)-2], bb)
	upper, trans := nd.c&triUpper != 0, nd.c&triTrans != 0
	a := t.dataNode(na)
	X := t.val[nd.off : nd.off+nd.size]
	G := t.adj[nd.off : nd.off+nd.size]
	ga, gb := na.flags&fGrad != 0, nb.flags&fGrad != 0
	nn, nk := n*n, n*k
	Bbar := t.scratch(nk)
	for i := 0; i < p.n; i++ {
		ia, ib := p.at(i)
		ab := a[ia*nn : ia*nn+nn]
		// B̄ = op(A)⁻ᵀ·X̄
		copy(Bbar, G[i*nk:i*nk+nk])
		trsmLeft(upper, !trans, n, k, ab, Bbar)
		if gb {
			dB := t.adj[nb.off+int32(ib*nk) : nb.off+int32(ib*nk+nk)]
			for j, x := range Bbar {
				dB[j] += x
			}
		}
		if ga {
			// op(A)̄ = -B̄·Xᵀ; Ā is that or its transpose, on A's triangle.
			dA := t.adj[na.off+int32(ia*nn) : na.off+int32(ia*nn+nn)]
			x := X[i*nk : i*nk+nk]
			l, r := Bbar, x
			if trans {
				l, r = x, Bbar
			}
			for r0 := 0; r0 < n; r0++ {
				lo, hi := 0, r0+1
				if upper {
					lo, hi = r0, n
				}
				lr := l[r0*k : r0*k+k]
				for c := lo; c < hi; c++ {
					dA[r0*n+c] -= asm.DdotUnitary(lr, r[c*k:c*k+k])
				}
			}
		}
	}
	t.scratchReset()
}

// CholeskySolve solves (L·Lᵀ)·X = B given the lower Cholesky factor L
// (…, n, n) and B (…, n, k) or (n): two triangular solves, differentiable
// in both L and B.
func (t *Tape) CholeskySolve(L, B V) V {
	t.check2("CholeskySolve", L, B)
	return t.TriangularSolve(L, t.TriangularSolve(L, B, false, false), false, true)
}

// SumLogDiag is Σᵢ log a_ii for a matrix (n, n), or for each matrix of a
// batch (…, n, n), giving shape (…). For a triangular factor it is the log
// of its determinant's absolute value when the diagonal is positive: for the
// Cholesky factor L of A it is ½·log det A (MultivariateNormal's
// half_log_det). A non-positive diagonal gives NaN or -Inf, as log does.
func (t *Tape) SumLogDiag(a V) V {
	t.check1("SumLogDiag", a)
	sa := t.shape(a.i)
	n, nb := squareBatch("SumLogDiag", sa)
	flags := a.node().flags & fGrad
	var v V
	var out []float64
	if len(sa) == 2 {
		v = t.newScalar(opSumLogDiag, flags, a.i, -1, 0)
		out = t.val[v.node().off:][:1]
	} else {
		v, out = t.newNode(opSumLogDiag, flags, a.i, -1, sa[:len(sa)-2])
	}
	x := t.data(a.i)
	nn := n * n
	for b := 0; b < nb; b++ {
		s := 0.0
		for i := 0; i < n; i++ {
			s += math.Log(x[b*nn+i*n+i])
		}
		out[b] = s
	}
	return v
}

func (t *Tape) backSumLogDiag(nd *node) {
	na := &t.nodes[nd.a]
	if na.flags&fGrad == 0 {
		return
	}
	sa := t.shp[na.shp : na.shp+int32(na.ndim)]
	n := sa[len(sa)-1]
	nn := n * n
	x := t.dataNode(na)
	ga := t.adj[na.off : na.off+na.size]
	g := t.adj[nd.off : nd.off+nd.size]
	for b, gb := range g {
		for i := 0; i < n; i++ {
			j := b*nn + i*n + i
			ga[j] += gb / x[j]
		}
	}
}

// LogDetChol is log det A = 2·Σᵢ log L_ii computed from the Cholesky factor
// L of A (shape (n, n) or (…, n, n), giving a scalar or shape (…)).
func (t *Tape) LogDetChol(L V) V {
	return t.MulConst(t.SumLogDiag(L), 2)
}

func (t *Tape) backLinalgMore(i int32, nd *node) {
	switch nd.op {
	case opMatMul:
		t.backMatMul(nd)
	case opOuter:
		t.backOuter(nd)
	case opCholesky:
		t.backCholesky(nd)
	case opTriSolve:
		t.backTriSolve(nd)
	case opSumLogDiag:
		t.backSumLogDiag(nd)
	default:
		unknownOp(nd)
	}
}
