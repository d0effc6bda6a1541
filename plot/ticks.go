package plot

import (
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
)

// niceTicks labels a linear axis at 1-, 2- or 5-multiples of a power of
// ten, with about n labels (3 … n+2), unlabelled minor ticks between, and
// every label showing the same number of decimals (gonum's default ticker
// can leave a two-label axis reading "0.00, 250.00").
type niceTicks struct{ n int }

// Ticks implements gplot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return gplot.DefaultTicks{}.Ticks(lo, hi)
	}
	want := max(3, t.n)
	count := func(step float64) int {
		return int(math.Floor(hi/step+1e-9)-math.Ceil(lo/step-1e-9)) + 1
	}
	// Candidate steps 1, 2, 5 × 10^k from well below to well above range/want;
	// take the one whose label count is nearest want, the larger on ties.
	p := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(want)))-1)
	step, minor, best := 0.0, 5, math.MaxInt
	for range 4 {
		for i, m := range []float64{1, 2, 5} {
			s := m * p
			n := count(s)
			if n < 2 || n > want+2 {
				continue
			}
			if d := abs(n - want); d <= best {
				step, minor, best = s, []int{5, 4, 5}[i], d
			}
		}
		p *= 10
	}
	if step == 0 {
		return gplot.DefaultTicks{}.Ticks(lo, hi)
	}
	first := math.Ceil(lo/step - 1e-9)
	last := math.Floor(hi/step + 1e-9)
	format := tickFormat(step, math.Max(math.Abs(lo), math.Abs(hi)))
	var ticks []gplot.Tick
	for k := first; k <= last; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0"
		}
		ticks = append(ticks, gplot.Tick{Value: v, Label: format(v)})
	}
	// Minor ticks over the whole range, skipping the labelled ones.
	sub := step / float64(minor)
	for k := math.Ceil(lo/sub - 1e-9); k*sub <= hi+sub*1e-9; k++ {
		if int64(math.Round(k))%int64(minor) != 0 {
			ticks = append(ticks, gplot.Tick{Value: k * sub})
		}
	}
	return ticks
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// tickFormat returns a formatter showing just the decimals step needs, or
// exponent notation for very large or very small magnitudes.
func tickFormat(step, mag float64) func(float64) string {
	if mag >= 1e6 || mag < 1e-4 {
		// Significant digits: enough to tell mag from mag+step.
		digits := max(1, int(math.Ceil(math.Log10(mag/step)))+1)
		return func(v float64) string { return strconv.FormatFloat(v, 'g', digits, 64) }
	}
	dec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	return func(v float64) string { return strconv.FormatFloat(v, 'f', dec, 64) }
}
