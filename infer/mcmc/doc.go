// Package mcmc is gyro's Markov chain Monte Carlo core: the No-U-Turn
// sampler and static Hamiltonian Monte Carlo on a bare potential function,
// with Stan's warmup (initial step-size search, dual averaging, windowed
// mass-matrix adaptation), multi-chain runs on goroutines, and the
// convergence diagnostics of Vehtari et al. (2021): rank-normalized split
// R-hat, bulk and tail effective sample size, and the Monte Carlo standard
// error of the mean.
//
// The package works on flat float64 vectors and knows nothing about gyro
// models, so any front end that can evaluate a log density and its gradient
// can use it. Package infer wraps models (infer.ModelPotential) into the
// Potential this package samples.
//
// Sign convention: a Potential returns the potential energy
// U(x) = −log p(x) (up to a constant) and writes ∇U(x), as Stan and NumPyro
// do. Use FromLogDensity to adapt a log-density function.
//
// Entry points: Sample (one chain), SampleChains (chains as goroutines,
// independent of GOMAXPROCS), NewChain (step-by-step control), and the
// diagnostics RHat, SplitRHat, ESS, ESSBulk, ESSTail, MCSEMean, EBFMI and
// Summarize.
//
// After warm-up, a transition allocates nothing: every buffer a chain
// needs is allocated once when the chain starts, and each leapfrog step
// evaluates the potential exactly once (gradients at trajectory ends are
// cached).
package mcmc
