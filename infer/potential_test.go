package infer

import (
	"errors"
	"math"
	"testing"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

var (
	esY     = []float64{28, 8, -3, 7, -1, 1, 18, 12}
	esSigma = []float64{15, 10, 16, 11, 9, 11, 10, 18}
)

func eightSchoolsNC(r *poutine.Runtime) {
	mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(5)))
	tau := r.Sample("tau", dist.HalfCauchy(r.Scalar(5)))
	y := r.ConstRef([]int{8}, esY)
	sigma := r.ConstRef([]int{8}, esSigma)
	r.Plate("school", 8, func([]int) {
		tt := r.Sample("theta_tilde", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("y", dist.Normal(r.Add(mu, r.Mul(tau, tt)), sigma), poutine.Obs(y))
	})
}

// eightSchoolsLogDensity is the same log density written out by hand, on
// the unconstrained scale (mu, log tau, theta_tilde) with log|dτ/d log τ|.
func eightSchoolsLogDensity(x []float64) float64 {
	const c = 0.91893853320467274178
	mu, lt := x[0], x[1]
	tau := math.Exp(lt)
	lp := -0.5*mu*mu/25 - math.Log(5) - c
	lp += math.Log(2/(math.Pi*5)) - math.Log1p(tau*tau/25) + lt
	for j := 0; j < 8; j++ {
		tt := x[2+j]
		lp += -0.5*tt*tt - c
		z := (esY[j] - (mu + tau*tt)) / esSigma[j]
		lp += -0.5*z*z - math.Log(esSigma[j]) - c
	}
	return lp
}

func TestModelPotentialEightSchools(t *testing.T) {
	p, err := NewModelPotential(eightSchoolsNC, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Dim() != 10 || len(p.Sites()) != 3 {
		t.Fatalf("dim %d, %d sites", p.Dim(), len(p.Sites()))
	}
	x := []float64{1.3, 0.7, 0.1, -0.4, 1.2, 0.3, -1.1, 0.8, 0.05, -0.6}
	g := make([]float64, 10)
	u := p.Potential(x, g)
	if want := -eightSchoolsLogDensity(x); math.Abs(u-want) > 1e-12*math.Abs(want) {
		t.Fatalf("U = %v, want %v", u, want)
	}
	h := 1e-6
	xx := append([]float64(nil), x...)
	for i := range x {
		xx[i] = x[i] + h
		fp := eightSchoolsLogDensity(xx)
		xx[i] = x[i] - h
		fm := eightSchoolsLogDensity(xx)
		xx[i] = x[i]
		fd := -(fp - fm) / (2 * h)
		if math.Abs(g[i]-fd) > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("grad[%d] = %v, finite difference %v", i, g[i], fd)
		}
	}
	if a := testing.AllocsPerRun(100, func() { p.Potential(x, g) }); a != 0 {
		t.Errorf("potential allocates %v per evaluation, want 0", a)
	}
	// constrained values
	c := p.Constrain(x, nil)
	if c[1][0] != math.Exp(0.7) || c[0][0] != 1.3 || len(c[2]) != 8 {
		t.Fatalf("constrained %v", c)
	}
}

func TestModelPotentialErrors(t *testing.T) {
	_, err := NewModelPotential(func(r *poutine.Runtime) {
		r.Sample("y", dist.Normal(r.Scalar(0), r.Scalar(1)), poutine.Obs(r.Scalar(1)))
	}, 1)
	if !errors.Is(err, ErrNoLatent) {
		t.Fatalf("want ErrNoLatent, got %v", err)
	}
	_, err = NewModelPotential(func(r *poutine.Runtime) {
		r.Sample("z", dist.Bernoulli(r.Scalar(0.3)))
	}, 1)
	var pe *poutine.Error
	if !errors.As(err, &pe) || pe.Site != "z" {
		t.Fatalf("want a discrete-latent error naming z, got %v", err)
	}
	p, _ := NewModelPotential(eightSchoolsNC, 1)
	rng := dist.NewRNG(3)
	_, err = FindInitial(p, InitToValue{Values: map[string]*tensor.Dense{"tau": tensor.New(nil, []float64{-1})}}, rng, 5)
	if !errors.As(err, &pe) || pe.Site != "tau" {
		t.Fatalf("want an out-of-support error naming tau, got %v", err)
	}
	x, err := FindInitial(p, InitToValue{Values: map[string]*tensor.Dense{"tau": tensor.New(nil, []float64{2})}}, rng, 5)
	if err != nil || math.Abs(x[1]-math.Log(2)) > 1e-15 {
		t.Fatalf("init_to_value: x=%v err=%v", x, err)
	}
	for _, s := range []InitStrategy{InitToUniform{}, InitToMedian{}, InitToSample{}, InitToMean{}} {
		if _, err := FindInitial(p, s, rng, 10); err != nil {
			t.Errorf("%T: %v", s, err)
		}
	}
	// a potential that is never finite
	bad, _ := NewModelPotential(func(r *poutine.Runtime) {
		z := r.Sample("z", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("y", dist.Normal(z, r.Scalar(1)), poutine.Obs(r.Scalar(math.Inf(1))))
	}, 1)
	if _, err := FindInitial(bad, nil, rng, 3); err == nil {
		t.Fatal("no error for a potential that is never finite")
	}
}

func BenchmarkModelPotentialEightSchools(b *testing.B) {
	p, _ := NewModelPotential(eightSchoolsNC, 1)
	x := []float64{1.3, 0.7, 0.1, -0.4, 1.2, 0.3, -1.1, 0.8, 0.05, -0.6}
	g := make([]float64, 10)
	p.Potential(x, g)
	b.ReportAllocs()
	for b.Loop() {
		p.Potential(x, g)
	}
}

// A distribution rejecting its parameters at some point of the
// unconstrained space (a scale that underflowed to 0) gives U = +Inf and a
// zero gradient, which the sampler treats as a rejected proposal.
func TestModelPotentialDomainErrorIsInfinite(t *testing.T) {
	model := func(r *poutine.Runtime) {
		s := r.Sample("s", dist.HalfNormal(r.Scalar(1)))
		r.Sample("y", dist.Normal(r.Scalar(0), s), poutine.Obs(r.Scalar(0.5)))
	}
	p, err := NewModelPotential(model, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := []float64{7}
	if u := p.Potential([]float64{-800}, g); !math.IsInf(u, 1) || g[0] != 0 {
		t.Fatalf("U = %v, grad %v; want +Inf and 0 where exp(-800) underflows", u, g)
	}
	if u := p.Potential([]float64{0}, g); math.IsInf(u, 0) || math.IsNaN(u) {
		t.Fatalf("U = %v at a valid point", u)
	}
}
