package plot

import (
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// axisFit is what a ticker knows about the axis it labels: its length on
// the page and the tick-label style, so that labels never overlap. Figure
// fills it in at draw time; the zero value means "unknown" and gives about
// six labels.
type axisFit struct {
	length   vg.Length
	sty      text.Style
	vertical bool
}

// sizedTicker is a ticker that can be told its axis.
type sizedTicker interface {
	gplot.Ticker
	fitTo(axisFit) gplot.Ticker
}

// want is the preferred number of labels: about one per 0.85 inch across,
// one per 0.8 inch up.
func (a axisFit) want() int {
	switch {
	case a.length <= 0:
		return 6
	case a.vertical:
		return max(2, int(float64(a.length)/float64(0.8*vg.Inch)+0.5))
	}
	return max(2, int(float64(a.length)/float64(0.85*vg.Inch)+0.5))
}

// fits reports whether the labels can be written along the axis with at
// least an em between neighbours (across) or 0.6 line heights (up).
func (a axisFit) fits(labels []string) bool {
	if a.length <= 0 || len(labels) == 0 {
		return true
	}
	if a.vertical {
		h := a.sty.Rectangle("0").Size().Y
		return vg.Length(len(labels))*h*1.6 <= a.length
	}
	total := vg.Length(len(labels)) * a.sty.Width("M")
	for _, l := range labels {
		total += a.sty.Width(l)
	}
	return total <= a.length
}

// niceTicks labels a linear axis at 1-, 2- or 5-multiples of a power of
// ten, as many as fit (near axisFit.want), with unlabelled minor ticks
// between; every label shows the same number of decimals (gonum's default
// ticker can leave a two-label axis reading "0.00, 250.00").
type niceTicks struct{ axis axisFit }

func (t niceTicks) fitTo(a axisFit) gplot.Ticker { return niceTicks{a} }

// Ticks implements gplot.Ticker.
func (t niceTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return gplot.DefaultTicks{}.Ticks(lo, hi)
	}
	want := t.axis.want()
	type cand struct {
		step   float64
		minor  int
		labels []string
	}
	labelsFor := func(step float64) []string {
		format := tickFormat(step, math.Max(math.Abs(lo), math.Abs(hi)))
		var out []string
		for k := math.Ceil(lo/step - 1e-9); k <= math.Floor(hi/step+1e-9); k++ {
			if k == 0 {
				k = 0 // +0: no "-0" label
			}
			out = append(out, format(k*step))
		}
		return out
	}
	// Candidate steps 1, 2, 5 × 10^k from well below to well above
	// range/want; take the fitting one whose label count is nearest want,
	// the smaller step on ties; if none fits, the one with fewest labels,
	// labelled at its ends only.
	p := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(want)))-1)
	var best, sparsest *cand
	bestD := math.MaxInt
	for range 5 {
		for i, m := range []float64{1, 2, 5} {
			s := m * p
			n := int(math.Floor(hi/s+1e-9)-math.Ceil(lo/s-1e-9)) + 1
			if n < 2 || n > 4*want+4 {
				continue
			}
			c := &cand{s, []int{5, 4, 5}[i], labelsFor(s)}
			if sparsest == nil || n <= len(sparsest.labels) {
				sparsest = c
			}
			if d := abs(n - want); d < bestD && t.axis.fits(c.labels) {
				best, bestD = c, d
			}
		}
		p *= 10
	}
	if best == nil && sparsest != nil {
		// Nothing fits: label only the outermost ticks of the sparsest set.
		best = sparsest
		for i := 1; i < len(best.labels)-1; i++ {
			best.labels[i] = ""
		}
	}
	if best == nil {
		return gplot.DefaultTicks{}.Ticks(lo, hi)
	}
	step := best.step
	var ticks []gplot.Tick
	k := math.Ceil(lo/step - 1e-9)
	for _, l := range best.labels {
		ticks = append(ticks, gplot.Tick{Value: k * step, Label: l})
		k++
	}
	// Minor ticks over the whole range, skipping the labelled ones.
	sub := step / float64(best.minor)
	for k := math.Ceil(lo/sub - 1e-9); k*sub <= hi+sub*1e-9; k++ {
		if int64(math.Round(k))%int64(best.minor) != 0 {
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

// logTicks labels a logarithmic axis as densely as fits: every mantissa
// over about a decade, 1-2-5 over a few, powers of ten over many (every
// other power when even those crowd), and ordinary linear ticks over a
// range too narrow for any power-of-ten structure.
type logTicks struct{ axis axisFit }

func (t logTicks) fitTo(a axisFit) gplot.Ticker { return logTicks{a} }

// Ticks implements gplot.Ticker.
func (t logTicks) Ticks(lo, hi float64) []gplot.Tick {
	decades := math.Log10(hi / lo)
	if decades < 0.6 {
		return niceTicks{t.axis}.Ticks(lo, hi)
	}
	levels := []func(e, m int) bool{
		func(_, _ int) bool { return true },
		func(_, m int) bool { return m == 1 || m == 2 || m == 5 },
		func(_, m int) bool { return m == 1 },
		func(e, m int) bool { return m == 1 && e%2 == 0 },
		func(e, m int) bool { return m == 1 && e%3 == 0 },
	}
	// Without a known axis length, judge by decades alone.
	start := 0
	switch {
	case decades > 3.5:
		start = 2
	case decades > 1.2:
		start = 1
	}
	var fallback []gplot.Tick
	for i := start; i < len(levels); i++ {
		ticks, labels := logLevel(lo, hi, levels[i])
		if len(labels) < 2 {
			break
		}
		if t.axis.fits(labels) {
			return ticks
		}
		fallback = ticks
	}
	if fallback == nil {
		fallback, _ = logLevel(lo, hi, levels[start])
	}
	return fallback
}

// logLevel returns ticks at every mantissa 1…9 of each power of ten in
// [lo, hi], labelled where lab says so, and the labels.
func logLevel(lo, hi float64, lab func(e, m int) bool) (ticks []gplot.Tick, labels []string) {
	for e := int(math.Floor(math.Log10(lo))); e <= int(math.Ceil(math.Log10(hi))); e++ {
		p := math.Pow10(e)
		for m := 1; m <= 9; m++ {
			v := float64(m) * p
			if v < lo*(1-1e-12) || v > hi*(1+1e-12) {
				continue
			}
			tk := gplot.Tick{Value: v}
			if lab(e, m) {
				tk.Label = strconv.FormatFloat(v, 'g', 6, 64)
				labels = append(labels, tk.Label)
			}
			ticks = append(ticks, tk)
		}
	}
	return ticks, labels
}

// labelTicks is a fixed set of labelled ticks (the rank plot's chain
// names) that drops labels, keeping the first, when the axis is too short
// for all of them.
type labelTicks struct {
	ticks []gplot.Tick
	axis  axisFit
}

func (t labelTicks) fitTo(a axisFit) gplot.Ticker { return labelTicks{t.ticks, a} }

// Ticks implements gplot.Ticker.
func (t labelTicks) Ticks(float64, float64) []gplot.Tick {
	for every := 1; every <= len(t.ticks); every++ {
		var labels []string
		for i := 0; i < len(t.ticks); i += every {
			labels = append(labels, t.ticks[i].Label)
		}
		if t.axis.fits(labels) || every == len(t.ticks) {
			out := make([]gplot.Tick, len(t.ticks))
			for i, tk := range t.ticks {
				out[i] = gplot.Tick{Value: tk.Value}
				if i%every == 0 {
					out[i].Label = tk.Label
				}
			}
			return out
		}
	}
	return nil
}
