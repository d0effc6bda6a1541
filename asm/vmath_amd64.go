//go:build !purego

package asm

// AVX-512 vector math (vmath_amd64.s). Same contract as the generic twins;
// slices are not bounds-checked here (the exported wrappers check
// len(dst) >= len(x)).

//go:noescape
func expAVX512(dst, x []float64)

//go:noescape
func logAVX512(dst, x []float64)

//go:noescape
func log1pAVX512(dst, x []float64)

//go:noescape
func softplusAVX512(dst, x []float64)

//go:noescape
func sigmoidAVX512(dst, x []float64)

func init() {
	a5, p5 := ImplAVX512, PriorityAVX512
	Register("Exp", a5, p5, hasAVX512, &expKernel, expAVX512)
	Register("Log", a5, p5, hasAVX512, &logKernel, logAVX512)
	Register("Log1p", a5, p5, hasAVX512, &log1pKernel, log1pAVX512)
	Register("Softplus", a5, p5, hasAVX512, &softplusKernel, softplusAVX512)
	Register("Sigmoid", a5, p5, hasAVX512, &sigmoidKernel, sigmoidAVX512)
}
