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

// ---- pure-Go twins ----
//
// The twins are scalar ports of the algorithms in vmath_amd64.s (same
// reduction, polynomials and operation order, FMA via math.FMA), so they
// agree with the assembly bit for bit. They do not call math.Exp and
// math.Log because on amd64 those are assembly routines that return +Inf
// for Exp(x) with x in about (709.44, 709.78] and a wrong value for Log of a
// subnormal.

const (
	log2e   = 1.4426950408889634
	ln2HiE  = 0x1.62e42fefa39efp-01 // ln 2 rounded to nearest
	ln2LoE  = 0x1.abc9e3b39803fp-56 // ln 2 - ln2HiE
	ln2HiL  = 0x1.62e42feep-01      // ln 2 with 21 trailing zero bits (fdlibm)
	ln2LoL  = 0x1.a39ef35793c76p-33 // ln 2 - ln2HiL
	sqrt2   = 0x1.6a09e667f3bcdp+00
	expLo   = -746.0
	expHi   = 710.0
	lg1     = 0x1.5555555555593p-01 // fdlibm log coefficients
	lg2     = 0x1.999999997fa04p-02
	lg3     = 0x1.2492494229359p-02
	lg4     = 0x1.c71c51d8e78afp-03
	lg5     = 0x1.7466496cb03dep-03
	lg6     = 0x1.39a09d078c69fp-03
	lg7     = 0x1.2f112df3e5244p-03
	expBias = 1023
)

// expTaylor holds 1/k! for k = 13 down to 2.
var expTaylor = [...]float64{
	1.0 / 6227020800, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880,
	1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5,
}

// exp1 is e**x for x that is not NaN.
func exp1(x float64) float64 {
	xc := math.Min(math.Max(x, expLo), expHi)
	k := math.RoundToEven(float64(xc * log2e))
	r := math.FMA(-k, ln2HiE, xc)
	r = math.FMA(-k, ln2LoE, r)
	p := expTaylor[0]
	for _, c := range expTaylor[1:] {
		p = math.FMA(p, r, c)
	}
	p = math.FMA(p, r, 1)
	p = math.FMA(p, r, 1)
	ki := int64(k)
	k1 := ki >> 1
	k2 := ki - k1
	p = float64(p * math.Float64frombits(uint64(k1+expBias)<<52))
	return float64(p * math.Float64frombits(uint64(k2+expBias)<<52))
}

// logCore is ln(u) + corr for finite u > 0 (or +Inf), where corr is a
// correction much smaller than ulp(ln u) in the terms it is added to.
func logCore(u, corr float64) float64 {
	fr, e := math.Frexp(u) // u = fr * 2^e, fr in [0.5, 1)
	m := fr * 2
	ef := float64(e - 1)
	if m > sqrt2 {
		m *= 0.5
		ef++
	}
	f := m - 1
	s := f / (2 + f)
	z := float64(s * s)
	w := float64(z * z)
	t1 := float64(math.FMA(math.FMA(lg6, w, lg4), w, lg2) * w)
	t2 := math.FMA(math.FMA(math.FMA(lg7, w, lg5), w, lg3), w, lg1)
	r := math.FMA(t2, z, t1)
	hfsq := float64(float64(f*f) * 0.5)
	hr := hfsq + r
	lo := float64(ef*ln2LoL) + corr
	lo = math.FMA(hr, s, lo)
	t := (hfsq - lo) - f
	return float64(ef*ln2HiL) - t
}

func log1(x float64) float64 {
	switch {
	case x > 0 && x <= math.MaxFloat64:
		return logCore(x, 0)
	case x == 0:
		return math.Inf(-1)
	case x > 0: // +Inf
		return x
	}
	return math.NaN() // x < 0 or NaN
}

// log1pCore is ln(1+x) for x > -1 finite: the rounding error c of
// u = fl(1+x) is recovered exactly (TwoSum) and enters as c/u.
func log1pCore(x float64) float64 {
	u := 1 + x
	bb := u - 1
	ap := u - bb
	c := (1 - ap) + (x - bb)
	return logCore(u, c/u)
}

func log1p1(x float64) float64 {
	switch {
	case x == 0 || x != x:
		return x
	case x > -1 && x <= math.MaxFloat64:
		return log1pCore(x)
	case x == -1:
		return math.Inf(-1)
	case x > 0: // +Inf
		return x
	}
	return math.NaN()
}

// softplus1 is ln(1+e**x) = max(x,0) + log1p(e**-|x|).
func softplus1(x float64) float64 {
	if x != x {
		return x
	}
	return log1pCore(exp1(-math.Abs(x))) + math.Max(x, 0)
}

// sigmoid1 is 1/(1+e**-x) = n/(1+t) with t = e**-|x| and n = 1 for x >= 0,
// n = t for x < 0.
func sigmoid1(x float64) float64 {
	if x != x {
		return x
	}
	t := exp1(-math.Abs(x))
	n := t
	if x >= 0 {
		n = 1
	}
	return n / (1 + t)
}

func expGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		if v != v {
			dst[i] = v
			continue
		}
		dst[i] = exp1(v)
	}
}

func logGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = log1(v)
	}
}

func log1pGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = log1p1(v)
	}
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
