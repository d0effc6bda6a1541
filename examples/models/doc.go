// Package models holds the models of gyro's worked examples and benchmarks as
// reusable functions, with loaders for the data sets bundled in
// examples/data:
//
//   - eight schools (Rubin 1981), centred and non-centred
//     (EightSchoolsCentered, EightSchoolsNonCentered, LoadEightSchools);
//   - logistic regression, on the standardized Wisconsin breast-cancer data
//     (LoadBreastCancer) or on seeded synthetic data (SyntheticLogReg),
//     with optional plate subsampling (LogisticRegression);
//   - the Minnesota radon varying-intercept model, non-centred
//     (RadonVaryingInterceptNC, LoadRadon);
//   - conjugate Bayesian linear regression with its closed-form posterior
//     (LinearRegression, SyntheticLinReg, LinRegData.ConjugatePosterior);
//   - a Gaussian mixture whose discrete assignments are summed out
//     analytically (GaussianMixture, SyntheticGMM).
//
// Every model is a poutine.Model: a closure over its data, so it can be
// traced, conditioned, sampled with NUTS through infer.NewModelPotential or
// fitted with SVI.
//
// # Site names and Stan
//
// The site names are the parameter names of the Stan programs in stan/ (and
// of posteriordb), so that draws can be compared with the Stan reference
// posteriors in infer/testdata/reference, whose parameters carry Stan's
// 1-based element names:
//
//	model                      gyro site (shape)       Stan parameter
//	EightSchoolsNonCentered    mu ()                   mu
//	                           tau ()                  tau
//	                           theta_tilde (8)         theta_tilde[1..8]
//	EightSchoolsCentered       mu, tau ()              mu, tau
//	                           theta (8)               theta[1..8]
//	LogisticRegression         w (D)                   w[1..D]
//	                           b ()                    b
//	RadonVaryingInterceptNC    alpha_raw (J)           alpha_raw[1..J]
//	                           beta ()                 beta
//	                           mu_alpha ()             mu_alpha
//	                           sigma_alpha ()          sigma_alpha
//	                           sigma_y ()              sigma_y
//
// Element k (0-based, row-major) of a gyro site is Stan's name with the
// 1-based index k+1: StanName("theta_tilde", 2) is "theta_tilde[3]".
// CoordNames lists the Stan name of every constrained coordinate of a model
// potential, in the order of infer.ModelPotential.Constrain.
//
// # Data files
//
// DataPath finds a bundled data file whether a program runs from the
// repository root, from its own directory, or from anywhere when the
// GYRO_DATA environment variable names the data directory.
package models
