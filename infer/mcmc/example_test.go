package mcmc_test

import (
	"context"
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/infer/mcmc"
)

// A Gaussian with mean (1, −2) and standard deviations (0.5, 2), written
// as a potential energy U = −log p.
func gaussian(x, grad []float64) float64 {
	mu := [2]float64{1, -2}
	sd := [2]float64{0.5, 2}
	var u float64
	for i := range x {
		z := (x[i] - mu[i]) / sd[i]
		grad[i] = z / sd[i]
		u += 0.5 * z * z
	}
	return u
}

func ExampleSample() {
	res, err := mcmc.Sample(context.Background(), gaussian, []float64{0, 0},
		mcmc.Options{NumWarmup: 500, NumSamples: 2000, Seed: 1})
	if err != nil {
		panic(err)
	}
	x0 := res.Param(0, nil)
	x1 := res.Param(1, nil)
	se0 := mcmc.MCSEMean([][]float64{x0})
	se1 := mcmc.MCSEMean([][]float64{x1})
	fmt.Printf("mean[0] within 4 MCSE of 1: %v\n", math.Abs(mean(x0)-1) < 4*se0)
	fmt.Printf("mean[1] within 4 MCSE of -2: %v\n", math.Abs(mean(x1)+2) < 4*se1)
	fmt.Printf("%d divergences\n", res.NumDivergent)
	// Output:
	// mean[0] within 4 MCSE of 1: true
	// mean[1] within 4 MCSE of -2: true
	// 0 divergences
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func ExampleSampleChains() {
	pots := []mcmc.Potential{gaussian, gaussian, gaussian, gaussian} // stateless: safe to share
	res, err := mcmc.SampleChains(context.Background(), pots, [][]float64{{0, 0}},
		mcmc.Options{NumWarmup: 500, NumSamples: 1000, Seed: 2})
	if err != nil {
		panic(err)
	}
	sum, err := mcmc.Summarize(res)
	if err != nil {
		panic(err)
	}
	truth := [][2]float64{{1, 0.5}, {-2, 2}} // mean, sd
	for j, s := range sum {
		fmt.Printf("x[%d]: mean ok %v, sd ok %v, r_hat < 1.01 %v, ess_bulk > 1000 %v\n", j,
			math.Abs(s.Mean-truth[j][0]) < 4*s.MCSEMean, math.Abs(s.SD-truth[j][1]) < 0.1*truth[j][1],
			s.RHat < 1.01, s.ESSBulk > 1000)
	}
	// Output:
	// x[0]: mean ok true, sd ok true, r_hat < 1.01 true, ess_bulk > 1000 true
	// x[1]: mean ok true, sd ok true, r_hat < 1.01 true, ess_bulk > 1000 true
}

func ExampleFromLogDensity() {
	// log p(x) = −x²/2 for a standard normal, as a log-density function.
	logp := func(x, grad []float64) float64 {
		grad[0] = -x[0]
		return -0.5 * x[0] * x[0]
	}
	pot := mcmc.FromLogDensity(logp)
	g := make([]float64, 1)
	u := pot([]float64{2}, g)
	fmt.Println(u, g[0])
	// Output: 2 2
}

func ExampleRHat() {
	chains := [][]float64{
		{0.1, -0.3, 0.2, 0.5, -0.1, 0.0, 0.3, -0.2},
		{5.1, 4.7, 5.2, 5.5, 4.9, 5.0, 5.3, 4.8}, // stuck elsewhere
	}
	fmt.Printf("R-hat %.1f flags non-convergence: %v\n", mcmc.RHat(chains), mcmc.RHat(chains) > 1.01)
	// Output: R-hat 1.7 flags non-convergence: true
}

func ExampleNewChain() {
	ch, err := mcmc.NewChain(gaussian, []float64{0, 0}, mcmc.Options{NumWarmup: 300, Seed: 3}, 0)
	if err != nil {
		panic(err)
	}
	for ch.InWarmup() {
		if _, _, err := ch.Step(); err != nil {
			panic(err)
		}
	}
	// Stream 1000 draws, keeping only a running mean of x[0].
	var sum float64
	for i := 0; i < 1000; i++ {
		if _, _, err := ch.Step(); err != nil {
			panic(err)
		}
		sum += ch.Position()[0]
	}
	fmt.Printf("mean of x[0] within 0.1 of 1: %v\n", math.Abs(sum/1000-1) < 0.1)
	// Output: mean of x[0] within 0.1 of 1: true
}
