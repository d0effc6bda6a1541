package bench

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/poutine"
)

// The suite's benchmarks on the go test side, with benchstat-friendly
// names, for example
//
//	go test -run '^$' -bench 'LogRegGrad|EightSchoolsGrad|Chain100|SVIStep|NUTS' -benchmem -count 10 ./bench/ > new.txt
//	benchstat old.txt new.txt

// centralDiff is the central finite-difference gradient of f at x.
func centralDiff(f func([]float64) float64, x []float64) []float64 {
	g := make([]float64, len(x))
	xx := append([]float64(nil), x...)
	for i := range x {
		h := 1e-6 * math.Max(1, math.Abs(x[i]))
		xx[i] = x[i] + h
		fp := f(xx)
		xx[i] = x[i] - h
		fm := f(xx)
		xx[i] = x[i]
		g[i] = (fp - fm) / (2 * h)
	}
	return g
}

func checkGrad(t *testing.T, name string, f func(x, g []float64) float64, x []float64, tol float64) {
	t.Helper()
	g := make([]float64, len(x))
	f(x, g)
	fd := centralDiff(func(x []float64) float64 { return f(x, make([]float64, len(x))) }, x)
	for i := range g {
		if math.Abs(g[i]-fd[i]) > tol*(1+math.Abs(fd[i])) {
			t.Errorf("%s: grad[%d] = %v, finite difference %v", name, i, g[i], fd[i])
		}
	}
}

// TestFloors checks every hand-written reference against finite differences
// and against the tape (a floor that computed something else would make
// the ratios meaningless), and that the floors do not allocate.
func TestFloors(t *testing.T) {
	m, data, err := SyntheticLogReg(300, 7)
	if err != nil {
		t.Fatal(err)
	}
	x := LogRegPoint(7)
	checkGrad(t, "logreg floor", m.Floor, x, 1e-6)
	checkGrad(t, "logreg fused", m.FloorFused, x, 1e-6)
	tp := ad.NewTape()
	gt, gf := make([]float64, len(x)), make([]float64, len(x))
	if err := sameGrad("logreg", m.Tape(tp, x, gt), m.FloorFused(x, gf), gt, gf, 1e-10); err != nil {
		t.Error(err)
	}
	// the floor is the model's density: −potential of examples/models' model
	pot, err := infer.NewModelPotential(models.LogisticRegression(data), 1)
	if err != nil {
		t.Fatal(err)
	}
	gp := make([]float64, len(x))
	if err := sameGrad("logreg model", -pot.Potential(x, gp), m.Floor(x, gf), negate(gp), gf, 1e-10); err != nil {
		t.Error(err)
	}
	checkGrad(t, "eight schools", EightSchoolsHand, EightSchoolsPoint, 1e-6)
	g1, g2 := make([]float64, 10), make([]float64, 10)
	if err := sameGrad("eight schools", ad.ValueAndGrad(tp, EightSchoolsTape, EightSchoolsPoint, g1), EightSchoolsHand(EightSchoolsPoint, g2), g1, g2, 1e-12); err != nil {
		t.Error(err)
	}
	buf := make([]float64, 50)
	chain := func(x, g []float64) float64 { return ScalarChainHand(x, g, buf) }
	checkGrad(t, "scalar chain", chain, []float64{0.3, 0.9}, 1e-6)
	xc := []float64{0.3, 0.9}
	if err := sameGrad("scalar chain", ad.ValueAndGrad(tp, ScalarChainTape, xc, g1[:2]), chain(xc, g2[:2]), g1[:2], g2[:2], 1e-12); err != nil {
		t.Error(err)
	}
	for name, f := range map[string]func(){
		"floor": func() { m.Floor(x, gf) }, "fused": func() { m.FloorFused(x, gf) },
		"eight schools": func() { EightSchoolsHand(EightSchoolsPoint, g2) }, "chain": func() { chain(xc, g2[:2]) },
	} {
		if a := testing.AllocsPerRun(10, f); a != 0 {
			t.Errorf("%s allocates %v per call", name, a)
		}
	}
	if _, err := NewLogReg(3, 2, make([]float64, 5), make([]float64, 3)); err == nil {
		t.Error("NewLogReg accepted 5 values for a 3×2 matrix")
	}
}

func TestHandlerCalls(t *testing.T) {
	trace, replay, bare, five := HandlerCalls()
	for name, f := range map[string]func() error{"trace": trace, "replay": replay, "bare": bare, "five": five} {
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a := testing.AllocsPerRun(10, func() { f() }); a != 0 {
			t.Errorf("%s: %v allocations per run", name, a)
		}
	}
	// the five handlers pass everything through: the same trace as without
	r1, r2 := poutine.NewRuntime(9), poutine.NewRuntime(9)
	t1, err1 := poutine.TraceOf(Chain100).Get(r1)
	t2, err2 := poutine.TraceOf(Chain100Five()).Get(r2)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a, b := t1.LogProbSum(r1.Tape, nil).Value(), t2.LogProbSum(r2.Tape, nil).Value(); a != b {
		t.Errorf("log_prob_sum %v under five handlers, %v without", b, a)
	}
}

func TestComparisonTable(t *testing.T) {
	rows := []Comparison{
		{Name: "time", Unit: "ns", Gyro: 200, Ref: 100, RefName: "floor", Target: 1.5},
		{Name: "ess", Unit: "ESS/s", Gyro: 50, Ref: 100, RefName: "Stan", HigherIsBetter: true},
		{Name: "alone", Unit: "ns", Gyro: 5, Ref: math.NaN()},
	}
	if r := rows[0].Ratio(); r != 2 {
		t.Errorf("time ratio %v, want 2", r)
	}
	if r := rows[1].Ratio(); r != 2 {
		t.Errorf("throughput ratio %v, want 2 (gyro half as fast)", r)
	}
	tb := ComparisonTable("g", "title", rows)
	var sb strings.Builder
	tb.WriteText(&sb)
	for _, want := range []string{"2.00x", "≤ 1.5x MISSED", "50.0 ESS/s", "—"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, sb.String())
		}
	}
	if tb.Records[2].Ratio != nil || *tb.Records[0].Ratio != 2 {
		t.Errorf("records: %+v", tb.Records)
	}
	sb.Reset()
	if err := WriteJSON(&sb, []*Table{tb}); err != nil || strings.Contains(sb.String(), "NaN") {
		t.Errorf("json: %v\n%s", err, sb.String())
	}
	s := SummaryTable([]*Table{tb})
	// rows without a reference are left out; ratios keep their direction
	if s == nil || len(s.Rows) != 2 || !strings.HasPrefix(s.Rows[0][0], "g: ") || *s.Records[1].Ratio != 2 {
		t.Errorf("summary: %+v", s)
	}
}

func TestLoadStanBench(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.json")
	os.WriteFile(p, []byte(`{"stan_version": "2.21.0", "models": [{"model": "m", "grad_seconds": 2e-6, "ess_bulk_per_second": 900}]}`), 0o644)
	s, err := LoadStanBench(p)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := s.Find("m"); !ok || f.GradSeconds != 2e-6 || f.ESSPerSecond != 900 {
		t.Errorf("Find: %+v %v", f, ok)
	}
	if _, ok := s.Find("other"); ok {
		t.Error("found an absent model")
	}
	os.WriteFile(p, []byte(`{"models": [`), 0o644)
	if _, err := LoadStanBench(p); err == nil || !strings.Contains(err.Error(), "s.json") {
		t.Errorf("malformed file: %v", err)
	}
	if _, err := LoadStanBench(filepath.Join(dir, "none.json")); err == nil {
		t.Error("a named missing file is not an error")
	}
}

func BenchmarkLogRegGrad(b *testing.B) {
	m, _, err := SyntheticLogReg(10000, 50)
	if err != nil {
		b.Fatal(err)
	}
	x := LogRegPoint(50)
	g := make([]float64, len(x))
	tp := ad.NewTape()
	for name, f := range map[string]func(){
		"impl=tape": func() { m.Tape(tp, x, g) }, "impl=floor": func() { m.Floor(x, g) }, "impl=fused": func() { m.FloorFused(x, g) },
	} {
		b.Run(name+"/size=10000x50", func(b *testing.B) {
			f()
			b.ReportAllocs()
			for b.Loop() {
				f()
			}
		})
	}
}

func BenchmarkEightSchoolsGrad(b *testing.B) {
	g := make([]float64, 10)
	tp := ad.NewTape()
	b.Run("impl=tape", func(b *testing.B) {
		ad.ValueAndGrad(tp, EightSchoolsTape, EightSchoolsPoint, g)
		b.ReportAllocs()
		for b.Loop() {
			ad.ValueAndGrad(tp, EightSchoolsTape, EightSchoolsPoint, g)
		}
	})
	b.Run("impl=hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			EightSchoolsHand(EightSchoolsPoint, g)
		}
	})
}

func BenchmarkScalarChain100(b *testing.B) {
	x, g, buf := []float64{0.3, 0.9}, make([]float64, 2), make([]float64, 50)
	tp := ad.NewTape()
	for name, f := range map[string]func(){
		"impl=tape": func() { ad.ValueAndGrad(tp, ScalarChainTape, x, g) }, "impl=hand": func() { ScalarChainHand(x, g, buf) },
	} {
		b.Run(name, func(b *testing.B) {
			f()
			b.ReportAllocs()
			for b.Loop() {
				f()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/scalar-op")
		})
	}
}

func BenchmarkChain100(b *testing.B) {
	trace, replay, bare, five := HandlerCalls()
	for _, c := range []struct {
		name string
		f    func() error
	}{{"op=trace", trace}, {"op=replay-condition", replay}, {"op=bare", bare}, {"op=five-handlers", five}} {
		b.Run(c.name, func(b *testing.B) {
			c.f() // warm up: sizes the trace and the tape
			c.f()
			b.ReportAllocs()
			for b.Loop() {
				if err := c.f(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/site")
		})
	}
}

func BenchmarkSVIStep(b *testing.B) {
	_, data, err := SyntheticLogReg(10000, 50)
	if err != nil {
		b.Fatal(err)
	}
	for _, sub := range []int{0, 1000} {
		name := "batch=full"
		if sub > 0 {
			name = fmt.Sprintf("batch=%d", sub)
		}
		b.Run(name+"/size=10000x50", func(b *testing.B) {
			step, err := NewSVIStep(data, sub)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := step(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNUTS runs one chain of 1000 warm-up + 1000 draws per op and
// reports Stan's figures: ns per gradient and min bulk ESS per second.
func BenchmarkNUTS(b *testing.B) {
	es, err := models.DataPath(models.EightSchoolsFile)
	if err != nil {
		b.Fatal(err)
	}
	esd, err := models.LoadEightSchools(es)
	if err != nil {
		b.Fatal(err)
	}
	bc, err := models.DataPath(models.BreastCancerFile)
	if err != nil {
		b.Fatal(err)
	}
	bcd, err := models.LoadBreastCancer(bc)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		model poutine.Model
	}{{"model=eight_schools_nc", models.EightSchoolsNonCentered(esd)}, {"model=breast_cancer_logistic", models.LogisticRegression(bcd)}} {
		b.Run(c.name, func(b *testing.B) {
			var grad, ess float64
			for b.Loop() {
				run, err := RunNUTS(context.Background(), c.model, 1000, 1000, 1)
				if err != nil {
					b.Fatal(err)
				}
				grad += float64(run.GradTime)
				ess += run.ESSPerSecond
			}
			b.ReportMetric(grad/float64(b.N), "ns/grad")
			b.ReportMetric(ess/float64(b.N), "ESS/s")
		})
	}
}
