package mcmc

import (
	"errors"
	"fmt"
	"math"
)

// ParamChains returns coordinate j of every chain's draws, one slice per
// chain, in the layout the diagnostics take.
func ParamChains(results []Result, j int) [][]float64 {
	out := make([][]float64, len(results))
	for c := range results {
		out[c] = results[c].Param(j, nil)
	}
	return out
}

// ParamSummary summarizes one coordinate over all chains, with the columns
// of Pyro's and ArviZ's summaries.
type ParamSummary struct {
	Mean, SD         float64
	Median, Q5, Q95  float64
	MCSEMean         float64
	ESSBulk, ESSTail float64
	RHat             float64 // rank-normalized split R-hat
}

// Summarize computes a ParamSummary per coordinate. All results must have
// the same dimension and number of draws (at least 4).
func Summarize(results []Result) ([]ParamSummary, error) {
	if len(results) == 0 {
		return nil, errors.New("mcmc: Summarize needs at least one result")
	}
	d, n := results[0].Dim, len(results[0].Draws)
	if d == 0 || n/d < 4 {
		return nil, errors.New("mcmc: Summarize needs at least 4 draws per chain")
	}
	for c, r := range results {
		if r.Dim != d || len(r.Draws) != n {
			return nil, fmt.Errorf("mcmc: Summarize: chain %d has dim %d and %d values, chain 0 has %d and %d", c, r.Dim, len(r.Draws), d, n)
		}
	}
	out := make([]ParamSummary, d)
	for j := range out {
		ch := ParamChains(results, j)
		s := pooledSorted(ch)
		m, v := meanVar2(s)
		out[j] = ParamSummary{
			Mean: m, SD: math.Sqrt(v),
			Median: quantile7(s, 0.5), Q5: quantile7(s, 0.05), Q95: quantile7(s, 0.95),
			MCSEMean: MCSEMean(ch), ESSBulk: ESSBulk(ch), ESSTail: ESSTail(ch), RHat: RHat(ch),
		}
	}
	return out, nil
}

// EBFMI is the estimated Bayesian fraction of missing information of one
// chain, Σ(Eₜ − Eₜ₋₁)² / Σ(Eₜ − Ē)² over the transitions' Energy; values
// below about 0.3 suggest the momentum resampling explores the energy
// distribution poorly (Betancourt 2016). NaN for fewer than 2 transitions.
func EBFMI(stats []Stats) float64 {
	if len(stats) < 2 {
		return math.NaN()
	}
	var mean float64
	for _, s := range stats {
		mean += s.Energy
	}
	mean /= float64(len(stats))
	var num, den float64
	for i, s := range stats {
		den += (s.Energy - mean) * (s.Energy - mean)
		if i > 0 {
			d := s.Energy - stats[i-1].Energy
			num += d * d
		}
	}
	return num / den
}
