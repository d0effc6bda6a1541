// Package tensor provides Dense, gyro's row-major float64 n-d array with
// shapes, strides and zero-copy views (slice, transpose, reshape, broadcast),
// NumPy broadcasting for elementwise operations, reductions along axes,
// matrix products through package blas, and an Arena that hands out tensors
// and resets in O(1) so that hot loops allocate nothing.
package tensor
