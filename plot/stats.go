package plot

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// checkChains validates per-chain draws for the plot kind fn of parameter
// name. equal demands equal chain lengths (needed for rank plots).
func checkChains(fn, name string, chains [][]float64, equal bool) error {
	if len(chains) == 0 {
		return fmt.Errorf("plot: %s %q: no chains", fn, name)
	}
	for c, ch := range chains {
		if len(ch) == 0 {
			return fmt.Errorf("plot: %s %q: chain %d has no draws", fn, name, c+1)
		}
		if equal && len(ch) != len(chains[0]) {
			return fmt.Errorf("plot: %s %q: chain %d has %d draws but chain 1 has %d; rank plots need chains of equal length",
				fn, name, c+1, len(ch), len(chains[0]))
		}
		for i, v := range ch {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("plot: %s %q: chain %d draw %d is %v; draws must be finite", fn, name, c+1, i, v)
			}
		}
	}
	return nil
}

// quantileSorted is the linearly interpolated quantile of sorted data
// (Hyndman & Fan type 7, NumPy's default).
func quantileSorted(s []float64, p float64) float64 {
	if len(s) == 1 {
		return s[0]
	}
	h := p * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// silverman returns Silverman's rule-of-thumb bandwidth for sorted data,
// 0.9·min(sd, IQR/1.34)·n^(-1/5), falling back to whichever spread is
// positive; it returns 0 when every draw is equal.
func silverman(sorted []float64) float64 {
	n := float64(len(sorted))
	if len(sorted) < 2 {
		return 0
	}
	var mean float64
	for _, v := range sorted {
		mean += v
	}
	mean /= n
	var ss float64
	for _, v := range sorted {
		d := v - mean
		ss += d * d
	}
	sd := math.Sqrt(ss / (n - 1))
	iqr := (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / 1.34
	spread := math.Min(sd, iqr)
	if spread <= 0 {
		spread = math.Max(sd, iqr)
	}
	return 0.9 * spread * math.Pow(n, -0.2)
}

// kernelCut is how many bandwidths from a draw its kernel is summed; the
// Gaussian's mass beyond 8σ (~1e-15) is below float64 resolution of a sum.
const kernelCut = 8

// kde evaluates the Gaussian kernel density estimate of sorted data with
// bandwidth h > 0 at each grid point, into out (len(grid)).
func kde(sorted []float64, h float64, grid, out []float64) {
	norm := 1 / (float64(len(sorted)) * h * math.Sqrt(2*math.Pi))
	for i, g := range grid {
		lo := sort.SearchFloat64s(sorted, g-kernelCut*h)
		var s float64
		for _, v := range sorted[lo:] {
			if v > g+kernelCut*h {
				break
			}
			z := (g - v) / h
			s += math.Exp(-0.5 * z * z)
		}
		out[i] = s * norm
	}
}

// pooledRanks returns the rank of each draw among all chains' draws pooled,
// 1..N, ties sharing their average rank (as scipy.stats.rankdata does).
func pooledRanks(chains [][]float64) [][]float64 {
	type ref struct {
		v    float64
		c, i int
	}
	var n int
	for _, ch := range chains {
		n += len(ch)
	}
	all := make([]ref, 0, n)
	for c, ch := range chains {
		for i, v := range ch {
			all = append(all, ref{v, c, i})
		}
	}
	slices.SortFunc(all, func(a, b ref) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	out := make([][]float64, len(chains))
	for c, ch := range chains {
		out[c] = make([]float64, len(ch))
	}
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && all[hi].v == all[lo].v {
			hi++
		}
		r := float64(lo+1+hi) / 2 // mean of ranks lo+1 … hi
		for _, a := range all[lo:hi] {
			out[a.c][a.i] = r
		}
		lo = hi
	}
	return out
}

// rankCounts bins ranks in [1, n] into bins equal-width bins over
// [0.5, n+0.5] (ArviZ's binning of ranks).
func rankCounts(ranks []float64, n, bins int) []float64 {
	cnt := make([]float64, bins)
	w := float64(n) / float64(bins)
	for _, r := range ranks {
		b := int((r - 0.5) / w)
		if b >= bins {
			b = bins - 1
		}
		if b < 0 {
			b = 0
		}
		cnt[b]++
	}
	return cnt
}

// defaultRankBins is ArviZ's choice, ceil(2·log2(draws))+1, capped at draws.
func defaultRankBins(draws int) int {
	b := int(math.Ceil(2*math.Log2(float64(draws)))) + 1
	return max(1, min(b, draws))
}

// binomialInterval returns the central interval of Binomial(n, p) holding
// at least mass prob, by summing the pmf (n is a chain length, small enough).
func binomialInterval(n int, p, prob float64) (lo, hi float64) {
	tail := (1 - prob) / 2
	// pmf by logs to stay finite for large n.
	lp, lq := math.Log(p), math.Log1p(-p)
	lgn, _ := math.Lgamma(float64(n) + 1)
	pmf := func(k int) float64 {
		a, _ := math.Lgamma(float64(k) + 1)
		b, _ := math.Lgamma(float64(n-k) + 1)
		return math.Exp(lgn - a - b + float64(k)*lp + float64(n-k)*lq)
	}
	var cum float64
	k := 0
	for ; k <= n; k++ {
		cum += pmf(k)
		if cum > tail {
			break
		}
	}
	lo = float64(k)
	cum = 0
	k = n
	for ; k >= 0; k-- {
		cum += pmf(k)
		if cum > tail {
			break
		}
	}
	hi = float64(k)
	return lo, hi
}

// movingAverage is the centred moving average of x over window k (odd
// windows centre exactly; even ones lean one step back); near the ends the
// window is truncated to the available steps.
func movingAverage(x []float64, k int) []float64 {
	out := make([]float64, len(x))
	if k <= 1 {
		copy(out, x)
		return out
	}
	before := k / 2
	after := k - 1 - before
	// Prefix sums of x minus its mean keep the differences well conditioned.
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	prefix := make([]float64, len(x)+1)
	for i, v := range x {
		prefix[i+1] = prefix[i] + (v - mean)
	}
	for i := range x {
		lo := max(0, i-before)
		hi := min(len(x), i+after+1)
		out[i] = mean + (prefix[hi]-prefix[lo])/float64(hi-lo)
	}
	return out
}
