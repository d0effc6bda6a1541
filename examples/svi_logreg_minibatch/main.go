// Command svi_logreg_minibatch fits Bayesian logistic regression by
// stochastic variational inference on minibatches.
//
// The model is models.LogisticRegression with its data plate subsampled
// (poutine.SubsampleSize): every SVI step scores a fresh random minibatch of
// rows and the plate scales their log likelihood by N/batch, so the
// minibatch ELBO is an unbiased estimate of the full-data ELBO and its
// gradient of the full-data gradient. An AutoNormal guide is fitted with
// Adam on seeded synthetic data (X, true weights ~ N(0, 1), intercept 0.5);
// the program prints the loss as it goes, the full-data loss at the end,
// and how close the posterior means are to the true weights.
//
//	go run ./examples/svi_logreg_minibatch [-n 10000] [-d 50] [-batch 500] [-steps 3000]
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/autoguide"
	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
)

// Config sets the data, the minibatch size and the optimization.
type Config struct {
	N, D    int
	Batch   int     // rows per step (N: full batch)
	Steps   int     // SVI steps
	LR      float64 // Adam's initial learning rate
	FinalLR float64 // learning rate at the last step (exponential decay)
	Seed    uint64
	// Every > 0 calls Progress with the running mean loss every Every steps.
	Every    int
	Progress func(step int, meanLoss float64)
}

// DefaultConfig is the configuration main runs without flags: the size of
// gyro's logistic-regression benchmark.
func DefaultConfig() Config {
	return Config{N: 10000, D: 50, Batch: 500, Steps: 3000, LR: 0.05, FinalLR: 0.002, Seed: 42}
}

// Result is the fitted posterior beside the truth.
type Result struct {
	TrueW         []float64
	W             []float64 // posterior means of the weights (the guide's medians)
	WScale        []float64 // the guide's posterior sds of the weights
	B             float64   // posterior mean of the intercept
	RMSE          float64   // root mean square error of W against TrueW
	FullLoss      float64   // full-data −ELBO, averaged over 20 guide draws, at the end
	Elapsed       time.Duration
	NumDataPoints int64 // rows scored over all steps
}

// newSVI prepares SVI of the (possibly subsampled) model on data with an
// AutoNormal guide on runtime r.
func newSVI(r *poutine.Runtime, data *models.LogRegData, batch int, opt infer.Optimizer, seed uint64) (*infer.SVI, *autoguide.AutoNormal) {
	var opts []poutine.PlateOption
	if batch < data.N {
		opts = append(opts, poutine.SubsampleSize(batch))
	}
	model := models.LogisticRegression(data, opts...)
	guide := autoguide.NewAutoNormal(model, autoguide.Options{Seed: seed})
	return infer.NewSVI(r, model, guide.Guide, opt, &infer.TraceELBO{}), guide
}

// meanLoss averages n evaluations of the loss (no parameter update).
func meanLoss(ctx context.Context, svi *infer.SVI, n int) (mean, se float64, err error) {
	var s, ss float64
	for i := 0; i < n; i++ {
		l, err := svi.EvaluateLoss(ctx)
		if err != nil {
			return 0, 0, err
		}
		s += l
		ss += l * l
	}
	mean = s / float64(n)
	if n > 1 {
		se = math.Sqrt(math.Max(0, ss/float64(n)-mean*mean) / float64(n-1))
	}
	return mean, se, nil
}

func run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Batch < 1 || cfg.Batch > cfg.N {
		return nil, fmt.Errorf("svi_logreg_minibatch: batch %d must be in [1, N = %d]", cfg.Batch, cfg.N)
	}
	if cfg.Steps < 1 || !(cfg.LR > 0) || !(cfg.FinalLR > 0) {
		return nil, fmt.Errorf("svi_logreg_minibatch: %d steps, learning rates %v → %v must be positive", cfg.Steps, cfg.LR, cfg.FinalLR)
	}
	data, wTrue, err := models.SyntheticLogReg(cfg.N, cfg.D, cfg.Seed)
	if err != nil {
		return nil, err
	}
	r := poutine.NewRuntime(cfg.Seed + 1)
	adam, err := optim.NewAdam(cfg.LR)
	if err != nil {
		return nil, err
	}
	sched, err := optim.NewExponentialLR(adam, math.Pow(cfg.FinalLR/cfg.LR, 1/float64(cfg.Steps)))
	if err != nil {
		return nil, err
	}
	svi, guide := newSVI(r, data, cfg.Batch, adam, cfg.Seed)
	start := time.Now()
	var run float64
	for step := 1; step <= cfg.Steps; step++ {
		loss, err := svi.Step(ctx)
		if err != nil {
			return nil, err
		}
		if err := sched.Step(); err != nil {
			return nil, err
		}
		run += loss
		if cfg.Every > 0 && step%cfg.Every == 0 && cfg.Progress != nil {
			cfg.Progress(step, run/float64(cfg.Every))
			run = 0
		}
	}
	res := &Result{TrueW: wTrue, Elapsed: time.Since(start), NumDataPoints: int64(cfg.Steps) * int64(cfg.Batch)}

	med, err := guide.Median(r)
	if err != nil {
		return nil, err
	}
	res.W = med["w"].Data()
	res.B = med["b"].Data()[0]
	sc, err := r.Params.Value("AutoNormal.scales.w")
	if err != nil {
		return nil, err
	}
	res.WScale = sc.Data()
	var se float64
	for j := range res.W {
		se += (res.W[j] - wTrue[j]) * (res.W[j] - wTrue[j])
	}
	res.RMSE = math.Sqrt(se / float64(cfg.D))

	// the full-data loss of the fitted guide (same parameter store)
	full, _ := newSVI(r, data, data.N, adam, cfg.Seed)
	if res.FullLoss, _, err = meanLoss(ctx, full, 20); err != nil {
		return nil, err
	}
	return res, nil
}

func main() {
	cfg := DefaultConfig()
	flag.IntVar(&cfg.N, "n", cfg.N, "data rows")
	flag.IntVar(&cfg.D, "d", cfg.D, "features")
	flag.IntVar(&cfg.Batch, "batch", cfg.Batch, "minibatch size (n: full batch)")
	flag.IntVar(&cfg.Steps, "steps", cfg.Steps, "SVI steps")
	flag.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam's initial learning rate")
	flag.Float64Var(&cfg.FinalLR, "final-lr", cfg.FinalLR, "learning rate at the last step (exponential decay)")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (data and inference)")
	flag.Parse()
	cfg.Every = max(1, cfg.Steps/10)
	cfg.Progress = func(step int, loss float64) {
		fmt.Printf("step %6d  mean minibatch loss %12.2f\n", step, loss)
	}

	fmt.Printf("logistic regression, N=%d D=%d, minibatches of %d (log likelihood scaled by %.4g)\n",
		cfg.N, cfg.D, cfg.Batch, float64(cfg.N)/float64(cfg.Batch))
	res, err := run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("\n%d steps in %v (%.1f µs/step, %d rows scored)\n", cfg.Steps, res.Elapsed.Round(time.Millisecond),
		float64(res.Elapsed.Microseconds())/float64(cfg.Steps), res.NumDataPoints)
	fmt.Printf("full-data loss (−ELBO) of the fitted guide: %.2f\n", res.FullLoss)
	fmt.Printf("intercept: posterior mean %.4f (true %.1f)\n", res.B, models.SyntheticLogRegIntercept)
	fmt.Printf("weights: RMSE of posterior means vs true weights %.4f\n", res.RMSE)
	fmt.Println("first weights (true, posterior mean ± sd):")
	for j := 0; j < min(5, cfg.D); j++ {
		fmt.Printf("  w[%d]  %8.4f  %8.4f ± %.4f\n", j+1, res.TrueW[j], res.W[j], res.WScale[j])
	}
}
