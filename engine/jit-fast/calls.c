/*
 * calls.c -- call, call_indirect and the reference instructions.
 *
 * A call spills every operand-stack value, so the arguments sit in
 * consecutive 64-bit slots: the native convention loads them into argument
 * registers from there, and the slow path (compiled_call_slow) takes the
 * slots themselves as its argv.  Results come back in rax / xmm0, or, for
 * two or more, through a pointer to those same slots.
 *
 * A function of this module is called through the module's code table
 * (JitModule.code): filled when the callee is compiled, NULL before, in
 * which case the slow path runs it (and compiles it on the way).  An import
 * always takes the slow path, which switches to its instance; call_indirect
 * calls the target's code directly when it is compiled code of this same
 * instance (compiled.h).
 */
#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "../runtime/compiled.h"
#include "compiler.h"
#include "helpers.h"
#include "jit_module.h"

static const int arg_gprs[] = {RDI, RSI, RDX, RCX, R8, R9};

/* The native convention's arguments from slots [base, base + params).
 * Returns the bytes rsp moved down for stack arguments (sp_adjust until
 * after the call: call_done gives them back). */
static int32_t load_args(Compiler *c, const FuncType *ft, uint32_t base)
{
  X64Buf *b = &c->b;
  int ni = 1, nf = 0;
  uint32_t ns = 0;
  /* count the stack arguments first */
  for (uint32_t i = 0; i < ft->num_params; i++) {
    uint8_t t = functype_params(ft)[i];
    if (type_is_float(t) ? nf++ >= 8 : ni++ >= 6)
      ns++;
  }
  if (ft->num_results >= 2 && ni >= 6)
    ns++;
  int32_t down = (int32_t)((8 * ns + 15) & ~15u);
  if (down) {
    x64_alu_ri(b, ALU_SUB, true, RSP, down);
    c->sp_adjust += down;
  }
  ni = 1;
  nf = 0;
  ns = 0;
  x64_mov_rr(b, true, RDI, REG_ENV);
  for (uint32_t i = 0; i < ft->num_params; i++) {
    uint8_t t = functype_params(ft)[i];
    X64Mem slot = jf_slot(c, base + i);
    if (type_is_float(t) && nf < 8) {
      x64_movs_load(b, t == VAL_F64, nf++, slot);
    } else if (!type_is_float(t) && ni < 6) {
      x64_load(b, 8, false, true, arg_gprs[ni++], slot);
    } else {
      x64_load(b, 8, false, true, RAX, slot);
      x64_store(b, 8, x64_mem(RSP, 8 * (int32_t)ns++), RAX);
    }
  }
  if (ft->num_results >= 2) {
    if (ni < 6) {
      x64_lea(b, true, arg_gprs[ni], jf_slot(c, base));
    } else {
      x64_lea(b, true, RAX, jf_slot(c, base));
      x64_store(b, 8, x64_mem(RSP, 8 * (int32_t)ns++), RAX);
    }
  }
  return down;
}

static void call_done(Compiler *c, int32_t down)
{
  if (down) {
    x64_alu_ri(&c->b, ALU_ADD, true, RSP, down);
    c->sp_adjust -= down;
  }
}

/* compiled_call_slow (env, f in RSI, slots), then a single result into
 * rax / xmm0 like the fast path leaves it. */
static void slow_call(Compiler *c, const FuncType *ft, uint32_t base)
{
  X64Buf *b = &c->b;
  x64_mov_rr(b, true, RDI, REG_ENV);
  x64_lea(b, true, RDX, jf_slot(c, base));
  jf_call_abs(c, (const void *)compiled_call_slow);
  if (ft->num_results == 1) {
    uint8_t t = functype_results(ft)[0];
    if (type_is_float(t))
      x64_movs_load(b, t == VAL_F64, 0, jf_slot(c, base));
    else
      x64_load(b, 8, false, true, RAX, jf_slot(c, base));
  }
}

static void push_results(Compiler *c, const FuncType *ft, uint32_t base)
{
  c->depth = base;
  if (ft->num_results == 1) {
    uint8_t t = functype_results(ft)[0];
    if (type_is_float(t)) {
      int r = jf_alloc_xmm(c);
      if (r != 0)
        x64_movaps(&c->b, r, 0);
      jf_push_reg(c, t, r);
    } else {
      int r = jf_alloc_gpr(c);
      x64_mov_rr(&c->b, type_is_64(t), r, RAX);
      jf_push_reg(c, t, r);
    }
    return;
  }
  for (uint32_t i = 0; i < ft->num_results; i++)
    jf_push_stack(c, functype_results(ft)[i]);
}

static void call(Compiler *c, uint32_t index)
{
  X64Buf *b = &c->b;
  const FuncType *ft = module_func_type(c->m, index);
  jf_spill_all(c);
  uint32_t base = c->depth - ft->num_params;
  size_t done = SIZE_MAX;
  if (index >= c->m->num_imported_funcs) {
    uint32_t def = index - c->m->num_imported_funcs;
    x64_mov_ri(b, R11, (uint64_t)(uintptr_t)&c->jm->code[def]);
    x64_load(b, 8, false, true, R11, x64_mem(R11, 0));
    x64_test_rr(b, true, R11, R11);
    size_t slow = x64_jcc32(b, CC_E);
    int32_t down = load_args(c, ft, base);
    x64_call_r(b, R11);
    call_done(c, down);
    done = x64_jmp32(b);
    x64_patch_rel32(b, slow, b->len);
  }
  jf_load_inst(c, RSI);
  x64_load(b, 8, false, true, RSI, x64_mem(RSI, offsetof(Instance, funcs)));
  x64_load(b, 8, false, true, RSI, x64_mem(RSI, 8 * (int32_t)index));
  slow_call(c, ft, base);
  if (done != SIZE_MAX)
    x64_patch_rel32(b, done, b->len);
  push_results(c, ft, base);
}

static void call_indirect(Compiler *c, uint32_t type_index, uint32_t table)
{
  X64Buf *b = &c->b;
  const FuncType *ft = &c->m->types[type_index];
  Val idx = jf_pop(c);
  int ri = jf_to_reg(c, &idx);
  jf_spill_all(c);
  uint32_t base = c->depth - ft->num_params;
  /* f = the checked table entry, kept in r10 (no argument register) */
  x64_mov_rr(b, false, RCX, ri);
  jf_free(c, &idx);
  x64_mov_rr(b, true, RDI, REG_ENV);
  x64_mov_ri(b, RSI, table);
  x64_mov_ri(b, RDX, (uint64_t)(uintptr_t)ft);
  jf_call_abs(c, (const void *)jfh_indirect_target);
  x64_mov_rr(b, true, R10, RAX);
  /* compiled code of this instance: call it directly */
  x64_load(b, 8, false, true, R11, x64_mem(R10, offsetof(FuncInst, code)));
  x64_test_rr(b, true, R11, R11);
  size_t slow1 = x64_jcc32(b, CC_E);
  jf_load_inst(c, RAX);
  x64_alu_rm(b, ALU_CMP, true, RAX, x64_mem(R10, offsetof(FuncInst, instance)));
  size_t slow2 = x64_jcc32(b, CC_NE);
  int32_t down = load_args(c, ft, base);
  x64_call_r(b, R11);
  call_done(c, down);
  size_t done = x64_jmp32(b);
  x64_patch_rel32(b, slow1, b->len);
  x64_patch_rel32(b, slow2, b->len);
  x64_mov_rr(b, true, RSI, R10);
  slow_call(c, ft, base);
  x64_patch_rel32(b, done, b->len);
  push_results(c, ft, base);
}

bool jf_calls(Compiler *c, uint8_t op, const uint8_t **pc)
{
  switch (op) {
  case OP_CALL:
    call(c, leb_u32(pc));
    return true;
  case OP_CALL_INDIRECT: {
    uint32_t type_index = leb_u32(pc);
    uint32_t table = leb_u32(pc);
    call_indirect(c, type_index, table);
    return true;
  }
  case OP_REF_NULL: {
    uint8_t t = *(*pc)++;
    jf_push_const(c, t, 0);
    return true;
  }
  case OP_REF_IS_NULL: {
    Val a = jf_pop(c);
    if (a.kind == V_CONST) {
      jf_push_const(c, VAL_I32, a.imm == 0);
      return true;
    }
    int r = jf_to_reg(c, &a);
    x64_test_rr(&c->b, true, r, r);
    jf_free(c, &a);
    jf_push_flags(c, CC_E);
    return true;
  }
  case OP_REF_FUNC: {
    uint32_t i = leb_u32(pc);
    int r = jf_alloc_gpr(c);
    jf_load_inst(c, r);
    x64_load(&c->b, 8, false, true, r, x64_mem(r, offsetof(Instance, funcs)));
    x64_load(&c->b, 8, false, true, r, x64_mem(r, 8 * (int32_t)i));
    jf_push_reg(c, VAL_FUNCREF, r);
    return true;
  }
  default:
    return false;
  }
}
