package main

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/examples/models"
)

// Tiny chains: the run completes, every summary is finite, R-hat is
// computed, the rows carry Stan's names, and the derived theta's mean is
// that of mu + tau·theta_tilde over the draws.
func TestTinyRun(t *testing.T) {
	for _, centered := range []bool{false, true} {
		cfg := Config{Chains: 2, Warmup: 200, Samples: 200, Seed: 7, Centered: centered}
		m, data, err := run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		sums, err := models.StanSummaries(m)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 10 || sums[0].Name != "mu" || sums[1].Name != "tau" {
			t.Fatalf("rows %v", sums)
		}
		last := "theta_tilde[8]"
		if centered {
			last = "theta[8]"
		}
		if sums[9].Name != last {
			t.Fatalf("last row %q, want %q", sums[9].Name, last)
		}
		for _, s := range sums {
			for _, v := range []float64{s.Mean, s.SD, s.Q5, s.Q95, s.ESSBulk, s.RHat} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: non-finite summary %+v", s.Name, s.ParamSummary)
				}
			}
			if s.RHat < 0.9 || s.RHat > 1.5 {
				t.Errorf("%s: R-hat %v", s.Name, s.RHat)
			}
		}
		if sums[1].Q5 <= 0 {
			t.Errorf("tau's 5%% quantile %v is not positive", sums[1].Q5)
		}
		// posterior of mu: broad and centred near 4.4 (Stan reference)
		if mu := sums[0].Mean; mu < 0 || mu > 9 {
			t.Errorf("mu mean %v", mu)
		}
		var buf bytes.Buffer
		if err := report(&buf, cfg, m, data); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{"eight schools", "mu", "tau", last, "divergences:", "r_hat"} {
			if !strings.Contains(out, want) {
				t.Fatalf("report lacks %q:\n%s", want, out)
			}
		}
		if !centered {
			if !strings.Contains(out, "theta[8]") {
				t.Fatalf("no theta summary:\n%s", out)
			}
			ts, err := thetaSummary(m, 8)
			if err != nil {
				t.Fatal(err)
			}
			s := m.GetSamples()
			mu, tau, tt := s["mu"].Data(), s["tau"].Data(), s["theta_tilde"].Data()
			var want float64
			for i := range mu {
				want += mu[i] + tau[i]*tt[i*8+2]
			}
			want /= float64(len(mu))
			if math.Abs(ts[2].Mean-want) > 1e-9*(1+math.Abs(want)) {
				t.Fatalf("theta[3] mean %v, from the draws %v", ts[2].Mean, want)
			}
		}
	}
}

func TestMissingData(t *testing.T) {
	cfg := Config{Data: "no/such/file.json", Chains: 1, Warmup: 10, Samples: 10}
	if _, _, err := run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "no/such/file.json") {
		t.Fatalf("error %v", err)
	}
}
