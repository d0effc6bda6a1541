package infer_test

import (
	"context"
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// A conjugate model: mu ~ Normal(0, 2), y_i ~ Normal(mu, 1).
var exampleY = []float64{1.3, 0.4, 2.2, 1.7, 0.9, 1.1}

func exampleModel(r *poutine.Runtime) {
	mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(2)))
	y := r.ConstRef([]int{len(exampleY)}, exampleY)
	r.Plate("data", len(exampleY), func([]int) {
		r.Sample("y", dist.Normal(mu, r.Scalar(1)), poutine.Obs(y))
	})
}

// Importance sampling from the prior estimates the evidence log p(y) and
// the posterior of mu (exactly −8.302 and N(1.216, 0.4²) here).
func ExampleImportance() {
	r := poutine.NewRuntime(1)
	imp, err := infer.NewImportance(r, exampleModel, nil, 20000) // nil guide: propose from the prior
	if err != nil {
		panic(err)
	}
	if err := imp.Run(context.Background()); err != nil {
		panic(err)
	}
	post, _ := imp.Marginal("mu")
	fmt.Printf("log evidence ≈ %.1f\n", imp.LogEvidence())
	fmt.Printf("posterior mean of mu ≈ %.1f, sd ≈ %.1f\n", post.Mean()[0], math.Sqrt(post.Variance()[0]))
	fmt.Println("ESS well below N:", imp.ESS() < 10000)
	// Output:
	// log evidence ≈ -8.3
	// posterior mean of mu ≈ 1.2, sd ≈ 0.4
	// ESS well below N: true
}

// The PSIS diagnostic tells a good guide from a poor one.
func ExamplePsisDiagnostic() {
	guide := func(scale float64) poutine.Model {
		return func(r *poutine.Runtime) {
			r.Sample("mu", dist.Normal(r.Scalar(1.216), r.Scalar(scale)))
		}
	}
	r := poutine.NewRuntime(2)
	ctx := context.Background()
	good, _ := infer.PsisDiagnostic(ctx, r, exampleModel, guide(0.45), 5000)
	poor, _ := infer.PsisDiagnostic(ctx, r, exampleModel, guide(0.05), 5000)
	fmt.Println("wide guide: k̂ < 0.5:", good < 0.5)
	fmt.Println("narrow guide: k̂ > 0.7:", poor > 0.7)
	// Output:
	// wide guide: k̂ < 0.5: true
	// narrow guide: k̂ > 0.7: true
}

// All particles in one vectorized pass: the model runs once inside a
// plate of 20000 particles.
func ExampleVectorizedImportanceWeights() {
	r := poutine.NewRuntime(5)
	lw, _, _, err := infer.VectorizedImportanceWeights(r, exampleModel, nil, 20000, 1)
	if err != nil {
		panic(err)
	}
	norm := infer.NormalizeLogWeights(nil, lw)
	logEvidence := lw[0] - norm[0] - math.Log(float64(len(lw)))
	fmt.Printf("%d weights, log evidence ≈ %.1f\n", len(lw), logEvidence)
	// Output:
	// 20000 weights, log evidence ≈ -8.3
}

// A weighted empirical marginal of collected values.
func ExampleEmpiricalMarginal() {
	samples := map[string]*tensor.Dense{"x": tensor.New([]int{3}, []float64{1, 2, 3})}
	m, err := infer.EmpiricalMarginal(samples, []float64{0, 0, math.Log(2)}, "x")
	if err != nil {
		panic(err)
	}
	lp, _ := m.LogProb([]float64{3})
	fmt.Println("mean", m.Mean()[0], "variance", m.Variance()[0], "P(x=3)", math.Exp(lp))
	// Output:
	// mean 2.25 variance 0.6875 P(x=3) 0.5
}
