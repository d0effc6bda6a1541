//go:build cuda && cgo

package cuda

// #include "../../csrc/gyro_cublas.h"
import "C"

import (
	"github.com/gyro-ppl/gyro/blas/internal/check"
	gblas "gonum.org/v1/gonum/blas"
)

// Column-major cuBLAS parameters for row-major arguments.

func op(t gblas.Transpose) C.int {
	if t == gblas.NoTrans {
		return C.CUBLAS_OP_N
	}
	return C.CUBLAS_OP_T
}

// flipOp is op(t) for the transposed (column-major) view.
func flipOp(t gblas.Transpose) C.int {
	if t == gblas.NoTrans {
		return C.CUBLAS_OP_T
	}
	return C.CUBLAS_OP_N
}

// flipUplo: the upper triangle of a row-major matrix is the lower triangle
// of its column-major view.
func flipUplo(ul gblas.Uplo) C.int {
	if ul == gblas.Upper {
		return C.CUBLAS_FILL_MODE_LOWER
	}
	return C.CUBLAS_FILL_MODE_UPPER
}

func flipSide(s gblas.Side) C.int {
	if s == gblas.Left {
		return C.CUBLAS_SIDE_RIGHT
	}
	return C.CUBLAS_SIDE_LEFT
}

func diag(d gblas.Diag) C.int {
	if d == gblas.Unit {
		return C.CUBLAS_DIAG_UNIT
	}
	return C.CUBLAS_DIAG_NON_UNIT
}

func checkInt32(r string, vals ...int) {
	for _, v := range vals {
		check.Int32(r, "size", v)
	}
}

// Ddot returns Σ x[i]*y[i].
func (b *Backend) Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	const r = "Ddot"
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return 0
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	checkInt32(r, n, incX, incY)
	var res C.double
	if incX > 0 && incY > 0 && b.run(r, func() C.int {
		return C.gyro_cuda_ddot(b.g, ci(n), dp(x), span(n, incX), ci(incX), dp(y), span(n, incY), ci(incY), &res)
	}) {
		return float64(res)
	}
	return b.cpu.Ddot(n, x, incX, y, incY)
}

func (b *Backend) pair(r string, opc int, n int, alpha float64, x []float64, incX int, y []float64, incY int) bool {
	return incX > 0 && incY > 0 && b.run(r, func() C.int {
		return C.gyro_cuda_l1pair(b.g, C.int(opc), ci(n), C.double(alpha), dp(x), span(n, incX), ci(incX), dp(y), span(n, incY), ci(incY))
	})
}

func checkPair(r string, n int, x []float64, incX int, y []float64, incY int) bool {
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return false
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	checkInt32(r, n, incX, incY)
	return true
}

// Daxpy computes y += alpha*x.
func (b *Backend) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if !checkPair("Daxpy", n, x, incX, y, incY) || alpha == 0 {
		return
	}
	if !b.pair("Daxpy", 0, n, alpha, x, incX, y, incY) {
		b.cpu.Daxpy(n, alpha, x, incX, y, incY)
	}
}

// Dcopy copies x into y.
func (b *Backend) Dcopy(n int, x []float64, incX int, y []float64, incY int) {
	if !checkPair("Dcopy", n, x, incX, y, incY) {
		return
	}
	if !b.pair("Dcopy", 1, n, 0, x, incX, y, incY) {
		b.cpu.Dcopy(n, x, incX, y, incY)
	}
}

// Dswap exchanges x and y.
func (b *Backend) Dswap(n int, x []float64, incX int, y []float64, incY int) {
	if !checkPair("Dswap", n, x, incX, y, incY) {
		return
	}
	if !b.pair("Dswap", 2, n, 0, x, incX, y, incY) {
		b.cpu.Dswap(n, x, incX, y, incY)
	}
}

// one runs a single-vector level-1 operation; incX > 0 and n > 0.
func (b *Backend) one(r string, opc, n int, alpha float64, x []float64, incX int) (float64, int, bool) {
	var res C.double
	var idx C.int
	ok := b.run(r, func() C.int {
		return C.gyro_cuda_l1one(b.g, C.int(opc), ci(n), C.double(alpha), dp(x), span(n, incX), ci(incX), &res, &idx)
	})
	return float64(res), int(idx), ok
}

func checkOne(r string, n int, x []float64, incX int) bool {
	check.Inc(r, "incX", incX)
	if incX < 0 {
		return false
	}
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return false
	}
	check.Vec(r, "x", n, incX, len(x))
	checkInt32(r, n, incX)
	return true
}

// Dscal computes x *= alpha (a no-op for incX < 0).
func (b *Backend) Dscal(n int, alpha float64, x []float64, incX int) {
	if !checkOne("Dscal", n, x, incX) {
		return
	}
	if _, _, ok := b.one("Dscal", 0, n, alpha, x, incX); !ok {
		b.cpu.Dscal(n, alpha, x, incX)
	}
}

// Dnrm2 returns the Euclidean norm of x (0 for incX < 0).
func (b *Backend) Dnrm2(n int, x []float64, incX int) float64 {
	if !checkOne("Dnrm2", n, x, incX) {
		return 0
	}
	if v, _, ok := b.one("Dnrm2", 1, n, 0, x, incX); ok {
		return v
	}
	return b.cpu.Dnrm2(n, x, incX)
}

// Dasum returns Σ |x[i]| (0 for incX < 0).
func (b *Backend) Dasum(n int, x []float64, incX int) float64 {
	check.NonNeg("Dasum", "n", n)
	if !checkOne("Dasum", n, x, incX) {
		return 0
	}
	if v, _, ok := b.one("Dasum", 2, n, 0, x, incX); ok {
		return v
	}
	return b.cpu.Dasum(n, x, incX)
}

// Idamax returns the index of the first element of largest absolute value,
// or -1 when n == 0 or incX < 0. (cuBLAS returns a 1-based index; this
// converts it.)
func (b *Backend) Idamax(n int, x []float64, incX int) int {
	if !checkOne("Idamax", n, x, incX) {
		return -1
	}
	if _, i, ok := b.one("Idamax", 3, n, 0, x, incX); ok {
		return i - 1
	}
	return b.cpu.Idamax(n, x, incX)
}

// Dgemv computes y = alpha*op(A)*x + beta*y for an m×n row-major A.
func (b *Backend) Dgemv(tA gblas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	const r = "Dgemv"
	check.Trans(r, "tA", tA)
	check.NonNeg(r, "m", m)
	check.NonNeg(r, "n", n)
	check.Ld(r, "lda", lda, n, "n")
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if m == 0 || n == 0 {
		return
	}
	lx, ly := n, m
	if tA != gblas.NoTrans {
		lx, ly = m, n
	}
	check.Vec(r, "x", lx, incX, len(x))
	check.Vec(r, "y", ly, incY, len(y))
	check.Mat(r, "a", m, n, lda, len(a))
	if alpha == 0 && beta == 1 {
		return
	}
	checkInt32(r, m, n, lda, incX, incY)
	if incX > 0 && incY > 0 && b.run(r, func() C.int {
		return C.gyro_cuda_gemv(b.g, 0, flipOp(tA), 0, ci(n), ci(m), C.double(alpha), dp(a), mspan(m, n, lda), ci(lda),
			dp(x), span(lx, incX), ci(incX), C.double(beta), dp(y), span(ly, incY), ci(incY))
	}) {
		return
	}
	b.cpu.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dger computes A += alpha*x*yᵀ for an m×n row-major A.
func (b *Backend) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	const r = "Dger"
	check.NonNeg(r, "m", m)
	check.NonNeg(r, "n", n)
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	check.Ld(r, "lda", lda, n, "n")
	if m == 0 || n == 0 {
		return
	}
	check.Vec(r, "x", m, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	check.Mat(r, "a", m, n, lda, len(a))
	if alpha == 0 {
		return
	}
	checkInt32(r, m, n, lda, incX, incY)
	// Column-major: Aᵀ (n×m) += alpha·y·xᵀ.
	if incX > 0 && incY > 0 && b.run(r, func() C.int {
		return C.gyro_cuda_ger(b.g, ci(n), ci(m), C.double(alpha), dp(y), span(n, incY), ci(incY), dp(x), span(m, incX), ci(incX),
			dp(a), mspan(m, n, lda), ci(lda))
	}) {
		return
	}
	b.cpu.Dger(m, n, alpha, x, incX, y, incY, a, lda)
}

// Dsymv computes y = alpha*A*x + beta*y for a symmetric A stored in its ul triangle.
func (b *Backend) Dsymv(ul gblas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	const r = "Dsymv"
	check.Uplo(r, ul)
	check.NonNeg(r, "n", n)
	check.Ld(r, "lda", lda, n, "n")
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if n == 0 {
		return
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	check.Mat(r, "a", n, n, lda, len(a))
	if alpha == 0 && beta == 1 {
		return
	}
	checkInt32(r, n, lda, incX, incY)
	if incX > 0 && incY > 0 && b.run(r, func() C.int {
		return C.gyro_cuda_gemv(b.g, 1, 0, flipUplo(ul), ci(n), ci(n), C.double(alpha), dp(a), mspan(n, n, lda), ci(lda),
			dp(x), span(n, incX), ci(incX), C.double(beta), dp(y), span(n, incY), ci(incY))
	}) {
		return
	}
	b.cpu.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
}

func checkTrv(r string, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, n int, a []float64, lda int, x []float64, incX int) bool {
	check.Uplo(r, ul)
	check.Trans(r, "tA", tA)
	check.Diag(r, d)
	check.NonNeg(r, "n", n)
	check.Ld(r, "lda", lda, n, "n")
	check.Inc(r, "incX", incX)
	if n == 0 {
		return false
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Mat(r, "a", n, n, lda, len(a))
	checkInt32(r, n, lda, incX)
	return true
}

func (b *Backend) trv(r string, opc int, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, n int, a []float64, lda int, x []float64, incX int) bool {
	return incX > 0 && b.run(r, func() C.int {
		return C.gyro_cuda_trv(b.g, C.int(opc), flipUplo(ul), flipOp(tA), diag(d), ci(n), dp(a), mspan(n, n, lda), ci(lda),
			dp(x), span(n, incX), ci(incX))
	})
}

// Dtrmv computes x = op(A)*x for a triangular A.
func (b *Backend) Dtrmv(ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	if checkTrv("Dtrmv", ul, tA, d, n, a, lda, x, incX) && !b.trv("Dtrmv", 0, ul, tA, d, n, a, lda, x, incX) {
		b.cpu.Dtrmv(ul, tA, d, n, a, lda, x, incX)
	}
}

// Dtrsv solves op(A)*x = b for a triangular A; b is given in x.
func (b *Backend) Dtrsv(ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	if checkTrv("Dtrsv", ul, tA, d, n, a, lda, x, incX) && !b.trv("Dtrsv", 1, ul, tA, d, n, a, lda, x, incX) {
		b.cpu.Dtrsv(ul, tA, d, n, a, lda, x, incX)
	}
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C, row-major; on the device
// as Cᵀ = alpha*op(B)ᵀ*op(A)ᵀ + beta*Cᵀ in column-major terms.
func (b *Backend) Dgemm(tA, tB gblas.Transpose, m, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int, beta float64, c []float64, ldc int) {
	const r = "Dgemm"
	check.Trans(r, "tA", tA)
	check.Trans(r, "tB", tB)
	check.NonNeg(r, "m", m)
	check.NonNeg(r, "n", n)
	check.NonNeg(r, "k", k)
	ar, ac := m, k
	if tA != gblas.NoTrans {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB != gblas.NoTrans {
		br, bc = n, k
	}
	if tA != gblas.NoTrans {
		check.Ld(r, "lda", lda, m, "m")
	} else {
		check.Ld(r, "lda", lda, k, "k")
	}
	if tB != gblas.NoTrans {
		check.Ld(r, "ldb", ldb, k, "k")
	} else {
		check.Ld(r, "ldb", ldb, n, "n")
	}
	check.Ld(r, "ldc", ldc, n, "n")
	if m == 0 || n == 0 {
		return
	}
	check.Mat(r, "a", ar, ac, lda, len(a))
	check.Mat(r, "b", br, bc, ldb, len(bm))
	check.Mat(r, "c", m, n, ldc, len(c))
	if (alpha == 0 || k == 0) && beta == 1 {
		return
	}
	checkInt32(r, m, n, k, lda, ldb, ldc)
	if b.run(r, func() C.int {
		return C.gyro_cuda_gemm(b.g, op(tB), op(tA), ci(n), ci(m), ci(k), C.double(alpha),
			dp(bm), mspan(br, bc, ldb), ci(ldb), dp(a), mspan(ar, ac, lda), ci(lda), C.double(beta), dp(c), mspan(m, n, ldc), ci(ldc))
	}) {
		return
	}
	b.cpu.Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
}

// Dsyrk computes the ul triangle of C = alpha*A*Aᵀ + beta*C (t == NoTrans)
// or alpha*Aᵀ*A + beta*C.
func (b *Backend) Dsyrk(ul gblas.Uplo, t gblas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	const r = "Dsyrk"
	check.Uplo(r, ul)
	check.Trans(r, "t", t)
	check.NonNeg(r, "n", n)
	check.NonNeg(r, "k", k)
	ar, ac := n, k
	if t != gblas.NoTrans {
		ar, ac = k, n
	}
	check.Ld(r, "lda", lda, ac, map[bool]string{true: "k", false: "n"}[t == gblas.NoTrans])
	check.Ld(r, "ldc", ldc, n, "n")
	if n == 0 {
		return
	}
	check.Mat(r, "a", ar, ac, lda, len(a))
	check.Mat(r, "c", n, n, ldc, len(c))
	if (alpha == 0 || k == 0) && beta == 1 {
		return
	}
	checkInt32(r, n, k, lda, ldc)
	if b.run(r, func() C.int {
		return C.gyro_cuda_syrk(b.g, flipUplo(ul), flipOp(t), ci(n), ci(k), C.double(alpha), dp(a), mspan(ar, ac, lda), ci(lda),
			C.double(beta), dp(c), mspan(n, n, ldc), ci(ldc))
	}) {
		return
	}
	b.cpu.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
}

func checkTrm(r string, s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, a []float64, lda int, bm []float64, ldb int) (int, bool) {
	check.Side(r, s)
	check.Uplo(r, ul)
	check.Trans(r, "tA", tA)
	check.Diag(r, d)
	check.NonNeg(r, "m", m)
	check.NonNeg(r, "n", n)
	k, kn := n, "n"
	if s == gblas.Left {
		k, kn = m, "m"
	}
	check.Ld(r, "lda", lda, k, kn)
	check.Ld(r, "ldb", ldb, n, "n")
	if m == 0 || n == 0 {
		return k, false
	}
	check.Mat(r, "a", k, k, lda, len(a))
	check.Mat(r, "b", m, n, ldb, len(bm))
	checkInt32(r, m, n, lda, ldb)
	return k, true
}

func (b *Backend) trm(r string, opc int, s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n, k int, alpha float64, a []float64, lda int, bm []float64, ldb int) bool {
	// Column-major: Bᵀ (n×m) = alpha·Bᵀ·op(A)ᵀ, i.e. the other side, the
	// other triangle, the same transpose.
	return b.run(r, func() C.int {
		return C.gyro_cuda_trm(b.g, C.int(opc), flipSide(s), flipUplo(ul), op(tA), diag(d), ci(n), ci(m), C.double(alpha),
			dp(a), mspan(k, k, lda), ci(lda), dp(bm), mspan(m, n, ldb), ci(ldb))
	})
}

// Dtrmm computes B = alpha*op(A)*B (Left) or alpha*B*op(A) (Right).
func (b *Backend) Dtrmm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float64, a []float64, lda int, bm []float64, ldb int) {
	if k, ok := checkTrm("Dtrmm", s, ul, tA, d, m, n, a, lda, bm, ldb); ok && !b.trm("Dtrmm", 0, s, ul, tA, d, m, n, k, alpha, a, lda, bm, ldb) {
		b.cpu.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, bm, ldb)
	}
}

// Dtrsm solves op(A)*X = alpha*B (Left) or X*op(A) = alpha*B (Right).
func (b *Backend) Dtrsm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float64, a []float64, lda int, bm []float64, ldb int) {
	if k, ok := checkTrm("Dtrsm", s, ul, tA, d, m, n, a, lda, bm, ldb); ok && !b.trm("Dtrsm", 1, s, ul, tA, d, m, n, k, alpha, a, lda, bm, ldb) {
		b.cpu.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, bm, ldb)
	}
}
