// Package constraints describes the supports of distributions and the
// domains of their parameters, with Pyro's (PyTorch's) constraint names.
// Package transforms maps each constraint to a bijection from unconstrained
// space (BijectTo).
package constraints

import (
	"fmt"
	"math"
)

// Constraint is a region of values: a distribution's support or a
// parameter's domain.
type Constraint interface {
	// Name is Pyro's spelling: "real", "positive", "interval(0, 1)", …
	Name() string
	// IsDiscrete reports whether the region is a set of integers/booleans.
	IsDiscrete() bool
	// EventDim is how many rightmost dimensions one point of the region
	// spans (0 for elementwise constraints, 1 for simplex, 2 for
	// lower_cholesky).
	EventDim() int
	// Check reports whether every event of x (row-major data with the
	// given shape) lies in the region; on failure it also returns the flat
	// index of the first offending element.
	Check(x []float64, shape []int) (ok bool, bad int)
}

type elementwise struct {
	name     string
	discrete bool
	in       func(x float64) bool
}

func (c *elementwise) Name() string     { return c.name }
func (c *elementwise) IsDiscrete() bool { return c.discrete }
func (c *elementwise) EventDim() int    { return 0 }
func (c *elementwise) Check(x []float64, _ []int) (bool, int) {
	for i, v := range x {
		if !c.in(v) {
			return false, i
		}
	}
	return true, -1
}

func isInt(x float64) bool { return x == math.Trunc(x) && !math.IsInf(x, 0) }

// The elementwise constraints.
var (
	Real               Constraint = &elementwise{name: "real", in: func(x float64) bool { return !math.IsNaN(x) }}
	Positive           Constraint = &elementwise{name: "positive", in: func(x float64) bool { return x > 0 }}
	NonNegative        Constraint = &elementwise{name: "nonnegative", in: func(x float64) bool { return x >= 0 }}
	UnitInterval       Constraint = &elementwise{name: "unit_interval", in: func(x float64) bool { return x >= 0 && x <= 1 }}
	Boolean            Constraint = &elementwise{name: "boolean", discrete: true, in: func(x float64) bool { return x == 0 || x == 1 }}
	NonNegativeInteger Constraint = &elementwise{name: "nonnegative_integer", discrete: true, in: func(x float64) bool { return x >= 0 && isInt(x) }}
	PositiveInteger    Constraint = &elementwise{name: "positive_integer", discrete: true, in: func(x float64) bool { return x >= 1 && isInt(x) }}
	Integer            Constraint = &elementwise{name: "integer", discrete: true, in: isInt}
)

// GreaterThan is the open half-line (lo, ∞).
func GreaterThan(lo float64) Constraint {
	return &elementwise{name: fmt.Sprintf("greater_than(lower_bound=%g)", lo), in: func(x float64) bool { return x > lo }}
}

// GreaterThanEq is the closed half-line [lo, ∞).
func GreaterThanEq(lo float64) Constraint {
	return &elementwise{name: fmt.Sprintf("greater_than_eq(lower_bound=%g)", lo), in: func(x float64) bool { return x >= lo }}
}

// LessThan is the open half-line (-∞, hi).
func LessThan(hi float64) Constraint {
	return &elementwise{name: fmt.Sprintf("less_than(upper_bound=%g)", hi), in: func(x float64) bool { return x < hi }}
}

// Interval is the closed interval [lo, hi] (PyTorch's interval).
func Interval(lo, hi float64) Constraint {
	return &elementwise{name: fmt.Sprintf("interval(lower_bound=%g, upper_bound=%g)", lo, hi), in: func(x float64) bool { return x >= lo && x <= hi }}
}

// HalfOpenInterval is [lo, hi).
func HalfOpenInterval(lo, hi float64) Constraint {
	return &elementwise{name: fmt.Sprintf("half_open_interval(lower_bound=%g, upper_bound=%g)", lo, hi), in: func(x float64) bool { return x >= lo && x < hi }}
}

// IntegerInterval is the integers in [lo, hi].
func IntegerInterval(lo, hi int) Constraint {
	return &elementwise{name: fmt.Sprintf("integer_interval(lower_bound=%d, upper_bound=%d)", lo, hi), discrete: true,
		in: func(x float64) bool { return isInt(x) && x >= float64(lo) && x <= float64(hi) }}
}

// IntegerGreaterThanEq is the integers ≥ lo.
func IntegerGreaterThanEq(lo int) Constraint {
	return &elementwise{name: fmt.Sprintf("integer_greater_than_eq(lower_bound=%d)", lo), discrete: true,
		in: func(x float64) bool { return isInt(x) && x >= float64(lo) }}
}
