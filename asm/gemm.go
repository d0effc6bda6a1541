package asm

import "strconv"

// GEMM micro-kernels.
//
// A micro-kernel computes one MR×NR register tile of
//
//	C[0:MR, 0:NR] += alpha * Apanel * Bpanel
//
// where Apanel and Bpanel are packed: a holds k columns of MR consecutive
// values (a[p*MR+i] is A[i, p]) and b holds k rows of NR consecutive values
// (b[p*NR+j] is B[p, j]). C is row-major with leading dimension ldc. Packing,
// blocking, edge tiles (partial MR or NR) and the scaling of C by beta are the
// caller's business (see blas/native); the kernel always writes a full tile.
//
// Several tile shapes are compiled in (AVX-512: 8×24, AVX2+FMA: 6×8, pure Go:
// 4×4); the fastest one the CPU supports is chosen at init through the kernel
// registry under the name "DgemmKernel" (GYRO_ASM=generic or Select override
// it). Because the tile shape depends on the implementation, callers ask for
// the active kernel once per operation with ActiveGemmKernel and use its MR
// and NR for packing.

// GemmKernel is one implementation of the packed GEMM micro-kernel together
// with its register-tile shape.
type GemmKernel struct {
	Name string // implementation name: ImplAVX512, ImplAVX2 or ImplGeneric
	MR   int    // rows of the C tile (length of one packed column of A)
	NR   int    // columns of the C tile (length of one packed row of B)
	fn   func(k int, alpha float64, a, b, c []float64, ldc int)
}

// Compute runs the micro-kernel: C[0:MR, 0:NR] += alpha*Apanel*Bpanel with
// a = Apanel (k×MR values), b = Bpanel (k×NR values) and c row-major with
// leading dimension ldc. It panics, naming the argument, if k < 0,
// ldc < NR, len(a) < k*MR, len(b) < k*NR or len(c) < (MR-1)*ldc+NR.
// With k == 0 C is left unchanged.
func (g GemmKernel) Compute(k int, alpha float64, a, b, c []float64, ldc int) {
	if k < 0 {
		panic("asm: DgemmKernel: k < 0")
	}
	if ldc < g.NR {
		panic("asm: DgemmKernel: ldc < NR")
	}
	if len(a) < k*g.MR {
		panic("asm: DgemmKernel: short packed A panel")
	}
	if len(b) < k*g.NR {
		panic("asm: DgemmKernel: short packed B panel")
	}
	if len(c) < (g.MR-1)*ldc+g.NR {
		panic("asm: DgemmKernel: short C tile")
	}
	if k == 0 {
		return
	}
	g.fn(k, alpha, a, b, c, ldc)
}

// activeGemm is the kernel installed by the registry.
var activeGemm = GemmKernel{Name: ImplGeneric, MR: 4, NR: 4, fn: dgemmKernel4x4Generic}

// gemmImpls lists every compiled implementation, supported or not, filled in
// by init functions.
var gemmImpls []gemmImpl

type gemmImpl struct {
	kern      GemmKernel
	priority  int
	supported bool
}

func registerGemm(kern GemmKernel, priority int, supported bool) {
	gemmImpls = append(gemmImpls, gemmImpl{kern, priority, supported})
	Register("DgemmKernel", kern.Name, priority, supported, &activeGemm, kern)
}

func init() {
	registerGemm(GemmKernel{Name: ImplGeneric, MR: 4, NR: 4, fn: dgemmKernel4x4Generic}, PriorityGeneric, true)
}

// ActiveGemmKernel returns the micro-kernel currently selected. Callers that
// pack panels should fetch it once per operation and pack with its MR and NR.
func ActiveGemmKernel() GemmKernel { return activeGemm }

// GemmKernels returns every micro-kernel implementation the running CPU
// supports, the active one included, for tests and benchmarks.
func GemmKernels() []GemmKernel {
	var out []GemmKernel
	for _, im := range gemmImpls {
		if im.supported {
			out = append(out, im.kern)
		}
	}
	return out
}

// GemmMR returns the row count of the active micro-kernel's register tile.
func GemmMR() int { return activeGemm.MR }

// GemmNR returns the column count of the active micro-kernel's register tile.
func GemmNR() int { return activeGemm.NR }

// DgemmKernel runs the active micro-kernel: C[0:MR, 0:NR] += alpha*A*B over
// packed panels, with MR = GemmMR() and NR = GemmNR(). See GemmKernel.Compute
// for the layout and the panics.
func DgemmKernel(k int, alpha float64, a, b, c []float64, ldc int) {
	activeGemm.Compute(k, alpha, a, b, c, ldc)
}

// DgemmKernelRef is the plain-loop reference for any tile shape: it computes
// C[0:mr, 0:nr] += alpha*A*B over packed panels laid out as for GemmKernel.
// Tests compare every implementation with it. The products are summed over p
// in increasing order, then scaled by alpha and added to C, as the vector
// kernels do (they differ only by fused multiply-add rounding).
func DgemmKernelRef(mr, nr, k int, alpha float64, a, b, c []float64, ldc int) {
	if mr < 0 || nr < 0 || k < 0 {
		panic("asm: DgemmKernelRef: negative dimension " + strconv.Itoa(min(mr, nr, k)))
	}
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += a[p*mr+i] * b[p*nr+j]
			}
			c[i*ldc+j] += alpha * s
		}
	}
}

// dgemmKernel4x4Generic is the pure-Go micro-kernel: a 4×4 tile held in 16
// local accumulators.
func dgemmKernel4x4Generic(k int, alpha float64, a, b, c []float64, ldc int) {
	var (
		c00, c01, c02, c03 float64
		c10, c11, c12, c13 float64
		c20, c21, c22, c23 float64
		c30, c31, c32, c33 float64
	)
	a = a[:4*k]
	b = b[:4*k]
	for p := 0; p < len(a); p += 4 {
		ap := a[p : p+4 : p+4]
		bp := b[p : p+4 : p+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := ap[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := ap[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := ap[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := ap[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	r := c[0:4:4]
	r[0] += alpha * c00
	r[1] += alpha * c01
	r[2] += alpha * c02
	r[3] += alpha * c03
	r = c[ldc : ldc+4 : ldc+4]
	r[0] += alpha * c10
	r[1] += alpha * c11
	r[2] += alpha * c12
	r[3] += alpha * c13
	r = c[2*ldc : 2*ldc+4 : 2*ldc+4]
	r[0] += alpha * c20
	r[1] += alpha * c21
	r[2] += alpha * c22
	r[3] += alpha * c23
	r = c[3*ldc : 3*ldc+4 : 3*ldc+4]
	r[0] += alpha * c30
	r[1] += alpha * c31
	r[2] += alpha * c32
	r[3] += alpha * c33
}
