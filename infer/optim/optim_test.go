package optim_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// sviOptimizer is infer.Optimizer's method set, restated here so that this
// package's tests do not depend on package infer building.
type sviOptimizer interface {
	Step(params []*poutine.ParamEntry) error
}

var (
	_ sviOptimizer    = (*optim.Adam)(nil)
	_ optim.Optimizer = (*optim.SGD)(nil)
	_ optim.Optimizer = (*optim.Adam)(nil)
	_ optim.Optimizer = (*optim.AdamW)(nil)
	_ optim.Optimizer = (*optim.ClippedAdam)(nil)
	_ optim.Optimizer = (*optim.Adagrad)(nil)
	_ optim.Optimizer = (*optim.RMSprop)(nil)
	_ optim.Optimizer = (*optim.Adadelta)(nil)
	_ optim.Optimizer = (*optim.AdagradRMSProp)(nil)
)

// configs covers every optimizer and every state buffer variant.
var configs = []struct {
	name string
	make func() (optim.Optimizer, error)
}{
	{"SGD", func() (optim.Optimizer, error) { return optim.NewSGD(1e-3) }},
	{"SGD-momentum", func() (optim.Optimizer, error) {
		return optim.NewSGD(1e-4, optim.Momentum(0.9), optim.Dampening(0.1), optim.WeightDecay(0.01))
	}},
	{"SGD-nesterov", func() (optim.Optimizer, error) { return optim.NewSGD(1e-4, optim.Momentum(0.9), optim.Nesterov(true)) }},
	{"Adam", func() (optim.Optimizer, error) { return optim.NewAdam(0.05) }},
	{"Adam-amsgrad", func() (optim.Optimizer, error) {
		return optim.NewAdam(0.05, optim.AMSGrad(true), optim.WeightDecay(0.1), optim.Betas(0.8, 0.99))
	}},
	{"AdamW", func() (optim.Optimizer, error) { return optim.NewAdamW(0.05, optim.AMSGrad(true)) }},
	{"ClippedAdam", func() (optim.Optimizer, error) {
		return optim.NewClippedAdam(0.05, optim.ClipNorm(5), optim.LRD(0.97), optim.WeightDecay(0.01))
	}},
	{"Adagrad", func() (optim.Optimizer, error) {
		return optim.NewAdagrad(0.1, optim.LRDecay(0.01), optim.InitialAccumulatorValue(0.1))
	}},
	{"RMSprop", func() (optim.Optimizer, error) { return optim.NewRMSprop(0.01) }},
	{"RMSprop-centered-momentum", func() (optim.Optimizer, error) {
		return optim.NewRMSprop(0.01, optim.Centered(true), optim.Momentum(0.5), optim.WeightDecay(0.01))
	}},
	{"Adadelta", func() (optim.Optimizer, error) { return optim.NewAdadelta(1, optim.Rho(0.8)) }},
	{"AdagradRMSProp", func() (optim.Optimizer, error) { return optim.NewAdagradRMSProp(optim.Eta(0.1), optim.T(0.2)) }},
}

// bothProblems holds the quadratic's w and b and the Rosenbrock z, so a
// step touches three parameters of different sizes.
type bothProblems struct{ q, r problem }

func newBoth() *bothProblems { return &bothProblems{newProblem("quadratic"), newProblem("rosenbrock")} }

func (b *bothProblems) params() []optim.Param {
	return append(append([]optim.Param(nil), b.q.params...), b.r.params...)
}

func (b *bothProblems) grads() {
	for _, p := range b.q.params {
		b.q.grad(p.Name, p.Data, p.Grad)
	}
	for _, p := range b.r.params {
		b.r.grad(p.Name, p.Data, p.Grad)
	}
}

func snapshot(ps []optim.Param) [][]float64 {
	out := make([][]float64, len(ps))
	for i, p := range ps {
		out[i] = append([]float64(nil), p.Data...)
	}
	return out
}

func stateOf(o optim.Optimizer) map[string]optim.ParamState {
	m := map[string]optim.ParamState{}
	for _, n := range o.StateNames() {
		s, _ := o.State(n)
		m[n] = s
	}
	return m
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestConstructorErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		make      func() (optim.Optimizer, error)
		opt, what string
	}{
		{func() (optim.Optimizer, error) { return optim.NewSGD(0) }, "SGD", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewSGD(-1) }, "SGD", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewSGD(nan) }, "SGD", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewSGD(0.1, optim.Momentum(-0.1)) }, "SGD", "momentum"},
		{func() (optim.Optimizer, error) { return optim.NewSGD(0.1, optim.Dampening(1.5)) }, "SGD", "dampening"},
		{func() (optim.Optimizer, error) { return optim.NewSGD(0.1, optim.WeightDecay(-1)) }, "SGD", "weight_decay"},
		{func() (optim.Optimizer, error) { return optim.NewSGD(0.1, optim.Nesterov(true)) }, "SGD", "Nesterov"},
		{func() (optim.Optimizer, error) {
			return optim.NewSGD(0.1, optim.Nesterov(true), optim.Momentum(0.9), optim.Dampening(0.1))
		}, "SGD", "dampening"},
		{func() (optim.Optimizer, error) { return optim.NewSGD(0.1, optim.Betas(0.9, 0.99)) }, "SGD", "Betas does not apply"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(0) }, "Adam", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(inf) }, "Adam", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(1e-3, optim.Betas(-0.1, 0.9)) }, "Adam", "betas[0]"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(1e-3, optim.Betas(0.9, 1)) }, "Adam", "betas[1]"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(1e-3, optim.Eps(-1e-8)) }, "Adam", "eps"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(1e-3, optim.Eps(0)) }, "Adam", "eps"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(1e-3, optim.WeightDecay(nan)) }, "Adam", "weight_decay"},
		{func() (optim.Optimizer, error) { return optim.NewAdam(1e-3, optim.Momentum(0.9)) }, "Adam", "Momentum does not apply"},
		{func() (optim.Optimizer, error) { return optim.NewAdamW(-1) }, "AdamW", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewAdamW(1e-3, optim.WeightDecay(-0.01)) }, "AdamW", "weight_decay"},
		{func() (optim.Optimizer, error) { return optim.NewClippedAdam(0) }, "ClippedAdam", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewClippedAdam(1e-3, optim.ClipNorm(0)) }, "ClippedAdam", "clip_norm"},
		{func() (optim.Optimizer, error) { return optim.NewClippedAdam(1e-3, optim.LRD(-1)) }, "ClippedAdam", "lrd"},
		{func() (optim.Optimizer, error) { return optim.NewClippedAdam(1e-3, optim.Betas(0.9, -0.5)) }, "ClippedAdam", "betas[1]"},
		{func() (optim.Optimizer, error) { return optim.NewClippedAdam(1e-3, optim.AMSGrad(true)) }, "ClippedAdam", "AMSGrad does not apply"},
		{func() (optim.Optimizer, error) { return optim.NewAdagrad(0) }, "Adagrad", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewAdagrad(0.1, optim.LRDecay(-1)) }, "Adagrad", "lr_decay"},
		{func() (optim.Optimizer, error) { return optim.NewAdagrad(0.1, optim.InitialAccumulatorValue(-1)) }, "Adagrad", "initial_accumulator_value"},
		{func() (optim.Optimizer, error) { return optim.NewAdagrad(0.1, optim.Eps(-1)) }, "Adagrad", "eps"},
		{func() (optim.Optimizer, error) { return optim.NewRMSprop(-0.01) }, "RMSprop", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewRMSprop(0.01, optim.Alpha(1.5)) }, "RMSprop", "alpha"},
		{func() (optim.Optimizer, error) { return optim.NewRMSprop(0.01, optim.Momentum(-1)) }, "RMSprop", "momentum"},
		{func() (optim.Optimizer, error) { return optim.NewRMSprop(0.01, optim.Eps(-1)) }, "RMSprop", "eps"},
		{func() (optim.Optimizer, error) { return optim.NewAdadelta(0) }, "Adadelta", "lr"},
		{func() (optim.Optimizer, error) { return optim.NewAdadelta(1, optim.Rho(1.1)) }, "Adadelta", "rho"},
		{func() (optim.Optimizer, error) { return optim.NewAdadelta(1, optim.Eps(-1e-6)) }, "Adadelta", "eps"},
		{func() (optim.Optimizer, error) { return optim.NewAdagradRMSProp(optim.Eta(0)) }, "AdagradRMSProp", "eta"},
		{func() (optim.Optimizer, error) { return optim.NewAdagradRMSProp(optim.Delta(-1)) }, "AdagradRMSProp", "delta"},
		{func() (optim.Optimizer, error) { return optim.NewAdagradRMSProp(optim.T(2)) }, "AdagradRMSProp", "t"},
		{func() (optim.Optimizer, error) { return optim.NewAdagradRMSProp(optim.Eps(1)) }, "AdagradRMSProp", "Eps does not apply"},
	}
	for i, c := range cases {
		o, err := c.make()
		if err == nil {
			t.Errorf("case %d (%s %s): no error", i, c.opt, c.what)
			continue
		}
		if !reflect.ValueOf(o).IsNil() {
			t.Errorf("case %d: a non-nil optimizer came back with the error", i)
		}
		msg := err.Error()
		if !strings.Contains(msg, c.opt+":") || !strings.Contains(msg, c.what) {
			t.Errorf("case %d: error %q should name %s and %q", i, msg, c.opt, c.what)
		}
	}
	// Defaults are PyTorch's / Pyro's.
	a := optim.Must(optim.NewAdam(optim.DefaultAdamLR)).Config()
	if a.LR != 1e-3 || a.Beta1 != 0.9 || a.Beta2 != 0.999 || a.Eps != 1e-8 || a.WeightDecay != 0 || a.AMSGrad {
		t.Errorf("Adam defaults %+v", a)
	}
	if w := optim.Must(optim.NewAdamW(1e-3)).Config(); w.WeightDecay != 1e-2 {
		t.Errorf("AdamW default weight decay %v", w.WeightDecay)
	}
	if c := optim.Must(optim.NewClippedAdam(1e-3)).Config(); c.ClipNorm != 10 || c.LRD != 1 || c.Eps != 1e-8 {
		t.Errorf("ClippedAdam defaults %+v", c)
	}
	if c := optim.Must(optim.NewAdagrad(optim.DefaultAdagradLR)).Config(); c.LR != 1e-2 || c.Eps != 1e-10 || c.InitAcc != 0 || c.LRDecay != 0 {
		t.Errorf("Adagrad defaults %+v", c)
	}
	if c := optim.Must(optim.NewRMSprop(optim.DefaultRMSpropLR)).Config(); c.LR != 1e-2 || c.Alpha != 0.99 || c.Eps != 1e-8 || c.Momentum != 0 || c.Centered {
		t.Errorf("RMSprop defaults %+v", c)
	}
	if c := optim.Must(optim.NewAdadelta(optim.DefaultAdadeltaLR)).Config(); c.LR != 1 || c.Rho != 0.9 || c.Eps != 1e-6 {
		t.Errorf("Adadelta defaults %+v", c)
	}
	if c := optim.Must(optim.NewAdagradRMSProp()).Config(); c.LR != 1 || c.Delta != 1e-16 || c.T != 0.1 {
		t.Errorf("AdagradRMSProp defaults %+v", c)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Must did not panic on an error")
			}
		}()
		optim.Must(optim.NewAdam(-1))
	}()
	o := optim.Must(optim.NewAdam(1e-3))
	for _, lr := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if err := o.SetLR(lr); err == nil || !strings.Contains(err.Error(), "Adam") {
			t.Errorf("SetLR(%v): %v", lr, err)
		}
	}
	if o.LR() != 1e-3 {
		t.Errorf("a refused SetLR changed lr to %v", o.LR())
	}
}

// A NaN or infinite gradient anywhere stops the whole step before any
// update, names the parameter and index, and the run continues exactly as
// if the bad step had never been attempted.
func TestNonFiniteGradientChangesNothing(t *testing.T) {
	for _, c := range configs {
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			o, _ := c.make()
			ref, _ := c.make()
			b, bref := newBoth(), newBoth()
			ps, psref := b.params(), bref.params()
			for k := 0; k < 3; k++ {
				b.grads()
				bref.grads()
				if err := o.StepParams(ps); err != nil {
					t.Fatal(err)
				}
				if err := ref.StepParams(psref); err != nil {
					t.Fatal(err)
				}
			}
			b.grads()
			before, stBefore := snapshot(ps), stateOf(o)
			ps[2].Grad[3] = bad // z[3]: the last parameter, so w and b come before it
			err := o.StepParams(ps)
			var ge *optim.GradError
			if !errors.As(err, &ge) || ge.Param != "z" || ge.Index != 3 || ge.Optimizer != o.Name() {
				t.Fatalf("%s: bad gradient %v: error %v", c.name, bad, err)
			}
			if !strings.Contains(err.Error(), `"z"`) || !strings.Contains(err.Error(), "index 3") {
				t.Errorf("%s: message %q", c.name, err)
			}
			for i := range ps {
				if !sameBits(ps[i].Data, before[i]) {
					t.Fatalf("%s: parameter %s changed by a failed step", c.name, ps[i].Name)
				}
			}
			if !reflect.DeepEqual(stBefore, stateOf(o)) {
				t.Fatalf("%s: state changed by a failed step", c.name)
			}
			for k := 0; k < 5; k++ {
				b.grads()
				bref.grads()
				if err := o.StepParams(ps); err != nil {
					t.Fatal(err)
				}
				if err := ref.StepParams(psref); err != nil {
					t.Fatal(err)
				}
			}
			for i := range ps {
				if !sameBits(ps[i].Data, psref[i].Data) {
					t.Fatalf("%s: run after a failed step differs from a clean run", c.name)
				}
			}
		}
	}
}

func TestStepValidation(t *testing.T) {
	o := optim.Must(optim.NewAdam(0.1))
	mk := func(name string, n, m int) optim.Param {
		return optim.Param{Name: name, Data: make([]float64, n), Grad: make([]float64, m)}
	}
	check := func(ps []optim.Param, want string) {
		t.Helper()
		err := o.StepParams(ps)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Adam") {
			t.Errorf("error %v; want one containing %q", err, want)
		}
	}
	check([]optim.Param{mk("a", 3, 2)}, `"a" has 3 values but 2 gradient`)
	check([]optim.Param{mk("", 1, 1)}, "empty name")
	check([]optim.Param{mk("a", 1, 1), mk("a", 1, 1)}, `"a" appears twice`)
	if len(o.StateNames()) != 0 {
		t.Fatalf("failed steps created state for %v", o.StateNames())
	}
	a := mk("a", 2, 2)
	a.Grad[0] = 1
	if err := o.StepParams([]optim.Param{a}); err != nil {
		t.Fatal(err)
	}
	check([]optim.Param{a, a}, `"a" appears twice`)
	check([]optim.Param{mk("a", 3, 3)}, "Forget")
	o.Forget("a")
	if err := o.StepParams([]optim.Param{mk("a", 3, 3)}); err != nil {
		t.Fatalf("after Forget: %v", err)
	}
	if s, ok := o.State("a"); !ok || s.Step != 1 || len(s.Buffers["exp_avg"]) != 3 {
		t.Fatalf("state after Forget and a step: %+v", s)
	}
	o.ResetState()
	if len(o.StateNames()) != 0 {
		t.Fatal("ResetState kept state")
	}
	if err := o.Step([]*poutine.ParamEntry{nil}); err == nil {
		t.Error("nil entry accepted")
	}
	if err := o.StepStore(nil); err == nil {
		t.Error("nil store accepted")
	}
	if err := o.StepParams(nil); err != nil {
		t.Errorf("empty step: %v", err)
	}
}

// Step over param-store entries and StepStore agree bit for bit with
// StepParams over the same values, and per-parameter step counts advance
// only for the parameters stepped.
func TestParamStoreAdapters(t *testing.T) {
	store := poutine.NewParamStore()
	if err := store.Set("loc", tensor.New([]int{2, 2}, []float64{1, -2, 3, 0.5})); err != nil {
		t.Fatal(err)
	}
	if err := store.Set("log_scale", tensor.New(nil, []float64{0.3})); err != nil {
		t.Fatal(err)
	}
	flat := []optim.Param{
		{Name: "loc", Data: []float64{1, -2, 3, 0.5}, Grad: make([]float64, 4)},
		{Name: "log_scale", Data: []float64{0.3}, Grad: make([]float64, 1)},
	}
	grad := func(x, g []float64) {
		for i := range x {
			g[i] = 2*x[i] - 1
		}
	}
	a := optim.Must(optim.NewClippedAdam(0.1, optim.LRD(0.9)))
	b := optim.Must(optim.NewClippedAdam(0.1, optim.LRD(0.9)))
	for k := 0; k < 6; k++ {
		for _, e := range store.Entries() {
			grad(e.Data, e.Grad)
		}
		for _, p := range flat {
			grad(p.Data, p.Grad)
		}
		var err error
		switch {
		case k%3 == 0:
			err = a.StepStore(store)
		case k%3 == 1:
			err = a.Step(store.Entries())
		default:
			err = a.Step(store.Entries()[:1]) // log_scale sits this step out
		}
		if err != nil {
			t.Fatal(err)
		}
		ps := flat
		if k%3 == 2 {
			ps = flat[:1]
		}
		if err := b.StepParams(ps); err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range store.Entries() {
		if !sameBits(e.Data, flat[i].Data) {
			t.Fatalf("%s: store %v, flat %v", e.Name, e.Data, flat[i].Data)
		}
	}
	sl, _ := a.State("loc")
	ss, _ := a.State("log_scale")
	if sl.Step != 6 || ss.Step != 4 {
		t.Fatalf("steps %d, %d; want 6, 4", sl.Step, ss.Step)
	}
	if want := math.Pow(0.9, 4); math.Abs(ss.Scalars["lr_factor"]-want) > 1e-15 {
		t.Fatalf("lr_factor %v, want %v", ss.Scalars["lr_factor"], want)
	}
	ps := optim.ParamsOf(nil, store.Entries())
	if len(ps) != 2 || &ps[0].Data[0] != &store.Entries()[0].Data[0] {
		t.Fatal("ParamsOf does not alias the entries")
	}
}

// SaveState mid-run and LoadState into a fresh optimizer continue the run
// bit for bit, including a learning rate changed by a scheduler.
func TestSaveLoadContinuesBitIdentical(t *testing.T) {
	dir := t.TempDir()
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			o, _ := c.make()
			b := newBoth()
			ps := b.params()
			for k := 0; k < 7; k++ {
				b.grads()
				if err := o.StepParams(ps); err != nil {
					t.Fatal(err)
				}
			}
			if err := o.SetLR(o.LR() * 0.5); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, c.name+".safetensors")
			if err := o.SaveState(path); err != nil {
				t.Fatal(err)
			}
			saved := snapshot(ps)
			for k := 0; k < 9; k++ {
				b.grads()
				if err := o.StepParams(ps); err != nil {
					t.Fatal(err)
				}
			}
			want := snapshot(ps)

			o2, _ := c.make()
			if err := o2.LoadState(path); err != nil {
				t.Fatal(err)
			}
			if o2.LR() != o.LR() {
				t.Fatalf("lr %v after load, want %v", o2.LR(), o.LR())
			}
			b2 := newBoth()
			ps2 := b2.params()
			for i := range ps2 {
				copy(ps2[i].Data, saved[i])
			}
			for k := 0; k < 9; k++ {
				b2.grads()
				if err := o2.StepParams(ps2); err != nil {
					t.Fatal(err)
				}
			}
			for i := range ps2 {
				if !sameBits(ps2[i].Data, want[i]) {
					t.Fatalf("%s: resumed %v, uninterrupted %v", ps2[i].Name, ps2[i].Data, want[i])
				}
			}
			if !reflect.DeepEqual(stateOf(o), stateOf(o2)) {
				t.Fatal("states differ after the continued run")
			}
			// Saving again gives the same bytes as a save of the original.
			p1, p2 := filepath.Join(dir, "x1"), filepath.Join(dir, "x2")
			if err := o.SaveState(p1); err != nil {
				t.Fatal(err)
			}
			if err := o2.SaveState(p2); err != nil {
				t.Fatal(err)
			}
			r1, _ := os.ReadFile(p1)
			r2, _ := os.ReadFile(p2)
			if !bytes.Equal(r1, r2) {
				t.Fatal("re-saved state differs")
			}
		})
	}
	if ents, _ := os.ReadDir(dir); len(ents) != len(configs)+2 {
		t.Errorf("temporary files left behind: %d entries in %s", len(ents), dir)
	}
}

func TestLoadStateErrors(t *testing.T) {
	dir := t.TempDir()
	src := optim.Must(optim.NewAdam(0.05, optim.AMSGrad(true)))
	b := newBoth()
	ps := b.params()
	for k := 0; k < 3; k++ {
		b.grads()
		if err := src.StepParams(ps); err != nil {
			t.Fatal(err)
		}
	}
	good := filepath.Join(dir, "good")
	if err := src.SaveState(good); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)

	// The target has its own, different state, which must survive every
	// failed load.
	dst := optim.Must(optim.NewAdam(0.01, optim.AMSGrad(true)))
	other := []optim.Param{{Name: "other", Data: []float64{1, 2}, Grad: []float64{0.5, -0.5}}}
	if err := dst.StepParams(other); err != nil {
		t.Fatal(err)
	}
	before := stateOf(dst)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	expect := func(path, want string) {
		t.Helper()
		err := dst.LoadState(path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Adam") {
			t.Errorf("load %s: error %v; want one containing %q", filepath.Base(path), err, want)
		}
		if !reflect.DeepEqual(before, stateOf(dst)) || dst.LR() != 0.01 {
			t.Fatalf("load %s: a failed load changed the optimizer", filepath.Base(path))
		}
	}
	expect(filepath.Join(dir, "missing"), "no such file")
	expect(write("short", raw[:5]), "too short")
	expect(write("trunc-header", raw[:40]), "truncated")
	for _, cut := range []int{len(raw) - 1, len(raw) - 8, len(raw) - 100} {
		expect(write("trunc-data", raw[:cut]), "truncated")
	}
	corrupt := append([]byte(nil), raw...)
	corrupt[8] = '#' // the header's opening brace
	expect(write("corrupt", corrupt), "corrupt header")
	nanFile := append([]byte(nil), raw...)
	for i := 0; i < 8; i++ { // last value of the last tensor becomes NaN
		nanFile[len(nanFile)-8+i] = []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f}[i]
	}
	expect(write("nan", nanFile), "NaN")
	expect(write("json", []byte("{\"a\": 1}\n")), "header length")

	plain := optim.Must(optim.NewAdam(0.01))
	if err := plain.LoadState(good); err == nil || !strings.Contains(err.Error(), "max_exp_avg_sq") {
		t.Errorf("AMSGrad state into plain Adam: %v", err)
	}
	w := optim.Must(optim.NewAdamW(0.01, optim.AMSGrad(true)))
	if err := w.LoadState(good); err == nil || !strings.Contains(err.Error(), "Adam state, not AdamW") {
		t.Errorf("Adam state into AdamW: %v", err)
	}
	store := poutine.NewParamStore()
	_ = store.Set("x", tensor.New([]int{1}, []float64{1}))
	sp := filepath.Join(dir, "params")
	if err := store.Save(sp); err != nil {
		t.Fatal(err)
	}
	expect(sp, "not an optimizer state file")
	if err := dst.LoadState(good); err != nil {
		t.Fatalf("good file: %v", err)
	}
	if !reflect.DeepEqual(stateOf(dst), stateOf(src)) || dst.LR() != 0.05 {
		t.Fatal("load of the good file did not reproduce the state")
	}
	if err := src.SaveState(filepath.Join(dir, "no-such-dir", "x")); err == nil {
		t.Error("save into a missing directory succeeded")
	}
}

func TestOptimizersMinimize(t *testing.T) {
	for _, c := range configs {
		o, _ := c.make()
		p := newProblem("quadratic")
		f := func() float64 {
			w, b := p.params[0].Data, p.params[1].Data
			s := 0.0
			for i := 0; i < 3; i++ {
				for j := 0; j < 3; j++ {
					s += 0.5 * (w[i] - qC[i]) * qA[i][j] * (w[j] - qC[j])
				}
			}
			for i := 0; i < 2; i++ {
				s += 0.5 * qK[i] * (b[i] - qD[i]) * (b[i] - qD[i])
			}
			return s
		}
		f0 := f()
		for k := 1; k <= 300; k++ {
			if err := p.step(o, k, false, nil); err != nil {
				t.Fatal(err)
			}
		}
		if f1 := f(); !(f1 < 0.5*f0) {
			t.Errorf("%s: loss %v → %v after 300 steps", c.name, f0, f1)
		}
	}
}

func TestZeroAllocsPerStep(t *testing.T) {
	for _, c := range configs {
		o, _ := c.make()
		b := newBoth()
		ps := b.params()
		store := poutine.NewParamStore()
		_ = store.Set("s1", tensor.New([]int{5}, []float64{1, 2, 3, 4, 5}))
		_ = store.Set("s2", tensor.New([]int{3}, []float64{-1, 0, 1}))
		for _, e := range store.Entries() {
			for i := range e.Grad {
				e.Grad[i] = 0.01 * float64(i+1)
			}
		}
		b.grads()
		if err := o.StepParams(ps); err != nil {
			t.Fatal(err)
		}
		if err := o.StepStore(store); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() {
			if err := o.StepParams(ps); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: StepParams allocates %v per step", c.name, n)
		}
		if n := testing.AllocsPerRun(100, func() {
			if err := o.Step(store.Entries()); err != nil {
				t.Fatal(err)
			}
			if err := o.StepStore(store); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: Step/StepStore allocate %v per step", c.name, n)
		}
	}
	ps := newBoth().params()
	for i := range ps {
		for j := range ps[i].Grad {
			ps[i].Grad[j] = float64(j + 1)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := optim.ClipGradNorm(ps, 1e9); err != nil {
			t.Fatal(err)
		}
		if err := optim.ClipGradValue(ps, 1e9); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("clipping allocates %v", n)
	}
}

func TestClipErrorsAndRange(t *testing.T) {
	mk := func(g ...float64) []optim.Param {
		return []optim.Param{{Name: "a", Data: make([]float64, len(g)), Grad: g}}
	}
	for _, m := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := optim.ClipGradNorm(mk(1), m); err == nil || !strings.Contains(err.Error(), "max_norm") {
			t.Errorf("max_norm %v: %v", m, err)
		}
		if err := optim.ClipGradValue(mk(1), m); err == nil || !strings.Contains(err.Error(), "clip_value") {
			t.Errorf("clip %v: %v", m, err)
		}
	}
	if _, err := optim.ClipGradNormP(mk(1), 1, 0.5); err == nil || !strings.Contains(err.Error(), "norm_type") {
		t.Errorf("norm_type 0.5: %v", err)
	}
	ps := mk(3, math.NaN(), 4)
	var ge *optim.GradError
	if _, err := optim.ClipGradNorm(ps, 1); !errors.As(err, &ge) || ge.Index != 1 || ps[0].Grad[0] != 3 {
		t.Errorf("NaN gradient: %v", err)
	}
	if err := optim.ClipGradValue(mk(1, math.Inf(-1)), 1); !errors.As(err, &ge) || ge.Index != 1 {
		t.Errorf("Inf gradient: %v", err)
	}
	// Squares overflow, the norm does not.
	ps = mk(3e200, -4e200)
	total, err := optim.ClipGradNorm(ps, 1)
	if err != nil || math.Abs(total-5e200)/5e200 > 1e-15 {
		t.Fatalf("huge gradients: total %v, err %v", total, err)
	}
	if math.Abs(ps[0].Grad[0]-0.6) > 1e-12 || math.Abs(ps[0].Grad[1]+0.8) > 1e-12 {
		t.Fatalf("huge gradients clipped to %v", ps[0].Grad)
	}
	// Tiny ones underflow when squared.
	ps = mk(3e-200, 4e-200)
	if total, _ := optim.ClipGradNorm(ps, 1); math.Abs(total-5e-200)/5e-200 > 1e-15 || ps[0].Grad[0] != 3e-200 {
		t.Fatalf("tiny gradients: total %v, grads %v", total, ps[0].Grad)
	}
	if total, _ := optim.ClipGradNorm(mk(0, 0), 1); total != 0 {
		t.Fatalf("zero gradients: total %v", total)
	}
}

func TestSchedulerErrors(t *testing.T) {
	o := optim.Must(optim.NewSGD(0.1))
	if _, err := optim.NewStepLR(o, 0, 0.5); err == nil || !strings.Contains(err.Error(), "step_size") {
		t.Errorf("step_size 0: %v", err)
	}
	if _, err := optim.NewStepLR(o, 1, -0.5); err == nil || !strings.Contains(err.Error(), "gamma") {
		t.Errorf("gamma < 0: %v", err)
	}
	if _, err := optim.NewStepLR(nil, 1, 0.5); err == nil {
		t.Error("nil optimizer accepted")
	}
	if _, err := optim.NewExponentialLR(o, math.NaN()); err == nil || !strings.Contains(err.Error(), "gamma") {
		t.Errorf("gamma NaN: %v", err)
	}
	bad := []func(*optim.PlateauConfig){
		func(c *optim.PlateauConfig) { c.Mode = "lowest" },
		func(c *optim.PlateauConfig) { c.ThresholdMode = "pct" },
		func(c *optim.PlateauConfig) { c.Factor = 1 },
		func(c *optim.PlateauConfig) { c.Patience = -1 },
		func(c *optim.PlateauConfig) { c.Cooldown = -1 },
		func(c *optim.PlateauConfig) { c.Threshold = -1 },
		func(c *optim.PlateauConfig) { c.MinLR = -1 },
		func(c *optim.PlateauConfig) { c.Eps = math.NaN() },
	}
	for i, f := range bad {
		c := optim.DefaultPlateauConfig()
		f(&c)
		if _, err := optim.NewReduceLROnPlateau(o, c); err == nil || !strings.Contains(err.Error(), "ReduceLROnPlateau") {
			t.Errorf("bad plateau config %d: %v", i, err)
		}
	}
	if _, err := optim.NewReduceLROnPlateau(o, optim.PlateauConfig{}); err == nil {
		t.Error("zero PlateauConfig accepted")
	}
	s, err := optim.NewReduceLROnPlateau(o, optim.DefaultPlateauConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Step(math.NaN()); err == nil || s.LastEpoch != 0 {
		t.Errorf("NaN metric: %v (epoch %d)", err, s.LastEpoch)
	}
	// An lr that would underflow to 0 is refused and kept.
	tiny := optim.Must(optim.NewSGD(5e-324))
	e, _ := optim.NewExponentialLR(tiny, 0.5)
	if err := e.Step(); err == nil || tiny.LR() != 5e-324 {
		t.Errorf("underflow: %v, lr %v", err, tiny.LR())
	}
	// Schedulers drive any optimizer, ClippedAdam's undecayed rate included.
	ca := optim.Must(optim.NewClippedAdam(0.1, optim.LRD(0.5)))
	st, _ := optim.NewStepLR(ca, 2, 0.1)
	for i := 0; i < 4; i++ {
		if err := st.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if math.Abs(st.LastLR()-0.001) > 1e-18 {
		t.Errorf("StepLR on ClippedAdam: lr %v", st.LastLR())
	}
}
