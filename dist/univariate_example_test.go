package dist_test

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/tensor"
)

// A Gamma log density on the tape, differentiated with respect to its
// parameters.
func ExampleGamma() {
	t := ad.NewTape()
	conc, rate := t.ParamScalar(2.5), t.ParamScalar(1.5)
	d := dist.Gamma(conc, rate)
	lp := d.LogProb(t.Const([]int{3}, []float64{0.5, 1, 2}))
	total := t.Sum(lp)
	t.Backward(total)
	fmt.Printf("log p = %.6f\n", lp.Data())
	fmt.Printf("d/dconcentration = %.6f, d/drate = %.6f\n", conc.Grad()[0], rate.Grad()[0])
	// Output:
	// log p = [-1.060741 -0.771020 -1.231299]
	// d/dconcentration = -0.893075, d/drate = 1.500000
}

// Building a distribution by its Pyro name and parameter names, and scoring
// plain tensors outside any model.
func ExampleNew() {
	d, err := dist.New("Binomial", map[string]*tensor.Dense{
		"total_count": tensor.New(nil, []float64{1e6}),
		"logits":      tensor.New([]int{2}, []float64{0, -700}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	lp, err := dist.LogProbOf(d, tensor.New([]int{2}, []float64{500000, 0}))
	fmt.Printf("%.12g %v\n", lp.Data(), err)

	_, err = dist.New("Bernoulli", map[string]*tensor.Dense{"probs": tensor.New(nil, []float64{1.5})})
	fmt.Println(err)
	// Output:
	// [-7.13354688163 -9.85967654376e-299] <nil>
	// dist: Bernoulli: probs: must be in [0, 1], got 1.5
}

// Enumerating a finite support, as Pyro's enumeration of discrete sites does.
func ExampleCategoricalLogits() {
	t := ad.NewTape()
	d := dist.CategoricalLogits(t.Const([]int{2, 3}, []float64{0, 0, 0, 1, 2, 3}))
	vals := d.EnumerateSupport(false) // shape (3, 1): broadcasts against batch (2,)
	lp := d.LogProb(vals)
	fmt.Println(vals.Shape(), lp.Shape())
	fmt.Printf("%.4f\n", lp.Data())
	// Output:
	// [3 1] [3 2]
	// [-1.0986 -2.4076 -1.0986 -1.4076 -1.0986 -0.4076]
}

// Reparameterized sampling: gradients of a Monte-Carlo objective flow to the
// parameters (for Gamma through the implicit reparameterization gradient).
func ExampleGammaDist_RSample() {
	t := ad.NewTape()
	conc := t.ParamScalar(3)
	d := dist.Gamma(conc, t.Scalar(1))
	x := d.RSample(dist.NewRNG(1), 100000)
	mean := t.MulConst(t.Sum(x), 1e-5)
	t.Backward(mean) // d E[x]/d concentration = 1
	fmt.Printf("%.1f %.2f\n", mean.Value(), conc.Grad()[0])
	// Output:
	// 3.0 1.00
}
