package optim

import "math"

// RMSprop is torch.optim.RMSprop. Step k of a parameter x with gradient g:
//
//	g = g + weight_decay·x
//	v = α·v + (1−α)·g²
//	a = √v + eps,  or, centred,  ḡ = α·ḡ + (1−α)·g,  a = √(v − ḡ²) + eps
//	b = μ·b + g/a,  x = x − lr·b      (momentum μ > 0)
//	x = x − lr·g/a                     (no momentum)
//
// In the centred form v − ḡ² is never negative in exact arithmetic; where
// rounding makes it so it is taken as 0 (PyTorch would produce NaN).
type RMSprop struct{ core }

// NewRMSprop returns RMSprop with learning rate lr (> 0; PyTorch default
// DefaultRMSpropLR = 1e-2). Options: Alpha (0.99), Eps (1e-8),
// WeightDecay (0), Momentum (0), Centered (false).
func NewRMSprop(lr float64, opts ...Option) (*RMSprop, error) {
	cfg := Config{LR: lr, Alpha: 0.99, Eps: 1e-8}
	cfg, err := build("RMSprop", cfg, fAlpha|fEps|fWeightDecay|fMomentum|fCentered, opts, func(k *checker, c *Config) {
		k.positive("lr", c.LR)
		k.unitClosed("alpha", c.Alpha)
		k.positive("eps", c.Eps)
		k.nonNegative("weight_decay", c.WeightDecay)
		k.nonNegative("momentum", c.Momentum)
	})
	if err != nil {
		return nil, err
	}
	o := &RMSprop{}
	o.core = newCore("RMSprop", cfg, newRMSpropRule(cfg))
	return o, nil
}

type rmspropRule struct {
	names             []string
	centered, useMom  bool
	iGradAvg, iMomBuf int
}

func newRMSpropRule(c Config) *rmspropRule {
	r := &rmspropRule{names: []string{"square_avg"}, centered: c.Centered, useMom: c.Momentum > 0}
	if r.useMom {
		r.iMomBuf = len(r.names)
		r.names = append(r.names, "momentum_buffer")
	}
	if r.centered {
		r.iGradAvg = len(r.names)
		r.names = append(r.names, "grad_avg")
	}
	return r
}

func (r *rmspropRule) bufNames() []string          { return r.names }
func (r *rmspropRule) scalarNames() []string       { return nil }
func (r *rmspropRule) initSlot(_ *Config, _ *slot) {}

func (r *rmspropRule) update(c *Config, s *slot, x, g []float64) {
	g = g[:len(x)]
	sq := s.bufs[0][:len(x)]
	alpha, a1, eps, lr, wd, mu := c.Alpha, 1-c.Alpha, c.Eps, c.LR, c.WeightDecay, c.Momentum
	var ga, buf []float64
	if r.centered {
		ga = s.bufs[r.iGradAvg][:len(x)]
	}
	if r.useMom {
		buf = s.bufs[r.iMomBuf][:len(x)]
	}
	for i := range x {
		gi := g[i]
		if wd != 0 {
			gi += wd * x[i]
		}
		sq[i] = sq[i]*alpha + a1*gi*gi
		var avg float64
		if r.centered {
			ga[i] = ga[i]*alpha + a1*gi
			avg = math.Sqrt(max(sq[i]+-1*ga[i]*ga[i], 0)) + eps
		} else {
			avg = math.Sqrt(sq[i]) + eps
		}
		if r.useMom {
			buf[i] = buf[i]*mu + gi/avg
			x[i] += -lr * buf[i]
		} else {
			x[i] += -lr * gi / avg
		}
	}
}

// Adadelta is torch.optim.Adadelta. Step k of a parameter x with gradient g:
//
//	g = g + weight_decay·x
//	v = ρ·v + (1−ρ)·g²
//	d = √(u + eps) / √(v + eps) · g
//	u = ρ·u + (1−ρ)·d²
//	x = x − lr·d
type Adadelta struct{ core }

// NewAdadelta returns Adadelta with learning rate lr (> 0; PyTorch default
// DefaultAdadeltaLR = 1). Options: Rho (0.9), Eps (1e-6), WeightDecay (0).
func NewAdadelta(lr float64, opts ...Option) (*Adadelta, error) {
	cfg := Config{LR: lr, Rho: 0.9, Eps: 1e-6}
	cfg, err := build("Adadelta", cfg, fRho|fEps|fWeightDecay, opts, func(k *checker, c *Config) {
		k.positive("lr", c.LR)
		k.unitClosed("rho", c.Rho)
		k.positive("eps", c.Eps)
		k.nonNegative("weight_decay", c.WeightDecay)
	})
	if err != nil {
		return nil, err
	}
	o := &Adadelta{}
	o.core = newCore("Adadelta", cfg, adadeltaRule{})
	return o, nil
}

type adadeltaRule struct{}

func (adadeltaRule) bufNames() []string          { return []string{"square_avg", "acc_delta"} }
func (adadeltaRule) scalarNames() []string       { return nil }
func (adadeltaRule) initSlot(_ *Config, _ *slot) {}

func (adadeltaRule) update(c *Config, s *slot, x, g []float64) {
	g = g[:len(x)]
	sq := s.bufs[0][:len(x)]
	acc := s.bufs[1][:len(x)]
	rho, r1, eps, lr, wd := c.Rho, 1-c.Rho, c.Eps, c.LR, c.WeightDecay
	for i := range x {
		gi := g[i]
		if wd != 0 {
			gi += wd * x[i]
		}
		sq[i] = sq[i]*rho + r1*gi*gi
		std := math.Sqrt(sq[i] + eps)
		d := math.Sqrt(acc[i]+eps) / std * gi
		acc[i] = acc[i]*rho + r1*d*d
		x[i] += -lr * d
	}
}
