// Package native is gyro's pure-Go/Go-assembly BLAS backend.
//
// Implementation provides the BLAS subset of gyro's blas.Backend (level 1:
// Ddot, Daxpy, Dscal, Dnrm2, Dasum, Idamax, Dcopy, Dswap; level 2: Dgemv,
// Dger, Dsymv, Dtrmv, Dtrsv; level 3: Dgemm, Dsyrk, Dtrmm, Dtrsm) for
// row-major matrices with gonum's method signatures and enums
// (gonum.org/v1/gonum/blas), so it can stand in for gonum's
// blas/gonum.Implementation.
//
// The loops run on the kernels of package asm (AVX-512 or AVX2+FMA chosen at
// init, pure Go with -tags purego). Dgemm follows the Goto/BLIS scheme: a
// KC×NC block of op(B) is packed into NR-wide panels that stay in L2, an
// MR×KC micro-panel of op(A) is packed into L1, and the register-tile
// micro-kernel (asm.GemmKernel) sweeps the C tiles; all four transpose
// combinations are absorbed by the packing. Dsyrk, Dtrmm and Dtrsm are
// blocked onto the same Dgemm with small unblocked diagonal blocks.
//
// Everything is single-threaded: gyro runs independent chains as goroutines
// and each call uses only the calling goroutine. Scratch panels come from a
// sync.Pool, so repeated calls allocate nothing once warm.
//
// Invalid arguments panic with messages that name the routine and the
// argument, for example "native: Dgemm: lda < k", mirroring reference BLAS's
// xerbla. Quick returns follow reference BLAS (nothing is read when m or n
// is 0; alpha == 0 does not read A or B; beta == 0 overwrites C, so NaN in C
// does not propagate).
package native
