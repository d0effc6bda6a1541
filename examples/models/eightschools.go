package models

import (
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
)

// EightSchoolsNonCentered is posteriordb's eight_schools_noncentered
// (stan/eight_schools_noncentered.stan):
//
//	mu ~ Normal(0, 5)
//	tau ~ HalfCauchy(5)
//	theta_tilde[j] ~ Normal(0, 1)                       j = 1..J (plate "school")
//	y[j] ~ Normal(mu + tau·theta_tilde[j], sigma[j])    observed
//
// The school effects are theta = mu + tau·theta_tilde (Stan's generated
// quantity), a deterministic function of the sampled sites.
func EightSchoolsNonCentered(d *EightSchoolsData) poutine.Model {
	j := d.J
	shape := []int{j}
	return func(r *poutine.Runtime) {
		mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(5)))
		tau := r.Sample("tau", dist.HalfCauchy(r.Scalar(5)))
		y := r.ConstRef(shape, d.Y)
		sigma := r.ConstRef(shape, d.Sigma)
		r.Plate("school", j, func([]int) {
			tt := r.Sample("theta_tilde", dist.Normal(r.Scalar(0), r.Scalar(1)))
			r.Sample("y", dist.Normal(r.Add(mu, r.Mul(tau, tt)), sigma), poutine.Obs(y))
		})
	}
}

// EightSchoolsCentered is the centred parameterization
// (stan/eight_schools_centered.stan): the same posterior for mu, tau and
// theta, but with the funnel between tau and theta that makes NUTS diverge.
//
//	mu ~ Normal(0, 5)
//	tau ~ HalfCauchy(5)
//	theta[j] ~ Normal(mu, tau)           j = 1..J (plate "school")
//	y[j] ~ Normal(theta[j], sigma[j])    observed
func EightSchoolsCentered(d *EightSchoolsData) poutine.Model {
	j := d.J
	shape := []int{j}
	return func(r *poutine.Runtime) {
		mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(5)))
		tau := r.Sample("tau", dist.HalfCauchy(r.Scalar(5)))
		y := r.ConstRef(shape, d.Y)
		sigma := r.ConstRef(shape, d.Sigma)
		r.Plate("school", j, func([]int) {
			theta := r.Sample("theta", dist.Normal(mu, tau))
			r.Sample("y", dist.Normal(theta, sigma), poutine.Obs(y))
		})
	}
}
