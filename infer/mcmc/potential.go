package mcmc

import "math"

// Potential evaluates the potential energy U(x) = −log p(x) (up to an
// additive constant) at x, writes the gradient ∇U(x) into grad
// (len(grad) == len(x)) and returns U(x). It must not keep x or grad.
//
// A Potential may return +Inf (or NaN) where the density is zero or cannot
// be evaluated; the sampler treats such points, and points where the
// gradient is not finite or U = −Inf, as divergent and never accepts them.
// It must not modify x.
//
// One Potential value is called from one goroutine at a time per chain;
// SampleChains takes one Potential per chain so that potentials holding
// scratch state (infer.ModelPotential, for instance) need not be safe for
// concurrent use.
type Potential func(x, grad []float64) float64

// FromLogDensity turns a log-density function (returning log p(x) and
// writing ∇log p(x) into grad) into a Potential by flipping the signs.
func FromLogDensity(logp func(x, grad []float64) float64) Potential {
	return func(x, grad []float64) float64 {
		lp := logp(x, grad)
		for i := range grad {
			grad[i] = -grad[i]
		}
		return -lp
	}
}

// point is a phase-space point with its cached potential and gradient.
type point struct {
	q, p, g []float64
	all     []float64 // q, p and g back to back
	u       float64
}

func newPoint(d int) point {
	buf := make([]float64, 3*d)
	return point{q: buf[:d:d], p: buf[d : 2*d : 2*d], g: buf[2*d:], all: buf}
}

func (z *point) set(src *point) {
	copy(z.all, src.all)
	z.u = src.u
}

// hamiltonian couples a potential with a Euclidean metric and counts
// gradient evaluations.
type hamiltonian struct {
	pot   Potential
	m     *metric
	nGrad int64
}

// eval computes U(q) and its gradient. A NaN or −Inf potential (the
// latter an unbounded density, which no sampler can weigh), or any
// non-finite gradient entry, is reported as U = +Inf so that the point is
// divergent and never accepted.
func (h *hamiltonian) eval(q, g []float64) float64 {
	u := h.pot(q, g)
	h.nGrad++
	if math.IsNaN(u) || math.IsInf(u, -1) {
		return math.Inf(1)
	}
	for _, v := range g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1)
		}
	}
	return u
}

// energy is H(z) = U(q) + ½ pᵀ M⁻¹ p, with NaN mapped to +Inf.
func (h *hamiltonian) energy(z *point) float64 {
	e := z.u + h.m.kinetic(z.p)
	if math.IsNaN(e) {
		return math.Inf(1)
	}
	return e
}

// leapfrog advances z by one velocity-Verlet step of size eps (negative
// eps integrates backwards in time). It evaluates the gradient exactly once:
// the gradient at the start is the one cached in z.
func (h *hamiltonian) leapfrog(z *point, eps float64) {
	half := 0.5 * eps
	for i, gi := range z.g {
		z.p[i] -= half * gi
	}
	h.m.addSharp(z.q, eps, z.p)
	z.u = h.eval(z.q, z.g)
	for i, gi := range z.g {
		z.p[i] -= half * gi
	}
}
