package transforms_test

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
	"github.com/gyro-ppl/gyro/dist/transforms"
)

// Map an unconstrained vector onto the simplex and back, with the
// log-det-Jacobian a sampler in unconstrained space adds to the density.
func ExampleBijectTo() {
	t := ad.NewTape()
	tr, err := transforms.BijectTo(constraints.Simplex)
	if err != nil {
		panic(err)
	}
	x := t.Param([]int{2}, []float64{0.5, -1})
	y, logDet := transforms.ForwardWithLogDet(tr, x)
	fmt.Println(tr.Name())
	fmt.Printf("y = %.4f, sum %.4f\n", y.Data(), y.At(0)+y.At(1)+y.At(2))
	fmt.Printf("log|det J| = %.4f\n", logDet.Value())
	fmt.Printf("inverse = %.4f\n", tr.Inverse(y).Data())
	// Output:
	// StickBreakingTransform
	// y = [0.4519 0.1474 0.4007], sum 1.0000
	// log|det J| = -3.6234
	// inverse = [0.5000 -1.0000]
}

// Uniform(low, high) with tensor bounds: the transform is differentiable in
// the bounds.
func ExampleBijectTo_tensorBounds() {
	t := ad.NewTape()
	low, high := t.ParamScalar(-1), t.ParamScalar(3)
	support := constraints.IntervalV(low, high)
	tr, _ := transforms.BijectTo(&support)
	y, logDet := transforms.ForwardWithLogDet(tr, t.Scalar(0))
	t.Backward(t.Add(y, logDet))
	fmt.Printf("y = %.2f, log|det J| = %.4f\n", y.Value(), logDet.Value())
	fmt.Printf("d/dlow = %.2f, d/dhigh = %.2f\n", low.Grad()[0], high.Grad()[0])
	// Output:
	// y = 1.00, log|det J| = 0.0000
	// d/dlow = 0.25, d/dhigh = 0.75
}
