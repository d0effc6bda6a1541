#!/usr/bin/env Rscript
# Stan head-to-head timings for gyro's NUTS benchmarks.
#
# Usage: Rscript stan/bench_stan.R [model ...]
#   With no arguments every model below runs. Environment:
#   STAN_BENCH_SEED (default 1234), STAN_BENCH_OUT (default stan/out/stan_bench.json).
#
# Each Stan program is compiled once (compile time reported on its own); each
# model then runs ONE chain of 1000 warmup + 1000 sampling iterations (NUTS,
# diag_e, adapt_delta 0.8, max_treedepth 10: Stan's and Pyro's defaults).
# Figures per model:
#   grad_us    = sampling seconds / post-warmup n_leapfrog (Stan's own clock,
#                get_elapsed_time; one leapfrog = one gradient evaluation).
#                NOTE: Stan 2.21 times warmup and sampling with C clock(), i.e.
#                PROCESS CPU time, not wall time: on a loaded machine it counts
#                only the cycles the chain got. The wall time of the whole
#                sampling() call (which adds R-side set-up and copying out the
#                draws) is reported beside it as wall_s / ess_per_wall_s.
#   min_ess    = min bulk ESS over the sampled parameters (rstan::monitor)
#   ess_per_s  = min_ess / (warmup + sampling seconds)

source(file.path(dirname(normalizePath(sub("^--file=", "",
  grep("^--file=", commandArgs(FALSE), value = TRUE)))), "common.R"))

seed <- as.integer(Sys.getenv("STAN_BENCH_SEED", "1234"))
out_path <- Sys.getenv("STAN_BENCH_OUT", file.path(STAN_DIR, "out", "stan_bench.json"))
warmup <- 1000L
samples <- 1000L

bc <- NULL
bc_data <- function() { if (is.null(bc)) bc <<- breast_cancer_data()$stan; bc }
syn <- NULL
syn_data <- function() { if (is.null(syn)) syn <<- synthetic_logistic_data(); syn }

# pars: the sampled parameters over which min ESS is taken (no transformed
# parameters or generated quantities).
models <- list(
  list(name = "eight_schools_noncentered", program = "eight_schools_noncentered",
       data = eight_schools_data, pars = c("mu", "tau", "theta_tilde")),
  list(name = "eight_schools_centered", program = "eight_schools_centered",
       data = eight_schools_data, pars = c("mu", "tau", "theta")),
  list(name = "breast_cancer_logistic", program = "logistic_regression",
       data = bc_data, pars = c("w", "b")),
  list(name = "breast_cancer_logistic_glm", program = "logistic_regression_glm",
       data = bc_data, pars = c("w", "b")),
  list(name = "radon_variable_intercept_noncentered", program = "radon_variable_intercept_noncentered",
       data = radon_data, pars = c("alpha_raw", "beta", "mu_alpha", "sigma_alpha", "sigma_y")),
  list(name = "synthetic_logistic_10000x50", program = "logistic_regression",
       data = syn_data, pars = c("w", "b")),
  list(name = "synthetic_logistic_10000x50_glm", program = "logistic_regression_glm",
       data = syn_data, pars = c("w", "b"))
)
want <- commandArgs(trailingOnly = TRUE)
if (length(want) > 0) {
  unknown <- setdiff(want, sapply(models, `[[`, "name"))
  if (length(unknown) > 0) stop("unknown model(s): ", paste(unknown, collapse = ", "),
                                "; choose from: ", paste(sapply(models, `[[`, "name"), collapse = ", "))
  models <- Filter(function(m) m$name %in% want, models)
}

cpu <- tryCatch(sub(".*:\\s*", "", grep("^model name", readLines("/proc/cpuinfo"), value = TRUE)[1]),
                error = function(e) NA_character_)
cat(sprintf("rstan %s (Stan %s), %s, seed %d, 1 chain x (%d warmup + %d samples)\n",
            packageVersion("rstan"), stan_version(), cpu, seed, warmup, samples))

# ---- compile ------------------------------------------------------------------
compiled <- list()
compile_rows <- list()
for (p in unique(sapply(models, `[[`, "program"))) {
  cat(sprintf("compiling %-40s ", p)); flush(stdout())
  cp <- compile_program(p)
  compiled[[p]] <- cp$model
  compile_rows[[p]] <- list(program = p, compile_seconds = round(cp$seconds, 2))
  cat(sprintf("%6.1f s\n", cp$seconds))
}

# ---- sample -------------------------------------------------------------------
rows <- list()
for (m in models) {
  d <- m$data()
  t0 <- proc.time()[["elapsed"]]
  fit <- sampling(compiled[[m$program]], data = d, chains = 1, cores = 1,
                  warmup = warmup, iter = warmup + samples, seed = seed,
                  control = list(adapt_delta = 0.8, max_treedepth = 10L), refresh = 0)
  wall <- proc.time()[["elapsed"]] - t0
  et <- get_elapsed_time(fit)
  sp_all <- get_sampler_params(fit, inc_warmup = TRUE)[[1]]
  post <- seq.int(warmup + 1, warmup + samples)
  leap_sample <- sum(sp_all[post, "n_leapfrog__"])
  leap_total <- sum(sp_all[, "n_leapfrog__"])
  sims <- as.array(fit, pars = m$pars)
  mon <- monitor(sims, warmup = 0, print = FALSE)
  warm_s <- unname(et[1, "warmup"]); samp_s <- unname(et[1, "sample"])
  rows[[m$name]] <- list(
    model = m$name, program = m$program,
    compile_seconds = compile_rows[[m$program]]$compile_seconds,
    warmup_seconds = warm_s, sample_seconds = samp_s, sampling_call_wall_seconds = wall,
    n_leapfrog_sample = leap_sample, n_leapfrog_total = leap_total,
    grad_seconds = samp_s / leap_sample,
    grad_seconds_incl_warmup = (warm_s + samp_s) / leap_total,
    min_ess_bulk = min(mon$Bulk_ESS), min_ess_tail = min(mon$Tail_ESS),
    min_ess_bulk_parameter = rownames(mon)[which.min(mon$Bulk_ESS)],
    ess_bulk_per_second = min(mon$Bulk_ESS) / (warm_s + samp_s),
    ess_bulk_per_wall_second = min(mon$Bulk_ESS) / wall,
    max_rhat = max(mon$Rhat),
    divergences = sum(sp_all[post, "divergent__"]),
    mean_treedepth = mean(sp_all[post, "treedepth__"]),
    step_size = sp_all[warmup + 1, "stepsize__"]
  )
}

# ---- report -------------------------------------------------------------------
cat("\n")
cat(sprintf("%-34s %9s %9s %9s %10s %8s %10s %8s %10s %5s %6s\n", "model", "compile_s", "warmup_s",
            "sample_s", "grad_us", "min_ess", "ess/s", "wall_s", "ess/wall_s", "div", "depth"))
for (r in rows) {
  cat(sprintf("%-34s %9.1f %9.3f %9.3f %10.3f %8.0f %10.1f %8.2f %10.1f %5d %6.2f\n", r$model,
              r$compile_seconds, r$warmup_seconds, r$sample_seconds, 1e6 * r$grad_seconds,
              r$min_ess_bulk, r$ess_bulk_per_second, r$sampling_call_wall_seconds,
              r$ess_bulk_per_wall_second, as.integer(r$divergences), r$mean_treedepth))
}
cat("(warmup_s, sample_s, grad_us, ess/s: Stan's clock() = process CPU time; wall_s: whole sampling() call)\n")
names(rows) <- NULL
names(compile_rows) <- NULL
write_json_file(list(
  tool = "stan/bench_stan.R",
  rstan_version = as.character(packageVersion("rstan")), stan_version = stan_version(),
  compiler_flags = grep("^CXX14FLAGS", readLines(Sys.getenv("R_MAKEVARS_USER")), value = TRUE),
  cpu = cpu, date_utc = format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"),
  seed = seed, chains = 1L, warmup = warmup, samples = samples,
  adapt_delta = 0.8, max_treedepth = 10L, metric = "diag_e",
  definitions = list(
    timing_clock = "warmup_seconds and sample_seconds are Stan 2.21's clock() figures: process CPU time of the chain",
    grad_seconds = "sample_seconds / post-warmup n_leapfrog",
    min_ess_bulk = "minimum rstan::monitor Bulk_ESS over the sampled parameters",
    ess_bulk_per_second = "min_ess_bulk / (warmup_seconds + sample_seconds)",
    ess_bulk_per_wall_second = "min_ess_bulk / wall time of the whole sampling() call"),
  compile = compile_rows, models = rows), out_path)
cat("\nwrote", out_path, "\n")
