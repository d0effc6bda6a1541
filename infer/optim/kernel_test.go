package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gyro-ppl/gyro/asm"
)

// Every implementation of the Adam element kernel gives the same bits as
// the generic twin, for odd lengths, unaligned starts, with and without
// weight decay and clamping.
func TestAdamKernelImplsAgree(t *testing.T) {
	impls := asm.ImplsOf("optim.Adam")
	if len(impls) == 0 {
		// purego builds register nothing: adamKernel is the generic twin.
		t.Logf("no registered implementations; generic only")
	}
	t.Logf("implementations: %+v", impls)
	rng := rand.New(rand.NewPCG(1, 2))
	consts := []adamConsts{
		{b1: 0.9, a1: 0.1, b2: 0.999, a2: 1 - 0.999, negStep: -0.05, bc2s: 0.3, eps: 1e-8, lo: math.Inf(-1), hi: math.Inf(1)},
		{b1: 0.8, a1: 1 - 0.8, b2: 0.95, a2: 1 - 0.95, wd: 0.1, negStep: -0.2, bc2s: 0.7, eps: 1e-6, lo: math.Inf(-1), hi: math.Inf(1)},
		{b1: 0.9, a1: 0.1, b2: 0.99, a2: 1 - 0.99, wd: 0.01, negStep: -0.01, bc2s: 1, eps: 1e-8, lo: -0.5, hi: 0.5},
		{b1: 0.9, a1: 0.1, b2: 0.99, a2: 1 - 0.99, wd: math.Copysign(0, -1), negStep: -0.01, bc2s: 1, eps: 1e-8, lo: -2, hi: 2},
	}
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1001} {
		for off := 0; off < 2; off++ {
			for ci := range consts {
				mk := func(scale float64) []float64 {
					s := make([]float64, n+off)
					for i := range s {
						s[i] = scale * rng.NormFloat64()
					}
					return s
				}
				x0, g0, m0, v0 := mk(1), mk(2), mk(0.1), mk(0.1)
				for i := range v0 {
					v0[i] = math.Abs(v0[i])
				}
				if n > 2 {
					g0[off] = math.Copysign(0, -1)
				}
				run := func(f func(x, g, m, v []float64, c *adamConsts)) (x, m, v []float64) {
					x = append([]float64(nil), x0...)
					m = append([]float64(nil), m0...)
					v = append([]float64(nil), v0...)
					for rep := 0; rep < 3; rep++ {
						f(x[off:], g0[off:], m[off:], v[off:], &consts[ci])
					}
					return
				}
				wx, wm, wv := run(adamGeneric)
				for _, im := range impls {
					if !im.Supported {
						continue
					}
					restore, err := asm.Select("optim.Adam", im.Name)
					if err != nil {
						t.Fatal(err)
					}
					gx, gm, gv := run(adamKernel)
					restore()
					for i := range wx {
						if math.Float64bits(gx[i]) != math.Float64bits(wx[i]) ||
							math.Float64bits(gm[i]) != math.Float64bits(wm[i]) ||
							math.Float64bits(gv[i]) != math.Float64bits(wv[i]) {
							t.Fatalf("%s n=%d off=%d consts %d index %d: x %v/%v m %v/%v v %v/%v",
								im.Name, n, off, ci, i, gx[i], wx[i], gm[i], wm[i], gv[i], wv[i])
						}
					}
				}
			}
		}
	}
}
