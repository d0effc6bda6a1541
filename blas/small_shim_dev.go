package blas

// DEVELOPMENT SHIM, NOT COMMITTED: native is mid-rewrite; gonum stands in
// for the routines it lacks.
import (
	"github.com/gyro-ppl/gyro/blas/native"
	"gonum.org/v1/gonum/blas/gonum"
)

type small struct{ gonum.Implementation }

func (small) Dgemm(tA, tB Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	native.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
func (small) Name() string { return "native" }
