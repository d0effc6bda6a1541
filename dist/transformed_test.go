package dist

import (
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/transforms"
)

// TransformedDistribution reproduces distributions defined as transforms
// of others: LogNormal = exp(Normal), Normal(loc, scale) = affine(N(0,1)),
// LogisticNormal = stick-breaking of a Normal vector.
func TestTransformedDistributionEquivalences(t *testing.T) {
	tp := ad.NewTape()
	loc := tp.Param([]int{3}, []float64{0.2, -1, 3})
	scale := tp.Const([]int{3}, []float64{0.5, 2, 1e-2})
	x := tp.Const([]int{3}, []float64{1.3, 0.05, 21})
	td := TransformedDistribution(Normal(loc, scale), transforms.Exp)
	got := td.LogProb(x)
	want := LogNormal(loc, scale).LogProb(x)
	for i := range want.Data() {
		if math.Abs(got.Data()[i]-want.Data()[i]) > 1e-12*math.Abs(want.Data()[i]) {
			t.Fatalf("exp(Normal) %v, LogNormal %v", got.Data(), want.Data())
		}
	}
	if bs := td.BatchShape(); len(bs) != 1 || bs[0] != 3 || len(td.EventShape()) != 0 {
		t.Fatalf("shapes %v %v", td.BatchShape(), td.EventShape())
	}
	// gradient flows to loc identically
	tp.Backward(tp.Sum(got))
	g1 := append([]float64(nil), loc.Grad()...)
	tp2 := ad.NewTape()
	loc2 := tp2.Param([]int{3}, []float64{0.2, -1, 3})
	lp2 := LogNormal(loc2, tp2.Const([]int{3}, []float64{0.5, 2, 1e-2})).LogProb(tp2.Const([]int{3}, []float64{1.3, 0.05, 21}))
	tp2.Backward(tp2.Sum(lp2))
	for i := range g1 {
		if math.Abs(g1[i]-loc2.Grad()[i]) > 1e-9*(1+math.Abs(g1[i])) {
			t.Fatalf("grad %v vs %v", g1, loc2.Grad())
		}
	}

	// affine of a standard normal
	tp.Reset()
	std := Normal(tp.Scalar(0), tp.Scalar(1)).Expand(2)
	aff := TransformedDistribution(std, transforms.Affine(tp.Const([]int{2}, []float64{1, -2}), tp.Const([]int{2}, []float64{3, 0.5}), 0))
	y := tp.Const([]int{2}, []float64{0.7, -1.9})
	a := aff.LogProb(y).Data()
	b := Normal(tp.Const([]int{2}, []float64{1, -2}), tp.Const([]int{2}, []float64{3, 0.5})).LogProb(y).Data()
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-13 {
			t.Fatalf("affine %v vs normal %v", a, b)
		}
	}

	// stick-breaking of Normal(loc, scale).to_event(1) is LogisticNormal
	tp.Reset()
	l := tp.Const([]int{3}, []float64{0.1, -0.3, 0.8})
	s := tp.Const([]int{3}, []float64{1, 0.5, 2})
	sb := TransformedDistribution(ToEvent(Normal(l, s), 1), transforms.StickBreaking)
	if es := sb.EventShape(); len(es) != 1 || es[0] != 4 {
		t.Fatalf("event shape %v", es)
	}
	v := tp.Const([]int{4}, []float64{0.1, 0.2, 0.3, 0.4})
	g := sb.LogProb(v).Value()
	w := LogisticNormal(l, s).LogProb(v).Value()
	if math.Abs(g-w) > 1e-12*math.Abs(w) {
		t.Fatalf("stick-breaking %v vs LogisticNormal %v", g, w)
	}
	// samples land in the support
	rng := NewRNG(1)
	smp := sb.Sample(rng, 5)
	if ok, _ := sb.Support().Check(smp.Data(), smp.Shape()); !ok {
		t.Fatalf("sample outside the simplex: %v", smp.Data())
	}
}
