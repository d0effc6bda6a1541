package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	sp "github.com/gyro-ppl/gyro/internal/special"
)

// Shared machinery of the univariate distributions.
//
// Most univariate log densities are computed by one scalar kernel per
// distribution (uvKernel) applied elementwise over the broadcast of the value
// and the parameters. The kernel returns the log density and its partial
// derivatives, so each element is computed in one pass with the most accurate
// formula available (lgamma/lbeta/xlogy/log1p forms, saddle-point forms for
// large counts) instead of a chain of tape nodes. uvFused records the value
// and, for every input that requires a gradient, its partials, as one
// autodiff.WithPartials node. The value is
// therefore bit-identical to the kernel's, and the gradient is the kernel's
// partials summed over broadcast dimensions.

// uvKernel computes the log density at in[0] (the value) with parameters
// in[1:], and its partial derivative with respect to in[j] for every bit j
// set in need (other entries are ignored).
type uvKernel func(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64)

// uvSupport reports whether in[0] lies in the support given parameters
// in[1:].
type uvSupport func(in [4]float64) bool

// uvIter walks the elements of a broadcast output shape, tracking the flat
// index of each input. It is a value type that lives on the stack.
type uvIter struct {
	n      int                // inputs
	ndim   int                // output dims
	shape  [ad.MaxDims]int    // output shape
	stride [4][ad.MaxDims]int // per input stride in each output dim (0 when broadcast)
	idx    [ad.MaxDims]int    // current multi-index
	off    [4]int             // current flat offsets
	simple bool               // every input is full-size or a single element
	full   [4]bool            // input j has the output's size
}

func (it *uvIter) init(out []int, ins *[4]ad.V, n int) {
	it.n = n
	it.ndim = copy(it.shape[:], out)
	size := 1
	for _, d := range out {
		size *= d
	}
	it.simple = true
	for j := 0; j < n; j++ {
		s := ins[j].Shape()
		sz := ins[j].Size()
		it.full[j] = sz == size
		if !(it.full[j] || sz == 1) {
			it.simple = false
		}
		// strides of input j aligned to the right of the output shape
		st := 1
		for k := it.ndim - 1; k >= 0; k-- {
			kk := len(s) - (it.ndim - k)
			if kk >= 0 && s[kk] != 1 {
				it.stride[j][k] = st
				st *= s[kk]
			} else {
				it.stride[j][k] = 0
			}
		}
	}
}

// next advances to the next output element (general path).
func (it *uvIter) next() {
	for k := it.ndim - 1; k >= 0; k-- {
		it.idx[k]++
		for j := 0; j < it.n; j++ {
			it.off[j] += it.stride[j][k]
		}
		if it.idx[k] < it.shape[k] {
			return
		}
		for j := 0; j < it.n; j++ {
			it.off[j] -= it.stride[j][k] * it.shape[k]
		}
		it.idx[k] = 0
	}
}

// uvFused applies k elementwise over the broadcast of ins[:n] (ins[0] is the
// value), failing with *Error naming d and "value" at the first element
// outside the support (sup may be nil), and records the result on the tape.
func uvFused(d Distribution, m *uvMemo, k uvKernel, sup uvSupport, ins [4]ad.V, n int) ad.V {
	t := ins[0].Tape()
	for j := 0; j < n; j++ {
		if ins[j].Tape() != t {
			Fail(d.Name(), "value", "value and parameters are recorded on different tapes")
		}
	}
	var shapes [4][]int
	for j := 0; j < n; j++ {
		shapes[j] = ins[j].Shape()
	}
	out := BroadcastShapes(d.Name(), shapes[:n]...)
	var need [4]bool
	var mask uint8
	for j := 0; j < n; j++ {
		need[j] = ins[j].RequiresGrad()
		if need[j] {
			mask |= 1 << j
		}
	}
	grad := mask != 0
	var in [4]float64
	os := out.Slice()
	res, lp, ps := t.WithPartials(os, &ins, n)
	if len(os) == 0 {
		for j := 0; j < n; j++ {
			in[j] = ins[j].Data()[0]
		}
		if sup != nil && !sup(in) {
			uvFailSupport(d, in[0], 0)
		}
		v, g := k(in, mask, m)
		lp[0] = v
		for j := 0; j < n; j++ {
			if need[j] {
				ps[j][0] = uvFinite(g[j])
			}
		}
		return res
	}
	// Data slices are taken after the last node is recorded (recording may
	// move tape storage).
	var xs [4][]float64
	for j := 0; j < n; j++ {
		xs[j] = ins[j].Data()
	}
	var it uvIter
	it.init(os, &ins, n)
	for i := range lp {
		if it.simple {
			for j := 0; j < n; j++ {
				if it.full[j] {
					in[j] = xs[j][i]
				} else {
					in[j] = xs[j][0]
				}
			}
		} else {
			for j := 0; j < n; j++ {
				in[j] = xs[j][it.off[j]]
			}
			it.next()
		}
		if sup != nil && !sup(in) {
			uvFailSupport(d, in[0], i)
		}
		v, g := k(in, mask, m)
		lp[i] = v
		if grad {
			for j := 0; j < n; j++ {
				if need[j] {
					ps[j][i] = uvFinite(g[j])
				}
			}
		}
	}
	return res
}

// uvAttach returns a node equal to z in value whose gradient flows to x
// with the local partials dz (shaped as z; x broadcasts to z).
func uvAttach(t *ad.Tape, z, dz, x ad.V) ad.V {
	ins := [ad.MaxPartialInputs]ad.V{x}
	v, val, p := t.WithPartials(z.Shape(), &ins, 1)
	copy(val, z.Data())
	copy(p[0], dz.Data())
	return v
}

// uvFinite maps ±Inf partials to ±MaxFloat64 and NaN to 0 (at the boundary
// of a support a kernel's partial may be infinite), so that the gradients
// the tape accumulates stay finite.
func uvFinite(g float64) float64 {
	switch {
	case g != g:
		return 0
	case g > math.MaxFloat64:
		return math.MaxFloat64
	case g < -math.MaxFloat64:
		return -math.MaxFloat64
	}
	return g
}

func uvFailSupport(d Distribution, x float64, i int) {
	Fail(d.Name(), "value", "%v (flat index %d) is outside the support %s", x, i, d.Support().Name())
}

// uvMap fills a new constant of shape out with f over the broadcast of
// ins[:n] (no gradient): used for samplers.
func uvMap(t *ad.Tape, out []int, ins [4]ad.V, n int, f func(in [4]float64) float64) ad.V {
	var in [4]float64
	if len(out) == 0 {
		for j := 0; j < n; j++ {
			in[j] = ins[j].Data()[0]
		}
		return t.Scalar(f(in))
	}
	v := t.Const(out, nil)
	var xs [4][]float64
	for j := 0; j < n; j++ {
		xs[j] = ins[j].Data()
	}
	z := v.Data()
	var it uvIter
	it.init(out, &ins, n)
	for i := range z {
		for j := 0; j < n; j++ {
			in[j] = xs[j][it.off[j]]
		}
		it.next()
		z[i] = f(in)
	}
	return v
}

// uvSampleShape is sampleShape + batch in a stack buffer.
func uvSampleShape(buf *[ad.MaxDims]int, sampleShape, batch []int) []int {
	if len(sampleShape)+len(batch) > ad.MaxDims {
		Fail("", "sample_shape", "sample shape %v with batch shape %v has more than %d dimensions", uvCp(sampleShape), uvCp(batch), ad.MaxDims)
	}
	return append(append(buf[:0], sampleShape...), batch...)
}

func uvCp(s []int) []int { return append([]int(nil), s...) }

// uvDraw samples f(rng, params) for every element of sampleShape + batch,
// with params broadcast from ins[:n] (sample dimensions broadcast on the
// left), as a constant.
func uvDraw(t *ad.Tape, rng *RNG, sampleShape, batch []int, ins [4]ad.V, n int, f func(rng *RNG, in [4]float64) float64) ad.V {
	var buf [ad.MaxDims]int
	out := uvSampleShape(&buf, sampleShape, batch)
	var in [4]float64
	if len(out) == 0 {
		for j := 0; j < n; j++ {
			in[j] = ins[j].Data()[0]
		}
		return t.Scalar(f(rng, in))
	}
	v := t.Const(out, nil)
	var xs [4][]float64
	for j := 0; j < n; j++ {
		xs[j] = ins[j].Data()
	}
	z := v.Data()
	var it uvIter
	it.init(out, &ins, n)
	for i := range z {
		for j := 0; j < n; j++ {
			in[j] = xs[j][it.off[j]]
		}
		it.next()
		z[i] = f(rng, in)
	}
	return v
}

// ---------------------------------------------------------------------------
// parameter validation (one pass, no allocation)

func uvCheck(dist, param string, v ad.V, ok func(x float64) bool, what string) {
	for _, x := range v.Data() {
		if !ok(x) {
			Fail(dist, param, "must be %s, got %v", what, x)
		}
	}
}

// uvCheckNotNaN is uvCheck(…, uvNotNaN, "a number") with the test inlined
// (a parameter such as Bernoulli's logits can have thousands of elements
// on every model run).
func uvCheckNotNaN(dist, param string, v ad.V) {
	for _, x := range v.Data() {
		if x != x {
			Fail(dist, param, "must be a number, got %v", x)
		}
	}
}

func uvPositive(x float64) bool    { return x > 0 && !math.IsInf(x, 1) }
func uvNonNeg(x float64) bool      { return x >= 0 && !math.IsInf(x, 1) }
func uvUnit(x float64) bool        { return x >= 0 && x <= 1 }
func uvNotNaN(x float64) bool      { return x == x }
func uvFiniteReal(x float64) bool  { return !math.IsNaN(x) && !math.IsInf(x, 0) }
func uvNonNegInt(x float64) bool   { return x >= 0 && x == math.Trunc(x) && !math.IsInf(x, 0) }
func uvIsInt(x float64) bool       { return x == math.Trunc(x) && !math.IsInf(x, 0) }
func uvPositiveInf(x float64) bool { return x > 0 }

// uvScalarParts reports the tape of the first parameter after checking all
// are valid and on one tape.
func uvTape(dist string, vs ...ad.V) *ad.Tape {
	checkSameTape(dist, vs...)
	return vs[0].Tape()
}

// ---------------------------------------------------------------------------
// parameter-dependent supports

// uvBounded is a support whose bounds may be per-batch tensors (Uniform's
// interval, Binomial's {0..total_count}, Pareto's [scale, ∞)): Check
// broadcasts the value against the bounds. A bound given as an invalid V
// uses the constant loK/hiK instead.
type uvBounded struct {
	name     string
	discrete bool
	lo, hi   ad.V
	loK, hiK float64
	loOpen   bool
	hiOpen   bool
}

// Name is Pyro's class name.
func (c *uvBounded) Name() string     { return c.name }
func (c *uvBounded) IsDiscrete() bool { return c.discrete }
func (c *uvBounded) EventDim() int    { return 0 }

// Check reports whether every x lies within the bounds (broadcast from the
// right against x's shape).
func (c *uvBounded) Check(x []float64, shape []int) (bool, int) {
	var lo, hi []float64
	var los, his []int
	if c.lo.Valid() {
		lo, los = c.lo.Data(), c.lo.Shape()
	}
	if c.hi.Valid() {
		hi, his = c.hi.Data(), c.hi.Shape()
	}
	for i, v := range x {
		if v != v || (c.discrete && !uvIsInt(v)) {
			return false, i
		}
		l, h := c.loK, c.hiK
		if lo != nil {
			l = lo[uvBcastIndex(i, shape, los)]
		}
		if hi != nil {
			h = hi[uvBcastIndex(i, shape, his)]
		}
		if v < l || (c.loOpen && v == l) || v > h || (c.hiOpen && v == h) {
			return false, i
		}
	}
	return true, -1
}

// uvBcastIndex maps flat index i of an array of shape out to the flat index
// of a smaller array of shape in broadcast to out (right-aligned). Shapes
// that do not broadcast map every index to i mod size.
func uvBcastIndex(i int, out, in []int) int {
	size := 1
	for _, d := range in {
		size *= d
	}
	if size == 1 {
		return 0
	}
	if len(in) > len(out) {
		return i % size
	}
	j, st := 0, 1
	for k := len(out) - 1; k >= 0 && i > 0; k-- {
		ik := i % out[k]
		i /= out[k]
		kk := len(in) - (len(out) - k)
		if kk < 0 {
			break
		}
		if in[kk] != 1 {
			j += ik * st
			st *= in[kk]
		}
	}
	return j % size
}

var _ constraints.Constraint = (*uvBounded)(nil)

// ---------------------------------------------------------------------------
// common parts of the univariate distribution types

// uvBase holds what every univariate distribution has: its tape and batch
// shape (event shape is always ()).
type uvBase struct {
	t     *ad.Tape
	batch Shape
	memo  uvMemo
}

// Tape is the tape the parameters are recorded on.
func (b *uvBase) Tape() *ad.Tape { return b.t }

// BatchShape is the broadcast shape of the parameters.
func (b *uvBase) BatchShape() []int { return b.batch.Slice() }

// EventShape is () for univariate distributions.
func (b *uvBase) EventShape() []int { return nil }

func (b *uvBase) init(dist string, vs ...ad.V) {
	checkSameTape(dist, vs...)
	b.t = vs[0].Tape()
	var shapes [4][]int
	for i, v := range vs {
		shapes[i] = v.Shape()
	}
	b.batch = BroadcastShapes(dist, shapes[:len(vs)]...)
}

// expand broadcasts v to the batch shape (a no-op when it already has it).
func (b *uvBase) expand(v ad.V) ad.V { return b.t.Expand(v, b.batch.Slice()...) }

// full records a constant of the batch shape filled with x.
func (b *uvBase) full(x float64) ad.V {
	if b.batch.Len() == 0 {
		return b.t.Scalar(x)
	}
	v := b.t.Const(b.batch.Slice(), nil)
	d := v.Data()
	for i := range d {
		d[i] = x
	}
	return v
}

func uvNoRSample(dist string) {
	Fail(dist, "", "has no reparameterized sampler (HasRSample is false); use Sample")
}

// uvEnumerate records the values 0..n-1 along a new leftmost dimension:
// shape (n,) + (1,)*len(batch), or (n,) + batch when expand is true.
func uvEnumerate(t *ad.Tape, n int, batch []int, expand bool) ad.V {
	var buf [ad.MaxDims]int
	s := append(buf[:0], n)
	for _, d := range batch {
		if expand {
			s = append(s, d)
		} else {
			s = append(s, 1)
		}
	}
	v := t.Const(s, nil)
	x := v.Data()
	per := len(x) / n
	for i := 0; i < n; i++ {
		for j := 0; j < per; j++ {
			x[i*per+j] = float64(i)
		}
	}
	return v
}

// uvWhereMask records a constant of x's shape holding 1 where x == 0.
func uvZeroMask(t *ad.Tape, x ad.V) ad.V {
	if x.IsScalar() {
		if x.Value() == 0 {
			return t.Scalar(1)
		}
		return t.Scalar(0)
	}
	m := t.Const(x.Shape(), nil)
	md, xd := m.Data(), x.Data()
	for i, v := range xd {
		if v == 0 {
			md[i] = 1
		}
	}
	return m
}

// uvBeta draws Beta(a, b) (RNG.Beta) clamped to [tiny, 1-2⁻⁵³] as PyTorch,
// so that the log density of the draw is finite.
func uvBeta(rng *RNG, a, b float64) float64 {
	r := rng.Beta(a, b)
	if r < 0x1p-1022 {
		r = 0x1p-1022
	}
	if r > 1-0x1p-53 {
		r = 1 - 0x1p-53
	}
	return r
}

// uvMemo remembers the last few values of expensive functions of the
// parameters alone (log Γ(a), log B(a, b), ψ(a), log I₀(κ), …), which a
// kernel would otherwise recompute for every element when parameters are
// broadcast. Each slot is keyed on its arguments, so a stale entry is never
// returned; a distribution owns one (no locking: distributions belong to one
// tape, one goroutine).
type uvMemo struct {
	key [uvMemoSlots][2]float64
	val [uvMemoSlots]float64
	ok  [uvMemoSlots]bool
}

const uvMemoSlots = 8

// get returns f(x, y) from slot s, computing it when the slot holds other
// arguments.
func (m *uvMemo) get(s int, x, y float64, f func(x, y float64) float64) float64 {
	if m.ok[s] && m.key[s][0] == x && m.key[s][1] == y {
		return m.val[s]
	}
	v := f(x, y)
	m.key[s] = [2]float64{x, y}
	m.val[s] = v
	m.ok[s] = true
	return v
}

func uvLgamma2(x, _ float64) float64  { return sp.Lgamma(x) }
func uvDigamma2(x, _ float64) float64 { return sp.Digamma(x) }

// uvLogFact is log k! for integer k ≥ 0: a table below 1024, log Γ above.
func uvLogFact(k float64) float64 {
	if k < float64(len(uvLogFactTab)) {
		return uvLogFactTab[int(k)]
	}
	return sp.Lgamma(k + 1)
}

var uvLogFactTab = func() (t [1024]float64) {
	for i := range t {
		t[i] = sp.Lgamma(float64(i) + 1)
	}
	return
}()
