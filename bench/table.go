package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Table is one group's result: a titled table of formatted cells for people
// (text or Markdown), the raw figures as Records for machines (JSON), and
// free-form header and notes.
type Table struct {
	Group   string     `json:"group"`
	Title   string     `json:"title"`
	Header  string     `json:"header,omitempty"` // e.g. blas.Describe()
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Records []Record   `json:"records"`
	Notes   []string   `json:"notes,omitempty"`
	// TextCols lists the columns, besides the first two, that hold text
	// and are left-aligned in WriteText and WriteMarkdown.
	TextCols []int `json:"-"`
}

// isText reports whether column i is left-aligned.
func (t *Table) isText(i int) bool {
	if i < 2 {
		return true
	}
	for _, c := range t.TextCols {
		if c == i {
			return true
		}
	}
	return false
}

// Record is one measured figure.
type Record struct {
	Group       string  `json:"group"`
	Name        string  `json:"name"` // kernel or benchmark name
	Size        string  `json:"size,omitempty"`
	Impl        string  `json:"impl"` // backend or implementation
	NsPerOp     float64 `json:"ns_per_op,omitempty"`
	GFLOPS      float64 `json:"gflops,omitempty"`
	AllocsPerOp float64 `json:"allocs_per_op"`

	// Suite comparisons (ComparisonTable) also carry the figure in its
	// unit, the reference and the ratio (nil when there is none).
	Unit      string   `json:"unit,omitempty"`
	Value     float64  `json:"value,omitempty"`
	Reference string   `json:"reference,omitempty"`
	RefValue  *float64 `json:"ref_value,omitempty"`
	Ratio     *float64 `json:"ratio,omitempty"`
	Target    float64  `json:"target,omitempty"`
	// HigherIsBetter marks throughputs (ESS/s), whose ratio is Ref/Value.
	HigherIsBetter bool `json:"higher_is_better,omitempty"`
}

// WriteText writes t as an aligned plain-text table.
func (t *Table) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s ==\n", t.Title)
	if t.Header != "" {
		b.WriteString(t.Header + "\n\n")
	}
	width := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		width[i] = utf8.RuneCountInString(c)
	}
	for _, r := range t.Rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cells []string) {
		var l strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if t.isText(i) {
				l.WriteString(c + pad) // text columns left-aligned
			} else {
				l.WriteString(pad + c)
			}
			if i < len(cells)-1 {
				l.WriteString("  ")
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(t.Columns)
	for _, r := range t.Rows {
		line(r)
	}
	for _, n := range t.Notes {
		b.WriteString("note: " + n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes t as a Markdown section with a table.
func (t *Table) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", t.Title)
	if t.Header != "" {
		b.WriteString("```\n" + t.Header + "\n```\n\n")
	}
	b.WriteString("| " + strings.Join(t.Columns, " | ") + " |\n|")
	for i := range t.Columns {
		if t.isText(i) {
			b.WriteString(" --- |")
		} else {
			b.WriteString(" ---: |")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	if len(t.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range t.Notes {
			b.WriteString("- " + n + "\n")
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the tables as one indented JSON document.
func WriteJSON(w io.Writer, tables []*Table) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Tables []*Table `json:"tables"`
	}{tables})
}
