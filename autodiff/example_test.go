package autodiff_test

import (
	"fmt"

	"github.com/gyro-ppl/gyro/autodiff"
)

// Differentiate f(x) = Σ (A·x)² with respect to x.
func ExampleValueAndGrad() {
	A := []float64{1, 2, 3, 4}
	f := func(t *autodiff.Tape, x autodiff.V) autodiff.V {
		y := t.MatMul(t.ConstRef([]int{2, 2}, A), x)
		return t.Sum(t.Square(y))
	}
	tp := autodiff.NewTape()
	x := []float64{1, -1}
	grad := make([]float64, 2)
	v := autodiff.ValueAndGrad(tp, f, x, grad)
	fmt.Println(v, grad)
	// Output: 2 [-8 -12]
}

// A batched matrix product broadcasts the leading dimensions.
func ExampleTape_MatMul() {
	tp := autodiff.NewTape()
	a := tp.Const([]int{2, 1, 2}, []float64{1, 0, 0, 1}) // two 1×2 rows
	b := tp.Const([]int{2, 2}, []float64{1, 2, 3, 4})    // one 2×2 matrix
	c := tp.MatMul(a, b)
	fmt.Println(c.Shape(), c.Data())
	// Output: [2 1 2] [1 2 3 4]
}

// The Cholesky factor, a solve, and the log determinant, with gradients
// flowing back to the matrix.
func ExampleTape_Cholesky() {
	tp := autodiff.NewTape()
	A := tp.Param([]int{2, 2}, []float64{4, 2, 2, 5})
	L := tp.Cholesky(A)
	x := tp.CholeskySolve(L, tp.Const([]int{2}, []float64{6, 7}))
	logdet := tp.LogDetChol(L)
	fmt.Println(L.Data(), x.Data())
	fmt.Printf("%.4f\n", logdet.Value())
	tp.Backward(logdet) // d log det A / dA = A⁻¹
	fmt.Println(A.Grad())
	// Output:
	// [2 0 1 2] [1 1]
	// 2.7726
	// [0.3125 -0.125 -0.125 0.25]
}

// Reductions along axes, with and without keepdim.
func ExampleTape_SumAxes() {
	tp := autodiff.NewTape()
	a := tp.Const([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	fmt.Println(tp.SumAxes(a, false, 0).Data())
	fmt.Println(tp.SumAxis(a, 1, true).Shape())
	fmt.Println(tp.MaxAxis(a, 1, false).Data())
	fmt.Printf("%.4f\n", tp.LogSumExp(a).Value())
	// Output:
	// [5 7 9]
	// [2 1]
	// [3 6]
	// 6.4562
}

// Stack and Concat take their inputs as arguments and allocate nothing.
func ExampleTape_Stack() {
	tp := autodiff.NewTape()
	mu, sigma := tp.ParamScalar(1.5), tp.ParamScalar(0.5)
	v := tp.Stack(0, mu, sigma, tp.Scalar(3))
	fmt.Println(v.Shape(), v.Data())
	w := tp.Concat(0, v, v)
	fmt.Println(w.Shape())
	// Output:
	// [3] [1.5 0.5 3]
	// [6]
}

// The fused Bernoulli log mass with logits: y·η − softplus(η).
func ExampleTape_BernoulliLogitsLogProb() {
	tp := autodiff.NewTape()
	eta := tp.Param([]int{2}, []float64{0, 2})
	y := tp.Const([]int{2}, []float64{1, 0})
	lp := tp.Sum(tp.BernoulliLogitsLogProb(y, eta))
	tp.Backward(lp)
	fmt.Printf("%.4f %.4f\n", lp.Value(), eta.Grad())
	// Output: -2.8201 [0.5000 -0.8808]
}
