//go:build !purego

#include "textflag.h"

// func eqBits8Words(codes *byte, words int, want byte, in, out *uint64)
TEXT ·eqBits8Words(SB), NOSPLIT, $0-40
	MOVQ codes+0(FP), SI
	MOVQ words+8(FP), CX
	MOVBQZX want+16(FP), AX
	MOVQ in+24(FP), R8
	MOVQ out+32(FP), DI
	// want in each of X0's sixteen bytes.
	MOVQ $0x0101010101010101, BX
	IMULQ BX, AX
	MOVQ AX, X0
	PUNPCKLQDQ X0, X0

loop:
	TESTQ CX, CX
	JZ done
	MOVOU 0(SI), X1
	MOVOU 16(SI), X2
	MOVOU 32(SI), X3
	MOVOU 48(SI), X4
	PCMPEQB X0, X1
	PCMPEQB X0, X2
	PCMPEQB X0, X3
	PCMPEQB X0, X4
	PMOVMSKB X1, AX
	PMOVMSKB X2, BX
	PMOVMSKB X3, DX
	PMOVMSKB X4, R9
	SHLQ $16, BX
	SHLQ $32, DX
	SHLQ $48, R9
	ORQ BX, AX
	ORQ DX, AX
	ORQ R9, AX
	ANDQ 0(R8), AX
	MOVQ AX, 0(DI)
	ADDQ $64, SI
	ADDQ $8, R8
	ADDQ $8, DI
	DECQ CX
	JMP loop

done:
	RET
