package asm

import (
	"math"
	"testing"
)

const maxLen = 300

var nan = math.NaN()
var inf = math.Inf(1)

func TestDdotUnitary(t *testing.T) {
	forEachImpl(t, "DdotUnitary", func(t *testing.T) {
		r := newRand(1)
		for n := 0; n <= maxLen; n++ {
			for off := 0; off < 8; off++ {
				x, xb := guarded(n, off, nan)
				y, yb := guarded(n, 7-off, nan)
				randFill(r, x)
				randFill(r, y)
				var want, mag float64
				for i := range x {
					want += x[i] * y[i]
					mag += math.Abs(x[i] * y[i])
				}
				got := DdotUnitary(x, y)
				if !closeSum(got, want, n, mag) {
					t.Fatalf("n=%d off=%d: got %v want %v", n, off, got, want)
				}
				if g2 := ddotUnitaryGeneric(x, y); !closeSum(got, g2, n, mag) {
					t.Fatalf("n=%d off=%d: got %v generic %v", n, off, got, g2)
				}
				checkGuards(t, "x", xb, guardLen+off, guardLen+off+n, nan)
				checkGuards(t, "y", yb, guardLen+7-off, guardLen+7-off+n, nan)
			}
		}
		// special values propagate
		for n := 1; n <= 40; n++ {
			for _, sv := range []float64{nan, inf, -inf} {
				x := make([]float64, n)
				y := make([]float64, n)
				randFill(r, x)
				randFill(r, y)
				for i := range y {
					y[i] = 1
				}
				k := n / 2
				x[k] = sv
				want := ddotUnitaryGeneric(x, y)
				if got := DdotUnitary(x, y); !same(got, want) {
					t.Fatalf("n=%d special %v at %d: got %v want %v", n, sv, k, got, want)
				}
			}
		}
		// longer y is fine
		if got := DdotUnitary([]float64{1, 2}, []float64{3, 4, nan}); got != 11 {
			t.Fatalf("dot with longer y: %v", got)
		}
	})
}
