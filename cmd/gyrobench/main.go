// Command gyrobench prints gyro's benchmark figures beside the references
// they are measured against, all from one run.
//
// Usage:
//
//	gyrobench [-quick] [-json FILE] [-md FILE] group...
//
// Groups (gyrobench -help lists them): blas compares gyro's native and
// dispatching BLAS with OpenBLAS (one thread) and gonum; all runs every
// group. The tables go to standard output; -json writes every figure as JSON
// and -md the same tables as Markdown.
//
// OpenBLAS core type: Debian's OpenBLAS misdetects some AVX-512 CPUs and
// then runs SSE-era kernels. When gyrobench finds such a mismatch (see
// blas.Describe) and OPENBLAS_CORETYPE is unset, it re-executes itself once
// with OPENBLAS_CORETYPE set to the fix, because the variable is only read
// when libopenblas loads, before main runs. Set OPENBLAS_CORETYPE yourself
// (the Makefile does) or GYROBENCH_NO_REEXEC=1 to prevent it.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/gyro-ppl/gyro/bench"
)

// group is one benchmark group of the registry.
type group struct {
	name, help string
	run        func(opt options) ([]*bench.Table, error)
}

type options struct {
	quick bool
	log   io.Writer // progress
}

// groups is the registry; later groups (autodiff, handlers, svi, nuts)
// register here.
var groups = map[string]group{}

func register(g group) { groups[g.name] = g }

func init() {
	register(group{
		name: "blas",
		help: "BLAS kernels (ddot, daxpy, dgemv, dgemm): gyro native and dispatch vs OpenBLAS (1 thread) and gonum",
		run: func(opt options) ([]*bench.Table, error) {
			t := bench.BLASTable(bench.BLASOptions{Quick: opt.quick, Progress: func(k, s string) {
				fmt.Fprintf(opt.log, "  %s %s…\n", k, s)
			}})
			return []*bench.Table{t}, nil
		},
	})
}

func names() []string {
	var ns []string
	for n := range groups {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gyrobench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "smaller sizes and fewer timing rounds (a smoke test, not figures to quote)")
	jsonOut := fs.String("json", "", "also write every figure as JSON to `FILE`")
	mdOut := fs.String("md", "", "also write the tables as Markdown to `FILE`")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gyrobench [-quick] [-json FILE] [-md FILE] group...\n\ngroups:\n")
		for _, n := range names() {
			fmt.Fprintf(stderr, "  %-10s %s\n", n, groups[n].help)
		}
		fmt.Fprintf(stderr, "  %-10s every group above\n\nflags:\n", "all")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	var todo []string
	for _, a := range fs.Args() {
		if a == "all" {
			todo = append(todo, names()...)
			continue
		}
		if _, ok := groups[a]; !ok {
			fmt.Fprintf(stderr, "gyrobench: unknown group %q (groups: %s, all)\n", a, strings.Join(names(), ", "))
			return 2
		}
		todo = append(todo, a)
	}
	if len(todo) == 0 {
		fmt.Fprintln(stderr, "gyrobench: no group given (try gyrobench -help)")
		return 2
	}
	if code, done := maybeReexec(stderr); done {
		return code
	}
	var tables []*bench.Table
	for _, name := range todo {
		fmt.Fprintf(stderr, "gyrobench: running %s\n", name)
		ts, err := groups[name].run(options{quick: *quick, log: stderr})
		if err != nil {
			fmt.Fprintf(stderr, "gyrobench: %s: %v\n", name, err)
			return 1
		}
		for _, t := range ts {
			t.WriteText(stdout)
			fmt.Fprintln(stdout)
		}
		tables = append(tables, ts...)
	}
	if *jsonOut != "" {
		if err := writeFile(*jsonOut, func(w io.Writer) error { return bench.WriteJSON(w, tables) }); err != nil {
			fmt.Fprintf(stderr, "gyrobench: %v\n", err)
			return 1
		}
	}
	if *mdOut != "" {
		if err := writeFile(*mdOut, func(w io.Writer) error {
			fmt.Fprintln(w, "# gyro benchmarks")
			fmt.Fprintln(w)
			for _, t := range tables {
				if err := t.WriteMarkdown(w); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			fmt.Fprintf(stderr, "gyrobench: %v\n", err)
			return 1
		}
	}
	return 0
}

func writeFile(name string, f func(io.Writer) error) error {
	out, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := f(out); err != nil {
		out.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return out.Close()
}
