//go:build cgo && !purego

package openblas

/*
#cgo LDFLAGS: -lopenblas
#include "../../csrc/gyro_openblas.h"
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// Available reports whether the OpenBLAS backend is compiled in. It is true
// in cgo builds without the purego tag.
const Available = true

// ThreadsEnv is the environment variable that sets OpenBLAS's thread count
// when the package loads (default 1).
const ThreadsEnv = "GYRO_BLAS_THREADS"

var (
	threadsMu  sync.Mutex
	threadsErr error
)

func init() {
	n := 1
	if s, ok := os.LookupEnv(ThreadsEnv); ok && s != "" {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 1 {
			threadsErr = fmt.Errorf("openblas: %s=%q is not a positive integer; using 1 thread", ThreadsEnv, s)
		} else {
			n = v
		}
	}
	C.openblas_set_num_threads(C.int(n))
}

// SetThreads sets the number of threads OpenBLAS uses for later calls. It
// panics if n < 1.
func SetThreads(n int) {
	if n < 1 {
		panic(fmt.Sprintf("openblas: SetThreads: n=%d < 1", n))
	}
	threadsMu.Lock()
	C.openblas_set_num_threads(C.int(n))
	threadsMu.Unlock()
}

// Threads returns the number of threads OpenBLAS currently uses.
func Threads() int { return int(C.openblas_get_num_threads()) }

// ThreadsError returns the error from parsing GYRO_BLAS_THREADS at load time,
// or nil.
func ThreadsError() error { return threadsErr }

// Corename returns the name of the CPU core type whose kernels OpenBLAS is
// using ("SkylakeX", "Haswell", "Prescott", …).
func Corename() string { return C.GoString(C.openblas_get_corename()) }

// Config returns OpenBLAS's build configuration string (version, options,
// the core type it was built for, MAX_THREADS).
func Config() string { return strings.TrimSpace(C.GoString(C.openblas_get_config())) }

// Noop makes one cgo call to an empty C function. Benchmarks use it to
// measure the fixed cost of crossing into C.
func Noop() { C.gyro_noop() }

// CoreMismatch returns "" when the OpenBLAS core type matches the CPU, and
// otherwise a one-line warning naming both and the fix.
func CoreMismatch() string {
	return coreMismatch(Corename(), cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512DQ),
		cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3), os.Getenv("OPENBLAS_CORETYPE"))
}

// Core types whose kernels use AVX-512 and, among the others, those using
// AVX2+FMA (names as openblas_get_corename returns them, lower-cased).
var (
	avx512Cores = map[string]bool{"skylakex": true, "cooperlake": true, "sapphirerapids": true, "zen4": true}
	avx2Cores   = map[string]bool{"haswell": true, "zen": true, "excavator": true}
)

func coreMismatch(core string, avx512, avx2 bool, env string) string {
	c := strings.ToLower(strings.TrimSpace(core))
	var want string
	switch {
	case avx512 && !avx512Cores[c]:
		want = "SkylakeX"
	case !avx512 && avx2 && !avx2Cores[c] && !avx512Cores[c]:
		want = "Haswell"
	default:
		return ""
	}
	msg := fmt.Sprintf("OpenBLAS uses %q kernels but the CPU supports %s: set OPENBLAS_CORETYPE=%s in the environment before the process starts (several times faster)",
		core, map[bool]string{true: "AVX-512", false: "AVX2+FMA"}[avx512], want)
	switch {
	case env == "":
	case strings.EqualFold(strings.TrimSpace(env), c):
		msg += fmt.Sprintf("; it is set to %q, which selects these kernels", env)
	default:
		msg += fmt.Sprintf("; OPENBLAS_CORETYPE=%q is set but was not honoured (unknown name, or a build without DYNAMIC_ARCH)", env)
	}
	return msg
}

// Implementation is the OpenBLAS backend. Its zero value is ready to use and
// safe for concurrent use by many goroutines.
type Implementation struct{}

// Name returns "openblas".
func (Implementation) Name() string { return "openblas" }

// ptr returns a C pointer to s's first element. Callers have checked that s is
// long enough for the call, so s is not empty.
func ptr(s []float64) *C.double { return (*C.double)(unsafe.Pointer(unsafe.SliceData(s))) }

func cint(v int) C.int { return C.int(v) }
