package plot

import (
	"io"
	"strconv"

	"gonum.org/v1/plot/vg"
)

// Trace builds a trace plot of one parameter: draw value against iteration
// (0-based draw index), one line per chain in distinct colours, legend
// "chain 1" … "chain C". chains[c] holds chain c's draws; chains may differ
// in length. Every draw must be finite.
func Trace(name string, chains [][]float64, opts *Options) (*Figure, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	pa, err := tracePanel(&o, name, chains, titleOr(o.Title, "Trace of "+name))
	if err != nil {
		return nil, err
	}
	return singlePanel(pa, &o), nil
}

// TracePlot writes Trace(name, chains, opts) to w as PNG.
func TracePlot(w io.Writer, name string, chains [][]float64, opts *Options) error {
	f, err := Trace(name, chains, opts)
	if err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func tracePanel(o *Options, name string, chains [][]float64, title string) (*panel, error) {
	if err := checkChains("Trace", name, chains, false); err != nil {
		return nil, err
	}
	pa := newPanel(o, title, "iteration", name)
	// Thinner, translucent lines when chains overlap heavily.
	width := vg.Points(1)
	alpha := uint8(255)
	if len(chains) > 1 {
		alpha = 200
		if len(chains[0]) > 2000 {
			width = vg.Points(0.7)
		}
	}
	for c, ch := range chains {
		l := newPolyline(seriesXY(ch, o), withAlpha(o.color(c), alpha), width, vg.Points(2))
		pa.p.Add(l)
		pa.addLegend(chainLabel(c), l)
	}
	pa.p.X.Min = 0
	return pa, nil
}

func titleOr(t, def string) string {
	if t != "" {
		return t
	}
	return def
}

func chainLabel(c int) string { return "chain " + strconv.Itoa(c+1) }
