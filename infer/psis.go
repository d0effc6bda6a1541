package infer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/gyro-ppl/gyro/poutine"
)

// ErrTooFewTailSamples is returned (wrapped, with k = +Inf, as Pyro
// returns inf with a warning) when fewer than 10 importance weights lie in
// the tail that PSIS fits: raise the number of particles.
var ErrTooFewTailSamples = errors.New("not enough tail samples to compute the PSIS diagnostic; increase num_particles")

// PsisOption configures PsisDiagnostic.
type PsisOption func(*psisConfig)

type psisConfig struct {
	maxSimultaneous int
	maxPlateNesting int
	sequential      bool
}

// MaxSimultaneousParticles draws the particles in vectorized batches of n
// (default: all at once); numParticles must be divisible by n, as in
// Pyro.
func MaxSimultaneousParticles(n int) PsisOption {
	return func(c *psisConfig) { c.maxSimultaneous = n }
}

// PsisMaxPlateNesting sets the bound on nested plates of the model and
// guide (Pyro's max_plate_nesting, default 7 there). Without it
// PsisDiagnostic runs the model once and uses the deepest vectorized plate
// dimension it finds, which is exact for models with static structure and
// keeps tensors small.
func PsisMaxPlateNesting(n int) PsisOption {
	return func(c *psisConfig) { c.maxPlateNesting = n }
}

// PsisSequential computes the weights one particle at a time with
// Importance instead of in a vectorized plate: slower, but it needs no
// vectorized model or guide.
func PsisSequential() PsisOption {
	return func(c *psisConfig) { c.sequential = true }
}

// PsisDiagnostic is Pyro's psis_diagnostic: the Pareto tail index k̂ of the
// importance weights p(x, z)/q(z) of numParticles draws z ~ guide (Yao,
// Vehtari, Simpson & Gelman 2018, "Yes, but did it work?", building on
// Vehtari, Gelman & Gabry's Pareto smoothed importance sampling). Read it
// as Pyro documents it: k̂ < 0.5, the guide is a good approximation of the
// posterior; 0.5 ≤ k̂ ≤ 0.7, suboptimal but possibly useful; k̂ > 0.7, a
// poor approximation; k̂ < 0, the weights look bounded. A large number of
// particles (Pyro's default is 1000) may be needed for an accurate k̂.
//
// The weights come from VectorizedImportanceWeights (so model and guide
// must be vectorized, with static structure) unless PsisSequential is
// given. The tail fit is ParetoTailIndex's.
func PsisDiagnostic(ctx context.Context, r *poutine.Runtime, model, guide poutine.Model, numParticles int, opts ...PsisOption) (float64, error) {
	if numParticles <= 0 {
		return math.NaN(), fmt.Errorf("infer: PsisDiagnostic: num_particles must be positive, got %d", numParticles)
	}
	if r == nil || model == nil {
		return math.NaN(), errors.New("infer: PsisDiagnostic: nil runtime or model")
	}
	cfg := psisConfig{maxSimultaneous: numParticles, maxPlateNesting: -1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxSimultaneous <= 0 || numParticles%cfg.maxSimultaneous != 0 {
		return math.NaN(), fmt.Errorf("infer: PsisDiagnostic: num_particles (%d) must be divisible by max_simultaneous_particles (%d)", numParticles, cfg.maxSimultaneous)
	}
	var lw []float64
	if cfg.sequential {
		imp, err := NewImportance(r, model, guide, numParticles)
		if err != nil {
			return math.NaN(), err
		}
		imp.Sites = []string{}
		if err := imp.Run(ctx); err != nil {
			return math.NaN(), fmt.Errorf("infer: PsisDiagnostic: %w", err)
		}
		lw = imp.LogWeights
	} else {
		if cfg.maxPlateNesting < 0 {
			n, err := guessMaxPlateNesting(r, model)
			if err != nil {
				return math.NaN(), fmt.Errorf("infer: PsisDiagnostic: %w", err)
			}
			cfg.maxPlateNesting = n
		}
		lw = make([]float64, 0, numParticles)
		for len(lw) < numParticles {
			if err := ctx.Err(); err != nil {
				return math.NaN(), err
			}
			batch, _, _, err := VectorizedImportanceWeights(r, model, guide, cfg.maxSimultaneous, cfg.maxPlateNesting)
			if err != nil {
				return math.NaN(), fmt.Errorf("infer: PsisDiagnostic: %w", err)
			}
			lw = append(lw, batch...)
		}
	}
	k, err := ParetoTailIndex(lw)
	if err != nil {
		return k, fmt.Errorf("infer: PsisDiagnostic: %w", err)
	}
	return k, nil
}

// guessMaxPlateNesting runs model once (observations kept, nothing
// recorded outside) and returns the deepest vectorized plate dimension of
// its sample sites (Pyro's _guess_max_plate_nesting).
func guessMaxPlateNesting(r *poutine.Runtime, model poutine.Model) (int, error) {
	r.Reset()
	tr, err := poutine.TraceOf(model).Get(r)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range tr.Sites() {
		if s.Type != poutine.TypeSample {
			continue
		}
		for _, f := range s.Plates() {
			if f.Vectorized && -f.Dim > n {
				n = -f.Dim
			}
		}
	}
	r.Reset()
	return n, nil
}

// ParetoTailIndex is the tail fit of PsisDiagnostic on given log importance
// weights, as Pyro computes it: with S weights, the largest
// M = ⌈min(0.2·S, 3√S)⌉ (those above the (S−M)-th smallest, and above
// 1e−15 of the largest weight) are shifted by the cutoff weight and fitted
// with a generalized Pareto distribution (FitGeneralizedPareto); k̂ is the
// fitted shape.
//
// Weights that are all equal (to within 1e−9 in log space, relative to the
// size of the log weights: the exact posterior as the proposal) have no
// tail at all; k̂ is then −Inf, the limit of ever thinner tails, rather
// than a fit to rounding noise. Fewer than 10 tail weights give +Inf and an
// error wrapping ErrTooFewTailSamples. NaN or +Inf log weights are an
// error.
func ParetoTailIndex(logWeights []float64) (float64, error) {
	s := len(logWeights)
	if s == 0 {
		return math.NaN(), errors.New("ParetoTailIndex: no log weights")
	}
	lw := make([]float64, s)
	mx, mn := math.Inf(-1), math.Inf(1)
	for i, x := range logWeights {
		if math.IsNaN(x) || math.IsInf(x, 1) {
			return math.NaN(), fmt.Errorf("ParetoTailIndex: log weight %d is %v", i, x)
		}
		lw[i] = x
		mx = math.Max(mx, x)
		mn = math.Min(mn, x)
	}
	if math.IsInf(mx, -1) {
		return math.NaN(), errors.New("ParetoTailIndex: every weight is zero (all log weights are -Inf)")
	}
	if mx-mn <= 1e-9*math.Max(1, math.Abs(mx)) {
		return math.Inf(-1), nil
	}
	for i := range lw {
		lw[i] -= mx
	}
	sort.Float64s(lw)
	m := int(math.Ceil(math.Min(0.2*float64(s), 3*math.Sqrt(float64(s)))))
	idx := s - m - 1
	cutoff := math.Log(1e-15)
	if idx >= 0 && lw[idx] > cutoff {
		cutoff = lw[idx]
	}
	ec := math.Exp(cutoff)
	tail := make([]float64, 0, m+1)
	for _, x := range lw {
		if x > cutoff {
			tail = append(tail, math.Exp(x)-ec)
		}
	}
	if len(tail) < 10 {
		return math.Inf(1), fmt.Errorf("%w (%d tail weights of %d, at least 10 are needed)", ErrTooFewTailSamples, len(tail), s)
	}
	k, _, err := FitGeneralizedPareto(tail)
	return k, err
}

// FitGeneralizedPareto estimates the shape k and scale σ of a generalized
// Pareto distribution with location 0,
//
//	F(x) = 1 − (1 + k·x/σ)^(−1/k),
//
// from data x ≥ 0, by Zhang & Stephens' (2009) empirical Bayes estimator
// as used in Pareto smoothed importance sampling (Vehtari, Gelman & Gabry),
// including its weakly informative prior on k, which shrinks the estimate
// toward 0.5 with the weight of 10 observations: k̂ = (n·k + 5)/(n + 10),
// as Pyro's fit_generalized_pareto. The returned σ is the one fitted before
// that adjustment (as Pyro). Data must be finite, non-negative and not all
// zero.
func FitGeneralizedPareto(x []float64) (k, sigma float64, err error) {
	n := len(x)
	if n == 0 {
		return math.NaN(), math.NaN(), errors.New("FitGeneralizedPareto: no data")
	}
	xs := make([]float64, n)
	for i, v := range x {
		if !(v >= 0) || math.IsInf(v, 1) {
			return math.NaN(), math.NaN(), fmt.Errorf("FitGeneralizedPareto: data[%d] = %v is not a finite non-negative number", i, v)
		}
		xs[i] = v
	}
	sort.Float64s(xs)
	xmax := xs[n-1]
	if xmax == 0 {
		return math.NaN(), math.NaN(), errors.New("FitGeneralizedPareto: every datum is 0")
	}
	// first quartile (the smallest positive datum if it is 0)
	q := xs[max(0, int(float64(n)/4+0.5)-1)]
	if q == 0 {
		for _, v := range xs {
			if v > 0 {
				q = v
				break
			}
		}
	}
	// Candidate values of b = −k/σ, their profile log likelihoods and the
	// posterior-mean weights over them.
	m := 30 + int(math.Sqrt(float64(n)))
	bs := make([]float64, m)
	ls := make([]float64, m)
	for j := range bs {
		b := 1/xmax + (1-math.Sqrt(float64(m)/(float64(j)+0.5)))/(3*q)
		kj := meanLog1p(xs, b)
		l := float64(n) * (math.Log(-b/kj) - kj - 1)
		if math.IsNaN(l) {
			l = math.Inf(-1) // b = 0 exactly: no information, no weight
		}
		bs[j], ls[j] = b, l
	}
	lse := logSumExp(ls)
	wsum, bhat := 0.0, 0.0
	for j := range bs {
		w := math.Exp(ls[j] - lse)
		if w <= 1e-30 {
			continue // negligible, dropped as in Pyro
		}
		wsum += w
		bhat += w * bs[j]
	}
	if !(wsum > 0) {
		return math.NaN(), math.NaN(), errors.New("FitGeneralizedPareto: the profile likelihood is degenerate for these data")
	}
	bhat /= wsum
	k = meanLog1p(xs, bhat)
	sigma = -k / bhat
	k = (float64(n)*k + 5) / (float64(n) + 10)
	return k, sigma, nil
}

// meanLog1p is the mean of log(1 − b·x_i).
func meanLog1p(xs []float64, b float64) float64 {
	s := 0.0
	for _, v := range xs {
		s += math.Log1p(-b * v)
	}
	return s / float64(len(xs))
}
