package optim

import (
	"fmt"
	"math"
	"strings"
)

// Config holds the hyperparameters of every optimizer in this package; each
// optimizer reads only its own fields (listed with its constructor) and the
// others stay zero. Field names follow PyTorch's and Pyro's argument names.
type Config struct {
	LR          float64 `json:"lr"`           // learning rate (AdagradRMSProp: eta)
	Beta1       float64 `json:"beta1"`        // Adam family: betas[0]
	Beta2       float64 `json:"beta2"`        // Adam family: betas[1]
	Eps         float64 `json:"eps"`          // denominator guard
	WeightDecay float64 `json:"weight_decay"` // L2 penalty (AdamW: decoupled decay)
	AMSGrad     bool    `json:"amsgrad"`      // Adam, AdamW
	Momentum    float64 `json:"momentum"`     // SGD, RMSprop
	Dampening   float64 `json:"dampening"`    // SGD
	Nesterov    bool    `json:"nesterov"`     // SGD
	ClipNorm    float64 `json:"clip_norm"`    // ClippedAdam: elementwise gradient clamp
	LRD         float64 `json:"lrd"`          // ClippedAdam: learning-rate decay per step
	LRDecay     float64 `json:"lr_decay"`     // Adagrad
	InitAcc     float64 `json:"initial_accumulator_value"`
	Alpha       float64 `json:"alpha"`    // RMSprop smoothing constant
	Centered    bool    `json:"centered"` // RMSprop
	Rho         float64 `json:"rho"`      // Adadelta
	Delta       float64 `json:"delta"`    // AdagradRMSProp exponent offset
	T           float64 `json:"t"`        // AdagradRMSProp mixing weight
}

// Default hyperparameters (PyTorch 1.13 and Pyro). SGD has no default
// learning rate in PyTorch 1.13 and none here.
const (
	DefaultAdamLR           = 1e-3
	DefaultAdamWLR          = 1e-3
	DefaultClippedAdamLR    = 1e-3
	DefaultAdagradLR        = 1e-2
	DefaultRMSpropLR        = 1e-2
	DefaultAdadeltaLR       = 1.0
	DefaultAdamWWeightDecay = 1e-2
	DefaultClipNorm         = 10.0
)

// field identifies an option, so a constructor can reject the ones that do
// not apply to it.
type field uint32

const (
	fBetas field = 1 << iota
	fEps
	fWeightDecay
	fAMSGrad
	fMomentum
	fDampening
	fNesterov
	fClipNorm
	fLRD
	fLRDecay
	fInitAcc
	fAlpha
	fCentered
	fRho
	fEta
	fDelta
	fT
)

var fieldNames = map[field]string{
	fBetas: "Betas", fEps: "Eps", fWeightDecay: "WeightDecay", fAMSGrad: "AMSGrad",
	fMomentum: "Momentum", fDampening: "Dampening", fNesterov: "Nesterov",
	fClipNorm: "ClipNorm", fLRD: "LRD", fLRDecay: "LRDecay", fInitAcc: "InitialAccumulatorValue",
	fAlpha: "Alpha", fCentered: "Centered", fRho: "Rho", fEta: "Eta", fDelta: "Delta", fT: "T",
}

// Option sets one hyperparameter. Passing an option that the optimizer does
// not have (Betas to SGD, say) is an error at construction.
type Option struct {
	f   field
	set func(*Config)
}

// Betas sets Adam's, AdamW's and ClippedAdam's moment decay rates (PyTorch
// default 0.9, 0.999); each must lie in [0, 1).
func Betas(beta1, beta2 float64) Option {
	return Option{fBetas, func(c *Config) { c.Beta1, c.Beta2 = beta1, beta2 }}
}

// Eps sets the term that keeps denominators away from zero; it must be > 0.
func Eps(eps float64) Option { return Option{fEps, func(c *Config) { c.Eps = eps }} }

// WeightDecay sets the L2 penalty added to the gradient (AdamW: the
// decoupled decay rate); it must be ≥ 0.
func WeightDecay(wd float64) Option {
	return Option{fWeightDecay, func(c *Config) { c.WeightDecay = wd }}
}

// AMSGrad turns on the AMSGrad variant of Adam and AdamW.
func AMSGrad(on bool) Option { return Option{fAMSGrad, func(c *Config) { c.AMSGrad = on }} }

// Momentum sets SGD's or RMSprop's momentum factor (≥ 0).
func Momentum(m float64) Option { return Option{fMomentum, func(c *Config) { c.Momentum = m }} }

// Dampening sets SGD's dampening of momentum, in [0, 1].
func Dampening(d float64) Option { return Option{fDampening, func(c *Config) { c.Dampening = d }} }

// Nesterov turns on Nesterov momentum in SGD (needs momentum > 0 and zero
// dampening).
func Nesterov(on bool) Option { return Option{fNesterov, func(c *Config) { c.Nesterov = on }} }

// ClipNorm sets ClippedAdam's clip_norm (> 0): each gradient entry is
// clamped to [−clip_norm, clip_norm] before the update.
func ClipNorm(c float64) Option { return Option{fClipNorm, func(k *Config) { k.ClipNorm = c }} }

// LRD sets ClippedAdam's learning-rate decay (> 0): the learning rate of a
// parameter is multiplied by lrd on every step it takes, before the update.
func LRD(lrd float64) Option { return Option{fLRD, func(c *Config) { c.LRD = lrd }} }

// LRDecay sets Adagrad's lr_decay (≥ 0): step k uses lr / (1 + (k−1)·lr_decay).
func LRDecay(d float64) Option { return Option{fLRDecay, func(c *Config) { c.LRDecay = d }} }

// InitialAccumulatorValue sets Adagrad's starting sum of squared gradients (≥ 0).
func InitialAccumulatorValue(v float64) Option {
	return Option{fInitAcc, func(c *Config) { c.InitAcc = v }}
}

// Alpha sets RMSprop's smoothing constant, in [0, 1].
func Alpha(a float64) Option { return Option{fAlpha, func(c *Config) { c.Alpha = a }} }

// Centered turns on centred RMSprop (the gradient's running variance, not
// its running second moment, normalizes the step).
func Centered(on bool) Option { return Option{fCentered, func(c *Config) { c.Centered = on }} }

// Rho sets Adadelta's decay rate, in [0, 1].
func Rho(r float64) Option { return Option{fRho, func(c *Config) { c.Rho = r }} }

// Eta sets AdagradRMSProp's step-size scale (> 0; Pyro default 1).
func Eta(eta float64) Option { return Option{fEta, func(c *Config) { c.LR = eta }} }

// Delta sets AdagradRMSProp's exponent offset (≥ 0; Pyro default 1e-16):
// step k uses eta·k^(−1/2+delta).
func Delta(d float64) Option { return Option{fDelta, func(c *Config) { c.Delta = d }} }

// T sets AdagradRMSProp's mixing weight t, in [0, 1] (Pyro default 0.1;
// Pyro's docs call it a momentum parameter).
func T(t float64) Option { return Option{fT, func(c *Config) { c.T = t }} }

// build applies opts to cfg, rejecting options outside allowed, and runs the
// optimizer's argument checks.
func build(name string, cfg Config, allowed field, opts []Option, checks func(*checker, *Config)) (Config, error) {
	for _, o := range opts {
		if o.set == nil {
			return cfg, fmt.Errorf("optim: %s: zero Option", name)
		}
		if o.f&allowed == 0 {
			var have []string
			for f := field(1); f != 0 && f <= fT; f <<= 1 {
				if f&allowed != 0 {
					have = append(have, fieldNames[f])
				}
			}
			return cfg, fmt.Errorf("optim: %s: option %s does not apply (its options: %s)", name, fieldNames[o.f], strings.Join(have, ", "))
		}
		o.set(&cfg)
	}
	ck := &checker{name: name}
	checks(ck, &cfg)
	return cfg, ck.err
}

// checker collects the first invalid argument.
type checker struct {
	name string
	err  error
}

func (k *checker) fail(arg string, v float64, want string) {
	if k.err == nil {
		k.err = fmt.Errorf("optim: %s: invalid %s %v: must be %s", k.name, arg, v, want)
	}
}

func (k *checker) positive(arg string, v float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		k.fail(arg, v, "finite and > 0")
	}
}

func (k *checker) nonNegative(arg string, v float64) {
	if !(v >= 0) || math.IsInf(v, 0) {
		k.fail(arg, v, "finite and ≥ 0")
	}
}

func (k *checker) unitClosed(arg string, v float64) {
	if !(v >= 0 && v <= 1) {
		k.fail(arg, v, "in [0, 1]")
	}
}

func (k *checker) unitHalfOpen(arg string, v float64) {
	if !(v >= 0 && v < 1) {
		k.fail(arg, v, "in [0, 1)")
	}
}

func errorf(name, format string, args ...any) error {
	return fmt.Errorf("optim: %s: "+format, append([]any{name}, args...)...)
}
