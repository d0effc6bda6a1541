package optim

import "math"

// Adam is torch.optim.Adam. Step k of a parameter x with gradient g:
//
//	g = g + weight_decay·x
//	m = β1·m + (1−β1)·g
//	v = β2·v + (1−β2)·g²
//	v̂ = max(v̂, v)                       (AMSGrad; v̂ replaces v below)
//	x = x − (lr/(1−β1^k))·m / (√v/√(1−β2^k) + eps)
type Adam struct{ core }

// AdamW is torch.optim.AdamW: Adam with decoupled weight decay, which
// shrinks the parameter (x = x·(1 − lr·weight_decay)) before the Adam
// update instead of adding to the gradient. Default weight decay 1e-2.
type AdamW struct{ core }

// ClippedAdam is Pyro's pyro.optim.ClippedAdam: Adam whose gradient entries
// are first clamped to [−clip_norm, clip_norm] (elementwise, as Pyro does,
// not a norm rescaling), with L2 weight decay, and whose learning rate
// decays by the factor lrd on each step. Its update differs slightly from
// torch's Adam: eps is added to √v before the bias correction is applied,
//
//	x = x − (lr_k·√(1−β2^k)/(1−β1^k))·m / (√v + eps).
//
// Pyro keeps one optimizer per parameter, so the decay counts each
// parameter's own steps: its k-th step uses lr_k = LR()·lrd^k. Here the
// per-parameter factor lrd^k is the state scalar "lr_factor" and LR() is
// the undecayed rate a scheduler changes. Pyro clamps the caller's gradient
// in place; this one leaves Grad untouched.
type ClippedAdam struct{ core }

// NewAdam returns Adam with learning rate lr (> 0; PyTorch default
// DefaultAdamLR = 1e-3). Options: Betas (0.9, 0.999), Eps (1e-8),
// WeightDecay (0), AMSGrad (false).
func NewAdam(lr float64, opts ...Option) (*Adam, error) {
	cfg, err := buildAdam("Adam", lr, 0, opts)
	if err != nil {
		return nil, err
	}
	o := &Adam{}
	o.core = newCore("Adam", cfg, &adamRule{amsgrad: cfg.AMSGrad})
	return o, nil
}

// NewAdamW returns AdamW with learning rate lr (> 0; PyTorch default
// DefaultAdamWLR = 1e-3). Options: Betas (0.9, 0.999), Eps (1e-8),
// WeightDecay (DefaultAdamWWeightDecay = 1e-2), AMSGrad (false).
func NewAdamW(lr float64, opts ...Option) (*AdamW, error) {
	cfg, err := buildAdam("AdamW", lr, DefaultAdamWWeightDecay, opts)
	if err != nil {
		return nil, err
	}
	o := &AdamW{}
	o.core = newCore("AdamW", cfg, &adamRule{amsgrad: cfg.AMSGrad, decoupled: true})
	return o, nil
}

func buildAdam(name string, lr, wd float64, opts []Option) (Config, error) {
	cfg := Config{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: wd}
	return build(name, cfg, fBetas|fEps|fWeightDecay|fAMSGrad, opts, func(k *checker, c *Config) {
		k.positive("lr", c.LR)
		checkAdam(k, c)
	})
}

// NewClippedAdam returns Pyro's ClippedAdam with learning rate lr (> 0;
// Pyro default DefaultClippedAdamLR = 1e-3). Options: Betas (0.9, 0.999),
// Eps (1e-8), WeightDecay (0), ClipNorm (DefaultClipNorm = 10), LRD (1).
func NewClippedAdam(lr float64, opts ...Option) (*ClippedAdam, error) {
	cfg := Config{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, ClipNorm: DefaultClipNorm, LRD: 1}
	cfg, err := build("ClippedAdam", cfg, fBetas|fEps|fWeightDecay|fClipNorm|fLRD, opts, func(k *checker, c *Config) {
		k.positive("lr", c.LR)
		checkAdam(k, c)
		k.positive("clip_norm", c.ClipNorm)
		k.positive("lrd", c.LRD)
	})
	if err != nil {
		return nil, err
	}
	o := &ClippedAdam{}
	o.core = newCore("ClippedAdam", cfg, &clippedAdamRule{})
	return o, nil
}

func checkAdam(k *checker, c *Config) {
	k.positive("eps", c.Eps)
	k.unitHalfOpen("betas[0]", c.Beta1)
	k.unitHalfOpen("betas[1]", c.Beta2)
	k.nonNegative("weight_decay", c.WeightDecay)
}

type adamRule struct {
	amsgrad, decoupled bool
	k                  adamConsts // per-step constants, kept here so the kernel call does not allocate
}

func (r *adamRule) bufNames() []string {
	if r.amsgrad {
		return []string{"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
	}
	return []string{"exp_avg", "exp_avg_sq"}
}
func (r *adamRule) scalarNames() []string       { return nil }
func (r *adamRule) initSlot(_ *Config, _ *slot) {}

func (r *adamRule) update(c *Config, s *slot, x, g []float64) {
	b1, b2, eps, lr, wd := c.Beta1, c.Beta2, c.Eps, c.LR, c.WeightDecay
	k := float64(s.step)
	bc1 := 1 - math.Pow(b1, k)
	bc2 := 1 - math.Pow(b2, k)
	negStep := -(lr / bc1)
	bc2s := math.Sqrt(bc2)
	if r.decoupled {
		if wd != 0 {
			shrink := 1 - lr*wd
			for i := range x {
				x[i] *= shrink
			}
		}
		wd = 0
	}
	if !r.amsgrad {
		r.k = adamConsts{b1: b1, a1: 1 - b1, b2: b2, a2: 1 - b2, wd: wd, negStep: negStep, bc2s: bc2s, eps: eps,
			lo: math.Inf(-1), hi: math.Inf(1)}
		adamKernel(x, g[:len(x)], s.bufs[0][:len(x)], s.bufs[1][:len(x)], &r.k)
		return
	}
	g = g[:len(x)]
	m := s.bufs[0][:len(x)]
	v := s.bufs[1][:len(x)]
	vmax := s.bufs[2][:len(x)]
	a1, a2 := 1-b1, 1-b2
	for i := range x {
		gi := g[i]
		if wd != 0 {
			gi += wd * x[i]
		}
		m[i] = m[i]*b1 + a1*gi
		v[i] = v[i]*b2 + a2*gi*gi
		if v[i] > vmax[i] {
			vmax[i] = v[i]
		}
		x[i] += negStep * m[i] / (math.Sqrt(vmax[i])/bc2s + eps)
	}
}

type clippedAdamRule struct {
	k adamConsts
}

func (*clippedAdamRule) bufNames() []string    { return []string{"exp_avg", "exp_avg_sq"} }
func (*clippedAdamRule) scalarNames() []string { return []string{"lr_factor"} }
func (*clippedAdamRule) initSlot(_ *Config, s *slot) {
	s.scal[0] = 1
}

func (r *clippedAdamRule) update(c *Config, s *slot, x, g []float64) {
	s.scal[0] *= c.LRD
	lr := c.LR * s.scal[0]
	b1, b2 := c.Beta1, c.Beta2
	k := float64(s.step)
	bc1 := 1 - math.Pow(b1, k)
	bc2 := 1 - math.Pow(b2, k)
	r.k = adamConsts{b1: b1, a1: 1 - b1, b2: b2, a2: 1 - b2, wd: c.WeightDecay, negStep: -(lr * math.Sqrt(bc2) / bc1),
		bc2s: 1, eps: c.Eps, lo: -c.ClipNorm, hi: c.ClipNorm}
	adamKernel(x, g[:len(x)], s.bufs[0][:len(x)], s.bufs[1][:len(x)], &r.k)
}
