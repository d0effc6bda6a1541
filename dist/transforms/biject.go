package transforms

import (
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/dist/constraints"
)

// Compositions built once (BijectTo returns them without allocating).
var (
	positiveOrdered  = Compose(Ordered, Exp)
	positiveDefinite = Compose(LowerCholesky, CholeskyOuter)
	corrMatrix       = Compose(CorrLCholesky, CorrCholeskyOuter)
	// independent wrappers of the elementwise singletons, for n = 1, 2, 3
	indepCache = map[Transform]*[3]Transform{}
)

func init() {
	for _, b := range []Transform{Identity, Exp, Sigmoid, Tanh, Softplus} {
		var a [3]Transform
		for n := 1; n <= 3; n++ {
			a[n-1] = Independent(b, n)
		}
		indepCache[b] = &a
	}
}

// BijectTo returns the bijection from unconstrained space onto c, as
// torch.distributions.biject_to (and Pyro's registrations for its own
// constraints):
//
//	real                          Identity
//	positive, nonnegative         Exp
//	softplus_positive             Softplus
//	unit_interval, interval(0, 1) Sigmoid
//	greater_than(lo), …_eq        y = lo + exp(x)         (Exp then Affine(lo, 1))
//	less_than(hi)                 y = hi - exp(x)         (Exp then Affine(hi, -1))
//	interval(lo, hi) and variants y = lo + (hi-lo)·σ(x)   (Sigmoid then Affine)
//	simplex                       StickBreaking           (R^K → K+1 simplex)
//	ordered_vector                Ordered
//	positive_ordered_vector       Compose(Ordered, Exp)
//	lower_cholesky                LowerCholesky           (n×n → n×n, PyTorch's)
//	softplus_lower_cholesky       SoftplusLowerCholesky
//	unit_lower_cholesky           UnitLowerCholesky
//	corr_cholesky                 CorrLCholesky           (n(n-1)/2 → n×n)
//	positive_definite             Compose(LowerCholesky, CholeskyOuter)
//	corr_matrix                   Compose(CorrLCholesky, CorrCholeskyOuter)
//	independent(c, n)             Independent(BijectTo(c), n)
//
// Tensor-bounded constraints (constraints.IntervalV, …) give transforms
// differentiable in the bounds, drawn from the bounds' tape pool; float
// bounds other than 0/1 allocate one small object per call (build those
// once, or use BijectToOn). Discrete, dependent and other constraints (sphere, symmetric, …)
// have no bijection and give an error naming the constraint.
func BijectTo(c constraints.Constraint) (Transform, error) {
	switch c {
	case nil:
		return nil, fmt.Errorf("transforms: BijectTo: nil constraint")
	case constraints.Real:
		return Identity, nil
	case constraints.Positive, constraints.NonNegative:
		return Exp, nil
	case constraints.SoftplusPositive:
		return Softplus, nil
	case constraints.UnitInterval:
		return Sigmoid, nil
	case constraints.Simplex:
		return StickBreaking, nil
	case constraints.OrderedVector:
		return Ordered, nil
	case constraints.PositiveOrderedVector:
		return positiveOrdered, nil
	case constraints.LowerCholesky:
		return LowerCholesky, nil
	case constraints.SoftplusLowerCholesky:
		return SoftplusLowerCholesky, nil
	case constraints.UnitLowerCholesky:
		return UnitLowerCholesky, nil
	case constraints.CorrCholesky:
		return CorrLCholesky, nil
	case constraints.PositiveDefinite:
		return positiveDefinite, nil
	case constraints.CorrMatrix:
		return corrMatrix, nil
	}
	switch b := c.(type) {
	case *constraints.Bounded:
		return bijectBounded(b)
	case *constraints.IndependentConstraint:
		base, err := BijectTo(b.Base)
		if err != nil {
			return nil, err
		}
		if b.N == 0 {
			return base, nil
		}
		if a, ok := indepCache[base]; ok && b.N <= 3 {
			return a[b.N-1], nil
		}
		return Independent(base, b.N), nil
	}
	if c.IsDiscrete() {
		return nil, fmt.Errorf("transforms: BijectTo: the discrete constraint %s has no bijection from the reals", c.Name())
	}
	return nil, fmt.Errorf("transforms: BijectTo: no bijection onto constraint %s", c.Name())
}

func bijectBounded(b *constraints.Bounded) (Transform, error) {
	tr, need, err := boundedSpecial(b)
	if err != nil || !need {
		return tr, err
	}
	if !b.LowerV.Valid() && !b.UpperV.Valid() {
		return &BoundedTransform{C: *b}, nil
	}
	t := b.LowerV.Tape()
	if !b.LowerV.Valid() {
		t = b.UpperV.Tape()
	} else if b.UpperV.Valid() && b.UpperV.Tape() != t {
		return nil, fmt.Errorf("transforms: BijectTo: the bounds of %s are on different tapes", b.Name())
	}
	bt := boundedPool.get(t)
	bt.C = *b
	return bt, nil
}

// boundedSpecial validates b and returns the transform when it needs no
// BoundedTransform object (need false): none for discrete or invalid
// bounds, Identity for no bounds, Sigmoid for interval(0, 1).
func boundedSpecial(b *constraints.Bounded) (tr Transform, need bool, err error) {
	if b.Discrete {
		return nil, false, fmt.Errorf("transforms: BijectTo: the discrete constraint %s has no bijection from the reals", b.Name())
	}
	hasLo, hasHi := b.HasLower(), b.HasUpper()
	if !hasLo && !hasHi {
		return Identity, false, nil
	}
	if !b.LowerV.Valid() && !b.UpperV.Valid() {
		if math.IsNaN(b.Lower) || math.IsNaN(b.Upper) || (hasLo && hasHi && !(b.Upper > b.Lower)) ||
			math.IsInf(b.Lower, 1) || math.IsInf(b.Upper, -1) {
			return nil, false, fmt.Errorf("transforms: BijectTo: invalid bounds in %s", b.Name())
		}
		if hasLo && hasHi && b.Lower == 0 && b.Upper == 1 {
			return Sigmoid, false, nil
		}
	}
	return nil, true, nil
}
