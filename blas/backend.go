package blas

import gblas "gonum.org/v1/gonum/blas"

// Transpose, Uplo, Diag and Side are gonum's BLAS enums, re-exported so that
// callers need not import gonum to call a Backend.
type (
	Transpose = gblas.Transpose
	Uplo      = gblas.Uplo
	Diag      = gblas.Diag
	Side      = gblas.Side
)

// Enum values, as gonum defines them.
const (
	NoTrans = gblas.NoTrans
	Trans   = gblas.Trans
	Upper   = gblas.Upper
	Lower   = gblas.Lower
	NonUnit = gblas.NonUnit
	Unit    = gblas.Unit
	Left    = gblas.Left
	Right   = gblas.Right
)

// Backend is the BLAS subset gyro uses. Matrices are row-major (as in gonum's
// blas.Float64, whose method signatures these are, so gonum's
// blas/gonum.Implementation satisfies Backend too). Invalid arguments
// (negative sizes, zero increments, short slices, lda smaller than the row
// length) panic with a message naming the routine and the argument, as
// reference BLAS's xerbla does; NaN and Inf propagate as IEEE arithmetic
// does.
type Backend interface {
	// Name is the backend's short name: "native", "openblas", "cuda", "gonum", "dispatch".
	Name() string

	// Level 1.
	Ddot(n int, x []float64, incX int, y []float64, incY int) float64
	Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int)
	Dscal(n int, alpha float64, x []float64, incX int)
	Dnrm2(n int, x []float64, incX int) float64
	Dasum(n int, x []float64, incX int) float64
	Idamax(n int, x []float64, incX int) int
	Dcopy(n int, x []float64, incX int, y []float64, incY int)
	Dswap(n int, x []float64, incX int, y []float64, incY int)

	// Level 2.
	Dgemv(tA Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int)
	Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int)
	Dsymv(ul Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int)
	Dtrmv(ul Uplo, tA Transpose, d Diag, n int, a []float64, lda int, x []float64, incX int)
	Dtrsv(ul Uplo, tA Transpose, d Diag, n int, a []float64, lda int, x []float64, incX int)

	// Level 3.
	Dgemm(tA, tB Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
	Dsyrk(ul Uplo, t Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int)
	Dtrmm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int)
	Dtrsm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int)
}
