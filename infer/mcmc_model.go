package infer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer/mcmc"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// MCMCOptions configure MCMC on a gyro model. The sampler settings are
// infer/mcmc's (NUTS by default, Stan's adaptation); NumChains chains run
// in parallel goroutines, each with its own runtime, tape and random
// stream derived from Seed, so results do not depend on GOMAXPROCS.
type MCMCOptions struct {
	mcmc.Options
	// NumChains is the number of chains (default 1).
	NumChains int
	// Init chooses initial points (default InitToUniform{Radius: 2}, as
	// Pyro's MCMC).
	Init InitStrategy
	// InitTries bounds the attempts at a finite initial point (default 100).
	InitTries int
	// Hook, when set, is called after every iteration of every chain
	// (warm-up included) with the chain index, the iteration number
	// (from 0, warm-up first), whether it was a warm-up iteration, the
	// transition's statistics and the unconstrained position (a view: copy
	// it to keep it). Chains call it from their own goroutines.
	Hook func(chain, iter int, warmup bool, st mcmc.Stats, x []float64)
	// Progress writes a progress bar (iterations/s, step size,
	// divergences per chain) to ProgressTo (default os.Stderr), updated
	// a few times a second; it is shown only when that is a terminal
	// unless ForceProgress is set.
	Progress      bool
	ProgressTo    io.Writer
	ForceProgress bool
}

// MCMC is Pyro's MCMC runner for a model: latent sites are found by
// tracing, sampled in unconstrained space (ModelPotential), and reported
// in constrained space.
type MCMC struct {
	model   poutine.Model
	opts    MCMCOptions
	pots    []*ModelPotential
	results []mcmc.Result
	sites   []LatentSite
	// values[k][c] holds site k's constrained draws of chain c, row-major
	// (draw-major, then the site's elements).
	values  [][][]float64
	elapsed time.Duration
}

// NewMCMC prepares MCMC of model. It traces the model once to find the
// latent sites; a model with none, or with discrete latent sites, is an
// error, as are invalid options.
func NewMCMC(model poutine.Model, opts MCMCOptions) (*MCMC, error) {
	if model == nil {
		return nil, errors.New("infer: NewMCMC: nil model")
	}
	if opts.NumSamples <= 0 {
		return nil, fmt.Errorf("infer: NewMCMC: NumSamples must be positive, got %d", opts.NumSamples)
	}
	if opts.NumWarmup < 0 {
		return nil, fmt.Errorf("infer: NewMCMC: NumWarmup must be non-negative, got %d", opts.NumWarmup)
	}
	if opts.NumChains == 0 {
		opts.NumChains = 1
	}
	if opts.NumChains < 0 {
		return nil, fmt.Errorf("infer: NewMCMC: NumChains must be positive, got %d", opts.NumChains)
	}
	if opts.Init == nil {
		opts.Init = InitToUniform{Radius: 2}
	}
	p, err := NewModelPotential(model, opts.Seed)
	if err != nil {
		return nil, err
	}
	m := &MCMC{model: model, opts: opts, sites: p.Sites()}
	m.pots = make([]*ModelPotential, opts.NumChains)
	m.pots[0] = p
	for c := 1; c < opts.NumChains; c++ {
		m.pots[c] = p.Clone(opts.Seed + uint64(c))
	}
	return m, nil
}

// Sites lists the latent sites in model order.
func (m *MCMC) Sites() []LatentSite { return m.sites }

// Run finds initial points and runs the chains (one goroutine each).
// Model errors, an initial point that cannot be found, and cancellation of
// ctx are returned; a failing chain cancels the others.
func (m *MCMC) Run(ctx context.Context) error {
	start := time.Now()
	rng := dist.NewRNG(m.opts.Seed ^ 0x1a17)
	inits := make([][]float64, len(m.pots))
	for c, p := range m.pots {
		x, err := FindInitial(p, m.opts.Init, rng.Split(), m.opts.InitTries)
		if err != nil {
			return fmt.Errorf("infer: MCMC chain %d: %w", c, err)
		}
		inits[c] = x
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nc := len(m.pots)
	prog := newProgress(m.opts, nc)
	results := make([]mcmc.Result, nc)
	errs := make([]error, nc)
	var wg sync.WaitGroup
	for c := range m.pots {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			results[c], errs[c] = m.runChain(ctx, c, inits[c], prog)
			if errs[c] != nil {
				cancel()
			}
		}(c)
	}
	stop := prog.start()
	wg.Wait()
	stop()
	for c, err := range errs {
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
				continue // cancelled because another chain failed
			}
			return fmt.Errorf("infer: MCMC chain %d: %w", c, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.results = results
	m.constrain()
	m.elapsed = time.Since(start)
	return nil
}

// runChain advances chain c through warm-up and sampling, recording the
// post-warm-up draws and statistics.
func (m *MCMC) runChain(ctx context.Context, c int, init []float64, prog *progress) (mcmc.Result, error) {
	o := m.opts.Options
	ch, err := mcmc.NewChain(m.pots[c].Potential, init, o, c)
	if err != nil {
		return mcmc.Result{}, err
	}
	d := len(init)
	res := mcmc.Result{Dim: d, Draws: make([]float64, 0, o.NumSamples*d), Stats: make([]mcmc.Stats, 0, o.NumSamples)}
	total := o.NumWarmup + o.NumSamples
	t0 := time.Now()
	var tw time.Time
	done := ctx.Done()
	for it := 0; it < total; it++ {
		if it&31 == 0 {
			select {
			case <-done:
				return mcmc.Result{}, ctx.Err()
			default:
			}
		}
		st, warm, err := ch.Step()
		if err != nil {
			return mcmc.Result{}, err
		}
		if !warm {
			if len(res.Stats) == 0 {
				tw = time.Now()
			}
			res.Draws = append(res.Draws, ch.Position()...)
			res.Stats = append(res.Stats, st)
			if st.Divergent {
				res.NumDivergent++
			}
		}
		if m.opts.Hook != nil {
			m.opts.Hook(c, it, warm, st, ch.Position())
		}
		prog.update(c, it+1, st, warm)
	}
	if tw.IsZero() {
		tw = time.Now()
	}
	res.WarmupTime = tw.Sub(t0)
	res.SampleTime = time.Since(tw)
	res.StepSize = ch.StepSize()
	res.InvMass = ch.InvMass(nil)
	res.NumGradients = ch.NumGradients()
	return res, nil
}

// constrain maps every draw to constrained space, per site and chain.
func (m *MCMC) constrain() {
	m.values = make([][][]float64, len(m.sites))
	for k := range m.values {
		m.values[k] = make([][]float64, len(m.results))
	}
	buf := make([][]float64, len(m.sites))
	for c, res := range m.results {
		n := len(res.Draws) / res.Dim
		for i := 0; i < n; i++ {
			for k := range buf {
				buf[k] = buf[k][:0]
			}
			buf = m.pots[c].Constrain(res.Draw(i), buf)
			for k := range m.sites {
				m.values[k][c] = append(m.values[k][c], buf[k]...)
			}
		}
	}
}

// Results are the raw per-chain results (unconstrained draws and
// statistics).
func (m *MCMC) Results() []mcmc.Result { return m.results }

// GetSamples returns each site's constrained draws with all chains
// concatenated: shape (chains·samples,) + site shape.
func (m *MCMC) GetSamples() map[string]*tensor.Dense {
	out := map[string]*tensor.Dense{}
	for k, s := range m.sites {
		var all []float64
		for _, v := range m.values[k] {
			all = append(all, v...)
		}
		n := len(all) / size(s.Shape)
		out[s.Name] = tensor.New(append([]int{n}, s.Shape...), all)
	}
	return out
}

// GetSamplesByChain returns each site's constrained draws per chain:
// shape (chains, samples) + site shape.
func (m *MCMC) GetSamplesByChain() map[string]*tensor.Dense {
	out := map[string]*tensor.Dense{}
	for k, s := range m.sites {
		var all []float64
		for _, v := range m.values[k] {
			all = append(all, v...)
		}
		nc := len(m.values[k])
		ns := 0
		if nc > 0 {
			ns = len(m.values[k][0]) / size(s.Shape)
		}
		out[s.Name] = tensor.New(append([]int{nc, ns}, s.Shape...), all)
	}
	return out
}

// ScalarParam is one scalar component of a latent site, named as Pyro's
// summary names it ("theta_tilde[3]", 0-based) with its per-chain draws.
type ScalarParam struct {
	Name   string
	Site   string
	Index  []int // position within the site (nil for a scalar site)
	Chains [][]float64
}

// ScalarParams lists every scalar component of every latent site, in site
// order and row-major within a site.
func (m *MCMC) ScalarParams() []ScalarParam {
	var out []ScalarParam
	for k, s := range m.sites {
		sz := size(s.Shape)
		for e := 0; e < sz; e++ {
			p := ScalarParam{Site: s.Name, Chains: make([][]float64, len(m.values[k]))}
			if len(s.Shape) > 0 {
				p.Index = unravel(e, s.Shape)
				p.Name = s.Name + "[" + joinInts(p.Index, ",") + "]"
			} else {
				p.Name = s.Name
			}
			for c, v := range m.values[k] {
				n := len(v) / sz
				ch := make([]float64, n)
				for i := 0; i < n; i++ {
					ch[i] = v[i*sz+e]
				}
				p.Chains[c] = ch
			}
			out = append(out, p)
		}
	}
	return out
}

func unravel(e int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = e % shape[d]
		e /= shape[d]
	}
	return idx
}

func joinInts(xs []int, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, sep)
}

// SiteSummary is one row of Summary.
type SiteSummary struct {
	Name string
	mcmc.ParamSummary
}

// Summaries computes the summary row of every scalar component, in
// constrained space: mean, sd, median, 5% and 95% quantiles, bulk and tail
// ESS (rank-normalized, Vehtari et al. 2021), MCSE and rank-normalized
// split R-hat.
func (m *MCMC) Summaries() ([]SiteSummary, error) {
	if m.results == nil {
		return nil, errors.New("infer: MCMC has not been run")
	}
	params := m.ScalarParams()
	out := make([]SiteSummary, 0, len(params))
	for _, p := range params {
		res := make([]mcmc.Result, len(p.Chains))
		for c, ch := range p.Chains {
			res[c] = mcmc.Result{Dim: 1, Draws: ch}
		}
		s, err := mcmc.Summarize(res)
		if err != nil {
			return nil, fmt.Errorf("infer: summary of %s: %w", p.Name, err)
		}
		out = append(out, SiteSummary{Name: p.Name, ParamSummary: s[0]})
	}
	return out, nil
}

// Diagnostics are run-level statistics over post-warm-up transitions.
type Diagnostics struct {
	NumDivergent    int
	MeanAccept      float64
	StepSizes       []float64 // per chain
	MeanTreeDepth   float64
	MaxTreeDepth    int
	NumGradients    int64
	MinESSBulk      float64
	MaxRHat         float64
	Elapsed         time.Duration
	GradientTime    time.Duration // mean wall time per gradient (all chains' gradients over total time × chains)
	MinESSPerSecond float64
}

// Diagnostics computes run-level statistics.
func (m *MCMC) Diagnostics() (Diagnostics, error) {
	sums, err := m.Summaries()
	if err != nil {
		return Diagnostics{}, err
	}
	var d Diagnostics
	n := 0
	d.MinESSBulk = math.Inf(1)
	for _, s := range sums {
		d.MinESSBulk = math.Min(d.MinESSBulk, s.ESSBulk)
		d.MaxRHat = math.Max(d.MaxRHat, s.RHat)
	}
	var wall time.Duration
	for _, r := range m.results {
		d.NumDivergent += r.NumDivergent
		d.StepSizes = append(d.StepSizes, r.StepSize)
		d.NumGradients += r.NumGradients
		wall += r.WarmupTime + r.SampleTime
		for _, st := range r.Stats {
			d.MeanAccept += st.AcceptStat
			d.MeanTreeDepth += float64(st.TreeDepth)
			if st.TreeDepth > d.MaxTreeDepth {
				d.MaxTreeDepth = st.TreeDepth
			}
			n++
		}
	}
	if n > 0 {
		d.MeanAccept /= float64(n)
		d.MeanTreeDepth /= float64(n)
	}
	if d.NumGradients > 0 {
		d.GradientTime = wall / time.Duration(d.NumGradients)
	}
	d.Elapsed = m.elapsed
	if m.elapsed > 0 {
		d.MinESSPerSecond = d.MinESSBulk / m.elapsed.Seconds()
	}
	return d, nil
}

// Summary prints Pyro's summary table (mean, std, median, 5.0%, 95.0%,
// n_eff, r_hat; n_eff is the rank-normalized bulk ESS and r_hat the
// rank-normalized split R-hat of Vehtari et al. 2021, where Pyro prints
// its own ESS and split Gelman–Rubin) and the number of divergences.
func (m *MCMC) Summary(w io.Writer) error {
	sums, err := m.Summaries()
	if err != nil {
		return err
	}
	width := 10
	for _, s := range sums {
		if len(s.Name) > width {
			width = len(s.Name)
		}
	}
	fmt.Fprintf(w, "\n%*s %9s %9s %9s %9s %9s %9s %9s\n", width, "", "mean", "std", "median", "5.0%", "95.0%", "n_eff", "r_hat")
	for _, s := range sums {
		fmt.Fprintf(w, "%*s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f\n", width, s.Name, s.Mean, s.SD, s.Median, s.Q5, s.Q95, s.ESSBulk, s.RHat)
	}
	div := 0
	for _, r := range m.results {
		div += r.NumDivergent
	}
	fmt.Fprintf(w, "\nNumber of divergences: %d\n", div)
	return nil
}

// WriteCmdStanCSV writes one CmdStan-format CSV per chain into dir
// (created if needed): output_1.csv, output_2.csv, … with CmdStan's
// header comments (sampler configuration), the columns lp__,
// accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__,
// energy__ and every parameter named as CmdStan names them (theta.1,
// theta.2, … 1-based, row-major for matrices: a.1.2), the adaptation
// comments (step size, inverse mass matrix) and the elapsed times, so
// that ArviZ's from_cmdstan and R's posterior/cmdstanr read them. Each
// file is written to a temporary file and renamed. It returns the paths.
func (m *MCMC) WriteCmdStanCSV(dir string) ([]string, error) {
	if m.results == nil {
		return nil, errors.New("infer: MCMC has not been run")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("infer: WriteCmdStanCSV: %w", err)
	}
	params := m.ScalarParams()
	var paths []string
	for c, res := range m.results {
		path := filepath.Join(dir, fmt.Sprintf("output_%d.csv", c+1))
		if err := m.writeChainCSV(path, c, res, params); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func (m *MCMC) writeChainCSV(path string, c int, res mcmc.Result, params []ScalarParam) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".cmdstan-*")
	if err != nil {
		return fmt.Errorf("infer: WriteCmdStanCSV: %w", err)
	}
	tmp := f.Name()
	w := bufio.NewWriter(f)
	o := m.opts
	engine, metric := "nuts", "diag_e"
	if o.Algorithm == mcmc.HMC {
		engine = "static"
	}
	if o.DenseMass {
		metric = "dense_e"
	}
	maxDepth := o.MaxTreeDepth
	if maxDepth == 0 {
		maxDepth = 10
	}
	delta := o.TargetAccept
	if delta == 0 {
		delta = 0.8
	}
	fmt.Fprintf(w, "# stan_version_major = 2\n# stan_version_minor = 21\n# stan_version_patch = 0\n")
	fmt.Fprintf(w, "# model = gyro_model\n# method = sample (Default)\n#   sample\n")
	fmt.Fprintf(w, "#     num_samples = %d\n#     num_warmup = %d\n#     save_warmup = 0 (Default)\n#     thin = 1 (Default)\n", o.NumSamples, o.NumWarmup)
	fmt.Fprintf(w, "#     adapt\n#       engaged = 1 (Default)\n#       gamma = 0.05 (Default)\n#       delta = %g\n#       kappa = 0.75 (Default)\n#       t0 = 10 (Default)\n", delta)
	fmt.Fprintf(w, "#       init_buffer = 75 (Default)\n#       term_buffer = 50 (Default)\n#       window = 25 (Default)\n")
	fmt.Fprintf(w, "#     algorithm = hmc (Default)\n#       hmc\n#         engine = %s\n", engine)
	if engine == "nuts" {
		fmt.Fprintf(w, "#           nuts\n#             max_depth = %d\n", maxDepth)
	}
	fmt.Fprintf(w, "#         metric = %s\n#         stepsize = 1 (Default)\n#         stepsize_jitter = 0 (Default)\n", metric)
	fmt.Fprintf(w, "# id = %d\n# random\n#   seed = %d\n# output\n#   file = %s\n# generator = gyro\n", c+1, o.Seed, filepath.Base(path))
	cols := []string{"lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__"}
	for _, p := range params {
		name := p.Site
		for _, i := range p.Index {
			name += "." + strconv.Itoa(i+1)
		}
		cols = append(cols, name)
	}
	fmt.Fprintln(w, strings.Join(cols, ","))
	fmt.Fprintf(w, "# Adaptation terminated\n# Step size = %s\n", fmtF(res.StepSize))
	if o.DenseMass {
		fmt.Fprintf(w, "# Elements of inverse mass matrix:\n")
		d := res.Dim
		for i := 0; i < d && len(res.InvMass) == d*d; i++ {
			row := make([]string, d)
			for j := range row {
				row[j] = fmtF(res.InvMass[i*d+j])
			}
			fmt.Fprintf(w, "# %s\n", strings.Join(row, ", "))
		}
	} else {
		fmt.Fprintf(w, "# Diagonal elements of inverse mass matrix:\n")
		row := make([]string, len(res.InvMass))
		for j, v := range res.InvMass {
			row[j] = fmtF(v)
		}
		fmt.Fprintf(w, "# %s\n", strings.Join(row, ", "))
	}
	n := len(res.Stats)
	vals := make([]string, len(cols))
	for i := 0; i < n; i++ {
		st := res.Stats[i]
		div := 0
		if st.Divergent {
			div = 1
		}
		vals[0] = fmtF(-st.Potential)
		vals[1] = fmtF(st.AcceptStat)
		vals[2] = fmtF(st.StepSize)
		vals[3] = strconv.Itoa(st.TreeDepth)
		vals[4] = strconv.Itoa(st.NumLeapfrog)
		vals[5] = strconv.Itoa(div)
		vals[6] = fmtF(st.Energy)
		for j, p := range params {
			vals[7+j] = fmtF(p.Chains[c][i])
		}
		fmt.Fprintln(w, strings.Join(vals, ","))
	}
	wu, sa := res.WarmupTime.Seconds(), res.SampleTime.Seconds()
	fmt.Fprintf(w, "# \n#  Elapsed Time: %.3f seconds (Warm-up)\n#                %.3f seconds (Sampling)\n#                %.3f seconds (Total)\n# \n", wu, sa, wu+sa)
	werr := w.Flush()
	serr := f.Sync()
	cerr := f.Close()
	if werr != nil || serr != nil || cerr != nil {
		os.Remove(tmp)
		return fmt.Errorf("infer: WriteCmdStanCSV %s: %v", path, errors.Join(werr, serr, cerr))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("infer: WriteCmdStanCSV: %w", err)
	}
	return nil
}

func fmtF(x float64) string { return strconv.FormatFloat(x, 'g', 8, 64) }
