// Command svi_gmm fits a Gaussian mixture by stochastic variational
// inference with a hand-written guide.
//
// The model (models.GaussianMixture) puts Normal priors on the K component
// means and, with -concentration > 0, a Dirichlet prior on the mixture
// weights; each point's component is summed out analytically in the model
// (a logsumexp over components), so no discrete site needs enumerating.
// The guide, written here by hand, is mean-field and fully reparameterized:
//
//	locs[k] ~ Normal(locs_loc[k], locs_scale[k])
//	weights ~ LogisticNormal(weights_loc, weights_scale)
//
// (a Dirichlet guide for the weights would have no reparameterized sample,
// and its score-function gradient, whose cost term is the log likelihood of
// every point, is too noisy to fit the weights in a few thousand steps; the
// logistic normal, a Normal mapped onto the simplex by stick breaking,
// approximates the near-Gaussian posterior of well-determined weights
// well).
// with the means initialized at well-spread data points (each the farthest
// from those already chosen). The program prints the fitted means beside
// the true ones, the weights, and how many points the fitted mixture
// assigns to their true component.
//
//	go run ./examples/svi_gmm [-n 1000] [-steps 2000] [-concentration 1]
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// Config sets the simulated data and the fit.
type Config struct {
	N           int
	TrueLocs    [][]float64 // component means of the simulated data (K × D)
	TrueWeights []float64
	Scale       float64 // component standard deviation (known to the model)
	// Concentration > 0 puts a Dirichlet(Concentration) prior on the
	// weights and fits a Dirichlet guide; 0 fixes them at 1/K.
	Concentration float64
	Steps         int
	LR            float64 // Adam learning rate
	Particles     int     // ELBO particles per step
	Seed          uint64
}

// DefaultConfig is the configuration main runs without flags.
func DefaultConfig() Config {
	return Config{
		N:             1000,
		TrueLocs:      [][]float64{{-4, 0}, {4, 0}, {0, 5}},
		TrueWeights:   []float64{0.5, 0.3, 0.2},
		Scale:         1,
		Concentration: 1,
		Steps:         2000,
		LR:            0.05,
		Particles:     1,
		Seed:          1,
	}
}

// Result is the fitted mixture, with components matched to the true ones.
type Result struct {
	// Locs and LocSD are the guide's means and sds of the component
	// means, reordered so that component k is the one fitted to true
	// component k; Weights the guide's mean weights in the same order.
	Locs, LocSD [][]float64
	Weights     []float64
	// MaxLocError is the largest distance between a fitted and a true
	// component mean.
	MaxLocError float64
	// Accuracy is the fraction of points whose most probable component
	// under the fitted mixture is their true one.
	Accuracy  float64
	FinalLoss float64 // mean −ELBO over the last 100 steps
	Elapsed   time.Duration
}

// guide returns the hand-written mean-field guide for k components in d
// dimensions, with the locations initialized at init (k×d row-major) and,
// when the model samples the weights, a logistic-normal guide for them
// starting at equal weights.
func guide(k, d int, weights bool, init []float64) poutine.Model {
	shape := []int{k, d}
	return func(r *poutine.Runtime) {
		if weights {
			loc := r.ParamLazy("weights_loc", func() *tensor.Dense {
				return tensor.New([]int{k - 1}, nil)
			})
			scale := r.ParamLazy("weights_scale", func() *tensor.Dense {
				s := make([]float64, k-1)
				for i := range s {
					s[i] = 0.1
				}
				return tensor.New([]int{k - 1}, s)
			}, poutine.WithConstraint(constraints.Positive))
			r.Sample("weights", dist.LogisticNormal(loc, scale))
		}
		loc := r.ParamLazy("locs_loc", func() *tensor.Dense {
			return tensor.New(shape, append([]float64(nil), init...))
		})
		scale := r.ParamLazy("locs_scale", func() *tensor.Dense {
			s := make([]float64, k*d)
			for i := range s {
				s[i] = 0.1
			}
			return tensor.New(shape, s)
		}, poutine.WithConstraint(constraints.Positive))
		r.Plate("components", k, func([]int) {
			r.Sample("locs", dist.ToEvent(dist.Normal(loc, scale), 1))
		})
	}
}

// spreadInit picks k data points, the first at random and each next one
// the point farthest from those already picked, as initial locations.
func spreadInit(data *models.GMMData, k int, rng *dist.RNG) []float64 {
	d := data.D
	out := make([]float64, 0, k*d)
	first := rng.IntN(data.N)
	out = append(out, data.X[first*d:(first+1)*d]...)
	near := make([]float64, data.N) // squared distance to the nearest pick
	for i := range near {
		near[i] = math.Inf(1)
	}
	for len(out) < k*d {
		last := out[len(out)-d:]
		best, bestD := 0, -1.0
		for i := 0; i < data.N; i++ {
			var s float64
			for j := 0; j < d; j++ {
				e := data.X[i*d+j] - last[j]
				s += e * e
			}
			near[i] = math.Min(near[i], s)
			if near[i] > bestD {
				best, bestD = i, near[i]
			}
		}
		out = append(out, data.X[best*d:(best+1)*d]...)
	}
	return out
}

func run(ctx context.Context, cfg Config) (*Result, error) {
	k := len(cfg.TrueLocs)
	data, labels, err := models.SyntheticGMM(cfg.N, cfg.TrueLocs, cfg.TrueWeights, cfg.Scale, cfg.Seed)
	if err != nil {
		return nil, err
	}
	model, err := models.GaussianMixture(data, models.GMMConfig{K: k, Scale: cfg.Scale, Concentration: cfg.Concentration})
	if err != nil {
		return nil, err
	}
	if cfg.Steps < 1 {
		return nil, fmt.Errorf("svi_gmm: %d steps", cfg.Steps)
	}
	r := poutine.NewRuntime(cfg.Seed + 1)
	sampleWeights := cfg.Concentration > 0 && k > 1
	g := guide(k, data.D, sampleWeights, spreadInit(data, k, dist.NewRNG(cfg.Seed+2)))
	adam, err := optim.NewAdam(cfg.LR)
	if err != nil {
		return nil, err
	}
	svi := infer.NewSVI(r, model, g, adam, &infer.TraceELBO{NumParticles: cfg.Particles})
	res := &Result{}
	start := time.Now()
	for step := 0; step < cfg.Steps; step++ {
		loss, err := svi.Step(ctx)
		if err != nil {
			return nil, err
		}
		if step >= cfg.Steps-100 {
			res.FinalLoss += loss / float64(min(100, cfg.Steps))
		}
	}
	res.Elapsed = time.Since(start)

	locT, err := r.Params.Value("locs_loc")
	if err != nil {
		return nil, err
	}
	scT, err := r.Params.Value("locs_scale")
	if err != nil {
		return nil, err
	}
	loc, sc := locT.Data(), scT.Data()
	w := make([]float64, k)
	if sampleWeights {
		// the guide's mean weights, by Monte Carlo over guide draws
		const draws = 1000
		tc := poutine.TraceOf(g)
		for i := 0; i < draws; i++ {
			r.Reset()
			tr, err := tc.Get(r)
			if err != nil {
				return nil, err
			}
			for j, v := range tr.Get("weights").Value.Data() {
				w[j] += v / draws
			}
		}
	} else {
		for i := range w {
			w[i] = 1 / float64(k)
		}
	}

	// match fitted components to true ones (the posterior is symmetric
	// under relabelling): the permutation with the smallest total distance
	d := data.D
	dist2 := func(fit, truth int) float64 {
		var s float64
		for j := 0; j < d; j++ {
			e := loc[fit*d+j] - cfg.TrueLocs[truth][j]
			s += e * e
		}
		return s
	}
	perm := bestPermutation(k, dist2) // perm[truth] = fitted component
	for t := 0; t < k; t++ {
		f := perm[t]
		res.Locs = append(res.Locs, loc[f*d:(f+1)*d])
		res.LocSD = append(res.LocSD, sc[f*d:(f+1)*d])
		res.Weights = append(res.Weights, w[f])
		res.MaxLocError = math.Max(res.MaxLocError, math.Sqrt(dist2(f, t)))
	}

	// most probable component of each point under the fitted mixture
	correct := 0
	for i := 0; i < data.N; i++ {
		best, bestLP := 0, math.Inf(-1)
		for t := 0; t < k; t++ {
			lp := math.Log(res.Weights[t])
			for j := 0; j < d; j++ {
				e := (data.X[i*d+j] - res.Locs[t][j]) / cfg.Scale
				lp -= 0.5 * e * e
			}
			if lp > bestLP {
				best, bestLP = t, lp
			}
		}
		if best == labels[i] {
			correct++
		}
	}
	res.Accuracy = float64(correct) / float64(data.N)
	return res, nil
}

// bestPermutation returns the assignment perm (perm[t] = f) of k fitted
// components to k true ones that minimizes Σ_t cost(perm[t], t), by trying
// every permutation (k is small).
func bestPermutation(k int, cost func(fit, truth int) float64) []int {
	perm := make([]int, k)
	for i := range perm {
		perm[i] = i
	}
	best := append([]int(nil), perm...)
	bestC := math.Inf(1)
	var rec func(i int)
	rec = func(i int) {
		if i == k {
			var c float64
			for t, f := range perm {
				c += cost(f, t)
			}
			if c < bestC {
				bestC = c
				copy(best, perm)
			}
			return
		}
		for j := i; j < k; j++ {
			perm[i], perm[j] = perm[j], perm[i]
			rec(i + 1)
			perm[i], perm[j] = perm[j], perm[i]
		}
	}
	rec(0)
	return best
}

func main() {
	cfg := DefaultConfig()
	flag.IntVar(&cfg.N, "n", cfg.N, "data points")
	flag.IntVar(&cfg.Steps, "steps", cfg.Steps, "SVI steps")
	flag.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam learning rate")
	flag.IntVar(&cfg.Particles, "particles", cfg.Particles, "ELBO particles per step")
	flag.Float64Var(&cfg.Concentration, "concentration", cfg.Concentration, "Dirichlet prior concentration of the weights (0: fixed equal weights)")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	flag.Parse()

	res, err := run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Gaussian mixture, N=%d, K=%d components in %d-D, scale %.2g; assignments summed out in the model\n",
		cfg.N, len(cfg.TrueLocs), len(cfg.TrueLocs[0]), cfg.Scale)
	fmt.Printf("SVI: hand-written guide, Adam(%g), %d steps in %v, final loss (−ELBO) %.2f\n\n",
		cfg.LR, cfg.Steps, res.Elapsed.Round(time.Millisecond), res.FinalLoss)
	for t := range cfg.TrueLocs {
		fmt.Printf("component %d: true mean %v weight %.2f  →  fitted mean [", t+1, cfg.TrueLocs[t], cfg.TrueWeights[t])
		for j, v := range res.Locs[t] {
			if j > 0 {
				fmt.Print(" ")
			}
			fmt.Printf("%.3f±%.3f", v, res.LocSD[t][j])
		}
		fmt.Printf("] weight %.3f\n", res.Weights[t])
	}
	fmt.Printf("\nlargest distance between fitted and true means: %.3f\n", res.MaxLocError)
	fmt.Printf("points assigned to their true component: %.1f%%\n", 100*res.Accuracy)
}
