package check

import (
	"fmt"
	"strings"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
)

func panicMsg(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return "<nil>"
}

func TestMessages(t *testing.T) {
	for _, c := range []struct {
		f    func()
		want string
	}{
		{func() { NonNeg("Ddot", "n", -1) }, "blas: Ddot: n=-1 < 0"},
		{func() { Inc("Daxpy", "incY", 0) }, "blas: Daxpy: incY=0"},
		{func() { Vec("Ddot", "x", 5, -2, 8) }, "blas: Ddot: len(x)=8 < 1+(n-1)*|inc|=9"},
		{func() { Ld("Dgemm", "lda", 2, 3, "k") }, "blas: Dgemm: lda=2 < max(1, k=3)"},
		{func() { Mat("Dgemm", "c", 2, 3, 4, 6) }, "blas: Dgemm: len(c)=6 < (rows-1)*ld+cols=7"},
		{func() { Trans("Dgemv", "tA", gblas.Transpose(0)) }, "blas: Dgemv: tA=0 is not a Transpose"},
		{func() { Uplo("Dsymv", gblas.Uplo(0)) }, "blas: Dsymv: ul=0 is not Upper or Lower"},
		{func() { Diag("Dtrmv", gblas.Diag(0)) }, "blas: Dtrmv: d=0 is not Unit or NonUnit"},
		{func() { Side("Dtrsm", gblas.Side(0)) }, "blas: Dtrsm: s=0 is not Left or Right"},
		{func() { Int32("Dgemm", "m", 1<<31) }, "blas: Dgemm: m=2147483648 does not fit"},
	} {
		if got := panicMsg(c.f); !strings.HasPrefix(got, c.want) {
			t.Errorf("panic %q, want prefix %q", got, c.want)
		}
	}
	// Passing checks do not panic.
	for _, f := range []func(){
		func() { NonNeg("Ddot", "n", 0) },
		func() { Vec("Ddot", "x", 5, -2, 9) },
		func() { Ld("Dgemm", "lda", 1, 0, "k") },
		func() { Mat("Dgemm", "c", 2, 3, 4, 7) },
		func() { Trans("Dgemv", "tA", gblas.ConjTrans) },
		func() { Int32("Dgemm", "m", 1<<31-1) },
	} {
		if got := panicMsg(f); got != "<nil>" {
			t.Errorf("unexpected panic %q", got)
		}
	}
}
