package constraints_test

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// Check reports the first value outside the region; tensor bounds
// broadcast against the value's shape.
func ExampleBounded_Check() {
	t := ad.NewTape()
	support := constraints.IntervalV(t.Scalar(0), t.Const([]int{3}, []float64{1, 2, 3}))
	ok, bad := support.Check([]float64{0.5, 1.5, 3.5}, []int{3})
	fmt.Println(support.Name(), ok, bad)
	ok, _ = constraints.Simplex.Check([]float64{0.25, 0.75}, []int{2})
	fmt.Println(constraints.Simplex.Name(), ok)
	// Output:
	// interval(lower_bound=0, upper_bound=tensor[3]) false 2
	// simplex true
}
