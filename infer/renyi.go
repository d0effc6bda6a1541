package infer

import (
	"fmt"
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/poutine"
)

// RenyiELBO is Pyro's RenyiELBO: the variational Rényi bound of order
// Alpha (Li & Turner 2016), estimated with NumParticles particles:
// (1/(1−α)) log((1/N) Σ_i w_i^(1−α)) with w_i = p(x, z_i)/q(z_i). α = 0
// gives the importance-weighted bound (IWAE); α → 1 tends to the ELBO,
// which TraceELBO computes (α = 1 is rejected, as Pyro does). Defaults as
// Pyro: Alpha 0, NumParticles 2.
type RenyiELBO struct {
	Alpha        float64
	NumParticles int

	elbos []float64
	surrs []ad.V
}

// NewRenyiELBO checks alpha and returns the estimator.
func NewRenyiELBO(alpha float64, numParticles int) (*RenyiELBO, error) {
	if alpha == 1 || math.IsNaN(alpha) {
		return nil, fmt.Errorf("infer: RenyiELBO: alpha must not be 1 (use TraceELBO for alpha = 1), got %v", alpha)
	}
	if numParticles <= 0 {
		numParticles = 2
	}
	return &RenyiELBO{Alpha: alpha, NumParticles: numParticles}, nil
}

// Loss implements ELBO.
func (e *RenyiELBO) Loss(t *ad.Tape, run func() (model, guide *poutine.Trace)) (float64, ad.V) {
	if e.Alpha == 1 {
		panic(&poutine.Error{Msg: "RenyiELBO: alpha must not be 1 (use TraceELBO)"})
	}
	n := e.NumParticles
	if n <= 0 {
		n = 2
	}
	e.elbos, e.surrs = e.elbos[:0], e.surrs[:0]
	for p := 0; p < n; p++ {
		model, guide := run()
		model.ComputeLogProb(nil)
		guide.ComputeLogProb(nil)
		elbo := 0.0
		surr := t.Scalar(0)
		for _, s := range model.Sites() {
			if s.Type == poutine.TypeSample && s.LogProbSum.Valid() {
				elbo += s.LogProbSum.Value()
				surr = t.Add(surr, s.LogProbSum)
			}
		}
		for _, s := range guide.Sites() {
			if s.Type != poutine.TypeSample || s.IsObserved || !s.LogProbSum.Valid() {
				continue
			}
			elbo -= s.LogProbSum.Value()
			if s.Fn.HasRSample() {
				surr = t.Sub(surr, s.LogProbSum)
			} else {
				surr = t.Add(surr, t.MulConst(s.LogProbSum, e.Alpha/(1-e.Alpha)))
			}
		}
		e.elbos = append(e.elbos, elbo)
		e.surrs = append(e.surrs, surr)
	}
	// log-mean of the weights w_i^(1-α), stably
	mx := math.Inf(-1)
	for _, l := range e.elbos {
		mx = math.Max(mx, (1-e.Alpha)*l)
	}
	sum := 0.0
	for _, l := range e.elbos {
		sum += math.Exp((1-e.Alpha)*l - mx)
	}
	logMean := mx + math.Log(sum) - math.Log(float64(n))
	elbo := logMean / (1 - e.Alpha)
	acc := t.Scalar(0)
	for i, l := range e.elbos {
		w := math.Exp((1-e.Alpha)*l - logMean)
		acc = t.Add(acc, t.MulConst(e.surrs[i], w))
	}
	return -elbo, t.MulConst(acc, -1/float64(n))
}
