package plot_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/gyro-ppl/gyro/plot"
)

// ar1 returns chains of a Gaussian AR(1) process with mean mu, standard
// deviation sd and autocorrelation phi; chain c's mean is shifted by
// shift·c, so shift > 0 mimics chains that have not mixed.
func ar1(seed uint64, chains, draws int, mu, sd, phi, shift float64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]float64, chains)
	for c := range out {
		m := mu + shift*float64(c)
		x := m + sd*r.NormFloat64()
		out[c] = make([]float64, draws)
		for i := range out[c] {
			x = m + phi*(x-m) + math.Sqrt(1-phi*phi)*sd*r.NormFloat64()
			out[c][i] = x
		}
	}
	return out
}

// pngSize reports a PNG file's pixel size.
func pngSize(path string) string {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		log.Fatal(err)
	}
	return fmt.Sprintf("%s: %d×%d", filepath.Base(path), cfg.Width, cfg.Height)
}

// Example writes three diagnostic figures for synthetic posterior draws:
// a trace + density + rank summary of two parameters, a rank plot of a
// parameter whose chains disagree, and an SVI loss curve on a log axis.
func Example() {
	dir, err := os.MkdirTemp("", "gyro-plot-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	mu := ar1(1, 4, 1000, 0.5, 2, 0.8, 0)     // four well-mixed chains
	tau := ar1(2, 4, 1000, 3, 1.5, 0.95, 0.6) // sticky chains with shifted means

	// 1. One row per parameter: trace, density, rank.
	summary := filepath.Join(dir, "summary.png")
	params := []plot.Param{{Name: "mu", Chains: mu}, {Name: "tau", Chains: tau}}
	kinds := []plot.Kind{plot.KindTrace, plot.KindDensity, plot.KindRank}
	if err := plot.SummaryPNG(summary, params, kinds, &plot.Options{Title: "Posterior draws"}); err != nil {
		log.Fatal(err)
	}

	// 2. A rank plot alone: tau's chains leave the uniformity band.
	rank := filepath.Join(dir, "rank_tau.png")
	f, err := plot.Rank("tau", tau, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := f.SavePNG(rank); err != nil {
		log.Fatal(err)
	}

	// 3. An SVI loss curve with its moving average, on a log axis.
	r := rand.New(rand.NewPCG(3, 1))
	losses := make([]float64, 2000)
	for i := range losses {
		t := float64(i)
		losses[i] = 120 + 5000*math.Exp(-t/150) + 15*r.NormFloat64()
	}
	lossPath := filepath.Join(dir, "loss.png")
	out, err := os.Create(lossPath)
	if err != nil {
		log.Fatal(err)
	}
	if err := plot.LossPlot(out, losses, &plot.Options{LogY: true}); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}

	for _, p := range []string{summary, rank, lossPath} {
		fmt.Println(pngSize(p))
	}
	// Output:
	// summary.png: 1728×808
	// rank_tau.png: 576×384
	// loss.png: 576×384
}

// ExampleTracePlot writes a trace plot as PNG to any io.Writer.
func ExampleTracePlot() {
	var buf bytes.Buffer
	chains := ar1(4, 2, 500, 0, 1, 0.5, 0)
	if err := plot.TracePlot(&buf, "beta[0]", chains, &plot.Options{DPI: 144}); err != nil {
		log.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d×%d\n", cfg.Width, cfg.Height)
	// Output: 864×576
}

// ExampleGrid places single-panel figures side by side.
func ExampleGrid() {
	draws := ar1(5, 3, 800, 1, 0.5, 0.6, 0)
	trace, err := plot.Trace("sigma", draws, nil)
	if err != nil {
		log.Fatal(err)
	}
	density, err := plot.Density("sigma", draws, &plot.Options{Bandwidth: 0.05})
	if err != nil {
		log.Fatal(err)
	}
	g, err := plot.Grid([][]*plot.Figure{{trace, density}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	w, h := g.Pixels()
	fmt.Printf("%d×%d panels, %d×%d pixels\n", g.Rows(), g.Cols(), w, h)
	// Output: 1×2 panels, 1152×384 pixels
}
