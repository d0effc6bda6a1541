package constraints

import (
	"fmt"
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
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
	// index of the first offending element (for event constraints, an
	// element of the first offending event). A shape with fewer than
	// EventDim dimensions fails at index 0.
	Check(x []float64, shape []int) (ok bool, bad int)
}

// ---------------------------------------------------------------------------
// elementwise singletons

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
func (c *elementwise) String() string { return c.name }

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
	// SoftplusPositive is Pyro's softplus_positive: the positive reals,
	// with BijectTo giving the softplus transform instead of exp.
	SoftplusPositive Constraint = &elementwise{name: "softplus_positive", in: func(x float64) bool { return x > 0 }}
)

// ---------------------------------------------------------------------------
// bounds

// Bounded is an elementwise constraint Lower (<|≤) x (<|≤) Upper. Each bound
// is either a float (LowerV/UpperV invalid) or a tape value broadcast
// against the checked value from the right (a distribution's batch-shaped
// parameter, such as Uniform's low and high): Pyro's dependent
// constraints interval(low, high), greater_than(scale), …. Transforms built
// by transforms.BijectTo from tensor bounds are differentiable in them.
//
// Use the constructors; the value type can be embedded in a distribution
// object and returned by pointer from Support without allocating.
type Bounded struct {
	Lower, Upper         float64 // float bounds (±Inf: none)
	LowerV, UpperV       ad.V    // tensor bounds; when valid they replace Lower/Upper
	LowerOpen, UpperOpen bool    // strict inequality on that side
	Discrete             bool    // integers only
}

// HasLower reports whether the region is bounded below.
func (c *Bounded) HasLower() bool { return c.LowerV.Valid() || !math.IsInf(c.Lower, -1) }

// HasUpper reports whether the region is bounded above.
func (c *Bounded) HasUpper() bool { return c.UpperV.Valid() || !math.IsInf(c.Upper, 1) }

// IsDiscrete reports whether only integers are in the region.
func (c *Bounded) IsDiscrete() bool { return c.Discrete }

// EventDim is 0: bounds apply elementwise.
func (c *Bounded) EventDim() int { return 0 }

func boundString(f float64, v ad.V) string {
	if !v.Valid() {
		return fmt.Sprintf("%g", f)
	}
	if v.Size() == 1 {
		return fmt.Sprintf("%g", v.Data()[0])
	}
	return fmt.Sprintf("tensor%v", v.Shape())
}

// Name is PyTorch's name for the kind of region: greater_than,
// greater_than_eq, less_than, interval, half_open_interval,
// integer_interval, integer_greater_than_eq (and less_than_eq,
// open_interval for the combinations PyTorch does not name), with the
// bounds.
func (c *Bounded) Name() string {
	lo, hi := boundString(c.Lower, c.LowerV), boundString(c.Upper, c.UpperV)
	hasLo, hasHi := c.HasLower(), c.HasUpper()
	var kind string
	switch {
	case c.Discrete && hasLo && hasHi:
		kind = "integer_interval"
	case c.Discrete && hasLo:
		kind = "integer_greater_than_eq"
	case c.Discrete && hasHi:
		kind = "integer_less_than_eq"
	case c.Discrete:
		return "integer"
	case hasLo && hasHi && !c.LowerOpen && !c.UpperOpen:
		kind = "interval"
	case hasLo && hasHi && !c.LowerOpen:
		kind = "half_open_interval"
	case hasLo && hasHi:
		kind = "open_interval"
	case hasLo && c.LowerOpen:
		return "greater_than(lower_bound=" + lo + ")"
	case hasLo:
		return "greater_than_eq(lower_bound=" + lo + ")"
	case hasHi && c.UpperOpen:
		return "less_than(upper_bound=" + hi + ")"
	case hasHi:
		return "less_than_eq(upper_bound=" + hi + ")"
	default:
		return "real"
	}
	switch kind {
	case "integer_greater_than_eq":
		return kind + "(lower_bound=" + lo + ")"
	case "integer_less_than_eq":
		return kind + "(upper_bound=" + hi + ")"
	}
	return kind + "(lower_bound=" + lo + ", upper_bound=" + hi + ")"
}

func (c *Bounded) String() string { return c.Name() }

// Check reports whether every element lies within the bounds (tensor bounds
// broadcast against shape from the right). NaN is never inside.
func (c *Bounded) Check(x []float64, shape []int) (bool, int) {
	var lo, hi []float64
	var lb, hb bcast
	if c.LowerV.Valid() {
		lo = c.LowerV.Data()
		lb = newBcast(c.LowerV.Shape(), shape)
	}
	if c.UpperV.Valid() {
		hi = c.UpperV.Data()
		hb = newBcast(c.UpperV.Shape(), shape)
	}
	l, h := c.Lower, c.Upper
	for i, v := range x {
		if v != v || (c.Discrete && !isInt(v)) {
			return false, i
		}
		if lo != nil {
			l = lo[lb.index(i)]
		}
		if hi != nil {
			h = hi[hb.index(i)]
		}
		if v < l || (c.LowerOpen && v == l) || v > h || (c.UpperOpen && v == h) {
			return false, i
		}
	}
	return true, -1
}

// bcast maps flat indices of an array of shape out to the flat index of a
// (smaller) array of shape in broadcast to out from the right.
type bcast struct {
	n      int
	out    [ad.MaxDims]int
	stride [ad.MaxDims]int // stride of in along each out dimension (0: broadcast)
	size   int
}

func newBcast(in, out []int) bcast {
	var b bcast
	b.size = 1
	for _, d := range in {
		b.size *= d
	}
	if len(out) > ad.MaxDims {
		out = out[len(out)-ad.MaxDims:]
	}
	b.n = len(out)
	copy(b.out[:], out)
	s := 1
	for k := len(out) - 1; k >= 0; k-- {
		j := len(in) - (len(out) - k)
		if j >= 0 && in[j] != 1 {
			b.stride[k] = s
			s *= in[j]
		} else if j >= 0 {
			s *= in[j]
		}
	}
	return b
}

func (b *bcast) index(i int) int {
	if b.size == 1 {
		return 0
	}
	j := 0
	for k := b.n - 1; k >= 0 && i > 0; k-- {
		d := b.out[k]
		j += (i % d) * b.stride[k]
		i /= d
	}
	if j >= b.size { // shapes that do not broadcast: wrap (Check is advisory)
		j %= b.size
	}
	return j
}

// GreaterThan is the open half-line (lo, ∞).
func GreaterThan(lo float64) Constraint {
	return &Bounded{Lower: lo, Upper: math.Inf(1), LowerOpen: true}
}

// GreaterThanEq is the closed half-line [lo, ∞).
func GreaterThanEq(lo float64) Constraint {
	return &Bounded{Lower: lo, Upper: math.Inf(1)}
}

// LessThan is the open half-line (-∞, hi).
func LessThan(hi float64) Constraint {
	return &Bounded{Lower: math.Inf(-1), Upper: hi, UpperOpen: true}
}

// Interval is the closed interval [lo, hi] (PyTorch's interval).
func Interval(lo, hi float64) Constraint {
	return &Bounded{Lower: lo, Upper: hi}
}

// OpenInterval is (lo, hi).
func OpenInterval(lo, hi float64) Constraint {
	return &Bounded{Lower: lo, Upper: hi, LowerOpen: true, UpperOpen: true}
}

// HalfOpenInterval is [lo, hi).
func HalfOpenInterval(lo, hi float64) Constraint {
	return &Bounded{Lower: lo, Upper: hi, UpperOpen: true}
}

// IntegerInterval is the integers in [lo, hi].
func IntegerInterval(lo, hi int) Constraint {
	return &Bounded{Lower: float64(lo), Upper: float64(hi), Discrete: true}
}

// IntegerGreaterThanEq is the integers ≥ lo.
func IntegerGreaterThanEq(lo int) Constraint {
	return &Bounded{Lower: float64(lo), Upper: math.Inf(1), Discrete: true}
}

// Tensor-bounded forms: values to embed in a distribution object (return
// &d.support from Support). The bounds are read when Check or a transform
// runs, so they must stay valid (same tape run).

// GreaterThanV is (lo, ∞) with lo a tape value.
func GreaterThanV(lo ad.V) Bounded {
	return Bounded{LowerV: lo, Lower: math.Inf(-1), Upper: math.Inf(1), LowerOpen: true}
}

// GreaterThanEqV is [lo, ∞) with lo a tape value.
func GreaterThanEqV(lo ad.V) Bounded {
	return Bounded{LowerV: lo, Lower: math.Inf(-1), Upper: math.Inf(1)}
}

// LessThanV is (-∞, hi) with hi a tape value.
func LessThanV(hi ad.V) Bounded {
	return Bounded{UpperV: hi, Lower: math.Inf(-1), Upper: math.Inf(1), UpperOpen: true}
}

// IntervalV is [lo, hi] with tape-valued bounds (Uniform's support).
func IntervalV(lo, hi ad.V) Bounded {
	return Bounded{LowerV: lo, UpperV: hi, Lower: math.Inf(-1), Upper: math.Inf(1)}
}

// HalfOpenIntervalV is [lo, hi) with tape-valued bounds.
func HalfOpenIntervalV(lo, hi ad.V) Bounded {
	return Bounded{LowerV: lo, UpperV: hi, Lower: math.Inf(-1), Upper: math.Inf(1), UpperOpen: true}
}

// IntegerIntervalV is the integers in [lo, hi] with tape-valued bounds
// (Binomial's support {0, …, total_count}).
func IntegerIntervalV(lo, hi ad.V) Bounded {
	return Bounded{LowerV: lo, UpperV: hi, Lower: math.Inf(-1), Upper: math.Inf(1), Discrete: true}
}

// ---------------------------------------------------------------------------
// independent, multinomial, dependent

// IndependentConstraint is Base with its N rightmost batch dimensions
// reinterpreted as event dimensions (PyTorch's constraints.independent).
type IndependentConstraint struct {
	Base Constraint
	N    int
}

// Independent returns independent(base, n). It panics if n < 0.
func Independent(base Constraint, n int) Constraint {
	if n < 0 {
		panic(fmt.Sprintf("constraints: Independent: negative reinterpreted_batch_ndims %d", n))
	}
	return &IndependentConstraint{Base: base, N: n}
}

func (c *IndependentConstraint) Name() string {
	if c.N == 1 && c.Base == Real {
		return "real_vector"
	}
	return fmt.Sprintf("independent(%s, %d)", c.Base.Name(), c.N)
}
func (c *IndependentConstraint) IsDiscrete() bool { return c.Base.IsDiscrete() }
func (c *IndependentConstraint) EventDim() int    { return c.Base.EventDim() + c.N }
func (c *IndependentConstraint) String() string   { return c.Name() }
func (c *IndependentConstraint) Check(x []float64, shape []int) (bool, int) {
	if len(shape) < c.EventDim() {
		return false, 0
	}
	return c.Base.Check(x, shape)
}

// RealVector is independent(real, 1) (PyTorch's real_vector).
var RealVector Constraint = &IndependentConstraint{Base: Real, N: 1}

// MultinomialConstraint is PyTorch's multinomial(upper_bound): vectors of
// non-negative counts summing to at most UpperBound.
type MultinomialConstraint struct{ UpperBound float64 }

// Multinomial returns multinomial(upper_bound=n).
func Multinomial(n float64) Constraint { return &MultinomialConstraint{UpperBound: n} }

func (c *MultinomialConstraint) Name() string {
	return fmt.Sprintf("multinomial(upper_bound=%g)", c.UpperBound)
}
func (c *MultinomialConstraint) IsDiscrete() bool { return true }
func (c *MultinomialConstraint) EventDim() int    { return 1 }
func (c *MultinomialConstraint) String() string   { return c.Name() }
func (c *MultinomialConstraint) Check(x []float64, shape []int) (bool, int) {
	return eachEvent(x, shape, 1, func(e []float64, n int) int {
		s := 0.0
		for i, v := range e {
			if !(v >= 0) || !isInt(v) {
				return i
			}
			s += v
		}
		if s > c.UpperBound {
			return 0
		}
		return -1
	})
}

type dependent struct{}

func (dependent) Name() string     { return "dependent" }
func (dependent) IsDiscrete() bool { return false }
func (dependent) EventDim() int    { return 0 }

// Check always fails: a dependent constraint cannot be checked (PyTorch
// raises); validate against the distribution's own support instead.
func (dependent) Check(x []float64, _ []int) (bool, int) { return false, 0 }

// Dependent is PyTorch's constraints.dependent: a placeholder for a region
// that depends on other parameters. Its Check always fails and BijectTo
// rejects it.
var Dependent Constraint = dependent{}

// ---------------------------------------------------------------------------
// event constraints

type eventC struct {
	name     string
	discrete bool
	eventDim int
	square   bool // event is an n×n matrix
	check    func(e []float64, n int) int
}

func (c *eventC) Name() string     { return c.name }
func (c *eventC) IsDiscrete() bool { return c.discrete }
func (c *eventC) EventDim() int    { return c.eventDim }
func (c *eventC) String() string   { return c.name }
func (c *eventC) Check(x []float64, shape []int) (bool, int) {
	if c.square && len(shape) >= 2 && shape[len(shape)-1] != shape[len(shape)-2] {
		return false, 0
	}
	return eachEvent(x, shape, c.eventDim, c.check)
}

// eachEvent runs check on every event (the last eventDim dimensions); check
// gets the event data and its last dimension and returns the offending
// index within the event, or -1.
func eachEvent(x []float64, shape []int, eventDim int, check func(e []float64, n int) int) (bool, int) {
	if len(shape) < eventDim {
		return false, 0
	}
	size := 1
	for _, d := range shape[len(shape)-eventDim:] {
		size *= d
	}
	n := 0
	if eventDim > 0 {
		n = shape[len(shape)-1]
	}
	if size == 0 {
		return true, -1
	}
	for o := 0; o+size <= len(x); o += size {
		if j := check(x[o:o+size], n); j >= 0 {
			return false, o + j
		}
	}
	return true, -1
}

const float64Eps = 0x1p-52

// The event constraints (event dimension in brackets).
var (
	// Simplex [1]: non-negative entries summing to 1 within 1e-6 (as
	// PyTorch).
	Simplex Constraint = &eventC{name: "simplex", eventDim: 1, check: func(e []float64, _ int) int {
		s := 0.0
		for i, v := range e {
			if !(v >= 0) {
				return i
			}
			s += v
		}
		if !(math.Abs(s-1) < 1e-6) {
			return 0
		}
		return -1
	}}
	// OrderedVector [1]: strictly increasing entries (Pyro's
	// ordered_vector).
	OrderedVector Constraint = &eventC{name: "ordered_vector", eventDim: 1, check: func(e []float64, _ int) int {
		return checkOrdered(e, false)
	}}
	// PositiveOrderedVector [1]: strictly increasing positive entries.
	PositiveOrderedVector Constraint = &eventC{name: "positive_ordered_vector", eventDim: 1, check: func(e []float64, _ int) int {
		return checkOrdered(e, true)
	}}
	// Sphere [1]: unit Euclidean norm within 10·eps·√n (Pyro's sphere).
	Sphere Constraint = &eventC{name: "sphere", eventDim: 1, check: func(e []float64, n int) int {
		s := 0.0
		for _, v := range e {
			s += v * v
		}
		if !(math.Abs(math.Sqrt(s)-1) < 10*float64Eps*math.Sqrt(float64(max(n, 1)))) {
			return 0
		}
		return -1
	}}
	// OneHot [1]: 0/1 entries with exactly one 1.
	OneHot Constraint = &eventC{name: "one_hot", discrete: true, eventDim: 1, check: func(e []float64, _ int) int {
		ones := 0
		for i, v := range e {
			if v != 0 && v != 1 {
				return i
			}
			if v == 1 {
				ones++
			}
		}
		if ones != 1 {
			return 0
		}
		return -1
	}}
	// LowerTriangular [2]: square with zeros above the diagonal.
	LowerTriangular Constraint = &eventC{name: "lower_triangular", eventDim: 2, square: true, check: func(e []float64, n int) int {
		return checkLower(e, n, 0)
	}}
	// LowerCholesky [2]: lower triangular with a positive diagonal.
	LowerCholesky Constraint = &eventC{name: "lower_cholesky", eventDim: 2, square: true, check: func(e []float64, n int) int {
		return checkLower(e, n, 1)
	}}
	// UnitLowerCholesky [2]: lower triangular with a unit diagonal (Pyro).
	UnitLowerCholesky Constraint = &eventC{name: "unit_lower_cholesky", eventDim: 2, square: true, check: func(e []float64, n int) int {
		return checkLower(e, n, 2)
	}}
	// SoftplusLowerCholesky [2]: as LowerCholesky, with BijectTo giving
	// a softplus diagonal (Pyro's softplus_lower_cholesky).
	SoftplusLowerCholesky Constraint = &eventC{name: "softplus_lower_cholesky", eventDim: 2, square: true, check: func(e []float64, n int) int {
		return checkLower(e, n, 1)
	}}
	// CorrCholesky [2]: lower Cholesky factor of a correlation matrix: rows
	// of unit norm within 10·eps·n (as PyTorch).
	CorrCholesky Constraint = &eventC{name: "corr_cholesky", eventDim: 2, square: true, check: func(e []float64, n int) int {
		if j := checkLower(e, n, 1); j >= 0 {
			return j
		}
		tol := 10 * float64Eps * float64(n)
		for r := 0; r < n; r++ {
			s := 0.0
			for _, v := range e[r*n : r*n+r+1] {
				s += v * v
			}
			if !(math.Abs(math.Sqrt(s)-1) <= tol) {
				return r * n
			}
		}
		return -1
	}}
	// Square [2]: square matrices.
	Square Constraint = &eventC{name: "square", eventDim: 2, square: true, check: func(e []float64, n int) int {
		return -1
	}}
	// Symmetric [2]: square and equal to its transpose within atol 1e-6,
	// rtol 1e-5 (PyTorch's isclose defaults as used by symmetric).
	Symmetric Constraint = &eventC{name: "symmetric", eventDim: 2, square: true, check: checkSymmetric}
	// PositiveDefinite [2]: symmetric, and the Cholesky factorization
	// succeeds (as PyTorch).
	PositiveDefinite Constraint = &eventC{name: "positive_definite", eventDim: 2, square: true, check: func(e []float64, n int) int {
		if j := checkSymmetric(e, n); j >= 0 {
			return j
		}
		if !choleskyOK(e, n) {
			return 0
		}
		return -1
	}}
	// PositiveSemidefinite [2]: symmetric with non-negative eigenvalues.
	PositiveSemidefinite Constraint = &eventC{name: "positive_semidefinite", eventDim: 2, square: true, check: func(e []float64, n int) int {
		if j := checkSymmetric(e, n); j >= 0 {
			return j
		}
		if !eigenNonNegative(e, n) {
			return 0
		}
		return -1
	}}
	// CorrMatrix [2]: positive definite with a unit diagonal within 1e-6
	// (Pyro's corr_matrix).
	CorrMatrix Constraint = &eventC{name: "corr_matrix", eventDim: 2, square: true, check: func(e []float64, n int) int {
		for i := 0; i < n; i++ {
			if !(math.Abs(e[i*n+i]-1) < 1e-6) {
				return i*n + i
			}
		}
		if j := checkSymmetric(e, n); j >= 0 {
			return j
		}
		if !choleskyOK(e, n) {
			return 0
		}
		return -1
	}}
)

func checkOrdered(e []float64, positive bool) int {
	for i, v := range e {
		if v != v || (positive && !(v > 0)) {
			return i
		}
		if i > 0 && !(v > e[i-1]) {
			return i
		}
	}
	return -1
}

// checkLower checks lower triangularity and the diagonal: diag 0 = any
// (non-NaN), 1 = positive, 2 = exactly one.
func checkLower(e []float64, n, diag int) int {
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			v := e[r*n+c]
			switch {
			case c > r:
				if v != 0 {
					return r*n + c
				}
			case c == r:
				if (diag == 1 && !(v > 0)) || (diag == 2 && v != 1) || v != v {
					return r*n + c
				}
			default:
				if v != v || math.IsInf(v, 0) {
					return r*n + c
				}
			}
		}
	}
	return -1
}

func checkSymmetric(e []float64, n int) int {
	for r := 0; r < n; r++ {
		for c := 0; c < r; c++ {
			a, b := e[r*n+c], e[c*n+r]
			if !(math.Abs(a-b) <= 1e-6+1e-5*math.Abs(b)) {
				return r*n + c
			}
		}
		if e[r*n+r] != e[r*n+r] {
			return r*n + r
		}
	}
	return -1
}

// choleskyOK reports whether the lower Cholesky factorization of the
// symmetric matrix e (n×n) succeeds with a positive finite diagonal.
func choleskyOK(e []float64, n int) bool {
	l := make([]float64, n*n)
	for j := 0; j < n; j++ {
		d := e[j*n+j]
		for k := 0; k < j; k++ {
			d -= l[j*n+k] * l[j*n+k]
		}
		if !(d > 0) || math.IsInf(d, 1) {
			return false
		}
		d = math.Sqrt(d)
		l[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := e[i*n+j]
			for k := 0; k < j; k++ {
				s -= l[i*n+k] * l[j*n+k]
			}
			l[i*n+j] = s / d
		}
	}
	return true
}
