#!/usr/bin/env Rscript
# Long reference runs for gyro's posterior tests.
#
# Usage: Rscript stan/reference.R <model> [chains] [warmup] [samples] [seed]
#   <model>: eight_schools_noncentered | breast_cancer_logistic |
#            radon_variable_intercept_noncentered
# Writes infer/testdata/reference/<model>.json (format: that folder's README.md)
# and prints the summary table and sampler diagnostics.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: reference.R <model> [chains] [warmup] [samples] [seed]")
source(file.path(dirname(normalizePath(sub("^--file=", "",
  grep("^--file=", commandArgs(FALSE), value = TRUE)))), "common.R"))

model_name <- args[1]
chains  <- if (length(args) >= 2) as.integer(args[2]) else 4L
warmup  <- if (length(args) >= 3) as.integer(args[3]) else 2000L
samples <- if (length(args) >= 4) as.integer(args[4]) else 25000L
seed    <- if (length(args) >= 5) as.integer(args[5]) else 4242L

configs <- list(
  eight_schools_noncentered = list(
    program = "eight_schools_noncentered", data_file = "eight_schools.json",
    data = function() list(stan = eight_schools_data()),
    adapt_delta = 0.95,
    posterior = "posteriordb eight_schools-eight_schools_noncentered"),
  breast_cancer_logistic = list(
    program = "logistic_regression", data_file = "breast_cancer.csv",
    data = breast_cancer_data,
    adapt_delta = 0.8,
    posterior = "logistic regression, w ~ normal(0,1) (30), b ~ normal(0,10), standardised X"),
  radon_variable_intercept_noncentered = list(
    program = "radon_variable_intercept_noncentered", data_file = "radon_mn.json",
    data = function() list(stan = radon_data()),
    adapt_delta = 0.8,
    posterior = "posteriordb radon_mn-radon_variable_intercept_noncentered")
)
cfg <- configs[[model_name]]
if (is.null(cfg)) stop("unknown model ", model_name, "; one of: ", paste(names(configs), collapse = ", "))

d <- cfg$data()
comp <- compile_program(cfg$program)
cat(sprintf("compiled %s in %.1f s\n", cfg$program, comp$seconds))

max_treedepth <- 10L
t0 <- proc.time()[["elapsed"]]
fit <- sampling(comp$model, data = d$stan, chains = chains, warmup = warmup,
                iter = warmup + samples, thin = 1, seed = seed,
                cores = min(chains, parallel::detectCores()),
                control = list(adapt_delta = cfg$adapt_delta, max_treedepth = max_treedepth),
                refresh = 0)
wall <- proc.time()[["elapsed"]] - t0
et <- get_elapsed_time(fit)
diag <- sampler_diagnostics(fit)
cat(sprintf("sampled in %.1f s wall; per-chain warmup+sampling seconds: %s\n", wall,
            paste(sprintf("%.1f", rowSums(et)), collapse = " ")))
t1 <- proc.time()[["elapsed"]]
s <- summarise_draws(fit)
cat(sprintf("summarised in %.1f s\n", proc.time()[["elapsed"]] - t1))
print(s[, c("parameter", "mean", "sd", "mcse_mean", "q5", "q50", "q95", "ess_bulk", "ess_tail", "rhat")],
      digits = 4, row.names = FALSE)
cat(sprintf("max rhat %.5f, min ess_bulk %.0f, min ess_tail %.0f, divergences %d, max-treedepth hits %d\n",
            max(s$rhat), min(s$ess_bulk), min(s$ess_tail), diag$divergences, diag$max_treedepth_hits))

params <- lapply(seq_len(nrow(s)), function(i) as.list(s[i, ]))
names(params) <- NULL
params <- lapply(params, function(p) { names(p)[names(p) == "parameter"] <- "name"; p })

out <- list(
  format = "gyro-reference-posterior/1",
  model = model_name,
  posterior = cfg$posterior,
  stan_program = file.path("stan", paste0(cfg$program, ".stan")),
  stan_program_sha256 = sha256_file(comp$path),
  data_file = file.path("examples", "data", cfg$data_file),
  data_sha256 = sha256_file(file.path(DATA_DIR, cfg$data_file)),
  run = list(
    algorithm = "NUTS (rstan sampling, diag_e metric, windowed adaptation)",
    chains = chains, warmup_per_chain = warmup, samples_per_chain = samples,
    thin = 1L, total_draws = chains * samples, seed = seed,
    adapt_delta = cfg$adapt_delta, max_treedepth = max_treedepth,
    init = "rstan default: uniform(-2, 2) on the unconstrained scale",
    rstan_version = as.character(packageVersion("rstan")),
    stan_version = stan_version(),
    r_version = R.version.string,
    compiler_flags = readLines(Sys.getenv("R_MAKEVARS_USER"))[grepl("^CXX14FLAGS", readLines(Sys.getenv("R_MAKEVARS_USER")))],
    compile_seconds = round(comp$seconds, 1),
    sampling_wall_seconds = round(wall, 1),
    chain_warmup_seconds = round(unname(et[, "warmup"]), 2),
    chain_sample_seconds = round(unname(et[, "sample"]), 2),
    date_utc = format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"),
    host = "2-core AMD EPYC (Zen 4), shared with other jobs"
  ),
  diagnostics = list(
    divergences = diag$divergences, max_treedepth_hits = diag$max_treedepth_hits,
    max_rhat = max(s$rhat), min_ess_bulk = min(s$ess_bulk), min_ess_tail = min(s$ess_tail),
    mean_accept_stat = diag$mean_accept_stat, mean_treedepth = diag$mean_treedepth,
    step_size = diag$step_size, n_leapfrog_post_warmup = diag$n_leapfrog),
  summary_method = paste("rstan::monitor(sims, warmup = 0, probs = c(0.05, 0.5, 0.95)) over all",
                         "post-warmup draws pooled across chains; quantiles are R type 7;",
                         "rhat = max(rank-normalised split bulk R-hat, folded tail R-hat);",
                         "ess_bulk/ess_tail rounded to integers"),
  parameters = params
)
if (!is.null(d$centre)) {
  out$preprocessing <- list(
    description = paste("each of the 30 feature columns x is standardised as (x - mean(x)) / sd(x),",
                        "sd = sample standard deviation with the n-1 denominator (R's sd), n = 569;",
                        "target is y (1 = benign, 0 = malignant); w[j] belongs to column j in CSV order"),
    features = d$features, column_mean = d$centre, column_sd = d$scale)
}
path <- file.path(REPO_DIR, "infer", "testdata", "reference", paste0(model_name, ".json"))
write_json_file(out, path)
cat("wrote", path, "\n")
