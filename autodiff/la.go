package autodiff

import (
	"math"

	"github.com/gyro-ppl/gyro/asm"
	"github.com/gyro-ppl/gyro/blas"
)

// The tape's dense linear algebra goes through these wrappers, so the
// backend is chosen in one place. Matrix products go to package blas (its
// size dispatcher sends small products to gyro's Go-assembly kernels and
// large ones to OpenBLAS when built with cgo). The triangular kernels below
// are written here: for the matrix orders models use (≤ a few hundred) a
// row-oriented loop over asm's unit-stride dot/axpy is as fast as a blocked
// BLAS call, allocates nothing, and reports the failing pivot, which
// LAPACK's potrf interface does not.

// gemm computes C = alpha·op(A)·op(B) + beta·C (row-major).
func gemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if tA {
		ta = blas.Trans
	}
	if tB {
		tb = blas.Trans
	}
	if k == 0 {
		// BLAS treats k = 0 as C = beta·C; do the same without a call.
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
			} else if beta != 1 {
				for j := range row {
					row[j] *= beta
				}
			}
		}
		return
	}
	if m*n*k <= gemmTiny {
		gemmLoops(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// Matrix-vector shapes go straight to asm's gemv kernels (no packing).
	switch {
	case n == 1 && ldb == 1 && ldc == 1:
		if tA { // A stored k×m
			asm.DgemvT(k, m, alpha, a, lda, b[:k], beta, c[:m])
		} else {
			asm.DgemvN(m, k, alpha, a, lda, b[:k], beta, c[:m])
		}
		return
	case m == 1 && (!tA || lda == 1):
		if tB { // B stored n×k
			asm.DgemvN(n, k, alpha, b, ldb, a[:k], beta, c[:n])
		} else {
			asm.DgemvT(k, n, alpha, b, ldb, a[:k], beta, c[:n])
		}
		return
	}
	blas.Dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmTiny is the largest m·n·k computed by plain loops: below it a call
// into the BLAS dispatcher and its kernels costs more than the arithmetic.
const gemmTiny = 512

func gemmLoops(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(ci)
		} else if beta != 1 {
			scale(ci, beta)
		}
		for l := 0; l < k; l++ {
			var ail float64
			if tA {
				ail = alpha * a[l*lda+i]
			} else {
				ail = alpha * a[i*lda+l]
			}
			if tB {
				for j := range ci {
					ci[j] += ail * b[j*ldb+l]
				}
			} else {
				bl := b[l*ldb : l*ldb+n]
				for j := range ci {
					ci[j] += ail * bl[j]
				}
			}
		}
	}
}

// trsmLeft solves op(A)·X = B in place (X holds B on entry) for an n×n
// triangular A (lower or upper, per upper) and an n×k X, both row-major
// with leading dimensions n and k. The diagonal must be nonzero (callers
// check). Every variant walks rows of A and X, which are contiguous.
func trsmLeft(upper, trans bool, n, k int, a, x []float64) {
	switch {
	case !upper && !trans: // forward substitution, dot with row i of A
		for i := 0; i < n; i++ {
			ai := a[i*n : i*n+i]
			d := a[i*n+i]
			if k == 1 {
				x[i] = (x[i] - asm.DdotUnitary(ai, x[:i])) / d
				continue
			}
			xi := x[i*k : i*k+k]
			for j, aij := range ai {
				if aij != 0 {
					asm.DaxpyUnitary(-aij, x[j*k:j*k+k], xi)
				}
			}
			scale(xi, 1/d)
		}
	case upper && trans: // Aᵀ lower: forward, right-looking along row i of A
		for i := 0; i < n; i++ {
			d := a[i*n+i]
			ar := a[i*n+i+1 : i*n+n]
			if k == 1 {
				x[i] /= d
				if xi := x[i]; xi != 0 {
					asm.DaxpyUnitary(-xi, ar, x[i+1:n])
				}
				continue
			}
			xi := x[i*k : i*k+k]
			scale(xi, 1/d)
			for jj, aij := range ar {
				if aij != 0 {
					j := i + 1 + jj
					asm.DaxpyUnitary(-aij, xi, x[j*k:j*k+k])
				}
			}
		}
	case upper && !trans: // back substitution, dot with row i of A
		for i := n - 1; i >= 0; i-- {
			ar := a[i*n+i+1 : i*n+n]
			d := a[i*n+i]
			if k == 1 {
				x[i] = (x[i] - asm.DdotUnitary(ar, x[i+1:n])) / d
				continue
			}
			xi := x[i*k : i*k+k]
			for jj, aij := range ar {
				if aij != 0 {
					j := i + 1 + jj
					asm.DaxpyUnitary(-aij, x[j*k:j*k+k], xi)
				}
			}
			scale(xi, 1/d)
		}
	default: // lower && trans: Aᵀ upper: backward, right-looking along row i
		for i := n - 1; i >= 0; i-- {
			d := a[i*n+i]
			ar := a[i*n : i*n+i]
			if k == 1 {
				x[i] /= d
				if xi := x[i]; xi != 0 {
					asm.DaxpyUnitary(-xi, ar, x[:i])
				}
				continue
			}
			xi := x[i*k : i*k+k]
			scale(xi, 1/d)
			for j, aij := range ar {
				if aij != 0 {
					asm.DaxpyUnitary(-aij, xi, x[j*k:j*k+k])
				}
			}
		}
	}
}

func scale(x []float64, s float64) {
	for i := range x {
		x[i] *= s
	}
}

// potrfBig is the order from which Cholesky factors go to blas.Dpotrf
// (blocked, and through the dispatcher to OpenBLAS when that is faster).
const potrfBig = 96

// cholLower overwrites the lower triangle of the n×n row-major a with its
// Cholesky factor L (A = L·Lᵀ, reading only A's lower triangle) and zeroes
// the strict upper triangle. It returns -1 on success, or the index j of
// the first pivot that is not positive (the leading minor of order j+1 is
// not positive definite), or n when the blocked path failed without
// saying where.
func cholLower(n int, a []float64) int {
	if n >= potrfBig {
		if !blas.Dpotrf(blas.Lower, n, a, n) {
			return n
		}
		for i := 0; i < n; i++ {
			clear(a[i*n+i+1 : i*n+n])
		}
		return -1
	}
	for i := 0; i < n; i++ {
		ri := a[i*n : i*n+n]
		for j := 0; j < i; j++ {
			rj := a[j*n : j*n+j+1]
			ri[j] = (ri[j] - asm.DdotUnitary(ri[:j], rj[:j])) / rj[j]
		}
		s := ri[i] - asm.DdotUnitary(ri[:i], ri[:i])
		if !(s > 0) {
			return i
		}
		ri[i] = math.Sqrt(s)
		clear(ri[i+1:])
	}
	return -1
}
