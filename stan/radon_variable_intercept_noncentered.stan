// Minnesota radon, varying intercept by county, non-centred parameterisation.
// The posterior is that of posteriordb's radon_variable_intercept_noncentered
// on radon_mn (see shared/data/posteriordb/PROVENANCE.md); the likelihood is
// vectorised here instead of looped.
// Stan 2.21 syntax (rstan 2.21.7).
data {
  int<lower=1> N;                          // houses
  int<lower=1> J;                          // counties
  int<lower=1, upper=J> county_idx[N];     // county of each house (1-based)
  vector[N] floor_measure;                 // 0 = basement, 1 = first floor
  vector[N] log_radon;                     // outcome
}
parameters {
  vector[J] alpha_raw;                     // standardised county intercepts
  real beta;                               // floor effect
  real mu_alpha;                           // mean county intercept
  real<lower=0> sigma_alpha;               // county intercept scale
  real<lower=0> sigma_y;                   // residual scale
}
transformed parameters {
  vector[J] alpha = mu_alpha + sigma_alpha * alpha_raw;  // alpha ~ normal(mu_alpha, sigma_alpha)
}
model {
  // normal(0, 1) T[0, ] on a parameter declared <lower=0>: the truncation
  // only adds the constant log 2, so it is left out.
  sigma_y ~ normal(0, 1);
  sigma_alpha ~ normal(0, 1);
  mu_alpha ~ normal(0, 10);
  beta ~ normal(0, 10);
  alpha_raw ~ normal(0, 1);
  log_radon ~ normal(alpha[county_idx] + beta * floor_measure, sigma_y);
}
