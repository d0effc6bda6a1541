package poutine

import (
	"errors"
	"math"
	"slices"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/tensor"
)

func lpN(x, loc, scale float64) float64 {
	z := (x - loc) / scale
	return -0.5*z*z - math.Log(scale) - 0.5*math.Log(2*math.Pi)
}

func wantSiteErr(t *testing.T, err error, site string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) || pe.Site != site {
		t.Fatalf("want *Error naming site %q, got %v", site, err)
	}
}

func sc(x float64) *tensor.Dense { return tensor.New(nil, []float64{x}) }

// ---------------------------------------------------------------------------
// do

// counterfactual x -> y -> z -> w, as Pyro's test_counterfactual_query.
func cfModel(vals *[4]float64) Model {
	names := [4]string{"x", "y", "z", "w"}
	return func(r *Runtime) {
		prev := r.Scalar(0)
		for i, n := range names {
			prev = r.Sample(n, dist.Normal(prev, r.Scalar(1)))
			vals[i] = prev.Value()
		}
	}
}

func TestDoIntervention(t *testing.T) {
	var vals [4]float64
	inter := map[string]*tensor.Dense{"y": sc(0), "z": sc(2), "w": sc(1)}
	r := NewRuntime(11)
	tr, err := TraceOf(Do(cfModel(&vals), inter)).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range []string{"x", "y", "z", "w"} {
		s := tr.Get(n)
		if s == nil || s.IsObserved {
			t.Fatalf("site %s: want an unobserved fresh site, got %+v", n, s)
		}
		if d, ok := inter[n]; ok {
			if vals[i] != d.Data()[0] {
				t.Errorf("model value of %s = %v, want the intervention %v", n, vals[i], d.Data()[0])
			}
			if s.Value.Value() == d.Data()[0] {
				t.Errorf("traced %s equals the intervention; the fresh site must be sampled", n)
			}
		}
		if tr.Has(n + "__CF") {
			t.Errorf("%s__CF visible outside the do handler", n)
		}
	}
	// the fresh z is sampled from Normal(y_intervened = 0, 1): its
	// distribution's loc is the intervened parent value
	if loc := tr.Get("z").Fn.(*dist.NormalDist).Loc.Value(); loc != 0 {
		t.Errorf("fresh z has loc %v, want the intervened y = 0", loc)
	}
	// a trace inside the do handler also sees the renamed, observed node
	inner := TraceOf(cfModel(&vals))
	if _, err := TraceOf(Do(inner.Model(), inter)).Get(r); err != nil {
		t.Fatal(err)
	}
	cf := inner.Trace().Get("z__CF")
	if cf == nil || !cf.IsObserved || cf.Value.Value() != 2 {
		t.Fatalf("inner trace: z__CF = %+v, want observed at 2", cf)
	}
	if !inner.Trace().Has("z") {
		t.Fatal("inner trace lacks the fresh z")
	}
}

func TestDoCounterfactualWithCondition(t *testing.T) {
	// do(condition(model)) and condition(do(model)): observed sites keep
	// their observations, the model sees the interventions.
	obs := map[string]*tensor.Dense{"x": tensor.New([]int{1}, []float64{1}), "z": tensor.New([]int{1}, []float64{1}), "w": tensor.New([]int{1}, []float64{1})}
	inter := map[string]*tensor.Dense{"y": sc(0), "z": sc(2), "w": sc(1)}
	for _, flip := range []bool{false, true} {
		var vals [4]float64
		var m Model
		if flip {
			m = Do(Condition(cfModel(&vals), obs), inter)
		} else {
			m = Condition(Do(cfModel(&vals), inter), obs)
		}
		r := NewRuntime(3)
		tr, err := TraceOf(m).Get(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"x", "z", "w"} {
			if s := tr.Get(n); !s.IsObserved || s.Value.Data()[0] != 1 {
				t.Errorf("flip=%v: %s observed=%v value=%v, want observed at 1", flip, n, s.IsObserved, s.Value.Data())
			}
		}
		if vals[1] != 0 || vals[2] != 2 || vals[3] != 1 {
			t.Errorf("flip=%v: model values %v, want y,z,w = 0,2,1", flip, vals)
		}
		if tr.Get("y").IsObserved {
			t.Errorf("flip=%v: y observed", flip)
		}
	}
}

func TestDoPlateScaleAndErrors(t *testing.T) {
	// the fresh site re-enters the plates once: frame once, scale once
	model := func(r *Runtime) {
		r.Plate("p", 10, func([]int) {
			r.Sample("z", dist.Normal(r.Scalar(0), r.Scalar(1)))
		}, SubsampleSize(5))
	}
	r := NewRuntime(1)
	tr, err := TraceOf(Do(model, map[string]*tensor.Dense{"z": tensor.New([]int{5}, nil)})).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	s := tr.Get("z")
	if s.NStack != 1 || s.Scale != 2 {
		t.Fatalf("fresh z: %d frames, scale %v; want 1 frame, scale 2", s.NStack, s.Scale)
	}
	_, err = TraceOf(Do(model, map[string]*tensor.Dense{"z": tensor.New([]int{3}, nil)})).Get(r)
	wantSiteErr(t, err, "z")
	defer func() { wantSiteErr(t, recover().(error), "q") }()
	Do(model, map[string]*tensor.Dense{"q": nil})
}

// ---------------------------------------------------------------------------
// lift

func TestLiftShapesCacheAndErrors(t *testing.T) {
	model := func(r *Runtime) {
		w := r.Param("w", tensor.New([]int{3}, []float64{1, 2, 3}))
		w2 := r.Param("w", nil) // second use of the same param
		if w2 != w && w2.Data()[0] != w.Data()[0] {
			panic(&Error{Site: "w", Msg: "second use differs"})
		}
		r.Sample("y", dist.Normal(r.Sum(w), r.Scalar(1)), Obs(r.Scalar(0)))
	}
	lifted := Lift(model, map[string]PriorFn{"w": func(t *ad.Tape) dist.Distribution { return dist.Normal(t.Scalar(0), t.Scalar(2)) }})
	r := NewRuntime(2)
	tr, err := TraceOf(lifted).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	s := tr.Get("w")
	if s.Type != TypeSample || !slices.Equal(s.Value.Shape(), []int{3}) || !slices.Equal(s.Fn.BatchShape(), []int{3}) {
		t.Fatalf("lifted w: type %s, value shape %v, batch %v", s.Type, s.Value.Shape(), s.Fn.BatchShape())
	}
	tr.ComputeLogProb(nil)
	want := 0.0
	for _, x := range s.Value.Data() {
		want += lpN(x, 0, 2)
	}
	if got := s.LogProbSum.Value(); math.Abs(got-want) > 1e-12 {
		t.Fatalf("lifted w log density %v, want %v", got, want)
	}
	// params not named stay params; LiftAll lifts everything. (A param used
	// twice and not lifted would be a duplicate site: gyro's trace rejects
	// repeated param names, which Pyro's add_node accepts.)
	model = func(r *Runtime) {
		w := r.Param("w", tensor.New([]int{3}, []float64{1, 2, 3}))
		r.Sample("y", dist.Normal(r.Sum(w), r.Scalar(1)), Obs(r.Scalar(0)))
	}
	tr2, _ := TraceOf(Lift(model, map[string]PriorFn{"other": func(t *ad.Tape) dist.Distribution { return dist.Normal(t.Scalar(0), t.Scalar(1)) }})).Get(r)
	if tr2.Get("w").Type != TypeParam {
		t.Fatal("Lift changed a param not in its priors")
	}
	tr3, _ := TraceOf(LiftAll(model, func(t *ad.Tape) dist.Distribution { return dist.Normal(t.Scalar(0), t.Scalar(1)) })).Get(r)
	if tr3.Get("w").Type != TypeSample {
		t.Fatal("LiftAll left a param")
	}
	// a prior of the wrong shape names the site
	_, err = TraceOf(Lift(model, map[string]PriorFn{"w": func(t *ad.Tape) dist.Distribution {
		return dist.Normal(t.Const([]int{2}, nil), t.Scalar(1))
	}})).Get(r)
	wantSiteErr(t, err, "w")
}

// ---------------------------------------------------------------------------
// substitute

func TestSubstitute(t *testing.T) {
	model := func(r *Runtime) {
		a := r.Param("a", sc(0.5))
		r.Sample("x", dist.Normal(a, r.Scalar(1)))
	}
	data := map[string]*tensor.Dense{"a": sc(0.3), "x": sc(2)}
	r := NewRuntime(1)
	tr, err := TraceOf(Substitute(model, data)).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	if a := tr.Get("a"); a.Value.Value() != 0.3 || a.Unconstrained.Valid() {
		t.Fatalf("a = %v (leaf kept %v)", a.Value.Value(), a.Unconstrained.Valid())
	}
	x := tr.Get("x")
	if x.Value.Value() != 2 || x.IsObserved {
		t.Fatalf("x = %v observed %v, want 2, latent", x.Value.Value(), x.IsObserved)
	}
	if got, want := tr.LogProbSum(r.Tape, nil).Value(), lpN(2, 0.3, 1); math.Abs(got-want) > 1e-12 {
		t.Fatalf("log density %v, want %v", got, want)
	}
	// Pyro's param-only substitute leaves sample sites alone
	h := &SubstituteHandler{Data: data, ParamsOnly: true}
	tr2, _ := TraceOf(wrap(model, h)).Get(r)
	if tr2.Get("x").Value.Value() == 2 || tr2.Get("a").Value.Value() != 0.3 {
		t.Fatal("ParamsOnly substitute")
	}
	// substitute_fn
	tr3, _ := TraceOf(SubstituteFn(model, func(m *Msg) ad.V {
		if m.Name == "x" {
			return m.Fn.Tape().Scalar(-1)
		}
		return ad.V{}
	})).Get(r)
	if tr3.Get("x").Value.Value() != -1 || tr3.Get("a").Value.Value() != 0.5 {
		t.Fatal("substitute_fn")
	}
	// shape errors name the site
	_, err = TraceOf(Substitute(model, map[string]*tensor.Dense{"a": tensor.New([]int{2}, nil)})).Get(r)
	wantSiteErr(t, err, "a")
	_, err = TraceOf(Substitute(model, map[string]*tensor.Dense{"x": tensor.New([]int{2, 2}, nil)})).Get(r)
	if err != nil {
		t.Fatalf("a [2,2] value broadcasts with batch []: %v", err)
	}
	model3 := func(r *Runtime) { r.Sample("v", dist.Normal(r.Const([]int{3}, nil), r.Scalar(1))) }
	_, err = TraceOf(Substitute(model3, map[string]*tensor.Dense{"v": tensor.New([]int{2}, nil)})).Get(r)
	wantSiteErr(t, err, "v")
}

// ---------------------------------------------------------------------------
// broadcast

func TestBroadcast(t *testing.T) {
	// a lifted param inside a plate: the plate saw a param message, so only
	// broadcast can expand the prior to the plate
	model := func(r *Runtime) {
		r.Plate("p", 4, func([]int) {
			r.Plate("q", 3, func([]int) {
				r.Param("w", sc(0))
			})
		})
	}
	prior := map[string]PriorFn{"w": func(t *ad.Tape) dist.Distribution { return dist.Normal(t.Scalar(0), t.Scalar(1)) }}
	r := NewRuntime(1)
	tr, err := TraceOf(Broadcast(Lift(model, prior))).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Get("w").Fn.BatchShape(); !slices.Equal(got, []int{3, 4}) {
		t.Fatalf("broadcast batch shape %v, want [3 4]", got)
	}
	tr, _ = TraceOf(Lift(model, prior)).Get(r)
	if got := tr.Get("w").Fn.BatchShape(); len(got) != 0 {
		t.Fatalf("without broadcast batch shape %v, want []", got)
	}
	bad := func(r *Runtime) {
		r.Plate("p", 4, func([]int) { r.Param("w", sc(0)) })
	}
	_, err = TraceOf(Broadcast(Lift(bad, map[string]PriorFn{"w": func(t *ad.Tape) dist.Distribution {
		return dist.Normal(t.Const([]int{2}, nil), t.Scalar(1))
	}}))).Get(r)
	// the lift shape check (prior [2] for a scalar param) fires first
	wantSiteErr(t, err, "w")
	// direct: a custom handler adds a frame that disagrees with the batch
	h := &BroadcastHandler{}
	r2 := NewRuntime(1)
	m := r2.NewMsg()
	m.Type, m.Name, m.Fn = TypeSample, "s", dist.Normal(r2.Const([]int{2}, nil), r2.Scalar(1))
	m.CondIndepStack[0] = CondIndepFrame{Name: "p", Dim: -1, Size: 5, Subsample: 5, Vectorized: true}
	m.NStack = 1
	wantSiteErr(t, Catch(func() { h.Process(m) }), "s")
	m.Fn = dist.Normal(r2.Const([]int{5}, nil), r2.Scalar(1))
	m.CondIndepStack[1] = CondIndepFrame{Name: "o", Dim: -2, Size: 2, Subsample: 2, Vectorized: true}
	m.NStack = 2
	h.Process(m)
	if got := m.Fn.BatchShape(); !slices.Equal(got, []int{2, 5}) {
		t.Fatalf("batch %v, want [2 5]", got)
	}
}

// ---------------------------------------------------------------------------
// escape

func TestEscapeRestoresRuntime(t *testing.T) {
	inner := TraceOf(func(r *Runtime) {
		r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Plate("p", 3, func([]int) {
			r.Sample("b", dist.Normal(r.Scalar(0), r.Scalar(1)))
		})
		r.Sample("c", dist.Normal(r.Scalar(0), r.Scalar(1)))
	})
	esc := Escape(inner.Model(), func(m *Msg) bool { return m.Name == "b" })
	r := NewRuntime(1)
	_, err := TraceOf(esc).Get(r)
	var exit *NonlocalExit
	if !errors.As(err, &exit) || exit.Site.Name != "b" || exit.Site.Value.Valid() {
		t.Fatalf("want a nonlocal exit at b with no value, got %v", err)
	}
	if exit.Site.NStack != 1 || exit.Site.Fn == nil {
		t.Fatalf("exit site lacks its plate frame or distribution: %+v", exit.Site)
	}
	if len(r.Stack()) != 0 || r.plate.depth != 0 || r.plate.usedDim[1] != "" {
		t.Fatalf("runtime not restored: stack %d, plate depth %d", len(r.Stack()), r.plate.depth)
	}
	if !inner.Trace().Has("a") || inner.Trace().Has("c") {
		t.Fatal("inner trace should have a and not c")
	}
	// the runtime is usable afterwards: a plate reuses dim -1
	tr, err := TraceOf(func(r *Runtime) {
		r.Plate("q", 2, func([]int) { r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1))) })
	}).Get(r)
	if err != nil || tr.Get("x").CondIndepStack[0].Dim != -1 {
		t.Fatalf("after escape: %v", err)
	}
}

// ---------------------------------------------------------------------------
// queue

func TestQueueEnumeratesAndErrors(t *testing.T) {
	// a ∈ {0,1}, c ∈ {0,1,2}, one continuous site in between
	model := func(r *Runtime) {
		r.Sample("a", dist.Bernoulli(r.Scalar(0.4)))
		r.Sample("n", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("c", dist.Categorical(r.Const([]int{3}, []float64{0.2, 0.3, 0.5})))
	}
	q := &TraceQueue{}
	q.Put(NewTrace())
	tc := TraceOf(Queue(model, q, QueueOptions{}))
	r := NewRuntime(9)
	var got [][2]float64
	total := 0.0
	for !q.Empty() {
		tr, err := tc.Get(r)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Len() != 3 {
			t.Fatalf("complete trace has %d sites, want 3", tr.Len())
		}
		got = append(got, [2]float64{tr.Get("a").Value.Value(), tr.Get("c").Value.Value()})
		lp := tr.LogProbSum(r.Tape, func(s *Site) bool { return s.Name != "n" }).Value()
		total += math.Exp(lp)
	}
	want := [][2]float64{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}
	if !slices.Equal(got, want) {
		t.Fatalf("enumerated %v, want %v", got, want)
	}
	if math.Abs(total-1) > 1e-12 {
		t.Fatalf("probabilities of the enumerated assignments sum to %v", total)
	}
	if len(r.Stack()) != 0 {
		t.Fatal("stack not empty")
	}
	// empty queue
	_, err := tc.Get(r)
	if err == nil {
		t.Fatal("empty queue: no error")
	}
	// max tries
	q.Put(NewTrace())
	_, err = TraceOf(Queue(model, q, QueueOptions{MaxTries: 2})).Get(r)
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("max tries: want *Error, got %v", err)
	}
	// num_samples = 1 keeps 2 of the 3 categories (Pyro's off-by-one)
	q = &TraceQueue{}
	q.Put(NewTrace())
	tc = TraceOf(Queue(func(r *Runtime) {
		r.Sample("c", dist.Categorical(r.Const([]int{3}, []float64{0.2, 0.3, 0.5})))
	}, q, QueueOptions{NumSamples: 1}))
	n := 0
	for !q.Empty() {
		if _, err := tc.Get(r); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("num_samples=1 gave %d traces, want 2", n)
	}
	r.Reset()
}

func TestQueueMcExtendAllEscape(t *testing.T) {
	model := func(r *Runtime) {
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("y", dist.Normal(r.Scalar(5), r.Scalar(1)))
	}
	q := &TraceQueue{}
	q.Put(NewTrace())
	tc := TraceOf(Queue(model, q, QueueOptions{Extend: McExtend, Escape: AllEscape, NumSamples: 2}))
	r := NewRuntime(4)
	xs := map[float64]int{}
	n := 0
	for !q.Empty() {
		tr, err := tc.Get(r)
		if err != nil {
			t.Fatal(err)
		}
		xs[tr.Get("x").Value.Value()]++
		n++
	}
	// 2 draws of x, each extended by 2 draws of y
	if n != 4 || len(xs) != 2 {
		t.Fatalf("%d complete traces with %d distinct x, want 4 and 2", n, len(xs))
	}
	for _, c := range xs {
		if c != 2 {
			t.Fatalf("x counts %v, want 2 each", xs)
		}
	}
	// a resettable outer handler is reset after each escape
	h := &countingReset{}
	q.Put(NewTrace())
	if _, err := TraceOf(wrap(Queue(model, q, QueueOptions{Extend: McExtend, Escape: AllEscape}), h)).Get(r); err != nil {
		t.Fatal(err)
	}
	if h.resets != 2 {
		t.Fatalf("outer handler reset %d times, want 2 (one per escape)", h.resets)
	}
	// enum_extend on a continuous site names it
	q = &TraceQueue{}
	q.Put(NewTrace())
	_, err := TraceOf(Queue(model, q, QueueOptions{Escape: AllEscape})).Get(r)
	wantSiteErr(t, err, "x")
}

type countingReset struct{ resets int }

func (c *countingReset) Process(*Msg)     {}
func (c *countingReset) Postprocess(*Msg) {}
func (c *countingReset) ResetRun()        { c.resets++ }

// ---------------------------------------------------------------------------
// reparam

func TestLocScaleReparam(t *testing.T) {
	var loc, scale ad.V
	model := func(r *Runtime) {
		loc = r.ParamScalar(1.5)
		scale = r.ParamScalar(0.7)
		x := r.Sample("x", dist.Normal(loc, scale))
		r.Sample("y", dist.Normal(x, r.Scalar(1)), Obs(r.Scalar(2)))
	}
	r := NewRuntime(8)
	tr, err := TraceOf(Reparam(model, map[string]Reparameterizer{"x": NewLocScaleReparam(0)})).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	z, x := tr.Get("x_decentered"), tr.Get("x")
	if z == nil || z.IsObserved || z.Fn.Name() != "Normal" || z.Fn.Mean().Value() != 0 || z.Fn.Variance().Value() != 1 {
		t.Fatalf("x_decentered: %+v", z)
	}
	zv := z.Value.Value()
	if !x.IsObserved || math.Abs(x.Value.Value()-(1.5+0.7*zv)) > 1e-12 {
		t.Fatalf("x = %v observed %v, want 1.5+0.7·%v", x.Value.Value(), x.IsObserved, zv)
	}
	// log density: z's standard normal + y's; x contributes 0
	lp := tr.LogProbSum(r.Tape, nil)
	want := lpN(zv, 0, 1) + lpN(2, 1.5+0.7*zv, 1)
	if math.Abs(lp.Value()-want) > 1e-12 {
		t.Fatalf("log joint %v, want %v", lp.Value(), want)
	}
	// gradient flows through x = loc + scale·z: d/dloc = (2 - x), d/dscale = (2 - x)·z
	r.Backward(lp)
	xv := 1.5 + 0.7*zv
	if g := loc.Grad()[0]; math.Abs(g-(2-xv)) > 1e-10 {
		t.Fatalf("d/dloc %v, want %v", g, 2-xv)
	}
	if g := scale.Grad()[0]; math.Abs(g-(2-xv)*zv) > 1e-10 {
		t.Fatalf("d/dscale %v, want %v", g, (2-xv)*zv)
	}
	// partial centering c = 0.5 and an observed site: inverse transform
	obsModel := func(r *Runtime) {
		r.Sample("x", dist.Normal(r.Scalar(1.5), r.Scalar(4)), Obs(r.Scalar(3.5)))
	}
	tr, err = TraceOf(Reparam(obsModel, map[string]Reparameterizer{"x": NewLocScaleReparam(0.5)})).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	z = tr.Get("x_decentered")
	// (3.5 - 1.5)·4^(-0.5) + 0.5·1.5 = 1.75, drawn from Normal(0.75, 2)
	if !z.IsObserved || math.Abs(z.Value.Value()-1.75) > 1e-12 {
		t.Fatalf("observed decentered value %v (observed %v), want 1.75", z.Value.Value(), z.IsObserved)
	}
	if d := z.Fn.(*dist.NormalDist); d.Loc.Value() != 0.75 || d.Scale.Value() != 2 {
		t.Fatalf("decentered Normal(%v, %v), want Normal(0.75, 2)", d.Loc.Value(), d.Scale.Value())
	}
	// to_event Normal keeps the event dim
	evModel := func(r *Runtime) {
		r.Sample("v", dist.ToEvent(dist.Normal(r.Const([]int{3}, []float64{1, 2, 3}), r.Scalar(2)), 1))
	}
	tr, err = TraceOf(ReparamFn(evModel, func(m *Msg) Reparameterizer { return NewLocScaleReparam(0) })).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	if z := tr.Get("v_decentered"); !slices.Equal(z.Fn.EventShape(), []int{3}) {
		t.Fatalf("decentered event shape %v", z.Fn.EventShape())
	}
	// unsupported family names the site
	_, err = TraceOf(Reparam(func(r *Runtime) {
		r.Sample("g", dist.Gamma(r.Scalar(2), r.Scalar(1)))
	}, map[string]Reparameterizer{"g": NewLocScaleReparam(0)})).Get(r)
	wantSiteErr(t, err, "g")
}

// ---------------------------------------------------------------------------
// block_plate

func TestBlockPlate(t *testing.T) {
	model := func(r *Runtime) {
		r.Plate("outer", 2, func([]int) {
			r.Plate("data", 4, func([]int) {
				BlockPlate(r, "", -2, true, func() { // "data" got dim -2

					r.Sample("s", dist.Normal(r.Scalar(0), r.Scalar(1)))
				})
				r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
			}, SubsampleSize(2))
		})
	}
	r := NewRuntime(1)
	tr, err := TraceOf(model).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	s, x := tr.Get("s"), tr.Get("x")
	if s.NStack != 1 || s.CondIndepStack[0].Name != "outer" || s.Scale != 1 || !slices.Equal(s.Fn.BatchShape(), []int{2}) {
		t.Fatalf("blocked site: frames %v scale %v batch %v", s.Plates(), s.Scale, s.Fn.BatchShape())
	}
	if x.NStack != 2 || x.Scale != 2 || !slices.Equal(x.Fn.BatchShape(), []int{2, 2}) {
		t.Fatalf("site after the block: frames %v scale %v batch %v", x.Plates(), x.Scale, x.Fn.BatchShape())
	}
	// strict with no match names the plate
	_, err = TraceOf(func(r *Runtime) { BlockPlate(r, "nope", 0, true, func() {}) }).Get(r)
	wantSiteErr(t, err, "nope")
	_, err = TraceOf(func(r *Runtime) { BlockPlate(r, "nope", 0, false, func() {}) }).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	_, err = TraceOf(func(r *Runtime) { BlockPlate(r, "a", -1, false, func() {}) }).Get(r)
	if err == nil {
		t.Fatal("name and dim together: no error")
	}
}

// ---------------------------------------------------------------------------
// markov

func TestMarkovHistoryKeepAndRecursion(t *testing.T) {
	names := []string{"x0", "x1", "x2", "x3", "x4"}
	for _, hist := range []int{0, 1, 2} {
		mk := NewMarkov(hist, false)
		model := func(r *Runtime) {
			for i := range mk.Range(r, Count(len(names))) {
				r.Sample(names[i], dist.Normal(r.Scalar(0), r.Scalar(1)))
			}
			if len(r.Stack()) != 1 { // only the trace handler
				panic(&Error{Msg: "markov handler left on the stack"})
			}
		}
		r := NewRuntime(1)
		tr, err := TraceOf(model).Get(r)
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range names {
			d, scope := MarkovScope(tr.Get(n))
			var want []string
			for j := max(0, i-hist); j < i; j++ {
				want = append(want, names[j])
			}
			if d != 1 || !slices.Equal(scope, want) {
				t.Errorf("history %d: %s depth %d scope %v, want 1 %v", hist, n, d, scope, want)
			}
		}
	}
	// recursion: branches at the same depth are independent without keep
	// and see each other with it
	for _, keep := range []bool{false, true} {
		mk := NewMarkov(1, keep)
		var rec func(r *Runtime, name string, depth int)
		rec = func(r *Runtime, name string, depth int) {
			mk.Run(r, func() {
				r.Sample(name, dist.Normal(r.Scalar(0), r.Scalar(1)))
				if depth < 1 {
					rec(r, name+"L", depth+1)
					rec(r, name+"R", depth+1)
				}
			})
		}
		r := NewRuntime(1)
		tr, err := TraceOf(func(r *Runtime) { rec(r, "n", 0) }).Get(r)
		if err != nil {
			t.Fatal(err)
		}
		_, sL := MarkovScope(tr.Get("nL"))
		_, sR := MarkovScope(tr.Get("nR"))
		if !slices.Equal(sL, []string{"n"}) {
			t.Errorf("keep=%v: nL scope %v, want [n]", keep, sL)
		}
		wantR := []string{"n"}
		if keep {
			wantR = []string{"n", "nL"}
		}
		if !slices.Equal(sR, wantR) {
			t.Errorf("keep=%v: nR scope %v, want %v", keep, sR, wantR)
		}
	}
	// two nested distinct markov handlers: depth 2, scope counted twice
	outer, inner := NewMarkov(1, false), NewMarkov(1, false)
	r := NewRuntime(1)
	tr, _ := TraceOf(func(r *Runtime) {
		outer.Run(r, func() {
			r.Sample("a", dist.Normal(r.Scalar(0), r.Scalar(1)))
			inner.Run(r, func() {
				r.Sample("b", dist.Normal(r.Scalar(0), r.Scalar(1)))
			})
		})
	}).Get(r)
	if d, s := MarkovScope(tr.Get("b")); d != 2 || !slices.Equal(s, []string{"a"}) {
		t.Errorf("nested handlers: b depth %d scope %v, want 2 [a]", d, s)
	}
	if d, _ := MarkovScope(tr.Get("a")); d != 1 {
		t.Errorf("a depth %d, want 1", d)
	}
	r.Reset()
	if d, s := MarkovScope(tr.Get("b")); d != 0 || s != nil {
		t.Error("markov records survived Reset")
	}
}

// ---------------------------------------------------------------------------
// util

func TestGetMaskGetPlates(t *testing.T) {
	r := NewRuntime(1)
	var mask ad.V
	var keep bool
	var plates []CondIndepFrame
	probe := func(r *Runtime) {
		r.Plate("a", 2, func([]int) {
			r.Plate("b", 3, func([]int) {
				mask, keep = GetMask(r)
				plates = GetPlates(r)
			})
		})
	}
	if _, err := TraceOf(probe).Get(r); err != nil {
		t.Fatal(err)
	}
	if mask.Valid() || !keep || len(plates) != 2 || plates[0].Name != "a" || plates[1].Name != "b" {
		t.Fatalf("no mask: mask %v keep %v plates %v", mask.Valid(), keep, plates)
	}
	TraceOf(Mask(probe, false)).Get(r)
	if keep {
		t.Fatal("under Mask(false): keep")
	}
	mh := &MaskHandler{MaskFn: func(t *ad.Tape) ad.V { return t.Const([]int{3}, []float64{1, 0, 1}) }}
	TraceOf(wrap(wrap(probe, mh), mh)).Get(r)
	if !keep || !mask.Valid() || !slices.Equal(mask.Data(), []float64{1, 0, 1}) {
		t.Fatalf("tensor mask: keep %v mask %v", keep, mask)
	}
	// a block hides the mask outside it
	TraceOf(Mask(Block(probe, nil), false)).Get(r)
	if !keep {
		t.Fatal("mask outside a hide-all block was seen")
	}
}

type subsampleDist struct{ dist.Distribution }

func (subsampleDist) Name() string { return SubsampleDistName }

func TestSiteKindsAndPrune(t *testing.T) {
	r := NewRuntime(1)
	tr, err := TraceOf(func(r *Runtime) {
		r.Factor("f", r.Scalar(-1))
		r.Sample("sub", subsampleDist{dist.Normal(r.Scalar(0), r.Scalar(1))})
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
	}).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	if !SiteIsFactor(tr.Get("f")) || SiteIsFactor(tr.Get("x")) {
		t.Fatal("SiteIsFactor")
	}
	if !SiteIsSubsample(tr.Get("sub")) || SiteIsSubsample(tr.Get("x")) {
		t.Fatal("SiteIsSubsample")
	}
	p := PruneSubsampleSites(tr)
	if p.Has("sub") || !p.Has("f") || !p.Has("x") || p.Len() != 2 || !tr.Has("sub") {
		t.Fatalf("pruned: %v; original kept sub: %v", p.TopologicalSort(true), tr.Has("sub"))
	}
	if p.Get("x") == tr.Get("x") {
		t.Fatal("pruned trace shares its sites with the original")
	}
}

// ---------------------------------------------------------------------------
// graph, copy, detach, score parts

func TestTraceCopyDetachRemove(t *testing.T) {
	r := NewRuntime(1)
	var mu ad.V
	tc := TraceOf(func(r *Runtime) {
		mu = r.ParamScalar(0.5)
		x := r.Sample("x", dist.Normal(mu, r.Scalar(1)))
		r.Sample("y", dist.Normal(x, r.Scalar(1)), Obs(r.Scalar(1)))
	})
	tr, _ := tc.Get(r)
	c := tr.Copy()
	if c.Len() != 2 || c.Get("x") == tr.Get("x") || c.Get("x").Value != tr.Get("x").Value {
		t.Fatal("copy must own new sites with the same values")
	}
	c.Get("x").Name = "changed"
	if tr.Get("x").Name != "x" {
		t.Fatal("changing the copy changed the original")
	}
	c.Get("x").Name = "x"
	// the pool reusing messages does not affect the copy
	r2 := NewRuntime(2)
	c2 := tr.Copy()
	x0 := c2.Get("x").Value.Value()
	tc.Get(r) // reuses nothing (no Reset), appends
	r2.Reset()
	if c2.Get("x").Value.Value() != x0 || c2.Get("y").Name != "y" {
		t.Fatal("copy changed")
	}
	// detach: x = mu + ε was drawn with rsample, so log N(x; mu, 1) does
	// not depend on mu; at the detached x its gradient is x - mu
	d := tr.Detach()
	if !tr.Get("x").Value.RequiresGrad() || d.Get("x").Value.RequiresGrad() {
		t.Fatal("detach: original must require grad, the copy must not")
	}
	if d.Get("x").Value.Value() != tr.Get("x").Value.Value() {
		t.Fatal("detach changed the value")
	}
	isX := func(s *Site) bool { return s.Name == "x" }
	r.Backward(tr.LogProbSum(r.Tape, isX))
	if g := mu.Grad()[0]; math.Abs(g) > 1e-12 {
		t.Fatalf("attached: gradient %v, want 0", g)
	}
	r.Backward(d.LogProbSum(r.Tape, isX))
	if g, want := mu.Grad()[0], tr.Get("x").Value.Value()-0.5; math.Abs(g-want) > 1e-12 {
		t.Fatalf("detached: gradient %v, want x - mu = %v", g, want)
	}
	// remove_node
	if err := c.RemoveNode("x"); err != nil || c.Has("x") || c.Get("y") == nil || c.Len() != 1 {
		t.Fatalf("remove x: %v", err)
	}
	wantSiteErr(t, c.RemoveNode("x"), "x")
	if err := c.AddNode(tr.Get("x")); err != nil || c.Site(1).Name != "x" {
		t.Fatalf("add_node: %v", err)
	}
	wantSiteErr(t, c.AddNode(tr.Get("x")), "x")
}

func TestDenseGraphAndTopologicalSort(t *testing.T) {
	r := NewRuntime(1)
	tc := TraceOf(func(r *Runtime) {
		r.Sample("g", dist.Normal(r.Scalar(0), r.Scalar(1)))
		for i := range r.SeqPlate("s", 2) {
			r.Sample([]string{"a0", "a1"}[i], dist.Normal(r.Scalar(0), r.Scalar(1)))
		}
		r.Plate("v", 3, func([]int) {
			r.Sample("p", dist.Normal(r.Scalar(0), r.Scalar(1)))
		})
		r.Param("w", sc(0))
	})
	tr, err := tc.Get(r)
	if err != nil {
		t.Fatal(err)
	}
	// flat: no edges, Pyro's sort is reverse execution order
	if got := tr.TopologicalSort(false); !slices.Equal(got, []string{"w", "p", "a1", "a0", "g"}) {
		t.Fatalf("flat sort %v", got)
	}
	if p, _ := tr.Predecessors("p"); len(p) != 0 {
		t.Fatalf("flat predecessors %v", p)
	}
	tr.GraphType = "dense"
	preds := func(n string) []string { p, err := tr.Predecessors(n); must(t, err); return p }
	succs := func(n string) []string { s, err := tr.Successors(n); must(t, err); return s }
	if got := preds("a1"); !slices.Equal(got, []string{"g"}) {
		t.Fatalf("a1 predecessors %v, want [g] (a0 is in another iteration)", got)
	}
	if got := preds("p"); !slices.Equal(got, []string{"g", "a0", "a1"}) {
		t.Fatalf("p predecessors %v", got)
	}
	if got := succs("a0"); !slices.Equal(got, []string{"p"}) {
		t.Fatalf("a0 successors %v", got)
	}
	if len(tr.Edges()) != 5 {
		t.Fatalf("edges %v", tr.Edges())
	}
	order := tr.TopologicalSort(false)
	pos := map[string]int{}
	for i, n := range order {
		pos[n] = i
	}
	for _, e := range tr.Edges() {
		if pos[e[0]] >= pos[e[1]] {
			t.Fatalf("order %v violates edge %v", order, e)
		}
	}
	if len(order) != 5 {
		t.Fatalf("sort %v", order)
	}
	rev := tr.TopologicalSort(true)
	slices.Reverse(rev)
	if !slices.Equal(rev, order) {
		t.Fatal("reverse sort is not the reversed sort")
	}
	if _, err := tr.Predecessors("nope"); err == nil {
		t.Fatal("missing site: no error")
	}
	tr.GraphType = "flat"
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestComputeScoreParts(t *testing.T) {
	r := NewRuntime(1)
	tr, err := TraceOf(Scale(func(r *Runtime) {
		r.Sample("n", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("b", dist.Bernoulli(r.Scalar(0.3)))
		r.Param("w", sc(1))
	}, 2)).Get(r)
	if err != nil {
		t.Fatal(err)
	}
	parts := tr.ComputeScoreParts(nil)
	if len(parts) != 2 {
		t.Fatalf("%d score parts, want 2 (sample sites only)", len(parts))
	}
	n, b := parts[0], parts[1]
	nv, bv := tr.Get("n").Value.Value(), tr.Get("b").Value.Value()
	if !n.Reparam || n.ScoreFunction.Value() != 0 || math.Abs(n.EntropyTerm.Value()-2*lpN(nv, 0, 1)) > 1e-12 || n.LogProb != n.EntropyTerm {
		t.Fatalf("reparameterized parts: %+v", n)
	}
	pb := 0.3
	if bv == 0 {
		pb = 0.7
	}
	if b.Reparam || b.EntropyTerm.Value() != 0 || math.Abs(b.ScoreFunction.Value()-math.Log(pb)) > 1e-12 || math.Abs(b.LogProb.Value()-2*math.Log(pb)) > 1e-12 {
		t.Fatalf("score-function parts: sf %v lp %v, want %v and %v", b.ScoreFunction.Value(), b.LogProb.Value(), math.Log(pb), 2*math.Log(pb))
	}
	if again := tr.ComputeScoreParts(parts); &again[0] != &parts[0] {
		t.Fatal("dst not reused")
	}
}

func TestTraceValueErrors(t *testing.T) {
	r := NewRuntime(1)
	_, _, err := TraceValue(func(r *Runtime) ad.V {
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		return r.Scalar(0)
	}).Get(r)
	wantSiteErr(t, err, "x")
	if len(r.Stack()) != 0 {
		t.Fatal("stack not unwound")
	}
	tr := NewTrace()
	if _, ok := tr.ReturnValue(); ok {
		t.Fatal("empty trace has a return value")
	}
}

// ---------------------------------------------------------------------------
// allocation

func TestHotHandlersZeroAlloc(t *testing.T) {
	names := chainNames[:20]
	init := sc(1)
	base := func(r *Runtime) {
		s := r.Param("s", init)
		prev := r.Scalar(0)
		for _, n := range names {
			prev = r.Sample(n, dist.Normal(prev, r.Scalar(1)))
		}
		r.Sample("obs", dist.Normal(prev, r.Exp(s)), Obs(r.Scalar(0.5)))
	}
	reparams := map[string]Reparameterizer{}
	lsr := NewLocScaleReparam(0)
	for _, n := range names[:10] {
		reparams[n] = lsr
	}
	cases := []struct {
		name  string
		model Model
	}{
		{"substitute", Substitute(base, map[string]*tensor.Dense{"s": sc(0.2), "z3": sc(1), "z4": tensor.New([]int{1}, []float64{2})})},
		{"do", Do(base, map[string]*tensor.Dense{"z5": sc(1), "z9": sc(-1)})},
		{"reparam", Reparam(base, reparams)},
		{"lift", Lift(base, map[string]PriorFn{"s": normalPrior})},
		{"broadcast+markov", Broadcast(func(r *Runtime) {
			mk := markovForAlloc
			prev := r.Scalar(0)
			for i := range mk.Range(r, Count(len(names))) {
				prev = r.Sample(names[i], dist.Normal(prev, r.Scalar(1)))
			}
		})},
	}
	for _, c := range cases {
		r := NewRuntime(1)
		tc := TraceOf(c.model)
		run := func() {
			r.Reset()
			tr, err := tc.Get(r)
			if err != nil {
				t.Fatal(err)
			}
			tr.LogProbSum(r.Tape, nil)
		}
		run()
		run()
		if a := testing.AllocsPerRun(50, run); a != 0 {
			t.Errorf("%s: %v allocations per traced run, want 0", c.name, a)
		}
	}
}

var markovForAlloc = NewMarkov(1, false)

func normalPrior(t *ad.Tape) dist.Distribution { return dist.Normal(t.Scalar(0), t.Scalar(1)) }

// ---------------------------------------------------------------------------
// benchmarks: the 100-site chain of poutine_test.go under the handlers

func benchTraced(b *testing.B, model Model) {
	r := NewRuntime(1)
	tc := TraceOf(model)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset()
		tr, err := tc.Get(r)
		if err != nil {
			b.Fatal(err)
		}
		tr.LogProbSum(r.Tape, nil)
	}
}

func BenchmarkChainDo(b *testing.B) {
	benchTraced(b, Do(chain, map[string]*tensor.Dense{"z10": sc(1), "z50": sc(-1)}))
}

func BenchmarkChainReparamAll(b *testing.B) {
	lsr := NewLocScaleReparam(0)
	benchTraced(b, ReparamFn(chain, func(*Msg) Reparameterizer { return lsr }))
}

func BenchmarkChainSubstituteFn(b *testing.B) {
	benchTraced(b, SubstituteFn(chain, func(m *Msg) ad.V { return m.Fn.Tape().Scalar(0.1) }))
}

func BenchmarkChainMarkov(b *testing.B) {
	mk := NewMarkov(1, false)
	benchTraced(b, func(r *Runtime) {
		prev := r.Scalar(0)
		one := r.Scalar(1)
		for i := range mk.Range(r, Count(100)) {
			prev = r.Sample(chainNames[i], dist.Normal(prev, one))
		}
	})
}

// BenchmarkQueueEnumerate8 enumerates the 256 assignments of 8 coin flips
// with Queue (Pyro's sequential enumeration; quadratic in the number of
// sites by construction).
func BenchmarkQueueEnumerate8(b *testing.B) {
	model := func(r *Runtime) {
		for i := 0; i < 8; i++ {
			r.Sample(chainNames[i], dist.Bernoulli(r.Scalar(0.5)))
		}
	}
	r := NewRuntime(1)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset()
		q := &TraceQueue{}
		q.Put(NewTrace())
		tc := TraceOf(Queue(model, q, QueueOptions{}))
		n := 0
		for !q.Empty() {
			if _, err := tc.Get(r); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 256 {
			b.Fatalf("%d traces", n)
		}
	}
}

func TestHandlersPushedDirectly(t *testing.T) {
	r := NewRuntime(1)
	var used float64
	h := NewDoHandler(r, map[string]*tensor.Dense{"x": sc(4)})
	tr, err := TraceOf(func(r *Runtime) {
		r.With(h, func() {
			used = r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1))).Value()
		})
	}).Get(r)
	if err != nil || used != 4 || !tr.Has("x") || tr.Get("x").IsObserved {
		t.Fatalf("do pushed directly: err %v used %v", err, used)
	}
	// a reparam handler pushed without its runtime names the site
	rh := &ReparamHandler{Config: map[string]Reparameterizer{"x": NewLocScaleReparam(0)}}
	_, err = TraceOf(func(r *Runtime) {
		r.Push(rh)
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Pop(rh)
	}).Get(r)
	wantSiteErr(t, err, "x")
	dh := &DoHandler{}
	_, err = TraceOf(func(r *Runtime) {
		r.Push(dh)
		r.Sample("x", dist.Normal(r.Scalar(0), r.Scalar(1)))
		r.Pop(dh)
	}).Get(r)
	if err != nil {
		t.Fatalf("do handler with no data must be inert: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("NewLocScaleReparam(2): no panic")
		}
	}()
	NewLocScaleReparam(2)
}
