// Package blastest is gyro's BLAS conformance suite: Test runs every routine
// of a blas.Backend on random inputs against simple reference loops written
// here, and the Benchmark helpers time the kernels the same way for every
// backend.
//
// What Test checks, for each routine:
//
//   - results against a naive reference on sizes 0, 1, small odd and even
//     sizes and sizes larger than the block sizes of blocked kernels, with
//     strides ±1, ±2, 3, leading dimensions larger than the minimum, every
//     combination of the Transpose/Uplo/Diag/Side arguments, and several
//     alpha/beta pairs including 0 and 1;
//   - the tolerance: each output element must lie within
//     Tol·(k+2)·m of the reference, where k is the number of terms summed and
//     m the same sum taken over absolute values (the usual forward error bound
//     of a dot product, γ_k·Σ|terms|, with Tol = 1e-14 ≈ 90·u leaving room
//     for FMA and reordered sums). Triangular solves are checked by their
//     residual op(A)·x − alpha·b under the same bound;
//   - that nothing outside the touched region changes: strided vectors' gaps,
//     the columns between n and lda, the tail of every slice, the triangle a
//     symmetric or triangular routine must not write are filled with a NaN
//     carrying a marker payload and must keep their exact bits, and read-only
//     arguments must be bit-for-bit unchanged. Unreferenced parts of A (the
//     other triangle, a unit diagonal) hold the same NaN, so reading them
//     poisons the result;
//   - that beta == 0 overwrites C/y without reading it (NaN there does not
//     propagate), while NaN in A, x or y does propagate;
//   - that Dnrm2 neither overflows nor underflows on huge or tiny entries;
//   - that invalid arguments (negative sizes, zero increments, short slices,
//     small leading dimensions, bad enum values) panic, and that the panic
//     message names the routine and the argument.
package blastest
