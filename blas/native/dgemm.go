package native

import (
	"github.com/gyro-ppl/gyro/asm"
	"gonum.org/v1/gonum/blas"
)

// Blocking parameters for Dgemm, tuned on Zen 4 (32 KiB L1d, 1 MiB L2,
// 32 MiB L3) with the 8×24 AVX-512 kernel; the measured optimum is flat
// (±3% over kc 192…256, mc 120…480, nc 1200…4800). kcMax bounds the depth
// of a packed block, mcMax the rows of the packed A block (240×256 doubles,
// 480 KiB, lives in L2), ncMax the columns of the packed B block (L3). Each
// is split evenly so that a dimension just above a multiple of the limit
// does not leave a thin, inefficient last block.
var (
	kcMax = 256
	mcMax = 240
	ncMax = 4800
)

// workspace holds the packing buffers of one Dgemm call. Buffers grow to the
// largest size seen and are kept on a small free list, so steady-state
// calls allocate nothing. (A sync.Pool is emptied by every second garbage
// collection, which would re-allocate megabytes of panels at random times;
// the free list keeps up to freeWorkspaces of them for the life of the
// process and lets further concurrent callers allocate and drop their own.)
type workspace struct {
	a    []float64 // the packed mc×kc block of op(A), MR-high micro-panels
	b    []float64 // the packed kc×nc block of op(B), NR-wide micro-panels
	tile []float64 // an MR×NR scratch tile for partial edge tiles
}

const freeWorkspaces = 8

var workspaces = make(chan *workspace, freeWorkspaces)

func getWorkspace() *workspace {
	select {
	case ws := <-workspaces:
		return ws
	default:
		return new(workspace)
	}
}

func putWorkspace(ws *workspace) {
	select {
	case workspaces <- ws:
	default:
	}
}

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
	if alpha != 0 && k > 0 && useSmall(m, n, k) {
		gemmSmall(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	scaleMatrix(beta, m, n, c, ldc)
	if alpha == 0 || k == 0 {
		return
	}
	gemmAcc(aT, bT, m, n, k, alpha, a, lda, b, ldb, c, ldc)
}

// smallMax bounds the products (m*n*k) computed row by row with the gemv
// kernels instead of being packed for the micro-kernel: below it, packing
// and partial edge tiles cost more than they save. Measured on Zen 4 with
// the 8×24 kernel: the row-by-row path wins for square n ≤ 64 (by about
// 1.5× at n = 32), the packed path from n = 96 up.
var smallMax = 64 * 64 * 64

func useSmall(m, n, k int) bool { return m*n*k <= smallMax }

// gemmSmall computes C = alpha*op(A)*op(B) + beta*C one row of C at a time:
// row i of C is a matrix-vector product of op(B)ᵀ with row i of op(A).
func gemmSmall(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	var buf []float64
	if aT {
		buf = getVec(k)
	}
	for i := 0; i < m; i++ {
		var ai []float64
		if aT {
			for p := range buf {
				buf[p] = a[p*lda+i]
			}
			ai = buf
		} else {
			ai = a[i*lda : i*lda+k]
		}
		ci := c[i*ldc : i*ldc+n]
		if bT {
			asm.DgemvN(n, k, alpha, b, ldb, ai, beta, ci)
		} else {
			asm.DgemvT(k, n, alpha, b, ldb, ai, beta, ci)
		}
	}
	if buf != nil {
		putVec(buf)
	}
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
// checked and m, n, k > 0; aT and bT say whether op transposes. It is the
// engine behind Dgemm and the blocked level-3 routines.
//
// Loop order is BLIS's: the kc×nc block of op(B) is packed once per
// (jc, pc), an mc×kc block of op(A) is packed per ic and stays in L2, and
// each NR×kc micro-panel of op(B) stays in L1 (or close) while the MR×kc
// micro-panels of op(A) stream past it.
func gemmAcc(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	kern := asm.ActiveGemmKernel()
	mr, nr := kern.MR, kern.NR

	kc := ceilDiv(k, ceilDiv(k, kcMax))
	ncLim := max(nr, ncMax/nr*nr)
	nc := roundUp(ceilDiv(n, ceilDiv(n, ncLim)), nr)
	mcLim := max(mr, mcMax/mr*mr)
	mc := roundUp(ceilDiv(m, ceilDiv(m, mcLim)), mr)

	ws := getWorkspace()
	ws.a = grow(ws.a, kc*min(mc, roundUp(m, mr)))
	ws.b = grow(ws.b, kc*min(nc, roundUp(n, nr)))
	ws.tile = grow(ws.tile, mr*nr)
	tile := ws.tile

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
			for ic := 0; ic < m; ic += mc {
				mcur := min(mc, m-ic)
				for ir := 0; ir < mcur; ir += mr {
					apk := ws.a[ir*kcur : (ir+mr)*kcur]
					if aT {
						packAT(apk, a, lda, ic+ir, pc, min(mr, mcur-ir), kcur, mr)
					} else {
						packAN(apk, a, lda, ic+ir, pc, min(mr, mcur-ir), kcur, mr)
					}
				}
				for jr := 0; jr < ncur; jr += nr {
					ncr := min(nr, ncur-jr)
					bpanel := bp[jr*kcur : (jr+nr)*kcur]
					for ir := 0; ir < mcur; ir += mr {
						mcr := min(mr, mcur-ir)
						apk := ws.a[ir*kcur : (ir+mr)*kcur]
						ci := (ic+ir)*ldc + jc + jr
						if mcr == mr && ncr == nr {
							kern.Compute(kcur, alpha, apk, bpanel, c[ci:], ldc)
							continue
						}
						clear(tile)
						kern.Compute(kcur, alpha, apk, bpanel, tile, nr)
						for i := 0; i < mcr; i++ {
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
	}
	putWorkspace(ws)
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
