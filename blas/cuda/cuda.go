//go:build cuda && cgo

package cuda

/*
#cgo CFLAGS: -I/usr/local/cuda/include
#cgo LDFLAGS: -L/usr/local/cuda/lib64 -lcublas -lcudart
#include "../../csrc/gyro_cublas.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"github.com/gyro-ppl/gyro/blas/native"
)

// Available reports whether the cuBLAS backend is compiled in (true with
// -tags cuda and cgo). Whether a device is present is New's business.
const Available = true

// Backend is the cuBLAS backend on one device. Create it with New; it is
// safe for concurrent use (calls are serialised).
type Backend struct {
	mu   sync.Mutex
	g    *C.gyro_cuda
	dev  int
	desc string
	err  error
	cpu  native.Implementation
}

// Devices returns the number of CUDA devices, or an error saying why there
// are none usable (no driver, no device).
func Devices() (int, error) {
	var n C.int
	if code := C.gyro_cuda_count(&n); code != 0 {
		return 0, codeErr("cudaGetDeviceCount", code)
	}
	return int(n), nil
}

// New opens device dev (0 for the first) and creates a cuBLAS handle on it.
// It fails, without side effects, when there is no driver or no such device.
func New(dev int) (*Backend, error) {
	n, err := Devices()
	if err != nil {
		return nil, err
	}
	if dev < 0 || dev >= n {
		return nil, fmt.Errorf("cuda: device %d does not exist (%d device(s))", dev, n)
	}
	var name [256]C.char
	var major, minor C.int
	var mem C.size_t
	if code := C.gyro_cuda_props(C.int(dev), &name[0], C.size_t(len(name)), &major, &minor, &mem); code != 0 {
		return nil, codeErr("cudaGetDeviceProperties", code)
	}
	b := &Backend{dev: dev}
	if code := C.gyro_cuda_open(&b.g, C.int(dev)); code != 0 {
		return nil, codeErr("cublasCreate", code)
	}
	b.desc = fmt.Sprintf("device %d: %s, compute capability %d.%d, %.1f GiB", dev, C.GoString(&name[0]), int(major), int(minor),
		float64(mem)/(1<<30))
	return b, nil
}

// Close releases the device buffers and the cuBLAS handle. The Backend must
// not be used afterwards.
func (b *Backend) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	C.gyro_cuda_close(b.g)
	b.g = nil
}

// Name returns "cuda".
func (b *Backend) Name() string { return "cuda" }

// Describe names the device.
func (b *Backend) Describe() string { return b.desc }

// Err returns the first CUDA or cuBLAS error met by any call (that call was
// then computed on the CPU), or nil.
func (b *Backend) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func codeErr(what string, code C.int) error {
	kind := "CUDA"
	if code < 0 {
		kind = "cuBLAS"
	}
	return fmt.Errorf("cuda: %s: %s error %d: %s", what, kind, int(code), C.GoString(C.gyro_cuda_errstr(code)))
}

// ErrClosed is recorded when a closed Backend is called.
var ErrClosed = errors.New("cuda: backend is closed")

// run calls f (one cgo call returning a status code) under the lock. On
// failure it records the error and returns false: the caller then computes
// on the CPU.
func (b *Backend) run(routine string, f func() C.int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.g == nil {
		if b.err == nil {
			b.err = fmt.Errorf("%s: %w", routine, ErrClosed)
		}
		return false
	}
	if code := f(); code != 0 {
		if b.err == nil {
			b.err = codeErr(routine, code)
		}
		return false
	}
	return true
}

// dp returns a C pointer to s's first element, or nil for an empty slice.
func dp(s []float64) *C.double {
	if len(s) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(unsafe.SliceData(s)))
}

// span is the number of elements a vector of n elements at stride inc covers.
func span(n, inc int) C.size_t {
	if n == 0 {
		return 0
	}
	if inc < 0 {
		inc = -inc
	}
	return C.size_t(1 + (n-1)*inc)
}

// mspan is the number of elements a rows×cols row-major matrix covers.
func mspan(rows, cols, ld int) C.size_t {
	if rows == 0 || cols == 0 {
		return 0
	}
	return C.size_t((rows-1)*ld + cols)
}

func ci(v int) C.int { return C.int(v) }
