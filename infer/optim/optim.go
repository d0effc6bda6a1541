package optim

import (
	"fmt"
	"math"
	"sort"

	"github.com/gyro-ppl/gyro/poutine"
)

// Param is one parameter seen by an optimizer: its name (the key of its
// optimizer state), its values, updated in place, and the gradient of the
// loss with respect to them. Data and Grad must have the same length.
type Param struct {
	Name string
	Data []float64
	Grad []float64
}

// LRSetter is the part of an optimizer a learning-rate scheduler needs.
type LRSetter interface {
	// LR returns the current learning rate.
	LR() float64
	// SetLR changes the learning rate; lr must be finite and > 0.
	SetLR(lr float64) error
}

// Optimizer is implemented by every optimizer in this package. All of them
// minimize.
type Optimizer interface {
	LRSetter
	// Name is the optimizer's name as PyTorch/Pyro spell it ("Adam").
	Name() string
	// StepParams takes one step on params. It checks every parameter
	// before changing any (see GradError), creates state for names it has
	// not seen, and allocates nothing once every name has state.
	StepParams(params []Param) error
	// Step is StepParams over param-store entries (their Name, Data and
	// Grad); its signature is the one infer.SVI expects.
	Step(entries []*poutine.ParamEntry) error
	// StepStore steps every entry of ps.
	StepStore(ps *poutine.ParamStore) error
	// Config returns the hyperparameters.
	Config() Config
	// State returns a copy of the state kept for the parameter called name.
	State(name string) (ParamState, bool)
	// StateNames lists the parameters that have state, sorted.
	StateNames() []string
	// ResetState forgets all per-parameter state (the learning rate is kept).
	ResetState()
	// Forget drops the state of one parameter, so that its next step starts
	// afresh (needed when a parameter is replaced by one of another size).
	Forget(name string)
	// SaveState writes the learning rate and the per-parameter state to path.
	SaveState(path string) error
	// LoadState replaces the learning rate and state with those in path.
	LoadState(path string) error
}

// ParamState is a copy of the state an optimizer keeps for one parameter.
type ParamState struct {
	// Step counts the steps taken on this parameter.
	Step int64
	// Buffers holds the per-element state by PyTorch's names (for Adam
	// "exp_avg", "exp_avg_sq" and, with AMSGrad, "max_exp_avg_sq").
	Buffers map[string][]float64
	// Scalars holds per-parameter scalar state (ClippedAdam's "lr_factor").
	Scalars map[string]float64
}

// GradError reports a gradient entry that is NaN or infinite. The step that
// returns it changes nothing.
type GradError struct {
	Optimizer string
	Param     string
	Index     int
	Value     float64
}

func (e *GradError) Error() string {
	return fmt.Sprintf("optim: %s: gradient of parameter %q has %v at flat index %d; no parameter was updated",
		e.Optimizer, e.Param, e.Value, e.Index)
}

// Must returns opt, or panics with err when it is not nil. It lets a
// constructor be used inline: optim.Must(optim.NewAdam(0.01)).
func Must[T Optimizer](opt T, err error) T {
	if err != nil {
		panic(err)
	}
	return opt
}

// ---------------------------------------------------------------------------
// per-parameter state and the shared stepping engine

// slot is the state of one parameter.
type slot struct {
	name string
	n    int
	step int64
	bufs [][]float64 // rule.bufNames() order, each of length n
	scal []float64   // rule.scalarNames() order
	mark uint64      // generation of the last StepParams that saw it
}

// rule is one optimizer's update: the names of its per-element buffers and
// per-parameter scalars, their initial values, and the update of one
// parameter (x in place) from its gradient g, with s.step already counting
// this step.
type rule interface {
	bufNames() []string
	scalarNames() []string
	initSlot(c *Config, s *slot)
	update(c *Config, s *slot, x, g []float64)
}

// core is the engine shared by every optimizer: state map, checks, save and
// load. The concrete optimizers embed it.
type core struct {
	name  string
	cfg   Config
	rule  rule
	state map[string]*slot
	gen   uint64
	slots []*slot // per-step scratch, parallel to the params being stepped
	buf   []Param // scratch for Step / StepStore
}

func newCore(name string, cfg Config, r rule) core {
	return core{name: name, cfg: cfg, rule: r, state: map[string]*slot{}}
}

// Name returns the optimizer's name.
func (c *core) Name() string { return c.name }

// Config returns a copy of the hyperparameters (LR is the current learning
// rate, which schedulers change).
func (c *core) Config() Config { return c.cfg }

// LR returns the current learning rate (AdagradRMSProp: eta).
func (c *core) LR() float64 { return c.cfg.LR }

// SetLR sets the learning rate; it must be finite and > 0.
func (c *core) SetLR(lr float64) error {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("optim: %s: SetLR: learning rate must be finite and > 0, got %v", c.name, lr)
	}
	c.cfg.LR = lr
	return nil
}

// Step steps the given param-store entries; see StepParams.
func (c *core) Step(entries []*poutine.ParamEntry) error {
	c.buf = c.buf[:0]
	for i, e := range entries {
		if e == nil {
			return fmt.Errorf("optim: %s: entry %d is nil", c.name, i)
		}
		c.buf = append(c.buf, Param{Name: e.Name, Data: e.Data, Grad: e.Grad})
	}
	return c.StepParams(c.buf)
}

// StepStore steps every entry of ps; see StepParams.
func (c *core) StepStore(ps *poutine.ParamStore) error {
	if ps == nil {
		return fmt.Errorf("optim: %s: StepStore: nil param store", c.name)
	}
	return c.Step(ps.Entries())
}

// StepParams takes one optimization step on params, moving each Data
// against its Grad. Before changing anything it checks that every
// parameter has a non-empty name used once, len(Data) == len(Grad), a
// length matching its existing state, and a finite gradient (a NaN or ±Inf
// gradient is a *GradError naming the parameter and index); on any error
// nothing is updated. State for a new name is created on its first step.
func (c *core) StepParams(params []Param) error {
	c.gen++
	c.slots = c.slots[:0]
	for i := range params {
		p := &params[i]
		if p.Name == "" {
			return fmt.Errorf("optim: %s: parameter %d has an empty name", c.name, i)
		}
		if len(p.Data) != len(p.Grad) {
			return fmt.Errorf("optim: %s: parameter %q has %d values but %d gradient entries", c.name, p.Name, len(p.Data), len(p.Grad))
		}
		if j := firstNonFinite(p.Grad); j >= 0 {
			return &GradError{Optimizer: c.name, Param: p.Name, Index: j, Value: p.Grad[j]}
		}
		s := c.state[p.Name]
		if s != nil {
			if s.mark == c.gen {
				return fmt.Errorf("optim: %s: parameter %q appears twice in one step", c.name, p.Name)
			}
			if s.n != len(p.Data) {
				return fmt.Errorf("optim: %s: parameter %q has %d values but its optimizer state has %d (call Forget(%q) after resizing it)",
					c.name, p.Name, len(p.Data), s.n, p.Name)
			}
			s.mark = c.gen
		} else {
			for k := 0; k < i; k++ {
				if params[k].Name == p.Name {
					return fmt.Errorf("optim: %s: parameter %q appears twice in one step", c.name, p.Name)
				}
			}
		}
		c.slots = append(c.slots, s)
	}
	for i := range params {
		p := &params[i]
		s := c.slots[i]
		if s == nil {
			s = c.newSlot(p.Name, len(p.Data))
			s.mark = c.gen
			c.state[p.Name] = s
		}
		s.step++
		c.rule.update(&c.cfg, s, p.Data, p.Grad)
	}
	return nil
}

func (c *core) newSlot(name string, n int) *slot {
	bn, sn := c.rule.bufNames(), c.rule.scalarNames()
	s := &slot{name: name, n: n, bufs: make([][]float64, len(bn)), scal: make([]float64, len(sn))}
	backing := make([]float64, n*len(bn))
	for i := range bn {
		s.bufs[i] = backing[i*n : (i+1)*n : (i+1)*n]
	}
	c.rule.initSlot(&c.cfg, s)
	return s
}

// State returns a copy of the state kept for the parameter called name.
func (c *core) State(name string) (ParamState, bool) {
	s := c.state[name]
	if s == nil {
		return ParamState{}, false
	}
	ps := ParamState{Step: s.step, Buffers: map[string][]float64{}, Scalars: map[string]float64{}}
	for i, bn := range c.rule.bufNames() {
		ps.Buffers[bn] = append([]float64(nil), s.bufs[i]...)
	}
	for i, sn := range c.rule.scalarNames() {
		ps.Scalars[sn] = s.scal[i]
	}
	return ps, true
}

// StateNames lists, sorted, the parameters that have state.
func (c *core) StateNames() []string {
	out := make([]string, 0, len(c.state))
	for n := range c.state {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ResetState forgets all per-parameter state; the learning rate is kept.
func (c *core) ResetState() { clear(c.state) }

// Forget drops the state of the parameter called name (no-op when absent).
func (c *core) Forget(name string) { delete(c.state, name) }

// firstNonFinite returns the index of the first NaN or ±Inf in g, or −1.
// The fast pass sums g[i]·0, which is NaN exactly when some g[i] is NaN or
// infinite, in four independent accumulators and without branches.
func firstNonFinite(g []float64) int {
	var a0, a1, a2, a3 float64
	i := 0
	for ; i+4 <= len(g); i += 4 {
		a0 += g[i] * 0
		a1 += g[i+1] * 0
		a2 += g[i+2] * 0
		a3 += g[i+3] * 0
	}
	for ; i < len(g); i++ {
		a0 += g[i] * 0
	}
	if a0+a1+a2+a3 == 0 {
		return -1
	}
	for j, x := range g {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return j
		}
	}
	return -1
}
