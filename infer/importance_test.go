package infer

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// The conjugate Normal–Normal model used by the importance, PSIS and
// Predictive tests: mu ~ N(isM0, isS0), y_i ~ N(mu, isS) for y = isY.
const (
	isM0 = 0.5
	isS0 = 2.0
	isS  = 1.0
)

var isY = []float64{1.3, 0.4, 2.2, 1.7, 0.9, 1.1}

func isModel(r *poutine.Runtime) {
	mu := r.Sample("mu", dist.Normal(r.Scalar(isM0), r.Scalar(isS0)))
	y := r.ConstRef([]int{len(isY)}, isY)
	r.Plate("data", len(isY), func([]int) {
		r.Sample("y", dist.Normal(mu, r.Scalar(isS)), poutine.Obs(y))
	})
}

// isPosterior returns the exact posterior mean and standard deviation of mu.
func isPosterior() (mean, sd float64) {
	n := float64(len(isY))
	sum := 0.0
	for _, y := range isY {
		sum += y
	}
	prec := 1/(isS0*isS0) + n/(isS*isS)
	return (isM0/(isS0*isS0) + sum/(isS*isS)) / prec, 1 / math.Sqrt(prec)
}

// isLogEvidence is log p(y): y ~ N(m0·1, s²I + s0²·11ᵀ).
func isLogEvidence() float64 {
	n := float64(len(isY))
	var sr, sr2 float64
	for _, y := range isY {
		r := y - isM0
		sr += r
		sr2 += r * r
	}
	s2, s02 := isS*isS, isS0*isS0
	logDet := n*math.Log(s2) + math.Log(1+n*s02/s2)
	quad := (sr2 - s02*sr*sr/(s2+n*s02)) / s2
	return -0.5*n*math.Log(2*math.Pi) - 0.5*logDet - 0.5*quad
}

// isGuide returns a Normal guide for mu with the posterior mean and the
// posterior standard deviation times widen.
func isGuide(widen float64) poutine.Model {
	m, s := isPosterior()
	return func(r *poutine.Runtime) {
		r.Sample("mu", dist.Normal(r.Scalar(m), r.Scalar(s*widen)))
	}
}

// relSE is the standard error of log(mean w) estimated from the weights.
func relSE(lw []float64) float64 {
	n := float64(len(lw))
	lse := logSumExp(lw)
	mean := math.Exp(lse) / n
	v := 0.0
	for _, x := range lw {
		d := math.Exp(x) - mean
		v += d * d
	}
	return math.Sqrt(v/(n*(n-1))) / mean
}

func TestImportancePriorEvidence(t *testing.T) {
	r := poutine.NewRuntime(11)
	imp, err := NewImportance(r, isModel, nil, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if err := imp.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := isLogEvidence()
	got := imp.LogEvidence()
	se := relSE(imp.LogWeights)
	t.Logf("log evidence %.5f, analytic %.5f, se %.4f, ESS %.0f", got, want, se, imp.ESS())
	if se > 0.05 {
		t.Fatalf("standard error %v too large for a meaningful test", se)
	}
	if math.Abs(got-want) > 4*se {
		t.Errorf("log evidence %v, analytic %v (se %v)", got, want, se)
	}
	// the self-normalized posterior mean of mu
	mk, err := imp.Marginal("mu")
	if err != nil {
		t.Fatal(err)
	}
	pm, psd := isPosterior()
	ess := imp.ESS()
	if m := mk.Mean()[0]; math.Abs(m-pm) > 5*psd/math.Sqrt(ess) {
		t.Errorf("posterior mean %v, want %v (ESS %v)", m, pm, ess)
	}
	if v := mk.Variance()[0]; math.Abs(v-psd*psd) > 0.1*psd*psd {
		t.Errorf("posterior variance %v, want %v", v, psd*psd)
	}
	if ess <= 0 || ess >= 20000 {
		t.Errorf("ESS %v outside (0, N)", ess)
	}
	w := imp.NormalizedWeights()
	s := 0.0
	for _, x := range w {
		s += x
	}
	if math.Abs(s-1) > 1e-12 {
		t.Errorf("normalized weights sum to %v", s)
	}
	mu, err := imp.GetSamples("mu")
	if err != nil {
		t.Fatal(err)
	}
	if sh := mu.Shape(); len(sh) != 1 || sh[0] != 20000 {
		t.Errorf("mu samples have shape %v, want [20000]", sh)
	}
	if _, err := imp.GetSamples("y"); err == nil {
		t.Error("observed site y should not be kept by default")
	}
}

// With the exact posterior as the proposal every weight is p(y).
func TestImportanceExactGuide(t *testing.T) {
	r := poutine.NewRuntime(3)
	const n = 500
	imp, err := NewImportance(r, isModel, isGuide(1), n)
	if err != nil {
		t.Fatal(err)
	}
	if err := imp.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := isLogEvidence()
	for i, lw := range imp.LogWeights {
		if math.Abs(lw-want) > 1e-9 {
			t.Fatalf("log weight %d = %.15g, want %.15g", i, lw, want)
		}
	}
	if got := imp.LogEvidence(); math.Abs(got-want) > 1e-9 {
		t.Errorf("log evidence %.15g, want %.15g", got, want)
	}
	if ess := imp.ESS(); math.Abs(ess-n) > 1e-6 {
		t.Errorf("ESS %v, want %d", ess, n)
	}
	for _, w := range imp.NormalizedWeights() {
		if math.Abs(w-1.0/n) > 1e-12 {
			t.Fatalf("normalized weight %v, want %v", w, 1.0/n)
		}
	}
	// the draws come from the guide: their mean and sd match the posterior
	mk, _ := imp.Marginal()
	pm, psd := isPosterior()
	if m := mk.Mean()[0]; math.Abs(m-pm) > 5*psd/math.Sqrt(n) {
		t.Errorf("mean of draws %v, want %v", m, pm)
	}
}

// Deterministic sites are kept; Sites selects what is kept, observed
// sites included.
func TestImportanceSitesAndDeterministic(t *testing.T) {
	model := func(r *poutine.Runtime) {
		isModel(r)
		mu := r.Sample("z", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Deterministic("twice_z", r.MulConst(mu, 2))
	}
	r := poutine.NewRuntime(5)
	imp, _ := NewImportance(r, model, nil, 50)
	if err := imp.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	z, err := imp.GetSamples("z")
	if err != nil {
		t.Fatal(err)
	}
	tz, err := imp.GetSamples("twice_z")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if tz.At(i) != 2*z.At(i) {
			t.Fatalf("twice_z[%d] = %v, z = %v", i, tz.At(i), z.At(i))
		}
	}
	imp.Sites = []string{"y"}
	if err := imp.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	y, err := imp.GetSamples("y")
	if err != nil {
		t.Fatal(err)
	}
	if sh := y.Shape(); len(sh) != 2 || sh[0] != 50 || sh[1] != len(isY) {
		t.Fatalf("y samples shape %v", sh)
	}
	if y.At(7, 2) != isY[2] {
		t.Errorf("kept observed value %v, want %v", y.At(7, 2), isY[2])
	}
	if _, err := imp.GetSamples("mu"); err == nil {
		t.Error("mu kept although Sites names only y")
	}
	imp.Sites = []string{"nope"}
	if err := imp.Run(context.Background()); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown kept site: got %v", err)
	}
}

func TestImportanceErrors(t *testing.T) {
	r := poutine.NewRuntime(1)
	for _, n := range []int{0, -3} {
		if _, err := NewImportance(r, isModel, nil, n); err == nil || !strings.Contains(err.Error(), "num_samples") {
			t.Errorf("num_samples %d: got %v", n, err)
		}
	}
	if _, err := NewImportance(nil, isModel, nil, 3); err == nil {
		t.Error("nil runtime accepted")
	}
	// a guide site that the model lacks
	bad := func(r *poutine.Runtime) {
		isGuide(1)(r)
		r.Sample("nu", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}
	imp, _ := NewImportance(r, isModel, bad, 10)
	err := imp.Run(context.Background())
	var pe *poutine.Error
	if !errors.As(err, &pe) || pe.Site != "nu" || !strings.Contains(err.Error(), "does not have") {
		t.Errorf("guide site missing from model: got %v", err)
	}
	// a guide site that the model observes
	obs := func(r *poutine.Runtime) {
		isGuide(1)(r)
		r.Sample("y", dist.Normal(r.Scalar(0), r.Scalar(1)).Expand(len(isY)))
	}
	imp, _ = NewImportance(r, isModel, obs, 10)
	if err := imp.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "observes") {
		t.Errorf("guide samples observed site: got %v", err)
	}
	// a model latent site the guide lacks (replay names it)
	empty := func(r *poutine.Runtime) {}
	imp, _ = NewImportance(r, isModel, empty, 10)
	if err := imp.Run(context.Background()); !errors.As(err, &pe) || pe.Site != "mu" {
		t.Errorf("model site missing from guide: got %v", err)
	}
	// an error inside the model is returned, not raised
	broken := func(r *poutine.Runtime) {
		r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(-1)))
	}
	imp, _ = NewImportance(r, broken, nil, 10)
	err = imp.Run(context.Background())
	var de *dist.Error
	if !errors.As(err, &de) || de.Param != "scale" {
		t.Errorf("invalid scale: got %v", err)
	}
	// a proposal that never hits the support
	far := func(r *poutine.Runtime) {
		mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("y", dist.Delta(mu, ad.V{}, 0), poutine.Obs(r.Scalar(5)))
	}
	imp, _ = NewImportance(r, far, nil, 10)
	if err := imp.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "every importance weight is zero") {
		t.Errorf("all-zero weights: got %v", err)
	}
	// cancellation
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	imp, _ = NewImportance(r, isModel, nil, 10)
	if err := imp.Run(ctx); !errors.Is(err, context.Canceled) || len(imp.LogWeights) != 0 {
		t.Errorf("cancelled: got %v with %d weights", err, len(imp.LogWeights))
	}
}

// The per-draw loop allocates nothing: the allocations of a Run do not
// grow with the number of draws.
func TestImportanceAllocsPerDraw(t *testing.T) {
	r := poutine.NewRuntime(2)
	ctx := context.Background()
	allocs := func(n int) float64 {
		imp, _ := NewImportance(r, isModel, isGuide(1.5), n)
		imp.Run(ctx) // warm the runtime
		return testing.AllocsPerRun(5, func() {
			if err := imp.Run(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(100), allocs(2000)
	t.Logf("allocations per Run: %v with 100 draws, %v with 2000", small, large)
	if large != small {
		t.Errorf("allocations grow with the draws: %v for 100, %v for 2000", small, large)
	}
}

func BenchmarkImportanceDraw(b *testing.B) {
	r := poutine.NewRuntime(2)
	imp, _ := NewImportance(r, isModel, isGuide(1.5), 1000)
	ctx := context.Background()
	imp.Run(ctx)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		imp.Run(ctx)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/draw")
}

// A hierarchical model with two nested plates: mu ~ N(0, 1);
// theta_g ~ N(mu, 1) for 3 groups; y_kg ~ N(theta_g, 0.5), 4 per group.
var vecY = []float64{0.1, 0.5, 1.2, 0.3, 0.7, 1.0, -0.2, 0.4, 1.5, 0.0, 0.9, 1.1}

func vecModel(r *poutine.Runtime) {
	mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
	y := r.ConstRef([]int{4, 3}, vecY)
	r.Plate("groups", 3, func([]int) {
		theta := r.Sample("theta", dist.Normal(mu, r.Scalar(1)))
		r.Plate("obs", 4, func([]int) {
			r.Sample("y", dist.Normal(theta, r.Scalar(0.5)), poutine.Obs(y))
		})
	})
}

var vecLoc = []float64{0.3, 0.6, 1.0}

func vecGuide(r *poutine.Runtime) {
	r.Sample("mu", dist.Normal(r.Scalar(0.5), r.Scalar(0.4)))
	loc := r.ConstRef([]int{3}, vecLoc)
	r.Plate("groups", 3, func([]int) {
		r.Sample("theta", dist.Normal(loc, r.Scalar(0.3)))
	})
}

// Each vectorized particle's weight equals the weight that sequential
// importance sampling gives the same latent values (the guide conditioned
// on them), to rounding.
func TestVectorizedMatchesSequential(t *testing.T) {
	r := poutine.NewRuntime(21)
	const n = 64
	lw, mtr, gtr, err := VectorizedImportanceWeights(r, vecModel, vecGuide, n, 2)
	if err != nil {
		t.Fatal(err)
	}
	mu := gtr.Get("mu").Value
	theta := gtr.Get("theta").Value
	if sh := theta.Shape(); len(sh) != 3 || sh[0] != n || sh[1] != 1 || sh[2] != 3 {
		t.Fatalf("theta has shape %v, want [%d 1 3]", sh, n)
	}
	if sh := mtr.Get("y").LogProb.Shape(); len(sh) != 3 || sh[0] != n || sh[1] != 4 || sh[2] != 3 {
		t.Fatalf("y's log density has shape %v, want [%d 4 3]", sh, n)
	}
	muv := append([]float64(nil), mu.Data()...)
	thv := append([]float64(nil), theta.Data()...)
	got := append([]float64(nil), lw...)
	r2 := poutine.NewRuntime(99)
	for p := 0; p < n; p++ {
		data := map[string]*tensor.Dense{
			// shape (1,) rather than a scalar: a scalar tape.ConstRef (which
			// poutine.Condition records) is misread by autodiff's scalar
			// fast path at the time of writing.
			"mu":    tensor.New([]int{1}, []float64{muv[p]}),
			"theta": tensor.New([]int{3}, thv[3*p:3*p+3]),
		}
		imp, err := NewImportance(r2, vecModel, poutine.Condition(vecGuide, data), 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := imp.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if want := imp.LogWeights[0]; math.Abs(got[p]-want) > 1e-10*(1+math.Abs(want)) {
			t.Fatalf("particle %d: vectorized log weight %.15g, sequential %.15g", p, got[p], want)
		}
	}
}

// Statistically, vectorized and sequential weights estimate the same
// evidence.
func TestVectorizedEvidence(t *testing.T) {
	r := poutine.NewRuntime(8)
	const n = 20000
	lw, _, _, err := VectorizedImportanceWeights(r, isModel, nil, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := logSumExp(lw) - math.Log(n)
	se := relSE(lw)
	want := isLogEvidence()
	t.Logf("vectorized prior log evidence %.5f, analytic %.5f, se %.4f", got, want, se)
	if se > 0.05 || math.Abs(got-want) > 4*se {
		t.Errorf("log evidence %v, analytic %v (se %v)", got, want, se)
	}
	// with the exact posterior guide every particle has weight p(y)
	lw, _, _, err = VectorizedImportanceWeights(r, isModel, isGuide(1), 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	for p, x := range lw {
		if math.Abs(x-want) > 1e-9 {
			t.Fatalf("particle %d: log weight %.15g, want %.15g", p, x, want)
		}
	}
	// deterministic sites and factors inside the particle plate
	withExtras := func(r *poutine.Runtime) {
		isModel(r)
		r.Factor("f", r.Scalar(-1.5))
	}
	lw2, _, _, err := VectorizedImportanceWeights(r, withExtras, isGuide(1), 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	for p, x := range lw2 {
		if math.Abs(x-(want-1.5)) > 1e-9 {
			t.Fatalf("with factor: particle %d: %v, want %v", p, x, want-1.5)
		}
	}
}

func TestVectorizedErrors(t *testing.T) {
	r := poutine.NewRuntime(1)
	if _, _, _, err := VectorizedImportanceWeights(r, isModel, nil, 0, 1); err == nil || !strings.Contains(err.Error(), "num_samples") {
		t.Errorf("num_samples 0: %v", err)
	}
	if _, _, _, err := VectorizedImportanceWeights(r, isModel, nil, 5, -1); err == nil || !strings.Contains(err.Error(), "max_plate_nesting") {
		t.Errorf("max_plate_nesting -1: %v", err)
	}
	// too small a max_plate_nesting: the nested plates spill left of the particle dim
	if _, _, _, err := VectorizedImportanceWeights(r, vecModel, vecGuide, 5, 1); err == nil {
		t.Error("max_plate_nesting 1 for a model with 2 nested plates was accepted")
	} else {
		t.Log(err)
	}
	bad := func(r *poutine.Runtime) {
		isGuide(1)(r)
		r.Sample("nu", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}
	if _, _, _, err := VectorizedImportanceWeights(r, isModel, bad, 5, 1); err == nil || !strings.Contains(err.Error(), `"nu"`) {
		t.Errorf("guide site missing from model: %v", err)
	}
}

func BenchmarkVectorizedImportanceWeights(b *testing.B) {
	r := poutine.NewRuntime(2)
	g := isGuide(1.5)
	VectorizedImportanceWeights(r, isModel, g, 1000, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, _, err := VectorizedImportanceWeights(r, isModel, g, 1000, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/particle")
}
