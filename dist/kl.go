package dist

import (
	"fmt"
	"math"
	"sort"
	"sync"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// KLFunc computes KL(p‖q) for one pair of distribution types, batch-shaped
// (the broadcast of p's and q's batch shapes) and differentiable in both
// distributions' parameters. It may panic with *Error or *autodiff.Error on
// invalid input; KL converts those into errors.
type KLFunc func(p, q Distribution) ad.V

type klKey struct{ p, q string }

var (
	klMu       sync.RWMutex
	klRegistry = map[klKey]KLFunc{}
)

// AnyDistribution as the qName of RegisterKL matches every q (Pyro's
// register_kl(Delta, Distribution)). An exact pair takes precedence.
const AnyDistribution = "*"

// RegisterKL adds the analytic KL divergence for distributions named pName
// and qName (their Name(), Pyro's class names), replacing any earlier
// registration of the pair (as torch's register_kl lets a later, more
// specific registration win).
func RegisterKL(pName, qName string, fn KLFunc) {
	if fn == nil {
		panic("dist: RegisterKL: nil function for " + pName + ", " + qName)
	}
	klMu.Lock()
	defer klMu.Unlock()
	klRegistry[klKey{pName, qName}] = fn
}

// KLPairs lists the registered pairs as "P‖Q", sorted.
func KLPairs() []string {
	klMu.RLock()
	defer klMu.RUnlock()
	out := make([]string, 0, len(klRegistry))
	for k := range klRegistry {
		out = append(out, k.p+"‖"+k.q)
	}
	sort.Strings(out)
	return out
}

// HasKL reports whether a closed-form KL(p‖q) is registered for the pair
// (a cheap check that allocates nothing, for callers that fall back to
// Monte Carlo).
func HasKL(p, q Distribution) bool {
	klMu.RLock()
	_, ok := klRegistry[klKey{p.Name(), q.Name()}]
	if !ok {
		_, ok = klRegistry[klKey{p.Name(), AnyDistribution}]
	}
	klMu.RUnlock()
	return ok
}

// KL returns the Kullback–Leibler divergence KL(p‖q) = E_p[log p - log q]
// in closed form, with batch shape the broadcast of p's and q's (PyTorch's
// kl_divergence), recorded on p's tape and differentiable in both. It
// returns an error naming the pair when no closed form is registered, when
// the two are on different tapes, or when the inputs are invalid
// (mismatched event shapes, …). +Inf is a valid result (q has no mass
// where p does).
func KL(p, q Distribution) (ad.V, error) {
	if p == nil || q == nil {
		return ad.V{}, fmt.Errorf("dist: KL: nil distribution")
	}
	if p.Tape() != q.Tape() {
		return ad.V{}, fmt.Errorf("dist: KL(%s‖%s): the distributions are recorded on different tapes", p.Name(), q.Name())
	}
	pn, qn := p.Name(), q.Name()
	klMu.RLock()
	fn, ok := klRegistry[klKey{pn, qn}]
	if !ok {
		fn, ok = klRegistry[klKey{pn, AnyDistribution}]
	}
	klMu.RUnlock()
	if !ok {
		return ad.V{}, fmt.Errorf("dist: KL(%s‖%s): no closed-form KL divergence is registered for this pair", pn, qn)
	}
	var out ad.V
	if err := Catch(func() { out = fn(p, q) }); err != nil {
		return ad.V{}, err
	}
	return out, nil
}

func init() {
	RegisterKL("Normal", "Normal", klNormalNormal)
	RegisterKL("MultivariateNormal", "MultivariateNormal", klMVNMVN)
	RegisterKL("Gamma", "Gamma", klGammaGamma)
	RegisterKL("Beta", "Beta", klBetaBeta)
	RegisterKL("Dirichlet", "Dirichlet", klDirichletDirichlet)
	RegisterKL("Bernoulli", "Bernoulli", klBernoulliBernoulli)
	RegisterKL("Categorical", "Categorical", klCategoricalCategorical)
	RegisterKL("Exponential", "Exponential", klExponentialExponential)
	RegisterKL("Independent", "Independent", klIndependentIndependent)
	RegisterKL("Delta", AnyDistribution, klDelta)
	RegisterKL("Poisson", "Poisson", klPoissonPoisson)
	RegisterKL("Laplace", "Laplace", klLaplaceLaplace)
	RegisterKL("Uniform", "Uniform", klUniformUniform)
	RegisterKL("HalfNormal", "HalfNormal", klHalfNormalHalfNormal)
	RegisterKL("LogNormal", "LogNormal", klLogNormalLogNormal)
	RegisterKL("Gumbel", "Gumbel", klGumbelGumbel)
	RegisterKL("Pareto", "Pareto", klParetoPareto)
	RegisterKL("Geometric", "Geometric", klGeometricGeometric)
	RegisterKL("Binomial", "Binomial", klBinomialBinomial)
}

// klBatch broadcasts v to the broadcast of p's and q's batch shapes.
func klBatch(name string, v ad.V, p, q Distribution) ad.V {
	s := BroadcastShapes(name, p.BatchShape(), q.BatchShape())
	if shapesEqual(v.Shape(), s.Slice()) {
		return v
	}
	return v.Tape().Expand(v, s.Slice()...)
}

func shapesEqual(a, b []int) bool {
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

func klCheckEvents(name string, p, q Distribution) {
	pe, qe := p.EventShape(), q.EventShape()
	if !shapesEqual(pe, qe) {
		Fail(name, "", "event shapes %v and %v differ", append([]int(nil), pe...), append([]int(nil), qe...))
	}
}

// KL(N(μp, σp)‖N(μq, σq)) = ½(r + ((μp-μq)/σq)² - 1 - log r), r = (σp/σq)².
func klNormalNormal(p, q Distribution) ad.V {
	a, b := p.(*NormalDist), q.(*NormalDist)
	t := a.Tape()
	r := t.Square(t.Div(a.Scale, b.Scale))
	d := t.Square(t.Div(t.Sub(a.Loc, b.Loc), b.Scale))
	kl := t.MulConst(t.Sub(t.AddConst(t.Add(r, d), -1), t.Log(r)), 0.5)
	return klBatch("KL(Normal‖Normal)", kl, p, q)
}

// KL between multivariate normals with Cholesky factors Lp, Lq:
// Σ log diag Lq - Σ log diag Lp + ½(‖Lq⁻¹Lp‖²_F + ‖Lq⁻¹(μq-μp)‖² - n).
func klMVNMVN(p, q Distribution) ad.V {
	a, b := p.(*MultivariateNormalDist), q.(*MultivariateNormalDist)
	klCheckEvents("KL(MultivariateNormal‖MultivariateNormal)", p, q)
	t := a.Tape()
	n := a.EventShape()[0]
	half := t.Sub(t.SumLogDiag(b.ScaleTril), t.SumLogDiag(a.ScaleTril))
	m := t.TriangularSolve(b.ScaleTril, a.ScaleTril, false, false)
	tr := t.SumAxes(t.Square(m), false, -1, -2)
	diff := t.Sub(b.Loc, a.Loc)
	ds := diff.Shape()
	var buf [ad.MaxDims]int
	k := copy(buf[:], ds)
	buf[k] = 1
	z := t.TriangularSolve(b.ScaleTril, t.Reshape(diff, buf[:k+1]...), false, false)
	maha := t.SumAxes(t.Square(z), false, -1, -2)
	kl := t.Add(half, t.MulConst(t.AddConst(t.Add(tr, maha), -float64(n)), 0.5))
	return klBatch("KL(MultivariateNormal‖MultivariateNormal)", kl, p, q)
}

// KL(Gamma(αp, βp)‖Gamma(αq, βq)) = αq log(βp/βq) + lnΓ(αq) - lnΓ(αp) +
// (αp-αq)ψ(αp) + (βq-βp)αp/βp.
func klGammaGamma(p, q Distribution) ad.V {
	a, b := p.(*GammaDist), q.(*GammaDist)
	t := a.Tape()
	t1 := t.Mul(b.Concentration, t.Log(t.Div(a.Rate, b.Rate)))
	t2 := t.Sub(t.Lgamma(b.Concentration), t.Lgamma(a.Concentration))
	t3 := t.Mul(t.Sub(a.Concentration, b.Concentration), t.Digamma(a.Concentration))
	t4 := t.Mul(t.Sub(b.Rate, a.Rate), t.Div(a.Concentration, a.Rate))
	return klBatch("KL(Gamma‖Gamma)", t.Add(t.Add(t1, t2), t.Add(t3, t4)), p, q)
}

// KL(Beta‖Beta), as PyTorch: log-beta-function differences plus digamma
// terms.
func klBetaBeta(p, q Distribution) ad.V {
	a, b := p.(*BetaDist), q.(*BetaDist)
	t := a.Tape()
	sp := t.Add(a.Concentration1, a.Concentration0)
	sq := t.Add(b.Concentration1, b.Concentration0)
	t1 := t.Add(t.Add(t.Lgamma(b.Concentration1), t.Lgamma(b.Concentration0)), t.Lgamma(sp))
	t2 := t.Add(t.Add(t.Lgamma(a.Concentration1), t.Lgamma(a.Concentration0)), t.Lgamma(sq))
	t3 := t.Mul(t.Sub(a.Concentration1, b.Concentration1), t.Digamma(a.Concentration1))
	t4 := t.Mul(t.Sub(a.Concentration0, b.Concentration0), t.Digamma(a.Concentration0))
	t5 := t.Mul(t.Sub(sq, sp), t.Digamma(sp))
	kl := t.Add(t.Add(t.Sub(t1, t2), t.Add(t3, t4)), t5)
	return klBatch("KL(Beta‖Beta)", kl, p, q)
}

// KL(Dirichlet(αp)‖Dirichlet(αq)) = lnΓ(Σαp) - lnΓ(Σαq) - Σ(lnΓ(αp) -
// lnΓ(αq)) + Σ(αp-αq)(ψ(αp) - ψ(Σαp)).
func klDirichletDirichlet(p, q Distribution) ad.V {
	a, b := p.(*DirichletDist), q.(*DirichletDist)
	klCheckEvents("KL(Dirichlet‖Dirichlet)", p, q)
	t := a.Tape()
	ap, aq := a.Concentration, b.Concentration
	sp := t.SumAxis(ap, -1, true)
	sq := t.SumAxis(aq, -1, true)
	t1 := t.Sub(t.Lgamma(sp), t.Lgamma(sq))
	t2 := t.SumAxis(t.Sub(t.Lgamma(ap), t.Lgamma(aq)), -1, true)
	t34 := t.SumAxis(t.Mul(t.Sub(ap, aq), t.Sub(t.Digamma(ap), t.Digamma(sp))), -1, true)
	kl := t.Add(t.Sub(t1, t2), t34)
	ks := kl.Shape()
	return klBatch("KL(Dirichlet‖Dirichlet)", t.Reshape(kl, ks[:len(ks)-1]...), p, q)
}

// maskOf records a constant 0/1 mask of the broadcast shape with 1
// where pred holds for the element of v (broadcast).
func maskOf(t *ad.Tape, v ad.V, shape []int, pred func(float64) bool) (ad.V, bool) {
	e := t.Expand(v, shape...)
	m := t.Const(shape, nil)
	md, ed := m.Data(), e.Data()
	any := false
	for i, x := range ed {
		if pred(x) {
			md[i] = 1
			any = true
		}
	}
	return m, any
}

// KL(Bernoulli(p)‖Bernoulli(q)) = p·log(p/q) + (1-p)·log((1-p)/(1-q)),
// through the logits; +Inf where q puts no mass where p does and 0·log 0 =
// 0 (as PyTorch).
func klBernoulliBernoulli(p, q Distribution) ad.V {
	a, b := p.(*BernoulliDist), q.(*BernoulliDist)
	t := a.Tape()
	pp, lp := a.ProbsV(), a.LogitsV()
	qp, lq := b.ProbsV(), b.LogitsV()
	s := BroadcastShapes("KL(Bernoulli‖Bernoulli)", a.BatchShape(), b.BatchShape())
	sh := s.Slice()
	t1 := t.Mul(pp, t.Sub(t.Softplus(t.Neg(lq)), t.Softplus(t.Neg(lp))))
	t2 := t.Mul(t.AddConst(t.Neg(pp), 1), t.Sub(t.Softplus(lq), t.Softplus(lp)))
	t1 = t.Expand(t1, sh...)
	t2 = t.Expand(t2, sh...)
	inf, zero := t.Scalar(math.Inf(1)), t.Scalar(0)
	if m, ok := maskOf(t, qp, sh, func(x float64) bool { return x == 0 }); ok {
		t1 = t.Where(m, inf, t1)
	}
	if m, ok := maskOf(t, pp, sh, func(x float64) bool { return x == 0 }); ok {
		t1 = t.Where(m, zero, t1)
	}
	if m, ok := maskOf(t, qp, sh, func(x float64) bool { return x == 1 }); ok {
		t2 = t.Where(m, inf, t2)
	}
	if m, ok := maskOf(t, pp, sh, func(x float64) bool { return x == 1 }); ok {
		t2 = t.Where(m, zero, t2)
	}
	return t.Add(t1, t2)
}

// catLogits returns the normalized logits of a Categorical.
func catLogits(d *CategoricalDist) ad.V {
	t := d.Tape()
	if d.Logits.Valid() {
		return t.Sub(d.Logits, t.LogSumExpAxis(d.Logits, -1, true))
	}
	return t.Sub(t.Log(d.Probs), t.Log(t.SumAxis(d.Probs, -1, true)))
}

// KL(Categorical(p)‖Categorical(q)) = Σ p (log p - log q); +Inf where q
// has a zero that p does not, and 0·log 0 = 0 (as PyTorch).
func klCategoricalCategorical(p, q Distribution) ad.V {
	a, b := p.(*CategoricalDist), q.(*CategoricalDist)
	if a.NumCategories() != b.NumCategories() {
		Fail("KL(Categorical‖Categorical)", "", "numbers of categories differ (%d and %d)", a.NumCategories(), b.NumCategories())
	}
	t := a.Tape()
	lp, lq := catLogits(a), catLogits(b)
	pp := t.Exp(lp)
	s := BroadcastShapes("KL(Categorical‖Categorical)", a.BatchShape(), b.BatchShape())
	var buf [ad.MaxDims]int
	k := copy(buf[:], s.Slice())
	buf[k] = a.NumCategories()
	sh := buf[:k+1]
	v := t.Expand(t.Mul(pp, t.Sub(lp, lq)), sh...)
	if m, ok := maskOf(t, lq, sh, func(x float64) bool { return math.IsInf(x, -1) }); ok {
		v = t.Where(m, t.Scalar(math.Inf(1)), v)
	}
	if m, ok := maskOf(t, lp, sh, func(x float64) bool { return math.IsInf(x, -1) }); ok {
		v = t.Where(m, t.Scalar(0), v)
	}
	return t.SumAxis(v, -1, false)
}

// KL(Exp(λp)‖Exp(λq)) = λq/λp - 1 - log(λq/λp).
func klExponentialExponential(p, q Distribution) ad.V {
	a, b := p.(*ExponentialDist), q.(*ExponentialDist)
	t := a.Tape()
	r := t.Div(b.Rate, a.Rate)
	return klBatch("KL(Exponential‖Exponential)", t.Sub(t.AddConst(r, -1), t.Log(r)), p, q)
}

// KL between Independent distributions, as Pyro: the shared reinterpreted
// dimensions are summed after the KL of the bases (each keeping its
// remaining reinterpreted dimensions).
func klIndependentIndependent(p, q Distribution) ad.V {
	a, b := p.(*IndependentDist), q.(*IndependentDist)
	shared := min(a.ReinterpretedBatchNdims, b.ReinterpretedBatchNdims)
	pb, qb := a.Base, b.Base
	if n := a.ReinterpretedBatchNdims - shared; n > 0 {
		pb = Independent(a.Base, n)
	}
	if n := b.ReinterpretedBatchNdims - shared; n > 0 {
		qb = Independent(b.Base, n)
	}
	kl, err := KL(pb, qb)
	if err != nil {
		panic(&Error{Dist: "KL(Independent‖Independent)", Msg: err.Error()})
	}
	return mvSumRightmost("KL(Independent‖Independent)", a.Tape(), kl, shared)
}

// KL(Delta(v)‖q) = -q.log_prob(v) (Pyro's convention: the Delta's own
// log_density is not included).
func klDelta(p, q Distribution) ad.V {
	d := p.(*DeltaDist)
	return q.Tape().Neg(q.LogProb(d.V))
}

// KL(Poisson(λp)‖Poisson(λq)) = λp log(λp/λq) - (λp - λq) (0·log 0 = 0).
func klPoissonPoisson(p, q Distribution) ad.V {
	a, b := p.(*PoissonDist), q.(*PoissonDist)
	t := a.Tape()
	kl := t.Sub(t.Sub(t.Xlogy(a.Rate, a.Rate), t.Xlogy(a.Rate, b.Rate)), t.Sub(a.Rate, b.Rate))
	return klBatch("KL(Poisson‖Poisson)", kl, p, q)
}

// KL(Laplace‖Laplace) = -log r + |Δμ|/bq + r·exp(-|Δμ|/bp) - 1, r = bp/bq.
func klLaplaceLaplace(p, q Distribution) ad.V {
	a, b := p.(*LaplaceDist), q.(*LaplaceDist)
	t := a.Tape()
	r := t.Div(a.Scale, b.Scale)
	d := t.Abs(t.Sub(a.Loc, b.Loc))
	kl := t.Add(t.Sub(t.Div(d, b.Scale), t.Log(r)), t.Mul(r, t.Exp(t.Neg(t.Div(d, a.Scale)))))
	return klBatch("KL(Laplace‖Laplace)", t.AddConst(kl, -1), p, q)
}

// KL(Uniform(lp, hp)‖Uniform(lq, hq)) = log((hq-lq)/(hp-lp)), +Inf unless
// [lp, hp] ⊆ [lq, hq].
func klUniformUniform(p, q Distribution) ad.V {
	a, b := p.(*UniformDist), q.(*UniformDist)
	t := a.Tape()
	kl := klBatch("KL(Uniform‖Uniform)", t.Log(t.Div(t.Sub(b.High, b.Low), t.Sub(a.High, a.Low))), p, q)
	sh := kl.Shape()
	pl, ph := t.Expand(a.Low, sh...), t.Expand(a.High, sh...)
	ql, qh := t.Expand(b.Low, sh...), t.Expand(b.High, sh...)
	m := t.Const(sh, nil)
	md, pld, phd, qld, qhd := m.Data(), pl.Data(), ph.Data(), ql.Data(), qh.Data()
	any := false
	for i := range md {
		if qld[i] > pld[i] || qhd[i] < phd[i] {
			md[i] = 1
			any = true
		}
	}
	if !any {
		return kl
	}
	return t.Where(m, t.Scalar(math.Inf(1)), kl)
}

// KL(HalfNormal(σp)‖HalfNormal(σq)) is that of the Normals with loc 0.
func klHalfNormalHalfNormal(p, q Distribution) ad.V {
	a, b := p.(*HalfNormalDist), q.(*HalfNormalDist)
	t := a.Tape()
	r := t.Square(t.Div(a.Scale, b.Scale))
	return klBatch("KL(HalfNormal‖HalfNormal)", t.MulConst(t.Sub(t.AddConst(r, -1), t.Log(r)), 0.5), p, q)
}

// KL(LogNormal‖LogNormal) is the KL of the underlying Normals (PyTorch's
// rule for transformed distributions with equal transforms).
func klLogNormalLogNormal(p, q Distribution) ad.V {
	a, b := p.(*LogNormalDist), q.(*LogNormalDist)
	t := a.Tape()
	r := t.Square(t.Div(a.Scale, b.Scale))
	d := t.Square(t.Div(t.Sub(a.Loc, b.Loc), b.Scale))
	kl := t.MulConst(t.Sub(t.AddConst(t.Add(r, d), -1), t.Log(r)), 0.5)
	return klBatch("KL(LogNormal‖LogNormal)", kl, p, q)
}

const eulerGamma = 0.57721566490153286060651209008240243

// KL(Gumbel‖Gumbel), as PyTorch.
func klGumbelGumbel(p, q Distribution) ad.V {
	a, b := p.(*GumbelDist), q.(*GumbelDist)
	t := a.Tape()
	c1 := t.Div(a.Scale, b.Scale)
	c2 := t.Div(b.Loc, b.Scale)
	c3 := t.Div(a.Loc, b.Scale)
	t1 := t.Add(t.Sub(t.Neg(t.Log(c1)), c2), c3)
	t2 := t.MulConst(c1, eulerGamma)
	t3 := t.Exp(t.Sub(t.Add(c2, t.Lgamma(t.AddConst(c1, 1))), c3))
	return klBatch("KL(Gumbel‖Gumbel)", t.AddConst(t.Add(t.Add(t1, t2), t3), -(1+eulerGamma)), p, q)
}

// KL(Pareto‖Pareto) = αq log(sp/sq) - log(αq/αp) + αq/αp - 1, +Inf where
// p's support starts below q's.
func klParetoPareto(p, q Distribution) ad.V {
	a, b := p.(*ParetoDist), q.(*ParetoDist)
	t := a.Tape()
	ar := t.Div(b.Alpha, a.Alpha)
	kl := t.AddConst(t.Sub(t.Add(t.Mul(b.Alpha, t.Log(t.Div(a.Scale, b.Scale))), ar), t.Log(ar)), -1)
	kl = klBatch("KL(Pareto‖Pareto)", kl, p, q)
	sh := kl.Shape()
	ps, qs := t.Expand(a.Scale, sh...), t.Expand(b.Scale, sh...)
	m := t.Const(sh, nil)
	md, psd, qsd := m.Data(), ps.Data(), qs.Data()
	any := false
	for i := range md {
		if psd[i] < qsd[i] {
			md[i] = 1
			any = true
		}
	}
	if !any {
		return kl
	}
	return t.Where(m, t.Scalar(math.Inf(1)), kl)
}

// logitsOf returns logits given either parameterization.
func logitsOf(probs, logits ad.V) ad.V {
	if logits.Valid() {
		return logits
	}
	return probs.Tape().Logit(probs)
}

// KL(Geometric(p)‖Geometric(q)) = -H(p) - log(1-q)/p - logit(q), as
// PyTorch.
func klGeometricGeometric(p, q Distribution) ad.V {
	a, b := p.(*GeometricDist), q.(*GeometricDist)
	t := a.Tape()
	pp := a.ProbsV()
	lp, lq := logitsOf(a.Probs, a.Logits), logitsOf(b.Probs, b.Logits)
	// -H(p) = (p log p + (1-p) log(1-p)) / p
	negH := t.Div(t.Neg(t.Add(t.Mul(pp, t.Softplus(t.Neg(lp))), t.Mul(t.AddConst(t.Neg(pp), 1), t.Softplus(lp)))), pp)
	// -log(1-q)/p = softplus(lq)/p
	kl := t.Sub(t.Add(negH, t.Div(t.Softplus(lq), pp)), lq)
	return klBatch("KL(Geometric‖Geometric)", kl, p, q)
}

// KL(Binomial(n, p)‖Binomial(m, q)): n·(p(logit p - logit q) + log(1-p) -
// log(1-q)) for n = m, +Inf where n > m; n < m is an error (as PyTorch).
func klBinomialBinomial(p, q Distribution) ad.V {
	a, b := p.(*BinomialDist), q.(*BinomialDist)
	t := a.Tape()
	s := BroadcastShapes("KL(Binomial‖Binomial)", a.BatchShape(), b.BatchShape())
	sh := s.Slice()
	na, nb := t.Expand(a.TotalCount, sh...), t.Expand(b.TotalCount, sh...)
	m := t.Const(sh, nil)
	md, nad, nbd := m.Data(), na.Data(), nb.Data()
	any := false
	for i := range md {
		if nad[i] < nbd[i] {
			Fail("KL(Binomial‖Binomial)", "total_count", "KL is not implemented for p.total_count < q.total_count (%v < %v)", nad[i], nbd[i])
		}
		if nad[i] > nbd[i] {
			md[i] = 1
			any = true
		}
	}
	pp := a.ProbsV()
	lp, lq := logitsOf(a.Probs, a.Logits), logitsOf(b.Probs, b.Logits)
	inner := t.Add(t.Mul(pp, t.Sub(lp, lq)), t.Sub(t.Softplus(lq), t.Softplus(lp)))
	kl := t.Expand(t.Mul(a.TotalCount, inner), sh...)
	if !any {
		return kl
	}
	return t.Where(m, t.Scalar(math.Inf(1)), kl)
}
