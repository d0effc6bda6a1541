package mcmc

import (
	"math"
	"math/rand/v2"
)

// staticHMC is Hamiltonian Monte Carlo with a fixed number of leapfrog
// steps per transition (or a fixed integration time, the number of steps
// then being max(1, ⌊T/ε⌋) as in Pyro and Stan's static HMC), followed by
// a Metropolis accept/reject of the end point.
type staticHMC struct {
	h         *hamiltonian
	rng       *rand.Rand
	numSteps  int     // > 0: fixed number of steps
	trajLen   float64 // used when numSteps == 0
	maxDeltaH float64
	z         point
}

func newStaticHMC(h *hamiltonian, rng *rand.Rand, d, numSteps int, trajLen, maxDeltaH float64) *staticHMC {
	return &staticHMC{h: h, rng: rng, numSteps: numSteps, trajLen: trajLen, maxDeltaH: maxDeltaH, z: newPoint(d)}
}

func (s *staticHMC) steps(eps float64) int {
	if s.numSteps > 0 {
		return s.numSteps
	}
	n := s.trajLen / eps
	if !(n >= 1) {
		return 1
	}
	if n > 1<<20 {
		return 1 << 20
	}
	return int(n)
}

func (s *staticHMC) transition(cur *point, eps float64) Stats {
	h := s.h
	h.m.sampleMomentum(s.rng, cur.p)
	h0 := h.energy(cur)
	s.z.set(cur)
	n := s.steps(eps)
	divergent := false
	taken := 0
	for taken < n {
		h.leapfrog(&s.z, eps)
		taken++
		if e := h.energy(&s.z); e-h0 > s.maxDeltaH {
			divergent = true
			break
		}
	}
	var acc float64
	if !divergent {
		e := h.energy(&s.z)
		acc = 1
		if d := h0 - e; d < 0 {
			acc = math.Exp(d)
		}
		if acc >= 1 || s.rng.Float64() < acc {
			cur.set(&s.z)
		}
	}
	return Stats{
		AcceptStat:  acc,
		StepSize:    eps,
		NumLeapfrog: taken,
		Divergent:   divergent,
		Energy:      h.energy(cur),
		Potential:   cur.u,
	}
}
