package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The gradient checker. For a function f of several parameter tensors it
// records f on a tape, contracts the output with fixed random weights w
// (so that every row of the Jacobian matters, not just the column sums),
// runs Backward, and compares each input's gradient with the central finite
// difference of the same contraction:
//
//	h_i = 1e-6·max(1, |x_i|),  fd_i = (F(x + h_i e_i) - F(x - h_i e_i)) / (2 h_i)
//	pass when |g_i - fd_i| ≤ atol + rtol·max(|g_i|, |fd_i|), atol = 1e-7, rtol = 1e-6
//
// (the truncation error of the central difference is O(h²) ≈ 1e-12
// relative, the rounding error about 1e-16·|F|/h ≈ 1e-10·|F|; the weighted
// outputs here have |F| of order 1–100). Checks that need looser tolerances
// say so where they call it.

type gcIn struct {
	shape []int
	data  []float64
}

type gcOpts struct {
	atol, rtol float64
}

var defaultGC = gcOpts{atol: 1e-7, rtol: 1e-6}

// weightsFor returns deterministic pseudo-random weights in [0.5, 1.5).
func weightsFor(n int) []float64 {
	r := rand.New(rand.NewPCG(uint64(n), 99))
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 + r.Float64()
	}
	return w
}

// gcEval records f on tp with the inputs as parameters and returns the
// weighted scalar output and the parameter handles.
func gcEval(tp *Tape, f func(tp *Tape, xs []V) V, ins []gcIn) (V, []V) {
	xs := make([]V, len(ins))
	for i, in := range ins {
		xs[i] = tp.Param(in.shape, in.data)
	}
	out := f(tp, xs)
	if !out.IsScalar() {
		w := tp.Const(out.Shape(), weightsFor(out.Size()))
		out = tp.Sum(tp.Mul(out, w))
	}
	return out, xs
}

func gradCheck(t *testing.T, name string, f func(tp *Tape, xs []V) V, ins ...gcIn) {
	t.Helper()
	gradCheckOpts(t, name, defaultGC, f, ins...)
}

func gradCheckOpts(t *testing.T, name string, o gcOpts, f func(tp *Tape, xs []V) V, ins ...gcIn) {
	t.Helper()
	tp := NewTape()
	out, xs := gcEval(tp, f, ins)
	tp.Backward(out)
	grads := make([][]float64, len(ins))
	for i, x := range xs {
		grads[i] = make([]float64, x.Size())
		tp.GradInto(grads[i], x)
	}
	base := out.Value()
	if math.IsNaN(base) || math.IsInf(base, 0) {
		t.Fatalf("%s: output is %v at the test point", name, base)
	}
	eval := func() float64 {
		tp := NewTape()
		out, _ := gcEval(tp, f, ins)
		return out.Value()
	}
	bad := 0
	for i, in := range ins {
		for j, xj := range in.data {
			h := 1e-6 * math.Max(1, math.Abs(xj))
			in.data[j] = xj + h
			fp := eval()
			in.data[j] = xj - h
			fm := eval()
			in.data[j] = xj
			fd := (fp - fm) / (2 * h)
			g := grads[i][j]
			if !(math.Abs(g-fd) <= o.atol+o.rtol*math.Max(math.Abs(g), math.Abs(fd))) {
				if bad < 5 {
					t.Errorf("%s: input %d %v element %d (x=%g): gradient %.12g, finite difference %.12g", name, i, in.shape, j, xj, g, fd)
				}
				bad++
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d mismatches in all", name, bad)
	}
}

// rin returns an input of the given shape with entries dom(u), u ~ U(-1, 1)
// from the seeded r.
func rin(r *rand.Rand, dom func(float64) float64, shape ...int) gcIn {
	n := 1
	for _, d := range shape {
		n *= d
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = dom(2*r.Float64() - 1)
	}
	if len(shape) == 0 {
		shape = nil
	}
	return gcIn{shape: shape, data: x}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

func any1(u float64) float64 { return 2 * u }

func shapeName(s []int) string {
	if len(s) == 0 {
		return "()"
	}
	return fmt.Sprint(s)
}
