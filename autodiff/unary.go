package autodiff

import (
	"math"

	"github.com/gyro-ppl/gyro/asm"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// unaryF is the forward scalar function of an elementwise unary op.
func unaryF(op Op, k, k2, x float64) float64 {
	switch op {
	case opNeg:
		return -x
	case opExp:
		return math.Exp(x)
	case opLog:
		return math.Log(x)
	case opLog1p:
		return math.Log1p(x)
	case opExpm1:
		return math.Expm1(x)
	case opSqrt:
		return math.Sqrt(x)
	case opSquare:
		return x * x
	case opReciprocal:
		return 1 / x
	case opAbs:
		return math.Abs(x)
	case opTanh:
		return math.Tanh(x)
	case opSigmoid:
		return sp.Sigmoid(x)
	case opLogSigmoid:
		return sp.LogSigmoid(x)
	case opSoftplus:
		return sp.Softplus(x)
	case opRelu:
		if x > 0 {
			return x
		}
		if x != x {
			return x
		}
		return 0
	case opLog1mexp:
		return sp.Log1mexp(x)
	case opSin:
		return math.Sin(x)
	case opCos:
		return math.Cos(x)
	case opLgamma:
		return sp.Lgamma(x)
	case opDigamma:
		return sp.Digamma(x)
	case opTrigamma:
		return sp.Trigamma(x)
	case opErf:
		return math.Erf(x)
	case opErfc:
		return math.Erfc(x)
	case opLogNdtr:
		return sp.LogNdtr(x)
	case opNdtri:
		return sp.Ndtri(x)
	case opAddConst:
		return x + k
	case opMulConst:
		return k * x
	case opPowConst:
		switch k {
		case 2:
			return x * x
		case 0.5:
			return math.Sqrt(x)
		case -1:
			return 1 / x
		}
		return math.Pow(x, k)
	case opRPowConst:
		return math.Pow(k, x)
	case opClamp:
		if x < k {
			return k
		}
		if x > k2 {
			return k2
		}
		return x
	case opFloor:
		return math.Floor(x)
	case opLogit:
		return sp.Logit(x)
	case opAtanh:
		return math.Atanh(x)
	case opAtan:
		return math.Atan(x)
	case opCosh:
		return math.Cosh(x)
	case opSinh:
		return math.Sinh(x)
	}
	panic("autodiff: unknown unary op " + opName(op))
}

// unaryD is f'(x) given x and y = f(x).
func unaryD(op Op, k, k2, x, y float64) float64 {
	switch op {
	case opNeg:
		return -1
	case opExp:
		return y
	case opLog:
		return 1 / x
	case opLog1p:
		return 1 / (1 + x)
	case opExpm1:
		return y + 1
	case opSqrt:
		return 0.5 / y
	case opSquare:
		return 2 * x
	case opReciprocal:
		return -y * y
	case opAbs:
		if x > 0 {
			return 1
		}
		if x < 0 {
			return -1
		}
		return 0
	case opTanh:
		return 1 - y*y
	case opSigmoid:
		return y * (1 - y)
	case opLogSigmoid:
		return sp.Sigmoid(-x)
	case opSoftplus:
		return sp.Sigmoid(x)
	case opRelu:
		if x > 0 {
			return 1
		}
		return 0
	case opLog1mexp:
		return -1 / math.Expm1(-x)
	case opSin:
		return math.Cos(x)
	case opCos:
		return -math.Sin(x)
	case opLgamma:
		return sp.Digamma(x)
	case opDigamma:
		return sp.Trigamma(x)
	case opTrigamma:
		return sp.Tetragamma(x)
	case opErf:
		return 2 / math.SqrtPi * math.Exp(-x*x)
	case opErfc:
		return -2 / math.SqrtPi * math.Exp(-x*x)
	case opLogNdtr:
		return sp.NormalPDFRatio(x)
	case opNdtri:
		return math.Exp(0.5*y*y + sp.LnSqrt2Pi)
	case opAddConst:
		return 1
	case opMulConst:
		return k
	case opPowConst:
		if k == 0 {
			return 0
		}
		if k == 1 {
			return 1
		}
		if k == 2 {
			return 2 * x
		}
		return k * math.Pow(x, k-1)
	case opRPowConst:
		return y * math.Log(k)
	case opClamp:
		if x >= k && x <= k2 {
			return 1
		}
		return 0
	case opFloor:
		return 0
	case opLogit:
		return 1 / (x * (1 - x))
	case opAtanh:
		return 1 / (1 - x*x)
	case opAtan:
		return 1 / (1 + x*x)
	case opCosh:
		return math.Sinh(x)
	case opSinh:
		return math.Cosh(x)
	}
	panic("autodiff: unknown unary op " + opName(op))
}

// unary records y = f(a) elementwise.
func (t *Tape) unary(op Op, a V, k, k2 float64) V {
	t.check1(opName(op), a)
	na := &t.nodes[a.i]
	flags := na.flags & fGrad
	if op == opFloor {
		flags = 0
	}
	if na.ndim == 0 {
		v := t.newScalar(op, flags, a.i, -1, unaryF(op, k, k2, t.val[na.off]))
		t.nodes[v.i].k = k
		if op == opClamp {
			t.nodes[v.i].aux = int32(len(t.aux))
			t.aux = append(t.aux, k2)
		}
		return v
	}
	v, y := t.newNode(op, flags, a.i, -1, t.shape(a.i))
	nd := &t.nodes[v.i]
	nd.k = k
	if op == opClamp {
		nd.aux = int32(len(t.aux))
		t.aux = append(t.aux, k2)
	}
	x := t.data(a.i)
	switch op {
	case opExp:
		asm.Exp(y, x)
	case opLog:
		asm.Log(y, x)
	case opLog1p:
		asm.Log1p(y, x)
	case opSoftplus:
		asm.Softplus(y, x)
	case opSigmoid:
		asm.Sigmoid(y, x)
	case opLogSigmoid:
		for i, xi := range x {
			y[i] = -xi
		}
		asm.Softplus(y, y)
		for i := range y {
			y[i] = -y[i]
		}
	case opNeg:
		for i, xi := range x {
			y[i] = -xi
		}
	case opSquare:
		for i, xi := range x {
			y[i] = xi * xi
		}
	case opMulConst:
		for i, xi := range x {
			y[i] = k * xi
		}
	case opAddConst:
		for i, xi := range x {
			y[i] = xi + k
		}
	default:
		for i, xi := range x {
			y[i] = unaryF(op, k, k2, xi)
		}
	}
	return v
}

func (t *Tape) backUnary(nd *node) {
	a := nd.a
	na := &t.nodes[a]
	if na.flags&fGrad == 0 {
		return
	}
	op := nd.op
	k := nd.k
	var k2 float64
	if op == opClamp {
		k2 = t.aux[nd.aux]
	}
	if nd.ndim == 0 {
		g := t.adj[nd.off]
		if g == 0 {
			return
		}
		t.adj[na.off] += g * unaryD(op, k, k2, t.val[na.off], t.val[nd.off])
		return
	}
	t.backUnaryTensor(nd, na, op, k, k2)
}

// backUnaryTensor is backUnary's tensor path, kept out of line so that the
// scalar path runs with a small stack frame. Elements whose adjoint is zero
// are skipped wherever the local derivative can be infinite, so that a
// masked-out element (Where) whose value is ±Inf or NaN cannot turn into a
// NaN gradient through 0·Inf.
func (t *Tape) backUnaryTensor(nd, na *node, op Op, k, k2 float64) {
	a := nd.a
	g := t.adj[nd.off : nd.off+nd.size]
	gx := t.adj[na.off : na.off+na.size]
	y := t.val[nd.off : nd.off+nd.size]
	x := t.data(a)
	switch op {
	case opNeg:
		for i := range gx {
			gx[i] -= g[i]
		}
	case opExp:
		for i := range gx {
			if g[i] != 0 {
				gx[i] += g[i] * y[i]
			}
		}
	case opLog:
		for i := range gx {
			if g[i] != 0 {
				gx[i] += g[i] / x[i]
			}
		}
	case opSquare:
		for i := range gx {
			if g[i] != 0 {
				gx[i] += 2 * g[i] * x[i]
			}
		}
	case opMulConst:
		asm.DaxpyUnitary(k, g, gx)
	case opAddConst:
		asm.DaxpyUnitary(1, g, gx)
	case opSigmoid:
		for i := range gx {
			gx[i] += g[i] * y[i] * (1 - y[i])
		}
	case opSoftplus:
		// softplus'(x) = σ(x), vectorized
		s := t.scratch(len(gx))
		asm.Sigmoid(s, x)
		for i := range gx {
			gx[i] += g[i] * s[i]
		}
		t.scratchReset()
	case opLogSigmoid:
		// (log σ)'(x) = σ(-x)
		s := t.scratch(len(gx))
		for i, xi := range x {
			s[i] = -xi
		}
		asm.Sigmoid(s, s)
		for i := range gx {
			gx[i] += g[i] * s[i]
		}
		t.scratchReset()
	default:
		for i := range gx {
			if g[i] != 0 {
				gx[i] += g[i] * unaryD(op, k, k2, x[i], y[i])
			}
		}
	}
}

// Neg is -a.
func (t *Tape) Neg(a V) V { return t.unary(opNeg, a, 0, 0) }

// Exp is exp(a), elementwise.
func (t *Tape) Exp(a V) V { return t.unary(opExp, a, 0, 0) }

// Log is log(a).
func (t *Tape) Log(a V) V { return t.unary(opLog, a, 0, 0) }

// Log1p is log(1+a).
func (t *Tape) Log1p(a V) V { return t.unary(opLog1p, a, 0, 0) }

// Expm1 is exp(a)-1.
func (t *Tape) Expm1(a V) V { return t.unary(opExpm1, a, 0, 0) }

// Sqrt is √a.
func (t *Tape) Sqrt(a V) V { return t.unary(opSqrt, a, 0, 0) }

// Square is a².
func (t *Tape) Square(a V) V { return t.unary(opSquare, a, 0, 0) }

// Reciprocal is 1/a.
func (t *Tape) Reciprocal(a V) V { return t.unary(opReciprocal, a, 0, 0) }

// Abs is |a|; its derivative at 0 is taken as 0 (as PyTorch).
func (t *Tape) Abs(a V) V { return t.unary(opAbs, a, 0, 0) }

// Tanh is tanh(a).
func (t *Tape) Tanh(a V) V { return t.unary(opTanh, a, 0, 0) }

// Sigmoid is 1/(1+exp(-a)).
func (t *Tape) Sigmoid(a V) V { return t.unary(opSigmoid, a, 0, 0) }

// LogSigmoid is log σ(a), stable for large |a|.
func (t *Tape) LogSigmoid(a V) V { return t.unary(opLogSigmoid, a, 0, 0) }

// Softplus is log(1+exp(a)), stable for large |a|.
func (t *Tape) Softplus(a V) V { return t.unary(opSoftplus, a, 0, 0) }

// Relu is max(a, 0); derivative 0 at 0.
func (t *Tape) Relu(a V) V { return t.unary(opRelu, a, 0, 0) }

// Log1mexp is log(1-exp(a)) for a ≤ 0, computed stably.
func (t *Tape) Log1mexp(a V) V { return t.unary(opLog1mexp, a, 0, 0) }

// Sin is sin(a).
func (t *Tape) Sin(a V) V { return t.unary(opSin, a, 0, 0) }

// Cos is cos(a).
func (t *Tape) Cos(a V) V { return t.unary(opCos, a, 0, 0) }

// Sinh is sinh(a).
func (t *Tape) Sinh(a V) V { return t.unary(opSinh, a, 0, 0) }

// Cosh is cosh(a).
func (t *Tape) Cosh(a V) V { return t.unary(opCosh, a, 0, 0) }

// Atan is atan(a).
func (t *Tape) Atan(a V) V { return t.unary(opAtan, a, 0, 0) }

// Atanh is atanh(a).
func (t *Tape) Atanh(a V) V { return t.unary(opAtanh, a, 0, 0) }

// Logit is log(a/(1-a)).
func (t *Tape) Logit(a V) V { return t.unary(opLogit, a, 0, 0) }

// Lgamma is log|Γ(a)|; its derivative is digamma.
func (t *Tape) Lgamma(a V) V { return t.unary(opLgamma, a, 0, 0) }

// Digamma is ψ(a); its derivative is trigamma.
func (t *Tape) Digamma(a V) V { return t.unary(opDigamma, a, 0, 0) }

// Trigamma is ψ'(a); its derivative is ψ”(a).
func (t *Tape) Trigamma(a V) V { return t.unary(opTrigamma, a, 0, 0) }

// Erf is the error function.
func (t *Tape) Erf(a V) V { return t.unary(opErf, a, 0, 0) }

// Erfc is the complementary error function.
func (t *Tape) Erfc(a V) V { return t.unary(opErfc, a, 0, 0) }

// LogNdtr is log Φ(a), the log of the standard normal CDF, accurate in the
// far lower tail (a ≪ -20) where Φ underflows.
func (t *Tape) LogNdtr(a V) V { return t.unary(opLogNdtr, a, 0, 0) }

// Ndtri is Φ⁻¹(a), the standard normal quantile.
func (t *Tape) Ndtri(a V) V { return t.unary(opNdtri, a, 0, 0) }

// AddConst is a + k.
func (t *Tape) AddConst(a V, k float64) V { return t.unary(opAddConst, a, k, 0) }

// MulConst is k·a.
func (t *Tape) MulConst(a V, k float64) V { return t.unary(opMulConst, a, k, 0) }

// PowConst is a^k for a constant exponent k.
func (t *Tape) PowConst(a V, k float64) V { return t.unary(opPowConst, a, k, 0) }

// RPowConst is k^a for a constant base k > 0.
func (t *Tape) RPowConst(k float64, a V) V { return t.unary(opRPowConst, a, k, 0) }

// Clamp limits a to [lo, hi]; the gradient passes where lo ≤ a ≤ hi (as
// PyTorch's clamp) and is 0 elsewhere. Use ±Inf for a one-sided clamp.
func (t *Tape) Clamp(a V, lo, hi float64) V {
	if lo > hi {
		fail("Clamp", "lower bound %g above upper bound %g", lo, hi)
	}
	return t.unary(opClamp, a, lo, hi)
}

// Floor is ⌊a⌋ (no gradient).
func (t *Tape) Floor(a V) V { return t.unary(opFloor, a, 0, 0) }
