package autodiff

// A node whose value and local partial derivatives are computed by the
// caller: the distributions layer evaluates a log density and its partials
// in one scalar kernel per element (the most accurate formula for each
// regime) and records the result as a single node, instead of a chain of
// elementwise nodes or zero-valued gradient-carrying terms.
const (
	opPartials Op = opMiscEnd + iota // inputs in iaux[aux : aux+4], partial offsets in iaux[aux+4 : aux+8]
	opPartialsEnd
)

func init() { registerOpName(opPartials, "Partials") }

// MaxPartialInputs is the most inputs a WithPartials node may have.
const MaxPartialInputs = 4

// WithPartials records a node of the given shape that depends on ins[:n]
// (each of which must broadcast to shape) and returns it together with
// writable storage for its value and, for each input that requires a
// gradient, for the partial derivative of every output element with
// respect to the matching (broadcast) element of that input; partials[j]
// is nil for inputs without a gradient. Backward adds g·partial into each
// input's adjoint, summing over broadcast dimensions, and skips elements
// whose adjoint is zero.
//
// Fill the returned slices before recording anything else on the tape
// (recording may move tape storage). A nil or empty shape gives a scalar.
func (t *Tape) WithPartials(shape []int, ins *[MaxPartialInputs]V, n int) (V, []float64, [MaxPartialInputs][]float64) {
	var partials [MaxPartialInputs][]float64
	if n < 0 || n > MaxPartialInputs {
		fail("WithPartials", "%d inputs; between 0 and %d are supported", n, MaxPartialInputs)
	}
	var flags uint8
	for j := 0; j < n; j++ {
		t.check1("WithPartials", ins[j])
		flags |= t.nodes[ins[j].i].flags & fGrad
		var buf [MaxDims]int
		if b, ok := broadcastShape(&buf, t.shape(ins[j].i), shape); !ok || !shapesEqual(b, shape) {
			fail("WithPartials", "input %d of shape %v does not broadcast to %v", j, cp(t.shape(ins[j].i)), cp(shape))
		}
	}
	var v V
	var val []float64
	if len(shape) == 0 {
		v = t.newScalar(opPartials, flags, -1, -1, 0)
		val = t.val[t.nodes[v.i].off : t.nodes[v.i].off+1]
	} else {
		v, val = t.newNode(opPartials, flags, -1, -1, shape)
	}
	size := len(val)
	aux := int32(len(t.iaux))
	for j := 0; j < MaxPartialInputs; j++ {
		in := int(-1)
		if j < n {
			in = int(ins[j].i)
		}
		t.iaux = append(t.iaux, in)
	}
	for j := 0; j < MaxPartialInputs; j++ {
		off := -1
		if j < n && t.nodes[ins[j].i].flags&fGrad != 0 {
			off = len(t.aux)
			t.aux = growAux(t.aux, size)
		}
		t.iaux = append(t.iaux, off)
	}
	t.nodes[v.i].aux = aux
	for j := 0; j < n; j++ {
		if off := t.iaux[int(aux)+MaxPartialInputs+j]; off >= 0 {
			partials[j] = t.aux[off : off+size]
		}
	}
	return v, val, partials
}

func growAux(s []float64, n int) []float64 {
	l := len(s)
	if l+n <= cap(s) {
		return s[:l+n]
	}
	c := 2 * cap(s)
	if c < l+n {
		c = l + n
	}
	ns := make([]float64, l+n, c)
	copy(ns, s)
	return ns
}

func (t *Tape) backPartials(nd *node) {
	n := int(nd.size)
	g := t.adj[nd.off : nd.off+nd.size]
	out := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
	for j := 0; j < MaxPartialInputs; j++ {
		in := t.iaux[int(nd.aux)+j]
		off := t.iaux[int(nd.aux)+MaxPartialInputs+j]
		if in < 0 || off < 0 {
			continue
		}
		ni := &t.nodes[in]
		p := t.aux[off : off+n]
		if int(ni.size) == n {
			dst := t.adj[ni.off : ni.off+ni.size]
			for i, gi := range g {
				if gi != 0 {
					dst[i] += gi * p[i]
				}
			}
			continue
		}
		if ni.size == 1 {
			s := 0.0
			for i, gi := range g {
				if gi != 0 {
					s += gi * p[i]
				}
			}
			t.adj[ni.off] += s
			continue
		}
		loc := t.scratch(n)
		for i, gi := range g {
			if gi != 0 {
				loc[i] = gi * p[i]
			} else {
				loc[i] = 0
			}
		}
		sumToAcc(t.adj[ni.off:ni.off+ni.size], t.shp[ni.shp:ni.shp+int32(ni.ndim)], loc, out)
		t.scratchReset()
	}
}
