//go:build cuda && cgo

package blas

import "github.com/gyro-ppl/gyro/blas/cuda"

// gpu is the cuBLAS backend on device 0, opened when the package loads; nil
// (with the reason in gpuWhyNot) when there is no driver or device.
var gpuBackend, gpuWhyNot = openGPU()

var gpu Backend = backendOrNil(gpuBackend)

func openGPU() (*cuda.Backend, string) {
	b, err := cuda.New(0)
	if err != nil {
		return nil, err.Error()
	}
	return b, ""
}

func backendOrNil(b *cuda.Backend) Backend {
	if b == nil {
		return nil // not a typed nil: Dispatch tests gpu == nil
	}
	return b
}

func gpuInfo() string {
	s := gpuBackend.Describe()
	if err := gpuBackend.Err(); err != nil {
		s += "; first device error: " + err.Error()
	}
	return s
}
