package plot

import (
	"fmt"
	"image/color"
	"io"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rankBandProb is the probability mass of the shaded band around the
// uniform expectation.
const rankBandProb = 0.99

// Rank builds a rank plot of one parameter (Vehtari, Gelman, Simpson,
// Carpenter & Bürkner 2021, "Rank-normalization, folding, and localization";
// ArviZ's plot_rank with kind="bars"). All draws of all chains are ranked
// together (1 … N, ties sharing their mean rank); each chain's ranks are
// then binned into Options.Bins equal bins, and its histogram is drawn as
// bars in its own horizontal strip, chain 1 at the top. If the chains
// sample the same distribution every histogram is flat: the dashed line is
// the expected count per bin, N/(C·bins), and the grey band the central
// 99% range of one bin's count under that uniformity (binomial). Bars that
// leave the band, or slopes and humps shared by a chain's bars, show
// chains that have not mixed. Chains must be of equal length.
func Rank(name string, chains [][]float64, opts *Options) (*Figure, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	pa, err := rankPanel(&o, name, chains, titleOr(o.Title, "Rank plot of "+name))
	if err != nil {
		return nil, err
	}
	return singlePanel(pa, &o), nil
}

// RankPlot writes Rank(name, chains, opts) to w as PNG.
func RankPlot(w io.Writer, name string, chains [][]float64, opts *Options) error {
	f, err := Rank(name, chains, opts)
	if err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func rankPanel(o *Options, name string, chains [][]float64, title string) (*panel, error) {
	if err := checkChains("Rank", name, chains, true); err != nil {
		return nil, err
	}
	draws := len(chains[0])
	bins := o.Bins
	if bins == 0 {
		bins = defaultRankBins(draws)
	}
	if bins > draws {
		return nil, fmt.Errorf("plot: Rank %q: %d bins for %d draws per chain; use at most one bin per draw", name, bins, draws)
	}
	n := draws * len(chains)
	ranks := pooledRanks(chains)
	counts := make([][]float64, len(chains))
	top := 0.0
	for c := range chains {
		counts[c] = rankCounts(ranks[c], n, bins)
		for _, v := range counts[c] {
			top = max(top, v)
		}
	}
	expect := float64(draws) / float64(bins)
	bandLo, bandHi := binomialInterval(draws, 1/float64(bins), rankBandProb)
	top = max(top, bandHi)
	strip := top * 1.12 // strip height, with a gap between chains

	pa := newPanel(o, title, "pooled rank (all chains)", "rank counts per chain")
	lo, hi := 0.5, float64(n)+0.5
	width := (hi - lo) / float64(bins)
	ticks := make([]gplot.Tick, 0, len(chains))
	var bandPoly *plotter.Polygon
	var refLine *plotter.Line
	for c := range chains {
		base := float64(len(chains)-1-c) * strip
		// Uniformity band and expectation line.
		band, err := plotter.NewPolygon(plotter.XYs{
			{X: lo, Y: base + bandLo}, {X: hi, Y: base + bandLo},
			{X: hi, Y: base + bandHi}, {X: lo, Y: base + bandHi},
		})
		if err != nil {
			return nil, err
		}
		band.Color = color.Gray{Y: 218}
		band.LineStyle.Width = 0
		pa.p.Add(band)
		bars := &rankBars{lo: lo, width: width, base: base, counts: counts[c],
			fill: withAlpha(o.color(c), 190), edge: o.color(c)}
		pa.p.Add(bars)
		ref, err := plotter.NewLine(plotter.XYs{{X: lo, Y: base + expect}, {X: hi, Y: base + expect}})
		if err != nil {
			return nil, err
		}
		ref.Color = color.Black
		ref.Width = vg.Points(1.2)
		ref.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		pa.p.Add(ref)
		ticks = append(ticks, gplot.Tick{Value: base + expect, Label: chainLabel(c)})
		if c == 0 {
			bandPoly, refLine = band, ref
		}
	}
	pa.p.X.Min, pa.p.X.Max = lo, hi
	pa.p.Y.Min, pa.p.Y.Max = 0, float64(len(chains))*strip-(strip-top)
	pa.p.Y.Tick.Marker = labelTicks{ticks: ticks}
	pa.addLegend("expected (uniform)", refLine)
	pa.addLegend(fmt.Sprintf("%.0f%% band", rankBandProb*100), bandPoly)
	return pa, nil
}

// rankBars draws one chain's rank histogram as adjacent bars starting at
// height base.
type rankBars struct {
	lo, width  float64
	base       float64
	counts     []float64
	fill, edge color.Color
}

// Plot implements gplot.Plotter.
func (b *rankBars) Plot(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	edge := draw.LineStyle{Color: b.edge, Width: vg.Points(0.6)}
	for i, h := range b.counts {
		x0 := b.lo + float64(i)*b.width
		rect := []vg.Point{
			{X: tx(x0), Y: ty(b.base)}, {X: tx(x0 + b.width), Y: ty(b.base)},
			{X: tx(x0 + b.width), Y: ty(b.base + h)}, {X: tx(x0), Y: ty(b.base + h)},
		}
		c.FillPolygon(b.fill, c.ClipPolygonXY(rect))
		c.StrokeLines(edge, c.ClipLinesXY(append(rect, rect[0]))...)
	}
}

// DataRange implements gplot.DataRanger.
func (b *rankBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymax = b.base
	for _, h := range b.counts {
		ymax = max(ymax, b.base+h)
	}
	return b.lo, b.lo + b.width*float64(len(b.counts)), b.base, ymax
}
