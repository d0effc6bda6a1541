package poutine

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/tensor"
)

var chainNames = func() []string {
	n := make([]string, 100)
	for i := range n {
		n[i] = "z" + strconv.Itoa(i)
	}
	return n
}()

// chain is the 100-site model z_i ~ Normal(z_{i-1}, 1), z_0 ~ Normal(0, 1).
func chain(r *Runtime) {
	prev := r.Scalar(0)
	one := r.Scalar(1)
	for i := 0; i < 100; i++ {
		prev = r.Sample(chainNames[i], dist.Normal(prev, one))
	}
}

func TestChainTraceLogProbSum(t *testing.T) {
	r := NewRuntime(1)
	tc := TraceOf(chain)
	r.Reset()
	tr, err := tc.Get(r)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 100 {
		t.Fatalf("trace has %d sites, want 100", tr.Len())
	}
	lp := tr.LogProbSum(r.Tape, nil).Value()
	// reference: sum of normal log densities of the recorded values
	want, prev := 0.0, 0.0
	for i := 0; i < 100; i++ {
		z := tr.Get(chainNames[i]).Value.Value()
		want += -0.5*(z-prev)*(z-prev) - 0.5*math.Log(2*math.Pi)
		prev = z
	}
	if math.Abs(lp-want) > 1e-9*math.Abs(want) {
		t.Fatalf("log_prob_sum %v, want %v", lp, want)
	}
	allocs := testing.AllocsPerRun(50, func() {
		r.Reset()
		tr, _ := tc.Get(r)
		tr.LogProbSum(r.Tape, nil)
	})
	if allocs != 0 {
		t.Errorf("trace + log_prob_sum allocates %v per run, want 0", allocs)
	}
}

func TestChainReplayConditionZeroAlloc(t *testing.T) {
	r := NewRuntime(2)
	guideTracer := TraceOf(chain)
	data := map[string]*tensor.Dense{"z99": tensor.New(nil, []float64{0.5})}
	model := TraceOf(Replay(Condition(chain, data), guideTracer.Trace()))
	run := func() float64 {
		r.Reset()
		if _, err := guideTracer.Get(r); err != nil {
			t.Fatal(err)
		}
		tr, err := model.Get(r)
		if err != nil {
			t.Fatal(err)
		}
		return tr.LogProbSum(r.Tape, nil).Value()
	}
	run()
	// replayed values equal the guide's; the conditioned site is observed
	g, m := guideTracer.Trace(), model.Trace()
	for i := 0; i < 99; i++ {
		if g.Get(chainNames[i]).Value.Value() != m.Get(chainNames[i]).Value.Value() {
			t.Fatalf("site %s not replayed", chainNames[i])
		}
	}
	if s := m.Get("z99"); !s.IsObserved || s.Value.Value() != 0.5 {
		t.Fatalf("z99 not conditioned: observed=%v value=%v", s.IsObserved, s.Value.Value())
	}
	if a := testing.AllocsPerRun(50, func() { run() }); a != 0 {
		t.Errorf("trace(replay(condition)) + log_prob_sum allocates %v per run, want 0", a)
	}
}

// logistic is a plated logistic regression with a Normal likelihood on a
// latent linear predictor (Bernoulli lands with the distributions issue).
func plated(x, y *tensor.Dense) Model {
	n, d := x.Shape()[0], x.Shape()[1]
	return func(r *Runtime) {
		w := r.Sample("w", dist.Normal(r.Scalar(0), r.Scalar(1)).Expand(d))
		X := r.ConstRef(x.Shape(), x.Data())
		Y := r.ConstRef(y.Shape(), y.Data())
		r.Plate("data", n, func([]int) {
			r.Sample("obs", dist.Normal(r.MatVec(X, w), r.Scalar(1)), Obs(Y))
		})
	}
}

func TestPlatedZeroAlloc(t *testing.T) {
	x := tensor.New([]int{50, 3}, nil)
	y := tensor.New([]int{50}, nil)
	for i := range x.Data() {
		x.Data()[i] = math.Sin(float64(i))
	}
	r := NewRuntime(3)
	tc := TraceOf(plated(x, y))
	run := func() {
		r.Reset()
		tr, err := tc.Get(r)
		if err != nil {
			t.Fatal(err)
		}
		tr.LogProbSum(r.Tape, nil)
	}
	run()
	s := tc.Trace().Get("obs")
	if s.NStack != 1 || s.CondIndepStack[0].Name != "data" || s.CondIndepStack[0].Dim != -1 {
		t.Fatalf("plate frame wrong: %+v", s.Plates())
	}
	if a := testing.AllocsPerRun(50, run); a != 0 {
		t.Errorf("plated model under trace allocates %v per run, want 0", a)
	}
}

func TestDuplicateSiteIsError(t *testing.T) {
	r := NewRuntime(1)
	_, err := TraceOf(func(r *Runtime) {
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}).Get(r)
	var pe *Error
	if !errors.As(err, &pe) || pe.Site != "x" {
		t.Fatalf("want duplicate-site error naming x, got %v", err)
	}
	if len(r.Stack()) != 0 {
		t.Fatalf("handler stack not unwound after error: %d left", len(r.Stack()))
	}
}

func TestReplayMissingSite(t *testing.T) {
	r := NewRuntime(1)
	empty := NewTrace()
	_, err := TraceOf(Replay(func(r *Runtime) {
		r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}, empty)).Get(r)
	var pe *Error
	if !errors.As(err, &pe) || pe.Site != "a" {
		t.Fatalf("want error naming site a, got %v", err)
	}
}

func TestObservedShapeMismatch(t *testing.T) {
	r := NewRuntime(1)
	_, err := TraceOf(func(r *Runtime) {
		d := dist.Normal(r.Const([]int{3}, nil), r.Scalar(1))
		r.Sample("y", d, Obs(r.Const([]int{4}, nil)))
	}).Get(r)
	var pe *Error
	if !errors.As(err, &pe) || pe.Site != "y" {
		t.Fatalf("want error naming y, got %v", err)
	}
}

func TestPlateSubsampleScaleAndDims(t *testing.T) {
	r := NewRuntime(4)
	var outerIdx, innerIdx []int
	tr, err := TraceOf(func(r *Runtime) {
		r.Plate("outer", 10, func(ind []int) {
			outerIdx = append([]int(nil), ind...)
			r.Plate("inner", 3, func(ind2 []int) {
				innerIdx = append([]int(nil), ind2...)
				r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
			})
		}, SubsampleSize(4))
	}).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	s := tr.Get("x")
	if got := s.Fn.BatchShape(); len(got) != 2 || got[0] != 3 || got[1] != 4 {
		t.Fatalf("batch shape %v, want [3 4] (outer plate at dim -1, as Pyro)", got)
	}
	if s.Scale != 2.5 {
		t.Fatalf("scale %v, want 10/4", s.Scale)
	}
	if len(outerIdx) != 4 || len(innerIdx) != 3 {
		t.Fatalf("indices %v %v", outerIdx, innerIdx)
	}
	seen := map[int]bool{}
	for _, i := range outerIdx {
		if i < 0 || i >= 10 || seen[i] {
			t.Fatalf("bad subsample %v", outerIdx)
		}
		seen[i] = true
	}
	// plate of a size that disagrees with the batch shape
	_, err = TraceOf(func(r *Runtime) {
		r.Plate("p", 5, func([]int) {
			r.Sample("bad", dist.Normal(r.Const([]int{3}, nil), r.Scalar(1)))
		})
	}).Get(r)
	var pe *Error
	if !errors.As(err, &pe) || pe.Site != "bad" {
		t.Fatalf("want error naming bad, got %v", err)
	}
	// conflicting explicit dims
	_, err = TraceOf(func(r *Runtime) {
		r.Plate("a", 2, func([]int) {
			r.Plate("b", 2, func([]int) {}, Dim(-1))
		}, Dim(-1))
	}).Get(r)
	if !errors.As(err, &pe) || pe.Site != "b" {
		t.Fatalf("want dim conflict naming b, got %v", err)
	}
}

func TestBlockRules(t *testing.T) {
	model := func(r *Runtime) {
		r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("b", dist.Normal(r.Scalar(0), r.Scalar(1)), Obs(r.Scalar(1)))
		r.Sample("c", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}
	cases := []struct {
		h    *BlockHandler
		want []string
	}{
		{&BlockHandler{}, nil},
		{&BlockHandler{Hide: []string{"a"}}, []string{"b", "c"}},
		{&BlockHandler{Expose: []string{"a"}}, []string{"a"}},
		{&BlockHandler{HideTypes: []string{"observe"}}, []string{"a", "c"}},
		{&BlockHandler{ExposeTypes: []string{"observe"}}, []string{"b"}},
		{&BlockHandler{ExposeAll: true}, []string{"a", "b", "c"}},
		{&BlockHandler{HideFn: func(m *Msg) bool { return m.Name == "c" }}, []string{"a", "b"}},
	}
	for i, c := range cases {
		r := NewRuntime(1)
		tr, err := TraceOf(Block(model, c.h)).Get(r)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range tr.Sites() {
			got = append(got, s.Name)
		}
		if len(got) != len(c.want) {
			t.Errorf("case %d: visible %v, want %v", i, got, c.want)
			continue
		}
		for j := range got {
			if got[j] != c.want[j] {
				t.Errorf("case %d: visible %v, want %v", i, got, c.want)
			}
		}
	}
}

func TestScaleAndMask(t *testing.T) {
	model := func(r *Runtime) {
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)), Obs(r.Scalar(1)))
	}
	r := NewRuntime(1)
	tr, _ := TraceOf(model).Get(r)
	base := tr.LogProbSum(r.Tape, nil).Value()
	tr2, _ := TraceOf(Scale(model, 3)).Get(r)
	if got := tr2.LogProbSum(r.Tape, nil).Value(); math.Abs(got-3*base) > 1e-12 {
		t.Fatalf("scaled log_prob_sum %v, want %v", got, 3*base)
	}
	tr3, _ := TraceOf(Mask(model, false)).Get(r)
	if got := tr3.LogProbSum(r.Tape, nil).Value(); got != 0 {
		t.Fatalf("masked log_prob_sum %v, want 0", got)
	}
}

// The seed tutorial's custom effect: a lazy "apply" message that a
// handler can evaluate or intercept.
func TestCustomEffect(t *testing.T) {
	r := NewRuntime(1)
	add := func(m *Msg) ad.V { return r.Add(m.Args[0], m.Args[1]) }
	v := r.Effect("apply", "sum", add, r.Scalar(2), r.Scalar(3))
	if v.Value() != 5 {
		t.Fatalf("default apply = %v", v.Value())
	}
	h := &interceptApply{}
	r.Push(h)
	v = r.Effect("apply", "sum", add, r.Scalar(2), r.Scalar(3))
	r.Pop(h)
	if v.Value() != 6 || !h.post {
		t.Fatalf("intercepted apply = %v (post %v)", v.Value(), h.post)
	}
}

type interceptApply struct{ post bool }

func (h *interceptApply) Process(m *Msg) {
	if m.Type == "apply" {
		m.Value = m.Args[0].Tape().Mul(m.Args[0], m.Args[1])
	}
}
func (h *interceptApply) Postprocess(m *Msg) { h.post = h.post || m.Type == "apply" }

func TestParamStoreSaveLoad(t *testing.T) {
	dir := t.TempDir()
	ps := NewParamStore()
	ps.Set("w", tensor.New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6}))
	ps.Set("b", tensor.New(nil, []float64{-0.5}))
	path := filepath.Join(dir, "params.safetensors")
	if err := ps.Save(path); err != nil {
		t.Fatal(err)
	}
	got := NewParamStore()
	if err := got.Load(path); err != nil {
		t.Fatal(err)
	}
	if w := got.Get("w"); w == nil || len(w.Data) != 6 || w.Data[5] != 6 || w.Shape[1] != 3 {
		t.Fatalf("loaded w = %+v", w)
	}
	// truncated file: error, store unchanged
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, raw[:len(raw)-5], 0o644)
	if err := got.Load(path); err == nil {
		t.Fatal("truncated file loaded without error")
	}
	if got.Get("b") == nil || got.Get("b").Data[0] != -0.5 {
		t.Fatal("failed load changed the store")
	}
	os.WriteFile(path, []byte("garbage"), 0o644)
	if err := got.Load(path); err == nil {
		t.Fatal("garbage loaded without error")
	}
}

func BenchmarkChainTraceLogProbSum(b *testing.B) {
	r := NewRuntime(1)
	tc := TraceOf(chain)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset()
		tr, _ := tc.Get(r)
		tr.LogProbSum(r.Tape, nil)
	}
}

func BenchmarkChainTraceReplayCondition(b *testing.B) {
	r := NewRuntime(2)
	guideTracer := TraceOf(chain)
	data := map[string]*tensor.Dense{"z99": tensor.New(nil, []float64{0.5})}
	model := TraceOf(Replay(Condition(chain, data), guideTracer.Trace()))
	r.Reset()
	guideTracer.Get(r)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset()
		guideTracer.Get(r)
		tr, _ := model.Get(r)
		tr.LogProbSum(r.Tape, nil)
	}
}

func TestConstrainedParam(t *testing.T) {
	r := NewRuntime(1)
	r.Reset()
	v := r.Param("s", tensor.New([]int{2}, []float64{0.5, 3}), WithConstraint(constraints.Positive))
	if d := v.Data(); math.Abs(d[0]-0.5) > 1e-15 || math.Abs(d[1]-3) > 1e-15 {
		t.Fatalf("constrained value %v", d)
	}
	e := r.Params.Get("s")
	if math.Abs(e.Data[0]-math.Log(0.5)) > 1e-15 {
		t.Fatalf("stored unconstrained %v", e.Data)
	}
	// gradient reaches the unconstrained leaf: d/du exp(u) = exp(u)
	r.Backward(r.Sum(v))
	g := r.ParamUses()[0].Leaf.Grad()
	if math.Abs(g[1]-3) > 1e-12 {
		t.Fatalf("gradient %v", g)
	}
	if err := r.Params.SetConstrained("bad", tensor.New(nil, []float64{-1}), constraints.Positive); err == nil {
		t.Fatal("value outside the constraint accepted")
	}
	// save/load keeps the constraint
	path := filepath.Join(t.TempDir(), "p.safetensors")
	if err := r.Params.Save(path); err != nil {
		t.Fatal(err)
	}
	ps := NewParamStore()
	if err := ps.Load(path); err != nil {
		t.Fatal(err)
	}
	val, err := ps.Value("s")
	if err != nil || math.Abs(val.Data()[1]-3) > 1e-12 || ps.Get("s").Constraint != constraints.Positive {
		t.Fatalf("loaded %v %v", val, err)
	}
}

// A panic inside With restores the stack (handlers pushed inside and not
// popped included) and keeps the original error.
func TestWithRestoresStackOnPanic(t *testing.T) {
	r := NewRuntime(1)
	err := Catch(func() {
		r.With(&ScaleHandler{Scale: 2}, func() {
			r.Push(&ScaleHandler{Scale: 3}) // never popped
			failSite("boom", "model failure")
		})
	})
	var pe *Error
	if !errors.As(err, &pe) || pe.Site != "boom" {
		t.Fatalf("want the model's error, got %v", err)
	}
	if len(r.Stack()) != 0 {
		t.Fatalf("%d handlers left on the stack", len(r.Stack()))
	}
}

// As Pyro's Trace: a param used twice is one site (the last use); a
// sample repeated is an error.
func TestParamSiteMayRepeat(t *testing.T) {
	r := NewRuntime(1)
	init := tensor.New(nil, []float64{1})
	tr, err := TraceOf(func(r *Runtime) {
		r.Param("p", init)
		r.Param("p", init)
	}).Get(r)
	if err != nil || tr.Len() != 1 {
		t.Fatalf("repeated param: len %d, err %v", tr.Len(), err)
	}
	_, err = TraceOf(func(r *Runtime) {
		r.Param("x", init)
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}).Get(r)
	var pe *Error
	if !errors.As(err, &pe) || pe.Site != "x" {
		t.Fatalf("param then sample with one name: %v", err)
	}
}

type nopHandler struct{}

func (nopHandler) Process(*Msg)     {}
func (nopHandler) Postprocess(*Msg) {}

// Per-site cost of the handler machinery: the 100-site chain model run
// with an empty handler stack and with 5 handlers (b.ReportMetric reports
// ns per site).
func BenchmarkSiteOverhead(b *testing.B) {
	for _, nh := range []int{0, 5} {
		b.Run(fmt.Sprintf("handlers=%d", nh), func(b *testing.B) {
			r := NewRuntime(1)
			hs := make([]nopHandler, nh)
			for i := range hs {
				r.Push(hs[i])
			}
			b.ReportAllocs()
			for b.Loop() {
				r.Reset()
				chain(r)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/site")
		})
	}
}
