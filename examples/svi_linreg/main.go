// Command svi_linreg fits Bayesian linear regression with stochastic
// variational inference and compares the fit with the exact posterior.
//
// The model (models.LinearRegression) has Normal priors on the weights and
// the intercept and a known noise scale, so its posterior is Gaussian and
// known in closed form. An AutoMultivariateNormal guide (or, with
// -guide=normal, a mean-field AutoNormal) is fitted by maximizing the ELBO
// with Adam; the program prints the guide's posterior mean and standard
// deviation of every coefficient beside the exact ones.
//
//	go run ./examples/svi_linreg [-n 500] [-d 5] [-steps 8000] [-guide mvn|normal]
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/autoguide"
	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
)

// Config sets the problem size and the optimization.
type Config struct {
	N, D       int     // data rows and features
	Noise      float64 // known noise scale (also used to simulate the data)
	PriorScale float64 // prior scale of weights and intercept
	Intercept  float64 // true intercept of the simulated data
	Steps      int     // SVI steps
	LR         float64 // Adam's initial learning rate
	FinalLR    float64 // learning rate at the last step (exponential decay from LR)
	Particles  int     // ELBO particles per step
	Guide      string  // "mvn" (AutoMultivariateNormal) or "normal" (AutoNormal)
	Seed       uint64
}

// DefaultConfig is the configuration main runs without flags.
func DefaultConfig() Config {
	return Config{N: 500, D: 5, Noise: 0.5, PriorScale: 2, Intercept: 1, Steps: 8000, LR: 0.05, FinalLR: 0.0003, Particles: 1, Guide: "mvn", Seed: 1}
}

// Result is the fitted posterior beside the exact one. Coefficients are
// ordered w[1..D], b.
type Result struct {
	Names              []string
	True               []float64 // simulated weights and intercept
	Mean, SD           []float64 // the guide's posterior mean and sd
	ExactMean, ExactSD []float64 // the conjugate posterior's
	// TargetSD is the sd the guide's family can reach at its optimum: the
	// exact marginal sd for the multivariate guide, and for the mean-field
	// guide the conditional sd 1/√Λ_ii (Λ the posterior precision), which
	// minimizing KL(q‖p) over factorized Gaussians gives.
	TargetSD             []float64
	FirstLoss, FinalLoss float64 // −ELBO at the first step and averaged over the last 100
	Elapsed              time.Duration
}

// MaxMeanError is the largest |guide mean − exact mean| over the
// coefficients, in units of the exact posterior sd.
func (r *Result) MaxMeanError() float64 {
	m := 0.0
	for i := range r.Mean {
		m = math.Max(m, math.Abs(r.Mean[i]-r.ExactMean[i])/r.ExactSD[i])
	}
	return m
}

// MaxSDRatioError is the largest |guide sd / target sd − 1|.
func (r *Result) MaxSDRatioError() float64 {
	m := 0.0
	for i := range r.SD {
		m = math.Max(m, math.Abs(r.SD[i]/r.TargetSD[i]-1))
	}
	return m
}

// run simulates the data, fits the guide and reads off its posterior.
func run(ctx context.Context, cfg Config) (*Result, error) {
	data, w, err := models.SyntheticLinReg(cfg.N, cfg.D, cfg.Intercept, cfg.Noise, cfg.Seed)
	if err != nil {
		return nil, err
	}
	exactMean, exactCov, err := data.ConjugatePosterior(cfg.PriorScale, cfg.Noise)
	if err != nil {
		return nil, err
	}
	model := models.LinearRegression(data, cfg.PriorScale, cfg.Noise)
	p := cfg.D + 1
	res := &Result{
		Names:     append(models.SiteNames("w", []int{cfg.D}), "b"),
		True:      append(append([]float64(nil), w...), cfg.Intercept),
		ExactMean: exactMean,
		ExactSD:   make([]float64, p),
	}
	for i := range res.ExactSD {
		res.ExactSD[i] = math.Sqrt(exactCov[i*p+i])
	}
	res.TargetSD = res.ExactSD
	if cfg.Guide == "normal" {
		var prec mat.Dense
		if err := prec.Inverse(mat.NewDense(p, p, exactCov)); err != nil {
			return nil, fmt.Errorf("svi_linreg: posterior precision: %w", err)
		}
		res.TargetSD = make([]float64, p)
		for i := range res.TargetSD {
			res.TargetSD[i] = 1 / math.Sqrt(prec.At(i, i))
		}
	}

	r := poutine.NewRuntime(cfg.Seed + 100)
	opts := autoguide.Options{Seed: cfg.Seed}
	var guide poutine.Model
	var mvn *autoguide.AutoMultivariateNormal
	var normal *autoguide.AutoNormal
	switch cfg.Guide {
	case "mvn":
		mvn = autoguide.NewAutoMultivariateNormal(model, opts)
		guide = mvn.Guide
	case "normal":
		normal = autoguide.NewAutoNormal(model, opts)
		guide = normal.Guide
	default:
		return nil, fmt.Errorf("svi_linreg: unknown guide %q (want mvn or normal)", cfg.Guide)
	}
	adam, err := optim.NewAdam(cfg.LR)
	if err != nil {
		return nil, err
	}
	if !(cfg.FinalLR > 0) || cfg.Steps < 1 {
		return nil, fmt.Errorf("svi_linreg: final learning rate %v and %d steps must be positive", cfg.FinalLR, cfg.Steps)
	}
	// the step noise of Adam is of the order of its learning rate: decay it
	// so that the last steps settle within a fraction of a posterior sd
	sched, err := optim.NewExponentialLR(adam, math.Pow(cfg.FinalLR/cfg.LR, 1/float64(cfg.Steps)))
	if err != nil {
		return nil, err
	}
	svi := infer.NewSVI(r, model, guide, adam, &infer.TraceELBO{NumParticles: cfg.Particles})
	start := time.Now()
	tail := 0.0
	for step := 0; step < cfg.Steps; step++ {
		loss, err := svi.Step(ctx)
		if err != nil {
			return nil, err
		}
		if err := sched.Step(); err != nil {
			return nil, err
		}
		if step == 0 {
			res.FirstLoss = loss
		}
		if step >= cfg.Steps-100 {
			tail += loss
		}
	}
	res.Elapsed = time.Since(start)
	res.FinalLoss = tail / float64(min(100, cfg.Steps))

	if mvn != nil {
		loc, err := mvn.Loc(r)
		if err != nil {
			return nil, err
		}
		cov, err := mvn.Covariance(r)
		if err != nil {
			return nil, err
		}
		res.Mean = loc
		res.SD = make([]float64, p)
		for i := range res.SD {
			res.SD[i] = math.Sqrt(cov[i*p+i])
		}
		return res, nil
	}
	med, err := normal.Median(r)
	if err != nil {
		return nil, err
	}
	res.Mean = append(append([]float64(nil), med["w"].Data()...), med["b"].Data()...)
	for _, site := range []string{"w", "b"} {
		sc, err := r.Params.Value("AutoNormal.scales." + site)
		if err != nil {
			return nil, err
		}
		res.SD = append(res.SD, sc.Data()...)
	}
	return res, nil
}

func main() {
	cfg := DefaultConfig()
	flag.IntVar(&cfg.N, "n", cfg.N, "data rows")
	flag.IntVar(&cfg.D, "d", cfg.D, "features")
	flag.IntVar(&cfg.Steps, "steps", cfg.Steps, "SVI steps")
	flag.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam's initial learning rate")
	flag.Float64Var(&cfg.FinalLR, "final-lr", cfg.FinalLR, "learning rate at the last step (exponential decay)")
	flag.IntVar(&cfg.Particles, "particles", cfg.Particles, "ELBO particles per step")
	flag.StringVar(&cfg.Guide, "guide", cfg.Guide, "guide: mvn (AutoMultivariateNormal) or normal (AutoNormal)")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	flag.Parse()

	res, err := run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Bayesian linear regression, N=%d D=%d, noise %.2g, prior scale %.2g\n", cfg.N, cfg.D, cfg.Noise, cfg.PriorScale)
	fmt.Printf("SVI: %s guide, Adam(%g → %g), %d steps in %v; loss (−ELBO) %.2f → %.2f\n\n",
		cfg.Guide, cfg.LR, cfg.FinalLR, cfg.Steps, res.Elapsed.Round(time.Millisecond), res.FirstLoss, res.FinalLoss)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\ttrue\texact mean\tSVI mean\texact sd\ttarget sd\tSVI sd\t")
	for i, name := range res.Names {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t\n", name, res.True[i], res.ExactMean[i], res.Mean[i], res.ExactSD[i], res.TargetSD[i], res.SD[i])
	}
	tw.Flush()
	fmt.Println("(target sd: the exact marginal sd for the mvn guide, the mean-field optimum 1/√Λ_ii for the normal guide)")
	fmt.Printf("\nlargest mean error: %.3f exact sd; largest error of SVI sd vs target sd: %.1f%%\n", res.MaxMeanError(), 100*res.MaxSDRatioError())
}
