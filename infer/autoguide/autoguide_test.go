package autoguide

import (
	"context"
	"math"
	"testing"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/poutine"
)

type adam struct {
	lr   float64
	m, v map[*poutine.ParamEntry][]float64
	t    int
}

func newAdam(lr float64) *adam {
	return &adam{lr: lr, m: map[*poutine.ParamEntry][]float64{}, v: map[*poutine.ParamEntry][]float64{}}
}

func (a *adam) Step(ps []*poutine.ParamEntry) error {
	a.t++
	for _, p := range ps {
		m, v := a.m[p], a.v[p]
		if m == nil {
			m, v = make([]float64, len(p.Data)), make([]float64, len(p.Data))
			a.m[p], a.v[p] = m, v
		}
		for i, g := range p.Grad {
			m[i] = 0.9*m[i] + 0.1*g
			v[i] = 0.999*v[i] + 0.001*g*g
			mh := m[i] / (1 - math.Pow(0.9, float64(a.t)))
			vh := v[i] / (1 - math.Pow(0.999, float64(a.t)))
			p.Data[i] -= a.lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	return nil
}

var nnY = []float64{1.2, 0.8, 1.5, 0.3, 1.1}

// mu ~ N(0, 1), sigma ~ fixed; the latent scale site s ~ LogNormal is
// added to exercise a constrained site whose exact posterior is known.
func nnModel(r *poutine.Runtime) {
	mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
	y := r.ConstRef([]int{5}, nnY)
	r.Plate("data", 5, func([]int) {
		r.Sample("y", dist.Normal(mu, r.Scalar(1)), poutine.Obs(y))
	})
}

// AutoNormal recovers the conjugate posterior N(Σy/6, 1/√6) within 1%.
func TestAutoNormalNormalNormal(t *testing.T) {
	g := NewAutoNormal(nnModel, Options{Seed: 1})
	r := poutine.NewRuntime(2)
	svi := infer.NewSVI(r, nnModel, g.Guide, newAdam(0.01), &infer.TraceELBO{NumParticles: 16})
	ctx := context.Background()
	var loc, scale float64
	const steps, avg = 4000, 2000
	for i := 0; i < steps; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if i >= steps-avg {
			l, _ := r.Params.Value("AutoNormal.locs.mu")
			s, _ := r.Params.Value("AutoNormal.scales.mu")
			loc += l.Data()[0] / avg
			scale += s.Data()[0] / avg
		}
	}
	wantLoc, wantScale := 4.9/6, 1/math.Sqrt(6)
	if math.Abs(loc-wantLoc) > 0.01*wantLoc || math.Abs(scale-wantScale) > 0.01*wantScale {
		t.Fatalf("AutoNormal loc %.5f scale %.5f, want %.5f %.5f (1%%)", loc, scale, wantLoc, wantScale)
	}
	med, err := g.Median(r)
	if err != nil || math.Abs(med["mu"].Data()[0]-wantLoc) > 0.05 {
		t.Fatalf("median %v %v", med, err)
	}
	q, err := g.Quantiles(r, 0.05, 0.95)
	if err != nil || !(q["mu"][0].Data()[0] < q["mu"][1].Data()[0]) {
		t.Fatalf("quantiles %v %v", q, err)
	}
}

// A constrained latent: tau ~ HalfNormal(1) observed through y ~ N(0, tau).
// AutoNormal works in log space; MAP with AutoDelta must agree with the
// analytic mode of the posterior on tau.
func TestAutoDeltaMAPConstrained(t *testing.T) {
	ys := []float64{0.5, -1.2, 2.0, 0.3}
	model := func(r *poutine.Runtime) {
		tau := r.Sample("tau", dist.HalfNormal(r.Scalar(1)))
		y := r.ConstRef([]int{4}, ys)
		r.Plate("data", 4, func([]int) {
			r.Sample("y", dist.Normal(r.Scalar(0), tau), poutine.Obs(y))
		})
	}
	g := NewAutoDelta(model, Options{Seed: 1})
	r := poutine.NewRuntime(3)
	svi := infer.NewSVI(r, model, g.Guide, newAdam(0.02), &infer.TraceELBO{})
	ctx := context.Background()
	for i := 0; i < 3000; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// log p(tau | y) ∝ -tau²/2 - n log tau - S/(2 tau²), S = Σy²:
	// d/dtau = -tau - n/tau + S/tau³ = 0 ⇒ tau⁴ + n tau² - S = 0
	n, S := 4.0, 0.0
	for _, y := range ys {
		S += y * y
	}
	want := math.Sqrt((-n + math.Sqrt(n*n+4*S)) / 2)
	m, err := g.Median(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := m["tau"].Data()[0]; math.Abs(got-want) > 1e-3 {
		t.Fatalf("MAP tau %v, want %v", got, want)
	}
}

func TestAutoNormalStepZeroAlloc(t *testing.T) {
	g := NewAutoNormal(nnModel, Options{Seed: 1})
	r := poutine.NewRuntime(2)
	svi := infer.NewSVI(r, nnModel, g.Guide, newAdam(0.01), &infer.TraceELBO{})
	ctx := context.Background()
	svi.Step(ctx)
	svi.Step(ctx)
	if a := testing.AllocsPerRun(50, func() { svi.Step(ctx) }); a != 0 {
		t.Fatalf("AutoNormal SVI step allocates %v per step", a)
	}
}
