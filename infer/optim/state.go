package optim

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// stateFormat tags files written by SaveState.
const stateFormat = "gyro-optim-state/1"

// savedParam is one parameter's record in the "params" metadata entry.
type savedParam struct {
	Name    string             `json:"name"`
	Size    int                `json:"size"`
	Step    int64              `json:"step"`
	Scalars map[string]float64 `json:"scalars,omitempty"`
}

type tensorInfo struct {
	Dtype   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// SaveState writes the optimizer's learning rate and per-parameter state to
// path in the safetensors format (as poutine.ParamStore.Save does): an
// 8-byte little-endian header length, a JSON header, then the raw
// little-endian float64 data.
//
// Each per-element buffer of a parameter is the F64 tensor
// "<param>:<buffer>" of shape [size] (buffer names as in ParamState, e.g.
// "loc:exp_avg"). The header's "__metadata__" holds strings: "format"
// ("gyro-optim-state/1"), "optimizer" (its Name), "lr" (the current
// learning rate, shortest decimal that round-trips float64), "config" (the
// Config as JSON) and "params", a JSON array with one object per parameter,
// sorted by name: {"name", "size", "step", "scalars"}. JSON numbers are
// written in Go's shortest round-trip form, so a loaded state is bit-for-bit
// the saved one. The file is written to a temporary file in the same
// directory and renamed over path.
func (c *core) SaveState(path string) error {
	names := c.StateNames()
	bn, sn := c.rule.bufNames(), c.rule.scalarNames()
	records := make([]savedParam, 0, len(names))
	header := map[string]any{}
	var off int64
	for _, name := range names {
		s := c.state[name]
		rec := savedParam{Name: name, Size: s.n, Step: s.step}
		if len(sn) > 0 {
			rec.Scalars = map[string]float64{}
			for i, k := range sn {
				rec.Scalars[k] = s.scal[i]
			}
		}
		records = append(records, rec)
		for _, b := range bn {
			n := int64(s.n) * 8
			header[name+":"+b] = tensorInfo{Dtype: "F64", Shape: []int{s.n}, Offsets: [2]int64{off, off + n}}
			off += n
		}
	}
	pj, err := json.Marshal(records)
	if err != nil {
		return fmt.Errorf("optim: %s: save %s: %w", c.name, path, err)
	}
	cj, err := json.Marshal(c.cfg)
	if err != nil {
		return fmt.Errorf("optim: %s: save %s: %w", c.name, path, err)
	}
	header["__metadata__"] = map[string]string{
		"format":    stateFormat,
		"optimizer": c.name,
		"lr":        strconv.FormatFloat(c.cfg.LR, 'g', -1, 64),
		"config":    string(cj),
		"params":    string(pj),
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("optim: %s: save %s: %w", c.name, path, err)
	}
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	out := make([]byte, 8, 8+len(hj)+int(off))
	binary.LittleEndian.PutUint64(out, uint64(len(hj)))
	out = append(out, hj...)
	for _, name := range names {
		s := c.state[name]
		for i := range bn {
			for _, x := range s.bufs[i] {
				out = binary.LittleEndian.AppendUint64(out, math.Float64bits(x))
			}
		}
	}
	return writeAtomic(path, out)
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".optimstate-*")
	if err != nil {
		return fmt.Errorf("optim: save %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	for _, e := range []error{werr, serr, cerr} {
		if e != nil {
			os.Remove(tmp)
			return fmt.Errorf("optim: save %s: %w", path, e)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("optim: save %s: %w", path, err)
	}
	return nil
}

// LoadState reads a file written by SaveState for an optimizer of the same
// kind and options (the same buffers) and replaces this optimizer's
// learning rate and per-parameter state with it. The other hyperparameters
// stay those given to the constructor. A missing, truncated or corrupt
// file, or one saved by another optimizer, is an error that says what is
// wrong and leaves the optimizer unchanged.
func (c *core) LoadState(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("optim: %s: load %s: %w", c.name, path, err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("optim: %s: load %s: "+format, append([]any{c.name, path}, args...)...)
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
	var meta map[string]string
	if m, ok := header["__metadata__"]; !ok {
		return bad("no __metadata__ entry: not an optimizer state file")
	} else if err := json.Unmarshal(m, &meta); err != nil {
		return bad("corrupt __metadata__: %v", err)
	}
	if meta["format"] != stateFormat {
		return bad("format %q, want %q: not an optimizer state file", meta["format"], stateFormat)
	}
	if meta["optimizer"] != c.name {
		return bad("the file holds %s state, not %s state", meta["optimizer"], c.name)
	}
	lr, err := strconv.ParseFloat(meta["lr"], 64)
	if err != nil || !(lr > 0) || math.IsInf(lr, 0) {
		return bad("learning rate %q is not a finite number > 0", meta["lr"])
	}
	var records []savedParam
	if err := json.Unmarshal([]byte(meta["params"]), &records); err != nil {
		return bad("corrupt params metadata: %v", err)
	}
	bn, sn := c.rule.bufNames(), c.rule.scalarNames()
	used := map[string]bool{"__metadata__": true}
	fresh := make(map[string]*slot, len(records))
	for _, rec := range records {
		if rec.Name == "" {
			return bad("a parameter record has no name")
		}
		if fresh[rec.Name] != nil {
			return bad("parameter %q is listed twice", rec.Name)
		}
		if rec.Size < 0 || rec.Step < 0 {
			return bad("parameter %q has size %d and step %d; both must be ≥ 0", rec.Name, rec.Size, rec.Step)
		}
		s := c.newSlot(rec.Name, rec.Size)
		s.step = rec.Step
		for i, k := range sn {
			v, ok := rec.Scalars[k]
			if !ok {
				return bad("parameter %q lacks the scalar %q", rec.Name, k)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return bad("parameter %q: scalar %q is %v", rec.Name, k, v)
			}
			s.scal[i] = v
		}
		if len(rec.Scalars) != len(sn) {
			return bad("parameter %q has scalars %v; %s keeps %v", rec.Name, keys(rec.Scalars), c.name, sn)
		}
		for i, b := range bn {
			key := rec.Name + ":" + b
			msg, ok := header[key]
			if !ok {
				return bad("tensor %q is missing (saved with different options?)", key)
			}
			used[key] = true
			var inf tensorInfo
			if err := json.Unmarshal(msg, &inf); err != nil {
				return bad("tensor %q: %v", key, err)
			}
			if inf.Dtype != "F64" {
				return bad("tensor %q has dtype %s; want F64", key, inf.Dtype)
			}
			if len(inf.Shape) != 1 || inf.Shape[0] != rec.Size {
				return bad("tensor %q has shape %v; want [%d]", key, inf.Shape, rec.Size)
			}
			n := int64(rec.Size) * 8
			if inf.Offsets[0] < 0 || inf.Offsets[1]-inf.Offsets[0] != n || inf.Offsets[1] > int64(len(data)) {
				return bad("tensor %q: data offsets %v do not fit %d values within %d data bytes (truncated?)", key, inf.Offsets, rec.Size, len(data))
			}
			src := data[inf.Offsets[0]:inf.Offsets[1]]
			dst := s.bufs[i]
			for j := range dst {
				v := math.Float64frombits(binary.LittleEndian.Uint64(src[8*j:]))
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return bad("tensor %q has %v at index %d (corrupt?)", key, v, j)
				}
				dst[j] = v
			}
		}
		fresh[rec.Name] = s
	}
	for key := range header {
		if !used[key] {
			return bad("tensor %q is not part of %s's state (saved with different options?)", key, c.name)
		}
	}
	c.state = fresh
	c.cfg.LR = lr
	return nil
}

func keys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
