// Eight schools (Rubin 1981), centred parameterisation. Same posterior for
// (mu, tau, theta) as the non-centred program, but the funnel between tau and
// theta makes NUTS diverge: kept for timing and for divergence diagnostics.
// Stan 2.21 syntax (rstan 2.21.7).
data {
  int<lower=1> J;
  vector[J] y;
  vector<lower=0>[J] sigma;
}
parameters {
  real mu;
  real<lower=0> tau;
  vector[J] theta;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);          // half-Cauchy(0, 5) through the lower bound
  theta ~ normal(mu, tau);
  y ~ normal(theta, sigma);
}
