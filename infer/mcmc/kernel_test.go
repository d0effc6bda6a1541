package mcmc

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// corr2 is a 2-D Gaussian with standard deviations 1 and 3 and
// correlation 0.9: U(x) = ½ xᵀ Σ⁻¹ x.
var corr2Prec = func() [4]float64 {
	s1, s2, r := 1.0, 3.0, 0.9
	det := s1 * s1 * s2 * s2 * (1 - r*r)
	return [4]float64{s2 * s2 / det, -r * s1 * s2 / det, -r * s1 * s2 / det, s1 * s1 / det}
}()

func corr2(x, g []float64) float64 {
	p := &corr2Prec
	g[0] = p[0]*x[0] + p[1]*x[1]
	g[1] = p[2]*x[0] + p[3]*x[1]
	return 0.5 * (x[0]*g[0] + x[1]*g[1])
}

func testCorr2(t *testing.T, dense bool) {
	r, err := Sample(context.Background(), corr2, []float64{1, -1}, Options{NumWarmup: 1000, NumSamples: 4000, Seed: 7, DenseMass: dense})
	if err != nil {
		t.Fatal(err)
	}
	checkMoments(t, &r, []float64{0, 0}, []float64{1, 9}, 4)
	// Correlation.
	x, y := r.Param(0, nil), r.Param(1, nil)
	var sxy float64
	for i := range x {
		sxy += x[i] * y[i]
	}
	cov := sxy / float64(len(x))
	if math.Abs(cov-2.7) > 0.5 {
		t.Errorf("covariance %.3f, want 2.7", cov)
	}
	if dense {
		// The adapted M⁻¹ should approach Σ = [[1, 2.7], [2.7, 9]].
		want := []float64{1, 2.7, 2.7, 9}
		for i, v := range r.InvMass {
			if math.Abs(v-want[i]) > 0.35*math.Abs(want[i]) {
				t.Errorf("dense inverse mass[%d] = %.3f, want ≈ %.2f", i, v, want[i])
			}
		}
	} else if math.Abs(r.InvMass[1]/r.InvMass[0]-9) > 4 {
		t.Errorf("diagonal inverse mass %v, want ratio ≈ 9", r.InvMass)
	}
	var depth float64
	for _, s := range r.Stats {
		depth += float64(s.TreeDepth)
	}
	t.Logf("dense=%v step %.3f, mean tree depth %.2f, ESS bulk %.0f/%.0f", dense, r.StepSize, depth/float64(len(r.Stats)), ESSBulk([][]float64{x}), ESSBulk([][]float64{y}))
}

func TestNUTSCorrelated2DDiag(t *testing.T)  { testCorr2(t, false) }
func TestNUTSCorrelated2DDense(t *testing.T) { testCorr2(t, true) }

func TestHMCStandardNormal(t *testing.T) {
	const d = 10
	init := make([]float64, d)
	for _, o := range []Options{
		{Algorithm: HMC, NumWarmup: 500, NumSamples: 2000, Seed: 3, NumSteps: 10},
		{Algorithm: HMC, NumWarmup: 500, NumSamples: 2000, Seed: 4, TrajectoryLength: 3},
	} {
		r, err := Sample(context.Background(), stdNormal, init, o)
		if err != nil {
			t.Fatal(err)
		}
		mean := make([]float64, d)
		vars := make([]float64, d)
		for i := range vars {
			vars[i] = 1
		}
		checkMoments(t, &r, mean, vars, 4)
		for _, s := range r.Stats {
			if o.NumSteps > 0 && s.NumLeapfrog != o.NumSteps {
				t.Fatalf("HMC took %d steps, want %d", s.NumLeapfrog, o.NumSteps)
			}
			if o.NumSteps == 0 && s.NumLeapfrog != max(1, int(o.TrajectoryLength/r.StepSize)) {
				t.Fatalf("HMC took %d steps with ε=%g, want ⌊3/ε⌋", s.NumLeapfrog, r.StepSize)
			}
		}
	}
}

func TestDeterminismAndChains(t *testing.T) {
	init := []float64{0.5, -0.3, 1, 2}
	o := Options{NumWarmup: 200, NumSamples: 300, Seed: 99}
	pot := func(x, g []float64) float64 { return stdNormal(x, g) }
	a, err := Sample(context.Background(), pot, init, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Sample(context.Background(), pot, init, o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Draws, b.Draws) || !slices.Equal(a.Stats, b.Stats) {
		t.Fatal("same seed gave different draws")
	}
	if init[0] != 0.5 {
		t.Fatal("Sample modified init")
	}
	o2 := o
	o2.Seed = 100
	c, _ := Sample(context.Background(), pot, init, o2)
	if slices.Equal(a.Draws, c.Draws) {
		t.Fatal("different seeds gave identical draws")
	}
	pots := []Potential{pot, pot, pot, pot}
	run := func(procs int) []Result {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		rs, err := SampleChains(context.Background(), pots, [][]float64{init}, o)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	r1, r2 := run(1), run(4)
	for k := range r1 {
		if !slices.Equal(r1[k].Draws, r2[k].Draws) {
			t.Fatalf("chain %d depends on GOMAXPROCS", k)
		}
	}
	if !slices.Equal(r1[0].Draws, a.Draws) {
		t.Fatal("chain 0 of SampleChains differs from Sample with the same seed")
	}
	if slices.Equal(r1[0].Draws, r1[1].Draws) {
		t.Fatal("chains 0 and 1 share a random stream")
	}
	chains := make([][]float64, len(r1))
	for k := range r1 {
		chains[k] = r1[k].Param(0, nil)
	}
	if rh := RHat(chains); !(rh < 1.05) {
		t.Errorf("R-hat %.3f over 4 chains of a standard normal", rh)
	}
}

func TestZeroAllocTransition(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"nuts-diag", Options{NumSamples: 1}},
		{"nuts-dense", Options{NumSamples: 1, DenseMass: true}},
		{"hmc", Options{NumSamples: 1, Algorithm: HMC, NumSteps: 7}},
	} {
		o, err := tc.o.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		o.NumWarmup = 100
		init := make([]float64, 10)
		for i := range init {
			init[i] = 0.1 * float64(i)
		}
		c, err := newChain(stdNormal, init, o, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.initStepSize(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 20; i++ {
			if _, err := c.warmupStep(); err != nil {
				t.Fatal(err)
			}
		}
		if a := testing.AllocsPerRun(50, func() { c.k.transition(&c.cur, c.eps) }); a != 0 {
			t.Errorf("%s: %v allocations per transition", tc.name, a)
		}
		if a := testing.AllocsPerRun(50, func() {
			if _, err := c.warmupStep(); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("%s: %v allocations per warm-up transition", tc.name, a)
		}
	}
}

func TestNUTSOneGradientPerLeapfrog(t *testing.T) {
	calls := 0
	pot := func(x, g []float64) float64 { calls++; return stdNormal(x, g) }
	r, err := Sample(context.Background(), pot, []float64{1, 2, 3}, Options{NumSamples: 200, FixedStepSize: true, StepSize: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, s := range r.Stats {
		steps += s.NumLeapfrog
		if s.NumLeapfrog < 1<<(s.TreeDepth)-1 || s.NumLeapfrog > 1<<(s.TreeDepth+1)-1 {
			t.Fatalf("tree depth %d with %d leapfrog steps", s.TreeDepth, s.NumLeapfrog)
		}
	}
	if calls != steps+1 || r.NumGradients != int64(calls) {
		t.Fatalf("%d potential calls for %d leapfrog steps (+1 at init), NumGradients %d", calls, steps, r.NumGradients)
	}
}

func TestMaxTreeDepth(t *testing.T) {
	// A tiny fixed step on a standard normal saturates the tree.
	r, err := Sample(context.Background(), stdNormal, []float64{1, 0}, Options{NumSamples: 5, FixedStepSize: true, StepSize: 1e-3, MaxTreeDepth: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Stats {
		if s.TreeDepth != 4 || s.NumLeapfrog != 15 {
			t.Fatalf("depth %d, %d steps; want 4 and 15", s.TreeDepth, s.NumLeapfrog)
		}
	}
}

func TestDivergence(t *testing.T) {
	// A huge step on a stiff quadratic diverges at once; a NaN region too.
	stiff := func(x, g []float64) float64 { g[0] = 1e6 * x[0]; return 0.5e6 * x[0] * x[0] }
	r, err := Sample(context.Background(), stiff, []float64{0.01}, Options{NumSamples: 20, FixedStepSize: true, StepSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.NumDivergent != 20 {
		t.Fatalf("%d divergent of 20", r.NumDivergent)
	}
	for i, s := range r.Stats {
		if !s.Divergent || r.Draws[i] != 0.01 {
			t.Fatalf("transition %d: divergent=%v draw %v (must stay at the start)", i, s.Divergent, r.Draws[i])
		}
	}
	// NaN outside x > 0 (a half-line support): divergences, never a NaN draw.
	half := func(x, g []float64) float64 {
		if x[0] <= 0 {
			return math.NaN()
		}
		g[0] = 1 - 1/x[0] // Gamma(2, 1) in x
		return x[0] - math.Log(x[0])
	}
	r, err = Sample(context.Background(), half, []float64{1}, Options{NumWarmup: 300, NumSamples: 1000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := meanVar(r.Draws)
	for _, v := range r.Draws {
		if !(v > 0) {
			t.Fatalf("draw %v outside the support", v)
		}
	}
	if math.Abs(m-2) > 0.3 {
		t.Errorf("Gamma(2,1) mean %.3f, want 2", m)
	}
}

func TestSampleErrors(t *testing.T) {
	ctx := context.Background()
	nanPot := func(x, g []float64) float64 { return math.NaN() }
	cases := []struct {
		name string
		pot  Potential
		init []float64
		o    Options
		want string
	}{
		{"no samples", stdNormal, []float64{0}, Options{}, "NumSamples"},
		{"negative warmup", stdNormal, []float64{0}, Options{NumSamples: 1, NumWarmup: -1}, "NumWarmup"},
		{"empty init", stdNormal, nil, Options{NumSamples: 1}, "init"},
		{"nan init", stdNormal, []float64{math.NaN()}, Options{NumSamples: 1}, "init[0]"},
		{"nan potential", nanPot, []float64{0}, Options{NumSamples: 1}, "not finite at the initial point"},
		{"nan potential retries", nanPot, []float64{0}, Options{NumSamples: 1, InitRetries: 5}, "5 random points"},
		{"bad target", stdNormal, []float64{0}, Options{NumSamples: 1, TargetAccept: 1.5}, "TargetAccept"},
		{"bad mass", stdNormal, []float64{0, 0}, Options{NumSamples: 1, InvMass: []float64{1}}, "inverse mass"},
		{"nil potential", nil, []float64{0}, Options{NumSamples: 1}, "nil potential"},
		{"panic", func(x, g []float64) float64 {
			if x[0] > 0.5 || x[0] < -0.5 {
				panic(errors.New("boom"))
			}
			return stdNormal(x, g)
		}, []float64{0}, Options{NumSamples: 100}, "boom"},
	}
	for _, c := range cases {
		_, err := Sample(ctx, c.pot, c.init, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	// Retries find a finite point away from a bad init.
	bad := func(x, g []float64) float64 {
		if x[0] == 7 {
			return math.Inf(1)
		}
		return stdNormal(x, g)
	}
	if _, err := Sample(ctx, bad, []float64{7}, Options{NumSamples: 5, InitRetries: 3}); err != nil {
		t.Errorf("InitRetries: %v", err)
	}
	// Cancellation.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Sample(cctx, stdNormal, []float64{0}, Options{NumSamples: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if _, err := SampleChains(cctx, []Potential{stdNormal, stdNormal}, [][]float64{{0}}, Options{NumSamples: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context (chains): %v", err)
	}
	if _, err := SampleChains(ctx, []Potential{stdNormal, stdNormal}, [][]float64{{0}, {0}, {0}}, Options{NumSamples: 10}); err == nil {
		t.Error("SampleChains accepted 3 inits for 2 chains")
	}
}

func TestWindowsScheduleMatchesStan(t *testing.T) {
	ends := func(w windows) []int {
		var out []int
		for i := 0; i < w.numWarmup; i++ {
			if w.endOfWindow() {
				w.computeNext()
				out = append(out, w.counter)
			}
			w.counter++
		}
		return out
	}
	// Stan's default schedule for 1000 warm-up iterations: metric updates
	// after iterations 100, 150, 250, 450 and 950 (0-based 99 … 949).
	if got := ends(newWindows(1000, 75, 50, 25)); !slices.Equal(got, []int{99, 149, 249, 449, 949}) {
		t.Errorf("windows for 1000: %v", got)
	}
	// 100 warm-up iterations: 15 / 75 / 10, one window ending at 89.
	w := newWindows(100, 75, 50, 25)
	if w.initBuf != 15 || w.termBuf != 10 || w.base != 75 {
		t.Errorf("rescaled buffers %d/%d/%d, want 15/75/10", w.initBuf, w.base, w.termBuf)
	}
	if got := ends(w); !slices.Equal(got, []int{89}) {
		t.Errorf("windows for 100: %v", got)
	}
	if got := ends(newWindows(19, 75, 50, 25)); got != nil {
		t.Errorf("no metric adaptation expected below 20 warm-up iterations, got %v", got)
	}
}

func TestDualAveragingConverges(t *testing.T) {
	// With accept = exp(−ε) the target 0.8 is reached at ε = −log 0.8.
	da := dualAveraging{mu: math.Log(10), delta: 0.8, gamma: 0.05, t0: 10, kappa: 0.75}
	eps := 1.0
	for i := 0; i < 2000; i++ {
		eps = da.learn(math.Exp(-eps))
	}
	if want := -math.Log(0.8); math.Abs(da.final()-want) > 0.01 {
		t.Errorf("dual averaging settled at %.4f, want %.4f", da.final(), want)
	}
}

func TestWelfordRegularization(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := newWelford(2, false)
	wd := newWelford(2, true)
	var xs [][]float64
	for i := 0; i < 50; i++ {
		x := []float64{rng.NormFloat64(), 3 * rng.NormFloat64()}
		xs = append(xs, x)
		w.add(x)
		wd.add(x)
	}
	var col0, col1 []float64
	for _, x := range xs {
		col0 = append(col0, x[0])
		col1 = append(col1, x[1])
	}
	_, v0 := meanVar(col0)
	_, v1 := meanVar(col1)
	got := make([]float64, 2)
	if err := w.regularized(got); err != nil {
		t.Fatal(err)
	}
	n := 50.0
	for i, v := range []float64{v0, v1} {
		want := n/(n+5)*v + 1e-3*5/(n+5)
		if math.Abs(got[i]-want) > 1e-12*want {
			t.Errorf("regularized var[%d] = %v, want %v", i, got[i], want)
		}
	}
	gd := make([]float64, 4)
	if err := wd.regularized(gd); err != nil {
		t.Fatal(err)
	}
	if math.Abs(gd[0]-got[0]) > 1e-12 || math.Abs(gd[3]-got[1]) > 1e-12 || gd[1] != gd[2] {
		t.Errorf("dense regularized %v vs diagonal %v", gd, got)
	}
}

func TestChainMatchesSample(t *testing.T) {
	o := Options{NumWarmup: 150, NumSamples: 200, Seed: 8}
	init := []float64{0.3, -1, 2}
	r, err := Sample(context.Background(), stdNormal, init, o)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := NewChain(stdNormal, init, Options{NumWarmup: 150, Seed: 8}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 150; i++ {
		if !ch.InWarmup() {
			t.Fatal("warm-up ended early")
		}
		if _, w, err := ch.Step(); err != nil || !w {
			t.Fatalf("warm-up step %d: %v %v", i, w, err)
		}
	}
	if ch.InWarmup() || ch.StepSize() != r.StepSize || !slices.Equal(ch.InvMass(nil), r.InvMass) {
		t.Fatalf("after warm-up: step size %v vs %v", ch.StepSize(), r.StepSize)
	}
	for i := 0; i < 200; i++ {
		st, w, err := ch.Step()
		if err != nil || w {
			t.Fatal(err, w)
		}
		if !slices.Equal(ch.Position(), r.Draw(i)) || st != r.Stats[i] {
			t.Fatalf("draw %d differs from Sample's", i)
		}
	}
	if a := testing.AllocsPerRun(100, func() { ch.Step() }); a != 0 {
		t.Errorf("Chain.Step allocates %v times", a)
	}
	// A panicking potential is reported by Step.
	calls := 0
	bomb := func(x, g []float64) float64 {
		calls++
		if calls > 5 {
			panic("kaboom")
		}
		return stdNormal(x, g)
	}
	ch, err = NewChain(bomb, init, Options{FixedStepSize: true, StepSize: 0.1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var perr error
	for i := 0; i < 10 && perr == nil; i++ {
		_, _, perr = ch.Step()
	}
	if perr == nil || !strings.Contains(perr.Error(), "kaboom") {
		t.Errorf("panic not reported: %v", perr)
	}
	if _, err := NewChain(stdNormal, init, Options{}, -1); err == nil {
		t.Error("negative chain index accepted")
	}
}

func TestNegInfPotential(t *testing.T) {
	// U = −Inf at the start is refused; elsewhere it counts as divergent.
	spike := func(x, g []float64) float64 {
		if x[0] == 0 {
			return math.Inf(-1)
		}
		return stdNormal(x, g)
	}
	if _, err := Sample(context.Background(), spike, []float64{0}, Options{NumSamples: 1}); err == nil {
		t.Error("−Inf potential at init accepted")
	}
	grad := func(x, g []float64) float64 { // finite U, NaN gradient for x > 3
		u := stdNormal(x, g)
		if x[0] > 3 {
			g[0] = math.NaN()
		}
		return u
	}
	r, err := Sample(context.Background(), grad, []float64{0}, Options{NumWarmup: 100, NumSamples: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range r.Draws {
		if !(v <= 3) {
			t.Fatalf("draw %v where the gradient is NaN", v)
		}
	}
}

func TestDenseInvMassValidation(t *testing.T) {
	ctx := context.Background()
	for name, inv := range map[string][]float64{
		"asymmetric":   {1, 0.5, 0.4, 1},
		"not posdef":   {1, 2, 2, 1},
		"non-finite":   {1, math.NaN(), math.NaN(), 1},
		"wrong length": {1, 0, 0},
	} {
		if _, err := Sample(ctx, stdNormal, []float64{0, 0}, Options{NumSamples: 1, DenseMass: true, InvMass: inv}); err == nil {
			t.Errorf("%s dense inverse mass accepted", name)
		}
	}
	// Rounding-level asymmetry is fine.
	if _, err := Sample(ctx, stdNormal, []float64{0, 0}, Options{NumSamples: 1, DenseMass: true, InvMass: []float64{1, 0.3, 0.3 * (1 + 1e-14), 2}}); err != nil {
		t.Errorf("nearly symmetric inverse mass refused: %v", err)
	}
	if _, err := Sample(ctx, stdNormal, []float64{0, 0}, Options{NumSamples: 1, InvMass: []float64{1, -1}}); err == nil {
		t.Error("negative diagonal inverse mass accepted")
	}
}

func TestSaveWarmupAndSummarize(t *testing.T) {
	r, err := Sample(context.Background(), stdNormal, []float64{3, -3}, Options{NumWarmup: 60, NumSamples: 40, SaveWarmup: true, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.WarmupDraws) != 120 || len(r.WarmupStats) != 60 || len(r.Draws) != 80 {
		t.Fatalf("lengths: warm-up draws %d, stats %d, draws %d", len(r.WarmupDraws), len(r.WarmupStats), len(r.Draws))
	}
	if r.WarmupDraws[118] == 3 || r.WarmupDraws[119] == -3 {
		t.Error("warm-up never moved from the initial point")
	}
	for i, st := range r.WarmupStats {
		if st.StepSize <= 0 || st.NumLeapfrog < 1 {
			t.Fatalf("warm-up stats %d: %+v", i, st)
		}
	}
	if e := EBFMI(r.Stats); !(e > 0.3) {
		t.Errorf("E-BFMI %.3f on a standard normal", e)
	}
	if !math.IsNaN(EBFMI(r.Stats[:1])) {
		t.Error("E-BFMI of one transition should be NaN")
	}
	s, err := Summarize([]Result{r, r})
	if err != nil || len(s) != 2 {
		t.Fatal(err)
	}
	x := r.Param(0, nil)
	m, v := meanVar(x)
	if math.Abs(s[0].Mean-m) > 1e-12 || math.Abs(s[0].SD-math.Sqrt(v)) > 0.02 || !(s[0].Q5 < s[0].Median && s[0].Median < s[0].Q95) {
		t.Errorf("summary %+v vs mean %v sd %v", s[0], m, math.Sqrt(v))
	}
	if _, err := Summarize(nil); err == nil {
		t.Error("Summarize(nil) succeeded")
	}
	short := r
	short.Draws = r.Draws[:40]
	if _, err := Summarize([]Result{r, short}); err == nil {
		t.Error("Summarize accepted chains of different lengths")
	}
}

func TestCancelMidRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	slow := func(x, g []float64) float64 {
		calls++
		if calls == 2000 {
			cancel()
		}
		return stdNormal(x, g)
	}
	r, err := Sample(ctx, slow, []float64{0, 0}, Options{NumWarmup: 100, NumSamples: 100000, Seed: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if len(r.Stats) == 0 || len(r.Draws) != 2*len(r.Stats) || len(r.Stats) >= 100000 {
		t.Fatalf("partial result: %d stats, %d draw values", len(r.Stats), len(r.Draws))
	}
	if last := r.Draw(len(r.Stats) - 1); last[0] == 0 && last[1] == 0 {
		t.Fatal("partial result ends in unfilled draws")
	}
	if calls > 2000+1100 { // at most one more transition (≤ 2^10 steps) after cancel
		t.Fatalf("%d potential calls: cancellation not honoured promptly", calls)
	}
	// One chain failing cancels the others, and only its error is reported.
	bad := func(x, g []float64) float64 {
		if x[0] > 1.5 {
			panic("chain blew up")
		}
		return stdNormal(x, g)
	}
	_, err = SampleChains(context.Background(), []Potential{stdNormal, bad, stdNormal}, [][]float64{{0}}, Options{NumWarmup: 100, NumSamples: 1000000})
	if err == nil || !strings.Contains(err.Error(), "chain 1") || strings.Contains(err.Error(), "chain 0") || strings.Contains(err.Error(), "chain 2") {
		t.Fatalf("SampleChains error %v, want only chain 1's", err)
	}
}
