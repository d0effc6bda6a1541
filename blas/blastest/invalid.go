package blastest

import (
	"math"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
)

func z(n int) []float64 { return make([]float64, n) }

var (
	tokTrans = []string{"tA", "tB", "t", "trans", "transpose", "transA", "transB"}
	tokUplo  = []string{"ul", "uplo"}
	tokDiag  = []string{"d", "diag"}
	tokSide  = []string{"s", "side"}
	badT     = blas.Transpose(0)
	badU     = blas.Uplo(0)
	badD     = blas.Diag(0)
	badS     = blas.Side(0)
)

type bad struct {
	routine, ctx string
	tokens       []string
	f            func()
}

func (s *suite) invalid(t *testing.T) {
	im := s.impl
	N, T, U, L, NU, LE, RI := blas.NoTrans, blas.Trans, blas.Upper, blas.Lower, blas.NonUnit, blas.Left, blas.Right
	var cases []bad
	add := func(routine, ctx string, f func(), tokens ...string) {
		cases = append(cases, bad{routine, ctx, tokens, f})
	}
	// Level 1 with two vectors.
	two := map[string]func(n int, x []float64, incX int, y []float64, incY int){
		"Ddot":  func(n int, x []float64, ix int, y []float64, iy int) { im.Ddot(n, x, ix, y, iy) },
		"Daxpy": func(n int, x []float64, ix int, y []float64, iy int) { im.Daxpy(n, 2, x, ix, y, iy) },
		"Dcopy": func(n int, x []float64, ix int, y []float64, iy int) { im.Dcopy(n, x, ix, y, iy) },
		"Dswap": func(n int, x []float64, ix int, y []float64, iy int) { im.Dswap(n, x, ix, y, iy) },
	}
	for name, f := range two {
		add(name, "n<0", func() { f(-1, z(4), 1, z(4), 1) }, "n")
		add(name, "incX=0", func() { f(3, z(4), 0, z(4), 1) }, "incX")
		add(name, "incY=0", func() { f(3, z(4), 1, z(4), 0) }, "incY")
		add(name, "short x", func() { f(5, z(8), 2, z(5), 1) }, "x")
		add(name, "short y", func() { f(5, z(5), 1, z(12), -3) }, "y")
	}
	one := map[string]func(n int, x []float64, incX int){
		"Dscal":  func(n int, x []float64, ix int) { im.Dscal(n, 2, x, ix) },
		"Dnrm2":  func(n int, x []float64, ix int) { im.Dnrm2(n, x, ix) },
		"Dasum":  func(n int, x []float64, ix int) { im.Dasum(n, x, ix) },
		"Idamax": func(n int, x []float64, ix int) { im.Idamax(n, x, ix) },
	}
	for name, f := range one {
		add(name, "n<0", func() { f(-1, z(4), 1) }, "n")
		add(name, "incX=0", func() { f(3, z(4), 0) }, "incX")
		add(name, "short x", func() { f(4, z(9), 3) }, "x")
	}
	// Dgemv: A is 3×4.
	gemv := func(tA blas.Transpose, m, n int, a []float64, lda int, x []float64, incX int, y []float64, incY int) func() {
		return func() { im.Dgemv(tA, m, n, 1, a, lda, x, incX, 1, y, incY) }
	}
	add("Dgemv", "bad tA", gemv(badT, 3, 4, z(12), 4, z(4), 1, z(3), 1), tokTrans...)
	add("Dgemv", "m<0", gemv(N, -1, 4, z(12), 4, z(4), 1, z(3), 1), "m")
	add("Dgemv", "n<0", gemv(N, 3, -1, z(12), 4, z(4), 1, z(3), 1), "n")
	add("Dgemv", "lda<n", gemv(N, 3, 4, z(12), 3, z(4), 1, z(3), 1), "lda")
	add("Dgemv", "incX=0", gemv(N, 3, 4, z(12), 4, z(4), 0, z(3), 1), "incX")
	add("Dgemv", "incY=0", gemv(N, 3, 4, z(12), 4, z(4), 1, z(3), 0), "incY")
	add("Dgemv", "short x", gemv(N, 3, 4, z(12), 4, z(3), 1, z(3), 1), "x")
	add("Dgemv", "short x (T)", gemv(T, 3, 4, z(12), 4, z(2), 1, z(4), 1), "x")
	add("Dgemv", "short y", gemv(N, 3, 4, z(12), 4, z(4), 1, z(4), 2), "y")
	add("Dgemv", "short a", gemv(N, 3, 4, z(11), 4, z(4), 1, z(3), 1), "a")
	// Dger: A is 3×4.
	ger := func(m, n int, x []float64, incX int, y []float64, incY int, a []float64, lda int) func() {
		return func() { im.Dger(m, n, 1, x, incX, y, incY, a, lda) }
	}
	add("Dger", "m<0", ger(-1, 4, z(3), 1, z(4), 1, z(12), 4), "m")
	add("Dger", "n<0", ger(3, -1, z(3), 1, z(4), 1, z(12), 4), "n")
	add("Dger", "incX=0", ger(3, 4, z(3), 0, z(4), 1, z(12), 4), "incX")
	add("Dger", "incY=0", ger(3, 4, z(3), 1, z(4), 0, z(12), 4), "incY")
	add("Dger", "lda<n", ger(3, 4, z(3), 1, z(4), 1, z(12), 2), "lda")
	add("Dger", "short x", ger(3, 4, z(2), 1, z(4), 1, z(12), 4), "x")
	add("Dger", "short y", ger(3, 4, z(3), 1, z(4), -2, z(12), 4), "y")
	add("Dger", "short a", ger(3, 4, z(3), 1, z(4), 1, z(13), 5), "a")
	// Dsymv: A is 3×3.
	symv := func(ul blas.Uplo, n int, a []float64, lda int, x []float64, incX int, y []float64, incY int) func() {
		return func() { im.Dsymv(ul, n, 1, a, lda, x, incX, 0, y, incY) }
	}
	add("Dsymv", "bad ul", symv(badU, 3, z(9), 3, z(3), 1, z(3), 1), tokUplo...)
	add("Dsymv", "n<0", symv(U, -1, z(9), 3, z(3), 1, z(3), 1), "n")
	add("Dsymv", "lda<n", symv(U, 3, z(9), 2, z(3), 1, z(3), 1), "lda")
	add("Dsymv", "incX=0", symv(U, 3, z(9), 3, z(3), 0, z(3), 1), "incX")
	add("Dsymv", "incY=0", symv(L, 3, z(9), 3, z(3), 1, z(3), 0), "incY")
	add("Dsymv", "short a", symv(U, 3, z(8), 3, z(3), 1, z(3), 1), "a")
	add("Dsymv", "short x", symv(U, 3, z(9), 3, z(2), 1, z(3), 1), "x")
	add("Dsymv", "short y", symv(U, 3, z(9), 3, z(3), 1, z(4), 2), "y")
	// Dtrmv, Dtrsv: A is 3×3.
	for _, name := range []string{"Dtrmv", "Dtrsv"} {
		f := im.Dtrmv
		if name == "Dtrsv" {
			f = im.Dtrsv
		}
		tr := func(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) func() {
			return func() { f(ul, tA, d, n, a, lda, x, incX) }
		}
		add(name, "bad ul", tr(badU, N, NU, 3, z(9), 3, z(3), 1), tokUplo...)
		add(name, "bad tA", tr(U, badT, NU, 3, z(9), 3, z(3), 1), tokTrans...)
		add(name, "bad d", tr(U, N, badD, 3, z(9), 3, z(3), 1), tokDiag...)
		add(name, "n<0", tr(U, N, NU, -1, z(9), 3, z(3), 1), "n")
		add(name, "lda<n", tr(L, T, NU, 3, z(9), 2, z(3), 1), "lda")
		add(name, "incX=0", tr(U, N, NU, 3, z(9), 3, z(3), 0), "incX")
		add(name, "short a", tr(U, N, NU, 3, z(8), 3, z(3), 1), "a")
		add(name, "short x", tr(U, N, NU, 3, z(9), 3, z(3), 2), "x")
	}
	// Dgemm: C (2×3) = A (2×4) B (4×3).
	gemm := func(tA, tB blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) func() {
		return func() { im.Dgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 1, c, ldc) }
	}
	add("Dgemm", "bad tA", gemm(badT, N, 2, 3, 4, z(8), 4, z(12), 3, z(6), 3), tokTrans...)
	add("Dgemm", "bad tB", gemm(N, badT, 2, 3, 4, z(8), 4, z(12), 3, z(6), 3), tokTrans...)
	add("Dgemm", "m<0", gemm(N, N, -2, 3, 4, z(8), 4, z(12), 3, z(6), 3), "m")
	add("Dgemm", "n<0", gemm(N, N, 2, -3, 4, z(8), 4, z(12), 3, z(6), 3), "n")
	add("Dgemm", "k<0", gemm(N, N, 2, 3, -4, z(8), 4, z(12), 3, z(6), 3), "k")
	add("Dgemm", "lda<k", gemm(N, N, 2, 3, 4, z(8), 3, z(12), 3, z(6), 3), "lda")
	add("Dgemm", "lda<m (T)", gemm(T, N, 2, 3, 4, z(8), 1, z(12), 3, z(6), 3), "lda")
	add("Dgemm", "ldb<n", gemm(N, N, 2, 3, 4, z(8), 4, z(12), 2, z(6), 3), "ldb")
	add("Dgemm", "ldb<k (T)", gemm(N, T, 2, 3, 4, z(8), 4, z(12), 3, z(6), 3), "ldb")
	add("Dgemm", "ldc<n", gemm(N, N, 2, 3, 4, z(8), 4, z(12), 3, z(6), 2), "ldc")
	add("Dgemm", "short a", gemm(N, N, 2, 3, 4, z(7), 4, z(12), 3, z(6), 3), "a")
	add("Dgemm", "short b", gemm(N, N, 2, 3, 4, z(8), 4, z(11), 3, z(6), 3), "b")
	add("Dgemm", "short c", gemm(N, N, 2, 3, 4, z(8), 4, z(12), 3, z(5), 3), "c")
	// Dsyrk: C 3×3, A 3×2 (NoTrans).
	syrk := func(ul blas.Uplo, tr blas.Transpose, n, k int, a []float64, lda int, c []float64, ldc int) func() {
		return func() { im.Dsyrk(ul, tr, n, k, 1, a, lda, 1, c, ldc) }
	}
	add("Dsyrk", "bad ul", syrk(badU, N, 3, 2, z(6), 2, z(9), 3), tokUplo...)
	add("Dsyrk", "bad t", syrk(U, badT, 3, 2, z(6), 2, z(9), 3), tokTrans...)
	add("Dsyrk", "n<0", syrk(U, N, -3, 2, z(6), 2, z(9), 3), "n")
	add("Dsyrk", "k<0", syrk(U, N, 3, -2, z(6), 2, z(9), 3), "k")
	add("Dsyrk", "lda<k", syrk(U, N, 3, 2, z(6), 1, z(9), 3), "lda")
	add("Dsyrk", "lda<n (T)", syrk(L, T, 3, 2, z(6), 2, z(9), 3), "lda")
	add("Dsyrk", "ldc<n", syrk(U, N, 3, 2, z(6), 2, z(9), 2), "ldc")
	add("Dsyrk", "short a", syrk(U, N, 3, 2, z(5), 2, z(9), 3), "a")
	add("Dsyrk", "short c", syrk(U, N, 3, 2, z(6), 2, z(8), 3), "c")
	// Dtrmm, Dtrsm: B 2×3, A 2×2 (Left) or 3×3 (Right).
	for _, name := range []string{"Dtrmm", "Dtrsm"} {
		f := im.Dtrmm
		if name == "Dtrsm" {
			f = im.Dtrsm
		}
		tr := func(sd blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, a []float64, lda int, b []float64, ldb int) func() {
			return func() { f(sd, ul, tA, d, m, n, 1, a, lda, b, ldb) }
		}
		add(name, "bad s", tr(badS, U, N, NU, 2, 3, z(4), 2, z(6), 3), tokSide...)
		add(name, "bad ul", tr(LE, badU, N, NU, 2, 3, z(4), 2, z(6), 3), tokUplo...)
		add(name, "bad tA", tr(LE, U, badT, NU, 2, 3, z(4), 2, z(6), 3), tokTrans...)
		add(name, "bad d", tr(LE, U, N, badD, 2, 3, z(4), 2, z(6), 3), tokDiag...)
		add(name, "m<0", tr(LE, U, N, NU, -2, 3, z(4), 2, z(6), 3), "m")
		add(name, "n<0", tr(LE, U, N, NU, 2, -3, z(4), 2, z(6), 3), "n")
		add(name, "lda<m (Left)", tr(LE, U, N, NU, 2, 3, z(4), 1, z(6), 3), "lda")
		add(name, "lda<n (Right)", tr(RI, L, T, NU, 2, 3, z(9), 2, z(6), 3), "lda")
		add(name, "ldb<n", tr(LE, U, N, NU, 2, 3, z(4), 2, z(6), 2), "ldb")
		add(name, "short a", tr(RI, U, N, NU, 2, 3, z(8), 3, z(6), 3), "a")
		add(name, "short b", tr(LE, U, N, NU, 2, 3, z(4), 2, z(5), 3), "b")
	}
	for _, c := range cases {
		s.mustPanic(t, c.routine, c.ctx, c.tokens, c.f)
	}
}

// nanProp checks that NaN and Inf in the inputs reach the outputs they
// influence (and only those), including on sizes large enough for a
// dispatcher to route them to a different backend.
func (s *suite) nanProp(t *testing.T) {
	im := s.impl
	nan := math.NaN()
	for _, n := range []int{5, 64, 4096} {
		x, y := z(n), z(n)
		for i := range x {
			x[i], y[i] = 1, 2
		}
		x[n/2] = nan
		if v := im.Ddot(n, x, 1, y, 1); !math.IsNaN(v) {
			t.Errorf("Ddot n=%d: NaN in x gave %v", n, v)
		}
		if v := im.Dnrm2(n, x, 1); !math.IsNaN(v) {
			t.Errorf("Dnrm2 n=%d: NaN in x gave %v", n, v)
		}
		if v := im.Dasum(n, x, 1); !math.IsNaN(v) {
			t.Errorf("Dasum n=%d: NaN in x gave %v", n, v)
		}
		x[n/2] = math.Inf(1)
		if v := im.Ddot(n, x, 1, y, 1); !math.IsInf(v, 1) {
			t.Errorf("Ddot n=%d: +Inf in x gave %v", n, v)
		}
		x[n/2] = nan
		im.Daxpy(n, 1, x, 1, y, 1)
		for i, v := range y {
			if math.IsNaN(v) != (i == n/2) {
				t.Errorf("Daxpy n=%d: y[%d]=%v", n, i, v)
				break
			}
		}
	}
	for _, n := range []int{7, 200} {
		// Dgemv: NaN at A[1][2] poisons y[1] (NoTrans) or y[2] (Trans).
		a := z(n * n)
		for i := range a {
			a[i] = float64(i%7) - 3
		}
		a[1*n+2] = nan
		x := z(n)
		for i := range x {
			x[i] = 1
		}
		for _, tA := range transposes {
			y := z(n)
			for i := range y {
				y[i] = nan // beta == 0: not read
			}
			im.Dgemv(tA, n, n, 1, a, n, x, 1, 0, y, 1)
			bad := 1
			if tA == blas.Trans {
				bad = 2
			}
			for i, v := range y {
				if math.IsNaN(v) != (i == bad) {
					t.Errorf("Dgemv tA=%s n=%d: y[%d]=%v", tname(tA), n, i, v)
					break
				}
			}
		}
		// Dgemm: NaN at A[1][2] poisons row 1 of C only.
		c := z(n * n)
		for i := range c {
			c[i] = nan // beta == 0: not read
		}
		im.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, a2(n), n, 0, c, n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if math.IsNaN(c[i*n+j]) != (i == 1) {
					t.Fatalf("Dgemm n=%d: C[%d][%d]=%v", n, i, j, c[i*n+j])
				}
			}
		}
	}
}

// a2 returns an n×n matrix of small nonzero integers.
func a2(n int) []float64 {
	b := z(n * n)
	for i := range b {
		b[i] = float64(i%5) + 1
	}
	return b
}
