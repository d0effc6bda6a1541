// Package benchcmd is the benchmark-suite command shared by "gyro bench"
// and the gyrobench alias: it runs groups of package bench, prints their
// tables and a summary, and writes JSON and Markdown.
package benchcmd

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gyro-ppl/gyro/bench"
	"github.com/gyro-ppl/gyro/cmd/internal/cliflag"
)

// Usage prints the command's help for prog ("gyro bench" or "gyrobench").
func Usage(w io.Writer, prog string, fs *flag.FlagSet) {
	fmt.Fprintf(w, `usage: %s [-quick] [-json FILE] [-md FILE] [-stan FILE] [group ...]

Runs gyro's benchmark suite and prints, for every figure, gyro's number beside
the reference it is measured against (a hand-written floor or another library
timed in the same run, or an external system's figure) and the ratio of the
two. With no group, every group runs (about %s on a 2-core machine).

groups:
`, prog, totalBudget())
	for _, g := range bench.Groups() {
		fmt.Fprintf(w, "  %-9s %s\n", g.Name, g.Help)
	}
	fmt.Fprintf(w, "  %-9s every group above (the default)\n\nflags:\n%s", "all", cliflag.Defaults(fs))
	fmt.Fprintf(w, `
Reading the tables: "ratio" is gyro's cost in units of the reference's (time
÷ time, or reference ESS/s ÷ gyro ESS/s); below 1 means gyro is faster.
"target" is the ratio gyro aims at, where one is set. Timings are medians of
interleaved rounds; on a shared machine expect a few percent of noise.

For benchstat-comparable figures use the go test side:
  go test -run '^$' -bench . -benchmem -count 10 ./bench/ > new.txt
`)
}

func totalBudget() time.Duration {
	var d time.Duration
	for _, g := range bench.Groups() {
		d += g.Budget
	}
	return d.Round(time.Minute)
}

// Run runs the command with args and returns the exit code: 0 on success,
// 1 when a benchmark fails or an output cannot be written, 2 for bad usage.
func Run(prog string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	quick := fs.Bool("quick", false, "small sizes and few timing rounds: a smoke test, not figures to quote")
	jsonOut := fs.String("json", "", "also write every figure as JSON to `FILE`")
	mdOut := fs.String("md", "", "also write the tables as Markdown to `FILE`")
	stanJSON := fs.String("stan", "", "read Stan's figures from `FILE` (default: "+bench.DefaultStanJSON+" when it exists, else the issue's constants)")
	pos, err := cliflag.Parse(fs, args)
	if err == cliflag.ErrHelp {
		Usage(stdout, prog, fs)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s (see %s -help)\n", prog, err, prog)
		return 2
	}
	var todo []bench.Group
	seen := map[string]bool{}
	add := func(g bench.Group) {
		if !seen[g.Name] {
			seen[g.Name] = true
			todo = append(todo, g)
		}
	}
	for _, a := range pos {
		if a == "all" {
			for _, g := range bench.Groups() {
				add(g)
			}
			continue
		}
		g, ok := bench.LookupGroup(a)
		if !ok {
			fmt.Fprintf(stderr, "%s: unknown group %q (groups: %s, all)\n", prog, a, strings.Join(bench.GroupNames(), ", "))
			return 2
		}
		add(g)
	}
	if len(todo) == 0 {
		for _, g := range bench.Groups() {
			add(g)
		}
	}
	if *stanJSON != "" {
		if _, err := bench.LoadStanBench(*stanJSON); err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", prog, cliflag.OneLine(err))
			return 1
		}
	}
	// Open the outputs first: an unwritable path fails now, not after the run.
	var outs []*os.File
	open := func(name string) *os.File {
		if name == "" {
			return nil
		}
		f, err := os.Create(name)
		if err != nil {
			fmt.Fprintf(stderr, "%s: cannot write output: %s\n", prog, cliflag.OneLine(err))
			return nil
		}
		outs = append(outs, f)
		return f
	}
	defer func() {
		for _, f := range outs {
			f.Close()
		}
	}()
	jf, mf := open(*jsonOut), open(*mdOut)
	if (*jsonOut != "" && jf == nil) || (*mdOut != "" && mf == nil) {
		return 1
	}
	if seen["blas"] {
		if code, done := maybeReexec(prog, stderr); done {
			return code
		}
	}
	start := time.Now()
	opt := bench.Options{Quick: *quick, Log: stderr, StanJSON: *stanJSON}
	var tables []*bench.Table
	for _, g := range todo {
		fmt.Fprintf(stderr, "%s: running %s\n", prog, g.Name)
		t0 := time.Now()
		ts, err := g.Run(opt)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %s: %s\n", prog, g.Name, cliflag.OneLine(err))
			return 1
		}
		fmt.Fprintf(stderr, "%s: %s took %v\n", prog, g.Name, time.Since(t0).Round(100*time.Millisecond))
		for _, t := range ts {
			t.WriteText(stdout)
			fmt.Fprintln(stdout)
		}
		tables = append(tables, ts...)
	}
	if len(todo) > 1 {
		if s := bench.SummaryTable(tables); s != nil {
			s.WriteText(stdout)
			fmt.Fprintln(stdout)
			tables = append(tables, s)
		}
	}
	fmt.Fprintf(stderr, "%s: done in %v\n", prog, time.Since(start).Round(100*time.Millisecond))
	if jf != nil {
		if err := bench.WriteJSON(jf, tables); err != nil {
			fmt.Fprintf(stderr, "%s: writing %s: %s\n", prog, *jsonOut, cliflag.OneLine(err))
			return 1
		}
	}
	if mf != nil {
		if err := writeMarkdown(mf, tables, *quick); err != nil {
			fmt.Fprintf(stderr, "%s: writing %s: %s\n", prog, *mdOut, cliflag.OneLine(err))
			return 1
		}
	}
	for _, f := range outs {
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", prog, cliflag.OneLine(err))
			return 1
		}
	}
	outs = nil
	return 0
}

func writeMarkdown(w io.Writer, tables []*bench.Table, quick bool) error {
	fmt.Fprintf(w, "# gyro benchmarks\n\n%s, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), map[bool]string{true: "quick run (smoke test: do not quote)", false: "full run"}[quick])
	for _, t := range tables {
		if err := t.WriteMarkdown(w); err != nil {
			return err
		}
	}
	return nil
}
