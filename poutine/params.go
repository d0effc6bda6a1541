package poutine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/dist/transforms"
	"github.com/gyro-ppl/gyro/tensor"
)

// ParamEntry is one named parameter. It is stored unconstrained: Data (of
// shape Shape) is mapped onto Constraint by Transform (BijectTo of the
// constraint) whenever the parameter is used, as Pyro's param store does.
// Optimizers update Data from Grad, the gradient with respect to Data.
type ParamEntry struct {
	Name       string
	Shape      []int     // unconstrained shape
	Data       []float64 // unconstrained value (row-major)
	Grad       []float64 // gradient buffer for optimizers
	Constraint constraints.Constraint
	Transform  transforms.Transform
	CShape     []int // constrained shape
}

// ParamStore holds named parameters (Pyro's ParamStoreDict). It is owned
// by one runtime (one goroutine).
type ParamStore struct {
	entries []*ParamEntry
	index   map[string]int
}

// NewParamStore returns an empty store.
func NewParamStore() *ParamStore { return &ParamStore{index: map[string]int{}} }

// Get returns the entry called name, or nil.
func (ps *ParamStore) Get(name string) *ParamEntry {
	if i, ok := ps.index[name]; ok {
		return ps.entries[i]
	}
	return nil
}

// Names lists the parameters in creation order.
func (ps *ParamStore) Names() []string {
	out := make([]string, len(ps.entries))
	for i, e := range ps.entries {
		out[i] = e.Name
	}
	return out
}

// Entries returns the parameters in creation order (aliases the store).
func (ps *ParamStore) Entries() []*ParamEntry { return ps.entries }

// Set creates or replaces the unconstrained (real) parameter name with a
// copy of value.
func (ps *ParamStore) Set(name string, value *tensor.Dense) error {
	return ps.SetConstrained(name, value, constraints.Real)
}

// SetConstrained creates or replaces the parameter name with a copy of
// value, which must lie in constraint c; it is stored unconstrained
// through transforms.BijectTo(c).
func (ps *ParamStore) SetConstrained(name string, value *tensor.Dense, c constraints.Constraint) error {
	if value == nil {
		return &Error{Site: name, Msg: "param store: nil value"}
	}
	if c == nil {
		c = constraints.Real
	}
	cv := value.Contiguous()
	for i, x := range cv.Data() {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &Error{Site: name, Msg: fmt.Sprintf("param store: value has %v at flat index %d", x, i)}
		}
	}
	tf, err := transforms.BijectTo(c)
	if err != nil {
		return &Error{Site: name, Msg: "param store: " + err.Error()}
	}
	e := &ParamEntry{Name: name, Constraint: c, Transform: tf, CShape: append([]int{}, cv.Shape()...)}
	if c == constraints.Real {
		e.Shape = append([]int{}, cv.Shape()...)
		e.Data = append([]float64(nil), cv.Data()...)
	} else {
		if ok, i := c.Check(cv.Data(), cv.Shape()); !ok {
			return &Error{Site: name, Msg: fmt.Sprintf("param store: value %v (flat index %d) is outside the constraint %s", cv.Data()[i], i, c.Name())}
		}
		var u ad.V
		t := ad.NewTape()
		if err := Catch(func() { u = tf.Inverse(t.Const(cv.Shape(), cv.Data())) }); err != nil {
			return &Error{Site: name, Msg: "param store: " + err.Error()}
		}
		e.Shape = append([]int{}, u.Shape()...)
		e.Data = append([]float64(nil), u.Data()...)
	}
	e.Grad = make([]float64, len(e.Data))
	if i, ok := ps.index[name]; ok {
		ps.entries[i] = e
		return nil
	}
	ps.index[name] = len(ps.entries)
	ps.entries = append(ps.entries, e)
	return nil
}

// Value returns a copy of the parameter's constrained value.
func (ps *ParamStore) Value(name string) (*tensor.Dense, error) {
	e := ps.Get(name)
	if e == nil {
		return nil, &Error{Site: name, Msg: "param store: no such parameter"}
	}
	if e.Constraint == constraints.Real {
		return tensor.New(append([]int{}, e.Shape...), append([]float64(nil), e.Data...)), nil
	}
	t := ad.NewTape()
	var y ad.V
	if err := Catch(func() { y = e.Transform.Forward(t.Const(e.Shape, e.Data)) }); err != nil {
		return nil, &Error{Site: name, Msg: err.Error()}
	}
	return tensor.New(append([]int{}, y.Shape()...), append([]float64(nil), y.Data()...)), nil
}

// Delete removes the parameter name (no-op when absent).
func (ps *ParamStore) Delete(name string) {
	i, ok := ps.index[name]
	if !ok {
		return
	}
	ps.entries = append(ps.entries[:i], ps.entries[i+1:]...)
	delete(ps.index, name)
	for j := i; j < len(ps.entries); j++ {
		ps.index[ps.entries[j].Name] = j
	}
}

// Clear removes every parameter.
func (ps *ParamStore) Clear() {
	ps.entries = ps.entries[:0]
	clear(ps.index)
}

// ParamOption configures Param (Pyro's constraint= and event_dim=).
type ParamOption struct {
	c        constraints.Constraint
	eventDim int
	hasEvent bool
}

// WithConstraint makes a new parameter constrained to c (stored
// unconstrained through BijectTo(c)). As in Pyro, the constraint of a
// parameter already in the store is kept.
func WithConstraint(c constraints.Constraint) ParamOption { return ParamOption{c: c} }

// WithEventDim sets the param site's event_dim.
func WithEventDim(n int) ParamOption { return ParamOption{eventDim: n, hasEvent: true} }

// Param is Pyro's pyro.param: the named parameter from the runtime's store,
// created from init (a constrained value) on first use. Its unconstrained
// value is recorded on the tape as a leaf that gradients flow to
// (Msg.Unconstrained of the param site, and Runtime.ParamUses), mapped onto
// its constraint, and sent through the handler stack as a "param" message.
func (r *Runtime) Param(name string, init *tensor.Dense, opts ...ParamOption) ad.V {
	e := r.Params.Get(name)
	var c constraints.Constraint
	eventDim, hasEvent := 0, false
	for _, o := range opts {
		if o.c != nil {
			c = o.c
		}
		if o.hasEvent {
			eventDim, hasEvent = o.eventDim, true
		}
	}
	if e == nil {
		if init == nil {
			failSite(name, "param: not in the param store and no initial value given")
		}
		if err := r.Params.SetConstrained(name, init, c); err != nil {
			panic(err)
		}
		e = r.Params.Get(name)
	}
	leaf := r.Tape.Param(e.Shape, e.Data)
	r.paramLog = append(r.paramLog, ParamUse{Entry: e, Leaf: leaf})
	value := leaf
	if e.Constraint != constraints.Real {
		value = e.Transform.Forward(leaf)
	}
	m := r.NewMsg()
	m.Type = TypeParam
	m.Name = name
	m.Value = value
	m.Unconstrained = leaf
	m.Constraint = e.Constraint
	if hasEvent {
		m.EventDim = eventDim
	} else {
		m.EventDim = len(e.CShape)
	}
	r.Apply(m)
	return m.Value
}

// ParamLazy is Param with a lazily built initial value: init runs only when
// the store lacks the parameter, so a warmed-up model allocates nothing.
func (r *Runtime) ParamLazy(name string, init func() *tensor.Dense, opts ...ParamOption) ad.V {
	var v *tensor.Dense
	if r.Params.Get(name) == nil {
		v = init()
	}
	return r.Param(name, v, opts...)
}

// ---------------------------------------------------------------------------
// save / load (safetensors)

// Save writes the store to path in the safetensors format (a little-endian
// uint64 header length, a JSON header mapping each name to its dtype
// "F64", shape and byte offsets, then the raw data), which other tools
// (Python's safetensors, Rust, …) read. The file is written to a temporary
// file in the same directory and renamed over path, so a crash never
// leaves a partial file.
func (ps *ParamStore) Save(path string) error {
	type info struct {
		Dtype   string   `json:"dtype"`
		Shape   []int    `json:"shape"`
		Offsets [2]int64 `json:"data_offsets"`
	}
	header := map[string]any{"__metadata__": map[string]string{"format": "gyro-paramstore", "constraints": ps.constraintsJSON()}}
	var off int64
	for _, e := range ps.entries {
		n := int64(len(e.Data)) * 8
		header[e.Name] = info{Dtype: "F64", Shape: nonNil(e.Shape), Offsets: [2]int64{off, off + n}}
		off += n
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("poutine: save %s: %w", path, err)
	}
	for len(hj)%8 != 0 { // align the data section
		hj = append(hj, ' ')
	}
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, uint64(len(hj)))
	buf.Write(hj)
	for _, e := range ps.entries {
		for _, x := range e.Data {
			binary.Write(&buf, binary.LittleEndian, math.Float64bits(x))
		}
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".paramstore-*")
	if err != nil {
		return fmt.Errorf("poutine: save %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(buf.Bytes())
	serr := f.Sync()
	cerr := f.Close()
	if werr != nil || serr != nil || cerr != nil {
		os.Remove(tmp)
		return fmt.Errorf("poutine: save %s: write failed: %v", path, firstErr(werr, serr, cerr))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("poutine: save %s: %w", path, err)
	}
	return nil
}

func (ps *ParamStore) constraintsJSON() string {
	m := map[string]string{}
	for _, e := range ps.entries {
		m[e.Name] = e.Constraint.Name()
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// constraintByName maps the constraint names Save writes back to
// constraints (those with a bijection and no parameters).
var constraintByName = func() map[string]constraints.Constraint {
	m := map[string]constraints.Constraint{}
	for _, c := range []constraints.Constraint{constraints.Real, constraints.Positive, constraints.NonNegative,
		constraints.SoftplusPositive, constraints.UnitInterval, constraints.Simplex, constraints.OrderedVector,
		constraints.PositiveOrderedVector, constraints.LowerCholesky, constraints.SoftplusLowerCholesky,
		constraints.UnitLowerCholesky, constraints.CorrCholesky, constraints.PositiveDefinite, constraints.CorrMatrix,
		constraints.RealVector} {
		m[c.Name()] = c
	}
	return m
}()

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Load reads a safetensors file written by Save (or any safetensors file of
// F64 tensors) and replaces the store's contents with it. A truncated or
// corrupt file is an error that says what is wrong, and leaves the store
// unchanged.
func (ps *ParamStore) Load(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("poutine: load %s: %w", path, err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("poutine: load %s: "+format, append([]any{path}, args...)...)
	}
	if len(raw) < 8 {
		return bad("file is %d bytes, too short for a safetensors header", len(raw))
	}
	hl := binary.LittleEndian.Uint64(raw[:8])
	if hl > uint64(len(raw)-8) {
		return bad("header length %d exceeds the file size %d (truncated?)", hl, len(raw))
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(raw[8:8+hl], &header); err != nil {
		return bad("corrupt header: %v", err)
	}
	data := raw[8+hl:]
	type info struct {
		Dtype   string   `json:"dtype"`
		Shape   []int    `json:"shape"`
		Offsets [2]int64 `json:"data_offsets"`
	}
	type item struct {
		name string
		inf  info
	}
	var items []item
	for name, msg := range header {
		if name == "__metadata__" {
			continue
		}
		var inf info
		if err := json.Unmarshal(msg, &inf); err != nil {
			return bad("entry %q: %v", name, err)
		}
		if inf.Dtype != "F64" {
			return bad("entry %q has dtype %s; only F64 is supported", name, inf.Dtype)
		}
		n := int64(8)
		for _, d := range inf.Shape {
			if d < 0 {
				return bad("entry %q has a negative dimension in shape %v", name, inf.Shape)
			}
			n *= int64(d)
		}
		if inf.Offsets[0] < 0 || inf.Offsets[1]-inf.Offsets[0] != n || inf.Offsets[1] > int64(len(data)) {
			return bad("entry %q: data offsets %v do not match shape %v within %d data bytes (truncated?)", name, inf.Offsets, inf.Shape, len(data))
		}
		items = append(items, item{name, inf})
	}
	cons := map[string]string{}
	if meta, ok := header["__metadata__"]; ok {
		var md map[string]string
		if err := json.Unmarshal(meta, &md); err != nil {
			return bad("corrupt __metadata__: %v", err)
		}
		if cj, ok := md["constraints"]; ok {
			if err := json.Unmarshal([]byte(cj), &cons); err != nil {
				return bad("corrupt constraints metadata: %v", err)
			}
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].inf.Offsets[0] < items[j].inf.Offsets[0] })
	fresh := NewParamStore()
	for _, it := range items {
		b := data[it.inf.Offsets[0]:it.inf.Offsets[1]]
		vals := make([]float64, len(b)/8)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
			if math.IsNaN(vals[i]) || math.IsInf(vals[i], 0) {
				return bad("entry %q has %v at flat index %d", it.name, vals[i], i)
			}
		}
		c := constraints.Real
		if name, ok := cons[it.name]; ok {
			c = constraintByName[name]
			if c == nil {
				return bad("entry %q has constraint %q, which this version cannot restore", it.name, name)
			}
		}
		tf, err := transforms.BijectTo(c)
		if err != nil {
			return bad("entry %q: %v", it.name, err)
		}
		cs, err := tf.ForwardShape(it.inf.Shape)
		if err != nil {
			return bad("entry %q: %v", it.name, err)
		}
		e := &ParamEntry{Name: it.name, Shape: append([]int{}, it.inf.Shape...), Data: vals, Grad: make([]float64, len(vals)),
			Constraint: c, Transform: tf, CShape: append([]int{}, cs.Slice()...)}
		fresh.index[it.name] = len(fresh.entries)
		fresh.entries = append(fresh.entries, e)
	}
	ps.entries, ps.index = fresh.entries, fresh.index
	return nil
}
