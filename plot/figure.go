package plot

import (
	"bufio"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Default sizes. A panel is one set of axes; a figure is a grid of panels.
const (
	DefaultWidth    = 6 * vg.Inch // width of one panel
	DefaultHeight   = 4 * vg.Inch // height of one panel
	DefaultDPI      = 96          // raster resolution (PNG, JPEG, TIFF)
	DefaultFontSize = vg.Length(11)
)

// maxPixels bounds the raster size of one figure: 120 megapixels is
// already 480 MB of RGBA, far past any useful diagnostic image.
const maxPixels = 120_000_000

// Options tunes a figure. A nil *Options means all defaults; zero fields
// take their defaults. Fields that only some plots use say so.
type Options struct {
	// Title replaces the default panel title of a single-panel figure
	// (Trace, Density, Rank, Loss). For Summary and Grid it is a title drawn
	// above the whole grid (no figure title when empty).
	Title string

	// Width and Height are the size of one panel (default 6×4 inches).
	// A Summary or Grid figure is cols×Width wide and rows×Height tall.
	Width, Height vg.Length

	// DPI is the raster resolution for PNG/JPEG/TIFF output (default 96).
	DPI int

	// FontSize is the size of axis labels in points (default 11 for
	// 6×4-inch panels, scaled down with smaller panels to at least 8.25).
	// Tick labels are 1.5 points smaller, legend text 1 smaller, panel
	// titles 2 larger and a figure title 4 larger.
	FontSize vg.Length

	// Colors are the chain colours, cycled when there are more chains than
	// colours (default: the ten "tab10" colours used by matplotlib/ArviZ).
	Colors []color.Color

	// Bandwidth fixes the Gaussian kernel's standard deviation for Density
	// (default 0: Silverman's rule of thumb, per curve).
	Bandwidth float64

	// GridPoints is the number of points each density curve is evaluated
	// at (Density; default 512, at least 16).
	GridPoints int

	// Bins is the number of rank-histogram bins (Rank; default ArviZ's
	// ceil(2·log2(draws per chain))+1, at most the draws per chain).
	Bins int

	// Smooth is the moving-average window of Loss, in steps: 0 picks one
	// (about 2% of the steps, odd, at least 5; none below 20 steps),
	// a negative value disables smoothing, 1 is the raw loss.
	Smooth int

	// LogY draws Loss on a logarithmic y axis; every loss must then be
	// positive, or Loss returns an error.
	LogY bool
}

// resolved returns a copy with defaults filled in and validates it.
func (o *Options) resolved() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Width < 0 || r.Height < 0 || r.DPI < 0 || r.FontSize < 0 || r.GridPoints < 0 || r.Bins < 0 {
		return r, errors.New("plot: Options: Width, Height, DPI, FontSize, GridPoints and Bins must not be negative")
	}
	if math.IsNaN(r.Bandwidth) || math.IsInf(r.Bandwidth, 0) || r.Bandwidth < 0 {
		return r, fmt.Errorf("plot: Options.Bandwidth %v: must be a finite value >= 0", r.Bandwidth)
	}
	if r.Width == 0 {
		r.Width = DefaultWidth
	}
	if r.Height == 0 {
		r.Height = DefaultHeight
	}
	if r.DPI == 0 {
		r.DPI = DefaultDPI
	}
	if r.FontSize == 0 {
		// Smaller panels get smaller text, down to 3/4 size.
		scale := min(float64(r.Width)/float64(DefaultWidth), float64(r.Height)/float64(DefaultHeight), 1)
		r.FontSize = DefaultFontSize * vg.Length(max(scale, 0.75))
	}
	if len(r.Colors) == 0 {
		r.Colors = tab10
	}
	for i, c := range r.Colors {
		if c == nil {
			return r, fmt.Errorf("plot: Options.Colors[%d] is nil", i)
		}
	}
	if r.GridPoints == 0 {
		r.GridPoints = 512
	}
	if r.GridPoints < 16 {
		return r, fmt.Errorf("plot: Options.GridPoints %d: need at least 16", r.GridPoints)
	}
	return r, nil
}

func (o *Options) color(i int) color.Color { return o.Colors[i%len(o.Colors)] }

// tab10 is matplotlib's default qualitative palette.
var tab10 = []color.Color{
	rgb(0x1f77b4), rgb(0xff7f0e), rgb(0x2ca02c), rgb(0xd62728), rgb(0x9467bd),
	rgb(0x8c564b), rgb(0xe377c2), rgb(0x7f7f7f), rgb(0xbcbd22), rgb(0x17becf),
}

func rgb(h uint32) color.RGBA {
	return color.RGBA{R: uint8(h >> 16), G: uint8(h >> 8), B: uint8(h), A: 255}
}

// withAlpha returns c with opacity a (0–255), premultiplied as color.RGBA
// requires.
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA() // 16-bit, assumes opaque input
	f := float64(a) / 255
	return color.RGBA{
		R: uint8(float64(r>>8)*f + 0.5), G: uint8(float64(g>>8)*f + 0.5),
		B: uint8(float64(b>>8)*f + 0.5), A: a,
	}
}

// panel is one set of axes plus a legend drawn to the right of its data
// area (gonum's own legend would sit on top of the curves).
type panel struct {
	p      *gplot.Plot
	legend gplot.Legend // drawn only when names is non-empty
	names  []string     // legend entry texts, for sizing

	// Full title and axis labels; fit shortens the plot's copies to the
	// room a canvas leaves.
	title, xlabel, ylabel string
}

func (pa *panel) addLegend(name string, th ...gplot.Thumbnailer) {
	pa.legend.Add(name, th...)
	pa.names = append(pa.names, name)
}

// newPanel returns a panel with gyro's styling at the given font size.
func newPanel(o *Options, title, xlabel, ylabel string) *panel {
	p := gplot.New()
	fs := o.FontSize
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(gplot.DefaultFont, fs+2)
	p.Title.Padding = fs / 2
	// gonum centres the title over the whole panel, so titles of panels
	// with different tick-label widths would not line up; Figure.Draw draws
	// it over the data area instead and gonum's copy only reserves room.
	p.Title.TextStyle.Color = color.Transparent
	for _, ax := range []*gplot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(gplot.DefaultFont, fs)
		ax.Tick.Label.Font = font.From(gplot.DefaultFont, fs-1.5)
		ax.Label.Padding = fs / 4
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 225}
	g.Horizontal.Color = color.Gray{Y: 225}
	p.Add(g)
	l := gplot.NewLegend()
	l.TextStyle.Font = font.From(gplot.DefaultFont, fs-1)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = 2 * fs
	l.Padding = fs / 4
	return &panel{p: p, legend: l, title: title, xlabel: xlabel, ylabel: ylabel}
}

// fit adapts the panel to the canvas it is about to be drawn on: tickers
// learn their axis lengths (so tick labels never collide), and the title
// and axis labels are shortened with "…" where they would not fit.
func (pa *panel) fit(c draw.Canvas) {
	p := pa.p
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = pa.title, pa.xlabel, pa.ylabel
	// Two passes: the y tick labels' width depends on the y ticks, and the
	// x axis length on that width.
	for range 2 {
		dc := p.DataCanvas(c)
		w := max(dc.Max.X-dc.Min.X, 1)
		h := max(dc.Max.Y-dc.Min.Y, 1)
		if t, ok := p.Y.Tick.Marker.(sizedTicker); ok {
			p.Y.Tick.Marker = t.fitTo(axisFit{length: h, sty: p.Y.Tick.Label, vertical: true})
		}
		if t, ok := p.X.Tick.Marker.(sizedTicker); ok {
			p.X.Tick.Marker = t.fitTo(axisFit{length: w, sty: p.X.Tick.Label})
		}
	}
	dc := p.DataCanvas(c)
	mid := dc.Center().X
	p.Title.Text = ellipsize(pa.title, p.Title.TextStyle, 2*min(mid-c.Min.X, c.Max.X-mid))
	p.X.Label.Text = ellipsize(pa.xlabel, p.X.Label.TextStyle, dc.Max.X-dc.Min.X)
	p.Y.Label.Text = ellipsize(pa.ylabel, p.Y.Label.TextStyle, dc.Max.Y-dc.Min.Y)
}

// ellipsize shortens s, ending it with "…", until it is at most width
// wide in sty ("" when not even "…" fits).
func ellipsize(s string, sty text.Style, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n >= 0; n-- {
		if t := string(r[:n]) + "…"; sty.Width(t) <= width {
			return t
		}
	}
	return ""
}

// legendWidth is the horizontal room the legend needs, gap included.
func (pa *panel) legendWidth() vg.Length {
	if pa == nil || len(pa.names) == 0 {
		return 0
	}
	sty := pa.legend.TextStyle
	var w vg.Length
	for _, name := range pa.names {
		if tw := sty.Width(name); tw > w {
			w = tw
		}
	}
	em := sty.Width("M")
	return em + pa.legend.ThumbnailWidth + em/2 + w + em/2
}

// Figure is a grid of plot panels, ready to be written as PNG (WriteTo,
// SavePNG) or in any format gonum/plot supports (Save, by file extension).
// Figures are built by Trace, Density, Rank, Loss, Summary and Grid.
type Figure struct {
	cells         [][]*panel // rows × cols; nil cells are left blank
	width, height vg.Length  // one panel
	dpi           int
	title         string
	titleFont     vg.Length
}

func singlePanel(pa *panel, o *Options) *Figure {
	return &Figure{cells: [][]*panel{{pa}}, width: o.Width, height: o.Height, dpi: o.DPI}
}

// Rows returns the number of panel rows.
func (f *Figure) Rows() int { return len(f.cells) }

// Cols returns the number of panel columns.
func (f *Figure) Cols() int {
	if len(f.cells) == 0 {
		return 0
	}
	return len(f.cells[0])
}

// Size returns the figure's total width and height.
func (f *Figure) Size() (w, h vg.Length) {
	w = vg.Length(f.Cols()) * f.width
	h = vg.Length(f.Rows()) * f.height
	if f.title != "" {
		h += f.titleHeight()
	}
	return w, h
}

// Pixels returns the raster size (width, height) of the PNG output.
func (f *Figure) Pixels() (w, h int) {
	fw, fh := f.Size()
	return int(float64(fw)/float64(vg.Inch)*float64(f.dpi) + 0.5),
		int(float64(fh)/float64(vg.Inch)*float64(f.dpi) + 0.5)
}

func (f *Figure) titleStyle() text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(gplot.DefaultFont, f.titleFont),
		XAlign:  draw.XCenter,
		YAlign:  draw.YTop,
		Handler: gplot.DefaultTextHandler,
	}
}

func (f *Figure) titleHeight() vg.Length {
	return f.titleStyle().Rectangle(f.title).Size().Y * 1.8
}

// Draw draws the figure onto c, which may be any gonum/plot canvas (or a
// tile of one). Drawing fits tick labels, titles and axis labels to the
// canvas, adjusting the figure's panels, so a Figure must not be drawn by
// two goroutines at once.
func (f *Figure) Draw(c draw.Canvas) {
	if f.title != "" {
		sty := f.titleStyle()
		th := f.titleHeight()
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y - th*0.2}, f.title)
		c.Max.Y -= th
	}
	rows, cols := f.Rows(), f.Cols()
	if rows == 0 || cols == 0 {
		return
	}
	pad := vg.Length(6)
	tiles := draw.Tiles{
		Rows: rows, Cols: cols,
		PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad,
		PadX: 2 * pad, PadY: 2 * pad,
	}
	// One legend width per column keeps data areas aligned down a column.
	lw := make([]vg.Length, cols)
	for r := range rows {
		for k, pa := range f.cells[r] {
			if w := pa.legendWidth(); w > lw[k] {
				lw[k] = w
			}
		}
	}
	plots := make([][]*gplot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*gplot.Plot, cols)
		for k, pa := range f.cells[r] {
			if pa != nil {
				tile := tiles.At(c, k, r)
				tile.Max.X -= lw[k]
				pa.fit(tile)
				plots[r][k] = pa.p
			}
		}
	}
	canv := gplot.Align(plots, tiles, c)
	for r := range rows {
		for k, pa := range f.cells[r] {
			if pa == nil {
				continue
			}
			pc := canv[r][k]
			pc.Max.X -= lw[k]
			pa.p.Draw(pc)
			dc := pa.p.DataCanvas(pc)
			if t := pa.p.Title; t.Text != "" {
				sty := t.TextStyle
				sty.Color = color.Black
				y := dc.Max.Y + t.Padding + sty.Rectangle(t.Text).Size().Y + sty.FontExtents().Descent
				pc.FillText(sty, vg.Point{X: dc.Center().X, Y: y}, t.Text)
			}
			if len(pa.names) > 0 {
				em := pa.legend.TextStyle.Width("M")
				lc := pc
				lc.Min.X = pc.Max.X + em
				lc.Max.X = pc.Max.X + lw[k]
				lc.Max.Y = dc.Max.Y
				pa.legend.Draw(lc)
			}
		}
	}
}

func (f *Figure) checkSize() error {
	w, h := f.Pixels()
	if w <= 0 || h <= 0 {
		return errors.New("plot: figure has no area")
	}
	if int64(w)*int64(h) > maxPixels {
		return fmt.Errorf("plot: figure would be %d×%d pixels (over %d); use smaller panels, a lower DPI, or fewer rows", w, h, maxPixels)
	}
	return nil
}

// raster draws the figure onto a fresh image canvas.
func (f *Figure) raster() (*vgimg.Canvas, error) {
	if err := f.checkSize(); err != nil {
		return nil, err
	}
	w, h := f.Size()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(f.dpi))
	f.Draw(draw.New(c))
	return c, nil
}

// WriteTo writes the figure to w as PNG. It implements io.WriterTo.
func (f *Figure) WriteTo(w io.Writer) (int64, error) {
	c, err := f.raster()
	if err != nil {
		return 0, err
	}
	return vgimg.PngCanvas{Canvas: c}.WriteTo(w)
}

// SavePNG writes the figure to the file path as PNG, whatever its extension.
func (f *Figure) SavePNG(path string) error {
	return writeFile(path, func(w io.Writer) error { _, err := f.WriteTo(w); return err })
}

// Save writes the figure to path in the format named by its extension:
// .png, .jpg/.jpeg, .tif/.tiff (rasterised at the figure's DPI), or .svg,
// .pdf (vector). EPS is not offered: gonum/plot v0.17's EPS writer emits a
// malformed "%%!PS-Adobe" header.
func (f *Figure) Save(path string) error {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	var wt func() (io.WriterTo, error)
	switch ext {
	case "png", "jpg", "jpeg", "tif", "tiff":
		wt = func() (io.WriterTo, error) {
			c, err := f.raster()
			if err != nil {
				return nil, err
			}
			switch ext {
			case "png":
				return vgimg.PngCanvas{Canvas: c}, nil
			case "jpg", "jpeg":
				return vgimg.JpegCanvas{Canvas: c}, nil
			default:
				return vgimg.TiffCanvas{Canvas: c}, nil
			}
		}
	case "svg", "pdf":
		wt = func() (io.WriterTo, error) {
			w, h := f.Size()
			c, err := draw.NewFormattedCanvas(w, h, ext)
			if err != nil {
				return nil, err
			}
			f.Draw(draw.New(c))
			return c, nil
		}
	default:
		return fmt.Errorf("plot: Save %q: unsupported extension %q (want png, jpg, tiff, svg or pdf)", path, filepath.Ext(path))
	}
	return writeFile(path, func(w io.Writer) error {
		t, err := wt()
		if err != nil {
			return err
		}
		_, err = t.WriteTo(w)
		return err
	})
}

// writeFile creates path, runs fn on a buffered writer and closes the file;
// on any error the partial file is removed.
func writeFile(path string, fn func(io.Writer) error) (err error) {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("plot: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	bw := bufio.NewWriter(file)
	if err = fn(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}
