package poutine

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Utilities of Pyro's poutine.runtime and poutine.util.

// TypeInspect is the type of the message GetMask and GetPlates send
// through the handler stack (Pyro's "inspect").
const TypeInspect = "inspect"

// inspect sends an "inspect" message through the stack, as Pyro's
// _inspect, and folds the enclosing mask handlers it reaches into it
// (gyro's MaskHandler acts on sample sites only, so the fold happens
// here). Handlers see it in the usual order; a handler that stops it (a
// block) hides everything outside.
func inspect(r *Runtime) (m *Msg, keep bool) {
	m = r.NewMsg()
	m.Type = TypeInspect
	m.Name = "_pyro_inspect"
	keep = true
	n := len(r.stack)
	visited := 0
	for i := n - 1; i >= 0; i-- {
		visited++
		h := r.stack[i]
		if mh, ok := h.(*MaskHandler); ok {
			switch {
			case mh.MaskFn != nil:
				mask := mh.MaskFn(r.Tape)
				if m.Mask.Valid() {
					mask = r.Tape.Mul(m.Mask, mask)
				}
				m.Mask = mask
			case !mh.Value:
				keep = false
			}
		}
		h.Process(m)
		if m.Stop {
			break
		}
	}
	m.Done = true
	for i := n - visited; i < n; i++ {
		r.stack[i].Postprocess(m)
	}
	return m, keep
}

// GetMask reports the effect of the enclosing mask handlers (Pyro's
// get_mask): keep is false when some enclosing Mask handler masks
// everything out (a model can then skip computing a log density nobody
// will use); mask, when valid, is the product of the enclosing tensor
// masks, recorded on r's tape. With no mask in effect, keep is true and
// mask is the zero V (Pyro's None).
func GetMask(r *Runtime) (mask ad.V, keep bool) {
	m, keep := inspect(r)
	return m.Mask, keep
}

// GetPlates returns the frames of the enclosing plates, outermost first
// (Pyro's get_plates). The slice is valid until r is Reset.
func GetPlates(r *Runtime) []CondIndepFrame {
	m, _ := inspect(r)
	return m.Plates()
}

// SubsampleDistName is the distribution name that marks a subsample site
// (Pyro's _Subsample).
const SubsampleDistName = "_Subsample"

// SiteIsSubsample reports whether s is a subsample site: a sample site
// whose distribution is Pyro's _Subsample. gyro's plates draw their
// subsamples without recording a site, so traces of gyro models have none;
// traces built by other front ends, or ported from Pyro, may.
func SiteIsSubsample(s *Site) bool {
	return s.Type == TypeSample && s.Fn != nil && s.Fn.Name() == SubsampleDistName
}

// SiteIsFactor reports whether s comes from a Factor statement (a sample
// site of the Unit distribution, as Pyro's site_is_factor).
func SiteIsFactor(s *Site) bool {
	return s.Type == TypeSample && s.Fn != nil && s.Fn.Name() == "Unit"
}

// PruneSubsampleSites returns a copy of tr (see Trace.Copy) without its
// subsample sites (Pyro's prune_subsample_sites).
func PruneSubsampleSites(tr *Trace) *Trace {
	c := tr.Copy()
	for i := 0; i < len(c.sites); {
		if SiteIsSubsample(c.sites[i]) {
			c.RemoveNode(c.sites[i].Name)
			continue
		}
		i++
	}
	return c
}
