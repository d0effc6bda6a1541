package dist

import (
	"math"

	sp "github.com/gyro-ppl/gyro/internal/special"
)

// Scalar special functions for accurate log densities. The large-argument
// forms follow the classical approach of Loader ("Fast and accurate
// computation of binomial probabilities", 2000): write log Γ through
// Stirling's series so that terms of size n log n cancel analytically
// rather than in floating point.

const uvLn2Pi = 1.83787706640934548356065947281123527972279494727556

// uvLgammaCor is log Γ(x) - ((x-½)log x - x + log√(2π)) for x ≥ 10, from
// Stirling's series (error below 3e-17 at x = 10).
func uvLgammaCor(x float64) float64 {
	z := 1 / (x * x)
	return (1.0/12 + z*(-1.0/360+z*(1.0/1260+z*(-1.0/1680+z*(1.0/1188+z*(-691.0/360360+z*(1.0/156+z*(-3617.0/122400)))))))) / x
}

// uvStirlerr is log Γ(n+1) - (n+½)log n + n - log√(2π) (the error of
// Stirling's formula for n!), for n ≥ 0.
func uvStirlerr(n float64) float64 {
	if n >= 10 {
		return uvLgammaCor(n)
	}
	if n == math.Trunc(n) {
		return uvStirlerrInt[int(n)]
	}
	return sp.Lgamma(n+1) - (n+0.5)*math.Log(n) + n - sp.LnSqrt2Pi
}

// uvStirlerrInt holds uvStirlerr at 0..9 (computed with mpmath at 40
// digits; 0 at n = 0 by convention).
var uvStirlerrInt = [10]float64{
	0.0,
	0.08106146679532725822,
	0.041340695955409294094,
	0.027677925684998339149,
	0.020790672103765093112,
	0.016644691189821192163,
	0.013876128823070747999,
	0.011896709945891770095,
	0.010411265261972096497,
	0.0092554621827127329177,
}

// uvBd0 is x log(x/m) + m - x ≥ 0, the deviance term, accurate when x ≈ m.
// logm is log(m), used when m under- or overflows relative to x.
func uvBd0(x, m, logm float64) float64 {
	if x == 0 {
		return m
	}
	if m > 0 && !math.IsInf(m, 0) && math.Abs(x-m) < 0.1*(x+m) {
		v := (x - m) / (x + m)
		s := (x - m) * v
		if math.Abs(s) < math.SmallestNonzeroFloat64 {
			return s
		}
		ej := 2 * x * v
		v *= v
		for j := 1; j < 1000; j++ {
			ej *= v
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
		return s
	}
	r := x / m
	if m > 0 && r > 0 && !math.IsInf(r, 0) && r > math.SmallestNonzeroFloat64*1e16 {
		return x*math.Log(r) + m - x
	}
	return x*(math.Log(x)-logm) + m - x
}

// uvPoisLog is the Poisson log mass of a real k ≥ 0 at rate m = exp(logm).
func uvPoisLog(k, m, logm float64) float64 {
	switch {
	case m == 0 && !(logm > -math.MaxFloat64):
		if k == 0 {
			return 0
		}
		return math.Inf(-1)
	case math.IsInf(m, 1):
		return math.Inf(-1)
	case k == 0:
		return -m
	}
	if m < 1e-290 || m > 1e290 {
		// no cancellation to protect against: the k log m term dominates
		return k*logm - m - sp.Lgamma(k+1)
	}
	return -uvStirlerr(k) - uvBd0(k, m, logm) - 0.5*(uvLn2Pi+uvLogInt(k))
}

// uvLogInt is log k, from a table for integers below 1024.
func uvLogInt(k float64) float64 {
	if k < float64(len(uvLogTab)) && k == math.Trunc(k) {
		return uvLogTab[int(k)]
	}
	return math.Log(k)
}

var uvLogTab = func() (t [1024]float64) {
	for i := range t {
		t[i] = math.Log(float64(i))
	}
	return
}()

// uvPoisLogK is uvPoisLog for a k > 0 fixed across elements (a parameter):
// stirlerr(k) + ½log(2πk) comes from the memo's slot s.
func uvPoisLogK(k, m, logm float64, memo *uvMemo, s int) float64 {
	if m < 1e-290 || m > 1e290 || k == 0 {
		return uvPoisLog(k, m, logm)
	}
	return -memo.get(s, k, 0, uvPoisConst) - uvBd0(k, m, logm)
}

func uvPoisConst(k, _ float64) float64 { return uvStirlerr(k) + 0.5*(uvLn2Pi+math.Log(k)) }

func uvLog2(x, _ float64) float64 { return math.Log(x) }

// uvBinomLog is the binomial log mass of x successes in n trials (reals,
// 0 ≤ x ≤ n) with success probability p = exp(logp), failure q = exp(logq)
// (both given so that each is accurate near 0).
func uvBinomLog(x, n, p, q, logp, logq float64) float64 {
	if p == 0 && math.IsInf(logp, -1) {
		if x == 0 {
			return 0
		}
		return math.Inf(-1)
	}
	if q == 0 && math.IsInf(logq, -1) {
		if x == n {
			return 0
		}
		return math.Inf(-1)
	}
	if x == 0 {
		if n == 0 {
			return 0
		}
		return n * logq
	}
	if x == n {
		return n * logp
	}
	if x < 0 || x > n {
		return math.Inf(-1)
	}
	if p < 1e-280 || q < 1e-280 {
		// extreme probabilities: the log-probability terms dominate, no
		// cancellation between the log-gamma terms matters
		return uvLchoose(n, x) + x*logp + (n-x)*logq
	}
	lc := uvStirlerr(n) - uvStirlerr(x) - uvStirlerr(n-x) - uvBd0(x, n*p, math.Log(n)+logp) - uvBd0(n-x, n*q, math.Log(n)+logq)
	// log(x(n-x)/n): log1p(-x/n) loses digits when x/n is near 1
	var l1 float64
	if x < 0.5*n {
		l1 = math.Log1p(-x / n)
	} else {
		l1 = math.Log((n - x) / n)
	}
	lf := uvLn2Pi + math.Log(x) + l1
	return lc - 0.5*lf
}

// uvLbeta is log B(a, b) for a, b > 0, accurate when either is large (no
// cancellation between log-gamma values).
func uvLbeta(a, b float64) float64 {
	p, q := a, b
	if p > q {
		p, q = q, p
	}
	switch {
	case p <= 0 || math.IsNaN(p) || math.IsNaN(q):
		if p == 0 {
			return math.Inf(1)
		}
		return math.NaN()
	case math.IsInf(q, 1):
		return math.Inf(-1)
	case p >= 10:
		corr := uvLgammaCor(p) + uvLgammaCor(q) - uvLgammaCor(p+q)
		return -0.5*math.Log(q) + sp.LnSqrt2Pi + corr + (p-0.5)*math.Log(p/(p+q)) + q*math.Log1p(-p/(p+q))
	case q >= 10:
		corr := uvLgammaCor(q) - uvLgammaCor(p+q)
		return sp.Lgamma(p) + corr + p - p*math.Log(p+q) + (q-0.5)*math.Log1p(-p/(p+q))
	}
	return sp.Lgamma(p) + sp.Lgamma(q) - sp.Lgamma(p+q)
}

// uvLchoose is log C(n, k) for real 0 ≤ k ≤ n.
func uvLchoose(n, k float64) float64 {
	if k == 0 || k == n {
		return 0
	}
	return -math.Log(n+1) - uvLbeta(n-k+1, k+1)
}

// uvLgammaDiff is log Γ(a+h) - log Γ(a) for a > 0, a+h > 0, without
// cancellation when both are large.
func uvLgammaDiff(a, h float64) float64 {
	if a >= 10 && a+h >= 10 {
		return (a-0.5)*math.Log1p(h/a) + h*math.Log(a+h) - h + uvLgammaCor(a+h) - uvLgammaCor(a)
	}
	return sp.Lgamma(a+h) - sp.Lgamma(a)
}

// uvLogI0 is log I₀(k) and uvI1I0 the ratio I₁(k)/I₀(k), for k ≥ 0: power
// series (all terms positive) below 30, Hankel's asymptotic series above.
func uvLogI0(k float64) float64 {
	if k < 30 {
		return math.Log(uvBesselISeries(0, k))
	}
	return k - 0.5*math.Log(2*math.Pi*k) + math.Log(uvBesselIAsym(0, k))
}

func uvI1I0(k float64) float64 {
	if k < 30 {
		return uvBesselISeries(1, k) / uvBesselISeries(0, k)
	}
	return uvBesselIAsym(1, k) / uvBesselIAsym(0, k)
}

// uvBesselISeries is I_ν(k) = Σ (k/2)^(2j+ν) / (j! (j+ν)!) for ν ∈ {0, 1}.
func uvBesselISeries(nu int, k float64) float64 {
	h := 0.5 * k
	h2 := h * h
	term := 1.0
	if nu == 1 {
		term = h
	}
	s := term
	for j := 1; j < 500; j++ {
		term *= h2 / (float64(j) * float64(j+nu))
		s += term
		if term < 1e-17*s {
			break
		}
	}
	return s
}

// uvBesselIAsym is I_ν(k)·√(2πk)·e^(-k) from the asymptotic series
// Σ (-1)^n a_n(ν) / k^n, summed until the terms stop shrinking.
func uvBesselIAsym(nu int, k float64) float64 {
	mu := 4 * float64(nu*nu)
	s, term := 1.0, 1.0
	for n := 0; n < 200; n++ {
		f := float64(2*n + 1)
		next := -term * (mu - f*f) / (float64(n+1) * 8 * k)
		if math.Abs(next) >= math.Abs(term) {
			break
		}
		term = next
		s += term
		if math.Abs(term) < 1e-17*math.Abs(s) {
			break
		}
	}
	return s
}
