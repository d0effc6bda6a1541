package native

import (
	"sync"

	"github.com/gyro-ppl/gyro/asm"
	"gonum.org/v1/gonum/blas"
)

// Blocking parameters for Dgemm (see the package comment). kcMax bounds the
// depth of one packed block (an MR×kc micro-panel of A stays in L1: 8×256
// doubles is 16 KiB), ncMax the width of the packed kc×nc block of B (kept in
// L2: 256×240 doubles is 480 KiB of the 1 MiB L2). Both are split evenly so
// that a dimension slightly above a multiple of the limit does not leave a
// thin, inefficient last block.
var (
	kcMax = 256
	ncMax = 240
)

// workspace holds the packing buffers of one Dgemm call. They come from
// gemmPool and grow to the largest size seen, so steady-state calls
// allocate nothing.
type workspace struct {
	a    []float64 // one packed MR×kc micro-panel of op(A)
	b    []float64 // the packed kc×nc block of op(B), NR-wide panels
	tile []float64 // an MR×NR scratch tile for partial edge tiles
}

var gemmPool = sync.Pool{New: func() any { return new(workspace) }}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C, where op(X) is X or Xᵀ
// as tA, tB say, op(A) is m×k, op(B) is k×n and C is m×n, all row-major.
//
// beta == 0 overwrites C; alpha == 0 or k == 0 only scales C. Bad arguments
// panic with "native: Dgemm: <what>".
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	const r = "Dgemm"
	checkTrans(r, "tA", tA)
	checkTrans(r, "tB", tB)
	if m < 0 {
		panic("native: Dgemm: m < 0")
	}
	if n < 0 {
		panic("native: Dgemm: n < 0")
	}
	if k < 0 {
		panic("native: Dgemm: k < 0")
	}
	aT, bT := tA != blas.NoTrans, tB != blas.NoTrans
	if aT {
		checkLd(r, "lda", "m", lda, m)
	} else {
		checkLd(r, "lda", "k", lda, k)
	}
	if bT {
		checkLd(r, "ldb", "k", ldb, k)
	} else {
		checkLd(r, "ldb", "n", ldb, n)
	}
	checkLd(r, "ldc", "n", ldc, n)
	if m == 0 || n == 0 {
		return
	}
	if aT {
		checkLen(r, "A", a, k, m, lda)
	} else {
		checkLen(r, "A", a, m, k, lda)
	}
	if bT {
		checkLen(r, "B", b, n, k, ldb)
	} else {
		checkLen(r, "B", b, k, n, ldb)
	}
	checkLen(r, "C", c, m, n, ldc)
	if (alpha == 0 || k == 0) && beta == 1 {
		return
	}
	scaleMatrix(beta, m, n, c, ldc)
	if alpha == 0 || k == 0 {
		return
	}
	gemmAcc(aT, bT, m, n, k, alpha, a, lda, b, ldb, c, ldc)
}

// scaleMatrix sets C = beta*C for an m×n row-major C; beta == 0 stores
// zeros (NaN in C does not propagate), beta == 1 does nothing.
func scaleMatrix(beta float64, m, n int, c []float64, ldc int) {
	switch beta {
	case 1:
		return
	case 0:
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	default:
		for i := 0; i < m; i++ {
			asm.DscalUnitary(beta, c[i*ldc:i*ldc+n])
		}
	}
}

// gemmAcc computes C += alpha*op(A)*op(B) with all arguments already
// checked and m, n, k > 0. aT and bT say whether op transposes. It is the
// engine behind Dgemm and the blocked level-3 routines.
func gemmAcc(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	kern := asm.ActiveGemmKernel()
	mr, nr := kern.MR, kern.NR

	kc := ceilDiv(k, ceilDiv(k, kcMax))
	ncLim := max(nr, ncMax/nr*nr)
	nc := roundUp(ceilDiv(n, ceilDiv(n, ncLim)), nr)

	ws := gemmPool.Get().(*workspace)
	ws.a = grow(ws.a, mr*kc)
	ws.b = grow(ws.b, kc*min(nc, roundUp(n, nr)))
	ws.tile = grow(ws.tile, mr*nr)
	ap, tile := ws.a, ws.tile

	for jc := 0; jc < n; jc += nc {
		ncur := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcur := min(kc, k-pc)
			bp := ws.b[:kcur*roundUp(ncur, nr)]
			if bT {
				packBT(bp, b, ldb, pc, jc, kcur, ncur, nr)
			} else {
				packBN(bp, b, ldb, pc, jc, kcur, ncur, nr)
			}
			apk := ap[:kcur*mr]
			for ic := 0; ic < m; ic += mr {
				mcur := min(mr, m-ic)
				if aT {
					packAT(apk, a, lda, ic, pc, mcur, kcur, mr)
				} else {
					packAN(apk, a, lda, ic, pc, mcur, kcur, mr)
				}
				for jr := 0; jr < ncur; jr += nr {
					ncr := min(nr, ncur-jr)
					bpanel := bp[jr*kcur : (jr+nr)*kcur]
					ci := ic*ldc + jc + jr
					if mcur == mr && ncr == nr {
						kern.Compute(kcur, alpha, apk, bpanel, c[ci:], ldc)
						continue
					}
					clear(tile)
					kern.Compute(kcur, alpha, apk, bpanel, tile, nr)
					for i := 0; i < mcur; i++ {
						crow := c[ci+i*ldc : ci+i*ldc+ncr]
						trow := tile[i*nr : i*nr+ncr]
						for j, v := range trow {
							crow[j] += v
						}
					}
				}
			}
		}
	}
	gemmPool.Put(ws)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }

// packAN packs op(A) = A (row-major, A[i,p] = a[i*lda+p]) rows ic..ic+mcur,
// columns pc..pc+kc into ap as kc columns of mr values, zero-padding rows
// beyond mcur.
func packAN(ap, a []float64, lda, ic, pc, mcur, kc, mr int) {
	for i := 0; i < mcur; i++ {
		row := a[(ic+i)*lda+pc : (ic+i)*lda+pc+kc]
		for p, v := range row {
			ap[p*mr+i] = v
		}
	}
	for i := mcur; i < mr; i++ {
		for p := 0; p < kc; p++ {
			ap[p*mr+i] = 0
		}
	}
}

// packAT packs op(A) = Aᵀ (A stored k×m, op(A)[i,p] = a[p*lda+i]).
func packAT(ap, a []float64, lda, ic, pc, mcur, kc, mr int) {
	for p := 0; p < kc; p++ {
		dst := ap[p*mr : p*mr+mr]
		src := a[(pc+p)*lda+ic : (pc+p)*lda+ic+mcur]
		copy(dst, src)
		clear(dst[mcur:])
	}
}

// packBN packs op(B) = B (row-major k×n, B[p,j] = b[p*ldb+j]) rows
// pc..pc+kc, columns jc..jc+ncur into NR-wide panels of kc rows each,
// zero-padding the last panel.
func packBN(bp, b []float64, ldb, pc, jc, kc, ncur, nr int) {
	for jr := 0; jr < ncur; jr += nr {
		w := min(nr, ncur-jr)
		panel := bp[jr*kc : (jr+nr)*kc]
		for p := 0; p < kc; p++ {
			src := b[(pc+p)*ldb+jc+jr : (pc+p)*ldb+jc+jr+w]
			dst := panel[p*nr : p*nr+nr]
			copy(dst, src)
			clear(dst[w:])
		}
	}
}

// packBT packs op(B) = Bᵀ (B stored n×k, op(B)[p,j] = b[j*ldb+p]).
func packBT(bp, b []float64, ldb, pc, jc, kc, ncur, nr int) {
	for jr := 0; jr < ncur; jr += nr {
		w := min(nr, ncur-jr)
		panel := bp[jr*kc : (jr+nr)*kc]
		for j := 0; j < w; j++ {
			row := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kc]
			for p, v := range row {
				panel[p*nr+j] = v
			}
		}
		for j := w; j < nr; j++ {
			for p := 0; p < kc; p++ {
				panel[p*nr+j] = 0
			}
		}
	}
}
