package dist

import (
	"math"

	sp "github.com/gyro-ppl/gyro/internal/special"
)

// Scalar samplers used by the univariate distributions until the shared
// RNG methods (RNG.Gamma, RNG.Poisson, RNG.Binomial, RNG.Beta) land; they
// are unexported and prefixed so nothing collides.

const uvTiny = 2.2250738585072014e-308 // smallest normal float64

// uvGamma draws Gamma(alpha, 1) (Marsaglia–Tsang; alpha < 1 through
// Gamma(alpha+1)·U^(1/alpha) in logs). Results are clamped below at the
// smallest normal number, as PyTorch does, so that they stay in the support.
func uvGamma(rng *RNG, alpha float64) float64 {
	logBoost := 0.0
	if alpha < 1 {
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		logBoost = math.Log(u) / alpha
		alpha++
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			g := d * v
			if logBoost != 0 {
				g *= math.Exp(logBoost)
			}
			if g < uvTiny {
				g = uvTiny
			}
			return g
		}
	}
}

// uvBeta draws Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b),
// clamped to [tiny, 1-eps/2] as PyTorch.
func uvBeta(rng *RNG, a, b float64) float64 {
	x := uvGamma(rng, a)
	y := uvGamma(rng, b)
	r := x / (x + y)
	if r < uvTiny {
		r = uvTiny
	}
	if r > 1-0x1p-53 {
		r = 1 - 0x1p-53
	}
	return r
}

// uvPoisson draws Poisson(lam): inversion by multiplication below 10,
// Hörmann's PTRS transformed rejection above.
func uvPoisson(rng *RNG, lam float64) float64 {
	if lam <= 0 {
		return 0
	}
	if lam < 10 {
		l := math.Exp(-lam)
		k := 0.0
		p := rng.Float64()
		for p > l {
			k++
			p *= rng.Float64()
		}
		return k
	}
	slam := math.Sqrt(lam)
	loglam := math.Log(lam)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := rng.Float64() - 0.5
		v := rng.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lam + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		if math.Log(v)+math.Log(invAlpha)-math.Log(a/(us*us)+b) <= -lam+k*loglam-sp.Lgamma(k+1) {
			return k
		}
	}
}

// uvBinomial draws Binomial(n, p) for integer n ≥ 0: inversion when
// n·min(p, 1-p) < 10, Hörmann's BTRS transformed rejection otherwise.
func uvBinomial(rng *RNG, n, p float64) float64 {
	if n == 0 || p == 0 {
		return 0
	}
	if p == 1 {
		return n
	}
	if p > 0.5 {
		return n - uvBinomial(rng, n, 1-p)
	}
	q := 1 - p
	if n*p < 10 {
		// sequential search from 0
		for {
			u := rng.Float64()
			pk := math.Exp(n * math.Log1p(-p))
			r := p / q
			k := 0.0
			for u > pk && k < n {
				u -= pk
				pk *= r * (n - k) / (k + 1)
				k++
			}
			if u <= pk || k == n {
				return k
			}
		}
	}
	spq := math.Sqrt(n * p * q)
	b := 1.15 + 2.53*spq
	a := -0.0873 + 0.0248*b + 0.01*p
	c := n*p + 0.5
	vr := 0.92 - 4.2/b
	alpha := (2.83 + 5.1/b) * spq
	lpq := math.Log(p / q)
	m := math.Floor((n + 1) * p)
	h := sp.Lgamma(m+1) + sp.Lgamma(n-m+1)
	for {
		u := rng.Float64() - 0.5
		v := rng.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + c)
		if k < 0 || k > n {
			continue
		}
		if us >= 0.07 && v <= vr {
			return k
		}
		v = math.Log(v * alpha / (a/(us*us) + b))
		if v <= h-sp.Lgamma(k+1)-sp.Lgamma(n-k+1)+(k-m)*lpq {
			return k
		}
	}
}
