package mcmc

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/dsp/fourier"
)

// The diagnostics below follow Vehtari, Gelman, Simpson, Carpenter and
// Bürkner (2021), "Rank-normalization, folding, and localization: an
// improved R-hat for assessing convergence of MCMC", as implemented in
// ArviZ: every function takes the draws of one scalar quantity as one
// slice per chain (all chains the same length, at least 4 draws), splits
// each chain in half (dropping the middle draw of an odd-length chain), and
// estimates autocorrelations with the biased FFT autocovariance and
// Geyer's initial monotone sequence. They return NaN when the input holds
// a non-finite value or is too short.

// splitChains returns the first and last ⌊n/2⌋ draws of every chain as
// separate chains.
func splitChains(chains [][]float64) [][]float64 {
	out := make([][]float64, 0, 2*len(chains))
	for _, c := range chains {
		h := len(c) / 2
		out = append(out, c[:h], c[len(c)-h:])
	}
	return out
}

func validChains(chains [][]float64, minDraws int) bool {
	if len(chains) == 0 {
		return false
	}
	n := len(chains[0])
	if n < minDraws {
		return false
	}
	for _, c := range chains {
		if len(c) != n {
			return false
		}
		for _, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// autocov returns the biased autocovariance (1/n)Σ(xᵢ−x̄)(xᵢ₊ₜ−x̄) for
// t = 0..n−1, computed with a zero-padded FFT.
func autocov(x []float64) []float64 {
	n := len(x)
	m := 1
	for m < 2*n {
		m <<= 1
	}
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	seq := make([]float64, m)
	for i, v := range x {
		seq[i] = v - mean
	}
	fft := fourier.NewFFT(m)
	coef := fft.Coefficients(nil, seq)
	for i, c := range coef {
		coef[i] = complex(real(c)*real(c)+imag(c)*imag(c), 0)
	}
	back := fft.Sequence(nil, coef)
	out := make([]float64, n)
	for t := range out {
		out[t] = back[t] / float64(m) / float64(n)
	}
	return out
}

// essRaw is the effective sample size of chains as given (no splitting).
func essRaw(chains [][]float64) float64 {
	m := len(chains)
	n := len(chains[0])
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range chains {
		for _, v := range c {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	if hi-lo < 1e-15 {
		return float64(m * n)
	}
	acov := make([][]float64, m)
	means := make([]float64, m)
	for c, x := range chains {
		acov[c] = autocov(x)
		var s float64
		for _, v := range x {
			s += v
		}
		means[c] = s / float64(n)
	}
	meanAcov := func(t int) float64 {
		var s float64
		for c := range acov {
			s += acov[c][t]
		}
		return s / float64(m)
	}
	fn := float64(n)
	meanVar := meanAcov(0) * fn / (fn - 1)
	varPlus := meanVar * (fn - 1) / fn
	if m > 1 {
		_, v := meanVar2(means)
		varPlus += v
	}
	rho := make([]float64, n)
	even := 1.0
	rho[0] = even
	odd := 1 - (meanVar-meanAcov(1))/varPlus
	rho[1] = odd
	// Geyer's initial positive sequence.
	t := 1
	for t < n-3 && even+odd > 0 {
		even = 1 - (meanVar-meanAcov(t+1))/varPlus
		odd = 1 - (meanVar-meanAcov(t+2))/varPlus
		if even+odd >= 0 {
			rho[t+1] = even
			rho[t+2] = odd
		}
		t += 2
	}
	maxT := t - 2
	if even > 0 {
		rho[maxT+1] = even
	}
	// Geyer's initial monotone sequence.
	for t := 1; t <= maxT-2; t += 2 {
		if rho[t+1]+rho[t+2] > rho[t-1]+rho[t] {
			rho[t+1] = (rho[t-1] + rho[t]) / 2
			rho[t+2] = rho[t+1]
		}
	}
	total := float64(m * n)
	var sum float64
	for _, r := range rho[:maxT+1] {
		sum += r
	}
	tau := -1 + 2*sum + rho[maxT+1]
	tau = math.Max(tau, 1/math.Log10(total))
	ess := total / tau
	for _, r := range rho {
		if math.IsNaN(r) {
			return math.NaN()
		}
	}
	return ess
}

// meanVar2 returns the mean and unbiased variance.
func meanVar2(x []float64) (float64, float64) {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, s / float64(len(x)-1)
}

// ESS is the split-chain effective sample size for the mean (ArviZ's
// method="mean"), on the draws as given.
func ESS(chains [][]float64) float64 {
	if !validChains(chains, 4) {
		return math.NaN()
	}
	return essRaw(splitChains(chains))
}

// zScale rank-normalizes all draws jointly: average ranks r (ties share
// their mean rank) mapped to Φ⁻¹((r − 3/8)/(S + 1/4)), S the total count.
func zScale(chains [][]float64) [][]float64 {
	type iv struct {
		v    float64
		c, i int32
	}
	var all []iv
	for c, x := range chains {
		for i, v := range x {
			all = append(all, iv{v, int32(c), int32(i)})
		}
	}
	slices.SortFunc(all, func(a, b iv) int { return cmp.Compare(a.v, b.v) })
	s := float64(len(all))
	out := make([][]float64, len(chains))
	for c, x := range chains {
		out[c] = make([]float64, len(x))
	}
	for lo := 0; lo < len(all); {
		hi := lo + 1
		for hi < len(all) && all[hi].v == all[lo].v {
			hi++
		}
		rank := 0.5 * float64(lo+1+hi) // mean of the tied ranks lo+1 … hi
		p := (rank - 0.375) / (s + 0.25)
		z := math.Sqrt2 * math.Erfinv(2*p-1)
		for k := lo; k < hi; k++ {
			out[all[k].c][all[k].i] = z
		}
		lo = hi
	}
	return out
}

// ESSBulk is the bulk effective sample size: the split-chain ESS of the
// rank-normalized draws.
func ESSBulk(chains [][]float64) float64 {
	if !validChains(chains, 4) {
		return math.NaN()
	}
	return essRaw(zScale(splitChains(chains)))
}

// quantile7 is the linearly interpolated sample quantile (NumPy's default,
// Hyndman–Fan type 7) of sorted data.
func quantile7(sorted []float64, p float64) float64 {
	h := p * float64(len(sorted)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

func pooledSorted(chains [][]float64) []float64 {
	var all []float64
	for _, c := range chains {
		all = append(all, c...)
	}
	slices.Sort(all)
	return all
}

// essQuantile is the split-chain ESS of the indicator I(x ≤ q_p).
func essQuantile(chains [][]float64, sorted []float64, p float64) float64 {
	q := quantile7(sorted, p)
	ind := make([][]float64, len(chains))
	for c, x := range chains {
		ind[c] = make([]float64, len(x))
		for i, v := range x {
			if v <= q {
				ind[c][i] = 1
			}
		}
	}
	return essRaw(splitChains(ind))
}

// ESSTail is the tail effective sample size: the smaller of the ESS of
// the indicators of the 5% and 95% quantiles.
func ESSTail(chains [][]float64) float64 {
	if !validChains(chains, 4) {
		return math.NaN()
	}
	s := pooledSorted(chains)
	return math.Min(essQuantile(chains, s, 0.05), essQuantile(chains, s, 0.95))
}

// rhatRaw is the potential scale reduction of chains as given.
func rhatRaw(chains [][]float64) float64 {
	n := float64(len(chains[0]))
	means := make([]float64, len(chains))
	var w float64
	for c, x := range chains {
		m, v := meanVar2(x)
		means[c] = m
		w += v
	}
	w /= float64(len(chains))
	_, vm := meanVar2(means)
	b := n * vm
	return math.Sqrt((b/w + n - 1) / n)
}

// SplitRHat is the classic split-chain R-hat (Gelman et al., BDA3) on the
// draws as given.
func SplitRHat(chains [][]float64) float64 {
	if !validChains(chains, 4) {
		return math.NaN()
	}
	return rhatRaw(splitChains(chains))
}

// RHat is the rank-normalized split R-hat of Vehtari et al. (2021): the
// larger of the split R-hat of the rank-normalized draws (bulk) and of the
// rank-normalized absolute deviations from the median (tail). It is the
// R-hat ArviZ and Stan report.
func RHat(chains [][]float64) float64 {
	if !validChains(chains, 4) {
		return math.NaN()
	}
	split := splitChains(chains)
	bulk := rhatRaw(zScale(split))
	med := quantile7(pooledSorted(split), 0.5)
	folded := make([][]float64, len(split))
	for c, x := range split {
		folded[c] = make([]float64, len(x))
		for i, v := range x {
			folded[c][i] = math.Abs(v - med)
		}
	}
	tail := rhatRaw(zScale(folded))
	return math.Max(bulk, tail)
}

// MCSEMean is the Monte Carlo standard error of the posterior mean:
// sd / sqrt(ESS), with sd the standard deviation of all draws pooled.
func MCSEMean(chains [][]float64) float64 {
	if !validChains(chains, 4) {
		return math.NaN()
	}
	_, v := meanVar2(pooledSorted(chains))
	return math.Sqrt(v / ESS(chains))
}
