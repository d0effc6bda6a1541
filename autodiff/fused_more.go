package autodiff

import (
	"github.com/gyro-ppl/gyro/asm"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// More fused log densities (see fused.go).
const (
	opBernoulliLogits Op = opMiscEnd0 + iota // a = value, b = logits
	opMiscEnd
)

func init() {
	registerOpName(opBernoulliLogits, "BernoulliLogitsLogProb")
}

// BernoulliLogitsLogProb is the Bernoulli log mass of y given logits η,
// elementwise with broadcasting: y·η - softplus(η), stable for any η (it is
// -binary_cross_entropy_with_logits). One node replaces the three or four
// a composite would record; the gradient is y - σ(η) for η and η for y.
// The tensor paths use asm's vectorized Softplus and Sigmoid.
func (t *Tape) BernoulliLogitsLogProb(y, logits V) V {
	v, _ := t.BernoulliLogitsLogProbBinary(y, logits)
	return v
}

// BernoulliLogitsLogProbBinary is BernoulliLogitsLogProb that also reports
// the first element (flat index of the broadcast result) whose y is
// neither 0 nor 1, or −1 when every y is binary — so a caller validating
// Bernoulli values needs no separate pass over them.
func (t *Tape) BernoulliLogitsLogProbBinary(y, logits V) (V, int) {
	t.check2("BernoulliLogitsLogProb", y, logits)
	ny, nl := &t.nodes[y.i], &t.nodes[logits.i]
	flags := (ny.flags | nl.flags) & fGrad
	if ny.ndim == 0 && nl.ndim == 0 {
		yv := t.val[ny.off]
		bad := -1
		if yv != 0 && yv != 1 {
			bad = 0
		}
		return t.newScalar(opBernoulliLogits, flags, y.i, logits.i, bernoulliLogitsLP(yv, t.val[nl.off])), bad
	}
	sy, sl := t.shape(y.i), t.shape(logits.i)
	var buf [MaxDims]int
	out, ok := broadcastShape(&buf, sy, sl)
	if !ok {
		fail("BernoulliLogitsLogProb", "shapes %v and %v cannot be broadcast together", cp(sy), cp(sl))
	}
	v, lp := t.newNode(opBernoulliLogits, flags, y.i, logits.i, out)
	n := len(lp)
	ys, es := t.expanded(y.i, out, n), t.expanded(logits.i, out, n)
	// For y ∈ {0, 1}, y·η − softplus(η) = −softplus((1−2y)·η) exactly, which
	// keeps full relative accuracy where the result is tiny (y = 1, η ≫ 0);
	// other y use the general form.
	bad := -1
	for i := range lp {
		yi := ys[i]
		if yi != 0 && yi != 1 && bad < 0 {
			bad = i
		}
		lp[i] = (1 - 2*yi) * es[i]
	}
	asm.Softplus(lp, lp)
	for i := range lp {
		lp[i] = -lp[i]
	}
	if bad >= 0 {
		for i, yi := range ys[:n] {
			if yi != 0 && yi != 1 {
				lp[i] = yi*es[i] - sp.Softplus(es[i])
			}
		}
	}
	t.scratchReset()
	return v, bad
}

// bernoulliLogitsLP is y·η − softplus(η), exact-form for binary y.
func bernoulliLogitsLP(y, e float64) float64 {
	switch y {
	case 1:
		return -sp.Softplus(-e)
	case 0:
		return -sp.Softplus(e)
	}
	return y*e - sp.Softplus(e)
}

func (t *Tape) backBernoulliLogits(nd *node) {
	ny, nl := &t.nodes[nd.a], &t.nodes[nd.b]
	gy, gl := ny.flags&fGrad != 0, nl.flags&fGrad != 0
	if nd.ndim == 0 {
		g := t.adj[nd.off]
		e := t.val[nl.off]
		if gl {
			t.adj[nl.off] += g * (t.val[ny.off] - sp.Sigmoid(e))
		}
		if gy {
			t.adj[ny.off] += g * e
		}
		return
	}
	n := int(nd.size)
	out := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
	g := t.adj[nd.off : nd.off+nd.size]
	ys, es := t.expanded(nd.a, out, n), t.expanded(nd.b, out, n)
	if gl {
		full := int(nl.size) == n
		var dst []float64
		if full {
			dst = t.adj[nl.off : nl.off+nl.size]
		} else {
			dst = t.scratch(n)
			clear(dst)
		}
		s := t.scratch(n)
		asm.Sigmoid(s, es)
		for i := range dst {
			dst[i] += g[i] * (ys[i] - s[i])
		}
		if !full {
			sumToAcc(t.adj[nl.off:nl.off+nl.size], t.shp[nl.shp:nl.shp+int32(nl.ndim)], dst, out)
		}
	}
	if gy {
		full := int(ny.size) == n
		var dst []float64
		if full {
			dst = t.adj[ny.off : ny.off+ny.size]
		} else {
			dst = t.scratch(n)
			clear(dst)
		}
		for i := range dst {
			dst[i] += g[i] * es[i]
		}
		if !full {
			sumToAcc(t.adj[ny.off:ny.off+ny.size], t.shp[ny.shp:ny.shp+int32(ny.ndim)], dst, out)
		}
	}
	t.scratchReset()
}

func (t *Tape) backMiscMore(nd *node) bool {
	switch nd.op {
	case opBernoulliLogits:
		t.backBernoulliLogits(nd)
		return true
	}
	return false
}
