package blas

import (
	"math"

	"github.com/gyro-ppl/gyro/blas/internal/check"
)

// potrfBlock is Dpotrf's block size: matrices up to this order are factored
// by the unblocked kernel alone, larger ones in panels of this width whose
// updates go through Dsyrk, Dgemm and Dtrsm (and so through the dispatcher
// to OpenBLAS when they are large).
const potrfBlock = 64

// Dpotrf computes the Cholesky factorisation of the n×n symmetric positive
// definite matrix A, stored row-major in a with leading dimension lda, of
// which only the ul triangle is read:
//
//	A = Uᵀ·U  (ul == Upper; U overwrites the upper triangle)
//	A = L·Lᵀ  (ul == Lower; L overwrites the lower triangle)
//
// The other triangle is neither read nor written. Dpotrf returns false when A
// is not positive definite (or holds NaN): a leading minor of order j+1 is
// not positive, and the factorisation stops there. A is then partially
// overwritten: the first j rows (Upper) or columns (Lower) of the factor are
// complete and the rest of the triangle holds intermediate values, so keep a
// copy if you need A after a failed call (for example to add jitter to the
// diagonal and retry).
//
// The factorisation is blocked (panels of 64) on Dsyrk, Dgemm and Dtrsm with
// an unblocked kernel on the diagonal blocks, and allocates nothing. Invalid
// arguments panic with a message naming the argument.
func Dpotrf(ul Uplo, n int, a []float64, lda int) bool {
	const r = "Dpotrf"
	check.Uplo(r, ul)
	check.NonNeg(r, "n", n)
	check.Ld(r, "lda", lda, n, "n")
	if n == 0 {
		return true
	}
	check.Mat(r, "a", n, n, lda, len(a))
	if n <= potrfBlock {
		return potf2(ul, n, a, lda)
	}
	for j := 0; j < n; j += potrfBlock {
		jb := min(potrfBlock, n-j)
		rest := n - j - jb
		if ul == Upper {
			// A11 -= U01ᵀ·U01, factor A11 = U11ᵀ·U11,
			// A12 = U11⁻ᵀ·(A12 − U01ᵀ·U02).
			Dsyrk(Upper, Trans, jb, j, -1, a[j:], lda, 1, a[j*lda+j:], lda)
			if !potf2(Upper, jb, a[j*lda+j:], lda) {
				return false
			}
			if rest > 0 {
				Dgemm(Trans, NoTrans, jb, rest, j, -1, a[j:], lda, a[j+jb:], lda, 1, a[j*lda+j+jb:], lda)
				Dtrsm(Left, Upper, Trans, NonUnit, jb, rest, 1, a[j*lda+j:], lda, a[j*lda+j+jb:], lda)
			}
			continue
		}
		// A11 -= L10·L10ᵀ, factor A11 = L11·L11ᵀ,
		// A21 = (A21 − L20·L10ᵀ)·L11⁻ᵀ.
		Dsyrk(Lower, NoTrans, jb, j, -1, a[j*lda:], lda, 1, a[j*lda+j:], lda)
		if !potf2(Lower, jb, a[j*lda+j:], lda) {
			return false
		}
		if rest > 0 {
			Dgemm(NoTrans, Trans, rest, jb, j, -1, a[(j+jb)*lda:], lda, a[j*lda:], lda, 1, a[(j+jb)*lda+j:], lda)
			Dtrsm(Right, Lower, Trans, NonUnit, rest, jb, 1, a[j*lda+j:], lda, a[(j+jb)*lda+j:], lda)
		}
	}
	return true
}

// potf2 is the unblocked factorisation (one row or column at a time, as
// LAPACK's dpotf2), for the diagonal blocks.
func potf2(ul Uplo, n int, a []float64, lda int) bool {
	for j := 0; j < n; j++ {
		jj := j*lda + j
		var ajj float64
		if ul == Upper {
			// U[j][j]² = A[j][j] − Σ_{k<j} U[k][j]² (column j above the diagonal).
			ajj = a[jj] - Ddot(j, a[j:], lda, a[j:], lda)
		} else {
			// L[j][j]² = A[j][j] − Σ_{k<j} L[j][k]² (row j left of the diagonal).
			ajj = a[jj] - Ddot(j, a[j*lda:], 1, a[j*lda:], 1)
		}
		if !(ajj > 0) { // also catches NaN
			a[jj] = ajj
			return false
		}
		ajj = math.Sqrt(ajj)
		a[jj] = ajj
		rest := n - j - 1
		if rest == 0 {
			continue
		}
		if ul == Upper {
			// Row j right of the diagonal: (A[j][j+1:] − U[:j][j]ᵀ·U[:j][j+1:]) / U[j][j].
			Dgemv(Trans, j, rest, -1, a[j+1:], lda, a[j:], lda, 1, a[jj+1:], 1)
			Dscal(rest, 1/ajj, a[jj+1:], 1)
		} else {
			// Column j below the diagonal: (A[j+1:][j] − L[j+1:][:j]·L[j][:j]ᵀ) / L[j][j].
			Dgemv(NoTrans, rest, j, -1, a[(j+1)*lda:], lda, a[j*lda:], 1, 1, a[jj+lda:], lda)
			Dscal(rest, 1/ajj, a[jj+lda:], lda)
		}
	}
	return true
}

// Dpotrs solves A·X = B for X, given the Cholesky factor of A computed by
// Dpotrf with the same ul: B is n×nrhs, row-major with leading dimension
// ldb, and is overwritten by X. Only the ul triangle of a is read. It
// allocates nothing; invalid arguments panic with a message naming the
// argument.
func Dpotrs(ul Uplo, n, nrhs int, a []float64, lda int, b []float64, ldb int) {
	const r = "Dpotrs"
	check.Uplo(r, ul)
	check.NonNeg(r, "n", n)
	check.NonNeg(r, "nrhs", nrhs)
	check.Ld(r, "lda", lda, n, "n")
	check.Ld(r, "ldb", ldb, nrhs, "nrhs")
	if n == 0 || nrhs == 0 {
		return
	}
	check.Mat(r, "a", n, n, lda, len(a))
	check.Mat(r, "b", n, nrhs, ldb, len(b))
	if ul == Upper {
		// Uᵀ·U·X = B: solve Uᵀ·Y = B, then U·X = Y.
		Dtrsm(Left, Upper, Trans, NonUnit, n, nrhs, 1, a, lda, b, ldb)
		Dtrsm(Left, Upper, NoTrans, NonUnit, n, nrhs, 1, a, lda, b, ldb)
		return
	}
	// L·Lᵀ·X = B: solve L·Y = B, then Lᵀ·X = Y.
	Dtrsm(Left, Lower, NoTrans, NonUnit, n, nrhs, 1, a, lda, b, ldb)
	Dtrsm(Left, Lower, Trans, NonUnit, n, nrhs, 1, a, lda, b, ldb)
}
