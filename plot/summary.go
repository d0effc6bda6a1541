package plot

import (
	"fmt"
	"maps"
	"slices"
)

// Param is one parameter's draws for Summary: Chains[c] holds chain c's
// draws of the scalar parameter Name.
type Param struct {
	Name   string
	Chains [][]float64
}

// ParamsFromMap turns a name → chains map into Params sorted by name, so
// that figures built from maps are laid out reproducibly.
func ParamsFromMap(m map[string][][]float64) []Param {
	out := make([]Param, 0, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Param{Name: name, Chains: m[name]})
	}
	return out
}

// Kind selects a per-parameter panel in Summary.
type Kind int

// The panel kinds Summary can draw for each parameter.
const (
	KindTrace   Kind = iota // Trace: draw against iteration per chain
	KindDensity             // Density: per-chain and pooled KDE
	KindRank                // Rank: pooled-rank histograms per chain
)

// String returns the kind's name ("trace", "density", "rank").
func (k Kind) String() string {
	switch k {
	case KindTrace:
		return "trace"
	case KindDensity:
		return "density"
	case KindRank:
		return "rank"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Summary builds a grid with one row per parameter and one column per kind
// (default: trace then density), each panel as Trace, Density or Rank
// draws it and titled "<name>: <kind>". Options.Width and Height size one
// panel; a non-empty Options.Title is drawn above the grid. An error names
// the parameter and kind that failed.
func Summary(params []Param, kinds []Kind, opts *Options) (*Figure, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	if len(params) == 0 {
		return nil, fmt.Errorf("plot: Summary: no parameters")
	}
	if len(kinds) == 0 {
		kinds = []Kind{KindTrace, KindDensity}
	}
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		if seen[p.Name] {
			return nil, fmt.Errorf("plot: Summary: parameter %q appears twice", p.Name)
		}
		seen[p.Name] = true
	}
	cells := make([][]*panel, len(params))
	for r, p := range params {
		cells[r] = make([]*panel, len(kinds))
		for k, kind := range kinds {
			title := p.Name + ": " + kind.String()
			var pa *panel
			switch kind {
			case KindTrace:
				pa, err = tracePanel(&o, p.Name, p.Chains, title)
			case KindDensity:
				pa, err = densityPanel(&o, p.Name, p.Chains, title)
			case KindRank:
				pa, err = rankPanel(&o, p.Name, p.Chains, title)
			default:
				err = fmt.Errorf("plot: Summary: unknown kind %v", kind)
			}
			if err != nil {
				return nil, err
			}
			cells[r][k] = pa
		}
	}
	return &Figure{cells: cells, width: o.Width, height: o.Height, dpi: o.DPI,
		title: o.Title, titleFont: o.FontSize + 4}, nil
}

// SummaryPNG writes Summary(params, kinds, opts) to the file path as PNG.
func SummaryPNG(path string, params []Param, kinds []Kind, opts *Options) error {
	f, err := Summary(params, kinds, opts)
	if err != nil {
		return err
	}
	return f.SavePNG(path)
}

// Grid lays single-panel figures (from Trace, Density, Rank or Loss) out
// as a grid, rows[r][c] at row r, column c; a nil entry leaves its cell
// blank and short rows are padded with blanks. Axes are aligned down
// columns and across rows. Panel size and DPI come from opts (the panels'
// own settings are ignored), and a non-empty opts.Title titles the grid.
func Grid(rows [][]*Figure, opts *Options) (*Figure, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	cols := 0
	for _, row := range rows {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return nil, fmt.Errorf("plot: Grid: no figures")
	}
	cells := make([][]*panel, len(rows))
	for r, row := range rows {
		cells[r] = make([]*panel, cols)
		for c, f := range row {
			if f == nil {
				continue
			}
			if f.Rows() != 1 || f.Cols() != 1 {
				return nil, fmt.Errorf("plot: Grid: figure at row %d, column %d has %d×%d panels; Grid takes single-panel figures",
					r+1, c+1, f.Rows(), f.Cols())
			}
			// A shallow copy: drawing fits ticks and labels to the panel
			// size, which must leave the input figure as it was.
			pa := *f.cells[0][0]
			p := *pa.p
			pa.p = &p
			cells[r][c] = &pa
		}
	}
	return &Figure{cells: cells, width: o.Width, height: o.Height, dpi: o.DPI,
		title: o.Title, titleFont: o.FontSize + 4}, nil
}
