package plot

import (
	"fmt"
	"io"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Loss builds a plot of an SVI loss sequence (the value returned by each
// SVI step: Pyro's ELBO loss, the negative ELBO estimate) against step
// (0-based). The raw loss is drawn thin and light; a centred moving average
// (Options.Smooth) is drawn over it. With Options.LogY the y axis is
// logarithmic, which requires every loss to be positive. Every loss must be
// finite: a NaN or infinite loss means the optimisation diverged, and the
// error names the first such step.
func Loss(losses []float64, opts *Options) (*Figure, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	pa, err := lossPanel(&o, losses, titleOr(o.Title, "SVI loss"))
	if err != nil {
		return nil, err
	}
	return singlePanel(pa, &o), nil
}

// LossPlot writes Loss(losses, opts) to w as PNG.
func LossPlot(w io.Writer, losses []float64, opts *Options) error {
	f, err := Loss(losses, opts)
	if err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// smoothWindow resolves Options.Smooth for n steps (1: no smoothing).
func smoothWindow(smooth, n int) int {
	switch {
	case smooth < 0:
		return 1
	case smooth > 0:
		return min(smooth, n)
	case n < 20:
		return 1
	}
	k := max(5, n/50)
	if k%2 == 0 {
		k++
	}
	return min(k, n)
}

func lossPanel(o *Options, losses []float64, title string) (*panel, error) {
	if len(losses) == 0 {
		return nil, fmt.Errorf("plot: Loss: no losses")
	}
	for i, v := range losses {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("plot: Loss: step %d loss is %v; losses must be finite (the optimisation diverged?)", i, v)
		}
		if o.LogY && v <= 0 {
			return nil, fmt.Errorf("plot: Loss: step %d loss is %v; LogY needs every loss > 0", i, v)
		}
	}
	pa := newPanel(o, title, "step", "loss (-ELBO)")
	k := smoothWindow(o.Smooth, len(losses))
	rawColor, rawWidth := o.color(0), vg.Points(1.2)
	if k > 1 {
		rawColor, rawWidth = withAlpha(o.color(0), 120), vg.Points(0.8)
	}
	raw := newPolyline(seriesXY(losses, o), rawColor, rawWidth, vg.Points(2))
	raw.thumb.Color = rawColor // the legend shows the raw loss as light as it is drawn
	pa.p.Add(raw)
	pa.addLegend("loss", raw)
	if k > 1 {
		l := newPolyline(seriesXY(movingAverage(losses, k), o), o.color(3), vg.Points(1.8), vg.Points(1.8))
		pa.p.Add(l)
		pa.addLegend(fmt.Sprintf("moving avg (%d)", k), l)
	}
	pa.p.X.Min = 0
	if o.LogY {
		pa.p.Y.Scale = gplot.LogScale{}
		pa.p.Y.Tick.Marker = logTicks{}
	}
	return pa, nil
}
