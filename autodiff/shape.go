package autodiff

// Shape ops. Views (Reshape, Slice along the first axis, Index of a
// contiguous sub-block) share value and adjoint storage with their input, so
// they cost one node and no copy, forward or backward.
const (
	opReshape Op = opShapeBase + iota
	opSlice0     // view: leading-axis slice
	opIndex      // scalar element i = c of input a (copy)
	opExpand     // broadcast materialized
	opSumTo      // sum a broadcast-shaped value back to a smaller shape
	opShapeEnd0
)

func init() {
	registerOpName(opReshape, "Reshape")
	registerOpName(opSlice0, "Slice")
	registerOpName(opIndex, "Index")
	registerOpName(opExpand, "Expand")
	registerOpName(opSumTo, "SumTo")
}

// Reshape views a with a new shape of the same size (no copy). One
// dimension may be -1 and is then inferred.
func (t *Tape) Reshape(a V, shape ...int) V {
	t.check1("Reshape", a)
	var buf [MaxDims]int
	if len(shape) > MaxDims {
		fail("Reshape", "shape %v has more than %d dimensions", cp(shape), MaxDims)
	}
	s := buf[:len(shape)]
	copy(s, shape)
	size := a.Size()
	infer, known := -1, 1
	for i, d := range s {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			fail("Reshape", "invalid shape %v", cp(shape))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || size%known != 0 {
			fail("Reshape", "cannot reshape %v into %v", cp(a.Shape()), cp(shape))
		}
		s[infer] = size / known
		known *= s[infer]
	}
	if known != size {
		fail("Reshape", "cannot reshape %v (%d elements) into %v", cp(a.Shape()), size, cp(shape))
	}
	if len(s) == 0 && !a.IsScalar() {
		// A one-element tensor viewed as a scalar.
		return t.newView(opReshape, a, 0, nil)
	}
	return t.newView(opReshape, a, 0, s)
}

// Slice returns a[start:end] along the first axis, as a view (no copy).
func (t *Tape) Slice(a V, start, end int) V {
	t.check1("Slice", a)
	sh := a.Shape()
	if len(sh) == 0 {
		fail("Slice", "cannot slice a scalar")
	}
	if start < 0 || end < start || end > sh[0] {
		fail("Slice", "range [%d:%d] out of bounds for first dimension %d (shape %v)", start, end, sh[0], cp(sh))
	}
	var buf [MaxDims]int
	s := buf[:len(sh)]
	copy(s, sh)
	row := 1
	for _, d := range sh[1:] {
		row *= d
	}
	s[0] = end - start
	return t.newView(opSlice0, a, start*row, s)
}

// Index returns element i of a's row-major data as a scalar.
func (t *Tape) Index(a V, i int) V {
	t.check1("Index", a)
	na := a.node()
	if i < 0 || i >= int(na.size) {
		fail("Index", "index %d out of range for %d elements (shape %v)", i, na.size, cp(a.Shape()))
	}
	x := t.data(a.i)[i]
	v := t.newScalar(opIndex, na.flags&fGrad, a.i, -1, x)
	t.nodes[v.i].c = int32(i)
	return v
}

// Expand broadcasts a to shape (NumPy rules), materializing the result.
func (t *Tape) Expand(a V, shape ...int) V {
	t.check1("Expand", a)
	sa := a.Shape()
	var buf [MaxDims]int
	out, ok := broadcastShape(&buf, sa, shape)
	if !ok || !shapesEqual(out, shape) {
		fail("Expand", "cannot expand shape %v to %v", cp(sa), cp(shape))
	}
	if shapesEqual(sa, shape) {
		return a
	}
	v, z := t.newNode(opExpand, a.node().flags&fGrad, a.i, -1, shape)
	expandInto(z, shape, t.data(a.i), t.shape(a.i))
	return v
}

// SumTo sums a over its broadcast dimensions so that the result has the given
// shape: the reverse of Expand (a's shape must be a broadcast of shape).
func (t *Tape) SumTo(a V, shape ...int) V {
	t.check1("SumTo", a)
	sa := a.Shape()
	var buf [MaxDims]int
	out, ok := broadcastShape(&buf, shape, sa)
	if !ok || !shapesEqual(out, sa) {
		fail("SumTo", "shape %v is not a broadcast of %v", cp(sa), cp(shape))
	}
	if shapesEqual(sa, shape) {
		return a
	}
	if len(shape) == 0 {
		v := t.newScalar(opSumTo, a.node().flags&fGrad, a.i, -1, 0)
		d := t.data(a.i)
		s := 0.0
		for _, x := range d {
			s += x
		}
		t.val[v.node().off] = s
		return v
	}
	v, z := t.newNode(opSumTo, a.node().flags&fGrad, a.i, -1, shape)
	clear(z)
	sumToAcc(z, shape, t.data(a.i), sa)
	return v
}

func (t *Tape) backShape(i int32, nd *node) {
	if nd.op >= opShapeEnd0 {
		t.backShapeMore(i, nd)
		return
	}
	na := &t.nodes[nd.a]
	if na.flags&fGrad == 0 {
		return
	}
	switch nd.op {
	case opIndex:
		t.adj[na.off+nd.c] += t.adj[nd.off]
	case opExpand:
		sumToAcc(t.adj[na.off:na.off+na.size], t.shp[na.shp:na.shp+int32(na.ndim)],
			t.adj[nd.off:nd.off+nd.size], t.shp[nd.shp:nd.shp+int32(nd.ndim)])
	case opSumTo:
		// gradient of a sum over broadcast dims: broadcast the adjoint back
		src := t.adj[nd.off : nd.off+nd.size]
		dst := t.adj[na.off : na.off+na.size]
		e := t.scratch(int(na.size))
		expandInto(e, t.shp[na.shp:na.shp+int32(na.ndim)], src, t.shp[nd.shp:nd.shp+int32(nd.ndim)])
		for j := range dst {
			dst[j] += e[j]
		}
		t.scratchReset()
	default:
		unknownOp(nd)
	}
}
