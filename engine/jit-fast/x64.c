/*
 * x64.c -- the encoder (x64.h).  Every form goes through emit_op, which
 * writes legacy prefix, REX, opcode, ModRM, SIB and displacement; the
 * per-instruction functions only choose opcode bytes and operands.
 */
#include "x64.h"

#include <stdlib.h>
#include <string.h>

void x64_init(X64Buf *b)
{
  memset(b, 0, sizeof *b);
}

void x64_free(X64Buf *b)
{
  free(b->code);
  memset(b, 0, sizeof *b);
}

static bool reserve(X64Buf *b, size_t n)
{
  if (b->len + n <= b->cap)
    return true;
  if (b->failed)
    return false;
  size_t cap = b->cap ? b->cap * 2 : 4096;
  while (cap < b->len + n)
    cap *= 2;
  uint8_t *p = realloc(b->code, cap);
  if (p == NULL) {
    b->failed = true;
    return false;
  }
  b->code = p;
  b->cap = cap;
  return true;
}

void x64_byte(X64Buf *b, uint8_t v)
{
  if (reserve(b, 1))
    b->code[b->len++] = v;
}

void x64_u32(X64Buf *b, uint32_t v)
{
  if (reserve(b, 4)) {
    memcpy(b->code + b->len, &v, 4);
    b->len += 4;
  }
}

void x64_u64(X64Buf *b, uint64_t v)
{
  if (reserve(b, 8)) {
    memcpy(b->code + b->len, &v, 8);
    b->len += 8;
  }
}

static bool fits8(int64_t v) { return v >= -128 && v <= 127; }
static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* The r/m operand of an instruction: a register or memory. */
typedef struct Rm {
  bool is_reg;
  int reg;
  X64Mem mem;
} Rm;

static Rm rm_reg(int r) { return (Rm){true, r, {0, 0, 0, 0}}; }
static Rm rm_mem(X64Mem m) { return (Rm){false, 0, m}; }

/* prefix: 0 or a legacy prefix (0x66, 0xF2, 0xF3); byte_regs: the operation
 * names 8-bit registers, where SPL..DIL need an (empty) REX.  The bytes are
 * put together in a small array and appended at once (at most 15). */
static void emit_op(X64Buf *b, uint8_t prefix, bool w, bool byte_regs, const uint8_t *op, int oplen,
                    int reg, Rm rm)
{
  uint8_t t[16];
  int n = 0;
  if (prefix)
    t[n++] = prefix;
  uint8_t rex = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0);
  if (rm.is_reg) {
    rex |= (rm.reg & 8) ? 1 : 0;
  } else {
    if (rm.mem.index >= 0 && (rm.mem.index & 8))
      rex |= 2;
    if (rm.mem.base >= 0 && (rm.mem.base & 8))
      rex |= 1;
  }
  bool need = rex != 0x40 || (byte_regs && ((reg >= 4 && reg < 8) || (rm.is_reg && rm.reg >= 4 && rm.reg < 8)));
  if (need)
    t[n++] = rex;
  for (int i = 0; i < oplen; i++)
    t[n++] = op[i];
  uint8_t r = (uint8_t)((reg & 7) << 3);
  if (rm.is_reg) {
    t[n++] = 0xC0 | r | (rm.reg & 7);
  } else if (rm.mem.base < 0) { /* RIP-relative */
    t[n++] = 0x05 | r;
    memcpy(t + n, &rm.mem.disp, 4);
    n += 4;
  } else {
    X64Mem m = rm.mem;
    uint8_t mod;
    if (m.disp == 0 && (m.base & 7) != RBP)
      mod = 0x00;
    else if (fits8(m.disp))
      mod = 0x40;
    else
      mod = 0x80;
    if (m.index >= 0 || (m.base & 7) == RSP) {
      uint8_t ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
      uint8_t idx = m.index >= 0 ? (uint8_t)(m.index & 7) : 4; /* 4: no index */
      t[n++] = mod | r | 4;
      t[n++] = (uint8_t)(ss << 6 | idx << 3 | (m.base & 7));
    } else {
      t[n++] = mod | r | (m.base & 7);
    }
    if (mod == 0x40) {
      t[n++] = (uint8_t)(int8_t)m.disp;
    } else if (mod == 0x80) {
      memcpy(t + n, &m.disp, 4);
      n += 4;
    }
  }
  if (reserve(b, (size_t)n)) {
    memcpy(b->code + b->len, t, (size_t)n);
    b->len += (size_t)n;
  }
}

static void op1(X64Buf *b, bool w, uint8_t op, int reg, Rm rm)
{
  emit_op(b, 0, w, false, &op, 1, reg, rm);
}

static void op2(X64Buf *b, uint8_t prefix, bool w, uint8_t op, int reg, Rm rm)
{
  uint8_t ops[2] = {0x0F, op};
  emit_op(b, prefix, w, false, ops, 2, reg, rm);
}

/* --- integer moves --- */

void x64_mov_rr(X64Buf *b, bool w, int dst, int src)
{
  op1(b, w, 0x89, src, rm_reg(dst));
}

void x64_mov_ri(X64Buf *b, int dst, uint64_t imm)
{
  if (imm <= UINT32_MAX) {
    if (dst & 8)
      x64_byte(b, 0x41);
    x64_byte(b, (uint8_t)(0xB8 + (dst & 7)));
    x64_u32(b, (uint32_t)imm);
  } else if (fits32((int64_t)imm)) {
    op1(b, true, 0xC7, 0, rm_reg(dst));
    x64_u32(b, (uint32_t)imm);
  } else {
    x64_byte(b, (uint8_t)(0x48 | ((dst & 8) ? 1 : 0)));
    x64_byte(b, (uint8_t)(0xB8 + (dst & 7)));
    x64_u64(b, imm);
  }
}

void x64_load(X64Buf *b, int size, bool sign, bool w, int dst, X64Mem m)
{
  switch (size) {
  case 1:
    op2(b, 0, w, sign ? 0xBE : 0xB6, dst, rm_mem(m));
    break;
  case 2:
    op2(b, 0, w, sign ? 0xBF : 0xB7, dst, rm_mem(m));
    break;
  case 4:
    if (sign && w)
      op1(b, true, 0x63, dst, rm_mem(m)); /* movsxd */
    else
      op1(b, false, 0x8B, dst, rm_mem(m));
    break;
  default:
    op1(b, true, 0x8B, dst, rm_mem(m));
  }
}

void x64_store(X64Buf *b, int size, X64Mem m, int src)
{
  uint8_t op;
  switch (size) {
  case 1:
    op = 0x88;
    emit_op(b, 0, false, true, &op, 1, src, rm_mem(m));
    break;
  case 2:
    op = 0x89;
    emit_op(b, 0x66, false, false, &op, 1, src, rm_mem(m));
    break;
  default:
    op1(b, size == 8, 0x89, src, rm_mem(m));
  }
}

void x64_store_imm(X64Buf *b, int size, X64Mem m, int32_t imm)
{
  uint8_t op;
  switch (size) {
  case 1:
    op = 0xC6;
    emit_op(b, 0, false, false, &op, 1, 0, rm_mem(m));
    x64_byte(b, (uint8_t)imm);
    break;
  case 2:
    op = 0xC7;
    emit_op(b, 0x66, false, false, &op, 1, 0, rm_mem(m));
    x64_byte(b, (uint8_t)imm);
    x64_byte(b, (uint8_t)(imm >> 8));
    break;
  default:
    op1(b, size == 8, 0xC7, 0, rm_mem(m));
    x64_u32(b, (uint32_t)imm);
  }
}

void x64_lea(X64Buf *b, bool w, int dst, X64Mem m)
{
  op1(b, w, 0x8D, dst, rm_mem(m));
}

void x64_movsxd(X64Buf *b, int dst, int src)
{
  op1(b, true, 0x63, dst, rm_reg(src));
}

void x64_movsx_rr(X64Buf *b, int size, bool w, int dst, int src)
{
  uint8_t ops[2] = {0x0F, size == 1 ? 0xBE : 0xBF};
  emit_op(b, 0, w, size == 1, ops, 2, dst, rm_reg(src));
}

/* --- integer arithmetic --- */

void x64_alu_rr(X64Buf *b, X64Alu op, bool w, int dst, int src)
{
  op1(b, w, (uint8_t)(op * 8 + 1), src, rm_reg(dst));
}

void x64_alu_ri(X64Buf *b, X64Alu op, bool w, int dst, int32_t imm)
{
  if (fits8(imm)) {
    op1(b, w, 0x83, op, rm_reg(dst));
    x64_byte(b, (uint8_t)(int8_t)imm);
  } else {
    op1(b, w, 0x81, op, rm_reg(dst));
    x64_u32(b, (uint32_t)imm);
  }
}

void x64_alu_rm(X64Buf *b, X64Alu op, bool w, int dst, X64Mem m)
{
  op1(b, w, (uint8_t)(op * 8 + 3), dst, rm_mem(m));
}

void x64_alu_mi(X64Buf *b, X64Alu op, bool w, X64Mem m, int32_t imm)
{
  if (fits8(imm)) {
    op1(b, w, 0x83, op, rm_mem(m));
    x64_byte(b, (uint8_t)(int8_t)imm);
  } else {
    op1(b, w, 0x81, op, rm_mem(m));
    x64_u32(b, (uint32_t)imm);
  }
}

void x64_test_rr(X64Buf *b, bool w, int a, int c)
{
  op1(b, w, 0x85, c, rm_reg(a));
}

void x64_imul_rr(X64Buf *b, bool w, int dst, int src)
{
  op2(b, 0, w, 0xAF, dst, rm_reg(src));
}

void x64_imul_rm(X64Buf *b, bool w, int dst, X64Mem m)
{
  op2(b, 0, w, 0xAF, dst, rm_mem(m));
}

void x64_imul_rri(X64Buf *b, bool w, int dst, int src, int32_t imm)
{
  if (fits8(imm)) {
    op1(b, w, 0x6B, dst, rm_reg(src));
    x64_byte(b, (uint8_t)(int8_t)imm);
  } else {
    op1(b, w, 0x69, dst, rm_reg(src));
    x64_u32(b, (uint32_t)imm);
  }
}

void x64_div(X64Buf *b, bool w, bool sign, int src)
{
  op1(b, w, 0xF7, sign ? 7 : 6, rm_reg(src));
}

void x64_cdq(X64Buf *b, bool w)
{
  if (w)
    x64_byte(b, 0x48);
  x64_byte(b, 0x99);
}

void x64_neg(X64Buf *b, bool w, int r)
{
  op1(b, w, 0xF7, 3, rm_reg(r));
}

void x64_not(X64Buf *b, bool w, int r)
{
  op1(b, w, 0xF7, 2, rm_reg(r));
}

void x64_shift_cl(X64Buf *b, X64Shift op, bool w, int r)
{
  op1(b, w, 0xD3, op, rm_reg(r));
}

void x64_shift_ri(X64Buf *b, X64Shift op, bool w, int r, uint8_t imm)
{
  op1(b, w, 0xC1, op, rm_reg(r));
  x64_byte(b, imm);
}

void x64_bsr(X64Buf *b, bool w, int dst, int src)
{
  op2(b, 0, w, 0xBD, dst, rm_reg(src));
}

void x64_bsf(X64Buf *b, bool w, int dst, int src)
{
  op2(b, 0, w, 0xBC, dst, rm_reg(src));
}

void x64_popcnt(X64Buf *b, bool w, int dst, int src)
{
  op2(b, 0xF3, w, 0xB8, dst, rm_reg(src));
}

void x64_setcc(X64Buf *b, X64Cond cc, int dst)
{
  uint8_t ops[2] = {0x0F, (uint8_t)(0x90 + cc)};
  emit_op(b, 0, false, true, ops, 2, 0, rm_reg(dst));
}

void x64_movzx_r8(X64Buf *b, int dst, int src)
{
  uint8_t ops[2] = {0x0F, 0xB6};
  emit_op(b, 0, false, true, ops, 2, dst, rm_reg(src));
}

void x64_cmov(X64Buf *b, X64Cond cc, bool w, int dst, int src)
{
  op2(b, 0, w, (uint8_t)(0x40 + cc), dst, rm_reg(src));
}

void x64_cmov_rm(X64Buf *b, X64Cond cc, bool w, int dst, X64Mem m)
{
  op2(b, 0, w, (uint8_t)(0x40 + cc), dst, rm_mem(m));
}

/* --- control --- */

void x64_push(X64Buf *b, int r)
{
  if (r & 8)
    x64_byte(b, 0x41);
  x64_byte(b, (uint8_t)(0x50 + (r & 7)));
}

void x64_pop(X64Buf *b, int r)
{
  if (r & 8)
    x64_byte(b, 0x41);
  x64_byte(b, (uint8_t)(0x58 + (r & 7)));
}

void x64_ret(X64Buf *b) { x64_byte(b, 0xC3); }

void x64_call_r(X64Buf *b, int r)
{
  op1(b, false, 0xFF, 2, rm_reg(r));
}

void x64_jmp_r(X64Buf *b, int r)
{
  op1(b, false, 0xFF, 4, rm_reg(r));
}

void x64_rep_stosq(X64Buf *b)
{
  x64_byte(b, 0xF3);
  x64_byte(b, 0x48);
  x64_byte(b, 0xAB);
}

void x64_ud2(X64Buf *b)
{
  x64_byte(b, 0x0F);
  x64_byte(b, 0x0B);
}

size_t x64_jmp32(X64Buf *b)
{
  x64_byte(b, 0xE9);
  size_t at = b->len;
  x64_u32(b, 0);
  return at;
}

size_t x64_jcc32(X64Buf *b, X64Cond cc)
{
  x64_byte(b, 0x0F);
  x64_byte(b, (uint8_t)(0x80 + cc));
  size_t at = b->len;
  x64_u32(b, 0);
  return at;
}

size_t x64_jmp8(X64Buf *b)
{
  x64_byte(b, 0xEB);
  size_t at = b->len;
  x64_byte(b, 0);
  return at;
}

size_t x64_jcc8(X64Buf *b, X64Cond cc)
{
  x64_byte(b, (uint8_t)(0x70 + cc));
  size_t at = b->len;
  x64_byte(b, 0);
  return at;
}

void x64_patch_rel32(X64Buf *b, size_t at, size_t target)
{
  if (b->failed || at + 4 > b->len)
    return;
  int32_t rel = (int32_t)((int64_t)target - (int64_t)(at + 4));
  memcpy(b->code + at, &rel, 4);
}

void x64_patch_rel8(X64Buf *b, size_t at, size_t target)
{
  if (b->failed || at + 1 > b->len)
    return;
  int64_t rel = (int64_t)target - (int64_t)(at + 1);
  b->code[at] = (uint8_t)(int8_t)rel; /* callers keep short branches short */
}

void x64_jmp_to(X64Buf *b, size_t target)
{
  int64_t rel8 = (int64_t)target - (int64_t)(b->len + 2);
  if (fits8(rel8)) {
    x64_byte(b, 0xEB);
    x64_byte(b, (uint8_t)(int8_t)rel8);
  } else {
    x64_patch_rel32(b, x64_jmp32(b), target);
  }
}

void x64_jcc_to(X64Buf *b, X64Cond cc, size_t target)
{
  int64_t rel8 = (int64_t)target - (int64_t)(b->len + 2);
  if (fits8(rel8)) {
    x64_byte(b, (uint8_t)(0x70 + cc));
    x64_byte(b, (uint8_t)(int8_t)rel8);
  } else {
    x64_patch_rel32(b, x64_jcc32(b, cc), target);
  }
}

/* --- scalar floats --- */

void x64_sse_rr(X64Buf *b, X64Sse op, bool dbl, int dst, int src)
{
  op2(b, dbl ? 0xF2 : 0xF3, false, op, dst, rm_reg(src));
}

void x64_sse_rm(X64Buf *b, X64Sse op, bool dbl, int dst, X64Mem m)
{
  op2(b, dbl ? 0xF2 : 0xF3, false, op, dst, rm_mem(m));
}

void x64_movs_load(X64Buf *b, bool dbl, int dst, X64Mem m)
{
  op2(b, dbl ? 0xF2 : 0xF3, false, 0x10, dst, rm_mem(m));
}

void x64_movs_store(X64Buf *b, bool dbl, X64Mem m, int src)
{
  op2(b, dbl ? 0xF2 : 0xF3, false, 0x11, src, rm_mem(m));
}

void x64_movaps(X64Buf *b, int dst, int src)
{
  op2(b, 0, false, 0x28, dst, rm_reg(src));
}

void x64_bits_rr(X64Buf *b, X64Bits op, bool dbl, int dst, int src)
{
  op2(b, dbl ? 0x66 : 0, false, op, dst, rm_reg(src));
}

void x64_ucomis(X64Buf *b, bool dbl, int a, int c)
{
  op2(b, dbl ? 0x66 : 0, false, 0x2E, a, rm_reg(c));
}

void x64_movd_to_xmm(X64Buf *b, bool w, int xmm, int gpr)
{
  op2(b, 0x66, w, 0x6E, xmm, rm_reg(gpr));
}

void x64_movd_from_xmm(X64Buf *b, bool w, int gpr, int xmm)
{
  op2(b, 0x66, w, 0x7E, xmm, rm_reg(gpr));
}

void x64_cvtsi2s(X64Buf *b, bool dbl, bool w, int xmm, int gpr)
{
  op2(b, dbl ? 0xF2 : 0xF3, w, 0x2A, xmm, rm_reg(gpr));
}

void x64_cvtts2si(X64Buf *b, bool dbl, bool w, int gpr, int xmm)
{
  op2(b, dbl ? 0xF2 : 0xF3, w, 0x2C, gpr, rm_reg(xmm));
}

void x64_cvts2s(X64Buf *b, bool from_dbl, int dst, int src)
{
  op2(b, from_dbl ? 0xF2 : 0xF3, false, 0x5A, dst, rm_reg(src));
}

void x64_rounds(X64Buf *b, bool dbl, int dst, int src, uint8_t mode)
{
  uint8_t ops[3] = {0x0F, 0x3A, dbl ? 0x0B : 0x0A};
  emit_op(b, 0x66, false, false, ops, 3, dst, rm_reg(src));
  x64_byte(b, (uint8_t)(mode | 8));
}
