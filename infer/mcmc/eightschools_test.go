package mcmc

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Eight schools (Rubin 1981): y_j ~ N(θ_j, σ_j), θ_j = μ + τ·η_j,
// μ ~ N(0, 5), τ ~ HalfCauchy(5), η_j ~ N(0, 1). The sampled vector is
// (μ, log τ, η_1..η_8); the potential includes the log-Jacobian of τ = e^s.
var (
	esY     = [8]float64{28, 8, -3, 7, -1, 1, 18, 12}
	esSigma = [8]float64{15, 10, 16, 11, 9, 11, 10, 18}
)

func eightSchoolsNC(x, g []float64) float64 {
	mu, s := x[0], x[1]
	tau := math.Exp(s)
	// log p: μ prior, half-Cauchy on τ plus log-Jacobian s, η priors, data.
	lp := -mu*mu/50 - math.Log1p(tau*tau/25) + s
	gmu := -mu / 25
	gs := -2*tau*tau/25/(1+tau*tau/25) + 1
	for j := 0; j < 8; j++ {
		eta := x[2+j]
		r := (esY[j] - mu - tau*eta) / esSigma[j]
		lp += -0.5*eta*eta - 0.5*r*r
		dr := r / esSigma[j] // ∂/∂θ_j of the data term
		gmu += dr
		gs += dr * tau * eta
		g[2+j] = -(-eta + dr*tau)
	}
	g[0], g[1] = -gmu, -gs
	return -lp
}

// eightSchoolsC is the centred parameterisation (μ, log τ, θ_1..θ_8), the
// classic funnel on which NUTS reports divergences.
func eightSchoolsC(x, g []float64) float64 {
	mu, s := x[0], x[1]
	tau := math.Exp(s)
	lp := -mu*mu/50 - math.Log1p(tau*tau/25) + s
	gmu := -mu / 25
	gs := -2*tau*tau/25/(1+tau*tau/25) + 1
	for j := 0; j < 8; j++ {
		th := x[2+j]
		z := (th - mu) / tau
		r := (esY[j] - th) / esSigma[j]
		lp += -0.5*z*z - s - 0.5*r*r
		gmu += z / tau
		gs += z*z - 1
		g[2+j] = -(-z/tau + r/esSigma[j])
	}
	g[0], g[1] = -gmu, -gs
	return -lp
}

func TestEightSchoolsGradients(t *testing.T) {
	x := []float64{1.3, 0.7, -0.4, 0.2, 1.1, -0.9, 0.05, 0.6, -1.2, 0.3}
	for name, pot := range map[string]Potential{"noncentered": eightSchoolsNC, "centered": eightSchoolsC} {
		g := make([]float64, len(x))
		pot(x, g)
		tmp := make([]float64, len(x))
		for i := range x {
			h := 1e-6
			xp := append([]float64(nil), x...)
			xm := append([]float64(nil), x...)
			xp[i] += h
			xm[i] -= h
			fd := (pot(xp, tmp) - pot(xm, tmp)) / (2 * h)
			if math.Abs(fd-g[i]) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("%s: ∂U/∂x[%d] = %v, finite difference %v", name, i, g[i], fd)
			}
		}
	}
}

// TestEightSchoolsMatchesStanReference compares posterior means and sds
// with the long Stan run in infer/testdata/reference (4 × 25000 draws,
// rstan 2.21.7).
func TestEightSchoolsMatchesStanReference(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "reference", "eight_schools_noncentered.json"))
	if err != nil {
		t.Fatalf("reference posterior: %v", err)
	}
	var ref struct {
		Parameters []struct {
			Name     string  `json:"name"`
			Mean     float64 `json:"mean"`
			SD       float64 `json:"sd"`
			MCSEMean float64 `json:"mcse_mean"`
			MCSESD   float64 `json:"mcse_sd"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}

	pots := []Potential{eightSchoolsNC, eightSchoolsNC, eightSchoolsNC, eightSchoolsNC}
	init := [][]float64{make([]float64, 10)}
	rs, err := SampleChains(context.Background(), pots, init, Options{NumWarmup: 1000, NumSamples: 2500, Seed: 8, TargetAccept: 0.95})
	if err != nil {
		t.Fatal(err)
	}
	div := 0
	for _, r := range rs {
		div += r.NumDivergent
	}
	if div > 5 {
		t.Errorf("%d divergences on the non-centred eight schools at target accept 0.95", div)
	}
	// Sampled coordinates → Stan's names: μ, τ = exp(s), η_j.
	values := func(name string) [][]float64 {
		out := make([][]float64, len(rs))
		for c := range rs {
			var col []float64
			switch name {
			case "mu":
				col = rs[c].Param(0, nil)
			case "tau":
				col = rs[c].Param(1, nil)
				for i, v := range col {
					col[i] = math.Exp(v)
				}
			default:
				j, ok := thetaTildeIndex(name)
				if !ok {
					return nil // derived quantities (theta[j]) are not sampled
				}
				col = rs[c].Param(1+j, nil)
			}
			out[c] = col
		}
		return out
	}
	checked := 0
	for _, p := range ref.Parameters {
		ch := values(p.Name)
		if ch == nil {
			continue
		}
		checked++
		pooled := pooledSorted(ch)
		m, v := meanVar2(pooled)
		se := math.Hypot(MCSEMean(ch), p.MCSEMean)
		if math.Abs(m-p.Mean) > 4*se {
			t.Errorf("%s: mean %.4f, Stan %.4f ± %.4f", p.Name, m, p.Mean, 4*se)
		}
		// The sd's Monte Carlo error, roughly sd/√(2·ESS) for the bulk.
		sd := math.Sqrt(v)
		seSD := math.Hypot(sd/math.Sqrt(2*ESSBulk(ch)), p.MCSESD)
		if math.Abs(sd-p.SD) > 5*seSD {
			t.Errorf("%s: sd %.4f, Stan %.4f ± %.4f", p.Name, sd, p.SD, 5*seSD)
		}
		if r := RHat(ch); r > 1.01 {
			t.Errorf("%s: R-hat %.4f", p.Name, r)
		}
	}
	if checked != 10 {
		t.Fatalf("checked %d parameters against the reference, want 10", checked)
	}
}

// thetaTildeIndex reads j (1-based) from "theta_tilde[j]".
func thetaTildeIndex(name string) (int, bool) {
	inner, ok := strings.CutPrefix(name, "theta_tilde[")
	if !ok {
		return 0, false
	}
	inner, ok = strings.CutSuffix(inner, "]")
	if !ok {
		return 0, false
	}
	j, err := strconv.Atoi(inner)
	return j, err == nil && j >= 1 && j <= 8
}

// TestEightSchoolsCentredDiverges: the centred funnel must produce
// divergences at the default target acceptance (Stan reports them too);
// the non-centred form at the same settings far fewer.
func TestEightSchoolsCentredDiverges(t *testing.T) {
	count := func(pot Potential) int {
		rs, err := SampleChains(context.Background(), []Potential{pot, pot, pot, pot}, [][]float64{make([]float64, 10)},
			Options{NumWarmup: 500, NumSamples: 1000, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rs {
			n += r.NumDivergent
		}
		return n
	}
	c, nc := count(eightSchoolsC), count(eightSchoolsNC)
	t.Logf("divergences: centred %d, non-centred %d (of 4000)", c, nc)
	if c < 10 || nc*5 > c {
		t.Errorf("divergences: centred %d, non-centred %d", c, nc)
	}
}
