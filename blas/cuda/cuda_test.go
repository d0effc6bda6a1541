//go:build cuda && cgo

package cuda_test

import (
	"testing"

	"github.com/gyro-ppl/gyro/blas/blastest"
	"github.com/gyro-ppl/gyro/blas/cuda"
)

func open(t *testing.T) *cuda.Backend {
	t.Helper()
	b, err := cuda.New(0)
	if err != nil {
		t.Skipf("no usable CUDA device, skipping: %v", err)
	}
	t.Cleanup(b.Close)
	t.Log(b.Describe())
	return b
}

func TestConformance(t *testing.T) {
	b := open(t)
	blastest.Test(t, b)
	if err := b.Err(); err != nil {
		t.Errorf("device errors during the suite (results came from the CPU fallback): %v", err)
	}
}

func TestNoDeviceError(t *testing.T) {
	if _, err := cuda.New(1 << 20); err == nil {
		t.Error("New(1<<20) succeeded")
	} else {
		t.Logf("as expected: %v", err)
	}
}
