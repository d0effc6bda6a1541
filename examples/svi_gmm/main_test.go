package main

import (
	"context"
	"math"
	"testing"

	"github.com/gyro-ppl/gyro/examples/models"
)

// On well-separated clusters the fit recovers the means: close to the true
// means (within the data's sampling noise) and closer still to the sample
// mean of each cluster's points, which is the posterior mean when
// responsibilities are 0 or 1; the weights come out near the cluster
// proportions and nearly every point is assigned to its own cluster.
func TestRecoversSeparatedMeans(t *testing.T) {
	for _, conc := range []float64{1, 0} {
		cfg := DefaultConfig()
		cfg.N, cfg.Steps, cfg.Concentration = 300, 800, conc
		res, err := run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		data, labels, _ := models.SyntheticGMM(cfg.N, cfg.TrueLocs, cfg.TrueWeights, cfg.Scale, cfg.Seed)
		k, d := len(cfg.TrueLocs), data.D
		count := make([]float64, k)
		mean := make([][]float64, k)
		for c := range mean {
			mean[c] = make([]float64, d)
		}
		for i, c := range labels {
			count[c]++
			for j := 0; j < d; j++ {
				mean[c][j] += data.X[i*d+j]
			}
		}
		t.Logf("concentration %v: max error vs truth %.3f, accuracy %.3f, weights %.3f, loss %.1f", conc, res.MaxLocError, res.Accuracy, res.Weights, res.FinalLoss)
		for c := 0; c < k; c++ {
			for j := 0; j < d; j++ {
				mean[c][j] /= count[c]
				if e := math.Abs(res.Locs[c][j] - mean[c][j]); e > 0.12 {
					t.Errorf("concentration %v: component %d coordinate %d: fitted %.3f, cluster sample mean %.3f", conc, c, j, res.Locs[c][j], mean[c][j])
				}
				if sd := res.LocSD[c][j]; sd < 0.3/math.Sqrt(count[c]) || sd > 3/math.Sqrt(count[c]) {
					t.Errorf("concentration %v: component %d coordinate %d: posterior sd %.4f, expected about %.4f", conc, c, j, sd, 1/math.Sqrt(count[c]))
				}
			}
			want := 1 / float64(k)
			if conc > 0 {
				want = count[c] / float64(cfg.N)
			}
			if math.Abs(res.Weights[c]-want) > 0.05 {
				t.Errorf("concentration %v: weight %d = %.3f, want about %.3f", conc, c, res.Weights[c], want)
			}
		}
		if res.MaxLocError > 0.5 {
			t.Errorf("largest distance to a true mean %.3f", res.MaxLocError)
		}
		if res.Accuracy < 0.97 {
			t.Errorf("only %.1f%% of points assigned to their cluster", 100*res.Accuracy)
		}
	}
}

func TestBestPermutation(t *testing.T) {
	// fitted component f sits at true component (f+2)%4
	perm := bestPermutation(4, func(f, tr int) float64 {
		if (f+2)%4 == tr {
			return 0
		}
		return 1
	})
	for tr, f := range perm {
		if (f+2)%4 != tr {
			t.Fatalf("permutation %v", perm)
		}
	}
}

func TestBadConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.N = 50
	cfg.Steps = 0
	if _, err := run(context.Background(), cfg); err == nil {
		t.Fatal("0 steps accepted")
	}
	cfg.Steps, cfg.Scale = 10, -1
	if _, err := run(context.Background(), cfg); err == nil {
		t.Fatal("negative scale accepted")
	}
}
