package tensor

// Raw kernels, part 2: data movement (transposes, permutations, indexing,
// scans, concatenation). Same conventions as the elementwise raw kernels:
// contiguous row-major buffers and []int shapes, no allocation, a panic with
// a *ShapeError naming the routine when a precondition is violated, and no
// overlap between destination and sources unless stated.

const transposeBlock = 32

// Transpose2D writes the transpose of the m×n row-major matrix src to dst
// (n×m), in cache blocks. It panics if len(src) or len(dst) is not m*n.
func Transpose2D(dst, src []float64, m, n int) {
	if m < 0 || n < 0 || len(src) != m*n || len(dst) != m*n {
		kernelPanic("Transpose2D", "len(src) = "+itoa(len(src))+", len(dst) = "+itoa(len(dst))+" for m = "+itoa(m)+", n = "+itoa(n))
	}
	if m == 1 || n == 1 {
		copy(dst, src)
		return
	}
	for i0 := 0; i0 < m; i0 += transposeBlock {
		i1 := min(i0+transposeBlock, m)
		for j0 := 0; j0 < n; j0 += transposeBlock {
			j1 := min(j0+transposeBlock, n)
			for i := i0; i < i1; i++ {
				row := src[i*n+j0 : i*n+j1]
				for j, v := range row {
					dst[(j0+j)*m+i] = v
				}
			}
		}
	}
}

// PermuteShapeInto appends to dst[:0] the shape of src permuted by perm
// (result[i] = src[perm[i]]), checking that perm is a permutation of
// 0..len(src)-1. It does not allocate unless it fails.
func PermuteShapeInto(dst []int, src []int, perm []int) ([]int, error) {
	const op = "tensor.Permute"
	if len(src) > MaxDims {
		return dst[:0], CheckShape(op, src)
	}
	if !validPerm(perm, len(src)) {
		return dst[:0], newShapeError(op, "perm is not a permutation of the axes", src, perm)
	}
	var r [MaxDims]int
	for i, p := range perm {
		r[i] = src[p]
	}
	dst = dst[:0]
	return append(dst, r[:len(src)]...), nil
}

func validPerm(perm []int, nd int) bool {
	if len(perm) != nd {
		return false
	}
	var seen uint32
	for _, p := range perm {
		if p < 0 || p >= nd || seen&(1<<uint(p)) != 0 {
			return false
		}
		seen |= 1 << uint(p)
	}
	return true
}

// Permute writes src (shape srcShape) with its axes permuted by perm to dst,
// whose shape is srcShape[perm[0]], srcShape[perm[1]], ... (NumPy's
// transpose(perm) made contiguous). The backward pass of Permute(perm) is
// Permute with the inverse permutation. It panics with a *ShapeError when
// perm is not a permutation or a length does not match.
func Permute(dst, src []float64, srcShape []int, perm []int) {
	nd := len(srcShape)
	if nd > MaxDims || !validPerm(perm, nd) {
		kernelPanic("Permute", "perm is not a permutation of the axes of srcShape", srcShape, perm)
	}
	n := ShapeSize(srcShape)
	if len(src) != n || len(dst) != n {
		kernelPanic("Permute", "len(src) = "+itoa(len(src))+", len(dst) = "+itoa(len(dst))+" do not match srcShape", srcShape)
	}
	if n == 0 {
		return
	}
	if nd == 2 && perm[0] == 1 {
		Transpose2D(dst, src, srcShape[0], srcShape[1])
		return
	}
	var sst [MaxDims]int
	contiguousStrides(&sst, srcShape)
	var l layout
	l.nd = nd
	for i, p := range perm {
		l.shape[i] = srcShape[p]
		l.st[1][i] = sst[p]
	}
	contiguousStrides(&l.st[0], l.shape[:nd])
	unaryLoop(OpIdentity, &l, dst, 0, src, 0)
}

// IndexSelect gathers whole slices along axis: with src of shape srcShape
// and index of length k, dst has srcShape with srcShape[axis] replaced by k,
// and dst[..., j, ...] = src[..., index[j], ...] (torch.index_select,
// NumPy's take along an axis). Its backward pass is IndexAdd. It panics with
// a *ShapeError when an index is out of range or a length does not match.
func IndexSelect(dst, src []float64, srcShape []int, axis int, index []int) {
	outer, n, inner := axisSplit("IndexSelect", srcShape, axis)
	k := len(index)
	if len(src) != outer*n*inner || len(dst) != outer*k*inner {
		kernelPanic("IndexSelect", "len(src) = "+itoa(len(src))+", len(dst) = "+itoa(len(dst))+" do not match srcShape and len(index)", srcShape)
	}
	checkIndex("IndexSelect", index, n)
	for o := 0; o < outer; o++ {
		s := src[o*n*inner : (o+1)*n*inner]
		d := dst[o*k*inner : (o+1)*k*inner]
		if inner == 1 {
			for j, ix := range index {
				d[j] = s[ix]
			}
			continue
		}
		for j, ix := range index {
			copy(d[j*inner:(j+1)*inner], s[ix*inner:(ix+1)*inner])
		}
	}
}

// IndexAdd is the adjoint of IndexSelect: dst has shape dstShape and src
// has dstShape with dstShape[axis] replaced by len(index), and
// dst[..., index[j], ...] += src[..., j, ...] (repeated indices
// accumulate). It panics with a *ShapeError when an index is out of range or
// a length does not match.
func IndexAdd(dst []float64, dstShape []int, axis int, index []int, src []float64) {
	outer, n, inner := axisSplit("IndexAdd", dstShape, axis)
	k := len(index)
	if len(dst) != outer*n*inner || len(src) != outer*k*inner {
		kernelPanic("IndexAdd", "len(dst) = "+itoa(len(dst))+", len(src) = "+itoa(len(src))+" do not match dstShape and len(index)", dstShape)
	}
	checkIndex("IndexAdd", index, n)
	for o := 0; o < outer; o++ {
		d := dst[o*n*inner : (o+1)*n*inner]
		s := src[o*k*inner : (o+1)*k*inner]
		for j, ix := range index {
			dr := d[ix*inner : (ix+1)*inner]
			for t, v := range s[j*inner : (j+1)*inner] {
				dr[t] += v
			}
		}
	}
}

func checkIndex(routine string, index []int, n int) {
	for j, ix := range index {
		if uint(ix) >= uint(n) {
			kernelPanic(routine, "index["+itoa(j)+"] = "+itoa(ix)+" out of range [0, "+itoa(n)+")")
		}
	}
}

// gatherLayout validates Gather/ScatterAdd arguments and returns the
// iteration layout over indexShape: operand 0 strides are those of the
// contiguous index (and dst/src of indexShape), operand 1 strides those of
// the full tensor with 0 along axis; also the full tensor's stride along
// axis and its size there.
func gatherLayout(routine string, full []int, axis int, indexShape []int) (l layout, axStride, axLen int) {
	nd := len(full)
	if nd > MaxDims {
		kernelPanic(routine, "shape has more than MaxDims dimensions", full)
	}
	if axis < 0 {
		axis += nd
	}
	if axis < 0 || axis >= nd {
		kernelPanic(routine, "axis "+itoa(axis)+" out of range", full)
	}
	if len(indexShape) != nd {
		kernelPanic(routine, "index must have as many dimensions as the tensor", full, indexShape)
	}
	for d := 0; d < nd; d++ {
		if indexShape[d] < 0 || (d != axis && indexShape[d] > full[d]) {
			kernelPanic(routine, "indexShape exceeds the tensor's shape outside axis", full, indexShape)
		}
	}
	var fst [MaxDims]int
	contiguousStrides(&fst, full)
	l.nd = nd
	copy(l.shape[:], indexShape)
	contiguousStrides(&l.st[0], indexShape)
	for d := 0; d < nd; d++ {
		if d != axis {
			l.st[1][d] = fst[d]
		}
	}
	return l, fst[axis], full[axis]
}

// Gather is torch.gather: index (shape indexShape, with as many dimensions
// as srcShape and indexShape[d] <= srcShape[d] for d != axis) picks, for
// every position p, dst[p] = src[p with p[axis] replaced by index[p]]. dst
// has indexShape. Its backward pass is ScatterAdd. It panics with a
// *ShapeError when an index is out of range or the shapes do not fit.
func Gather(dst, src []float64, srcShape []int, axis int, index []int, indexShape []int) {
	l, ast, alen := gatherLayout("Gather", srcShape, axis, indexShape)
	n := ShapeSize(indexShape)
	if len(index) != n || len(dst) != n || len(src) != ShapeSize(srcShape) {
		kernelPanic("Gather", "lengths of dst, index or src do not match their shapes", srcShape, indexShape)
	}
	checkIndex("Gather", index, alen)
	if n == 0 {
		return
	}
	gatherScatter(&l, ast, dst, src, index, false)
}

// ScatterAdd is the adjoint of Gather (torch.Tensor.scatter_add_): for every
// position p of indexShape, dst[p with p[axis] replaced by index[p]] +=
// src[p]. dst has dstShape and src has indexShape. Repeated indices
// accumulate. It panics with a *ShapeError when an index is out of range or
// the shapes do not fit.
func ScatterAdd(dst []float64, dstShape []int, axis int, index []int, indexShape []int, src []float64) {
	l, ast, alen := gatherLayout("ScatterAdd", dstShape, axis, indexShape)
	n := ShapeSize(indexShape)
	if len(index) != n || len(src) != n || len(dst) != ShapeSize(dstShape) {
		kernelPanic("ScatterAdd", "lengths of dst, index or src do not match their shapes", dstShape, indexShape)
	}
	checkIndex("ScatterAdd", index, alen)
	if n == 0 {
		return
	}
	gatherScatter(&l, ast, src, dst, index, true)
}

// gatherScatter walks the index space: small is indexed contiguously
// (operand 0), full through l.st[1] plus index*ast.
func gatherScatter(l *layout, ast int, small, full []float64, index []int, scatter bool) {
	nd := l.nd
	in := nd - 1
	n, sf := l.shape[in], l.st[1][in]
	var idx [MaxDims]int
	ip, fp := 0, 0
	for {
		if scatter {
			for i := 0; i < n; i++ {
				full[fp+i*sf+index[ip+i]*ast] += small[ip+i]
			}
		} else {
			for i := 0; i < n; i++ {
				small[ip+i] = full[fp+i*sf+index[ip+i]*ast]
			}
		}
		ip += n
		d := in - 1
		for ; d >= 0; d-- {
			idx[d]++
			fp += l.st[1][d]
			if idx[d] < l.shape[d] {
				break
			}
			fp -= l.st[1][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// CumSum writes the inclusive cumulative sum of src (shape shape) along axis
// to dst. dst may be src (in place). The backward pass of CumSum is
// CumSumReverse. It panics with a *ShapeError when the axis or lengths do
// not fit.
func CumSum(dst, src []float64, shape []int, axis int) {
	cumSum("CumSum", false, dst, src, shape, axis)
}

// CumSumReverse writes the inclusive cumulative sum taken from the end of
// axis: dst[..., j, ...] = Σ_{t >= j} src[..., t, ...]. dst may be src.
func CumSumReverse(dst, src []float64, shape []int, axis int) {
	cumSum("CumSumReverse", true, dst, src, shape, axis)
}

func cumSum(name string, rev bool, dst, src []float64, shape []int, axis int) {
	outer, n, inner := axisSplit(name, shape, axis)
	if len(src) != outer*n*inner || len(dst) != len(src) {
		kernelPanic(name, "len(src) = "+itoa(len(src))+", len(dst) = "+itoa(len(dst))+" do not match shape", shape)
	}
	if n == 0 || inner == 0 {
		return
	}
	for o := 0; o < outer; o++ {
		base := o * n * inner
		s := src[base : base+n*inner]
		d := dst[base : base+n*inner]
		if inner == 1 {
			acc := 0.0
			if rev {
				for j := n - 1; j >= 0; j-- {
					acc += s[j]
					d[j] = acc
				}
			} else {
				for j, v := range s {
					acc += v
					d[j] = acc
				}
			}
			continue
		}
		first, step := 0, inner
		if rev {
			first, step = (n-1)*inner, -inner
		}
		copy(d[first:first+inner], s[first:first+inner])
		prev := first
		for j := 1; j < n; j++ {
			cur := prev + step
			pr := d[prev : prev+inner]
			cr := d[cur : cur+inner]
			sr := s[cur : cur+inner]
			for t := range cr {
				cr[t] = pr[t] + sr[t]
			}
			prev = cur
		}
	}
}

// concatCheck validates the inputs of Concat/Split: every shape has the
// same number of dimensions as full and matches it outside axis, lengths
// match shapes, and the sizes along axis add up. It returns outer, inner and
// the normalised axis.
func concatCheck(routine string, full []int, bufs [][]float64, shapes [][]int, axis int) (outer, inner, ax int) {
	nd := len(full)
	outer, n, inner := axisSplit(routine, full, axis)
	ax = axis
	if ax < 0 {
		ax += nd
	}
	if len(bufs) != len(shapes) {
		kernelPanic(routine, "len(bufs) = "+itoa(len(bufs))+" != len(shapes) = "+itoa(len(shapes)))
	}
	total := 0
	for i, s := range shapes {
		if len(s) != nd {
			kernelPanic(routine, "part "+itoa(i)+" has a different number of dimensions", full, s)
		}
		for d := 0; d < nd; d++ {
			if d != ax && s[d] != full[d] {
				kernelPanic(routine, "part "+itoa(i)+" differs outside axis", full, s)
			}
		}
		if len(bufs[i]) != ShapeSize(s) {
			kernelPanic(routine, "len of part "+itoa(i)+" does not match its shape", s)
		}
		total += s[ax]
	}
	if total != n {
		kernelPanic(routine, "sizes along axis add to "+itoa(total)+", want "+itoa(n), full)
	}
	return outer, inner, ax
}

// Concat joins srcs (shapes shapes, equal outside axis) along axis into dst,
// of shape dstShape (dstShape[axis] = Σ shapes[i][axis]). Its backward pass
// is Split. It does not allocate: callers keep the [][]float64 and [][]int
// lists in reusable storage. It panics with a *ShapeError when the shapes
// do not fit.
func Concat(dst []float64, dstShape []int, srcs [][]float64, shapes [][]int, axis int) {
	outer, inner, ax := concatCheck("Concat", dstShape, srcs, shapes, axis)
	if len(dst) != ShapeSize(dstShape) {
		kernelPanic("Concat", "len(dst) does not match dstShape", dstShape)
	}
	pos := 0
	for o := 0; o < outer; o++ {
		for i, s := range srcs {
			blk := shapes[i][ax] * inner
			copy(dst[pos:pos+blk], s[o*blk:(o+1)*blk])
			pos += blk
		}
	}
}

// Split is the inverse (and adjoint) of Concat: it cuts src (shape
// srcShape) along axis into dsts (shapes shapes). With accumulate the parts
// are added to dsts (dsts[i] += part), as backward passes need; otherwise
// they overwrite them. It panics with a *ShapeError when the shapes do not
// fit.
func Split(dsts [][]float64, shapes [][]int, src []float64, srcShape []int, axis int, accumulate bool) {
	outer, inner, ax := concatCheck("Split", srcShape, dsts, shapes, axis)
	if len(src) != ShapeSize(srcShape) {
		kernelPanic("Split", "len(src) does not match srcShape", srcShape)
	}
	pos := 0
	for o := 0; o < outer; o++ {
		for i, d := range dsts {
			blk := shapes[i][ax] * inner
			part := src[pos : pos+blk]
			if accumulate {
				addTo(d[o*blk:(o+1)*blk], part)
			} else {
				copy(d[o*blk:(o+1)*blk], part)
			}
			pos += blk
		}
	}
}

// stackCheck validates Stack/Unstack arguments: axis in [0, len(shape)]
// (negative counts from len(shape)+1), every buffer of ShapeSize(shape).
func stackCheck(routine string, bufs [][]float64, shape []int, axis int) (outer, inner int) {
	nd := len(shape)
	if nd+1 > MaxDims {
		kernelPanic(routine, "result would have more than MaxDims dimensions", shape)
	}
	if axis < 0 {
		axis += nd + 1
	}
	if axis < 0 || axis > nd {
		kernelPanic(routine, "axis out of range [0, "+itoa(nd)+"]", shape)
	}
	outer = ShapeSize(shape[:axis])
	inner = ShapeSize(shape[axis:])
	for i, b := range bufs {
		if len(b) != outer*inner {
			kernelPanic(routine, "len of part "+itoa(i)+" = "+itoa(len(b))+" does not match shape", shape)
		}
	}
	return outer, inner
}

// Stack joins len(srcs) tensors of the same shape along a new axis at
// position axis (0 <= axis <= len(shape); negative counts from the end as
// in NumPy), writing dst of shape shape[:axis] + [len(srcs)] +
// shape[axis:]. Its backward pass is Unstack. It panics with a *ShapeError
// when a length does not match.
func Stack(dst []float64, srcs [][]float64, shape []int, axis int) {
	outer, inner := stackCheck("Stack", srcs, shape, axis)
	if len(dst) != outer*inner*len(srcs) {
		kernelPanic("Stack", "len(dst) = "+itoa(len(dst))+" does not match", shape)
	}
	pos := 0
	for o := 0; o < outer; o++ {
		for _, s := range srcs {
			copy(dst[pos:pos+inner], s[o*inner:(o+1)*inner])
			pos += inner
		}
	}
}

// Unstack is the inverse (and adjoint) of Stack: it splits src along the
// stacked axis into dsts, each of shape shape, adding with accumulate and
// overwriting otherwise.
func Unstack(dsts [][]float64, shape []int, src []float64, axis int, accumulate bool) {
	outer, inner := stackCheck("Unstack", dsts, shape, axis)
	if len(src) != outer*inner*len(dsts) {
		kernelPanic("Unstack", "len(src) = "+itoa(len(src))+" does not match", shape)
	}
	pos := 0
	for o := 0; o < outer; o++ {
		for _, d := range dsts {
			if accumulate {
				addTo(d[o*inner:(o+1)*inner], src[pos:pos+inner])
			} else {
				copy(d[o*inner:(o+1)*inner], src[pos:pos+inner])
			}
			pos += inner
		}
	}
}

// Narrow copies the slice [start, start+length) along axis of src (shape
// srcShape) to dst, whose shape is srcShape with srcShape[axis] = length.
// Its backward pass is NarrowAccumulate. It panics with a *ShapeError when
// the range or lengths do not fit.
func Narrow(dst, src []float64, srcShape []int, axis, start, length int) {
	outer, n, inner := axisSplit("Narrow", srcShape, axis)
	if start < 0 || length < 0 || start+length > n {
		kernelPanic("Narrow", "range ["+itoa(start)+", "+itoa(start+length)+") out of [0, "+itoa(n)+"]", srcShape)
	}
	if len(src) != outer*n*inner || len(dst) != outer*length*inner {
		kernelPanic("Narrow", "len(src) = "+itoa(len(src))+", len(dst) = "+itoa(len(dst))+" do not match", srcShape)
	}
	blk := length * inner
	for o := 0; o < outer; o++ {
		copy(dst[o*blk:(o+1)*blk], src[(o*n+start)*inner:(o*n+start)*inner+blk])
	}
}

// NarrowAccumulate adds src (dstShape with dstShape[axis] replaced by
// length, where length = len(src)/(the other dimensions)) into the slice
// [start, start+length) along axis of dst (shape dstShape).
func NarrowAccumulate(dst []float64, dstShape []int, axis, start int, src []float64) {
	outer, n, inner := axisSplit("NarrowAccumulate", dstShape, axis)
	if len(dst) != outer*n*inner {
		kernelPanic("NarrowAccumulate", "len(dst) = "+itoa(len(dst))+" does not match dstShape", dstShape)
	}
	if outer*inner == 0 {
		return
	}
	length := len(src) / (outer * inner)
	if length*outer*inner != len(src) || start < 0 || start+length > n {
		kernelPanic("NarrowAccumulate", "len(src) = "+itoa(len(src))+" at start "+itoa(start)+" does not fit", dstShape)
	}
	blk := length * inner
	for o := 0; o < outer; o++ {
		addTo(dst[(o*n+start)*inner:(o*n+start)*inner+blk], src[o*blk:(o+1)*blk])
	}
}
