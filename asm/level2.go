package asm

// DgemvN computes y[:m] = alpha*A*x[:n] + beta*y[:m] where A is the m×n
// row-major matrix whose element (i, j) is a[i*lda+j].
//
// beta == 0 overwrites y (NaN or Inf already in y do not propagate) and
// alpha == 0 does not read A or x, as in BLAS. Unlike reference BLAS there is
// no quick return for n == 0: y is then scaled by beta (the mathematical
// result); callers that want the BLAS quick return do it themselves.
//
// Precondition: m, n >= 0, lda >= max(1, n), len(a) >= (m-1)*lda+n when
// m, n > 0, len(x) >= n and len(y) >= m (panics otherwise, naming the
// argument). x and y must not overlap.
func DgemvN(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	checkGemv("DgemvN", m, n, a, lda)
	if len(x) < n {
		panic("asm: DgemvN: len(x) < n")
	}
	if len(y) < m {
		panic("asm: DgemvN: len(y) < m")
	}
	dgemvN(m, n, alpha, a, lda, x, beta, y)
}

// DgemvT computes y[:n] = alpha*Aᵀ*x[:m] + beta*y[:n] where A is the m×n
// row-major matrix whose element (i, j) is a[i*lda+j].
//
// beta and alpha are treated as in DgemvN (beta == 0 overwrites y,
// alpha == 0 reads neither A nor x, m == 0 scales y by beta).
//
// Precondition: m, n >= 0, lda >= max(1, n), len(a) >= (m-1)*lda+n when
// m, n > 0, len(x) >= m and len(y) >= n (panics otherwise, naming the
// argument). x and y must not overlap.
func DgemvT(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	checkGemv("DgemvT", m, n, a, lda)
	if len(x) < m {
		panic("asm: DgemvT: len(x) < m")
	}
	if len(y) < n {
		panic("asm: DgemvT: len(y) < n")
	}
	dgemvT(m, n, alpha, a, lda, x, beta, y)
}

func checkGemv(routine string, m, n int, a []float64, lda int) {
	if m < 0 {
		panic("asm: " + routine + ": m < 0")
	}
	if n < 0 {
		panic("asm: " + routine + ": n < 0")
	}
	if lda < 1 || lda < n {
		panic("asm: " + routine + ": lda < max(1, n)")
	}
	if m > 0 && n > 0 && len(a) < (m-1)*lda+n {
		panic("asm: " + routine + ": len(a) < (m-1)*lda+n")
	}
}

// scaleY applies y[i] = beta*y[i] with BLAS semantics for beta == 0 (store
// zeros) and beta == 1 (no-op).
func scaleY(beta float64, y []float64) {
	switch beta {
	case 1:
	case 0:
		clear(y)
	default:
		dscalUnitary(beta, y)
	}
}

func dgemvNGeneric(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	y = y[:m]
	if alpha == 0 || n == 0 {
		scaleY(beta, y)
		return
	}
	x = x[:n]
	for i := range y {
		row := a[i*lda : i*lda+n]
		var s0, s1, s2, s3 float64
		j := 0
		for ; j+4 <= n; j += 4 {
			s0 += row[j] * x[j]
			s1 += row[j+1] * x[j+1]
			s2 += row[j+2] * x[j+2]
			s3 += row[j+3] * x[j+3]
		}
		for ; j < n; j++ {
			s0 += row[j] * x[j]
		}
		s := alpha * ((s0 + s1) + (s2 + s3))
		if beta == 0 {
			y[i] = s
		} else {
			y[i] = s + beta*y[i]
		}
	}
}

func dgemvTGeneric(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	y = y[:n]
	scaleY(beta, y)
	if alpha == 0 || m == 0 || n == 0 {
		return
	}
	x = x[:m]
	for i, xi := range x {
		t := alpha * xi
		row := a[i*lda : i*lda+n]
		for j, v := range row {
			y[j] += t * v
		}
	}
}
