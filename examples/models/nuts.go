package models

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
	"github.com/gyro-ppl/gyro/poutine"
)

// NUTSConfig configures SampleNUTS.
type NUTSConfig struct {
	// Chains is the number of chains, run in parallel (default 4).
	Chains int
	// Warmup and Samples are the warm-up and kept iterations per chain
	// (defaults 1000 and 1000, Stan's).
	Warmup, Samples int
	// Seed seeds the model potentials, the initial points and the chains.
	Seed uint64
	// Options holds any other sampler settings (target acceptance, dense
	// mass matrix, maximum tree depth, …); its NumWarmup, NumSamples and
	// Seed are replaced by the fields above.
	Options mcmc.Options
}

// Posterior holds the draws of SampleNUTS.
type Posterior struct {
	// Names are the Stan names of the constrained coordinates (CoordNames).
	Names []string
	// Unconstrained are the chains as the sampler produced them, on the
	// potential's unconstrained space; Constrained the same draws mapped
	// to the sites' supports, coordinate by coordinate as Names.
	Unconstrained, Constrained []mcmc.Result
	// Summary summarizes each constrained coordinate over all chains.
	Summary []mcmc.ParamSummary
}

// SampleNUTS runs cfg.Chains NUTS chains on model in parallel, each with its
// own model potential (infer.ModelPotential.Clone) and its own initial point
// drawn uniformly from (−2, 2) on the unconstrained space (Stan's default),
// and summarizes the constrained draws.
func SampleNUTS(ctx context.Context, model poutine.Model, cfg NUTSConfig) (*Posterior, error) {
	if cfg.Chains == 0 {
		cfg.Chains = 4
	}
	if cfg.Warmup == 0 {
		cfg.Warmup = 1000
	}
	if cfg.Samples == 0 {
		cfg.Samples = 1000
	}
	if cfg.Chains < 1 || cfg.Warmup < 0 || cfg.Samples < 1 {
		return nil, fmt.Errorf("models: SampleNUTS: %d chains, %d warm-up and %d samples", cfg.Chains, cfg.Warmup, cfg.Samples)
	}
	base, err := infer.NewModelPotential(model, cfg.Seed)
	if err != nil {
		return nil, err
	}
	pots := make([]mcmc.Potential, cfg.Chains)
	inits := make([][]float64, cfg.Chains)
	rng := dist.NewRNG(cfg.Seed ^ 0x9e3779b97f4a7c15)
	for c := range pots {
		p := base
		if c > 0 {
			p = base.Clone(cfg.Seed + uint64(c))
		}
		pots[c] = p.Potential
		if inits[c], err = infer.FindInitial(p, infer.InitToUniform{Radius: 2}, rng, 100); err != nil {
			return nil, fmt.Errorf("models: chain %d: %w", c, err)
		}
	}
	opts := cfg.Options
	opts.NumWarmup, opts.NumSamples, opts.Seed = cfg.Warmup, cfg.Samples, cfg.Seed
	raw, err := mcmc.SampleChains(ctx, pots, inits, opts)
	if err != nil {
		return nil, err
	}
	con, err := ConstrainedDraws(base, raw)
	if err != nil {
		return nil, err
	}
	sum, err := mcmc.Summarize(con)
	if err != nil {
		return nil, err
	}
	return &Posterior{Names: CoordNames(base), Unconstrained: raw, Constrained: con, Summary: sum}, nil
}

// Divergences is the number of divergent post-warm-up transitions over all
// chains.
func (p *Posterior) Divergences() int {
	n := 0
	for _, r := range p.Unconstrained {
		n += r.NumDivergent
	}
	return n
}

// Gradients is the number of potential evaluations over all chains,
// warm-up included.
func (p *Posterior) Gradients() int64 {
	var n int64
	for _, r := range p.Unconstrained {
		n += r.NumGradients
	}
	return n
}

// Coord returns the index of the coordinate with the given Stan name, or −1.
func (p *Posterior) Coord(name string) int { return slices.Index(p.Names, name) }

// WriteSummary writes a table of the summary in the layout of Pyro's and
// ArviZ's summaries (mean, sd, median, 5% and 95% quantiles, bulk and tail
// effective sample sizes, R-hat), one row per coordinate, followed by the
// number of divergences.
func (p *Posterior) WriteSummary(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmean\tsd\tmedian\t5%\t95%\tess_bulk\tess_tail\tr_hat\t")
	for i, s := range p.Summary {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.0f\t%.0f\t%.3f\t\n",
			p.Names[i], s.Mean, s.SD, s.Median, s.Q5, s.Q95, s.ESSBulk, s.ESSTail, s.RHat)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nnumber of divergences: %d\n", p.Divergences())
	return err
}
