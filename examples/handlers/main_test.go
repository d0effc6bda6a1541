package main

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-10*(1+math.Abs(b)) }

var byHand = normalLogPDF(weightObs, guess, 1) + normalLogPDF(measurement, weightObs, noise)

func TestMakeLogJoint(t *testing.T) {
	r := poutine.NewRuntime(1)
	got, err := makeLogJoint(scale)(r, map[string]*tensor.Dense{"measurement": scalar(measurement), "weight": scalar(weightObs)}, guess)
	if err != nil || !near(got, byHand) {
		t.Fatalf("log joint %v (%v), want %v", got, err, byHand)
	}
}

func TestLogJointHandler(t *testing.T) {
	r := poutine.NewRuntime(1)
	h := &logJointHandler{r: r, data: map[string]float64{"measurement": measurement, "weight": weightObs}}
	if got := h.logJoint(scale(guess)); !near(got, byHand) {
		t.Fatalf("log joint %v, want %v", got, byHand)
	}
	if got := h.logJoint(poutine.Scale(scale(guess), 0.5)); !near(got, 0.5*byHand) {
		t.Fatalf("scaled log joint %v, want %v", got, 0.5*byHand)
	}
	if len(r.Stack()) != 0 {
		t.Fatal("handler left on the stack")
	}
}

func TestMonteCarloELBO(t *testing.T) {
	r := poutine.NewRuntime(4)
	for _, q := range [][2]float64{{8.9, 0.6}, {9.5, 0.3}} {
		mean, se, err := mcELBO(r, q[0], q[1], 5000)
		if err != nil {
			t.Fatal(err)
		}
		want := exactELBO(q[0], q[1])
		if math.Abs(mean-want) > 4*se {
			t.Errorf("q=%v: Monte Carlo ELBO %v ± %v, exact %v", q, mean, se, want)
		}
	}
	// at the exact posterior the ELBO equals log p(measurement) for every draw
	pm, ps := exactPosterior()
	mean, se, err := mcELBO(r, pm, ps, 50)
	logEvidence := normalLogPDF(measurement, guess, math.Sqrt(1+noise*noise))
	if err != nil || se > 1e-9 || !near(mean, logEvidence) {
		t.Fatalf("ELBO at the posterior %v ± %v (%v), want log evidence %v", mean, se, err, logEvidence)
	}
}

func TestTrainRecoversPosterior(t *testing.T) {
	loc, sd, err := train(poutine.NewRuntime(2), 4000, 0.05, 0.0002)
	if err != nil {
		t.Fatal(err)
	}
	pm, ps := exactPosterior()
	if math.Abs(loc-pm) > 0.05*ps || math.Abs(sd/ps-1) > 0.05 {
		t.Fatalf("fitted Normal(%v, %v), exact posterior Normal(%v, %v)", loc, sd, pm, ps)
	}
}

func TestSequentialEnumeration(t *testing.T) {
	r := poutine.NewRuntime(3)
	post, err := sequentialDiscreteMarginal(r, discreteModel, map[string]*tensor.Dense{"c": scalar(1.5)})
	if err != nil {
		t.Fatal(err)
	}
	exact := exactDiscretePosterior(1.5)
	if len(post) != 4 {
		t.Fatalf("%d assignments, want 4", len(post))
	}
	for k, p := range exact {
		if math.Abs(post[k]-p) > 1e-12 {
			t.Errorf("p%v = %v, want %v", k, post[k], p)
		}
	}
}

func TestLiftScaleBlock(t *testing.T) {
	r := poutine.NewRuntime(5)
	typ, fn, s, lp, err := liftDemo(r)
	if err != nil || typ != poutine.TypeSample || fn != "Exponential" || !(s > 0) || !near(lp, math.Log(0.3)-0.3*s) {
		t.Fatalf("lift: %q %q s=%v lp=%v err=%v", typ, fn, s, lp, err)
	}
	plain, scaled, err := scaleDemo(r)
	if err != nil || !near(plain, normalLogPDF(1, 0, 0.5)) || !near(scaled, 0.5*plain) {
		t.Fatalf("scale: %v %v %v", plain, scaled, err)
	}
	inner, outer, exposed, err := blockDemo(r)
	if err != nil || !slices.Equal(inner, []string{"a", "b"}) || !slices.Equal(outer, []string{"b"}) || !slices.Equal(exposed, []string{"a"}) {
		t.Fatalf("block: %v %v %v %v", inner, outer, exposed, err)
	}
}

func TestRunPrintsEverySection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole program")
	}
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"1. make_log_joint", "2. a log-joint handler", "3. Monte Carlo ELBO", "4. training", "5. exact inference", "6. lift, scale, block", "Block(expose a) lets through [a]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
