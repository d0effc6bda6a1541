package models

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
	"github.com/gyro-ppl/gyro/poutine"
)

// A conjugate model with a vector and a positive site: s ~ HalfNormal(1)
// has no data, so its posterior is the prior; z[i] | y is Normal(y[i]/2, 1/√2).
func conjugate(r *poutine.Runtime) {
	y := r.ConstRef([]int{2}, []float64{1.4, -0.6})
	r.Sample("s", dist.HalfNormal(r.Scalar(1)))
	r.Plate("i", 2, func([]int) {
		z := r.Sample("z", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("y", dist.Normal(z, r.Scalar(1)), poutine.Obs(y))
	})
}

func TestStanSummaries(t *testing.T) {
	m, err := infer.NewMCMC(conjugate, infer.MCMCOptions{Options: mcmc.Options{NumWarmup: 300, NumSamples: 500, Seed: 3}, NumChains: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := StanSummaries(m); err == nil {
		t.Fatal("summary before Run accepted")
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sums, err := StanSummaries(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 3 || sums[0].Name != "s" || sums[1].Name != "z[1]" || sums[2].Name != "z[2]" {
		t.Fatalf("names %v", sums)
	}
	s := sums[0]
	if math.Abs(s.Mean-math.Sqrt(2/math.Pi)) > 5*s.MCSEMean || s.Q5 <= 0 {
		t.Errorf("s mean %v ± %v (q5 %v), want %v", s.Mean, s.MCSEMean, s.Q5, math.Sqrt(2/math.Pi))
	}
	for i, y := range []float64{1.4, -0.6} {
		z := sums[1+i]
		if math.Abs(z.Mean-y/2) > 5*z.MCSEMean || math.Abs(z.SD-math.Sqrt(0.5)) > 0.1 || z.RHat > 1.05 {
			t.Errorf("%s: mean %v ± %v sd %v r_hat %v, want mean %v sd %v", z.Name, z.Mean, z.MCSEMean, z.SD, z.RHat, y/2, math.Sqrt(0.5))
		}
	}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, m, "z"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"z[1]", "z[2]", "r_hat", "divergences: ", "per gradient"} {
		if !strings.Contains(out, want) {
			t.Fatalf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\n     s ") || strings.Contains(out, " s  ") {
		t.Fatalf("summary restricted to z shows s:\n%s", out)
	}
}
