package autodiff

import (
	"math"
	"testing"
)

// Eight schools (Rubin 1981), non-centred, on the unconstrained scale:
// x = (mu, log tau, theta_tilde[8]); mu ~ N(0, 5), tau ~ HalfCauchy(5) with
// the log-Jacobian of tau = exp(log tau), theta_tilde ~ N(0, 1),
// y_j ~ N(mu + tau·theta_tilde_j, sigma_j).
var (
	esY     = []float64{28, 8, -3, 7, -1, 1, 18, 12}
	esSigma = []float64{15, 10, 16, 11, 9, 11, 10, 18}
)

const lnSqrt2Pi = 0.91893853320467274178

func eightSchools(t *Tape, x V) V {
	mu := t.Index(x, 0)
	logTau := t.Index(x, 1)
	tau := t.Exp(logTau)
	tt := t.Slice(x, 2, 10)
	// mu ~ Normal(0, 5)
	lp := t.AddConst(t.MulConst(t.Square(mu), -0.5/25), -math.Log(5)-lnSqrt2Pi)
	// tau ~ HalfCauchy(5), plus log|d tau / d log tau| = log tau
	lp = t.Add(lp, t.AddConst(t.Neg(t.Log1p(t.Square(t.MulConst(tau, 0.2)))), math.Log(2/(math.Pi*5))))
	lp = t.Add(lp, logTau)
	// theta_tilde ~ Normal(0, 1)
	lp = t.Add(lp, t.AddConst(t.MulConst(t.Sum(t.Square(tt)), -0.5), -8*lnSqrt2Pi))
	// y ~ Normal(mu + tau*theta_tilde, sigma)
	theta := t.Add(mu, t.Mul(tau, tt))
	y := t.ConstRef([]int{8}, esY)
	sigma := t.ConstRef([]int{8}, esSigma)
	z := t.Div(t.Sub(y, theta), sigma)
	lp = t.Add(lp, t.MulConst(t.Sum(t.Square(z)), -0.5))
	lp = t.Sub(lp, t.AddConst(t.Sum(t.Log(sigma)), 8*lnSqrt2Pi))
	return lp
}

func eightSchoolsRef(x []float64) float64 {
	mu, lt := x[0], x[1]
	tau := math.Exp(lt)
	lp := -0.5*mu*mu/25 - math.Log(5) - lnSqrt2Pi
	lp += math.Log(2/(math.Pi*5)) - math.Log1p(tau*tau/25) + lt
	for j := 0; j < 8; j++ {
		tt := x[2+j]
		lp += -0.5*tt*tt - lnSqrt2Pi
		th := mu + tau*tt
		z := (esY[j] - th) / esSigma[j]
		lp += -0.5*z*z - math.Log(esSigma[j]) - lnSqrt2Pi
	}
	return lp
}

func TestEightSchoolsValueAndGrad(t *testing.T) {
	x := []float64{1.3, 0.7, 0.1, -0.4, 1.2, 0.3, -1.1, 0.8, 0.05, -0.6}
	tp := NewTape()
	grad := make([]float64, len(x))
	v := ValueAndGrad(tp, eightSchools, x, grad)
	if ref := eightSchoolsRef(x); math.Abs(v-ref) > 1e-12*math.Abs(ref) {
		t.Fatalf("value %v, reference %v", v, ref)
	}
	fd := centralDiff(eightSchoolsRef, x, 1e-6)
	for i := range x {
		if math.Abs(grad[i]-fd[i]) > 1e-7*(1+math.Abs(fd[i])) {
			t.Errorf("grad[%d] = %v, finite difference %v", i, grad[i], fd[i])
		}
	}
	// Reset-and-rerun is bit-identical.
	grad2 := make([]float64, len(x))
	v2 := ValueAndGrad(tp, eightSchools, x, grad2)
	if v2 != v {
		t.Fatalf("rerun value %v != %v", v2, v)
	}
	for i := range grad {
		if grad[i] != grad2[i] {
			t.Fatalf("rerun grad[%d] %v != %v", i, grad2[i], grad[i])
		}
	}
	allocs := testing.AllocsPerRun(100, func() { ValueAndGrad(tp, eightSchools, x, grad) })
	if allocs != 0 {
		t.Errorf("eight schools value+gradient allocates %v times per run, want 0", allocs)
	}
}

// centralDiff is the central finite-difference gradient of f at x.
func centralDiff(f func([]float64) float64, x []float64, h float64) []float64 {
	g := make([]float64, len(x))
	xx := append([]float64(nil), x...)
	for i := range x {
		hi := h * math.Max(1, math.Abs(x[i]))
		xx[i] = x[i] + hi
		fp := f(xx)
		xx[i] = x[i] - hi
		fm := f(xx)
		xx[i] = x[i]
		g[i] = (fp - fm) / (2 * hi)
	}
	return g
}

func BenchmarkEightSchoolsGrad(b *testing.B) {
	x := []float64{1.3, 0.7, 0.1, -0.4, 1.2, 0.3, -1.1, 0.8, 0.05, -0.6}
	tp := NewTape()
	grad := make([]float64, len(x))
	ValueAndGrad(tp, eightSchools, x, grad)
	b.ReportAllocs()
	for b.Loop() {
		ValueAndGrad(tp, eightSchools, x, grad)
	}
}
