package dist

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// Distribution is a batch of probability distributions with Pyro's (PyTorch's)
// shape semantics: a value has shape sample_shape + batch_shape +
// event_shape; LogProb reduces the event dimensions and returns
// sample_shape + batch_shape.
//
// Parameters and results are values on an autodiff tape (the tape of the
// parameters), so log densities and reparameterized samples are
// differentiable in every parameter. Distribution objects made in a model
// come from per-tape arenas and are valid until the tape is Reset: keep
// them no longer than one run of the model.
//
// Invalid parameters or values panic with *Error (the model-facing API has
// no error returns); every gyro inference entry point recovers it and
// returns it. Outside models, New and LogProbOf return errors instead.
type Distribution interface {
	// Name is the Pyro class name ("Normal", "Bernoulli", …).
	Name() string
	// Tape is the tape the parameters live on.
	Tape() *ad.Tape
	// BatchShape and EventShape alias internal storage: do not modify.
	BatchShape() []int
	EventShape() []int
	// LogProb is the log density (or mass) of value, differentiable in value
	// and in the parameters. value must be recorded on Tape().
	LogProb(value ad.V) ad.V
	// Sample draws values of shape sampleShape + batch + event, recorded as a
	// constant (no gradient) on Tape().
	Sample(rng *RNG, sampleShape ...int) ad.V
	// HasRSample reports whether RSample is available.
	HasRSample() bool
	// RSample draws a reparameterized sample: a value whose gradient flows
	// to the parameters (pathwise). It panics with *Error when HasRSample is
	// false.
	RSample(rng *RNG, sampleShape ...int) ad.V
	// Support is the set of values LogProb accepts.
	Support() constraints.Constraint
	// Mean and Variance are batch+event shaped; NaN or +Inf where undefined
	// (as PyTorch).
	Mean() ad.V
	Variance() ad.V
	// Expand returns the distribution with its parameters broadcast to
	// batchShape (Pyro's expand).
	Expand(batchShape ...int) Distribution
}

// Entropier is implemented by distributions with a closed-form entropy.
type Entropier interface {
	Entropy() ad.V
}

// Enumerable is implemented by finite discrete distributions.
type Enumerable interface {
	// EnumerateSupport returns every value of the support along a new
	// leftmost dimension: shape (n,) + (1,)*len(batch) + event when expand is
	// false, (n,) + batch + event when true (as Pyro).
	EnumerateSupport(expand bool) ad.V
}

// Error is the error distributions panic with (in models) or return (from
// New, LogProbOf): it names the distribution, the parameter or value, and
// what was wrong.
type Error struct {
	Dist  string // "Normal"
	Param string // "scale", or "value"
	Msg   string
}

func (e *Error) Error() string {
	if e.Param == "" {
		return "dist: " + e.Dist + ": " + e.Msg
	}
	return "dist: " + e.Dist + ": " + e.Param + ": " + e.Msg
}

// Fail panics with *Error. Implementations of Distribution call it on invalid
// parameters or values; the message should include the offending value.
func Fail(dist, param, format string, args ...any) {
	panic(&Error{Dist: dist, Param: param, Msg: fmt.Sprintf(format, args...)})
}

// ---------------------------------------------------------------------------
// per-tape arenas

// Pool hands out objects of type T from per-tape slabs, so that constructing
// distributions in a model allocates nothing once the tape has warmed up.
// Every Pool is created at package initialization with NewPool; Get
// returns a zeroed *T valid until the tape is Reset.
type Pool[T any] struct{ slot int }

// NewPool reserves a tape slot for objects of type T. Call it from package
// initialization (a package-level var).
func NewPool[T any]() Pool[T] { return Pool[T]{slot: ad.NewSlot()} }

const slabSize = 64

type slab[T any] struct {
	chunks [][]T
	n      int
}

func (s *slab[T]) Reset() { s.n = 0 }

// Get returns a zeroed *T owned by tape t until t.Reset.
func (p Pool[T]) Get(t *ad.Tape) *T {
	x := p.GetRaw(t)
	var zero T
	*x = zero
	return x
}

// GetRaw is Get without zeroing: the object holds whatever the previous
// run left in it. Constructors that set every field use it to avoid
// clearing large inline arrays on the hot path.
func (p Pool[T]) GetRaw(t *ad.Tape) *T {
	sp := t.Slot(p.slot)
	s, _ := (*sp).(*slab[T])
	if s == nil {
		s = &slab[T]{}
		*sp = s
	}
	c, i := s.n/slabSize, s.n%slabSize
	if c == len(s.chunks) {
		s.chunks = append(s.chunks, make([]T, slabSize))
	}
	s.n++
	return &s.chunks[c][i]
}

// ---------------------------------------------------------------------------
// shape helpers shared by implementations

// Shape is a small fixed-capacity shape stored inline in distribution
// objects (no allocation).
type Shape struct {
	n int
	d [ad.MaxDims]int
}

// MakeShape copies s.
func MakeShape(s []int) Shape {
	var r Shape
	if len(s) > ad.MaxDims {
		Fail("", "shape", "shape %v has more than %d dimensions", append([]int(nil), s...), ad.MaxDims)
	}
	r.n = copy(r.d[:], s)
	return r
}

// Slice returns the shape as a slice aliasing sh.
func (sh *Shape) Slice() []int { return sh.d[:sh.n] }

// Len is the number of dimensions.
func (sh *Shape) Len() int { return sh.n }

// BroadcastShapes returns the NumPy broadcast of the shapes, panicking with
// *Error naming dist and the shapes when they are incompatible.
func BroadcastShapes(dist string, shapes ...[]int) Shape {
	var r Shape
	scalars := true
	for _, s := range shapes {
		if len(s) != 0 {
			scalars = false
			break
		}
	}
	if scalars {
		return r
	}
	for _, s := range shapes {
		n := r.n
		if len(s) > n {
			n = len(s)
		}
		if n > ad.MaxDims {
			Fail(dist, "", "shapes have more than %d dimensions", ad.MaxDims)
		}
		var out [ad.MaxDims]int
		for i := 0; i < n; i++ {
			a, b := 1, 1
			if j := r.n - n + i; j >= 0 {
				a = r.d[j]
			}
			if j := len(s) - n + i; j >= 0 {
				b = s[j]
			}
			switch {
			case a == b || b == 1:
				out[i] = a
			case a == 1:
				out[i] = b
			default:
				Fail(dist, "", "parameter shapes %v cannot be broadcast together", cloneShapes(shapes))
			}
		}
		r.n = n
		r.d = out
	}
	return r
}

func cloneShapes(shapes [][]int) [][]int {
	out := make([][]int, len(shapes))
	for i, s := range shapes {
		out[i] = append([]int(nil), s...)
	}
	return out
}
