//go:build cgo && !purego

package blas

import "github.com/gyro-ppl/gyro/blas/openblas"

// large is the backend the dispatcher sends large calls to.
type large = openblas.Implementation

const haveOpenBLAS = true

const openblasWhyNot = ""

func openblasInfo() (core, config string, threads int, mismatch string, threadsErr error) {
	return openblas.Corename(), openblas.Config(), openblas.Threads(), openblas.CoreMismatch(), openblas.ThreadsError()
}
