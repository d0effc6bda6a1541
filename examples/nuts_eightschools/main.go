// Command nuts_eightschools samples the eight-schools posterior (Rubin
// 1981; posteriordb's eight_schools) with NUTS and prints a summary.
//
// By default it runs the non-centred model (models.EightSchoolsNonCentered,
// sites mu, tau, theta_tilde) and also summarizes the school effects
// theta = mu + tau·theta_tilde, Stan's generated quantity; with -centered
// it runs the centred model (sites mu, tau, theta), whose funnel makes
// NUTS diverge, which the divergence count shows. Rows carry Stan's
// parameter names, as in the reference posterior
// infer/testdata/reference/eight_schools_noncentered.json.
//
//	go run ./examples/nuts_eightschools [-chains 4] [-warmup 1000] [-samples 1000] [-centered]
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
	Data                    string // path of eight_schools.json ("": the bundled file)
	Chains, Warmup, Samples int
	Seed                    uint64
	Centered                bool
}

// DefaultConfig is Stan's default run: 4 chains of 1000 warm-up and 1000
// kept iterations.
func DefaultConfig() Config {
	return Config{Chains: 4, Warmup: 1000, Samples: 1000, Seed: 1}
}

// run loads the data and samples the model.
func run(ctx context.Context, cfg Config) (*infer.MCMC, *models.EightSchoolsData, error) {
	path := cfg.Data
	if path == "" {
		var err error
		if path, err = models.DataPath(models.EightSchoolsFile); err != nil {
			return nil, nil, err
		}
	}
	data, err := models.LoadEightSchools(path)
	if err != nil {
		return nil, nil, err
	}
	model := models.EightSchoolsNonCentered(data)
	if cfg.Centered {
		model = models.EightSchoolsCentered(data)
	}
	m, err := infer.NewMCMC(model, infer.MCMCOptions{
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

// thetaSummary summarizes the school effects theta[j] = mu + tau·theta_tilde[j]
// of a non-centred run, computed draw by draw in every chain.
func thetaSummary(m *infer.MCMC, j int) ([]mcmc.ParamSummary, error) {
	by := m.GetSamplesByChain()
	mu, tau, tt := by["mu"], by["tau"], by["theta_tilde"]
	if mu == nil || tau == nil || tt == nil {
		return nil, fmt.Errorf("nuts_eightschools: the run lacks mu, tau or theta_tilde")
	}
	chains, n := mu.Shape()[0], mu.Shape()[1]
	res := make([]mcmc.Result, chains)
	for c := 0; c < chains; c++ {
		draws := make([]float64, n*j)
		for i := 0; i < n; i++ {
			m, t := mu.Data()[c*n+i], tau.Data()[c*n+i]
			for k := 0; k < j; k++ {
				draws[i*j+k] = m + t*tt.Data()[(c*n+i)*j+k]
			}
		}
		res[c] = mcmc.Result{Dim: j, Draws: draws}
	}
	return mcmc.Summarize(res)
}

// report writes the summary (and theta's for the non-centred model).
func report(w io.Writer, cfg Config, m *infer.MCMC, data *models.EightSchoolsData) error {
	kind := "non-centred"
	if cfg.Centered {
		kind = "centred"
	}
	fmt.Fprintf(w, "eight schools (%s), NUTS: %d chains × (%d warm-up + %d draws)\n\n", kind, cfg.Chains, cfg.Warmup, cfg.Samples)
	if err := models.WriteSummary(w, m); err != nil {
		return err
	}
	if cfg.Centered {
		return nil
	}
	ts, err := thetaSummary(m, data.J)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nschool effects theta = mu + tau·theta_tilde (Stan's generated quantity):")
	for k, s := range ts {
		fmt.Fprintf(w, "%10s  mean %7.3f  sd %6.3f  5%% %7.3f  95%% %7.3f  ess_bulk %5.0f  r_hat %.3f\n",
			models.StanName("theta", k), s.Mean, s.SD, s.Q5, s.Q95, s.ESSBulk, s.RHat)
	}
	return nil
}

func main() {
	cfg := DefaultConfig()
	flag.StringVar(&cfg.Data, "data", "", "path of eight_schools.json (default: the bundled file)")
	flag.IntVar(&cfg.Chains, "chains", cfg.Chains, "chains, run in parallel")
	flag.IntVar(&cfg.Warmup, "warmup", cfg.Warmup, "warm-up iterations per chain")
	flag.IntVar(&cfg.Samples, "samples", cfg.Samples, "draws per chain")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	flag.BoolVar(&cfg.Centered, "centered", false, "sample the centred parameterization")
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
