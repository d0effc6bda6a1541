package autodiff

// N-ary sums and the multiply-add, two shapes of computation that models
// record over and over: a log joint is the sum of every site's log density,
// and a reparameterized draw is loc + scale·ε.
const (
	opAddN   Op = opPartialsEnd + iota // scalar inputs listed in iaux[aux : aux+c]
	opMulAdd                           // a·b + c (scalars)
	opAddNEnd
)

func init() {
	registerOpName(opAddN, "AddN")
	registerOpName(opMulAdd, "MulAdd")
}

// AddN is the sum of the values in vs. When every value is a scalar it
// records a single node (a log joint summed over a hundred sites is one
// node, not a hundred); otherwise it adds them pairwise with broadcasting.
// An empty vs gives the scalar 0.
func (t *Tape) AddN(vs []V) V {
	if len(vs) == 0 {
		return t.Scalar(0)
	}
	var flags uint8
	sum := 0.0
	for _, v := range vs {
		t.check1("AddN", v)
		n := &t.nodes[v.i]
		if n.ndim != 0 {
			acc := vs[0]
			for _, w := range vs[1:] {
				acc = t.Add(acc, w)
			}
			return acc
		}
		flags |= n.flags & fGrad
		sum += t.val[n.off]
	}
	if len(vs) == 1 {
		return vs[0]
	}
	aux := int32(len(t.iaux))
	for _, v := range vs {
		t.iaux = append(t.iaux, int(v.i))
	}
	r := t.newScalar(opAddN, flags, -1, -1, sum)
	nd := &t.nodes[r.i]
	nd.aux, nd.c = aux, int32(len(vs))
	return r
}

// MulAdd is a·b + c. Scalars record one node; tensors fall back to Mul and
// Add with broadcasting.
func (t *Tape) MulAdd(a, b, c V) V {
	t.check("MulAdd", a, b, c)
	na, nb, nc := &t.nodes[a.i], &t.nodes[b.i], &t.nodes[c.i]
	if na.ndim != 0 || nb.ndim != 0 || nc.ndim != 0 {
		return t.Add(t.Mul(a, b), c)
	}
	flags := (na.flags | nb.flags | nc.flags) & fGrad
	r := t.newScalar(opMulAdd, flags, a.i, b.i, t.val[na.off]*t.val[nb.off]+t.val[nc.off])
	t.nodes[r.i].c = c.i
	return r
}

func (t *Tape) backAddN(nd *node) bool {
	switch nd.op {
	case opAddN:
		g := t.adj[nd.off]
		for _, i := range t.iaux[nd.aux : nd.aux+nd.c] {
			in := &t.nodes[i]
			if in.flags&fGrad != 0 {
				t.adj[in.off] += g
			}
		}
		return true
	case opMulAdd:
		g := t.adj[nd.off]
		if g == 0 {
			return true
		}
		na, nb, nc := &t.nodes[nd.a], &t.nodes[nd.b], &t.nodes[nd.c]
		if na.flags&fGrad != 0 {
			t.adj[na.off] += g * t.val[nb.off]
		}
		if nb.flags&fGrad != 0 {
			t.adj[nb.off] += g * t.val[na.off]
		}
		if nc.flags&fGrad != 0 {
			t.adj[nc.off] += g
		}
		return true
	}
	return false
}
