package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCalibrate measures, routine by routine, the size from which OpenBLAS
// (cgo call included) is faster than the native backend, and prints the
// thresholds to put in select.go's measured table. It runs only when
// GYRO_BLAS_CALIBRATE=1 (about a minute):
//
//	OPENBLAS_CORETYPE=SkylakeX GYRO_BLAS_CALIBRATE=1 go test -run TestCalibrate -v ./blas/
//
// Method: for each size, the two backends are timed alternately, 7 rounds
// of a batch of calls lasting ≥ 1 ms each; the per-call medians are
// compared. The threshold is the split point (calls below it native, at or
// above it OpenBLAS) that minimises the summed log-slowdown relative to the
// faster backend over all sizes tried; near-ties keep calls native. "never"
// means native is as fast overall.
func TestCalibrate(t *testing.T) {
	if os.Getenv("GYRO_BLAS_CALIBRATE") != "1" {
		t.Skip("set GYRO_BLAS_CALIBRATE=1 to measure the dispatch thresholds")
	}
	if !haveOpenBLAS {
		t.Skip("OpenBLAS not compiled in")
	}
	only := os.Getenv("GYRO_BLAS_CALIBRATE_ONLY")
	r := rand.New(rand.NewPCG(1, 2))
	vec := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.Float64() - 0.5
		}
		return v
	}
	spd := func(n int) []float64 { // diagonally dominant: safe for solves
		a := vec(n * n)
		for i := 0; i < n; i++ {
			a[i*n+i] = float64(n)
		}
		return a
	}
	l1 := []int{16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20}
	l2 := []int{8, 16, 32, 64, 128, 256, 512, 1024, 2000}
	l3 := []int{4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512}
	type routine struct {
		name  string
		sizes []int
		size  func(n int) int // the routing measure
		setup func(n int) func(b Backend)
	}
	rs := []routine{
		{"ddot", l1, id, func(n int) func(Backend) {
			x, y := vec(n), vec(n)
			return func(b Backend) { b.Ddot(n, x, 1, y, 1) }
		}},
		{"daxpy", l1, id, func(n int) func(Backend) {
			x, y := vec(n), vec(n)
			return func(b Backend) { b.Daxpy(n, 1e-9, x, 1, y, 1) }
		}},
		{"dscal", l1, id, func(n int) func(Backend) {
			x := vec(n)
			return func(b Backend) { b.Dscal(n, 1.0000001, x, 1) } // OpenBLAS returns at once for alpha == 1
		}},
		{"dnrm2", l1, id, func(n int) func(Backend) {
			x := vec(n)
			return func(b Backend) { b.Dnrm2(n, x, 1) }
		}},
		{"dasum", l1, id, func(n int) func(Backend) {
			x := vec(n)
			return func(b Backend) { b.Dasum(n, x, 1) }
		}},
		{"idamax", l1, id, func(n int) func(Backend) {
			x := vec(n)
			return func(b Backend) { b.Idamax(n, x, 1) }
		}},
		{"dcopy", l1, id, func(n int) func(Backend) {
			x, y := vec(n), vec(n)
			return func(b Backend) { b.Dcopy(n, x, 1, y, 1) }
		}},
		{"dswap", l1, id, func(n int) func(Backend) {
			x, y := vec(n), vec(n)
			return func(b Backend) { b.Dswap(n, x, 1, y, 1) }
		}},
		{"dgemv", l2, sq, func(n int) func(Backend) {
			a, x, y := vec(n*n), vec(n), vec(n)
			return func(b Backend) { b.Dgemv(NoTrans, n, n, 1, a, n, x, 1, 0, y, 1) }
		}},
		{"dger", l2, sq, func(n int) func(Backend) {
			a, x, y := vec(n*n), vec(n), vec(n)
			return func(b Backend) { b.Dger(n, n, 1e-9, x, 1, y, 1, a, n) }
		}},
		{"dsymv", l2, sq, func(n int) func(Backend) {
			a, x, y := vec(n*n), vec(n), vec(n)
			return func(b Backend) { b.Dsymv(Upper, n, 1, a, n, x, 1, 0, y, 1) }
		}},
		{"dtrmv", l2, sq, func(n int) func(Backend) {
			a, x := spd(n), vec(n)
			return func(b Backend) { b.Dtrmv(Upper, NoTrans, Unit, n, a, n, x, 1) }
		}},
		{"dtrsv", l2, sq, func(n int) func(Backend) {
			a, x := spd(n), vec(n)
			return func(b Backend) { b.Dtrsv(Upper, NoTrans, Unit, n, a, n, x, 1) }
		}},
		{"dgemm", l3, cube, func(n int) func(Backend) {
			a, bb, c := vec(n*n), vec(n*n), vec(n*n)
			return func(b Backend) { b.Dgemm(NoTrans, NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n) }
		}},
		{"dsyrk", l3, cube, func(n int) func(Backend) {
			a, c := vec(n*n), vec(n*n)
			return func(b Backend) { b.Dsyrk(Lower, NoTrans, n, n, 1, a, n, 0, c, n) }
		}},
		{"dtrmm", l3, cube, func(n int) func(Backend) {
			a, bb := spd(n), vec(n*n)
			return func(b Backend) { b.Dtrmm(Left, Lower, NoTrans, NonUnit, n, n, 1, a, n, bb, n) }
		}},
		{"dtrsm", l3, cube, func(n int) func(Backend) {
			a, bb := spd(n), vec(n*n)
			return func(b Backend) { b.Dtrsm(Left, Lower, NoTrans, NonUnit, n, n, 1, a, n, bb, n) }
		}},
	}
	var out strings.Builder
	for _, rt := range rs {
		if only != "" && !strings.Contains(","+only+",", ","+rt.name+",") {
			continue
		}
		type row struct {
			n, size int
			nat, ob float64
		}
		var rows []row
		for _, n := range rt.sizes {
			call := rt.setup(n)
			tn, to := race(func() { call(nat) }, func() { call(big) })
			rows = append(rows, row{n, rt.size(n), tn, to})
			t.Logf("%-7s n=%-8d native %10.1f ns  openblas %10.1f ns  ratio native/openblas %.2f", rt.name, n, tn, to, tn/to)
		}
		// Choose the split that minimises the summed log-slowdown over the
		// sizes tried (calls below it native, at or above it OpenBLAS);
		// ties and near-ties (< 0.02) go to the larger threshold, so noise
		// near parity keeps calls native.
		cost := func(k int) float64 {
			c := 0.0
			for i, rw := range rows {
				best := math.Min(rw.nat, rw.ob)
				if i < k {
					c += math.Log(rw.nat / best)
				} else {
					c += math.Log(rw.ob / best)
				}
			}
			return c
		}
		bestK, bestC := len(rows), cost(len(rows))
		for k := len(rows) - 1; k >= 0; k-- {
			if c := cost(k); c < bestC-0.02 {
				bestK, bestC = k, c
			}
		}
		thrS := "never"
		if bestK < len(rows) {
			thrS = fmt.Sprint(rows[bestK].size)
		}
		fmt.Fprintf(&out, "%s: %s\n", rt.name, thrS)
	}
	t.Logf("thresholds (routing measure):\n%s", out.String())
}

func id(n int) int   { return n }
func sq(n int) int   { return n * n }
func cube(n int) int { return n * n * n }

// race times f and g alternately and returns their median per-call times in
// nanoseconds.
func race(f, g func()) (float64, float64) {
	f()
	g()
	reps := 1
	for {
		st := time.Now()
		for i := 0; i < reps; i++ {
			f()
		}
		if time.Since(st) > time.Millisecond || reps > 1<<20 {
			break
		}
		reps *= 2
	}
	var tf, tg []float64
	for round := 0; round < 7; round++ {
		for j, h := range []func(){f, g} {
			st := time.Now()
			for i := 0; i < reps; i++ {
				h()
			}
			per := float64(time.Since(st).Nanoseconds()) / float64(reps)
			if j == 0 {
				tf = append(tf, per)
			} else {
				tg = append(tg, per)
			}
		}
	}
	slices.Sort(tf)
	slices.Sort(tg)
	return tf[len(tf)/2], tg[len(tg)/2]
}
