package infer

import (
	"bufio"
	"bytes"
	"context"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gyro-ppl/gyro/infer/mcmc"
)

// NUTS on the conjugate Normal–Normal model: the posterior mean and sd of
// mu (Σy/6, 1/√6) within 4 Monte Carlo standard errors.
func TestMCMCNormalNormal(t *testing.T) {
	m, err := NewMCMC(nnModel, MCMCOptions{Options: mcmc.Options{NumWarmup: 500, NumSamples: 1000, Seed: 3}, NumChains: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sums, err := m.Summaries()
	if err != nil {
		t.Fatal(err)
	}
	s := sums[0]
	if s.Name != "mu" {
		t.Fatalf("first row %q", s.Name)
	}
	if want := 4.9 / 6; math.Abs(s.Mean-want) > 4*s.MCSEMean {
		t.Fatalf("posterior mean %v ± %v, want %v", s.Mean, s.MCSEMean, want)
	}
	if want := 1 / math.Sqrt(6); math.Abs(s.SD-want) > 0.05*want {
		t.Fatalf("posterior sd %v, want %v", s.SD, want)
	}
	if got := m.GetSamples()["mu"].Shape(); len(got) != 1 || got[0] != 2000 {
		t.Fatalf("GetSamples shape %v", got)
	}
	if got := m.GetSamplesByChain()["mu"].Shape(); len(got) != 2 || got[0] != 2 || got[1] != 1000 {
		t.Fatalf("GetSamplesByChain shape %v", got)
	}
}

// Eight schools non-centred: constrained samples (tau > 0), no divergences
// after warm-up, Pyro's summary table, CmdStan CSV that reads back.
func TestMCMCEightSchoolsOutputs(t *testing.T) {
	m, err := NewMCMC(eightSchoolsNC, MCMCOptions{Options: mcmc.Options{NumWarmup: 500, NumSamples: 500, Seed: 1}, NumChains: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, v := range m.GetSamples()["tau"].Data() {
		if !(v > 0) {
			t.Fatalf("tau draw %v outside its support", v)
		}
	}
	d, err := m.Diagnostics()
	if err != nil {
		t.Fatal(err)
	}
	if d.NumDivergent != 0 {
		t.Errorf("%d divergences in the non-centred model", d.NumDivergent)
	}
	if d.MaxRHat > 1.05 || d.MinESSBulk < 100 {
		t.Errorf("max r_hat %v, min ESS %v", d.MaxRHat, d.MinESSBulk)
	}
	var buf bytes.Buffer
	if err := m.Summary(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"mean", "std", "median", "5.0%", "95.0%", "n_eff", "r_hat", "theta_tilde[7]", "Number of divergences: 0"} {
		if !strings.Contains(out, want) {
			t.Fatalf("summary lacks %q:\n%s", want, out)
		}
	}
	paths, err := m.WriteCmdStanCSV(t.TempDir())
	if err != nil || len(paths) != 2 {
		t.Fatalf("paths %v err %v", paths, err)
	}
	f, err := os.Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var header []string
	rows := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if header == nil {
			header = strings.Split(line, ",")
			continue
		}
		if n := len(strings.Split(line, ",")); n != len(header) {
			t.Fatalf("row has %d fields, header %d", n, len(header))
		}
		rows++
	}
	if rows != 500 || header[0] != "lp__" || header[6] != "energy__" || header[7] != "mu" || header[9] != "theta_tilde.1" || len(header) != 17 {
		t.Fatalf("rows %d header %v", rows, header)
	}
}

func TestMCMCErrors(t *testing.T) {
	if _, err := NewMCMC(nnModel, MCMCOptions{Options: mcmc.Options{NumSamples: 0}}); err == nil {
		t.Fatal("NumSamples 0 accepted")
	}
	m, _ := NewMCMC(nnModel, MCMCOptions{Options: mcmc.Options{NumSamples: 10}})
	if _, err := m.Summaries(); err == nil {
		t.Fatal("summary before Run accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m2, _ := NewMCMC(nnModel, MCMCOptions{Options: mcmc.Options{NumWarmup: 100, NumSamples: 100}})
	if err := m2.Run(ctx); err == nil {
		t.Fatal("cancelled context not reported")
	}
}

// The hook sees every iteration of every chain; a forced progress bar
// writes its final state; the same seed gives identical draws whatever
// GOMAXPROCS is.
func TestMCMCHookProgressDeterminism(t *testing.T) {
	run := func(procs int, hook bool) (*MCMC, int64, string) {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		var calls atomic.Int64
		var buf bytes.Buffer
		opts := MCMCOptions{Options: mcmc.Options{NumWarmup: 100, NumSamples: 100, Seed: 5}, NumChains: 3}
		if hook {
			opts.Hook = func(chain, iter int, warmup bool, st mcmc.Stats, x []float64) { calls.Add(1) }
			opts.Progress, opts.ForceProgress, opts.ProgressTo = true, true, &syncBuffer{b: &buf}
		}
		m, err := NewMCMC(eightSchoolsNC, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m, calls.Load(), buf.String()
	}
	a, calls, bar := run(1, true)
	if calls != 3*200 {
		t.Fatalf("hook called %d times, want 600", calls)
	}
	if !strings.Contains(bar, "sample [####################] 200/200") || !strings.Contains(bar, "div 0") {
		t.Fatalf("progress output %q", bar)
	}
	b, _, _ := run(4, false)
	da, db := a.GetSamples()["tau"].Data(), b.GetSamples()["tau"].Data()
	for i := range da {
		if da[i] != db[i] {
			t.Fatalf("draw %d differs between GOMAXPROCS 1 and 4: %v vs %v", i, da[i], db[i])
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
