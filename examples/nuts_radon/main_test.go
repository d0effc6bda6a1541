package main

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/examples/models"
)

func TestTinyRun(t *testing.T) {
	cfg := Config{Chains: 2, Warmup: 200, Samples: 200, Seed: 5, Counties: 3}
	m, data, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := models.StanSummaries(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 89 || sums[0].Name != "alpha_raw[1]" || sums[84].Name != "alpha_raw[85]" || sums[88].Name != "sigma_y" {
		t.Fatalf("%d rows: %q … %q", len(sums), sums[0].Name, sums[len(sums)-1].Name)
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
	// the scales are positive; sigma_y is well determined by 919 houses
	// (Stan reference: 0.727 ± 0.018)
	if s := sums[87]; s.Q5 <= 0 {
		t.Errorf("sigma_alpha 5%% quantile %v", s.Q5)
	}
	if s := sums[88]; s.Mean < 0.65 || s.Mean > 0.8 {
		t.Errorf("sigma_y mean %v", s.Mean)
	}
	var buf bytes.Buffer
	if err := report(&buf, cfg, m, data); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"N=919", "beta", "sigma_y", "alpha[3]", "divergences:"} {
		if !strings.Contains(out, want) {
			t.Fatalf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "alpha_raw[") || strings.Contains(out, "alpha[4]") {
		t.Fatalf("report shows alpha_raw rows or too many counties:\n%s", out)
	}
	as, err := alphaSummary(m, data.J, 2)
	if err != nil || len(as) != 2 {
		t.Fatalf("alpha summary %v %v", as, err)
	}
}
