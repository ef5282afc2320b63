/*
 * x64.h -- a small x86-64 encoder: exactly the instruction forms the Fast
 * JIT emits, written into a growable byte buffer.
 *
 * Registers are numbered as the hardware numbers them (RAX = 0 .. R15 = 15,
 * XMM0 = 0 .. XMM15 = 15).  A memory operand is base + index * scale + disp
 * or RIP + disp.  `w` selects the 64-bit form of an integer operation
 * (REX.W); without it the 32-bit form runs, which zero-extends its result
 * into the full register -- the compiler relies on that to keep every i32
 * in a register zero-extended.
 *
 * Branches are emitted with a rel32 (or rel8) field whose offset is
 * returned, and bound later with x64_patch_rel32 / x64_patch_rel8.
 */
#ifndef WP_X64_H
#define WP_X64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
  R8, R9, R10, R11, R12, R13, R14, R15,
};

/* Condition codes, by their encoding. */
typedef enum X64Cond {
  CC_O = 0, CC_NO = 1, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7,
  CC_S = 8, CC_NS = 9, CC_P = 10, CC_NP = 11, CC_L = 12, CC_GE = 13, CC_LE = 14, CC_G = 15,
} X64Cond;

static inline X64Cond x64_cc_invert(X64Cond cc) { return (X64Cond)(cc ^ 1); }

/* The ALU group, by its /digit. */
typedef enum X64Alu {
  ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6,
  ALU_CMP = 7,
} X64Alu;

/* The shift group, by its /digit. */
typedef enum X64Shift {
  SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7,
} X64Shift;

/* Scalar SSE arithmetic, by its second opcode byte (F3 0F xx / F2 0F xx). */
typedef enum X64Sse {
  SSE_SQRT = 0x51, SSE_ADD = 0x58, SSE_MUL = 0x59, SSE_SUB = 0x5C, SSE_MIN = 0x5D,
  SSE_DIV = 0x5E, SSE_MAX = 0x5F,
} X64Sse;

/* Packed bit operations on XMM registers (0F xx, 66 0F xx for doubles). */
typedef enum X64Bits {
  BITS_AND = 0x54, BITS_ANDN = 0x55, BITS_OR = 0x56, BITS_XOR = 0x57,
} X64Bits;

typedef struct X64Mem {
  int8_t base;  /* register, or -1 for RIP-relative */
  int8_t index; /* register, or -1 for none (RSP cannot be an index) */
  uint8_t scale; /* 1, 2, 4 or 8 */
  int32_t disp;
} X64Mem;

static inline X64Mem x64_mem(int base, int32_t disp)
{
  return (X64Mem){(int8_t)base, -1, 1, disp};
}
static inline X64Mem x64_mem_idx(int base, int index, int scale, int32_t disp)
{
  return (X64Mem){(int8_t)base, (int8_t)index, (uint8_t)scale, disp};
}
static inline X64Mem x64_rip(int32_t disp) { return (X64Mem){-1, -1, 1, disp}; }

typedef struct X64Buf {
  uint8_t *code;
  size_t len, cap;
  bool failed; /* out of memory: the buffer stops growing */
} X64Buf;

void x64_init(X64Buf *b);
void x64_free(X64Buf *b);
void x64_byte(X64Buf *b, uint8_t v);
void x64_u32(X64Buf *b, uint32_t v);
void x64_u64(X64Buf *b, uint64_t v);

/* --- integer moves --- */
void x64_mov_rr(X64Buf *b, bool w, int dst, int src);
/* The shortest form: mov r32, imm32 when the value fits unsigned 32 bits,
 * sign-extended imm32 when it fits signed, else movabs.  Never touches the
 * flags (no xor-zeroing), so it may run between a compare and its use. */
void x64_mov_ri(X64Buf *b, int dst, uint64_t imm);
/* Loads of `size` bytes (1, 2, 4, 8) into dst, zero- or sign-extended to
 * 32 (w false) or 64 bits. */
void x64_load(X64Buf *b, int size, bool sign, bool w, int dst, X64Mem m);
/* Stores of `size` bytes of src. */
void x64_store(X64Buf *b, int size, X64Mem m, int src);
/* Stores a sign-extended imm32 into 4 or 8 bytes (or imm8/imm16 into 1, 2). */
void x64_store_imm(X64Buf *b, int size, X64Mem m, int32_t imm);
void x64_lea(X64Buf *b, bool w, int dst, X64Mem m);
void x64_movsxd(X64Buf *b, int dst, int src);      /* r64 <- sign-extended r32 */
void x64_movsx_rr(X64Buf *b, int size, bool w, int dst, int src); /* size 1 or 2 */

/* --- integer arithmetic --- */
void x64_alu_rr(X64Buf *b, X64Alu op, bool w, int dst, int src);
void x64_alu_ri(X64Buf *b, X64Alu op, bool w, int dst, int32_t imm);
void x64_alu_rm(X64Buf *b, X64Alu op, bool w, int dst, X64Mem m);
void x64_alu_mi(X64Buf *b, X64Alu op, bool w, X64Mem m, int32_t imm);
void x64_test_rr(X64Buf *b, bool w, int a, int c);
void x64_imul_rr(X64Buf *b, bool w, int dst, int src);
void x64_imul_rm(X64Buf *b, bool w, int dst, X64Mem m);
void x64_imul_rri(X64Buf *b, bool w, int dst, int src, int32_t imm);
void x64_div(X64Buf *b, bool w, bool sign, int src); /* (r|e)dx:(r|e)ax / src */
void x64_cdq(X64Buf *b, bool w);                    /* cdq, or cqo */
void x64_neg(X64Buf *b, bool w, int r);
void x64_not(X64Buf *b, bool w, int r);
void x64_shift_cl(X64Buf *b, X64Shift op, bool w, int r);
void x64_shift_ri(X64Buf *b, X64Shift op, bool w, int r, uint8_t imm);
void x64_bsr(X64Buf *b, bool w, int dst, int src);
void x64_bsf(X64Buf *b, bool w, int dst, int src);
void x64_popcnt(X64Buf *b, bool w, int dst, int src);
void x64_setcc(X64Buf *b, X64Cond cc, int dst);      /* the low byte of dst */
void x64_movzx_r8(X64Buf *b, int dst, int src);     /* r32 <- low byte of src */
void x64_cmov(X64Buf *b, X64Cond cc, bool w, int dst, int src);
void x64_cmov_rm(X64Buf *b, X64Cond cc, bool w, int dst, X64Mem m);

/* --- control --- */
void x64_push(X64Buf *b, int r);
void x64_pop(X64Buf *b, int r);
void x64_ret(X64Buf *b);
void x64_call_r(X64Buf *b, int r);
void x64_jmp_r(X64Buf *b, int r);
void x64_rep_stosq(X64Buf *b);
void x64_ud2(X64Buf *b);
/* Each returns the offset of its rel32 (rel8) field, to patch. */
size_t x64_jmp32(X64Buf *b);
size_t x64_jcc32(X64Buf *b, X64Cond cc);
size_t x64_jmp8(X64Buf *b);
size_t x64_jcc8(X64Buf *b, X64Cond cc);
/* Makes the branch whose field is at `at` go to `target` (offsets in b). */
void x64_patch_rel32(X64Buf *b, size_t at, size_t target);
void x64_patch_rel8(X64Buf *b, size_t at, size_t target);
/* A branch straight to a known (earlier) offset. */
void x64_jmp_to(X64Buf *b, size_t target);
void x64_jcc_to(X64Buf *b, X64Cond cc, size_t target);

/* --- scalar floats (dbl: the F2 / 66 double forms) --- */
void x64_sse_rr(X64Buf *b, X64Sse op, bool dbl, int dst, int src);
void x64_sse_rm(X64Buf *b, X64Sse op, bool dbl, int dst, X64Mem m);
void x64_movs_load(X64Buf *b, bool dbl, int dst, X64Mem m);  /* movss/movsd xmm, m */
void x64_movs_store(X64Buf *b, bool dbl, X64Mem m, int src); /* movss/movsd m, xmm */
void x64_movaps(X64Buf *b, int dst, int src);
void x64_bits_rr(X64Buf *b, X64Bits op, bool dbl, int dst, int src);
void x64_ucomis(X64Buf *b, bool dbl, int a, int c);
void x64_movd_to_xmm(X64Buf *b, bool w, int xmm, int gpr);   /* movd / movq */
void x64_movd_from_xmm(X64Buf *b, bool w, int gpr, int xmm); /* movd / movq */
void x64_cvtsi2s(X64Buf *b, bool dbl, bool w, int xmm, int gpr); /* int -> float */
void x64_cvtts2si(X64Buf *b, bool dbl, bool w, int gpr, int xmm); /* float -> int, truncating */
void x64_cvts2s(X64Buf *b, bool from_dbl, int dst, int src);  /* cvtsd2ss / cvtss2sd */
/* SSE4.1 roundss/roundsd; mode 0 nearest, 1 floor, 2 ceil, 3 trunc (the
 * precision exception is suppressed). */
void x64_rounds(X64Buf *b, bool dbl, int dst, int src, uint8_t mode);

#endif
