package bench

import (
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/asm"
	ad "github.com/gyro-ppl/gyro/autodiff"
)

const lnSqrt2Pi = 0.91893853320467274178 // log √(2π)

// LogReg is the log density of Bayesian logistic regression, the model of
// examples/models.LogisticRegression, on a flat parameter x = (w, b):
//
//	log p = Σᵢ yᵢ·ηᵢ − softplus(ηᵢ) + Σⱼ log N(wⱼ; 0, 1) + log N(b; 0, 10),  η = X·w + b
//
// with X row-major N×D. It offers the density three ways: through the
// tape (Tape), written by hand with the asm kernels (Floor: gemv, vectorized
// softplus and sigmoid, gemvᵀ — the floor the tape is measured against),
// and the same by hand in one pass over X in L1-sized row blocks
// (FloorFused).
type LogReg struct {
	N, D   int
	X, Y   []float64
	shape  [2]int
	eta, s []float64
	logp   func(t *ad.Tape, x ad.V) ad.V
}

// NewLogReg wraps the data (X is N×D row-major, Y holds 0/1 labels).
func NewLogReg(n, d int, x, y []float64) (*LogReg, error) {
	if n < 1 || d < 1 || len(x) != n*d || len(y) != n {
		return nil, fmt.Errorf("bench: NewLogReg: %d×%d data with len(X) = %d, len(Y) = %d", n, d, len(x), len(y))
	}
	m := &LogReg{N: n, D: d, X: x, Y: y, shape: [2]int{n, d}, eta: make([]float64, n), s: make([]float64, n)}
	m.logp = m.tapeLogp
	return m, nil
}

// Dim is the number of parameters, D + 1.
func (m *LogReg) Dim() int { return m.D + 1 }

func (m *LogReg) tapeLogp(tp *ad.Tape, x ad.V) ad.V {
	w := tp.Slice(x, 0, m.D)
	b := tp.Index(x, m.D)
	X := tp.ConstRef(m.shape[:], m.X)
	y := tp.ConstRef(m.shape[:1], m.Y)
	eta := tp.Add(tp.MatVec(X, w), b)
	lik := tp.Sum(tp.BernoulliLogitsLogProb(y, eta))
	pw := tp.Sum(tp.NormalLogProb(w, tp.Scalar(0), tp.Scalar(1)))
	pb := tp.NormalLogProb(b, tp.Scalar(0), tp.Scalar(10))
	return tp.Add(lik, tp.Add(pw, pb))
}

// Tape evaluates log p and its gradient through the autodiff tape tp
// (MatVec, the fused Bernoulli-logits and Normal nodes).
func (m *LogReg) Tape(tp *ad.Tape, x, grad []float64) float64 {
	return ad.ValueAndGrad(tp, m.logp, x, grad)
}

// prior adds the priors' log density to lp and their gradient to grad.
func (m *LogReg) prior(x, grad []float64, lp float64) float64 {
	d := m.D
	for j, wj := range x[:d] {
		lp += -0.5*wj*wj - lnSqrt2Pi
		grad[j] -= wj
	}
	b := x[d]
	lp += -0.5*b*b/100 - math.Log(10) - lnSqrt2Pi
	grad[d] -= b / 100
	return lp
}

// Floor evaluates log p and its gradient by hand: η = X·w + b (asm gemv),
// vectorized softplus and sigmoid, and ∇w = Xᵀ(y − σ(η)) (asm gemvᵀ); two
// passes over X.
func (m *LogReg) Floor(x, grad []float64) float64 {
	n, d := m.N, m.D
	w, b := x[:d], x[d]
	eta, s := m.eta, m.s
	asm.DgemvN(n, d, 1, m.X, d, w, 0, eta)
	for i := range eta {
		eta[i] += b
	}
	asm.Softplus(s, eta)
	lp := 0.0
	for i, e := range eta {
		lp += m.Y[i]*e - s[i]
	}
	asm.Sigmoid(s, eta)
	gb := 0.0
	for i := range s {
		s[i] = m.Y[i] - s[i]
		gb += s[i]
	}
	asm.DgemvT(n, d, 1, m.X, d, s, 0, grad[:d])
	grad[d] = gb
	return m.prior(x, grad, lp)
}

// FloorFused is Floor reading X once: blocks of 64 rows go through gemv,
// softplus/sigmoid and gemvᵀ while they are still in L1.
func (m *LogReg) FloorFused(x, grad []float64) float64 {
	const blk = 64
	n, d := m.N, m.D
	w, b := x[:d], x[d]
	gw := grad[:d]
	clear(gw)
	lp, gb := 0.0, 0.0
	for r0 := 0; r0 < n; r0 += blk {
		k := min(blk, n-r0)
		e, sk := m.eta[:k], m.s[:k]
		xb := m.X[r0*d : (r0+k)*d]
		yb := m.Y[r0 : r0+k]
		asm.DgemvN(k, d, 1, xb, d, w, 0, e)
		for i := range e {
			e[i] += b
		}
		asm.Softplus(sk, e)
		for i, ei := range e {
			lp += yb[i]*ei - sk[i]
		}
		asm.Sigmoid(sk, e)
		for i := range sk {
			sk[i] = yb[i] - sk[i]
			gb += sk[i]
		}
		asm.DgemvT(k, d, 1, xb, d, sk, 1, gw)
	}
	grad[d] = gb
	return m.prior(x, grad, lp)
}

// LogRegPoint is a fixed, seeded parameter point of dimension d+1 near the
// posterior bulk (small weights), where the benchmarks evaluate gradients.
func LogRegPoint(d int) []float64 {
	x := make([]float64, d+1)
	for i := range x {
		x[i] = 0.3 * math.Sin(float64(3*i+1))
	}
	return x
}

// Eight schools (Rubin 1981), non-centred, as NUTS sees it: the flat
// unconstrained vector x = (mu, log tau, theta_tilde[0..7]) with
// mu ~ N(0, 5), tau ~ HalfCauchy(5) (plus the log-Jacobian log tau of
// tau = exp(log tau)), theta_tilde ~ N(0, 1) and
// y_j ~ N(mu + tau·theta_tilde_j, sigma_j).
var (
	esY     = []float64{28, 8, -3, 7, -1, 1, 18, 12}
	esSigma = []float64{15, 10, 16, 11, 9, 11, 10, 18}
)

// EightSchoolsTape records the eight-schools log density on tp.
func EightSchoolsTape(t *ad.Tape, x ad.V) ad.V {
	mu := t.Index(x, 0)
	logTau := t.Index(x, 1)
	tau := t.Exp(logTau)
	tt := t.Slice(x, 2, 10)
	lp := t.AddConst(t.MulConst(t.Square(mu), -0.5/25), -math.Log(5)-lnSqrt2Pi)
	lp = t.Add(lp, t.AddConst(t.Neg(t.Log1p(t.Square(t.MulConst(tau, 0.2)))), math.Log(2/(math.Pi*5))))
	lp = t.Add(lp, logTau)
	lp = t.Add(lp, t.AddConst(t.MulConst(t.Sum(t.Square(tt)), -0.5), -8*lnSqrt2Pi))
	theta := t.Add(mu, t.Mul(tau, tt))
	y := t.ConstRef([]int{8}, esY)
	sigma := t.ConstRef([]int{8}, esSigma)
	z := t.Div(t.Sub(y, theta), sigma)
	lp = t.Add(lp, t.MulConst(t.Sum(t.Square(z)), -0.5))
	return t.Sub(lp, t.AddConst(t.Sum(t.Log(sigma)), 8*lnSqrt2Pi))
}

// EightSchoolsHand is the same log density and gradient written by hand.
func EightSchoolsHand(x, grad []float64) float64 {
	mu, lt := x[0], x[1]
	tau := math.Exp(lt)
	lp := -0.5*mu*mu/25 - math.Log(5) - lnSqrt2Pi
	gmu := -mu / 25
	u := tau * tau / 25
	lp += math.Log(2/(math.Pi*5)) - math.Log1p(u) + lt
	glt := 1 - 2*u/(1+u)
	for j := 0; j < 8; j++ {
		tt := x[2+j]
		lp += -0.5*tt*tt - lnSqrt2Pi
		z := (esY[j] - mu - tau*tt) / esSigma[j]
		lp += -0.5*z*z - math.Log(esSigma[j]) - lnSqrt2Pi
		r := z / esSigma[j] // d/dtheta of −z²/2
		gmu += r
		glt += r * tau * tt
		grad[2+j] = -tt + r*tau
	}
	grad[0], grad[1] = gmu, glt
	return lp
}

// EightSchoolsPoint is the point the eight-schools gradient is timed at.
var EightSchoolsPoint = []float64{1.3, 0.7, 0.1, -0.4, 1.2, 0.3, -1.1, 0.8, 0.05, -0.6}

// ScalarChainTape records a chain of 100 scalar ops on the two parameters
// (a, b) = x: 25 repetitions of y ← y·b, tanh(y), y + a, 1.01·y.
func ScalarChainTape(tp *ad.Tape, x ad.V) ad.V {
	a, b := tp.Index(x, 0), tp.Index(x, 1)
	y := a
	for i := 0; i < 100; i += 4 {
		y = tp.Mul(y, b)
		y = tp.Tanh(y)
		y = tp.Add(y, a)
		y = tp.MulConst(y, 1.01)
	}
	return y
}

// ScalarChainHand is the same chain with its reverse pass written by hand,
// keeping the 25 intermediate values a reverse pass needs in buf (len ≥ 50).
func ScalarChainHand(x, grad, buf []float64) float64 {
	a, b := x[0], x[1]
	y := a
	for k := 0; k < 25; k++ {
		buf[2*k] = y // input of y·b
		t := math.Tanh(y * b)
		buf[2*k+1] = t
		y = (t + a) * 1.01
	}
	ga, gb, gy := 0.0, 0.0, 1.0
	for k := 24; k >= 0; k-- {
		gy *= 1.01
		ga += gy
		t := buf[2*k+1]
		gy *= 1 - t*t
		gb += gy * buf[2*k]
		gy *= b
	}
	ga += gy
	grad[0], grad[1] = ga, gb
	return y
}
