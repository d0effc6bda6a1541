package autoguide

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

func expose(model poutine.Model, sites ...string) poutine.Model {
	return poutine.Block(model, &poutine.BlockHandler{Expose: sites})
}

func hide(model poutine.Model, sites ...string) poutine.Model {
	return poutine.Block(model, &poutine.BlockHandler{Hide: sites})
}

// Two parts on the correlated model: the list is a mean-field guide, so it
// recovers the exact mean and the variances 1/P_ii; the parts are renamed
// after their positions, as in Pyro.
func TestAutoGuideListMeanField(t *testing.T) {
	P, mean, _ := lgExact()
	l := NewAutoGuideList(lgModel)
	if err := l.Append(NewAutoDiagonalNormal(expose(lgModel, "a"), Options{Seed: 1})); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(NewAutoNormal(hide(lgModel, "a"), Options{Seed: 2})); err != nil {
		t.Fatal(err)
	}
	r := poutine.NewRuntime(4)
	svi := infer.NewSVI(r, lgModel, l.Guide, newTadam(0.03, 0.99865), &infer.TraceELBO{NumParticles: 64})
	ctx := context.Background()
	const steps, avg = 4000, 2000
	var la, lb, va, vb float64
	for i := 0; i < steps; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if i >= steps-avg {
			loc, _ := r.Params.Value("AutoGuideList.0.loc")
			sc, _ := r.Params.Value("AutoGuideList.0.scale")
			locb, _ := r.Params.Value("AutoGuideList.1.locs.b")
			scb, _ := r.Params.Value("AutoGuideList.1.scales.b")
			la += loc.Data()[0] / avg
			va += sc.Data()[0] * sc.Data()[0] / avg
			lb += locb.Data()[0] / avg
			vb += scb.Data()[0] * scb.Data()[0] / avg
		}
	}
	t.Logf("means %.5f %.5f want %.5f; variances %.5f %.5f want %.5f %.5f", la, lb, mean, va, vb, 1/P[0], 1/P[3])
	if math.Abs(la-mean[0]) > 0.01 || math.Abs(lb-mean[1]) > 0.01 || relErr(va, 1/P[0]) > 0.02 || relErr(vb, 1/P[3]) > 0.02 {
		t.Fatalf("list guide: means %v %v variances %v %v, want %v and %v %v", la, lb, va, vb, mean, 1/P[0], 1/P[3])
	}
	tr, err := poutine.TraceOf(l.Guide).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	if s := tr.Get("_AutoGuideList.0_latent"); s == nil || !s.Infer.IsAuxiliary {
		t.Fatalf("part 0's latent site: %v", tr.FormatShapes())
	}
	med, err := l.Median(r)
	if err != nil || len(med) != 2 || math.Abs(med["a"].Data()[0]-mean[0]) > 0.02 || math.Abs(med["b"].Data()[0]-mean[1]) > 0.02 {
		t.Fatalf("median %v %v", med, err)
	}
	q, err := l.Quantiles(r, 0.1, 0.9)
	if err != nil || len(q["a"]) != 2 || len(q["b"]) != 2 || !(q["b"][0].Data()[0] < q["b"][1].Data()[0]) {
		t.Fatalf("quantiles %v %v", q, err)
	}
	for _, n := range r.Params.Names() {
		if !strings.HasPrefix(n, "AutoGuideList.") {
			t.Errorf("parameter %q not named after its part", n)
		}
	}
}

// Two independent Gaussian sub-models; a list of an AutoMultivariateNormal
// part and an AutoCallable part, both set to their exact posteriors, gives
// a zero-variance loss equal to −log p(y).
func TestAutoGuideListExactWithCallable(t *testing.T) {
	y1 := []float64{0.3, 1.2, 0.8}
	y2 := []float64{-0.5, -1.1}
	model := func(r *poutine.Runtime) {
		m1 := r.Sample("m1", dist.Normal(r.Scalar(0), r.Scalar(1)))
		m2 := r.Sample("m2", dist.Normal(r.Scalar(0), r.Scalar(2)))
		r.Plate("d1", len(y1), func([]int) {
			r.Sample("y1", dist.Normal(m1, r.Scalar(1)), poutine.Obs(r.ConstRef([]int{len(y1)}, y1)))
		})
		r.Plate("d2", len(y2), func([]int) {
			r.Sample("y2", dist.Normal(m2, r.Scalar(1)), poutine.Obs(r.ConstRef([]int{len(y2)}, y2)))
		})
	}
	post := func(ys []float64, priorSD float64) (m, sd, lz float64) {
		prec, s := 1/(priorSD*priorSD), 0.0
		for _, y := range ys {
			prec++
			s += y
		}
		m, sd = s/prec, 1/math.Sqrt(prec)
		lz = normLogPdf(m, 0, priorSD) - normLogPdf(m, m, sd)
		for _, y := range ys {
			lz += normLogPdf(y, m, 1)
		}
		return
	}
	m1, sd1, lz1 := post(y1, 1)
	m2, sd2, lz2 := post(y2, 2)

	myGuide := func(r *poutine.Runtime) {
		loc := r.Param("m2_loc", tensor.Scalar(0))
		sc := r.Param("m2_scale", tensor.Scalar(1), poutine.WithConstraint(constraints.Positive))
		r.Sample("m2", dist.Normal(loc, sc))
	}
	myMedian := func(r *poutine.Runtime) (map[string]*tensor.Dense, error) {
		v, err := r.Params.Value("m2_loc")
		return map[string]*tensor.Dense{"m2": v}, err
	}
	l := NewAutoGuideList(model)
	if err := l.Append(NewAutoMultivariateNormal(expose(model, "m1"), Options{})); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(NewAutoCallable(model, myGuide, myMedian)); err != nil {
		t.Fatal(err)
	}
	r := poutine.NewRuntime(1)
	r.Params.Set("AutoGuideList.0.loc", tensor.New([]int{1}, []float64{m1}))
	r.Params.SetConstrained("AutoGuideList.0.scale", tensor.New([]int{1}, []float64{sd1}), constraints.SoftplusPositive)
	r.Params.Set("m2_loc", tensor.Scalar(m2))
	r.Params.SetConstrained("m2_scale", tensor.Scalar(sd2), constraints.Positive)
	checkExactLoss(t, "AutoGuideList", r, model, l.Guide, -(lz1 + lz2))

	med, err := l.Median(r)
	if err != nil || math.Abs(med["m1"].Data()[0]-m1) > 1e-14 || med["m2"].Data()[0] != m2 {
		t.Fatalf("median %v %v", med, err)
	}
	if _, err := l.Quantiles(r, 0.5); err == nil || !strings.Contains(err.Error(), "AutoCallable") {
		t.Fatalf("quantiles through an AutoCallable without QuantilesFn: %v", err)
	}
	// AppendFunc wraps a plain guide; its median is empty, as Pyro's default
	l2 := NewAutoGuideList(model)
	if err := l2.Append(NewAutoDelta(expose(model, "m1"), Options{})); err != nil {
		t.Fatal(err)
	}
	if err := l2.AppendFunc(myGuide); err != nil {
		t.Fatal(err)
	}
	if len(l2.Parts()) != 2 {
		t.Fatal("parts")
	}
	r2 := poutine.NewRuntime(2)
	svi := infer.NewSVI(r2, model, l2.Guide, newTadam(0.01, 1), &infer.TraceELBO{})
	if _, err := svi.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r2.Params.Get("AutoGuideList.0.m1") == nil {
		t.Fatalf("AutoDelta part's parameter not renamed: %v", r2.Params.Names())
	}
	med, err = l2.Median(r2)
	if err != nil || len(med) != 1 || med["m1"] == nil {
		t.Fatalf("median %v %v", med, err)
	}
}

func TestAutoGuideListErrors(t *testing.T) {
	// two parts of one class do not share parameters
	l := NewAutoGuideList(lgModel)
	l.Append(NewAutoDiagonalNormal(expose(lgModel, "a"), Options{}))
	l.Append(NewAutoDiagonalNormal(expose(lgModel, "b"), Options{}))
	r := poutine.NewRuntime(1)
	r.Reset()
	if _, err := poutine.TraceOf(l.Guide).Get(r); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"AutoGuideList.0.loc", "AutoGuideList.1.loc"} {
		if p := r.Params.Get(n); p == nil || len(p.Data) != 1 {
			t.Fatalf("parameter %q: have %v", n, r.Params.Names())
		}
	}

	// overlapping parts
	l = NewAutoGuideList(lgModel)
	l.Append(NewAutoDiagonalNormal(lgModel, Options{}))
	l.Append(NewAutoNormal(expose(lgModel, "b"), Options{}))
	svi := infer.NewSVI(poutine.NewRuntime(1), lgModel, l.Guide, newTadam(0.01, 1), &infer.TraceELBO{})
	if _, err := svi.Step(context.Background()); err == nil || !strings.Contains(err.Error(), "both cover") {
		t.Fatalf("overlapping parts: %v", err)
	}

	// a part for another model's site
	other := func(r *poutine.Runtime) { r.Sample("zz", dist.Normal(r.Scalar(0), r.Scalar(1))) }
	l = NewAutoGuideList(lgModel)
	l.Append(NewAutoDelta(other, Options{}))
	if _, err := poutine.TraceOf(l.Guide).Get(poutine.NewRuntime(1)); err == nil || !strings.Contains(err.Error(), "not a latent sample site") {
		t.Fatalf("foreign site: %v", err)
	}

	// a guide that already ran under its own name, appending twice, nil
	g := NewAutoDiagonalNormal(lgModel, Options{})
	if _, err := poutine.TraceOf(g.Guide).Get(poutine.NewRuntime(1)); err != nil {
		t.Fatal(err)
	}
	l = NewAutoGuideList(lgModel)
	if err := l.Append(g); err == nil || !strings.Contains(err.Error(), "already run") {
		t.Fatalf("append after use: %v", err)
	}
	g2 := NewAutoDiagonalNormal(lgModel, Options{})
	if err := l.Append(g2); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(g2); err == nil {
		t.Fatal("the same guide appended twice")
	}
	if err := l.Append(nil); err == nil {
		t.Fatal("nil part accepted")
	}
	if err := l.Append(NewAutoGuideList(lgModel)); err == nil {
		t.Fatal("nested list accepted")
	}
	// a part whose model fails to trace is reported by Append
	bad := func(r *poutine.Runtime) { r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(-1))) }
	if err := NewAutoGuideList(bad).Append(NewAutoMultivariateNormal(bad, Options{})); err == nil {
		t.Fatal("a part with a broken model accepted")
	}
}
