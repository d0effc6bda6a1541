// Package cuda is gyro's cuBLAS backend, built with -tags cuda (and cgo):
// a blas.Backend whose routines copy their operands to the GPU, run the
// cuBLAS routine and copy the result back.
//
// Row-major operands are handed to column-major cuBLAS unchanged, by the
// transpose trick: a row-major m×n matrix with leading dimension ld is, read
// column-major, its n×m transpose with the same ld. So C = op(A)·op(B) is
// computed as Cᵀ = op(B)ᵀ·op(A)ᵀ (operands swapped, m and n swapped), the
// triangle of symmetric and triangular matrices flips (Upper ↔ Lower), and
// Dtrmm/Dtrsm change side. No data is transposed.
//
// Each call is one cgo crossing (csrc/gyro_cublas.h): select the device,
// grow the device buffers (grow-only, kept between calls), copy host→device,
// run cuBLAS, copy device→host. Calls on one Backend are serialised by a
// mutex. Every routine works on the device, level 1 and 2 included, but the
// transfers cost far more than the arithmetic for anything but large level-3
// work, so package blas's dispatcher only routes large Dgemm/Dsyrk/Dtrmm/
// Dtrsm here (or everything with GYRO_BLAS=cuda).
//
// Errors: CUDA and cuBLAS status codes become Go errors naming the routine
// (cuda: Dgemm: cudaMalloc…: out of memory). Since the Backend methods have
// no error result, a failed call is recomputed on the CPU by the native
// backend, so results stay correct, and the first error is kept for Err.
// Negative increments are also computed on the CPU (cuBLAS's handling of
// them is not guaranteed to match reference BLAS).
//
// This package talks to cudart and cuBLAS directly instead of through
// gorgonia.org/cu: cu's package initialisation calls cuInit and exits the
// process when it fails, so any binary importing it dies on a machine
// without a GPU, where gyro must instead fall back to the CPU. Building
// needs the CUDA headers and libraries (Debian/Ubuntu: apt-get install
// nvidia-cuda-dev, from the contrib/non-free components).
package cuda
