package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
	"github.com/gyro-ppl/gyro/plot"
	"github.com/gyro-ppl/gyro/poutine"
)

// sampling holds the sampler flags shared by demo and run.
type sampling struct {
	chains, warmup, samples int
	seed                    uint64
}

func (s *sampling) flags(fs *flag.FlagSet) {
	fs.IntVar(&s.chains, "chains", 4, "number of NUTS chains, run in parallel")
	fs.IntVar(&s.warmup, "warmup", 1000, "warm-up (adaptation) iterations per chain, not kept")
	fs.IntVar(&s.samples, "samples", 1000, "draws kept per chain")
	fs.Uint64Var(&s.seed, "seed", 1, "random seed (the same seed gives the same draws)")
}

func (s *sampling) check() error {
	switch {
	case s.chains < 1:
		return fmt.Errorf("-chains %d: need at least 1 chain", s.chains)
	case s.warmup < 0:
		return fmt.Errorf("-warmup %d: cannot be negative", s.warmup)
	case s.samples < 1:
		return fmt.Errorf("-samples %d: need at least 1 draw", s.samples)
	case s.chains > 1 && s.samples < 4:
		return fmt.Errorf("-samples %d: need at least 4 draws per chain for the diagnostics", s.samples)
	}
	return nil
}

// timings of one sampling run.
type timings struct {
	setup      time.Duration // NewMCMC: tracing the model
	sampling   time.Duration // Run: initial points, warm-up and sampling, all chains
	firstDraw  time.Duration // from process start to the first kept draw of any chain
	runStarted time.Time
}

// sample prepares and runs NUTS on model. On progress it shows infer's
// progress bar (when progress is a terminal) and, when the chains are
// done, one line per chain.
func sample(ctx context.Context, model poutine.Model, s sampling, progress io.Writer) (*infer.MCMC, timings, error) {
	var tm timings
	// The hook records when the first kept draw (of any chain) is made.
	var first atomic.Int64
	hook := func(_, _ int, warmup bool, _ mcmc.Stats, _ []float64) {
		if !warmup && first.Load() == 0 {
			first.CompareAndSwap(0, int64(time.Since(processStart)))
		}
	}
	t0 := time.Now()
	m, err := infer.NewMCMC(model, infer.MCMCOptions{
		Options:    mcmc.Options{NumWarmup: s.warmup, NumSamples: s.samples, Seed: s.seed},
		NumChains:  s.chains,
		Hook:       hook,
		Progress:   true,
		ProgressTo: progress,
	})
	if err != nil {
		return nil, tm, err
	}
	tm.setup = time.Since(t0)
	fmt.Fprintf(progress, "sampling: %d chain(s) × (%d warm-up + %d draws), NUTS, in parallel on %d CPU(s)…\n",
		s.chains, s.warmup, s.samples, runtime.GOMAXPROCS(0))
	tm.runStarted = time.Now()
	if err := m.Run(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, tm, errors.New("interrupted")
		}
		return nil, tm, err
	}
	tm.sampling = time.Since(tm.runStarted)
	tm.firstDraw = time.Duration(first.Load())
	for c, r := range m.Results() {
		fmt.Fprintf(progress, "  chain %d done: warm-up %v, %d draws in %v, step size %.3g, %d divergences, %d gradients\n",
			c+1, r.WarmupTime.Round(time.Millisecond), len(r.Stats), r.SampleTime.Round(time.Millisecond), r.StepSize, r.NumDivergent, r.NumGradients)
	}
	return m, tm, nil
}

// printDiagnostics prints the run-level sampler diagnostics and timings.
func printDiagnostics(w io.Writer, m *infer.MCMC, tm timings) error {
	d, err := m.Diagnostics()
	if err != nil {
		return err
	}
	res := m.Results()
	draws := 0
	for _, r := range res {
		draws += len(r.Stats)
	}
	steps := make([]string, len(d.StepSizes))
	for i, s := range d.StepSizes {
		steps[i] = fmt.Sprintf("%.3g", s)
	}
	fmt.Fprintf(w, "\nDiagnostics (post-warm-up, all chains)\n")
	fmt.Fprintf(w, "  divergences            %d of %d transitions\n", d.NumDivergent, draws)
	fmt.Fprintf(w, "  mean accept prob       %.3f (target 0.8)\n", d.MeanAccept)
	fmt.Fprintf(w, "  step sizes             %s (per chain)\n", strings.Join(steps, ", "))
	fmt.Fprintf(w, "  tree depth             mean %.2f, max %d\n", d.MeanTreeDepth, d.MaxTreeDepth)
	fmt.Fprintf(w, "  max r_hat              %.3f (want < 1.01)\n", d.MaxRHat)
	fmt.Fprintf(w, "  min bulk ESS           %.0f\n", d.MinESSBulk)
	fmt.Fprintf(w, "\nTimings\n")
	fmt.Fprintf(w, "  gradients              %d, %s each (all chains' chain time ÷ gradients)\n", d.NumGradients, fmtDur(d.GradientTime))
	fmt.Fprintf(w, "  min ESS/s              %.0f (min bulk ESS ÷ sampling wall time)\n", d.MinESSPerSecond)
	fmt.Fprintf(w, "  model setup            %s\n", fmtDur(tm.setup))
	fmt.Fprintf(w, "  sampling wall time     %s (initial points, warm-up and draws of every chain)\n", fmtDur(tm.sampling))
	fmt.Fprintf(w, "  time to first sample   %s after process start (the first kept draw of any chain)\n", fmtDur(tm.firstDraw))
	return nil
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f µs", float64(d.Nanoseconds())/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d.Nanoseconds())/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// checkWritableDir creates dir if needed and checks that a file can be
// created in it, so that an unwritable output fails before sampling.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create output directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".gyro-write-test-*")
	if err != nil {
		return fmt.Errorf("cannot write to output directory %s: %w", dir, errors.Unwrap(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// plotParams picks the scalar parameters to plot: the named ones, or
// (names nil) every scalar site and the first two components of each
// vector site, at most max.
func plotParams(m *infer.MCMC, names []string, max int) []plot.Param {
	var out []plot.Param
	perSite := map[string]int{}
	for _, p := range m.ScalarParams() {
		if len(out) == max {
			break
		}
		if names != nil {
			for _, n := range names {
				if p.Name == n {
					out = append(out, plot.Param{Name: p.Name, Chains: p.Chains})
				}
			}
			continue
		}
		if perSite[p.Site] < 2 {
			perSite[p.Site]++
			out = append(out, plot.Param{Name: p.Name, Chains: p.Chains})
		}
	}
	return out
}

// writePlots writes trace, density and rank panels of params, one row per
// parameter, to dir/file.
func writePlots(dir, file, title string, params []plot.Param) (string, error) {
	path := filepath.Join(dir, file)
	err := plot.SummaryPNG(path, params, []plot.Kind{plot.KindTrace, plot.KindDensity, plot.KindRank},
		&plot.Options{Title: title})
	return path, err
}
