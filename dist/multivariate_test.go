package dist

import (
	"math"
	"strings"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// mvGradCheck compares the gradient of Σ f(params) recorded on the tape with
// central finite differences. f must be deterministic given its inputs (use
// a freshly seeded RNG inside f for pathwise checks: common random numbers).
func mvGradCheck(t *testing.T, name string, shapes [][]int, vals [][]float64, f func(tp *ad.Tape, ps []ad.V) ad.V, rtol float64) {
	t.Helper()
	// log densities read only the lower triangle of a triangular factor;
	// samples multiply by the whole matrix (as PyTorch), so its zero upper
	// triangle gets a (harmless) gradient there.
	upperZero := !strings.HasPrefix(name, "rsample ")
	tp := ad.NewTape()
	eval := func(vs [][]float64, grad bool) (float64, [][]float64) {
		tp.Reset()
		ps := make([]ad.V, len(vs))
		for i, v := range vs {
			if grad {
				ps[i] = tp.Param(shapes[i], v)
			} else {
				ps[i] = tp.Const(shapes[i], v)
			}
		}
		out := tp.Sum(f(tp, ps))
		val := out.Value()
		if !grad {
			return val, nil
		}
		tp.Backward(out)
		gs := make([][]float64, len(ps))
		for i, p := range ps {
			gs[i] = make([]float64, len(vs[i]))
			tp.GradInto(gs[i], p)
		}
		return val, gs
	}
	_, gs := eval(vals, true)
	for i := range vals {
		// Square matrices: symmetric ones (covariance, precision) are
		// perturbed symmetrically, as the Cholesky gradient assumes;
		// others are taken to be triangular factors (scale_tril) and
		// perturbed only in the lower triangle. Tests pass other parameters
		// with non-square shapes.
		sh := shapes[i]
		n, kind := 0, 0
		if len(sh) == 2 && sh[0] == sh[1] {
			n = sh[0]
			kind = 1
			for a := 0; a < n; a++ {
				for b := a + 1; b < n; b++ {
					if vals[i][a*n+b] != vals[i][b*n+a] {
						kind = 2
					}
				}
			}
		}
		for j := range vals[i] {
			r, c := 0, 0
			if n > 0 {
				r, c = j/n, j%n
				if c > r {
					if kind == 2 && upperZero && gs[i][j] != 0 {
						t.Errorf("%s: gradient %v in the upper triangle of a triangular parameter", name, gs[i][j])
					}
					continue
				}
			}
			x := vals[i][j]
			h := 1e-6 * math.Max(1, math.Abs(x))
			set := func(v float64) {
				vals[i][j] = v
				if kind == 1 {
					vals[i][c*n+r] = v
				}
			}
			set(x + h)
			fp, _ := eval(vals, false)
			set(x - h)
			fm, _ := eval(vals, false)
			set(x)
			fd := (fp - fm) / (2 * h)
			g := gs[i][j]
			if kind == 1 && r != c {
				g += gs[i][c*n+r]
			}
			if math.Abs(g-fd) > rtol*math.Max(1, math.Abs(fd)) {
				t.Errorf("%s: d/dparam%d[%d] = %.10g, finite difference %.10g", name, i, j, g, fd)
			}
		}
	}
}

func TestMultivariateLogProbGradients(t *testing.T) {
	cov := []float64{2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5}
	L := []float64{1.2, 0, 0, 0.3, 0.9, 0, -0.4, 0.2, 0.7}
	x3 := []float64{0.3, -1.1, 0.8, 1.5, 0.2, -0.4}
	cases := []struct {
		name   string
		shapes [][]int
		vals   [][]float64
		f      func(tp *ad.Tape, ps []ad.V) ad.V
	}{
		{"Dirichlet", [][]int{{2, 3}}, [][]float64{{0.5, 1.2, 3, 2, 2, 0.7}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return Dirichlet(ps[0]).LogProb(tp.Const([]int{2, 3}, []float64{0.2, 0.3, 0.5, 0.1, 0.6, 0.3}))
		}},
		{"MVN cov", [][]int{{3}, {3, 3}}, [][]float64{{0.1, -0.2, 0.3}, cov}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return MultivariateNormal(ps[0], ps[1]).LogProb(tp.Const([]int{2, 3}, x3))
		}},
		{"MVN prec", [][]int{{3}, {3, 3}}, [][]float64{{0.1, -0.2, 0.3}, cov}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return MultivariateNormalPrecision(ps[0], ps[1]).LogProb(tp.Const([]int{2, 3}, x3))
		}},
		{"MVN tril value", [][]int{{2, 3}, {3, 3}}, [][]float64{append([]float64(nil), x3...), L}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return MultivariateNormalScaleTril(tp.Const([]int{3}, []float64{0.1, 0, -0.1}), ps[1]).LogProb(ps[0])
		}},
		{"LowRankMVN", [][]int{{3}, {3, 2}, {3}}, [][]float64{{0.1, -0.2, 0.3}, {0.5, -0.3, 0.2, 0.8, -1, 0.1}, {0.5, 1, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return LowRankMultivariateNormal(ps[0], ps[1], ps[2]).LogProb(tp.Const([]int{2, 3}, x3))
		}},
		{"MVStudentT", [][]int{nil, {3}, {3, 3}}, [][]float64{{3.5}, {0.1, -0.2, 0.3}, L}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return MultivariateStudentT(ps[0], ps[1], ps[2]).LogProb(tp.Const([]int{2, 3}, x3))
		}},
		{"OneHotCategorical logits", [][]int{{2, 3}}, [][]float64{{0.5, -1, 2, 0, 0.3, -0.3}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return OneHotCategoricalLogits(ps[0]).LogProb(tp.Const([]int{2, 3}, []float64{0, 0, 1, 1, 0, 0}))
		}},
		{"Multinomial logits", [][]int{{3}}, [][]float64{{0.2, -0.5, 0.3}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return MultinomialLogits(7, ps[0]).LogProb(tp.Const([]int{3}, []float64{2, 4, 1}))
		}},
		{"RelaxedBernoulli", [][]int{nil, {3}}, [][]float64{{0.7}, {-1, 0.5, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return RelaxedBernoulliLogits(ps[0], ps[1]).LogProb(tp.Const([]int{3}, []float64{0.2, 0.6, 0.9}))
		}},
		{"RelaxedOneHotCategorical", [][]int{nil, {3}}, [][]float64{{0.7}, {-1, 0.5, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return RelaxedOneHotCategoricalLogits(ps[0], ps[1]).LogProb(tp.Const([]int{3}, []float64{0.2, 0.3, 0.5}))
		}},
		{"DirichletMultinomial", [][]int{{3}}, [][]float64{{0.5, 1.5, 3}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return DirichletMultinomial(ps[0], tp.Scalar(6)).LogProb(tp.Const([]int{3}, []float64{1, 2, 3}))
		}},
		{"LKJCholesky", [][]int{nil}, [][]float64{{1.7}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			x := LKJCholesky(3, tp.Scalar(1.7)).Sample(NewRNG(5), 2)
			return LKJCholesky(3, ps[0]).LogProb(x)
		}},
		{"Independent(Normal)", [][]int{{2, 3}}, [][]float64{{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return ToEvent(Normal(ps[0], tp.Scalar(1.5)), 1).LogProb(tp.Const([]int{2, 3}, x3))
		}},
	}
	for _, c := range cases {
		mvGradCheck(t, c.name, c.shapes, c.vals, c.f, 1e-6)
	}
}

func TestMultivariateRSampleGradients(t *testing.T) {
	L := []float64{1.2, 0, 0, 0.3, 0.9, 0, -0.4, 0.2, 0.7}
	w := []float64{0.3, -1, 0.5, 2, 0.1, -0.7}
	weighted := func(tp *ad.Tape, v ad.V) ad.V {
		return tp.Mul(v, tp.Const(v.Shape(), w[:v.Size()]))
	}
	cases := []struct {
		name   string
		shapes [][]int
		vals   [][]float64
		f      func(tp *ad.Tape, ps []ad.V) ad.V
	}{
		{"MVN", [][]int{{3}, {3, 3}}, [][]float64{{0.1, -0.2, 0.3}, L}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return weighted(tp, MultivariateNormalScaleTril(ps[0], ps[1]).RSample(NewRNG(3), 2))
		}},
		{"MVN cov", [][]int{{3}, {3, 3}}, [][]float64{{0.1, -0.2, 0.3}, {2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return weighted(tp, MultivariateNormal(ps[0], ps[1]).RSample(NewRNG(3), 2))
		}},
		{"LowRankMVN", [][]int{{3}, {3, 2}, {3}}, [][]float64{{0.1, -0.2, 0.3}, {0.5, -0.3, 0.2, 0.8, -1, 0.1}, {0.5, 1, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return weighted(tp, LowRankMultivariateNormal(ps[0], ps[1], ps[2]).RSample(NewRNG(4), 2))
		}},
		// df is held constant: its implicit-reparameterization gradient is
		// not the derivative along common random numbers.
		{"MVStudentT", [][]int{{3}, {3, 3}}, [][]float64{{0.1, -0.2, 0.3}, L}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return weighted(tp, MultivariateStudentT(tp.Scalar(4.5), ps[0], ps[1]).RSample(NewRNG(6), 2))
		}},
		{"RelaxedOneHotCategorical", [][]int{nil, {3}}, [][]float64{{0.7}, {-1, 0.5, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return weighted(tp, RelaxedOneHotCategoricalLogits(ps[0], ps[1]).RSample(NewRNG(7), 2))
		}},
		{"RelaxedBernoulli", [][]int{nil, {3}}, [][]float64{{0.7}, {-1, 0.5, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
			return weighted(tp, RelaxedBernoulliLogits(ps[0], ps[1]).RSample(NewRNG(8), 2))
		}},
	}
	for _, c := range cases {
		mvGradCheck(t, "rsample "+c.name, c.shapes, c.vals, c.f, 1e-5)
	}
}

// mvMoments returns the per-coordinate mean and variance of n draws of
// width k.
func mvMoments(x []float64, k int) (mean, vr []float64) {
	n := len(x) / k
	mean = make([]float64, k)
	vr = make([]float64, k)
	for i := 0; i < n; i++ {
		for j := 0; j < k; j++ {
			mean[j] += x[i*k+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < k; j++ {
			d := x[i*k+j] - mean[j]
			vr[j] += d * d
		}
	}
	for j := range vr {
		vr[j] /= float64(n - 1)
	}
	return mean, vr
}

func TestMultivariateSampleMoments(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(42)
	const n = 40000
	check := func(name string, d Distribution, k int) {
		t.Helper()
		x := d.Sample(rng, n)
		m, v := mvMoments(x.Data(), k)
		wm, wv := d.Mean().Data(), d.Variance().Data()
		for j := 0; j < k; j++ {
			se := math.Sqrt(wv[j] / n)
			if math.Abs(m[j]-wm[j]) > 5*se+1e-12 {
				t.Errorf("%s: mean[%d] = %v, want %v (se %v)", name, j, m[j], wm[j], se)
			}
			// variance within 5% (n = 40000: sd of the estimate ≈ 1-2%)
			if math.Abs(v[j]-wv[j]) > 0.05*wv[j]+1e-12 {
				t.Errorf("%s: variance[%d] = %v, want %v", name, j, v[j], wv[j])
			}
		}
	}
	check("Dirichlet", Dirichlet(tp.Const([]int{3}, []float64{0.5, 1.2, 3})), 3)
	check("Dirichlet tiny", Dirichlet(tp.Const([]int{2}, []float64{0.05, 0.2})), 2)
	check("OneHotCategorical", OneHotCategorical(tp.Const([]int{4}, []float64{0.1, 0.2, 0.3, 0.4})), 4)
	check("Multinomial", Multinomial(10, tp.Const([]int{3}, []float64{0.2, 0.5, 0.3})), 3)
	check("Multinomial 1e6", Multinomial(1000000, tp.Const([]int{3}, []float64{0.2, 0.5, 0.3})), 3)
	check("DirichletMultinomial", DirichletMultinomial(tp.Const([]int{3}, []float64{0.5, 1.5, 3}), tp.Scalar(6)), 3)
	check("MVN", MultivariateNormal(tp.Const([]int{3}, []float64{1, -1, 0}), tp.Const([]int{3, 3}, []float64{2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5})), 3)
	check("LowRankMVN", LowRankMultivariateNormal(tp.Const([]int{3}, []float64{0.1, -0.2, 0.3}), tp.Const([]int{3, 2}, []float64{0.5, -0.3, 0.2, 0.8, -1, 0.1}), tp.Const([]int{3}, []float64{0.5, 1, 2})), 3)
	check("MVStudentT", MultivariateStudentT(tp.Scalar(12), tp.Const([]int{2}, []float64{1, -1}), tp.Const([]int{2, 2}, []float64{1, 0, 0.5, 0.8})), 2)

	// MVN covariance: E[(x-μ)(x-μ)ᵀ] against L·Lᵀ
	cov := []float64{2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5}
	d := MultivariateNormal(tp.Const([]int{3}, nil), tp.Const([]int{3, 3}, cov))
	x := d.Sample(rng, n).Data()
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			s := 0.0
			for r := 0; r < n; r++ {
				s += x[r*3+i] * x[r*3+j]
			}
			if got := s / n; math.Abs(got-cov[i*3+j]) > 0.05 {
				t.Errorf("MVN covariance[%d,%d] = %v, want %v", i, j, got, cov[i*3+j])
			}
		}
	}

	// LKJ: off-diagonal correlations have mean 0 and variance 1/(2η+D-1);
	// every sample lies in the support.
	for _, eta := range []float64{0.5, 1, 4} {
		const D = 4
		lkj := LKJCholesky(D, tp.Scalar(eta))
		s := lkj.Sample(rng, 20000)
		if ok, bad := lkj.Support().Check(s.Data(), s.Shape()); !ok {
			t.Fatalf("LKJ sample outside support at %d", bad)
		}
		z := s.Data()
		var sum, sq float64
		cnt := 0
		for m := 0; m < 20000; m++ {
			Lm := z[m*D*D : (m+1)*D*D]
			for i := 1; i < D; i++ {
				for j := 0; j < i; j++ {
					c := 0.0
					for k := 0; k < D; k++ {
						c += Lm[i*D+k] * Lm[j*D+k]
					}
					sum += c
					sq += c * c
					cnt++
				}
			}
		}
		want := 1 / (2*eta + D - 1)
		if m := sum / float64(cnt); math.Abs(m) > 0.01 {
			t.Errorf("LKJ(η=%v) mean correlation %v, want 0", eta, m)
		}
		if v := sq / float64(cnt); math.Abs(v-want) > 0.04*want {
			t.Errorf("LKJ(η=%v) correlation variance %v, want %v", eta, v, want)
		}
	}
}

// TestOneHotChiSquare checks category frequencies with a chi-square
// statistic (3 degrees of freedom; 16.27 is the 0.999 quantile).
func TestOneHotChiSquare(t *testing.T) {
	tp := ad.NewTape()
	p := []float64{0.1, 0.2, 0.3, 0.4}
	d := OneHotCategorical(tp.Const([]int{4}, p))
	const n = 20000
	x := d.Sample(NewRNG(9), n).Data()
	var cnt [4]float64
	for i := 0; i < n; i++ {
		for j := 0; j < 4; j++ {
			cnt[j] += x[i*4+j]
		}
	}
	chi := 0.0
	for j := range p {
		e := n * p[j]
		chi += (cnt[j] - e) * (cnt[j] - e) / e
	}
	if chi > 16.27 {
		t.Errorf("chi-square %v > 16.27 (counts %v)", chi, cnt)
	}
}

func TestMultivariateShapes(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(1)
	n := Normal(tp.Const([]int{2, 3, 4}, nil), tp.Scalar(1))
	ind := ToEvent(n, 2)
	if !mvShapeEq(ind.BatchShape(), []int{2}) || !mvShapeEq(ind.EventShape(), []int{3, 4}) {
		t.Fatalf("ToEvent(2): batch %v event %v", ind.BatchShape(), ind.EventShape())
	}
	nested := ToEvent(ToEvent(n, 1), 1)
	if ix, ok := nested.(*IndependentDist); !ok || ix.Base != Distribution(n) || ix.ReinterpretedBatchNdims != 2 {
		t.Fatalf("nested ToEvent did not collapse: %#v", nested)
	}
	if ToEvent(ToEvent(n, 2), -2) != Distribution(n) {
		t.Fatal("ToEvent(-2) did not return the base")
	}
	all := ToEvent(n, AllBatchDims)
	if len(all.BatchShape()) != 0 || !mvShapeEq(all.EventShape(), []int{2, 3, 4}) {
		t.Fatalf("ToEvent(all): batch %v event %v", all.BatchShape(), all.EventShape())
	}
	x := ind.Sample(rng, 5)
	lp := ind.LogProb(x)
	if !mvShapeEq(lp.Shape(), []int{5, 2}) {
		t.Fatalf("Independent LogProb shape %v", lp.Shape())
	}
	e := ind.Expand(7, 2)
	if !mvShapeEq(e.BatchShape(), []int{7, 2}) || !mvShapeEq(e.EventShape(), []int{3, 4}) {
		t.Fatalf("Independent Expand: batch %v event %v", e.BatchShape(), e.EventShape())
	}

	mvn := MultivariateNormalScaleTril(tp.Const([]int{3}, nil), tp.Const([]int{2, 3, 3}, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 2, 0, 0, 0, 2}))
	if !mvShapeEq(mvn.BatchShape(), []int{2}) || !mvShapeEq(mvn.EventShape(), []int{3}) {
		t.Fatalf("MVN batch %v event %v", mvn.BatchShape(), mvn.EventShape())
	}
	s := mvn.Sample(rng, 4, 5)
	if !mvShapeEq(s.Shape(), []int{4, 5, 2, 3}) {
		t.Fatalf("MVN sample shape %v", s.Shape())
	}
	if lp := mvn.LogProb(s); !mvShapeEq(lp.Shape(), []int{4, 5, 2}) {
		t.Fatalf("MVN LogProb shape %v", lp.Shape())
	}
	if ex := mvn.Expand(6, 2); !mvShapeEq(ex.Sample(rng).Shape(), []int{6, 2, 3}) {
		t.Fatal("MVN Expand sample shape")
	}

	oh := OneHotCategorical(tp.Const([]int{2, 3}, []float64{0.2, 0.3, 0.5, 1, 0, 0}))
	es := oh.EnumerateSupport(false)
	if !mvShapeEq(es.Shape(), []int{3, 1, 3}) {
		t.Fatalf("EnumerateSupport(false) shape %v", es.Shape())
	}
	ee := oh.EnumerateSupport(true)
	if !mvShapeEq(ee.Shape(), []int{3, 2, 3}) {
		t.Fatalf("EnumerateSupport(true) shape %v", ee.Shape())
	}
	if lp := oh.LogProb(ee); !mvShapeEq(lp.Shape(), []int{3, 2}) || math.Abs(lp.Data()[1]) > 1e-15 || !(lp.Data()[3] < -30) {
		t.Fatalf("LogProb over the enumerated support: %v", lp)
	}
	if _, ok := EnumerableOf(ToEvent(oh, 1)); ok {
		t.Fatal("Independent with reinterpreted dims reported enumerable")
	}
	if _, ok := EnumerableOf(Mask(oh, tp.Const([]int{2}, []float64{1, 0}))); !ok {
		t.Fatal("masked OneHotCategorical not enumerable")
	}
}

func TestMask(t *testing.T) {
	tp := ad.NewTape()
	loc := tp.Param([]int{3}, []float64{0, 1, 2})
	d := Normal(loc, tp.Scalar(1))
	// an observation that makes element 1 -Inf would poison an unmasked sum
	x := tp.Const([]int{3}, []float64{0.5, math.Inf(1), 1.5})
	m := Mask(d, tp.Const([]int{3}, []float64{1, 0, 1}))
	lp := m.LogProb(x)
	if lp.Data()[1] != 0 || math.IsNaN(lp.Data()[0]) {
		t.Fatalf("masked LogProb = %v", lp)
	}
	// gradient: the masked element contributes nothing (with a finite
	// observation: an Inf there would meet a zero adjoint in the base's
	// backward pass, 0·Inf, which autodiff does not special-case)
	// (on a fresh run: Backward visits every recorded node, and the Inf
	// recorded above would meet a zero adjoint there too).
	tp.Reset()
	loc = tp.Param([]int{3}, []float64{0, 1, 2})
	d = Normal(loc, tp.Scalar(1))
	m = Mask(d, tp.Const([]int{3}, []float64{1, 0, 1}))
	lp = m.LogProb(tp.Const([]int{3}, []float64{0.5, 1e100, 1.5}))
	tp.Backward(tp.Sum(lp))
	g := loc.Grad()
	if g[1] != 0 || math.IsNaN(g[0]) || math.Abs(g[0]-0.5) > 1e-15 {
		t.Fatalf("masked gradient = %v", g)
	}
	// broadcasting mask enlarges the batch
	m2 := Mask(d, tp.Const([]int{2, 1}, []float64{1, 0}))
	if !mvShapeEq(m2.BatchShape(), []int{2, 3}) {
		t.Fatalf("Mask batch %v", m2.BatchShape())
	}
	lp2 := m2.LogProb(tp.Const([]int{3}, []float64{0, 0, 0}))
	if !mvShapeEq(lp2.Shape(), []int{2, 3}) || lp2.Data()[4] != 0 || lp2.Data()[0] == 0 {
		t.Fatalf("Mask LogProb %v", lp2)
	}
	off := MaskBool(ToEvent(d, 1), false).LogProb(tp.Const([]int{4, 3}, nil))
	if !mvShapeEq(off.Shape(), []int{4}) || off.Data()[0] != 0 {
		t.Fatalf("MaskBool(false) LogProb %v", off)
	}
	if on := MaskBool(d, true).LogProb(x); on.Data()[0] != d.LogProb(x).Data()[0] {
		t.Fatal("MaskBool(true) differs from base")
	}
}

func TestMultivariateValidation(t *testing.T) {
	tp := ad.NewTape()
	v3 := func(a, b, c float64) ad.V { return tp.Const([]int{3}, []float64{a, b, c}) }
	m2 := func(a, b, c, d float64) ad.V { return tp.Const([]int{2, 2}, []float64{a, b, c, d}) }
	cases := []struct {
		dist, param string
		f           func()
	}{
		{"Dirichlet", "concentration", func() { Dirichlet(v3(1, 0, 2)) }},
		{"Dirichlet", "concentration", func() { Dirichlet(tp.Scalar(1)) }},
		{"Dirichlet", "value", func() { Dirichlet(v3(1, 1, 1)).LogProb(v3(0.5, 0.5, 0.5)) }},
		{"Dirichlet", "value", func() { Dirichlet(v3(1, 1, 1)).LogProb(tp.Const([]int{2}, []float64{0.5, 0.5})) }},
		{"OneHotCategorical", "probs", func() { OneHotCategorical(v3(0.2, 0.2, 0.2)) }},
		{"OneHotCategorical", "value", func() { OneHotCategorical(v3(0.2, 0.3, 0.5)).LogProb(v3(1, 1, 0)) }},
		{"Multinomial", "value", func() { Multinomial(3, v3(0.2, 0.3, 0.5)).LogProb(v3(1, 1.5, 0)) }},
		{"Multinomial", "total_count", func() { Multinomial(-1, v3(0.2, 0.3, 0.5)) }},
		{"MultivariateNormal", "covariance_matrix", func() { MultivariateNormal(tp.Const([]int{2}, nil), m2(1, 2, 2, 1)) }},
		{"MultivariateNormal", "covariance_matrix", func() { MultivariateNormal(tp.Const([]int{2}, nil), m2(1, 0.5, 0.1, 1)) }},
		{"MultivariateNormal", "scale_tril", func() { MultivariateNormalScaleTril(tp.Const([]int{2}, nil), m2(1, 0.5, 0, 1)) }},
		{"MultivariateNormal", "scale_tril", func() { MultivariateNormalScaleTril(tp.Const([]int{2}, nil), m2(1, 0, 0, -1)) }},
		{"MultivariateNormal", "loc", func() { MultivariateNormal(v3(0, 0, 0), m2(1, 0, 0, 1)) }},
		{"LowRankMultivariateNormal", "cov_diag", func() {
			LowRankMultivariateNormal(tp.Const([]int{2}, nil), tp.Const([]int{2, 1}, nil), tp.Const([]int{2}, []float64{1, 0}))
		}},
		{"MultivariateStudentT", "df", func() { MultivariateStudentT(tp.Scalar(0), tp.Const([]int{2}, nil), m2(1, 0, 0, 1)) }},
		{"LKJCholesky", "dim", func() { LKJCholesky(1, tp.Scalar(1)) }},
		{"LKJCholesky", "value", func() { LKJCholesky(2, tp.Scalar(1)).LogProb(m2(1, 0, 0.5, 0.5)) }},
		{"RelaxedBernoulli", "temperature", func() { RelaxedBernoulli(tp.Scalar(-1), v3(0.1, 0.2, 0.3)) }},
		{"RelaxedOneHotCategorical", "value", func() { RelaxedOneHotCategorical(tp.Scalar(1), v3(0.2, 0.3, 0.5)).LogProb(v3(0.2, 0.2, 0.2)) }},
		{"Independent", "reinterpreted_batch_ndims", func() { ToEvent(Normal(v3(0, 0, 0), tp.Scalar(1)), 2) }},
		{"MaskedDistribution", "mask", func() { Mask(Normal(v3(0, 0, 0), tp.Scalar(1)), tp.Const([]int{2}, nil)) }},
	}
	for _, c := range cases {
		tp.Reset()
		err := Catch(c.f)
		e, ok := err.(*Error)
		if !ok || e.Dist != c.dist || e.Param != c.param {
			t.Errorf("want *Error naming %s %s, got %v", c.dist, c.param, err)
		}
	}
	// registry: alternatives, unknown names, scalars
	p := Params{"loc": tp.Const([]int{2}, nil)}
	if _, err := registry["MultivariateNormal"](tp, p); err == nil || !strings.Contains(err.Error(), "exactly one") {
		t.Errorf("MVN with no matrix: %v", err)
	}
	p["covariance_matrix"] = m2(1, 0, 0, 1)
	p["scale_tril"] = m2(1, 0, 0, 1)
	if _, err := registry["MultivariateNormal"](tp, p); err == nil {
		t.Error("MVN with two matrices accepted")
	}
	if _, err := registry["Dirichlet"](tp, Params{"conc": v3(1, 1, 1)}); err == nil || !strings.Contains(err.Error(), "conc") {
		t.Errorf("unknown parameter: %v", err)
	}
	if _, err := registry["LKJCholesky"](tp, Params{"dim": tp.Const([]int{1}, []float64{2.5})}); err == nil || !strings.Contains(err.Error(), "dim") {
		t.Errorf("non-integer dim: %v", err)
	}
	if d, err := registry["Multinomial"](tp, Params{"total_count": tp.Const([]int{1}, []float64{4}), "logits": v3(0, 0, 0)}); err != nil || d.(*MultinomialDist).TotalCount != 4 {
		t.Errorf("Multinomial total_count as a one-element tensor: %v", err)
	}
}

func TestMultivariateNoAllocs(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(1)
	cov := []float64{2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5}
	x3 := []float64{0.3, -1.1, 0.8, 1.5, 0.2, -0.4}
	mask := []float64{1, 0, 1}
	runs := map[string]func(){
		"Independent": func() {
			loc := tp.Param([]int{2, 3}, x3)
			d := ToEvent(Normal(loc, tp.Scalar(2)), 1)
			tp.Backward(tp.Sum(d.LogProb(d.Sample(rng))))
		},
		"Mask": func() {
			loc := tp.Param([]int{3}, x3[:3])
			d := Mask(Normal(loc, tp.Scalar(2)), tp.ConstRef([]int{3}, mask))
			tp.Backward(tp.Sum(d.LogProb(d.Sample(rng))))
		},
		"Dirichlet": func() {
			a := tp.Param([]int{3}, cov[:3])
			d := Dirichlet(a)
			tp.Backward(tp.Sum(d.LogProb(d.Sample(rng, 2))))
		},
		"MultivariateNormal": func() {
			loc := tp.Param([]int{3}, x3[:3])
			c := tp.Param([]int{3, 3}, cov)
			d := MultivariateNormal(loc, c)
			tp.Backward(tp.Sum(d.LogProb(d.RSample(rng, 2))))
		},
		"OneHotCategorical": func() {
			l := tp.Param([]int{3}, x3[:3])
			d := OneHotCategoricalLogits(l)
			tp.Backward(tp.Sum(d.LogProb(d.Sample(rng, 2))))
		},
		"LowRankMVN": func() {
			loc := tp.Param([]int{3}, x3[:3])
			d := LowRankMultivariateNormal(loc, tp.Const([]int{3, 2}, x3), tp.Const([]int{3}, cov[:3]))
			tp.Backward(tp.Sum(d.LogProb(d.RSample(rng, 2))))
		},
	}
	for name, f := range runs {
		run := func() { tp.Reset(); f() }
		run()
		if a := testing.AllocsPerRun(50, run); a != 0 {
			t.Errorf("%s: %v allocs per run, want 0", name, a)
		}
	}
}

func TestWrappersAndMixtures(t *testing.T) {
	tp := ad.NewTape()
	rng := NewRNG(11)
	// FoldedDistribution of Normal(1, 2): logaddexp of the two reflections.
	base := Normal(tp.Scalar(1), tp.Scalar(2))
	f := FoldedDistribution(base)
	x := tp.Const([]int{2}, []float64{0.5, 3})
	lp := f.LogProb(x).Data()
	for i, v := range []float64{0.5, 3} {
		want := math.Log(math.Exp(-0.5*math.Pow((v-1)/2, 2))+math.Exp(-0.5*math.Pow((-v-1)/2, 2))) - math.Log(2) - 0.5*math.Log(2*math.Pi)
		if math.Abs(lp[i]-want) > 1e-14 {
			t.Errorf("Folded LogProb(%v) = %v, want %v", v, lp[i], want)
		}
	}
	if s := f.Sample(rng, 1000).Data(); func() bool {
		for _, v := range s {
			if v < 0 {
				return true
			}
		}
		return false
	}() {
		t.Error("Folded sample negative")
	}
	if Catch(func() { f.LogProb(tp.Scalar(-1)) }) == nil {
		t.Error("Folded accepted a negative value")
	}

	// MaskedMixture picks component1 where the mask is true.
	c0 := Normal(tp.Const([]int{3}, []float64{0, 0, 0}), tp.Scalar(1))
	c1 := Normal(tp.Const([]int{3}, []float64{5, 5, 5}), tp.Scalar(1))
	mm := MaskedMixture(tp.Const([]int{3}, []float64{1, 0, 1}), c0, c1)
	v := tp.Const([]int{3}, []float64{5, 0, 0})
	got, l0, l1 := mm.LogProb(v).Data(), c0.LogProb(v).Data(), c1.LogProb(v).Data()
	if got[0] != l1[0] || got[1] != l0[1] || got[2] != l1[2] {
		t.Errorf("MaskedMixture LogProb = %v", got)
	}
	s := mm.Sample(rng, 2000).Data()
	var m0, m1 float64
	for r := 0; r < 2000; r++ {
		m0 += s[r*3+1] / 2000
		m1 += s[r*3] / 2000
	}
	if math.Abs(m0) > 0.15 || math.Abs(m1-5) > 0.15 {
		t.Errorf("MaskedMixture sample means %v, %v", m0, m1)
	}

	// LogisticNormal: samples on the simplex, log density finite, pathwise
	// gradient matches finite differences.
	ln := LogisticNormal(tp.Const([]int{3}, []float64{0.1, -0.5, 1}), tp.Const([]int{3}, []float64{0.5, 1, 2}))
	ys := ln.Sample(rng, 100)
	mvCheckSimplex("test", "sample", ys, 1e-12)
	for _, l := range ln.LogProb(ys).Data() {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			t.Fatalf("LogisticNormal LogProb of its sample = %v", l)
		}
	}
	mvGradCheck(t, "rsample LogisticNormal", [][]int{{3}, {3}}, [][]float64{{0.1, -0.5, 1}, {0.5, 1, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
		y := LogisticNormal(ps[0], ps[1]).RSample(NewRNG(2), 2)
		return tp.Mul(y, tp.Const(y.Shape(), []float64{1, -2, 0.5, 3, 0.2, -1, 2, 0.7}))
	}, 1e-5)
	mvGradCheck(t, "LogisticNormal", [][]int{{3}, {3}}, [][]float64{{0.1, -0.5, 1}, {0.5, 1, 2}}, func(tp *ad.Tape, ps []ad.V) ad.V {
		return LogisticNormal(ps[0], ps[1]).LogProb(tp.Const([]int{4}, []float64{0.2, 0.1, 0.3, 0.4}))
	}, 1e-6)

	// MixtureOfDiagNormals and Empirical sample moments.
	mix := MixtureOfDiagNormals(tp.Const([]int{2, 2}, []float64{-2, 0, 3, 1}), tp.Const([]int{2, 2}, []float64{0.5, 1, 1, 0.3}), tp.Const([]int{2}, []float64{0.2, -0.4}))
	emp := Empirical(tp.Const([]int{4, 2}, []float64{0, 1, 2, 3, 0, 1, 5, 5}), tp.Const([]int{4}, []float64{0.1, -0.3, 0.7, 1.2}))
	for _, d := range []Distribution{mix, emp} {
		const n = 40000
		m, vr := mvMoments(d.Sample(rng, n).Data(), 2)
		wm, wv := d.Mean().Data(), d.Variance().Data()
		for j := 0; j < 2; j++ {
			if math.Abs(m[j]-wm[j]) > 5*math.Sqrt(wv[j]/n) || math.Abs(vr[j]-wv[j]) > 0.05*wv[j] {
				t.Errorf("%s: moments %v %v, want %v %v", d.Name(), m[j], vr[j], wm[j], wv[j])
			}
		}
	}
	mvGradCheck(t, "MixtureOfDiagNormals", [][]int{{3, 2}, {3, 2}, {3}}, [][]float64{{-2, 0, 3, 1, 0.5, 0.5}, {0.5, 1, 1, 0.3, 2, 1}, {0.2, -0.4, 0}}, func(tp *ad.Tape, ps []ad.V) ad.V {
		return MixtureOfDiagNormals(ps[0], ps[1], ps[2]).LogProb(tp.Const([]int{3, 2}, []float64{0, 0.5, 2, 1, -1, -1}))
	}, 1e-6)
}
