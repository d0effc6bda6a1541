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

		// Biased progressive sampling: favour the new subtree. (Buffers
		// are swapped, not copied: the old sample is not needed again.)
		if lswSub > logSumW || s.rng.Float64() < math.Exp(lswSub-logSumW) {
			s.zSample, s.zPropose = s.zPropose, s.zSample
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
		ok, lw := s.leaf(psBeg, psEnd, rho, pBeg, pEnd, sign)
		*lsw = logAddExp(*lsw, lw) // *lsw is −Inf here: no exp/log
		zProp.set(&s.z)
		return ok
	}
	lv := &s.lv[depth-1]

	// Initial half.
	lswInit := math.Inf(-1)
	clear(lv.rhoInit)
	if !s.buildTree(depth-1, zProp, psBeg, lv.psInitEnd, lv.rhoInit, pBeg, lv.pInitEnd, sign, &lswInit) {
		return false
	}

	// Final half. (Stan initialises its proposal to the current state;
	// no need here: the first leaf of the half overwrites it before any
	// read.)
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
		// Take the final half's proposal by swapping buffers: the old one
		// is scratch from here on.
		*zProp, lv.zFinal = lv.zFinal, *zProp
	}

	// ρ of the subtree is rhoInit + rhoFinal: add it to rho and check the
	// criterion over the subtree, and across the seam between its halves
	// (each half extended by the neighbouring state's momentum), in one
	// pass.
	n := len(rho)
	rho = rho[:n]
	psBeg, psEnd = psBeg[:n], psEnd[:n]
	rI, rF := lv.rhoInit[:n], lv.rhoFinal[:n]
	pFB, psFB := lv.pFinalBeg[:n], lv.psFinalBeg[:n]
	pIE, psIE := lv.pInitEnd[:n], lv.psInitEnd[:n]
	var d1m, d1p, d2m, d2p, d3m, d3p float64
	for i := range rho {
		r := rI[i] + rF[i]
		rho[i] += r
		d1m += psBeg[i] * r
		d1p += psEnd[i] * r
		a := rI[i] + pFB[i]
		d2m += psBeg[i] * a
		d2p += psFB[i] * a
		b := rF[i] + pIE[i]
		d3m += psIE[i] * b
		d3p += psEnd[i] * b
	}
	return d1m > 0 && d1p > 0 && d2m > 0 && d2p > 0 && d3m > 0 && d3p > 0
}

// leaf takes one leapfrog step from s.z in direction sign and records it
// as a one-state subtree (Stan's build_tree base case), returning whether
// it is valid (not divergent) and its log weight H0 − H.
func (s *nuts) leaf(psBeg, psEnd, rho, pBeg, pEnd []float64, sign float64) (bool, float64) {
	h := s.h
	z := &s.z
	eps := sign * s.eps
	var e float64
	if h.m.dense {
		h.leapfrog(z, eps)
		// p♯ at the new point, reused for the kinetic energy ½ p·p♯.
		h.m.sharp(psBeg, z.p)
		var k float64
		for i, v := range z.p {
			k += v * psBeg[i]
		}
		e = z.u + 0.5*k
		copy(psEnd, psBeg)
		for i, v := range z.p {
			rho[i] += v
		}
		copy(pBeg, z.p)
		copy(pEnd, z.p)
	} else {
		// Diagonal metric: the leapfrog step and the leaf bookkeeping fused
		// into two passes around the gradient evaluation. Same arithmetic,
		// in the same order, as hamiltonian.leapfrog and eval.
		n := len(z.q)
		q, p, g, inv := z.q[:n], z.p[:n], z.g[:n], h.m.inv[:n]
		half := 0.5 * eps
		for i := range q {
			pi := p[i] - half*g[i]
			p[i] = pi
			q[i] += eps * inv[i] * pi
		}
		u := h.pot(q, g)
		h.nGrad++
		bad := math.IsNaN(u) || math.IsInf(u, -1)
		psBeg, psEnd, rho, pBeg, pEnd = psBeg[:n], psEnd[:n], rho[:n], pBeg[:n], pEnd[:n]
		var k, nan float64
		for i, gi := range g {
			nan += gi * 0 // stays 0 unless some gᵢ is NaN or ±Inf
			pi := p[i] - half*gi
			p[i] = pi
			ps := inv[i] * pi
			psBeg[i] = ps
			psEnd[i] = ps
			k += pi * ps
			rho[i] += pi
			pBeg[i] = pi
			pEnd[i] = pi
		}
		if bad || nan != 0 {
			u = math.Inf(1)
		}
		z.u = u
		e = u + 0.5*k
	}
	s.nLeap++
	if math.IsNaN(e) {
		e = math.Inf(1)
	}
	if e-s.h0 > s.maxDeltaH {
		s.divergent = true
	}
	if s.h0-e > 0 {
		s.sumMetro++
	} else {
		s.sumMetro += math.Exp(s.h0 - e)
	}
	return !s.divergent, s.h0 - e
}
