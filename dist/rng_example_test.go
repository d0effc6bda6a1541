package dist_test

import (
	"fmt"

	"github.com/gyro-ppl/gyro/dist"
)

// One generator per chain: seed one, split off independent streams.
func ExampleRNG_Split() {
	root := dist.NewRNG(42)
	chains := []*dist.RNG{root.Split(), root.Split()}
	again := dist.NewRNG(42).Split()
	fmt.Println(chains[0].Uint64() == again.Uint64()) // deterministic
	fmt.Println(chains[0].Uint64() == chains[1].Uint64())
	// Output:
	// true
	// false
}

// Bulk draws: FillGamma and FillNormal are the fast paths for filling a
// tensor's data.
func ExampleRNG_FillGamma() {
	g := dist.NewRNG(1)
	x := make([]float64, 100000)
	g.FillGamma(x, 2.5)
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	fmt.Printf("mean ≈ %.1f\n", mean/float64(len(x)))
	// Output: mean ≈ 2.5
}
