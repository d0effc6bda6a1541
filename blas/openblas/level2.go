//go:build cgo && !purego

package openblas

// #include "../../csrc/gyro_openblas.h"
import "C"

import (
	"github.com/gyro-ppl/gyro/blas/internal/check"
	gblas "gonum.org/v1/gonum/blas"
)

func ctrans(t gblas.Transpose) C.int {
	if t == gblas.NoTrans {
		return C.GYRO_CBLAS_NO_TRANS
	}
	return C.GYRO_CBLAS_TRANS
}

func cuplo(ul gblas.Uplo) C.int {
	if ul == gblas.Upper {
		return C.GYRO_CBLAS_UPPER
	}
	return C.GYRO_CBLAS_LOWER
}

func cdiag(d gblas.Diag) C.int {
	if d == gblas.Unit {
		return C.GYRO_CBLAS_UNIT
	}
	return C.GYRO_CBLAS_NON_UNIT
}

func cside(s gblas.Side) C.int {
	if s == gblas.Left {
		return C.GYRO_CBLAS_LEFT
	}
	return C.GYRO_CBLAS_RIGHT
}

// fitsMat panics unless the sizes and leading dimension fit in a C int.
func fitsMat(routine string, m, n, ld int) {
	check.Int32(routine, "m", m)
	check.Int32(routine, "n", n)
	check.Int32(routine, "ld", ld)
}

// Dgemv computes y = alpha*op(A)*x + beta*y for an m×n row-major A.
func (Implementation) Dgemv(tA gblas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
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
	lenX, lenY := n, m
	if tA != gblas.NoTrans {
		lenX, lenY = m, n
	}
	check.Vec(r, "x", lenX, incX, len(x))
	check.Vec(r, "y", lenY, incY, len(y))
	check.Mat(r, "a", m, n, lda, len(a))
	if alpha == 0 && beta == 1 {
		return
	}
	fitsMat(r, m, n, lda)
	fits32(r, 0, incX, incY)
	C.cblas_dgemv(C.GYRO_CBLAS_ROW_MAJOR, ctrans(tA), cint(m), cint(n), C.double(alpha), ptr(a), cint(lda),
		ptr(x), cint(incX), C.double(beta), ptr(y), cint(incY))
}

// Dger computes A += alpha*x*yᵀ for an m×n row-major A.
func (Implementation) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
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
	fitsMat(r, m, n, lda)
	fits32(r, 0, incX, incY)
	C.cblas_dger(C.GYRO_CBLAS_ROW_MAJOR, cint(m), cint(n), C.double(alpha), ptr(x), cint(incX),
		ptr(y), cint(incY), ptr(a), cint(lda))
}

// Dsymv computes y = alpha*A*x + beta*y for an n×n symmetric A of which only
// the ul triangle is read.
func (Implementation) Dsymv(ul gblas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
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
	fitsMat(r, n, n, lda)
	fits32(r, 0, incX, incY)
	C.cblas_dsymv(C.GYRO_CBLAS_ROW_MAJOR, cuplo(ul), cint(n), C.double(alpha), ptr(a), cint(lda),
		ptr(x), cint(incX), C.double(beta), ptr(y), cint(incY))
}

func checkTri(r string, ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, n int, a []float64, lda int, x []float64, incX int) bool {
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
	fitsMat(r, n, n, lda)
	fits32(r, 0, incX, 1)
	return true
}

// Dtrmv computes x = op(A)*x for an n×n triangular A.
func (Implementation) Dtrmv(ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	if !checkTri("Dtrmv", ul, tA, d, n, a, lda, x, incX) {
		return
	}
	C.cblas_dtrmv(C.GYRO_CBLAS_ROW_MAJOR, cuplo(ul), ctrans(tA), cdiag(d), cint(n), ptr(a), cint(lda), ptr(x), cint(incX))
}

// Dtrsv solves op(A)*x = b for an n×n triangular A, b given in x and
// overwritten by the solution. There is no test for singularity.
func (Implementation) Dtrsv(ul gblas.Uplo, tA gblas.Transpose, d gblas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	if !checkTri("Dtrsv", ul, tA, d, n, a, lda, x, incX) {
		return
	}
	C.cblas_dtrsv(C.GYRO_CBLAS_ROW_MAJOR, cuplo(ul), ctrans(tA), cdiag(d), cint(n), ptr(a), cint(lda), ptr(x), cint(incX))
}
