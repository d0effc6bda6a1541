#!/usr/bin/env Rscript
# Regenerates the Stan/R reference numbers hard-coded in infer/mcmc's
# stanref_test.go and diagnostics_test.go (rstan 2.21.7, Stan 2.21.0).
#
#   Rscript infer/mcmc/testdata/stan_reference.R trajectories
#   Rscript infer/mcmc/testdata/stan_reference.R adaptation
#   Rscript infer/mcmc/testdata/stan_reference.R dense
#   GYRO_MCMC_DIAG_DATA=/tmp/diag go test ./infer/mcmc -run TestWriteDiagnosticsData
#   Rscript infer/mcmc/testdata/stan_reference.R diagnostics /tmp/diag
#   Rscript infer/mcmc/testdata/stan_reference.R speed
suppressMessages(library(rstan))
# Debian's r-cran-bh has no headers: point rstan at /usr/include (as stan/common.R does).
if (!file.exists(rstan_options("boost_lib")) && file.exists("/usr/include/boost/version.hpp")) {
  rstan_options(boost_lib = "/usr/include")
}
args <- commandArgs(trailingOnly = TRUE)
what <- if (length(args) >= 1) args[1] else "trajectories"
cat("rstan", as.character(packageVersion("rstan")), "stan", stan_version(), "\n")
normal_model <- function() stan_model(model_code =
  "data { int D; } parameters { vector[D] x; } model { x ~ std_normal(); }")

if (what == "trajectories") {
  m <- normal_model()
  for (D in c(10, 100)) for (eps in c(0.2, 0.5, 0.9)) {
    f <- sampling(m, data = list(D = D), chains = 4, iter = 5000, warmup = 0, seed = 1, refresh = 0,
                  control = list(adapt_engaged = FALSE, stepsize = eps, stepsize_jitter = 0), init = 0)
    sp <- do.call(rbind, get_sampler_params(f, inc_warmup = FALSE))
    cat(sprintf("{%d, %.1f, %.4f, %.3f, %.4f, %.4f},\n", D, eps, mean(sp[, "n_leapfrog__"]),
                sd(sp[, "n_leapfrog__"]), mean(sp[, "treedepth__"]), mean(sp[, "accept_stat__"])))
  }
} else if (what == "adaptation") {
  m <- normal_model()
  for (seed in c(2, 3)) {
    f <- sampling(m, data = list(D = 100), chains = 16, iter = 1500, warmup = 500, seed = seed, refresh = 0, init = 0)
    sp <- get_sampler_params(f, inc_warmup = FALSE)
    eps <- sapply(sp, function(s) s[1, "stepsize__"])
    im <- sapply(get_adaptation_info(f), function(s) {
      l <- strsplit(s, "\n")[[1]]
      v <- as.numeric(strsplit(sub("^# ", "", l[length(l)]), ",")[[1]])
      c(mean(v), sd(v))
    })
    cat(sprintf("seed %d: step size mean %.4f sd %.4f; inverse metric per-chain mean %.4f (sd %.4f), per-chain sd %.4f (sd %.4f)\n",
                seed, mean(eps), sd(eps), mean(im[1, ]), sd(im[1, ]), mean(im[2, ]), sd(im[2, ])))
  }
} else if (what == "dense") {
  m <- stan_model(model_code = "transformed data { matrix[3,3] S = [[1, 2.7, 0], [2.7, 9, 0], [0, 0, 0.25]]; }
    parameters { vector[3] x; } model { x ~ multi_normal(rep_vector(0, 3), S); }")
  eps <- c(); nl <- c(); im <- NULL
  for (seed in c(2, 3)) {
    f <- sampling(m, chains = 16, iter = 1500, warmup = 500, seed = seed, refresh = 0, init = 0,
                  control = list(metric = "dense_e"))
    sp <- get_sampler_params(f, inc_warmup = FALSE)
    eps <- c(eps, sapply(sp, function(s) s[1, "stepsize__"]))
    nl <- c(nl, sapply(sp, function(s) mean(s[, "n_leapfrog__"])))
    im <- cbind(im, sapply(get_adaptation_info(f), function(s) {
      l <- strsplit(s, "\n")[[1]]; l <- l[(length(l) - 2):length(l)]
      as.numeric(unlist(strsplit(sub("^# ", "", l), ",")))
    }))
  }
  cat(sprintf("step size %.4f (sd %.4f), n_leapfrog %.3f (sd %.3f)\n", mean(eps), sd(eps), mean(nl), sd(nl)))
  cat("inverse metric mean:", sprintf("%.4f", rowMeans(im)), "\n")
  cat("inverse metric sd:  ", sprintf("%.4f", apply(im, 1, sd)), "\n")
} else if (what == "diagnostics") {
  dir <- args[2]
  ess_rfun <- rstan:::ess_rfun; split_chains <- rstan:::split_chains; rhat_rfun <- rstan:::rhat_rfun
  # Blom rank normalization, as Vehtari et al. (2021), ArviZ and posterior use.
  zb <- function(x) { r <- rank(x, ties.method = "average"); S <- length(x)
    array(qnorm((r - 3/8) / (S + 1/4)), dim = dim(x)) }
  for (k in 0:2) {
    x <- as.matrix(read.csv(file.path(dir, sprintf("ess_%d.csv", k)), header = FALSE))
    sp <- split_chains(x)
    ess_mean <- ess_rfun(sp)
    rhat_rank <- max(rhat_rfun(zb(sp)), rhat_rfun(zb(split_chains(abs(x - median(x))))))
    cat(sprintf("{%d, %.10f, %.10f, %.10f, %.12f, %.12f, %.12f},\n", k, ess_mean, ess_rfun(zb(sp)),
                ess_tail(x), rhat_rfun(sp), rhat_rank, sd(x) / sqrt(ess_mean)))
  }
} else if (what == "speed") {
  m <- normal_model()
  for (rep in 1:5) {
    f <- sampling(m, data = list(D = 10), chains = 1, iter = 11000, warmup = 1000, seed = rep, refresh = 0, init = 0)
    et <- get_elapsed_time(f)
    ng <- sum(get_sampler_params(f, inc_warmup = FALSE)[[1]][, "n_leapfrog__"])
    x <- as.array(f)[, 1, 1:10]
    ess <- min(apply(x, 2, function(v) ess_bulk(matrix(v, ncol = 1))))
    cat(sprintf("STAN sample_s=%.4f ns_per_grad=%.1f grad_per_draw=%.3f minESSbulk=%.0f minESS_per_s=%.0f\n",
                et[1, "sample"], 1e9 * et[1, "sample"] / ng, ng / 10000, ess, ess / et[1, "sample"]))
  }
}
