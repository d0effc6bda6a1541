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
	if (len(xd) == n || len(xd) == 1) && (len(ld) == n || len(ld) == 1) && (len(sd) == n || len(sd) == 1) {
		// every input is full-size or a single element: no broadcast
		// copies (the single-scale case hoists the log)
		if len(sd) == 1 {
			ls0 := math.Log(sd[0]) + lnSqrt2PiConst
			inv := 1 / sd[0]
			if len(xd) == n && len(ld) == 1 {
				l := ld[0]
				for i, xi := range xd {
					z := (xi - l) * inv
					lp[i] = -0.5*z*z - ls0
				}
				return v
			}
			for i := range lp {
				z := (xd[i*sel(len(xd), n)] - ld[i*sel(len(ld), n)]) * inv
				lp[i] = -0.5*z*z - ls0
			}
			return v
		}
		for i := range lp {
			si := sd[i]
			z := (xd[i*sel(len(xd), n)] - ld[i*sel(len(ld), n)]) / si
			lp[i] = -0.5*z*z - math.Log(si) - lnSqrt2PiConst
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
	if (int(nx.size) == n || nx.size == 1) && (int(nl.size) == n || nl.size == 1) && (int(ns.size) == n || ns.size == 1) {
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

// sel is 1 when an input has the output's n elements and 0 when it has a
// single one: index i·sel(len, n) reads either element i or element 0.
func sel(l, n int) int {
	if l == n {
		return 1
	}
	return 0
}

// backNormalLogProbCommon is the backward pass when each of x, loc and
// scale is full-size or a single element, in one pass without broadcast
// copies: full inputs get per-element adjoints, single ones the sum.
func (t *Tape) backNormalLogProbCommon(nx, nl, ns *node, gx, gl, gs bool, g []float64) {
	n := len(g)
	xd, ld, sd := t.dataNode(nx), t.dataNode(nl), t.dataNode(ns)
	kx, kl, ks := sel(len(xd), n), sel(len(ld), n), sel(len(sd), n)
	var adjX, adjL, adjS []float64
	if gx {
		adjX = t.adj[nx.off : nx.off+nx.size]
	}
	if gl {
		adjL = t.adj[nl.off : nl.off+nl.size]
	}
	if gs {
		adjS = t.adj[ns.off : ns.off+ns.size]
	}
	var sumX, sumL, sumS float64
	for i, gi := range g {
		if gi == 0 {
			continue
		}
		inv := 1 / sd[i*ks]
		z := (xd[i*kx] - ld[i*kl]) * inv
		dz := gi * z * inv
		dsc := gi * (z*z - 1) * inv
		if gx {
			if kx == 1 {
				adjX[i] -= dz
			} else {
				sumX -= dz
			}
		}
		if gl {
			if kl == 1 {
				adjL[i] += dz
			} else {
				sumL += dz
			}
		}
		if gs {
			if ks == 1 {
				adjS[i] += dsc
			} else {
				sumS += dsc
			}
		}
	}
	if gx && kx == 0 {
		adjX[0] += sumX
	}
	if gl && kl == 0 {
		adjL[0] += sumL
	}
	if gs && ks == 0 {
		adjS[0] += sumS
	}
}
