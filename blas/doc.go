// Package blas defines gyro's BLAS Backend interface (row-major, with gonum's
// method signatures) and the dispatcher that routes each call by size: tiny
// calls to the native Go-assembly backend, large ones to OpenBLAS through cgo
// or to cuBLAS when built with -tags cuda and a device is present.
// GYRO_BLAS=native|openblas|cuda forces one backend; Describe reports CPU
// features, the chosen backend and the thresholds.
package blas
