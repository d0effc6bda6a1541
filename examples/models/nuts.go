package models

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/gyro-ppl/gyro/infer"
)

// StanSummaries returns the summary of every scalar coordinate of a run of
// m (infer.MCMC.Summaries: constrained draws, all chains) with each row
// named by its Stan name ("theta_tilde[3]" for gyro's theta_tilde element 2),
// so that rows can be matched with the Stan reference posteriors.
func StanSummaries(m *infer.MCMC) ([]infer.SiteSummary, error) {
	sums, err := m.Summaries()
	if err != nil {
		return nil, err
	}
	params := m.ScalarParams()
	if len(params) != len(sums) {
		return nil, fmt.Errorf("models: %d summaries for %d scalar parameters", len(sums), len(params))
	}
	for i, p := range params {
		sums[i].Name = StanName(p.Site, p.Index...)
	}
	return sums, nil
}

// WriteSummary writes a summary table of a run of m with Stan names (mean,
// sd, median, 5% and 95% quantiles, Monte Carlo standard error of the mean,
// bulk and tail ESS, rank-normalized split R-hat), then the sampler's
// diagnostics: divergences, mean acceptance and tree depth, step sizes,
// gradient evaluations and time per gradient, and the worst ESS and R-hat.
// With sites given, only the rows of those sites are written.
func WriteSummary(w io.Writer, m *infer.MCMC, sites ...string) error {
	sums, err := StanSummaries(m)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, s := range sites {
		keep[s] = true
	}
	params := m.ScalarParams()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmean\tsd\tmedian\t5%\t95%\tmcse\tess_bulk\tess_tail\tr_hat\t")
	for i, s := range sums {
		if len(keep) > 0 && !keep[params[i].Site] {
			continue
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.4f\t%.0f\t%.0f\t%.3f\t\n",
			s.Name, s.Mean, s.SD, s.Median, s.Q5, s.Q95, s.MCSEMean, s.ESSBulk, s.ESSTail, s.RHat)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	d, err := m.Diagnostics()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\ndivergences: %d; mean accept stat %.3f; mean tree depth %.2f (max %d); step sizes", d.NumDivergent, d.MeanAccept, d.MeanTreeDepth, d.MaxTreeDepth)
	for _, s := range d.StepSizes {
		fmt.Fprintf(w, " %.3g", s)
	}
	_, err = fmt.Fprintf(w, "\n%d gradient evaluations, %v per gradient; min ess_bulk %.0f (%.0f per second), max r_hat %.3f; wall time %v\n",
		d.NumGradients, d.GradientTime, d.MinESSBulk, d.MinESSPerSecond, d.MaxRHat, d.Elapsed.Round(time.Millisecond))
	return err
}
