package mcmc

import (
	"context"
	"math"
	"testing"
	"time"
)

// BenchmarkGradient10D is the floor: one standard-normal gradient in 10-D.
func BenchmarkGradient10D(b *testing.B) {
	x := make([]float64, 10)
	g := make([]float64, 10)
	for i := range x {
		x[i] = 0.1 * float64(i)
	}
	for b.Loop() {
		stdNormal(x, g)
	}
}

// BenchmarkNUTS10D runs warm-up plus 1000 draws of NUTS on a 10-D standard
// normal and reports the time per gradient (sampler overhead included), the
// minimum bulk ESS over coordinates per second of sampling, and gradients
// per draw.
func BenchmarkNUTS10D(b *testing.B) { benchSampler(b, Options{NumWarmup: 500, NumSamples: 1000}) }

// BenchmarkNUTS10DDense is the same with a dense mass matrix.
func BenchmarkNUTS10DDense(b *testing.B) {
	benchSampler(b, Options{NumWarmup: 500, NumSamples: 1000, DenseMass: true})
}

// BenchmarkHMC10D is static HMC with integration time π/2, a quarter of
// the standard normal's period (ideal for this target; a fixed 10 steps
// resonates with the period after adaptation and mixes badly).
func BenchmarkHMC10D(b *testing.B) {
	benchSampler(b, Options{Algorithm: HMC, TrajectoryLength: math.Pi / 2, NumWarmup: 500, NumSamples: 1000})
}

func benchSampler(b *testing.B, o Options) {
	init := make([]float64, 10)
	var sampleGrads int
	var sampleTime time.Duration
	var essSum float64
	var draws int
	seed := uint64(0)
	for b.Loop() {
		o.Seed = seed
		seed++
		r, err := Sample(context.Background(), stdNormal, init, o)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		sampleTime += r.SampleTime
		for _, s := range r.Stats {
			sampleGrads += s.NumLeapfrog
		}
		draws += len(r.Stats)
		ess := math.Inf(1)
		for j := 0; j < r.Dim; j++ {
			ess = math.Min(ess, ESSBulk([][]float64{r.Param(j, nil)}))
		}
		essSum += ess
		b.StartTimer()
	}
	// Per-gradient cost and ESS rate of the sampling phase (warm-up excluded).
	b.ReportMetric(float64(sampleTime.Nanoseconds())/float64(sampleGrads), "ns/grad")
	b.ReportMetric(float64(sampleGrads)/float64(draws), "grad/draw")
	b.ReportMetric(essSum/sampleTime.Seconds(), "minESS/s")
}

// BenchmarkNUTSTransition10D times post-warm-up NUTS transitions alone on
// a 10-D standard normal (step size 0.8, identity metric): ns/grad is the
// sampler's cost per leapfrog step including the 13 ns gradient.
func BenchmarkNUTSTransition10D(b *testing.B) {
	o, _ := (&Options{NumSamples: 1, FixedStepSize: true, FixedMass: true}).withDefaults()
	c, err := newChain(stdNormal, make([]float64, 10), o, 0)
	if err != nil {
		b.Fatal(err)
	}
	var leap int
	b.ReportAllocs()
	for b.Loop() {
		leap += c.k.transition(&c.cur, 0.8).NumLeapfrog
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(leap), "ns/grad")
}
