package dist

import (
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

func TestSampleHelpers(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(21)
	// concentration of shape (2, 1) broadcast to batch (2, 3)
	conc := tp.Const([]int{2, 1}, []float64{0.5, 50})
	x := Sample1(tp, rng, "Gamma", []int{4000}, []int{2, 3}, conc, (*RNG).Gamma)
	if s := x.Shape(); len(s) != 3 || s[0] != 4000 || s[1] != 2 || s[2] != 3 {
		t.Fatalf("shape %v", s)
	}
	var m [2]float64
	d := x.Data()
	for i, v := range d {
		m[(i/3)%2] += v
	}
	for r, want := range []float64{0.5, 50} {
		got := m[r] / 12000
		if math.Abs(got-want) > 5*math.Sqrt(want/12000) {
			t.Errorf("row %d mean %v, want %v", r, got, want)
		}
	}
	b := Sample2(tp, rng, "Binomial", nil, []int{3}, tp.Scalar(10), tp.Const([]int{3}, []float64{0, 0.5, 1}), (*RNG).Binomial)
	if d := b.Data(); d[0] != 0 || d[2] != 10 || d[1] < 0 || d[1] > 10 {
		t.Errorf("Binomial draws %v", d)
	}
	alpha := tp.Const([]int{3}, []float64{1, 2, 3})
	dr := SampleEvent(tp, rng, "Dirichlet", []int{5}, []int{2}, []int{3}, alpha, (*RNG).Dirichlet)
	if s := dr.Shape(); len(s) != 3 || s[0] != 5 || s[1] != 2 || s[2] != 3 {
		t.Fatalf("Dirichlet shape %v", s)
	}
	dd := dr.Data()
	for e := 0; e < len(dd); e += 3 {
		if s := dd[e] + dd[e+1] + dd[e+2]; math.Abs(s-1) > 1e-12 {
			t.Fatalf("event %d sums to %v", e/3, s)
		}
	}
	sc := SampleNormal(tp, rng, "Normal", nil, nil, nil)
	if !sc.IsScalar() {
		t.Fatalf("scalar draw has shape %v", sc.Shape())
	}
	if err := Catch(func() { NewSample(tp, "X", []int{-1}, nil, nil) }); err == nil {
		t.Error("negative sample dimension accepted")
	}
	run := func() {
		tp.Reset()
		c := tp.Const([]int{3}, []float64{1, 2, 3})
		Sample1(tp, rng, "Gamma", []int{2}, []int{3}, c, (*RNG).Gamma)
		SampleEvent(tp, rng, "Dirichlet", nil, nil, []int{3}, c, (*RNG).Dirichlet)
		SampleNormal(tp, rng, "Normal", []int{4}, []int{3}, nil)
	}
	run()
	if a := testing.AllocsPerRun(100, run); a != 0 {
		t.Fatalf("allocs per run = %v", a)
	}
}
