/*
 * gyro_openblas.h — the C side of gyro's OpenBLAS backend (package
 * github.com/gyro-ppl/gyro/blas/openblas), included from that package's cgo
 * preamble.
 *
 * We declare the CBLAS and OpenBLAS entry points we call ourselves instead of
 * including <cblas.h>: distributions put that header in different places
 * (Debian: /usr/include/x86_64-linux-gnu/openblas-pthread/, Fedora:
 * /usr/include/openblas/, Homebrew: $(brew --prefix openblas)/include), and
 * some install netlib's cblas.h there, which lacks the openblas_* functions.
 * Linking with -lopenblas is then all the build needs.
 *
 * The declarations assume an LP64 OpenBLAS (32-bit integer arguments), which
 * is what libopenblas.so is everywhere; ILP64 builds ship as libopenblas64.
 * CBLAS enums are passed as int: C enums have the size of int on every ABI Go
 * supports. The values are fixed by the CBLAS standard.
 */
#ifndef GYRO_OPENBLAS_H
#define GYRO_OPENBLAS_H

#include <stddef.h>

enum {
	GYRO_CBLAS_ROW_MAJOR = 101,
	GYRO_CBLAS_NO_TRANS = 111,
	GYRO_CBLAS_TRANS = 112,
	GYRO_CBLAS_UPPER = 121,
	GYRO_CBLAS_LOWER = 122,
	GYRO_CBLAS_NON_UNIT = 131,
	GYRO_CBLAS_UNIT = 132,
	GYRO_CBLAS_LEFT = 141,
	GYRO_CBLAS_RIGHT = 142
};

/* OpenBLAS extensions. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);

/* Level 1. */
double cblas_ddot(int n, const double *x, int incx, const double *y, int incy);
void cblas_daxpy(int n, double alpha, const double *x, int incx, double *y, int incy);
void cblas_dscal(int n, double alpha, double *x, int incx);
double cblas_dnrm2(int n, const double *x, int incx);
double cblas_dasum(int n, const double *x, int incx);
size_t cblas_idamax(int n, const double *x, int incx);
void cblas_dcopy(int n, const double *x, int incx, double *y, int incy);
void cblas_dswap(int n, double *x, int incx, double *y, int incy);

/* Level 2. */
void cblas_dgemv(int order, int trans, int m, int n, double alpha, const double *a, int lda,
                 const double *x, int incx, double beta, double *y, int incy);
void cblas_dger(int order, int m, int n, double alpha, const double *x, int incx,
                const double *y, int incy, double *a, int lda);
void cblas_dsymv(int order, int uplo, int n, double alpha, const double *a, int lda,
                 const double *x, int incx, double beta, double *y, int incy);
void cblas_dtrmv(int order, int uplo, int trans, int diag, int n, const double *a, int lda,
                 double *x, int incx);
void cblas_dtrsv(int order, int uplo, int trans, int diag, int n, const double *a, int lda,
                 double *x, int incx);

/* Level 3. */
void cblas_dgemm(int order, int transa, int transb, int m, int n, int k, double alpha,
                 const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);
void cblas_dsyrk(int order, int uplo, int trans, int n, int k, double alpha, const double *a,
                 int lda, double beta, double *c, int ldc);
void cblas_dtrmm(int order, int side, int uplo, int transa, int diag, int m, int n, double alpha,
                 const double *a, int lda, double *b, int ldb);
void cblas_dtrsm(int order, int side, int uplo, int transa, int diag, int m, int n, double alpha,
                 const double *a, int lda, double *b, int ldb);

/* gyro_noop is an empty function: benchmarks call it to measure the fixed
 * cost of one cgo call. */
static inline void gyro_noop(void) {}

#endif
