//go:build cgo && !purego

package openblas

// #include "../../csrc/gyro_openblas.h"
import "C"

import "github.com/gyro-ppl/gyro/blas/internal/check"

// fits32 panics unless each value fits in a C int.
func fits32(routine string, n, inc1, inc2 int) {
	check.Int32(routine, "n", n)
	check.Int32(routine, "incX", inc1)
	check.Int32(routine, "incY", inc2)
}

// Ddot returns Σ x[i]*y[i].
func (Implementation) Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	const r = "Ddot"
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return 0
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	fits32(r, n, incX, incY)
	return float64(C.cblas_ddot(cint(n), ptr(x), cint(incX), ptr(y), cint(incY)))
}

// Daxpy computes y += alpha*x.
func (Implementation) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	const r = "Daxpy"
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	if alpha == 0 {
		return
	}
	fits32(r, n, incX, incY)
	C.cblas_daxpy(cint(n), C.double(alpha), ptr(x), cint(incX), ptr(y), cint(incY))
}

// Dscal computes x *= alpha. A negative incX makes it a no-op, as in
// reference BLAS.
func (Implementation) Dscal(n int, alpha float64, x []float64, incX int) {
	const r = "Dscal"
	check.Inc(r, "incX", incX)
	if incX < 0 {
		return
	}
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return
	}
	check.Vec(r, "x", n, incX, len(x))
	fits32(r, n, incX, 1)
	C.cblas_dscal(cint(n), C.double(alpha), ptr(x), cint(incX))
}

// Dnrm2 returns the Euclidean norm of x, or 0 for a negative incX.
func (Implementation) Dnrm2(n int, x []float64, incX int) float64 {
	const r = "Dnrm2"
	check.Inc(r, "incX", incX)
	if incX < 0 {
		return 0
	}
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return 0
	}
	check.Vec(r, "x", n, incX, len(x))
	fits32(r, n, incX, 1)
	return float64(C.cblas_dnrm2(cint(n), ptr(x), cint(incX)))
}

// Dasum returns Σ |x[i]|, or 0 for a negative incX.
func (Implementation) Dasum(n int, x []float64, incX int) float64 {
	const r = "Dasum"
	check.NonNeg(r, "n", n)
	check.Inc(r, "incX", incX)
	if incX < 0 || n == 0 {
		return 0
	}
	check.Vec(r, "x", n, incX, len(x))
	fits32(r, n, incX, 1)
	return float64(C.cblas_dasum(cint(n), ptr(x), cint(incX)))
}

// Idamax returns the index of the first element of x with the largest
// absolute value, or -1 when n == 0 or incX < 0.
func (Implementation) Idamax(n int, x []float64, incX int) int {
	const r = "Idamax"
	check.Inc(r, "incX", incX)
	if incX < 0 {
		return -1
	}
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return -1
	}
	check.Vec(r, "x", n, incX, len(x))
	if n == 1 {
		return 0
	}
	fits32(r, n, incX, 1)
	return int(C.cblas_idamax(cint(n), ptr(x), cint(incX)))
}

// Dcopy copies x into y.
func (Implementation) Dcopy(n int, x []float64, incX int, y []float64, incY int) {
	const r = "Dcopy"
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	fits32(r, n, incX, incY)
	C.cblas_dcopy(cint(n), ptr(x), cint(incX), ptr(y), cint(incY))
}

// Dswap exchanges x and y.
func (Implementation) Dswap(n int, x []float64, incX int, y []float64, incY int) {
	const r = "Dswap"
	check.Inc(r, "incX", incX)
	check.Inc(r, "incY", incY)
	if n <= 0 {
		check.NonNeg(r, "n", n)
		return
	}
	check.Vec(r, "x", n, incX, len(x))
	check.Vec(r, "y", n, incY, len(y))
	fits32(r, n, incX, incY)
	C.cblas_dswap(cint(n), ptr(x), cint(incX), ptr(y), cint(incY))
}
