package dist

import "math/rand/v2"

// RNG is gyro's random number generator: seedable and splittable, one per
// chain or goroutine (never a global). It is not safe for concurrent use.
type RNG struct {
	src rand.PCG
	r   *rand.Rand
}

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG {
	g := &RNG{}
	g.src.Seed(seed, seed^0x9e3779b97f4a7c15)
	g.r = rand.New(&g.src)
	return g
}

// Split returns a new generator whose stream is independent of g's (seeded
// from g's next outputs), for giving each chain its own stream.
func (g *RNG) Split() *RNG {
	a, b := g.r.Uint64(), g.r.Uint64()
	h := &RNG{}
	h.src.Seed(a, b)
	h.r = rand.New(&h.src)
	return h
}

// Uint64 returns a uniformly random 64-bit value.
func (g *RNG) Uint64() uint64 { return g.r.Uint64() }

// Float64 returns a uniform value in [0, 1).
func (g *RNG) Float64() float64 { return g.r.Float64() }

// NormFloat64 returns a standard normal value (ziggurat).
func (g *RNG) NormFloat64() float64 { return g.r.NormFloat64() }

// ExpFloat64 returns a standard exponential value (ziggurat).
func (g *RNG) ExpFloat64() float64 { return g.r.ExpFloat64() }

// IntN returns a uniform integer in [0, n).
func (g *RNG) IntN(n int) int { return g.r.IntN(n) }
