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

// tadam is a tiny Adam with an exponentially decaying learning rate, a copy
// of the one in autoguide_test.go (the tests do not import infer/optim).
type tadam struct {
	lr, decay float64
	m, v      map[*poutine.ParamEntry][]float64
	t         int
}

func newTadam(lr, decay float64) *tadam {
	return &tadam{lr: lr, decay: decay, m: map[*poutine.ParamEntry][]float64{}, v: map[*poutine.ParamEntry][]float64{}}
}

func (a *tadam) Step(ps []*poutine.ParamEntry) error {
	a.t++
	lr := a.lr * math.Pow(a.decay, float64(a.t))
	b1 := 1 - math.Pow(0.9, float64(a.t))
	b2 := 1 - math.Pow(0.999, float64(a.t))
	for _, p := range ps {
		m, v := a.m[p], a.v[p]
		if m == nil {
			m, v = make([]float64, len(p.Data)), make([]float64, len(p.Data))
			a.m[p], a.v[p] = m, v
		}
		for i, g := range p.Grad {
			m[i] = 0.9*m[i] + 0.1*g
			v[i] = 0.999*v[i] + 0.001*g*g
			p.Data[i] -= lr * (m[i] / b1) / (math.Sqrt(v[i]/b2) + 1e-8)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// A conjugate linear-Gaussian model with a correlated 2-D posterior:
// a, b ~ N(0, 1), y_i ~ N(a·x1_i + b·x2_i, σ).

var (
	lgX1    = []float64{1.0, 0.8, 1.2, 0.5, 0.9, 1.1}
	lgX2    = []float64{0.9, 1.0, 1.0, 0.7, 0.6, 1.3}
	lgY     = []float64{1.9, 1.4, 2.6, 0.9, 1.5, 2.2}
	lgSigma = 1.0
)

func lgModel(r *poutine.Runtime) {
	a := r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
	b := r.Sample("b", dist.Normal(r.Scalar(0), r.Scalar(1)))
	n := len(lgY)
	x1 := r.ConstRef([]int{n}, lgX1)
	x2 := r.ConstRef([]int{n}, lgX2)
	y := r.ConstRef([]int{n}, lgY)
	mean := r.Add(r.Mul(a, x1), r.Mul(b, x2))
	r.Plate("data", n, func([]int) {
		r.Sample("y", dist.Normal(mean, r.Scalar(lgSigma)), poutine.Obs(y))
	})
}

// lgExact returns the posterior precision P, mean and covariance (2×2
// row-major).
func lgExact() (P, mean, cov []float64) {
	P = []float64{1, 0, 0, 1}
	var r0, r1 float64
	s2 := lgSigma * lgSigma
	for i := range lgY {
		P[0] += lgX1[i] * lgX1[i] / s2
		P[1] += lgX1[i] * lgX2[i] / s2
		P[3] += lgX2[i] * lgX2[i] / s2
		r0 += lgX1[i] * lgY[i] / s2
		r1 += lgX2[i] * lgY[i] / s2
	}
	P[2] = P[1]
	det := P[0]*P[3] - P[1]*P[2]
	cov = []float64{P[3] / det, -P[1] / det, -P[2] / det, P[0] / det}
	mean = []float64{cov[0]*r0 + cov[1]*r1, cov[2]*r0 + cov[3]*r1}
	return
}

// trainAveraged runs SVI and returns the loc and covariance of the flat
// latent averaged over the last avg steps (Polyak averaging removes the
// stationary noise of the stochastic gradient).
func trainAveraged(t *testing.T, r *poutine.Runtime, g interface {
	Guide(*poutine.Runtime)
	Loc(*poutine.Runtime) ([]float64, error)
	Covariance(*poutine.Runtime) ([]float64, error)
}, steps, avg, particles int, lr, decay float64) (loc, cov []float64) {
	t.Helper()
	svi := infer.NewSVI(r, lgModel, g.Guide, newTadam(lr, decay), &infer.TraceELBO{NumParticles: particles})
	ctx := context.Background()
	for i := 0; i < steps; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if i >= steps-avg {
			l, err := g.Loc(r)
			if err != nil {
				t.Fatal(err)
			}
			c, err := g.Covariance(r)
			if err != nil {
				t.Fatal(err)
			}
			if loc == nil {
				loc, cov = make([]float64, len(l)), make([]float64, len(c))
			}
			for j := range l {
				loc[j] += l[j] / float64(avg)
			}
			for j := range c {
				cov[j] += c[j] / float64(avg)
			}
		}
	}
	return loc, cov
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// AutoMultivariateNormal recovers the exact posterior mean and covariance.
func TestAutoMultivariateNormalExactPosterior(t *testing.T) {
	_, mean, cov := lgExact()
	g := NewAutoMultivariateNormal(lgModel, Options{Seed: 3})
	r := poutine.NewRuntime(5)
	loc, c := trainAveraged(t, r, g, 4000, 2000, 32, 0.03, 0.99865)
	t.Logf("loc %.5f want %.5f; cov %.5f want %.5f", loc, mean, c, cov)
	sd0, sd1 := math.Sqrt(cov[0]), math.Sqrt(cov[3])
	for i := range mean {
		if math.Abs(loc[i]-mean[i]) > 0.02*[]float64{sd0, sd1}[i] {
			t.Errorf("mean[%d] = %.5f, want %.5f", i, loc[i], mean[i])
		}
	}
	for _, i := range []int{0, 3} {
		if relErr(c[i], cov[i]) > 0.02 {
			t.Errorf("variance %d = %.5f, want %.5f (2%%)", i, c[i], cov[i])
		}
	}
	// the off-diagonal term as a correlation (the exact one is strongly negative)
	rho, want := c[1]/math.Sqrt(c[0]*c[3]), cov[1]/(sd0*sd1)
	if math.Abs(rho-want) > 0.02*math.Abs(want) {
		t.Errorf("correlation %.5f, want %.5f", rho, want)
	}
	if _, err := r.Params.Value("AutoMultivariateNormal.scale_tril"); err != nil {
		t.Errorf("Pyro's parameter name missing: %v", err)
	}
	// Cholesky factor consistent with Covariance
	L, _ := g.ScaleTril(r)
	cv, _ := g.Covariance(r)
	if L[1] != 0 || math.Abs(L[2]*L[0]-cv[2]) > 1e-12 {
		t.Errorf("ScaleTril %v inconsistent with Covariance %v", L, cv)
	}
}

// AutoDiagonalNormal recovers the exact mean and the known mean-field
// variances 1/P_ii.
func TestAutoDiagonalNormalMeanField(t *testing.T) {
	P, mean, _ := lgExact()
	g := NewAutoDiagonalNormal(lgModel, Options{Seed: 1})
	r := poutine.NewRuntime(2)
	loc, c := trainAveraged(t, r, g, 4000, 2000, 64, 0.03, 0.99865)
	t.Logf("loc %.5f want %.5f; var %.5f %.5f want %.5f %.5f", loc, mean, c[0], c[3], 1/P[0], 1/P[3])
	for i := range mean {
		if math.Abs(loc[i]-mean[i]) > 0.01*math.Abs(mean[i])+0.005 {
			t.Errorf("mean[%d] = %.5f, want %.5f", i, loc[i], mean[i])
		}
	}
	if relErr(c[0], 1/P[0]) > 0.02 || relErr(c[3], 1/P[3]) > 0.02 || c[1] != 0 {
		t.Errorf("mean-field variances %.5f %.5f (cov %v), want %.5f %.5f", c[0], c[3], c[1], 1/P[0], 1/P[3])
	}
	for _, n := range []string{"AutoDiagonalNormal.loc", "AutoDiagonalNormal.scale"} {
		if r.Params.Get(n) == nil {
			t.Errorf("parameter %q missing; have %v", n, r.Params.Names())
		}
	}
}

// AutoLowRankMultivariateNormal with rank round(√2) = 1 can represent any
// 2×2 covariance, so it recovers the exact posterior too.
func TestAutoLowRankMultivariateNormalExactPosterior(t *testing.T) {
	_, mean, cov := lgExact()
	g := NewAutoLowRankMultivariateNormal(lgModel, Options{Seed: 4})
	if k, err := g.Rank(); err != nil || k != 1 {
		t.Fatalf("default rank %d %v, want 1", k, err)
	}
	r := poutine.NewRuntime(6)
	loc, c := trainAveraged(t, r, g, 4000, 2000, 32, 0.03, 0.99865)
	t.Logf("loc %.5f want %.5f; cov %.5f want %.5f", loc, mean, c, cov)
	for i := range mean {
		if math.Abs(loc[i]-mean[i]) > 0.02*math.Sqrt(cov[3*i]) {
			t.Errorf("mean[%d] = %.5f, want %.5f", i, loc[i], mean[i])
		}
	}
	for _, i := range []int{0, 3} {
		if relErr(c[i], cov[i]) > 0.02 {
			t.Errorf("variance %d = %.5f, want %.5f (2%%)", i, c[i], cov[i])
		}
	}
	rho, want := c[1]/math.Sqrt(c[0]*c[3]), cov[1]/math.Sqrt(cov[0]*cov[3])
	if math.Abs(rho-want) > 0.02*math.Abs(want) {
		t.Errorf("correlation %.5f, want %.5f", rho, want)
	}
	w, err := r.Params.Value("AutoLowRankMultivariateNormal.cov_factor")
	if err != nil || len(w.Shape()) != 2 || w.Shape()[0] != 2 || w.Shape()[1] != 1 {
		t.Errorf("cov_factor %v %v", w, err)
	}
}

// The Laplace approximation of a Gaussian posterior is exact.
func TestLaplaceGaussianExact(t *testing.T) {
	P, mean, cov := lgExact()
	g := NewAutoLaplaceApproximation(lgModel, Options{Seed: 1})
	r := poutine.NewRuntime(1)
	svi := infer.NewSVI(r, lgModel, g.Guide, newTadam(0.05, 1), &infer.TraceELBO{})
	ctx := context.Background()
	for i := 0; i < 2000; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	loc, err := g.Loc(r)
	if err != nil {
		t.Fatal(err)
	}
	for i := range mean {
		if math.Abs(loc[i]-mean[i]) > 1e-6 {
			t.Fatalf("MAP %v, want %v", loc, mean)
		}
	}
	H, err := g.Hessian(r)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range P {
		worst = math.Max(worst, math.Abs(H[i]-P[i])/math.Abs(P[i]))
	}
	t.Logf("Hessian %v, analytic %v, max relative error %.2e", H, P, worst)
	if worst > 1e-5 {
		t.Fatalf("Hessian max relative error %.2e > 1e-5", worst)
	}
	mvn, err := g.LaplaceApproximation(r)
	if err != nil {
		t.Fatal(err)
	}
	c, err := mvn.Covariance(r)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cov {
		if relErr(c[i], cov[i]) > 1e-5 {
			t.Fatalf("Laplace covariance %v, want %v", c, cov)
		}
	}
	// the returned guide runs under SVI's loss evaluation with no parameters
	n := len(r.Params.Names())
	svi2 := infer.NewSVI(r, lgModel, mvn.Guide, nil, &infer.TraceELBO{})
	if _, err := svi2.EvaluateLoss(ctx); err != nil {
		t.Fatal(err)
	}
	if len(r.Params.Names()) != n {
		t.Fatalf("Laplace guide created parameters: %v", r.Params.Names())
	}
	tr, err := poutine.TraceOf(mvn.Guide).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	if s := tr.Get("_AutoMultivariateNormal_latent"); s == nil || !s.Infer.IsAuxiliary {
		t.Fatalf("Laplace guide's latent site missing or not auxiliary: %v", tr.FormatShapes())
	}
	med, err := mvn.Median(r)
	if err != nil || math.Abs(med["a"].Data()[0]-mean[0]) > 1e-6 || math.Abs(med["b"].Data()[0]-mean[1]) > 1e-6 {
		t.Fatalf("median %v %v", med, err)
	}
}

// Gamma–Poisson: λ ~ Gamma(α, β), yᵢ ~ Poisson(λ). In u = log λ the
// log joint (with log-det-Jacobian u) is (α+S)u − (β+n)eᵘ + const, so the
// MAP is λ* = (α+S)/(β+n) and the curvature there is α+S.
func TestLaplaceGammaPoisson(t *testing.T) {
	const alpha, beta = 2.0, 1.0
	ys := []float64{3, 1, 4, 2, 5}
	model := func(r *poutine.Runtime) {
		lam := r.Sample("lam", dist.Gamma(r.Scalar(alpha), r.Scalar(beta)))
		y := r.ConstRef([]int{len(ys)}, ys)
		r.Plate("data", len(ys), func([]int) {
			r.Sample("y", dist.Poisson(lam), poutine.Obs(y))
		})
	}
	S, n := 0.0, float64(len(ys))
	for _, y := range ys {
		S += y
	}
	wantLam, wantH := (alpha+S)/(beta+n), alpha+S
	g := NewAutoLaplaceApproximation(model, Options{Seed: 2})
	r := poutine.NewRuntime(3)
	svi := infer.NewSVI(r, model, g.Guide, newTadam(0.05, 1), &infer.TraceELBO{})
	ctx := context.Background()
	for i := 0; i < 2000; i++ {
		if _, err := svi.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	med, err := g.Median(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := med["lam"].Data()[0]; relErr(got, wantLam) > 1e-6 {
		t.Fatalf("MAP λ = %v, want %v", got, wantLam)
	}
	// at the exact MAP
	if err := r.Params.Set("AutoLaplaceApproximation.loc", tensor.New([]int{1}, []float64{math.Log(wantLam)})); err != nil {
		t.Fatal(err)
	}
	H, err := g.Hessian(r)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Gamma-Poisson curvature %.12f, analytic %v, relative error %.2e", H[0], wantH, relErr(H[0], wantH))
	if relErr(H[0], wantH) > 1e-8 {
		t.Fatalf("curvature %v, want %v", H[0], wantH)
	}
	// off the mode the curvature is (β+n)eᵘ
	u := math.Log(wantLam) + 0.7
	r.Params.Set("AutoLaplaceApproximation.loc", tensor.New([]int{1}, []float64{u}))
	H, _ = g.Hessian(r)
	if w := (beta + n) * math.Exp(u); relErr(H[0], w) > 1e-8 {
		t.Fatalf("curvature off the mode %v, want %v", H[0], w)
	}
	r.Params.Set("AutoLaplaceApproximation.loc", tensor.New([]int{1}, []float64{math.Log(wantLam)}))
	mvn, err := g.LaplaceApproximation(r)
	if err != nil {
		t.Fatal(err)
	}
	q, err := mvn.Quantiles(r, 0.1587, 0.5, 0.8413)
	if err != nil {
		t.Fatal(err)
	}
	sd := 1 / math.Sqrt(wantH)
	for k, z := range []float64{-1, 0, 1} {
		want := wantLam * math.Exp(z*sd)
		if got := q["lam"][k].Data()[0]; relErr(got, want) > 1e-3 {
			t.Errorf("quantile %d = %v, want ≈ %v", k, got, want)
		}
	}
}

// A non-concave log joint gives a clear error, not a NaN covariance.
func TestLaplaceNotPositiveDefinite(t *testing.T) {
	model := func(r *poutine.Runtime) {
		x := r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Factor("f", r.MulConst(r.Square(x), 2))
	}
	g := NewAutoLaplaceApproximation(model, Options{})
	r := poutine.NewRuntime(1)
	if _, err := g.LaplaceApproximation(r); err == nil || !strings.Contains(err.Error(), "not initialized") {
		t.Fatalf("before training: %v", err)
	}
	if _, err := poutine.TraceOf(g.Guide).Get(r); err != nil {
		t.Fatal(err)
	}
	_, err := g.LaplaceApproximation(r)
	if err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Fatalf("want a not-positive-definite error, got %v", err)
	}
}

// Guide structure: one auxiliary latent outside the plates; each site a
// Delta inside its plates, with log density −log|det J|.
func TestAutoContinuousGuideStructure(t *testing.T) {
	model := func(r *poutine.Runtime) {
		mu := r.Sample("mu", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Plate("groups", 3, func([]int) {
			s := r.Sample("s", dist.HalfNormal(r.Scalar(1)))
			r.Sample("y", dist.Normal(mu, s), poutine.Obs(r.Const([]int{3}, []float64{0.5, -1, 2})))
		})
	}
	for _, g := range []interface {
		Guide(*poutine.Runtime)
		LatentDim() (int, error)
	}{NewAutoDiagonalNormal(model, Options{Seed: 1}), NewAutoMultivariateNormal(model, Options{Seed: 1}),
		NewAutoLowRankMultivariateNormal(model, Options{Seed: 1, Rank: 3}), NewAutoLaplaceApproximation(model, Options{Seed: 1})} {
		r := poutine.NewRuntime(1)
		r.Reset()
		tr, err := poutine.TraceOf(g.Guide).Get(r)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := g.LatentDim(); d != 4 {
			t.Fatalf("latent dim %d, want 4", d)
		}
		var latent *poutine.Site
		for _, s := range tr.Sites() {
			if strings.HasSuffix(s.Name, "_latent") {
				latent = s
			}
		}
		if latent == nil || !latent.Infer.IsAuxiliary || latent.NStack != 0 || latent.Value.Shape()[0] != 4 {
			t.Fatalf("latent site wrong: %v", tr.FormatShapes())
		}
		s := tr.Get("s")
		if s == nil || s.Fn.Name() != "Delta" || s.NStack != 1 || s.Plates()[0].Name != "groups" || s.Plates()[0].Dim != -1 {
			t.Fatalf("site s: %v", tr.FormatShapes())
		}
		// value = exp(u) with u the latent's slice; log density −u
		tr.ComputeLogProb(nil)
		u := latent.Value.Data()[1:4]
		for i := range 3 {
			if math.Abs(s.Value.Data()[i]-math.Exp(u[i])) > 1e-12 || math.Abs(s.LogProb.Data()[i]+u[i]) > 1e-12 {
				t.Fatalf("site s value %v log prob %v from u %v", s.Value.Data(), s.LogProb.Data(), u)
			}
		}
		if m := tr.Get("mu"); m == nil || m.NStack != 0 || m.Value.Data()[0] != latent.Value.Data()[0] {
			t.Fatalf("site mu: %v", tr.FormatShapes())
		}
	}
}

// Median, Quantiles, SamplePosterior and Posterior agree with each other.
func TestAutoContinuousSummaries(t *testing.T) {
	g := NewAutoMultivariateNormal(lgModel, Options{Seed: 1, InitScale: 0.5})
	r := poutine.NewRuntime(9)
	if _, err := g.Median(r); err == nil {
		t.Fatal("Median before the parameters exist must fail")
	}
	r.Reset()
	if _, err := poutine.TraceOf(g.Guide).Get(r); err != nil {
		t.Fatal(err)
	}
	// give the posterior a non-trivial shape
	r.Params.Set("AutoMultivariateNormal.loc", tensor.New([]int{2}, []float64{0.3, -0.4}))
	r.Params.Get("AutoMultivariateNormal.scale_tril").Data[2] = 0.8
	loc, _ := g.Loc(r)
	cov, _ := g.Covariance(r)
	med, err := g.Median(r)
	if err != nil || med["a"].Data()[0] != loc[0] || med["b"].Data()[0] != loc[1] {
		t.Fatalf("median %v %v, loc %v", med, err, loc)
	}
	q, err := g.Quantiles(r, 0.025, 0.975)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"a", "b"} {
		sd := math.Sqrt(cov[3*i])
		if math.Abs(q[name][0].Data()[0]-(loc[i]-1.959964*sd)) > 1e-5 || math.Abs(q[name][1].Data()[0]-(loc[i]+1.959964*sd)) > 1e-5 {
			t.Fatalf("quantiles of %s: %v %v", name, q[name][0], q[name][1])
		}
	}
	if _, err := g.Quantiles(r, 1.5); err == nil {
		t.Fatal("quantile 1.5 accepted")
	}
	const n = 40000
	smp, err := g.SamplePosterior(r, n)
	if err != nil {
		t.Fatal(err)
	}
	if sh := smp["a"].Shape(); len(sh) != 1 || sh[0] != n {
		t.Fatalf("sample shape %v", sh)
	}
	a, b := smp["a"].Data(), smp["b"].Data()
	var ma, mb, vab, vaa float64
	for i := range a {
		ma += a[i] / n
		mb += b[i] / n
	}
	for i := range a {
		vaa += (a[i] - ma) * (a[i] - ma) / n
		vab += (a[i] - ma) * (b[i] - mb) / n
	}
	if math.Abs(ma-loc[0]) > 4*math.Sqrt(cov[0]/n) || math.Abs(mb-loc[1]) > 4*math.Sqrt(cov[3]/n) ||
		relErr(vaa, cov[0]) > 0.03 || math.Abs(vab-cov[1]) > 0.03*math.Sqrt(cov[0]*cov[3]) {
		t.Fatalf("sample moments %v %v %v %v, want %v %v", ma, mb, vaa, vab, loc, cov)
	}
	r.Reset()
	d, err := g.Posterior(r)
	if err != nil || d.Name() != "MultivariateNormal" || d.EventShape()[0] != 2 {
		t.Fatalf("posterior %v %v", d, err)
	}
	if _, err := g.SamplePosterior(r, 0); err == nil {
		t.Fatal("0 samples accepted")
	}
}

func TestAutoContinuousErrors(t *testing.T) {
	if _, err := NewAutoLowRankMultivariateNormal(lgModel, Options{Rank: -1}).Rank(); err == nil {
		t.Fatal("negative rank accepted")
	}
	if _, err := NewAutoDiagonalNormal(lgModel, Options{InitScale: -1}).LatentDim(); err == nil {
		t.Fatal("negative init scale accepted")
	}
	noLatent := func(r *poutine.Runtime) {
		r.Sample("y", dist.Normal(r.Scalar(0), r.Scalar(1)), poutine.Obs(r.Scalar(1)))
	}
	g := NewAutoDiagonalNormal(noLatent, Options{})
	r := poutine.NewRuntime(1)
	if _, err := poutine.TraceOf(g.Guide).Get(r); err == nil {
		t.Fatal("a model without latent sites must be an error")
	}
}

func TestAutoDiagonalNormalStepZeroAlloc(t *testing.T) {
	g := NewAutoDiagonalNormal(lgModel, Options{Seed: 1})
	r := poutine.NewRuntime(2)
	svi := infer.NewSVI(r, lgModel, g.Guide, newTadam(0.01, 1), &infer.TraceELBO{})
	ctx := context.Background()
	svi.Step(ctx)
	svi.Step(ctx)
	if a := testing.AllocsPerRun(100, func() { svi.Step(ctx) }); a != 0 {
		t.Fatalf("AutoDiagonalNormal SVI step allocates %v per step", a)
	}
}

// The other flat-latent guides allocate nothing per step either.
func TestAutoContinuousStepZeroAlloc(t *testing.T) {
	m := benchModel20()
	for name, g := range map[string]func(*poutine.Runtime){
		"AutoMultivariateNormal":        NewAutoMultivariateNormal(m, Options{}).Guide,
		"AutoLowRankMultivariateNormal": NewAutoLowRankMultivariateNormal(m, Options{}).Guide,
		"AutoLaplaceApproximation":      NewAutoLaplaceApproximation(m, Options{}).Guide,
	} {
		r := poutine.NewRuntime(2)
		svi := infer.NewSVI(r, m, g, newTadam(0.001, 1), &infer.TraceELBO{})
		ctx := context.Background()
		svi.Step(ctx)
		svi.Step(ctx)
		if a := testing.AllocsPerRun(20, func() { svi.Step(ctx) }); a != 0 {
			t.Errorf("%s SVI step allocates %v per step", name, a)
		}
	}
}

func BenchmarkAutoDiagonalNormalStep(b *testing.B) {
	g := NewAutoDiagonalNormal(lgModel, Options{Seed: 1})
	r := poutine.NewRuntime(2)
	svi := infer.NewSVI(r, lgModel, g.Guide, newTadam(0.01, 1), &infer.TraceELBO{})
	ctx := context.Background()
	svi.Step(ctx)
	b.ReportAllocs()
	for b.Loop() {
		svi.Step(ctx)
	}
}

// ---------------------------------------------------------------------------
// Zero-variance checks: when the guide equals the exact posterior,
// log p(x, z) − log q(z) = log p(x) for every draw, so every loss estimate
// is exactly −log p(x). This checks the whole guide density (the flat
// posterior, the unpacking, the Delta sites' −log|det J|) to rounding.

func normLogPdf(x, m, s float64) float64 {
	z := (x - m) / s
	return -0.5*z*z - math.Log(s) - 0.5*math.Log(2*math.Pi)
}

// lgLogZ is log p(y) of lgModel: log p(y, m) − log p(m | y) at the
// posterior mean m.
func lgLogZ() float64 {
	_, mean, cov := lgExact()
	lz := normLogPdf(mean[0], 0, 1) + normLogPdf(mean[1], 0, 1)
	for i := range lgY {
		lz += normLogPdf(lgY[i], mean[0]*lgX1[i]+mean[1]*lgX2[i], lgSigma)
	}
	det := cov[0]*cov[3] - cov[1]*cov[2]
	return lz - (-math.Log(2*math.Pi) - 0.5*math.Log(det))
}

func checkExactLoss(t *testing.T, name string, r *poutine.Runtime, model, guide poutine.Model, want float64) {
	t.Helper()
	svi := infer.NewSVI(r, model, guide, nil, &infer.TraceELBO{})
	for i := 0; i < 20; i++ {
		loss, err := svi.EvaluateLoss(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(loss-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("%s: loss %.15g at the exact posterior, want −log p(y) = %.15g", name, loss, want)
		}
	}
}

func TestExactPosteriorZeroVarianceLoss(t *testing.T) {
	_, mean, cov := lgExact()
	want := -lgLogZ()
	loc := tensor.New([]int{2}, mean)
	// AutoMultivariateNormal: L = chol(cov) = diag(scale)·scale_tril
	l00 := math.Sqrt(cov[0])
	l10 := cov[2] / l00
	l11 := math.Sqrt(cov[3] - l10*l10)
	r := poutine.NewRuntime(1)
	r.Params.Set("AutoMultivariateNormal.loc", loc)
	r.Params.SetConstrained("AutoMultivariateNormal.scale", tensor.New([]int{2}, []float64{l00, l11}), constraints.SoftplusPositive)
	r.Params.SetConstrained("AutoMultivariateNormal.scale_tril", tensor.New([]int{2, 2}, []float64{1, 0, l10 / l11, 1}), constraints.UnitLowerCholesky)
	checkExactLoss(t, "AutoMultivariateNormal", r, lgModel, NewAutoMultivariateNormal(lgModel, Options{}).Guide, want)

	// AutoLowRankMultivariateNormal: cov = diag(s)(wwᵀ + I)diag(s) with w₀ = 5
	w0 := 5.0
	s0 := math.Sqrt(cov[0] / (w0*w0 + 1))
	k := cov[1] / (s0 * w0)
	s1 := math.Sqrt(cov[3] - k*k)
	w1 := k / s1
	r = poutine.NewRuntime(2)
	r.Params.Set("AutoLowRankMultivariateNormal.loc", loc)
	r.Params.SetConstrained("AutoLowRankMultivariateNormal.scale", tensor.New([]int{2}, []float64{s0, s1}), constraints.SoftplusPositive)
	r.Params.Set("AutoLowRankMultivariateNormal.cov_factor", tensor.New([]int{2, 1}, []float64{w0, w1}))
	lr := NewAutoLowRankMultivariateNormal(lgModel, Options{})
	checkExactLoss(t, "AutoLowRankMultivariateNormal", r, lgModel, lr.Guide, want)
	if c, _ := lr.Covariance(r); relErr(c[1], cov[1]) > 1e-12 || relErr(c[3], cov[3]) > 1e-12 {
		t.Fatalf("low-rank covariance %v, want %v", c, cov)
	}

	// the Laplace approximation of this Gaussian model is the exact posterior
	r = poutine.NewRuntime(3)
	r.Params.Set("AutoLaplaceApproximation.loc", loc)
	mvn, err := NewAutoLaplaceApproximation(lgModel, Options{}).LaplaceApproximation(r)
	if err != nil {
		t.Fatal(err)
	}
	checkExactLoss(t, "LaplaceApproximation", r, lgModel, mvn.Guide, want)
}

// A constrained site: λ ~ LogNormal(0, 1), yᵢ ~ N(log λ, σ). In u = log λ
// the posterior is the conjugate Normal, so a one-dimensional
// AutoDiagonalNormal is exact and the loss is −log p(y) for every draw; the
// Jacobian of exp enters both the model (LogNormal's density) and the
// guide (the Delta's log density −u).
func TestExactPosteriorConstrainedSite(t *testing.T) {
	ys := []float64{0.4, 1.1, 0.7, 0.2}
	const sigma = 0.5
	model := func(r *poutine.Runtime) {
		lam := r.Sample("lam", dist.LogNormal(r.Scalar(0), r.Scalar(1)))
		y := r.ConstRef([]int{len(ys)}, ys)
		r.Plate("data", len(ys), func([]int) {
			r.Sample("y", dist.Normal(r.Log(lam), r.Scalar(sigma)), poutine.Obs(y))
		})
	}
	prec, sy := 1.0, 0.0
	for _, y := range ys {
		prec += 1 / (sigma * sigma)
		sy += y / (sigma * sigma)
	}
	m, sd := sy/prec, 1/math.Sqrt(prec)
	lz := normLogPdf(m, 0, 1) - normLogPdf(m, m, sd)
	for _, y := range ys {
		lz += normLogPdf(y, m, sigma)
	}
	r := poutine.NewRuntime(1)
	r.Params.Set("AutoDiagonalNormal.loc", tensor.New([]int{1}, []float64{m}))
	r.Params.SetConstrained("AutoDiagonalNormal.scale", tensor.New([]int{1}, []float64{sd}), constraints.SoftplusPositive)
	g := NewAutoDiagonalNormal(model, Options{})
	checkExactLoss(t, "AutoDiagonalNormal", r, model, g.Guide, -lz)
	med, err := g.Median(r)
	if err != nil || relErr(med["lam"].Data()[0], math.Exp(m)) > 1e-14 {
		t.Fatalf("median %v %v, want %v", med, err, math.Exp(m))
	}
}

// SamplePosterior maps draws through vector-valued transforms (a simplex
// site) and matrix-shaped sites in batch; with a tiny scale every draw is
// the median.
func TestSamplePosteriorBatchedTransforms(t *testing.T) {
	model := func(r *poutine.Runtime) {
		r.Sample("p", dist.Dirichlet(r.Const([]int{3}, []float64{1, 2, 3})))
		r.Plate("rows", 2, func([]int) {
			r.Sample("s", dist.ToEvent(dist.HalfNormal(r.Const([]int{2, 4}, []float64{1, 1, 1, 1, 2, 2, 2, 2})), 1))
		})
	}
	g := NewAutoDiagonalNormal(model, Options{Seed: 7, Init: infer.InitToUniform{}, InitScale: 1e-9})
	r := poutine.NewRuntime(1)
	if d, err := g.LatentDim(); err != nil || d != 2+8 {
		t.Fatalf("latent dim %d %v, want 10", d, err)
	}
	r.Reset()
	if _, err := poutine.TraceOf(g.Guide).Get(r); err != nil {
		t.Fatal(err)
	}
	med, err := g.Median(r)
	if err != nil {
		t.Fatal(err)
	}
	const n = 5
	smp, err := g.SamplePosterior(r, n)
	if err != nil {
		t.Fatal(err)
	}
	if sh := smp["p"].Shape(); len(sh) != 2 || sh[0] != n || sh[1] != 3 {
		t.Fatalf("p samples shape %v", sh)
	}
	if sh := smp["s"].Shape(); len(sh) != 3 || sh[0] != n || sh[1] != 2 || sh[2] != 4 {
		t.Fatalf("s samples shape %v", sh)
	}
	for name, m := range med {
		md := m.Data()
		sd := smp[name].Data()
		for row := range n {
			for i := range md {
				if math.Abs(sd[row*len(md)+i]-md[i]) > 1e-7 {
					t.Fatalf("%s draw %d = %v, median %v", name, row, sd[row*len(md):(row+1)*len(md)], md)
				}
			}
		}
	}
	p := med["p"].Data()
	if math.Abs(p[0]+p[1]+p[2]-1) > 1e-12 {
		t.Fatalf("p median %v not on the simplex", p)
	}
}

func benchGuideStep(b *testing.B, model poutine.Model, guide func(*poutine.Runtime)) {
	r := poutine.NewRuntime(2)
	svi := infer.NewSVI(r, model, guide, newTadam(0.001, 1), &infer.TraceELBO{})
	ctx := context.Background()
	svi.Step(ctx)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svi.Step(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchModel20 has a 20-dimensional latent z ~ N(0, I) observed through
// y = X z + noise (50 observations).
func benchModel20() poutine.Model {
	const n, d = 50, 20
	rng := dist.NewRNG(1)
	X := make([]float64, n*d)
	y := make([]float64, n)
	for i := range X {
		X[i] = rng.NormFloat64()
	}
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	zeros, ones := make([]float64, d), make([]float64, d)
	for i := range ones {
		ones[i] = 1
	}
	return func(r *poutine.Runtime) {
		z := r.Sample("z", dist.ToEvent(dist.Normal(r.ConstRef([]int{d}, zeros), r.ConstRef([]int{d}, ones)), 1))
		mean := r.MatVec(r.ConstRef([]int{n, d}, X), z)
		r.Plate("data", n, func([]int) {
			r.Sample("y", dist.Normal(mean, r.Scalar(1)), poutine.Obs(r.ConstRef([]int{n}, y)))
		})
	}
}

func BenchmarkGuideStep20(b *testing.B) {
	m := benchModel20()
	b.Run("AutoNormal", func(b *testing.B) { benchGuideStep(b, m, NewAutoNormal(m, Options{}).Guide) })
	b.Run("AutoDiagonalNormal", func(b *testing.B) { benchGuideStep(b, m, NewAutoDiagonalNormal(m, Options{}).Guide) })
	b.Run("AutoLowRankMultivariateNormal", func(b *testing.B) {
		benchGuideStep(b, m, NewAutoLowRankMultivariateNormal(m, Options{}).Guide)
	})
	b.Run("AutoMultivariateNormal", func(b *testing.B) { benchGuideStep(b, m, NewAutoMultivariateNormal(m, Options{}).Guide) })
	b.Run("AutoLaplaceApproximation", func(b *testing.B) { benchGuideStep(b, m, NewAutoLaplaceApproximation(m, Options{}).Guide) })
}

func BenchmarkLaplaceHessian20(b *testing.B) {
	m := benchModel20()
	g := NewAutoLaplaceApproximation(m, Options{})
	r := poutine.NewRuntime(1)
	r.Reset()
	if _, err := poutine.TraceOf(g.Guide).Get(r); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := g.Hessian(r); err != nil {
			b.Fatal(err)
		}
	}
}
