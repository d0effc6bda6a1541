package models

import (
	"math"
	"testing"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

const log2pi = 1.8378770664093454836

func normLP(x, mu, s float64) float64 {
	z := (x - mu) / s
	return -0.5*z*z - math.Log(s) - 0.5*log2pi
}

// halfCauchyLP and halfNormalLP are the densities on (0, ∞).
func halfCauchyLP(x, s float64) float64 { return math.Log(2/(math.Pi*s)) - math.Log1p(x*x/(s*s)) }
func halfNormalLP(x, s float64) float64 { return math.Log(2) + normLP(x, 0, s) }

func logSigmoid(z float64) float64 {
	if z >= 0 {
		return -math.Log1p(math.Exp(-z))
	}
	return z - math.Log1p(math.Exp(z))
}

func bernLogitLP(y, eta float64) float64 {
	if y == 1 {
		return logSigmoid(eta)
	}
	return logSigmoid(-eta)
}

func mustData(t *testing.T, name string) string {
	t.Helper()
	p, err := DataPath(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func potential(t *testing.T, m poutine.Model) *infer.ModelPotential {
	t.Helper()
	p, err := infer.NewModelPotential(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func close(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if !(math.Abs(got-want) <= rel*(1+math.Abs(want))) {
		t.Fatalf("%s = %.15g, want %.15g (diff %.3g)", what, got, want, got-want)
	}
}

func testPoint(rng *dist.RNG, n int, sd float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = sd * rng.NormFloat64()
	}
	return x
}

// gradCheck compares the potential's gradient with central differences of
// LogDensity.
func gradCheck(t *testing.T, p *infer.ModelPotential, x []float64) {
	t.Helper()
	g := make([]float64, len(x))
	p.Potential(x, g)
	xx := append([]float64(nil), x...)
	const h = 1e-5
	for i := range x {
		xx[i] = x[i] + h
		fp := p.LogDensity(xx)
		xx[i] = x[i] - h
		fm := p.LogDensity(xx)
		xx[i] = x[i]
		fd := -(fp - fm) / (2 * h)
		if math.Abs(g[i]-fd) > 1e-5*(1+math.Abs(fd)) {
			t.Fatalf("grad[%d] = %v, central difference %v", i, g[i], fd)
		}
	}
}

func TestEightSchoolsNonCenteredLogDensity(t *testing.T) {
	d, err := LoadEightSchools(mustData(t, EightSchoolsFile))
	if err != nil {
		t.Fatal(err)
	}
	if d.J != 8 || d.Y[0] != 28 || d.Sigma[7] != 18 {
		t.Fatalf("loaded %+v", d)
	}
	p := potential(t, EightSchoolsNonCentered(d))
	if p.Dim() != 10 {
		t.Fatalf("dim %d, want 10", p.Dim())
	}
	want := []string{"mu", "tau", "theta_tilde[1]", "theta_tilde[2]", "theta_tilde[3]", "theta_tilde[4]", "theta_tilde[5]", "theta_tilde[6]", "theta_tilde[7]", "theta_tilde[8]"}
	if got := CoordNames(p); !equalStrings(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	x := testPoint(dist.NewRNG(3), 10, 1)
	mu, lt := x[0], x[1]
	tau := math.Exp(lt)
	lp := normLP(mu, 0, 5) + halfCauchyLP(tau, 5) + lt // + log|dτ/d log τ|
	for j := 0; j < 8; j++ {
		lp += normLP(x[2+j], 0, 1) + normLP(d.Y[j], mu+tau*x[2+j], d.Sigma[j])
	}
	close(t, "log density", p.LogDensity(x), lp, 1e-12)
	gradCheck(t, p, x)
}

func TestEightSchoolsCenteredLogDensity(t *testing.T) {
	d, err := LoadEightSchools(mustData(t, EightSchoolsFile))
	if err != nil {
		t.Fatal(err)
	}
	p := potential(t, EightSchoolsCentered(d))
	x := testPoint(dist.NewRNG(4), 10, 2)
	mu, lt := x[0], x[1]
	tau := math.Exp(lt)
	lp := normLP(mu, 0, 5) + halfCauchyLP(tau, 5) + lt
	for j := 0; j < 8; j++ {
		lp += normLP(x[2+j], mu, tau) + normLP(d.Y[j], x[2+j], d.Sigma[j])
	}
	close(t, "log density", p.LogDensity(x), lp, 1e-12)
	if got := CoordNames(p); got[2] != "theta[1]" || got[9] != "theta[8]" {
		t.Fatalf("names %v", got)
	}
	gradCheck(t, p, x)
}

func logRegLP(d *LogRegData, w []float64, b float64) float64 {
	lp := normLP(b, 0, 10)
	for _, v := range w {
		lp += normLP(v, 0, 1)
	}
	for i := 0; i < d.N; i++ {
		eta := b
		for j := 0; j < d.D; j++ {
			eta += d.X[i*d.D+j] * w[j]
		}
		lp += bernLogitLP(d.Y[i], eta)
	}
	return lp
}

func TestBreastCancerLogDensity(t *testing.T) {
	d, err := LoadBreastCancer(mustData(t, BreastCancerFile))
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 569 || d.D != 30 || len(d.Features) != 30 || d.Features[0] != "mean_radius" {
		t.Fatalf("N=%d D=%d features %v", d.N, d.D, d.Features)
	}
	// standardized: column means 0, sample sds 1
	for j := 0; j < d.D; j++ {
		var s, ss float64
		for i := 0; i < d.N; i++ {
			s += d.X[i*d.D+j]
		}
		m := s / float64(d.N)
		for i := 0; i < d.N; i++ {
			ss += (d.X[i*d.D+j] - m) * (d.X[i*d.D+j] - m)
		}
		if math.Abs(m) > 1e-12 || math.Abs(ss/float64(d.N-1)-1) > 1e-12 {
			t.Fatalf("column %d: mean %v, variance %v", j, m, ss/float64(d.N-1))
		}
	}
	var benign float64
	for _, y := range d.Y {
		benign += y
	}
	if benign != 357 {
		t.Fatalf("%v benign rows, want 357", benign)
	}
	p := potential(t, LogisticRegression(d))
	if p.Dim() != 31 {
		t.Fatalf("dim %d", p.Dim())
	}
	names := CoordNames(p)
	if names[0] != "w[1]" || names[29] != "w[30]" || names[30] != "b" {
		t.Fatalf("names %v", names)
	}
	x := testPoint(dist.NewRNG(5), 31, 0.3)
	close(t, "log density", p.LogDensity(x), logRegLP(d, x[:30], x[30]), 1e-12)
	gradCheck(t, p, x)
}

// The standardization is the one the Stan reference run used (its column
// means and sds are stored with the reference posterior).
func TestBreastCancerMatchesReferencePreprocessing(t *testing.T) {
	ref := "../../infer/testdata/reference/breast_cancer_logistic.json"
	var raw struct {
		Preprocessing struct {
			Features   []string  `json:"features"`
			ColumnMean []float64 `json:"column_mean"`
			ColumnSD   []float64 `json:"column_sd"`
		} `json:"preprocessing"`
	}
	if err := readJSON(ref, &raw); err != nil {
		t.Skipf("no reference posterior: %v", err)
	}
	d, err := LoadBreastCancer(mustData(t, BreastCancerFile))
	if err != nil {
		t.Fatal(err)
	}
	pp := raw.Preprocessing
	if !equalStrings(pp.Features, d.Features) {
		t.Fatalf("features %v, reference %v", d.Features, pp.Features)
	}
	for j := range d.ColMean {
		close(t, "column mean "+d.Features[j], d.ColMean[j], pp.ColumnMean[j], 1e-12)
		close(t, "column sd "+d.Features[j], d.ColSD[j], pp.ColumnSD[j], 1e-12)
	}
}

func TestSyntheticLogRegLogDensityAndSubsampling(t *testing.T) {
	d, wTrue, err := SyntheticLogReg(40, 3, 42)
	if err != nil {
		t.Fatal(err)
	}
	if len(wTrue) != 3 || d.N != 40 || len(d.X) != 120 {
		t.Fatal("sizes")
	}
	again, w2, _ := SyntheticLogReg(40, 3, 42)
	if !equalFloats(again.X, d.X) || !equalFloats(again.Y, d.Y) || !equalFloats(w2, wTrue) {
		t.Fatal("SyntheticLogReg is not deterministic in its seed")
	}
	p := potential(t, LogisticRegression(d))
	x := testPoint(dist.NewRNG(6), 4, 1)
	close(t, "log density", p.LogDensity(x), logRegLP(d, x[:3], x[3]), 1e-12)

	// an explicit subsample scores those rows, scaled by N/m
	idx := []int{3, 17, 0, 39, 22}
	tr := traceAt(t, LogisticRegression(d, poutine.Subsample(idx)), map[string]*tensor.Dense{
		"w": tensor.New([]int{3}, x[:3]), "b": tensor.New([]int{1}, x[3:4]),
	})
	want := normLP(x[3], 0, 10)
	for _, v := range x[:3] {
		want += normLP(v, 0, 1)
	}
	var ll float64
	for _, i := range idx {
		eta := x[3]
		for j := 0; j < 3; j++ {
			eta += d.X[i*3+j] * x[j]
		}
		ll += bernLogitLP(d.Y[i], eta)
	}
	want += 40.0 / 5 * ll
	close(t, "subsampled log joint", tr, want, 1e-12)

	if _, _, err := SyntheticLogReg(0, 3, 1); err == nil {
		t.Fatal("n = 0 accepted")
	}
}

// traceAt runs model conditioned on values and returns its log joint.
func traceAt(t *testing.T, model poutine.Model, values map[string]*tensor.Dense) float64 {
	t.Helper()
	r := poutine.NewRuntime(1)
	tr, err := poutine.TraceOf(poutine.Condition(model, values)).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	return tr.LogProbSum(r.Tape, nil).Value()
}

func TestRadonLogDensity(t *testing.T) {
	d, err := LoadRadon(mustData(t, RadonFile))
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 919 || d.J != 85 || len(d.County) != 919 || len(d.LogUppm) != 919 {
		t.Fatalf("N=%d J=%d", d.N, d.J)
	}
	seen := make([]bool, d.J)
	for _, c := range d.County {
		seen[c] = true
	}
	for j, s := range seen {
		if !s {
			t.Fatalf("county %d has no house", j)
		}
	}
	p := potential(t, RadonVaryingInterceptNC(d))
	if p.Dim() != 89 {
		t.Fatalf("dim %d, want 89", p.Dim())
	}
	names := CoordNames(p)
	if names[0] != "alpha_raw[1]" || names[84] != "alpha_raw[85]" || !equalStrings(names[85:], []string{"beta", "mu_alpha", "sigma_alpha", "sigma_y"}) {
		t.Fatalf("names %v", names)
	}
	x := testPoint(dist.NewRNG(7), 89, 0.5)
	raw := x[:85]
	beta, mua, lsa, lsy := x[85], x[86], x[87], x[88]
	sa, sy := math.Exp(lsa), math.Exp(lsy)
	lp := normLP(beta, 0, 10) + normLP(mua, 0, 10) + halfNormalLP(sa, 1) + lsa + halfNormalLP(sy, 1) + lsy
	for _, v := range raw {
		lp += normLP(v, 0, 1)
	}
	for i := 0; i < d.N; i++ {
		alpha := mua + sa*raw[d.County[i]]
		lp += normLP(d.LogRadon[i], alpha+beta*d.FloorMeasure[i], sy)
	}
	close(t, "log density", p.LogDensity(x), lp, 1e-12)
	gradCheck(t, p, x)

	// sigma_y = exp(−1000) underflows to 0: a zero density, not an error
	x[88] = -1000
	if got := p.LogDensity(x); !math.IsInf(got, -1) {
		t.Fatalf("log density with an underflowed sigma_y = %v, want -Inf", got)
	}
}

func TestLinearRegressionLogDensityAndConjugatePosterior(t *testing.T) {
	const s0, s = 2.0, 0.7
	d, w, err := SyntheticLinReg(30, 3, -1.5, s, 11)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 3 {
		t.Fatal("weights")
	}
	p := potential(t, LinearRegression(d, s0, s))
	x := testPoint(dist.NewRNG(8), 4, 1)
	lp := normLP(x[3], 0, s0)
	for _, v := range x[:3] {
		lp += normLP(v, 0, s0)
	}
	for i := 0; i < d.N; i++ {
		mu := x[3]
		for j := 0; j < 3; j++ {
			mu += d.X[i*3+j] * x[j]
		}
		lp += normLP(d.Y[i], mu, s)
	}
	close(t, "log density", p.LogDensity(x), lp, 1e-12)

	// The posterior is Gaussian: its mean is where the gradient vanishes and
	// its covariance is the inverse of the potential's Hessian.
	mean, cov, err := d.ConjugatePosterior(s0, s)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, 4)
	p.Potential(mean, g)
	for i, v := range g {
		if math.Abs(v) > 1e-9 {
			t.Fatalf("gradient %v at the posterior mean (entry %d)", g, i)
		}
	}
	// Hessian by differences of gradients (exact for a quadratic), times cov = I
	hess := make([]float64, 16)
	gp, gm := make([]float64, 4), make([]float64, 4)
	xx := append([]float64(nil), mean...)
	for j := 0; j < 4; j++ {
		xx[j] = mean[j] + 0.5
		p.Potential(xx, gp)
		xx[j] = mean[j] - 0.5
		p.Potential(xx, gm)
		xx[j] = mean[j]
		for i := 0; i < 4; i++ {
			hess[i*4+j] = gp[i] - gm[i]
		}
	}
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			var v float64
			for k := 0; k < 4; k++ {
				v += hess[i*4+k] * cov[k*4+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(v-want) > 1e-9 {
				t.Fatalf("Hessian·cov[%d,%d] = %v", i, j, v)
			}
		}
	}
	if _, _, err := d.ConjugatePosterior(0, 1); err == nil {
		t.Fatal("zero prior scale accepted")
	}
}

func TestGaussianMixtureLogDensity(t *testing.T) {
	locs := [][]float64{{-3, 0}, {3, 1}, {0, 4}}
	d, z, err := SyntheticGMM(25, locs, []float64{0.5, 0.3, 0.2}, 0.8, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(z) != 25 || d.D != 2 {
		t.Fatal("sizes")
	}
	const sc, s0, alpha = 0.8, 10.0, 1.5
	model, err := GaussianMixture(d, GMMConfig{K: 3, Scale: sc, PriorScale: s0, Concentration: alpha})
	if err != nil {
		t.Fatal(err)
	}
	wts := tensor.New([]int{3}, []float64{0.2, 0.5, 0.3})
	mu := tensor.New([]int{3, 2}, []float64{-2.5, 0.3, 2.9, 1.2, 0.1, 3.7})
	got := traceAt(t, model, map[string]*tensor.Dense{"weights": wts, "locs": mu})

	// by hand: Dirichlet(1.5) prior, Normal(0, 10) locs, logsumexp likelihood
	w := wts.Data()
	m := mu.Data()
	want := math.Log(math.Gamma(3*alpha)) - 3*math.Log(math.Gamma(alpha))
	for _, v := range w {
		want += (alpha - 1) * math.Log(v)
	}
	for _, v := range m {
		want += normLP(v, 0, s0)
	}
	for i := 0; i < d.N; i++ {
		var terms [3]float64
		mx := math.Inf(-1)
		for k := 0; k < 3; k++ {
			terms[k] = math.Log(w[k]) + normLP(d.X[i*2], m[k*2], sc) + normLP(d.X[i*2+1], m[k*2+1], sc)
			mx = math.Max(mx, terms[k])
		}
		var s float64
		for _, v := range terms {
			s += math.Exp(v - mx)
		}
		want += mx + math.Log(s)
	}
	close(t, "log joint", got, want, 1e-12)

	// the likelihood is MixtureOfDiagNormals' log density
	logits := tensor.New([]int{3}, []float64{math.Log(0.2), math.Log(0.5), math.Log(0.3)})
	scale := tensor.New([]int{3, 2}, []float64{sc, sc, sc, sc, sc, sc})
	mix, err := dist.New("MixtureOfDiagNormals", map[string]*tensor.Dense{"locs": mu, "coord_scale": scale, "component_logits": logits})
	if err != nil {
		t.Fatal(err)
	}
	lpx, err := dist.LogProbOf(mix, tensor.New([]int{d.N, 2}, d.X))
	if err != nil {
		t.Fatal(err)
	}
	var mixLL float64
	for _, v := range lpx.Data() {
		mixLL += v
	}
	prior := math.Log(math.Gamma(3*alpha)) - 3*math.Log(math.Gamma(alpha))
	for _, v := range w {
		prior += (alpha - 1) * math.Log(v)
	}
	for _, v := range m {
		prior += normLP(v, 0, s0)
	}
	close(t, "likelihood vs MixtureOfDiagNormals", got-prior, mixLL, 1e-12)

	// fixed weights: no "weights" site, log(1/K) per component
	fixed, err := GaussianMixture(d, GMMConfig{K: 3, Scale: sc})
	if err != nil {
		t.Fatal(err)
	}
	p := potential(t, fixed)
	if p.Dim() != 6 || len(p.Sites()) != 1 {
		t.Fatalf("fixed-weight model: dim %d, %d sites", p.Dim(), len(p.Sites()))
	}
	if got := CoordNames(p); !equalStrings(got, []string{"locs[1,1]", "locs[1,2]", "locs[2,1]", "locs[2,2]", "locs[3,1]", "locs[3,2]"}) {
		t.Fatalf("names %v", got)
	}
	gradCheck(t, p, m)

	for _, bad := range []GMMConfig{{K: 0}, {K: 2, Scale: -1}, {K: 2, Concentration: -1}, {K: 2, PriorScale: math.Inf(1)}} {
		if _, err := GaussianMixture(d, bad); err == nil {
			t.Errorf("config %+v accepted", bad)
		}
	}
	if _, _, err := SyntheticGMM(5, [][]float64{{0}, {1, 2}}, nil, 1, 1); err == nil {
		t.Error("ragged locs accepted")
	}
	if _, _, err := SyntheticGMM(5, [][]float64{{0}, {1}}, []float64{0, 0}, 1, 1); err == nil {
		t.Error("zero weights accepted")
	}
}

func TestStanNames(t *testing.T) {
	if got := StanName("theta_tilde", 2); got != "theta_tilde[3]" {
		t.Fatal(got)
	}
	if got := StanName("mu"); got != "mu" {
		t.Fatal(got)
	}
	if got := StanName("L", 0, 1); got != "L[1,2]" {
		t.Fatal(got)
	}
	if got := SiteNames("a", []int{2, 2}); !equalStrings(got, []string{"a[1,1]", "a[1,2]", "a[2,1]", "a[2,2]"}) {
		t.Fatal(got)
	}
	if got := SiteNames("s", nil); !equalStrings(got, []string{"s"}) {
		t.Fatal(got)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
