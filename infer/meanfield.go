package infer

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
)

// TraceMeanFieldELBO is Pyro's TraceMeanField_ELBO: for each latent site
// the Monte Carlo term log p(z) − log q(z) is replaced by the analytic
// −KL(q‖p) where the KL registry has the pair (falling back to the sampled
// term where it does not), which lowers the variance of the estimate. As
// in Pyro, it assumes the guide is mean-field (each latent's guide
// distribution independent of the others given the parameters) and fully
// reparameterized; a guide site without RSample is an error naming it.
// Auxiliary guide sites contribute −log q. Scales and masks apply to the
// KL terms as to log densities.
type TraceMeanFieldELBO struct {
	// NumParticles is the number of particles per step (default 1).
	NumParticles int
}

// Loss implements ELBO.
func (e *TraceMeanFieldELBO) Loss(t *ad.Tape, run func() (model, guide *poutine.Trace)) (float64, ad.V) {
	n := e.NumParticles
	if n <= 0 {
		n = 1
	}
	acc := t.Scalar(0)
	for p := 0; p < n; p++ {
		model, guide := run()
		acc = t.Add(acc, meanFieldParticle(t, model, guide))
	}
	loss := t.MulConst(acc, -1/float64(n))
	return loss.Value(), loss
}

func meanFieldParticle(t *ad.Tape, model, guide *poutine.Trace) ad.V {
	elbo := t.Scalar(0)
	for _, ms := range model.Sites() {
		if ms.Type != poutine.TypeSample {
			continue
		}
		if ms.IsObserved {
			model.ComputeLogProb(isSite(ms))
			elbo = t.Add(elbo, ms.LogProbSum)
			continue
		}
		gs := guide.Get(ms.Name)
		if gs == nil {
			panic(&poutine.Error{Site: ms.Name, Msg: "TraceMeanField_ELBO: the guide has no site for this latent"})
		}
		if !gs.Fn.HasRSample() {
			panic(&poutine.Error{Site: ms.Name, Msg: "TraceMeanField_ELBO needs a fully reparameterized guide; this guide site's " + gs.Fn.Name() + " has no rsample"})
		}
		if dist.HasKL(gs.Fn, ms.Fn) {
			kl, err := dist.KL(gs.Fn, ms.Fn)
			if err != nil {
				panic(&poutine.Error{Site: ms.Name, Msg: err.Error()})
			}
			if gs.Mask.Valid() {
				kl = t.Where(gs.Mask, kl, t.Scalar(0))
			}
			if gs.Scale != 1 {
				kl = t.MulConst(kl, gs.Scale)
			}
			elbo = t.Sub(elbo, t.Sum(kl))
			continue
		}
		model.ComputeLogProb(isSite(ms))
		guide.ComputeLogProb(isSite(gs))
		elbo = t.Add(elbo, t.Sub(ms.LogProbSum, gs.LogProbSum))
	}
	for _, gs := range guide.Sites() {
		if gs.Type == poutine.TypeSample && !gs.IsObserved && model.Get(gs.Name) == nil {
			if !gs.Infer.IsAuxiliary {
				panic(&poutine.Error{Site: gs.Name, Msg: "the guide samples a site that the model does not have"})
			}
			guide.ComputeLogProb(isSite(gs))
			elbo = t.Sub(elbo, gs.LogProbSum)
		}
	}
	return elbo
}

// isSite returns a filter accepting only s. The closure captures one
// pointer; ComputeLogProb does not keep it.
func isSite(s *poutine.Site) func(*poutine.Site) bool {
	return func(x *poutine.Site) bool { return x == s }
}
