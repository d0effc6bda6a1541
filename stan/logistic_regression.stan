// Bayesian logistic regression with independent normal priors.
// Used for the breast-cancer reference posterior (X standardised by the
// caller, see common.R) and for the synthetic N=10000, D=50 timing model.
// Stan 2.21 syntax (rstan 2.21.7).
data {
  int<lower=1> N;                     // observations
  int<lower=1> D;                     // features
  matrix[N, D] X;                     // design matrix (no intercept column)
  int<lower=0, upper=1> y[N];         // binary outcomes
}
parameters {
  vector[D] w;                        // coefficients
  real b;                             // intercept
}
model {
  w ~ normal(0, 1);
  b ~ normal(0, 10);
  y ~ bernoulli_logit(X * w + b);
}
