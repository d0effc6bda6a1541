package models

import (
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
)

// GMMData is a set of N points in D dimensions (X, row-major N×D).
type GMMData struct {
	N, D int
	X    []float64
}

// GMMConfig configures GaussianMixture.
type GMMConfig struct {
	// K is the number of components (≥ 1).
	K int
	// Scale is the known standard deviation of every coordinate of every
	// component (default 1).
	Scale float64
	// PriorScale is the prior standard deviation of the component means
	// (default 10).
	PriorScale float64
	// Concentration > 0 gives the mixture weights a symmetric
	// Dirichlet(Concentration) prior (site "weights"); 0 fixes them at 1/K.
	Concentration float64
}

func (c GMMConfig) withDefaults() (GMMConfig, error) {
	if c.K < 1 {
		return c, fmt.Errorf("models: GaussianMixture: K = %d, want at least 1 component", c.K)
	}
	if c.Scale == 0 {
		c.Scale = 1
	}
	if c.PriorScale == 0 {
		c.PriorScale = 10
	}
	if !(c.Scale > 0) || math.IsInf(c.Scale, 0) {
		return c, fmt.Errorf("models: GaussianMixture: Scale %v must be positive and finite", c.Scale)
	}
	if !(c.PriorScale > 0) || math.IsInf(c.PriorScale, 0) {
		return c, fmt.Errorf("models: GaussianMixture: PriorScale %v must be positive and finite", c.PriorScale)
	}
	if !(c.Concentration >= 0) || math.IsInf(c.Concentration, 0) {
		return c, fmt.Errorf("models: GaussianMixture: Concentration %v must be finite and ≥ 0", c.Concentration)
	}
	return c, nil
}

// GaussianMixture is a mixture of K isotropic Gaussians with known scale σ,
// whose discrete assignments are summed out analytically:
//
//	weights ~ Dirichlet(Concentration·1_K)    (or fixed at 1/K)
//	locs[k] ~ Normal(0, PriorScale·I_D)       k = 1..K (plate "components"; site "locs" of shape (K, D))
//	log p(x[n]) = logsumexp_k (log weights[k] + Σ_d log N(x[n,d]; locs[k,d], σ))
//	                                          n = 1..N (plate "data", factor site "x")
//
// The assignment z[n] ~ Categorical(weights) never appears as a site: the
// model adds the marginal log likelihood of each point with Runtime.Factor
// inside the data plate (so subsampling with opts scales it by N/m as it
// would an observed site). This is the log density of dist.MixtureOfDiagNormals
// written out with tape operations; it is what enumerating z would compute.
func GaussianMixture(d *GMMData, cfg GMMConfig, opts ...poutine.PlateOption) (poutine.Model, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if d.N < 1 || d.D < 1 || len(d.X) != d.N*d.D {
		return nil, fmt.Errorf("models: GaussianMixture: data has %d values for N = %d, D = %d", len(d.X), d.N, d.D)
	}
	n, nd, k := d.N, d.D, cfg.K
	xshape := []int{n, 1, nd}
	uniform := make([]float64, k)
	for i := range uniform {
		uniform[i] = -math.Log(float64(k))
	}
	return func(r *poutine.Runtime) {
		var logw = r.ConstRef([]int{k}, uniform)
		if cfg.Concentration > 0 {
			conc := r.Expand(r.Scalar(cfg.Concentration), k)
			logw = r.Log(r.Sample("weights", dist.Dirichlet(conc)))
		}
		var locs = r.Scalar(0)
		r.Plate("components", k, func([]int) {
			locs = r.Sample("locs", dist.ToEvent(dist.Normal(r.Scalar(0), r.Scalar(cfg.PriorScale)).Expand(k, nd), 1))
		})
		x := r.ConstRef(xshape, d.X)
		r.Plate("data", n, func(ind []int) {
			if !isRange(ind, n) {
				x = r.IndexSelect(x, 0, ind)
			}
			// (m, 1, D) against (K, D): per-point, per-component log densities
			lp := r.SumAxis(r.NormalLogProb(x, locs, r.Scalar(cfg.Scale)), 2, false) // (m, K)
			r.Factor("x", r.LogSumExpAxis(r.Add(lp, logw), 1, false))                // (m)
		}, opts...)
	}, nil
}

// SyntheticGMM draws n points from a mixture of Gaussians seeded with
// seed: component k (chosen with probability weights[k]; nil weights:
// equal) has mean locs[k] and standard deviation scale in every
// coordinate. It returns the data and each point's component.
func SyntheticGMM(n int, locs [][]float64, weights []float64, scale float64, seed uint64) (*GMMData, []int, error) {
	k := len(locs)
	if n < 1 || k < 1 {
		return nil, nil, fmt.Errorf("models: SyntheticGMM: n = %d and %d components must be positive", n, k)
	}
	d := len(locs[0])
	if d < 1 {
		return nil, nil, fmt.Errorf("models: SyntheticGMM: component 0 has no coordinates")
	}
	for i, l := range locs {
		if len(l) != d {
			return nil, nil, fmt.Errorf("models: SyntheticGMM: component %d has %d coordinates, component 0 has %d", i, len(l), d)
		}
	}
	if weights == nil {
		weights = make([]float64, k)
		for i := range weights {
			weights[i] = 1 / float64(k)
		}
	}
	if len(weights) != k {
		return nil, nil, fmt.Errorf("models: SyntheticGMM: %d weights for %d components", len(weights), k)
	}
	total := 0.0
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, nil, fmt.Errorf("models: SyntheticGMM: weight %d is %v", i, w)
		}
		total += w
	}
	if total == 0 {
		return nil, nil, fmt.Errorf("models: SyntheticGMM: the weights are all zero")
	}
	if !(scale > 0) {
		return nil, nil, fmt.Errorf("models: SyntheticGMM: scale %v must be positive", scale)
	}
	rng := dist.NewRNG(seed)
	x := make([]float64, n*d)
	z := make([]int, n)
	for i := 0; i < n; i++ {
		c := rng.Categorical(weights)
		z[i] = c
		for j := 0; j < d; j++ {
			x[i*d+j] = locs[c][j] + scale*rng.NormFloat64()
		}
	}
	return &GMMData{N: n, D: d, X: x}, z, nil
}
