package models

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
)

// LinRegData is a regression data set: N rows of D features (X, row-major
// N×D) and real responses Y.
type LinRegData struct {
	N, D int
	X    []float64
	Y    []float64
}

// LinearRegression is conjugate Bayesian linear regression with a known
// noise scale:
//
//	w[k] ~ Normal(0, priorScale)               k = 1..D (site "w", event shape (D))
//	b ~ Normal(0, priorScale)
//	y[n] ~ Normal(X[n]·w + b, noiseScale)      n = 1..N (plate "data"), observed
//
// Its posterior is Gaussian, given in closed form by ConjugatePosterior.
// opts are passed to the data plate (see LogisticRegression).
func LinearRegression(d *LinRegData, priorScale, noiseScale float64, opts ...poutine.PlateOption) poutine.Model {
	n, nd := d.N, d.D
	xshape, yshape := []int{n, nd}, []int{n}
	return func(r *poutine.Runtime) {
		w := r.Sample("w", dist.ToEvent(dist.Normal(r.Scalar(0), r.Scalar(priorScale)).Expand(nd), 1))
		b := r.Sample("b", dist.Normal(r.Scalar(0), r.Scalar(priorScale)))
		x := r.ConstRef(xshape, d.X)
		y := r.ConstRef(yshape, d.Y)
		r.Plate("data", n, func(ind []int) {
			if !isRange(ind, n) {
				x = r.IndexSelect(x, 0, ind)
				y = r.IndexSelect(y, 0, ind)
			}
			r.Sample("y", dist.Normal(r.Add(r.MatVec(x, w), b), r.Scalar(noiseScale)), poutine.Obs(y))
		}, opts...)
	}
}

// ConjugatePosterior returns the exact posterior of LinearRegression's
// (w, b) on d: with Z = [X 1] and s0, s the prior and noise scales, the
// posterior precision is Λ = I/s0² + ZᵀZ/s², the mean Λ⁻¹Zᵀy/s², and the
// covariance Λ⁻¹. mean has D+1 entries (w, then b) and cov is (D+1)×(D+1)
// row-major.
func (d *LinRegData) ConjugatePosterior(priorScale, noiseScale float64) (mean, cov []float64, err error) {
	if !(priorScale > 0) || !(noiseScale > 0) {
		return nil, nil, fmt.Errorf("models: ConjugatePosterior: scales %v and %v must be positive", priorScale, noiseScale)
	}
	p := d.D + 1
	z := mat.NewDense(d.N, p, nil)
	for i := 0; i < d.N; i++ {
		for j := 0; j < d.D; j++ {
			z.Set(i, j, d.X[i*d.D+j])
		}
		z.Set(i, d.D, 1)
	}
	var prec mat.SymDense
	prec.SymOuterK(1/(noiseScale*noiseScale), z.T())
	for j := 0; j < p; j++ {
		prec.SetSym(j, j, prec.At(j, j)+1/(priorScale*priorScale))
	}
	var ch mat.Cholesky
	if !ch.Factorize(&prec) {
		return nil, nil, fmt.Errorf("models: ConjugatePosterior: posterior precision is not positive definite")
	}
	var zty mat.VecDense
	zty.MulVec(z.T(), mat.NewVecDense(d.N, d.Y))
	zty.ScaleVec(1/(noiseScale*noiseScale), &zty)
	var m mat.VecDense
	if err := ch.SolveVecTo(&m, &zty); err != nil {
		return nil, nil, fmt.Errorf("models: ConjugatePosterior: %w", err)
	}
	var c mat.SymDense
	if err := ch.InverseTo(&c); err != nil {
		return nil, nil, fmt.Errorf("models: ConjugatePosterior: %w", err)
	}
	mean = make([]float64, p)
	cov = make([]float64, p*p)
	for i := 0; i < p; i++ {
		mean[i] = m.AtVec(i)
		for j := 0; j < p; j++ {
			cov[i*p+j] = c.At(i, j)
		}
	}
	return mean, cov, nil
}

// SyntheticLinReg draws a linear-regression data set from a generator
// seeded with seed: X and the true weights w have standard normal entries,
// the true intercept is b, and y = Xw + b + noise·ε with ε standard normal.
// It returns the data and the true weights.
func SyntheticLinReg(n, d int, b, noise float64, seed uint64) (*LinRegData, []float64, error) {
	if n < 1 || d < 1 {
		return nil, nil, fmt.Errorf("models: SyntheticLinReg: n = %d and d = %d must be positive", n, d)
	}
	if !(noise >= 0) {
		return nil, nil, fmt.Errorf("models: SyntheticLinReg: noise %v must be non-negative", noise)
	}
	rng := dist.NewRNG(seed)
	x := make([]float64, n*d)
	w := make([]float64, d)
	y := make([]float64, n)
	rng.FillNormal(x)
	rng.FillNormal(w)
	for i := 0; i < n; i++ {
		mu := b
		for j := 0; j < d; j++ {
			mu += x[i*d+j] * w[j]
		}
		y[i] = mu + noise*rng.NormFloat64()
	}
	return &LinRegData{N: n, D: d, X: x, Y: y}, w, nil
}
