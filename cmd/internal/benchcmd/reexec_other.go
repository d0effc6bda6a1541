//go:build !cgo || purego || !unix

package benchcmd

import "io"

// maybeReexec does nothing without OpenBLAS.
func maybeReexec(string, io.Writer) (int, bool) { return 0, false }
