package autodiff

import "math"

// Reductions along axes. Each records the reduced-axis mask in node.c; the
// backward pass rebuilds the "keepdim" shape (the input's, with reduced
// axes set to 1) from it and the input's shape, and walks the input row by
// row against the output with broadcast strides (no per-element closures,
// no index arithmetic per element).
const (
	opSumAxes       Op = opReduceEnd0 + iota // c = axis mask
	opMeanAxes                               // c = axis mask, k = 1/count
	opProdAxes                               // c = axis mask
	opMaxAxes                                // c = axis mask, aux → iaux[argmax per output]
	opLogSumExpAxes                          // c = axis mask
	opCumSum                                 // c = axis
	opReduceEnd
)

func init() {
	registerOpName(opSumAxes, "SumAxes")
	registerOpName(opMeanAxes, "MeanAxes")
	registerOpName(opProdAxes, "ProdAxes")
	registerOpName(opMaxAxes, "MaxAxes")
	registerOpName(opLogSumExpAxes, "LogSumExpAxes")
	registerOpName(opCumSum, "CumSum")
}

// rowWalk walks a contiguous input of shape in row by row (rows along the
// last axis) and keeps pos, the offset in the output of shape keep (in with
// some axes set to 1) of the row's first element. is is the output stride
// along the last axis: 1 when it is kept, 0 when it is reduced.
type rowWalk struct {
	st    [MaxDims]int
	idx   [MaxDims]int
	in    []int
	inner int
	is    int
	pos   int
}

func (w *rowWalk) init(keep, in []int) {
	inStrides(&w.st, keep, in)
	w.in = in
	w.inner = in[len(in)-1]
	w.is = w.st[len(in)-1]
	w.pos = 0
	clear(w.idx[:len(in)])
}

func (w *rowWalk) next() {
	for d := len(w.in) - 2; d >= 0; d-- {
		w.idx[d]++
		w.pos += w.st[d]
		if w.idx[d] < w.in[d] {
			return
		}
		w.pos -= w.st[d] * w.in[d]
		w.idx[d] = 0
	}
}

// keepShape writes in with the masked axes set to 1 into dst.
func keepShape(dst *[MaxDims]int, in []int, mask int32) []int {
	for d, x := range in {
		if mask&(1<<d) != 0 {
			x = 1
		}
		dst[d] = x
	}
	return dst[:len(in)]
}

// reducePlan validates axes (none means all) and returns the axis mask,
// the keepdim shape, the result shape and the number of elements reduced
// into each output.
func reducePlan(op string, in []int, keepdim bool, axes []int, keep, out *[MaxDims]int) (mask int32, ks, os []int, count int) {
	nd := len(in)
	if len(axes) == 0 {
		mask = int32(1)<<nd - 1
	}
	for _, a := range axes {
		a = normAxis(op, a, nd, in)
		if mask&(1<<a) != 0 {
			fail(op, "axis %d repeated", a)
		}
		mask |= 1 << a
	}
	ks = keepShape(keep, in, mask)
	count = 1
	n := 0
	for d, x := range in {
		if mask&(1<<d) != 0 {
			count *= x
			if keepdim {
				out[n] = 1
				n++
			}
			continue
		}
		out[n] = x
		n++
	}
	return mask, ks, out[:n], count
}

// newReduce records the result node of a reduction (a scalar when the
// result shape is empty) and returns it with its data.
func (t *Tape) newReduce(op Op, a V, out []int, mask int32) (V, []float64) {
	flags := a.node().flags & fGrad
	var v V
	var z []float64
	if len(out) == 0 {
		v = t.newScalar(op, flags, a.i, -1, 0)
		z = t.val[t.nodes[v.i].off:][:1]
	} else {
		v, z = t.newNode(op, flags, a.i, -1, out)
	}
	t.nodes[v.i].c = mask
	return v, z
}

// reduce is the common front of the axis reductions.
func (t *Tape) reduce(op Op, a V, keepdim bool, axes []int) V {
	name := opName(op)
	t.check1(name, a)
	in := t.shape(a.i)
	if len(in) == 0 {
		if len(axes) > 0 {
			fail(name, "axis %d out of range for a scalar", axes[0])
		}
		return a
	}
	var kb, ob [MaxDims]int
	mask, keep, out, count := reducePlan(name, in, keepdim, axes, &kb, &ob)
	v, z := t.newReduce(op, a, out, mask)
	x := t.data(a.i)
	switch op {
	case opSumAxes:
		clear(z)
		sumToAcc(z, keep, x, in)
	case opMeanAxes:
		clear(z)
		sumToAcc(z, keep, x, in)
		k := 1 / float64(count)
		t.nodes[v.i].k = k
		for i := range z {
			z[i] *= k
		}
	case opProdAxes:
		for i := range z {
			z[i] = 1
		}
		t.reduceRows(op, z, nil, nil, keep, x, in)
	case opMaxAxes:
		if count == 0 && len(z) > 0 {
			fail(name, "reduction over an empty axis of shape %v", cp(in))
		}
		t.nodes[v.i].aux = int32(len(t.iaux))
		n := len(t.iaux)
		for range z {
			t.iaux = append(t.iaux, -1)
		}
		for i := range z {
			z[i] = math.Inf(-1)
		}
		t.reduceRows(op, z, nil, t.iaux[n:n+len(z)], keep, x, in)
	case opLogSumExpAxes:
		for i := range z {
			z[i] = math.Inf(-1)
		}
		t.reduceRows(opMaxAxes, z, nil, nil, keep, x, in)
		s := t.scratch(len(z))
		clear(s)
		for i, m := range z {
			if math.IsInf(m, 0) {
				z[i] = 0 // shift by 0: exp gives 0 or +Inf, log gives the right limit
			}
		}
		t.reduceRows(op, s, z, nil, keep, x, in)
		for i, si := range s {
			z[i] += math.Log(si)
		}
		t.scratchReset()
	}
	return v
}

// reduceRows runs the row walk for one reduction kind: opProdAxes
// (z *= x), opMaxAxes (z = max(z, x) propagating NaN, recording the first
// argmax in am when am is not nil), opLogSumExpAxes (z += exp(x - m)).
func (t *Tape) reduceRows(op Op, z, m []float64, am []int, keep []int, x []float64, in []int) {
	if len(x) == 0 {
		return
	}
	var w rowWalk
	w.init(keep, in)
	for o := 0; o < len(x); o += w.inner {
		row := x[o : o+w.inner]
		q := w.pos
		for i, xi := range row {
			switch op {
			case opProdAxes:
				z[q] *= xi
			case opMaxAxes:
				if xi > z[q] || (xi != xi && z[q] == z[q]) || (am != nil && am[q] < 0) {
					z[q] = xi
					if am != nil {
						am[q] = o + i
					}
				}
			case opLogSumExpAxes:
				z[q] += math.Exp(xi - m[q])
			}
			q += w.is
		}
		w.next()
	}
}

func (t *Tape) backReduceMore(i int32, nd *node) {
	na := &t.nodes[nd.a]
	if na.flags&fGrad == 0 {
		return
	}
	in := t.shp[na.shp : na.shp+int32(na.ndim)]
	ga := t.adj[na.off : na.off+na.size]
	g := t.adj[nd.off : nd.off+nd.size]
	if nd.op == opCumSum {
		t.backCumSum(nd, in, g, ga)
		return
	}
	if nd.op == opMaxAxes {
		for q, p := range t.iaux[nd.aux : nd.aux+nd.size] {
			if p >= 0 {
				ga[p] += g[q]
			}
		}
		return
	}
	if len(ga) == 0 {
		return
	}
	var kb [MaxDims]int
	keep := keepShape(&kb, in, nd.c)
	x := t.dataNode(na)
	z := t.val[nd.off : nd.off+nd.size]
	var cnt, pnz []float64
	if nd.op == opProdAxes {
		// zero-safe product rule: count zeros and multiply the nonzero
		// entries of each group
		cnt, pnz = t.scratch(len(z)), t.scratch(len(z))
		clear(cnt)
		for j := range pnz {
			pnz[j] = 1
		}
		var w rowWalk
		w.init(keep, in)
		for o := 0; o < len(x); o += w.inner {
			q := w.pos
			for _, xi := range x[o : o+w.inner] {
				if xi == 0 {
					cnt[q]++
				} else {
					pnz[q] *= xi
				}
				q += w.is
			}
			w.next()
		}
	}
	var w rowWalk
	w.init(keep, in)
	k := nd.k
	for o := 0; o < len(x); o += w.inner {
		q := w.pos
		row := ga[o : o+w.inner]
		switch nd.op {
		case opSumAxes:
			for j := range row {
				row[j] += g[q]
				q += w.is
			}
		case opMeanAxes:
			for j := range row {
				row[j] += k * g[q]
				q += w.is
			}
		case opLogSumExpAxes:
			for j := range row {
				if zq := z[q]; !math.IsInf(zq, -1) {
					row[j] += g[q] * math.Exp(x[o+j]-zq)
				}
				q += w.is
			}
		case opProdAxes:
			for j := range row {
				xj := x[o+j]
				switch cnt[q] {
				case 0:
					row[j] += g[q] * pnz[q] / xj
				case 1:
					if xj == 0 {
						row[j] += g[q] * pnz[q]
					}
				}
				q += w.is
			}
		}
		w.next()
	}
	t.scratchReset()
}

// SumAxes sums a over the given axes (negative axes count from the end;
// none means all axes). With keepdim the reduced axes stay as length 1.
func (t *Tape) SumAxes(a V, keepdim bool, axes ...int) V {
	return t.reduce(opSumAxes, a, keepdim, axes)
}

// SumAxis sums a over one axis.
func (t *Tape) SumAxis(a V, axis int, keepdim bool) V {
	var ax [1]int
	ax[0] = axis
	return t.reduce(opSumAxes, a, keepdim, ax[:])
}

// MeanAxes averages a over the given axes (none means all).
func (t *Tape) MeanAxes(a V, keepdim bool, axes ...int) V {
	return t.reduce(opMeanAxes, a, keepdim, axes)
}

// MeanAxis averages a over one axis.
func (t *Tape) MeanAxis(a V, axis int, keepdim bool) V {
	var ax [1]int
	ax[0] = axis
	return t.reduce(opMeanAxes, a, keepdim, ax[:])
}

// Mean is the mean of all of a's elements, as a scalar.
func (t *Tape) Mean(a V) V { return t.reduce(opMeanAxes, a, false, nil) }

// ProdAxes multiplies a's entries over the given axes (none means all).
// The gradient is exact when entries are zero (the product of the others).
func (t *Tape) ProdAxes(a V, keepdim bool, axes ...int) V {
	return t.reduce(opProdAxes, a, keepdim, axes)
}

// ProdAxis multiplies over one axis.
func (t *Tape) ProdAxis(a V, axis int, keepdim bool) V {
	var ax [1]int
	ax[0] = axis
	return t.reduce(opProdAxes, a, keepdim, ax[:])
}

// Prod is the product of all of a's elements.
func (t *Tape) Prod(a V) V { return t.reduce(opProdAxes, a, false, nil) }

// MaxAxes is the maximum over the given axes (none means all). A NaN
// entry makes its group's maximum NaN. The gradient goes entirely to the
// first maximal entry of each group in row-major order (PyTorch's
// max(dim), not amax, which splits it among ties).
func (t *Tape) MaxAxes(a V, keepdim bool, axes ...int) V {
	return t.reduce(opMaxAxes, a, keepdim, axes)
}

// MaxAxis is the maximum over one axis (see MaxAxes for the gradient).
func (t *Tape) MaxAxis(a V, axis int, keepdim bool) V {
	var ax [1]int
	ax[0] = axis
	return t.reduce(opMaxAxes, a, keepdim, ax[:])
}

// Max is the maximum of all of a's elements (see MaxAxes for the gradient).
func (t *Tape) Max(a V) V { return t.reduce(opMaxAxes, a, false, nil) }

// LogSumExpAxes is log Σ exp(a) over the given axes (none means all),
// computed stably (shifted by the maximum). A group of -Inf gives -Inf with
// zero gradient.
func (t *Tape) LogSumExpAxes(a V, keepdim bool, axes ...int) V {
	return t.reduce(opLogSumExpAxes, a, keepdim, axes)
}

// LogSumExpAxis is log Σ exp(a) over one axis.
func (t *Tape) LogSumExpAxis(a V, axis int, keepdim bool) V {
	var ax [1]int
	ax[0] = axis
	return t.reduce(opLogSumExpAxes, a, keepdim, ax[:])
}

// LogSumExp is log Σ exp(a) over all elements, as a scalar.
func (t *Tape) LogSumExp(a V) V { return t.reduce(opLogSumExpAxes, a, false, nil) }

// CumSum is the cumulative sum of a along axis (negative counts from the
// end); the result has a's shape.
func (t *Tape) CumSum(a V, axis int) V {
	t.check1("CumSum", a)
	s := t.shape(a.i)
	if len(s) == 0 {
		fail("CumSum", "needs at least one dimension, got a scalar")
	}
	axis = normAxis("CumSum", axis, len(s), s)
	v, z := t.newNode(opCumSum, a.node().flags&fGrad, a.i, -1, s)
	t.nodes[v.i].c = int32(axis)
	x := t.data(a.i)
	outer, inner := axisSplit(s, axis)
	n := s[axis]
	copy(z, x)
	for o := 0; o < outer; o++ {
		blk := z[o*n*inner : (o+1)*n*inner]
		for j := 1; j < n; j++ {
			prev, cur := blk[(j-1)*inner:j*inner], blk[j*inner:(j+1)*inner]
			for i := range cur {
				cur[i] += prev[i]
			}
		}
	}
	return v
}

func (t *Tape) backCumSum(nd *node, s []int, g, ga []float64) {
	axis := int(nd.c)
	outer, inner := axisSplit(s, axis)
	n := s[axis]
	acc := t.scratch(inner)
	for o := 0; o < outer; o++ {
		clear(acc)
		for j := n - 1; j >= 0; j-- {
			off := (o*n + j) * inner
			gr, dst := g[off:off+inner], ga[off:off+inner]
			for i := range acc {
				acc[i] += gr[i]
				dst[i] += acc[i]
			}
		}
	}
	t.scratchReset()
}
