package bench_test

import (
	"math"
	"os"

	"github.com/gyro-ppl/gyro/bench"
)

// ExampleComparisonTable builds a suite table from measured figures: a time
// against a floor with a target, and a throughput against an external
// system (for throughputs the ratio is reference ÷ gyro, so below 1 still
// means gyro is faster).
func ExampleComparisonTable() {
	t := bench.ComparisonTable("demo", "Example", []bench.Comparison{
		{Name: "gradient", Size: "N=10", Unit: "ns", Gyro: 1500, Ref: 1000, RefName: "hand-written", Target: 2},
		{Name: "ESS/s", Size: "N=10", Unit: "ESS/s", Gyro: 400, Ref: 200, RefName: "Stan", HigherIsBetter: true},
		{Name: "alone", Size: "N=10", Unit: "ns", Gyro: 20, Ref: math.NaN()},
	})
	t.Notes = nil
	t.WriteText(os.Stdout)
	// Output:
	// == Example ==
	// benchmark  size       gyro  reference  ratio  target  reference is
	// gradient   N=10    1.50 µs    1.00 µs  1.50x  ≤ 2x    hand-written
	// ESS/s      N=10  400 ESS/s  200 ESS/s  0.50x          Stan
	// alone      N=10    20.0 ns          —      —
}
