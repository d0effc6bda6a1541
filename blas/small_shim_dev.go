package blas

// INTERIM: native has no Dsyrk, Dtrmm, Dtrsm yet; gonum stands in for those
// three until it does, then this file is replaced by `type small =
// native.Implementation`.
import (
	"github.com/gyro-ppl/gyro/blas/native"
	"gonum.org/v1/gonum/blas/gonum"
)

type small struct{ native.Implementation }

func (small) Dsyrk(ul Uplo, t Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	gonum.Implementation{}.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
}

func (small) Dtrmm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	gonum.Implementation{}.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}

func (small) Dtrsm(s Side, ul Uplo, tA Transpose, d Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	gonum.Implementation{}.Dtrsm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
}
