package mcmc

import (
	"errors"
	"fmt"
)

// Chain is one Markov chain advanced one iteration at a time, for callers
// that want to store, transform or stream draws themselves (Sample and
// SampleChains are built on the same machinery and give the same draws).
// A Chain is not safe for concurrent use; run chains in separate
// goroutines, each with its own Chain and Potential.
type Chain struct {
	c *chain
}

// NewChain prepares chain number index (which selects its random stream,
// as in SampleChains) of the run described by opts, starting from init.
// Options.NumSamples is not used and may be zero; Options.NumWarmup sets how
// many of the first Step calls are warm-up iterations. It evaluates the
// potential at init (see Options.InitRetries).
func NewChain(pot Potential, init []float64, opts Options, index int) (ch *Chain, err error) {
	if pot == nil {
		return nil, errors.New("mcmc: nil potential")
	}
	if index < 0 {
		return nil, fmt.Errorf("mcmc: chain index %d is negative", index)
	}
	if opts.NumSamples == 0 {
		opts.NumSamples = 1
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			ch, err = nil, panicError(r)
		}
	}()
	c, err := newChain(pot, init, o, index)
	if err != nil {
		return nil, err
	}
	return &Chain{c: c}, nil
}

// Step runs the next iteration: one of the NumWarmup warm-up iterations
// (adapting step size and mass matrix) while any remain, a post-warm-up
// transition afterwards; warmup reports which. A panic in the potential is
// recovered and returned. After warm-up, Step allocates nothing.
func (ch *Chain) Step() (st Stats, warmup bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r)
		}
	}()
	return ch.c.step()
}

// InWarmup reports whether the next Step is a warm-up iteration.
func (ch *Chain) InWarmup() bool { return ch.c.iter < ch.c.opt.NumWarmup }

// Position is the chain's current state (a view: copy it to keep it; it
// changes with the next Step).
func (ch *Chain) Position() []float64 { return ch.c.cur.q }

// Potential is U at the current position.
func (ch *Chain) Potential() float64 { return ch.c.cur.u }

// StepSize is the step size the next transition uses (after warm-up, the
// adapted one).
func (ch *Chain) StepSize() float64 { return ch.c.eps }

// InvMass copies the current inverse mass matrix into dst (grown as
// needed: dim entries, or dim*dim when dense) and returns it.
func (ch *Chain) InvMass(dst []float64) []float64 { return append(dst[:0], ch.c.h.m.inv...) }

// NumGradients counts potential evaluations so far.
func (ch *Chain) NumGradients() int64 { return ch.c.h.nGrad }
