package main

import (
	"context"
	"math"
	"testing"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/autoguide"
	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
)

func fixedSVI(t *testing.T, r *poutine.Runtime, data *models.LogRegData, guideKind string, opts ...poutine.PlateOption) *infer.SVI {
	t.Helper()
	model := models.LogisticRegression(data, opts...)
	var guide poutine.Model
	switch guideKind {
	case "delta":
		guide = autoguide.NewAutoDelta(model, autoguide.Options{Init: infer.InitToUniform{Radius: 1}, Seed: 3}).Guide
	default:
		guide = autoguide.NewAutoNormal(model, autoguide.Options{Init: infer.InitToUniform{Radius: 1}, InitScale: 0.3, Seed: 3}).Guide
	}
	return infer.NewSVI(r, model, guide, optim.Must(optim.NewAdam(0.01)), &infer.TraceELBO{})
}

// With a point-mass guide the loss is −log p(x, z) at a fixed z: the
// minibatch losses of the batches of a partition average exactly to the
// full-data loss, and random minibatches estimate it without bias.
func TestMinibatchLossUnbiasedPointMass(t *testing.T) {
	ctx := context.Background()
	data, _, err := models.SyntheticLogReg(200, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	r := poutine.NewRuntime(1)
	full, err := fixedSVI(t, r, data, "delta").EvaluateLoss(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// a partition of the rows into 10 batches of 20 (a fixed shuffle)
	perm := make([]int, data.N)
	for i := range perm {
		perm[i] = (i * 37) % data.N // 37 is coprime with 200
	}
	var sum float64
	for k := 0; k < 10; k++ {
		l, err := fixedSVI(t, r, data, "delta", poutine.Subsample(perm[k*20:(k+1)*20])).EvaluateLoss(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sum += l
	}
	if got := sum / 10; math.Abs(got-full) > 1e-10*math.Abs(full) {
		t.Fatalf("mean minibatch loss over a partition %v, full-data loss %v", got, full)
	}
	// random minibatches of 20
	mb, se, err := meanLoss(ctx, fixedSVI(t, r, data, "delta", poutine.SubsampleSize(20)), 4000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full %.3f, random minibatches %.3f ± %.3f", full, mb, se)
	if se <= 0 || math.Abs(mb-full) > 4*se {
		t.Fatalf("mean of random minibatch losses %v ± %v, full-data loss %v", mb, se, full)
	}
}

// With a Normal guide both estimators are random; their means agree.
func TestMinibatchELBOUnbiased(t *testing.T) {
	ctx := context.Background()
	data, _, err := models.SyntheticLogReg(200, 3, 8)
	if err != nil {
		t.Fatal(err)
	}
	r := poutine.NewRuntime(2)
	full, seF, err := meanLoss(ctx, fixedSVI(t, r, data, "normal"), 3000)
	if err != nil {
		t.Fatal(err)
	}
	mb, seM, err := meanLoss(ctx, fixedSVI(t, r, data, "normal", poutine.SubsampleSize(25)), 3000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full %.3f ± %.3f, minibatch %.3f ± %.3f", full, seF, mb, seM)
	if math.Abs(mb-full) > 4*math.Hypot(seF, seM) {
		t.Fatalf("minibatch ELBO %v ± %v, full %v ± %v", mb, seM, full, seF)
	}
	if !(seM > seF) {
		t.Fatalf("minibatch loss spread %v not above the full-batch one %v", seM, seF)
	}
}

// The minibatch fit recovers the true weights, and lands where the
// full-batch fit does.
func TestFitRecoversWeights(t *testing.T) {
	ctx := context.Background()
	cfg := Config{N: 2000, D: 5, Batch: 100, Steps: 1500, LR: 0.05, FinalLR: 0.002, Seed: 5}
	mb, err := run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Batch = cfg.N
	fb, err := run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RMSE minibatch %.4f, full batch %.4f; b %.3f / %.3f; full loss %.2f / %.2f", mb.RMSE, fb.RMSE, mb.B, fb.B, mb.FullLoss, fb.FullLoss)
	if mb.RMSE > 0.15 {
		t.Errorf("minibatch RMSE %v vs true weights %v (means %v)", mb.RMSE, mb.TrueW, mb.W)
	}
	if math.Abs(mb.B-models.SyntheticLogRegIntercept) > 0.25 {
		t.Errorf("intercept %v, true %v", mb.B, models.SyntheticLogRegIntercept)
	}
	for j := range mb.W {
		if d := math.Abs(mb.W[j] - fb.W[j]); d > 2*fb.WScale[j] {
			t.Errorf("w[%d]: minibatch %v, full batch %v ± %v", j, mb.W[j], fb.W[j], fb.WScale[j])
		}
	}
	if math.Abs(mb.FullLoss-fb.FullLoss) > 0.02*math.Abs(fb.FullLoss) {
		t.Errorf("full-data loss after the minibatch fit %v, after the full-batch fit %v", mb.FullLoss, fb.FullLoss)
	}
}

func TestBadConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.N, cfg.D, cfg.Batch = 10, 2, 11
	if _, err := run(context.Background(), cfg); err == nil {
		t.Fatal("batch > N accepted")
	}
	cfg.Batch, cfg.Steps = 5, 0
	if _, err := run(context.Background(), cfg); err == nil {
		t.Fatal("0 steps accepted")
	}
}
