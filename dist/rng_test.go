package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// ksStat is the Kolmogorov–Smirnov statistic √n·D of samples against cdf.
func ksStat(x []float64, cdf func(float64) float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := float64(len(s))
	d := 0.0
	for i, v := range s {
		f := cdf(v)
		d = math.Max(d, math.Max(f-float64(i)/n, float64(i+1)/n-f))
	}
	return math.Sqrt(n) * d
}

// ksCrit is the asymptotic critical value of √n·D at level 1e-4.
const ksCrit = 2.23

func checkKS(t *testing.T, name string, x []float64, cdf func(float64) float64) {
	t.Helper()
	if k := ksStat(x, cdf); k > ksCrit {
		t.Errorf("%s: KS statistic √n·D = %.3f > %.2f", name, k, ksCrit)
	}
}

func meanVar(x []float64) (m, v float64) {
	for _, a := range x {
		m += a
	}
	m /= float64(len(x))
	for _, a := range x {
		v += (a - m) * (a - m)
	}
	return m, v / float64(len(x)-1)
}

// checkMoments compares the sample mean with the true mean, within 5
// standard errors, and the sample variance within 10% + 5 SE (roughly).
func checkMoments(t *testing.T, name string, x []float64, mean, variance float64) {
	t.Helper()
	m, v := meanVar(x)
	n := float64(len(x))
	if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se+1e-12*math.Abs(mean) {
		t.Errorf("%s: mean %.6g, want %.6g (se %.3g)", name, m, mean, se)
	}
	if math.Abs(v-variance) > 0.1*variance+1e-300 {
		t.Errorf("%s: variance %.6g, want %.6g", name, v, variance)
	}
}

// checkChiSquare bins integer samples over [lo, hi] (tails merged into the
// end bins), merges neighbouring bins until each expects ≥ 5 draws, and
// requires a chi-square p-value above 1e-4.
func checkChiSquare(t *testing.T, name string, x []float64, pmf func(k float64) float64, lo, hi int) {
	t.Helper()
	n := float64(len(x))
	obs := make([]float64, hi-lo+1)
	exp := make([]float64, hi-lo+1)
	for _, v := range x {
		if v != math.Trunc(v) {
			t.Fatalf("%s: non-integer draw %v", name, v)
		}
		k := int(v) - lo
		k = max(0, min(k, len(obs)-1))
		obs[k]++
	}
	tot := 0.0
	for k := range exp {
		exp[k] = n * pmf(float64(lo+k))
		tot += exp[k]
	}
	// put the missing tail mass into the end bins in proportion
	exp[0] += (n - tot) / 2
	exp[len(exp)-1] += (n - tot) / 2
	var o, e []float64
	co, ce := 0.0, 0.0
	for k := range exp {
		co += obs[k]
		ce += exp[k]
		if ce >= 5 {
			o, e = append(o, co), append(e, ce)
			co, ce = 0, 0
		}
	}
	if len(e) > 0 {
		o[len(o)-1] += co
		e[len(e)-1] += ce
	}
	stat := 0.0
	for i := range e {
		stat += (o[i] - e[i]) * (o[i] - e[i]) / e[i]
	}
	df := float64(len(e) - 1)
	if df < 1 {
		t.Fatalf("%s: too few bins", name)
	}
	if p := (distuv.ChiSquared{K: df}).Survival(stat); p < 1e-4 {
		t.Errorf("%s: chi-square %.1f on %v df, p = %.2g", name, stat, df, p)
	}
}

func draw(n int, f func() float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = f()
	}
	return x
}

const nDraw = 20000

func TestRNGDeterministicAndSplit(t *testing.T) {
	a, b := NewRNG(7), NewRNG(7)
	for i := 0; i < 100; i++ {
		if a.Uint64() != b.Uint64() {
			t.Fatal("equal seeds gave different streams")
		}
	}
	c, d := a.Split(), b.Split()
	for i := 0; i < 100; i++ {
		if c.Uint64() != d.Uint64() {
			t.Fatal("Split is not deterministic")
		}
	}
	// parent and child, and two successive children, are uncorrelated
	p := NewRNG(1)
	k1 := p.Split()
	k2 := p.Split()
	var s1, s2 float64
	const n = 100000
	for i := 0; i < n; i++ {
		x, y, z := p.NormFloat64(), k1.NormFloat64(), k2.NormFloat64()
		s1 += x * y
		s2 += y * z
	}
	if math.Abs(s1/n) > 5/math.Sqrt(n) || math.Abs(s2/n) > 5/math.Sqrt(n) {
		t.Errorf("split streams correlate: %v %v", s1/n, s2/n)
	}
	var h RNG
	NewRNG(3).SplitInto(&h)
	if h.Uint64() != NewRNG(3).Split().Uint64() {
		t.Error("SplitInto differs from Split")
	}
}

func TestPCGMatchesStdlib(t *testing.T) {
	g := NewRNG(99)
	ref := rand.NewPCG(g.hi, g.lo)
	for i := 0; i < 1000; i++ {
		if a, b := g.Uint64(), ref.Uint64(); a != b {
			t.Fatalf("word %d: %x, math/rand/v2 PCG gives %x", i, a, b)
		}
	}
}

func TestFillBitsIsTheStream(t *testing.T) {
	for _, n := range []int{1, 2, 3, 64, 257} {
		a, b := NewRNG(17), NewRNG(17)
		buf := make([]float64, n)
		a.fillBits(buf)
		for i, f := range buf {
			if w := b.Uint64(); math.Float64bits(f) != w {
				t.Fatalf("n=%d word %d: %x, want %x", n, i, math.Float64bits(f), w)
			}
		}
		if a.Uint64() != b.Uint64() {
			t.Fatalf("n=%d: state after fillBits differs", n)
		}
	}
}

func TestFillSamplers(t *testing.T) {
	g := NewRNG(13)
	x := make([]float64, 4*nDraw)
	g.FillNormal(x)
	checkMoments(t, "FillNormal", x, 0, 1)
	checkKS(t, "FillNormal", x, func(v float64) float64 { return 0.5 * math.Erfc(-v/math.Sqrt2) })
	// the ziggurat's tail (|x| > r, reached only through the slow path)
	// has the right mass
	big := make([]float64, 2000000)
	g.FillNormal(big)
	tail := 0
	for _, v := range big {
		if math.Abs(v) > 3.6541528853610088 {
			tail++
		}
	}
	want := 2e6 * math.Erfc(3.6541528853610088/math.Sqrt2)
	if math.Abs(float64(tail)-want) > 5*math.Sqrt(want) {
		t.Errorf("FillNormal tail count %d, want %.0f", tail, want)
	}
	// and so does the wedge region of the widest layers (|x| in [2.5, 3.6])
	wedge := 0
	for _, v := range big {
		if a := math.Abs(v); a > 2.5 && a < 3.6 {
			wedge++
		}
	}
	want = 2e6 * (math.Erfc(2.5/math.Sqrt2) - math.Erfc(3.6/math.Sqrt2))
	if math.Abs(float64(wedge)-want) > 5*math.Sqrt(want) {
		t.Errorf("FillNormal count in [2.5, 3.6] %d, want %.0f", wedge, want)
	}
	// odd lengths and chunk boundaries
	for _, n := range []int{1, 255, 257, 1000} {
		y := x[:n]
		g.FillNormal(y)
		for _, v := range y {
			if math.IsNaN(v) || math.Abs(v) > 10 {
				t.Fatalf("FillNormal(%d) drew %v", n, v)
			}
		}
	}
	u := make([]float64, nDraw)
	g.FillUniform(u)
	checkKS(t, "FillUniform", u, func(v float64) float64 { return v })
}

func TestZigguratTables(t *testing.T) {
	for _, z := range []*ziggurat{zigNorm, zigExp} {
		for i := 1; i < 256; i++ {
			if !(z.w[i] < z.w[i-1]) || !(z.fx[i+1] > z.fx[i]) {
				t.Fatalf("layer %d not monotone", i)
			}
		}
		// the recursion closes: the top layer's area ends at f(0)
		v := z.w[255] * (z.fx[256] - z.fx[255])
		v1 := z.w[1] * (z.fx[2] - z.fx[1])
		if math.Abs(v-v1) > 1e-9*v1 {
			t.Fatalf("top layer area %v, other layers %v", v, v1)
		}
	}
}

func TestUniformIntN(t *testing.T) {
	g := NewRNG(2)
	checkKS(t, "Float64", draw(nDraw, g.Float64), func(x float64) float64 { return x })
	checkKS(t, "Float64Open", draw(nDraw, g.Float64Open), func(x float64) float64 { return x })
	x := draw(nDraw, func() float64 { return float64(g.IntN(7)) })
	checkChiSquare(t, "IntN(7)", x, func(float64) float64 { return 1.0 / 7 }, 0, 6)
	p := make([]int, 10)
	g.Perm(p)
	seen := make([]bool, 10)
	for _, v := range p {
		seen[v] = true
	}
	for i, s := range seen {
		if !s {
			t.Fatalf("Perm missing %d: %v", i, p)
		}
	}
}

func TestNormalExpSamplers(t *testing.T) {
	g := NewRNG(3)
	x := draw(4*nDraw, g.NormFloat64)
	checkMoments(t, "Normal", x, 0, 1)
	checkKS(t, "Normal", x, func(v float64) float64 { return 0.5 * math.Erfc(-v/math.Sqrt2) })
	// the tail beyond the ziggurat base (|x| > 3.654) has the right mass
	tail := 0
	for i := 0; i < 2000000; i++ {
		if math.Abs(g.NormFloat64()) > 3.6541528853610088 {
			tail++
		}
	}
	want := 2e6 * math.Erfc(3.6541528853610088/math.Sqrt2)
	if math.Abs(float64(tail)-want) > 5*math.Sqrt(want) {
		t.Errorf("normal tail count %d, want %.0f", tail, want)
	}
	e := draw(4*nDraw, g.ExpFloat64)
	checkMoments(t, "Exp", e, 1, 1)
	checkKS(t, "Exp", e, func(v float64) float64 { return -math.Expm1(-v) })
	tail = 0
	for i := 0; i < 1000000; i++ {
		if g.ExpFloat64() > 7.69711747013104972 {
			tail++
		}
	}
	want = 1e6 * math.Exp(-7.69711747013104972)
	if math.Abs(float64(tail)-want) > 5*math.Sqrt(want) {
		t.Errorf("exponential tail count %d, want %.0f", tail, want)
	}
}

func TestGammaSampler(t *testing.T) {
	g := NewRNG(4)
	for _, a := range []float64{0.01, 0.3, 1, 2.5, 100} {
		x := draw(nDraw, func() float64 { return g.Gamma(a) })
		name := fmt.Sprintf("Gamma(%v)", a)
		for _, v := range x {
			if !(v > 0) {
				t.Fatalf("%s: non-positive draw %v", name, v)
			}
		}
		if a >= 0.3 {
			checkMoments(t, name, x, a, a)
		}
		d := distuv.Gamma{Alpha: a, Beta: 1}
		checkKS(t, name, x, d.CDF)
		lx := draw(nDraw, func() float64 { return g.LogGamma(a) })
		checkKS(t, "Log"+name, lx, func(v float64) float64 { return d.CDF(math.Exp(v)) })
		buf := make([]float64, nDraw)
		g.FillGamma(buf, a)
		checkKS(t, "Fill"+name, buf, d.CDF)
	}
	// tiny shapes: log-space draws stay finite where the variate underflows
	lx := draw(nDraw, func() float64 { return g.LogGamma(1e-3) })
	for _, v := range lx {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			t.Fatalf("LogGamma(1e-3) gave %v", v)
		}
	}
	// log G(a) for small a is approximately log(U)/a (+ O(1)): its mean is ≈ -1/a - γ
	m, _ := meanVar(lx)
	if math.Abs(m-(-1000-0.5772156649)) > 5*1000/math.Sqrt(nDraw) {
		t.Errorf("LogGamma(1e-3) mean %v, want ≈ -1000.58", m)
	}
}

func TestBetaDirichletSamplers(t *testing.T) {
	g := NewRNG(5)
	for _, c := range [][2]float64{{0.5, 0.5}, {2, 5}, {0.05, 0.1}, {50, 20}, {1, 1}} {
		a, b := c[0], c[1]
		name := fmt.Sprintf("Beta(%v,%v)", a, b)
		x := draw(nDraw, func() float64 { return g.Beta(a, b) })
		checkMoments(t, name, x, a/(a+b), a*b/((a+b)*(a+b)*(a+b+1)))
		checkKS(t, name, x, distuv.Beta{Alpha: a, Beta: b}.CDF)
	}
	// Dirichlet marginals are Beta(α_i, α_0 - α_i)
	for _, alpha := range [][]float64{{1.5, 2, 3}, {0.1, 0.2, 0.05, 1}} {
		a0 := 0.0
		for _, a := range alpha {
			a0 += a
		}
		marg := make([][]float64, len(alpha))
		dst := make([]float64, len(alpha))
		for i := 0; i < nDraw; i++ {
			g.Dirichlet(dst, alpha)
			s := 0.0
			for j, v := range dst {
				if !(v >= 0) {
					t.Fatalf("Dirichlet draw %v", dst)
				}
				s += v
				marg[j] = append(marg[j], v)
			}
			if math.Abs(s-1) > 1e-12 {
				t.Fatalf("Dirichlet draw sums to %v", s)
			}
		}
		for j, a := range alpha {
			checkKS(t, fmt.Sprintf("Dirichlet%v[%d]", alpha, j), marg[j], distuv.Beta{Alpha: a, Beta: a0 - a}.CDF)
		}
	}
}

func TestContinuousSamplers(t *testing.T) {
	g := NewRNG(6)
	for _, df := range []float64{1.5, 5, 30} {
		x := draw(nDraw, func() float64 { return g.StudentT(df) })
		checkKS(t, fmt.Sprintf("StudentT(%v)", df), x, distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF)
	}
	checkKS(t, "Cauchy", draw(nDraw, g.Cauchy), func(x float64) float64 { return 0.5 + math.Atan(x)/math.Pi })
	lap := draw(nDraw, g.Laplace)
	checkMoments(t, "Laplace", lap, 0, 2)
	checkKS(t, "Laplace", lap, distuv.Laplace{Mu: 0, Scale: 1}.CDF)
	lg := draw(nDraw, g.Logistic)
	checkMoments(t, "Logistic", lg, 0, math.Pi*math.Pi/3)
	checkKS(t, "Logistic", lg, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
	gu := draw(nDraw, g.Gumbel)
	checkMoments(t, "Gumbel", gu, 0.5772156649015329, math.Pi*math.Pi/6)
	checkKS(t, "Gumbel", gu, func(x float64) float64 { return math.Exp(-math.Exp(-x)) })
}

func poissonPMF(lam float64) func(k float64) float64 {
	return func(k float64) float64 {
		lg, _ := math.Lgamma(k + 1)
		return math.Exp(k*math.Log(lam) - lam - lg)
	}
}

func binomialPMF(n, p float64) func(k float64) float64 {
	return func(k float64) float64 {
		if k < 0 || k > n {
			return 0
		}
		a, _ := math.Lgamma(n + 1)
		b, _ := math.Lgamma(k + 1)
		c, _ := math.Lgamma(n - k + 1)
		return math.Exp(a - b - c + k*math.Log(p) + (n-k)*math.Log1p(-p))
	}
}

func window(mean, sd float64) (int, int) {
	return max(0, int(mean-7*sd)), int(mean + 7*sd + 2)
}

func TestPoissonSampler(t *testing.T) {
	g := NewRNG(8)
	if g.Poisson(0) != 0 {
		t.Fatal("Poisson(0) != 0")
	}
	for _, lam := range []float64{0.5, 3, 9.99, 10, 25.3, 1000, 1e6} {
		name := fmt.Sprintf("Poisson(%v)", lam)
		x := draw(nDraw, func() float64 { return g.Poisson(lam) })
		checkMoments(t, name, x, lam, lam)
		lo, hi := window(lam, math.Sqrt(lam))
		checkChiSquare(t, name, x, poissonPMF(lam), lo, hi)
	}
}

func TestBinomialSampler(t *testing.T) {
	g := NewRNG(9)
	if g.Binomial(0, 0.3) != 0 || g.Binomial(5, 0) != 0 || g.Binomial(5, 1) != 5 {
		t.Fatal("Binomial edge cases")
	}
	for _, c := range [][2]float64{{10, 0.3}, {100, 0.05}, {100, 0.5}, {1000, 0.9}, {60, 0.95}, {1e6, 0.3}, {25, 0.45}} {
		n, p := c[0], c[1]
		name := fmt.Sprintf("Binomial(%v,%v)", n, p)
		x := draw(nDraw, func() float64 { return g.Binomial(n, p) })
		for _, v := range x {
			if v < 0 || v > n {
				t.Fatalf("%s: draw %v out of range", name, v)
			}
		}
		checkMoments(t, name, x, n*p, n*p*(1-p))
		lo, hi := window(n*p, math.Sqrt(n*p*(1-p)))
		checkChiSquare(t, name, x, binomialPMF(n, p), lo, min(hi, int(n)))
	}
}

func TestGeometricCategorical(t *testing.T) {
	g := NewRNG(10)
	for _, p := range []float64{0.2, 0.9} {
		name := fmt.Sprintf("Geometric(%v)", p)
		x := draw(nDraw, func() float64 { return g.Geometric(p) })
		checkMoments(t, name, x, (1-p)/p, (1-p)/(p*p))
		checkChiSquare(t, name, x, func(k float64) float64 { return math.Pow(1-p, k) * p }, 0, 80)
	}
	probs := []float64{0.1, 0, 0.5, 0.25, 0.15}
	x := draw(nDraw, func() float64 { return float64(g.Categorical(probs)) })
	for _, v := range x {
		if v == 1 {
			t.Fatal("Categorical drew a zero-probability index")
		}
	}
	checkChiSquare(t, "Categorical", x, func(k float64) float64 { return probs[int(k)] }, 0, 4)
	logits := []float64{math.Log(0.1), math.Inf(-1), math.Log(0.5) + 3, math.Log(0.25) + 3, math.Log(0.15)}
	w := []float64{0.1, 0, 0.5 * math.Exp(3), 0.25 * math.Exp(3), 0.15}
	s := 0.0
	for _, v := range w {
		s += v
	}
	x = draw(nDraw, func() float64 { return float64(g.CategoricalLogits(logits)) })
	checkChiSquare(t, "CategoricalLogits", x, func(k float64) float64 { return w[int(k)] / s }, 0, 4)
}

func TestSamplerInvalidArguments(t *testing.T) {
	g := NewRNG(11)
	for name, f := range map[string]func(){
		"Gamma":       func() { g.Gamma(-1) },
		"GammaNaN":    func() { g.Gamma(math.NaN()) },
		"Beta":        func() { g.Beta(0, 1) },
		"Poisson":     func() { g.Poisson(-2) },
		"Binomial":    func() { g.Binomial(2.5, 0.3) },
		"BinomialP":   func() { g.Binomial(3, 1.5) },
		"Geometric":   func() { g.Geometric(0) },
		"Categorical": func() { g.Categorical([]float64{0, 0}) },
		"Logits":      func() { g.CategoricalLogits([]float64{math.NaN()}) },
		"Dirichlet":   func() { g.Dirichlet(make([]float64, 2), []float64{1, 1, 1}) },
		"StudentT":    func() { g.StudentT(0) },
	} {
		err := Catch(f)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestSamplersNoAllocs(t *testing.T) {
	g := NewRNG(12)
	dst := make([]float64, 4)
	alpha := []float64{0.5, 1, 2, 3}
	probs := []float64{0.2, 0.3, 0.5}
	big := make([]float64, 1000)
	g.FillGamma(big, 0.3) // allocates the bulk samplers' scratch once
	a := testing.AllocsPerRun(200, func() {
		g.NormFloat64()
		g.ExpFloat64()
		g.Gamma(0.4)
		g.Gamma(3)
		g.Beta(0.5, 2)
		g.Poisson(3)
		g.Poisson(300)
		g.Binomial(20, 0.2)
		g.Binomial(2000, 0.4)
		g.Dirichlet(dst, alpha)
		g.Categorical(probs)
		g.StudentT(3)
		g.FillNormal(big)
		g.FillGamma(big, 0.3)
		g.FillGamma(big, 3)
	})
	if a != 0 {
		t.Fatalf("allocs per run = %v", a)
	}
}

// Benchmarks: 1e6 draws per iteration, gyro beside gonum's distuv on a
// math/rand/v2 PCG source (distuv v0.17 takes a math/rand/v2 Source), in
// the same run:
//
//	go test ./dist -run XXX -bench '1e6' -count 5
const benchDraws = 1000000

var sink float64

func BenchmarkNormal1e6(b *testing.B) {
	buf := make([]float64, 4096)
	b.Run("gyro-FillNormal", func(b *testing.B) {
		g := NewRNG(1)
		b.ReportAllocs()
		for b.Loop() {
			for i := 0; i < benchDraws; i += len(buf) {
				g.FillNormal(buf[:min(len(buf), benchDraws-i)])
			}
		}
	})
	b.Run("gyro-NormFloat64", func(b *testing.B) {
		g := NewRNG(1)
		b.ReportAllocs()
		for b.Loop() {
			s := 0.0
			for i := 0; i < benchDraws; i++ {
				s += g.NormFloat64()
			}
			sink = s
		}
	})
	b.Run("gonum-distuv", func(b *testing.B) {
		d := distuv.Normal{Mu: 0, Sigma: 1, Src: rand.NewPCG(1, 2)}
		b.ReportAllocs()
		for b.Loop() {
			s := 0.0
			for i := 0; i < benchDraws; i++ {
				s += d.Rand()
			}
			sink = s
		}
	})
}

func BenchmarkGamma1e6(b *testing.B) {
	buf := make([]float64, 4096)
	for _, a := range []float64{0.5, 2.5} {
		b.Run(fmt.Sprint("alpha=", a, "/gyro-FillGamma"), func(b *testing.B) {
			g := NewRNG(1)
			b.ReportAllocs()
			for b.Loop() {
				for i := 0; i < benchDraws; i += len(buf) {
					g.FillGamma(buf[:min(len(buf), benchDraws-i)], a)
				}
			}
		})
		b.Run(fmt.Sprint("alpha=", a, "/gyro-Gamma"), func(b *testing.B) {
			g := NewRNG(1)
			b.ReportAllocs()
			for b.Loop() {
				s := 0.0
				for i := 0; i < benchDraws; i++ {
					s += g.Gamma(a)
				}
				sink = s
			}
		})
		b.Run(fmt.Sprint("alpha=", a, "/gonum-distuv"), func(b *testing.B) {
			d := distuv.Gamma{Alpha: a, Beta: 1, Src: rand.NewPCG(1, 2)}
			b.ReportAllocs()
			for b.Loop() {
				s := 0.0
				for i := 0; i < benchDraws; i++ {
					s += d.Rand()
				}
				sink = s
			}
		})
	}
}

func BenchmarkPoisson(b *testing.B) {
	for _, lam := range []float64{4, 100} {
		b.Run(fmt.Sprint("lam=", lam), func(b *testing.B) {
			g := NewRNG(1)
			for b.Loop() {
				sink += g.Poisson(lam)
			}
		})
	}
}

func BenchmarkBinomial(b *testing.B) {
	for _, n := range []float64{20, 1000} {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			g := NewRNG(1)
			for b.Loop() {
				sink += g.Binomial(n, 0.3)
			}
		})
	}
}
