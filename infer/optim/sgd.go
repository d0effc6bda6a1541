package optim

// SGD is stochastic gradient descent with optional momentum, dampening,
// Nesterov momentum and weight decay (torch.optim.SGD). With momentum μ and
// dampening τ, step k of a parameter x with gradient g computes
//
//	d = g + weight_decay·x
//	b = d                      (k = 1)
//	b = μ·b + (1−τ)·d          (k > 1)
//	d = d + μ·b  (Nesterov)  or  d = b
//	x = x − lr·d
//
// and without momentum x = x − lr·d.
type SGD struct{ core }

// NewSGD returns SGD with learning rate lr (> 0; PyTorch 1.13 has no
// default). Options: Momentum (0), Dampening (0), Nesterov (false),
// WeightDecay (0).
func NewSGD(lr float64, opts ...Option) (*SGD, error) {
	cfg, err := build("SGD", Config{LR: lr}, fMomentum|fDampening|fNesterov|fWeightDecay, opts, func(k *checker, c *Config) {
		k.positive("lr", c.LR)
		k.nonNegative("momentum", c.Momentum)
		k.unitClosed("dampening", c.Dampening)
		k.nonNegative("weight_decay", c.WeightDecay)
		if k.err == nil && c.Nesterov && (c.Momentum <= 0 || c.Dampening != 0) {
			k.err = errorf("SGD", "Nesterov momentum needs momentum > 0 and dampening 0 (got momentum %v, dampening %v)", c.Momentum, c.Dampening)
		}
	})
	if err != nil {
		return nil, err
	}
	o := &SGD{}
	o.core = newCore("SGD", cfg, &sgdRule{momentum: cfg.Momentum != 0})
	return o, nil
}

type sgdRule struct{ momentum bool }

func (r *sgdRule) bufNames() []string {
	if r.momentum {
		return []string{"momentum_buffer"}
	}
	return nil
}
func (r *sgdRule) scalarNames() []string       { return nil }
func (r *sgdRule) initSlot(_ *Config, _ *slot) {}

func (r *sgdRule) update(c *Config, s *slot, x, g []float64) {
	g = g[:len(x)]
	lr, wd := c.LR, c.WeightDecay
	if !r.momentum {
		for i := range x {
			d := g[i]
			if wd != 0 {
				d += wd * x[i]
			}
			x[i] += -lr * d
		}
		return
	}
	mu, damp, nest := c.Momentum, 1-c.Dampening, c.Nesterov
	b := s.bufs[0][:len(x)]
	first := s.step == 1
	for i := range x {
		d := g[i]
		if wd != 0 {
			d += wd * x[i]
		}
		if first {
			b[i] = d
		} else {
			b[i] = b[i]*mu + damp*d
		}
		if nest {
			d += mu * b[i]
		} else {
			d = b[i]
		}
		x[i] += -lr * d
	}
}
