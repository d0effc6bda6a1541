package bench

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
	"github.com/gyro-ppl/gyro/poutine"
)

// Stan's figures for the NUTS benchmarks as quoted in gyro's issue 8
// (constants from the issue text), used when stan/out/stan_bench.json is
// absent: microseconds per gradient and minimum bulk ESS per second.
const (
	StanEightSchoolsGradMicros = 2.2
	StanEightSchoolsESSPerSec  = 10000
	StanBreastCancerGradMicros = 64
	StanBreastCancerESSPerSec  = 280
)

// DefaultStanJSON is where make bench-stan writes Stan's figures, relative
// to the repository root.
const DefaultStanJSON = "stan/out/stan_bench.json"

// StanFigures are one model's figures from stan_bench.json.
type StanFigures struct {
	Model          string  `json:"model"`
	GradSeconds    float64 `json:"grad_seconds"`
	ESSPerSecond   float64 `json:"ess_bulk_per_second"`
	MinESSBulk     float64 `json:"min_ess_bulk"`
	CompileSeconds float64 `json:"compile_seconds"`
}

// StanBench is the part of stan_bench.json the suite reads.
type StanBench struct {
	Path         string        `json:"-"`
	StanVersion  string        `json:"stan_version"`
	RStanVersion string        `json:"rstan_version"`
	Date         string        `json:"date_utc"`
	Models       []StanFigures `json:"models"`
}

// Find returns the figures of the named model.
func (s *StanBench) Find(model string) (StanFigures, bool) {
	if s == nil {
		return StanFigures{}, false
	}
	for _, m := range s.Models {
		if m.Model == model {
			return m, true
		}
	}
	return StanFigures{}, false
}

// LoadStanBench reads stan_bench.json from path; when path is empty it
// tries DefaultStanJSON below the working directory and below the source
// tree this package was built from. A missing file gives (nil, nil); a
// malformed one an error naming it.
func LoadStanBench(path string) (*StanBench, error) {
	var tries []string
	if path != "" {
		tries = []string{path}
	} else {
		tries = []string{DefaultStanJSON}
		if _, file, _, ok := runtime.Caller(0); ok {
			tries = append(tries, filepath.Join(filepath.Dir(file), "..", DefaultStanJSON))
		}
	}
	for _, p := range tries {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		var s StanBench
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("bench: %s: malformed JSON: %v", p, err)
		}
		s.Path = p
		return &s, nil
	}
	if path != "" {
		return nil, fmt.Errorf("bench: Stan figures %s: file not found", path)
	}
	return nil, nil
}

// NUTSRun is the outcome of one NUTS benchmark run.
type NUTSRun struct {
	// GradTime is sampling time over post-warm-up leapfrog steps (one
	// gradient each), Stan's definition of time per gradient.
	GradTime time.Duration
	// MinESSBulk is the minimum bulk ESS over the sampled parameters and
	// ESSPerSecond that over warm-up + sampling time.
	MinESSBulk, ESSPerSecond float64
	Divergences              int
	Warmup, Sampling         time.Duration
	MeanTreeDepth            float64
}

// RunNUTS runs NUTS on model: 1 chain, the given warm-up and sample counts
// and seed, Stan's default adaptation.
func RunNUTS(ctx context.Context, model poutine.Model, warmup, samples int, seed uint64) (NUTSRun, error) {
	m, err := infer.NewMCMC(model, infer.MCMCOptions{Options: mcmc.Options{NumWarmup: warmup, NumSamples: samples, Seed: seed}, NumChains: 1})
	if err != nil {
		return NUTSRun{}, err
	}
	if err := m.Run(ctx); err != nil {
		return NUTSRun{}, err
	}
	res := m.Results()[0]
	sums, err := m.Summaries()
	if err != nil {
		return NUTSRun{}, err
	}
	out := NUTSRun{MinESSBulk: math.Inf(1), Divergences: res.NumDivergent, Warmup: res.WarmupTime, Sampling: res.SampleTime}
	for _, s := range sums {
		out.MinESSBulk = math.Min(out.MinESSBulk, s.ESSBulk)
	}
	leap := 0
	for _, st := range res.Stats {
		leap += st.NumLeapfrog
		out.MeanTreeDepth += float64(st.TreeDepth)
	}
	out.MeanTreeDepth /= float64(len(res.Stats))
	if leap > 0 {
		out.GradTime = res.SampleTime / time.Duration(leap)
	}
	if t := (res.WarmupTime + res.SampleTime).Seconds(); t > 0 {
		out.ESSPerSecond = out.MinESSBulk / t
	}
	return out, nil
}

// NUTSTables runs the nuts group: eight schools (non-centred) and the
// breast-cancer logistic regression against Stan, and the synthetic
// N=10000 D=50 logistic regression against the hand-written gradient.
func NUTSTables(opt Options) ([]*Table, error) {
	ctx := context.Background()
	warmup, samples := 1000, 1000
	if opt.Quick {
		warmup, samples = 100, 100
	}
	stan, err := LoadStanBench(opt.StanJSON)
	if err != nil {
		return nil, err
	}
	stanRef := func(model string, grad, ess float64) (g, e float64, name string) {
		if f, ok := stan.Find(model); ok {
			return f.GradSeconds * 1e9, f.ESSPerSecond, fmt.Sprintf("Stan %s (%s)", stan.StanVersion, filepath.Base(stan.Path))
		}
		return grad * 1e3, ess, "Stan (issue constant, not measured)"
	}
	var rows []Comparison
	var notes []string
	iters := fmt.Sprintf("1 chain, %d+%d", warmup, samples)

	esPath, err := models.DataPath(models.EightSchoolsFile)
	if err != nil {
		return nil, err
	}
	es, err := models.LoadEightSchools(esPath)
	if err != nil {
		return nil, err
	}
	bcPath, err := models.DataPath(models.BreastCancerFile)
	if err != nil {
		return nil, err
	}
	bc, err := models.LoadBreastCancer(bcPath)
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		label, stanModel string
		model            poutine.Model
		grad, ess        float64
		size             string
		repeats          int
	}{
		{"eight schools NC", "eight_schools_noncentered", models.EightSchoolsNonCentered(es), StanEightSchoolsGradMicros, StanEightSchoolsESSPerSec, "J=8, " + iters, 7},
		{"breast-cancer logistic", "breast_cancer_logistic", models.LogisticRegression(bc), StanBreastCancerGradMicros, StanBreastCancerESSPerSec,
			fmt.Sprintf("N=%d D=%d, %s", bc.N, bc.D, iters), 3},
	} {
		if opt.Quick {
			c.repeats = 1
		}
		opt.logf("NUTS %s (%s), %d run(s)…", c.label, iters, c.repeats)
		run, err := medianNUTS(ctx, c.model, warmup, samples, c.repeats)
		if err != nil {
			return nil, fmt.Errorf("bench: NUTS %s: %w", c.label, err)
		}
		g, e, name := stanRef(c.stanModel, c.grad, c.ess)
		rows = append(rows,
			Comparison{Name: c.label + ": time per gradient", Size: c.size, Unit: "ns", Gyro: float64(run.GradTime), Ref: g, RefName: name, AllocsPerOp: -1},
			Comparison{Name: c.label + ": min bulk ESS/s", Size: c.size, Unit: "ESS/s", Gyro: run.ESSPerSecond, Ref: e, RefName: name, HigherIsBetter: true, AllocsPerOp: -1})
		notes = append(notes, fmt.Sprintf("%s: median of %d runs (seeds 1…%d): min bulk ESS %.0f, warm-up %v, sampling %v, %d divergences, mean tree depth %.2f",
			c.label, c.repeats, c.repeats, run.MinESSBulk, run.Warmup.Round(time.Millisecond), run.Sampling.Round(time.Millisecond), run.Divergences, run.MeanTreeDepth))
	}

	// Synthetic logistic regression: NUTS's time per gradient and the model
	// potential's gradient against the hand-written floor, same run.
	n, d := logRegSize(opt.Quick)
	m, data, err := SyntheticLogReg(n, d)
	if err != nil {
		return nil, err
	}
	size := sizeLabel(n, d)
	model := models.LogisticRegression(data)
	pot, err := infer.NewModelPotential(model, 1)
	if err != nil {
		return nil, err
	}
	if pot.Dim() != m.Dim() {
		return nil, fmt.Errorf("bench: synthetic logistic regression: potential has %d coordinates, floor %d", pot.Dim(), m.Dim())
	}
	x := LogRegPoint(d)
	gp, gf := make([]float64, len(x)), make([]float64, len(x))
	// The potential is −log p of the same density: check before timing.
	if err := sameGrad("synthetic logistic regression potential", -pot.Potential(x, gp), m.Floor(x, gf), negate(gp), gf, 1e-9); err != nil {
		return nil, err
	}
	opt.logf("model potential vs hand-written gradient, %s…", size)
	rounds, batch := opt.timing()
	potErr := error(nil)
	tm := TimeCalls([]func(){
		must(func() error { return poutine.Catch(func() { pot.Potential(x, gp) }) }, &potErr),
		func() { m.Floor(x, gf) },
	}, make([]bool, 2), rounds, batch)
	if potErr != nil {
		return nil, potErr
	}
	opt.logf("NUTS synthetic logistic regression %s (%s)…", size, iters)
	run, err := RunNUTS(ctx, model, warmup, samples, 1)
	if err != nil {
		return nil, fmt.Errorf("bench: NUTS synthetic logistic regression: %w", err)
	}
	const floorName = "hand-written gradient (asm gemv, softplus/sigmoid; same run)"
	rows = append(rows,
		Comparison{Name: "synthetic logistic: model potential gradient", Size: size, Unit: "ns", Gyro: tm[0].NsPerOp, Ref: tm[1].NsPerOp,
			RefName: floorName, AllocsPerOp: tm[0].AllocsPerOp},
		Comparison{Name: "synthetic logistic: NUTS time per gradient", Size: size + ", " + iters, Unit: "ns", Gyro: float64(run.GradTime), Ref: tm[1].NsPerOp,
			RefName: floorName, Target: 1.5, AllocsPerOp: -1})
	if f, ok := stan.Find("synthetic_logistic_10000x50"); ok && !opt.Quick {
		rows = append(rows,
			Comparison{Name: "synthetic logistic: NUTS time per gradient", Size: size + ", " + iters, Unit: "ns", Gyro: float64(run.GradTime),
				Ref: f.GradSeconds * 1e9, RefName: fmt.Sprintf("Stan %s (%s)", stan.StanVersion, filepath.Base(stan.Path)), AllocsPerOp: -1},
			Comparison{Name: "synthetic logistic: min bulk ESS/s", Size: size + ", " + iters, Unit: "ESS/s", Gyro: run.ESSPerSecond,
				Ref: f.ESSPerSecond, RefName: fmt.Sprintf("Stan %s (%s)", stan.StanVersion, filepath.Base(stan.Path)), HigherIsBetter: true, AllocsPerOp: -1})
	}
	notes = append(notes, fmt.Sprintf("synthetic logistic: min bulk ESS %.0f, warm-up %v, sampling %v, %d divergences, mean tree depth %.2f",
		run.MinESSBulk, run.Warmup.Round(time.Millisecond), run.Sampling.Round(time.Millisecond), run.Divergences, run.MeanTreeDepth))
	notes = append(notes,
		"time per gradient: sampling time ÷ post-warm-up leapfrog steps (Stan's definition); ESS/s: minimum bulk ESS over the sampled parameters ÷ (warm-up + sampling) time, one chain; the synthetic model runs once (seed 1)",
		"gyro's times are wall-clock; stan_bench.json's are Stan's clock() (process CPU) times")
	if stan != nil {
		notes = append(notes, fmt.Sprintf("Stan figures read from %s (rstan %s, Stan %s, %s)", stan.Path, stan.RStanVersion, stan.StanVersion, stan.Date))
	} else {
		notes = append(notes, "Stan figures are constants from the issue text (Stan on another machine); run make bench-stan to measure Stan here and have this table read stan/out/stan_bench.json")
	}
	if opt.Quick {
		notes = append(notes, "quick run: shortened chains and a small synthetic data set; not comparable with Stan's figures")
	}
	return []*Table{ComparisonTable("nuts", "NUTS: time per gradient and ESS per second", rows, notes...)}, nil
}

// medianNUTS runs RunNUTS with seeds 1…repeats and returns the run whose
// time per gradient is the median, with ESSPerSecond replaced by the median
// over the runs (each figure's own median).
func medianNUTS(ctx context.Context, model poutine.Model, warmup, samples, repeats int) (NUTSRun, error) {
	runs := make([]NUTSRun, repeats)
	ess := make([]float64, repeats)
	for i := range runs {
		r, err := RunNUTS(ctx, model, warmup, samples, uint64(i+1))
		if err != nil {
			return NUTSRun{}, err
		}
		runs[i], ess[i] = r, r.ESSPerSecond
	}
	slices.SortFunc(runs, func(a, b NUTSRun) int { return cmp.Compare(a.GradTime, b.GradTime) })
	slices.Sort(ess)
	out := runs[repeats/2]
	out.ESSPerSecond = ess[repeats/2]
	return out, nil
}

func negate(g []float64) []float64 {
	out := make([]float64, len(g))
	for i, v := range g {
		out[i] = -v
	}
	return out
}

func init() {
	register(Group{
		Name:   "nuts",
		Help:   "NUTS on eight schools and breast-cancer logistic regression (time per gradient, ESS/s vs Stan) and synthetic N=10000 D=50 (vs the hand-written gradient)",
		Budget: 60 * time.Second,
		Run:    NUTSTables,
	})
}
