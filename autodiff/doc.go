// Package autodiff is gyro's reverse-mode automatic differentiation tape.
// Nodes live in arenas reused across runs; values are small handles into the
// tape; Backward runs an op-code switch, with no closure or interface per
// node; scalars take a fast path with no tensor header.
package autodiff
