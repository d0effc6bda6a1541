package mcmc

import (
	"context"
	"math"
	"testing"
)

// quartic2 has two independent coordinates with density ∝ exp(−x⁴/4) and a
// third N(0, 2²) one. For the quartic, E[x²] = 2Γ(3/4)/Γ(1/4) and E[x⁴] = 1.
func quartic2(x, g []float64) float64 {
	g[0] = x[0] * x[0] * x[0]
	g[1] = x[1] * x[1] * x[1]
	g[2] = x[2] / 4
	return 0.25*(x[0]*x[0]*x[0]*x[0]+x[1]*x[1]*x[1]*x[1]) + x[2]*x[2]/8
}

// checkExpectation asserts mean(f(draws)) is within z MCSE of want.
func checkExpectation(t *testing.T, name string, vals []float64, want, z float64) {
	t.Helper()
	m, _ := meanVar(vals)
	se := MCSEMean([][]float64{vals})
	if math.Abs(m-want) > z*se {
		t.Errorf("%s: %.4f, want %.4f ± %.4f", name, m, want, z*se)
	}
}

// With fixed, coarse step sizes the leapfrog energy error is large, so
// wrong multinomial weights, a wrong U-turn bookkeeping or a wrong
// Metropolis correction shows up as bias in these moments.
func TestExactnessFixedStep(t *testing.T) {
	g34, g14 := math.Gamma(0.75), math.Gamma(0.25)
	ex2 := 2 * g34 / g14
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"nuts eps=0.9", Options{NumSamples: 20000, FixedStepSize: true, FixedMass: true, StepSize: 0.9, Seed: 11}},
		{"nuts eps=1.4", Options{NumSamples: 20000, FixedStepSize: true, FixedMass: true, StepSize: 1.4, Seed: 12}},
		{"nuts eps=0.5 depth 2", Options{NumSamples: 20000, FixedStepSize: true, FixedMass: true, StepSize: 0.5, MaxTreeDepth: 2, Seed: 13}},
		{"nuts dense metric", Options{NumSamples: 20000, FixedStepSize: true, FixedMass: true, StepSize: 0.8, Seed: 14,
			DenseMass: true, InvMass: []float64{1, 0.3, 0, 0.3, 1, 0, 0, 0, 4}}},
		{"hmc eps=0.8 L=4", Options{Algorithm: HMC, NumSamples: 20000, FixedStepSize: true, FixedMass: true, StepSize: 0.8, NumSteps: 4, Seed: 15}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Sample(context.Background(), quartic2, []float64{0.5, -0.5, 1}, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j < 2; j++ {
				x := r.Param(j, nil)
				x2 := make([]float64, len(x))
				x4 := make([]float64, len(x))
				for i, v := range x {
					x2[i] = v * v
					x4[i] = v * v * v * v
				}
				checkExpectation(t, "E[x]", x, 0, 4)
				checkExpectation(t, "E[x²]", x2, ex2, 4)
				checkExpectation(t, "E[x⁴]", x4, 1, 4)
			}
			y := r.Param(2, nil)
			y2 := make([]float64, len(y))
			for i, v := range y {
				y2[i] = v * v
			}
			checkExpectation(t, "E[y²]", y2, 4, 4)
			var acc float64
			for _, s := range r.Stats {
				acc += s.AcceptStat
			}
			t.Logf("mean accept_stat %.3f, divergences %d", acc/float64(len(r.Stats)), r.NumDivergent)
		})
	}
}

// TestOneStepInvariance draws independent starting points from the exact
// target, applies one transition to each, and checks that the results still
// follow the target. Because the draws are independent, tiny biases in the
// kernel (multinomial weights, progressive sampling, U-turn bookkeeping,
// Metropolis correction) are visible with cheap, exact standard errors.
func TestOneStepInvariance(t *testing.T) {
	sd := []float64{1, 0.35, 2.5}
	pot := func(x, g []float64) float64 {
		var u float64
		for i, v := range x {
			g[i] = v / (sd[i] * sd[i])
			u += 0.5 * v * g[i]
		}
		return u
	}
	const n = 60000
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"nuts eps=0.6", Options{StepSize: 0.6}},
		{"nuts eps=0.55 depth 3", Options{StepSize: 0.55, MaxTreeDepth: 3}},
		{"nuts dense eps=0.5", Options{StepSize: 0.5, DenseMass: true, InvMass: []float64{1, 0.2, 0, 0.2, 0.5, 0.1, 0, 0.1, 3}}},
		{"hmc eps=0.6 L=3", Options{Algorithm: HMC, StepSize: 0.6, NumSteps: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.NumSamples, o.FixedStepSize, o.FixedMass, o.Seed = 1, true, true, 21
			o, err := o.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			c, err := newChain(pot, make([]float64, len(sd)), o, 0)
			if err != nil {
				t.Fatal(err)
			}
			var m1, m2, m4 [3]float64
			var acc float64
			for k := 0; k < n; k++ {
				for i := range sd {
					c.cur.q[i] = sd[i] * c.rng.NormFloat64()
				}
				c.cur.u = c.h.eval(c.cur.q, c.cur.g)
				acc += c.k.transition(&c.cur, o.StepSize).AcceptStat
				for i, v := range c.cur.q {
					z := v / sd[i]
					m1[i] += z
					m2[i] += z * z
					m4[i] += z * z * z * z
				}
			}
			for i := range sd {
				// Standard errors of the means of z, z², z⁴ for z ~ N(0,1):
				// 1, √2, √96 over √n.
				if e := m1[i] / n; math.Abs(e) > 4.5/math.Sqrt(n) {
					t.Errorf("coordinate %d: E[z] = %.4f", i, e)
				}
				if e := m2[i] / n; math.Abs(e-1) > 4.5*math.Sqrt2/math.Sqrt(n) {
					t.Errorf("coordinate %d: E[z²] = %.4f, want 1 ± %.4f", i, e, 4.5*math.Sqrt2/math.Sqrt(n))
				}
				if e := m4[i] / n; math.Abs(e-3) > 4.5*math.Sqrt(96)/math.Sqrt(n) {
					t.Errorf("coordinate %d: E[z⁴] = %.4f, want 3 ± %.4f", i, e, 4.5*math.Sqrt(96)/math.Sqrt(n))
				}
			}
			t.Logf("mean accept_stat %.3f", acc/n)
		})
	}
}

// TestAcceptStatOneStep: with MaxTreeDepth 1 a NUTS transition is one
// leapfrog step, and accept_stat must be min(1, exp(H0 − H1)).
func TestAcceptStatOneStep(t *testing.T) {
	o, _ := (&Options{NumSamples: 1, FixedStepSize: true, FixedMass: true, MaxTreeDepth: 1, Seed: 3}).withDefaults()
	c, err := newChain(quartic2, []float64{1.2, -0.7, 2}, o, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := c.k.(*nuts)
	for k := 0; k < 200; k++ {
		st := s.transition(&c.cur, 1.1)
		if st.NumLeapfrog != 1 {
			t.Fatalf("%d leapfrog steps at max depth 1", st.NumLeapfrog)
		}
		// The moved end is whichever of zFwd, zBck differs from zSample's
		// start; both ends hold the start's energy or the new one.
		e1 := s.h.energy(&s.zFwd)
		if e := s.h.energy(&s.zBck); math.Abs(e-s.h0) > math.Abs(e1-s.h0) {
			e1 = e
		}
		want := math.Min(1, math.Exp(s.h0-e1))
		if math.Abs(st.AcceptStat-want) > 1e-12 {
			t.Fatalf("accept_stat %v, want %v", st.AcceptStat, want)
		}
	}
}
