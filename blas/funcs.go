package blas

// The package-level functions call Dispatch: each routes its call by size
// (see Dispatch and Describe). They are safe for concurrent use.

// Ddot returns Σ x[i]*y[i] over n elements of x and y with strides incX, incY.
func Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	return Dispatch{}.Ddot(n, x, incX, y, incY)
}

// Daxpy computes y += alpha*x.
func Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	Dispatch{}.Daxpy(n, alpha, x, incX, y, incY)
}

// Dscal computes x *= alpha (a no-op for incX < 0, as in reference BLAS).
func Dscal(n int, alpha float64, x []float64, incX int) { Dispatch{}.Dscal(n, alpha, x, incX) }

// Dnrm2 returns the Euclidean norm of x, without overflow or underflow in
// intermediate results.
func Dnrm2(n int, x []float64, incX int) float64 { return Dispatch{}.Dnrm2(n, x, incX) }

// Dasum returns Σ |x[i]|.
func Dasum(n int, x []float64, incX int) float64 { return Dispatch{}.Dasum(n, x, incX) }

// Idamax returns the index of the first element of largest absolute value,
// or -1 when n == 0.
func Idamax(n int, x []float64, incX int) int { return Dispatch{}.Idamax(n, x, incX) }

// Dcopy copies x into y.
func Dcopy(n int, x []float64, incX int, y []float64, incY int) {
	Dispatch{}.Dcopy(n, x, incX, y, incY)
}

// Dswap exchanges x and y.
func Dswap(n int, x []float64, incX int, y []float64, incY int) {
	Dispatch{}.Dswap(n, x, incX, y, incY)
}

// Dgemv computes y = alpha*op(A)*x + beta*y for an m×n row-major A.
func Dgemv(tA Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	Dispatch{}.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dger computes A += alpha*x*yᵀ for an m×n row-major A.
func Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	Dispatch{}.Dger(m, n, alpha, x, incX, y, incY, a, lda)
}

// Dsymv computes y = alpha*A*x + beta*y for a symmetric A stored in its ul triangle.
func Dsymv(ul Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	Dispatch{}.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dtrmv computes x = op(A)*x for a triangular A.
func Dtrmv(ul Uplo, tA Transpose, d Diag, n int, a []float64, lda int, x []float64, incX int) {
	Dispatch{}.Dtrmv(ul, tA, d, n, a, lda, x, incX)
}

// Dtrsv solves op(A)*x = b for a triangular A; b is given in x and overwritten.
func Dtrsv(ul Uplo, tA Transpose, d Diag, n int, a []float64, lda int, x []float64, incX int) {
	Dispatch{}.Dtrsv(ul, tA, d, n, a, lda, x, incX)
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C, row-major, op(A) m×k,
// op(B) k×n.
func Dgemm(tA, tB Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	Dispatch{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dsyrk computes the ul triangle of C = alpha*A*Aᵀ + beta*C (t == NoTrans)
// or C = alpha*Aᵀ*A + beta*C (t == Trans).
func Dsyrk(ul Uplo, t Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	Dispatch{}.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
}

// Dtrmm computes B = alpha*op(A)*B (s == Left) or B = alpha*B*op(A) (s ==
// Right) for a triangular A.
func Dtrmm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	Dispatch{}.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

// Dtrsm solves op(A)*X = alpha*B (s == Left) or X*op(A) = alpha*B (s ==
// Right) for a triangular A, overwriting B with X.
func Dtrsm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	Dispatch{}.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}
