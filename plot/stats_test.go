package plot

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

func TestSilverman(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	// sd = sqrt(110/12) = 3.02765; IQR (type 7) = 7.75-3.25 = 4.5, /1.34 = 3.358.
	want := 0.9 * math.Sqrt(110.0/12) * math.Pow(10, -0.2)
	if got := silverman(x); math.Abs(got-want) > 1e-12 {
		t.Errorf("silverman = %v, want %v", got, want)
	}
	// Heavy ties: IQR 0, sd > 0 → sd is used.
	y := []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 10}
	sd := math.Sqrt((9*1.0 + 81) / 9)
	if got, want := silverman(y), 0.9*sd*math.Pow(10, -0.2); math.Abs(got-want) > 1e-12 {
		t.Errorf("silverman with zero IQR = %v, want %v", got, want)
	}
	if got := silverman([]float64{3, 3, 3}); got != 0 {
		t.Errorf("silverman of constants = %v, want 0", got)
	}
}

func TestKDEMatchesNormal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 20000)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	slices.Sort(x)
	h := silverman(x)
	grid := make([]float64, 401)
	for i := range grid {
		grid[i] = -6 + 12*float64(i)/400
	}
	out := make([]float64, len(grid))
	kde(x, h, grid, out)
	var integral float64
	for i := 1; i < len(grid); i++ {
		integral += (out[i] + out[i-1]) / 2 * (grid[i] - grid[i-1])
	}
	if math.Abs(integral-1) > 2e-3 {
		t.Errorf("KDE integrates to %v", integral)
	}
	for i, g := range grid {
		// The KDE estimates the normal smoothed by the kernel: N(0, 1+h²).
		v := 1 + h*h
		want := math.Exp(-g*g/(2*v)) / math.Sqrt(2*math.Pi*v)
		if math.Abs(out[i]-want) > 0.012 {
			t.Fatalf("KDE(%v) = %v, want %v", g, out[i], want)
		}
	}
	// Brute force (no kernel cut-off) agrees.
	for _, i := range []int{0, 100, 200, 333} {
		var s float64
		for _, v := range x {
			z := (grid[i] - v) / h
			s += math.Exp(-z * z / 2)
		}
		s /= float64(len(x)) * h * math.Sqrt(2*math.Pi)
		if math.Abs(s-out[i]) > 1e-12 {
			t.Errorf("KDE(%v) = %v, brute force %v", grid[i], out[i], s)
		}
	}
}

func TestDensityCurvesShareGrid(t *testing.T) {
	chains := ar1Chains(9, 3, 2000, 5, 2, 0.5, 0)
	o, _ := (*Options)(nil).resolved()
	grid, per, pooled := densityCurves(&o, chains)
	if len(grid) != 512 || len(per) != 3 || len(pooled) != 512 {
		t.Fatalf("sizes %d %d %d", len(grid), len(per), len(pooled))
	}
	var lo, hi float64 = math.Inf(1), math.Inf(-1)
	for _, ch := range chains {
		lo, hi = min(lo, slices.Min(ch)), max(hi, slices.Max(ch))
	}
	if grid[0] >= lo || grid[len(grid)-1] <= hi {
		t.Errorf("grid [%v, %v] does not cover draws [%v, %v]", grid[0], grid[len(grid)-1], lo, hi)
	}
	// The pooled density is the mean of per-chain densities up to the
	// bandwidth difference; at the mode they agree closely.
	for _, curve := range append(per, pooled) {
		var integral float64
		for i := 1; i < len(grid); i++ {
			integral += (curve[i] + curve[i-1]) / 2 * (grid[i] - grid[i-1])
		}
		if math.Abs(integral-1) > 2e-3 {
			t.Errorf("density integrates to %v", integral)
		}
	}
	// A fixed bandwidth is used as given: doubling it lowers the peak.
	o.Bandwidth = 0.2
	_, a, _ := densityCurves(&o, chains)
	o.Bandwidth = 2
	_, b, _ := densityCurves(&o, chains)
	if slices.Max(b[0]) >= slices.Max(a[0]) {
		t.Error("wider fixed bandwidth did not flatten the density")
	}
}

func TestPooledRanks(t *testing.T) {
	got := pooledRanks([][]float64{{1, 3}, {3, 2}, {-5, 3}})
	want := [][]float64{{2, 5}, {5, 3}, {1, 5}}
	for c := range want {
		if !slices.Equal(got[c], want[c]) {
			t.Fatalf("ranks = %v, want %v", got, want)
		}
	}
	// Counts cover every draw, and bins split ranks evenly.
	r := pooledRanks([][]float64{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11}})
	c0 := rankCounts(r[0], 12, 4)
	c1 := rankCounts(r[1], 12, 4)
	if !slices.Equal(c0, []float64{3, 3, 0, 0}) || !slices.Equal(c1, []float64{0, 0, 3, 3}) {
		t.Errorf("counts %v %v", c0, c1)
	}
}

func TestRankHistogramsDetectMixing(t *testing.T) {
	n, bins := 4000, 20
	within := func(chains [][]float64) (out int) {
		r := pooledRanks(chains)
		lo, hi := binomialInterval(n, 1/float64(bins), 0.99)
		for c := range chains {
			for _, v := range rankCounts(r[c], n*len(chains), bins) {
				if v < lo || v > hi {
					out++
				}
			}
		}
		return out
	}
	good := ar1Chains(11, 4, n, 0, 1, 0.2, 0)
	bad := ar1Chains(11, 4, n, 0, 1, 0.2, 0.5)
	if k := within(good); k > 3 {
		t.Errorf("well-mixed chains: %d of 80 bins outside the 99%% band", k)
	}
	if k := within(bad); k < 20 {
		t.Errorf("shifted chains: only %d of 80 bins outside the 99%% band", k)
	}
}

func TestBinomialInterval(t *testing.T) {
	for _, tc := range []struct {
		n int
		p float64
	}{{1000, 1.0 / 21}, {50, 0.5}, {100000, 0.01}, {7, 1.0 / 7}} {
		lo, hi := binomialInterval(tc.n, tc.p, 0.99)
		// Exact tail masses by summing the pmf in logs.
		cdf := func(k float64) (s float64) { // P(X <= k)
			for j := 0; float64(j) <= k; j++ {
				a, _ := math.Lgamma(float64(tc.n) + 1)
				b, _ := math.Lgamma(float64(j) + 1)
				c, _ := math.Lgamma(float64(tc.n-j) + 1)
				s += math.Exp(a - b - c + float64(j)*math.Log(tc.p) + float64(tc.n-j)*math.Log1p(-tc.p))
			}
			return s
		}
		below, above := cdf(lo-1), 1-cdf(hi)
		if below > 0.005+1e-9 || above > 0.005+1e-9 {
			t.Errorf("n=%d p=%v: [%v, %v] leaves %v below, %v above", tc.n, tc.p, lo, hi, below, above)
		}
		// And it is the tightest such interval.
		if cdf(lo) <= 0.005 || 1-cdf(hi-1) <= 0.005 {
			t.Errorf("n=%d p=%v: [%v, %v] is not tight", tc.n, tc.p, lo, hi)
		}
	}
}

func TestMovingAverage(t *testing.T) {
	x := make([]float64, 50)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range x {
		x[i] = 1e6 + r.NormFloat64()
	}
	for _, k := range []int{1, 2, 5, 8, 49, 50} {
		got := movingAverage(x, k)
		before, after := k/2, k-1-k/2
		for i := range x {
			var s float64
			lo, hi := max(0, i-before), min(len(x)-1, i+after)
			for j := lo; j <= hi; j++ {
				s += x[j]
			}
			if want := s / float64(hi-lo+1); math.Abs(got[i]-want) > 1e-8 {
				t.Fatalf("k=%d i=%d: %v, want %v", k, i, got[i], want)
			}
		}
	}
	for _, tc := range []struct{ smooth, n, want int }{
		{0, 10, 1}, {0, 100, 5}, {0, 2000, 41}, {0, 1000, 21}, {-1, 1000, 1}, {7, 1000, 7}, {70, 30, 30},
	} {
		if got := smoothWindow(tc.smooth, tc.n); got != tc.want {
			t.Errorf("smoothWindow(%d, %d) = %d, want %d", tc.smooth, tc.n, got, tc.want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	for _, tc := range []struct{ lo, hi float64 }{{80, 5200}, {1e-3, 1e4}, {120, 900}, {310, 390}, {0.5, 0.9}} {
		ticks := logTicks{}.Ticks(tc.lo, tc.hi)
		labels := 0
		for _, tk := range ticks {
			if tk.Value < tc.lo*(1-1e-9) || tk.Value > tc.hi*(1+1e-9) {
				if tk.Label != "" {
					t.Errorf("[%v, %v]: labelled tick %v outside the range", tc.lo, tc.hi, tk.Value)
				}
				continue
			}
			if tk.Label != "" {
				labels++
			}
		}
		if labels < 2 || labels > 12 {
			t.Errorf("[%v, %v]: %d labelled ticks: %v", tc.lo, tc.hi, labels, ticks)
		}
	}
	var _ gplot.Ticker = logTicks{}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []string
	}{
		{0, 299, []string{"0", "50", "100", "150", "200", "250"}},
		{0, 999, []string{"0", "200", "400", "600", "800"}},
		{-7.3, 6.8, []string{"-6", "-4", "-2", "0", "2", "4", "6"}},
		{0, 0.41, []string{"0.0", "0.1", "0.2", "0.3", "0.4"}},
		{9992.5, 10011.2, []string{"9995", "10000", "10005", "10010"}},
		{-3.45, -2.6, []string{"-3.4", "-3.2", "-3.0", "-2.8", "-2.6"}},
		{0.5, 4000.5, []string{"500", "1000", "1500", "2000", "2500", "3000", "3500", "4000"}},
		{1.2e7, 1.5e7, []string{"1.2e+07", "1.25e+07", "1.3e+07", "1.35e+07", "1.4e+07", "1.45e+07", "1.5e+07"}},
	} {
		var got []string
		for _, tk := range (niceTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
			if tk.Value < tc.lo-1e-9 || tk.Value > tc.hi+1e-9 {
				t.Errorf("[%v, %v]: tick %v outside", tc.lo, tc.hi, tk.Value)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("[%v, %v]: labels %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestSeriesDecimation(t *testing.T) {
	o, _ := (&Options{Width: 1 * vg.Inch, DPI: 100}).resolved() // 101 columns
	short := make([]float64, 404)
	if xy := seriesXY(short, &o); len(xy) != 404 {
		t.Errorf("short series changed: %d points", len(xy))
	}
	r := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 100000)
	for i := range y {
		y[i] = r.NormFloat64()
	}
	xy := seriesXY(y, &o)
	if len(xy) > 4*101 || len(xy) < 2*101 {
		t.Fatalf("decimated to %d points", len(xy))
	}
	if xy[0].X != 0 || xy[len(xy)-1].X != float64(len(y)-1) {
		t.Error("end points lost")
	}
	for i := 1; i < len(xy); i++ {
		if xy[i].X <= xy[i-1].X || xy[i].Y != y[int(xy[i].X)] {
			t.Fatalf("point %d = %v is not an ordered draw of the series", i, xy[i])
		}
	}
	// The global extremes survive.
	lo, hi := slices.Min(y), slices.Max(y)
	_, _, ylo, yhi := plotter.XYRange(xy)
	if ylo != lo || yhi != hi {
		t.Errorf("range [%v, %v], want [%v, %v]", ylo, yhi, lo, hi)
	}
}

func TestTicksFitTheAxis(t *testing.T) {
	o, _ := (*Options)(nil).resolved()
	sty := newPanel(&o, "", "", "").p.X.Tick.Label
	ranges := [][2]float64{{0.5, 4000.5}, {-7.3, 6.8}, {9992.5, 10011.2}, {1.2e-3, 1.7e-3}, {0, 1e5}}
	for _, length := range []vg.Length{40, 72, 150, 300, 500} {
		for _, vertical := range []bool{false, true} {
			a := axisFit{length: length, sty: sty, vertical: vertical}
			for _, r := range ranges {
				var labels []string
				for _, tk := range (niceTicks{a}).Ticks(r[0], r[1]) {
					if tk.Label != "" {
						labels = append(labels, tk.Label)
					}
				}
				if len(labels) < 2 {
					t.Errorf("length %v %v: %d labels", length, r, len(labels))
				}
				// Two labels always show; beyond that they must fit.
				if len(labels) > 2 && !a.fits(labels) {
					t.Errorf("length %v vertical %v range %v: labels %q overflow", length, vertical, r, labels)
				}
			}
			for _, r := range [][2]float64{{80, 5200}, {1e-3, 1e4}, {2, 9}} {
				var labels []string
				for _, tk := range (logTicks{a}).Ticks(r[0], r[1]) {
					if tk.Label != "" {
						labels = append(labels, tk.Label)
					}
				}
				if len(labels) < 2 || (len(labels) > 3 && !a.fits(labels)) {
					t.Errorf("log length %v vertical %v range %v: labels %q", length, vertical, r, labels)
				}
			}
		}
	}
	lt := labelTicks{ticks: []gplot.Tick{{Value: 1, Label: "chain 1"}, {Value: 2, Label: "chain 2"}, {Value: 3, Label: "chain 3"}, {Value: 4, Label: "chain 4"}}}
	n := func(ts []gplot.Tick) (k int) {
		for _, tk := range ts {
			if tk.Label != "" {
				k++
			}
		}
		return k
	}
	if k := n(lt.fitTo(axisFit{length: 300, sty: sty, vertical: true}).Ticks(0, 5)); k != 4 {
		t.Errorf("tall axis: %d chain labels, want 4", k)
	}
	if k := n(lt.fitTo(axisFit{length: 30, sty: sty, vertical: true}).Ticks(0, 5)); k < 1 || k > 2 {
		t.Errorf("short axis: %d chain labels, want 1 or 2", k)
	}
}
