#!/usr/bin/env bash
# Re-runs the three long reference runs one after another, logging to
# stan/out/reference_<model>.log. About 10-20 minutes on 2 shared cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p stan/out
for m in eight_schools_noncentered breast_cancer_logistic radon_variable_intercept_noncentered; do
  echo "== $m"
  /usr/bin/time -v Rscript stan/reference.R "$m" "$@" > "stan/out/reference_$m.log" 2>&1 \
    || { echo "reference run $m failed; see stan/out/reference_$m.log" >&2; exit 1; }
  grep -E '^(compiled|sampled|max rhat|wrote)' "stan/out/reference_$m.log"
done
