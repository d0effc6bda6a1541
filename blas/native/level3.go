package native

import (
	"github.com/gyro-ppl/gyro/asm"
	"gonum.org/v1/gonum/blas"
)

// Level-3 routines other than Dgemm. Each is blocked into nb-sized
// diagonal blocks, handled by small unblocked loops (or by the packed
// kernel on a dense copy of the triangle), and off-diagonal blocks, handled
// by gemmAcc, so almost all of the arithmetic runs in the GEMM micro-kernel.

// nb is the block size of the blocked level-3 routines. It is a multiple of
// every kernel's MR (8, 6, 4) and of NR for the AVX2 and Go kernels.
const nb = 48

// Dsyrk computes the ul triangle of C = alpha*A*Aᵀ + beta*C (t == NoTrans,
// A n×k) or C = alpha*Aᵀ*A + beta*C (t == Trans, A k×n); the other triangle
// of C is not touched.
func (Implementation) Dsyrk(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	const r = "Dsyrk"
	checkUplo(r, ul)
	checkTrans(r, "t", t)
	if n < 0 {
		panic("native: Dsyrk: n < 0")
	}
	if k < 0 {
		panic("native: Dsyrk: k < 0")
	}
	aT := t != blas.NoTrans
	if aT {
		checkLd(r, "lda", "n", lda, n)
	} else {
		checkLd(r, "lda", "k", lda, k)
	}
	checkLd(r, "ldc", "n", ldc, n)
	if n == 0 {
		return
	}
	if aT {
		checkLen(r, "a", a, k, n, lda)
	} else {
		checkLen(r, "a", a, n, k, lda)
	}
	checkLen(r, "c", c, n, n, ldc)
	if (alpha == 0 || k == 0) && beta == 1 {
		return
	}
	upper := ul == blas.Upper
	// C = beta*C on the triangle.
	if beta != 1 {
		for i := 0; i < n; i++ {
			lo, hi := 0, i+1
			if upper {
				lo, hi = i, n
			}
			row := c[i*ldc+lo : i*ldc+hi]
			if beta == 0 {
				clear(row)
			} else {
				asm.DscalUnitary(beta, row)
			}
		}
	}
	if alpha == 0 || k == 0 {
		return
	}
	// opRows returns op(A) starting at row i (op(A) is n×k).
	opRows := func(i int) []float64 {
		if aT {
			return a[i:]
		}
		return a[i*lda:]
	}
	tile := getVec(nb * nb)
	for i0 := 0; i0 < n; i0 += nb {
		bs := min(nb, n-i0)
		// Diagonal block: full bs×bs product in scratch, then the triangle.
		clear(tile[:bs*bs])
		gemmAcc(aT, !aT, bs, bs, k, alpha, opRows(i0), lda, opRows(i0), lda, tile, bs)
		for i := 0; i < bs; i++ {
			lo, hi := 0, i+1
			if upper {
				lo, hi = i, bs
			}
			crow := c[(i0+i)*ldc+i0+lo : (i0+i)*ldc+i0+hi]
			for j, v := range tile[i*bs+lo : i*bs+hi] {
				crow[j] += v
			}
		}
		// The rest of the block row inside the triangle, in one product.
		if upper {
			if rest := n - i0 - bs; rest > 0 {
				gemmAcc(aT, !aT, bs, rest, k, alpha, opRows(i0), lda, opRows(i0+bs), lda, c[i0*ldc+i0+bs:], ldc)
			}
		} else if i0 > 0 {
			gemmAcc(aT, !aT, bs, i0, k, alpha, opRows(i0), lda, opRows(0), lda, c[i0*ldc:], ldc)
		}
	}
	putVec(tile)
}

func checkTri3(r string, s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, a []float64, lda int, b []float64, ldb int) (ok bool) {
	checkSide(r, s)
	checkUplo(r, ul)
	checkTrans(r, "tA", tA)
	checkDiag(r, d)
	if m < 0 {
		panic("native: " + r + ": m < 0")
	}
	if n < 0 {
		panic("native: " + r + ": n < 0")
	}
	k := n
	if s == blas.Left {
		k = m
		checkLd(r, "lda", "m", lda, m)
	} else {
		checkLd(r, "lda", "n", lda, n)
	}
	checkLd(r, "ldb", "n", ldb, n)
	if m == 0 || n == 0 {
		return false
	}
	checkLen(r, "a", a, k, k, lda)
	checkLen(r, "b", b, m, n, ldb)
	return true
}

// denseTri writes the bs×bs diagonal block of op(A) starting at (i0, i0)
// into t (row-major, leading dimension bs) as a dense matrix: zeros outside
// the triangle, ones on the diagonal when d == Unit.
func denseTri(t []float64, a []float64, lda, i0, bs int, ul blas.Uplo, tA blas.Transpose, d blas.Diag) {
	upper := triUpper(ul, tA)
	for i := 0; i < bs; i++ {
		row := t[i*bs : i*bs+bs]
		for j := range row {
			if (upper && j < i) || (!upper && j > i) {
				row[j] = 0
				continue
			}
			if tA == blas.NoTrans {
				row[j] = a[(i0+i)*lda+i0+j]
			} else {
				row[j] = a[(i0+j)*lda+i0+i]
			}
		}
		if d == blas.Unit {
			row[i] = 1
		}
	}
}

// opBlock returns op(A) starting at row i, column j, for gemmAcc together
// with the transpose flag to pass.
func opBlock(a []float64, lda int, tA blas.Transpose, i, j int) ([]float64, bool) {
	if tA == blas.NoTrans {
		return a[i*lda+j:], false
	}
	return a[j*lda+i:], true
}

func zeroMatrix(m, n int, b []float64, ldb int) {
	for i := 0; i < m; i++ {
		clear(b[i*ldb : i*ldb+n])
	}
}

// chunk bounds the scratch copy of B in Dtrmm's diagonal blocks.
const chunk = 512

// Dtrmm computes B = alpha*op(A)*B (s == Left, A m×m) or B = alpha*B*op(A)
// (s == Right, A n×n) for triangular A (only the ul triangle is read; with
// d == Unit its diagonal is taken as ones). B is m×n.
func (Implementation) Dtrmm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if !checkTri3("Dtrmm", s, ul, tA, d, m, n, a, lda, b, ldb) {
		return
	}
	if alpha == 0 {
		zeroMatrix(m, n, b, ldb)
		return
	}
	upper := triUpper(ul, tA)
	tri := getVec(nb * nb)
	tmp := getVec(nb * chunk)
	if s == blas.Left {
		// Block row I of B becomes alpha*(T_II*B_I + sum_J T_IJ*B_J) over
		// the J beyond the diagonal; walk I so those B_J are still original.
		for bi := 0; bi < ceilDiv(m, nb); bi++ {
			i0 := bi * nb
			if !upper {
				i0 = (ceilDiv(m, nb) - 1 - bi) * nb
			}
			bs := min(nb, m-i0)
			denseTri(tri, a, lda, i0, bs, ul, tA, d)
			for j0 := 0; j0 < n; j0 += chunk {
				w := min(chunk, n-j0)
				for i := 0; i < bs; i++ {
					copy(tmp[i*w:i*w+w], b[(i0+i)*ldb+j0:(i0+i)*ldb+j0+w])
				}
				zeroMatrix(bs, w, b[i0*ldb+j0:], ldb)
				gemmAcc(false, false, bs, w, bs, alpha, tri, bs, tmp, w, b[i0*ldb+j0:], ldb)
			}
			if upper {
				if rest := m - i0 - bs; rest > 0 {
					ap, at := opBlock(a, lda, tA, i0, i0+bs)
					gemmAcc(at, false, bs, n, rest, alpha, ap, lda, b[(i0+bs)*ldb:], ldb, b[i0*ldb:], ldb)
				}
			} else if i0 > 0 {
				ap, at := opBlock(a, lda, tA, i0, 0)
				gemmAcc(at, false, bs, n, i0, alpha, ap, lda, b, ldb, b[i0*ldb:], ldb)
			}
		}
	} else {
		// Block column J of B becomes alpha*(B_J*T_JJ + sum_K B_K*T_KJ):
		// K < J for upper T (walk J downwards), K > J for lower.
		for bj := 0; bj < ceilDiv(n, nb); bj++ {
			j0 := bj * nb
			if upper {
				j0 = (ceilDiv(n, nb) - 1 - bj) * nb
			}
			bs := min(nb, n-j0)
			denseTri(tri, a, lda, j0, bs, ul, tA, d)
			for r0 := 0; r0 < m; r0 += chunk {
				h := min(chunk, m-r0)
				for i := 0; i < h; i++ {
					copy(tmp[i*bs:i*bs+bs], b[(r0+i)*ldb+j0:(r0+i)*ldb+j0+bs])
				}
				zeroMatrix(h, bs, b[r0*ldb+j0:], ldb)
				gemmAcc(false, false, h, bs, bs, alpha, tmp, bs, tri, bs, b[r0*ldb+j0:], ldb)
			}
			if upper {
				if j0 > 0 {
					ap, at := opBlock(a, lda, tA, 0, j0)
					gemmAcc(false, at, m, bs, j0, alpha, b, ldb, ap, lda, b[j0:], ldb)
				}
			} else if rest := n - j0 - bs; rest > 0 {
				ap, at := opBlock(a, lda, tA, j0+bs, j0)
				gemmAcc(false, at, m, bs, rest, alpha, b[j0+bs:], ldb, ap, lda, b[j0:], ldb)
			}
		}
	}
	putVec(tmp)
	putVec(tri)
}

// Dtrsm solves op(A)*X = alpha*B (s == Left, A m×m) or X*op(A) = alpha*B
// (s == Right, A n×n) for triangular A, overwriting B (m×n) with X. There
// is no test for singularity: a zero diagonal gives Inf or NaN.
func (Implementation) Dtrsm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if !checkTri3("Dtrsm", s, ul, tA, d, m, n, a, lda, b, ldb) {
		return
	}
	if alpha == 0 {
		zeroMatrix(m, n, b, ldb)
		return
	}
	if alpha != 1 {
		for i := 0; i < m; i++ {
			asm.DscalUnitary(alpha, b[i*ldb:i*ldb+n])
		}
	}
	upper := triUpper(ul, tA)
	nonUnit := d == blas.NonUnit
	tri := getVec(nb * nb)
	if s == blas.Left {
		// Upper T: block rows bottom-up, lower T: top-down. Each block row
		// first subtracts the already-solved rows, then solves its own
		// triangle row by row with axpys along B's rows.
		for bi := 0; bi < ceilDiv(m, nb); bi++ {
			i0 := bi * nb
			if upper {
				i0 = (ceilDiv(m, nb) - 1 - bi) * nb
			}
			bs := min(nb, m-i0)
			if upper {
				if rest := m - i0 - bs; rest > 0 {
					ap, at := opBlock(a, lda, tA, i0, i0+bs)
					gemmAcc(at, false, bs, n, rest, -1, ap, lda, b[(i0+bs)*ldb:], ldb, b[i0*ldb:], ldb)
				}
			} else if i0 > 0 {
				ap, at := opBlock(a, lda, tA, i0, 0)
				gemmAcc(at, false, bs, n, i0, -1, ap, lda, b, ldb, b[i0*ldb:], ldb)
			}
			denseTri(tri, a, lda, i0, bs, ul, tA, d)
			for ii := 0; ii < bs; ii++ {
				i := ii
				if upper {
					i = bs - 1 - ii
				}
				brow := b[(i0+i)*ldb : (i0+i)*ldb+n]
				lo, hi := 0, i // solved rows this row depends on
				if upper {
					lo, hi = i+1, bs
				}
				for j := lo; j < hi; j++ {
					if t := tri[i*bs+j]; t != 0 {
						asm.DaxpyUnitary(-t, b[(i0+j)*ldb:(i0+j)*ldb+n], brow)
					}
				}
				if nonUnit {
					asm.DscalUnitary(1/tri[i*bs+i], brow)
				}
			}
		}
	} else {
		// X*T = B. Upper T: block columns left to right, lower: right to
		// left. Within a block each row of B is solved as a row vector.
		for bj := 0; bj < ceilDiv(n, nb); bj++ {
			j0 := bj * nb
			if !upper {
				j0 = (ceilDiv(n, nb) - 1 - bj) * nb
			}
			bs := min(nb, n-j0)
			if upper {
				if j0 > 0 {
					ap, at := opBlock(a, lda, tA, 0, j0)
					gemmAcc(false, at, m, bs, j0, -1, b, ldb, ap, lda, b[j0:], ldb)
				}
			} else if rest := n - j0 - bs; rest > 0 {
				ap, at := opBlock(a, lda, tA, j0+bs, j0)
				gemmAcc(false, at, m, bs, rest, -1, b[j0+bs:], ldb, ap, lda, b[j0:], ldb)
			}
			denseTri(tri, a, lda, j0, bs, ul, tA, d)
			for r := 0; r < m; r++ {
				x := b[r*ldb+j0 : r*ldb+j0+bs]
				if upper {
					for j := 0; j < bs; j++ {
						if nonUnit {
							x[j] /= tri[j*bs+j]
						}
						if v := x[j]; v != 0 {
							asm.DaxpyUnitary(-v, tri[j*bs+j+1:j*bs+bs], x[j+1:])
						}
					}
				} else {
					for j := bs - 1; j >= 0; j-- {
						if nonUnit {
							x[j] /= tri[j*bs+j]
						}
						if v := x[j]; v != 0 {
							asm.DaxpyUnitary(-v, tri[j*bs:j*bs+j], x[:j])
						}
					}
				}
			}
		}
	}
	putVec(tri)
}
