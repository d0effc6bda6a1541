package constraints

import (
	"math"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

type ccase struct {
	c     Constraint
	shape []int
	x     []float64
	ok    bool
	bad   int
}

func TestConstraintChecks(t *testing.T) {
	inf := math.Inf(1)
	nan := math.NaN()
	cases := []ccase{
		{Real, []int{2}, []float64{1, -inf}, true, -1},
		{Real, []int{2}, []float64{1, nan}, false, 1},
		{Positive, []int{3}, []float64{1, 2, 0}, false, 2},
		{NonNegative, []int{2}, []float64{0, 2}, true, -1},
		{UnitInterval, []int{2}, []float64{0, 1.0000001}, false, 1},
		{Boolean, []int{2}, []float64{0, 0.5}, false, 1},
		{NonNegativeInteger, []int{2}, []float64{3, -1}, false, 1},
		{PositiveInteger, []int{2}, []float64{1, 0}, false, 1},
		{Integer, []int{2}, []float64{-3, inf}, false, 1},
		{GreaterThan(1), []int{2}, []float64{2, 1}, false, 1},
		{GreaterThanEq(1), []int{2}, []float64{2, 1}, true, -1},
		{LessThan(1), []int{2}, []float64{0, 1}, false, 1},
		{Interval(0, 2), []int{3}, []float64{0, 2, 2.5}, false, 2},
		{OpenInterval(0, 2), []int{2}, []float64{1, 0}, false, 1},
		{HalfOpenInterval(0, 2), []int{2}, []float64{0, 2}, false, 1},
		{IntegerInterval(0, 3), []int{3}, []float64{0, 3, 1.5}, false, 2},
		{IntegerGreaterThanEq(2), []int{2}, []float64{2, 1}, false, 1},
		{Simplex, []int{2, 3}, []float64{0.2, 0.3, 0.5, 0.5, 0.5, 0}, true, -1},
		{Simplex, []int{2, 3}, []float64{0.2, 0.3, 0.5, 0.5, 0.5, 1e-5}, false, 3},
		{Simplex, []int{2}, []float64{1.5, -0.5}, false, 1},
		{Simplex, nil, []float64{1}, false, 0},
		{OrderedVector, []int{2, 3}, []float64{-1, 0, 2, 1, 1, 2}, false, 4},
		{PositiveOrderedVector, []int{3}, []float64{-1, 0, 2}, false, 0},
		{PositiveOrderedVector, []int{3}, []float64{0.1, 0.2, 2}, true, -1},
		{RealVector, []int{3}, []float64{0, 1, 2}, true, -1},
		{RealVector, nil, []float64{0}, false, 0},
		{Sphere, []int{2}, []float64{0.6, 0.8}, true, -1},
		{Sphere, []int{2}, []float64{0.6, 0.8001}, false, 0},
		{OneHot, []int{3}, []float64{0, 1, 0}, true, -1},
		{OneHot, []int{3}, []float64{1, 1, 0}, false, 0},
		{LowerCholesky, []int{2, 2}, []float64{1, 0, -3, 2}, true, -1},
		{LowerCholesky, []int{2, 2}, []float64{1, 1e-300, -3, 2}, false, 1},
		{LowerCholesky, []int{2, 2}, []float64{1, 0, -3, 0}, false, 3},
		{LowerCholesky, []int{2, 3}, []float64{1, 0, 0, 1, 1, 0}, false, 0},
		{UnitLowerCholesky, []int{2, 2}, []float64{1, 0, 5, 1}, true, -1},
		{UnitLowerCholesky, []int{2, 2}, []float64{1, 0, 5, 2}, false, 3},
		{LowerTriangular, []int{2, 2}, []float64{-1, 0, 5, 0}, true, -1},
		{CorrCholesky, []int{2, 2}, []float64{1, 0, 0.6, 0.8}, true, -1},
		{CorrCholesky, []int{2, 2}, []float64{1, 0, 0.6, 0.81}, false, 2},
		{Symmetric, []int{2, 2}, []float64{1, 2, 2 + 1e-7, 1}, true, -1},
		{Symmetric, []int{2, 2}, []float64{1, 2, 2.1, 1}, false, 2},
		{PositiveDefinite, []int{2, 2}, []float64{2, 1, 1, 2}, true, -1},
		{PositiveDefinite, []int{2, 2}, []float64{1, 2, 2, 1}, false, 0},
		{PositiveSemidefinite, []int{2, 2}, []float64{1, 1, 1, 1}, true, -1},
		{PositiveSemidefinite, []int{2, 2}, []float64{1, 2, 2, 1}, false, 0},
		{CorrMatrix, []int{2, 2}, []float64{1, 0.5, 0.5, 1}, true, -1},
		{CorrMatrix, []int{2, 2}, []float64{1, 0.5, 0.5, 1.1}, false, 3},
		{CorrMatrix, []int{2, 2}, []float64{1, 1.5, 1.5, 1}, false, 0},
		{Multinomial(4), []int{3}, []float64{1, 2, 1}, true, -1},
		{Multinomial(4), []int{3}, []float64{1, 2, 2}, false, 0},
		{Independent(Positive, 1), []int{2}, []float64{1, -1}, false, 1},
		{Dependent, nil, []float64{0}, false, 0},
	}
	for _, c := range cases {
		ok, bad := c.c.Check(c.x, c.shape)
		if ok != c.ok || bad != c.bad {
			t.Errorf("%s.Check(%v, %v) = %v, %d; want %v, %d", c.c.Name(), c.x, c.shape, ok, bad, c.ok, c.bad)
		}
	}
}

func TestNamesAndEventDims(t *testing.T) {
	for _, c := range []struct {
		c    Constraint
		name string
		ed   int
		disc bool
	}{
		{Real, "real", 0, false},
		{GreaterThan(0.5), "greater_than(lower_bound=0.5)", 0, false},
		{GreaterThanEq(0), "greater_than_eq(lower_bound=0)", 0, false},
		{LessThan(-1), "less_than(upper_bound=-1)", 0, false},
		{Interval(0, 2), "interval(lower_bound=0, upper_bound=2)", 0, false},
		{HalfOpenInterval(0, 2), "half_open_interval(lower_bound=0, upper_bound=2)", 0, false},
		{IntegerInterval(0, 5), "integer_interval(lower_bound=0, upper_bound=5)", 0, true},
		{IntegerGreaterThanEq(1), "integer_greater_than_eq(lower_bound=1)", 0, true},
		{Simplex, "simplex", 1, false},
		{OrderedVector, "ordered_vector", 1, false},
		{PositiveOrderedVector, "positive_ordered_vector", 1, false},
		{RealVector, "real_vector", 1, false},
		{Sphere, "sphere", 1, false},
		{OneHot, "one_hot", 1, true},
		{LowerCholesky, "lower_cholesky", 2, false},
		{CorrCholesky, "corr_cholesky", 2, false},
		{CorrMatrix, "corr_matrix", 2, false},
		{PositiveDefinite, "positive_definite", 2, false},
		{PositiveSemidefinite, "positive_semidefinite", 2, false},
		{Independent(Simplex, 2), "independent(simplex, 2)", 3, false},
		{Multinomial(3), "multinomial(upper_bound=3)", 1, true},
		{Dependent, "dependent", 0, false},
		{SoftplusPositive, "softplus_positive", 0, false},
	} {
		if c.c.Name() != c.name || c.c.EventDim() != c.ed || c.c.IsDiscrete() != c.disc {
			t.Errorf("got %q ed=%d disc=%v, want %q ed=%d disc=%v", c.c.Name(), c.c.EventDim(), c.c.IsDiscrete(), c.name, c.ed, c.disc)
		}
	}
}

func TestTensorBounds(t *testing.T) {
	tp := ad.NewTape()
	lo := tp.Const([]int{3}, []float64{0, 1, 2})
	hi := tp.Const([]int{2, 1}, []float64{5, 10})
	c := IntervalV(lo, hi)
	// value shape (2, 3): lo broadcasts along rows, hi along columns
	x := []float64{0, 1, 5, 0, 1, 10}
	if ok, bad := c.Check(x, []int{2, 3}); !ok {
		t.Fatalf("in-bounds value rejected at %d", bad)
	}
	x[2] = 5.5 // above hi[0] = 5
	if ok, bad := c.Check(x, []int{2, 3}); ok || bad != 2 {
		t.Fatalf("got %v %d, want false 2", ok, bad)
	}
	x[2] = 5
	x[4] = 0.5 // below lo[1] = 1
	if ok, bad := c.Check(x, []int{2, 3}); ok || bad != 4 {
		t.Fatalf("got %v %d, want false 4", ok, bad)
	}
	g := GreaterThanV(tp.Scalar(1))
	if ok, _ := g.Check([]float64{1}, nil); ok {
		t.Fatal("greater_than(1) accepted 1")
	}
	if g.Name() != "greater_than(lower_bound=1)" {
		t.Fatalf("name %q", g.Name())
	}
	if n := c.Name(); n != "interval(lower_bound=tensor[3], upper_bound=tensor[2 1])" {
		t.Fatalf("name %q", n)
	}
	b := IntegerIntervalV(tp.Scalar(0), tp.Const([]int{2}, []float64{3, 4}))
	if ok, bad := b.Check([]float64{3, 4, 4, 1.5}, []int{2, 2}); ok || bad != 2 {
		t.Fatalf("integer interval: %v %d", ok, bad)
	}
	x = []float64{0, 1, 5, 0, 1, 10}
	if a := testing.AllocsPerRun(100, func() { c.Check(x, []int{2, 3}) }); a != 0 {
		t.Fatalf("Check allocates %v", a)
	}
}
