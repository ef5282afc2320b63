/*
 * translate_numeric.c -- constants, comparisons, arithmetic and conversions
 * with the interpreters' exact semantics (interp-classic/numeric.h): shifts
 * and rotations modulo the width, clz/ctz of zero, the integer traps, the
 * trapping and saturating float-to-integer conversions, NaN-aware min/max,
 * sign operations that keep NaN payloads, and the "NaN bits" rule.
 *
 * NaN bits (the shared definition): a binary float operation with a NaN
 * operand gives the first NaN operand's payload, quieted, as x86 SSE does
 * for `op a, b`; a NaN made from non-NaN operands is x86's default NaN.
 * LLVM treats fadd and fmul as commutative and folds constants in its own
 * way, so the rule is made explicit: a few selects, taken off the fast path
 * by the processor (they are branch-free) and folded away where an operand
 * is a constant that is not a NaN.
 */
#include "translate_internal.h"

#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"

static bool is64(LLVMTypeRef t) { return LLVMGetTypeKind(t) == LLVMDoubleTypeKind; }

static LLVMTypeRef bits_type(Unit *u, LLVMTypeRef ft) { return is64(ft) ? u->t_i64 : u->t_i32; }

static LLVMValueRef is_nan(Func *f, LLVMValueRef x)
{
  return LLVMBuildFCmp(f->b, LLVMRealUNO, x, x, "");
}

static LLVMValueRef quieted(Func *f, LLVMValueRef x)
{
  Unit *u = f->u;
  LLVMTypeRef ft = LLVMTypeOf(x), it = bits_type(u, ft);
  uint64_t quiet = is64(ft) ? 0x0008000000000000ull : 0x00400000u;
  LLVMValueRef bits = LLVMBuildOr(f->b, LLVMBuildBitCast(f->b, x, it, ""), LLVMConstInt(it, quiet, 0), "");
  return LLVMBuildBitCast(f->b, bits, ft, "");
}

/* r = a OP b, with the NaN bits rule. */
static LLVMValueRef nan_rule(Func *f, LLVMValueRef r, LLVMValueRef a, LLVMValueRef b)
{
  Unit *u = f->u;
  LLVMBuilderRef bl = f->b;
  LLVMTypeRef ft = LLVMTypeOf(r), it = bits_type(u, ft);
  uint64_t dflt = is64(ft) ? 0xFFF8000000000000ull : 0xFFC00000u;
  LLVMValueRef default_nan = LLVMBuildBitCast(bl, LLVMConstInt(it, dflt, 0), ft, "");
  LLVMValueRef fix = LLVMBuildSelect(bl, is_nan(f, b), quieted(f, b), default_nan, "");
  fix = LLVMBuildSelect(bl, is_nan(f, a), quieted(f, a), fix, "");
  return LLVMBuildSelect(bl, is_nan(f, r), fix, r, "");
}

/* min/max as numeric.h has them: a NaN operand gives a NaN (by the rule
 * above), equal operands combine their sign bits (-0 < +0), else compare. */
static LLVMValueRef min_max(Func *f, LLVMValueRef a, LLVMValueRef b, bool is_min)
{
  Unit *u = f->u;
  LLVMBuilderRef bl = f->b;
  LLVMTypeRef ft = LLVMTypeOf(a), it = bits_type(u, ft);
  LLVMValueRef ab = LLVMBuildBitCast(bl, a, it, ""), bb = LLVMBuildBitCast(bl, b, it, "");
  LLVMValueRef same = is_min ? LLVMBuildOr(bl, ab, bb, "") : LLVMBuildAnd(bl, ab, bb, "");
  same = LLVMBuildBitCast(bl, same, ft, "");
  LLVMValueRef pick_a = LLVMBuildFCmp(bl, is_min ? LLVMRealOLT : LLVMRealOGT, a, b, "");
  LLVMValueRef r = LLVMBuildSelect(bl, pick_a, a, b, "");
  r = LLVMBuildSelect(bl, LLVMBuildFCmp(bl, LLVMRealOEQ, a, b, ""), same, r, "");
  LLVMValueRef any_nan = LLVMBuildFCmp(bl, LLVMRealUNO, a, b, "");
  LLVMValueRef nan = LLVMBuildSelect(bl, is_nan(f, a), quieted(f, a), quieted(f, b), "");
  return LLVMBuildSelect(bl, any_nan, nan, r, "");
}

static LLVMValueRef unary_intrinsic(Func *f, const char *name, LLVMValueRef a)
{
  LLVMTypeRef t = LLVMTypeOf(a);
  return wl_intrinsic(f, name, &t, 1, &a, 1);
}

/* ctlz/cttz defined at zero (the width), as Wasm wants. */
static LLVMValueRef count_zeros(Func *f, const char *name, LLVMValueRef a)
{
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[] = {a, LLVMConstInt(f->u->t_i1, 0, 0)};
  return wl_intrinsic(f, name, &t, 1, args, 2);
}

static LLVMValueRef funnel(Func *f, const char *name, LLVMValueRef a, LLVMValueRef k)
{
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[] = {a, a, k};
  return wl_intrinsic(f, name, &t, 1, args, 3);
}

static LLVMValueRef shift_amount(Func *f, LLVMValueRef k)
{
  LLVMTypeRef t = LLVMTypeOf(k);
  return LLVMBuildAnd(f->b, k, LLVMConstInt(t, LLVMGetIntTypeWidth(t) - 1, 0), "");
}

static void divide(Func *f, uint8_t op, LLVMValueRef a, LLVMValueRef b)
{
  LLVMBuilderRef bl = f->b;
  LLVMTypeRef t = LLVMTypeOf(a);
  unsigned width = LLVMGetIntTypeWidth(t);
  LLVMValueRef zero = LLVMConstNull(t), minus1 = LLVMConstAllOnes(t);
  wl_trap_if(f, LLVMBuildICmp(bl, LLVMIntEQ, b, zero, ""), TRAP_INTEGER_DIVIDE_BY_ZERO);
  LLVMValueRef r;
  switch (op) {
  case OP_I32_DIV_S:
  case OP_I64_DIV_S: {
    LLVMValueRef min = LLVMConstInt(t, 1ull << (width - 1), 0);
    LLVMValueRef overflow = LLVMBuildAnd(bl, LLVMBuildICmp(bl, LLVMIntEQ, a, min, ""),
                                         LLVMBuildICmp(bl, LLVMIntEQ, b, minus1, ""), "");
    wl_trap_if(f, overflow, TRAP_INTEGER_OVERFLOW);
    r = LLVMBuildSDiv(bl, a, b, "");
    break;
  }
  case OP_I32_DIV_U:
  case OP_I64_DIV_U:
    r = LLVMBuildUDiv(bl, a, b, "");
    break;
  case OP_I32_REM_S:
  case OP_I64_REM_S: {
    /* MIN rem -1 is 0 in Wasm and undefined in LLVM: x rem 1 is 0 too */
    LLVMValueRef safe = LLVMBuildSelect(bl, LLVMBuildICmp(bl, LLVMIntEQ, b, minus1, ""),
                                        LLVMConstInt(t, 1, 0), b, "");
    r = LLVMBuildSRem(bl, a, safe, "");
    break;
  }
  default:
    r = LLVMBuildURem(bl, a, b, "");
  }
  wl_push(f, r);
}

/* The trapping truncations: the exact ranges of numeric.h. */
typedef struct TruncRange {
  double lo;
  bool lo_inclusive;
  double hi;
  bool is_signed;
} TruncRange;

static bool trunc_range(uint8_t op, TruncRange *r)
{
  switch (op) {
#define R(o, lo, incl, hi, s)                                                                      \
  case o:                                                                                          \
    *r = (TruncRange){lo, incl, hi, s};                                                            \
    return true;
    R(OP_I32_TRUNC_F32_S, -2147483648.0, true, 2147483648.0, true)
    R(OP_I32_TRUNC_F32_U, -1.0, false, 4294967296.0, false)
    R(OP_I32_TRUNC_F64_S, -2147483649.0, false, 2147483648.0, true)
    R(OP_I32_TRUNC_F64_U, -1.0, false, 4294967296.0, false)
    R(OP_I64_TRUNC_F32_S, -9223372036854775808.0, true, 9223372036854775808.0, true)
    R(OP_I64_TRUNC_F32_U, -1.0, false, 18446744073709551616.0, false)
    R(OP_I64_TRUNC_F64_S, -9223372036854775808.0, true, 9223372036854775808.0, true)
    R(OP_I64_TRUNC_F64_U, -1.0, false, 18446744073709551616.0, false)
#undef R
  default:
    return false;
  }
}

static void trunc_trapping(Func *f, const TruncRange *r, LLVMTypeRef to)
{
  LLVMBuilderRef b = f->b;
  LLVMValueRef x = wl_pop(f);
  LLVMTypeRef ft = LLVMTypeOf(x);
  wl_trap_if(f, is_nan(f, x), TRAP_INVALID_CONVERSION);
  LLVMValueRef above = LLVMBuildFCmp(b, r->lo_inclusive ? LLVMRealOGE : LLVMRealOGT, x,
                                     LLVMConstReal(ft, r->lo), "");
  LLVMValueRef below = LLVMBuildFCmp(b, LLVMRealOLT, x, LLVMConstReal(ft, r->hi), "");
  wl_trap_if(f, LLVMBuildNot(b, LLVMBuildAnd(b, above, below, ""), ""), TRAP_INTEGER_OVERFLOW);
  wl_push(f, r->is_signed ? LLVMBuildFPToSI(b, x, to, "") : LLVMBuildFPToUI(b, x, to, ""));
}

#define POP2()                                                                                     \
  LLVMValueRef y = wl_pop(f);                                                                      \
  LLVMValueRef x = wl_pop(f)

bool wl_numeric(Func *f, uint8_t op, const uint8_t **pc)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;

  /* comparisons */
  static const struct {
    uint8_t first;
    LLVMIntPredicate preds[10];
  } int_cmps[] = {
      {OP_I32_EQ, {LLVMIntEQ, LLVMIntNE, LLVMIntSLT, LLVMIntULT, LLVMIntSGT, LLVMIntUGT, LLVMIntSLE,
                   LLVMIntULE, LLVMIntSGE, LLVMIntUGE}},
      {OP_I64_EQ, {LLVMIntEQ, LLVMIntNE, LLVMIntSLT, LLVMIntULT, LLVMIntSGT, LLVMIntUGT, LLVMIntSLE,
                   LLVMIntULE, LLVMIntSGE, LLVMIntUGE}},
  };
  for (int k = 0; k < 2; k++)
    if (op >= int_cmps[k].first && op < int_cmps[k].first + 10) {
      POP2();
      LLVMValueRef c = LLVMBuildICmp(b, int_cmps[k].preds[op - int_cmps[k].first], x, y, "");
      wl_push(f, LLVMBuildZExt(b, c, u->t_i32, ""));
      return true;
    }
  static const LLVMRealPredicate float_preds[6] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                                   LLVMRealOGT, LLVMRealOLE, LLVMRealOGE};
  if ((op >= OP_F32_EQ && op <= OP_F32_GE) || (op >= OP_F64_EQ && op <= OP_F64_GE)) {
    POP2();
    uint8_t first = op <= OP_F32_GE ? OP_F32_EQ : OP_F64_EQ;
    wl_push(f, LLVMBuildZExt(b, LLVMBuildFCmp(b, float_preds[op - first], x, y, ""), u->t_i32, ""));
    return true;
  }
  TruncRange range;
  if (trunc_range(op, &range)) {
    trunc_trapping(f, &range, op <= OP_I32_TRUNC_F64_U ? u->t_i32 : u->t_i64);
    return true;
  }

  switch (op) {
  case OP_I32_CONST:
    wl_push(f, wl_const_i32(u, (uint32_t)leb_s32(pc)));
    return true;
  case OP_I64_CONST:
    wl_push(f, wl_const_i64(u, (uint64_t)leb_s64(pc)));
    return true;
  case OP_F32_CONST: {
    uint32_t bits;
    memcpy(&bits, *pc, 4);
    *pc += 4;
    wl_push(f, LLVMBuildBitCast(b, wl_const_i32(u, bits), u->t_f32, ""));
    return true;
  }
  case OP_F64_CONST: {
    uint64_t bits;
    memcpy(&bits, *pc, 8);
    *pc += 8;
    wl_push(f, LLVMBuildBitCast(b, wl_const_i64(u, bits), u->t_f64, ""));
    return true;
  }
  case OP_I32_EQZ:
  case OP_I64_EQZ: {
    LLVMValueRef x = wl_pop(f);
    wl_push(f, LLVMBuildZExt(b, LLVMBuildIsNull(b, x, ""), u->t_i32, ""));
    return true;
  }

  /* integer arithmetic */
  case OP_I32_CLZ:
  case OP_I64_CLZ:
    wl_push(f, count_zeros(f, "llvm.ctlz", wl_pop(f)));
    return true;
  case OP_I32_CTZ:
  case OP_I64_CTZ:
    wl_push(f, count_zeros(f, "llvm.cttz", wl_pop(f)));
    return true;
  case OP_I32_POPCNT:
  case OP_I64_POPCNT:
    wl_push(f, unary_intrinsic(f, "llvm.ctpop", wl_pop(f)));
    return true;
  case OP_I32_ADD:
  case OP_I64_ADD: {
    POP2();
    wl_push(f, LLVMBuildAdd(b, x, y, ""));
    return true;
  }
  case OP_I32_SUB:
  case OP_I64_SUB: {
    POP2();
    wl_push(f, LLVMBuildSub(b, x, y, ""));
    return true;
  }
  case OP_I32_MUL:
  case OP_I64_MUL: {
    POP2();
    wl_push(f, LLVMBuildMul(b, x, y, ""));
    return true;
  }
  case OP_I32_DIV_S:
  case OP_I32_DIV_U:
  case OP_I32_REM_S:
  case OP_I32_REM_U:
  case OP_I64_DIV_S:
  case OP_I64_DIV_U:
  case OP_I64_REM_S:
  case OP_I64_REM_U: {
    POP2();
    divide(f, op, x, y);
    return true;
  }
  case OP_I32_AND:
  case OP_I64_AND: {
    POP2();
    wl_push(f, LLVMBuildAnd(b, x, y, ""));
    return true;
  }
  case OP_I32_OR:
  case OP_I64_OR: {
    POP2();
    wl_push(f, LLVMBuildOr(b, x, y, ""));
    return true;
  }
  case OP_I32_XOR:
  case OP_I64_XOR: {
    POP2();
    wl_push(f, LLVMBuildXor(b, x, y, ""));
    return true;
  }
  case OP_I32_SHL:
  case OP_I64_SHL: {
    POP2();
    wl_push(f, LLVMBuildShl(b, x, shift_amount(f, y), ""));
    return true;
  }
  case OP_I32_SHR_S:
  case OP_I64_SHR_S: {
    POP2();
    wl_push(f, LLVMBuildAShr(b, x, shift_amount(f, y), ""));
    return true;
  }
  case OP_I32_SHR_U:
  case OP_I64_SHR_U: {
    POP2();
    wl_push(f, LLVMBuildLShr(b, x, shift_amount(f, y), ""));
    return true;
  }
  case OP_I32_ROTL:
  case OP_I64_ROTL: {
    POP2();
    wl_push(f, funnel(f, "llvm.fshl", x, y)); /* the amount is taken modulo the width */
    return true;
  }
  case OP_I32_ROTR:
  case OP_I64_ROTR: {
    POP2();
    wl_push(f, funnel(f, "llvm.fshr", x, y));
    return true;
  }

  /* float arithmetic */
  case OP_F32_ABS:
  case OP_F64_ABS:
    wl_push(f, unary_intrinsic(f, "llvm.fabs", wl_pop(f))); /* a bit operation in LLVM */
    return true;
  case OP_F32_NEG:
  case OP_F64_NEG:
    wl_push(f, LLVMBuildFNeg(b, wl_pop(f), ""));
    return true;
  case OP_F32_CEIL:
  case OP_F64_CEIL:
    wl_push(f, unary_intrinsic(f, "llvm.ceil", wl_pop(f)));
    return true;
  case OP_F32_FLOOR:
  case OP_F64_FLOOR:
    wl_push(f, unary_intrinsic(f, "llvm.floor", wl_pop(f)));
    return true;
  case OP_F32_TRUNC:
  case OP_F64_TRUNC:
    wl_push(f, unary_intrinsic(f, "llvm.trunc", wl_pop(f)));
    return true;
  case OP_F32_NEAREST:
  case OP_F64_NEAREST:
    wl_push(f, unary_intrinsic(f, "llvm.roundeven", wl_pop(f)));
    return true;
  case OP_F32_SQRT:
  case OP_F64_SQRT:
    wl_push(f, unary_intrinsic(f, "llvm.sqrt", wl_pop(f)));
    return true;
  case OP_F32_ADD:
  case OP_F64_ADD: {
    POP2();
    wl_push(f, nan_rule(f, LLVMBuildFAdd(b, x, y, ""), x, y));
    return true;
  }
  case OP_F32_SUB:
  case OP_F64_SUB: {
    POP2();
    wl_push(f, nan_rule(f, LLVMBuildFSub(b, x, y, ""), x, y));
    return true;
  }
  case OP_F32_MUL:
  case OP_F64_MUL: {
    POP2();
    wl_push(f, nan_rule(f, LLVMBuildFMul(b, x, y, ""), x, y));
    return true;
  }
  case OP_F32_DIV:
  case OP_F64_DIV: {
    POP2();
    wl_push(f, nan_rule(f, LLVMBuildFDiv(b, x, y, ""), x, y));
    return true;
  }
  case OP_F32_MIN:
  case OP_F64_MIN: {
    POP2();
    wl_push(f, min_max(f, x, y, true));
    return true;
  }
  case OP_F32_MAX:
  case OP_F64_MAX: {
    POP2();
    wl_push(f, min_max(f, x, y, false));
    return true;
  }
  case OP_F32_COPYSIGN:
  case OP_F64_COPYSIGN: {
    POP2();
    LLVMTypeRef t = LLVMTypeOf(x);
    LLVMValueRef args[] = {x, y};
    wl_push(f, wl_intrinsic(f, "llvm.copysign", &t, 1, args, 2));
    return true;
  }

  /* conversions */
  case OP_I32_WRAP_I64:
    wl_push(f, LLVMBuildTrunc(b, wl_pop(f), u->t_i32, ""));
    return true;
  case OP_I64_EXTEND_I32_S:
    wl_push(f, LLVMBuildSExt(b, wl_pop(f), u->t_i64, ""));
    return true;
  case OP_I64_EXTEND_I32_U:
    wl_push(f, LLVMBuildZExt(b, wl_pop(f), u->t_i64, ""));
    return true;
  case OP_F32_CONVERT_I32_S:
  case OP_F32_CONVERT_I64_S:
    wl_push(f, LLVMBuildSIToFP(b, wl_pop(f), u->t_f32, ""));
    return true;
  case OP_F32_CONVERT_I32_U:
  case OP_F32_CONVERT_I64_U:
    wl_push(f, LLVMBuildUIToFP(b, wl_pop(f), u->t_f32, ""));
    return true;
  case OP_F64_CONVERT_I32_S:
  case OP_F64_CONVERT_I64_S:
    wl_push(f, LLVMBuildSIToFP(b, wl_pop(f), u->t_f64, ""));
    return true;
  case OP_F64_CONVERT_I32_U:
  case OP_F64_CONVERT_I64_U:
    wl_push(f, LLVMBuildUIToFP(b, wl_pop(f), u->t_f64, ""));
    return true;
  case OP_F32_DEMOTE_F64: {
    /* LLVM folds demote(promote(x)) to x, which leaves a signalling NaN
     * signalling: quiet it as the processor's conversion does */
    LLVMValueRef x = wl_pop(f);
    LLVMValueRef r = LLVMBuildFPTrunc(b, x, u->t_f32, "");
    wl_push(f, LLVMBuildSelect(b, is_nan(f, x), quieted(f, r), r, ""));
    return true;
  }
  case OP_F64_PROMOTE_F32:
    wl_push(f, LLVMBuildFPExt(b, wl_pop(f), u->t_f64, ""));
    return true;
  case OP_I32_REINTERPRET_F32:
    wl_push(f, LLVMBuildBitCast(b, wl_pop(f), u->t_i32, ""));
    return true;
  case OP_I64_REINTERPRET_F64:
    wl_push(f, LLVMBuildBitCast(b, wl_pop(f), u->t_i64, ""));
    return true;
  case OP_F32_REINTERPRET_I32:
    wl_push(f, LLVMBuildBitCast(b, wl_pop(f), u->t_f32, ""));
    return true;
  case OP_F64_REINTERPRET_I64:
    wl_push(f, LLVMBuildBitCast(b, wl_pop(f), u->t_f64, ""));
    return true;

  /* sign extension */
  case OP_I32_EXTEND8_S:
  case OP_I64_EXTEND8_S:
  case OP_I32_EXTEND16_S:
  case OP_I64_EXTEND16_S:
  case OP_I64_EXTEND32_S: {
    LLVMValueRef x = wl_pop(f);
    unsigned bits = op == OP_I32_EXTEND8_S || op == OP_I64_EXTEND8_S     ? 8
                    : op == OP_I32_EXTEND16_S || op == OP_I64_EXTEND16_S ? 16
                                                                         : 32;
    LLVMValueRef narrow = LLVMBuildTrunc(b, x, LLVMIntTypeInContext(u->ctx, bits), "");
    wl_push(f, LLVMBuildSExt(b, narrow, LLVMTypeOf(x), ""));
    return true;
  }
  default:
    return false;
  }
}

bool wl_numeric_fc(Func *f, uint32_t op)
{
  Unit *u = f->u;
  if (op > OP_FC_I64_TRUNC_SAT_F64_U)
    return false;
  /* fptosi.sat / fptoui.sat are Wasm's saturating truncations exactly:
   * NaN is 0, out-of-range values clamp */
  LLVMValueRef x = wl_pop(f);
  LLVMTypeRef types[] = {op <= OP_FC_I32_TRUNC_SAT_F64_U ? u->t_i32 : u->t_i64, LLVMTypeOf(x)};
  bool is_signed = (op & 1) == 0;
  wl_push(f, wl_intrinsic(f, is_signed ? "llvm.fptosi.sat" : "llvm.fptoui.sat", types, 2, &x, 1));
  return true;
}
