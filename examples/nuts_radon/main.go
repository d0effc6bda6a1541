// Command nuts_radon samples the Minnesota radon varying-intercept model
// (posteriordb's radon_variable_intercept_noncentered on radon_mn; 919
// houses in 85 counties) with NUTS and prints a summary.
//
// The model is models.RadonVaryingInterceptNC: county intercepts
// alpha = mu_alpha + sigma_alpha·alpha_raw with alpha_raw ~ Normal(0, 1),
// a floor effect beta, and log_radon ~ Normal(alpha[county] + beta·floor,
// sigma_y). The summary shows the population parameters (beta, mu_alpha,
// sigma_alpha, sigma_y) and, with -all, every alpha_raw[j]; it ends with the
// county intercepts alpha[j] of the first counties, derived draw by draw.
// Rows carry Stan's names, as in
// infer/testdata/reference/radon_variable_intercept_noncentered.json.
//
//	go run ./examples/nuts_radon [-chains 4] [-warmup 1000] [-samples 1000] [-all]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
)

// Config sets the run.
type Config struct {
	Data    string // path of radon_mn.json ("": the bundled file)
	Chains  int
	Warmup  int
	Samples int
	Seed    uint64
	All     bool // print every alpha_raw row
	// Counties is how many county intercepts alpha[j] to print.
	Counties int
}

// DefaultConfig is Stan's default run.
func DefaultConfig() Config {
	return Config{Chains: 4, Warmup: 1000, Samples: 1000, Seed: 1, Counties: 5}
}

func run(ctx context.Context, cfg Config) (*infer.MCMC, *models.RadonData, error) {
	path := cfg.Data
	if path == "" {
		var err error
		if path, err = models.DataPath(models.RadonFile); err != nil {
			return nil, nil, err
		}
	}
	data, err := models.LoadRadon(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := infer.NewMCMC(models.RadonVaryingInterceptNC(data), infer.MCMCOptions{
		Options:   mcmc.Options{NumWarmup: cfg.Warmup, NumSamples: cfg.Samples, Seed: cfg.Seed},
		NumChains: cfg.Chains,
	})
	if err != nil {
		return nil, nil, err
	}
	if err := m.Run(ctx); err != nil {
		return nil, nil, err
	}
	return m, data, nil
}

// alphaSummary summarizes the county intercepts
// alpha[j] = mu_alpha + sigma_alpha·alpha_raw[j] of the first k counties,
// computed draw by draw in every chain (Stan's transformed parameter).
func alphaSummary(m *infer.MCMC, j, k int) ([]mcmc.ParamSummary, error) {
	by := m.GetSamplesByChain()
	mu, sig, raw := by["mu_alpha"], by["sigma_alpha"], by["alpha_raw"]
	if mu == nil || sig == nil || raw == nil {
		return nil, fmt.Errorf("nuts_radon: the run lacks mu_alpha, sigma_alpha or alpha_raw")
	}
	k = min(k, j)
	chains, n := mu.Shape()[0], mu.Shape()[1]
	res := make([]mcmc.Result, chains)
	for c := 0; c < chains; c++ {
		draws := make([]float64, n*k)
		for i := 0; i < n; i++ {
			m, s := mu.Data()[c*n+i], sig.Data()[c*n+i]
			for a := 0; a < k; a++ {
				draws[i*k+a] = m + s*raw.Data()[(c*n+i)*j+a]
			}
		}
		res[c] = mcmc.Result{Dim: k, Draws: draws}
	}
	return mcmc.Summarize(res)
}

func report(w io.Writer, cfg Config, m *infer.MCMC, data *models.RadonData) error {
	fmt.Fprintf(w, "radon varying intercept (non-centred), N=%d houses, J=%d counties; NUTS: %d chains × (%d warm-up + %d draws)\n\n",
		data.N, data.J, cfg.Chains, cfg.Warmup, cfg.Samples)
	sites := []string{"beta", "mu_alpha", "sigma_alpha", "sigma_y"}
	if cfg.All {
		sites = nil
	}
	if err := models.WriteSummary(w, m, sites...); err != nil {
		return err
	}
	if cfg.Counties <= 0 {
		return nil
	}
	as, err := alphaSummary(m, data.J, cfg.Counties)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\ncounty intercepts alpha = mu_alpha + sigma_alpha·alpha_raw (Stan's transformed parameter):")
	for k, s := range as {
		fmt.Fprintf(w, "%10s  mean %6.3f  sd %5.3f  5%% %6.3f  95%% %6.3f  ess_bulk %5.0f  r_hat %.3f\n",
			models.StanName("alpha", k), s.Mean, s.SD, s.Q5, s.Q95, s.ESSBulk, s.RHat)
	}
	return nil
}

func main() {
	cfg := DefaultConfig()
	flag.StringVar(&cfg.Data, "data", "", "path of radon_mn.json (default: the bundled file)")
	flag.IntVar(&cfg.Chains, "chains", cfg.Chains, "chains, run in parallel")
	flag.IntVar(&cfg.Warmup, "warmup", cfg.Warmup, "warm-up iterations per chain")
	flag.IntVar(&cfg.Samples, "samples", cfg.Samples, "draws per chain")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	flag.BoolVar(&cfg.All, "all", false, "print every alpha_raw row")
	flag.IntVar(&cfg.Counties, "counties", cfg.Counties, "county intercepts alpha[j] to print")
	flag.Parse()
	m, data, err := run(context.Background(), cfg)
	if err == nil {
		err = report(os.Stdout, cfg, m, data)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
