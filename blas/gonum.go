package blas

import "gonum.org/v1/gonum/blas/gonum"

// Gonum is gonum's pure-Go BLAS (gonum.org/v1/gonum/blas/gonum) as a
// Backend: the reference gyro's benchmarks and conformance tests compare
// against.
type Gonum struct{ gonum.Implementation }

// Name returns "gonum".
func (Gonum) Name() string { return "gonum" }

var _ Backend = Gonum{}
