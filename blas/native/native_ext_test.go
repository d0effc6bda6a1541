package native_test

import (
	"fmt"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
	"github.com/gyro-ppl/gyro/blas/blastest"
	"github.com/gyro-ppl/gyro/blas/native"
	gblas "gonum.org/v1/gonum/blas"
)

// native.Implementation must satisfy gyro's Backend interface.
var _ blas.Backend = native.Implementation{}

// TestConformance runs the shared BLAS conformance suite.
func TestConformance(t *testing.T) {
	blastest.Test(t, native.Implementation{})
}

func ExampleImplementation_Dgemm() {
	// C = A*B for a 2×3 A and a 3×2 B, all row-major.
	a := []float64{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float64{
		7, 8,
		9, 10,
		11, 12,
	}
	c := make([]float64, 4)
	var impl native.Implementation
	impl.Dgemm(gblas.NoTrans, gblas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [58 64 139 154]
}

func ExampleImplementation_Dtrsm() {
	// Solve L*X = B for lower-triangular L.
	l := []float64{
		2, 0,
		1, 4,
	}
	b := []float64{
		2, 4,
		9, 10,
	}
	var impl native.Implementation
	impl.Dtrsm(gblas.Left, gblas.Lower, gblas.NoTrans, gblas.NonUnit, 2, 2, 1, l, 2, b, 2)
	fmt.Println(b)
	// Output: [1 2 2 2]
}
