// Command gyro is gyro's front door: a NUTS demo, the benchmark suite, and
// the bundled example models.
//
// Usage:
//
//	gyro demo  [-out DIR] [-chains N] [-warmup N] [-samples N] [-seed N] [-plots=false]
//	gyro bench [-quick] [-json FILE] [-md FILE] [-stan FILE] [group ...]
//	gyro run   [-chains N] [-warmup N] [-samples N] [-seed N] [-out DIR] [-plots] [-data FILE] MODEL
//	gyro help  [command]
//
// demo samples the eight-schools model (non-centred) with NUTS, four chains
// in parallel, and prints Pyro's summary table, the sampler's diagnostics
// and timings, and writes trace, density and rank plots of mu and tau.
//
// bench runs the benchmark suite (groups blas, autodiff, handlers, svi,
// nuts; all by default) and prints each figure beside its reference and
// the ratio; see gyro bench -help.
//
// run samples a bundled model (gyro run -help lists them) and can write
// the draws as CmdStan CSV files, which ArviZ, cmdstanr and posterior read.
//
// Errors (an unknown command, model or flag, a missing or malformed data
// file, an output directory that cannot be written) are reported as one
// line on standard error with a non-zero exit status: 2 for bad usage, 1
// for everything else.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gyro-ppl/gyro/cmd/internal/benchcmd"
	"github.com/gyro-ppl/gyro/cmd/internal/cliflag"
)

// processStart is when the process started (close enough: package
// initialization), for the demo's time to first sample and total wall time.
var processStart = time.Now()

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands []command

func init() {
	commands = []command{
		{"demo", "sample the eight-schools model with NUTS (4 chains) and show the summary, diagnostics and plots", runDemo},
		{"bench", "run the benchmark suite: gyro's figures beside their references (blas, autodiff, handlers, svi, nuts)",
			func(_ context.Context, args []string, stdout, stderr io.Writer) int {
				return benchcmd.Run("gyro bench", args, stdout, stderr)
			}},
		{"run", "sample a bundled example model (eightschools, radon, logreg_breast_cancer, …) and write CmdStan CSV", runModel},
		{"help", "show help for gyro or for one command (gyro help run)", nil},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `gyro: Pyro-style probabilistic programming in Go — NUTS, SVI and effect handlers.

usage: gyro <command> [flags] [arguments]

commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-6s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Start with:
  gyro demo                 NUTS on eight schools in well under a second, with plots in ./gyro-demo
  gyro run radon -out runs  sample the Minnesota radon model, write CmdStan CSV into ./runs
  gyro bench nuts           time per gradient and ESS/s, gyro beside Stan

"gyro <command> -help" describes a command's flags.
`)
}

// run runs gyro with args and returns the exit status. It never panics: an
// unexpected panic is reported as one line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "gyro: internal error: %s (please report it, with GYRO_TRACEBACK=1 output)\n", cliflag.OneLine(fmt.Errorf("%v", p)))
			if os.Getenv("GYRO_TRACEBACK") != "" {
				stderr.Write(debug.Stack())
			}
			code = 3
		}
	}()
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return 0
		}
		if c, ok := lookup(args[1]); ok && c.run != nil {
			return c.run(ctx, []string{"-help"}, stdout, stderr)
		}
		fmt.Fprintf(stderr, "gyro help: unknown command %q (commands: %s)\n", args[1], commandNames())
		return 2
	}
	if strings.HasPrefix(name, "-") {
		fmt.Fprintf(stderr, "gyro: flag %s before the command: write gyro <command> %s (commands: %s)\n", name, name, commandNames())
		return 2
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "gyro: unknown command %q (commands: %s; see gyro -help)\n", name, commandNames())
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func commandNames() string {
	var ns []string
	for _, c := range commands {
		ns = append(ns, c.name)
	}
	return strings.Join(ns, ", ")
}
