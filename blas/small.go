package blas

import "github.com/gyro-ppl/gyro/blas/native"

// small is the backend the dispatcher sends small calls to.
type small = native.Implementation
