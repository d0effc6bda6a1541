package asm

import "math"

// Level-1 kernels. The exported functions check their slice-length
// preconditions (a failed check panics with a message naming the routine and
// the argument; the check is a couple of compares) and then call the
// implementation selected at init (see Register, Impls, Select).

// Function variables through which the exported kernels dispatch. Register
// installs the best supported implementation in each.
var (
	ddotUnitary    = ddotUnitaryGeneric
	ddotInc        = ddotIncGeneric
	daxpyUnitary   = daxpyUnitaryGeneric
	daxpyUnitaryTo = daxpyUnitaryToGeneric
	daxpyInc       = daxpyIncGeneric
	dscalUnitary   = dscalUnitaryGeneric
	dscalInc       = dscalIncGeneric
	dnrm2Unitary   = dnrm2UnitaryGeneric
	dnrm2Inc       = dnrm2IncGeneric
	dasumUnitary   = dasumUnitaryGeneric
	dasumInc       = dasumIncGeneric
	idamaxUnitary  = idamaxUnitaryGeneric
	idamaxInc      = idamaxIncGeneric
	dgemvN         = dgemvNGeneric
	dgemvT         = dgemvTGeneric
	expKernel      = expGeneric
	logKernel      = logGeneric
	log1pKernel    = log1pGeneric
	softplusKernel = softplusGeneric
	sigmoidKernel  = sigmoidGeneric
)

func init() {
	g, p := ImplGeneric, PriorityGeneric
	Register("DdotUnitary", g, p, true, &ddotUnitary, ddotUnitaryGeneric)
	Register("DdotInc", g, p, true, &ddotInc, ddotIncGeneric)
	Register("DaxpyUnitary", g, p, true, &daxpyUnitary, daxpyUnitaryGeneric)
	Register("DaxpyUnitaryTo", g, p, true, &daxpyUnitaryTo, daxpyUnitaryToGeneric)
	Register("DaxpyInc", g, p, true, &daxpyInc, daxpyIncGeneric)
	Register("DscalUnitary", g, p, true, &dscalUnitary, dscalUnitaryGeneric)
	Register("DscalInc", g, p, true, &dscalInc, dscalIncGeneric)
	Register("Dnrm2Unitary", g, p, true, &dnrm2Unitary, dnrm2UnitaryGeneric)
	Register("Dnrm2Inc", g, p, true, &dnrm2Inc, dnrm2IncGeneric)
	Register("DasumUnitary", g, p, true, &dasumUnitary, dasumUnitaryGeneric)
	Register("DasumInc", g, p, true, &dasumInc, dasumIncGeneric)
	Register("IdamaxUnitary", g, p, true, &idamaxUnitary, idamaxUnitaryGeneric)
	Register("IdamaxInc", g, p, true, &idamaxInc, idamaxIncGeneric)
	Register("DgemvN", g, p, true, &dgemvN, dgemvNGeneric)
	Register("DgemvT", g, p, true, &dgemvT, dgemvTGeneric)
	Register("Exp", g, p, true, &expKernel, expGeneric)
	Register("Log", g, p, true, &logKernel, logGeneric)
	Register("Log1p", g, p, true, &log1pKernel, log1pGeneric)
	Register("Softplus", g, p, true, &softplusKernel, softplusGeneric)
	Register("Sigmoid", g, p, true, &sigmoidKernel, sigmoidGeneric)
}

// checkIncRange panics unless every index ix+i*inc, 0 <= i < n, lies in
// [0, length). n must be >= 0 and inc != 0.
func checkIncRange(routine, arg string, length, n, inc, ix int) {
	if n < 0 {
		panic("asm: " + routine + ": n < 0")
	}
	if inc == 0 {
		panic("asm: " + routine + ": zero increment for " + arg)
	}
	if n == 0 {
		return
	}
	last := ix + (n-1)*inc
	if ix < 0 || ix >= length || last < 0 || last >= length {
		panic("asm: " + routine + ": " + arg + " too short for n, increment and start index")
	}
}

func checkPosInc(routine string, length, n, inc int) {
	if n < 0 {
		panic("asm: " + routine + ": n < 0")
	}
	if inc <= 0 {
		panic("asm: " + routine + ": incX must be positive")
	}
	if n > 0 && (n-1)*inc >= length {
		panic("asm: " + routine + ": x too short for n and incX")
	}
}

// DdotUnitary returns sum_i x[i]*y[i] over i < len(x).
//
// Precondition: len(y) >= len(x) (panics otherwise). Elements of y beyond
// len(x) are ignored. The summation order differs between implementations
// (several vector accumulators), so results agree to rounding, not bitwise.
func DdotUnitary(x, y []float64) float64 {
	if len(y) < len(x) {
		panic("asm: DdotUnitary: len(y) < len(x)")
	}
	return ddotUnitary(x, y)
}

// DdotInc returns sum_{i<n} x[ix+i*incX] * y[iy+i*incY]. Increments may be
// negative, as in BLAS; ix and iy are the indices of the first elements
// used (for a negative increment the caller passes (n-1)*(-inc)).
//
// Precondition: n >= 0, incX, incY != 0 and every index touched lies inside
// x and y respectively (panics otherwise).
func DdotInc(x, y []float64, n, incX, incY, ix, iy int) float64 {
	checkIncRange("DdotInc", "x", len(x), n, incX, ix)
	checkIncRange("DdotInc", "y", len(y), n, incY, iy)
	return ddotInc(x, y, n, incX, incY, ix, iy)
}

// DaxpyUnitary computes y[i] += alpha*x[i] for i < len(x).
//
// Precondition: len(y) >= len(x) (panics otherwise). x and y must not
// partially overlap (identical slices are fine).
func DaxpyUnitary(alpha float64, x, y []float64) {
	if len(y) < len(x) {
		panic("asm: DaxpyUnitary: len(y) < len(x)")
	}
	daxpyUnitary(alpha, x, y)
}

// DaxpyUnitaryTo computes dst[i] = alpha*x[i] + y[i] for i < len(x).
//
// Precondition: len(y) >= len(x) and len(dst) >= len(x) (panics otherwise).
// dst may be x or y; other partial overlaps are not allowed.
func DaxpyUnitaryTo(dst []float64, alpha float64, x, y []float64) {
	if len(y) < len(x) {
		panic("asm: DaxpyUnitaryTo: len(y) < len(x)")
	}
	if len(dst) < len(x) {
		panic("asm: DaxpyUnitaryTo: len(dst) < len(x)")
	}
	daxpyUnitaryTo(dst, alpha, x, y)
}

// DaxpyInc computes y[iy+i*incY] += alpha*x[ix+i*incX] for i < n, with
// BLAS-style (possibly negative) increments and explicit start indices as in
// DdotInc.
//
// Precondition: as DdotInc (panics otherwise).
func DaxpyInc(alpha float64, x, y []float64, n, incX, incY, ix, iy int) {
	checkIncRange("DaxpyInc", "x", len(x), n, incX, ix)
	checkIncRange("DaxpyInc", "y", len(y), n, incY, iy)
	daxpyInc(alpha, x, y, n, incX, incY, ix, iy)
}

// DscalUnitary computes x[i] *= alpha for all i. alpha == 0 multiplies
// (so NaN and Inf in x become NaN), it does not zero: that choice belongs to
// the caller.
func DscalUnitary(alpha float64, x []float64) {
	dscalUnitary(alpha, x)
}

// DscalInc computes x[i*incX] *= alpha for i < n.
//
// Precondition: n >= 0, incX > 0 and (n-1)*incX < len(x) (panics otherwise).
func DscalInc(alpha float64, x []float64, n, incX int) {
	checkPosInc("DscalInc", len(x), n, incX)
	dscalInc(alpha, x, n, incX)
}

// Dnrm2Unitary returns the Euclidean norm sqrt(sum x[i]^2) without
// overflow or harmful underflow: it finds max|x[i]| first and sums the
// squares of x[i] scaled by a power of two near 1/max, so 1e300 and 1e-300
// elements give exact-to-rounding results. Any NaN gives NaN; otherwise any
// ±Inf gives +Inf. Empty x gives 0.
func Dnrm2Unitary(x []float64) float64 {
	return dnrm2Unitary(x)
}

// Dnrm2Inc is Dnrm2Unitary over x[i*incX], i < n.
//
// Precondition: n >= 0, incX > 0 and (n-1)*incX < len(x) (panics otherwise).
func Dnrm2Inc(x []float64, n, incX int) float64 {
	checkPosInc("Dnrm2Inc", len(x), n, incX)
	return dnrm2Inc(x, n, incX)
}

// DasumUnitary returns sum_i |x[i]|. NaN propagates.
func DasumUnitary(x []float64) float64 {
	return dasumUnitary(x)
}

// DasumInc returns sum_{i<n} |x[i*incX]|.
//
// Precondition: n >= 0, incX > 0 and (n-1)*incX < len(x) (panics otherwise).
func DasumInc(x []float64, n, incX int) float64 {
	checkPosInc("DasumInc", len(x), n, incX)
	return dasumInc(x, n, incX)
}

// IdamaxUnitary returns the first index of the element of largest absolute
// value, or -1 when len(x) == 0.
//
// NaN behaviour matches reference BLAS (and gonum and OpenBLAS): the scan
// keeps |x[0]| and replaces it only by a strictly larger |x[i]|, and every
// comparison with NaN is false. So NaN elements are never chosen, except
// that a NaN in x[0] makes the result 0 whatever follows.
func IdamaxUnitary(x []float64) int {
	return idamaxUnitary(x)
}

// IdamaxInc is IdamaxUnitary over x[i*incX], i < n; it returns the index i
// (not i*incX), or -1 when n == 0.
//
// Precondition: n >= 0, incX > 0 and (n-1)*incX < len(x) (panics otherwise).
func IdamaxInc(x []float64, n, incX int) int {
	checkPosInc("IdamaxInc", len(x), n, incX)
	return idamaxInc(x, n, incX)
}

// ---- pure-Go twins ----

func ddotUnitaryGeneric(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func ddotIncGeneric(x, y []float64, n, incX, incY, ix, iy int) float64 {
	var s float64
	for i := 0; i < n; i++ {
		s += x[ix] * y[iy]
		ix += incX
		iy += incY
	}
	return s
}

func daxpyUnitaryGeneric(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func daxpyUnitaryToGeneric(dst []float64, alpha float64, x, y []float64) {
	y = y[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = alpha*v + y[i]
	}
}

func daxpyIncGeneric(alpha float64, x, y []float64, n, incX, incY, ix, iy int) {
	for i := 0; i < n; i++ {
		y[iy] += alpha * x[ix]
		ix += incX
		iy += incY
	}
}

func dscalUnitaryGeneric(alpha float64, x []float64) {
	for i := range x {
		x[i] *= alpha
	}
}

func dscalIncGeneric(alpha float64, x []float64, n, incX int) {
	for i, ix := 0, 0; i < n; i, ix = i+1, ix+incX {
		x[ix] *= alpha
	}
}

// amaxUnitaryGeneric returns max |x[i]| ignoring NaN (0 for empty x).
func amaxUnitaryGeneric(x []float64) float64 {
	var m float64
	for _, v := range x {
		if a := math.Abs(v); a > m {
			m = a
		}
	}
	return m
}

// nrm2Scale returns a power of two s with amax*s in [0.5, 1) (or larger for
// subnormal amax), or 1 when
// amax is 0, Inf or NaN (then the plain sum of squares already gives the
// right 0, +Inf or NaN).
func nrm2Scale(amax float64) float64 {
	if amax == 0 || math.IsInf(amax, 0) || math.IsNaN(amax) {
		return 1
	}
	_, e := math.Frexp(amax) // amax = f * 2^e, f in [0.5, 1)
	// Clamp so that s stays finite for subnormal amax (then amax*s >= 2^-52,
	// still far from underflow when squared). For amax >= 2^1023, s = 2^-1024
	// is subnormal but exact.
	if e < -1022 {
		e = -1022
	}
	return math.Ldexp(1, -e)
}

func dnrm2UnitaryGeneric(x []float64) float64 {
	s := nrm2Scale(amaxUnitaryGeneric(x))
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		a := x[i] * s
		b := x[i+1] * s
		s0 += a * a
		s1 += b * b
	}
	for ; i < len(x); i++ {
		a := x[i] * s
		s0 += a * a
	}
	return math.Sqrt(s0+s1) / s
}

func dnrm2IncGeneric(x []float64, n, incX int) float64 {
	var m float64
	for i, ix := 0, 0; i < n; i, ix = i+1, ix+incX {
		if a := math.Abs(x[ix]); a > m {
			m = a
		}
	}
	s := nrm2Scale(m)
	var sum float64
	for i, ix := 0, 0; i < n; i, ix = i+1, ix+incX {
		a := x[ix] * s
		sum += a * a
	}
	return math.Sqrt(sum) / s
}

func dasumUnitaryGeneric(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += math.Abs(x[i])
		s1 += math.Abs(x[i+1])
		s2 += math.Abs(x[i+2])
		s3 += math.Abs(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += math.Abs(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func dasumIncGeneric(x []float64, n, incX int) float64 {
	var s float64
	for i, ix := 0, 0; i < n; i, ix = i+1, ix+incX {
		s += math.Abs(x[ix])
	}
	return s
}

func idamaxUnitaryGeneric(x []float64) int {
	if len(x) == 0 {
		return -1
	}
	idx := 0
	m := math.Abs(x[0])
	for i, v := range x {
		if a := math.Abs(v); a > m {
			m = a
			idx = i
		}
	}
	return idx
}

func idamaxIncGeneric(x []float64, n, incX int) int {
	if n == 0 {
		return -1
	}
	idx := 0
	m := math.Abs(x[0])
	for i, ix := 1, incX; i < n; i, ix = i+1, ix+incX {
		if a := math.Abs(x[ix]); a > m {
			m = a
			idx = i
		}
	}
	return idx
}
