package mcmc

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// lcgUniforms yields a reproducible uniform stream (64-bit LCG, top 53
// bits) that a few lines of Python reproduce exactly, so reference values
// can be generated outside Go.
func lcgUniforms(seed uint64, n int) []float64 {
	out := make([]float64, n)
	s := seed
	for i := range out {
		s = s*6364136223846793005 + 1442695040888963407
		out[i] = float64(s>>11) / (1 << 53)
	}
	return out
}

// ar1Chains returns m chains of n draws x_t = ρ x_{t−1} + (u_t − ½).
func ar1Chains(m, n int, rho float64, seed uint64) [][]float64 {
	u := lcgUniforms(seed, m*n)
	out := make([][]float64, m)
	for c := range out {
		x := make([]float64, n)
		prev := 0.0
		for t := range x {
			prev = rho*prev + (u[c*n+t] - 0.5)
			x[t] = prev
		}
		out[c] = x
	}
	return out
}

// refESS is a deliberately plain reference: direct O(n·T) autocovariances
// (no FFT), Geyer's initial positive sequence of pair sums Γ_k, made
// monotone, and τ = −1 + 2 Σ ρ̂ as in Stan/ArviZ (including the extra
// trailing even term and the 1/log10(mn) floor on τ).
func refESS(chains [][]float64) float64 {
	m, n := len(chains), len(chains[0])
	means := make([]float64, m)
	for c, x := range chains {
		for _, v := range x {
			means[c] += v
		}
		means[c] /= float64(n)
	}
	acov := func(t int) float64 { // mean over chains of the biased autocovariance
		var s float64
		for c, x := range chains {
			var a float64
			for i := 0; i+t < n; i++ {
				a += (x[i] - means[c]) * (x[i+t] - means[c])
			}
			s += a / float64(n)
		}
		return s / float64(m)
	}
	w := acov(0) * float64(n) / float64(n-1)
	varPlus := w * float64(n-1) / float64(n)
	if m > 1 {
		var gm, b float64
		for _, v := range means {
			gm += v
		}
		gm /= float64(m)
		for _, v := range means {
			b += (v - gm) * (v - gm)
		}
		varPlus += b / float64(m-1)
	}
	rhoHat := func(t int) float64 { return 1 - (w-acov(t))/varPlus }
	// Pair sums Γ_k = ρ̂_{2k} + ρ̂_{2k+1} while positive.
	var gammas []float64
	var lastEven float64
	for k := 0; 2*k+1 < n; k++ {
		e, o := rhoHat(2*k), rhoHat(2*k+1)
		if k == 0 {
			e = 1
		}
		if e+o < 0 || 2*k+1 >= n-2 && k > 0 {
			lastEven = e
			break
		}
		gammas = append(gammas, e+o)
	}
	for k := 1; k < len(gammas); k++ {
		gammas[k] = math.Min(gammas[k], gammas[k-1])
	}
	var sum float64
	for _, g := range gammas {
		sum += g
	}
	tau := -1 + 2*sum
	if lastEven > 0 {
		tau += lastEven
	}
	total := float64(m * n)
	return total / math.Max(tau, 1/math.Log10(total))
}

func TestESSAgainstReference(t *testing.T) {
	for _, tc := range []struct {
		m, n int
		rho  float64
	}{{1, 2000, 0.5}, {4, 1000, 0.9}, {2, 3000, -0.3}, {4, 500, 0}} {
		chains := ar1Chains(tc.m, tc.n, tc.rho, 12345)
		split := splitChains(chains)
		got, want := ESS(chains), refESS(split)
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("m=%d n=%d ρ=%g: ESS %.6f, reference %.6f", tc.m, tc.n, tc.rho, got, want)
		}
		// The AR(1) theory: ESS ≈ N(1−ρ)/(1+ρ).
		theory := float64(tc.m*tc.n) * (1 - tc.rho) / (1 + tc.rho)
		if r := got / theory; r < 0.75 || r > 1.3 {
			t.Errorf("m=%d n=%d ρ=%g: ESS %.0f vs AR(1) theory %.0f", tc.m, tc.n, tc.rho, got, theory)
		}
		// Rank normalization barely changes ESS for these near-Gaussian
		// chains.
		if b := ESSBulk(chains); math.Abs(b-got) > 0.15*got {
			t.Errorf("bulk ESS %.0f far from ESS %.0f", b, got)
		}
		if tl := ESSTail(chains); !(tl > 0.2*theory && tl < 2*theory) {
			t.Errorf("tail ESS %.0f vs AR(1) theory %.0f", tl, theory)
		}
		mcse := MCSEMean(chains)
		sd := math.Sqrt(1.0 / 12 / (1 - tc.rho*tc.rho))
		if want := sd / math.Sqrt(theory); math.Abs(mcse-want) > 0.2*want {
			t.Errorf("MCSE %.5f, want ≈ %.5f", mcse, want)
		}
	}
}

func TestRHat(t *testing.T) {
	chains := ar1Chains(4, 1000, 0.5, 777)
	if r := RHat(chains); !(r > 0.99 && r < 1.01) {
		t.Errorf("rank R-hat of stationary chains %.4f", r)
	}
	if r := SplitRHat(chains); !(r > 0.99 && r < 1.01) {
		t.Errorf("split R-hat of stationary chains %.4f", r)
	}
	// Shift one chain: both R-hats must flag it.
	for i := range chains[3] {
		chains[3][i] += 1
	}
	if r := RHat(chains); !(r > 1.1) {
		t.Errorf("rank R-hat with a shifted chain %.4f", r)
	}
	if r := SplitRHat(chains); !(r > 1.1) {
		t.Errorf("split R-hat with a shifted chain %.4f", r)
	}
	// Scale one chain: the folded (tail) part of rank R-hat sees it.
	chains = ar1Chains(4, 1000, 0.5, 778)
	for i := range chains[2] {
		chains[2][i] *= 3
	}
	if r := RHat(chains); !(r > 1.05) {
		t.Errorf("rank R-hat with an over-dispersed chain %.4f", r)
	}
	// A trend within one chain is caught by splitting.
	one := ar1Chains(1, 2000, 0.2, 9)
	for i := range one[0] {
		one[0][i] += float64(i) / 500
	}
	if r := SplitRHat(one); !(r > 1.1) {
		t.Errorf("split R-hat of a trending chain %.4f", r)
	}
}

func TestDiagnosticsInvalidInput(t *testing.T) {
	for name, chains := range map[string][][]float64{
		"empty":  nil,
		"short":  {{1, 2, 3}},
		"ragged": {{1, 2, 3, 4, 5}, {1, 2, 3, 4}},
		"nan":    {{1, 2, math.NaN(), 4, 5}},
		"inf":    {{1, 2, math.Inf(1), 4, 5}},
	} {
		for fname, f := range map[string]func([][]float64) float64{"ESS": ESS, "ESSBulk": ESSBulk, "ESSTail": ESSTail, "RHat": RHat, "SplitRHat": SplitRHat, "MCSEMean": MCSEMean} {
			if v := f(chains); !math.IsNaN(v) {
				t.Errorf("%s(%s) = %v, want NaN", fname, name, v)
			}
		}
	}
	if v := ESS([][]float64{{2, 2, 2, 2, 2, 2}}); v != 6 {
		t.Errorf("ESS of a constant chain %v, want its length", v)
	}
}

func TestZScaleTies(t *testing.T) {
	z := zScale([][]float64{{3, 1, 2, 2}})
	// Ranks 4, 1, 2.5, 2.5 of S = 4.
	for i, r := range []float64{4, 1, 2.5, 2.5} {
		p := (r - 0.375) / 4.25
		want := math.Sqrt2 * math.Erfinv(2*p-1)
		if math.Abs(z[0][i]-want) > 1e-15 {
			t.Errorf("z[%d] = %v, want %v", i, z[0][i], want)
		}
	}
}

// refDataSets are the inputs of TestDiagnosticsMatchR.
func refDataSets() [][][]float64 {
	a := ar1Chains(4, 1000, 0.9, 2024)
	b := ar1Chains(2, 1000, 0.3, 77)
	for c := range b { // skewed, heavy-tailed draws: rank normalization matters
		for i, v := range b[c] {
			b[c][i] = v * v * v * 10
		}
	}
	c := ar1Chains(4, 1000, 0.6, 31)
	for i := range c[1] { // one chain shifted, one over-dispersed
		c[1][i] += 0.4
		c[2][i] *= 1.8
	}
	return [][][]float64{a, b, c}
}

// TestDiagnosticsMatchR compares with R on the same draws (written out by
// Go, read by R): rstan 2.21.7's internal ess_rfun, split_chains,
// rhat_rfun and ess_tail, with the rank normalization of Vehtari et al.
// (2021), (r − 3/8)/(S + 1/4), which ArviZ and the posterior package use
// (rstan 2.21's own z_scale uses (r − 1/2)/S, a hair different: its
// ess_bulk for the three sets is 173.3354, 980.1897, 36.2632 and its Rhat
// 1.024763, 1.003821, 1.089255).
//
//	sp <- split_chains(x); ess_mean <- ess_rfun(sp); ess_bulk <- ess_rfun(zb(sp))
//	rhat_rank <- max(rhat_rfun(zb(sp)), rhat_rfun(zb(split_chains(abs(x - median(x))))))
//	mcse <- sd(x) / sqrt(ess_mean)
func TestDiagnosticsMatchR(t *testing.T) {
	ref := []struct {
		k                                                int
		essMean, essBulk, essTail, rhatSplit, rhat, mcse float64
	}{
		{0, 171.8421627827, 173.3366144408, 355.7616703472, 1.024890966109, 1.024765745661, 0.050328724325},
		{1, 922.9811743232, 980.4980327982, 1487.4764808734, 1.004685834471, 1.003812392340, 0.020529409778},
		{2, 36.4432290036, 36.2401450173, 63.9780742898, 1.089063979340, 1.089307832120, 0.078457982163},
	}
	sets := refDataSets()
	for _, r := range ref {
		x := sets[r.k]
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"ESS", ESS(x), r.essMean}, {"ESSBulk", ESSBulk(x), r.essBulk}, {"ESSTail", ESSTail(x), r.essTail},
			{"SplitRHat", SplitRHat(x), r.rhatSplit}, {"RHat", RHat(x), r.rhat}, {"MCSEMean", MCSEMean(x), r.mcse},
		} {
			if math.Abs(c.got-c.want) > 1e-8*math.Abs(c.want) {
				t.Errorf("set %d %s = %.12g, R %.12g", r.k, c.name, c.got, c.want)
			}
		}
	}
}

// TestWriteDiagnosticsData writes refDataSets as CSV (one column per chain)
// into $GYRO_MCMC_DIAG_DATA for testdata/stan_reference.R; without the
// variable it only checks the data sets' shapes.
func TestWriteDiagnosticsData(t *testing.T) {
	sets := refDataSets()
	for k, ch := range sets {
		for _, c := range ch {
			if len(c) != len(ch[0]) || len(c) < 4 {
				t.Fatalf("set %d: ragged or short chains", k)
			}
		}
	}
	dir := os.Getenv("GYRO_MCMC_DIAG_DATA")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, ch := range sets {
		var b strings.Builder
		for i := range ch[0] {
			for c := range ch {
				if c > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(ch[c][i], 'g', 17, 64))
			}
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("ess_%d.csv", k)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
