package blas_test

import (
	"os"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
	"github.com/gyro-ppl/gyro/blas/blastest"
)

// withEnv runs f with the routing chosen for GYRO_BLAS=env, then restores
// the routing of the real environment.
func withEnv(t *testing.T, env string, f func()) {
	t.Helper()
	defer blas.Choose(os.Getenv(blas.Env))
	blas.Choose(env)
	f()
}

func TestDispatchConformance(t *testing.T) {
	blastest.Test(t, blas.Dispatch{})
}

// TestDispatchMixed lowers every threshold so that the suite's sizes take
// both routes.
func TestDispatchMixed(t *testing.T) {
	if !blas.HaveOpenBLAS {
		t.Skip("OpenBLAS not compiled in: every call is native")
	}
	defer blas.Choose(os.Getenv(blas.Env))
	blas.Choose("")
	blas.SetAllCPU(40)
	blastest.TestWith(t, blas.Dispatch{}, blastest.Options{Short: true})
}

func TestForced(t *testing.T) {
	withEnv(t, "native", func() {
		forced, err := blas.Forced()
		_, dgemm, _ := blas.Limits()
		if forced != "native" || dgemm != blas.Never || err != nil {
			t.Errorf("GYRO_BLAS=native: forced %q, dgemm %v, err %v", forced, dgemm, err)
		}
	})
	withEnv(t, "bogus", func() {
		_, err := blas.Forced()
		ddot, _, _ := blas.Limits()
		if err == nil || !strings.Contains(err.Error(), `"bogus"`) || ddot != blas.Never || blas.Err() == nil {
			t.Errorf("GYRO_BLAS=bogus: err %v, ddot %v", err, ddot)
		}
		if d := blas.Describe(); !strings.Contains(d, "ERROR") {
			t.Errorf("Describe does not report the bad GYRO_BLAS:\n%s", d)
		}
	})
	withEnv(t, "openblas", func() {
		forced, err := blas.Forced()
		ddot, _, dgemmGPU := blas.Limits()
		if blas.HaveOpenBLAS {
			if forced != "openblas" || ddot != 0 || dgemmGPU != blas.Never {
				t.Errorf("GYRO_BLAS=openblas: forced %q, ddot %v", forced, ddot)
			}
			blastest.TestWith(t, blas.Dispatch{}, blastest.Options{Short: true})
		} else if err == nil {
			t.Error("GYRO_BLAS=openblas without OpenBLAS: no error")
		}
	})
	withEnv(t, "cuda", func() {
		forced, err := blas.Forced()
		if !blas.HaveGPU() && (err == nil || forced != "native") {
			t.Errorf("GYRO_BLAS=cuda without a device: forced %q, err %v", forced, err)
		}
	})
}

func TestNamed(t *testing.T) {
	for _, name := range []string{"dispatch", "native", "gonum", "openblas", "cuda"} {
		b, err := blas.Named(name)
		switch {
		case err != nil:
			if name == "openblas" && blas.HaveOpenBLAS || name != "openblas" && name != "cuda" {
				t.Errorf("Named(%q): %v", name, err)
			}
		case b.Name() != name:
			t.Errorf("Named(%q).Name() = %q", name, b.Name())
		}
	}
	if _, err := blas.Named("mkl"); err == nil {
		t.Error("Named(mkl) did not fail")
	}
}

func TestDescribe(t *testing.T) {
	d := blas.Describe()
	for _, want := range []string{"CPU", "native", "openblas", "cuda", "dgemm", "thresholds"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe lacks %q:\n%s", want, d)
		}
	}
	t.Log("\n" + d)
}

// TestDispatchAllocs checks that no routine allocates, on either route.
func TestDispatchAllocs(t *testing.T) {
	for _, n := range []int{8, 300} {
		x, y, a, b, c := make([]float64, n), make([]float64, n), make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for i := 0; i < n; i++ {
			a[i*n+i], b[i*n+i] = 2, 2
		}
		d := blas.Dispatch{}
		calls := map[string]func(){
			"Ddot":   func() { d.Ddot(n, x, 1, y, 1) },
			"Daxpy":  func() { d.Daxpy(n, 1, x, 1, y, 1) },
			"Dscal":  func() { d.Dscal(n, 1, x, 1) },
			"Dnrm2":  func() { d.Dnrm2(n, x, 1) },
			"Dasum":  func() { d.Dasum(n, x, 1) },
			"Idamax": func() { d.Idamax(n, x, 1) },
			"Dcopy":  func() { d.Dcopy(n, x, 1, y, 1) },
			"Dswap":  func() { d.Dswap(n, x, 1, y, 1) },
			"Dgemv":  func() { d.Dgemv(blas.NoTrans, n, n, 1, a, n, x, 1, 0, y, 1) },
			"Dger":   func() { d.Dger(n, n, 1, x, 1, y, 1, c, n) },
			"Dsymv":  func() { d.Dsymv(blas.Upper, n, 1, a, n, x, 1, 0, y, 1) },
			"Dtrmv":  func() { d.Dtrmv(blas.Upper, blas.NoTrans, blas.NonUnit, n, a, n, x, 1) },
			"Dtrsv":  func() { d.Dtrsv(blas.Upper, blas.NoTrans, blas.NonUnit, n, a, n, x, 1) },
			"Dgemm":  func() { d.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n) },
			"Dsyrk":  func() { d.Dsyrk(blas.Upper, blas.NoTrans, n, n, 1, a, n, 0, c, n) },
			"Dtrmm":  func() { d.Dtrmm(blas.Left, blas.Upper, blas.NoTrans, blas.NonUnit, n, n, 1, a, n, b, n) },
			"Dtrsm":  func() { d.Dtrsm(blas.Left, blas.Upper, blas.NoTrans, blas.NonUnit, n, n, 1, a, n, b, n) },
		}
		for name, f := range calls {
			f() // warm scratch pools
			if got := testing.AllocsPerRun(10, f); got != 0 {
				t.Errorf("%s n=%d: %v allocs per call", name, n, got)
			}
		}
	}
}

func BenchmarkDispatchOverhead(b *testing.B) {
	x, y := make([]float64, 16), make([]float64, 16)
	b.Run("backend=native/n=16", func(b *testing.B) {
		for b.Loop() {
			blas.NativeDdot(16, x, 1, y, 1)
		}
	})
	b.Run("backend=dispatch/n=16", func(b *testing.B) {
		for b.Loop() {
			blas.Ddot(16, x, 1, y, 1)
		}
	})
}
