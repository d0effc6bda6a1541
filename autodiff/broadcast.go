package autodiff

// Broadcasting on the tape: the shape rules (NumPy's), and the two strided
// primitives every broadcasting op reduces to — expanding an input to the
// broadcast shape, and summing a broadcast-shaped gradient back to the
// input's shape.

// broadcastShape writes the NumPy broadcast of a and b into dst and returns
// the used prefix; ok is false when the shapes are incompatible.
func broadcastShape(dst *[MaxDims]int, a, b []int) ([]int, bool) {
	n := len(a)
	if len(b) > n {
		n = len(b)
	}
	if n > MaxDims {
		return nil, false
	}
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			dst[i] = da
		case da == 1:
			dst[i] = db
		case db == 1:
			dst[i] = da
		default:
			return nil, false
		}
	}
	return dst[:n], true
}

func shapesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// inStrides fills st[:len(out)] with the element strides for reading a
// contiguous array of shape in as if it had the broadcast shape out
// (0 along broadcast dimensions).
func inStrides(st *[MaxDims]int, in, out []int) {
	off := len(out) - len(in)
	s := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := i - off
		if j < 0 || in[j] == 1 {
			st[i] = 0
			if j >= 0 {
				s *= in[j]
			}
			continue
		}
		st[i] = s
		s *= in[j]
	}
}

// expandInto writes src (shape in) broadcast to shape out into dst
// (len = prod(out)).
func expandInto(dst []float64, out []int, src []float64, in []int) {
	if len(dst) == 0 {
		return
	}
	if len(src) == 1 {
		x := src[0]
		for i := range dst {
			dst[i] = x
		}
		return
	}
	var st [MaxDims]int
	inStrides(&st, in, out)
	nd := len(out)
	inner := out[nd-1]
	is := st[nd-1]
	var idx [MaxDims]int
	pos := 0
	for o := 0; o < len(dst); o += inner {
		row := dst[o : o+inner]
		if is == 0 {
			x := src[pos]
			for i := range row {
				row[i] = x
			}
		} else if is == 1 {
			copy(row, src[pos:pos+inner])
		} else {
			p := pos
			for i := range row {
				row[i] = src[p]
				p += is
			}
		}
		// advance the odometer over the outer dimensions
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

// sumToAcc adds src (broadcast shape out) reduced to shape in into dst
// (len = prod(in)): the adjoint of expandInto.
func sumToAcc(dst []float64, in []int, src []float64, out []int) {
	if len(src) == 0 {
		return
	}
	if len(dst) == 1 {
		s := 0.0
		for _, x := range src {
			s += x
		}
		dst[0] += s
		return
	}
	var st [MaxDims]int
	inStrides(&st, in, out)
	nd := len(out)
	inner := out[nd-1]
	is := st[nd-1]
	var idx [MaxDims]int
	pos := 0
	for o := 0; o < len(src); o += inner {
		row := src[o : o+inner]
		if is == 0 {
			s := 0.0
			for _, x := range row {
				s += x
			}
			dst[pos] += s
		} else if is == 1 {
			d := dst[pos : pos+inner]
			for i, x := range row {
				d[i] += x
			}
		} else {
			p := pos
			for _, x := range row {
				dst[p] += x
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

// scratch returns a temporary buffer of n floats from the tape's scratch
// area; buffers are valid until the next call of scratchReset.
func (t *Tape) scratch(n int) []float64 {
	l := len(t.tmp)
	if l+n > cap(t.tmp) {
		// Grow: earlier scratch buffers keep pointing at the old array,
		// which stays valid for them.
		c := 2 * cap(t.tmp)
		if c < l+n {
			c = l + n
		}
		t.tmp = make([]float64, 0, c)
		l = 0
	}
	t.tmp = t.tmp[:l+n]
	return t.tmp[l : l+n]
}

func (t *Tape) scratchReset() { t.tmp = t.tmp[:0] }
