package dist

import (
	"math"

	"github.com/gyro-ppl/gyro/dist/constraints"
)

// Interim definitions used until the shared ones (constraints.Simplex, …)
// land; each is unexported and prefixed so nothing collides.

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
