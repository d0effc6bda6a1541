package infer

import (
	"math"
	"strings"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/tensor"
)

func TestEmpiricalMarginalMoments(t *testing.T) {
	samples := map[string]*tensor.Dense{"a": tensor.New([]int{3}, []float64{1, 2, 3})}
	lw := []float64{0, 0, math.Log(2)}
	m, err := EmpiricalMarginal(samples, lw, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Mean()[0]; math.Abs(got-2.25) > 1e-15 {
		t.Errorf("mean %v, want 2.25", got)
	}
	if got := m.Variance()[0]; math.Abs(got-0.6875) > 1e-15 {
		t.Errorf("variance %v, want 0.6875", got)
	}
	if q, _ := m.Quantile(0.5); q[0] != 2 {
		t.Errorf("median %v, want 2", q[0])
	}
	if q, _ := m.Quantile(0.6); q[0] != 3 {
		t.Errorf("0.6-quantile %v, want 3", q[0])
	}
	if _, err := m.Quantile(1.5); err == nil {
		t.Error("quantile 1.5 accepted")
	}
	// the same marginal as a dist.Empirical on a tape
	tp := ad.NewTape()
	d := m.Dist(tp)
	if got := d.Mean().Value(); math.Abs(got-2.25) > 1e-15 {
		t.Errorf("Dist mean %v", got)
	}
	if got := d.LogProb(tp.Scalar(3)).Value(); math.Abs(got-math.Log(0.5)) > 1e-15 {
		t.Errorf("Dist log prob %v, want log 0.5", got)
	}
}

func TestEmpiricalMarginalLogProbAndSample(t *testing.T) {
	m, err := NewMarginal("x", nil, []float64{1, 2, 1, 7}, []float64{0, 0, 0, math.Inf(-1)})
	if err != nil {
		t.Fatal(err)
	}
	if lp, _ := m.LogProb([]float64{1}); math.Abs(lp-math.Log(2.0/3)) > 1e-15 {
		t.Errorf("log prob of a duplicated value %v, want log(2/3)", lp)
	}
	if lp, _ := m.LogProb([]float64{7}); !math.IsInf(lp, -1) {
		t.Errorf("log prob of a zero-weight value %v, want -Inf", lp)
	}
	if lp, _ := m.LogProb([]float64{5}); !math.IsInf(lp, -1) {
		t.Errorf("log prob of an absent value %v, want -Inf", lp)
	}
	if _, err := m.LogProb([]float64{1, 2}); err == nil {
		t.Error("wrong-size value accepted")
	}
	rng := dist.NewRNG(8)
	const n = 30000
	counts := map[float64]int{}
	var buf []float64
	for i := 0; i < n; i++ {
		buf = m.Sample(rng, buf)
		counts[buf[0]]++
	}
	if counts[7] != 0 {
		t.Errorf("zero-weight value drawn %d times", counts[7])
	}
	for v, p := range map[float64]float64{1: 2.0 / 3, 2: 1.0 / 3} {
		se := math.Sqrt(p * (1 - p) / n)
		if f := float64(counts[v]) / n; math.Abs(f-p) > 4*se {
			t.Errorf("value %v drawn with frequency %v, want %v", v, f, p)
		}
	}
}

func TestEmpiricalMarginalSeveralSites(t *testing.T) {
	samples := map[string]*tensor.Dense{
		"a": tensor.New([]int{2, 2}, []float64{1, 2, 3, 4}),
		"b": tensor.New([]int{2, 2}, []float64{5, 6, 7, 8}),
	}
	m, err := EmpiricalMarginal(samples, nil, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	if !shapeEq(m.EventShape, []int{2, 2}) {
		t.Fatalf("event shape %v, want [2 2]", m.EventShape)
	}
	want := []float64{1, 2, 5, 6}
	for i, x := range m.Value(0) {
		if x != want[i] {
			t.Fatalf("draw 0 = %v, want %v", m.Value(0), want)
		}
	}
	mean := m.Mean()
	for i, w := range []float64{2, 3, 6, 7} {
		if mean[i] != w {
			t.Fatalf("mean %v", mean)
		}
	}
}

func TestEmpiricalMarginalErrors(t *testing.T) {
	one := map[string]*tensor.Dense{"a": tensor.New([]int{3}, []float64{1, 2, 3})}
	two := map[string]*tensor.Dense{"a": tensor.New([]int{3}, nil), "b": tensor.New([]int{3, 2}, nil)}
	cases := []struct {
		name    string
		samples map[string]*tensor.Dense
		lw      []float64
		sites   []string
		want    string
	}{
		{"missing site", one, nil, []string{"z"}, `"z"`},
		{"unnamed of two", two, nil, nil, "name the site"},
		{"shapes differ", two, nil, []string{"a", "b"}, "equal shapes"},
		{"weights length", one, []float64{0, 0}, nil, "2 log weights for 3 draws"},
		{"NaN weight", one, []float64{0, math.NaN(), 0}, nil, "NaN"},
		{"all zero", one, []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}, nil, "every weight is zero"},
		{"scalar samples", map[string]*tensor.Dense{"a": tensor.New(nil, []float64{1})}, nil, nil, "leading draw dimension"},
	}
	for _, c := range cases {
		_, err := EmpiricalMarginal(c.samples, c.lw, c.sites...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error mentioning %s", c.name, err, c.want)
		}
	}
	if _, err := NewMarginal("x", []int{2}, []float64{1, 2, 3}, nil); err == nil {
		t.Error("NewMarginal accepted 3 values of shape [2]")
	}
}
