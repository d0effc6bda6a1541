package poutine

import (
	"iter"

	"github.com/gyro-ppl/gyro/dist"
)

// PlateOption configures a plate (Pyro's plate keyword arguments).
type PlateOption struct {
	kind int
	n    int
	idx  []int
}

const (
	plSubsampleSize = iota + 1
	plSubsample
	plDim
)

// SubsampleSize draws n of the plate's indices at random (without
// replacement) on each entry, and scales log densities by size/n.
func SubsampleSize(n int) PlateOption { return PlateOption{kind: plSubsampleSize, n: n} }

// Subsample uses the given indices as the subsample (Pyro's subsample=).
func Subsample(idx []int) PlateOption { return PlateOption{kind: plSubsample, idx: idx} }

// Dim places the plate at the given negative batch dimension instead of
// the rightmost free one.
func Dim(d int) PlateOption { return PlateOption{kind: plDim, n: d} }

// plateHandler is a vectorized plate on the handler stack: it adds its
// frame to every message, scales log densities by size/subsample size and
// broadcasts sample distributions to include its dimension.
type plateHandler struct {
	frame CondIndepFrame
	scale float64
	idx   []int
	buf   [16]int // target batch shape; lives on the heap with the handler so passing it to Expand does not allocate
}

type plateState struct {
	free    []*plateHandler // pool, reused
	depth   int
	arange  []int
	perm    []int
	usedDim [MaxPlates + 1]string // plate name holding dim -k at usedDim[k]
}

func (p *plateHandler) Process(m *Msg) {
	if m.NStack == MaxPlates {
		failSite(m.Name, "more than %d nested plates", MaxPlates)
	}
	// Pyro keeps the stack outermost-first; Process runs innermost first,
	// so each enclosing plate inserts its frame at the front.
	copy(m.CondIndepStack[1:m.NStack+1], m.CondIndepStack[:m.NStack])
	m.CondIndepStack[0] = p.frame
	m.NStack++
	m.Scale *= p.scale
	if m.Type == TypeSample && m.Fn != nil && p.frame.Vectorized {
		m.Fn = broadcastToPlates(m, &p.buf)
	}
}

func (p *plateHandler) Postprocess(*Msg) {}

// broadcastToPlates expands m.Fn's batch shape so that every enclosing
// vectorized plate's dimension has the plate's (subsample) size.
func broadcastToPlates(m *Msg, target *[16]int) dist.Distribution {
	d := m.Fn
	bs := d.BatchShape()
	n := len(bs)
	for _, f := range m.Plates() {
		if f.Vectorized && -f.Dim > n {
			n = -f.Dim
		}
	}
	for i := 0; i < n; i++ {
		target[i] = 1
	}
	copy(target[n-len(bs):n], bs)
	changed := n != len(bs)
	for _, f := range m.Plates() {
		if !f.Vectorized {
			continue
		}
		j := n + f.Dim
		switch target[j] {
		case f.Subsample:
		case 1:
			target[j] = f.Subsample
			changed = true
		default:
			failSite(m.Name, "batch shape %v disagrees with plate %q of size %d at dim %d", cpInts(bs), f.Name, f.Subsample, f.Dim)
		}
	}
	if !changed {
		return d
	}
	return d.Expand(target[:n]...)
}

// Plate is Pyro's vectorized plate: it runs body with a plate of the given
// size on the handler stack. Sample sites inside are conditionally
// independent along the plate's batch dimension (the rightmost free one,
// or Dim's), their distributions are broadcast to it, and with
// SubsampleSize their log densities are scaled by size/subsample size.
// body receives the subsample indices (0..size-1 without subsampling;
// valid until the plate exits).
func (r *Runtime) Plate(name string, size int, body func(ind []int), opts ...PlateOption) {
	p := r.enterPlate(name, size, true, opts)
	r.Push(p)
	body(p.idx)
	r.Pop(p)
	r.exitPlate(p)
}

func (r *Runtime) enterPlate(name string, size int, vectorized bool, opts []PlateOption) *plateHandler {
	ps := &r.plate
	if size < 0 {
		failSite(name, "plate size %d is negative", size)
	}
	if ps.depth == len(ps.free) {
		ps.free = append(ps.free, &plateHandler{})
	}
	p := ps.free[ps.depth]
	ps.depth++
	sub := size
	dim := 0
	var idx []int
	for _, o := range opts {
		switch o.kind {
		case plSubsampleSize:
			if o.n <= 0 || o.n > size {
				failSite(name, "subsample_size %d must be in [1, %d]", o.n, size)
			}
			sub = o.n
		case plSubsample:
			for _, i := range o.idx {
				if i < 0 || i >= size {
					failSite(name, "subsample index %d outside [0, %d)", i, size)
				}
			}
			idx = o.idx
			sub = len(o.idx)
		case plDim:
			if o.n >= 0 || -o.n > MaxPlates {
				failSite(name, "plate dim %d must be negative (at least %d)", o.n, -MaxPlates)
			}
			dim = o.n
		}
	}
	if vectorized {
		if dim == 0 {
			dim = -1
			for ps.usedDim[-dim] != "" {
				dim--
				if -dim > MaxPlates {
					failSite(name, "no free plate dimension (more than %d nested plates)", MaxPlates)
				}
			}
		} else if other := ps.usedDim[-dim]; other != "" {
			failSite(name, "plate dim %d is already used by enclosing plate %q", dim, other)
		}
		ps.usedDim[-dim] = name
	}
	if idx == nil {
		if sub == size {
			for len(ps.arange) < size {
				ps.arange = append(ps.arange, len(ps.arange))
			}
			idx = ps.arange[:size]
		} else {
			// partial Fisher–Yates over a reused permutation buffer
			ps.perm = ps.perm[:0]
			for i := 0; i < size; i++ {
				ps.perm = append(ps.perm, i)
			}
			for i := 0; i < sub; i++ {
				j := i + r.RNG.IntN(size-i)
				ps.perm[i], ps.perm[j] = ps.perm[j], ps.perm[i]
			}
			idx = ps.perm[:sub]
		}
	}
	p.frame = CondIndepFrame{Name: name, Dim: dim, Size: size, Subsample: sub, Vectorized: vectorized}
	p.scale = 1
	if sub != size && sub > 0 {
		p.scale = float64(size) / float64(sub)
	}
	p.idx = idx
	return p
}

func (r *Runtime) exitPlate(p *plateHandler) {
	ps := &r.plate
	if p.frame.Vectorized {
		ps.usedDim[-p.frame.Dim] = ""
	}
	ps.depth--
}

// SeqPlate is Pyro's sequential plate (plate used as an iterator): it
// yields 0..size-1 (or the subsample) and marks sites inside each
// iteration as conditionally independent of other iterations.
//
//	for i := range r.SeqPlate("data", n) { r.Sample(fmt.Sprint("x", i), …) }
func (r *Runtime) SeqPlate(name string, size int, opts ...PlateOption) iter.Seq[int] {
	return func(yield func(int) bool) {
		p := r.enterPlate(name, size, false, opts)
		defer r.exitPlate(p)
		for k, i := range p.idx {
			p.frame.Counter = k
			r.Push(p)
			ok := yield(i)
			r.Pop(p)
			if !ok {
				return
			}
		}
	}
}

// EnterPlate pushes a vectorized plate (as Plate does) without a closure and
// returns it with its subsample indices; pair it with ExitPlate. It serves
// code that enters a data-dependent number of plates, such as autoguides
// mirroring a model's plates.
func (r *Runtime) EnterPlate(name string, size int, opts ...PlateOption) (Handler, []int) {
	p := r.enterPlate(name, size, true, opts)
	r.Push(p)
	return p, p.idx
}

// ExitPlate pops a plate pushed by EnterPlate.
func (r *Runtime) ExitPlate(h Handler) {
	p, ok := h.(*plateHandler)
	if !ok {
		panic(&Error{Msg: "ExitPlate: handler is not a plate"})
	}
	r.Pop(p)
	r.exitPlate(p)
}
