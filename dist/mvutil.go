package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Shared machinery of the multivariate distributions (prefix mv).

// mvEps is PyTorch's finfo(float64).eps, used by clamp_probs.
const mvEps = 0x1p-52

// mvSumLast sums v over its last dimension, keeping it with size 1
// (sum(-1, keepdim=True)).
func mvSumLast(t *ad.Tape, v ad.V) ad.V {
	var buf [ad.MaxDims]int
	sh := v.Shape()
	n := copy(buf[:], sh)
	if n == 0 {
		return v
	}
	buf[n-1] = 1
	return t.SumTo(v, buf[:n]...)
}

// mvDropLast views v (whose last dimension has size 1) without it.
func mvDropLast(t *ad.Tape, v ad.V) ad.V {
	var buf [ad.MaxDims]int
	sh := v.Shape()
	n := copy(buf[:], sh)
	return t.Reshape(v, buf[:n-1]...)
}

// mvLastMax returns a constant holding max(v, -1, keepdim) with -Inf (and
// NaN) rows replaced by 0: the shift that makes logsumexp stable. Being a
// constant, it does not change the gradient of logsumexp.
func mvLastMax(t *ad.Tape, v ad.V) ad.V {
	var buf [ad.MaxDims]int
	sh := v.Shape()
	n := copy(buf[:], sh)
	if n == 0 {
		x := v.Value()
		if math.IsInf(x, 0) || x != x {
			x = 0
		}
		return t.Scalar(x)
	}
	k := buf[n-1]
	buf[n-1] = 1
	m := t.Const(buf[:n], nil)
	md := m.Data()
	x := v.Data()
	for r := range md {
		best := math.Inf(-1)
		for _, y := range x[r*k : (r+1)*k] {
			if y > best {
				best = y
			}
		}
		if math.IsInf(best, 0) || best != best {
			best = 0
		}
		md[r] = best
	}
	return m
}

// mvLogSumExpLast is logsumexp(v, -1, keepdim=True), stable.
func mvLogSumExpLast(t *ad.Tape, v ad.V) ad.V {
	m := mvLastMax(t, v)
	return t.Add(t.Log(mvSumLast(t, t.Exp(t.Sub(v, m)))), m)
}

// mvWithBatch writes batch + tail into buf and returns it.
func mvWithBatch(dist string, buf *[ad.MaxDims]int, batch, tail []int) []int {
	if len(batch)+len(tail) > ad.MaxDims {
		Fail(dist, "", "shape %v + %v has more than %d dimensions", append([]int(nil), batch...), append([]int(nil), tail...), ad.MaxDims)
	}
	n := copy(buf[:], batch)
	n += copy(buf[n:], tail)
	return buf[:n]
}

// mvExpandParam broadcasts a parameter whose rightmost eventDims dimensions
// are event dimensions to batch + those dimensions.
func mvExpandParam(dist string, t *ad.Tape, p ad.V, batch []int, eventDims int) ad.V {
	var tail [ad.MaxDims]int
	sh := p.Shape()
	if eventDims > len(sh) {
		Fail(dist, "", "parameter of shape %v has fewer than %d event dimensions", append([]int(nil), sh...), eventDims)
	}
	nt := copy(tail[:], sh[len(sh)-eventDims:])
	var buf [ad.MaxDims]int
	out := mvWithBatch(dist, &buf, batch, tail[:nt])
	if mvShapeEq(sh, out) {
		return p
	}
	return t.Expand(p, out...)
}

// mvCheckValue checks that value x has at least the event shape as its
// rightmost dimensions and that its batch part broadcasts with batch.
func mvCheckValue(dist string, x ad.V, batch, event []int) {
	xs := x.Shape()
	ne := len(event)
	if len(xs) < ne || !mvShapeEq(xs[len(xs)-ne:], event) {
		Fail(dist, "value", "shape %v does not end with the event shape %v", append([]int(nil), xs...), append([]int(nil), event...))
	}
	mvBroadcastNamed(dist, "value", xs[:len(xs)-ne], batch)
}

// mvCheckSimplex fails with *Error naming dist and param unless every row
// (last dimension) of v is nonnegative and sums to 1 within tol.
func mvCheckSimplex(dist, param string, v ad.V, tol float64) {
	sh := v.Shape()
	if len(sh) == 0 {
		Fail(dist, param, "must be at least one-dimensional, got a scalar")
	}
	k := sh[len(sh)-1]
	x := v.Data()
	if k == 0 {
		Fail(dist, param, "last dimension has size 0")
	}
	for r := 0; r < len(x)/k; r++ {
		s := 0.0
		for _, y := range x[r*k : (r+1)*k] {
			if !(y >= 0) {
				Fail(dist, param, "must lie in the simplex, got element %v in row %d", y, r)
			}
			s += y
		}
		if !(math.Abs(s-1) <= tol) {
			Fail(dist, param, "must lie in the simplex, row %d sums to %v", r, s)
		}
	}
}

// mvCheckAll fails unless ok(x) holds for every element of v.
func mvCheckAll(dist, param string, v ad.V, ok func(float64) bool, what string) {
	for i, x := range v.Data() {
		if !ok(x) {
			Fail(dist, param, "must be %s, got %v (flat index %d)", what, x, i)
		}
	}
}

// mvAtLeast1D fails unless v has at least one dimension.
func mvAtLeast1D(dist, param string, v ad.V, minLast int) {
	sh := v.Shape()
	if len(sh) == 0 {
		Fail(dist, param, "must be at least one-dimensional, got a scalar")
	}
	if sh[len(sh)-1] < minLast {
		Fail(dist, param, "last dimension must have size at least %d, got shape %v", minLast, append([]int(nil), sh...))
	}
}

// mvInject returns res + Σ_event p·(x - stop_gradient(x)) where the sum runs
// over the rightmost sumDims dimensions of the product: res in value, with
// the partial derivatives p added to the gradient flowing from res to x.
func mvInject(t *ad.Tape, res, p, x ad.V, sumDims int) ad.V {
	if !x.RequiresGrad() {
		return res
	}
	zero := t.Mul(p, t.Sub(x, t.Detach(x)))
	return t.Add(res, mvSumRightmost("", t, zero, sumDims))
}

// mvSampleShape is sampleShape + batch + event in a stack buffer.
func mvSampleShape(dist string, buf *[ad.MaxDims]int, sampleShape, batch, event []int) []int {
	if len(sampleShape)+len(batch)+len(event) > ad.MaxDims {
		Fail(dist, "sample_shape", "sample shape %v with batch %v and event %v has more than %d dimensions",
			append([]int(nil), sampleShape...), append([]int(nil), batch...), append([]int(nil), event...), ad.MaxDims)
	}
	n := copy(buf[:], sampleShape)
	n += copy(buf[n:], batch)
	n += copy(buf[n:], event)
	return buf[:n]
}

// mvBcastRow returns the flat offset, in a parameter of shape ps broadcast
// (right-aligned) against the row-index space of shape out, of row r (where
// a row is the trailing rowDims dimensions of both). out and ps include the
// trailing row dimensions; only the leading dimensions are broadcast.
func mvBcastRow(r int, out, ps []int, rowDims int) int {
	lo := len(out) - rowDims
	lp := len(ps) - rowDims
	rowSize := 1
	for _, d := range ps[lp:] {
		rowSize *= d
	}
	j, st := 0, 1
	for k := lo - 1; k >= 0; k-- {
		ik := r % out[k]
		r /= out[k]
		kk := lp - (lo - k)
		if kk < 0 {
			break
		}
		if ps[kk] != 1 {
			j += ik * st
		}
		st *= ps[kk]
	}
	return j * rowSize
}

// mvNaNConst records a constant of the given shape filled with NaN (moments
// that are undefined, as PyTorch).
func mvFillConst(t *ad.Tape, shape []int, x float64) ad.V {
	if len(shape) == 0 {
		return t.Scalar(x)
	}
	v := t.Const(shape, nil)
	d := v.Data()
	for i := range d {
		d[i] = x
	}
	return v
}
