package native

import "github.com/gyro-ppl/gyro/asm"

// Level-1 routines. Unit-stride calls go to the asm package's unitary
// kernels, strided ones to its Inc kernels. Negative increments walk the
// vector backwards from its far end, as in reference BLAS.

// checkL1Two runs the argument checks shared by the two-vector routines
// and reports whether there is any work (n > 0).
func checkL1Two(r string, n int, x []float64, incX int, y []float64, incY int) bool {
	checkInc(r, "incX", incX)
	checkInc(r, "incY", incY)
	if n < 0 {
		panic("native: " + r + ": n < 0")
	}
	if n == 0 {
		return false
	}
	checkVec(r, "x", x, n, incX)
	checkVec(r, "y", y, n, incY)
	return true
}

// checkL1One is checkL1Two for the one-vector routines; it also reports
// false for a negative increment, for which reference BLAS does nothing.
func checkL1One(r string, n int, x []float64, incX int) bool {
	checkInc(r, "incX", incX)
	if n < 0 {
		panic("native: " + r + ": n < 0")
	}
	if n == 0 || incX < 0 {
		return false
	}
	checkVec(r, "x", x, n, incX)
	return true
}

// Ddot returns the dot product of x and y.
func (Implementation) Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	if !checkL1Two("Ddot", n, x, incX, y, incY) {
		return 0
	}
	if incX == 1 && incY == 1 {
		return asm.DdotUnitary(x[:n], y[:n])
	}
	return asm.DdotInc(x, y, n, incX, incY, start(n, incX), start(n, incY))
}

// Daxpy computes y += alpha*x.
func (Implementation) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if !checkL1Two("Daxpy", n, x, incX, y, incY) || alpha == 0 {
		return
	}
	if incX == 1 && incY == 1 {
		asm.DaxpyUnitary(alpha, x[:n], y[:n])
		return
	}
	asm.DaxpyInc(alpha, x, y, n, incX, incY, start(n, incX), start(n, incY))
}

// Dscal computes x *= alpha. As in reference BLAS, alpha == 0 multiplies
// (NaN stays NaN) and a negative incX makes the call a no-op.
func (Implementation) Dscal(n int, alpha float64, x []float64, incX int) {
	if !checkL1One("Dscal", n, x, incX) {
		return
	}
	if incX == 1 {
		asm.DscalUnitary(alpha, x[:n])
		return
	}
	asm.DscalInc(alpha, x, n, incX)
}

// Dnrm2 returns the Euclidean norm of x, without overflow or harmful
// underflow. A negative incX gives 0, as in reference BLAS.
func (Implementation) Dnrm2(n int, x []float64, incX int) float64 {
	if !checkL1One("Dnrm2", n, x, incX) {
		return 0
	}
	if incX == 1 {
		return asm.Dnrm2Unitary(x[:n])
	}
	return asm.Dnrm2Inc(x, n, incX)
}

// Dasum returns the sum of the absolute values of x. A negative incX gives 0.
func (Implementation) Dasum(n int, x []float64, incX int) float64 {
	if !checkL1One("Dasum", n, x, incX) {
		return 0
	}
	if incX == 1 {
		return asm.DasumUnitary(x[:n])
	}
	return asm.DasumInc(x, n, incX)
}

// Idamax returns the index of the first element of x with the largest
// absolute value, or -1 if n == 0 or incX < 0. NaN elements are never
// chosen, except that a NaN in the first element makes the result 0 (as in
// reference BLAS).
func (Implementation) Idamax(n int, x []float64, incX int) int {
	if !checkL1One("Idamax", n, x, incX) {
		return -1
	}
	if incX == 1 {
		return asm.IdamaxUnitary(x[:n])
	}
	return asm.IdamaxInc(x, n, incX)
}

// Dcopy copies x into y.
func (Implementation) Dcopy(n int, x []float64, incX int, y []float64, incY int) {
	if !checkL1Two("Dcopy", n, x, incX, y, incY) {
		return
	}
	if incX == 1 && incY == 1 {
		copy(y[:n], x[:n])
		return
	}
	ix, iy := start(n, incX), start(n, incY)
	for i := 0; i < n; i++ {
		y[iy] = x[ix]
		ix += incX
		iy += incY
	}
}

// Dswap exchanges x and y.
func (Implementation) Dswap(n int, x []float64, incX int, y []float64, incY int) {
	if !checkL1Two("Dswap", n, x, incX, y, incY) {
		return
	}
	if incX == 1 && incY == 1 {
		x, y = x[:n], y[:n]
		for i, v := range x {
			x[i], y[i] = y[i], v
		}
		return
	}
	ix, iy := start(n, incX), start(n, incY)
	for i := 0; i < n; i++ {
		x[ix], y[iy] = y[iy], x[ix]
		ix += incX
		iy += incY
	}
}
