//go:build !purego

package asm

import (
	"math"

	"github.com/klauspost/cpuid/v2"
)

// CPU capabilities, detected once.
var (
	hasAVX2   = cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3)
	hasAVX512 = hasAVX2 && cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512VL)
)

// Assembly kernels (level1_amd64.s). Each has the same contract as its
// generic twin; slices are not bounds-checked here.

//go:noescape
func ddotUnitaryAVX2(x, y []float64) float64

//go:noescape
func ddotUnitaryAVX512(x, y []float64) float64

//go:noescape
func daxpyUnitaryAVX2(alpha float64, x, y []float64)

//go:noescape
func daxpyUnitaryAVX512(alpha float64, x, y []float64)

//go:noescape
func daxpyUnitaryToAVX2(dst []float64, alpha float64, x, y []float64)

//go:noescape
func daxpyUnitaryToAVX512(dst []float64, alpha float64, x, y []float64)

//go:noescape
func dscalUnitaryAVX2(alpha float64, x []float64)

//go:noescape
func dscalUnitaryAVX512(alpha float64, x []float64)

//go:noescape
func dasumUnitaryAVX2(x []float64) float64

//go:noescape
func dasumUnitaryAVX512(x []float64) float64

// amaxUnitary* return max |x[i]| ignoring NaN (0 for empty x).
//
//go:noescape
func amaxUnitaryAVX2(x []float64) float64

//go:noescape
func amaxUnitaryAVX512(x []float64) float64

// sumSqScaled* return sum (s*x[i])^2.
//
//go:noescape
func sumSqScaledAVX2(x []float64, s float64) float64

//go:noescape
func sumSqScaledAVX512(x []float64, s float64) float64

// absEqFirstAVX2 returns the first i with |x[i]| == m, or len(x).
//
//go:noescape
func absEqFirstAVX2(x []float64, m float64) int

func dnrm2UnitaryAVX2(x []float64) float64 {
	s := nrm2Scale(amaxUnitaryAVX2(x))
	return math.Sqrt(sumSqScaledAVX2(x, s)) / s
}

func dnrm2UnitaryAVX512(x []float64) float64 {
	s := nrm2Scale(amaxUnitaryAVX512(x))
	return math.Sqrt(sumSqScaledAVX512(x, s)) / s
}

// idamax in two passes: the NaN-ignoring maximum, then the first element
// equal to it. This reproduces the sequential BLAS scan exactly (see
// IdamaxUnitary), including the x[0]-is-NaN rule.
func idamaxUnitaryAVX2(x []float64) int {
	if len(x) == 0 {
		return -1
	}
	if x[0] != x[0] {
		return 0
	}
	return absEqFirstAVX2(x, amaxUnitaryAVX2(x))
}

func idamaxUnitaryAVX512(x []float64) int {
	if len(x) == 0 {
		return -1
	}
	if x[0] != x[0] {
		return 0
	}
	return absEqFirstAVX2(x, amaxUnitaryAVX512(x))
}

func init() {
	a2, p2 := ImplAVX2, PriorityAVX2
	a5, p5 := ImplAVX512, PriorityAVX512
	Register("DdotUnitary", a2, p2, hasAVX2, &ddotUnitary, ddotUnitaryAVX2)
	Register("DdotUnitary", a5, p5, hasAVX512, &ddotUnitary, ddotUnitaryAVX512)
	Register("DaxpyUnitary", a2, p2, hasAVX2, &daxpyUnitary, daxpyUnitaryAVX2)
	Register("DaxpyUnitary", a5, p5, hasAVX512, &daxpyUnitary, daxpyUnitaryAVX512)
	Register("DaxpyUnitaryTo", a2, p2, hasAVX2, &daxpyUnitaryTo, daxpyUnitaryToAVX2)
	Register("DaxpyUnitaryTo", a5, p5, hasAVX512, &daxpyUnitaryTo, daxpyUnitaryToAVX512)
	Register("DscalUnitary", a2, p2, hasAVX2, &dscalUnitary, dscalUnitaryAVX2)
	Register("DscalUnitary", a5, p5, hasAVX512, &dscalUnitary, dscalUnitaryAVX512)
	Register("DasumUnitary", a2, p2, hasAVX2, &dasumUnitary, dasumUnitaryAVX2)
	Register("DasumUnitary", a5, p5, hasAVX512, &dasumUnitary, dasumUnitaryAVX512)
	Register("Dnrm2Unitary", a2, p2, hasAVX2, &dnrm2Unitary, dnrm2UnitaryAVX2)
	Register("Dnrm2Unitary", a5, p5, hasAVX512, &dnrm2Unitary, dnrm2UnitaryAVX512)
	Register("IdamaxUnitary", a2, p2, hasAVX2, &idamaxUnitary, idamaxUnitaryAVX2)
	Register("IdamaxUnitary", a5, p5, hasAVX512, &idamaxUnitary, idamaxUnitaryAVX512)
}
