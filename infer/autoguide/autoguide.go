// Package autoguide builds variational guides automatically from a model,
// as Pyro's pyro.infer.autoguide: AutoDelta, AutoNormal,
// AutoDiagonalNormal, AutoMultivariateNormal and
// AutoLowRankMultivariateNormal. Each guide traces the model once (on its
// first run) to find the latent sites, their shapes, plates and supports;
// constrained sites are handled in unconstrained space through
// transforms.BijectTo, with the log-det-Jacobian entering the guide's
// density (as Pyro does, through a Delta site carrying log_density).
//
// Parameter names follow Pyro: "AutoNormal.locs.<site>",
// "AutoNormal.scales.<site>", "AutoDelta.<site>", "AutoDiagonalNormal.loc",
// "AutoDiagonalNormal.scale", "AutoMultivariateNormal.scale_tril", …
//
// Limitation: local latent sites inside a subsampled plate are not
// supported yet (the guide would need the model's subsample indices); such a
// model is rejected with an error naming the site.
package autoguide

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/internal/special"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// Guide is what every autoguide provides.
type Guide interface {
	// Guide is the guide as a model function, to pass to infer.NewSVI.
	Guide(r *poutine.Runtime)
	// Median returns the posterior median of each latent site, constrained.
	Median(r *poutine.Runtime) (map[string]*tensor.Dense, error)
	// Quantiles returns the q-quantiles of each latent site's marginal,
	// constrained (q in (0, 1); the guide's marginals are Normal in
	// unconstrained space).
	Quantiles(r *poutine.Runtime, qs ...float64) (map[string][]*tensor.Dense, error)
}

// Options configure an autoguide.
type Options struct {
	// Init chooses the initial unconstrained location. Defaults are
	// Pyro's: init_to_feasible (the unconstrained zero point) for
	// AutoNormal, init_to_median for AutoDelta and the AutoContinuous
	// guides (AutoDiagonalNormal, AutoMultivariateNormal,
	// AutoLowRankMultivariateNormal, AutoLaplaceApproximation).
	Init infer.InitStrategy
	// InitScale is the initial scale of the Normal guides (default 0.1).
	InitScale float64
	// Seed seeds the prototype trace and random initializations.
	Seed uint64
	// Rank is AutoLowRankMultivariateNormal's rank (default round(√dim),
	// Pyro's int(round(dim**0.5)), at least 1).
	Rank int
}

// base holds the prototype shared by every autoguide.
type base struct {
	model poutine.Model
	opts  Options
	// defaultInit is the guide class's default initialization (Pyro's).
	defaultInit infer.InitStrategy
	pot         *infer.ModelPotential
	init        []float64 // initial unconstrained point
	names       [][4]string
	prefix      string
	err         error
}

func (b *base) setup(prefix string) error {
	if b.pot != nil || b.err != nil {
		return b.err
	}
	if b.prefix == "" {
		// a prefix set earlier (AutoGuideList renames its parts) is kept
		b.prefix = prefix
	}
	prefix = b.prefix
	if b.opts.InitScale == 0 {
		b.opts.InitScale = 0.1
	}
	if !(b.opts.InitScale > 0) {
		b.err = fmt.Errorf("autoguide: %s: init_scale must be positive, got %v", prefix, b.opts.InitScale)
		return b.err
	}
	pot, err := infer.NewModelPotential(b.model, b.opts.Seed)
	if err != nil {
		b.err = err
		return err
	}
	for _, s := range pot.Sites() {
		for _, f := range s.Plates {
			if f.Subsample != f.Size {
				b.err = &poutine.Error{Site: s.Name, Msg: fmt.Sprintf("%s: local latent sites in a subsampled plate (%q) are not supported yet", prefix, f.Name)}
				return b.err
			}
		}
	}
	strat := b.opts.Init
	if strat == nil {
		strat = b.defaultInit
	}
	if strat == nil {
		strat = infer.InitToFeasible{}
	}
	x, err := infer.FindInitial(pot, strat, dist.NewRNG(b.opts.Seed^0x5eed), 100)
	if err != nil {
		b.err = err
		return err
	}
	b.pot, b.init = pot, x
	b.names = make([][4]string, len(pot.Sites()))
	for k, s := range pot.Sites() {
		b.names[k] = [4]string{prefix + ".locs." + s.Name, prefix + ".scales." + s.Name, s.Name + "_unconstrained", prefix + "." + s.Name}
	}
	return nil
}

// enterPlates pushes the site's plates (outermost first) and returns them.
func enterPlates(r *poutine.Runtime, s *infer.LatentSite, hs *[poutine.MaxPlates]poutine.Handler) []poutine.Handler {
	n := 0
	for _, f := range s.Plates {
		h, _ := r.EnterPlate(f.Name, f.Size, poutine.Dim(f.Dim))
		hs[n] = h
		n++
	}
	return hs[:n]
}

func exitPlates(r *poutine.Runtime, hs []poutine.Handler) {
	for i := len(hs) - 1; i >= 0; i-- {
		r.ExitPlate(hs[i])
	}
}

// emitDelta samples the model-side site name as a Delta at the constrained
// image of u, with log density −log|det J| (so that the guide's density of
// the constrained value is right).
func emitDelta(r *poutine.Runtime, s *infer.LatentSite, u ad.V) ad.V {
	y := s.Transform.Forward(u)
	if !sameShape(y.Shape(), s.Shape) {
		y = r.Reshape(y, s.Shape...)
	}
	ld := s.Transform.LogAbsDetJacobian(u, y)
	// reduce to the site's batch shape
	batch := len(s.Shape) - s.EventDim
	for ld.Dims() > batch {
		ld = r.SumAxis(ld, ld.Dims()-1, false)
	}
	return r.Sample(s.Name, dist.Delta(y, r.Neg(ld), s.EventDim))
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var auxInfer = &poutine.InferConfig{IsAuxiliary: true}

// ---------------------------------------------------------------------------
// AutoNormal

// AutoNormal is Pyro's AutoNormal: an independent Normal for every
// unconstrained latent coordinate, with per-site parameters
// "AutoNormal.locs.<site>" and "AutoNormal.scales.<site>" (softplus-positive,
// initial 0.1), sampled at the auxiliary site "<site>_unconstrained" inside
// the site's plates.
type AutoNormal struct{ base }

// NewAutoNormal returns an AutoNormal guide for model.
func NewAutoNormal(model poutine.Model, opts Options) *AutoNormal {
	return &AutoNormal{base{model: model, opts: opts}}
}

// Guide implements Guide.
func (g *AutoNormal) Guide(r *poutine.Runtime) {
	if err := g.setup("AutoNormal"); err != nil {
		panic(err)
	}
	var hb [poutine.MaxPlates]poutine.Handler
	sites := g.pot.Sites()
	for k := range sites {
		s := &sites[k]
		loc, scale := g.locScale(r, k)
		hs := enterPlates(r, s, &hb)
		ev := len(s.UShape) - (len(s.Shape) - s.EventDim)
		u := r.Sample(g.names[k][2], dist.ToEvent(dist.Normal(loc, scale), ev), poutine.Infer(auxInfer))
		emitDelta(r, s, u)
		exitPlates(r, hs)
	}
}

func (g *AutoNormal) locScale(r *poutine.Runtime, k int) (ad.V, ad.V) {
	s := &g.pot.Sites()[k]
	loc := r.ParamLazy(g.names[k][0], func() *tensor.Dense {
		return tensor.New(append([]int{}, s.UShape...), append([]float64(nil), g.init[s.Offset:s.Offset+s.Size]...))
	})
	scale := r.ParamLazy(g.names[k][1], func() *tensor.Dense {
		return tensor.Full(g.opts.InitScale, append([]int{}, s.UShape...)...)
	}, poutine.WithConstraint(constraints.SoftplusPositive))
	return loc, scale
}

// Median implements Guide: the constrained image of each loc.
func (g *AutoNormal) Median(r *poutine.Runtime) (map[string]*tensor.Dense, error) {
	qs, err := g.Quantiles(r, 0.5)
	if err != nil {
		return nil, err
	}
	out := map[string]*tensor.Dense{}
	for k, v := range qs {
		out[k] = v[0]
	}
	return out, nil
}

// Quantiles implements Guide.
func (g *AutoNormal) Quantiles(r *poutine.Runtime, qs ...float64) (map[string][]*tensor.Dense, error) {
	if err := g.setup("AutoNormal"); err != nil {
		return nil, err
	}
	out := map[string][]*tensor.Dense{}
	err := poutine.Catch(func() {
		t := ad.NewTape()
		for k, s := range g.pot.Sites() {
			loc, err1 := r.Params.Value(g.names[k][0])
			scale, err2 := r.Params.Value(g.names[k][1])
			if err1 != nil || err2 != nil {
				panic(&poutine.Error{Site: s.Name, Msg: "guide parameters not initialized: run the guide (an SVI step) first"})
			}
			for _, q := range qs {
				if !(q > 0 && q < 1) {
					panic(&poutine.Error{Site: s.Name, Msg: fmt.Sprintf("quantile %v outside (0, 1)", q)})
				}
				z := special.Ndtri(q)
				u := make([]float64, s.Size)
				for i := range u {
					u[i] = loc.Data()[i] + z*scale.Data()[i]
				}
				y := s.Transform.Forward(t.Const(s.UShape, u))
				out[s.Name] = append(out[s.Name], tensor.New(append([]int{}, s.Shape...), append([]float64(nil), y.Data()...)))
			}
		}
	})
	return out, err
}

// ---------------------------------------------------------------------------
// AutoDelta

// AutoDelta is Pyro's AutoDelta (MAP inference): a point mass at a
// parameter "AutoDelta.<site>" per latent site, constrained to the site's
// support.
type AutoDelta struct{ base }

// NewAutoDelta returns an AutoDelta guide for model.
func NewAutoDelta(model poutine.Model, opts Options) *AutoDelta {
	return &AutoDelta{base{model: model, opts: opts, defaultInit: infer.InitToMedian{}}}
}

// Guide implements Guide.
func (g *AutoDelta) Guide(r *poutine.Runtime) {
	if err := g.setup("AutoDelta"); err != nil {
		panic(err)
	}
	var hb [poutine.MaxPlates]poutine.Handler
	sites := g.pot.Sites()
	for k := range sites {
		s := &sites[k]
		v := r.ParamLazy(g.names[k][3], func() *tensor.Dense {
			c := g.pot.Constrain(g.init, nil)
			return tensor.New(append([]int{}, s.Shape...), c[k])
		}, poutine.WithConstraint(s.Support))
		hs := enterPlates(r, s, &hb)
		r.Sample(s.Name, dist.Delta(v, ad.V{}, s.EventDim))
		exitPlates(r, hs)
	}
}

// Median implements Guide: the point estimates.
func (g *AutoDelta) Median(r *poutine.Runtime) (map[string]*tensor.Dense, error) {
	if err := g.setup("AutoDelta"); err != nil {
		return nil, err
	}
	out := map[string]*tensor.Dense{}
	for k, s := range g.pot.Sites() {
		v, err := r.Params.Value(g.names[k][3])
		if err != nil {
			return nil, &poutine.Error{Site: s.Name, Msg: "guide parameters not initialized: run the guide first"}
		}
		out[s.Name] = v
	}
	return out, nil
}

// Quantiles implements Guide: every quantile of a point mass is the point.
func (g *AutoDelta) Quantiles(r *poutine.Runtime, qs ...float64) (map[string][]*tensor.Dense, error) {
	m, err := g.Median(r)
	if err != nil {
		return nil, err
	}
	out := map[string][]*tensor.Dense{}
	for k, v := range m {
		for range qs {
			out[k] = append(out[k], v)
		}
	}
	return out, nil
}
