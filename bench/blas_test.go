package bench

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
	"github.com/gyro-ppl/gyro/blas/blastest"
)

// BLAS benchmarks for every backend compiled in, with benchstat-friendly
// names, for example
//
//	OPENBLAS_CORETYPE=SkylakeX go test -run '^$' -bench 'Dgemm/.*/n=512' -benchmem -count 5 ./bench/
//
// reports BenchmarkDgemm/backend=native/n=512 … with ns/op, GFLOP/s, B/op
// and allocs/op. gonum's Dgemm is parallel; run with -cpu 1 to compare
// single-threaded figures.

func backends(b *testing.B) []blas.Backend {
	bs, missing := BLASBackends()
	for _, m := range missing {
		b.Log("skipped: " + m)
	}
	return bs
}

func BenchmarkDdot(b *testing.B) {
	for _, impl := range backends(b) {
		for _, n := range []int{16, 256, 4096, 1000000} {
			b.Run(fmt.Sprintf("backend=%s/n=%d", impl.Name(), n), func(b *testing.B) { blastest.BenchmarkDdot(b, impl, n) })
		}
	}
}

func BenchmarkDaxpy(b *testing.B) {
	for _, impl := range backends(b) {
		for _, n := range []int{16, 256, 4096, 1000000} {
			b.Run(fmt.Sprintf("backend=%s/n=%d", impl.Name(), n), func(b *testing.B) { blastest.BenchmarkDaxpy(b, impl, n) })
		}
	}
}

func BenchmarkDgemv(b *testing.B) {
	for _, impl := range backends(b) {
		for _, t := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, mn := range [][2]int{{100, 100}, {1000, 1000}, {10000, 50}} {
				name := fmt.Sprintf("backend=%s/t=%s/size=%dx%d", impl.Name(), map[blas.Transpose]string{blas.NoTrans: "N", blas.Trans: "T"}[t], mn[0], mn[1])
				b.Run(name, func(b *testing.B) { blastest.BenchmarkDgemv(b, impl, t, mn[0], mn[1]) })
			}
		}
	}
}

func BenchmarkDgemm(b *testing.B) {
	for _, impl := range backends(b) {
		for _, n := range []int{8, 16, 32, 64, 128, 256, 512, 1024} {
			b.Run(fmt.Sprintf("backend=%s/n=%d", impl.Name(), n), func(b *testing.B) { blastest.BenchmarkDgemm(b, impl, n) })
		}
	}
}

// TestBLASTableQuick runs the gyrobench blas group on small sizes, checking
// the table's shape and that no backend allocates.
func TestBLASTableQuick(t *testing.T) {
	tb := BLASTable(BLASOptions{Quick: true, Rounds: 1, Batch: 200_000})
	if len(tb.Rows) != len(BLASKernels(true)) {
		t.Fatalf("%d rows for %d kernels", len(tb.Rows), len(BLASKernels(true)))
	}
	for _, r := range tb.Records {
		if r.AllocsPerOp != 0 && r.Impl != "gonum" { // gonum's parallel Dgemm allocates
			t.Errorf("%s %s on %s: %v allocs per call", r.Name, r.Size, r.Impl, r.AllocsPerOp)
		}
		if !(r.NsPerOp > 0) {
			t.Errorf("%s %s on %s: time %v", r.Name, r.Size, r.Impl, r.NsPerOp)
		}
	}
	var sb strings.Builder
	if err := tb.WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), "dgemm") || !strings.Contains(sb.String(), "native/gonum") {
		t.Errorf("text table lacks expected columns:\n%s", sb.String())
	}
	if testing.Verbose() {
		tb.WriteText(os.Stdout)
	}
	sb.Reset()
	if err := tb.WriteMarkdown(&sb); err != nil || !strings.Contains(sb.String(), "| kernel | size |") {
		t.Errorf("markdown: %v\n%s", err, sb.String())
	}
	sb.Reset()
	if err := WriteJSON(&sb, []*Table{tb}); err != nil || !strings.Contains(sb.String(), `"ns_per_op"`) {
		t.Errorf("json: %v", err)
	}
}
