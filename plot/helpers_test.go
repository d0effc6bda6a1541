package plot

import (
	"math"
	"math/rand/v2"
)

// ar1Chains returns nChains chains of n draws of a stationary Gaussian
// AR(1) process x_t = mu_c + phi·(x_{t-1} - mu_c) + sqrt(1-phi²)·sd·e_t,
// with per-chain means mu_c = mu + shift·c (shift 0: all chains agree).
func ar1Chains(seed uint64, nChains, n int, mu, sd, phi, shift float64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float64, nChains)
	s := math.Sqrt(1-phi*phi) * sd
	for c := range out {
		m := mu + shift*float64(c)
		x := m + sd*r.NormFloat64()
		out[c] = make([]float64, n)
		for i := range out[c] {
			x = m + phi*(x-m) + s*r.NormFloat64()
			out[c][i] = x
		}
	}
	return out
}

// svilosses returns a synthetic, noisy, decaying SVI loss curve.
func sviLosses(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([]float64, n)
	for i := range out {
		t := float64(i)
		out[i] = 120 + 5000*math.Exp(-t/150) + 15*r.NormFloat64()*(1+2*math.Exp(-t/300))
	}
	return out
}
