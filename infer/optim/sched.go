package optim

import (
	"fmt"
	"math"
)

// StepLR is torch.optim.lr_scheduler.StepLR: every StepSize calls of Step
// it multiplies the optimizer's learning rate by Gamma. Like PyTorch's
// chainable form it scales the current rate, so it composes with other
// schedulers and with SetLR calls. Call Step once per epoch, after the
// epoch's optimizer steps. Its exported fields are its whole state.
type StepLR struct {
	Opt       LRSetter
	StepSize  int
	Gamma     float64
	LastEpoch int // epochs stepped so far
}

// NewStepLR returns a StepLR over opt; stepSize must be ≥ 1 and gamma
// finite and > 0 (PyTorch's default gamma is 0.1).
func NewStepLR(opt LRSetter, stepSize int, gamma float64) (*StepLR, error) {
	if opt == nil {
		return nil, fmt.Errorf("optim: StepLR: nil optimizer")
	}
	if stepSize < 1 {
		return nil, fmt.Errorf("optim: StepLR: step_size must be ≥ 1, got %d", stepSize)
	}
	if !(gamma > 0) || math.IsInf(gamma, 0) {
		return nil, fmt.Errorf("optim: StepLR: gamma must be finite and > 0, got %v", gamma)
	}
	return &StepLR{Opt: opt, StepSize: stepSize, Gamma: gamma}, nil
}

// Step ends one epoch, decaying the learning rate when the epoch count is a
// multiple of StepSize. It fails only when the new rate is not a finite
// number > 0 (it underflowed or overflowed); the rate is then unchanged.
func (s *StepLR) Step() error {
	s.LastEpoch++
	if s.LastEpoch%s.StepSize != 0 {
		return nil
	}
	if err := s.Opt.SetLR(s.Opt.LR() * s.Gamma); err != nil {
		return fmt.Errorf("optim: StepLR: epoch %d: %w", s.LastEpoch, err)
	}
	return nil
}

// LastLR returns the optimizer's current learning rate.
func (s *StepLR) LastLR() float64 { return s.Opt.LR() }

// ExponentialLR is torch.optim.lr_scheduler.ExponentialLR: each call of
// Step multiplies the learning rate by Gamma. Its exported fields are its
// whole state.
type ExponentialLR struct {
	Opt       LRSetter
	Gamma     float64
	LastEpoch int
}

// NewExponentialLR returns an ExponentialLR over opt; gamma must be finite
// and > 0.
func NewExponentialLR(opt LRSetter, gamma float64) (*ExponentialLR, error) {
	if opt == nil {
		return nil, fmt.Errorf("optim: ExponentialLR: nil optimizer")
	}
	if !(gamma > 0) || math.IsInf(gamma, 0) {
		return nil, fmt.Errorf("optim: ExponentialLR: gamma must be finite and > 0, got %v", gamma)
	}
	return &ExponentialLR{Opt: opt, Gamma: gamma}, nil
}

// Step ends one epoch: lr = lr·Gamma. It fails only when the new rate is
// not a finite number > 0; the rate is then unchanged.
func (s *ExponentialLR) Step() error {
	s.LastEpoch++
	if err := s.Opt.SetLR(s.Opt.LR() * s.Gamma); err != nil {
		return fmt.Errorf("optim: ExponentialLR: epoch %d: %w", s.LastEpoch, err)
	}
	return nil
}

// LastLR returns the optimizer's current learning rate.
func (s *ExponentialLR) LastLR() float64 { return s.Opt.LR() }

// PlateauConfig configures ReduceLROnPlateau; start from
// DefaultPlateauConfig, whose values are PyTorch's defaults.
type PlateauConfig struct {
	Mode          string  // "min" (the metric should fall) or "max"
	Factor        float64 // new lr = lr·Factor, in (0, 1)
	Patience      int     // bad epochs tolerated before a reduction (≥ 0)
	Threshold     float64 // least change that counts as an improvement (≥ 0)
	ThresholdMode string  // "rel" or "abs"
	Cooldown      int     // epochs to wait after a reduction (≥ 0)
	MinLR         float64 // floor for the learning rate (≥ 0)
	Eps           float64 // reductions smaller than this are skipped (≥ 0)
}

// DefaultPlateauConfig returns PyTorch's defaults: mode "min", factor 0.1,
// patience 10, threshold 1e-4 relative, cooldown 0, min_lr 0, eps 1e-8.
func DefaultPlateauConfig() PlateauConfig {
	return PlateauConfig{Mode: "min", Factor: 0.1, Patience: 10, Threshold: 1e-4, ThresholdMode: "rel", Eps: 1e-8}
}

// ReduceLROnPlateau is torch.optim.lr_scheduler.ReduceLROnPlateau: it
// watches a metric (the loss, say) and multiplies the learning rate by
// Factor after more than Patience epochs without improvement, then waits
// Cooldown epochs before counting again. The exported fields besides Opt
// and Config are its state.
type ReduceLROnPlateau struct {
	Opt    LRSetter
	Config PlateauConfig

	Best            float64 // best metric so far (starts at +Inf for min, −Inf for max)
	NumBadEpochs    int
	CooldownCounter int
	LastEpoch       int
}

// NewReduceLROnPlateau returns a ReduceLROnPlateau over opt with cfg.
func NewReduceLROnPlateau(opt LRSetter, cfg PlateauConfig) (*ReduceLROnPlateau, error) {
	bad := func(format string, args ...any) (*ReduceLROnPlateau, error) {
		return nil, fmt.Errorf("optim: ReduceLROnPlateau: "+format, args...)
	}
	switch {
	case opt == nil:
		return bad("nil optimizer")
	case cfg.Mode != "min" && cfg.Mode != "max":
		return bad("mode %q is unknown; want \"min\" or \"max\"", cfg.Mode)
	case cfg.ThresholdMode != "rel" && cfg.ThresholdMode != "abs":
		return bad("threshold_mode %q is unknown; want \"rel\" or \"abs\"", cfg.ThresholdMode)
	case !(cfg.Factor > 0 && cfg.Factor < 1):
		return bad("factor must be in (0, 1), got %v", cfg.Factor)
	case cfg.Patience < 0:
		return bad("patience must be ≥ 0, got %d", cfg.Patience)
	case cfg.Cooldown < 0:
		return bad("cooldown must be ≥ 0, got %d", cfg.Cooldown)
	case !(cfg.Threshold >= 0) || math.IsInf(cfg.Threshold, 0):
		return bad("threshold must be finite and ≥ 0, got %v", cfg.Threshold)
	case !(cfg.MinLR >= 0) || math.IsInf(cfg.MinLR, 0):
		return bad("min_lr must be finite and ≥ 0, got %v", cfg.MinLR)
	case !(cfg.Eps >= 0) || math.IsInf(cfg.Eps, 0):
		return bad("eps must be finite and ≥ 0, got %v", cfg.Eps)
	}
	s := &ReduceLROnPlateau{Opt: opt, Config: cfg}
	s.Reset()
	return s, nil
}

// Reset forgets the best metric and the bad-epoch and cooldown counters.
func (s *ReduceLROnPlateau) Reset() {
	s.Best = math.Inf(1)
	if s.Config.Mode == "max" {
		s.Best = math.Inf(-1)
	}
	s.NumBadEpochs, s.CooldownCounter = 0, 0
}

func (s *ReduceLROnPlateau) isBetter(a float64) bool {
	c := &s.Config
	switch {
	case c.Mode == "min" && c.ThresholdMode == "rel":
		return a < s.Best*(1-c.Threshold)
	case c.Mode == "min":
		return a < s.Best-c.Threshold
	case c.ThresholdMode == "rel":
		return a > s.Best*(c.Threshold+1)
	default:
		return a > s.Best+c.Threshold
	}
}

// Step records the metric of one epoch and reduces the learning rate when
// it has not improved for more than Patience epochs, as PyTorch does. A NaN
// metric is an error and changes nothing. A reduction to a rate SetLR
// refuses (an underflow to 0) is an error that leaves the rate as it was.
func (s *ReduceLROnPlateau) Step(metric float64) error {
	if math.IsNaN(metric) {
		return fmt.Errorf("optim: ReduceLROnPlateau: epoch %d: metric is NaN", s.LastEpoch+1)
	}
	s.LastEpoch++
	if s.isBetter(metric) {
		s.Best = metric
		s.NumBadEpochs = 0
	} else {
		s.NumBadEpochs++
	}
	if s.CooldownCounter > 0 {
		s.CooldownCounter--
		s.NumBadEpochs = 0
	}
	if s.NumBadEpochs > s.Config.Patience {
		old := s.Opt.LR()
		lr := max(old*s.Config.Factor, s.Config.MinLR)
		if old-lr > s.Config.Eps {
			if err := s.Opt.SetLR(lr); err != nil {
				return fmt.Errorf("optim: ReduceLROnPlateau: epoch %d: %w", s.LastEpoch, err)
			}
		}
		s.CooldownCounter = s.Config.Cooldown
		s.NumBadEpochs = 0
	}
	return nil
}

// LastLR returns the optimizer's current learning rate.
func (s *ReduceLROnPlateau) LastLR() float64 { return s.Opt.LR() }
