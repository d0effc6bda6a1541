package mcmc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Algorithm selects the transition kernel.
type Algorithm int

const (
	// NUTS is the No-U-Turn sampler with multinomial sampling and the
	// generalized U-turn criterion (Stan ≥ 2.21). It is the default.
	NUTS Algorithm = iota
	// HMC is static Hamiltonian Monte Carlo: a fixed number of leapfrog
	// steps (Options.NumSteps) or a fixed integration time
	// (Options.TrajectoryLength) and a Metropolis correction.
	HMC
)

func (a Algorithm) String() string {
	switch a {
	case NUTS:
		return "NUTS"
	case HMC:
		return "HMC"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Options configures a run. The zero value of every field selects Stan's
// (and Pyro's) default, so Options{NumWarmup: 1000, NumSamples: 1000} is
// NUTS with a diagonal mass matrix, target acceptance 0.8 and maximum tree
// depth 10, adapting step size and mass matrix during warm-up.
type Options struct {
	Algorithm  Algorithm
	NumWarmup  int    // warm-up (adaptation) iterations, ≥ 0; not returned unless SaveWarmup; 0: StepSize and InvMass are used as given
	NumSamples int    // post-warm-up draws, > 0
	Seed       uint64 // seeds the chains' PCG streams (see SampleChains)

	// StepSize is the initial leapfrog step size (default 1). With step
	// size adaptation it is only the starting point of Stan's search
	// (base_hmc::init_stepsize): from the current position, with fresh
	// momenta, ε is doubled (or halved) until the acceptance exp(−ΔH) of
	// one leapfrog step crosses 0.8. (Hoffman & Gelman's Algorithm 4 uses
	// 0.5; gyro follows Stan, as Pyro and NumPyro do.)
	StepSize float64
	// FixedStepSize turns step-size adaptation off.
	FixedStepSize bool
	// FixedMass turns mass-matrix adaptation off.
	FixedMass bool
	// DenseMass uses a dense (full) mass matrix instead of a diagonal one.
	DenseMass bool
	// InvMass is the initial inverse mass matrix: dim entries (diagonal)
	// or dim*dim row-major entries (DenseMass). Default: identity.
	InvMass []float64

	// Dual averaging (Hoffman & Gelman 2014 as in Stan). Defaults:
	// TargetAccept 0.8, Gamma 0.05, T0 10, Kappa 0.75. The prox center μ is
	// log(10·StepSize) at the start (Stan sets it from the user's step size,
	// before the initial step-size search) and log(10·ε) after each
	// re-initialisation of ε at the end of a metric window.
	TargetAccept float64
	Gamma        float64
	T0           float64
	Kappa        float64

	// Windowed metric adaptation (Stan). Defaults: 75, 25, 50. The
	// inverse mass matrix is re-estimated at the end of each slow window
	// (windows doubling from BaseWindow, the last stretched to the terminal
	// buffer) as (n/(n+5))·Σ̂ + 1e-3·(5/(n+5))·I from that window's n
	// draws. With fewer than 20 warm-up iterations the metric is not
	// adapted; when InitBuffer+BaseWindow+TermBuffer exceeds NumWarmup the
	// stages become 15%/75%/10% of NumWarmup.
	InitBuffer, BaseWindow, TermBuffer int

	// MaxTreeDepth bounds NUTS trajectories at 2^MaxTreeDepth leapfrog
	// steps (default 10).
	MaxTreeDepth int
	// MaxDeltaH is the energy error above which a transition is divergent
	// (default 1000).
	MaxDeltaH float64

	// HMC only: NumSteps > 0 fixes the number of leapfrog steps; otherwise
	// the steps are max(1, ⌊TrajectoryLength/ε⌋) with TrajectoryLength
	// defaulting to 2π (Pyro's default), capped at 2^20. (Pyro turns a
	// given num_steps into a fixed trajectory length step_size·num_steps
	// and re-derives the steps as the step size adapts; to get that, set
	// TrajectoryLength instead of NumSteps.)
	NumSteps         int
	TrajectoryLength float64

	// InitRetries > 0 allows that many attempts at a random initial point
	// drawn uniformly from [−2, 2]^dim (Stan's default initialisation) when
	// the potential or its gradient is not finite at the given init.
	InitRetries int

	// SaveWarmup keeps warm-up draws and statistics in the Result.
	SaveWarmup bool
}

func (o *Options) withDefaults() (Options, error) {
	c := *o
	if c.NumSamples <= 0 {
		return c, fmt.Errorf("mcmc: NumSamples must be positive, got %d", c.NumSamples)
	}
	if c.NumWarmup < 0 {
		return c, fmt.Errorf("mcmc: NumWarmup must be non-negative, got %d", c.NumWarmup)
	}
	if c.Algorithm != NUTS && c.Algorithm != HMC {
		return c, fmt.Errorf("mcmc: unknown algorithm %v", c.Algorithm)
	}
	def := func(v *float64, d float64, name string) error {
		if *v == 0 {
			*v = d
		}
		if !(*v > 0) || math.IsInf(*v, 0) {
			return fmt.Errorf("mcmc: %s must be positive and finite, got %v", name, *v)
		}
		return nil
	}
	for _, f := range []struct {
		v    *float64
		d    float64
		name string
	}{
		{&c.StepSize, 1, "StepSize"}, {&c.TargetAccept, 0.8, "TargetAccept"},
		{&c.Gamma, 0.05, "Gamma"}, {&c.T0, 10, "T0"}, {&c.Kappa, 0.75, "Kappa"},
		{&c.MaxDeltaH, 1000, "MaxDeltaH"}, {&c.TrajectoryLength, 2 * math.Pi, "TrajectoryLength"},
	} {
		if err := def(f.v, f.d, f.name); err != nil {
			return c, err
		}
	}
	if c.TargetAccept >= 1 {
		return c, fmt.Errorf("mcmc: TargetAccept must be in (0, 1), got %v", c.TargetAccept)
	}
	defi := func(v *int, d int, name string) error {
		if *v == 0 {
			*v = d
		}
		if *v < 0 {
			return fmt.Errorf("mcmc: %s must be non-negative, got %d", name, *v)
		}
		return nil
	}
	for _, f := range []struct {
		v    *int
		d    int
		name string
	}{
		{&c.InitBuffer, 75, "InitBuffer"}, {&c.BaseWindow, 25, "BaseWindow"}, {&c.TermBuffer, 50, "TermBuffer"},
		{&c.MaxTreeDepth, 10, "MaxTreeDepth"},
	} {
		if err := defi(f.v, f.d, f.name); err != nil {
			return c, err
		}
	}
	if c.NumSteps < 0 {
		return c, fmt.Errorf("mcmc: NumSteps must be non-negative, got %d", c.NumSteps)
	}
	if c.InitRetries < 0 {
		return c, fmt.Errorf("mcmc: InitRetries must be non-negative, got %d", c.InitRetries)
	}
	return c, nil
}

// Result holds one chain's draws and per-transition statistics.
type Result struct {
	Dim int
	// Draws holds NumSamples positions, row-major: draw i is
	// Draws[i*Dim : (i+1)*Dim].
	Draws []float64
	Stats []Stats
	// WarmupDraws and WarmupStats are filled when Options.SaveWarmup.
	WarmupDraws []float64
	WarmupStats []Stats
	// StepSize is the step size used after warm-up; InvMass the inverse
	// mass matrix (dim entries, or dim*dim when dense).
	StepSize float64
	InvMass  []float64
	// NumDivergent counts divergent post-warm-up transitions.
	NumDivergent int
	// NumGradients counts potential evaluations over the whole run
	// (warm-up and step-size searches included).
	NumGradients int64
	// WarmupTime and SampleTime are the wall-clock times of the two phases.
	WarmupTime, SampleTime time.Duration
}

// Draw returns draw i (a view into Draws).
func (r *Result) Draw(i int) []float64 { return r.Draws[i*r.Dim : (i+1)*r.Dim : (i+1)*r.Dim] }

// Param copies coordinate j of every draw into dst (grown as needed) and
// returns it.
func (r *Result) Param(j int, dst []float64) []float64 {
	n := len(r.Draws) / r.Dim
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	for i := 0; i < n; i++ {
		dst[i] = r.Draws[i*r.Dim+j]
	}
	return dst
}

// chainSeeds derives the two PCG seed words of chain c from one seed
// (SplitMix64 finalisers), so chains get unrelated streams.
func chainSeeds(seed uint64, c int) (uint64, uint64) {
	mix := func(z uint64) uint64 {
		z += 0x9e3779b97f4a7c15
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	a := mix(seed ^ mix(uint64(c)+0x632be59bd9b4e019))
	return a, mix(a)
}

// chain is one Markov chain with every buffer it needs.
type chain struct {
	opt   Options
	d     int
	rng   *rand.Rand
	h     *hamiltonian
	k     kernel
	cur   point
	trial point
	eps   float64
	da    dualAveraging
	win   windows
	wf    *welford
	mbuf  []float64
	iter  int // iterations done, warm-up included
}

func newChain(pot Potential, init []float64, opt Options, idx int) (*chain, error) {
	d := len(init)
	if d == 0 {
		return nil, errors.New("mcmc: init must have at least one coordinate")
	}
	s1, s2 := chainSeeds(opt.Seed, idx)
	c := &chain{opt: opt, d: d, rng: rand.New(rand.NewPCG(s1, s2))}
	c.h = &hamiltonian{pot: pot, m: newMetric(d, opt.DenseMass)}
	if opt.InvMass != nil {
		if err := c.h.m.setInverse(opt.InvMass); err != nil {
			return nil, err
		}
	}
	c.cur, c.trial = newPoint(d), newPoint(d)
	copy(c.cur.q, init)
	for i, v := range init {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("mcmc: init[%d] = %v is not finite", i, v)
		}
	}
	c.cur.u = c.h.eval(c.cur.q, c.cur.g)
	for try := 0; math.IsInf(c.cur.u, 1); try++ {
		if try >= opt.InitRetries {
			if opt.InitRetries == 0 {
				return nil, errors.New("mcmc: potential or its gradient is not finite at the initial point")
			}
			return nil, fmt.Errorf("mcmc: potential or its gradient is not finite at the initial point nor at %d random points in [-2, 2]^%d", opt.InitRetries, d)
		}
		for i := range c.cur.q {
			c.cur.q[i] = -2 + 4*c.rng.Float64()
		}
		c.cur.u = c.h.eval(c.cur.q, c.cur.g)
	}
	if opt.Algorithm == HMC {
		c.k = newStaticHMC(c.h, c.rng, d, opt.NumSteps, opt.TrajectoryLength, opt.MaxDeltaH)
	} else {
		c.k = newNUTS(c.h, c.rng, d, opt.MaxTreeDepth, opt.MaxDeltaH)
	}
	c.eps = opt.StepSize
	c.da = dualAveraging{mu: math.Log(10 * opt.StepSize), delta: opt.TargetAccept, gamma: opt.Gamma, kappa: opt.Kappa, t0: opt.T0}
	if !opt.FixedMass && opt.NumWarmup > 0 {
		c.win = newWindows(opt.NumWarmup, opt.InitBuffer, opt.TermBuffer, opt.BaseWindow)
		c.wf = newWelford(d, opt.DenseMass)
		c.mbuf = make([]float64, len(c.h.m.inv))
	}
	return c, nil
}

// initStepSize is Stan's base_hmc::init_stepsize: starting from the current
// step size, double (or halve) it while one leapfrog step from the current
// position with a fresh momentum keeps exp(ΔH) above (below) 0.8.
func (c *chain) initStepSize() error {
	eps := c.eps
	if eps == 0 || eps > 1e7 || math.IsNaN(eps) {
		return nil
	}
	logTarget := math.Log(0.8)
	trial := func() float64 {
		c.trial.set(&c.cur)
		c.h.m.sampleMomentum(c.rng, c.trial.p)
		h0 := c.h.energy(&c.trial)
		c.h.leapfrog(&c.trial, eps)
		return h0 - c.h.energy(&c.trial)
	}
	dir := -1
	if trial() > logTarget {
		dir = 1
	}
	for {
		dh := trial()
		if dir == 1 && !(dh > logTarget) {
			break
		}
		if dir == -1 && !(dh < logTarget) {
			break
		}
		if dir == 1 {
			eps *= 2
		} else {
			eps *= 0.5
		}
		if eps > 1e7 {
			return errors.New("mcmc: step size search diverged to > 1e7: the posterior looks improper")
		}
		if eps == 0 {
			return errors.New("mcmc: no acceptably small step size could be found: is the potential continuous?")
		}
	}
	c.eps = eps
	return nil
}

// warmupStep runs one warm-up transition and adapts.
func (c *chain) warmupStep() (Stats, error) {
	st := c.k.transition(&c.cur, c.eps)
	if !c.opt.FixedStepSize {
		c.eps = c.da.learn(st.AcceptStat)
	}
	if c.wf != nil {
		w := &c.win
		if w.inWindow() {
			c.wf.add(c.cur.q)
		}
		if w.endOfWindow() {
			w.computeNext()
			if err := c.wf.regularized(c.mbuf); err != nil {
				return st, err
			}
			if err := c.h.m.setInverse(c.mbuf); err != nil {
				return st, fmt.Errorf("mcmc: adapted mass matrix: %w", err)
			}
			c.wf.restart()
			w.counter++
			if !c.opt.FixedStepSize {
				if err := c.initStepSize(); err != nil {
					return st, err
				}
				c.da.mu = math.Log(10 * c.eps)
				c.da.restart()
			}
		} else {
			w.counter++
		}
	}
	return st, nil
}

// step advances the chain by one iteration: a warm-up transition with
// adaptation while warm-up iterations remain (the first one preceded by the
// initial step-size search), a plain transition afterwards.
func (c *chain) step() (st Stats, warmup bool, err error) {
	o := &c.opt
	if c.iter < o.NumWarmup {
		if c.iter == 0 && !o.FixedStepSize {
			if err := c.initStepSize(); err != nil {
				return st, true, err
			}
		}
		st, err = c.warmupStep()
		if err != nil {
			return st, true, err
		}
		c.iter++
		if c.iter == o.NumWarmup && !o.FixedStepSize {
			c.eps = c.da.final()
		}
		return st, true, nil
	}
	c.iter++
	return c.k.transition(&c.cur, c.eps), false, nil
}

func panicError(r any) error {
	if e, ok := r.(error); ok {
		return fmt.Errorf("mcmc: potential panicked: %w", e)
	}
	return fmt.Errorf("mcmc: potential panicked: %v", r)
}

func (c *chain) run(ctx context.Context) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r)
		}
	}()
	o := c.opt
	res.Dim = c.d
	res.Draws = make([]float64, o.NumSamples*c.d)
	res.Stats = make([]Stats, o.NumSamples)
	if o.SaveWarmup {
		res.WarmupDraws = make([]float64, o.NumWarmup*c.d)
		res.WarmupStats = make([]Stats, o.NumWarmup)
	}
	t0 := time.Now()
	for i := 0; i < o.NumWarmup; i++ {
		if err := ctx.Err(); err != nil {
			res.Draws, res.Stats = res.Draws[:0], res.Stats[:0]
			return res, err
		}
		st, _, err := c.step()
		if err != nil {
			return res, err
		}
		if o.SaveWarmup {
			copy(res.WarmupDraws[i*c.d:], c.cur.q)
			res.WarmupStats[i] = st
		}
	}
	t1 := time.Now()
	res.WarmupTime = t1.Sub(t0)
	for i := 0; i < o.NumSamples; i++ {
		if err := ctx.Err(); err != nil {
			// Keep what was sampled: the first i draws.
			res.Draws, res.Stats = res.Draws[:i*c.d], res.Stats[:i]
			res.SampleTime = time.Since(t1)
			res.StepSize = c.eps
			res.InvMass = append([]float64(nil), c.h.m.inv...)
			res.NumGradients = c.h.nGrad
			return res, err
		}
		st, _, _ := c.step()
		copy(res.Draws[i*c.d:], c.cur.q)
		res.Stats[i] = st
		if st.Divergent {
			res.NumDivergent++
		}
	}
	res.SampleTime = time.Since(t1)
	res.StepSize = c.eps
	res.InvMass = append([]float64(nil), c.h.m.inv...)
	res.NumGradients = c.h.nGrad
	return res, nil
}

// Sample runs one chain of NUTS or HMC on pot from init (which it does not
// modify) and returns its draws. The chain's random stream is chain 0 of
// SampleChains with the same seed, so Sample and the first chain of
// SampleChains agree draw for draw.
//
// Warm-up follows Stan: an initial step-size search, dual averaging of
// the step size at every warm-up iteration, and (unless FixedMass) the
// windowed estimation of the inverse mass matrix, the step size being
// searched again and dual averaging restarted after each window. After
// warm-up the step size is exp(x̄), the dual-averaging iterate average.
//
// Errors: invalid options, an init with a non-finite potential or
// gradient (see Options.InitRetries), a failed step-size search, a panic in
// pot (recovered), or ctx's error when it is cancelled; in the last case
// the Result holds the draws made before cancellation.
func Sample(ctx context.Context, pot Potential, init []float64, opts Options) (Result, error) {
	if pot == nil {
		return Result{}, errors.New("mcmc: nil potential")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	return sampleChain(ctx, pot, init, o, 0)
}

func sampleChain(ctx context.Context, pot Potential, init []float64, o Options, idx int) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (at the initial point)", panicError(r))
		}
	}()
	c, err := newChain(pot, init, o, idx)
	if err != nil {
		return Result{}, err
	}
	return c.run(ctx)
}

// SampleChains runs len(pots) chains concurrently, one goroutine each.
// Chain c samples pots[c] from inits[c] (a single init is shared by every
// chain) with its own PCG stream derived from opts.Seed and c, so results
// do not depend on GOMAXPROCS or scheduling. Pass the same Potential in
// several slots only if it is safe for concurrent use.
//
// If any chain fails, the others are cancelled and the errors are returned
// joined, each naming its chain.
func SampleChains(ctx context.Context, pots []Potential, inits [][]float64, opts Options) ([]Result, error) {
	if len(pots) == 0 {
		return nil, errors.New("mcmc: SampleChains needs at least one potential")
	}
	if len(inits) != 1 && len(inits) != len(pots) {
		return nil, fmt.Errorf("mcmc: SampleChains got %d inits for %d chains (want 1 or %d)", len(inits), len(pots), len(pots))
	}
	for c, p := range pots {
		if p == nil {
			return nil, fmt.Errorf("mcmc: chain %d: nil potential", c)
		}
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	res := make([]Result, len(pots))
	errs := make([]error, len(pots))
	var wg sync.WaitGroup
	for c := range pots {
		init := inits[0]
		if len(inits) > 1 {
			init = inits[c]
		}
		wg.Add(1)
		go func(c int, init []float64) {
			defer wg.Done()
			r, err := sampleChain(ctx, pots[c], init, o, c)
			res[c] = r
			if err != nil {
				errs[c] = err
				cancel()
			}
		}(c, init)
	}
	wg.Wait()
	// Report the chains that failed on their own, not the ones this
	// function cancelled because another chain failed.
	var failed []error
	parentDone := ctx.Err() != nil && parent.Err() != nil
	for c, err := range errs {
		if err == nil || (!parentDone && errors.Is(err, context.Canceled)) {
			continue
		}
		failed = append(failed, fmt.Errorf("chain %d: %w", c, err))
	}
	if len(failed) == 0 {
		for c, err := range errs {
			if err != nil {
				failed = append(failed, fmt.Errorf("chain %d: %w", c, err))
			}
		}
	}
	if err := errors.Join(failed...); err != nil {
		return res, err
	}
	return res, nil
}
