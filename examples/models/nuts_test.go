package models

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
)

// A conjugate model with a positive site: s ~ HalfNormal(1) has no data, so
// its posterior is the prior; z | y is Normal(y/2, 1/√2).
func conjugate(r *poutine.Runtime) {
	z := r.Sample("z", dist.Normal(r.Scalar(0), r.Scalar(1)))
	r.Sample("s", dist.HalfNormal(r.Scalar(1)))
	r.Sample("y", dist.Normal(z, r.Scalar(1)), poutine.Obs(r.Scalar(1.4)))
}

func TestSampleNUTS(t *testing.T) {
	post, err := SampleNUTS(context.Background(), conjugate, NUTSConfig{Chains: 2, Warmup: 300, Samples: 500, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(post.Names) != 2 || post.Coord("z") != 0 || post.Coord("s") != 1 || post.Coord("y") != -1 {
		t.Fatalf("names %v", post.Names)
	}
	z, s := post.Summary[0], post.Summary[1]
	if math.Abs(z.Mean-0.7) > 5*z.MCSEMean {
		t.Errorf("z mean %v ± %v, want 0.7", z.Mean, z.MCSEMean)
	}
	if math.Abs(z.SD-math.Sqrt(0.5)) > 0.1 {
		t.Errorf("z sd %v, want %v", z.SD, math.Sqrt(0.5))
	}
	// the half-normal's mean is √(2/π) on the constrained scale
	if math.Abs(s.Mean-math.Sqrt(2/math.Pi)) > 5*s.MCSEMean || s.Q5 <= 0 {
		t.Errorf("s mean %v ± %v (q5 %v), want %v", s.Mean, s.MCSEMean, s.Q5, math.Sqrt(2/math.Pi))
	}
	if z.RHat > 1.05 || s.RHat > 1.05 || math.IsNaN(z.RHat) {
		t.Errorf("R-hat %v %v", z.RHat, s.RHat)
	}
	if post.Gradients() <= 0 {
		t.Error("no gradients counted")
	}
	var buf bytes.Buffer
	if err := post.WriteSummary(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"mean", "r_hat", "\n", "number of divergences: "} {
		if !strings.Contains(out, want) {
			t.Fatalf("summary lacks %q:\n%s", want, out)
		}
	}
	if _, err := SampleNUTS(context.Background(), conjugate, NUTSConfig{Chains: -1}); err == nil {
		t.Fatal("negative chain count accepted")
	}
}
