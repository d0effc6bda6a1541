package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// BinomialDist is the number of successes in TotalCount independent trials
// with success probability Probs (or sigmoid(Logits)) (Pyro's
// Binomial(total_count, probs=…) / Binomial(total_count, logits=…)).
type BinomialDist struct {
	TotalCount    ad.V
	Probs, Logits ad.V // exactly one is set
	support       uvBounded
	uvBase
}

var binomialPool = NewPool[BinomialDist]()

// Binomial returns Binomial(totalCount, probs). totalCount must hold
// non-negative integers, probs values in [0, 1].
func Binomial(totalCount, probs ad.V) *BinomialDist {
	d := binomialPool.Get(probs.Tape())
	d.init("Binomial", totalCount, probs)
	uvCheck("Binomial", "total_count", totalCount, uvNonNegInt, "a non-negative integer")
	uvCheck("Binomial", "probs", probs, uvUnit, "in [0, 1]")
	d.TotalCount, d.Probs = totalCount, probs
	d.setSupport()
	return d
}

// BinomialLogits returns Binomial(totalCount, logits=logits).
func BinomialLogits(totalCount, logits ad.V) *BinomialDist {
	d := binomialPool.Get(logits.Tape())
	d.init("Binomial", totalCount, logits)
	uvCheck("Binomial", "total_count", totalCount, uvNonNegInt, "a non-negative integer")
	uvCheckNotNaN("Binomial", "logits", logits)
	d.TotalCount, d.Logits = totalCount, logits
	d.setSupport()
	return d
}

func (d *BinomialDist) setSupport() {
	d.support = uvBounded{name: "integer_interval(lower_bound=0, upper_bound=total_count)", discrete: true, hi: d.TotalCount, loK: 0}
}

// Name is Pyro's class name.
func (d *BinomialDist) Name() string { return "Binomial" }

// Support is the set of values LogProb accepts.
func (d *BinomialDist) Support() constraints.Constraint { return &d.support }

// HasRSample reports whether RSample is available.
func (d *BinomialDist) HasRSample() bool { return false }

// ProbsV is the success probability.
func (d *BinomialDist) ProbsV() ad.V {
	if d.Probs.Valid() {
		return d.Probs
	}
	return d.t.Sigmoid(d.Logits)
}

// binomTerms gives p, q, log p, log q for the probs form.
func binomProbsTerms(p float64) (float64, float64, float64, float64) {
	return p, 1 - p, math.Log(p), math.Log1p(-p)
}

func binomLogitsTerms(l float64) (float64, float64, float64, float64) {
	return sp.Sigmoid(l), sp.Sigmoid(-l), -sp.Softplus(-l), -sp.Softplus(l)
}

func binomialK(in [4]float64, need uint8, m *uvMemo, p, q, logp, logq float64) (float64, [4]float64) {
	x, n := in[0], in[1]
	var g [4]float64
	var lp float64
	if n < 1024 && x >= 0 && x <= n {
		// direct log C(n,x) + x log p + (n-x) log q unless it cancels
		ln, lx, lnx := uvLogFact(n), uvLogFact(x), uvLogFact(n-x)
		t1, t2 := 0.0, 0.0
		if x != 0 {
			t1 = x * logp
		}
		if n-x != 0 {
			t2 = (n - x) * logq
		}
		lp = ln - lx - lnx + t1 + t2
		if !(ln+lx+lnx+math.Abs(t1)+math.Abs(t2) <= 4*math.Abs(lp)) {
			lp = uvBinomLog(x, n, p, q, logp, logq)
		}
	} else {
		lp = uvBinomLog(x, n, p, q, logp, logq)
	}
	if need&1 != 0 {
		g[0] = sp.Digamma(n-x+1) - sp.Digamma(x+1) + logp - logq
	}
	if need&2 != 0 {
		g[1] = sp.Digamma(n+1) - sp.Digamma(n-x+1) + logq
	}
	return lp, g
}

func binomialProbsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	p, q, lp, lq := binomProbsTerms(in[2])
	v, g := binomialK(in, need, m, p, q, lp, lq)
	if need&4 != 0 {
		x, n := in[0], in[1]
		g[2] = 0
		if x != 0 {
			g[2] += x / p
		}
		if n-x != 0 {
			g[2] -= (n - x) / q
		}
	}
	return v, g
}

func binomialLogitsK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	p, q, lp, lq := binomLogitsTerms(in[2])
	v, g := binomialK(in, need, m, p, q, lp, lq)
	if need&4 != 0 {
		x, n := in[0], in[1]
		g[2] = x*q - (n-x)*p
	}
	return v, g
}

func binomialSupport(in [4]float64) bool { return uvNonNegInt(in[0]) && in[0] <= in[1] }

// LogProb is log C(n, k) + k log p + (n-k) log(1-p), computed with Loader's
// saddle-point form (accurate to a few ulps for counts in the millions).
func (d *BinomialDist) LogProb(x ad.V) ad.V {
	if d.Probs.Valid() {
		return uvFused(d, &d.memo, binomialProbsK, binomialSupport, [4]ad.V{x, d.TotalCount, d.Probs}, 3)
	}
	return uvFused(d, &d.memo, binomialLogitsK, binomialSupport, [4]ad.V{x, d.TotalCount, d.Logits}, 3)
}

func binomialDrawP(rng *RNG, in [4]float64) float64 { return rng.Binomial(in[0], in[1]) }
func binomialDrawL(rng *RNG, in [4]float64) float64 {
	return rng.Binomial(in[0], sp.Sigmoid(in[1]))
}

// Sample draws success counts of shape sampleShape + batch.
func (d *BinomialDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	if d.Probs.Valid() {
		return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.TotalCount, d.Probs}, 2, binomialDrawP)
	}
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.TotalCount, d.Logits}, 2, binomialDrawL)
}

// RSample panics: Binomial is not reparameterizable.
func (d *BinomialDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is n·p.
func (d *BinomialDist) Mean() ad.V { return d.expand(d.t.Mul(d.TotalCount, d.ProbsV())) }

// Variance is n·p·(1-p).
func (d *BinomialDist) Variance() ad.V {
	t := d.t
	p := d.ProbsV()
	return d.expand(t.Mul(t.Mul(d.TotalCount, p), t.AddConst(t.Neg(p), 1)))
}

// EnumerateSupport returns 0..n along a new leftmost dimension. As in Pyro,
// total_count must be the same across the batch.
func (d *BinomialDist) EnumerateSupport(expand bool) ad.V {
	n := uvHomogeneousCount(d.Name(), d.TotalCount)
	return uvEnumerate(d.t, n+1, d.batch.Slice(), expand)
}

func uvHomogeneousCount(dist string, tc ad.V) int {
	x := tc.Data()
	for _, v := range x[1:] {
		if v != x[0] {
			Fail(dist, "total_count", "EnumerateSupport needs the same total_count across the batch, got %v and %v", x[0], v)
		}
	}
	return int(x[0])
}

// Expand broadcasts the parameters to batchShape.
func (d *BinomialDist) Expand(batchShape ...int) Distribution {
	t := d.t
	n := t.Expand(d.TotalCount, batchShape...)
	if d.Probs.Valid() {
		return Binomial(n, t.Expand(d.Probs, batchShape...))
	}
	return BinomialLogits(n, t.Expand(d.Logits, batchShape...))
}

// BetaBinomialDist is the Binomial(TotalCount, p) distribution with
// p ~ Beta(Concentration1, Concentration0) integrated out (Pyro's
// BetaBinomial(concentration1, concentration0, total_count=1)).
type BetaBinomialDist struct {
	Concentration1, Concentration0, TotalCount ad.V
	support                                    uvBounded
	uvBase
}

var betaBinomialPool = NewPool[BetaBinomialDist]()

// BetaBinomial returns BetaBinomial(c1, c0, totalCount); concentrations must
// be positive, totalCount a non-negative integer (Pyro's default is 1).
func BetaBinomial(concentration1, concentration0, totalCount ad.V) *BetaBinomialDist {
	d := betaBinomialPool.Get(concentration1.Tape())
	d.init("BetaBinomial", concentration1, concentration0, totalCount)
	uvCheck("BetaBinomial", "concentration1", concentration1, uvPositive, "positive")
	uvCheck("BetaBinomial", "concentration0", concentration0, uvPositive, "positive")
	uvCheck("BetaBinomial", "total_count", totalCount, uvNonNegInt, "a non-negative integer")
	d.Concentration1, d.Concentration0, d.TotalCount = concentration1, concentration0, totalCount
	d.support = uvBounded{name: "integer_interval(lower_bound=0, upper_bound=total_count)", discrete: true, hi: totalCount, loK: 0}
	return d
}

// Name is Pyro's class name.
func (d *BetaBinomialDist) Name() string { return "BetaBinomial" }

// Support is the set of values LogProb accepts.
func (d *BetaBinomialDist) Support() constraints.Constraint { return &d.support }

// HasRSample reports whether RSample is available.
func (d *BetaBinomialDist) HasRSample() bool { return false }

// in: k, a (c1), b (c0), n
func betaBinomialK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	k, a, b, n := in[0], in[1], in[2], in[3]
	var g [4]float64
	// log C(n,k) + log B(k+a, n-k+b) regrouped as differences of log-gamma
	// values at nearby arguments, which cancel analytically.
	lp := uvLgammaDiff(k+1, a-1) + uvLgammaDiff(n-k+1, b-1) - uvLgammaDiff(n+1, a+b-1) - m.get(0, a, b, uvLbeta)
	if need != 0 {
		dn := sp.Digamma(n + a + b)
		dab := m.get(1, a+b, 0, uvDigamma2)
		if need&1 != 0 {
			g[0] = sp.Digamma(n-k+1) - sp.Digamma(k+1) + sp.Digamma(k+a) - sp.Digamma(n-k+b)
		}
		if need&2 != 0 {
			g[1] = sp.Digamma(k+a) - dn - sp.Digamma(a) + dab
		}
		if need&4 != 0 {
			g[2] = sp.Digamma(n-k+b) - dn - sp.Digamma(b) + dab
		}
		if need&8 != 0 {
			g[3] = sp.Digamma(n+1) - sp.Digamma(n-k+1) + sp.Digamma(n-k+b) - dn
		}
	}
	return lp, g
}

func betaBinomialSupport(in [4]float64) bool { return uvNonNegInt(in[0]) && in[0] <= in[3] }

// LogProb is log C(n, k) + log B(k+c1, n-k+c0) - log B(c1, c0).
func (d *BetaBinomialDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, betaBinomialK, betaBinomialSupport, [4]ad.V{x, d.Concentration1, d.Concentration0, d.TotalCount}, 4)
}

func betaBinomialDraw(rng *RNG, in [4]float64) float64 {
	return rng.Binomial(in[2], uvBeta(rng, in[0], in[1]))
}

// Sample draws p ~ Beta then k ~ Binomial(n, p).
func (d *BetaBinomialDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Concentration1, d.Concentration0, d.TotalCount}, 3, betaBinomialDraw)
}

// RSample panics: BetaBinomial is not reparameterizable.
func (d *BetaBinomialDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is n·c1/(c1+c0).
func (d *BetaBinomialDist) Mean() ad.V {
	t := d.t
	return d.expand(t.Div(t.Mul(d.TotalCount, d.Concentration1), t.Add(d.Concentration1, d.Concentration0)))
}

// Variance is n·c1·c0·(c1+c0+n) / ((c1+c0)²(c1+c0+1)).
func (d *BetaBinomialDist) Variance() ad.V {
	t := d.t
	s := t.Add(d.Concentration1, d.Concentration0)
	num := t.Mul(t.Mul(d.TotalCount, t.Mul(d.Concentration1, d.Concentration0)), t.Add(s, d.TotalCount))
	return d.expand(t.Div(num, t.Mul(t.Square(s), t.AddConst(s, 1))))
}

// EnumerateSupport returns 0..n along a new leftmost dimension (total_count
// must be the same across the batch, as in Pyro).
func (d *BetaBinomialDist) EnumerateSupport(expand bool) ad.V {
	n := uvHomogeneousCount(d.Name(), d.TotalCount)
	return uvEnumerate(d.t, n+1, d.batch.Slice(), expand)
}

// Expand broadcasts the parameters to batchShape.
func (d *BetaBinomialDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return BetaBinomial(t.Expand(d.Concentration1, batchShape...), t.Expand(d.Concentration0, batchShape...), t.Expand(d.TotalCount, batchShape...))
}
