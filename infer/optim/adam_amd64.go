//go:build !purego

package optim

import (
	"github.com/gyro-ppl/gyro/asm"
	"github.com/klauspost/cpuid/v2"
)

//go:noescape
func adamAVX2Body(x, g, m, v []float64, c *adamConsts)

// adamAVX2 runs the assembly body on the largest multiple of 4 elements and
// the generic twin on the rest.
func adamAVX2(x, g, m, v []float64, c *adamConsts) {
	n4 := len(x) &^ 3
	if n4 > 0 {
		adamAVX2Body(x[:n4], g[:n4], m[:n4], v[:n4], c)
	}
	if n4 < len(x) {
		adamGeneric(x[n4:], g[n4:len(x)], m[n4:len(x)], v[n4:len(x)], c)
	}
}

func init() {
	hasAVX2 := cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2)
	asm.Register("optim.Adam", asm.ImplGeneric, asm.PriorityGeneric, true, &adamKernel, adamGeneric)
	asm.Register("optim.Adam", asm.ImplAVX2, asm.PriorityAVX2, hasAVX2, &adamKernel, adamAVX2)
}
