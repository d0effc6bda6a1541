package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/gyro-ppl/gyro/blas"
)

// BLASKernel is one row of the BLAS comparison: a kernel at one size, as a
// closure factory so each backend gets the same inputs.
type BLASKernel struct {
	Kernel string  // "ddot", "dgemv N", …
	Size   string  // "n=4096", "1000x1000", …
	Flops  float64 // floating-point operations per call
	// Setup allocates the operands and returns the call to time.
	Setup func() func(b blas.Backend)
}

func randVec(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	v := make([]float64, n)
	for i := range v {
		v[i] = r.Float64()*2 - 1
	}
	return v
}

// BLASKernels returns the kernels and sizes of the BLAS comparison: ddot and
// daxpy at n = 16, 256, 4096, 1e6; dgemv N and T at 100×100, 1000×1000,
// 10000×50; dgemm at n = 8 … 1024 (square, NoTrans). quick drops the
// largest sizes.
func BLASKernels(quick bool) []BLASKernel {
	var ks []BLASKernel
	l1 := []int{16, 256, 4096, 1000000}
	if quick {
		l1 = []int{16, 256, 4096}
	}
	for _, n := range l1 {
		ks = append(ks, BLASKernel{"ddot", fmt.Sprintf("n=%d", n), 2 * float64(n), func() func(blas.Backend) {
			x, y := randVec(n, 1), randVec(n, 2)
			return func(b blas.Backend) { sink += b.Ddot(n, x, 1, y, 1) }
		}})
	}
	for _, n := range l1 {
		ks = append(ks, BLASKernel{"daxpy", fmt.Sprintf("n=%d", n), 2 * float64(n), func() func(blas.Backend) {
			x, y := randVec(n, 1), randVec(n, 2)
			return func(b blas.Backend) { b.Daxpy(n, 1e-12, x, 1, y, 1) }
		}})
	}
	for _, t := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		tn := map[blas.Transpose]string{blas.NoTrans: "N", blas.Trans: "T"}[t]
		for _, mn := range [][2]int{{100, 100}, {1000, 1000}, {10000, 50}} {
			m, n := mn[0], mn[1]
			ks = append(ks, BLASKernel{"dgemv " + tn, fmt.Sprintf("%dx%d", m, n), 2 * float64(m*n), func() func(blas.Backend) {
				a := randVec(m*n, 3)
				lx, ly := n, m
				if t == blas.Trans {
					lx, ly = m, n
				}
				x, y := randVec(lx, 4), randVec(ly, 5)
				return func(b blas.Backend) { b.Dgemv(t, m, n, 1, a, n, x, 1, 0, y, 1) }
			}})
		}
	}
	gs := []int{8, 16, 32, 64, 128, 256, 512, 1024}
	if quick {
		gs = []int{8, 16, 32, 64, 128, 256}
	}
	for _, n := range gs {
		ks = append(ks, BLASKernel{"dgemm", fmt.Sprintf("n=%d", n), 2 * float64(n) * float64(n) * float64(n), func() func(blas.Backend) {
			a, bb, c := randVec(n*n, 6), randVec(n*n, 7), randVec(n*n, 8)
			return func(b blas.Backend) { b.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n) }
		}})
	}
	return ks
}

var sink float64

// Timing is the result of timing one call.
type Timing struct {
	NsPerOp     float64 // median over the rounds
	AllocsPerOp float64
}

// TimeCalls times each of the calls (one per backend) in interleaved rounds:
// each round runs every call in a batch lasting about batch, and the
// per-call median over rounds is returned, so slow drifts in machine load
// hit all backends alike. singleThread[i] runs call i with GOMAXPROCS=1
// (for gonum, whose Dgemm is otherwise parallel).
func TimeCalls(calls []func(), singleThread []bool, rounds int, batch time.Duration) []Timing {
	reps := make([]int, len(calls))
	per := make([][]float64, len(calls))
	run := func(i, n int) time.Duration {
		if singleThread[i] {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		}
		st := time.Now()
		for j := 0; j < n; j++ {
			calls[i]()
		}
		return time.Since(st)
	}
	for i := range calls {
		calls[i]() // warm up (scratch pools, page faults)
		n := 1
		for {
			if d := run(i, n); d >= batch/4 || n >= 1<<24 {
				reps[i] = max(1, int(float64(n)*float64(batch)/float64(max(d, 1))))
				break
			}
			n *= 4
		}
	}
	for r := 0; r < rounds; r++ {
		for i := range calls {
			d := run(i, reps[i])
			per[i] = append(per[i], float64(d.Nanoseconds())/float64(reps[i]))
		}
	}
	out := make([]Timing, len(calls))
	for i := range calls {
		slices.Sort(per[i])
		out[i].NsPerOp = per[i][len(per[i])/2]
		out[i].AllocsPerOp = testing.AllocsPerRun(3, calls[i])
	}
	return out
}

// BLASBackends returns the backends of the comparison in column order:
// gyro native, gyro dispatch, OpenBLAS (when compiled in), gonum.
func BLASBackends() (bs []blas.Backend, missing []string) {
	for _, name := range []string{"native", "dispatch", "openblas", "gonum"} {
		b, err := blas.Named(name)
		if err != nil {
			missing = append(missing, err.Error())
			continue
		}
		bs = append(bs, b)
	}
	return bs, missing
}

// BLASOptions adjusts BLASTable.
type BLASOptions struct {
	Quick  bool          // smaller sizes, fewer rounds
	Rounds int           // timing rounds per kernel (default 7, quick 3)
	Batch  time.Duration // length of one timed batch (default 20 ms, quick 5 ms)
	// Progress, when set, is called before each kernel.
	Progress func(kernel, size string)
}

// BLASTable runs the BLAS comparison and returns it as a Table: for each
// kernel and size, the time and GFLOP/s of each backend and the speed
// ratios native/openblas, dispatch/openblas and native/gonum.
func BLASTable(opt BLASOptions) *Table {
	if opt.Rounds == 0 {
		opt.Rounds = map[bool]int{false: 7, true: 3}[opt.Quick]
	}
	if opt.Batch == 0 {
		opt.Batch = map[bool]time.Duration{false: 20 * time.Millisecond, true: 5 * time.Millisecond}[opt.Quick]
	}
	bs, missing := BLASBackends()
	t := &Table{
		Group:  "blas",
		Title:  "BLAS kernels: gyro native and dispatch vs OpenBLAS (1 thread) and gonum (pure Go, GOMAXPROCS=1)",
		Header: blas.Describe(),
		Notes: append([]string{
			"time: median ns per call over interleaved rounds; GF/s: 1e9 floating-point operations per second",
			"ratios are speed ratios (time of the second / time of the first): > 1 means the first is faster",
			fmt.Sprintf("rounds %d, batch %v; allocs/op of every call is checked (non-zero is flagged)", opt.Rounds, opt.Batch),
		}, missing...),
	}
	t.Columns = []string{"kernel", "size"}
	for _, b := range bs {
		t.Columns = append(t.Columns, b.Name()+" time", b.Name()+" GF/s")
	}
	idx := map[string]int{}
	for i, b := range bs {
		idx[b.Name()] = i
	}
	ratios := [][2]string{{"native", "openblas"}, {"dispatch", "openblas"}, {"native", "gonum"}}
	for _, r := range ratios {
		_, ok1 := idx[r[0]]
		_, ok2 := idx[r[1]]
		if ok1 && ok2 {
			t.Columns = append(t.Columns, r[0]+"/"+r[1])
		}
	}
	for _, k := range BLASKernels(opt.Quick) {
		if opt.Progress != nil {
			opt.Progress(k.Kernel, k.Size)
		}
		call := k.Setup()
		calls := make([]func(), len(bs))
		single := make([]bool, len(bs))
		for i, b := range bs {
			calls[i] = func() { call(b) }
			single[i] = b.Name() == "gonum"
		}
		tm := TimeCalls(calls, single, opt.Rounds, opt.Batch)
		row := []string{k.Kernel, k.Size}
		for i, b := range bs {
			gf := k.Flops / tm[i].NsPerOp
			cell := FormatNs(tm[i].NsPerOp)
			if tm[i].AllocsPerOp != 0 {
				cell += fmt.Sprintf(" (%g allocs!)", tm[i].AllocsPerOp)
			}
			row = append(row, cell, fmt.Sprintf("%.2f", gf))
			t.Records = append(t.Records, Record{Group: "blas", Name: k.Kernel, Size: k.Size, Impl: b.Name(),
				NsPerOp: tm[i].NsPerOp, GFLOPS: gf, AllocsPerOp: tm[i].AllocsPerOp})
		}
		for _, r := range ratios {
			i1, ok1 := idx[r[0]]
			i2, ok2 := idx[r[1]]
			if ok1 && ok2 {
				row = append(row, fmt.Sprintf("%.2fx", tm[i2].NsPerOp/tm[i1].NsPerOp))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// FormatNs formats a duration in nanoseconds with a unit that keeps three
// or four significant digits.
func FormatNs(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.1f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	}
	return fmt.Sprintf("%.2f s", ns/1e9)
}
