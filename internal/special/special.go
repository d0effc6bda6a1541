// Package special holds scalar special functions shared by gyro's autodiff
// and dist packages. It uses gonum's mathext where gonum is accurate
// (digamma, lbeta, the normal quantile, incomplete gamma/beta) and the
// standard library's math (lgamma, erf, erfc); the functions written here
// are those gonum lacks (trigamma, tetragamma, a log normal CDF that stays
// accurate in the far lower tail, log1mexp, stable softplus/log-sigmoid,
// xlogy).
package special

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

const (
	// LnSqrt2Pi is log(sqrt(2π)).
	LnSqrt2Pi = 0.91893853320467274178032973640561763986139747363778
	// InvSqrt2Pi is 1/sqrt(2π).
	InvSqrt2Pi = 0.39894228040143267793994605993438186847585863116493
	// Sqrt2 is sqrt(2).
	Sqrt2 = 1.41421356237309504880168872420969807856967187537694
)

// Lgamma is log|Γ(x)|.
func Lgamma(x float64) float64 {
	y, _ := math.Lgamma(x)
	return y
}

// Digamma is ψ(x) = d/dx log Γ(x) (gonum's mathext.Digamma).
func Digamma(x float64) float64 { return mathext.Digamma(x) }

// Lbeta is log B(a, b) (gonum's mathext.Lbeta).
func Lbeta(a, b float64) float64 { return mathext.Lbeta(a, b) }

// Trigamma is ψ'(x), the derivative of the digamma function. For x < 0 it
// uses the reflection formula; poles (x a non-positive integer) give +Inf.
// Written here because gonum has no trigamma: recurrence up to x ≥ 6, then
// the asymptotic series in 1/x² (error < 1e-16 relative there).
func Trigamma(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	if x <= 0 {
		if x == math.Floor(x) {
			return math.Inf(1)
		}
		// ψ'(1-x) + ψ'(x) = π² / sin²(πx)
		s := math.Sin(math.Pi * x)
		return -Trigamma(1-x) + math.Pi*math.Pi/(s*s)
	}
	if x > 1e8 {
		return 1/x + 1/(2*x*x)
	}
	var acc float64
	for x < 6 {
		acc += 1 / (x * x)
		x++
	}
	z := 1 / (x * x)
	// ψ'(x) ~ 1/x + 1/(2x²) + Σ B_{2k}/x^{2k+1}
	series := 1/x + z/2 + (z/x)*(1.0/6+z*(-1.0/30+z*(1.0/42+z*(-1.0/30+z*(5.0/66+z*(-691.0/2730+z*(7.0/6)))))))
	return acc + series
}

// Tetragamma is ψ”(x), the derivative of Trigamma.
func Tetragamma(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	if x <= 0 && x == math.Floor(x) {
		return math.NaN()
	}
	if x <= 0 {
		// ψ''(x) - ψ''(1-x) = -2π³ cos(πx)/sin³(πx)
		s := math.Sin(math.Pi * x)
		c := math.Cos(math.Pi * x)
		return Tetragamma(1-x) - 2*math.Pi*math.Pi*math.Pi*c/(s*s*s)
	}
	var acc float64
	for x < 6 {
		acc -= 2 / (x * x * x)
		x++
	}
	z := 1 / (x * x)
	// ψ''(x) ~ -1/x² - 1/x³ - Σ (2k+1) B_{2k} / x^{2k+2}
	series := -z - z/x - z*z*(3.0/6+z*(-5.0/30+z*(7.0/42+z*(-9.0/30+z*(11.0*5/66+z*(-13.0*691/2730+z*(15.0*7/6)))))))
	return acc + series
}

// Erf, Erfc are the standard library's.
func Erf(x float64) float64  { return math.Erf(x) }
func Erfc(x float64) float64 { return math.Erfc(x) }

// Ndtr is the standard normal CDF Φ(x), accurate in both tails.
func Ndtr(x float64) float64 {
	if x < 0 {
		return 0.5 * math.Erfc(-x/Sqrt2)
	}
	return 1 - 0.5*math.Erfc(x/Sqrt2)
}

// LogNdtr is log Φ(x), accurate for all x: log1p(-Φ(-x)) in the upper
// tail, log(erfc) in the middle, and an asymptotic series below x = -20
// where erfc underflows.
func LogNdtr(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 6:
		return math.Log1p(-0.5 * math.Erfc(x/Sqrt2))
	case x > -20:
		return math.Log(0.5 * math.Erfc(-x/Sqrt2))
	}
	// log Φ(x) = -x²/2 - log(-x) - log√(2π) + log(1 + Σ (-1)^k (2k-1)!! / x^{2k})
	x2 := x * x
	z := 1 / x2
	sum, term := 1.0, 1.0
	for k := 1; k < 12; k++ {
		term *= -float64(2*k-1) * z
		sum += term
	}
	return -0.5*x2 - math.Log(-x) - LnSqrt2Pi + math.Log(sum)
}

// NormalPDFRatio is φ(x)/Φ(x) (the derivative of LogNdtr), accurate in the
// far lower tail where both factors underflow.
func NormalPDFRatio(x float64) float64 {
	if x > -20 {
		return math.Exp(-0.5*x*x-LnSqrt2Pi) / Ndtr(x)
	}
	return math.Exp(-0.5*x*x - LnSqrt2Pi - LogNdtr(x))
}

// Ndtri is the standard normal quantile Φ⁻¹(p) (gonum's
// mathext.NormalQuantile): -Inf at 0, +Inf at 1, NaN outside [0, 1].
func Ndtri(p float64) float64 {
	switch {
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case !(p > 0 && p < 1):
		return math.NaN()
	}
	return mathext.NormalQuantile(p)
}

// Log1mexp is log(1 - exp(x)) for x ≤ 0, using log(-expm1(x)) near 0 and
// log1p(-exp(x)) far from it (Mächler 2012). NaN for x > 0.
func Log1mexp(x float64) float64 {
	if x > -math.Ln2 {
		return math.Log(-math.Expm1(x))
	}
	return math.Log1p(-math.Exp(x))
}

// Softplus is log(1 + exp(x)), stable for all x.
func Softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// LogSigmoid is log σ(x) = -softplus(-x).
func LogSigmoid(x float64) float64 { return -Softplus(-x) }

// Sigmoid is 1/(1+exp(-x)), stable for all x.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Logit is log(p/(1-p)).
func Logit(p float64) float64 { return math.Log(p) - math.Log1p(-p) }

// Xlogy is x·log(y) with the convention 0·log(0) = 0 (and x = 0 gives 0 for
// any y that is not NaN), as scipy.special.xlogy.
func Xlogy(x, y float64) float64 {
	if x == 0 && !math.IsNaN(y) {
		return 0
	}
	return x * math.Log(y)
}

// Xlog1py is x·log1p(y) with 0·log1p(-1) = 0.
func Xlog1py(x, y float64) float64 {
	if x == 0 && !math.IsNaN(y) {
		return 0
	}
	return x * math.Log1p(y)
}

// LogAddExp is log(exp(a) + exp(b)) without overflow.
func LogAddExp(a, b float64) float64 {
	if a == b {
		return a + math.Ln2 // also right for ±Inf
	}
	if a > b {
		return a + math.Log1p(math.Exp(b-a))
	}
	if b > a {
		return b + math.Log1p(math.Exp(a-b))
	}
	return a + b // NaN
}
