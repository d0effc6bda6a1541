package main

import (
	"context"
	"testing"
)

// At a small size both guides recover the exact conjugate posterior: the
// mean within a fraction of a posterior standard deviation (a mean-field
// Gaussian's optimal mean is the exact mean of a Gaussian posterior too),
// the standard deviations within 15% of what each family can reach.
func TestFitMatchesConjugatePosterior(t *testing.T) {
	for _, guide := range []string{"mvn", "normal"} {
		t.Run(guide, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.N, cfg.D, cfg.Steps, cfg.LR, cfg.FinalLR, cfg.Guide = 100, 3, 2000, 0.05, 0.0002, guide
			res, err := run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: mean error %.3f sd, sd ratio error %.3f, loss %.1f → %.1f", guide, res.MaxMeanError(), res.MaxSDRatioError(), res.FirstLoss, res.FinalLoss)
			if e := res.MaxMeanError(); e > 0.25 {
				t.Errorf("guide mean is %.3f posterior sds from the exact mean %v (got %v)", e, res.ExactMean, res.Mean)
			}
			if e := res.MaxSDRatioError(); e > 0.15 {
				t.Errorf("guide sds %v vs exact %v: ratio error %.3f", res.SD, res.ExactSD, e)
			}
			if !(res.FinalLoss < res.FirstLoss) {
				t.Errorf("loss did not decrease: %v → %v", res.FirstLoss, res.FinalLoss)
			}
		})
	}
}

func TestBadConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Guide = "delta"
	if _, err := run(context.Background(), cfg); err == nil {
		t.Fatal("unknown guide accepted")
	}
	cfg = DefaultConfig()
	cfg.N = 0
	if _, err := run(context.Background(), cfg); err == nil {
		t.Fatal("N = 0 accepted")
	}
}
