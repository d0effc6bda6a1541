package asm

import "math"

// Vector math. Each function computes dst[i] = f(x[i]) for i < len(x).
// dst may be x itself (in-place); other overlaps are not allowed.
// Precondition: len(dst) >= len(x) (panics otherwise).
//
// Special values follow the math package. The accelerated implementations
// are accurate to within 1 ulp of math.Exp / math.Log / math.Log1p (see the
// package tests for the measured figures).

// Exp sets dst[i] = e**x[i]. Exp(+Inf) = +Inf, Exp(-Inf) = 0, Exp(NaN) =
// NaN; results that overflow are +Inf and results below the normal range
// are correctly rounded subnormals (down to 0 below about -745.13).
func Exp(dst, x []float64) {
	if len(dst) < len(x) {
		panic("asm: Exp: len(dst) < len(x)")
	}
	expKernel(dst, x)
}

// Log sets dst[i] = ln(x[i]). Log(+Inf) = +Inf, Log(±0) = -Inf, Log(x<0) =
// NaN, Log(NaN) = NaN; subnormal x are handled exactly.
func Log(dst, x []float64) {
	if len(dst) < len(x) {
		panic("asm: Log: len(dst) < len(x)")
	}
	logKernel(dst, x)
}

// Log1p sets dst[i] = ln(1+x[i]), accurate also for tiny |x[i]|.
// Log1p(-1) = -Inf, Log1p(x<-1) = NaN, Log1p(+Inf) = +Inf, Log1p(±0) = ±0,
// Log1p(NaN) = NaN.
func Log1p(dst, x []float64) {
	if len(dst) < len(x) {
		panic("asm: Log1p: len(dst) < len(x)")
	}
	log1pKernel(dst, x)
}

// Softplus sets dst[i] = ln(1+e**x[i]), computed as
// max(x,0) + log1p(exp(-|x|)) so that it is stable for every x: for large x
// the result is x (Softplus(+Inf) = +Inf), for very negative x it is e**x
// (a subnormal near -740, 0 below about -745.13, Softplus(-Inf) = 0).
// NaN gives NaN.
func Softplus(dst, x []float64) {
	if len(dst) < len(x) {
		panic("asm: Softplus: len(dst) < len(x)")
	}
	softplusKernel(dst, x)
}

// Sigmoid sets dst[i] = 1/(1+e**-x[i]), computed as 1/(1+e**-x) for x >= 0
// and e**x/(1+e**x) for x < 0 so that it is stable for every x:
// Sigmoid(+Inf) = 1, Sigmoid(-Inf) = 0, and for x below about -745 the
// result is 0 (subnormal just above). NaN gives NaN.
func Sigmoid(dst, x []float64) {
	if len(dst) < len(x) {
		panic("asm: Sigmoid: len(dst) < len(x)")
	}
	sigmoidKernel(dst, x)
}

// ---- pure-Go twins (loops over the math package) ----

func expGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = math.Exp(v)
	}
}

func logGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = math.Log(v)
	}
}

func log1pGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = math.Log1p(v)
	}
}

// softplus1 is the scalar reference formula shared by the Go twin and tests.
func softplus1(v float64) float64 {
	return math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v)))
}

// sigmoid1 is the scalar reference formula shared by the Go twin and tests.
func sigmoid1(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

func softplusGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = softplus1(v)
	}
}

func sigmoidGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = sigmoid1(v)
	}
}
