package native

import (
	"github.com/gyro-ppl/gyro/asm"
	"gonum.org/v1/gonum/blas"
)

// Level-2 routines. They run row by row over the row-major matrix with the
// asm package's unit-stride kernels (gemv, dot, axpy); a strided vector is
// first gathered into scratch and scattered back afterwards.

// Dgemv computes y = alpha*op(A)*x + beta*y, with A m×n and op(A) = A or Aᵀ.
// beta == 0 overwrites y; alpha == 0 does not read A or x.
func (Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	const r = "Dgemv"
	checkTrans(r, "tA", tA)
	if m < 0 {
		panic("native: Dgemv: m < 0")
	}
	if n < 0 {
		panic("native: Dgemv: n < 0")
	}
	checkLd(r, "lda", "n", lda, n)
	checkInc(r, "incX", incX)
	checkInc(r, "incY", incY)
	if m == 0 || n == 0 {
		return
	}
	lenX, lenY := n, m
	if tA != blas.NoTrans {
		lenX, lenY = m, n
	}
	checkLen(r, "a", a, m, n, lda)
	checkVec(r, "x", x, lenX, incX)
	checkVec(r, "y", y, lenY, incY)
	if alpha == 0 && beta == 1 {
		return
	}
	xs, ys := x, y
	var bufX, bufY []float64
	if incX != 1 {
		bufX = getVec(lenX)
		gather(bufX, lenX, x, incX)
		xs = bufX
	}
	if incY != 1 {
		bufY = getVec(lenY)
		if beta != 0 {
			gather(bufY, lenY, y, incY)
		}
		ys = bufY
	}
	if tA == blas.NoTrans {
		asm.DgemvN(m, n, alpha, a, lda, xs, beta, ys)
	} else {
		asm.DgemvT(m, n, alpha, a, lda, xs, beta, ys)
	}
	if bufY != nil {
		scatter(y, incY, lenY, bufY)
		putVec(bufY)
	}
	if bufX != nil {
		putVec(bufX)
	}
}

// Dger computes A += alpha*x*yᵀ for the m×n matrix A.
func (Implementation) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	const r = "Dger"
	if m < 0 {
		panic("native: Dger: m < 0")
	}
	if n < 0 {
		panic("native: Dger: n < 0")
	}
	checkInc(r, "incX", incX)
	checkInc(r, "incY", incY)
	checkLd(r, "lda", "n", lda, n)
	if m == 0 || n == 0 {
		return
	}
	checkVec(r, "x", x, m, incX)
	checkVec(r, "y", y, n, incY)
	checkLen(r, "a", a, m, n, lda)
	if alpha == 0 {
		return
	}
	ys := y
	var buf []float64
	if incY != 1 {
		buf = getVec(n)
		gather(buf, n, y, incY)
		ys = buf
	}
	ys = ys[:n]
	ix := start(m, incX)
	for i := 0; i < m; i++ {
		if xi := x[ix]; xi != 0 {
			asm.DaxpyUnitary(alpha*xi, ys, a[i*lda:i*lda+n])
		}
		ix += incX
	}
	if buf != nil {
		putVec(buf)
	}
}

// Dsymv computes y = alpha*A*x + beta*y for the symmetric n×n matrix A of
// which only the ul triangle is read.
func (Implementation) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	const r = "Dsymv"
	checkUplo(r, ul)
	if n < 0 {
		panic("native: Dsymv: n < 0")
	}
	checkLd(r, "lda", "n", lda, n)
	checkInc(r, "incX", incX)
	checkInc(r, "incY", incY)
	if n == 0 {
		return
	}
	checkLen(r, "a", a, n, n, lda)
	checkVec(r, "x", x, n, incX)
	checkVec(r, "y", y, n, incY)
	if alpha == 0 && beta == 1 {
		return
	}
	xs, ys := x, y
	var bufX, bufY []float64
	if incX != 1 {
		bufX = getVec(n)
		gather(bufX, n, x, incX)
		xs = bufX
	}
	if incY != 1 {
		bufY = getVec(n)
		gather(bufY, n, y, incY)
		ys = bufY
	}
	xs, ys = xs[:n], ys[:n]
	switch beta {
	case 1:
	case 0:
		clear(ys)
	default:
		asm.DscalUnitary(beta, ys)
	}
	if alpha != 0 {
		// Row i of the stored triangle contributes A[i,j]*x[j] to y[i] and,
		// by symmetry, A[i,j]*x[i] to y[j] for the off-diagonal j.
		for i := 0; i < n; i++ {
			row := a[i*lda : i*lda+n]
			t := alpha * xs[i]
			var off []float64
			var xo, yo []float64
			if ul == blas.Upper {
				off, xo, yo = row[i+1:], xs[i+1:], ys[i+1:]
			} else {
				off, xo, yo = row[:i], xs[:i], ys[:i]
			}
			ys[i] += t*row[i] + alpha*asm.DdotUnitary(off, xo)
			asm.DaxpyUnitary(t, off, yo)
		}
	}
	if bufY != nil {
		scatter(y, incY, n, bufY)
		putVec(bufY)
	}
	if bufX != nil {
		putVec(bufX)
	}
}

// triUpper reports whether op(A) is upper triangular for a triangle ul of
// A and transpose tA.
func triUpper(ul blas.Uplo, tA blas.Transpose) bool {
	return (ul == blas.Upper) == (tA == blas.NoTrans)
}

func checkTri(r string, ul blas.Uplo, tA blas.Transpose, d blas.Diag, n, lda, incX int) {
	checkUplo(r, ul)
	checkTrans(r, "tA", tA)
	checkDiag(r, d)
	if n < 0 {
		panic("native: " + r + ": n < 0")
	}
	checkLd(r, "lda", "n", lda, n)
	checkInc(r, "incX", incX)
}

// Dtrmv computes x = op(A)*x for the triangular n×n matrix A (only the ul
// triangle is read; d == Unit takes its diagonal as ones).
func (Implementation) Dtrmv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	const r = "Dtrmv"
	checkTri(r, ul, tA, d, n, lda, incX)
	if n == 0 {
		return
	}
	checkLen(r, "a", a, n, n, lda)
	checkVec(r, "x", x, n, incX)
	xs := x
	var buf []float64
	if incX != 1 {
		buf = getVec(n)
		gather(buf, n, x, incX)
		xs = buf
	}
	xs = xs[:n]
	nonUnit := d == blas.NonUnit
	upper := ul == blas.Upper
	if tA == blas.NoTrans {
		// x[i] = sum over the stored part of row i: walk so that the
		// entries still needed are not yet overwritten.
		if upper {
			for i := 0; i < n; i++ {
				row := a[i*lda : i*lda+n]
				v := xs[i]
				if nonUnit {
					v *= row[i]
				}
				xs[i] = v + asm.DdotUnitary(row[i+1:], xs[i+1:])
			}
		} else {
			for i := n - 1; i >= 0; i-- {
				row := a[i*lda : i*lda+n]
				v := xs[i]
				if nonUnit {
					v *= row[i]
				}
				xs[i] = v + asm.DdotUnitary(row[:i], xs[:i])
			}
		}
	} else {
		// x = Aᵀx: row i of A scatters x[i] times its off-diagonal part.
		if upper {
			for i := n - 1; i >= 0; i-- {
				row := a[i*lda : i*lda+n]
				xi := xs[i]
				asm.DaxpyUnitary(xi, row[i+1:], xs[i+1:])
				if nonUnit {
					xs[i] = xi * row[i]
				}
			}
		} else {
			for i := 0; i < n; i++ {
				row := a[i*lda : i*lda+n]
				xi := xs[i]
				asm.DaxpyUnitary(xi, row[:i], xs[:i])
				if nonUnit {
					xs[i] = xi * row[i]
				}
			}
		}
	}
	if buf != nil {
		scatter(x, incX, n, buf)
		putVec(buf)
	}
}

// Dtrsv solves op(A)*x = b for the triangular n×n matrix A, with b given
// in x and overwritten by the solution. There is no test for singularity:
// a zero diagonal gives Inf or NaN, as in reference BLAS.
func (Implementation) Dtrsv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	const r = "Dtrsv"
	checkTri(r, ul, tA, d, n, lda, incX)
	if n == 0 {
		return
	}
	checkLen(r, "a", a, n, n, lda)
	checkVec(r, "x", x, n, incX)
	xs := x
	var buf []float64
	if incX != 1 {
		buf = getVec(n)
		gather(buf, n, x, incX)
		xs = buf
	}
	xs = xs[:n]
	nonUnit := d == blas.NonUnit
	upper := ul == blas.Upper
	if tA == blas.NoTrans {
		if upper {
			for i := n - 1; i >= 0; i-- {
				row := a[i*lda : i*lda+n]
				v := xs[i] - asm.DdotUnitary(row[i+1:], xs[i+1:])
				if nonUnit {
					v /= row[i]
				}
				xs[i] = v
			}
		} else {
			for i := 0; i < n; i++ {
				row := a[i*lda : i*lda+n]
				v := xs[i] - asm.DdotUnitary(row[:i], xs[:i])
				if nonUnit {
					v /= row[i]
				}
				xs[i] = v
			}
		}
	} else {
		if upper {
			// Aᵀ is lower triangular: forward substitution by columns of Aᵀ.
			for i := 0; i < n; i++ {
				row := a[i*lda : i*lda+n]
				if nonUnit {
					xs[i] /= row[i]
				}
				asm.DaxpyUnitary(-xs[i], row[i+1:], xs[i+1:])
			}
		} else {
			for i := n - 1; i >= 0; i-- {
				row := a[i*lda : i*lda+n]
				if nonUnit {
					xs[i] /= row[i]
				}
				asm.DaxpyUnitary(-xs[i], row[:i], xs[:i])
			}
		}
	}
	if buf != nil {
		scatter(x, incX, n, buf)
		putVec(buf)
	}
}
