package native

import (
	"testing"

	"gonum.org/v1/gonum/blas"
)

func expectPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want %q", want)
			return
		}
		if s, _ := r.(string); s != want {
			t.Errorf("panic %q, want %q", r, want)
		}
	}()
	f()
}

func TestBadArguments(t *testing.T) {
	z := func(n int) []float64 { return make([]float64, n) }
	N, T, U, L, NU, LE := blas.NoTrans, blas.Trans, blas.Upper, blas.Lower, blas.NonUnit, blas.Left
	cases := []struct {
		want string
		f    func()
	}{
		{"native: Dgemm: bad transpose tA", func() { nat.Dgemm('x', N, 2, 2, 2, 1, z(4), 2, z(4), 2, 0, z(4), 2) }},
		{"native: Dgemm: bad transpose tB", func() { nat.Dgemm(N, 'x', 2, 2, 2, 1, z(4), 2, z(4), 2, 0, z(4), 2) }},
		{"native: Dgemm: m < 0", func() { nat.Dgemm(N, N, -1, 2, 2, 1, z(4), 2, z(4), 2, 0, z(4), 2) }},
		{"native: Dgemm: n < 0", func() { nat.Dgemm(N, N, 2, -1, 2, 1, z(4), 2, z(4), 2, 0, z(4), 2) }},
		{"native: Dgemm: k < 0", func() { nat.Dgemm(N, N, 2, 2, -1, 1, z(4), 2, z(4), 2, 0, z(4), 2) }},
		{"native: Dgemm: lda < k", func() { nat.Dgemm(N, N, 2, 2, 3, 1, z(6), 2, z(6), 2, 0, z(4), 2) }},
		{"native: Dgemm: lda < m", func() { nat.Dgemm(T, N, 3, 2, 2, 1, z(6), 2, z(4), 2, 0, z(6), 2) }},
		{"native: Dgemm: ldb < n", func() { nat.Dgemm(N, N, 2, 3, 2, 1, z(4), 2, z(6), 2, 0, z(6), 3) }},
		{"native: Dgemm: ldb < k", func() { nat.Dgemm(N, T, 2, 2, 3, 1, z(6), 3, z(6), 2, 0, z(4), 2) }},
		{"native: Dgemm: ldc < n", func() { nat.Dgemm(N, N, 2, 3, 2, 1, z(4), 2, z(6), 3, 0, z(6), 2) }},
		{"native: Dgemm: short A", func() { nat.Dgemm(N, N, 2, 2, 2, 1, z(3), 2, z(4), 2, 0, z(4), 2) }},
		{"native: Dgemm: short B", func() { nat.Dgemm(N, N, 2, 2, 2, 1, z(4), 2, z(3), 2, 0, z(4), 2) }},
		{"native: Dgemm: short C", func() { nat.Dgemm(N, N, 2, 2, 2, 1, z(4), 2, z(4), 2, 0, z(3), 2) }},
		{"native: Ddot: zero incX", func() { nat.Ddot(2, z(2), 0, z(2), 1) }},
		{"native: Ddot: n < 0", func() { nat.Ddot(-1, z(2), 1, z(2), 1) }},
		{"native: Daxpy: short y", func() { nat.Daxpy(3, 1, z(3), 1, z(4), -2) }},
		{"native: Dscal: short x", func() { nat.Dscal(3, 1, z(4), 2) }},
		{"native: Idamax: zero incX", func() { nat.Idamax(3, z(4), 0) }},
		{"native: Dgemv: lda < n", func() { nat.Dgemv(N, 2, 3, 1, z(6), 2, z(3), 1, 0, z(2), 1) }},
		{"native: Dgemv: short x", func() { nat.Dgemv(T, 2, 3, 1, z(6), 3, z(1), 1, 0, z(3), 1) }},
		{"native: Dger: short a", func() { nat.Dger(2, 3, 1, z(2), 1, z(3), 1, z(5), 3) }},
		{"native: Dsymv: bad uplo", func() { nat.Dsymv('x', 2, 1, z(4), 2, z(2), 1, 0, z(2), 1) }},
		{"native: Dtrmv: bad diag", func() { nat.Dtrmv(U, N, 'x', 2, z(4), 2, z(2), 1) }},
		{"native: Dtrsv: zero incX", func() { nat.Dtrsv(U, N, NU, 2, z(4), 2, z(2), 0) }},
		{"native: Dsyrk: lda < k", func() { nat.Dsyrk(U, N, 2, 3, 1, z(6), 2, 0, z(4), 2) }},
		{"native: Dsyrk: short c", func() { nat.Dsyrk(L, T, 2, 3, 1, z(6), 2, 0, z(3), 2) }},
		{"native: Dtrmm: bad side", func() { nat.Dtrmm('x', U, N, NU, 2, 2, 1, z(4), 2, z(4), 2) }},
		{"native: Dtrmm: lda < m", func() { nat.Dtrmm(LE, U, N, NU, 3, 2, 1, z(9), 2, z(6), 2) }},
		{"native: Dtrsm: ldb < n", func() { nat.Dtrsm(LE, L, T, NU, 2, 3, 1, z(4), 2, z(6), 2) }},
		{"native: Dtrsm: short b", func() { nat.Dtrsm(blas.Right, L, T, blas.Unit, 2, 3, 1, z(9), 3, z(5), 3) }},
	}
	for _, c := range cases {
		expectPanic(t, c.want, c.f)
	}
}

// TestQuickReturns checks reference BLAS's quick returns: nothing is read
// (nil slices would panic) when a dimension is zero.
func TestQuickReturns(t *testing.T) {
	nat.Dgemm(blas.NoTrans, blas.NoTrans, 0, 5, 5, 1, nil, 5, nil, 5, 0, nil, 5)
	nat.Dgemm(blas.NoTrans, blas.NoTrans, 5, 0, 5, 1, nil, 5, nil, 1, 0, nil, 1)
	nat.Dgemv(blas.NoTrans, 0, 3, 1, nil, 3, nil, 1, 0, nil, 1)
	nat.Dsyrk(blas.Upper, blas.NoTrans, 0, 3, 1, nil, 3, 0, nil, 1)
	nat.Dtrsm(blas.Left, blas.Upper, blas.NoTrans, blas.NonUnit, 0, 3, 1, nil, 1, nil, 3)
	nat.Dtrmm(blas.Right, blas.Upper, blas.NoTrans, blas.NonUnit, 3, 0, 1, nil, 1, nil, 1)
	if v := nat.Ddot(0, nil, 1, nil, 1); v != 0 {
		t.Errorf("Ddot n=0 = %v", v)
	}
	// k == 0 with beta == 1 leaves C alone; with beta == 0 it zeroes C.
	c := []float64{1, 2, 3, 4}
	nat.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 0, 1, nil, 1, nil, 2, 1, c, 2)
	if c[0] != 1 || c[3] != 4 {
		t.Errorf("k=0 beta=1 changed C: %v", c)
	}
	nat.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 0, 1, nil, 1, nil, 2, 0, c, 2)
	for _, v := range c {
		if v != 0 {
			t.Errorf("k=0 beta=0 left C = %v", c)
			break
		}
	}
}

// TestAllocs checks that repeated calls allocate nothing once warm,
// strided vectors (scratch) and the blocked level-3 routines included.
func TestAllocs(t *testing.T) {
	const n = 130
	a, b, c := z2(n*n), z2(n*n), z2(n*n)
	for i := range a {
		a[i] = 1 / float64(i+1)
	}
	for i := 0; i < n; i++ {
		a[i*n+i] = 3
	}
	x, y := z2(2*n), z2(2*n)
	calls := map[string]func(){
		"Dgemm small":  func() { nat.Dgemm(blas.Trans, blas.NoTrans, 20, 20, 20, 1, a, n, b, n, 0, c, n) },
		"Dgemv inc":    func() { nat.Dgemv(blas.Trans, n, n/2, 1, a, n, x, 2, 0.5, y, -2) },
		"Dger inc":     func() { nat.Dger(n, n/2, 1, x, 1, y, 2, c, n) },
		"Dsymv inc":    func() { nat.Dsymv(blas.Lower, n/2, 1, a, n, x, -2, 1, y, 2) },
		"Dtrsv inc":    func() { nat.Dtrsv(blas.Upper, blas.Trans, blas.NonUnit, n/2, a, n, x, 2) },
		"Dsyrk":        func() { nat.Dsyrk(blas.Upper, blas.NoTrans, n, n, 1, a, n, 0, c, n) },
		"Dtrmm":        func() { nat.Dtrmm(blas.Right, blas.Lower, blas.Trans, blas.Unit, n, n, 0.5, a, n, b, n) },
		"Dtrsm":        func() { nat.Dtrsm(blas.Left, blas.Upper, blas.NoTrans, blas.NonUnit, n, n, 1, a, n, b, n) },
		"Dgemm packed": func() { nat.Dgemm(blas.NoTrans, blas.Trans, n, n, n, 1, a, n, b, n, 0, c, n) },
	}
	for name, f := range calls {
		f()
		if allocs := testing.AllocsPerRun(10, f); allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, allocs)
		}
	}
}

func z2(n int) []float64 { return make([]float64, n) }
