//go:build !cgo || purego

package blas

// large is the backend the dispatcher sends large calls to: without cgo
// there is no OpenBLAS, and every threshold is "never".
type large = small

const haveOpenBLAS = false

const openblasWhyNot = "built without cgo or with -tags purego"

func openblasInfo() (core, config string, threads int, mismatch string, threadsErr error) {
	return "", "", 0, "", nil
}
