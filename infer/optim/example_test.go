package optim_test

import (
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/infer/optim"
)

// Minimize f(x, y) = (x − 3)² + 10·(y + 1)² with Adam, halving the learning
// rate every 200 steps with StepLR.
func ExampleNewAdam() {
	opt, err := optim.NewAdam(0.1, optim.Betas(0.9, 0.999))
	if err != nil {
		panic(err)
	}
	sched, err := optim.NewStepLR(opt, 200, 0.5)
	if err != nil {
		panic(err)
	}
	xy := optim.Param{Name: "xy", Data: []float64{0, 0}, Grad: make([]float64, 2)}
	params := []optim.Param{xy}
	for step := 0; step < 1000; step++ {
		xy.Grad[0] = 2 * (xy.Data[0] - 3)
		xy.Grad[1] = 20 * (xy.Data[1] + 1)
		if err := opt.StepParams(params); err != nil {
			panic(err)
		}
		if err := sched.Step(); err != nil {
			panic(err)
		}
	}
	st, _ := opt.State("xy")
	fmt.Printf("x = %.4f, y = %.4f after %d steps, lr now %g\n", xy.Data[0], xy.Data[1], st.Step, opt.LR())
	fmt.Println("|x − 3| < 1e-3:", math.Abs(xy.Data[0]-3) < 1e-3)
	// Output:
	// x = 3.0000, y = -1.0000 after 1000 steps, lr now 0.003125
	// |x − 3| < 1e-3: true
}

// Clip the total gradient norm before a step, as torch's clip_grad_norm_.
func ExampleClipGradNorm() {
	ps := []optim.Param{
		{Name: "a", Data: []float64{0, 0}, Grad: []float64{3, 4}},
		{Name: "b", Data: []float64{0}, Grad: []float64{12}},
	}
	total, err := optim.ClipGradNorm(ps, 1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("norm before %.0f, gradients now %.4f %.4f\n", total, ps[0].Grad, ps[1].Grad)
	// Output:
	// norm before 13, gradients now [0.2308 0.3077] [0.9231]
}
