package plot

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

// decodePNG decodes b as PNG and checks its size.
func decodePNG(t *testing.T, b []byte, w, h int) image.Image {
	t.Helper()
	if len(b) == 0 {
		t.Fatal("empty PNG")
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != w || got.Y != h {
		t.Fatalf("PNG is %dx%d, want %dx%d", got.X, got.Y, w, h)
	}
	return img
}

// hasColor reports whether some pixel is within tol (per channel, 8-bit)
// of c.
func hasColor(img image.Image, c color.Color, tol int) bool {
	cr, cg, cb, _ := c.RGBA()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if absDiff(r>>8, cr>>8) <= tol && absDiff(g>>8, cg>>8) <= tol && absDiff(bb>>8, cb>>8) <= tol {
				return true
			}
		}
	}
	return false
}

func absDiff(a, b uint32) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// countNonWhite counts pixels that are not (near) white.
func countNonWhite(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bb < 0xf000 {
				n++
			}
		}
	}
	return n
}

func TestSinglePlotsWritePNG(t *testing.T) {
	chains := ar1Chains(1, 4, 500, 1, 2, 0.7, 0)
	losses := sviLosses(2, 800)
	cases := []struct {
		name  string
		write func(*bytes.Buffer) error
		// colours that must and must not appear
		want, absent []color.Color
	}{
		{"trace", func(b *bytes.Buffer) error { return TracePlot(b, "mu", chains, nil) },
			tab10[:4], tab10[4:5]},
		{"density", func(b *bytes.Buffer) error { return DensityPlot(b, "mu", chains, nil) },
			append(tab10[:4:4], color.Black), tab10[4:5]},
		{"rank", func(b *bytes.Buffer) error { return RankPlot(b, "mu", chains, nil) },
			tab10[:4], tab10[4:5]},
		{"loss", func(b *bytes.Buffer) error { return LossPlot(b, losses, nil) },
			[]color.Color{tab10[3]}, tab10[1:2]},
		{"loss-log", func(b *bytes.Buffer) error { return LossPlot(b, losses, &Options{LogY: true, Smooth: 11}) },
			[]color.Color{tab10[3]}, tab10[1:2]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, buf.Bytes(), 576, 384)
			if n := countNonWhite(img); n < 5000 {
				t.Errorf("only %d non-white pixels: nothing drawn?", n)
			}
			for i, c := range tc.want {
				if !hasColor(img, c, 12) {
					t.Errorf("colour %d (%v) not drawn", i, c)
				}
			}
			for _, c := range tc.absent {
				if hasColor(img, c, 12) {
					t.Errorf("colour %v drawn but no series uses it", c)
				}
			}
		})
	}
}

func TestOptionsSizeAndDPI(t *testing.T) {
	chains := ar1Chains(3, 2, 200, 0, 1, 0.5, 0)
	var buf bytes.Buffer
	o := &Options{Width: 4 * vg.Inch, Height: 3 * vg.Inch, DPI: 150, FontSize: 9}
	if err := TracePlot(&buf, "x", chains, o); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, buf.Bytes(), 600, 450)
	f, err := Density("x", chains, o)
	if err != nil {
		t.Fatal(err)
	}
	if w, h := f.Pixels(); w != 600 || h != 450 {
		t.Errorf("Pixels() = %d×%d, want 600×450", w, h)
	}
	// Custom colours are used.
	buf.Reset()
	magenta := color.RGBA{R: 255, B: 255, A: 255}
	if err := TracePlot(&buf, "x", chains[:1], &Options{Colors: []color.Color{magenta}}); err != nil {
		t.Fatal(err)
	}
	if img := decodePNG(t, buf.Bytes(), 576, 384); !hasColor(img, magenta, 10) || hasColor(img, tab10[0], 10) {
		t.Error("Options.Colors not honoured")
	}
}

func TestSummaryPNG(t *testing.T) {
	params := ParamsFromMap(map[string][][]float64{
		"tau": ar1Chains(4, 3, 400, 3, 1, 0.9, 0.5),
		"mu":  ar1Chains(5, 3, 400, 0, 1, 0.3, 0),
	})
	if params[0].Name != "mu" || params[1].Name != "tau" {
		t.Fatalf("ParamsFromMap order: %q, %q", params[0].Name, params[1].Name)
	}
	path := filepath.Join(t.TempDir(), "summary.png")
	if err := SummaryPNG(path, params, nil, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	decodePNG(t, b, 2*576, 2*384)

	// Three kinds and a figure title.
	f, err := Summary(params, []Kind{KindTrace, KindDensity, KindRank}, &Options{Title: "posterior", Height: 3 * vg.Inch})
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows() != 2 || f.Cols() != 3 {
		t.Fatalf("grid %d×%d, want 2×3", f.Rows(), f.Cols())
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	w, h := f.Pixels()
	if w != 3*576 || h <= 2*288 || h > 2*288+60 {
		t.Errorf("titled summary is %d×%d px", w, h)
	}
	decodePNG(t, buf.Bytes(), w, h)
}

func TestGrid(t *testing.T) {
	ch := ar1Chains(6, 2, 300, 0, 1, 0.5, 0)
	tr, err := Trace("a", ch, nil)
	if err != nil {
		t.Fatal(err)
	}
	lo, err := Loss(sviLosses(1, 300), nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Grid([][]*Figure{{tr, lo}, {nil, tr}, {lo}}, &Options{Width: 3 * vg.Inch, Height: 2 * vg.Inch})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, buf.Bytes(), 2*288, 3*192)

	s, err := Summary([]Param{{"a", ch}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Grid([][]*Figure{{s}}, nil); err == nil || !strings.Contains(err.Error(), "single-panel") {
		t.Errorf("Grid of a 1×2 figure: err = %v", err)
	}
	if _, err := Grid(nil, nil); err == nil {
		t.Error("empty Grid: no error")
	}
}

func TestSaveFormats(t *testing.T) {
	f, err := Trace("x", ar1Chains(7, 2, 100, 0, 1, 0.5, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prefix := map[string]string{"png": "\x89PNG", "svg": "<?xml", "pdf": "%PDF", "jpg": "\xff\xd8", "tiff": "II*\x00"}
	for ext, head := range prefix {
		path := filepath.Join(dir, "f."+ext)
		if err := f.Save(path); err != nil {
			t.Fatalf("Save %s: %v", ext, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 100 || !bytes.HasPrefix(b, []byte(head)) {
			t.Errorf("%s: %d bytes starting %q", ext, len(b), b[:min(8, len(b))])
		}
	}
	for _, ext := range []string{"gif", "eps", ""} {
		if err := f.Save(filepath.Join(dir, "f."+ext)); err == nil || !strings.Contains(err.Error(), "unsupported") {
			t.Errorf("Save .%s: err = %v", ext, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "f.gif")); !os.IsNotExist(err) {
		t.Error("unsupported Save left a file behind")
	}
	if err := f.SavePNG(filepath.Join(dir, "missing", "f.png")); err == nil {
		t.Error("SavePNG into a missing directory: no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterErrorPropagates(t *testing.T) {
	err := TracePlot(failWriter{}, "x", [][]float64{{1, 2, 3}}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the writer's error", err)
	}
}

func TestTooLargeFigure(t *testing.T) {
	f, err := Trace("x", [][]float64{{1, 2}}, &Options{Width: 200 * vg.Inch, Height: 200 * vg.Inch, DPI: 300})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteTo(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "pixels") {
		t.Errorf("err = %v", err)
	}
}

func TestBadInput(t *testing.T) {
	good := [][]float64{{1, 2, 3}, {2, 3, 4}}
	nan := [][]float64{{1, 2, 3}, {2, math.NaN(), 4}}
	inf := [][]float64{{1, math.Inf(-1), 3}}
	ragged := [][]float64{{1, 2, 3}, {2, 3}}
	empty := [][]float64{{1, 2}, {}}
	type builder func(string, [][]float64, *Options) (*Figure, error)
	builders := map[string]builder{"Trace": Trace, "Density": Density, "Rank": Rank}
	for name, b := range builders {
		for _, tc := range []struct {
			chains [][]float64
			want   string
		}{
			{nil, "no chains"},
			{empty, "chain 2 has no draws"},
			{nan, "chain 2 draw 1 is NaN"},
			{inf, "chain 1 draw 1 is -Inf"},
		} {
			_, err := b("theta", tc.chains, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"theta"`) || !strings.Contains(err.Error(), name) {
				t.Errorf("%s(%v): err = %v, want one mentioning %s, \"theta\" and %q", name, tc.chains, err, name, tc.want)
			}
		}
	}
	// Unequal lengths matter only for ranks.
	if _, err := Trace("t", ragged, nil); err != nil {
		t.Errorf("Trace of ragged chains: %v", err)
	}
	if _, err := Density("t", ragged, nil); err != nil {
		t.Errorf("Density of ragged chains: %v", err)
	}
	if _, err := Rank("t", ragged, nil); err == nil || !strings.Contains(err.Error(), "equal length") {
		t.Errorf("Rank of ragged chains: err = %v", err)
	}
	if _, err := Summary([]Param{{"a", good}, {"b", ragged}}, []Kind{KindTrace, KindRank}, nil); err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("Summary with ragged rank: err = %v", err)
	}
	if _, err := Rank("t", good, &Options{Bins: 4}); err == nil || !strings.Contains(err.Error(), "bins") {
		t.Errorf("Rank with more bins than draws: err = %v", err)
	}
	// Summary argument errors.
	if _, err := Summary(nil, nil, nil); err == nil {
		t.Error("Summary of no parameters: no error")
	}
	if _, err := Summary([]Param{{"a", good}, {"a", good}}, nil, nil); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate names: err = %v", err)
	}
	if _, err := Summary([]Param{{"a", good}}, []Kind{Kind(9)}, nil); err == nil || !strings.Contains(err.Error(), "Kind(9)") {
		t.Errorf("unknown kind: err = %v", err)
	}
	// Loss errors.
	for _, tc := range []struct {
		losses []float64
		opts   *Options
		want   string
	}{
		{nil, nil, "no losses"},
		{[]float64{3, 2, math.NaN()}, nil, "step 2 loss is NaN"},
		{[]float64{3, math.Inf(1)}, nil, "step 1 loss is +Inf"},
		{[]float64{3, 2, -1}, &Options{LogY: true}, "LogY needs every loss > 0"},
		{[]float64{3, 0}, &Options{LogY: true}, "step 1"},
	} {
		if _, err := Loss(tc.losses, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Loss(%v): err = %v, want %q", tc.losses, err, tc.want)
		}
	}
	if _, err := Loss([]float64{3, 2, -1}, nil); err != nil {
		t.Errorf("negative losses on a linear axis: %v", err)
	}
	// Options errors.
	for _, o := range []*Options{
		{Width: -1}, {DPI: -3}, {Colors: []color.Color{color.Black, nil}}, {Bandwidth: math.NaN()}, {Bandwidth: -0.1}, {GridPoints: 3}, {Bins: -1},
	} {
		if _, err := Trace("x", good, o); err == nil || !strings.Contains(err.Error(), "Options") {
			t.Errorf("Options %+v: err = %v", *o, err)
		}
	}
}

func TestConstantDraws(t *testing.T) {
	// A stuck chain and a constant parameter still give a drawable figure.
	for _, chains := range [][][]float64{
		{{2, 2, 2, 2}, {1, 2, 3, 4}},
		{{5, 5, 5}, {5, 5, 5}},
		{{7}},
	} {
		for _, b := range []func(string, [][]float64, *Options) (*Figure, error){Trace, Density, Rank} {
			f, err := b("c", chains, nil)
			if err != nil {
				t.Fatalf("%v: %v", chains, err)
			}
			var buf bytes.Buffer
			if _, err := f.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			decodePNG(t, buf.Bytes(), 576, 384)
		}
	}
}

func TestSingleDrawIsMarked(t *testing.T) {
	var buf bytes.Buffer
	if err := TracePlot(&buf, "x", [][]float64{{1}, {2}}, nil); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, buf.Bytes(), 576, 384)
	// Legend thumbnails are 2pt lines; the marks are the only other
	// chain-coloured pixels, so count well beyond the thumbnails.
	for c := range 2 {
		n := 0
		cr, cg, cb, _ := tab10[c].RGBA()
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X*3/4; x++ { // left of the legend
				r, g, bb, _ := img.At(x, y).RGBA()
				if absDiff(r>>8, cr>>8) < 12 && absDiff(g>>8, cg>>8) < 12 && absDiff(bb>>8, cb>>8) < 12 {
					n++
				}
			}
		}
		if n < 4 {
			t.Errorf("chain %d's single draw left %d pixels", c+1, n)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindTrace: "trace", KindDensity: "density", KindRank: "rank", Kind(-1): "Kind(-1)"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
}
