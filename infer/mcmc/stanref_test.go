package mcmc

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// stanFixedStep are trajectory statistics of Stan's NUTS (rstan 2.21.7,
// Stan 2.21.0, whose base_nuts has the same multinomial sampling and
// generalized U-turn checks across subtrees as this package) on an iid
// standard normal with a fixed step size and the identity metric:
// sampling(m, chains = 4, iter = 5000, warmup = 0, seed = 1, init = 0,
// control = list(adapt_engaged = FALSE, stepsize = eps)) on the program
// "parameters { vector[D] x; } model { x ~ std_normal(); }".
var stanFixedStep = []struct {
	d                          int
	eps                        float64
	nleap, nleapSD, depth, acc float64
}{
	{10, 0.2, 17.6612, 6.016, 4.1222, 0.9916},
	{10, 0.5, 6.9750, 0.315, 2.9863, 0.9449},
	{10, 0.9, 4.5270, 1.943, 2.1612, 0.7924},
	{100, 0.2, 23.0939, 8.000, 4.4732, 0.9732},
	{100, 0.5, 6.9999, 0.014, 2.9998, 0.8238},
	{100, 0.9, 6.3226, 1.500, 2.6751, 0.4267},
}

// TestTrajectoryStatsMatchStan compares the mean number of leapfrog steps,
// tree depth and accept_stat with Stan's. The U-turn checks decide the
// number of steps: dropping the checks across subtree boundaries, for
// instance, moves the 100-D, ε = 0.2 mean from 23.1 to 37.6 steps.
func TestTrajectoryStatsMatchStan(t *testing.T) {
	const nStan = 20000
	for _, ref := range stanFixedStep {
		pots := []Potential{stdNormal, stdNormal}
		rs, err := SampleChains(context.Background(), pots, [][]float64{make([]float64, ref.d)},
			Options{NumSamples: 5000, FixedStepSize: true, FixedMass: true, StepSize: ref.eps, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		var nl, dep, acc, n float64
		for _, r := range rs {
			for _, s := range r.Stats {
				nl += float64(s.NumLeapfrog)
				dep += float64(s.TreeDepth)
				acc += s.AcceptStat
				n++
			}
		}
		nl, dep, acc = nl/n, dep/n, acc/n
		sd := math.Max(ref.nleapSD, 0.1)
		tol := 5 * sd * math.Sqrt(1/n+1/float64(nStan))
		if math.Abs(nl-ref.nleap) > tol {
			t.Errorf("D=%d ε=%g: mean n_leapfrog %.4f, Stan %.4f ± %.4f", ref.d, ref.eps, nl, ref.nleap, tol)
		}
		if math.Abs(dep-ref.depth) > 0.03 {
			t.Errorf("D=%d ε=%g: mean tree depth %.4f, Stan %.4f", ref.d, ref.eps, dep, ref.depth)
		}
		if math.Abs(acc-ref.acc) > 0.015 {
			t.Errorf("D=%d ε=%g: mean accept_stat %.4f, Stan %.4f", ref.d, ref.eps, acc, ref.acc)
		}
	}
}

// TestAdaptationMatchesStan compares warm-up results with Stan's on a
// 100-D standard normal, 500 warm-up iterations, default settings (rstan
// 2.21.7, 16 chains each with seeds 2 and 3, init = 0): the adapted step
// size averaged 0.4468 (sd over chains 0.033); with seed 3 the adapted
// inverse metric's entries averaged 0.9743 per chain (sd over chains
// 0.0107) with a within-chain sd of 0.1621 (sd over chains 0.0134).
func TestAdaptationMatchesStan(t *testing.T) {
	const chains, d = 16, 100
	pots := make([]Potential, chains)
	for i := range pots {
		pots[i] = stdNormal
	}
	rs, err := SampleChains(context.Background(), pots, [][]float64{make([]float64, d)}, Options{NumWarmup: 500, NumSamples: 1, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var eps, imMean, imSD [chains]float64
	for c, r := range rs {
		eps[c] = r.StepSize
		m, v := meanVar(r.InvMass)
		imMean[c], imSD[c] = m, math.Sqrt(v)
	}
	check := func(name string, x []float64, stanMean, stanSD float64, stanN int) {
		m, _ := meanVar(x)
		tol := 4 * stanSD * math.Sqrt(1/float64(len(x))+1/float64(stanN))
		if math.Abs(m-stanMean) > tol {
			t.Errorf("%s: mean over chains %.4f, Stan %.4f ± %.4f", name, m, stanMean, tol)
		}
		t.Logf("%s: %.4f (Stan %.4f ± %.4f)", name, m, stanMean, tol)
	}
	check("step size", eps[:], 0.4468, 0.033, 32)
	check("inverse metric mean", imMean[:], 0.9743, 0.0107, 16)
	check("inverse metric sd", imSD[:], 0.1621, 0.0134, 16)
}

// corr3 is a 3-D Gaussian with covariance [[1, 2.7, 0], [2.7, 9, 0],
// [0, 0, 0.25]].
var corr3Prec = func() [9]float64 {
	det := 1*9 - 2.7*2.7
	return [9]float64{9 / det, -2.7 / det, 0, -2.7 / det, 1 / det, 0, 0, 0, 4}
}()

func corr3(x, g []float64) float64 {
	p := &corr3Prec
	var u float64
	for i := 0; i < 3; i++ {
		g[i] = p[3*i]*x[0] + p[3*i+1]*x[1] + p[3*i+2]*x[2]
		u += 0.5 * x[i] * g[i]
	}
	return u
}

// TestDenseAdaptationMatchesStan compares dense-metric warm-up with Stan's
// (rstan 2.21.7, control = list(metric = "dense_e"), 500 warm-up and 1000
// draws, 16 chains with each of seeds 2 and 3, init = 0) on corr3: over
// the 32 chains the adapted step size averaged 0.8170 (sd 0.077), the mean
// n_leapfrog per chain 4.638 (sd 0.435), and the adapted inverse metric's
// entries (0,0), (0,1), (1,1), (2,2) averaged 0.9592, 2.6053, 8.6926,
// 0.2333 (sd over chains 0.13, 0.415, 1.41, 0.035).
func TestDenseAdaptationMatchesStan(t *testing.T) {
	const chains = 16
	pots := make([]Potential, chains)
	for i := range pots {
		pots[i] = corr3
	}
	rs, err := SampleChains(context.Background(), pots, [][]float64{make([]float64, 3)},
		Options{NumWarmup: 500, NumSamples: 1000, Seed: 5, DenseMass: true})
	if err != nil {
		t.Fatal(err)
	}
	col := func(f func(r *Result) float64) []float64 {
		out := make([]float64, len(rs))
		for c := range rs {
			out[c] = f(&rs[c])
		}
		return out
	}
	check := func(name string, x []float64, stanMean, stanSD float64) {
		m, _ := meanVar(x)
		tol := 4 * stanSD * math.Sqrt(1/float64(len(x))+1/32.0)
		if math.Abs(m-stanMean) > tol {
			t.Errorf("%s: mean over chains %.4f, Stan %.4f ± %.4f", name, m, stanMean, tol)
		}
		t.Logf("%s: %.4f (Stan %.4f ± %.4f)", name, m, stanMean, tol)
	}
	check("step size", col(func(r *Result) float64 { return r.StepSize }), 0.8170, 0.077)
	check("n_leapfrog", col(func(r *Result) float64 {
		var s float64
		for _, st := range r.Stats {
			s += float64(st.NumLeapfrog)
		}
		return s / float64(len(r.Stats))
	}), 4.638, 0.435)
	for _, e := range []struct {
		k        int
		mean, sd float64
	}{{0, 0.9592, 0.13}, {1, 2.6053, 0.415}, {4, 8.6926, 1.41}, {8, 0.2333, 0.035}} {
		check(fmt.Sprintf("inverse metric[%d]", e.k), col(func(r *Result) float64 { return r.InvMass[e.k] }), e.mean, e.sd)
	}
}
