package models

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
)

// RadonVaryingInterceptNC is posteriordb's
// radon_variable_intercept_noncentered on the Minnesota radon data
// (stan/radon_variable_intercept_noncentered.stan), with sites in Stan's
// parameter order:
//
//	alpha_raw[j] ~ Normal(0, 1)          j = 1..J (plate "county")
//	beta ~ Normal(0, 10)
//	mu_alpha ~ Normal(0, 10)
//	sigma_alpha ~ HalfNormal(1)
//	sigma_y ~ HalfNormal(1)
//	alpha = mu_alpha + sigma_alpha·alpha_raw
//	log_radon[n] ~ Normal(alpha[county[n]] + beta·floor[n], sigma_y)
//	                                     n = 1..N (plate "house"), observed
//
// alpha[county] gathers each house's county intercept with the tape's
// IndexSelect, whose gradient scatters back onto alpha. Stan writes the
// half-normals as normal(0, 1) on a parameter with <lower=0>, dropping the
// constant log 2 of each; the log densities differ by that constant only.
//
// The likelihood's scale is sigma_y floored at the smallest positive
// float64. This changes nothing where sigma_y > 0; where exp of a very
// negative unconstrained value underflows to exactly 0 (as a leapfrog step
// with a large step size can produce, early in warm-up, with N = 919
// observations behind the gradient), it turns what would be an invalid
// Normal scale into a log density of −∞: a rejected, divergent proposal,
// which is how Stan treats the same point, instead of an error that stops
// the chain.
func RadonVaryingInterceptNC(d *RadonData) poutine.Model {
	n, j := d.N, d.J
	nshape := []int{n}
	return func(r *poutine.Runtime) {
		var alphaRaw = r.Scalar(0)
		r.Plate("county", j, func([]int) {
			alphaRaw = r.Sample("alpha_raw", dist.Normal(r.Scalar(0), r.Scalar(1)))
		})
		beta := r.Sample("beta", dist.Normal(r.Scalar(0), r.Scalar(10)))
		muAlpha := r.Sample("mu_alpha", dist.Normal(r.Scalar(0), r.Scalar(10)))
		sigmaAlpha := r.Sample("sigma_alpha", dist.HalfNormal(r.Scalar(1)))
		sigmaY := r.Sample("sigma_y", dist.HalfNormal(r.Scalar(1)))
		alpha := r.Add(muAlpha, r.Mul(sigmaAlpha, alphaRaw))
		floor := r.ConstRef(nshape, d.FloorMeasure)
		logRadon := r.ConstRef(nshape, d.LogRadon)
		r.Plate("house", n, func([]int) {
			mean := r.Add(r.IndexSelect(alpha, 0, d.County), r.Mul(beta, floor))
			r.Sample("log_radon", dist.Normal(mean, scaleFloor(r, sigmaY)), poutine.Obs(logRadon))
		})
	}
}

// scaleFloor is max(s, the smallest positive float64): s itself (value and
// gradient) wherever s > 0.
func scaleFloor(r *poutine.Runtime, s ad.V) ad.V {
	return r.Maximum(s, r.Scalar(math.SmallestNonzeroFloat64))
}
