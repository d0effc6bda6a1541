package tensor

import "math"

// BinaryOp selects the elementwise function of two arguments that
// ApplyBinary, AccumulateBinary and Binary compute. Comparisons produce 1
// for true and 0 for false. NaN and Inf propagate as IEEE arithmetic does
// (Maximum and Minimum return NaN when either argument is NaN, as NumPy's
// maximum/minimum do).
type BinaryOp uint8

// Binary op codes.
const (
	OpAdd          BinaryOp = iota // x + y
	OpSub                          // x - y
	OpMul                          // x * y
	OpDiv                          // x / y
	OpPow                          // x ** y (math.Pow)
	OpMaximum                      // max(x, y), NaN if either is NaN
	OpMinimum                      // min(x, y), NaN if either is NaN
	OpLogAddExp                    // log(exp(x) + exp(y)), computed stably
	OpXlogy                        // x * log(y), 0 where x == 0 (unless y is NaN), as torch.xlogy
	OpAtan2                        // atan2(x, y)
	OpGreater                      // 1 if x > y else 0
	OpGreaterEqual                 // 1 if x >= y else 0
	OpLess                         // 1 if x < y else 0
	OpLessEqual                    // 1 if x <= y else 0
	OpEqual                        // 1 if x == y else 0
	OpNotEqual                     // 1 if x != y else 0
	numBinaryOps
)

var binaryNames = [numBinaryOps]string{"Add", "Sub", "Mul", "Div", "Pow", "Maximum", "Minimum", "LogAddExp",
	"Xlogy", "Atan2", "Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual"}

// String returns the op's name, e.g. "Add".
func (op BinaryOp) String() string {
	if op < numBinaryOps {
		return binaryNames[op]
	}
	return "BinaryOp(invalid)"
}

// Valid reports whether op is one of the defined codes.
func (op BinaryOp) Valid() bool { return op < numBinaryOps }

// Eval applies op to one pair of numbers.
func (op BinaryOp) Eval(x, y float64) float64 { return binEval(op, x, y) }

// UnaryOp selects the elementwise function of one argument that ApplyUnary
// and Unary compute. Special values follow the math package.
type UnaryOp uint8

// Unary op codes.
const (
	OpIdentity   UnaryOp = iota // x (a copy)
	OpNeg                       // -x
	OpExp                       // e**x
	OpLog                       // ln x
	OpLog1p                     // ln(1+x)
	OpExpm1                     // e**x - 1
	OpSqrt                      // √x
	OpRsqrt                     // 1/√x
	OpSquare                    // x²
	OpReciprocal                // 1/x
	OpAbs                       // |x|
	OpSign                      // -1, 0 or 1 (NaN stays NaN)
	OpTanh                      // tanh x
	OpSigmoid                   // 1/(1+e**-x), stable for every x
	OpLogSigmoid                // ln sigmoid(x) = -softplus(-x)
	OpSoftplus                  // ln(1+e**x), stable for every x
	OpRelu                      // max(x, 0) (NaN stays NaN)
	OpLog1mexp                  // ln(1 - e**x) for x <= 0, computed stably
	OpSin                       // sin x
	OpCos                       // cos x
	OpAtan                      // atan x
	OpAtanh                     // atanh x
	OpSinh                      // sinh x
	OpCosh                      // cosh x
	OpLgamma                    // ln |Γ(x)|
	OpDigamma                   // ψ(x) = d/dx ln Γ(x)
	OpTrigamma                  // ψ'(x)
	OpErf                       // erf x
	OpErfc                      // erfc x
	OpNdtr                      // standard normal CDF Φ(x)
	OpLogNdtr                   // ln Φ(x), accurate in the far left tail
	OpNdtri                     // Φ⁻¹(p)
	OpLogit                     // ln(x/(1-x))
	OpFloor                     // ⌊x⌋
	OpCeil                      // ⌈x⌉
	OpRound                     // x rounded half away from zero
	numUnaryOps
)

var unaryNames = [numUnaryOps]string{"Identity", "Neg", "Exp", "Log", "Log1p", "Expm1", "Sqrt", "Rsqrt", "Square",
	"Reciprocal", "Abs", "Sign", "Tanh", "Sigmoid", "LogSigmoid", "Softplus", "Relu", "Log1mexp", "Sin", "Cos",
	"Atan", "Atanh", "Sinh", "Cosh", "Lgamma", "Digamma", "Trigamma", "Erf", "Erfc", "Ndtr", "LogNdtr", "Ndtri",
	"Logit", "Floor", "Ceil", "Round"}

// String returns the op's name, e.g. "Exp".
func (op UnaryOp) String() string {
	if op < numUnaryOps {
		return unaryNames[op]
	}
	return "UnaryOp(invalid)"
}

// Valid reports whether op is one of the defined codes.
func (op UnaryOp) Valid() bool { return op < numUnaryOps }

// Eval applies op to one number.
func (op UnaryOp) Eval(x float64) float64 {
	var o [1]float64
	unG(op, 1, o[:], 0, 1, []float64{x}, 0, 0)
	return o[0]
}

// ---- scalar functions used by the generated loops ----

func b2f(c bool) float64 {
	if c {
		return 1
	}
	return 0
}

func logAddExp(x, y float64) float64 {
	if x == y { // also handles x = y = ±Inf
		return x + math.Ln2
	}
	m := max(x, y) // NaN if either is NaN
	d := math.Abs(x - y)
	if d != d { // NaN input, or an infinity met a finite value
		if m != m {
			return m
		}
		return m // one of them is +Inf, or one is -Inf and m is the other
	}
	return m + math.Log1p(math.Exp(-d))
}

func xlogy(x, y float64) float64 {
	if x == 0 && y == y {
		return 0
	}
	return x * math.Log(y)
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // ±0 or NaN
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func softplus(x float64) float64 {
	return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

func relu(x float64) float64 {
	if x > 0 || x != x {
		return x
	}
	return 0
}

func log1mexp(x float64) float64 {
	if x > -math.Ln2 {
		return math.Log(-math.Expm1(x))
	}
	return math.Log1p(-math.Exp(x))
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// digamma is ψ(x): reflection for negative x, recurrence up to x >= 10,
// then the asymptotic series. Poles (0, -1, -2, ...) give NaN, as
// torch.digamma does for negative integers.
func digamma(x float64) float64 {
	if x != x || math.IsInf(x, -1) {
		return math.NaN()
	}
	if math.IsInf(x, 1) {
		return x
	}
	if x <= 0 {
		if x == math.Floor(x) {
			return math.NaN()
		}
		// ψ(x) = ψ(1-x) - π/tan(πx)
		return digamma(1-x) - math.Pi/math.Tan(math.Pi*x)
	}
	acc := 0.0
	for x < 10 {
		acc -= 1 / x
		x++
	}
	z := 1 / (x * x)
	// ln x - 1/(2x) - Σ B_2k / (2k x^2k)
	series := z * (1.0/12 - z*(1.0/120-z*(1.0/252-z*(1.0/240-z*(1.0/132-z*(691.0/32760-z/12))))))
	return acc + math.Log(x) - 0.5/x - series
}

// trigamma is ψ'(x): recurrence up to x >= 12, then the asymptotic series;
// reflection for negative x. Poles (0, -1, -2, ...) give +Inf.
func trigamma(x float64) float64 {
	if x != x || math.IsInf(x, -1) {
		return math.NaN()
	}
	if math.IsInf(x, 1) {
		return 0
	}
	if x <= 0 {
		if x == math.Floor(x) {
			return math.Inf(1)
		}
		s := math.Sin(math.Pi * x)
		return math.Pi*math.Pi/(s*s) - trigamma(1-x)
	}
	acc := 0.0
	for x < 12 {
		acc += 1 / (x * x)
		x++
	}
	z := 1 / (x * x)
	// 1/x + 1/(2x²) + Σ B_2k / x^(2k+1)
	series := 1.0/6 + z*(-1.0/30+z*(1.0/42+z*(-1.0/30+z*(5.0/66+z*(-691.0/2730+z*(7.0/6))))))
	return acc + 1/x + z/2 + series*z/x
}

func ndtr(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// logNdtr is ln Φ(x): log1p(-Φ(-x)) on the right, ln(erfc/2) in the middle,
// and the asymptotic expansion of Mills' ratio in the far left tail, where
// erfc underflows.
func logNdtr(x float64) float64 {
	switch {
	case x > 6:
		return math.Log1p(-ndtr(-x))
	case x > -20:
		return math.Log(ndtr(x))
	case x != x:
		return x
	case math.IsInf(x, -1):
		return x
	}
	// ln Φ(x) = -x²/2 - ln(-x) - ln√(2π) + ln(1 - 1/x² + 3/x⁴ - 15/x⁶ + ...)
	z := 1 / (x * x)
	s, term := 1.0, 1.0
	for k := 1; k <= 10; k++ {
		term *= -float64(2*k-1) * z
		s += term
	}
	const lnSqrt2Pi = 0.91893853320467274178
	return -0.5*x*x - math.Log(-x) - lnSqrt2Pi + math.Log(s)
}

// ndtri is Φ⁻¹(p): math.Erfcinv as a start (accurate to about 1e-9 in the
// tails), then one Halley step on Φ(x) - p, computed from the nearer tail
// so that it does not cancel.
func ndtri(p float64) float64 {
	switch {
	case p != p || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	x := -math.Sqrt2 * math.Erfcinv(2*p)
	var e float64
	if x <= 0 {
		e = ndtr(x) - p
	} else {
		e = (1 - p) - ndtr(-x)
	}
	const sqrt2Pi = 2.50662827463100050242
	u := e * sqrt2Pi * math.Exp(0.5*x*x)
	return x - u/(1+0.5*x*u)
}

func logit(x float64) float64 { return math.Log(x) - math.Log1p(-x) }
