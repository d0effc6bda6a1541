//go:build !cgo || purego

package openblas

// Available reports whether the OpenBLAS backend is compiled in. It is false
// in builds without cgo or with the purego tag.
const Available = false
