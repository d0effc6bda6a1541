package infer

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// ELBO is an estimator of the evidence lower bound. Loss runs the model and
// guide through run (once per particle; each call records a guide trace
// and a model trace replayed against it, on t) and returns the loss
// estimate (−ELBO averaged over particles) and a differentiable surrogate
// loss whose gradient is an unbiased (or, for RenyiELBO, the standard)
// estimate of the loss's gradient.
type ELBO interface {
	Loss(t *ad.Tape, run func() (model, guide *poutine.Trace)) (loss float64, surrogate ad.V)
}

// TraceELBO is Pyro's Trace_ELBO: the ELBO estimated from sampled traces.
// Reparameterized guide sites contribute pathwise gradients; the others
// contribute score-function (REINFORCE) terms log q(z)·cost, where the cost
// is Rao-Blackwellized using the plates: a guide site inside a plate sees
// only the log-density terms of its own plate slice and of the sites
// outside the plate, as Pyro's _compute_log_r / MultiFrameTensor.sum_to.
type TraceELBO struct {
	// NumParticles is the number of particles per step (default 1).
	NumParticles int
	// VectorizeParticles draws all particles in one run of guide and
	// model, inside a plate "num_particles_vectorized" of size
	// NumParticles at dim −(MaxPlateNesting+1), as Pyro's
	// vectorize_particles=True. The model and guide must broadcast over
	// that extra leftmost batch dim (sites built from plate-broadcast
	// distributions do).
	VectorizeParticles bool
	// MaxPlateNesting is the number of plate dims the model uses (needed
	// with VectorizeParticles, as in Pyro).
	MaxPlateNesting int

	terms  []logRTerm
	buf    []float64
	total  []float64
	tshape []int
}

type logRTerm struct {
	frames [poutine.MaxPlates]poutine.CondIndepFrame
	nf     int
	data   []float64
	shape  []int
	sign   float64
}

func (e *TraceELBO) particles() int {
	if e.NumParticles <= 0 {
		return 1
	}
	return e.NumParticles
}

// Loss implements ELBO.
func (e *TraceELBO) Loss(t *ad.Tape, run func() (model, guide *poutine.Trace)) (float64, ad.V) {
	n := e.particles()
	if e.VectorizeParticles {
		model, guide := run()
		elbo, surr := e.Particle(t, model, guide)
		return -elbo / float64(n), t.MulConst(surr, -1/float64(n))
	}
	total := 0.0
	acc := t.Scalar(0)
	for p := 0; p < n; p++ {
		model, guide := run()
		elbo, surr := e.Particle(t, model, guide)
		total += elbo
		acc = t.Add(acc, surr)
	}
	return -total / float64(n), t.MulConst(acc, -1/float64(n))
}

// Particle scores one particle: its ELBO estimate and surrogate ELBO.
func (e *TraceELBO) Particle(t *ad.Tape, model, guide *poutine.Trace) (float64, ad.V) {
	model.ComputeLogProb(nil)
	guide.ComputeLogProb(nil)
	elbo := 0.0
	surr := t.Scalar(0)
	for _, s := range model.Sites() {
		if s.Type != poutine.TypeSample || !s.LogProbSum.Valid() {
			continue
		}
		elbo += s.LogProbSum.Value()
		surr = t.Add(surr, s.LogProbSum)
	}
	haveLogR := false
	for _, s := range guide.Sites() {
		if s.Type != poutine.TypeSample || s.IsObserved || !s.LogProbSum.Valid() {
			continue
		}
		elbo -= s.LogProbSum.Value()
		if s.Fn.HasRSample() {
			// entropy term: the pathwise gradient of −log q(z)
			surr = t.Sub(surr, s.LogProbSum)
			continue
		}
		// score-function term
		if !haveLogR {
			e.collectLogR(model, guide)
			haveLogR = true
		}
		cost := e.sumTo(t, s)
		// the score function is the unscaled log density (Pyro's
		// ScoreParts); the cost carries the scales
		surr = t.Add(surr, t.Sum(t.Mul(s.UnscaledLogProb, cost)))
	}
	return elbo, surr
}

// collectLogR gathers the detached log-density terms of both traces with
// their vectorized plate frames.
func (e *TraceELBO) collectLogR(model, guide *poutine.Trace) {
	e.terms = e.terms[:0]
	add := func(s *poutine.Site, sign float64) {
		var term logRTerm
		for _, f := range s.Plates() {
			if f.Vectorized {
				term.frames[term.nf] = f
				term.nf++
			}
		}
		term.data = s.LogProb.Data()
		term.shape = s.LogProb.Shape()
		term.sign = sign
		e.terms = append(e.terms, term)
	}
	for _, s := range model.Sites() {
		if s.Type == poutine.TypeSample && s.LogProb.Valid() {
			add(s, 1)
		}
	}
	for _, s := range guide.Sites() {
		if s.Type == poutine.TypeSample && !s.IsObserved && s.LogProb.Valid() {
			add(s, -1)
		}
	}
}

func hasFrame(s *poutine.Site, f poutine.CondIndepFrame) bool {
	for _, g := range s.Plates() {
		if g.Name == f.Name && g.Dim == f.Dim {
			return true
		}
	}
	return false
}

// sumTo is Pyro's MultiFrameTensor.sum_to(site's frames): each term is
// summed over the plate dims the site is not in, and the results are added
// with broadcasting. The result is a constant (detached) on t.
func (e *TraceELBO) sumTo(t *ad.Tape, site *poutine.Site) ad.V {
	// First pass: the broadcast shape of all reduced terms.
	var tot [tensor.MaxDims]int
	nt := 0
	var red [tensor.MaxDims]int
	for i := range e.terms {
		term := &e.terms[i]
		shape, _ := e.reducedShape(term, site, &red)
		if len(shape) > nt {
			copy(tot[len(shape)-nt:len(shape)], tot[:nt])
			for j := 0; j < len(shape)-nt; j++ {
				tot[j] = 1
			}
			nt = len(shape)
		}
		off := nt - len(shape)
		for j, d := range shape {
			if d != 1 {
				tot[off+j] = d
			}
		}
	}
	size := 1
	for _, d := range tot[:nt] {
		size *= d
	}
	if cap(e.total) < size {
		e.total = make([]float64, size)
	}
	total := e.total[:size]
	clear(total)
	e.tshape = append(e.tshape[:0], tot[:nt]...)
	for i := range e.terms {
		term := &e.terms[i]
		shape, mask := e.reducedShape(term, site, &red)
		n := 1
		for _, d := range shape {
			n *= d
		}
		if cap(e.buf) < n {
			e.buf = make([]float64, n)
		}
		r := e.buf[:n]
		if mask == 0 {
			copy(r, term.data)
		} else {
			tensor.ReduceAxes(tensor.ReduceSum, r, term.data, term.shape, mask)
		}
		if term.sign < 0 {
			for j := range r {
				r[j] = -r[j]
			}
		}
		tensor.ApplyBinary(tensor.OpAdd, total, e.tshape, total, e.tshape, r, shape)
	}
	if nt == 0 {
		return t.Scalar(total[0])
	}
	return t.Const(e.tshape, total)
}

// reducedShape returns the shape of term after summing (keepdim) over the
// dims of its frames that site is not in, with leading 1s squeezed, and the
// axis mask of the summed dims.
func (e *TraceELBO) reducedShape(term *logRTerm, site *poutine.Site, buf *[tensor.MaxDims]int) ([]int, tensor.AxisMask) {
	n := copy(buf[:], term.shape)
	var mask tensor.AxisMask
	for _, f := range term.frames[:term.nf] {
		ax := n + f.Dim
		if ax < 0 || buf[ax] == 1 || hasFrame(site, f) {
			continue
		}
		buf[ax] = 1
		mask |= 1 << uint(ax)
	}
	s := buf[:n]
	for len(s) > 0 && s[0] == 1 {
		s = s[1:]
	}
	return s, mask
}

// particlePlate reports the vectorized-particle plate an ELBO needs: its
// size and dim, and whether there is one.
func (e *TraceELBO) particlePlate() (int, int, bool) {
	if !e.VectorizeParticles {
		return 0, 0, false
	}
	return e.particles(), -(e.MaxPlateNesting + 1), true
}
