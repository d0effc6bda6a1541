// Package infer holds gyro's inference algorithms: SVI with Pyro's ELBO
// family, importance sampling, Predictive, and MCMC (HMC, NUTS) with
// diagnostics. Algorithms accept gyro models or bare potential functions.
package infer
