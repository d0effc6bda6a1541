package plot

import (
	"io"
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Density builds a kernel density plot of one parameter: a Gaussian-kernel
// density estimate per chain (coloured, legend "chain k") and of all chains
// pooled (thick black, legend "pooled"; omitted for a single chain). The
// bandwidth is Options.Bandwidth when set, else Silverman's rule of thumb
// 0.9·min(sd, IQR/1.34)·n^(-1/5) computed for each curve from its own draws.
// A chain whose draws are all equal borrows the pooled bandwidth; if every
// draw is equal the curves are narrow spikes of width 1e-3·max(1, |x|).
// The estimate is not corrected at support boundaries: a positive parameter
// near zero shows some mass below zero.
func Density(name string, chains [][]float64, opts *Options) (*Figure, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	pa, err := densityPanel(&o, name, chains, titleOr(o.Title, "Density of "+name))
	if err != nil {
		return nil, err
	}
	return singlePanel(pa, &o), nil
}

// DensityPlot writes Density(name, chains, opts) to w as PNG.
func DensityPlot(w io.Writer, name string, chains [][]float64, opts *Options) error {
	f, err := Density(name, chains, opts)
	if err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// densityCurves returns the evaluation grid, the per-chain densities and
// the pooled density (nil for one chain).
func densityCurves(o *Options, chains [][]float64) (grid []float64, per [][]float64, pooled []float64) {
	sorted := make([][]float64, len(chains))
	var all []float64
	for c, ch := range chains {
		sorted[c] = slices.Clone(ch)
		slices.Sort(sorted[c])
		all = append(all, ch...)
	}
	slices.Sort(all)
	hp := o.Bandwidth
	if hp == 0 {
		hp = silverman(all)
	}
	if hp == 0 { // every draw equal
		hp = 1e-3 * math.Max(1, math.Abs(all[0]))
	}
	hs := make([]float64, len(chains))
	hmax := hp
	for c, s := range sorted {
		h := o.Bandwidth
		if h == 0 {
			h = silverman(s)
		}
		if h == 0 {
			h = hp
		}
		hs[c] = h
		hmax = math.Max(hmax, h)
	}
	lo, hi := all[0]-3*hmax, all[len(all)-1]+3*hmax
	n := o.GridPoints
	grid = make([]float64, n)
	for i := range grid {
		grid[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	per = make([][]float64, len(chains))
	for c, s := range sorted {
		per[c] = make([]float64, n)
		kde(s, hs[c], grid, per[c])
	}
	if len(chains) > 1 {
		pooled = make([]float64, n)
		kde(all, hp, grid, pooled)
	}
	return grid, per, pooled
}

func densityPanel(o *Options, name string, chains [][]float64, title string) (*panel, error) {
	if err := checkChains("Density", name, chains, false); err != nil {
		return nil, err
	}
	pa := newPanel(o, title, name, "density")
	grid, per, pooled := densityCurves(o, chains)
	line := func(y []float64) (*plotter.Line, error) {
		xys := make(plotter.XYs, len(grid))
		for i := range grid {
			xys[i] = plotter.XY{X: grid[i], Y: y[i]}
		}
		return plotter.NewLine(xys)
	}
	for c, y := range per {
		l, err := line(y)
		if err != nil {
			return nil, err
		}
		l.Color = o.color(c)
		l.Width = vg.Points(1.3)
		pa.p.Add(l)
		th := *l
		th.Width = vg.Points(2)
		pa.addLegend(chainLabel(c), &th)
	}
	if pooled != nil {
		l, err := line(pooled)
		if err != nil {
			return nil, err
		}
		l.Width = vg.Points(2.4)
		pa.p.Add(l)
		pa.addLegend("pooled", l)
	}
	pa.p.Y.Min = 0
	return pa, nil
}
