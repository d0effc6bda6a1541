package native

import "gonum.org/v1/gonum/blas"

// Implementation is the native BLAS backend. The zero value is ready to use
// and the type has no state, so one value may be shared by any number of
// goroutines.
type Implementation struct{}

// Name returns "native".
func (Implementation) Name() string { return "native" }

func checkTrans(routine, arg string, t blas.Transpose) {
	if t != blas.NoTrans && t != blas.Trans && t != blas.ConjTrans {
		panic("native: " + routine + ": bad transpose " + arg)
	}
}

func checkUplo(routine string, ul blas.Uplo) {
	if ul != blas.Upper && ul != blas.Lower {
		panic("native: " + routine + ": bad uplo")
	}
}

func checkDiag(routine string, d blas.Diag) {
	if d != blas.Unit && d != blas.NonUnit {
		panic("native: " + routine + ": bad diag")
	}
}

func checkSide(routine string, s blas.Side) {
	if s != blas.Left && s != blas.Right {
		panic("native: " + routine + ": bad side")
	}
}

// checkLd panics unless the leading dimension ld is at least max(1, c).
// ldName is the argument's name ("lda"), cName the name of the column count
// used in the message ("k", "n", "m").
func checkLd(routine, ldName, cName string, ld, c int) {
	if ld < max(1, c) {
		panic("native: " + routine + ": " + ldName + " < " + cName)
	}
}

// checkLen panics if a is too short for an r×c matrix with leading
// dimension ld. Called after the quick returns for empty matrices.
func checkLen(routine, name string, a []float64, r, c, ld int) {
	if r > 0 && c > 0 && len(a) < (r-1)*ld+c {
		panic("native: " + routine + ": short " + name)
	}
}

// checkVec panics if x is too short for n elements with increment inc
// (inc != 0 is checked separately).
func checkVec(routine, name string, x []float64, n, inc int) {
	if n > 0 && len(x) < 1+(n-1)*abs(inc) {
		panic("native: " + routine + ": short " + name)
	}
}

func checkInc(routine, name string, inc int) {
	if inc == 0 {
		panic("native: " + routine + ": zero " + name)
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// start returns the index of the first element of an n-vector with
// increment inc, as BLAS lays out negative increments.
func start(n, inc int) int {
	if inc < 0 {
		return (1 - n) * inc
	}
	return 0
}
