// Package asm holds gyro's hand-written numerical kernels: BLAS level-1 and
// level-2 loops, the packed GEMM micro-kernel, and vectorized exp/log over
// slices. Each kernel has amd64 Go-assembly implementations (AVX2+FMA, and
// AVX-512 where it measured faster) and a pure-Go twin; the fastest one the
// CPU supports is chosen once at init with github.com/klauspost/cpuid/v2.
// Building with -tags purego compiles only the pure-Go twins.
//
// Every kernel is listed in a registry (Impls, ImplsOf, Active): per kernel,
// each implementation compiled in, whether this CPU supports it and which
// one is in use. Select and SelectAll force an implementation (tests and
// benchmarks only); GYRO_ASM=generic|avx2|avx512 in the environment prefers
// that implementation at start-up. Other packages add kernels with Register.
//
// The exported functions check slice lengths and panic with a message that
// names the routine and the argument; the vector-math kernels (Exp, Log,
// Log1p, Softplus, Sigmoid) are within 1 ulp of the correctly rounded
// result for Exp/Log/Log1p and 2 ulp for Softplus/Sigmoid, and the
// assembly and the pure-Go twins agree bit for bit.
//
// asm is the bottom layer of gyro: it imports nothing from gyro.
package asm
