package tensor

// Arena hands out tensors — headers, shape and stride storage, and data —
// from reusable slabs, so that a loop that builds the same tensors on every
// iteration allocates nothing once warm:
//
//	var a tensor.Arena
//	for step := range steps {
//		a.Reset()
//		t := a.Uninit(n, d)
//		_ = tensor.AddInto(t, x, y)
//		...
//	}
//
// Lifetime rules: everything an Arena returns (tensors, views made through
// its methods, Floats and Ints slices) is valid until the next Reset, which
// is O(1) and hands the same memory out again. Do not keep or use such a
// tensor after Reset; copy it (Clone) if it must outlive the cycle. Views
// made with Dense's own methods (t.Slice, ...) of an arena tensor are heap
// headers, but they share its data and die with it too. An Arena is not safe
// for concurrent use: give each goroutine its own. The zero value is ready
// to use.
//
// When a cycle needs more than the slabs hold, a new larger slab is
// allocated for the rest of the cycle, and Reset then replaces the slabs by
// one of the total size seen, so a steady workload stops allocating after
// one or two cycles.
type Arena struct {
	f    []float64
	fpos int
	fUse int // floats requested this cycle

	ints []int
	ipos int
	iUse int

	hdr  []Dense
	hpos int
	hUse int
}

// Reset invalidates everything handed out since the last Reset and makes
// the memory available again. It is O(1) except after a cycle that
// outgrew the slabs, when it allocates bigger ones.
func (a *Arena) Reset() {
	if a.fUse > len(a.f) {
		a.f = make([]float64, grow(a.fUse))
	}
	if a.iUse > len(a.ints) {
		a.ints = make([]int, grow(a.iUse))
	}
	if a.hUse > len(a.hdr) {
		a.hdr = make([]Dense, grow(a.hUse))
	}
	a.fpos, a.ipos, a.hpos = 0, 0, 0
	a.fUse, a.iUse, a.hUse = 0, 0, 0
}

// grow rounds a slab size up with some headroom.
func grow(n int) int { return n + n/4 + 16 }

// Floats returns an uninitialised slice of n float64 from the arena.
func (a *Arena) Floats(n int) []float64 {
	if n < 0 {
		kernelPanic("Arena.Floats", "negative length "+itoa(n))
	}
	a.fUse += n
	if a.fpos+n > len(a.f) {
		a.f = make([]float64, max(2*len(a.f), grow(n)))
		a.fpos = 0
	}
	s := a.f[a.fpos : a.fpos+n : a.fpos+n]
	a.fpos += n
	return s
}

// Ints returns an uninitialised slice of n ints from the arena (for
// shapes, indices and other scratch).
func (a *Arena) Ints(n int) []int {
	if n < 0 {
		kernelPanic("Arena.Ints", "negative length "+itoa(n))
	}
	a.iUse += n
	if a.ipos+n > len(a.ints) {
		a.ints = make([]int, max(2*len(a.ints), grow(n)))
		a.ipos = 0
	}
	s := a.ints[a.ipos : a.ipos+n : a.ipos+n]
	a.ipos += n
	return s
}

// header returns a Dense with shape and strides slices of length nd from
// the int slab; its other fields are set by the caller.
func (a *Arena) header(nd int) *Dense {
	a.hUse++
	if a.hpos >= len(a.hdr) {
		a.hdr = make([]Dense, max(2*len(a.hdr), 16))
		a.hpos = 0
	}
	t := &a.hdr[a.hpos]
	a.hpos++
	ints := a.Ints(2 * nd)
	t.shape, t.strides = ints[:nd:nd], ints[nd:]
	return t
}

// Uninit returns a contiguous tensor of the given shape whose elements are
// not initialised (they hold whatever the arena's memory held): for
// destinations that an Into operation overwrites entirely. It panics with a
// *ShapeError on an invalid shape.
func (a *Arena) Uninit(shape ...int) *Dense {
	if err := CheckShape("tensor.Arena.New", shape); err != nil {
		panic(err)
	}
	t := a.header(len(shape))
	t.init(a.Floats(ShapeSize(shape)), shape)
	return t
}

// New returns a contiguous tensor of zeros of the given shape. It panics
// with a *ShapeError on an invalid shape.
func (a *Arena) New(shape ...int) *Dense {
	t := a.Uninit(shape...)
	clear(t.data)
	return t
}

// Scalar returns a 0-d tensor holding v.
func (a *Arena) Scalar(v float64) *Dense {
	t := a.Uninit()
	t.data[0] = v
	return t
}

// FromSlice returns a contiguous tensor of the given shape holding a copy of
// data. It panics with a *ShapeError when the length does not match.
func (a *Arena) FromSlice(shape []int, data []float64) *Dense {
	if err := CheckShape("tensor.Arena.FromSlice", shape); err != nil {
		panic(err)
	}
	if ShapeSize(shape) != len(data) {
		panic(shapeErr("tensor.Arena.FromSlice", "data has length %d, shape needs %d elements", []any{len(data), ShapeSize(shape)}, shape))
	}
	t := a.Uninit(shape...)
	copy(t.data, data)
	return t
}

// Like returns a contiguous tensor of zeros with t's shape.
func (a *Arena) Like(t *Dense) *Dense { return a.New(t.shape...) }

// Clone returns a contiguous copy of t.
func (a *Arena) Clone(t *Dense) *Dense {
	c := a.Uninit(t.shape...)
	unaryInto(OpIdentity, c, t)
	return c
}

// Contiguous returns t when it is contiguous and an arena copy otherwise.
func (a *Arena) Contiguous(t *Dense) *Dense {
	if t.contig {
		return t
	}
	return a.Clone(t)
}

// Slice is t.Slice with the view's header from the arena.
func (a *Arena) Slice(t *Dense, axis, start, end int) (*Dense, error) {
	return t.sliceStep(a, "tensor.Slice", axis, start, end, 1)
}

// SliceStep is t.SliceStep with the view's header from the arena.
func (a *Arena) SliceStep(t *Dense, axis, start, end, step int) (*Dense, error) {
	return t.sliceStep(a, "tensor.SliceStep", axis, start, end, step)
}

// Index is t.Index with the view's header from the arena.
func (a *Arena) Index(t *Dense, axis, i int) (*Dense, error) { return t.indexView(a, axis, i) }

// Transpose is t.Transpose with the view's header from the arena.
func (a *Arena) Transpose(t *Dense, axes ...int) (*Dense, error) { return t.transpose(a, axes) }

// Reshape is t.Reshape with the view's header from the arena.
func (a *Arena) Reshape(t *Dense, shape ...int) (*Dense, error) { return t.reshape(a, shape) }

// Expand is t.Expand with the view's header from the arena.
func (a *Arena) Expand(t *Dense, shape ...int) (*Dense, error) { return t.expand(a, shape) }

// Squeeze is t.Squeeze with the view's header from the arena.
func (a *Arena) Squeeze(t *Dense, axes ...int) (*Dense, error) { return t.squeeze(a, axes) }

// Unsqueeze is t.Unsqueeze with the view's header from the arena.
func (a *Arena) Unsqueeze(t *Dense, axis int) (*Dense, error) { return t.unsqueeze(a, axis) }
