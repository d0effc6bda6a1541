package models

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
	"github.com/gyro-ppl/gyro/poutine"
)

// The Stan reference posteriors (long runs: 4 chains × 25,000 draws,
// rstan 2.21.7; infer/testdata/reference) that gyro's NUTS must match:
// posterior means within 3 Monte Carlo standard errors of the difference,
// sds within 10%, no divergences.
type refParam struct {
	Name     string  `json:"name"`
	Mean     float64 `json:"mean"`
	SD       float64 `json:"sd"`
	MCSEMean float64 `json:"mcse_mean"`
}

func loadRef(t *testing.T, model string) map[string]refParam {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "infer", "testdata", "reference", model+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Parameters []refParam `json:"parameters"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	out := map[string]refParam{}
	for _, p := range f.Parameters {
		out[p.Name] = p
	}
	return out
}

func checkAgainstStan(t *testing.T, model poutine.Model, refName string, opts infer.MCMCOptions) {
	ref := loadRef(t, refName)
	m, err := infer.NewMCMC(model, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sums, err := StanSummaries(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		r, ok := ref[s.Name]
		if !ok {
			t.Fatalf("no Stan reference for %s", s.Name)
		}
		se := math.Hypot(s.MCSEMean, r.MCSEMean)
		if d := math.Abs(s.Mean - r.Mean); d > 3*se {
			t.Errorf("%s: mean %.4f, Stan %.4f: |diff| %.4f > 3 MCSE (%.4f)", s.Name, s.Mean, r.Mean, d, 3*se)
		}
		if math.Abs(s.SD-r.SD) > 0.1*r.SD {
			t.Errorf("%s: sd %.4f, Stan %.4f (10%%)", s.Name, s.SD, r.SD)
		}
	}
	d, err := m.Diagnostics()
	if err != nil {
		t.Fatal(err)
	}
	if d.NumDivergent != 0 {
		t.Errorf("%d divergences after warm-up", d.NumDivergent)
	}
	t.Logf("%s: %d parameters, min bulk ESS %.0f, max r_hat %.4f", refName, len(sums), d.MinESSBulk, d.MaxRHat)
}

// Breast-cancer logistic regression (N=569, D=30, standardized columns).
func TestNUTSBreastCancerMatchesStan(t *testing.T) {
	if testing.Short() {
		t.Skip("4 chains of NUTS")
	}
	d, err := LoadBreastCancer(mustData(t, BreastCancerFile))
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstStan(t, LogisticRegression(d), "breast_cancer_logistic",
		infer.MCMCOptions{Options: mcmc.Options{NumWarmup: 500, NumSamples: 1000, Seed: 11}, NumChains: 4})
}

// Minnesota radon, varying intercepts, non-centred (posteriordb).
func TestNUTSRadonMatchesStan(t *testing.T) {
	if testing.Short() {
		t.Skip("4 chains of NUTS")
	}
	d, err := LoadRadon(mustData(t, RadonFile))
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstStan(t, RadonVaryingInterceptNC(d), "radon_variable_intercept_noncentered",
		infer.MCMCOptions{Options: mcmc.Options{NumWarmup: 500, NumSamples: 1000, Seed: 12}, NumChains: 4})
}
