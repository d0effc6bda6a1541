package models

import (
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
)

// LogisticRegression is Bayesian logistic regression on d
// (stan/logistic_regression.stan):
//
//	w[k] ~ Normal(0, 1)                     k = 1..D (one site "w" of event shape (D))
//	b ~ Normal(0, 10)
//	y[n] ~ Bernoulli(logits = X[n]·w + b)   n = 1..N (plate "data"), observed
//
// opts are passed to the data plate: with poutine.SubsampleSize(m) each run
// scores a random minibatch of m rows, gathered from X and Y with the
// tape's IndexSelect, and the plate scales its log likelihood by N/m, so
// that the log joint (and an ELBO built on it) is an unbiased estimate of
// the full-data one; poutine.Subsample(idx) scores the given rows.
func LogisticRegression(d *LogRegData, opts ...poutine.PlateOption) poutine.Model {
	n, nd := d.N, d.D
	xshape, yshape := []int{n, nd}, []int{n}
	return func(r *poutine.Runtime) {
		w := r.Sample("w", dist.ToEvent(dist.Normal(r.Scalar(0), r.Scalar(1)).Expand(nd), 1))
		b := r.Sample("b", dist.Normal(r.Scalar(0), r.Scalar(10)))
		x := r.ConstRef(xshape, d.X)
		y := r.ConstRef(yshape, d.Y)
		r.Plate("data", n, func(ind []int) {
			if !isRange(ind, n) {
				x = r.IndexSelect(x, 0, ind)
				y = r.IndexSelect(y, 0, ind)
			}
			r.Sample("y", dist.BernoulliLogits(r.Add(r.MatVec(x, w), b)), poutine.Obs(y))
		}, opts...)
	}
}

// isRange reports whether ind is 0, 1, …, n−1 (the plate's indices without
// subsampling).
func isRange(ind []int, n int) bool {
	if len(ind) != n {
		return false
	}
	for i, v := range ind {
		if v != i {
			return false
		}
	}
	return true
}

// SyntheticLogReg draws a logistic-regression data set of n rows and d
// features from a generator seeded with seed: X and the true weights w
// have independent standard normal entries, the intercept is 0.5, and
// y[i] ~ Bernoulli(σ(X[i]·w + 0.5)). It returns the data and the true
// weights. The draws (X row by row, then w, then one uniform per label) are
// those of the synthetic benchmark model, so the same seed gives the same
// data everywhere.
func SyntheticLogReg(n, d int, seed uint64) (*LogRegData, []float64, error) {
	if n < 1 || d < 1 {
		return nil, nil, fmt.Errorf("models: SyntheticLogReg: n = %d and d = %d must be positive", n, d)
	}
	rng := dist.NewRNG(seed)
	x := make([]float64, n*d)
	w := make([]float64, d)
	y := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		eta := SyntheticLogRegIntercept
		for j := 0; j < d; j++ {
			eta += x[i*d+j] * w[j]
		}
		if rng.Float64() < 1/(1+math.Exp(-eta)) {
			y[i] = 1
		}
	}
	return &LogRegData{N: n, D: d, X: x, Y: y}, w, nil
}

// SyntheticLogRegIntercept is the true intercept b of SyntheticLogReg.
const SyntheticLogRegIntercept = 0.5
