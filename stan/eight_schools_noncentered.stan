// Eight schools (Rubin 1981), non-centred parameterisation.
// The school effects are theta = mu + tau * theta_tilde; theta is produced in
// generated quantities so it is summarised without changing the sampled space.
// Stan 2.21 syntax (rstan 2.21.7).
data {
  int<lower=1> J;              // number of schools
  vector[J] y;                 // estimated treatment effects
  vector<lower=0>[J] sigma;    // their standard errors
}
parameters {
  real mu;                     // population mean effect
  real<lower=0> tau;           // population scale (half-Cauchy prior)
  vector[J] theta_tilde;       // standardised school effects
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);          // with tau > 0 this is a half-Cauchy(0, 5)
  theta_tilde ~ normal(0, 1);
  y ~ normal(mu + tau * theta_tilde, sigma);
}
generated quantities {
  vector[J] theta = mu + tau * theta_tilde;
}
