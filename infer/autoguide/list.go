package autoguide

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// AutoGuideList is Pyro's AutoGuideList: a guide made of parts, each an
// autoguide (or a plain guide function, wrapped in an AutoCallable) for a
// subset of the model's latent sites. Build each part on the model blocked
// to its sites, as in Pyro:
//
//	list := autoguide.NewAutoGuideList(model)
//	list.Append(autoguide.NewAutoDiagonalNormal(poutine.Block(model, &poutine.BlockHandler{Hide: []string{"z"}}), opts))
//	list.Append(autoguide.NewAutoDelta(poutine.Block(model, &poutine.BlockHandler{Expose: []string{"z"}}), opts))
//
// As in Pyro, an appended autoguide is renamed after its position, so its
// parameters and auxiliary sites are "AutoGuideList.<i>.…" (two parts of the
// same class therefore never share parameters). On its first run the list
// traces the whole model and checks that every site a part covers is a
// latent site of the model with the same shape, and that no two parts
// cover the same site.
type AutoGuideList struct {
	model   poutine.Model
	parts   []Guide
	checked bool
	err     error
}

// NewAutoGuideList returns an empty list for model.
func NewAutoGuideList(model poutine.Model) *AutoGuideList {
	return &AutoGuideList{model: model}
}

// prototyped is implemented by the autoguides built on base: it gives the
// list their prototype so it can rename them and check their sites.
type prototyped interface{ listBase() *base }

func (b *base) listBase() *base { return b }

// Append adds part (Pyro's append). An autoguide part must not have run
// yet (its parameter names change to "AutoGuideList.<i>.…"); it is traced
// now, so a model error is returned here.
func (l *AutoGuideList) Append(part Guide) error {
	if part == nil {
		return errors.New("autoguide: AutoGuideList.Append: nil part")
	}
	for _, p := range l.parts {
		if p == part {
			return errors.New("autoguide: AutoGuideList.Append: this guide is already in the list")
		}
	}
	if _, ok := part.(*AutoGuideList); ok {
		return errors.New("autoguide: AutoGuideList.Append: an AutoGuideList cannot be a part")
	}
	name := "AutoGuideList." + strconv.Itoa(len(l.parts))
	if pb, ok := part.(prototyped); ok {
		b := pb.listBase()
		if b.pot != nil || b.err != nil {
			return fmt.Errorf("autoguide: AutoGuideList.Append: the %s part has already run (or failed) under its own name %q; append guides before using them", b.prefix, b.prefix)
		}
		if err := b.setup(name); err != nil {
			return err
		}
		if c, ok := part.(interface{ prepare() error }); ok {
			if err := c.prepare(); err != nil {
				return err
			}
		}
	}
	l.parts = append(l.parts, part)
	l.checked, l.err = false, nil
	return nil
}

// AppendFunc adds a plain guide function (wrapped in an AutoCallable with no
// median), as Pyro's append of a callable.
func (l *AutoGuideList) AppendFunc(guide poutine.Model) error {
	if guide == nil {
		return errors.New("autoguide: AutoGuideList.AppendFunc: nil guide")
	}
	return l.Append(NewAutoCallable(l.model, guide, nil))
}

// Parts returns the parts in order (aliases the list).
func (l *AutoGuideList) Parts() []Guide { return l.parts }

// check is Pyro's _check_prototype plus the "no two parts on one site" rule.
func (l *AutoGuideList) check() error {
	if l.checked {
		return l.err
	}
	l.checked = true
	r := poutine.NewRuntime(0x11575)
	r.Reset()
	tr, err := poutine.TraceOf(l.model).Get(r)
	if err != nil {
		l.err = fmt.Errorf("autoguide: AutoGuideList: tracing the model: %w", err)
		return l.err
	}
	owner := map[string]int{}
	for i, p := range l.parts {
		pb, ok := p.(prototyped)
		if !ok {
			continue
		}
		b := pb.listBase()
		if b.pot == nil {
			if err := b.setup("AutoGuideList." + strconv.Itoa(i)); err != nil {
				l.err = err
				return err
			}
		}
		for _, s := range b.pot.Sites() {
			if j, dup := owner[s.Name]; dup {
				l.err = &poutine.Error{Site: s.Name, Msg: fmt.Sprintf("AutoGuideList: parts %d and %d both cover this site (block the model so that each site belongs to one part)", j, i)}
				return l.err
			}
			owner[s.Name] = i
			m := tr.Get(s.Name)
			if m == nil || m.Type != poutine.TypeSample || m.IsObserved {
				l.err = &poutine.Error{Site: s.Name, Msg: fmt.Sprintf("AutoGuideList: part %d covers a site that is not a latent sample site of the model", i)}
				return l.err
			}
			if !sameShape(m.Value.Shape(), s.Shape) || len(m.Fn.EventShape()) != s.EventDim {
				l.err = &poutine.Error{Site: s.Name, Msg: fmt.Sprintf("AutoGuideList: part %d sees shape %v (event dim %d), the model has %v (event dim %d)",
					i, s.Shape, s.EventDim, append([]int(nil), m.Value.Shape()...), len(m.Fn.EventShape()))}
				return l.err
			}
		}
	}
	return nil
}

// Guide implements Guide: it runs every part in order.
func (l *AutoGuideList) Guide(r *poutine.Runtime) {
	if err := l.check(); err != nil {
		panic(err)
	}
	for _, p := range l.parts {
		p.Guide(r)
	}
}

// Median implements Guide: the union of the parts' medians.
func (l *AutoGuideList) Median(r *poutine.Runtime) (map[string]*tensor.Dense, error) {
	out := map[string]*tensor.Dense{}
	for _, p := range l.parts {
		m, err := p.Median(r)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

// Quantiles implements Guide: the union of the parts' quantiles (an error if
// a part cannot give them, e.g. an AutoCallable without a quantile
// function).
func (l *AutoGuideList) Quantiles(r *poutine.Runtime, qs ...float64) (map[string][]*tensor.Dense, error) {
	out := map[string][]*tensor.Dense{}
	for _, p := range l.parts {
		m, err := p.Quantiles(r, qs...)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------------

// AutoCallable is Pyro's AutoCallable: it wraps a hand-written guide
// function as an autoguide, typically a part of an AutoGuideList covering
// some sites. MedianFn, when set, returns the posterior median of the sites
// the guide covers (Pyro's median callable; by default Median returns an
// empty map, as Pyro). QuantilesFn likewise; without it Quantiles returns an
// error (Pyro's AutoCallable has no quantiles).
type AutoCallable struct {
	Model       poutine.Model
	Fn          poutine.Model
	MedianFn    func(r *poutine.Runtime) (map[string]*tensor.Dense, error)
	QuantilesFn func(r *poutine.Runtime, qs ...float64) (map[string][]*tensor.Dense, error)
}

// NewAutoCallable wraps guide (for model) with an optional median function.
func NewAutoCallable(model, guide poutine.Model, median func(r *poutine.Runtime) (map[string]*tensor.Dense, error)) *AutoCallable {
	return &AutoCallable{Model: model, Fn: guide, MedianFn: median}
}

// Guide implements Guide: it runs the wrapped function.
func (g *AutoCallable) Guide(r *poutine.Runtime) {
	if g.Fn == nil {
		panic(errors.New("autoguide: AutoCallable: nil guide function"))
	}
	g.Fn(r)
}

// Median implements Guide.
func (g *AutoCallable) Median(r *poutine.Runtime) (map[string]*tensor.Dense, error) {
	if g.MedianFn == nil {
		return map[string]*tensor.Dense{}, nil
	}
	return g.MedianFn(r)
}

// Quantiles implements Guide.
func (g *AutoCallable) Quantiles(r *poutine.Runtime, qs ...float64) (map[string][]*tensor.Dense, error) {
	if g.QuantilesFn == nil {
		return nil, errors.New("autoguide: AutoCallable: no quantile function (set QuantilesFn)")
	}
	return g.QuantilesFn(r, qs...)
}
