package bench

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// Comparison is one row of a suite table: gyro's figure beside the
// reference it is measured against (a hand-written floor timed in the same
// run, another gyro configuration, or an external system's published or
// recorded figure) and their ratio.
type Comparison struct {
	Name string // what is measured, e.g. "tape gradient"
	Size string // problem size, e.g. "N=10000 D=50"
	Unit string // unit of Gyro and Ref: "ns", "ESS/s", …; "ns" figures are printed with FormatNs
	Gyro float64
	// Ref is the reference figure (NaN when there is none) and RefName
	// says what it is and where it comes from.
	Ref     float64
	RefName string
	// HigherIsBetter is set for throughputs (ESS/s); times are lower-is-better.
	HigherIsBetter bool
	// Target, when positive, is the largest acceptable ratio.
	Target float64
	// AllocsPerOp is gyro's allocations per operation (−1: not measured,
	// for whole sampler runs).
	AllocsPerOp float64
}

// Ratio is gyro's cost in units of the reference's: Gyro/Ref for times,
// Ref/Gyro for throughputs, so that below 1 always means gyro is faster.
// It is NaN without a reference.
func (c Comparison) Ratio() float64 {
	if math.IsNaN(c.Ref) || c.Ref == 0 || c.Gyro == 0 {
		return math.NaN()
	}
	if c.HigherIsBetter {
		return c.Ref / c.Gyro
	}
	return c.Gyro / c.Ref
}

func (c Comparison) format(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case c.Unit == "ns":
		return FormatNs(v)
	case v >= 100:
		return fmt.Sprintf("%.0f %s", v, c.Unit)
	case v >= 10:
		return fmt.Sprintf("%.1f %s", v, c.Unit)
	}
	return fmt.Sprintf("%.3g %s", v, c.Unit)
}

// formatRatio prints a ratio with two decimals, or three significant
// digits when it is small.
func formatRatio(r float64) string {
	if r < 0.1 {
		return fmt.Sprintf("%.2gx", r)
	}
	return fmt.Sprintf("%.2fx", r)
}

// ComparisonTable builds the table of one suite group from its rows:
// columns benchmark, size, gyro, reference (the figure), ratio, target and
// "reference is" (what the reference is and where its figure comes from).
// Every row also becomes a Record (for JSON) with its raw figures.
func ComparisonTable(group, title string, rows []Comparison, notes ...string) *Table {
	t := &Table{
		Group:    group,
		Title:    title,
		Columns:  []string{"benchmark", "size", "gyro", "reference", "ratio", "target", "reference is"},
		TextCols: []int{5, 6},
		Notes: append([]string{
			"ratio: gyro's cost in units of the reference's (time ÷ time, or reference ESS/s ÷ gyro ESS/s): below 1 means gyro is faster",
		}, notes...),
	}
	for _, c := range rows {
		gyro := c.format(c.Gyro)
		if c.AllocsPerOp > 0 {
			gyro += fmt.Sprintf(" (%g allocs!)", c.AllocsPerOp)
		}
		ratio, target := "—", ""
		if r := c.Ratio(); !math.IsNaN(r) {
			ratio = formatRatio(r)
		}
		if c.Target > 0 {
			target = fmt.Sprintf("≤ %gx", c.Target)
			if r := c.Ratio(); !math.IsNaN(r) && r > c.Target {
				target += " MISSED"
			}
		}
		t.Rows = append(t.Rows, []string{c.Name, c.Size, gyro, c.format(c.Ref), ratio, target, c.RefName})
		rec := Record{Group: group, Name: c.Name, Size: c.Size, Impl: "gyro", Unit: c.Unit, Value: c.Gyro,
			Reference: c.RefName, RefValue: jsonFloat(c.Ref), Ratio: jsonFloat(c.Ratio()), Target: c.Target,
			AllocsPerOp: c.AllocsPerOp, HigherIsBetter: c.HigherIsBetter}
		if c.Unit == "ns" {
			rec.NsPerOp = c.Gyro
		}
		t.Records = append(t.Records, rec)
	}
	return t
}

// jsonFloat maps NaN (no figure) to nil so that JSON stays valid.
func jsonFloat(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Group is one group of the benchmark suite, as gyro bench and gyrobench
// run it.
type Group struct {
	Name, Help string
	// Budget is the expected running time of the full (not quick) group on
	// a 2-core machine, for the suite's 10-minute budget.
	Budget time.Duration
	Run    func(opt Options) ([]*Table, error)
}

// Options configure a suite run.
type Options struct {
	// Quick uses small sizes and few timing rounds: a smoke test whose
	// figures are not to be quoted.
	Quick bool
	// Log receives one progress line per benchmark (nil: discarded).
	Log io.Writer
	// StanJSON is the path of stan/out/stan_bench.json (written by
	// make bench-stan); when the file exists the nuts group reads Stan's
	// figures from it instead of the constants. Empty: DefaultStanJSON.
	StanJSON string
}

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, "  "+format+"\n", args...)
	}
}

// rounds and batch of TimeCalls for the suite's timings.
func (o Options) timing() (rounds int, batch time.Duration) {
	if o.Quick {
		return 3, 2 * time.Millisecond
	}
	return 15, 50 * time.Millisecond
}

var groups = map[string]Group{}

func register(g Group) { groups[g.Name] = g }

// Groups returns the suite's groups in the order gyro bench runs them.
func Groups() []Group {
	order := []string{"blas", "autodiff", "handlers", "svi", "nuts"}
	var out []Group
	for _, n := range order {
		if g, ok := groups[n]; ok {
			out = append(out, g)
		}
	}
	var rest []string
	for n := range groups {
		if !contains(order, n) {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, n := range rest {
		out = append(out, groups[n])
	}
	return out
}

// LookupGroup returns the named group.
func LookupGroup(name string) (Group, bool) {
	g, ok := groups[name]
	return g, ok
}

// GroupNames lists the groups' names in suite order.
func GroupNames() []string {
	var ns []string
	for _, g := range Groups() {
		ns = append(ns, g.Name)
	}
	return ns
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func init() {
	register(Group{
		Name:   "blas",
		Help:   "BLAS kernels (ddot, daxpy, dgemv, dgemm): gyro native and dispatch vs OpenBLAS (1 thread) and gonum",
		Budget: 150 * time.Second,
		Run: func(opt Options) ([]*Table, error) {
			t := BLASTable(BLASOptions{Quick: opt.Quick, Progress: func(k, s string) { opt.logf("%s %s…", k, s) }})
			return []*Table{t}, nil
		},
	})
}

// timePair times gyro's call and the reference's in interleaved rounds and
// returns both medians and gyro's allocations per call.
func timePair(opt Options, gyro, ref func()) (g, r Timing) {
	rounds, batch := opt.timing()
	tm := TimeCalls([]func(){gyro, ref}, []bool{false, false}, rounds, batch)
	return tm[0], tm[1]
}

// timeOne times a single call.
func timeOne(opt Options, f func()) Timing {
	rounds, batch := opt.timing()
	return TimeCalls([]func(){f}, []bool{false}, rounds, batch)[0]
}

// joinNonEmpty joins the non-empty strings with sep.
func joinNonEmpty(sep string, ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

// SummaryTable gathers the headline rows of the suite's tables into one
// table: every comparison row of the autodiff, handlers, svi and nuts
// groups, and for BLAS gyro's native kernels against OpenBLAS (gonum when
// OpenBLAS is not compiled in) at the largest size of ddot, daxpy, dgemv
// and dgemm. It returns nil when there is nothing to gather.
func SummaryTable(tables []*Table) *Table {
	var rows []Comparison
	for _, t := range tables {
		if t.Group == "blas" {
			rows = append(rows, blasHeadlines(t)...)
			continue
		}
		for _, r := range t.Records {
			if r.Reference == "" {
				continue
			}
			c := Comparison{Name: r.Name, Size: r.Size, Unit: r.Unit, Gyro: r.Value, Ref: math.NaN(), RefName: r.Reference,
				HigherIsBetter: r.HigherIsBetter, Target: r.Target, AllocsPerOp: r.AllocsPerOp}
			if r.RefValue != nil {
				c.Ref = *r.RefValue
			}
			c.Name = t.Group + ": " + c.Name
			rows = append(rows, c)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return ComparisonTable("summary", "Summary: gyro against its references (one row per comparison above)", rows)
}

func blasHeadlines(t *Table) []Comparison {
	type key struct{ name, size, impl string }
	rec := map[key]Record{}
	last := map[string]string{} // kernel → its last (largest) size
	var kernels []string
	for _, r := range t.Records {
		rec[key{r.Name, r.Size, r.Impl}] = r
		if _, ok := last[r.Name]; !ok {
			kernels = append(kernels, r.Name)
		}
		last[r.Name] = r.Size
	}
	var out []Comparison
	for _, k := range kernels {
		size := last[k]
		g, ok := rec[key{k, size, "native"}]
		if !ok {
			continue
		}
		ref, refName := rec[key{k, size, "openblas"}], "OpenBLAS, 1 thread (same run)"
		if ref.NsPerOp == 0 {
			ref, refName = rec[key{k, size, "gonum"}], "gonum, GOMAXPROCS=1 (same run)"
		}
		if ref.NsPerOp == 0 {
			continue
		}
		out = append(out, Comparison{Name: "blas: " + k + " (native)", Size: size, Unit: "ns", Gyro: g.NsPerOp, Ref: ref.NsPerOp,
			RefName: refName, AllocsPerOp: g.AllocsPerOp})
	}
	return out
}
