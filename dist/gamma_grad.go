package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// Implicit reparameterization of Gamma draws (Figurnov, Mohamed & Mnih,
// 2018): for z = F⁻¹(u; a) with F the Gamma(a, 1) CDF, dz/da = -(∂F/∂a)/f(z).
// ∂F/∂a is computed by differentiating, alongside its value, the power
// series of P(a, z) (z < a+1) or the continued fraction of Q(a, z)
// (z ≥ a+1); the density's prefactor cancels analytically, so no
// exponential is evaluated and the ratio stays finite in both tails.

// uvGammaDzDa is dz/da for a standard Gamma(a, 1) draw z.
func uvGammaDzDa(a, z float64) float64 {
	if z <= 0 || math.IsInf(z, 1) {
		return 0
	}
	return z * uvGammaDlogzDa(a, math.Log(z))
}

// uvGammaDlogzDa is d(log z)/da for a standard Gamma(a, 1) draw z = exp(logz);
// it stays finite when z itself underflows (tiny a).
func uvGammaDlogzDa(a, logz float64) float64 {
	z := math.Exp(logz)
	if math.IsInf(z, 1) {
		return 0
	}
	if z < a+1 {
		// P(a,z) = e^L S, L = a log z - z - lgamma(a+1), S = Σ zⁿ/((a+1)…(a+n));
		// f(z) = e^L a/z, so dz/da = -(S·dL + dS)·z/a.
		term, dterm := 1.0, 0.0 // term_n and d term_n / da
		s, ds := 1.0, 0.0
		for n := 1; n < 100000 && term != 0; n++ {
			an := a + float64(n)
			// term_n = term_{n-1}·z/(a+n)
			dterm = dterm*z/an - term*z/(an*an)
			term *= z / an
			s += term
			ds += dterm
			if term < 1e-17*s && math.Abs(dterm) <= 1e-17*math.Abs(ds) {
				break
			}
		}
		dL := logz - sp.Digamma(a+1)
		return -(s*dL + ds) / a
	}
	// Q(a,z) = e^L' CF, L' = a log z - z - lgamma(a), f(z) = e^L'/z,
	// so dz/da = z·(CF·(log z - ψ(a)) + dCF). CF = 1/(b0 - a1/(b1 - a2/(b2 - …)))
	// with b_n = z + 2n + 1 - a, a_n = n(n - a), evaluated from the tail.
	cf := func(n int) (float64, float64) {
		tv := z + float64(2*n+1) - a
		dt := -1.0
		for k := n; k >= 1; k-- {
			ak := float64(k) * (float64(k) - a)
			dak := -float64(k)
			bk := z + float64(2*(k-1)+1) - a
			nt := bk - ak/tv
			dt = -1 - (dak*tv-ak*dt)/(tv*tv)
			tv = nt
		}
		return 1 / tv, -dt / (tv * tv)
	}
	n := 32
	c, dc := cf(n)
	for n < 1<<16 {
		n *= 2
		c2, dc2 := cf(n)
		done := math.Abs(c2-c) <= 1e-15*math.Abs(c2) && math.Abs(dc2-dc) <= 1e-13*math.Abs(dc2)
		c, dc = c2, dc2
		if done {
			break
		}
	}
	return c*(logz-sp.Digamma(a)) + dc
}

func uvStdGammaDraw(rng *RNG, in [4]float64) float64 { return rng.Gamma(in[0]) }

// uvStandardGammaR draws Gamma(alpha, 1) variates of shape sampleShape +
// batch, differentiable in alpha through the implicit reparameterization
// gradient.
func uvStandardGammaR(t *ad.Tape, rng *RNG, sampleShape, batch []int, alpha ad.V, _ int) ad.V {
	var z ad.V
	var buf [ad.MaxDims]int
	if shape := uvSampleShape(&buf, sampleShape, batch); alpha.Size() == 1 && len(shape) > 0 && alpha.Data()[0] >= 1 {
		// one shape for every draw: the RNG's bulk sampler (only for alpha ≥ 1:
		// its alpha < 1 branch currently allocates a scratch block per call)
		a := alpha.Data()[0]
		z = t.Const(shape, nil)
		rng.FillGamma(z.Data(), a)
	} else {
		z = uvDraw(t, rng, sampleShape, batch, [4]ad.V{alpha}, 1, uvStdGammaDraw)
	}
	if !alpha.RequiresGrad() {
		return z
	}
	var dz ad.V
	if z.IsScalar() {
		dz = t.Scalar(uvGammaDzDa(alpha.Data()[0], z.Value()))
	} else {
		dz = t.Const(z.Shape(), nil)
		zd, dd, ad_ := z.Data(), dz.Data(), alpha.Data()
		n := len(ad_)
		for i, zi := range zd {
			// alpha (batch-shaped, possibly smaller) repeats over sample dims
			dd[i] = uvFinite(uvGammaDzDa(ad_[uvBcastIndex(i, z.Shape(), alpha.Shape())%n], zi))
		}
	}
	return uvAttach(t, z, dz, alpha)
}

func uvStdLogGammaDraw(rng *RNG, in [4]float64) float64 { return rng.LogGamma(in[0]) }

// uvStandardLogGammaR draws log G for G ~ Gamma(alpha, 1) (finite even when G
// underflows), differentiable in alpha through the implicit gradient.
func uvStandardLogGammaR(t *ad.Tape, rng *RNG, sampleShape, batch []int, alpha ad.V) ad.V {
	lz := uvDraw(t, rng, sampleShape, batch, [4]ad.V{alpha}, 1, uvStdLogGammaDraw)
	if !alpha.RequiresGrad() {
		return lz
	}
	var dz ad.V
	if lz.IsScalar() {
		dz = t.Scalar(uvFinite(uvGammaDlogzDa(alpha.Data()[0], lz.Value())))
	} else {
		dz = t.Const(lz.Shape(), nil)
		zd, dd, ad_ := lz.Data(), dz.Data(), alpha.Data()
		n := len(ad_)
		for i, zi := range zd {
			dd[i] = uvFinite(uvGammaDlogzDa(ad_[uvBcastIndex(i, lz.Shape(), alpha.Shape())%n], zi))
		}
	}
	return uvAttach(t, lz, dz, alpha)
}
