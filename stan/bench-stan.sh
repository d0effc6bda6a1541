#!/usr/bin/env bash
# Stan head-to-head for gyro's NUTS benchmarks: compiles each Stan program,
# runs 1 chain of 1000 warmup + 1000 samples per model, prints a table and
# writes stan/out/stan_bench.json. Installs what it needs from Debian when
# missing (r-cran-rstan, r-cran-jsonlite, r-base-dev for g++/make; needs root,
# as `make deps` does). Extra arguments are model names (see bench_stan.R).
set -euo pipefail
cd "$(dirname "$0")/.."
have_r_pkg() { Rscript -e "quit(status = !requireNamespace('$1', quietly = TRUE))" >/dev/null 2>&1; }
if ! command -v Rscript >/dev/null 2>&1 || ! have_r_pkg rstan || ! have_r_pkg jsonlite \
   || ! command -v g++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
  echo "installing r-cran-rstan r-cran-jsonlite r-base-dev (Debian)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    r-cran-rstan r-cran-jsonlite r-base-dev
fi
exec Rscript stan/bench_stan.R "$@"
