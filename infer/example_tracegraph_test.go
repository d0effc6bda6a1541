package infer_test

import (
	"context"
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// Which of two known clusters, N(−1, 1) or N(1, 1), did each point come
// from? The guide's Bernoulli latents have no reparameterized sampler, so
// their gradients are score-function estimates; TraceGraphELBO with a
// decaying-average baseline (set per site through the infer config, as
// Pyro's infer={"baseline": {"use_decaying_avg_baseline": True}}) fits
// the exact responsibilities sigmoid(2x).
func ExampleTraceGraphELBO() {
	xs := []float64{-1.2, -0.2, 0.3, 1.5}
	n := len(xs)
	model := func(r *poutine.Runtime) {
		x := r.ConstRef([]int{n}, xs)
		r.Plate("data", n, func([]int) {
			z := r.Sample("z", dist.Bernoulli(r.Scalar(0.5)))
			r.Sample("x", dist.Normal(r.AddConst(r.MulConst(z, 2), -1), r.Scalar(1)), poutine.Obs(x))
		})
	}
	baseline := &poutine.InferConfig{Extra: map[string]any{
		infer.BaselineKey: &infer.Baseline{DecayingAvg: true, Beta: 0.9},
	}}
	init := tensor.New([]int{n}, nil)
	guide := func(r *poutine.Runtime) {
		logits := r.Param("logits", init)
		r.Plate("data", n, func([]int) {
			r.Sample("z", dist.BernoulliLogits(logits), poutine.Infer(baseline))
		})
	}
	opt, err := optim.NewAdam(0.05)
	if err != nil {
		panic(err)
	}
	r := poutine.NewRuntime(1)
	svi := infer.NewSVI(r, model, guide, opt, &infer.TraceGraphELBO{})
	for step := 0; step < 1500; step++ {
		if _, err := svi.Step(context.Background()); err != nil {
			panic(err)
		}
	}
	for i, l := range r.Params.Get("logits").Data {
		fmt.Printf("x=%4.1f  q(z=1)=%.2f  exact %.2f\n", xs[i], 1/(1+math.Exp(-l)), 1/(1+math.Exp(-2*xs[i])))
	}
	// Output:
	// x=-1.2  q(z=1)=0.08  exact 0.08
	// x=-0.2  q(z=1)=0.40  exact 0.40
	// x= 0.3  q(z=1)=0.65  exact 0.65
	// x= 1.5  q(z=1)=0.95  exact 0.95
}
