package optim_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/gyro-ppl/gyro/asm"
	"github.com/gyro-ppl/gyro/infer/optim"
)

// reference.json is written by testdata/gen_reference.py (PyTorch 1.13).
type refFile struct {
	TorchVersion string     `json:"torch_version"`
	Steps        int        `json:"steps"`
	Optimizers   []refOptim `json:"optimizers"`
	Schedulers   []refSched `json:"schedulers"`
	Clip         []refClip  `json:"clip"`
}

type refOptim struct {
	Optimizer string                 `json:"optimizer"`
	Kwargs    map[string]any         `json:"kwargs"`
	Problem   string                 `json:"problem"`
	Sparse    bool                   `json:"sparse"`
	Traj      []map[string][]float64 `json:"traj"`
}

type refSched struct {
	Kind     string          `json:"kind"`
	LR       float64         `json:"lr"`
	StepSize int             `json:"step_size"`
	Gamma    float64         `json:"gamma"`
	Config   json.RawMessage `json:"config"`
	Metrics  []float64       `json:"metrics"`
	LRs      []float64       `json:"lrs"`
}

type refClip struct {
	Kind     string               `json:"kind"`
	MaxNorm  float64              `json:"max_norm"`
	NormType any                  `json:"norm_type"`
	Total    float64              `json:"total"`
	Clip     float64              `json:"clip"`
	Grads    map[string][]float64 `json:"grads"`
}

func loadRef(t testing.TB) *refFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r refFile
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// newFromKwargs builds an optimizer from PyTorch-style keyword arguments.
func newFromKwargs(name string, kw map[string]any) (optim.Optimizer, error) {
	var opts []optim.Option
	lr := -1.0
	keys := make([]string, 0, len(kw))
	for k := range kw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := kw[k]
		f, _ := v.(float64)
		b, _ := v.(bool)
		switch k {
		case "lr":
			lr = f
		case "betas":
			bs := v.([]any)
			opts = append(opts, optim.Betas(bs[0].(float64), bs[1].(float64)))
		case "eps":
			opts = append(opts, optim.Eps(f))
		case "weight_decay":
			opts = append(opts, optim.WeightDecay(f))
		case "amsgrad":
			opts = append(opts, optim.AMSGrad(b))
		case "momentum":
			opts = append(opts, optim.Momentum(f))
		case "dampening":
			opts = append(opts, optim.Dampening(f))
		case "nesterov":
			opts = append(opts, optim.Nesterov(b))
		case "clip_norm":
			opts = append(opts, optim.ClipNorm(f))
		case "lrd":
			opts = append(opts, optim.LRD(f))
		case "lr_decay":
			opts = append(opts, optim.LRDecay(f))
		case "initial_accumulator_value":
			opts = append(opts, optim.InitialAccumulatorValue(f))
		case "alpha":
			opts = append(opts, optim.Alpha(f))
		case "centered":
			opts = append(opts, optim.Centered(b))
		case "rho":
			opts = append(opts, optim.Rho(f))
		case "eta":
			opts = append(opts, optim.Eta(f))
		case "delta":
			opts = append(opts, optim.Delta(f))
		case "t":
			opts = append(opts, optim.T(f))
		default:
			return nil, fmt.Errorf("unknown kwarg %q", k)
		}
	}
	switch name {
	case "SGD":
		return optim.NewSGD(lr, opts...)
	case "Adam":
		return optim.NewAdam(lr, opts...)
	case "AdamW":
		return optim.NewAdamW(lr, opts...)
	case "ClippedAdam":
		return optim.NewClippedAdam(lr, opts...)
	case "Adagrad":
		return optim.NewAdagrad(lr, opts...)
	case "RMSprop":
		return optim.NewRMSprop(lr, opts...)
	case "Adadelta":
		return optim.NewAdadelta(lr, opts...)
	case "AdagradRMSProp":
		return optim.NewAdagradRMSProp(opts...)
	}
	return nil, fmt.Errorf("unknown optimizer %q", name)
}

// The problems of gen_reference.py, with the same operation order.
var (
	qA = [3][3]float64{{3.0, 0.5, 0.0}, {0.5, 1.0, -0.25}, {0.0, -0.25, 0.2}}
	qC = [3]float64{1.0, -2.0, 0.5}
	qK = [2]float64{4.0, 0.3}
	qD = [2]float64{-1.0, 2.0}
)

func quadGrad(name string, x, g []float64) {
	if name == "w" {
		for i := 0; i < 3; i++ {
			s := 0.0
			for j := 0; j < 3; j++ {
				s += qA[i][j] * (x[j] - qC[j])
			}
			g[i] = s
		}
		return
	}
	for i := 0; i < 2; i++ {
		g[i] = qK[i] * (x[i] - qD[i])
	}
}

func rosenGrad(_ string, x, g []float64) {
	for i := 0; i < len(x); i += 2 {
		u, v := x[i], x[i+1]
		t := v - u*u
		g[i] = -2.0*(1.0-u) - 400.0*u*t
		g[i+1] = 200.0 * t
	}
}

type problem struct {
	params []optim.Param
	grad   func(name string, x, g []float64)
}

func newProblem(kind string) problem {
	mk := func(name string, x ...float64) optim.Param {
		return optim.Param{Name: name, Data: x, Grad: make([]float64, len(x))}
	}
	if kind == "quadratic" {
		return problem{[]optim.Param{mk("w", 0.3, 0.7, -1.2), mk("b", 0.5, -0.4)}, quadGrad}
	}
	return problem{[]optim.Param{mk("z", -1.5, 2.0, 0.5, -0.3)}, rosenGrad}
}

// step takes step k (from 1) of the problem; sparse cases leave b out of
// every third step, as gen_reference.py does.
func (p *problem) step(o optim.Optimizer, k int, sparse bool, buf []optim.Param) error {
	buf = buf[:0]
	for _, q := range p.params {
		if sparse && q.Name == "b" && k%3 == 0 {
			continue
		}
		p.grad(q.Name, q.Data, q.Grad)
		buf = append(buf, q)
	}
	return o.StepParams(buf)
}

// relErr is |a−b| / max(|b|, 1e-300).
func relErr(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }

// vecErr is the elementwise relative error of a against b, where entries
// far smaller than the vector's largest (one that passes through zero, say)
// are measured against 1e-3·max|b|: rounding in O(1) terms leaves them an
// absolute, not a relative, error.
func vecErr(a, b []float64) (worst float64, at int) {
	scale := 0.0
	for _, x := range b {
		scale = max(scale, math.Abs(x))
	}
	for i := range b {
		e := math.Abs(a[i]-b[i]) / math.Max(math.Abs(b[i]), 1e-3*scale)
		if e > worst || math.IsNaN(e) {
			worst, at = e, i
		}
	}
	return worst, at
}

const refTol = 1e-12

// TestTrajectoriesMatchPyTorch replays every reference case with each
// implementation of the Adam element kernel this CPU supports.
func TestTrajectoriesMatchPyTorch(t *testing.T) {
	ref := loadRef(t)
	impls := asm.ImplsOf("optim.Adam")
	if len(impls) == 0 { // purego: the generic twin only
		checkTrajectories(t, ref)
		return
	}
	for _, im := range impls {
		if !im.Supported {
			continue
		}
		t.Run(im.Name, func(t *testing.T) {
			restore, err := asm.Select("optim.Adam", im.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			checkTrajectories(t, ref)
		})
	}
}

func checkTrajectories(t *testing.T, ref *refFile) {
	if len(ref.Optimizers) < 50 {
		t.Fatalf("reference has %d optimizer cases", len(ref.Optimizers))
	}
	seen := map[string]bool{}
	for ci, c := range ref.Optimizers {
		name := fmt.Sprintf("%d_%s_%s_sparse=%v", ci, c.Optimizer, c.Problem, c.Sparse)
		seen[c.Optimizer] = true
		t.Run(name, func(t *testing.T) {
			o, err := newFromKwargs(c.Optimizer, c.Kwargs)
			if err != nil {
				t.Fatal(err)
			}
			p := newProblem(c.Problem)
			buf := make([]optim.Param, 0, 2)
			worst := 0.0
			for k := 1; k <= len(c.Traj); k++ {
				if err := p.step(o, k, c.Sparse, buf); err != nil {
					t.Fatalf("step %d: %v", k, err)
				}
				for _, q := range p.params {
					want := c.Traj[k-1][q.Name]
					if len(want) != len(q.Data) {
						t.Fatalf("reference %s has %d values", q.Name, len(want))
					}
					e, i := vecErr(q.Data, want)
					worst = max(worst, e)
					if !(e <= refTol) {
						t.Fatalf("step %d: %s[%d] = %.17g, PyTorch %.17g (rel err %.2g)", k, q.Name, i, q.Data[i], want[i], e)
					}
				}
			}
			t.Logf("%d steps, worst relative error %.2g", len(c.Traj), worst)
			// The trajectory must actually move.
			start := newProblem(c.Problem)
			if p.params[0].Data[0] == start.params[0].Data[0] {
				t.Fatalf("parameter did not move")
			}
		})
	}
	for _, n := range []string{"SGD", "Adam", "AdamW", "ClippedAdam", "Adagrad", "RMSprop", "Adadelta", "AdagradRMSProp"} {
		if !seen[n] {
			t.Errorf("no reference case for %s", n)
		}
	}
}

func TestSchedulersMatchPyTorch(t *testing.T) {
	ref := loadRef(t)
	for i, c := range ref.Schedulers {
		t.Run(fmt.Sprintf("%d_%s", i, c.Kind), func(t *testing.T) {
			o, err := optim.NewSGD(c.LR)
			if err != nil {
				t.Fatal(err)
			}
			var step func(k int) error
			switch c.Kind {
			case "StepLR":
				s, err := optim.NewStepLR(o, c.StepSize, c.Gamma)
				if err != nil {
					t.Fatal(err)
				}
				step = func(int) error { return s.Step() }
			case "ExponentialLR":
				s, err := optim.NewExponentialLR(o, c.Gamma)
				if err != nil {
					t.Fatal(err)
				}
				step = func(int) error { return s.Step() }
			case "ReduceLROnPlateau":
				var pc struct {
					Mode          string  `json:"mode"`
					Factor        float64 `json:"factor"`
					Patience      int     `json:"patience"`
					Threshold     float64 `json:"threshold"`
					ThresholdMode string  `json:"threshold_mode"`
					Cooldown      int     `json:"cooldown"`
					MinLR         float64 `json:"min_lr"`
					Eps           float64 `json:"eps"`
				}
				if err := json.Unmarshal(c.Config, &pc); err != nil {
					t.Fatal(err)
				}
				s, err := optim.NewReduceLROnPlateau(o, optim.PlateauConfig(pc))
				if err != nil {
					t.Fatal(err)
				}
				step = func(k int) error { return s.Step(c.Metrics[k]) }
			default:
				t.Fatalf("unknown scheduler %q", c.Kind)
			}
			changed := false
			for k, want := range c.LRs {
				if err := step(k); err != nil {
					t.Fatal(err)
				}
				if got := o.LR(); got != want {
					t.Fatalf("epoch %d: lr %.17g, PyTorch %.17g", k+1, got, want)
				}
				changed = changed || want != c.LR
			}
			if !changed {
				t.Fatalf("reference lr never changes; the case tests nothing")
			}
		})
	}
}

func TestClipMatchesPyTorch(t *testing.T) {
	ref := loadRef(t)
	order := []string{"a", "b", "c"}
	init := map[string][]float64{"a": {3.0, -4.0, 0.5}, "b": {1e-3, 2.5}, "c": {-7.25}}
	for i, c := range ref.Clip {
		t.Run(fmt.Sprintf("%d_%s", i, c.Kind), func(t *testing.T) {
			var ps []optim.Param
			for _, n := range order {
				ps = append(ps, optim.Param{Name: n, Data: make([]float64, len(init[n])), Grad: append([]float64(nil), init[n]...)})
			}
			if c.Kind == "norm" {
				p := math.Inf(1)
				if f, ok := c.NormType.(float64); ok {
					p = f
				}
				total, err := optim.ClipGradNormP(ps, c.MaxNorm, p)
				if err != nil {
					t.Fatal(err)
				}
				if relErr(total, c.Total) > 1e-14 {
					t.Fatalf("total norm %.17g, PyTorch %.17g", total, c.Total)
				}
			} else if err := optim.ClipGradValue(ps, c.Clip); err != nil {
				t.Fatal(err)
			}
			for _, q := range ps {
				for j, g := range q.Grad {
					if w := c.Grads[q.Name][j]; relErr(g, w) > 1e-14 {
						t.Fatalf("%s[%d] = %.17g, PyTorch %.17g", q.Name, j, g, w)
					}
				}
			}
		})
	}
}
