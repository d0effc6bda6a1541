# Shared helpers for gyro's Stan scripts (reference.R, bench_stan.R).
# Source it with the working directory at the repository root or anywhere:
# paths are resolved from the location of this file.

suppressPackageStartupMessages({
  library(rstan)
  library(jsonlite)
})

# Directory of the calling script (Rscript --file=...), else the working dir.
script_dir <- function() {
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(f) == 1) dirname(normalizePath(f)) else normalizePath(".")
}

STAN_DIR <- script_dir()
REPO_DIR <- normalizePath(file.path(STAN_DIR, ".."))
DATA_DIR <- file.path(REPO_DIR, "examples", "data")

# Use our compiler flags (stan/Makevars) unless the caller chose a file.
if (Sys.getenv("R_MAKEVARS_USER") == "") {
  Sys.setenv(R_MAKEVARS_USER = file.path(STAN_DIR, "Makevars"))
}

# Debian's r-cran-bh is a stub that points at libboost-dev and has no include/
# folder, so rstan cannot find Boost by itself; the headers are in /usr/include.
if (!file.exists(rstan_options("boost_lib")) && file.exists("/usr/include/boost/version.hpp")) {
  rstan_options(boost_lib = "/usr/include")
}

sha256_file <- function(path) {
  out <- system2("sha256sum", shQuote(path), stdout = TRUE)
  sub(" .*", "", out[1])
}

# ---- data -------------------------------------------------------------------

eight_schools_data <- function() {
  d <- fromJSON(file.path(DATA_DIR, "eight_schools.json"))
  list(J = as.integer(d$J), y = as.numeric(d$y), sigma = as.numeric(d$sigma))
}

radon_data <- function() {
  d <- fromJSON(file.path(DATA_DIR, "radon_mn.json"))
  list(N = as.integer(d$N), J = as.integer(d$J),
       county_idx = as.integer(d$county_idx),
       floor_measure = as.numeric(d$floor_measure),
       log_radon = as.numeric(d$log_radon))
}

# Breast cancer: the 30 raw feature columns standardised column by column,
# x' = (x - mean(x)) / sd(x), where sd is R's sd(): the SAMPLE standard
# deviation with the n-1 denominator, sqrt(sum((x - mean)^2) / (n - 1)), n=569.
# Returns the Stan data list plus the centring and scaling vectors.
breast_cancer_data <- function() {
  raw <- read.csv(file.path(DATA_DIR, "breast_cancer.csv"), check.names = FALSE)
  stopifnot(nrow(raw) == 569, ncol(raw) == 31, names(raw)[31] == "target")
  X <- as.matrix(raw[, 1:30])
  centre <- colMeans(X)
  scale <- apply(X, 2, sd)
  Xs <- sweep(sweep(X, 2, centre, "-"), 2, scale, "/")
  list(stan = list(N = nrow(Xs), D = ncol(Xs), X = unname(Xs),
                   y = as.integer(raw$target)),
       features = colnames(X), centre = unname(centre), scale = unname(scale))
}

# Synthetic logistic regression for timing only: X[i,j] ~ N(0,1),
# w[j] ~ N(0,1), b = 0.5, y[i] ~ Bernoulli(logistic(X w + b)), drawn with R's
# default RNG (Mersenne-Twister, Inversion) after set.seed(seed).
synthetic_logistic_data <- function(N = 10000L, D = 50L, seed = 20240611L) {
  set.seed(seed)
  X <- matrix(rnorm(N * D), N, D)
  w <- rnorm(D)
  eta <- drop(X %*% w) + 0.5
  y <- as.integer(runif(N) < plogis(eta))
  list(N = N, D = D, X = X, y = y)
}

# ---- models -----------------------------------------------------------------

# Compiles stan/<program>.stan; returns the stanmodel and the compile seconds.
compile_program <- function(program) {
  path <- file.path(STAN_DIR, paste0(program, ".stan"))
  t0 <- proc.time()[["elapsed"]]
  m <- stan_model(file = path, model_name = program, auto_write = FALSE)
  list(model = m, seconds = proc.time()[["elapsed"]] - t0, path = path)
}

# ---- diagnostics ------------------------------------------------------------

# Sampler diagnostics over post-warmup iterations of every chain.
sampler_diagnostics <- function(fit) {
  sp <- get_sampler_params(fit, inc_warmup = FALSE)
  max_depth <- fit@stan_args[[1]]$control$max_treedepth
  if (is.null(max_depth)) max_depth <- 10L
  list(
    divergences = sum(sapply(sp, function(x) sum(x[, "divergent__"]))),
    max_treedepth_hits = sum(sapply(sp, function(x) sum(x[, "treedepth__"] >= max_depth))),
    n_leapfrog = sum(sapply(sp, function(x) sum(x[, "n_leapfrog__"]))),
    mean_accept_stat = mean(sapply(sp, function(x) mean(x[, "accept_stat__"]))),
    step_size = unname(sapply(sp, function(x) x[1, "stepsize__"])),
    mean_treedepth = mean(sapply(sp, function(x) mean(x[, "treedepth__"])))
  )
}

# Per-parameter summary with rstan::monitor (rank-normalised split R-hat,
# bulk/tail ESS of Vehtari et al. 2021). lp__ is dropped.
summarise_draws <- function(fit) {
  sims <- as.array(fit)                       # iterations x chains x parameters
  sims <- sims[, , dimnames(sims)[[3]] != "lp__", drop = FALSE]
  m <- monitor(sims, warmup = 0, probs = c(0.05, 0.5, 0.95), print = FALSE)
  data.frame(
    parameter = rownames(m),
    mean = m$mean, sd = m$sd, mcse_mean = m$se_mean, mcse_sd = m$MCSE_SD,
    q5 = m$Q5, q50 = m$Q50, q95 = m$Q95,
    mcse_q5 = m$MCSE_Q5, mcse_q50 = m$MCSE_Q50, mcse_q95 = m$MCSE_Q95,
    ess_bulk = m$Bulk_ESS, ess_tail = m$Tail_ESS, rhat = m$Rhat,
    stringsAsFactors = FALSE
  )
}

write_json_file <- function(x, path) {
  dir.create(dirname(path), showWarnings = FALSE, recursive = TRUE)
  writeLines(toJSON(x, auto_unbox = TRUE, digits = NA, pretty = TRUE), path)
}
