package tensor

import (
	"fmt"
	"strings"
)

// MaxDims is the largest number of dimensions a tensor may have. Every
// routine in this package keeps its per-dimension bookkeeping in fixed-size
// arrays of this length on the stack, which is what makes the kernels
// allocation-free. Shapes with more dimensions are rejected with a
// *ShapeError by the error-returning helpers and with a panic by the raw
// kernels.
const MaxDims = 16

// ShapeError reports shapes that do not fit an operation: operands that do
// not broadcast, a destination of the wrong shape, an axis out of range, a
// data slice whose length does not match its shape, too many dimensions.
// Upper layers recover it with errors.As.
type ShapeError struct {
	Op     string  // the operation, e.g. "tensor.Add"
	Shapes [][]int // the shapes involved, in argument order (copies)
	Msg    string  // what is wrong
}

// Error formats the error as "Op: Msg (shapes [..] [..])".
func (e *ShapeError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if len(e.Shapes) > 0 {
		b.WriteString(" (shapes")
		for _, s := range e.Shapes {
			b.WriteByte(' ')
			b.WriteString(shapeString(s))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// shapeErr builds a *ShapeError, copying the shapes so that the error does
// not alias caller memory (arena shapes are reused).
func shapeErr(op, format string, args []any, shapes ...[]int) *ShapeError {
	cp := make([][]int, len(shapes))
	for i, s := range shapes {
		cp[i] = append([]int{}, s...)
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &ShapeError{Op: op, Shapes: cp, Msg: msg}
}

// newShapeError is shapeErr without format arguments.
func newShapeError(op, msg string, shapes ...[]int) *ShapeError {
	return shapeErr(op, msg, nil, shapes...)
}

// shapeString formats a shape as NumPy does a tuple, but with brackets: [2 3].
func shapeString(s []int) string {
	return fmt.Sprint(s)
}

// kernelPanic panics with a *ShapeError naming the routine, the problem and
// the shapes involved; the raw kernels use it for violated preconditions.
// It is only reached on the failure path, so the formatting costs nothing
// otherwise.
func kernelPanic(routine, msg string, shapes ...[]int) {
	panic(shapeErr("tensor."+routine, msg, nil, shapes...))
}
