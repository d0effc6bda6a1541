//go:build !purego

package asm

// Assembly gemv kernels (level2_amd64.s). dgemvN* require m, n >= 1 and
// alpha != 0 and implement beta (beta == 0 overwrites y). dgemvT* require
// m, n >= 1 and compute y[:n] += alpha*Aᵀx; beta is applied before.

//go:noescape
func dgemvNAVX2(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64)

//go:noescape
func dgemvNAVX512(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64)

//go:noescape
func dgemvTAVX2(m, n int, alpha float64, a []float64, lda int, x []float64, y []float64)

//go:noescape
func dgemvTAVX512(m, n int, alpha float64, a []float64, lda int, x []float64, y []float64)

func dgemvNAsm(avx512 bool) func(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	kern := dgemvNAVX2
	if avx512 {
		kern = dgemvNAVX512
	}
	return func(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
		if m == 0 {
			return
		}
		if alpha == 0 || n == 0 {
			scaleY(beta, y[:m])
			return
		}
		kern(m, n, alpha, a, lda, x, beta, y)
	}
}

func dgemvTAsm(avx512 bool) func(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	kern := dgemvTAVX2
	if avx512 {
		kern = dgemvTAVX512
	}
	return func(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
		if n == 0 {
			return
		}
		scaleY(beta, y[:n])
		if alpha == 0 || m == 0 {
			return
		}
		kern(m, n, alpha, a, lda, x, y)
	}
}

func init() {
	Register("DgemvN", ImplAVX2, PriorityAVX2, hasAVX2, &dgemvN, dgemvNAsm(false))
	Register("DgemvN", ImplAVX512, PriorityAVX512, hasAVX512, &dgemvN, dgemvNAsm(true))
	Register("DgemvT", ImplAVX2, PriorityAVX2, hasAVX2, &dgemvT, dgemvTAsm(false))
	Register("DgemvT", ImplAVX512, PriorityAVX512, hasAVX512, &dgemvT, dgemvTAsm(true))
}
