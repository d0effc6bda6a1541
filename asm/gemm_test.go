package asm

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestGemmKernels runs every supported micro-kernel against DgemmKernelRef
// on random panels, with C embedded in a NaN-filled larger matrix to catch
// writes outside the tile.
func TestGemmKernels(t *testing.T) {
	kerns := GemmKernels()
	if len(kerns) == 0 {
		t.Fatal("no GEMM kernel available")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, g := range kerns {
		for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 64, 100, 255, 256, 301} {
			for _, extra := range []int{0, 3} {
				for _, alpha := range []float64{1, -0.5, 0, 2.25} {
					ldc := g.NR + extra
					rows := g.MR + 2 // one NaN row above and below
					buf := make([]float64, rows*ldc+2)
					for i := range buf {
						buf[i] = math.NaN()
					}
					off := ldc + 1
					want := make([]float64, len(buf))
					for i := 0; i < g.MR; i++ {
						for j := 0; j < g.NR; j++ {
							buf[off+i*ldc+j] = rng.NormFloat64()
						}
					}
					copy(want, buf)
					a := make([]float64, k*g.MR+1)
					b := make([]float64, k*g.NR+1)
					for i := range a {
						a[i] = rng.NormFloat64()
					}
					for i := range b {
						b[i] = rng.NormFloat64()
					}
					g.Compute(k, alpha, a[:k*g.MR], b[:k*g.NR], buf[off:], ldc)
					DgemmKernelRef(g.MR, g.NR, k, alpha, a, b, want[off:], ldc)
					for idx := range buf {
						got, w := buf[idx], want[idx]
						if math.IsNaN(w) {
							if !math.IsNaN(got) {
								t.Fatalf("%s k=%d ldc=%d: wrote outside the tile at %d", g.Name, k, ldc, idx)
							}
							continue
						}
						tol := 1e-13 * (1 + math.Abs(alpha)*float64(k)) * (1 + math.Abs(w))
						if math.Abs(got-w) > tol || math.IsNaN(got) {
							t.Fatalf("%s %dx%d k=%d alpha=%g: c[%d]=%v want %v", g.Name, g.MR, g.NR, k, alpha, idx-off, got, w)
						}
					}
				}
			}
		}
	}
}

func TestGemmKernelPanics(t *testing.T) {
	g := ActiveGemmKernel()
	mustPanic := func(name, msg string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil {
				t.Fatalf("%s: no panic", name)
			}
			if s, _ := r.(string); s != msg {
				t.Fatalf("%s: panic %q, want %q", name, r, msg)
			}
		}()
		f()
	}
	a := make([]float64, 3*g.MR)
	b := make([]float64, 3*g.NR)
	c := make([]float64, g.MR*g.NR)
	mustPanic("k", "asm: DgemmKernel: k < 0", func() { g.Compute(-1, 1, a, b, c, g.NR) })
	mustPanic("ldc", "asm: DgemmKernel: ldc < NR", func() { g.Compute(3, 1, a, b, c, g.NR-1) })
	mustPanic("a", "asm: DgemmKernel: short packed A panel", func() { g.Compute(4, 1, a, make([]float64, 4*g.NR), c, g.NR) })
	mustPanic("b", "asm: DgemmKernel: short packed B panel", func() { g.Compute(3, 1, a, b[:3*g.NR-1], c, g.NR) })
	mustPanic("c", "asm: DgemmKernel: short C tile", func() { g.Compute(3, 1, a, b, c[:len(c)-1], g.NR) })
}

func TestGemmActiveRegistered(t *testing.T) {
	act := Active("DgemmKernel")
	if act != ActiveGemmKernel().Name {
		t.Fatalf("registry says %q, active kernel is %q", act, ActiveGemmKernel().Name)
	}
	if GemmMR() != ActiveGemmKernel().MR || GemmNR() != ActiveGemmKernel().NR {
		t.Fatal("GemmMR/GemmNR disagree with the active kernel")
	}
	for _, g := range GemmKernels() {
		restore, err := Select("DgemmKernel", g.Name)
		if err != nil {
			t.Fatal(err)
		}
		if ActiveGemmKernel().Name != g.Name || GemmMR() != g.MR {
			t.Fatalf("Select(%s) did not switch the kernel", g.Name)
		}
		restore()
	}
}

func BenchmarkGemmKernel(b *testing.B) {
	for _, g := range GemmKernels() {
		for _, k := range []int{64, 256} {
			ap := make([]float64, k*g.MR)
			bp := make([]float64, k*g.NR)
			for i := range ap {
				ap[i] = 1.0 / float64(i+1)
			}
			for i := range bp {
				bp[i] = 1.0 / float64(i+2)
			}
			c := make([]float64, g.MR*g.NR)
			b.Run(g.Name+"/k="+strconv.Itoa(k), func(b *testing.B) {
				for b.Loop() {
					g.Compute(k, 1, ap, bp, c, g.NR)
				}
				flops := 2 * float64(g.MR*g.NR*k) * float64(b.N)
				b.ReportMetric(flops/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
			})
		}
	}
}
