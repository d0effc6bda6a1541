package dist

import (
	"math"

	"github.com/gyro-ppl/gyro/dist/constraints"
)

// Interim definitions used until the shared ones (constraints.Simplex, …,
// RNG.Gamma) land; each is unexported and prefixed so nothing collides.

type mvEventConstraint struct {
	name     string
	discrete bool
	eventDim int
	check    func(x []float64, shape []int) (bool, int)
}

func (c *mvEventConstraint) Name() string     { return c.name }
func (c *mvEventConstraint) IsDiscrete() bool { return c.discrete }
func (c *mvEventConstraint) EventDim() int    { return c.eventDim }
func (c *mvEventConstraint) Check(x []float64, shape []int) (bool, int) {
	return c.check(x, shape)
}

var mvSimplex constraints.Constraint = &mvEventConstraint{name: "simplex", eventDim: 1, check: func(x []float64, shape []int) (bool, int) {
	if len(shape) == 0 {
		return false, 0
	}
	k := shape[len(shape)-1]
	for r := 0; k > 0 && r < len(x)/k; r++ {
		s := 0.0
		for j, y := range x[r*k : (r+1)*k] {
			if !(y >= 0) {
				return false, r*k + j
			}
			s += y
		}
		if !(math.Abs(s-1) < 1e-6) {
			return false, r * k
		}
	}
	return true, -1
}}

// mvGamma draws a standard Gamma(alpha, 1) variate (Marsaglia–Tsang, with
// the alpha < 1 boost u^(1/alpha)).
func mvGamma(rng *RNG, alpha float64) float64 {
	boost := 1.0
	if alpha < 1 {
		// Gamma(a) = Gamma(a+1)·U^(1/a), in logs to survive tiny a
		boost = math.Exp(math.Log(rng.Float64()) / alpha)
		alpha++
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * boost
		}
	}
}

// mvDirichletDraw fills dst with a Dirichlet(alpha) draw. For tiny alphas,
// where every Gamma draw may underflow to 0, it works in log space.
func mvDirichletDraw(rng *RNG, dst, alpha []float64) {
	small := false
	for _, a := range alpha {
		if a < 0.1 {
			small = true
		}
	}
	if !small {
		s := 0.0
		for i, a := range alpha {
			dst[i] = mvGamma(rng, a)
			s += dst[i]
		}
		for i := range dst {
			dst[i] /= s
		}
		return
	}
	// log Gamma(a) = log Gamma(a+1) + log(U)/a
	m := math.Inf(-1)
	for i, a := range alpha {
		dst[i] = math.Log(mvGamma(rng, a+1)) + math.Log(rng.Float64())/a
		if dst[i] > m {
			m = dst[i]
		}
	}
	s := 0.0
	for i := range dst {
		dst[i] = math.Exp(dst[i] - m)
		s += dst[i]
	}
	for i := range dst {
		dst[i] /= s
	}
}
