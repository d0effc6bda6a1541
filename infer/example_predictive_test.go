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

// Posterior predictive draws of y from posterior samples of mu (here exact
// ones, as MCMC would give): every y_i has mean 1.216 and standard
// deviation √(0.16 + 1) ≈ 1.077.
func ExamplePredictive() {
	rng := dist.NewRNG(3)
	const n = 10000
	mu := make([]float64, n)
	for i := range mu {
		mu[i] = 1.216 + 0.4*rng.NormFloat64()
	}
	p := &infer.Predictive{
		Model:            exampleModel,
		PosteriorSamples: map[string]*tensor.Dense{"mu": tensor.New([]int{n}, mu)},
	}
	out, err := p.Run(context.Background(), poutine.NewRuntime(4))
	if err != nil {
		panic(err)
	}
	y := out["y"] // shape (n, 6): the observed site, resampled
	m, err := infer.EmpiricalMarginal(out, nil, "y")
	if err != nil {
		panic(err)
	}
	fmt.Println("shape:", y.Shape())
	fmt.Printf("mean of y[0] ≈ %.1f, sd ≈ %.1f\n", m.Mean()[0], math.Sqrt(m.Variance()[0]))
	// Output:
	// shape: [10000 6]
	// mean of y[0] ≈ 1.2, sd ≈ 1.1
}
