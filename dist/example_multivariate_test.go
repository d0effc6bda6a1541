package dist_test

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
)

// ToEvent turns batch dimensions into event dimensions: the log density of
// a (2, 3) block of independent normals summed over the last axis.
func ExampleToEvent() {
	t := ad.NewTape()
	d := dist.ToEvent(dist.Normal(t.Const([]int{2, 3}, nil), t.Scalar(1)), 1)
	lp := d.LogProb(t.Const([]int{2, 3}, nil))
	fmt.Println(d.BatchShape(), d.EventShape(), lp.Shape())
	fmt.Printf("%.6f\n", lp.Data()[0])
	// Output:
	// [2] [3] [2]
	// -2.756816
}

// A multivariate normal built from its covariance; the gradient of the log
// density flows to the covariance through its Cholesky factor.
func ExampleMultivariateNormal() {
	t := ad.NewTape()
	loc := t.Param([]int{2}, []float64{0, 0})
	cov := t.Const([]int{2, 2}, []float64{2, 0.5, 0.5, 1})
	d := dist.MultivariateNormal(loc, cov)
	lp := d.LogProb(t.Const([]int{2}, []float64{1, -1}))
	t.Backward(lp)
	fmt.Printf("%.6f %.4f\n", lp.Value(), loc.Grad())
	// Output:
	// -3.260542 [0.8571 -1.4286]
}

// Mask zeroes the log density of masked-out batch elements.
func ExampleMask() {
	t := ad.NewTape()
	d := dist.Mask(dist.Normal(t.Const([]int{3}, nil), t.Scalar(1)), t.Const([]int{3}, []float64{1, 0, 1}))
	fmt.Printf("%.4f\n", d.LogProb(t.Const([]int{3}, []float64{0, 100, 1})).Data())
	// Output:
	// [-0.9189 0.0000 -1.4189]
}
