package autodiff

import (
	"fmt"
	"math"
)

// MaxDims is the largest number of dimensions a tape value may have.
const MaxDims = 16

// Op is a node's operation code. Backward runs a switch over op codes; no
// closure or interface value is stored per node.
type Op uint16

// V is a handle to a value recorded on a Tape: the tape and the node's index.
// The zero V is "no value" (see Valid). A V stays meaningful until the tape's
// next Reset; after that it refers to whatever the new run records there.
type V struct {
	t *Tape
	i int32
}

// Node flags.
const (
	fGrad uint8 = 1 << iota // the node depends on a parameter: it gets an adjoint
	fExt                    // value lives in t.ext[off] (caller memory, not copied)
	fView                   // value and adjoint share the input's storage (no backward work)
)

// node is one recorded operation. Values of every node are contiguous,
// row-major, stored in t.val[off:off+size] (or in t.ext[off] for external
// constants); adjoints use the same offsets in t.adj.
type node struct {
	op    Op
	flags uint8
	ndim  uint8
	a, b  int32 // inputs (-1 when absent)
	c     int32 // third input or small integer argument
	off   int32 // value offset in val (or index into ext)
	size  int32 // number of elements
	shp   int32 // offset of the shape in t.shp
	aux   int32 // offset into t.aux / t.iaux for cached intermediates
	k     float64
}

// Tape records operations for reverse-mode differentiation. All storage is
// kept across Reset, so a warmed-up tape records and differentiates a model
// without allocating. A Tape is not safe for concurrent use: each goroutine
// (each chain) owns its tape.
type Tape struct {
	nodes []node
	val   []float64
	adj   []float64
	shp   []int
	aux   []float64
	iaux  []int
	ext   [][]float64
	tmp   []float64 // scratch for broadcasting, reset after each op
	slots []any     // per-tape state of upper layers (see Slot)

	// seeded is set by Backward; Grad reads adjoints only after it.
	seeded bool
}

// NewTape returns an empty tape.
func NewTape() *Tape {
	return &Tape{
		nodes: make([]node, 0, 256),
		val:   make([]float64, 0, 1024),
		shp:   make([]int, 0, 256),
	}
}

// Reset forgets every recorded node and value, keeping all memory for reuse.
// Every V obtained before Reset becomes invalid.
func (t *Tape) Reset() {
	t.nodes = t.nodes[:0]
	t.val = t.val[:0]
	t.shp = t.shp[:0]
	t.aux = t.aux[:0]
	t.iaux = t.iaux[:0]
	clear(t.ext)
	t.ext = t.ext[:0]
	t.seeded = false
	for _, s := range t.slots {
		if r, ok := s.(Resetter); ok {
			r.Reset()
		}
	}
}

// Resetter is implemented by slot values that must be reset with the tape.
type Resetter interface{ Reset() }

var numSlots int

// NewSlot reserves a slot index that upper layers use to attach per-tape
// state (for example the arenas that hand out distribution objects, so that
// a model allocates nothing in steady state). Call it from package
// initialization only.
func NewSlot() int {
	numSlots++
	return numSlots - 1
}

// Slot returns a pointer to this tape's value for slot i (nil until set).
// A value implementing Resetter is reset whenever the tape is.
func (t *Tape) Slot(i int) *any {
	if len(t.slots) <= i {
		if i >= numSlots {
			panic("autodiff: Slot: index was not reserved with NewSlot")
		}
		t.slots = append(t.slots, make([]any, numSlots-len(t.slots))...)
	}
	return &t.slots[i]
}

// Len is the number of nodes recorded since the last Reset.
func (t *Tape) Len() int { return len(t.nodes) }

// Error is the typed error that tape operations panic with on invalid input
// (shape mismatches, values from another tape, …). Inference entry points
// recover it and return it.
type Error struct {
	Op  string // the operation that failed, e.g. "Add"
	Msg string
}

func (e *Error) Error() string { return "autodiff: " + e.Op + ": " + e.Msg }

func fail(op, format string, args ...any) {
	panic(&Error{Op: op, Msg: fmt.Sprintf(format, args...)})
}

// ---------------------------------------------------------------------------
// V accessors

// Valid reports whether v refers to a recorded value.
func (v V) Valid() bool { return v.t != nil }

// Tape returns the tape v is recorded on (nil for the zero V).
func (v V) Tape() *Tape { return v.t }

// Index is v's node index on its tape.
func (v V) Index() int { return int(v.i) }

func (v V) node() *node { return &v.t.nodes[v.i] }

// Shape is v's shape (nil for a scalar). The slice aliases tape storage: do
// not modify it; it is valid until the tape is Reset or grows.
func (v V) Shape() []int {
	n := v.node()
	if n.ndim == 0 {
		return nil
	}
	return v.t.shp[n.shp : n.shp+int32(n.ndim)]
}

// Dims is the number of dimensions (0 for a scalar).
func (v V) Dims() int { return int(v.node().ndim) }

// Size is the number of elements.
func (v V) Size() int { return int(v.node().size) }

// IsScalar reports whether v is 0-dimensional.
func (v V) IsScalar() bool { return v.node().ndim == 0 }

// Data returns v's values, row-major. The slice aliases tape storage and is
// valid until the next recorded operation may grow the tape (copy it if you
// keep it) and until Reset.
func (v V) Data() []float64 { return v.t.data(v.i) }

// Value returns the value of a scalar, or of a tensor with exactly one
// element. It panics with *Error otherwise.
func (v V) Value() float64 {
	n := v.node()
	if n.size != 1 {
		fail("Value", "value has shape %v, not a single element", v.Shape())
	}
	return v.t.data(v.i)[0]
}

// At returns element i of v's row-major data.
func (v V) At(i int) float64 { return v.t.data(v.i)[i] }

// RequiresGrad reports whether v depends on a parameter.
func (v V) RequiresGrad() bool { return v.node().flags&fGrad != 0 }

// Grad returns the adjoint of v after Backward (zeros for nodes that do not
// depend on a parameter; nil before Backward). Aliases tape storage.
func (v V) Grad() []float64 {
	t := v.t
	if !t.seeded {
		return nil
	}
	n := v.node()
	if n.flags&fGrad == 0 || n.flags&fExt != 0 {
		return nil
	}
	return t.adj[n.off : n.off+n.size]
}

// String formats v for debugging.
func (v V) String() string {
	if !v.Valid() {
		return "V(invalid)"
	}
	if v.IsScalar() {
		return fmt.Sprintf("%g", v.Value())
	}
	return fmt.Sprintf("%v%v", v.Shape(), v.Data())
}

// ---------------------------------------------------------------------------
// storage helpers

func (t *Tape) data(i int32) []float64 {
	n := &t.nodes[i]
	if n.flags&fExt != 0 {
		return t.ext[n.off]
	}
	return t.val[n.off : n.off+n.size]
}

func (t *Tape) shape(i int32) []int {
	n := &t.nodes[i]
	return t.shp[n.shp : n.shp+int32(n.ndim)]
}

// grow extends s by n elements, keeping capacity (amortized growth).
func grow(s []float64, n int) []float64 {
	l := len(s)
	if l+n <= cap(s) {
		s = s[:l+n]
		return s
	}
	c := 2 * cap(s)
	if c < l+n {
		c = l + n
	}
	ns := make([]float64, l+n, c)
	copy(ns, s)
	return ns
}

// newScalar records a scalar node with value x.
func (t *Tape) newScalar(op Op, flags uint8, a, b int32, x float64) V {
	off := int32(len(t.val))
	t.val = append(t.val, x)
	// Append a zero node and set its fields in place: building the node as
	// a composite literal and copying it made the CPU reload the
	// just-written narrow fields with wide loads (a store-forwarding stall
	// that cost about a third of a scalar op).
	t.nodes = append(t.nodes, node{})
	i := len(t.nodes) - 1
	n := &t.nodes[i]
	n.op, n.flags, n.a, n.b, n.c, n.off, n.size = op, flags, a, b, -1, off, 1
	return V{t, int32(i)}
}

// newNode records a node of the given shape with fresh (uninitialized:
// previous-run contents) value storage, and returns it with its data slice.
func (t *Tape) newNode(op Op, flags uint8, a, b int32, shape []int) (V, []float64) {
	if len(shape) > MaxDims {
		fail(opName(op), "shape %v has more than %d dimensions", cp(shape), MaxDims)
	}
	size := 1
	for _, d := range shape {
		if d < 0 {
			fail(opName(op), "negative dimension in shape %v", cp(shape))
		}
		size *= d
	}
	if size > math.MaxInt32 {
		fail(opName(op), "shape %v has too many elements", cp(shape))
	}
	off := int32(len(t.val))
	t.val = grow(t.val, size)
	shp := int32(len(t.shp))
	t.shp = append(t.shp, shape...)
	t.nodes = append(t.nodes, node{}) // fields set in place (see newScalar)
	i := len(t.nodes) - 1
	n := &t.nodes[i]
	n.op, n.flags, n.ndim, n.a, n.b, n.c, n.off, n.size, n.shp = op, flags, uint8(len(shape)), a, b, -1, off, int32(size), shp
	return V{t, int32(i)}, t.val[off : int(off)+size]
}

// newView records a node sharing value and adjoint storage with input a at
// element offset start, with the given shape.
func (t *Tape) newView(op Op, a V, start int, shape []int) V {
	na := a.node()
	size := 1
	for _, d := range shape {
		size *= d
	}
	if len(shape) == 0 && na.flags&fExt != 0 {
		// a scalar view of external data: copy it into t.val, where the
		// scalar fast paths read scalars
		return t.newScalar(opConst, 0, -1, -1, t.ext[na.off][start])
	}
	flags := na.flags&(fGrad|fExt) | fView
	off := na.off + int32(start)
	if na.flags&fExt != 0 {
		t.ext = append(t.ext, t.ext[na.off][start:start+size])
		off = int32(len(t.ext) - 1)
	}
	shp := int32(len(t.shp))
	t.shp = append(t.shp, shape...)
	t.nodes = append(t.nodes, node{}) // fields set in place (see newScalar)
	i := len(t.nodes) - 1
	n := &t.nodes[i]
	n.op, n.flags, n.ndim, n.a, n.b, n.c, n.off, n.size, n.shp = op, flags, uint8(len(shape)), a.i, -1, -1, off, int32(size), shp
	return V{t, int32(i)}
}

func (t *Tape) check(op string, vs ...V) {
	for _, v := range vs {
		if v.t != t {
			if v.t == nil {
				fail(op, "invalid (zero) value as input")
			}
			fail(op, "input recorded on a different tape")
		}
	}
}

func (t *Tape) check1(op string, a V) {
	if a.t != t {
		t.check(op, a)
	}
}

func (t *Tape) check2(op string, a, b V) {
	if a.t != t || b.t != t {
		t.check(op, a, b)
	}
}

func gradFlag(fs ...uint8) uint8 {
	var f uint8
	for _, x := range fs {
		f |= x
	}
	return f & fGrad
}

// ---------------------------------------------------------------------------
// leaves

// Scalar records a constant scalar (no gradient).
func (t *Tape) Scalar(x float64) V {
	return t.newScalar(opConst, 0, -1, -1, x)
}

// Const records a constant tensor of the given shape, copying data (nil data
// gives zeros). A nil or empty shape with one datum records a scalar.
func (t *Tape) Const(shape []int, data []float64) V {
	return t.leaf("Const", opConst, 0, shape, data)
}

// ConstRef records a constant tensor whose values are read from data without
// copying. data must not change until the tape is Reset. Use it for large
// observed data (design matrices) that would be costly to copy every run.
func (t *Tape) ConstRef(shape []int, data []float64) V {
	size := checkShape("ConstRef", shape)
	if len(data) != size {
		fail("ConstRef", "shape %v needs %d values, got %d", cp(shape), size, len(data))
	}
	if len(shape) == 0 {
		// Scalars live in t.val: every scalar fast path reads them there.
		return t.newScalar(opConst, 0, -1, -1, data[0])
	}
	t.ext = append(t.ext, data)
	shp := int32(len(t.shp))
	t.shp = append(t.shp, shape...)
	t.nodes = append(t.nodes, node{}) // fields set in place (see newScalar)
	i := len(t.nodes) - 1
	n := &t.nodes[i]
	n.op, n.flags, n.ndim, n.a, n.b, n.c, n.off, n.size, n.shp = opConst, fExt, uint8(len(shape)), -1, -1, -1, int32(len(t.ext)-1), int32(size), shp
	return V{t, int32(i)}
}

// Param records a parameter (a leaf whose gradient Backward computes) of the
// given shape with values copied from data. A nil shape gives a scalar.
func (t *Tape) Param(shape []int, data []float64) V {
	return t.leaf("Param", opParam, fGrad, shape, data)
}

// ParamScalar records a scalar parameter.
func (t *Tape) ParamScalar(x float64) V {
	return t.newScalar(opParam, fGrad, -1, -1, x)
}

// ParamVec records a 1-d parameter holding a copy of x. With Slice, Index
// and Reshape (all views, free of copies) it binds a flat parameter vector —
// what NUTS and the optimizers hold — to a model's named, shaped leaves;
// after Backward, GradInto reads the flat gradient back.
func (t *Tape) ParamVec(x []float64) V {
	var shape [1]int
	shape[0] = len(x)
	return t.leaf("ParamVec", opParam, fGrad, shape[:], x)
}

func checkShape(op string, shape []int) int {
	if len(shape) > MaxDims {
		fail(op, "shape %v has more than %d dimensions", cp(shape), MaxDims)
	}
	size := 1
	for _, d := range shape {
		if d < 0 {
			fail(op, "negative dimension in shape %v", cp(shape))
		}
		size *= d
	}
	return size
}

func (t *Tape) leaf(name string, op Op, flags uint8, shape []int, data []float64) V {
	size := checkShape(name, shape)
	if data != nil && len(data) != size {
		fail(name, "shape %v needs %d values, got %d", cp(shape), size, len(data))
	}
	if len(shape) == 0 {
		x := 0.0
		if data != nil {
			x = data[0]
		}
		return t.newScalar(op, flags, -1, -1, x)
	}
	v, d := t.newNode(op, flags, -1, -1, shape)
	if data != nil {
		copy(d, data)
	} else {
		clear(d)
	}
	return v
}

// Detach records a copy of a's value that does not depend on anything (its
// gradient is not propagated): PyTorch's detach / stop-gradient.
func (t *Tape) Detach(a V) V {
	t.check1("Detach", a)
	if a.node().flags&fGrad == 0 {
		return a
	}
	if a.IsScalar() {
		return t.newScalar(opConst, 0, -1, -1, t.val[a.node().off])
	}
	v, d := t.newNode(opConst, 0, -1, -1, a.Shape())
	copy(d, t.data(a.i))
	return v
}

// ---------------------------------------------------------------------------
// backward

// Backward computes the gradient of out with respect to every parameter
// recorded on the tape. For a non-scalar out it computes the gradient of
// the sum of its elements. Adjoints are read with V.Grad or GradInto.
func (t *Tape) Backward(out V) {
	t.check1("Backward", out)
	n := len(t.val)
	if cap(t.adj) < n {
		t.adj = make([]float64, n, cap(t.val))
	}
	t.adj = t.adj[:n]
	clear(t.adj)
	t.seeded = true
	on := out.node()
	if on.flags&fGrad == 0 {
		return
	}
	g := t.adj[on.off : on.off+on.size]
	for i := range g {
		g[i] = 1
	}
	for i := out.i; i >= 0; i-- {
		nd := &t.nodes[i]
		if nd.flags&fGrad == 0 || nd.flags&fView != 0 {
			continue
		}
		op := nd.op
		switch {
		case op < opUnaryEnd:
			if op >= opUnaryBase {
				t.backUnary(nd)
			}
		case op < opBinaryEnd:
			t.backBinary(nd)
		default:
			t.backOther(i, nd)
		}
	}
}

// GradInto copies the adjoint of v into dst (len(dst) must be v.Size());
// zeros when v does not depend on a parameter.
func (t *Tape) GradInto(dst []float64, v V) {
	t.check1("GradInto", v)
	n := v.node()
	if len(dst) != int(n.size) {
		fail("GradInto", "destination has %d elements, value has %d", len(dst), n.size)
	}
	if !t.seeded || n.flags&fGrad == 0 {
		clear(dst)
		return
	}
	copy(dst, t.adj[n.off:n.off+n.size])
}

// ValueAndGrad evaluates f at x on t (after resetting it), writes the
// gradient of f's scalar result with respect to x into grad and returns the
// value. f receives x as a 1-d parameter; it must return a single-element
// value. With a warmed-up tape and f that records a fixed graph, ValueAndGrad
// allocates nothing. This is the entry point for callers outside models:
// optimizers, and NUTS on a bare log density.
func ValueAndGrad(t *Tape, f func(t *Tape, x V) V, x, grad []float64) float64 {
	if len(grad) != len(x) {
		fail("ValueAndGrad", "gradient has %d elements, x has %d", len(grad), len(x))
	}
	t.Reset()
	xv := t.ParamVec(x)
	out := f(t, xv)
	t.check1("ValueAndGrad", out)
	val := out.Value()
	t.Backward(out)
	t.GradInto(grad, xv)
	return val
}

// cp copies a shape for an error message, so that the shape itself does not
// escape to the heap on the (allocation-free) success path.
func cp(s []int) []int { return append([]int(nil), s...) }
