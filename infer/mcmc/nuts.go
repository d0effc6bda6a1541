package mcmc

import (
	"math"
	"math/rand/v2"
)

// Stats describes one transition, with Stan's sampler diagnostics.
type Stats struct {
	// AcceptStat is the mean Metropolis acceptance probability
	// min(1, exp(H0 − H)) over every leapfrog step of the transition
	// (NUTS), or the acceptance probability of the proposal (HMC).
	AcceptStat float64
	// StepSize is the leapfrog step size used.
	StepSize float64
	// TreeDepth is the depth of the final NUTS trajectory (0 for HMC).
	TreeDepth int
	// NumLeapfrog counts leapfrog steps (= gradient evaluations).
	NumLeapfrog int
	// Divergent reports an energy error above the divergence threshold
	// (1000 by default), or a non-finite energy, during the transition.
	Divergent bool
	// Energy is the Hamiltonian H = U(q) + ½ pᵀM⁻¹p of the returned state.
	Energy float64
	// Potential is U(q) of the returned state (the negative log density).
	Potential float64
}

// kernel is one transition rule on a point: it reads the position and its
// cached potential and gradient from cur, and overwrites cur with the next
// state of the chain.
type kernel interface {
	transition(cur *point, eps float64) Stats
}

// nuts is the No-U-Turn sampler as in Stan ≥ 2.21 (Betancourt 2017):
// trajectories grow by doubling in a random direction; states are drawn
// multinomially, with biased progressive sampling between the old tree and
// the new subtree at the top level and uniform progressive sampling inside
// subtrees; the generalized no-U-turn criterion is checked on p♯ = M⁻¹p
// over each merged tree and, in addition, across the boundaries of the two
// halves (each half extended by the neighbouring state's momentum).
type nuts struct {
	h         *hamiltonian
	rng       *rand.Rand
	maxDepth  int
	maxDeltaH float64

	z, zFwd, zBck, zSample, zPropose point

	pFwdFwd, psFwdFwd, pFwdBck, psFwdBck []float64
	pBckFwd, psBckFwd, pBckBck, psBckBck []float64
	rho, rhoFwd, rhoBck                  []float64

	lv []nutsLevel // scratch for build-tree recursion, one per depth

	// state of the transition in progress
	eps       float64
	h0        float64
	nLeap     int
	sumMetro  float64
	divergent bool
}

type nutsLevel struct {
	pInitEnd, psInitEnd, rhoInit    []float64
	pFinalBeg, psFinalBeg, rhoFinal []float64
	zFinal                          point
}

func newNUTS(h *hamiltonian, rng *rand.Rand, d, maxDepth int, maxDeltaH float64) *nuts {
	s := &nuts{h: h, rng: rng, maxDepth: maxDepth, maxDeltaH: maxDeltaH}
	s.z, s.zFwd, s.zBck, s.zSample, s.zPropose = newPoint(d), newPoint(d), newPoint(d), newPoint(d), newPoint(d)
	buf := make([]float64, 11*d)
	next := func() []float64 {
		v := buf[:d:d]
		buf = buf[d:]
		return v
	}
	s.pFwdFwd, s.psFwdFwd, s.pFwdBck, s.psFwdBck = next(), next(), next(), next()
	s.pBckFwd, s.psBckFwd, s.pBckBck, s.psBckBck = next(), next(), next(), next()
	s.rho, s.rhoFwd, s.rhoBck = next(), next(), next()
	s.lv = make([]nutsLevel, maxDepth)
	for i := range s.lv {
		b := make([]float64, 6*d)
		s.lv[i] = nutsLevel{
			pInitEnd: b[0:d:d], psInitEnd: b[d : 2*d : 2*d], rhoInit: b[2*d : 3*d : 3*d],
			pFinalBeg: b[3*d : 4*d : 4*d], psFinalBeg: b[4*d : 5*d : 5*d], rhoFinal: b[5*d:],
			zFinal: newPoint(d),
		}
	}
	return s
}

func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a > b {
		return a + math.Log1p(math.Exp(b-a))
	}
	return b + math.Log1p(math.Exp(a-b))
}

// uturnOK is the generalized no-U-turn criterion p♯₋·ρ > 0 and p♯₊·ρ > 0,
// with ρ = a + b (b may be nil).
func uturnOK(psMinus, psPlus, a, b []float64) bool {
	var dm, dp float64
	if b == nil {
		for i, r := range a {
			dm += psMinus[i] * r
			dp += psPlus[i] * r
		}
	} else {
		for i, r := range a {
			r += b[i]
			dm += psMinus[i] * r
			dp += psPlus[i] * r
		}
	}
	return dp > 0 && dm > 0
}

func (s *nuts) transition(cur *point, eps float64) Stats {
	h := s.h
	s.eps = eps
	h.m.sampleMomentum(s.rng, cur.p)
	s.z.set(cur)
	s.zFwd.set(cur)
	s.zBck.set(cur)
	s.zSample.set(cur)
	s.zPropose.set(cur)

	copy(s.pFwdFwd, cur.p)
	h.m.sharp(s.psFwdFwd, cur.p)
	copy(s.pFwdBck, cur.p)
	copy(s.psFwdBck, s.psFwdFwd)
	copy(s.pBckFwd, cur.p)
	copy(s.psBckFwd, s.psFwdFwd)
	copy(s.pBckBck, cur.p)
	copy(s.psBckBck, s.psFwdFwd)
	copy(s.rho, cur.p)

	logSumW := 0.0 // log(exp(H0 − H0))
	s.h0 = h.energy(cur)
	s.nLeap = 0
	s.sumMetro = 0
	s.divergent = false

	depth := 0
	for depth < s.maxDepth {
		clear(s.rhoFwd)
		clear(s.rhoBck)
		lswSub := math.Inf(-1)
		var valid bool
		if s.rng.Float64() > 0.5 {
			// Extend forward: the old tree becomes the backward half.
			s.z.set(&s.zFwd)
			copy(s.rhoBck, s.rho)
			copy(s.pBckFwd, s.pFwdFwd)
			copy(s.psBckFwd, s.psFwdFwd)
			valid = s.buildTree(depth, &s.zPropose, s.psFwdBck, s.psFwdFwd, s.rhoFwd, s.pFwdBck, s.pFwdFwd, 1, &lswSub)
			s.zFwd.set(&s.z)
		} else {
			// Extend backward: the old tree becomes the forward half.
			s.z.set(&s.zBck)
			copy(s.rhoFwd, s.rho)
			copy(s.pFwdBck, s.pBckBck)
			copy(s.psFwdBck, s.psBckBck)
			valid = s.buildTree(depth, &s.zPropose, s.psBckFwd, s.psBckBck, s.rhoBck, s.pBckFwd, s.pBckBck, -1, &lswSub)
			s.zBck.set(&s.z)
		}
		if !valid {
			break
		}
		depth++

		// Biased progressive sampling: favour the new subtree.
		if lswSub > logSumW {
			s.zSample.set(&s.zPropose)
		} else if s.rng.Float64() < math.Exp(lswSub-logSumW) {
			s.zSample.set(&s.zPropose)
		}
		logSumW = logAddExp(logSumW, lswSub)

		for i := range s.rho {
			s.rho[i] = s.rhoBck[i] + s.rhoFwd[i]
		}
		persist := uturnOK(s.psBckBck, s.psFwdFwd, s.rho, nil) &&
			uturnOK(s.psBckBck, s.psFwdBck, s.rhoBck, s.pFwdBck) &&
			uturnOK(s.psBckFwd, s.psFwdFwd, s.rhoFwd, s.pBckFwd)
		if !persist {
			break
		}
	}

	cur.set(&s.zSample)
	return Stats{
		AcceptStat:  s.sumMetro / float64(s.nLeap),
		StepSize:    eps,
		TreeDepth:   depth,
		NumLeapfrog: s.nLeap,
		Divergent:   s.divergent,
		Energy:      h.energy(cur),
		Potential:   cur.u,
	}
}

// buildTree extends the trajectory from s.z by 2^depth leapfrog steps in
// direction sign, as Stan's base_nuts::build_tree. It returns false when
// the subtree diverged or made a U-turn; it adds the subtree's momenta to
// rho, its log weight to *lsw, and leaves its proposal in zProp.
func (s *nuts) buildTree(depth int, zProp *point, psBeg, psEnd, rho, pBeg, pEnd []float64, sign float64, lsw *float64) bool {
	if depth == 0 {
		h := s.h
		h.leapfrog(&s.z, sign*s.eps)
		s.nLeap++
		// p♯ at the new point, reused for the kinetic energy ½ p·p♯.
		h.m.sharp(psBeg, s.z.p)
		var k float64
		for i, v := range s.z.p {
			k += v * psBeg[i]
		}
		e := s.z.u + 0.5*k
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		if e-s.h0 > s.maxDeltaH {
			s.divergent = true
		}
		*lsw = logAddExp(*lsw, s.h0-e)
		if s.h0-e > 0 {
			s.sumMetro++
		} else {
			s.sumMetro += math.Exp(s.h0 - e)
		}
		zProp.set(&s.z)
		copy(psEnd, psBeg)
		for i, v := range s.z.p {
			rho[i] += v
		}
		copy(pBeg, s.z.p)
		copy(pEnd, s.z.p)
		return !s.divergent
	}
	lv := &s.lv[depth-1]

	// Initial half.
	lswInit := math.Inf(-1)
	clear(lv.rhoInit)
	if !s.buildTree(depth-1, zProp, psBeg, lv.psInitEnd, lv.rhoInit, pBeg, lv.pInitEnd, sign, &lswInit) {
		return false
	}

	// Final half.
	lv.zFinal.set(&s.z)
	lswFinal := math.Inf(-1)
	clear(lv.rhoFinal)
	if !s.buildTree(depth-1, &lv.zFinal, lv.psFinalBeg, psEnd, lv.rhoFinal, lv.pFinalBeg, pEnd, sign, &lswFinal) {
		return false
	}

	// Uniform progressive sampling between the halves: take the final
	// half's proposal with probability w_final / (w_init + w_final). One
	// exponential gives both that probability and log(w_init + w_final).
	var lswSub, pFinal float64
	if diff := lswInit - lswFinal; diff > 0 {
		t := math.Exp(-diff)
		lswSub = lswInit + math.Log1p(t)
		pFinal = t / (1 + t)
	} else {
		t := math.Exp(diff)
		lswSub = lswFinal + math.Log1p(t)
		pFinal = 1 / (1 + t)
	}
	*lsw = logAddExp(*lsw, lswSub)
	if s.rng.Float64() < pFinal {
		zProp.set(&lv.zFinal)
	}

	// rho of the subtree = rhoInit + rhoFinal; accumulate into rho and
	// check the criterion over the subtree and across its halves' seam.
	var dBeg, dEnd float64
	for i := range rho {
		r := lv.rhoInit[i] + lv.rhoFinal[i]
		rho[i] += r
		dBeg += psBeg[i] * r
		dEnd += psEnd[i] * r
	}
	return dBeg > 0 && dEnd > 0 &&
		uturnOK(psBeg, lv.psFinalBeg, lv.rhoInit, lv.pFinalBeg) &&
		uturnOK(lv.psInitEnd, psEnd, lv.rhoFinal, lv.pInitEnd)
}
