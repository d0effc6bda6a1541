package autodiff

import "math"

// Fused log densities: one node computes a whole log density and its three
// partial derivatives, instead of the seven or so elementwise nodes the same
// formula would record. Distributions use them on their hot paths.
const (
	opNormalLogProb Op = opMiscBase + iota // a = value, b = loc, c = scale
	opMiscEnd0
)

func init() {
	registerOpName(opNormalLogProb, "NormalLogProb")
}

const lnSqrt2PiConst = 0.91893853320467274178032973640561763986139747363778

// NormalLogProb is the Normal(loc, scale) log density of x, elementwise with
// broadcasting over all three: -((x-loc)/scale)²/2 - log(scale) - log√(2π).
func (t *Tape) NormalLogProb(x, loc, scale V) V {
	t.check("NormalLogProb", x, loc, scale)
	nx, nl, ns := &t.nodes[x.i], &t.nodes[loc.i], &t.nodes[scale.i]
	flags := (nx.flags | nl.flags | ns.flags) & fGrad
	if nx.ndim == 0 && nl.ndim == 0 && ns.ndim == 0 {
		s := t.val[ns.off]
		z := (t.val[nx.off] - t.val[nl.off]) / s
		logS := 0.0
		if s != 1 {
			logS = math.Log(s)
		}
		v := t.newScalar(opNormalLogProb, flags, x.i, loc.i, -0.5*z*z-logS-lnSqrt2PiConst)
		t.nodes[v.i].c = scale.i
		return v
	}
	out := t.broadcast3("NormalLogProb", x, loc, scale)
	v, lp := t.newNode(opNormalLogProb, flags, x.i, loc.i, out.d[:out.n])
	t.nodes[v.i].c = scale.i
	n := len(lp)
	xd, ld, sd := t.data(x.i), t.data(loc.i), t.data(scale.i)
	if len(xd) == n && len(sd) == 1 && (len(ld) == 1 || len(ld) == n) {
		// common case: full x, single scale, single or full loc — no
		// broadcast copies
		ls0 := math.Log(sd[0]) + lnSqrt2PiConst
		inv := 1 / sd[0]
		if len(ld) == 1 {
			l := ld[0]
			for i, xi := range xd {
				z := (xi - l) * inv
				lp[i] = -0.5*z*z - ls0
			}
		} else {
			ld = ld[:n]
			for i, xi := range xd {
				z := (xi - ld[i]) * inv
				lp[i] = -0.5*z*z - ls0
			}
		}
		return v
	}
	xs, ls, ss := t.expanded(x.i, out.d[:out.n], n), t.expanded(loc.i, out.d[:out.n], n), t.expanded(scale.i, out.d[:out.n], n)
	if len(sd) == 1 {
		s := ss[0]
		ls0 := math.Log(s) + lnSqrt2PiConst
		inv := 1 / s
		for i := range lp {
			z := (xs[i] - ls[i]) * inv
			lp[i] = -0.5*z*z - ls0
		}
	} else {
		for i := range lp {
			z := (xs[i] - ls[i]) / ss[i]
			lp[i] = -0.5*z*z - math.Log(ss[i]) - lnSqrt2PiConst
		}
	}
	t.scratchReset()
	return v
}

type shapeBuf struct {
	n int
	d [MaxDims]int
}

func (t *Tape) broadcast3(op string, a, b, c V) shapeBuf {
	var r shapeBuf
	var b1 [MaxDims]int
	s1, ok := broadcastShape(&b1, t.shape(a.i), t.shape(b.i))
	if !ok {
		fail(op, "shapes %v and %v cannot be broadcast together", cp(t.shape(a.i)), cp(t.shape(b.i)))
	}
	s2, ok := broadcastShape(&r.d, s1, t.shape(c.i))
	if !ok {
		fail(op, "shapes %v and %v cannot be broadcast together", cp(s1), cp(t.shape(c.i)))
	}
	r.n = len(s2)
	return r
}

func (t *Tape) backMiscFused(i int32, nd *node) bool {
	switch nd.op {
	case opNormalLogProb:
		t.backNormalLogProb(nd)
		return true
	}
	return false
}

func (t *Tape) backNormalLogProb(nd *node) {
	nx, nl, ns := &t.nodes[nd.a], &t.nodes[nd.b], &t.nodes[nd.c]
	gx, gl, gs := nx.flags&fGrad != 0, nl.flags&fGrad != 0, ns.flags&fGrad != 0
	if nd.ndim == 0 {
		g := t.adj[nd.off]
		s := t.val[ns.off]
		z := (t.val[nx.off] - t.val[nl.off]) / s
		dz := g * z / s
		if gx {
			t.adj[nx.off] -= dz
		}
		if gl {
			t.adj[nl.off] += dz
		}
		if gs {
			t.adj[ns.off] += g * (z*z - 1) / s
		}
		return
	}
	n := int(nd.size)
	out := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
	g := t.adj[nd.off : nd.off+nd.size]
	if int(nx.size) == n && ns.size == 1 && (nl.size == 1 || int(nl.size) == n) {
		t.backNormalLogProbCommon(nx, nl, ns, gx, gl, gs, g)
		return
	}
	xs, ls, ss := t.expanded(nd.a, out, n), t.expanded(nd.b, out, n), t.expanded(nd.c, out, n)
	// local partials, reduced to each input's shape
	acc := func(in *node, sign float64, scaleTerm bool) {
		full := int(in.size) == n
		var dst []float64
		if full {
			dst = t.adj[in.off : in.off+in.size]
		} else {
			dst = t.scratch(n)
			clear(dst)
		}
		for i := range dst {
			if g[i] == 0 {
				continue
			}
			z := (xs[i] - ls[i]) / ss[i]
			if scaleTerm {
				dst[i] += g[i] * (z*z - 1) / ss[i]
			} else {
				dst[i] += sign * g[i] * z / ss[i]
			}
		}
		if !full {
			sumToAcc(t.adj[in.off:in.off+in.size], t.shp[in.shp:in.shp+int32(in.ndim)], dst, out)
		}
	}
	if gx {
		acc(nx, -1, false)
	}
	if gl {
		acc(nl, 1, false)
	}
	if gs {
		acc(ns, 0, true)
	}
	t.scratchReset()
}

// backNormalLogProbCommon is the backward pass for a full-size x, a single
// scale and a single or full-size loc, in one pass without broadcast copies.
func (t *Tape) backNormalLogProbCommon(nx, nl, ns *node, gx, gl, gs bool, g []float64) {
	xd := t.dataNode(nx)
	ld := t.dataNode(nl)
	s := t.dataNode(ns)[0]
	inv := 1 / s
	var adjX, adjL []float64
	if gx {
		adjX = t.adj[nx.off : nx.off+nx.size]
	}
	fullL := int(nl.size) == len(g)
	if gl && fullL {
		adjL = t.adj[nl.off : nl.off+nl.size]
	}
	var sumL, sumS float64
	l0 := ld[0]
	for i, gi := range g {
		if gi == 0 {
			continue
		}
		l := l0
		if fullL {
			l = ld[i]
		}
		z := (xd[i] - l) * inv
		dz := gi * z * inv
		if gx {
			adjX[i] -= dz
		}
		if adjL != nil {
			adjL[i] += dz
		} else {
			sumL += dz
		}
		sumS += gi * (z*z - 1)
	}
	if gl && !fullL {
		t.adj[nl.off] += sumL
	}
	if gs {
		t.adj[ns.off] += sumS * inv
	}
}
