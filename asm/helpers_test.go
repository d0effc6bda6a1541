package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// forEachImpl runs f once per implementation of kernel that this CPU
// supports, with that implementation selected. It fails the test if the
// kernel has no implementation at all.
func forEachImpl(t *testing.T, kernel string, f func(t *testing.T)) {
	t.Helper()
	impls := ImplsOf(kernel)
	if len(impls) == 0 {
		t.Fatalf("kernel %s is not registered", kernel)
	}
	for _, im := range impls {
		if !im.Supported {
			t.Logf("%s/%s: not supported by this CPU, skipped", kernel, im.Name)
			continue
		}
		t.Run(im.Name, func(t *testing.T) {
			restore, err := Select(kernel, im.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
}

const guardLen = 8

// guarded returns a slice of length n starting at offset off inside a larger
// buffer whose other cells hold guard; buf is the whole buffer.
func guarded(n, off int, guard float64) (s, buf []float64) {
	buf = make([]float64, off+n+2*guardLen)
	for i := range buf {
		buf[i] = guard
	}
	s = buf[guardLen+off : guardLen+off+n : guardLen+off+n]
	return s, buf
}

// checkGuards reports cells of buf outside [lo, hi) that are not bitwise
// equal to guard.
func checkGuards(t *testing.T, name string, buf []float64, lo, hi int, guard float64) {
	t.Helper()
	g := math.Float64bits(guard)
	for i, v := range buf {
		if i >= lo && i < hi {
			continue
		}
		if math.Float64bits(v) != g {
			t.Fatalf("%s: guard cell %d overwritten: %v", name, i, v)
		}
	}
}

func randFill(r *rand.Rand, s []float64) {
	for i := range s {
		s[i] = r.Float64()*2 - 1
	}
}

// same reports whether a and b are equal or both NaN.
func same(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// closeSum reports whether got agrees with want for a sum of n terms whose
// absolute values add up to mag: |got-want| <= 2*n*eps*mag (the standard
// bound for any summation order, doubled for the reference's own error).
func closeSum(got, want float64, n int, mag float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return same(got, want)
	}
	tol := 2 * float64(n+1) * 0x1p-52 * mag
	return math.Abs(got-want) <= tol
}

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}
