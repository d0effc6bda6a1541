package plot

import (
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// strokeChunk is how many segments polyline strokes as one path. The
// rasteriser behind vgimg slows down superlinearly with path length
// (4×20000-point traces: 4.9 s as single paths, 0.4 s in 500-point pieces).
const strokeChunk = 512

// polyline is a line plotter for long series: it strokes in pieces of
// strokeChunk segments and draws its legend thumbnail in its own style.
type polyline struct {
	xy    plotter.XYs
	style draw.LineStyle
	thumb draw.LineStyle
}

func newPolyline(xy plotter.XYs, c color.Color, width, thumbWidth vg.Length) *polyline {
	return &polyline{
		xy:    xy,
		style: draw.LineStyle{Color: c, Width: width},
		thumb: draw.LineStyle{Color: opaque(c), Width: thumbWidth},
	}
}

// opaque undoes withAlpha's premultiplication.
func opaque(c color.Color) color.Color {
	r, g, b, a := c.RGBA()
	if a == 0 || a == 0xffff {
		return c
	}
	return color.RGBA{R: uint8(r * 0xff / a), G: uint8(g * 0xff / a), B: uint8(b * 0xff / a), A: 255}
}

// Plot implements gplot.Plotter.
func (l *polyline) Plot(c draw.Canvas, p *gplot.Plot) {
	tx, ty := p.Transforms(&c)
	if len(l.xy) == 1 { // a lone point has no segment to stroke: mark it
		pt := vg.Point{X: tx(l.xy[0].X), Y: ty(l.xy[0].Y)}
		if c.Contains(pt) {
			c.DrawGlyph(draw.GlyphStyle{Color: l.thumb.Color, Radius: 2 * l.style.Width, Shape: draw.CircleGlyph{}}, pt)
		}
		return
	}
	pts := make([]vg.Point, 0, strokeChunk+1)
	for s := 0; s+1 < len(l.xy); s += strokeChunk {
		e := min(len(l.xy), s+strokeChunk+1)
		pts = pts[:0]
		for _, q := range l.xy[s:e] {
			pts = append(pts, vg.Point{X: tx(q.X), Y: ty(q.Y)})
		}
		c.StrokeLines(l.style, c.ClipLinesXY(pts)...)
	}
}

// DataRange implements gplot.DataRanger.
func (l *polyline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return plotter.XYRange(l.xy)
}

// Thumbnail implements gplot.Thumbnailer.
func (l *polyline) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.thumb, c.Min.X, y, c.Max.X, y)
}

// seriesXY returns (x0+i, y[i]) for a series indexed by step or iteration.
// A series far longer than the panel is wide in pixels is decimated per
// pixel column to its first, lowest, highest and last point (the "M4"
// scheme), which draws the same picture from at most 4 points a column.
func seriesXY(y []float64, o *Options) plotter.XYs {
	cols := int(float64(o.Width)/float64(vg.Inch)*float64(o.DPI)) + 1
	if len(y) <= 4*cols {
		xy := make(plotter.XYs, len(y))
		for i, v := range y {
			xy[i] = plotter.XY{X: float64(i), Y: v}
		}
		return xy
	}
	xy := make(plotter.XYs, 0, 4*cols)
	for b := range cols {
		lo, hi := b*len(y)/cols, (b+1)*len(y)/cols
		imin, imax := lo, lo
		for i := lo; i < hi; i++ {
			if y[i] < y[imin] {
				imin = i
			}
			if y[i] > y[imax] {
				imax = i
			}
		}
		last := -1
		for _, i := range []int{lo, min(imin, imax), max(imin, imax), hi - 1} {
			if i != last {
				xy = append(xy, plotter.XY{X: float64(i), Y: y[i]})
				last = i
			}
		}
	}
	return xy
}
