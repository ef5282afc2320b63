/*
 * numeric.c -- constants, comparisons, integer and float arithmetic,
 * conversions and select.
 *
 * Constants fold: an operation on two constants is computed here, and a
 * constant operand becomes an immediate.  A comparison leaves its result in
 * the flags (V_FLAGS), so br_if, if, select and i32.eqz use it directly.
 */
#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "../interp-classic/numeric.h"
#include "compiler.h"
#include "helpers.h"

static bool fits_imm(const Val *v)
{
  if (v->kind != V_CONST)
    return false;
  if (!type_is_64(v->type))
    return true;
  return (int64_t)v->imm >= INT32_MIN && (int64_t)v->imm <= INT32_MAX;
}

static bool cpu_has(const char *what)
{
  __builtin_cpu_init();
  if (strcmp(what, "popcnt") == 0)
    return __builtin_cpu_supports("popcnt");
  return __builtin_cpu_supports("sse4.1");
}

/* --- integer comparisons --- */

static X64Cond swap_cond(X64Cond cc)
{
  switch (cc) {
  case CC_L: return CC_G;
  case CC_G: return CC_L;
  case CC_LE: return CC_GE;
  case CC_GE: return CC_LE;
  case CC_B: return CC_A;
  case CC_A: return CC_B;
  case CC_BE: return CC_AE;
  case CC_AE: return CC_BE;
  default: return cc;
  }
}

static bool cond_holds(X64Cond cc, uint64_t a, uint64_t b, bool w)
{
  int64_t sa = w ? (int64_t)a : (int64_t)(int32_t)a;
  int64_t sb = w ? (int64_t)b : (int64_t)(int32_t)b;
  switch (cc) {
  case CC_E: return a == b;
  case CC_NE: return a != b;
  case CC_L: return sa < sb;
  case CC_G: return sa > sb;
  case CC_LE: return sa <= sb;
  case CC_GE: return sa >= sb;
  case CC_B: return a < b;
  case CC_A: return a > b;
  case CC_BE: return a <= b;
  default: return a >= b;
  }
}

static void int_compare(Compiler *c, bool w, X64Cond cc)
{
  Val b = jf_pop(c);
  Val a = jf_pop(c);
  if (a.kind == V_CONST && b.kind == V_CONST) {
    jf_push_const(c, VAL_I32, cond_holds(cc, a.imm, b.imm, w));
    return;
  }
  if (a.kind == V_CONST) {
    Val t = a;
    a = b;
    b = t;
    cc = swap_cond(cc);
  }
  int ra = jf_read_reg(c, &a);
  X64Mem m;
  if (fits_imm(&b)) {
    if (b.imm == 0 && (cc == CC_E || cc == CC_NE))
      x64_test_rr(&c->b, w, ra, ra);
    else
      x64_alu_ri(&c->b, ALU_CMP, w, ra, (int32_t)b.imm);
  } else if (jf_mem_of(c, &b, &m)) {
    x64_alu_rm(&c->b, ALU_CMP, w, ra, m);
  } else {
    int rb = jf_read_reg(c, &b);
    x64_alu_rr(&c->b, ALU_CMP, w, ra, rb);
  }
  jf_free(c, &a);
  jf_free(c, &b);
  jf_push_flags(c, cc);
}

static void eqz(Compiler *c, bool w)
{
  Val *top = jf_top(c);
  if (!w && top->kind == V_FLAGS) {
    top->cc = (uint8_t)x64_cc_invert((X64Cond)top->cc);
    return;
  }
  Val a = jf_pop(c);
  if (a.kind == V_CONST) {
    jf_push_const(c, VAL_I32, a.imm == 0);
    return;
  }
  int r = jf_read_reg(c, &a);
  x64_test_rr(&c->b, w, r, r);
  jf_free(c, &a);
  jf_push_flags(c, CC_E);
}

/* --- integer arithmetic --- */

static uint64_t fold_int(uint8_t op, bool w, uint64_t a, uint64_t b)
{
  uint64_t r;
  unsigned k = (unsigned)(b & (w ? 63 : 31));
  switch (op) {
  case ALU_ADD: r = a + b; break;
  case ALU_SUB: r = a - b; break;
  case ALU_AND: r = a & b; break;
  case ALU_OR: r = a | b; break;
  case ALU_XOR: r = a ^ b; break;
  case 0x10: r = a * b; break;           /* mul */
  case 0x10 + SH_SHL: r = a << k; break;
  case 0x10 + SH_SHR: r = (w ? a : (uint32_t)a) >> k; break;
  default: /* sar */
    r = w ? i64_shr_s(a, k) : i32_shr_s((uint32_t)a, k);
  }
  return w ? r : (uint32_t)r;
}

static void alu(Compiler *c, bool w, X64Alu op)
{
  Val b = jf_pop(c);
  Val a = jf_pop(c);
  uint8_t type = w ? VAL_I64 : VAL_I32;
  if (a.kind == V_CONST && b.kind == V_CONST) {
    jf_push_const(c, type, fold_int(op, w, a.imm, b.imm));
    return;
  }
  if (a.kind == V_CONST && op != ALU_SUB) {
    Val t = a;
    a = b;
    b = t;
  }
  int ra = jf_to_reg(c, &a);
  X64Mem m;
  if (fits_imm(&b)) {
    x64_alu_ri(&c->b, op, w, ra, (int32_t)b.imm);
  } else if (jf_mem_of(c, &b, &m)) {
    x64_alu_rm(&c->b, op, w, ra, m);
  } else {
    int rb = jf_read_reg(c, &b);
    x64_alu_rr(&c->b, op, w, ra, rb);
    jf_free(c, &b);
  }
  jf_push_reg(c, type, ra);
}

static void mul(Compiler *c, bool w)
{
  Val b = jf_pop(c);
  Val a = jf_pop(c);
  uint8_t type = w ? VAL_I64 : VAL_I32;
  if (a.kind == V_CONST && b.kind == V_CONST) {
    jf_push_const(c, type, fold_int(0x10, w, a.imm, b.imm));
    return;
  }
  if (a.kind == V_CONST) {
    Val t = a;
    a = b;
    b = t;
  }
  int ra = jf_to_reg(c, &a);
  X64Mem m;
  if (fits_imm(&b)) {
    x64_imul_rri(&c->b, w, ra, ra, (int32_t)b.imm);
  } else if (jf_mem_of(c, &b, &m)) {
    x64_imul_rm(&c->b, w, ra, m);
  } else {
    int rb = jf_read_reg(c, &b);
    x64_imul_rr(&c->b, w, ra, rb);
    jf_free(c, &b);
  }
  jf_push_reg(c, type, ra);
}

static void shift(Compiler *c, bool w, X64Shift op)
{
  Val b = jf_pop(c);
  Val a = jf_pop(c);
  uint8_t type = w ? VAL_I64 : VAL_I32;
  if (a.kind == V_CONST && b.kind == V_CONST && op != SH_ROL && op != SH_ROR) {
    jf_push_const(c, type, fold_int((uint8_t)(0x10 + op), w, a.imm, b.imm));
    return;
  }
  int ra = jf_to_reg(c, &a);
  if (b.kind == V_CONST) {
    x64_shift_ri(&c->b, op, w, ra, (uint8_t)(b.imm & (w ? 63 : 31)));
  } else {
    jf_load_into(c, &b, RCX);
    x64_shift_cl(&c->b, op, w, ra);
  }
  jf_push_reg(c, type, ra);
}

/* div and rem: the spec's traps, then the hardware instruction (which would
 * fault on both trap cases). */
static void divide(Compiler *c, bool w, bool sign, bool rem)
{
  X64Buf *b = &c->b;
  Val vb = jf_pop(c);
  Val va = jf_pop(c);
  uint8_t type = w ? VAL_I64 : VAL_I32;
  int ra = jf_to_reg(c, &va);
  bool known = vb.kind == V_CONST;
  uint64_t k = vb.imm;
  bool minus1 = known && (w ? k == UINT64_MAX : (uint32_t)k == UINT32_MAX);
  jf_load_into(c, &vb, RCX);
  if (!known || k == 0) {
    x64_test_rr(b, w, RCX, RCX);
    jf_trap_if(c, CC_E, TRAP_INTEGER_DIVIDE_BY_ZERO);
  }
  size_t done = SIZE_MAX;
  if (sign && (!known || minus1)) {
    x64_alu_ri(b, ALU_CMP, w, RCX, -1);
    size_t ok = x64_jcc32(b, CC_NE);
    if (rem) {
      x64_mov_ri(b, RDX, 0); /* x rem -1 = 0, INT_MIN included */
      done = x64_jmp32(b);
    } else {
      if (w) {
        x64_mov_ri(b, RAX, 0x8000000000000000ull);
        x64_alu_rr(b, ALU_CMP, true, ra, RAX);
      } else {
        x64_alu_ri(b, ALU_CMP, false, ra, INT32_MIN);
      }
      jf_trap_if(c, CC_E, TRAP_INTEGER_OVERFLOW);
    }
    x64_patch_rel32(b, ok, b->len);
  }
  x64_mov_rr(b, w, RAX, ra);
  if (sign)
    x64_cdq(b, w);
  else
    x64_alu_rr(b, ALU_XOR, false, RDX, RDX);
  x64_div(b, w, sign, RCX);
  if (done != SIZE_MAX)
    x64_patch_rel32(b, done, b->len);
  x64_mov_rr(b, w, ra, rem ? RDX : RAX);
  jf_push_reg(c, type, ra);
}

static void bitcount(Compiler *c, bool w, uint8_t which)
{
  X64Buf *b = &c->b;
  Val a = jf_pop(c);
  uint8_t type = w ? VAL_I64 : VAL_I32;
  if (a.kind == V_CONST) {
    uint64_t r;
    if (which == 0)
      r = w ? i64_clz(a.imm) : i32_clz((uint32_t)a.imm);
    else if (which == 1)
      r = w ? i64_ctz(a.imm) : i32_ctz((uint32_t)a.imm);
    else
      r = w ? i64_popcnt(a.imm) : i32_popcnt((uint32_t)a.imm);
    jf_push_const(c, type, r);
    return;
  }
  if (which == 2 && !cpu_has("popcnt")) {
    jf_push_reg(c, type, jf_to_reg(c, &a)); /* back on the stack for the helper */
    jf_helper(c, w ? (const void *)jfh_i64_popcnt : (const void *)jfh_i32_popcnt, 0, NULL, 1,
              type);
    return;
  }
  int r = jf_to_reg(c, &a);
  if (which == 0) { /* clz = width-1 - bsr, 2*width-1 ^ (width-1) = width for 0 */
    x64_bsr(b, w, r, r);
    x64_mov_ri(b, RAX, w ? 127 : 63);
    x64_cmov(b, CC_E, w, r, RAX);
    x64_alu_ri(b, ALU_XOR, w, r, w ? 63 : 31);
  } else if (which == 1) {
    x64_bsf(b, w, r, r);
    x64_mov_ri(b, RAX, w ? 64 : 32);
    x64_cmov(b, CC_E, w, r, RAX);
  } else {
    x64_popcnt(b, w, r, r);
  }
  jf_push_reg(c, type, r);
}

/* --- floats --- */

static void float_binary(Compiler *c, bool dbl, X64Sse op)
{
  Val b = jf_pop(c);
  Val a = jf_pop(c);
  int ra = jf_to_reg(c, &a);
  X64Mem m;
  if (jf_mem_of(c, &b, &m)) {
    x64_sse_rm(&c->b, op, dbl, ra, m);
  } else {
    int rb = jf_to_reg(c, &b);
    x64_sse_rr(&c->b, op, dbl, ra, rb);
    jf_free(c, &b);
  }
  jf_push_reg(c, dbl ? VAL_F64 : VAL_F32, ra);
}

/* and/xor with a sign mask, on the bits only (NaN payloads kept) */
static void float_sign(Compiler *c, bool dbl, X64Bits op, uint64_t mask)
{
  Val a = jf_pop(c);
  uint8_t type = dbl ? VAL_F64 : VAL_F32;
  if (a.kind == V_CONST) {
    jf_push_const(c, type, op == BITS_AND ? a.imm & mask : a.imm ^ mask);
    return;
  }
  int ra = jf_to_reg(c, &a);
  x64_mov_ri(&c->b, RAX, mask);
  x64_movd_to_xmm(&c->b, dbl, XSCRATCH, RAX);
  x64_bits_rr(&c->b, op, dbl, ra, XSCRATCH);
  jf_push_reg(c, type, ra);
}

static void float_copysign(Compiler *c, bool dbl)
{
  Val b = jf_pop(c);
  Val a = jf_pop(c);
  int ra = jf_to_reg(c, &a);
  int rb = jf_to_reg(c, &b);
  x64_mov_ri(&c->b, RAX, dbl ? 0x7FFFFFFFFFFFFFFFull : 0x7FFFFFFFu);
  x64_movd_to_xmm(&c->b, dbl, XSCRATCH, RAX);
  x64_bits_rr(&c->b, BITS_AND, dbl, ra, XSCRATCH);
  x64_bits_rr(&c->b, BITS_ANDN, dbl, XSCRATCH, rb); /* the sign of b */
  x64_bits_rr(&c->b, BITS_OR, dbl, ra, XSCRATCH);
  jf_free(c, &b);
  jf_push_reg(c, dbl ? VAL_F64 : VAL_F32, ra);
}

static void float_round(Compiler *c, bool dbl, uint8_t op, uint8_t mode)
{
  if (!cpu_has("sse4.1")) {
    uint64_t imm = op;
    jf_helper(c, dbl ? (const void *)jfh_f64_round : (const void *)jfh_f32_round, 1, &imm, 1,
              dbl ? VAL_F64 : VAL_F32);
    return;
  }
  Val a = jf_pop(c);
  int ra = jf_to_reg(c, &a);
  x64_rounds(&c->b, dbl, ra, ra, mode);
  jf_push_reg(c, dbl ? VAL_F64 : VAL_F32, ra);
}

static void float_compare(Compiler *c, bool dbl, uint8_t which)
{
  X64Buf *b = &c->b;
  Val vb = jf_pop(c);
  Val va = jf_pop(c);
  int ra = jf_to_reg(c, &va);
  int rb = jf_to_reg(c, &vb);
  switch (which) {
  case 0:   /* eq: ZF and not PF (unordered sets both) */
  case 1: { /* ne: not ZF or PF */
    int r = jf_alloc_gpr(c);
    x64_ucomis(b, dbl, ra, rb);
    x64_setcc(b, which == 0 ? CC_E : CC_NE, r);
    x64_setcc(b, which == 0 ? CC_NP : CC_P, RAX);
    x64_movzx_r8(b, r, r);
    x64_movzx_r8(b, RAX, RAX);
    x64_alu_rr(b, which == 0 ? ALU_AND : ALU_OR, false, r, RAX);
    jf_free(c, &va);
    jf_free(c, &vb);
    jf_push_reg(c, VAL_I32, r);
    return;
  }
  case 2: /* lt: b > a */
    x64_ucomis(b, dbl, rb, ra);
    jf_push_flags(c, CC_A);
    break;
  case 3: /* gt */
    x64_ucomis(b, dbl, ra, rb);
    jf_push_flags(c, CC_A);
    break;
  case 4: /* le: b >= a */
    x64_ucomis(b, dbl, rb, ra);
    jf_push_flags(c, CC_AE);
    break;
  default: /* ge */
    x64_ucomis(b, dbl, ra, rb);
    jf_push_flags(c, CC_AE);
  }
  /* the flags entry is pushed: free the operands under it */
  jf_free(c, &va);
  jf_free(c, &vb);
}

static void convert_int_to_float(Compiler *c, bool dbl, bool w64src, bool sign)
{
  Val a = jf_pop(c);
  uint8_t type = dbl ? VAL_F64 : VAL_F32;
  if (w64src && !sign) {
    jf_push_reg(c, VAL_I64, jf_to_reg(c, &a));
    jf_helper(c, dbl ? (const void *)jfh_f64_convert_i64_u : (const void *)jfh_f32_convert_i64_u,
              0, NULL, 1, type);
    return;
  }
  int ra = jf_to_reg(c, &a);
  int d = jf_alloc_xmm(c);
  x64_bits_rr(&c->b, BITS_XOR, false, d, d);
  if (!w64src && sign)
    x64_cvtsi2s(&c->b, dbl, false, d, ra);
  else /* i64 signed, or an i32 zero-extended to 64 bits */
    x64_cvtsi2s(&c->b, dbl, true, d, ra);
  jf_free(c, &a);
  jf_push_reg(c, type, d);
}

/* The bits stay, the type changes. */
static void reinterpret(Compiler *c, uint8_t to)
{
  Val a = jf_pop(c);
  if (a.kind == V_CONST || a.kind == V_LOCAL || a.kind == V_STACK) {
    a.type = to; /* same bits, read with the new type */
    jf_push_stack(c, to);
    c->vs[c->depth - 1] = a;
    return;
  }
  int ra = jf_to_reg(c, &a);
  bool w = type_is_64(to);
  int d;
  if (type_is_float(to)) {
    d = jf_alloc_xmm(c);
    x64_movd_to_xmm(&c->b, w, d, ra);
  } else {
    d = jf_alloc_gpr(c);
    x64_movd_from_xmm(&c->b, w, d, ra);
  }
  jf_free(c, &a);
  jf_push_reg(c, to, d);
}

static void select_op(Compiler *c)
{
  X64Buf *b = &c->b;
  Val cond = jf_pop(c);
  Val vb = jf_pop(c);
  Val va = jf_pop(c);
  uint8_t type = va.type;
  int ra = jf_to_reg(c, &va);
  if (type_is_float(type)) {
    int rb = jf_to_reg(c, &vb);
    X64Cond cc;
    if (cond.kind == V_FLAGS) {
      cc = (X64Cond)cond.cc;
    } else {
      int rc = jf_to_reg(c, &cond);
      x64_test_rr(b, false, rc, rc);
      jf_free(c, &cond);
      cc = CC_NE;
    }
    size_t skip = x64_jcc8(b, cc);
    x64_movaps(b, ra, rb);
    x64_patch_rel8(b, skip, b->len);
    jf_free(c, &vb);
    jf_push_reg(c, type, ra);
    return;
  }
  X64Mem m;
  bool in_mem = jf_mem_of(c, &vb, &m);
  int rb = in_mem ? -1 : jf_read_reg(c, &vb);
  X64Cond cc;
  if (cond.kind == V_FLAGS) {
    cc = (X64Cond)cond.cc;
  } else {
    int rc = jf_to_reg(c, &cond);
    x64_test_rr(b, false, rc, rc);
    jf_free(c, &cond);
    cc = CC_NE;
  }
  bool w = type_is_64(type);
  if (in_mem)
    x64_cmov_rm(b, x64_cc_invert(cc), w, ra, m);
  else
    x64_cmov(b, x64_cc_invert(cc), w, ra, rb);
  jf_free(c, &vb);
  jf_push_reg(c, type, ra);
}

static const void *const trunc_helpers[8] = {
    (const void *)jfh_i32_trunc_f32_s, (const void *)jfh_i32_trunc_f32_u,
    (const void *)jfh_i32_trunc_f64_s, (const void *)jfh_i32_trunc_f64_u,
    (const void *)jfh_i64_trunc_f32_s, (const void *)jfh_i64_trunc_f32_u,
    (const void *)jfh_i64_trunc_f64_s, (const void *)jfh_i64_trunc_f64_u,
};

static const void *const trunc_sat_helpers[8] = {
    (const void *)jfh_i32_trunc_sat_f32_s, (const void *)jfh_i32_trunc_sat_f32_u,
    (const void *)jfh_i32_trunc_sat_f64_s, (const void *)jfh_i32_trunc_sat_f64_u,
    (const void *)jfh_i64_trunc_sat_f32_s, (const void *)jfh_i64_trunc_sat_f32_u,
    (const void *)jfh_i64_trunc_sat_f64_s, (const void *)jfh_i64_trunc_sat_f64_u,
};

bool jf_numeric_fc(Compiler *c, uint32_t sub)
{
  if (sub > OP_FC_I64_TRUNC_SAT_F64_U)
    return false;
  jf_helper(c, trunc_sat_helpers[sub], 0, NULL, 1, sub >= 4 ? VAL_I64 : VAL_I32);
  return true;
}

bool jf_numeric(Compiler *c, uint8_t op, const uint8_t **pc)
{
  X64Buf *b = &c->b;
  switch (op) {
  case OP_I32_CONST:
    jf_push_const(c, VAL_I32, (uint32_t)leb_s32(pc));
    return true;
  case OP_I64_CONST:
    jf_push_const(c, VAL_I64, (uint64_t)leb_s64(pc));
    return true;
  case OP_F32_CONST: {
    uint32_t bits;
    memcpy(&bits, *pc, 4);
    *pc += 4;
    jf_push_const(c, VAL_F32, bits);
    return true;
  }
  case OP_F64_CONST: {
    uint64_t bits;
    memcpy(&bits, *pc, 8);
    *pc += 8;
    jf_push_const(c, VAL_F64, bits);
    return true;
  }
  case OP_SELECT:
    select_op(c);
    return true;
  case OP_SELECT_T: {
    uint32_t n = leb_u32(pc);
    *pc += n;
    select_op(c);
    return true;
  }

  case OP_I32_EQZ: eqz(c, false); return true;
  case OP_I64_EQZ: eqz(c, true); return true;
  case OP_I32_EQ: int_compare(c, false, CC_E); return true;
  case OP_I32_NE: int_compare(c, false, CC_NE); return true;
  case OP_I32_LT_S: int_compare(c, false, CC_L); return true;
  case OP_I32_LT_U: int_compare(c, false, CC_B); return true;
  case OP_I32_GT_S: int_compare(c, false, CC_G); return true;
  case OP_I32_GT_U: int_compare(c, false, CC_A); return true;
  case OP_I32_LE_S: int_compare(c, false, CC_LE); return true;
  case OP_I32_LE_U: int_compare(c, false, CC_BE); return true;
  case OP_I32_GE_S: int_compare(c, false, CC_GE); return true;
  case OP_I32_GE_U: int_compare(c, false, CC_AE); return true;
  case OP_I64_EQ: int_compare(c, true, CC_E); return true;
  case OP_I64_NE: int_compare(c, true, CC_NE); return true;
  case OP_I64_LT_S: int_compare(c, true, CC_L); return true;
  case OP_I64_LT_U: int_compare(c, true, CC_B); return true;
  case OP_I64_GT_S: int_compare(c, true, CC_G); return true;
  case OP_I64_GT_U: int_compare(c, true, CC_A); return true;
  case OP_I64_LE_S: int_compare(c, true, CC_LE); return true;
  case OP_I64_LE_U: int_compare(c, true, CC_BE); return true;
  case OP_I64_GE_S: int_compare(c, true, CC_GE); return true;
  case OP_I64_GE_U: int_compare(c, true, CC_AE); return true;

  case OP_F32_EQ: case OP_F32_NE: case OP_F32_LT: case OP_F32_GT: case OP_F32_LE:
  case OP_F32_GE:
    float_compare(c, false, (uint8_t)(op - OP_F32_EQ));
    return true;
  case OP_F64_EQ: case OP_F64_NE: case OP_F64_LT: case OP_F64_GT: case OP_F64_LE:
  case OP_F64_GE:
    float_compare(c, true, (uint8_t)(op - OP_F64_EQ));
    return true;

  case OP_I32_CLZ: bitcount(c, false, 0); return true;
  case OP_I32_CTZ: bitcount(c, false, 1); return true;
  case OP_I32_POPCNT: bitcount(c, false, 2); return true;
  case OP_I64_CLZ: bitcount(c, true, 0); return true;
  case OP_I64_CTZ: bitcount(c, true, 1); return true;
  case OP_I64_POPCNT: bitcount(c, true, 2); return true;
  case OP_I32_ADD: alu(c, false, ALU_ADD); return true;
  case OP_I32_SUB: alu(c, false, ALU_SUB); return true;
  case OP_I32_AND: alu(c, false, ALU_AND); return true;
  case OP_I32_OR: alu(c, false, ALU_OR); return true;
  case OP_I32_XOR: alu(c, false, ALU_XOR); return true;
  case OP_I64_ADD: alu(c, true, ALU_ADD); return true;
  case OP_I64_SUB: alu(c, true, ALU_SUB); return true;
  case OP_I64_AND: alu(c, true, ALU_AND); return true;
  case OP_I64_OR: alu(c, true, ALU_OR); return true;
  case OP_I64_XOR: alu(c, true, ALU_XOR); return true;
  case OP_I32_MUL: mul(c, false); return true;
  case OP_I64_MUL: mul(c, true); return true;
  case OP_I32_DIV_S: divide(c, false, true, false); return true;
  case OP_I32_DIV_U: divide(c, false, false, false); return true;
  case OP_I32_REM_S: divide(c, false, true, true); return true;
  case OP_I32_REM_U: divide(c, false, false, true); return true;
  case OP_I64_DIV_S: divide(c, true, true, false); return true;
  case OP_I64_DIV_U: divide(c, true, false, false); return true;
  case OP_I64_REM_S: divide(c, true, true, true); return true;
  case OP_I64_REM_U: divide(c, true, false, true); return true;
  case OP_I32_SHL: shift(c, false, SH_SHL); return true;
  case OP_I32_SHR_S: shift(c, false, SH_SAR); return true;
  case OP_I32_SHR_U: shift(c, false, SH_SHR); return true;
  case OP_I32_ROTL: shift(c, false, SH_ROL); return true;
  case OP_I32_ROTR: shift(c, false, SH_ROR); return true;
  case OP_I64_SHL: shift(c, true, SH_SHL); return true;
  case OP_I64_SHR_S: shift(c, true, SH_SAR); return true;
  case OP_I64_SHR_U: shift(c, true, SH_SHR); return true;
  case OP_I64_ROTL: shift(c, true, SH_ROL); return true;
  case OP_I64_ROTR: shift(c, true, SH_ROR); return true;

  case OP_F32_ABS: float_sign(c, false, BITS_AND, 0x7FFFFFFFu); return true;
  case OP_F32_NEG: float_sign(c, false, BITS_XOR, 0x80000000u); return true;
  case OP_F64_ABS: float_sign(c, true, BITS_AND, 0x7FFFFFFFFFFFFFFFull); return true;
  case OP_F64_NEG: float_sign(c, true, BITS_XOR, 0x8000000000000000ull); return true;
  case OP_F32_CEIL: float_round(c, false, op, 2); return true;
  case OP_F32_FLOOR: float_round(c, false, op, 1); return true;
  case OP_F32_TRUNC: float_round(c, false, op, 3); return true;
  case OP_F32_NEAREST: float_round(c, false, op, 0); return true;
  case OP_F64_CEIL: float_round(c, true, op, 2); return true;
  case OP_F64_FLOOR: float_round(c, true, op, 1); return true;
  case OP_F64_TRUNC: float_round(c, true, op, 3); return true;
  case OP_F64_NEAREST: float_round(c, true, op, 0); return true;
  case OP_F32_SQRT:
  case OP_F64_SQRT: {
    bool dbl = op == OP_F64_SQRT;
    Val a = jf_pop(c);
    int ra = jf_to_reg(c, &a);
    x64_sse_rr(b, SSE_SQRT, dbl, ra, ra);
    jf_push_reg(c, dbl ? VAL_F64 : VAL_F32, ra);
    return true;
  }
  case OP_F32_ADD: float_binary(c, false, SSE_ADD); return true;
  case OP_F32_SUB: float_binary(c, false, SSE_SUB); return true;
  case OP_F32_MUL: float_binary(c, false, SSE_MUL); return true;
  case OP_F32_DIV: float_binary(c, false, SSE_DIV); return true;
  case OP_F64_ADD: float_binary(c, true, SSE_ADD); return true;
  case OP_F64_SUB: float_binary(c, true, SSE_SUB); return true;
  case OP_F64_MUL: float_binary(c, true, SSE_MUL); return true;
  case OP_F64_DIV: float_binary(c, true, SSE_DIV); return true;
  case OP_F32_MIN: jf_helper(c, (const void *)jfh_f32_min, 0, NULL, 2, VAL_F32); return true;
  case OP_F32_MAX: jf_helper(c, (const void *)jfh_f32_max, 0, NULL, 2, VAL_F32); return true;
  case OP_F64_MIN: jf_helper(c, (const void *)jfh_f64_min, 0, NULL, 2, VAL_F64); return true;
  case OP_F64_MAX: jf_helper(c, (const void *)jfh_f64_max, 0, NULL, 2, VAL_F64); return true;
  case OP_F32_COPYSIGN: float_copysign(c, false); return true;
  case OP_F64_COPYSIGN: float_copysign(c, true); return true;

  case OP_I32_WRAP_I64: {
    Val a = jf_pop(c);
    if (a.kind == V_CONST) {
      jf_push_const(c, VAL_I32, (uint32_t)a.imm);
      return true;
    }
    int r = jf_to_reg(c, &a);
    x64_mov_rr(b, false, r, r);
    jf_push_reg(c, VAL_I32, r);
    return true;
  }
  case OP_I64_EXTEND_I32_S:
  case OP_I64_EXTEND_I32_U: {
    Val a = jf_pop(c);
    if (a.kind == V_CONST) {
      jf_push_const(c, VAL_I64, op == OP_I64_EXTEND_I32_S ? (uint64_t)(int64_t)(int32_t)a.imm
                                                          : (uint32_t)a.imm);
      return true;
    }
    int r = jf_to_reg(c, &a); /* an i32 register is zero-extended already */
    if (op == OP_I64_EXTEND_I32_S)
      x64_movsxd(b, r, r);
    jf_push_reg(c, VAL_I64, r);
    return true;
  }
  case OP_I32_EXTEND8_S:
  case OP_I32_EXTEND16_S:
  case OP_I64_EXTEND8_S:
  case OP_I64_EXTEND16_S:
  case OP_I64_EXTEND32_S: {
    bool w = op != OP_I32_EXTEND8_S && op != OP_I32_EXTEND16_S;
    Val a = jf_pop(c);
    int r = jf_to_reg(c, &a);
    if (op == OP_I64_EXTEND32_S)
      x64_movsxd(b, r, r);
    else
      x64_movsx_rr(b, (op == OP_I32_EXTEND8_S || op == OP_I64_EXTEND8_S) ? 1 : 2, w, r, r);
    jf_push_reg(c, w ? VAL_I64 : VAL_I32, r);
    return true;
  }
  case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F32_U: case OP_I32_TRUNC_F64_S:
  case OP_I32_TRUNC_F64_U:
    jf_helper(c, trunc_helpers[op - OP_I32_TRUNC_F32_S], 0, NULL, 1, VAL_I32);
    return true;
  case OP_I64_TRUNC_F32_S: case OP_I64_TRUNC_F32_U: case OP_I64_TRUNC_F64_S:
  case OP_I64_TRUNC_F64_U:
    jf_helper(c, trunc_helpers[4 + op - OP_I64_TRUNC_F32_S], 0, NULL, 1, VAL_I64);
    return true;
  case OP_F32_CONVERT_I32_S: convert_int_to_float(c, false, false, true); return true;
  case OP_F32_CONVERT_I32_U: convert_int_to_float(c, false, false, false); return true;
  case OP_F32_CONVERT_I64_S: convert_int_to_float(c, false, true, true); return true;
  case OP_F32_CONVERT_I64_U: convert_int_to_float(c, false, true, false); return true;
  case OP_F64_CONVERT_I32_S: convert_int_to_float(c, true, false, true); return true;
  case OP_F64_CONVERT_I32_U: convert_int_to_float(c, true, false, false); return true;
  case OP_F64_CONVERT_I64_S: convert_int_to_float(c, true, true, true); return true;
  case OP_F64_CONVERT_I64_U: convert_int_to_float(c, true, true, false); return true;
  case OP_F32_DEMOTE_F64:
  case OP_F64_PROMOTE_F32: {
    bool from_dbl = op == OP_F32_DEMOTE_F64;
    Val a = jf_pop(c);
    int r = jf_to_reg(c, &a);
    x64_cvts2s(b, from_dbl, r, r);
    jf_push_reg(c, from_dbl ? VAL_F32 : VAL_F64, r);
    return true;
  }
  case OP_I32_REINTERPRET_F32: reinterpret(c, VAL_I32); return true;
  case OP_I64_REINTERPRET_F64: reinterpret(c, VAL_I64); return true;
  case OP_F32_REINTERPRET_I32: reinterpret(c, VAL_F32); return true;
  case OP_F64_REINTERPRET_I64: reinterpret(c, VAL_F64); return true;
  default:
    return false;
  }
}
