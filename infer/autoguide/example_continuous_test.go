package autoguide_test

import (
	"context"
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/autoguide"
	"github.com/gyro-ppl/gyro/poutine"
)

// exampleAdam is a minimal Adam with a decaying step size, standing in for
// package optim's optimizers so that the example is self-contained.
type exampleAdam struct {
	lr   float64
	t    int
	m, v map[*poutine.ParamEntry][]float64
}

func (a *exampleAdam) Step(ps []*poutine.ParamEntry) error {
	a.t++
	lr := a.lr * math.Pow(0.999, float64(a.t))
	for _, p := range ps {
		if a.m[p] == nil {
			a.m[p], a.v[p] = make([]float64, len(p.Data)), make([]float64, len(p.Data))
		}
		m, v := a.m[p], a.v[p]
		for i, g := range p.Grad {
			m[i] = 0.9*m[i] + 0.1*g
			v[i] = 0.999*v[i] + 0.001*g*g
			mh := m[i] / (1 - math.Pow(0.9, float64(a.t)))
			vh := v[i] / (1 - math.Pow(0.999, float64(a.t)))
			p.Data[i] -= lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	return nil
}

// Fit a diagonal-Normal guide to the posterior of a rate λ (Gamma prior,
// Poisson counts) and a location μ (Normal prior, Normal data). The guide
// works on the flat unconstrained vector (log λ, μ); its optimum here is
// log λ ~ N(log(13/6) − 1/26, 1/13) and μ ~ N(0.9, 1/6), so the median of
// λ is 2.085 and its 95% interval [1.21, 3.59].
func ExampleAutoDiagonalNormal() {
	counts := []float64{3, 1, 2, 1, 4}
	ys := []float64{1.2, 0.8, 1.5, 0.6, 1.3}
	model := func(r *poutine.Runtime) {
		lam := r.Sample("lam", dist.Gamma(r.Scalar(2), r.Scalar(1)))
		mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Plate("data", 5, func([]int) {
			r.Sample("counts", dist.Poisson(lam), poutine.Obs(r.ConstRef([]int{5}, counts)))
			r.Sample("y", dist.Normal(mu, r.Scalar(1)), poutine.Obs(r.ConstRef([]int{5}, ys)))
		})
	}
	guide := autoguide.NewAutoDiagonalNormal(model, autoguide.Options{Seed: 1})
	r := poutine.NewRuntime(1)
	opt := &exampleAdam{lr: 0.05, m: map[*poutine.ParamEntry][]float64{}, v: map[*poutine.ParamEntry][]float64{}}
	svi := infer.NewSVI(r, model, guide.Guide, opt, &infer.TraceELBO{NumParticles: 16})
	for step := 0; step < 3000; step++ {
		if _, err := svi.Step(context.Background()); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(r.Params.Names())
	med, _ := guide.Median(r)
	q, _ := guide.Quantiles(r, 0.025, 0.975)
	for _, site := range []string{"lam", "mu"} {
		fmt.Printf("%s: median %.1f, 95%% interval [%.1f, %.1f]\n", site, med[site].Data()[0], q[site][0].Data()[0], q[site][1].Data()[0])
	}
	// Output:
	// [AutoDiagonalNormal.loc AutoDiagonalNormal.scale]
	// lam: median 2.1, 95% interval [1.2, 3.6]
	// mu: median 0.9, 95% interval [0.1, 1.7]
}
