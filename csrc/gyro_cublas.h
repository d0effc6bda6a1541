/*
 * gyro_cublas.h — the C side of gyro's cuBLAS backend (package
 * github.com/gyro-ppl/gyro/blas/cuda, built with -tags cuda), included from
 * that package's cgo preamble.
 *
 * It uses the CUDA runtime API (cudart) rather than the driver API: the
 * runtime makes the device's primary context current on whichever OS thread
 * calls it, so goroutines may migrate freely, and a machine without a GPU or
 * driver only makes cudaGetDeviceCount fail (nothing exits the process).
 *
 * Every operation is one C call, so one cgo crossing: select the device,
 * grow the device buffers if needed, copy the operands host→device, run the
 * cuBLAS routine, copy the result device→host, synchronise. The Go side has
 * already checked the arguments and translated row-major to column-major
 * (the transpose trick), so these functions take column-major parameters.
 *
 * Return value: 0 on success; a positive cudaError_t; or minus a
 * cublasStatus_t (offset by GYRO_CUBLAS_ERR so CUBLAS_STATUS_SUCCESS, 0, is
 * never confused with success of a different call).
 */
#ifndef GYRO_CUBLAS_H
#define GYRO_CUBLAS_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cuda_runtime_api.h>
#include <cublas_v2.h>

#define GYRO_CUBLAS_ERR 100000
#define GYRO_NBUF 3

typedef struct {
	int dev;
	cublasHandle_t h;
	double *buf[GYRO_NBUF];
	size_t cap[GYRO_NBUF]; /* in doubles */
} gyro_cuda;

#define GYRO_CU(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) return (int)e_; } while (0)
#define GYRO_CB(call) do { cublasStatus_t s_ = (call); if (s_ != CUBLAS_STATUS_SUCCESS) return -(GYRO_CUBLAS_ERR + (int)s_); } while (0)

static inline int gyro_cuda_count(int *n) {
	return (int)cudaGetDeviceCount(n);
}

/* gyro_cuda_name writes the device's name and compute capability. */
static inline int gyro_cuda_props(int dev, char *name, size_t len, int *major, int *minor, size_t *mem) {
	struct cudaDeviceProp p;
	GYRO_CU(cudaGetDeviceProperties(&p, dev));
	strncpy(name, p.name, len - 1);
	name[len - 1] = 0;
	*major = p.major;
	*minor = p.minor;
	*mem = p.totalGlobalMem;
	return 0;
}

static inline int gyro_cuda_open(gyro_cuda **out, int dev) {
	gyro_cuda *g = (gyro_cuda *)calloc(1, sizeof(gyro_cuda));
	if (!g) return (int)cudaErrorMemoryAllocation;
	g->dev = dev;
	cudaError_t e = cudaSetDevice(dev);
	if (e != cudaSuccess) { free(g); return (int)e; }
	cublasStatus_t s = cublasCreate(&g->h);
	if (s != CUBLAS_STATUS_SUCCESS) { free(g); return -(GYRO_CUBLAS_ERR + (int)s); }
	*out = g;
	return 0;
}

static inline void gyro_cuda_close(gyro_cuda *g) {
	if (!g) return;
	cudaSetDevice(g->dev);
	for (int i = 0; i < GYRO_NBUF; i++) if (g->buf[i]) cudaFree(g->buf[i]);
	cublasDestroy(g->h);
	free(g);
}

static inline const char *gyro_cuda_errstr(int code) {
	if (code > 0) return cudaGetErrorString((cudaError_t)code);
	return cublasGetStatusString((cublasStatus_t)(-code - GYRO_CUBLAS_ERR));
}

/* need makes buffer i hold at least n doubles (grow-only). */
static inline int gyro_need(gyro_cuda *g, int i, size_t n) {
	if (n <= g->cap[i]) return 0;
	if (g->buf[i]) { cudaFree(g->buf[i]); g->buf[i] = NULL; g->cap[i] = 0; }
	GYRO_CU(cudaMalloc((void **)&g->buf[i], n * sizeof(double)));
	g->cap[i] = n;
	return 0;
}

/* up copies n doubles of host memory into buffer i (growing it). */
static inline int gyro_up(gyro_cuda *g, int i, const double *h, size_t n) {
	int r = gyro_need(g, i, n);
	if (r) return r;
	if (n) GYRO_CU(cudaMemcpy(g->buf[i], h, n * sizeof(double), cudaMemcpyHostToDevice));
	return 0;
}

static inline int gyro_down(gyro_cuda *g, int i, double *h, size_t n) {
	if (n) GYRO_CU(cudaMemcpy(h, g->buf[i], n * sizeof(double), cudaMemcpyDeviceToHost));
	return 0;
}

#define GYRO_BEGIN(g) GYRO_CU(cudaSetDevice((g)->dev))
#define GYRO_TRY(x) do { int r_ = (x); if (r_) return r_; } while (0)

/* Level 1. xn, yn: spans in doubles; results through host pointers. */
static inline int gyro_cuda_ddot(gyro_cuda *g, int n, const double *x, size_t xn, int incx, const double *y, size_t yn, int incy, double *res) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, x, xn));
	GYRO_TRY(gyro_up(g, 1, y, yn));
	GYRO_CB(cublasDdot(g->h, n, g->buf[0], incx, g->buf[1], incy, res));
	return 0;
}

/* op: 0 axpy (y += alpha x), 1 copy (y = x), 2 swap. */
static inline int gyro_cuda_l1pair(gyro_cuda *g, int op, int n, double alpha, double *x, size_t xn, int incx, double *y, size_t yn, int incy) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, x, xn));
	GYRO_TRY(gyro_up(g, 1, y, yn)); /* also for copy: the gaps of y must survive */
	switch (op) {
	case 0: GYRO_CB(cublasDaxpy(g->h, n, &alpha, g->buf[0], incx, g->buf[1], incy)); break;
	case 1: GYRO_CB(cublasDcopy(g->h, n, g->buf[0], incx, g->buf[1], incy)); break;
	default: GYRO_CB(cublasDswap(g->h, n, g->buf[0], incx, g->buf[1], incy));
		GYRO_TRY(gyro_down(g, 0, x, xn));
	}
	return gyro_down(g, 1, y, yn);
}

/* op: 0 scal (x *= alpha), 1 nrm2, 2 asum, 3 iamax (1-based index in *idx). */
static inline int gyro_cuda_l1one(gyro_cuda *g, int op, int n, double alpha, double *x, size_t xn, int incx, double *res, int *idx) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, x, xn));
	switch (op) {
	case 0: GYRO_CB(cublasDscal(g->h, n, &alpha, g->buf[0], incx)); return gyro_down(g, 0, x, xn);
	case 1: GYRO_CB(cublasDnrm2(g->h, n, g->buf[0], incx, res)); break;
	case 2: GYRO_CB(cublasDasum(g->h, n, g->buf[0], incx, res)); break;
	default: GYRO_CB(cublasIdamax(g->h, n, g->buf[0], incx, idx));
	}
	return 0;
}

/* Level 2 (column-major parameters). op: 0 gemv, 1 symv. */
static inline int gyro_cuda_gemv(gyro_cuda *g, int op, int trans, int uplo, int m, int n, double alpha, const double *a, size_t an, int lda,
                                 const double *x, size_t xn, int incx, double beta, double *y, size_t yn, int incy) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, a, an));
	GYRO_TRY(gyro_up(g, 1, x, xn));
	GYRO_TRY(gyro_up(g, 2, y, yn));
	if (op == 0) GYRO_CB(cublasDgemv(g->h, (cublasOperation_t)trans, m, n, &alpha, g->buf[0], lda, g->buf[1], incx, &beta, g->buf[2], incy));
	else GYRO_CB(cublasDsymv(g->h, (cublasFillMode_t)uplo, n, &alpha, g->buf[0], lda, g->buf[1], incx, &beta, g->buf[2], incy));
	return gyro_down(g, 2, y, yn);
}

static inline int gyro_cuda_ger(gyro_cuda *g, int m, int n, double alpha, const double *x, size_t xn, int incx, const double *y, size_t yn, int incy,
                                double *a, size_t an, int lda) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, a, an));
	GYRO_TRY(gyro_up(g, 1, x, xn));
	GYRO_TRY(gyro_up(g, 2, y, yn));
	GYRO_CB(cublasDger(g->h, m, n, &alpha, g->buf[1], incx, g->buf[2], incy, g->buf[0], lda));
	return gyro_down(g, 0, a, an);
}

/* op: 0 trmv, 1 trsv. */
static inline int gyro_cuda_trv(gyro_cuda *g, int op, int uplo, int trans, int diag, int n, const double *a, size_t an, int lda, double *x, size_t xn, int incx) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, a, an));
	GYRO_TRY(gyro_up(g, 1, x, xn));
	if (op == 0) GYRO_CB(cublasDtrmv(g->h, (cublasFillMode_t)uplo, (cublasOperation_t)trans, (cublasDiagType_t)diag, n, g->buf[0], lda, g->buf[1], incx));
	else GYRO_CB(cublasDtrsv(g->h, (cublasFillMode_t)uplo, (cublasOperation_t)trans, (cublasDiagType_t)diag, n, g->buf[0], lda, g->buf[1], incx));
	return gyro_down(g, 1, x, xn);
}

/* Level 3 (column-major parameters). b may be NULL when k == 0, a too. */
static inline int gyro_cuda_gemm(gyro_cuda *g, int ta, int tb, int m, int n, int k, double alpha, const double *a, size_t an, int lda,
                                 const double *b, size_t bn, int ldb, double beta, double *c, size_t cn, int ldc) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, a, an));
	GYRO_TRY(gyro_up(g, 1, b, bn));
	GYRO_TRY(gyro_up(g, 2, c, cn));
	GYRO_CB(cublasDgemm(g->h, (cublasOperation_t)ta, (cublasOperation_t)tb, m, n, k, &alpha, g->buf[0], lda, g->buf[1], ldb, &beta, g->buf[2], ldc));
	return gyro_down(g, 2, c, cn);
}

static inline int gyro_cuda_syrk(gyro_cuda *g, int uplo, int trans, int n, int k, double alpha, const double *a, size_t an, int lda,
                                 double beta, double *c, size_t cn, int ldc) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, a, an));
	GYRO_TRY(gyro_up(g, 2, c, cn));
	GYRO_CB(cublasDsyrk(g->h, (cublasFillMode_t)uplo, (cublasOperation_t)trans, n, k, &alpha, g->buf[0], lda, &beta, g->buf[2], ldc));
	return gyro_down(g, 2, c, cn);
}

/* op: 0 trmm (in place: C == B), 1 trsm. */
static inline int gyro_cuda_trm(gyro_cuda *g, int op, int side, int uplo, int trans, int diag, int m, int n, double alpha,
                                const double *a, size_t an, int lda, double *b, size_t bn, int ldb) {
	GYRO_BEGIN(g);
	GYRO_TRY(gyro_up(g, 0, a, an));
	GYRO_TRY(gyro_up(g, 1, b, bn));
	if (op == 0) GYRO_CB(cublasDtrmm(g->h, (cublasSideMode_t)side, (cublasFillMode_t)uplo, (cublasOperation_t)trans, (cublasDiagType_t)diag,
	                                 m, n, &alpha, g->buf[0], lda, g->buf[1], ldb, g->buf[1], ldb));
	else GYRO_CB(cublasDtrsm(g->h, (cublasSideMode_t)side, (cublasFillMode_t)uplo, (cublasOperation_t)trans, (cublasDiagType_t)diag,
	                         m, n, &alpha, g->buf[0], lda, g->buf[1], ldb));
	return gyro_down(g, 1, b, bn);
}

#endif
