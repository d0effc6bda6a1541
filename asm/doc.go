// Package asm holds gyro's hand-written numerical kernels: BLAS level-1 and
// level-2 loops, the packed GEMM micro-kernel, and vectorized exp/log over
// slices. Each kernel has amd64 Go-assembly implementations (AVX2+FMA, and
// AVX-512 where it measured faster) and a pure-Go twin; the fastest one the
// CPU supports is chosen once at init with github.com/klauspost/cpuid/v2.
// Building with -tags purego compiles only the pure-Go twins.
//
// asm is the bottom layer of gyro: it imports nothing from gyro.
package asm
