package autodiff

import (
	"math"
	"testing"
)

// A masked-out element whose log density is infinite must not poison the
// gradient through 0·Inf: Where passes a zero adjoint to the branch not
// taken, and backward passes skip zero adjoints.
func TestWhereMaskedInfDoesNotLeakIntoGradient(t *testing.T) {
	tp := NewTape()
	x := tp.Param([]int{3}, []float64{0.5, 0, 2}) // log(0) = -Inf at index 1
	lp := tp.Log(x)
	lp2 := tp.NormalLogProb(tp.Const([]int{3}, []float64{1, 1, 1}), x, x) // scale 0 at index 1
	mask := tp.Const([]int{3}, []float64{1, 0, 1})
	zero := tp.Scalar(0)
	out := tp.Sum(tp.Add(tp.Where(mask, lp, zero), tp.Where(mask, lp2, zero)))
	if v := out.Value(); math.IsNaN(v) || math.IsInf(v, 0) {
		t.Fatalf("masked value leaked: %v", v)
	}
	tp.Backward(out)
	for i, g := range x.Grad() {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			t.Fatalf("gradient[%d] = %v leaked from a masked element", i, g)
		}
	}
	if x.Grad()[1] != 0 {
		t.Fatalf("masked element has gradient %v, want 0", x.Grad()[1])
	}
}
