package dist

import (
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

func TestNormalLogProbReference(t *testing.T) {
	// scipy.stats.norm.logpdf (SciPy 1.10.1)
	cases := []struct{ x, loc, scale, want float64 }{
		{1.5, 0.5, 2.0, -1.737085713764618},
		{-3.0, 1.0, 1e-3, -7999994.011183254},
	}
	tp := ad.NewTape()
	for _, c := range cases {
		tp.Reset()
		d := Normal(tp.Scalar(c.loc), tp.Scalar(c.scale))
		got := d.LogProb(tp.Scalar(c.x)).Value()
		if math.Abs(got-c.want) > 1e-13*math.Abs(c.want) {
			t.Errorf("Normal(%v, %v).LogProb(%v) = %v, want %v", c.loc, c.scale, c.x, got, c.want)
		}
	}
}

func TestNormalInvalidScale(t *testing.T) {
	tp := ad.NewTape()
	defer func() {
		e, ok := recover().(*Error)
		if !ok || e.Dist != "Normal" || e.Param != "scale" {
			t.Fatalf("want *Error naming Normal scale, got %v", e)
		}
	}()
	Normal(tp.Scalar(0), tp.Scalar(-1))
}

func TestNormalNoAllocs(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(1)
	run := func() {
		tp.Reset()
		loc := tp.ParamScalar(0.3)
		d := Normal(loc, tp.Scalar(2))
		x := d.Sample(rng)
		lp := d.LogProb(x)
		tp.Backward(lp)
	}
	run()
	if a := testing.AllocsPerRun(100, run); a != 0 {
		t.Fatalf("allocs per run = %v, want 0", a)
	}
}
