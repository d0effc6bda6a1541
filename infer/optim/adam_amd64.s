// AVX2 body of the Adam element update (see adamKernel in kernel.go): four
// doubles per iteration, the same operations in the same order as the
// generic twin (no FMA), so both give identical bits. len(x) must be a
// multiple of 4; g, m and v at least as long.

//go:build !purego

#include "textflag.h"

// func adamAVX2Body(x, g, m, v []float64, c *adamConsts)
TEXT ·adamAVX2Body(SB), NOSPLIT, $0-104
	MOVQ x_base+0(FP), DI
	MOVQ x_len+8(FP), BX
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), DX
	MOVQ v_base+72(FP), CX
	MOVQ c+96(FP), R8
	VBROADCASTSD 0(R8), Y8    // b1
	VBROADCASTSD 8(R8), Y9    // a1
	VBROADCASTSD 16(R8), Y10  // b2
	VBROADCASTSD 24(R8), Y11  // a2
	VBROADCASTSD 32(R8), Y12  // wd
	VBROADCASTSD 40(R8), Y13  // negStep
	VBROADCASTSD 48(R8), Y14  // bc2s
	VBROADCASTSD 56(R8), Y15  // eps
	VBROADCASTSD 64(R8), Y6   // lo
	VBROADCASTSD 72(R8), Y7   // hi
	XORQ AX, AX
	MOVQ 32(R8), R9           // wd bits; wd == 0 (either sign) iff bits<<1 == 0
	SHLQ $1, R9
	TESTQ R9, R9
	JNZ  wdloop

loop:
	CMPQ AX, BX
	JGE  done
	VMOVUPD (SI)(AX*8), Y0    // g
	VMAXPD  Y6, Y0, Y0        // max(g, lo)
	VMINPD  Y7, Y0, Y0        // min(., hi)
	VMOVUPD (DI)(AX*8), Y5    // x
	JMP  body

wdloop:
	CMPQ AX, BX
	JGE  done
	VMOVUPD (SI)(AX*8), Y0
	VMAXPD  Y6, Y0, Y0
	VMINPD  Y7, Y0, Y0
	VMOVUPD (DI)(AX*8), Y5
	VMULPD  Y12, Y5, Y1       // wd*x
	VADDPD  Y1, Y0, Y0        // g + wd*x

body:
	VMOVUPD (DX)(AX*8), Y1    // m
	VMULPD  Y8, Y1, Y1        // m*b1
	VMULPD  Y9, Y0, Y2        // a1*g
	VADDPD  Y2, Y1, Y1        // m
	VMOVUPD Y1, (DX)(AX*8)
	VMOVUPD (CX)(AX*8), Y2    // v
	VMULPD  Y10, Y2, Y2       // v*b2
	VMULPD  Y11, Y0, Y3       // a2*g
	VMULPD  Y0, Y3, Y3        // (a2*g)*g
	VADDPD  Y3, Y2, Y2        // v
	VMOVUPD Y2, (CX)(AX*8)
	VSQRTPD Y2, Y3            // sqrt(v)
	VDIVPD  Y14, Y3, Y3       // sqrt(v)/bc2s
	VADDPD  Y15, Y3, Y3       // + eps
	VMULPD  Y13, Y1, Y4       // negStep*m
	VDIVPD  Y3, Y4, Y4        // (negStep*m)/denom
	VADDPD  Y4, Y5, Y5        // x + update
	VMOVUPD Y5, (DI)(AX*8)
	ADDQ $4, AX
	TESTQ R9, R9
	JNZ  wdloop
	JMP  loop

done:
	VZEROUPPER
	RET
