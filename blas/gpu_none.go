//go:build !cuda || !cgo

package blas

// gpu is the cuBLAS backend, nil when it is unavailable.
var gpu Backend

var gpuWhyNot = "built without -tags cuda (and cgo)"

func gpuInfo() string { return "" }
