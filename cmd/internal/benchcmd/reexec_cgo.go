//go:build cgo && !purego && unix

package benchcmd

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/gyro-ppl/gyro/blas/openblas"
)

// maybeReexec re-executes the program with OPENBLAS_CORETYPE set when
// OpenBLAS's core type does not match the CPU and the variable is unset.
// It returns done == false to carry on in this process.
func maybeReexec(prog string, stderr io.Writer) (code int, done bool) {
	msg := openblas.CoreMismatch()
	if msg == "" || os.Getenv("OPENBLAS_CORETYPE") != "" || os.Getenv("GYROBENCH_NO_REEXEC") != "" {
		return 0, false
	}
	i := strings.Index(msg, "OPENBLAS_CORETYPE=")
	if i < 0 {
		return 0, false
	}
	core := strings.Fields(msg[i+len("OPENBLAS_CORETYPE="):])[0]
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s; cannot re-execute (%v), carrying on\n", prog, msg, err)
		return 0, false
	}
	fmt.Fprintf(stderr, "%s: OpenBLAS core %q does not match the CPU: re-executing with OPENBLAS_CORETYPE=%s\n", prog, openblas.Corename(), core)
	env := append(os.Environ(), "OPENBLAS_CORETYPE="+core, "GYROBENCH_NO_REEXEC=1")
	err = syscall.Exec(exe, os.Args, env)
	fmt.Fprintf(stderr, "%s: re-exec failed (%v), carrying on with the mismatched core\n", prog, err)
	return 0, false
}
