//go:build cgo && !purego

package openblas

// #include "../../csrc/gyro_openblas.h"
import "C"

import (
	"github.com/gyro-ppl/gyro/blas/internal/check"
	gblas "gonum.org/v1/gonum/blas"
)

// Dgemm computes C = alpha*op(A)*op(B) + beta*C, with op(A) m×k, op(B) k×n
// and C m×n, all row-major.
func (Implementation) Dgemm(tA, tB gblas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	const r = "Dgemm"
	check.Trans(r, "tA", tA)
	check.Trans(r, "tB", tB)
	check.NonNeg(r, "m", m)
	check.NonNeg(r, "n", n)
	check.NonNeg(r, "k", k)
	aT, bT := tA != gblas.NoTrans, tB != gblas.NoTrans
	if aT {
		check.Ld(r, "lda", lda, m, "m")
	} else {
		check.Ld(r, "lda", lda, k, "k")
	}
	if bT {
		check.Ld(r, "ldb", ldb, k, "k")
	} else {
		check.Ld(r, "ldb", ldb, n, "n")
	}
	check.Ld(r, "ldc", ldc, n, "n")
	if m == 0 || n == 0 {
		return
	}
	if aT {
		check.Mat(r, "a", k, m, lda, len(a))
	} else {
		check.Mat(r, "a", m, k, lda, len(a))
	}
	if bT {
		check.Mat(r, "b", n, k, ldb, len(b))
	} else {
		check.Mat(r, "b", k, n, ldb, len(b))
	}
	check.Mat(r, "c", m, n, ldc, len(c))
	if (alpha == 0 || k == 0) && beta == 1 {
		return
	}
	fitsMat(r, m, n, ldc)
	check.Int32(r, "k", k)
	check.Int32(r, "lda", lda)
	check.Int32(r, "ldb", ldb)
	// A zero-size A or B has no first element to point at; OpenBLAS
	// ignores those pointers when k == 0 but cgo needs a valid one.
	pa, pb := ptr(c), ptr(c)
	if k > 0 {
		pa, pb = ptr(a), ptr(b)
	}
	C.cblas_dgemm(C.GYRO_CBLAS_ROW_MAJOR, ctrans(tA), ctrans(tB), cint(m), cint(n), cint(k), C.double(alpha),
		pa, cint(lda), pb, cint(ldb), C.double(beta), ptr(c), cint(ldc))
}

// Dsyrk computes the ul triangle of C = alpha*A*Aᵀ + beta*C (t == NoTrans,
// A n×k) or C = alpha*Aᵀ*A + beta*C (t == Trans, A k×n).
func (Implementation) Dsyrk(ul gblas.Uplo, t gblas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	const r = "Dsyrk"
	check.Uplo(r, ul)
	check.Trans(r, "t", t)
	check.NonNeg(r, "n", n)
	check.NonNeg(r, "k", k)
	if t == gblas.NoTrans {
		check.Ld(r, "lda", lda, k, "k")
	} else {
		check.Ld(r, "lda", lda, n, "n")
	}
	check.Ld(r, "ldc", ldc, n, "n")
	if n == 0 {
		return
	}
	if t == gblas.NoTrans {
		check.Mat(r, "a", n, k, lda, len(a))
	} else {
		check.Mat(r, "a", k, n, lda, len(a))
	}
	check.Mat(r, "c", n, n, ldc, len(c))
	if (alpha == 0 || k == 0) && beta == 1 {
		return
	}
	fitsMat(r, n, k, lda)
	check.Int32(r, "ldc", ldc)
	pa := ptr(c)
	if k > 0 {
		pa = ptr(a)
	}
	C.cblas_dsyrk(C.GYRO_CBLAS_ROW_MAJOR, cuplo(ul), ctrans(t), cint(n), cint(k), C.double(alpha), pa, cint(lda),
		C.double(beta), ptr(c), cint(ldc))
}

func checkTri3(r string, s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, a []float64, lda int, b []float64, ldb int) bool {
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
		return false
	}
	check.Mat(r, "a", k, k, lda, len(a))
	check.Mat(r, "b", m, n, ldb, len(b))
	fitsMat(r, m, n, lda)
	check.Int32(r, "ldb", ldb)
	return true
}

// Dtrmm computes B = alpha*op(A)*B (s == Left, A m×m) or B = alpha*B*op(A)
// (s == Right, A n×n) for a triangular A.
func (Implementation) Dtrmm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if !checkTri3("Dtrmm", s, ul, tA, d, m, n, a, lda, b, ldb) {
		return
	}
	C.cblas_dtrmm(C.GYRO_CBLAS_ROW_MAJOR, cside(s), cuplo(ul), ctrans(tA), cdiag(d), cint(m), cint(n), C.double(alpha),
		ptr(a), cint(lda), ptr(b), cint(ldb))
}

// Dtrsm solves op(A)*X = alpha*B (s == Left) or X*op(A) = alpha*B (s ==
// Right) for a triangular A, overwriting B with X. There is no test for
// singularity.
func (Implementation) Dtrsm(s gblas.Side, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if !checkTri3("Dtrsm", s, ul, tA, d, m, n, a, lda, b, ldb) {
		return
	}
	C.cblas_dtrsm(C.GYRO_CBLAS_ROW_MAJOR, cside(s), cuplo(ul), ctrans(tA), cdiag(d), cint(m), cint(n), C.double(alpha),
		ptr(a), cint(lda), ptr(b), cint(ldb))
}
