package autoguide

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/poutine"
)

// AutoLaplaceApproximation is Pyro's AutoLaplaceApproximation: a MAP guide
// over the flat unconstrained latent (a point mass at the parameter
// "AutoLaplaceApproximation.loc", sampled at the auxiliary site
// "_AutoLaplaceApproximation_latent"), whose optimum maximizes the model's
// log joint density in unconstrained space, log-det-Jacobian included.
// After training, LaplaceApproximation turns it into an
// AutoMultivariateNormal centred at the MAP with covariance the inverse
// Hessian of the negative log joint there.
type AutoLaplaceApproximation struct{ autoContinuous }

// NewAutoLaplaceApproximation returns an AutoLaplaceApproximation guide for
// model.
func NewAutoLaplaceApproximation(model poutine.Model, opts Options) *AutoLaplaceApproximation {
	return &AutoLaplaceApproximation{newContinuous(model, opts, kindDelta, "AutoLaplaceApproximation")}
}

// Guide implements Guide.
func (g *AutoLaplaceApproximation) Guide(r *poutine.Runtime) { g.guide(r) }

// Hessian returns the Hessian (D×D row-major, symmetrized) of the potential
// U(x) = −(log p(constrained(x), data) + log|det J|) at the current loc in
// r's store. It is computed by central differences of the tape gradient
// with one Richardson extrapolation step (step h = 10⁻³·max(1, |xᵢ|) and
// h/2, error O(h⁴) plus rounding of order ε·|∇U|/h), i.e. 4·D gradient
// evaluations. The model runs with r's parameter store and a fixed random
// stream, so model parameters are the trained ones and any randomness
// inside the model (subsampling) is the same in every evaluation.
func (g *AutoLaplaceApproximation) Hessian(r *poutine.Runtime) ([]float64, error) {
	loc, _, _, err := g.locRoot(r.Params)
	if err != nil {
		return nil, err
	}
	return hessianFD(g.pot, r.Params, loc, g.opts.Seed)
}

func hessianFD(pot *infer.ModelPotential, ps *poutine.ParamStore, x []float64, seed uint64) (H []float64, err error) {
	d := len(x)
	pr := pot.Runtime()
	saved := pr.Params
	pr.Params = ps
	defer func() { pr.Params = saved }()
	xp := append([]float64(nil), x...)
	gp, gm := make([]float64, d), make([]float64, d)
	d1, d2 := make([]float64, d), make([]float64, d)
	H = make([]float64, d*d)
	eval := func(i int, h float64, out []float64) {
		xp[i] = x[i] + h
		pr.RNG.Seed(seed ^ 0x1a91ace)
		pot.Potential(xp, gp)
		xp[i] = x[i] - h
		pr.RNG.Seed(seed ^ 0x1a91ace)
		pot.Potential(xp, gm)
		xp[i] = x[i]
		for j := range out {
			out[j] = (gp[j] - gm[j]) / (2 * h)
		}
	}
	err = poutine.Catch(func() {
		for i := range d {
			h := 1e-3 * math.Max(1, math.Abs(x[i]))
			h = (x[i] + h) - x[i] // exactly representable step
			eval(i, h, d1)
			eval(i, h/2, d2)
			for j := range d {
				H[j*d+i] = (4*d2[j] - d1[j]) / 3
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("autoguide: Laplace approximation: evaluating the potential: %w", err)
	}
	for i := range d {
		for j := 0; j < i; j++ {
			a := 0.5 * (H[i*d+j] + H[j*d+i])
			H[i*d+j], H[j*d+i] = a, a
		}
	}
	for k, v := range H {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("autoguide: Laplace approximation: Hessian entry (%d, %d) is %v", k/d, k%d, v)
		}
	}
	return H, nil
}

// LaplaceApproximation returns an AutoMultivariateNormal over the same
// model whose posterior is MultivariateNormal(loc, Σ) with loc the current
// MAP estimate and Σ = H⁻¹, H the Hessian of the negative log joint (in
// unconstrained space, log-det-Jacobian included) at loc (see Hessian).
// As in Pyro, the returned guide has fixed (non-trainable) loc and
// scale_tril, no parameters, and the auxiliary site
// "_AutoMultivariateNormal_latent". It is an error if H is not positive
// definite (loc is not a local maximum: train the MAP guide longer).
func (g *AutoLaplaceApproximation) LaplaceApproximation(r *poutine.Runtime) (*AutoMultivariateNormal, error) {
	loc, _, _, err := g.locRoot(r.Params)
	if err != nil {
		return nil, err
	}
	H, err := hessianFD(g.pot, r.Params, loc, g.opts.Seed)
	if err != nil {
		return nil, err
	}
	d := len(loc)
	L, err := inverseCholesky(H, d)
	if err != nil {
		return nil, err
	}
	out := NewAutoMultivariateNormal(g.model, g.opts)
	// share the prototype: same model, same sites
	out.base = base{model: g.model, opts: g.opts, pot: g.pot, init: loc, names: g.names}
	out.prefix = "AutoMultivariateNormal"
	out.fixedLoc, out.fixedTril = loc, L
	if err := out.prepare(); err != nil {
		return nil, err
	}
	return out, nil
}

// inverseCholesky returns the lower Cholesky factor of H⁻¹ (row-major).
func inverseCholesky(H []float64, d int) ([]float64, error) {
	sym := mat.NewSymDense(d, append([]float64(nil), H...))
	var ch mat.Cholesky
	if !ch.Factorize(sym) {
		return nil, fmt.Errorf("autoguide: Laplace approximation: the Hessian of the negative log joint at loc is not positive definite (loc is not a local maximum; train the MAP guide longer)")
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		return nil, fmt.Errorf("autoguide: Laplace approximation: inverting the Hessian: %v", err)
	}
	var cc mat.Cholesky
	if !cc.Factorize(&cov) {
		return nil, fmt.Errorf("autoguide: Laplace approximation: the inverse Hessian is not numerically positive definite")
	}
	var tri mat.TriDense
	cc.LTo(&tri)
	L := make([]float64, d*d)
	for i := range d {
		for j := 0; j <= i; j++ {
			L[i*d+j] = tri.At(i, j)
		}
	}
	return L, nil
}
