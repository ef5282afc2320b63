/*
 * translate.c -- the translator's driver: units, function prologues (the
 * native stack check and the poll of contract 5 and 6), the operand stack,
 * locals and the parametric instructions, and the dispatch of every other
 * instruction to its family's file.
 */
#include "translate_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "../runtime/compiled.h"

/* --- helpers: symbols and addresses --- */

static const char *const helper_symbols[] = {
#define X(name, fn) "wp_rt_" #name,
    LLVM_HELPER_LIST(X)
#undef X
};

const char *llvm_helper_symbol(LlvmHelper h) { return helper_symbols[h]; }

void *llvm_helper_address(LlvmHelper h)
{
  switch (h) {
#define X(name, fn)                                                                                \
  case LLVM_HELPER_##name:                                                                         \
    return (void *)fn;
    LLVM_HELPER_LIST(X)
#undef X
  default:
    return NULL;
  }
}

void llvm_function_symbol(char *buf, size_t size, const char *prefix, uint32_t def)
{
  snprintf(buf, size, "%sf%u", prefix, def);
}

static void add_fn_attr(Unit *u, LLVMValueRef fn, const char *name)
{
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(u->ctx, kind, 0));
}

static void declare_helpers(Unit *u)
{
  LLVMTypeRef p = u->t_ptr, i32 = u->t_i32, i64 = u->t_i64, v = u->t_void;
  LLVMTypeRef sig[LLVM_HELPER_COUNT][8];
  LLVMTypeRef ret[LLVM_HELPER_COUNT];
  unsigned n[LLVM_HELPER_COUNT];
#define SIG(h, r, ...)                                                                             \
  do {                                                                                             \
    LLVMTypeRef a_[] = {__VA_ARGS__};                                                              \
    ret[h] = r;                                                                                    \
    n[h] = sizeof a_ / sizeof a_[0];                                                               \
    memcpy(sig[h], a_, sizeof a_);                                                                 \
  } while (0)
  SIG(LLVM_HELPER_trap, v, p, i32);
  SIG(LLVM_HELPER_trap_index, v, p, i32, i32);
  SIG(LLVM_HELPER_poll, v, p);
  SIG(LLVM_HELPER_call_slow, v, p, p, p);
  SIG(LLVM_HELPER_functype_equal, u->t_i1, p, p);
  SIG(LLVM_HELPER_memory_grow, i64, p, i32);
  SIG(LLVM_HELPER_memory_init, v, p, p, i32, i32, i32, i32);
  SIG(LLVM_HELPER_memory_copy, v, p, p, p, i32, i32, i32);
  SIG(LLVM_HELPER_memory_fill, v, p, p, i32, i32, i32); /* value: a uint8_t, passed zero-extended */
  SIG(LLVM_HELPER_table_init, v, p, p, i32, i32, i32, i32, i32);
  SIG(LLVM_HELPER_table_copy, v, p, p, p, i32, i32, i32);
  SIG(LLVM_HELPER_table_fill, v, p, p, i32, p, i32);
  SIG(LLVM_HELPER_table_grow, i64, p, i32, p);
#undef SIG
  for (int h = 0; h < LLVM_HELPER_COUNT; h++) {
    u->helper_types[h] = LLVMFunctionType(ret[h], sig[h], n[h], 0);
    u->helpers[h] = LLVMAddFunction(u->mod, helper_symbols[h], u->helper_types[h]);
    add_fn_attr(u, u->helpers[h], "nounwind");
  }
  /* trap_raise longjmps to the host entry: no return, and rare */
  add_fn_attr(u, u->helpers[LLVM_HELPER_trap], "noreturn");
  add_fn_attr(u, u->helpers[LLVM_HELPER_trap], "cold");
  add_fn_attr(u, u->helpers[LLVM_HELPER_trap_index], "noreturn");
  add_fn_attr(u, u->helpers[LLVM_HELPER_trap_index], "cold");
  add_fn_attr(u, u->helpers[LLVM_HELPER_poll], "cold");
}

/* --- small building blocks --- */

LLVMTypeRef wl_val_type(Unit *u, uint8_t t)
{
  switch (t) {
  case VAL_I32:
    return u->t_i32;
  case VAL_I64:
    return u->t_i64;
  case VAL_F32:
    return u->t_f32;
  case VAL_F64:
    return u->t_f64;
  default:
    return u->t_ptr; /* funcref, externref */
  }
}

static LLVMTypeRef native_type(Unit *u, const FuncType *t)
{
  uint32_t n = t->num_params;
  LLVMTypeRef *params = malloc((n + 2) * sizeof *params);
  params[0] = u->t_ptr;
  for (uint32_t i = 0; i < n; i++)
    params[i + 1] = wl_val_type(u, functype_params(t)[i]);
  unsigned count = n + 1;
  LLVMTypeRef ret = u->t_void;
  if (t->num_results == 1)
    ret = wl_val_type(u, functype_results(t)[0]);
  else if (t->num_results >= 2)
    params[count++] = u->t_ptr;
  LLVMTypeRef ft = LLVMFunctionType(ret, params, count, 0);
  free(params);
  return ft;
}

bool wl_fail(Func *f, const char *fmt, ...)
{
  if (!f->failed) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, f->err_size, fmt, ap);
    va_end(ap);
  }
  f->failed = true;
  return false;
}

void wl_push(Func *f, LLVMValueRef v)
{
  if (f->sp == f->stack_cap) {
    f->stack_cap = f->stack_cap ? f->stack_cap * 2 : 64;
    f->stack = realloc(f->stack, f->stack_cap * sizeof *f->stack);
  }
  f->stack[f->sp++] = v;
}

LLVMValueRef wl_pop(Func *f)
{
  if (f->sp == 0) {
    wl_fail(f, "operand stack underflow in function %u", f->def);
    return LLVMGetUndef(f->u->t_i32);
  }
  return f->stack[--f->sp];
}

LLVMValueRef wl_peek(Func *f, uint32_t depth) { return f->stack[f->sp - 1 - depth]; }

LLVMValueRef wl_const_i32(Unit *u, uint32_t v) { return LLVMConstInt(u->t_i32, v, 0); }
LLVMValueRef wl_const_i64(Unit *u, uint64_t v) { return LLVMConstInt(u->t_i64, v, 0); }

LLVMValueRef wl_gep(Func *f, LLVMValueRef p, uint64_t offset)
{
  if (offset == 0)
    return p;
  LLVMValueRef idx = wl_const_i64(f->u, offset);
  return LLVMBuildInBoundsGEP2(f->b, f->u->t_i8, p, &idx, 1, "");
}

LLVMValueRef wl_load(Func *f, LLVMTypeRef t, LLVMValueRef p, uint64_t offset, bool invariant)
{
  LLVMValueRef v = LLVMBuildLoad2(f->b, t, wl_gep(f, p, offset), "");
  if (invariant)
    LLVMSetMetadata(v, f->u->md_invariant, f->u->md_empty);
  return v;
}

void wl_store(Func *f, LLVMValueRef v, LLVMValueRef p, uint64_t offset)
{
  LLVMBuildStore(f->b, v, wl_gep(f, p, offset));
}

LLVMValueRef wl_call_helper(Func *f, LlvmHelper h, LLVMValueRef *args, unsigned n)
{
  return LLVMBuildCall2(f->b, f->u->helper_types[h], f->u->helpers[h], args, n, "");
}

LLVMBasicBlockRef wl_new_block(Func *f, const char *name)
{
  return LLVMAppendBasicBlockInContext(f->u->ctx, f->fn, name);
}

void wl_trap(Func *f, TrapKind kind)
{
  LLVMValueRef args[] = {f->env, wl_const_i32(f->u, (uint32_t)kind)};
  wl_call_helper(f, LLVM_HELPER_trap, args, 2);
  LLVMBuildUnreachable(f->b);
}

void wl_trap_if(Func *f, LLVMValueRef cond, TrapKind kind)
{
  LLVMBasicBlockRef trap = wl_new_block(f, "trap");
  LLVMBasicBlockRef cont = wl_new_block(f, "");
  LLVMBuildCondBr(f->b, cond, trap, cont);
  LLVMPositionBuilderAtEnd(f->b, trap);
  wl_trap(f, kind);
  LLVMPositionBuilderAtEnd(f->b, cont);
}

void wl_trap_index_if(Func *f, LLVMValueRef cond, TrapKind kind, LLVMValueRef index)
{
  LLVMBasicBlockRef trap = wl_new_block(f, "trap");
  LLVMBasicBlockRef cont = wl_new_block(f, "");
  LLVMBuildCondBr(f->b, cond, trap, cont);
  LLVMPositionBuilderAtEnd(f->b, trap);
  LLVMValueRef args[] = {f->env, wl_const_i32(f->u, (uint32_t)kind), index};
  wl_call_helper(f, LLVM_HELPER_trap_index, args, 3);
  LLVMBuildUnreachable(f->b);
  LLVMPositionBuilderAtEnd(f->b, cont);
}

LLVMValueRef wl_intrinsic(Func *f, const char *name, LLVMTypeRef *overloads, unsigned num_overloads,
                          LLVMValueRef *args, unsigned num_args)
{
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(f->u->mod, id, overloads, num_overloads);
  LLVMTypeRef ft = LLVMIntrinsicGetType(f->u->ctx, id, overloads, num_overloads);
  return LLVMBuildCall2(f->b, ft, fn, args, num_args, "");
}

/* --- skipping unreachable code --- */

/* Moves *pc past the immediates of `op` (already read). */
static void skip_immediates(const uint8_t **pc, uint8_t op)
{
  uint8_t imm;
  if (op == OP_PREFIX_FC) {
    uint32_t sub = leb_u32(pc);
    imm = sub < OP_FC_COUNT ? opcode_fc_info[sub].imm : IMM_NONE;
  } else {
    imm = opcode_info[op].imm;
  }
  switch (imm) {
  case IMM_NONE:
    break;
  case IMM_BLOCKTYPE:
  case IMM_LABEL:
  case IMM_FUNC:
  case IMM_LOCAL:
  case IMM_GLOBAL:
  case IMM_TABLE:
  case IMM_MEMORY:
  case IMM_I32:
  case IMM_I64:
  case IMM_DATA:
  case IMM_ELEM:
    leb_skip(pc);
    break;
  case IMM_CALL_INDIRECT:
  case IMM_MEMARG:
  case IMM_DATA_MEMORY:
  case IMM_MEMORY_MEMORY:
  case IMM_ELEM_TABLE:
  case IMM_TABLE_TABLE:
    leb_skip(pc);
    leb_skip(pc);
    break;
  case IMM_BR_TABLE: {
    uint32_t n = leb_u32(pc);
    for (uint32_t i = 0; i <= n; i++)
      leb_skip(pc);
    break;
  }
  case IMM_F32:
    *pc += 4;
    break;
  case IMM_F64:
    *pc += 8;
    break;
  case IMM_SELECT_T: {
    uint32_t n = leb_u32(pc);
    *pc += n;
    break;
  }
  case IMM_REFTYPE:
    *pc += 1;
    break;
  }
}

/* --- parametric instructions and locals --- */

/* A load whose value is dropped must still trap when out of bounds, but
 * LLVM deletes loads nobody uses: make the loads a dropped value is made
 * of volatile, so they stay (a few levels deep, which covers drop of a
 * load and of arithmetic on loads). */
static void keep_loads(Func *f, LLVMValueRef v, int depth)
{
  if (depth == 0 || !LLVMIsAInstruction(v))
    return;
  if (LLVMIsALoadInst(v)) {
    if (LLVMGetInstructionParent(v) && LLVMGetNumOperands(v) == 1 &&
        !LLVMIsAAllocaInst(LLVMGetOperand(v, 0)))
      LLVMSetVolatile(v, 1);
    return;
  }
  if (LLVMIsAPHINode(v) || LLVMIsACallInst(v))
    return;
  int n = LLVMGetNumOperands(v);
  for (int i = 0; i < n; i++)
    keep_loads(f, LLVMGetOperand(v, i), depth - 1);
}

static bool parametric(Func *f, uint8_t op, const uint8_t **pc)
{
  LLVMBuilderRef b = f->b;
  switch (op) {
  case OP_NOP:
    return true;
  case OP_DROP:
    keep_loads(f, wl_pop(f), 4);
    return true;
  case OP_SELECT_T:
    *pc += leb_u32(pc);
    /* fall through */
  case OP_SELECT: {
    LLVMValueRef c = wl_pop(f);
    LLVMValueRef v2 = wl_pop(f);
    LLVMValueRef v1 = wl_pop(f);
    LLVMValueRef nz = LLVMBuildICmp(b, LLVMIntNE, c, wl_const_i32(f->u, 0), "");
    wl_push(f, LLVMBuildSelect(b, nz, v1, v2, ""));
    return true;
  }
  case OP_LOCAL_GET: {
    uint32_t i = leb_u32(pc);
    wl_push(f, LLVMBuildLoad2(b, wl_val_type(f->u, f->local_types[i]), f->locals[i], ""));
    return true;
  }
  case OP_LOCAL_SET:
    LLVMBuildStore(b, wl_pop(f), f->locals[leb_u32(pc)]);
    return true;
  case OP_LOCAL_TEE:
    LLVMBuildStore(b, wl_peek(f, 0), f->locals[leb_u32(pc)]);
    return true;
  default:
    return false;
  }
}

/* --- one function --- */

static void prologue(Func *f)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  f->entry = wl_new_block(f, "entry");
  LLVMPositionBuilderAtEnd(b, f->entry);

  f->env = LLVMGetParam(f->fn, 0);
  uint32_t np = f->type->num_params;
  f->num_locals = f->type->num_params + f->fd->num_locals;
  f->local_types = f->fd->local_types;
  f->locals = calloc(f->num_locals ? f->num_locals : 1, sizeof *f->locals);
  for (uint32_t i = 0; i < f->num_locals; i++) {
    LLVMTypeRef t = wl_val_type(u, f->local_types[i]);
    f->locals[i] = LLVMBuildAlloca(b, t, "");
    LLVMBuildStore(b, i < np ? LLVMGetParam(f->fn, i + 1) : LLVMConstNull(t), f->locals[i]);
  }
  if (f->type->num_results >= 2)
    f->results_ptr = LLVMGetParam(f->fn, np + 1);

  /* Contract 5: below the bound the host entry set, trap before the stack
   * runs out. */
  LLVMValueRef sp = wl_intrinsic(f, "llvm.stacksave", &u->t_ptr, 1, NULL, 0);
  LLVMValueRef limit = wl_load(f, u->t_i64, f->env, offsetof(ExecEnv, native_stack_limit), true);
  LLVMValueRef low = LLVMBuildICmp(b, LLVMIntULT, LLVMBuildPtrToInt(b, sp, u->t_i64, ""), limit, "");
  wl_trap_if(f, low, TRAP_STACK_EXHAUSTED);

  /* Instance constants, loaded once: code never bakes them in, and LLVM
   * drops the ones a function does not use. */
  f->inst = wl_load(f, u->t_ptr, f->env, offsetof(ExecEnv, current), true);
  f->inst_funcs = wl_load(f, u->t_ptr, f->inst, offsetof(Instance, funcs), true);
  f->inst_globals = wl_load(f, u->t_ptr, f->inst, offsetof(Instance, globals), true);
  f->inst_tables = wl_load(f, u->t_ptr, f->inst, offsetof(Instance, tables), true);
  if (f->u->m->num_memories) {
    LLVMValueRef mems = wl_load(f, u->t_ptr, f->inst, offsetof(Instance, memories), true);
    f->mem = wl_load(f, u->t_ptr, mems, 0, true);
    f->mem_base = wl_load(f, u->t_ptr, f->mem, offsetof(Memory, base), true);
  }
  wl_poll(f);
}

static bool translate_body(Func *f)
{
  const uint8_t *pc = f->fd->body;
  const uint8_t *end = f->fd->end;
  uint32_t skip_depth = 0; /* blocks opened inside unreachable code */

  Ctrl *c = &f->ctrls[f->num_ctrls++];
  memset(c, 0, sizeof *c);
  c->kind = CTRL_FUNC;
  c->num_params = 0;
  c->num_results = f->type->num_results;
  c->results = functype_results(f->type);

  while (pc < end && !f->failed) {
    uint8_t op = *pc++;
    if (f->unreachable) {
      if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF) {
        leb_skip(&pc);
        skip_depth++;
        continue;
      }
      if (op == OP_END && skip_depth > 0) {
        skip_depth--;
        continue;
      }
      if (op == OP_ELSE && skip_depth > 0)
        continue;
      if (op != OP_END && op != OP_ELSE) {
        skip_immediates(&pc, op);
        continue;
      }
    }
    if (wl_control(f, op, &pc) || parametric(f, op, &pc) || wl_memory(f, op, &pc) ||
        wl_numeric(f, op, &pc))
      continue;
    if (op == OP_PREFIX_FC) {
      uint32_t sub = leb_u32(&pc);
      if (wl_numeric_fc(f, sub) || wl_memory_fc(f, sub, &pc))
        continue;
      return wl_fail(f, "function %u: unsupported instruction 0xFC %u", f->def, sub);
    }
    return wl_fail(f, "function %u: unsupported instruction 0x%02X at offset %u", f->def, op,
                   (unsigned)(pc - 1 - f->u->m->bytes));
  }
  return !f->failed;
}

static bool translate_function(Unit *u, uint32_t def, char *err, size_t err_size)
{
  Func f;
  memset(&f, 0, sizeof f);
  f.u = u;
  f.b = u->b;
  f.def = def;
  f.fd = &u->m->funcs[def];
  f.type = &u->m->types[f.fd->type_index];
  f.fn = u->funcs[def];
  f.err = err;
  f.err_size = err_size;
  f.ctrl_cap = 16;
  f.ctrls = malloc(f.ctrl_cap * sizeof *f.ctrls);
  prologue(&f);
  bool ok = translate_body(&f);
  free(f.locals);
  free(f.stack);
  for (uint32_t i = 0; i < f.num_ctrls; i++) {
    free(f.ctrls[i].header_phis);
    free(f.ctrls[i].end_phis);
    free(f.ctrls[i].if_params);
  }
  free(f.ctrls);
  return ok;
}

LLVMModuleRef llvm_translate(LLVMContextRef ctx, const Module *m, const uint32_t *defs, uint32_t n,
                             const LlvmTranslateOptions *options, char *err, size_t err_size)
{
  Unit u;
  memset(&u, 0, sizeof u);
  u.ctx = ctx;
  u.m = m;
  u.opt = options;
  u.mod = LLVMModuleCreateWithNameInContext(options->prefix, ctx);
  u.b = LLVMCreateBuilderInContext(ctx);
  u.t_void = LLVMVoidTypeInContext(ctx);
  u.t_i1 = LLVMInt1TypeInContext(ctx);
  u.t_i8 = LLVMInt8TypeInContext(ctx);
  u.t_i32 = LLVMInt32TypeInContext(ctx);
  u.t_i64 = LLVMInt64TypeInContext(ctx);
  u.t_f32 = LLVMFloatTypeInContext(ctx);
  u.t_f64 = LLVMDoubleTypeInContext(ctx);
  u.t_ptr = LLVMPointerTypeInContext(ctx, 0);
  u.md_invariant = LLVMGetMDKindIDInContext(ctx, "invariant.load", 14);
  u.md_empty = LLVMMetadataAsValue(ctx, LLVMMDNodeInContext2(ctx, NULL, 0));
  declare_helpers(&u);

  uint32_t num_defs = m->num_funcs - m->num_imported_funcs;
  u.funcs = calloc(num_defs ? num_defs : 1, sizeof *u.funcs);
  u.func_types = calloc(m->num_types ? m->num_types : 1, sizeof *u.func_types);
  for (uint32_t i = 0; i < m->num_types; i++)
    u.func_types[i] = native_type(&u, &m->types[i]);
  char name[64];
  for (uint32_t i = 0; i < n; i++) {
    uint32_t d = defs[i];
    llvm_function_symbol(name, sizeof name, options->prefix, d);
    u.funcs[d] = LLVMAddFunction(u.mod, name, u.func_types[m->funcs[d].type_index]);
    add_fn_attr(&u, u.funcs[d], "nounwind");
  }
  bool ok = true;
  for (uint32_t i = 0; i < n && ok; i++)
    ok = translate_function(&u, defs[i], err, err_size);

  free(u.funcs);
  free(u.func_types);
  LLVMDisposeBuilder(u.b);
  if (!ok) {
    LLVMDisposeModule(u.mod);
    return NULL;
  }
  return u.mod;
}
