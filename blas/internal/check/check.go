// Package check holds the argument checks shared by gyro's BLAS backends
// (openblas, cuda and the dispatcher's own routines). Each check mirrors
// reference BLAS (and gonum's blas/gonum) semantics: the same conditions, in
// the same order, so that every backend panics on exactly the same calls. A
// failed check panics with a message of the form
//
//	blas: Dgemm: lda=2 < max(1, k=3)
//
// naming the routine and the offending argument.
//
// The checks are plain integer comparisons; the message is only formatted on
// the panic path, so a passing check costs nothing but the comparisons.
package check

import (
	"fmt"

	gblas "gonum.org/v1/gonum/blas"
)

// Panicf panics with "blas: <routine>: <formatted detail>".
func Panicf(routine, format string, args ...any) {
	panic(fmt.Sprintf("blas: %s: ", routine) + fmt.Sprintf(format, args...))
}

// NonNeg panics unless v >= 0; name is the argument's name ("n", "m", "k").
func NonNeg(routine, name string, v int) {
	if v < 0 {
		Panicf(routine, "%s=%d < 0", name, v)
	}
}

// Inc panics when inc is zero; name is "incX" or "incY".
func Inc(routine, name string, inc int) {
	if inc == 0 {
		Panicf(routine, "%s=0", name)
	}
}

// Vec panics when a vector of n elements with stride inc does not fit in a
// slice of length l. n must be > 0.
func Vec(routine, name string, n, inc, l int) {
	if inc < 0 {
		inc = -inc
	}
	if (n-1)*inc >= l {
		Panicf(routine, "len(%s)=%d < 1+(n-1)*|inc|=%d", name, l, 1+(n-1)*inc)
	}
}

// Ld panics unless ld >= max(1, cols); name is "lda", "ldb" or "ldc" and
// what names cols in the message ("n", "k", "m").
func Ld(routine, name string, ld, cols int, what string) {
	if ld < max(1, cols) {
		Panicf(routine, "%s=%d < max(1, %s=%d)", name, ld, what, cols)
	}
}

// Mat panics when a rows×cols row-major matrix with leading dimension ld does
// not fit in a slice of length l. rows and cols must be > 0.
func Mat(routine, name string, rows, cols, ld, l int) {
	if need := (rows-1)*ld + cols; l < need {
		Panicf(routine, "len(%s)=%d < (rows-1)*ld+cols=%d", name, l, need)
	}
}

// Trans panics unless t is NoTrans, Trans or ConjTrans; name is "tA", "tB" or "t".
func Trans(routine, name string, t gblas.Transpose) {
	switch t {
	case gblas.NoTrans, gblas.Trans, gblas.ConjTrans:
	default:
		Panicf(routine, "%s=%d is not a Transpose", name, int(t))
	}
}

// Uplo panics unless ul is Upper or Lower.
func Uplo(routine string, ul gblas.Uplo) {
	if ul != gblas.Upper && ul != gblas.Lower {
		Panicf(routine, "ul=%d is not Upper or Lower", int(ul))
	}
}

// Diag panics unless d is Unit or NonUnit.
func Diag(routine string, d gblas.Diag) {
	if d != gblas.Unit && d != gblas.NonUnit {
		Panicf(routine, "d=%d is not Unit or NonUnit", int(d))
	}
}

// Side panics unless s is Left or Right.
func Side(routine string, s gblas.Side) {
	if s != gblas.Left && s != gblas.Right {
		Panicf(routine, "s=%d is not Left or Right", int(s))
	}
}

// Int32 panics when v does not fit in a C int (LP64 BLAS libraries take
// 32-bit sizes, strides and leading dimensions).
func Int32(routine, name string, v int) {
	if v > 1<<31-1 || v < -(1<<31) {
		Panicf(routine, "%s=%d does not fit in a 32-bit BLAS integer", name, v)
	}
}
