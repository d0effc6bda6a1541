package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Reference helpers: plain index arithmetic, no strides tricks.

func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = i % shape[d]
			i /= shape[d]
		}
	}
	return idx
}

// ravelB maps an index of the broadcast shape to the flat index of an
// operand of shape s aligned at the trailing dimensions.
func ravelB(idx []int, s []int) int {
	off := len(idx) - len(s)
	p := 0
	for d, n := range s {
		v := idx[off+d]
		if n == 1 {
			v = 0
		}
		p = p*n + v
	}
	return p
}

func randShape(r *rand.Rand, maxNd, maxDim int, zeroOK bool) []int {
	nd := r.IntN(maxNd + 1)
	s := make([]int, nd)
	for i := range s {
		s[i] = 1 + r.IntN(maxDim)
		if zeroOK && r.IntN(12) == 0 {
			s[i] = 0
		}
	}
	return s
}

// randBroadcastPair returns out and two shapes that broadcast to it.
func randBroadcastPair(r *rand.Rand, zeroOK bool) (out, a, b []int) {
	out = randShape(r, 4, 4, zeroOK)
	mk := func() []int {
		drop := r.IntN(len(out) + 1)
		s := append([]int{}, out[drop:]...)
		for i := range s {
			if r.IntN(3) == 0 {
				s[i] = 1
			}
		}
		return s
	}
	a, b = mk(), mk()
	// The broadcast of a and b may be smaller than out; make out exactly it.
	o, err := BroadcastShapes(a, b)
	if err != nil {
		panic(err)
	}
	if r.IntN(4) == 0 {
		return out, a, b // out larger than the broadcast: allowed
	}
	return o, a, b
}

func randData(r *rand.Rand, n int, special bool) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64() * 2
		if special && r.IntN(20) == 0 {
			x[i] = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0}[r.IntN(4)]
		}
	}
	return x
}

func sameFloat(x, y, tol float64) bool { return closeTo(x, y, tol) }

func checkSlices(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !sameFloat(got[i], want[i], tol) {
			t.Fatalf("%s: [%d] = %v, want %v\n got  %v\n want %v", what, i, got[i], want[i], got, want)
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Fatalf("%s: no panic", what)
		}
	}()
	f()
}

func newRand(t testing.TB) *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
