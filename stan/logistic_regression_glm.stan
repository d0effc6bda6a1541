// The same posterior as logistic_regression.stan, written with Stan's fused
// bernoulli_logit_glm likelihood (one pass over X for value and gradient).
// Timing only: it is Stan's fastest way to write this model, so the
// head-to-head reports it beside the plain formulation.
// Stan 2.21 syntax (rstan 2.21.7).
data {
  int<lower=1> N;
  int<lower=1> D;
  matrix[N, D] X;
  int<lower=0, upper=1> y[N];
}
parameters {
  vector[D] w;
  real b;
}
model {
  w ~ normal(0, 1);
  b ~ normal(0, 10);
  y ~ bernoulli_logit_glm(X, b, w);
}
