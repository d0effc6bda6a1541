// Command nuts_logreg samples the posterior of Bayesian logistic regression
// with NUTS and prints a summary.
//
// By default the data are the Wisconsin breast-cancer features (569 rows,
// 30 standardized columns; models.LoadBreastCancer), the posterior of the
// Stan reference infer/testdata/reference/breast_cancer_logistic.json;
// with -synthetic it samples seeded synthetic data of -n rows and -d
// features (models.SyntheticLogReg) and also reports how well the posterior
// means recover the true weights. The model is models.LogisticRegression:
// w ~ Normal(0, 1) per feature, b ~ Normal(0, 10), y ~ Bernoulli(logits =
// Xw + b).
//
//	go run ./examples/nuts_logreg [-chains 4] [-warmup 1000] [-samples 1000] [-synthetic -n 10000 -d 50]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
)

// Config sets the data and the run.
type Config struct {
	Data      string // path of breast_cancer.csv ("": the bundled file)
	Synthetic bool   // sample synthetic data instead
	N, D      int    // synthetic data size
	Chains    int
	Warmup    int
	Samples   int
	Seed      uint64
}

// DefaultConfig is Stan's default run on the breast-cancer data.
func DefaultConfig() Config {
	return Config{N: 10000, D: 50, Chains: 4, Warmup: 1000, Samples: 1000, Seed: 1}
}

// run loads or simulates the data and samples the model. trueW is nil for
// real data.
func run(ctx context.Context, cfg Config) (m *infer.MCMC, data *models.LogRegData, trueW []float64, err error) {
	if cfg.Synthetic {
		data, trueW, err = models.SyntheticLogReg(cfg.N, cfg.D, cfg.Seed)
	} else {
		path := cfg.Data
		if path == "" {
			path, err = models.DataPath(models.BreastCancerFile)
		}
		if err == nil {
			data, err = models.LoadBreastCancer(path)
		}
	}
	if err != nil {
		return nil, nil, nil, err
	}
	m, err = infer.NewMCMC(models.LogisticRegression(data), infer.MCMCOptions{
		Options:   mcmc.Options{NumWarmup: cfg.Warmup, NumSamples: cfg.Samples, Seed: cfg.Seed},
		NumChains: cfg.Chains,
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if err := m.Run(ctx); err != nil {
		return nil, nil, nil, err
	}
	return m, data, trueW, nil
}

// weightRMSE is the root mean square difference between the posterior
// means of w and the true weights.
func weightRMSE(m *infer.MCMC, trueW []float64) float64 {
	w := m.GetSamples()["w"]
	d := len(trueW)
	n := w.Shape()[0]
	var se float64
	for j := 0; j < d; j++ {
		var mean float64
		for i := 0; i < n; i++ {
			mean += w.Data()[i*d+j]
		}
		mean /= float64(n)
		se += (mean - trueW[j]) * (mean - trueW[j])
	}
	return math.Sqrt(se / float64(d))
}

func report(w io.Writer, cfg Config, m *infer.MCMC, data *models.LogRegData, trueW []float64) error {
	what := "breast cancer (standardized features)"
	if cfg.Synthetic {
		what = "synthetic data"
	}
	fmt.Fprintf(w, "logistic regression on %s, N=%d D=%d; NUTS: %d chains × (%d warm-up + %d draws)\n\n",
		what, data.N, data.D, cfg.Chains, cfg.Warmup, cfg.Samples)
	if err := models.WriteSummary(w, m); err != nil {
		return err
	}
	if trueW != nil {
		fmt.Fprintf(w, "\nRMSE of the posterior means of w against the true weights: %.4f (true b = %.1f)\n",
			weightRMSE(m, trueW), models.SyntheticLogRegIntercept)
	}
	return nil
}

func main() {
	cfg := DefaultConfig()
	flag.StringVar(&cfg.Data, "data", "", "path of breast_cancer.csv (default: the bundled file)")
	flag.BoolVar(&cfg.Synthetic, "synthetic", false, "sample seeded synthetic data instead of the breast-cancer data")
	flag.IntVar(&cfg.N, "n", cfg.N, "synthetic data rows")
	flag.IntVar(&cfg.D, "d", cfg.D, "synthetic data features")
	flag.IntVar(&cfg.Chains, "chains", cfg.Chains, "chains, run in parallel")
	flag.IntVar(&cfg.Warmup, "warmup", cfg.Warmup, "warm-up iterations per chain")
	flag.IntVar(&cfg.Samples, "samples", cfg.Samples, "draws per chain")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (data and sampler)")
	flag.Parse()
	m, data, trueW, err := run(context.Background(), cfg)
	if err == nil {
		err = report(os.Stdout, cfg, m, data, trueW)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
