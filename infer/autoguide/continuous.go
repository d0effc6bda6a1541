package autoguide

import (
	"fmt"
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/internal/special"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// The posterior families of the AutoContinuous guides.
const (
	kindDiag = iota
	kindMVN
	kindLowRank
	kindDelta
)

// autoContinuous is Pyro's AutoContinuous: every latent site is mapped to
// unconstrained space and the pieces are concatenated into one flat latent
// vector of dimension D = ModelPotential.Dim(), drawn from a single
// posterior at the auxiliary site "_<name>_latent". The guide then unpacks
// the vector site by site (slice, reshape to the unconstrained shape, map
// onto the support) and samples each model site as a Delta whose log
// density is −log|det J|, inside the site's plates, as Pyro's
// AutoContinuous.forward does. The latent itself lives outside every plate.
type autoContinuous struct {
	base
	kind  int
	cls   string // Pyro's class name, the default name
	ready bool
	rank  int

	latent                       string // "_<name>_latent"
	pLoc, pScale, pTril, pFactor string

	// fixed parameters (the guide returned by LaplaceApproximation): when
	// fixedLoc is set the guide has no trainable parameters and samples
	// MultivariateNormal(fixedLoc, scale_tril=fixedTril).
	fixedLoc, fixedTril []float64
	shapeD              [1]int
	shapeDD             [2]int
}

func newContinuous(model poutine.Model, opts Options, kind int, cls string) autoContinuous {
	return autoContinuous{base: base{model: model, opts: opts, defaultInit: infer.InitToMedian{}}, kind: kind, cls: cls}
}

// prepare traces the model (once) and names the parameters after the
// guide's name (the class name, or "AutoGuideList.<i>" inside a list).
func (c *autoContinuous) prepare() error {
	if c.ready {
		return nil
	}
	if c.kind == kindLowRank && c.opts.Rank < 0 {
		c.err = fmt.Errorf("autoguide: %s: rank must be positive, got %d", c.cls, c.opts.Rank)
		return c.err
	}
	if err := c.setup(c.cls); err != nil {
		return err
	}
	p := c.prefix
	c.latent = "_" + p + "_latent"
	c.pLoc, c.pScale, c.pTril, c.pFactor = p+".loc", p+".scale", p+".scale_tril", p+".cov_factor"
	d := c.pot.Dim()
	c.shapeD = [1]int{d}
	c.shapeDD = [2]int{d, d}
	if c.kind == kindLowRank {
		c.rank = c.opts.Rank
		if c.rank == 0 {
			// Pyro: int(round(latent_dim ** 0.5))
			c.rank = max(1, int(math.RoundToEven(math.Sqrt(float64(d)))))
		}
	}
	c.ready = true
	return nil
}

func (c *autoContinuous) must() {
	if err := c.prepare(); err != nil {
		panic(err)
	}
}

// posterior builds the distribution of the flat latent on r's tape, from
// the guide's parameters (created on first use) or the fixed values.
func (c *autoContinuous) posterior(r *poutine.Runtime) dist.Distribution {
	if c.fixedLoc != nil {
		return dist.MultivariateNormalScaleTril(r.ConstRef(c.shapeD[:], c.fixedLoc), r.ConstRef(c.shapeDD[:], c.fixedTril))
	}
	d := c.pot.Dim()
	loc := r.ParamLazy(c.pLoc, func() *tensor.Dense {
		return tensor.New([]int{d}, append([]float64(nil), c.init...))
	})
	switch c.kind {
	case kindDelta:
		return dist.Delta(loc, ad.V{}, 1)
	case kindDiag:
		scale := r.ParamLazy(c.pScale, func() *tensor.Dense {
			return tensor.Full(c.opts.InitScale, d)
		}, poutine.WithConstraint(constraints.SoftplusPositive))
		return dist.ToEvent(dist.Normal(loc, scale), 1)
	case kindMVN:
		scale := r.ParamLazy(c.pScale, func() *tensor.Dense {
			return tensor.Full(c.opts.InitScale, d)
		}, poutine.WithConstraint(constraints.SoftplusPositive))
		tril := r.ParamLazy(c.pTril, func() *tensor.Dense {
			e := tensor.Zeros(d, d)
			for i := 0; i < d; i++ {
				e.Data()[i*d+i] = 1
			}
			return e
		}, poutine.WithConstraint(constraints.UnitLowerCholesky))
		// scale[..., None] * scale_tril
		L := r.Mul(r.Reshape(scale, d, 1), tril)
		return dist.MultivariateNormalScaleTril(loc, L)
	default: // kindLowRank
		scale := r.ParamLazy(c.pScale, func() *tensor.Dense {
			return tensor.Full(math.Sqrt(0.5)*c.opts.InitScale, d)
		}, poutine.WithConstraint(constraints.SoftplusPositive))
		factor := r.ParamLazy(c.pFactor, func() *tensor.Dense {
			rng := dist.NewRNG(c.opts.Seed ^ 0xc0fac7)
			w := tensor.Zeros(d, c.rank)
			sd := 1 / math.Sqrt(float64(c.rank))
			for i := range w.Data() {
				w.Data()[i] = sd * rng.NormFloat64()
			}
			return w
		})
		sc := r.Reshape(scale, d, 1)
		return dist.LowRankMultivariateNormal(loc, r.Mul(factor, sc), r.Square(scale))
	}
}

// guide is AutoContinuous.forward.
func (c *autoContinuous) guide(r *poutine.Runtime) {
	c.must()
	latent := r.Sample(c.latent, c.posterior(r), poutine.Infer(auxInfer))
	c.unpack(r, latent)
}

// unpack samples every model site from its slice of the flat latent.
func (c *autoContinuous) unpack(r *poutine.Runtime, latent ad.V) {
	var hb [poutine.MaxPlates]poutine.Handler
	sites := c.pot.Sites()
	for k := range sites {
		s := &sites[k]
		u := r.Slice(latent, s.Offset, s.Offset+s.Size)
		u = r.Reshape(u, s.UShape...)
		hs := enterPlates(r, s, &hb)
		emitDelta(r, s, u)
		exitPlates(r, hs)
	}
}

// value reads a constrained parameter of the guide from the store.
func (c *autoContinuous) value(ps *poutine.ParamStore, name string) ([]float64, error) {
	v, err := ps.Value(name)
	if err != nil {
		return nil, &poutine.Error{Site: name, Msg: c.prefix + ": guide parameter not initialized: run the guide (an SVI step) first"}
	}
	return v.Data(), nil
}

// locTril returns the posterior mean of the flat latent and, for the
// Gaussian families, a square root S of its covariance (D×k row-major,
// Σ = S·Sᵀ) with its column count k.
func (c *autoContinuous) locRoot(ps *poutine.ParamStore) (loc, S []float64, k int, err error) {
	if err = c.prepare(); err != nil {
		return
	}
	d := c.pot.Dim()
	if c.fixedLoc != nil {
		return append([]float64(nil), c.fixedLoc...), append([]float64(nil), c.fixedTril...), d, nil
	}
	if loc, err = c.value(ps, c.pLoc); err != nil {
		return
	}
	if c.kind == kindDelta {
		return loc, make([]float64, d), 1, nil
	}
	var scale []float64
	if scale, err = c.value(ps, c.pScale); err != nil {
		return
	}
	switch c.kind {
	case kindDiag:
		S = make([]float64, d*d)
		for i := range d {
			S[i*d+i] = scale[i]
		}
		return loc, S, d, nil
	case kindMVN:
		var tril []float64
		if tril, err = c.value(ps, c.pTril); err != nil {
			return
		}
		for i := range d {
			for j := range d {
				tril[i*d+j] *= scale[i]
			}
		}
		return loc, tril, d, nil
	default:
		var w []float64
		if w, err = c.value(ps, c.pFactor); err != nil {
			return
		}
		// Σ = diag(s)(W Wᵀ + I)diag(s): S = [diag(s)·W | diag(s)]
		k = c.rank + d
		S = make([]float64, d*k)
		for i := range d {
			for j := 0; j < c.rank; j++ {
				S[i*k+j] = scale[i] * w[i*c.rank+j]
			}
			S[i*k+c.rank+i] = scale[i]
		}
		return loc, S, k, nil
	}
}

// Loc returns the posterior mean of the flat unconstrained latent.
func (c *autoContinuous) Loc(r *poutine.Runtime) ([]float64, error) {
	loc, _, _, err := c.locRoot(r.Params)
	return loc, err
}

// Covariance returns the posterior covariance of the flat unconstrained
// latent, D×D row-major (zero for AutoLaplaceApproximation's point mass).
func (c *autoContinuous) Covariance(r *poutine.Runtime) ([]float64, error) {
	_, S, k, err := c.locRoot(r.Params)
	if err != nil {
		return nil, err
	}
	d := c.pot.Dim()
	cov := make([]float64, d*d)
	for i := range d {
		for j := range d {
			s := 0.0
			for l := range k {
				s += S[i*k+l] * S[j*k+l]
			}
			cov[i*d+j] = s
		}
	}
	return cov, nil
}

// LatentDim is the dimension D of the flat unconstrained latent (tracing
// the model if it has not been traced yet).
func (c *autoContinuous) LatentDim() (int, error) {
	if err := c.prepare(); err != nil {
		return 0, err
	}
	return c.pot.Dim(), nil
}

// constrain maps a flat unconstrained vector onto each site's support.
func (c *autoContinuous) constrain(u []float64, out map[string][]*tensor.Dense) (err error) {
	return poutine.Catch(func() {
		vals := c.pot.Constrain(u, nil)
		for k, s := range c.pot.Sites() {
			out[s.Name] = append(out[s.Name], tensor.New(append([]int{}, s.Shape...), vals[k]))
		}
	})
}

// Median returns the posterior median of each latent site, constrained:
// the image of the flat loc (Pyro's AutoContinuous.median).
func (c *autoContinuous) Median(r *poutine.Runtime) (map[string]*tensor.Dense, error) {
	loc, _, _, err := c.locRoot(r.Params)
	if err != nil {
		return nil, err
	}
	tmp := map[string][]*tensor.Dense{}
	if err := c.constrain(loc, tmp); err != nil {
		return nil, err
	}
	out := make(map[string]*tensor.Dense, len(tmp))
	for k, v := range tmp {
		out[k] = v[0]
	}
	return out, nil
}

// Quantiles returns, for each q, the image under the sites' transforms of
// the per-coordinate q-quantile of the flat latent's Normal marginals
// (Pyro's AutoContinuous.quantiles: loc + Φ⁻¹(q)·marginal scale). The
// quantiles of AutoLaplaceApproximation's point mass are its location.
func (c *autoContinuous) Quantiles(r *poutine.Runtime, qs ...float64) (map[string][]*tensor.Dense, error) {
	loc, S, k, err := c.locRoot(r.Params)
	if err != nil {
		return nil, err
	}
	d := len(loc)
	sd := make([]float64, d)
	for i := range d {
		s := 0.0
		for l := range k {
			s += S[i*k+l] * S[i*k+l]
		}
		sd[i] = math.Sqrt(s)
	}
	out := map[string][]*tensor.Dense{}
	u := make([]float64, d)
	for _, q := range qs {
		if !(q > 0 && q < 1) {
			return nil, fmt.Errorf("autoguide: %s: quantile %v outside (0, 1)", c.prefix, q)
		}
		z := special.Ndtri(q)
		for i := range u {
			u[i] = loc[i] + z*sd[i]
		}
		if err := c.constrain(u, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Posterior returns the distribution of the flat unconstrained latent
// (Pyro's get_posterior) on r's tape, built from the guide's parameters
// (created from their initial values if the store lacks them), so it is
// differentiable in them. It is valid until r is Reset.
func (c *autoContinuous) Posterior(r *poutine.Runtime) (d dist.Distribution, err error) {
	if err = c.prepare(); err != nil {
		return nil, err
	}
	err = poutine.Catch(func() { d = c.posterior(r) })
	return d, err
}

// SamplePosterior draws n joint samples from the guide's posterior with
// r's random number generator and returns them per site, constrained, with
// a leading sample dimension: shape (n, site shape…). It reads the
// parameters from r's store and does not touch r's tape.
func (c *autoContinuous) SamplePosterior(r *poutine.Runtime, n int) (map[string]*tensor.Dense, error) {
	if n <= 0 {
		return nil, fmt.Errorf("autoguide: %s: number of samples must be positive, got %d", c.cls, n)
	}
	loc, S, k, err := c.locRoot(r.Params)
	if err != nil {
		return nil, err
	}
	d := len(loc)
	X := make([]float64, n*d)
	eps := make([]float64, k)
	for row := range n {
		r.RNG.FillNormal(eps)
		x := X[row*d : (row+1)*d]
		for i := range d {
			s := loc[i]
			for l := range k {
				s += S[i*k+l] * eps[l]
			}
			x[i] = s
		}
	}
	// map each site's columns onto its support, all draws at once
	sites := c.pot.Sites()
	out := make(map[string]*tensor.Dense, len(sites))
	t := ad.NewTape()
	err = poutine.Catch(func() {
		for j := range sites {
			s := &sites[j]
			u := make([]float64, n*s.Size)
			for row := range n {
				copy(u[row*s.Size:(row+1)*s.Size], X[row*d+s.Offset:row*d+s.Offset+s.Size])
			}
			y := s.Transform.Forward(t.Const(append([]int{n}, s.UShape...), u))
			shape := append([]int{n}, s.Shape...)
			if y.Size() != n*size(s.Shape) {
				panic(&poutine.Error{Site: s.Name, Msg: fmt.Sprintf("transform %s maps %d draws of shape %v to shape %v", s.Transform.Name(), n, s.UShape, y.Shape())})
			}
			out[s.Name] = tensor.New(shape, append([]float64(nil), y.Data()...))
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func size(shape []int) int {
	n := 1
	for _, x := range shape {
		n *= x
	}
	return n
}

// ---------------------------------------------------------------------------

// AutoDiagonalNormal is Pyro's AutoDiagonalNormal: a Normal with diagonal
// covariance over the flat unconstrained latent, with parameters
// "AutoDiagonalNormal.loc" (D, from Options.Init) and
// "AutoDiagonalNormal.scale" (D, softplus_positive, initially
// Options.InitScale), sampled at the auxiliary site
// "_AutoDiagonalNormal_latent". Inside an AutoGuideList the prefix is the
// part's name ("AutoGuideList.0.loc", …), as in Pyro.
type AutoDiagonalNormal struct{ autoContinuous }

// NewAutoDiagonalNormal returns an AutoDiagonalNormal guide for model. The
// model is traced on the guide's first use.
func NewAutoDiagonalNormal(model poutine.Model, opts Options) *AutoDiagonalNormal {
	return &AutoDiagonalNormal{newContinuous(model, opts, kindDiag, "AutoDiagonalNormal")}
}

// Guide implements Guide.
func (g *AutoDiagonalNormal) Guide(r *poutine.Runtime) { g.guide(r) }

// AutoMultivariateNormal is Pyro's AutoMultivariateNormal: a full-rank
// multivariate normal over the flat unconstrained latent, parameterized as
// in Pyro ≥ 1.8 by "AutoMultivariateNormal.loc" (D),
// "AutoMultivariateNormal.scale" (D, softplus_positive, initially
// Options.InitScale) and "AutoMultivariateNormal.scale_tril" (D×D,
// unit_lower_cholesky, initially the identity); the covariance's Cholesky
// factor is scale[:, None]·scale_tril. (Pyro before 1.8 had a single
// lower_cholesky scale_tril initialized to InitScale·I; current Pyro's
// parameterization is followed.)
type AutoMultivariateNormal struct{ autoContinuous }

// NewAutoMultivariateNormal returns an AutoMultivariateNormal guide for
// model.
func NewAutoMultivariateNormal(model poutine.Model, opts Options) *AutoMultivariateNormal {
	return &AutoMultivariateNormal{newContinuous(model, opts, kindMVN, "AutoMultivariateNormal")}
}

// Guide implements Guide.
func (g *AutoMultivariateNormal) Guide(r *poutine.Runtime) { g.guide(r) }

// ScaleTril returns the lower Cholesky factor of the posterior covariance
// of the flat latent (D×D row-major): scale[:, None]·scale_tril, or the
// fixed factor of a guide made by LaplaceApproximation.
func (g *AutoMultivariateNormal) ScaleTril(r *poutine.Runtime) ([]float64, error) {
	_, S, _, err := g.locRoot(r.Params)
	return S, err
}

// AutoLowRankMultivariateNormal is Pyro's AutoLowRankMultivariateNormal: a
// multivariate normal over the flat unconstrained latent with covariance
// diag(s)·(W·Wᵀ + I)·diag(s), parameters
// "AutoLowRankMultivariateNormal.loc" (D),
// "AutoLowRankMultivariateNormal.scale" (s: D, softplus_positive, initially
// √½·InitScale) and "AutoLowRankMultivariateNormal.cov_factor" (W: D×rank,
// initially N(0, 1/rank) entries drawn with Options.Seed), as in Pyro.
// The rank defaults to round(√D) (Pyro's int(round(latent_dim ** 0.5)),
// at least 1); Options.Rank sets it.
type AutoLowRankMultivariateNormal struct{ autoContinuous }

// NewAutoLowRankMultivariateNormal returns an AutoLowRankMultivariateNormal
// guide for model.
func NewAutoLowRankMultivariateNormal(model poutine.Model, opts Options) *AutoLowRankMultivariateNormal {
	return &AutoLowRankMultivariateNormal{newContinuous(model, opts, kindLowRank, "AutoLowRankMultivariateNormal")}
}

// Guide implements Guide.
func (g *AutoLowRankMultivariateNormal) Guide(r *poutine.Runtime) { g.guide(r) }

// Rank is the rank of the low-rank part of the covariance.
func (g *AutoLowRankMultivariateNormal) Rank() (int, error) {
	if err := g.prepare(); err != nil {
		return 0, err
	}
	return g.rank, nil
}

var (
	_ Guide = (*AutoDiagonalNormal)(nil)
	_ Guide = (*AutoMultivariateNormal)(nil)
	_ Guide = (*AutoLowRankMultivariateNormal)(nil)
	_ Guide = (*AutoLaplaceApproximation)(nil)
	_ Guide = (*AutoGuideList)(nil)
	_ Guide = (*AutoCallable)(nil)
)
