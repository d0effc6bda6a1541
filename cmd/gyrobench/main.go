// Command gyrobench is the benchmark suite on its own: "gyrobench ARGS" is
// "gyro bench ARGS" (see gyro bench -help, or gyrobench -help).
//
// Usage:
//
//	gyrobench [-quick] [-json FILE] [-md FILE] [-stan FILE] [group ...]
//
// Groups: blas, autodiff, handlers, svi, nuts, or all (the default). Each
// group prints a table of gyro's figures beside their references; -json
// writes every figure as JSON and -md the tables as Markdown.
//
// OpenBLAS core type: Debian's OpenBLAS misdetects some AVX-512 CPUs and
// then runs SSE-era kernels. When the blas group runs and such a mismatch
// is found (see blas.Describe) with OPENBLAS_CORETYPE unset, the command
// re-executes itself once with OPENBLAS_CORETYPE set to the fix, because
// the variable is only read when libopenblas loads, before main runs. Set
// OPENBLAS_CORETYPE yourself (the Makefile does) or GYROBENCH_NO_REEXEC=1
// to prevent it.
package main

import (
	"os"

	"github.com/gyro-ppl/gyro/cmd/internal/benchcmd"
)

func main() { os.Exit(benchcmd.Run("gyrobench", os.Args[1:], os.Stdout, os.Stderr)) }
