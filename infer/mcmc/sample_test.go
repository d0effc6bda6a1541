package mcmc

import (
	"context"
	"math"
	"testing"
)

// stdNormal is U(x) = ½|x|².
func stdNormal(x, g []float64) float64 {
	var s float64
	for i, v := range x {
		g[i] = v
		s += v * v
	}
	return 0.5 * s
}

// checkMoments asserts that each coordinate's mean and variance are within
// z Monte Carlo standard errors of the truth, using the bulk ESS to size
// the error.
func checkMoments(t *testing.T, r *Result, mean, variance []float64, z float64) {
	t.Helper()
	var col []float64
	for j := range mean {
		col = r.Param(j, col)
		m, v := meanVar(col)
		ess := ESS([][]float64{col})
		seMean := math.Sqrt(variance[j] / ess)
		if math.Abs(m-mean[j]) > z*seMean {
			t.Errorf("coordinate %d: mean %.4f, want %.4f ± %.4f (ess %.0f)", j, m, mean[j], z*seMean, ess)
		}
		// Var of the sample variance of a normal: 2σ⁴/ess (squares have
		// their own ESS; use the ESS of the squared deviations).
		sq := make([]float64, len(col))
		for i, x := range col {
			sq[i] = (x - mean[j]) * (x - mean[j])
		}
		essSq := ESS([][]float64{sq})
		seVar := math.Sqrt(2 * variance[j] * variance[j] / essSq)
		if math.Abs(v-variance[j]) > z*seVar {
			t.Errorf("coordinate %d: variance %.4f, want %.4f ± %.4f (ess %.0f)", j, v, variance[j], z*seVar, essSq)
		}
	}
}

func meanVar(x []float64) (float64, float64) {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, s / float64(len(x)-1)
}

func TestNUTSStandardNormal100(t *testing.T) {
	const d = 100
	init := make([]float64, d)
	for i := range init {
		init[i] = 1.5 * math.Sin(float64(i))
	}
	r, err := Sample(context.Background(), stdNormal, init, Options{NumWarmup: 500, NumSamples: 1000, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	mean := make([]float64, d)
	vars := make([]float64, d)
	for i := range vars {
		vars[i] = 1
	}
	checkMoments(t, &r, mean, vars, 4)
	var acc float64
	for _, s := range r.Stats {
		acc += s.AcceptStat
	}
	acc /= float64(len(r.Stats))
	if acc < 0.7 || acc > 0.95 {
		t.Errorf("mean accept_stat %.3f, want near the 0.8 target", acc)
	}
	if r.NumDivergent != 0 {
		t.Errorf("%d divergences on a standard normal", r.NumDivergent)
	}
	for i, v := range r.InvMass {
		if v < 0.5 || v > 2 {
			t.Errorf("adapted inverse mass[%d] = %.3f, want ≈ 1", i, v)
		}
	}
	t.Logf("step size %.3f, mean accept %.3f, gradients %d", r.StepSize, acc, r.NumGradients)
}
