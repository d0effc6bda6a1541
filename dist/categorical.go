package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// CategoricalDist is the categorical distribution over {0, …, K-1}, K the
// size of the parameter's last dimension (Pyro's Categorical(probs=…) or
// Categorical(logits=…)). Its batch shape is the parameter's shape without
// the last dimension and its event shape is (). Probs need not be
// normalized (each row is divided by its sum) and Logits need not be
// normalized (each row is shifted by its log-sum-exp), as in PyTorch; the
// fields hold the parameters as given.
type CategoricalDist struct {
	Probs, Logits ad.V // exactly one is set
	k             int
	support       uvBounded
	uvBase
}

var categoricalPool = NewPool[CategoricalDist]()

// Categorical returns Categorical(probs): probs has shape batch + (K,),
// non-negative, finite, with positive row sums.
func Categorical(probs ad.V) *CategoricalDist {
	d := categoricalPool.Get(probs.Tape())
	d.initParam(probs, "probs")
	uvCheck("Categorical", "probs", probs, uvNonNeg, "non-negative and finite")
	x := probs.Data()
	for r := 0; r < len(x)/d.k; r++ {
		s := 0.0
		for _, v := range x[r*d.k : (r+1)*d.k] {
			s += v
		}
		if !(s > 0) {
			Fail("Categorical", "probs", "row %d sums to %v; it must be positive", r, s)
		}
	}
	d.Probs = probs
	return d
}

// CategoricalLogits returns Categorical(logits=logits): logits has shape
// batch + (K,); -Inf entries are categories of probability zero.
func CategoricalLogits(logits ad.V) *CategoricalDist {
	d := categoricalPool.Get(logits.Tape())
	d.initParam(logits, "logits")
	uvCheck("Categorical", "logits", logits, func(x float64) bool { return x == x && !math.IsInf(x, 1) }, "a number below +Inf")
	x := logits.Data()
	for r := 0; r < len(x)/d.k; r++ {
		m := math.Inf(-1)
		for _, v := range x[r*d.k : (r+1)*d.k] {
			m = math.Max(m, v)
		}
		if math.IsInf(m, -1) {
			Fail("Categorical", "logits", "row %d is all -Inf", r)
		}
	}
	d.Logits = logits
	return d
}

func (d *CategoricalDist) initParam(p ad.V, name string) {
	checkSameTape("Categorical", p)
	s := p.Shape()
	if len(s) == 0 || s[len(s)-1] == 0 {
		Fail("Categorical", name, "needs at least one dimension with at least one category, got shape %v", uvCp(s))
	}
	d.t = p.Tape()
	d.k = s[len(s)-1]
	d.batch = MakeShape(s[:len(s)-1])
	d.support = uvBounded{name: "integer_interval(lower_bound=0, upper_bound=K-1)", discrete: true, loK: 0, hiK: float64(d.k - 1)}
}

// Name is Pyro's class name.
func (d *CategoricalDist) Name() string { return "Categorical" }

// Support is the set of values LogProb accepts.
func (d *CategoricalDist) Support() constraints.Constraint { return &d.support }

// HasRSample reports whether RSample is available.
func (d *CategoricalDist) HasRSample() bool { return false }

// NumCategories is K.
func (d *CategoricalDist) NumCategories() int { return d.k }

func (d *CategoricalDist) param() ad.V {
	if d.Probs.Valid() {
		return d.Probs
	}
	return d.Logits
}

// rowNorms records, for each batch row, log Σ p (probs) or
// log Σ exp(logits) (logits), as a constant of the batch shape.
func (d *CategoricalDist) rowNorms() ad.V {
	t := d.t
	var v ad.V
	if d.batch.Len() == 0 {
		v = t.Scalar(0)
	} else {
		v = t.Const(d.batch.Slice(), nil)
	}
	out := v.Data()
	x := d.param().Data()
	k := d.k
	for r := range out {
		row := x[r*k : (r+1)*k]
		if d.Probs.Valid() {
			s := 0.0
			for _, p := range row {
				s += p
			}
			out[r] = math.Log(s)
		} else {
			m := math.Inf(-1)
			for _, l := range row {
				m = math.Max(m, l)
			}
			s := 0.0
			for _, l := range row {
				s += math.Exp(l - m)
			}
			out[r] = m + math.Log(s)
		}
	}
	return v
}

// LogProb is log(p_k / Σp) (logits_k - logsumexp(logits)) for integer k in
// [0, K); value broadcasts against the batch shape.
func (d *CategoricalDist) LogProb(x ad.V) ad.V {
	t := d.t
	if x.Tape() != t {
		Fail("Categorical", "value", "value is recorded on a different tape")
	}
	out := BroadcastShapes("Categorical", x.Shape(), d.batch.Slice())
	os := out.Slice()
	norms := d.rowNorms()
	param := d.param()
	need := param.RequiresGrad()
	var lpv, pv ad.V
	if out.Len() == 0 {
		lpv = t.Scalar(0)
	} else {
		lpv = t.Const(os, nil)
	}
	var pbuf [ad.MaxDims]int
	if need {
		ps := append(append(pbuf[:0], os...), d.k)
		pv = t.Const(ps, nil)
	}
	lp, xs, nm, pd := lpv.Data(), x.Data(), norms.Data(), param.Data()
	var pg []float64
	if need {
		pg = pv.Data()
	}
	k := d.k
	var it uvIter
	ins := [4]ad.V{x, norms}
	it.init(os, &ins, 2)
	probs := d.Probs.Valid()
	for i := range lp {
		v := xs[it.off[0]]
		r := it.off[1]
		it.next()
		if !(v >= 0 && v < float64(k) && v == math.Trunc(v)) {
			Fail("Categorical", "value", "%v (flat index %d) is outside the support %s", v, i, d.support.Name())
		}
		c := int(v)
		row := pd[r*k : (r+1)*k]
		if probs {
			lp[i] = math.Log(row[c]) - nm[r]
		} else {
			lp[i] = row[c] - nm[r]
		}
		if need {
			g := pg[i*k : (i+1)*k]
			if probs {
				inv := math.Exp(-nm[r])
				for j := range g {
					g[j] = -inv
				}
				g[c] += uvFinite(1 / row[c])
			} else {
				for j := range g {
					g[j] = -math.Exp(row[j] - nm[r])
				}
				g[c]++
			}
		}
	}
	if !need {
		return lpv
	}
	return uvInjectRows(t, lpv, pv, param, k)
}

// uvInjectRows adds to res (shape S) the gradient term Σ_j P[..., j]·
// (θ[..., j] - stop_gradient(θ[..., j])) for P of shape S + (K,) and θ of a
// shape broadcastable to it: exactly zero in value, with P's rows as the
// local derivative of each element of res with respect to θ's rows.
func uvInjectRows(t *ad.Tape, res, P, theta ad.V, k int) ad.V {
	zero := t.Sub(theta, t.Detach(theta))
	prod := t.Mul(P, zero)
	m := prod.Size() / k
	var kb [1]int
	kb[0] = k
	ones := t.Const(kb[:], nil)
	od := ones.Data()
	for i := range od {
		od[i] = 1
	}
	red := t.MatVec(t.Reshape(prod, m, k), ones)
	if res.IsScalar() {
		return t.Add(res, t.Reshape(red))
	}
	return t.Add(res, t.Reshape(red, res.Shape()...))
}

func categoricalDraw(rng *RNG, row []float64, probs bool, norm float64) float64 {
	u := rng.Float64()
	acc := 0.0
	last := 0
	for j, w := range row {
		var p float64
		if probs {
			p = w / math.Exp(norm)
		} else {
			p = math.Exp(w - norm)
		}
		if p > 0 {
			last = j
		}
		acc += p
		if u < acc {
			return float64(j)
		}
	}
	return float64(last)
}

// Sample draws category indices of shape sampleShape + batch.
func (d *CategoricalDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	t := d.t
	norms := d.rowNorms()
	var buf [ad.MaxDims]int
	s := uvSampleShape(&buf, sampleShape, d.batch.Slice())
	var v ad.V
	if len(s) == 0 {
		v = t.Scalar(0)
	} else {
		v = t.Const(s, nil)
	}
	z, pd, nm := v.Data(), d.param().Data(), norms.Data()
	rows := len(nm)
	probs := d.Probs.Valid()
	for i := range z {
		r := i % rows
		z[i] = categoricalDraw(rng, pd[r*d.k:(r+1)*d.k], probs, nm[r])
	}
	return v
}

// RSample panics: Categorical is not reparameterizable.
func (d *CategoricalDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean and Variance are NaN (undefined for categories), as PyTorch.
func (d *CategoricalDist) Mean() ad.V { return d.full(math.NaN()) }

// Variance is the variance, batch-shaped.
func (d *CategoricalDist) Variance() ad.V { return d.full(math.NaN()) }

// Entropy is -Σ p_j log p_j per batch row.
func (d *CategoricalDist) Entropy() ad.V {
	t := d.t
	norms := d.rowNorms()
	param := d.param()
	need := param.RequiresGrad()
	hv := d.full(0)
	var pv ad.V
	var pbuf [ad.MaxDims]int
	if need {
		pv = t.Const(append(append(pbuf[:0], d.batch.Slice()...), d.k), nil)
	}
	h, nm, pd := hv.Data(), norms.Data(), param.Data()
	var pg []float64
	if need {
		pg = pv.Data()
	}
	k := d.k
	probs := d.Probs.Valid()
	for r := range h {
		row := pd[r*k : (r+1)*k]
		s := 0.0
		for _, w := range row {
			var lp float64
			if probs {
				lp = math.Log(w) - nm[r]
			} else {
				lp = w - nm[r]
			}
			if p := math.Exp(lp); p > 0 {
				s -= p * lp
			}
		}
		h[r] = s
		if need {
			g := pg[r*k : (r+1)*k]
			for j, w := range row {
				var lp float64
				if probs {
					lp = math.Log(w) - nm[r]
				} else {
					lp = w - nm[r]
				}
				p := math.Exp(lp)
				if p == 0 {
					g[j] = 0
					continue
				}
				// dH/dlogit_j = -p_j(log p_j + H); dH/dprob_j = -(log p_j + H)/Σp
				if probs {
					g[j] = -(lp + s) * math.Exp(-nm[r])
				} else {
					g[j] = -p * (lp + s)
				}
			}
		}
	}
	if !need {
		return hv
	}
	return uvInjectRows(t, hv, pv, param, k)
}

// EnumerateSupport returns 0..K-1 along a new leftmost dimension.
func (d *CategoricalDist) EnumerateSupport(expand bool) ad.V {
	return uvEnumerate(d.t, d.k, d.batch.Slice(), expand)
}

// Expand broadcasts the parameter to batchShape + (K,).
func (d *CategoricalDist) Expand(batchShape ...int) Distribution {
	var buf [ad.MaxDims]int
	s := append(append(buf[:0], batchShape...), d.k)
	if d.Probs.Valid() {
		return Categorical(d.t.Expand(d.Probs, s...))
	}
	return CategoricalLogits(d.t.Expand(d.Logits, s...))
}
