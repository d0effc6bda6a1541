//go:build !purego

package asm

import "testing"

// BenchmarkDispatch compares the func-variable dispatch used by the
// exported kernels with a direct call of the same assembly at n=16.
func BenchmarkDispatch(b *testing.B) {
	x, y := benchVec(16), benchVec(16)
	restore, err := Select("DdotUnitary", ImplAVX2)
	if err != nil {
		b.Skip(err)
	}
	defer restore()
	b.Run("funcvar", func(b *testing.B) {
		for b.Loop() {
			sink = DdotUnitary(x, y)
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			sink = ddotUnitaryAVX2(x, y)
		}
	})
	b.Run("branch", func(b *testing.B) {
		for b.Loop() {
			if hasAVX2 {
				sink = ddotUnitaryAVX2(x, y)
			} else {
				sink = ddotUnitaryGeneric(x, y)
			}
		}
	})
}
