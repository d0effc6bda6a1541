package autodiff

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func naiveMatMul(a, b []float64, m, k, n int) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for l := 0; l < k; l++ {
				s += a[i*k+l] * b[l*n+j]
			}
			c[i*n+j] = s
		}
	}
	return c
}

func closeSlices(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
			t.Fatalf("%s: element %d = %.15g, want %.15g", name, i, got[i], want[i])
		}
	}
}

func TestMatMulValues(t *testing.T) {
	r := newRand(1)
	tp := NewTape()
	a := rin(r, any1, 2, 3, 4)
	b := rin(r, any1, 4, 5)
	c := tp.MatMul(tp.Const(a.shape, a.data), tp.Const(b.shape, b.data))
	if s := c.Shape(); len(s) != 3 || s[0] != 2 || s[1] != 3 || s[2] != 5 {
		t.Fatalf("shape %v", s)
	}
	for bi := 0; bi < 2; bi++ {
		closeSlices(t, "batched", c.Data()[bi*15:bi*15+15], naiveMatMul(a.data[bi*12:bi*12+12], b.data, 3, 4, 5), 1e-14)
	}
	// vector cases
	x := rin(r, any1, 4)
	mv := tp.MatMul(tp.Const(b.shape, b.data), tp.Const([]int{5}, rin(r, any1, 5).data))
	if s := mv.Shape(); len(s) != 1 || s[0] != 4 {
		t.Fatalf("matrix·vector shape %v", s)
	}
	vm := tp.MatMul(tp.Const(x.shape, x.data), tp.Const(b.shape, b.data))
	closeSlices(t, "vector·matrix", vm.Data(), naiveMatMul(x.data, b.data, 1, 4, 5), 1e-14)
	vv := tp.MatMul(tp.Const(x.shape, x.data), tp.Const(x.shape, x.data))
	if !vv.IsScalar() {
		t.Fatalf("vector·vector shape %v", vv.Shape())
	}
}

func TestGradLinalg(t *testing.T) {
	r := newRand(2)
	mm := func(tp *Tape, x []V) V { return tp.MatMul(x[0], x[1]) }
	for _, c := range [][2][]int{
		{{3, 4}, {4, 2}}, {{2, 3, 4}, {4, 5}}, {{3, 4}, {2, 4, 5}}, {{2, 1, 3, 4}, {5, 4, 2}},
		{{4}, {4, 3}}, {{3, 4}, {4}}, {{4}, {4}}, {{2, 3, 4}, {4}}, {{1, 1}, {1, 3}},
		// past gemmTiny: through package blas, and the gemv shortcuts
		{{2, 9, 10}, {10, 8}}, {{40, 20}, {20}}, {{20}, {20, 40}}, {{40, 20}, {20, 1}},
	} {
		gradCheck(t, "MatMul "+shapeName(c[0])+"x"+shapeName(c[1]), mm, rin(r, any1, c[0]...), rin(r, any1, c[1]...))
	}
	gradCheck(t, "MatVec", func(tp *Tape, x []V) V { return tp.MatVec(x[0], x[1]) }, rin(r, any1, 3, 4), rin(r, any1, 4))
	gradCheck(t, "Dot", func(tp *Tape, x []V) V { return tp.Dot(x[0], x[1]) }, rin(r, any1, 5), rin(r, any1, 5))
	gradCheck(t, "Outer", func(tp *Tape, x []V) V { return tp.Outer(x[0], x[1]) }, rin(r, any1, 3), rin(r, any1, 4))
	gradCheck(t, "Transpose", func(tp *Tape, x []V) V { return tp.Transpose(x[0]) }, rin(r, any1, 2, 3, 4))
	gradCheck(t, "Permute", func(tp *Tape, x []V) V { return tp.Permute(x[0], 2, 0, 1) }, rin(r, any1, 2, 3, 4))

	// Cholesky of A = B·Bᵀ + n·I (symmetric perturbations through B).
	spd := func(tp *Tape, b V) V {
		s := b.Shape()
		n := s[len(s)-1]
		eye := make([]float64, n*n)
		for i := 0; i < n; i++ {
			eye[i*n+i] = float64(n)
		}
		return tp.Add(tp.MatMul(b, tp.Transpose(b)), tp.Const([]int{n, n}, eye))
	}
	for _, s := range [][]int{{1, 1}, {3, 3}, {2, 4, 4}, {9, 9}} {
		gradCheck(t, "Cholesky "+shapeName(s), func(tp *Tape, x []V) V { return tp.Cholesky(spd(tp, x[0])) }, rin(r, any1, s...))
		gradCheck(t, "LogDetChol "+shapeName(s), func(tp *Tape, x []V) V { return tp.LogDetChol(tp.Cholesky(spd(tp, x[0]))) }, rin(r, any1, s...))
	}
	// A symmetric input used directly: the checker perturbs A_ij alone, which
	// the symmetric gradient splits with A_ji, so compare on S + Sᵀ.
	gradCheck(t, "Cholesky sym", func(tp *Tape, x []V) V {
		a := tp.Add(x[0], tp.Transpose(x[0]))
		return tp.Cholesky(tp.Add(a, tp.Const([]int{3, 3}, []float64{6, 0, 0, 0, 6, 0, 0, 0, 6})))
	}, rin(r, any1, 3, 3))

	tri := func(n int, batch ...int) gcIn {
		in := rin(r, any1, append(batch, n, n)...)
		for b := 0; b < len(in.data)/(n*n); b++ {
			for i := 0; i < n; i++ {
				in.data[b*n*n+i*n+i] = 2 + 0.5*in.data[b*n*n+i*n+i]
			}
		}
		return in
	}
	for _, up := range []bool{false, true} {
		for _, tr := range []bool{false, true} {
			f := func(tp *Tape, x []V) V { return tp.TriangularSolve(x[0], x[1], up, tr) }
			name := "TriangularSolve upper=" + map[bool]string{false: "f", true: "t"}[up] + " trans=" + map[bool]string{false: "f", true: "t"}[tr]
			gradCheck(t, name+" matrix", f, tri(4), rin(r, any1, 4, 3))
			gradCheck(t, name+" vector", f, tri(4), rin(r, any1, 4))
			gradCheck(t, name+" batch", f, tri(3, 2), rin(r, any1, 3, 2))
			gradCheck(t, name+" batch rhs", f, tri(3), rin(r, any1, 2, 3, 2))
			gradCheck(t, name+" batch both", f, tri(3, 2, 1), rin(r, any1, 3, 3, 1))
			gradCheck(t, name+" batch vector", f, tri(3, 2), rin(r, any1, 3))
		}
	}
	gradCheck(t, "CholeskySolve", func(tp *Tape, x []V) V {
		return tp.CholeskySolve(tp.Cholesky(spd(tp, x[0])), x[1])
	}, rin(r, any1, 2, 3, 3), rin(r, any1, 3, 2))
	gradCheck(t, "SumLogDiag", func(tp *Tape, x []V) V { return tp.SumLogDiag(x[0]) }, tri(3, 2))
}

func TestCholeskyValues(t *testing.T) {
	a := []float64{4, 12, -16, 12, 37, -43, -16, -43, 98}
	tp := NewTape()
	L := tp.Cholesky(tp.Const([]int{3, 3}, a))
	closeSlices(t, "L", L.Data(), []float64{2, 0, 0, 6, 1, 0, -8, 5, 3}, 1e-15)
	if ld := tp.LogDetChol(L).Value(); math.Abs(ld-2*math.Log(6)) > 1e-14 {
		t.Fatalf("log det %v, want %v", ld, 2*math.Log(6))
	}
	// Solve A x = b and check the residual.
	b := []float64{1, 2, 3}
	x := tp.CholeskySolve(L, tp.Const([]int{3}, b)).Data()
	for i := 0; i < 3; i++ {
		s := 0.0
		for j := 0; j < 3; j++ {
			s += a[i*3+j] * x[j]
		}
		if math.Abs(s-b[i]) > 1e-12 {
			t.Fatalf("residual %d: %v", i, s-b[i])
		}
	}
	// A large factor goes through blas.Dpotrf.
	n := potrfBig + 5
	big := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			big[i*n+j] = 1 / float64(1+i+j)
		}
		big[i*n+i] += float64(n)
	}
	Lb := tp.Cholesky(tp.Const([]int{n, n}, big)).Data()
	for i := 0; i < n; i += 17 {
		for j := 0; j <= i; j += 13 {
			s := 0.0
			for k := 0; k <= j; k++ {
				s += Lb[i*n+k] * Lb[j*n+k]
			}
			if math.Abs(s-big[i*n+j]) > 1e-12*float64(n) {
				t.Fatalf("L·Lᵀ[%d,%d] = %v, want %v", i, j, s, big[i*n+j])
			}
		}
		if Lb[i*n+min(i+1, n-1)] != 0 && i+1 < n {
			t.Fatalf("upper triangle not zero")
		}
	}
}

func expectError(t *testing.T, op string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		e, ok := r.(*Error)
		if !ok {
			t.Fatalf("%s: expected *Error panic, got %v", op, r)
		}
		if e.Op != op {
			t.Fatalf("error names op %q, want %q (%v)", e.Op, op, e)
		}
		var target *Error
		if !errors.As(e, &target) || e.Error() == "" {
			t.Fatalf("bad error value")
		}
	}()
	f()
}

func TestLinalgErrors(t *testing.T) {
	tp := NewTape()
	expectError(t, "Cholesky", func() { tp.Cholesky(tp.Const([]int{2, 2}, []float64{1, 2, 2, 1})) })
	expectError(t, "Cholesky", func() { tp.Cholesky(tp.Const([]int{2, 2, 2}, []float64{1, 0, 0, 1, 1, 2, 2, 1})) })
	expectError(t, "Cholesky", func() { tp.Cholesky(tp.Const([]int{2, 2}, []float64{math.NaN(), 0, 0, 1})) })
	expectError(t, "Cholesky", func() { tp.Cholesky(tp.Const([]int{2, 3}, nil)) })
	expectError(t, "MatMul", func() { tp.MatMul(tp.Const([]int{2, 3}, nil), tp.Const([]int{2, 3}, nil)) })
	expectError(t, "MatMul", func() { tp.MatMul(tp.Const([]int{2, 2, 3}, nil), tp.Const([]int{3, 3, 1}, nil)) })
	expectError(t, "MatMul", func() { tp.MatMul(tp.Scalar(1), tp.Const([]int{2, 3}, nil)) })
	expectError(t, "TriangularSolve", func() {
		tp.TriangularSolve(tp.Const([]int{2, 2}, []float64{1, 0, 1, 0}), tp.Const([]int{2}, nil), false, false)
	})
	expectError(t, "TriangularSolve", func() {
		tp.TriangularSolve(tp.Const([]int{2, 2}, []float64{1, 0, 1, 1}), tp.Const([]int{3}, nil), false, false)
	})
	expectError(t, "Outer", func() { tp.Outer(tp.Const([]int{2, 2}, nil), tp.Const([]int{2}, nil)) })
	expectError(t, "Transpose", func() { tp.Transpose(tp.Const([]int{2}, nil)) })
	expectError(t, "Permute", func() { tp.Permute(tp.Const([]int{2, 3}, nil), 0, 0) })
	expectError(t, "Permute", func() { tp.Permute(tp.Const([]int{2, 3}, nil), 0) })
}

// mvnLogProb is a MultivariateNormal log density through the tape's linear
// algebra: x, loc (n) and a covariance built from a parameter B (n×n) as
// B·Bᵀ + I.
func mvnLogProb(tp *Tape, p V, x []float64, n int) V {
	B := tp.Reshape(tp.Slice(p, 0, n*n), n, n)
	loc := tp.Slice(p, n*n, n*n+n)
	eye := tp.Const([]int{n, n}, nil)
	d := eye.Data()
	for i := 0; i < n; i++ {
		d[i*n+i] = 1
	}
	L := tp.Cholesky(tp.Add(tp.MatMul(B, tp.Transpose(B)), eye))
	z := tp.TriangularSolve(L, tp.Sub(tp.ConstRef([]int{n}, x), loc), false, false)
	return tp.Neg(tp.Add(tp.MulConst(tp.Sum(tp.Square(z)), 0.5), tp.SumLogDiag(L)))
}

func BenchmarkMVNLogProbGrad(b *testing.B) {
	for _, n := range []int{3, 10, 50} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := newRand(9)
			x := rin(r, any1, n).data
			p := rin(r, any1, n*n+n).data
			g := make([]float64, len(p))
			tp := NewTape()
			f := func(tp *Tape, v V) V { return mvnLogProb(tp, v, x, n) }
			ValueAndGrad(tp, f, p, g)
			b.ReportAllocs()
			for b.Loop() {
				ValueAndGrad(tp, f, p, g)
			}
		})
	}
}

func TestMVNLogProbGrad(t *testing.T) {
	r := newRand(9)
	n := 4
	x := rin(r, any1, n).data
	gradCheck(t, "mvn", func(tp *Tape, v []V) V { return mvnLogProb(tp, v[0], x, n) }, rin(r, any1, n*n+n))
	p := rin(r, any1, n*n+n).data
	g := make([]float64, len(p))
	tp := NewTape()
	f := func(tp *Tape, v V) V { return mvnLogProb(tp, v, x, n) }
	ValueAndGrad(tp, f, p, g)
	if a := testing.AllocsPerRun(50, func() { ValueAndGrad(tp, f, p, g) }); a != 0 {
		t.Errorf("MVN log density + gradient allocates %v per run", a)
	}
}
