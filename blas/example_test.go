package blas_test

import (
	"fmt"

	"github.com/gyro-ppl/gyro/blas"
)

func ExampleDgemm() {
	// C = A·B for row-major A (2×3) and B (3×2); the dispatcher picks the
	// backend by size.
	a := []float64{1, 2, 3, 4, 5, 6}
	b := []float64{7, 8, 9, 10, 11, 12}
	c := make([]float64, 4)
	blas.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [58 64 139 154]
}

func ExampleNamed() {
	// Pick one backend explicitly (the others: "dispatch", "openblas",
	// "cuda", "gonum"); unavailable ones return an error saying why.
	nat, err := blas.Named("native")
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{1, 2, 3}
	fmt.Println(nat.Name(), nat.Ddot(3, x, 1, x, 1))
	// Output: native 14
}
