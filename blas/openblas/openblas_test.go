//go:build cgo && !purego

package openblas_test

import (
	"testing"

	"github.com/gyro-ppl/gyro/blas/blastest"
	"github.com/gyro-ppl/gyro/blas/openblas"
)

func TestConformance(t *testing.T) {
	blastest.Test(t, openblas.Implementation{})
}
