package blas

// Dispatch is the Backend behind Default and the package-level functions. It
// routes every call by its size: below the routine's threshold to the native
// Go-assembly backend (a cgo call costs ~30–40 ns, more than a whole small
// kernel), at or above it to OpenBLAS, and for level-3 work above the GPU
// threshold to cuBLAS when gyro is built with -tags cuda and a device is
// present. GYRO_BLAS=native|openblas|cuda sends every call to one backend.
// The routing is fixed once, when the package loads; Describe reports it.
//
// A call through Dispatch costs one comparison more than a direct call to
// the backend it reaches: no allocation, no interface call on the CPU paths.
// The zero value is ready to use.
type Dispatch struct{}

var (
	nat small
	big large // OpenBLAS when compiled in, otherwise native again
)

// Name returns "dispatch".
func (Dispatch) Name() string { return "dispatch" }

// Ddot routes by n.
func (Dispatch) Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	if n >= lim.ddot.cpu {
		if n >= lim.ddot.gpu {
			return gpu.Ddot(n, x, incX, y, incY)
		}
		return big.Ddot(n, x, incX, y, incY)
	}
	return nat.Ddot(n, x, incX, y, incY)
}

// Daxpy routes by n.
func (Dispatch) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if n >= lim.daxpy.cpu {
		if n >= lim.daxpy.gpu {
			gpu.Daxpy(n, alpha, x, incX, y, incY)
			return
		}
		big.Daxpy(n, alpha, x, incX, y, incY)
		return
	}
	nat.Daxpy(n, alpha, x, incX, y, incY)
}

// Dscal routes by n.
func (Dispatch) Dscal(n int, alpha float64, x []float64, incX int) {
	if n >= lim.dscal.cpu {
		if n >= lim.dscal.gpu {
			gpu.Dscal(n, alpha, x, incX)
			return
		}
		big.Dscal(n, alpha, x, incX)
		return
	}
	nat.Dscal(n, alpha, x, incX)
}

// Dnrm2 routes by n.
func (Dispatch) Dnrm2(n int, x []float64, incX int) float64 {
	if n >= lim.dnrm2.cpu {
		if n >= lim.dnrm2.gpu {
			return gpu.Dnrm2(n, x, incX)
		}
		return big.Dnrm2(n, x, incX)
	}
	return nat.Dnrm2(n, x, incX)
}

// Dasum routes by n.
func (Dispatch) Dasum(n int, x []float64, incX int) float64 {
	if n >= lim.dasum.cpu {
		if n >= lim.dasum.gpu {
			return gpu.Dasum(n, x, incX)
		}
		return big.Dasum(n, x, incX)
	}
	return nat.Dasum(n, x, incX)
}

// Idamax routes by n.
func (Dispatch) Idamax(n int, x []float64, incX int) int {
	if n >= lim.idamax.cpu {
		if n >= lim.idamax.gpu {
			return gpu.Idamax(n, x, incX)
		}
		return big.Idamax(n, x, incX)
	}
	return nat.Idamax(n, x, incX)
}

// Dcopy routes by n.
func (Dispatch) Dcopy(n int, x []float64, incX int, y []float64, incY int) {
	if n >= lim.dcopy.cpu {
		if n >= lim.dcopy.gpu {
			gpu.Dcopy(n, x, incX, y, incY)
			return
		}
		big.Dcopy(n, x, incX, y, incY)
		return
	}
	nat.Dcopy(n, x, incX, y, incY)
}

// Dswap routes by n.
func (Dispatch) Dswap(n int, x []float64, incX int, y []float64, incY int) {
	if n >= lim.dswap.cpu {
		if n >= lim.dswap.gpu {
			gpu.Dswap(n, x, incX, y, incY)
			return
		}
		big.Dswap(n, x, incX, y, incY)
		return
	}
	nat.Dswap(n, x, incX, y, incY)
}

// Dgemv routes by m*n.
func (Dispatch) Dgemv(tA Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if s := m * n; s >= lim.dgemv.cpu {
		if s >= lim.dgemv.gpu {
			gpu.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
			return
		}
		big.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	nat.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dger routes by m*n.
func (Dispatch) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	if s := m * n; s >= lim.dger.cpu {
		if s >= lim.dger.gpu {
			gpu.Dger(m, n, alpha, x, incX, y, incY, a, lda)
			return
		}
		big.Dger(m, n, alpha, x, incX, y, incY, a, lda)
		return
	}
	nat.Dger(m, n, alpha, x, incX, y, incY, a, lda)
}

// Dsymv routes by n*n.
func (Dispatch) Dsymv(ul Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if s := n * n; s >= lim.dsymv.cpu {
		if s >= lim.dsymv.gpu {
			gpu.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
			return
		}
		big.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	nat.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dtrmv routes by n*n.
func (Dispatch) Dtrmv(ul Uplo, tA Transpose, d Diag, n int, a []float64, lda int, x []float64, incX int) {
	if s := n * n; s >= lim.dtrmv.cpu {
		if s >= lim.dtrmv.gpu {
			gpu.Dtrmv(ul, tA, d, n, a, lda, x, incX)
			return
		}
		big.Dtrmv(ul, tA, d, n, a, lda, x, incX)
		return
	}
	nat.Dtrmv(ul, tA, d, n, a, lda, x, incX)
}

// Dtrsv routes by n*n.
func (Dispatch) Dtrsv(ul Uplo, tA Transpose, d Diag, n int, a []float64, lda int, x []float64, incX int) {
	if s := n * n; s >= lim.dtrsv.cpu {
		if s >= lim.dtrsv.gpu {
			gpu.Dtrsv(ul, tA, d, n, a, lda, x, incX)
			return
		}
		big.Dtrsv(ul, tA, d, n, a, lda, x, incX)
		return
	}
	nat.Dtrsv(ul, tA, d, n, a, lda, x, incX)
}

// Dgemm routes by m*n*k.
func (Dispatch) Dgemm(tA, tB Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if s := m * n * k; s >= lim.dgemm.cpu {
		if s >= lim.dgemm.gpu {
			gpu.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			return
		}
		big.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	nat.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dsyrk routes by n*n*k.
func (Dispatch) Dsyrk(ul Uplo, t Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if s := n * n * k; s >= lim.dsyrk.cpu {
		if s >= lim.dsyrk.gpu {
			gpu.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
			return
		}
		big.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	nat.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
}

// triSize is the work of a triangular level-3 call: m*n times the order of A.
func triSize(s Side, m, n int) int {
	if s == Left {
		return m * m * n
	}
	return m * n * n
}

// Dtrmm routes by m*n*(order of A).
func (Dispatch) Dtrmm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if w := triSize(s, m, n); w >= lim.dtrmm.cpu {
		if w >= lim.dtrmm.gpu {
			gpu.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
			return
		}
		big.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
		return
	}
	nat.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

// Dtrsm routes by m*n*(order of A).
func (Dispatch) Dtrsm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if w := triSize(s, m, n); w >= lim.dtrsm.cpu {
		if w >= lim.dtrsm.gpu {
			gpu.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
			return
		}
		big.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
		return
	}
	nat.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

var _ Backend = Dispatch{}
