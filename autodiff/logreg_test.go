package autodiff

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gyro-ppl/gyro/asm"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// Logistic regression: X (N×D) and y (N) observed, w (D) with a N(0, 1)
// prior and b (flat) unknown:
//
//	η = X·w + b,  log p = Σᵢ yᵢ·ηᵢ - softplus(ηᵢ) + Σⱼ log N(wⱼ; 0, 1)
//
// The parameters travel as one flat vector x = (w, b), as NUTS and the
// optimizers hold them.
type logReg struct {
	n, d  int
	X, y  []float64
	shape [2]int
}

func newLogReg(n, d int, seed uint64) *logReg {
	r := rand.New(rand.NewPCG(seed, 1))
	m := &logReg{n: n, d: d, X: make([]float64, n*d), y: make([]float64, n)}
	m.shape = [2]int{n, d}
	w := make([]float64, d)
	for j := range w {
		w[j] = r.NormFloat64()
	}
	for i := range m.X {
		m.X[i] = r.NormFloat64()
	}
	for i := 0; i < n; i++ {
		eta := 0.3 + asm.DdotUnitary(m.X[i*d:i*d+d], w)
		if r.Float64() < sp.Sigmoid(eta) {
			m.y[i] = 1
		}
	}
	return m
}

// logp records the log density on tp; x is the flat parameter (D+1).
func (m *logReg) logp(tp *Tape, x V) V {
	w := tp.Slice(x, 0, m.d)
	b := tp.Index(x, m.d)
	X := tp.ConstRef(m.shape[:], m.X)
	y := tp.ConstRef(m.shape[:1], m.y)
	eta := tp.Add(tp.MatVec(X, w), b)
	lik := tp.Sum(tp.BernoulliLogitsLogProb(y, eta))
	prior := tp.Sum(tp.NormalLogProb(w, tp.Scalar(0), tp.Scalar(1)))
	return tp.Add(lik, prior)
}

// logpComposite is the same density from elementwise ops only (no fused
// Bernoulli or Normal node).
func (m *logReg) logpComposite(tp *Tape, x V) V {
	w := tp.Slice(x, 0, m.d)
	b := tp.Index(x, m.d)
	X := tp.ConstRef(m.shape[:], m.X)
	y := tp.ConstRef(m.shape[:1], m.y)
	eta := tp.Add(tp.MatMul(X, w), b)
	lik := tp.Sum(tp.Sub(tp.Mul(y, eta), tp.Softplus(eta)))
	prior := tp.AddConst(tp.MulConst(tp.Sum(tp.Square(w)), -0.5), -float64(m.d)*lnSqrt2Pi)
	return tp.Add(lik, prior)
}

// floorGrad is the hand-written gradient with asm kernels: two passes over X
// (gemv, vectorized softplus/sigmoid, gemvᵀ).
type floorBufs struct{ eta, s []float64 }

func (m *logReg) floorGrad(x, grad []float64, fb *floorBufs) float64 {
	n, d := m.n, m.d
	w, b := x[:d], x[d]
	eta, s := fb.eta, fb.s
	asm.DgemvN(n, d, 1, m.X, d, w, 0, eta)
	for i := range eta {
		eta[i] += b
	}
	asm.Softplus(s, eta)
	lp := 0.0
	for i, e := range eta {
		lp += m.y[i]*e - s[i]
	}
	asm.Sigmoid(s, eta)
	gb := 0.0
	for i := range s {
		s[i] = m.y[i] - s[i]
		gb += s[i]
	}
	asm.DgemvT(n, d, 1, m.X, d, s, 0, grad[:d])
	for j, wj := range w {
		lp += -0.5*wj*wj - lnSqrt2Pi
		grad[j] -= wj
	}
	grad[d] = gb
	return lp
}

// floorFused reads X once: blocks of rows small enough to stay in L1 go
// through gemv, the vectorized softplus/sigmoid, and gemvᵀ accumulating
// the gradient while the block is still in cache.
func (m *logReg) floorFused(x, grad []float64, fb *floorBufs) float64 {
	const blk = 64
	n, d := m.n, m.d
	w, b := x[:d], x[d]
	gw := grad[:d]
	clear(gw)
	eta, s := fb.eta[:blk], fb.s[:blk]
	lp, gb := 0.0, 0.0
	for r0 := 0; r0 < n; r0 += blk {
		k := min(blk, n-r0)
		e, sk := eta[:k], s[:k]
		Xb := m.X[r0*d : (r0+k)*d]
		yb := m.y[r0 : r0+k]
		asm.DgemvN(k, d, 1, Xb, d, w, 0, e)
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
		asm.DgemvT(k, d, 1, Xb, d, sk, 1, gw)
	}
	for j, wj := range w {
		lp += -0.5*wj*wj - lnSqrt2Pi
		gw[j] -= wj
	}
	grad[d] = gb
	return lp
}

func (m *logReg) ref(x []float64) float64 {
	d := m.d
	lp := 0.0
	for i := 0; i < m.n; i++ {
		e := x[d]
		for j := 0; j < d; j++ {
			e += m.X[i*d+j] * x[j]
		}
		lp += m.y[i]*e - sp.Softplus(e)
	}
	for j := 0; j < d; j++ {
		lp += -0.5*x[j]*x[j] - lnSqrt2Pi
	}
	return lp
}

func logRegPoint(d int) []float64 {
	r := rand.New(rand.NewPCG(5, 5))
	x := make([]float64, d+1)
	for i := range x {
		x[i] = 0.3 * r.NormFloat64()
	}
	return x
}

func TestLogisticRegression(t *testing.T) {
	m := newLogReg(200, 7, 1)
	x := logRegPoint(m.d)
	ref := m.ref(x)
	fd := centralDiff(m.ref, x, 1e-6)
	tp := NewTape()
	fb := &floorBufs{eta: make([]float64, m.n), s: make([]float64, m.n)}
	for name, f := range map[string]func(g []float64) float64{
		"tape":      func(g []float64) float64 { return ValueAndGrad(tp, m.logp, x, g) },
		"composite": func(g []float64) float64 { return ValueAndGrad(tp, m.logpComposite, x, g) },
		"floor":     func(g []float64) float64 { return m.floorGrad(x, g, fb) },
		"fused":     func(g []float64) float64 { return m.floorFused(x, g, fb) },
	} {
		g := make([]float64, len(x))
		v := f(g)
		if math.Abs(v-ref) > 1e-10*math.Abs(ref) {
			t.Errorf("%s: value %v, reference %v", name, v, ref)
		}
		for i := range g {
			if math.Abs(g[i]-fd[i]) > 1e-6*(1+math.Abs(fd[i])) {
				t.Errorf("%s: grad[%d] = %v, finite difference %v", name, i, g[i], fd[i])
			}
		}
	}
	// zero allocations once warm, and bit-identical reruns
	g1, g2 := make([]float64, len(x)), make([]float64, len(x))
	v1 := ValueAndGrad(tp, m.logp, x, g1)
	logp := m.logp
	allocs := testing.AllocsPerRun(50, func() { ValueAndGrad(tp, logp, x, g2) })
	if allocs != 0 {
		t.Errorf("logistic regression value+gradient allocates %v times per run, want 0", allocs)
	}
	if v2 := ValueAndGrad(tp, logp, x, g2); v2 != v1 {
		t.Errorf("rerun value %v != %v", v2, v1)
	}
	for i := range g1 {
		if g1[i] != g2[i] {
			t.Fatalf("rerun grad[%d] %v != %v", i, g2[i], g1[i])
		}
	}
}

func benchLogReg(b *testing.B, f func(m *logReg, x, g []float64) float64) {
	m := newLogReg(10000, 50, 1)
	x := logRegPoint(m.d)
	g := make([]float64, len(x))
	f(m, x, g)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f(m, x, g)
	}
}

// BenchmarkLogRegGrad: value and gradient of the N=10000, D=50 logistic
// regression log density through the tape (MatVec, fused Bernoulli-logits
// and Normal nodes).
func BenchmarkLogRegGrad(b *testing.B) {
	tp := NewTape()
	var logp func(*Tape, V) V
	benchLogReg(b, func(m *logReg, x, g []float64) float64 {
		if logp == nil {
			logp = m.logp
		}
		return ValueAndGrad(tp, logp, x, g)
	})
}

// BenchmarkLogRegGradComposite: the same through elementwise ops only.
func BenchmarkLogRegGradComposite(b *testing.B) {
	tp := NewTape()
	var logp func(*Tape, V) V
	benchLogReg(b, func(m *logReg, x, g []float64) float64 {
		if logp == nil {
			logp = m.logpComposite
		}
		return ValueAndGrad(tp, logp, x, g)
	})
}

// BenchmarkLogRegFloor: hand-written, asm gemv + vectorized softplus/sigmoid.
func BenchmarkLogRegFloor(b *testing.B) {
	fb := &floorBufs{eta: make([]float64, 10000), s: make([]float64, 10000)}
	benchLogReg(b, func(m *logReg, x, g []float64) float64 { return m.floorGrad(x, g, fb) })
}

// BenchmarkLogRegFloorFused: hand-written, one pass over X in L1-sized blocks.
func BenchmarkLogRegFloorFused(b *testing.B) {
	fb := &floorBufs{eta: make([]float64, 10000), s: make([]float64, 10000)}
	benchLogReg(b, func(m *logReg, x, g []float64) float64 { return m.floorFused(x, g, fb) })
}
