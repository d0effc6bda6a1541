package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gyro-ppl/gyro/cmd/internal/cliflag"
	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/poutine"
)

// bundled is one model gyro run knows.
type bundled struct {
	about    string
	dataFile string // bundled data file name ("" for synthetic data)
	// load builds the model from the data file at path.
	load func(path string) (poutine.Model, error)
}

var bundledModels = map[string]bundled{
	"eightschools": {"eight schools, non-centred (Rubin 1981): mu, tau, theta_tilde[8]", models.EightSchoolsFile,
		func(p string) (poutine.Model, error) {
			d, err := models.LoadEightSchools(p)
			if err != nil {
				return nil, err
			}
			return models.EightSchoolsNonCentered(d), nil
		}},
	"eightschools_centered": {"eight schools, centred: mu, tau, theta[8] (a funnel: expect divergences)", models.EightSchoolsFile,
		func(p string) (poutine.Model, error) {
			d, err := models.LoadEightSchools(p)
			if err != nil {
				return nil, err
			}
			return models.EightSchoolsCentered(d), nil
		}},
	"logreg_breast_cancer": {"logistic regression on the Wisconsin breast-cancer data (569 rows, 30 standardized features): w[30], b",
		models.BreastCancerFile,
		func(p string) (poutine.Model, error) {
			d, err := models.LoadBreastCancer(p)
			if err != nil {
				return nil, err
			}
			return models.LogisticRegression(d), nil
		}},
	"radon": {"Minnesota radon, varying intercepts by county, non-centred (919 houses, 85 counties)", models.RadonFile,
		func(p string) (poutine.Model, error) {
			d, err := models.LoadRadon(p)
			if err != nil {
				return nil, err
			}
			return models.RadonVaryingInterceptNC(d), nil
		}},
	"logreg_synthetic": {"logistic regression on seeded synthetic data, N=10000 rows, D=50 features (the benchmark model)", "",
		func(string) (poutine.Model, error) {
			d, _, err := models.SyntheticLogReg(10000, 50, 1)
			if err != nil {
				return nil, err
			}
			return models.LogisticRegression(d), nil
		}},
}

func modelNames() []string {
	var ns []string
	for n := range bundledModels {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

func runUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `usage: gyro run [flags] MODEL

Samples a bundled example model with NUTS (chains in parallel), prints
Pyro's summary table and the diagnostics, and optionally writes the draws
as CmdStan CSV files (output_1.csv, … one per chain, readable by ArviZ's
from_cmdstan, cmdstanr and posterior) and PNG plots.

models:
`)
	for _, n := range modelNames() {
		fmt.Fprintf(w, "  %-21s %s\n", n, bundledModels[n].about)
	}
	fmt.Fprintf(w, `
flags:
%s
examples:
  gyro run eightschools
  gyro run -chains 4 -samples 2000 -out runs/radon -plots radon
`, cliflag.Defaults(fs))
}

func runModel(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gyro run", flag.ContinueOnError)
	var s sampling
	s.flags(fs)
	out := fs.String("out", "", "write the draws as CmdStan CSV into `DIR` (created if needed)")
	plots := fs.Bool("plots", false, "also write trace, density and rank plots (PNG) into the -out directory, or ./gyro-MODEL without -out")
	data := fs.String("data", "", "read the model's data from `FILE` instead of the bundled file (same format)")
	pos, err := cliflag.Parse(fs, args)
	if err == cliflag.ErrHelp {
		runUsage(stdout, fs)
		return 0
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(stderr, "gyro run: %s\n", cliflag.OneLine(err))
		return code
	}
	if err != nil {
		return fail(2, fmt.Errorf("%w (see gyro run -help)", err))
	}
	switch {
	case len(pos) == 0:
		return fail(2, fmt.Errorf("no model given (models: %s)", strings.Join(modelNames(), ", ")))
	case len(pos) > 1:
		return fail(2, fmt.Errorf("one model at a time, got %q", pos))
	}
	name := pos[0]
	bm, ok := bundledModels[name]
	if !ok {
		return fail(2, fmt.Errorf("unknown model %q (models: %s)", name, strings.Join(modelNames(), ", ")))
	}
	if err := s.check(); err != nil {
		return fail(2, err)
	}
	path := *data
	if path != "" && bm.dataFile == "" {
		return fail(2, fmt.Errorf("model %s uses synthetic data and takes no -data file", name))
	}
	if path == "" && bm.dataFile != "" {
		if path, err = models.DataPath(bm.dataFile); err != nil {
			return fail(1, err)
		}
	}
	model, err := bm.load(path)
	if err != nil {
		return fail(1, err)
	}
	plotDir := *out
	if *plots && plotDir == "" {
		plotDir = "gyro-" + name
	}
	for _, dir := range []string{*out, plotDir} {
		if dir != "" {
			if err := checkWritableDir(dir); err != nil {
				return fail(1, err)
			}
		}
	}
	fmt.Fprintf(stdout, "gyro run %s: %s\n", name, bm.about)
	m, tm, err := sample(ctx, model, s, stderr)
	if err != nil {
		return fail(1, err)
	}
	if err := m.Summary(stdout); err != nil {
		return fail(1, err)
	}
	if err := printDiagnostics(stdout, m, tm); err != nil {
		return fail(1, err)
	}
	if *out != "" {
		files, err := m.WriteCmdStanCSV(*out)
		if err != nil {
			return fail(1, err)
		}
		fmt.Fprintf(stdout, "\nCmdStan CSV: %s\n", strings.Join(files, ", "))
	}
	if *plots {
		p, err := writePlots(plotDir, name+".png", "gyro run "+name+": NUTS draws", plotParams(m, nil, 8))
		if err != nil {
			return fail(1, err)
		}
		fmt.Fprintf(stdout, "plots: %s\n", p)
	}
	return 0
}
