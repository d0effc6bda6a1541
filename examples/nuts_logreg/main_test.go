package main

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
)

func checkFinite(t *testing.T, m *infer.MCMC, wantRows int) []infer.SiteSummary {
	t.Helper()
	sums, err := models.StanSummaries(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != wantRows || sums[0].Name != "w[1]" || sums[wantRows-1].Name != "b" {
		t.Fatalf("%d rows, first %q last %q", len(sums), sums[0].Name, sums[len(sums)-1].Name)
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
	return sums
}

func TestTinyRunBreastCancer(t *testing.T) {
	cfg := Config{Chains: 2, Warmup: 200, Samples: 200, Seed: 3}
	m, data, trueW, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if data.N != 569 || trueW != nil {
		t.Fatalf("N=%d, trueW %v", data.N, trueW)
	}
	checkFinite(t, m, 31)
	var buf bytes.Buffer
	if err := report(&buf, cfg, m, data, trueW); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "breast cancer") || !strings.Contains(out, "w[30]") || strings.Contains(out, "RMSE") {
		t.Fatalf("report:\n%s", out)
	}
}

func TestTinyRunSynthetic(t *testing.T) {
	cfg := Config{Synthetic: true, N: 400, D: 3, Chains: 2, Warmup: 200, Samples: 200, Seed: 4}
	m, data, trueW, err := run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sums := checkFinite(t, m, 4)
	// N = 400 rows pin three weights down to about ±0.15
	if rmse := weightRMSE(m, trueW); rmse > 0.35 {
		t.Errorf("RMSE %v of posterior means %v vs true %v", rmse, sums, trueW)
	}
	if b := sums[3].Mean; math.Abs(b-models.SyntheticLogRegIntercept) > 0.4 {
		t.Errorf("intercept %v", b)
	}
	var buf bytes.Buffer
	if err := report(&buf, cfg, m, data, trueW); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "RMSE") {
		t.Fatalf("report lacks the RMSE:\n%s", buf.String())
	}
}
