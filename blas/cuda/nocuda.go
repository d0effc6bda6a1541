//go:build !cuda || !cgo

package cuda

// Available reports whether the cuBLAS backend is compiled in: false without
// -tags cuda (or without cgo).
const Available = false
