# gyro — Makefile. Every target that needs system packages installs them itself.
SHELL := /bin/bash
GO ?= go
# Debian's OpenBLAS misdetects AVX-512 CPUs (e.g. AMD Zen 4) and falls back to SSE3
# kernels unless told the core type before the library loads. Only set it when the
# CPU has AVX-512F and the caller has not chosen one.
ifeq ($(origin OPENBLAS_CORETYPE),undefined)
  ifneq ($(shell grep -m1 -o -w avx512f /proc/cpuinfo 2>/dev/null),)
    export OPENBLAS_CORETYPE := SkylakeX
  endif
endif
# OpenBLAS starts its worker threads when the library loads, before gyro can
# call openblas_set_num_threads(1), and an idle worker spins (about 12% of a
# core measured here), which steals CPU from parallel chains. gyro runs
# chains as goroutines and calls BLAS single-threaded, so load it with one.
ifeq ($(origin OPENBLAS_NUM_THREADS),undefined)
  export OPENBLAS_NUM_THREADS := 1
endif
export CGO_ENABLED := 1

.PHONY: all deps test fmt-check vet unit purego bench bench-quick bench-stan demo cuda-deps cuda-check clean

all: test

# deps installs what the build needs when it is missing (Debian/Ubuntu; run as root).
deps:
	@if ! ( [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ] || ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so ' ); then \
		echo "installing libopenblas-dev"; \
		apt-get update && apt-get install -y libopenblas-dev; \
	fi
	@command -v gcc >/dev/null || (apt-get update && apt-get install -y gcc)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet: deps
	$(GO) vet ./...

unit: deps
	$(GO) test -count=1 ./...

purego:
	CGO_ENABLED=0 $(GO) vet -tags purego ./...
	CGO_ENABLED=0 $(GO) test -count=1 -tags purego ./...

test: deps fmt-check vet unit purego

# bench runs the whole suite (about 70 s on 2 cores) and saves JSON and Markdown.
bench: deps
	$(GO) run ./cmd/gyro bench -json bench-results.json -md bench-results.md

bench-quick: deps
	$(GO) run ./cmd/gyro bench -quick

# bench-stan installs Debian's r-cran-rstan if missing (root), compiles the
# Stan programs in stan/ and prints Stan's time per gradient and ESS/s; the
# nuts group of `make bench` then reads stan/out/stan_bench.json.
bench-stan:
	bash stan/bench-stan.sh

# demo: eight schools NUTS, 4 chains, summary, diagnostics, plots in gyro-demo/.
demo: deps
	$(GO) run ./cmd/gyro demo

# cuda-check builds and vets the cuBLAS backend (-tags cuda). It needs Debian's
# nvidia-cuda-dev from bookworm's contrib/non-free components; tests skip
# without a GPU.
cuda-deps:
	@if ! dpkg -s nvidia-cuda-dev >/dev/null 2>&1; then \
		if [ ! -f /etc/apt/sources.list.d/debian-nonfree.sources ]; then \
			printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: contrib non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > /etc/apt/sources.list.d/debian-nonfree.sources; \
		fi; \
		apt-get update && apt-get install -y --no-install-recommends nvidia-cuda-dev; \
	fi

cuda-check: deps cuda-deps
	$(GO) vet -tags cuda ./blas/...
	$(GO) build -tags cuda ./...
	$(GO) test -count=1 -tags cuda ./blas/...

clean:
	$(GO) clean -testcache
