// Package cliflag parses the command lines of gyro's commands: flags may
// come before, between or after the positional arguments, and a bad flag is
// one line of error, not the flag package's usage dump.
package cliflag

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// ErrHelp is returned when -h, -help or --help was given.
var ErrHelp = flag.ErrHelp

// Parse parses args with fs, allowing flags anywhere among the positional
// arguments ("--" ends flag parsing), and returns the positional arguments.
// fs's own output is silenced: errors come back as one-line errors that
// name the flag, and -help as ErrHelp.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ErrHelp
			}
			return nil, errors.New(strings.TrimSpace(strings.SplitN(err.Error(), "\n", 2)[0]))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at the first positional argument, or after "--".
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// Defaults returns fs's flags as PrintDefaults would print them.
func Defaults(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// OneLine flattens an error message onto one line.
func OneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(fmt.Sprint(err), "\n", " ")), " ")
}
