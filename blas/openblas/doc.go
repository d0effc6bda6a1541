// Package openblas is gyro's OpenBLAS backend: a blas.Backend (row-major,
// gonum's method signatures) whose routines call OpenBLAS's CBLAS interface
// through cgo. It is built when cgo is enabled and the purego tag is not set;
// otherwise the package only reports Available == false.
//
// Every call checks its arguments in Go before crossing into C, with the same
// conditions and panic messages ("blas: Dgemm: lda=2 < max(1, k=3)") as the
// other gyro backends, and returns early on empty problems without a cgo call.
// Crossing into C costs a fixed ~40 ns (see BenchmarkCgoNoop), which is why
// package blas's dispatcher sends small calls to the native Go backend instead.
//
// Threads: OpenBLAS is set to one thread when the package loads, because gyro
// runs chains and particles as goroutines and a threaded BLAS under each of
// them oversubscribes the cores. GYRO_BLAS_THREADS=n (n ≥ 1) overrides that,
// and SetThreads changes it at run time.
//
// Core type: Debian/Ubuntu's OpenBLAS 0.3.21 misdetects some AVX-512 CPUs
// (AMD Zen 4 among them) and falls back to SSE3-era kernels, several times
// slower. CoreMismatch compares Corename with the CPU features cpuid reports
// and returns a warning with the fix: set OPENBLAS_CORETYPE=SkylakeX in the
// environment before the process starts (the library reads it when it loads,
// so setting it from Go with os.Setenv is too late).
//
// Threads: the library starts its worker threads when it loads, before
// this package's openblas_set_num_threads(1) runs, and an idle worker
// spins (about 12% of a core measured on the development machine),
// stealing CPU from parallel chains. Set OPENBLAS_NUM_THREADS=1 in the
// environment before the process starts (the Makefile does) to avoid it.
//
// Build: the package links with -lopenblas and declares the CBLAS prototypes
// itself (csrc/gyro_openblas.h), so it needs only the shared library and
// linker to find it: apt-get install libopenblas-dev on Debian/Ubuntu.
package openblas
