package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/gyro-ppl/gyro/cmd/internal/cliflag"
	"github.com/gyro-ppl/gyro/examples/models"
)

func demoUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `usage: gyro demo [flags]

Samples the eight-schools model (Rubin 1981; the non-centred
parameterization) with NUTS: 4 chains in parallel, 1000 warm-up iterations
and 1000 draws each. Prints Pyro's summary table (mean, std, quantiles, bulk
ESS as n_eff, r_hat), the sampler's diagnostics (divergences, acceptance,
step sizes, tree depth), the time per gradient, ESS per second, the total
wall time and the time to the first sample, and writes trace, density and
rank plots of mu and tau as PNG.

The model:
  mu ~ Normal(0, 5)
  tau ~ HalfCauchy(5)
  theta_tilde[j] ~ Normal(0, 1)                      j = 1..8 schools
  y[j] ~ Normal(mu + tau * theta_tilde[j], sigma[j])  observed

flags:
%s`, cliflag.Defaults(fs))
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gyro demo", flag.ContinueOnError)
	var s sampling
	s.flags(fs)
	out := fs.String("out", "gyro-demo", "write the plots into `DIR` (created if needed)")
	plots := fs.Bool("plots", true, "write PNG plots (-plots=false to skip)")
	data := fs.String("data", "", "read the eight-schools data from `FILE` (default: the bundled examples/data/"+models.EightSchoolsFile+")")
	pos, err := cliflag.Parse(fs, args)
	if err == cliflag.ErrHelp {
		demoUsage(stdout, fs)
		return 0
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(stderr, "gyro demo: %s\n", cliflag.OneLine(err))
		return code
	}
	if err != nil {
		return fail(2, fmt.Errorf("%w (see gyro demo -help)", err))
	}
	if len(pos) > 0 {
		return fail(2, fmt.Errorf("unexpected argument %q (the demo takes flags only; see gyro demo -help)", pos[0]))
	}
	if err := s.check(); err != nil {
		return fail(2, err)
	}
	path := *data
	if path == "" {
		if path, err = models.DataPath(models.EightSchoolsFile); err != nil {
			return fail(1, err)
		}
	}
	d, err := models.LoadEightSchools(path)
	if err != nil {
		return fail(1, err)
	}
	if *plots {
		if err := checkWritableDir(*out); err != nil {
			return fail(1, err)
		}
	}
	fmt.Fprintf(stdout, "gyro demo: eight schools (non-centred), %d schools, NUTS\n", d.J)
	m, tm, err := sample(ctx, models.EightSchoolsNonCentered(d), s, stderr)
	if err != nil {
		return fail(1, err)
	}
	if err := m.Summary(stdout); err != nil {
		return fail(1, err)
	}
	if err := printDiagnostics(stdout, m, tm); err != nil {
		return fail(1, err)
	}
	if *plots {
		t0 := time.Now()
		p, err := writePlots(*out, "eight_schools.png", "Eight schools (non-centred): NUTS draws of mu and tau",
			plotParams(m, []string{"mu", "tau"}, 2))
		if err != nil {
			return fail(1, err)
		}
		fmt.Fprintf(stdout, "  plots                  %s (trace, density, rank of mu and tau; %s)\n", p, fmtDur(time.Since(t0)))
	}
	fmt.Fprintf(stdout, "  total wall time        %s since process start\n", fmtDur(time.Since(processStart)))
	return 0
}
