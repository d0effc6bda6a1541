package autodiff

// Shape ops that copy: permutations, slices along inner axes, gathers and
// scatters along an axis, concatenation and stacking. Each stores what its
// backward pass needs (axes, index lists, input lists) in t.iaux.
const (
	opPermute     Op = opShapeEnd0 + iota // aux → iaux[axes…]
	opSliceAxis                           // c = outer count, aux → iaux[axis, start]
	opIndexSelect                         // c = axis, aux → iaux[index…] (len = out dim)
	opGather                              // c = axis, aux → iaux[index…] (len = out size)
	opIndexAdd                            // a = base, b = src, c = axis, aux → iaux[index…]
	opScatterAdd                          // a = base, b = src, c = axis, aux → iaux[index…]
	opConcat                              // c = outer, aux → iaux[count, inputs…]
	opStack                               // c = outer, aux → iaux[count, inputs…]
	opShapeEnd
)

func init() {
	registerOpName(opPermute, "Permute")
	registerOpName(opSliceAxis, "SliceAxis")
	registerOpName(opIndexSelect, "IndexSelect")
	registerOpName(opGather, "Gather")
	registerOpName(opIndexAdd, "IndexAdd")
	registerOpName(opScatterAdd, "ScatterAdd")
	registerOpName(opConcat, "Concat")
	registerOpName(opStack, "Stack")
}

// normAxis maps a possibly negative axis (counted from the end, as in
// NumPy) into [0, nd), or fails.
func normAxis(op string, axis, nd int, s []int) int {
	if axis < -nd || axis >= nd {
		fail(op, "axis %d out of range for shape %v", axis, cp(s))
	}
	if axis < 0 {
		axis += nd
	}
	return axis
}

// axisSplit returns the products of the dimensions before and after axis.
func axisSplit(s []int, axis int) (outer, inner int) {
	outer, inner = 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	return outer, inner
}

// ---------------------------------------------------------------------------
// Permute / Transpose

// Permute reorders a's axes: result axis d is a's axis axes[d] (NumPy's
// transpose with an axes argument, PyTorch's permute). Negative axes count
// from the end. The result is a copy.
func (t *Tape) Permute(a V, axes ...int) V {
	t.check1("Permute", a)
	s := t.shape(a.i)
	nd := len(s)
	if len(axes) != nd {
		fail("Permute", "%d axes given for shape %v", len(axes), cp(s))
	}
	var ax, out [MaxDims]int
	var seen uint32
	for d, x := range axes {
		x = normAxis("Permute", x, nd, s)
		if seen&(1<<x) != 0 {
			fail("Permute", "axis %d repeated in %v", x, cp(axes))
		}
		seen |= 1 << x
		ax[d] = x
		out[d] = s[x]
	}
	identity := true
	for d := 0; d < nd; d++ {
		identity = identity && ax[d] == d
	}
	if identity {
		return a
	}
	return t.permute(a, ax[:nd], out[:nd])
}

// Transpose swaps the last two axes of a (a matrix, or a batch of them).
func (t *Tape) Transpose(a V) V {
	t.check1("Transpose", a)
	s := t.shape(a.i)
	nd := len(s)
	if nd < 2 {
		fail("Transpose", "needs at least 2 dimensions, got shape %v", cp(s))
	}
	var ax, out [MaxDims]int
	for d := 0; d < nd; d++ {
		ax[d] = d
		out[d] = s[d]
	}
	ax[nd-2], ax[nd-1] = nd-1, nd-2
	out[nd-2], out[nd-1] = s[nd-1], s[nd-2]
	return t.permute(a, ax[:nd], out[:nd])
}

func (t *Tape) permute(a V, ax, out []int) V {
	v, z := t.newNode(opPermute, a.node().flags&fGrad, a.i, -1, out)
	nd := &t.nodes[v.i]
	nd.aux = int32(len(t.iaux))
	t.iaux = append(t.iaux, ax...)
	var st [MaxDims]int
	permStrides(&st, t.shape(a.i), ax)
	permuteCopy(z, t.data(a.i), out, st[:len(out)], false)
	return v
}

// permStrides sets st[d] to the row-major stride of input axis ax[d].
func permStrides(st *[MaxDims]int, in, ax []int) {
	var ist [MaxDims]int
	s := 1
	for d := len(in) - 1; d >= 0; d-- {
		ist[d] = s
		s *= in[d]
	}
	for d, x := range ax {
		st[d] = ist[x]
	}
}

// permuteCopy walks the contiguous array z of shape out while walking src
// with strides st. Forward (acc false) it copies src into z; backward
// (acc true) it adds z into src.
func permuteCopy(z, src []float64, out, st []int, acc bool) {
	if len(z) == 0 {
		return
	}
	nd := len(out)
	inner := out[nd-1]
	is := st[nd-1]
	var idx [MaxDims]int
	pos := 0
	for o := 0; o < len(z); o += inner {
		row := z[o : o+inner]
		p := pos
		if acc {
			for _, x := range row {
				src[p] += x
				p += is
			}
		} else {
			for i := range row {
				row[i] = src[p]
				p += is
			}
		}
		for d := nd - 2; d >= 0; d-- {
			idx[d]++
			pos += st[d]
			if idx[d] < out[d] {
				break
			}
			pos -= st[d] * out[d]
			idx[d] = 0
		}
	}
}

func (t *Tape) backPermute(nd *node) {
	na := &t.nodes[nd.a]
	out := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
	ax := t.iaux[nd.aux : nd.aux+int32(nd.ndim)]
	var st [MaxDims]int
	permStrides(&st, t.shp[na.shp:na.shp+int32(na.ndim)], ax)
	permuteCopy(t.adj[nd.off:nd.off+nd.size], t.adj[na.off:na.off+na.size], out, st[:len(out)], true)
}

// ---------------------------------------------------------------------------
// SliceAxis

// SliceAxis returns a[…, start:end, …] along axis (negative counts from
// the end). Along the first axis it is Slice, a view; along any other axis
// the slice is copied.
func (t *Tape) SliceAxis(a V, axis, start, end int) V {
	t.check1("SliceAxis", a)
	s := t.shape(a.i)
	if len(s) == 0 {
		fail("SliceAxis", "cannot slice a scalar")
	}
	axis = normAxis("SliceAxis", axis, len(s), s)
	if start < 0 || end < start || end > s[axis] {
		fail("SliceAxis", "range [%d:%d] out of bounds for axis %d of shape %v", start, end, axis, cp(s))
	}
	if axis == 0 {
		return t.Slice(a, start, end)
	}
	var buf [MaxDims]int
	out := buf[:len(s)]
	copy(out, s)
	out[axis] = end - start
	outer, inner := axisSplit(s, axis)
	v, z := t.newNode(opSliceAxis, a.node().flags&fGrad, a.i, -1, out)
	nd := &t.nodes[v.i]
	nd.c = int32(outer)
	nd.aux = int32(len(t.iaux))
	t.iaux = append(t.iaux, axis, start)
	x := t.data(a.i)
	n, m := s[axis]*inner, (end-start)*inner
	for o := 0; o < outer; o++ {
		copy(z[o*m:o*m+m], x[o*n+start*inner:])
	}
	return v
}

func (t *Tape) backSliceAxis(nd *node) {
	na := &t.nodes[nd.a]
	outer := int(nd.c)
	start := t.iaux[nd.aux+1]
	g := t.adj[nd.off : nd.off+nd.size]
	ga := t.adj[na.off : na.off+na.size]
	m, n := len(g)/max(outer, 1), len(ga)/max(outer, 1)
	inner := 0
	if m > 0 {
		axis := t.iaux[nd.aux]
		inner = m / int(t.shp[nd.shp+int32(axis)])
	}
	for o := 0; o < outer; o++ {
		dst := ga[o*n+start*inner : o*n+start*inner+m]
		for i, x := range g[o*m : o*m+m] {
			dst[i] += x
		}
	}
}

// ---------------------------------------------------------------------------
// IndexSelect / IndexAdd

func (t *Tape) checkIndex(op string, index []int, dim int, s []int, axis int) {
	for _, j := range index {
		if j < 0 || j >= dim {
			fail(op, "index %d out of range for axis %d of shape %v", j, axis, cp(s))
		}
	}
}

// IndexSelect picks the entries index[0], index[1], … of a along axis
// (torch.index_select; indices may repeat): the result has a's shape with
// that axis's length replaced by len(index). The index slice is copied.
// Its gradient is IndexAdd's scatter.
func (t *Tape) IndexSelect(a V, axis int, index []int) V {
	t.check1("IndexSelect", a)
	s := t.shape(a.i)
	if len(s) == 0 {
		fail("IndexSelect", "cannot index a scalar")
	}
	axis = normAxis("IndexSelect", axis, len(s), s)
	t.checkIndex("IndexSelect", index, s[axis], s, axis)
	var buf [MaxDims]int
	out := buf[:len(s)]
	copy(out, s)
	out[axis] = len(index)
	outer, inner := axisSplit(s, axis)
	v, z := t.newNode(opIndexSelect, a.node().flags&fGrad, a.i, -1, out)
	nd := &t.nodes[v.i]
	nd.c = int32(axis)
	nd.aux = int32(len(t.iaux))
	t.iaux = append(t.iaux, index...)
	indexMove(z, t.data(a.i), index, outer, s[axis], inner, false)
	return v
}

// indexMove moves blocks along an axis between the "selected" layout sel
// (len(index) entries) and the "full" layout full (n entries): forward
// (acc false) sel[…, j, …] = full[…, index[j], …]; backward (acc true)
// full[…, index[j], …] += sel[…, j, …].
func indexMove(sel, full []float64, index []int, outer, n, inner int, acc bool) {
	m := len(index)
	for o := 0; o < outer; o++ {
		for j, src := range index {
			s := sel[(o*m+j)*inner : (o*m+j+1)*inner]
			f := full[(o*n+src)*inner : (o*n+src+1)*inner]
			if acc {
				for i, x := range s {
					f[i] += x
				}
			} else {
				copy(s, f)
			}
		}
	}
}

func (t *Tape) backIndexSelect(nd *node) {
	na := &t.nodes[nd.a]
	sa := t.shp[na.shp : na.shp+int32(na.ndim)]
	axis := int(nd.c)
	m := int(t.shp[nd.shp+int32(axis)])
	outer, inner := axisSplit(sa, axis)
	indexMove(t.adj[nd.off:nd.off+nd.size], t.adj[na.off:na.off+na.size], t.iaux[nd.aux:nd.aux+int32(m)], outer, sa[axis], inner, true)
}

// IndexAdd returns a copy of a with src's entries added at positions index
// along axis (torch.index_add): out[…, index[j], …] += src[…, j, …], with
// repeated indices accumulating. src has a's shape with that axis's length
// len(index). The adjoint of IndexSelect.
func (t *Tape) IndexAdd(a V, axis int, index []int, src V) V {
	t.check2("IndexAdd", a, src)
	s, ss := t.shape(a.i), t.shape(src.i)
	if len(s) == 0 {
		fail("IndexAdd", "cannot index a scalar")
	}
	axis = normAxis("IndexAdd", axis, len(s), s)
	ok := len(ss) == len(s)
	for d := 0; ok && d < len(s); d++ {
		ok = (d != axis && ss[d] == s[d]) || (d == axis && ss[d] == len(index))
	}
	if !ok {
		fail("IndexAdd", "source shape %v does not match base shape %v with %d indices along axis %d", cp(ss), cp(s), len(index), axis)
	}
	t.checkIndex("IndexAdd", index, s[axis], s, axis)
	outer, inner := axisSplit(s, axis)
	v, z := t.newNode(opIndexAdd, (a.node().flags|src.node().flags)&fGrad, a.i, src.i, s)
	nd := &t.nodes[v.i]
	nd.c = int32(axis)
	nd.aux = int32(len(t.iaux))
	t.iaux = append(t.iaux, index...)
	copy(z, t.data(a.i))
	indexMove(t.data(src.i), z, index, outer, s[axis], inner, true)
	return v
}

func (t *Tape) backIndexAdd(nd *node) {
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	g := t.adj[nd.off : nd.off+nd.size]
	if na.flags&fGrad != 0 {
		ga := t.adj[na.off : na.off+na.size]
		for i, x := range g {
			ga[i] += x
		}
	}
	if nb.flags&fGrad != 0 {
		s := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
		axis := int(nd.c)
		m := int(t.shp[nb.shp+int32(axis)])
		outer, inner := axisSplit(s, axis)
		gs := t.adj[nb.off : nb.off+nb.size]
		// gsrc[…, j, …] += g[…, index[j], …]
		index := t.iaux[nd.aux : nd.aux+int32(m)]
		n := s[axis]
		for o := 0; o < outer; o++ {
			for j, src := range index {
				d := gs[(o*m+j)*inner : (o*m+j+1)*inner]
				for i, x := range g[(o*n+src)*inner : (o*n+src+1)*inner] {
					d[i] += x
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Gather / ScatterAdd

// gatherShape checks an index array for Gather/ScatterAdd against base
// shape s along axis: it must have s's shape with the axis length
// m = len(index)/(outer·inner) ≥ 0.
func gatherShape(op string, s []int, axis, nindex int) (outer, inner, m int) {
	outer, inner = axisSplit(s, axis)
	if outer*inner == 0 {
		return outer, inner, 0
	}
	if nindex%(outer*inner) != 0 {
		fail(op, "%d indices cannot have the shape %v with axis %d changed", nindex, cp(s), axis)
	}
	return outer, inner, nindex / (outer * inner)
}

// Gather picks, along axis, one entry of a for every entry of index
// (torch.gather): index is laid out row-major with a's shape except along
// axis, where it has length m = len(index) / (the product of a's other
// dimensions), and out[…, j, …] = a[…, index[…, j, …], …]. The result has
// index's shape. For a batch of logits (B, K) and one class per row, index
// of length B gives shape (B, 1).
func (t *Tape) Gather(a V, axis int, index []int) V {
	t.check1("Gather", a)
	s := t.shape(a.i)
	if len(s) == 0 {
		fail("Gather", "cannot index a scalar")
	}
	axis = normAxis("Gather", axis, len(s), s)
	outer, inner, m := gatherShape("Gather", s, axis, len(index))
	t.checkIndex("Gather", index, s[axis], s, axis)
	var buf [MaxDims]int
	out := buf[:len(s)]
	copy(out, s)
	out[axis] = m
	v, z := t.newNode(opGather, a.node().flags&fGrad, a.i, -1, out)
	nd := &t.nodes[v.i]
	nd.c = int32(axis)
	nd.aux = int32(len(t.iaux))
	t.iaux = append(t.iaux, index...)
	gatherMove(z, t.data(a.i), index, outer, s[axis], inner, m, false)
	return v
}

// gatherMove: forward sel[o, j, i] = full[o, index[o, j, i], i]; backward
// (acc) full[o, index[o, j, i], i] += sel[o, j, i].
func gatherMove(sel, full []float64, index []int, outer, n, inner, m int, acc bool) {
	for o := 0; o < outer; o++ {
		for j := 0; j < m; j++ {
			base := (o*m + j) * inner
			for i := 0; i < inner; i++ {
				f := (o*n+index[base+i])*inner + i
				if acc {
					full[f] += sel[base+i]
				} else {
					sel[base+i] = full[f]
				}
			}
		}
	}
}

func (t *Tape) backGather(nd *node) {
	na := &t.nodes[nd.a]
	sa := t.shp[na.shp : na.shp+int32(na.ndim)]
	axis := int(nd.c)
	m := int(t.shp[nd.shp+int32(axis)])
	outer, inner := axisSplit(sa, axis)
	gatherMove(t.adj[nd.off:nd.off+nd.size], t.adj[na.off:na.off+na.size], t.iaux[nd.aux:nd.aux+nd.size], outer, sa[axis], inner, m, true)
}

// ScatterAdd returns a copy of a with each entry of src added at the
// position index gives along axis (torch.scatter_add): out[…, index[…, j,
// …], …] += src[…, j, …]. index and src share one shape, a's shape except
// along axis. The adjoint of Gather.
func (t *Tape) ScatterAdd(a V, axis int, index []int, src V) V {
	t.check2("ScatterAdd", a, src)
	s, ss := t.shape(a.i), t.shape(src.i)
	if len(s) == 0 {
		fail("ScatterAdd", "cannot index a scalar")
	}
	axis = normAxis("ScatterAdd", axis, len(s), s)
	outer, inner, m := gatherShape("ScatterAdd", s, axis, len(index))
	ok := len(ss) == len(s) && len(index) == int(src.node().size)
	for d := 0; ok && d < len(s); d++ {
		ok = (d != axis && ss[d] == s[d]) || (d == axis && ss[d] == m)
	}
	if !ok {
		fail("ScatterAdd", "source shape %v and %d indices do not match base shape %v along axis %d", cp(ss), len(index), cp(s), axis)
	}
	t.checkIndex("ScatterAdd", index, s[axis], s, axis)
	v, z := t.newNode(opScatterAdd, (a.node().flags|src.node().flags)&fGrad, a.i, src.i, s)
	nd := &t.nodes[v.i]
	nd.c = int32(axis)
	nd.aux = int32(len(t.iaux))
	t.iaux = append(t.iaux, index...)
	copy(z, t.data(a.i))
	gatherMove(t.data(src.i), z, index, outer, s[axis], inner, m, true)
	return v
}

func (t *Tape) backScatterAdd(nd *node) {
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	g := t.adj[nd.off : nd.off+nd.size]
	if na.flags&fGrad != 0 {
		ga := t.adj[na.off : na.off+na.size]
		for i, x := range g {
			ga[i] += x
		}
	}
	if nb.flags&fGrad != 0 {
		s := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
		axis := int(nd.c)
		m := int(t.shp[nb.shp+int32(axis)])
		outer, inner := axisSplit(s, axis)
		index := t.iaux[nd.aux : nd.aux+nb.size]
		gs := t.adj[nb.off : nb.off+nb.size]
		n := s[axis]
		for o := 0; o < outer; o++ {
			for j := 0; j < m; j++ {
				base := (o*m + j) * inner
				for i := 0; i < inner; i++ {
					gs[base+i] += g[(o*n+index[base+i])*inner+i]
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Concat / Stack

// Concat joins values along an existing axis (negative counts from the
// end); all other dimensions must agree. A single value is returned as is.
// Calling it with a list of arguments (t.Concat(0, a, b, c)) allocates
// nothing.
func (t *Tape) Concat(axis int, vs ...V) V {
	if len(vs) == 0 {
		fail("Concat", "no values to concatenate")
	}
	t.check("Concat", vs...)
	s0 := t.shape(vs[0].i)
	if len(s0) == 0 {
		fail("Concat", "cannot concatenate scalars (use Stack)")
	}
	axis = normAxis("Concat", axis, len(s0), s0)
	var buf [MaxDims]int
	out := buf[:len(s0)]
	copy(out, s0)
	out[axis] = 0
	for _, v := range vs {
		s := t.shape(v.i)
		ok := len(s) == len(s0)
		for d := 0; ok && d < len(s); d++ {
			ok = d == axis || s[d] == s0[d]
		}
		if !ok {
			fail("Concat", "shapes %v and %v differ off axis %d", cp(s0), cp(s), axis)
		}
		out[axis] += s[axis]
	}
	if len(vs) == 1 {
		return vs[0]
	}
	outer, _ := axisSplit(s0, axis)
	return t.join(opConcat, out, outer, vs)
}

// Stack joins values of one shape along a new axis at position axis
// (0 ≤ axis ≤ ndim, negative counts from the end of the result's axes):
// stacking n values of shape (3, 4) along axis 1 gives (3, n, 4). Scalars
// stack into a vector. It allocates nothing.
func (t *Tape) Stack(axis int, vs ...V) V {
	if len(vs) == 0 {
		fail("Stack", "no values to stack")
	}
	t.check("Stack", vs...)
	s0 := t.shape(vs[0].i)
	if len(s0) >= MaxDims {
		fail("Stack", "shape %v already has %d dimensions", cp(s0), MaxDims)
	}
	var buf [MaxDims]int
	out := buf[:len(s0)+1]
	axis = normAxis("Stack", axis, len(out), out)
	for _, v := range vs {
		if s := t.shape(v.i); !shapesEqual(s, s0) {
			fail("Stack", "shapes %v and %v differ", cp(s0), cp(s))
		}
	}
	copy(out, s0[:axis])
	out[axis] = len(vs)
	copy(out[axis+1:], s0[axis:])
	outer := 1
	for _, d := range s0[:axis] {
		outer *= d
	}
	return t.join(opStack, out, outer, vs)
}

func (t *Tape) join(op Op, out []int, outer int, vs []V) V {
	var flags uint8
	for _, v := range vs {
		flags |= t.nodes[v.i].flags
	}
	v, z := t.newNode(op, flags&fGrad, -1, -1, out)
	nd := &t.nodes[v.i]
	nd.c = int32(outer)
	nd.aux = int32(len(t.iaux))
	t.iaux = append(t.iaux, len(vs))
	for _, u := range vs {
		t.iaux = append(t.iaux, int(u.i))
	}
	if outer == 0 {
		return v
	}
	pos := 0
	for o := 0; o < outer; o++ {
		for _, u := range vs {
			x := t.data(u.i)
			blk := len(x) / outer
			copy(z[pos:pos+blk], x[o*blk:])
			pos += blk
		}
	}
	return v
}

func (t *Tape) backJoin(nd *node) {
	outer := int(nd.c)
	if outer == 0 {
		return
	}
	cnt := t.iaux[nd.aux]
	ins := t.iaux[nd.aux+1 : nd.aux+1+int32(cnt)]
	g := t.adj[nd.off : nd.off+nd.size]
	pos := 0
	for o := 0; o < outer; o++ {
		for _, in := range ins {
			ni := &t.nodes[in]
			blk := int(ni.size) / outer
			if ni.flags&fGrad != 0 {
				ga := t.adj[ni.off+int32(o*blk) : ni.off+int32(o*blk+blk)]
				for i, x := range g[pos : pos+blk] {
					ga[i] += x
				}
			}
			pos += blk
		}
	}
}

func (t *Tape) backShapeMore(i int32, nd *node) {
	switch nd.op {
	case opConcat, opStack:
		t.backJoin(nd)
		return
	}
	if t.nodes[nd.a].flags&fGrad == 0 && (nd.b < 0 || t.nodes[nd.b].flags&fGrad == 0) {
		return
	}
	switch nd.op {
	case opPermute:
		t.backPermute(nd)
	case opSliceAxis:
		t.backSliceAxis(nd)
	case opIndexSelect:
		t.backIndexSelect(nd)
	case opGather:
		t.backGather(nd)
	case opIndexAdd:
		t.backIndexAdd(nd)
	case opScatterAdd:
		t.backScatterAdd(nd)
	default:
		unknownOp(nd)
	}
}
