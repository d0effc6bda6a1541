package optim

import "math"

// Adagrad is torch.optim.Adagrad. Step k of a parameter x with gradient g:
//
//	g = g + weight_decay·x
//	s = s + g²                      (s starts at initial_accumulator_value)
//	x = x − (lr/(1+(k−1)·lr_decay))·g / (√s + eps)
type Adagrad struct{ core }

// NewAdagrad returns Adagrad with learning rate lr (> 0; PyTorch default
// DefaultAdagradLR = 1e-2). Options: LRDecay (0), WeightDecay (0),
// InitialAccumulatorValue (0), Eps (1e-10).
func NewAdagrad(lr float64, opts ...Option) (*Adagrad, error) {
	cfg := Config{LR: lr, Eps: 1e-10}
	cfg, err := build("Adagrad", cfg, fLRDecay|fWeightDecay|fInitAcc|fEps, opts, func(k *checker, c *Config) {
		k.positive("lr", c.LR)
		k.nonNegative("lr_decay", c.LRDecay)
		k.nonNegative("weight_decay", c.WeightDecay)
		k.nonNegative("initial_accumulator_value", c.InitAcc)
		k.positive("eps", c.Eps)
	})
	if err != nil {
		return nil, err
	}
	o := &Adagrad{}
	o.core = newCore("Adagrad", cfg, adagradRule{})
	return o, nil
}

type adagradRule struct{}

func (adagradRule) bufNames() []string    { return []string{"sum"} }
func (adagradRule) scalarNames() []string { return nil }
func (adagradRule) initSlot(c *Config, s *slot) {
	if c.InitAcc != 0 {
		for i := range s.bufs[0] {
			s.bufs[0][i] = c.InitAcc
		}
	}
}

func (adagradRule) update(c *Config, s *slot, x, g []float64) {
	g = g[:len(x)]
	sum := s.bufs[0][:len(x)]
	wd, eps := c.WeightDecay, c.Eps
	negClr := -(c.LR / (1 + float64(s.step-1)*c.LRDecay))
	for i := range x {
		gi := g[i]
		if wd != 0 {
			gi += wd * x[i]
		}
		sum[i] += gi * gi
		x[i] += negClr * gi / (math.Sqrt(sum[i]) + eps)
	}
}

// AdagradRMSProp is Pyro's pyro.optim.AdagradRMSProp, the step-size
// sequence of ADVI (Kucukelbir et al. 2017, eqs. 10–11). Step k of a
// parameter x with gradient g:
//
//	s = g²                    (k = 1)
//	s = (1−t)·s + t·g²        (k > 1)
//	x = x − eta·k^(−1/2+delta) · g / (1 + √s)
//
// Its LR and SetLR read and set eta.
type AdagradRMSProp struct{ core }

// NewAdagradRMSProp returns Pyro's AdagradRMSProp. Options: Eta (1),
// Delta (1e-16), T (0.1).
func NewAdagradRMSProp(opts ...Option) (*AdagradRMSProp, error) {
	cfg := Config{LR: 1, Delta: 1e-16, T: 0.1}
	cfg, err := build("AdagradRMSProp", cfg, fEta|fDelta|fT, opts, func(k *checker, c *Config) {
		k.positive("eta", c.LR)
		k.nonNegative("delta", c.Delta)
		k.unitClosed("t", c.T)
	})
	if err != nil {
		return nil, err
	}
	o := &AdagradRMSProp{}
	o.core = newCore("AdagradRMSProp", cfg, adagradRMSPropRule{})
	return o, nil
}

type adagradRMSPropRule struct{}

func (adagradRMSPropRule) bufNames() []string          { return []string{"sum"} }
func (adagradRMSPropRule) scalarNames() []string       { return nil }
func (adagradRMSPropRule) initSlot(_ *Config, _ *slot) {}

func (adagradRMSPropRule) update(c *Config, s *slot, x, g []float64) {
	g = g[:len(x)]
	sum := s.bufs[0][:len(x)]
	negLR := -(c.LR * math.Pow(float64(s.step), -0.5+c.Delta))
	if s.step == 1 {
		for i := range x {
			sum[i] = g[i] * g[i]
		}
	} else {
		keep, t := 1-c.T, c.T
		for i := range x {
			sum[i] = sum[i]*keep + t*g[i]*g[i]
		}
	}
	for i := range x {
		x[i] += negLR * g[i] / (1 + math.Sqrt(sum[i]))
	}
}
