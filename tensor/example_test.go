package tensor_test

import (
	"fmt"

	"github.com/gyro-ppl/gyro/tensor"
)

func ExampleNew() {
	t := tensor.New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	fmt.Println(t.Shape(), t.At(1, 2))
	fmt.Println(t)
	fmt.Println(t.T())
	// Output:
	// [2 3] 6
	// [[1 2 3]
	//  [4 5 6]]
	// [[1 4]
	//  [2 5]
	//  [3 6]]
}

func ExampleAdd() {
	x := tensor.New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	row := tensor.New([]int{3}, []float64{10, 20, 30})
	col := tensor.New([]int{2, 1}, []float64{100, 200})
	a, _ := tensor.Add(x, row) // [2 3] + [3]
	b, _ := tensor.Add(a, col) // [2 3] + [2 1]
	fmt.Println(b)
	_, err := tensor.Add(x, tensor.Zeros(2))
	fmt.Println(err)
	// Output:
	// [[111 122 133]
	//  [214 225 236]]
	// tensor.Add: shapes are not broadcastable: dimension 1 from the right is 3 vs 2 (shapes [2 3] [2])
}

func ExampleSum() {
	x := tensor.New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	cols, _ := tensor.Sum(x, false, 0)
	rows, _ := tensor.Sum(x, true, -1)
	lse, _ := tensor.LogSumExp(tensor.New([]int{2}, []float64{1000, 1000}), false)
	fmt.Println(cols, rows.Shape(), rows, tensor.SumAll(x))
	fmt.Printf("%.6f\n", lse.Item())
	// Output:
	// [5 7 9] [2 1] [[ 6]
	//  [15]] 21
	// 1000.693147
}

func ExampleMatMul() {
	a := tensor.New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	b := tensor.New([]int{3, 2}, []float64{1, 0, 0, 1, 1, 1})
	c, _ := tensor.MatMul(a, b)
	fmt.Println(c)
	// A stack of two matrices times one matrix: batch dimensions broadcast.
	s := tensor.New([]int{2, 1, 3}, []float64{1, 1, 1, 0, 0, 1})
	d, _ := tensor.MatMul(s, b)
	fmt.Println(d.Shape(), d)
	// Output:
	// [[ 4  5]
	//  [10 11]]
	// [2 1 2] [[[2 2]]
	//
	//  [[1 1]]]
}

func ExampleArena() {
	x := tensor.New([]int{2, 2}, []float64{1, 2, 3, 4})
	y := tensor.New([]int{2}, []float64{10, 20})
	var a tensor.Arena
	for step := 0; step < 3; step++ {
		a.Reset() // everything from the previous step is now invalid
		t := a.Uninit(2, 2)
		_ = tensor.AddInto(t, x, y)
		s := a.Uninit(2)
		_ = tensor.SumInto(s, t, 0)
		if step == 2 {
			fmt.Println(t, s)
		}
	}
	// Output:
	// [[11 22]
	//  [13 24]] [24 46]
}

func ExampleApplyBinary() {
	// Raw kernels: contiguous buffers and shapes, no headers, no allocation.
	x := []float64{1, 2, 3, 4, 5, 6}
	bias := []float64{10, 20, 30}
	out := make([]float64, 6)
	tensor.ApplyBinary(tensor.OpAdd, out, []int{2, 3}, x, []int{2, 3}, bias, []int{3})
	grad := make([]float64, 3)
	tensor.SumTo(grad, []int{3}, out, []int{2, 3}) // the gradient of broadcasting
	fmt.Println(out, grad)
	// Output:
	// [11 22 33 14 25 36] [25 47 69]
}
