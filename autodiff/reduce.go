package autodiff

// Reductions.
const (
	opSumAll Op = opReduceBase + iota
	opReduceEnd0
)

func init() {
	registerOpName(opSumAll, "Sum")
}

// Sum is the sum of all of a's elements, as a scalar.
func (t *Tape) Sum(a V) V {
	t.check1("Sum", a)
	na := a.node()
	if na.ndim == 0 {
		return a
	}
	s := 0.0
	for _, x := range t.data(a.i) {
		s += x
	}
	return t.newScalar(opSumAll, na.flags&fGrad, a.i, -1, s)
}

func (t *Tape) backReduce(i int32, nd *node) {
	if nd.op >= opReduceEnd0 {
		t.backReduceMore(i, nd)
		return
	}
	na := &t.nodes[nd.a]
	if na.flags&fGrad == 0 {
		return
	}
	switch nd.op {
	case opSumAll:
		g := t.adj[nd.off]
		ga := t.adj[na.off : na.off+na.size]
		for j := range ga {
			ga[j] += g
		}
	default:
		unknownOp(nd)
	}
}
