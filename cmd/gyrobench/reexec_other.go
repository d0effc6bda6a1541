//go:build !cgo || purego || !unix

package main

import "io"

// maybeReexec does nothing without OpenBLAS.
func maybeReexec(io.Writer) (int, bool) { return 0, false }
