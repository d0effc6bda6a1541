package blas

// Test hooks for the external test package (which may import blastest).

// Choose re-runs the backend choice for a GYRO_BLAS value.
var Choose = choose

// HaveOpenBLAS and HaveGPU report the compiled-in backends.
const HaveOpenBLAS = haveOpenBLAS

func HaveGPU() bool { return gpu != nil }

// Forced returns the forced backend name and the GYRO_BLAS error.
func Forced() (string, error) { return forced, selectErr }

// Limits returns ddot's and dgemm's cpu thresholds.
func Limits() (ddot, dgemm, dgemmGPU int) { return lim.ddot.cpu, lim.dgemm.cpu, lim.dgemm.gpu }

// SetAllCPU routes every call of size ≥ v to OpenBLAS.
func SetAllCPU(v int) { lim = allTo(v, never) }

// NativeDdot calls the native backend directly.
func NativeDdot(n int, x []float64, incX int, y []float64, incY int) float64 {
	return nat.Ddot(n, x, incX, y, incY)
}

const Never = never
