/*
 * translate_control.c -- blocks, branches, returns, the poll (contract 6)
 * and calls (contract 2, the convention of runtime/compiled.h).
 *
 * Every label is a basic block whose phi nodes receive the values branches
 * carry: a block's or if's label is the block after its `end` (one phi per
 * result), a loop's label is its header (one phi per parameter), and a
 * branch to the function's label is a return.
 */
#include "translate_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"

/* Every value type's code at its own index, so a one-type block type can
 * point at its type like a function type does. */
static const uint8_t type_codes[128] = {
    [VAL_I32] = VAL_I32,         [VAL_I64] = VAL_I64,          [VAL_F32] = VAL_F32,
    [VAL_F64] = VAL_F64,         [VAL_V128] = VAL_V128,        [VAL_FUNCREF] = VAL_FUNCREF,
    [VAL_EXTERNREF] = VAL_EXTERNREF,
};

/* --- the poll (contract 6) --- */

void wl_poll(Func *f)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  /* Volatile: another thread sets the flags, so no load may leave a loop. */
  LLVMValueRef cur = LLVMBuildLoad2(b, u->t_i32, wl_gep(f, f->inst, offsetof(Instance, interrupt)), "");
  LLVMSetVolatile(cur, 1);
  LLVMValueRef owner = wl_load(f, u->t_ptr, f->env, offsetof(ExecEnv, instance), true);
  LLVMValueRef own = LLVMBuildLoad2(b, u->t_i32, wl_gep(f, owner, offsetof(Instance, interrupt)), "");
  LLVMSetVolatile(own, 1);
  LLVMValueRef fuel = wl_load(f, u->t_i64, f->env, offsetof(ExecEnv, fuel), false);
  LLVMValueRef flags = LLVMBuildICmp(b, LLVMIntNE, LLVMBuildOr(b, cur, own, ""), wl_const_i32(u, 0), "");
  LLVMValueRef counted = LLVMBuildICmp(b, LLVMIntSGE, fuel, wl_const_i64(u, 0), "");
  LLVMValueRef cond = LLVMBuildOr(b, flags, counted, "");
  LLVMBasicBlockRef slow = wl_new_block(f, "poll");
  LLVMBasicBlockRef cont = wl_new_block(f, "");
  LLVMBuildCondBr(b, cond, slow, cont);
  LLVMPositionBuilderAtEnd(b, slow);
  wl_call_helper(f, LLVM_HELPER_poll, &f->env, 1);
  LLVMBuildBr(b, cont);
  LLVMPositionBuilderAtEnd(b, cont);
}

/* --- slots --- */

LLVMValueRef wl_to_slot(Func *f, LLVMValueRef v, uint8_t type)
{
  Unit *u = f->u;
  switch (type) {
  case VAL_I32:
    return LLVMBuildZExt(f->b, v, u->t_i64, "");
  case VAL_I64:
    return v;
  case VAL_F32:
    return LLVMBuildZExt(f->b, LLVMBuildBitCast(f->b, v, u->t_i32, ""), u->t_i64, "");
  case VAL_F64:
    return LLVMBuildBitCast(f->b, v, u->t_i64, "");
  default:
    return LLVMBuildPtrToInt(f->b, v, u->t_i64, "");
  }
}

LLVMValueRef wl_from_slot(Func *f, LLVMValueRef slot, uint8_t type)
{
  Unit *u = f->u;
  switch (type) {
  case VAL_I32:
    return LLVMBuildTrunc(f->b, slot, u->t_i32, "");
  case VAL_I64:
    return slot;
  case VAL_F32:
    return LLVMBuildBitCast(f->b, LLVMBuildTrunc(f->b, slot, u->t_i32, ""), u->t_f32, "");
  case VAL_F64:
    return LLVMBuildBitCast(f->b, slot, u->t_f64, "");
  default:
    return LLVMBuildIntToPtr(f->b, slot, u->t_ptr, "");
  }
}

/* An alloca in the entry block (so a call in a loop does not grow the
 * stack). */
static LLVMValueRef entry_alloca(Func *f, LLVMTypeRef t, uint32_t count)
{
  LLVMBuilderRef tmp = LLVMCreateBuilderInContext(f->u->ctx);
  LLVMValueRef first = LLVMGetFirstInstruction(f->entry);
  if (first)
    LLVMPositionBuilderBefore(tmp, first);
  else
    LLVMPositionBuilderAtEnd(tmp, f->entry);
  LLVMValueRef a = LLVMBuildArrayAlloca(tmp, t, wl_const_i32(f->u, count), "");
  LLVMDisposeBuilder(tmp);
  return a;
}

/* --- returns and branches --- */

void wl_return(Func *f)
{
  uint32_t n = f->type->num_results;
  const uint8_t *types = functype_results(f->type);
  if (n == 0) {
    LLVMBuildRetVoid(f->b);
  } else if (n == 1) {
    LLVMBuildRet(f->b, wl_peek(f, 0));
  } else {
    for (uint32_t i = 0; i < n; i++) {
      LLVMValueRef v = f->stack[f->sp - n + i];
      wl_store(f, wl_to_slot(f, v, types[i]), f->results_ptr, (uint64_t)i * 8);
    }
    LLVMBuildRetVoid(f->b);
  }
}

static LLVMValueRef *make_phis(Func *f, LLVMBasicBlockRef block, const uint8_t *types, uint32_t n)
{
  if (n == 0)
    return NULL;
  LLVMValueRef *phis = malloc(n * sizeof *phis);
  LLVMBasicBlockRef here = LLVMGetInsertBlock(f->b);
  LLVMPositionBuilderAtEnd(f->b, block);
  for (uint32_t i = 0; i < n; i++)
    phis[i] = LLVMBuildPhi(f->b, wl_val_type(f->u, types[i]), "");
  if (here)
    LLVMPositionBuilderAtEnd(f->b, here);
  return phis;
}

/* The top n values flow along an edge from the current block into phis. */
static void add_incoming(Func *f, LLVMValueRef *phis, uint32_t n)
{
  LLVMBasicBlockRef from = LLVMGetInsertBlock(f->b);
  for (uint32_t i = 0; i < n; i++) {
    LLVMValueRef v = f->stack[f->sp - n + i];
    LLVMAddIncoming(phis[i], &v, &from, 1);
  }
}

/* An unconditional branch from the current block to the label `depth`. */
static void branch_to(Func *f, uint32_t depth)
{
  Ctrl *c = &f->ctrls[f->num_ctrls - 1 - depth];
  switch (c->kind) {
  case CTRL_FUNC:
    wl_return(f);
    return;
  case CTRL_LOOP:
    add_incoming(f, c->header_phis, c->num_params);
    LLVMBuildBr(f->b, c->header);
    return;
  default:
    add_incoming(f, c->end_phis, c->num_results);
    c->end_reached = true;
    LLVMBuildBr(f->b, c->end);
  }
}

static Ctrl *push_ctrl(Func *f, CtrlKind kind, int64_t block_type)
{
  if (f->num_ctrls == f->ctrl_cap) {
    f->ctrl_cap *= 2;
    f->ctrls = realloc(f->ctrls, f->ctrl_cap * sizeof *f->ctrls);
  }
  Ctrl *c = &f->ctrls[f->num_ctrls++];
  memset(c, 0, sizeof *c);
  c->kind = kind;
  if (block_type == -0x40) {
    /* [] -> [] */
  } else if (block_type < 0) {
    c->num_results = 1;
    c->results = &type_codes[block_type & 0x7F];
  } else {
    const FuncType *t = &f->u->m->types[block_type];
    c->num_params = t->num_params;
    c->params = functype_params(t);
    c->num_results = t->num_results;
    c->results = functype_results(t);
  }
  c->height = f->sp - c->num_params;
  c->end = wl_new_block(f, kind == CTRL_LOOP ? "loop_end" : "end");
  c->end_phis = make_phis(f, c->end, c->results, c->num_results);
  return c;
}

static void close_block(Func *f)
{
  Ctrl *c = &f->ctrls[f->num_ctrls - 1];
  if (!f->unreachable) {
    add_incoming(f, c->end_phis, c->num_results);
    LLVMBuildBr(f->b, c->end);
    c->end_reached = true;
  }
  if (c->kind == CTRL_IF && c->else_block) {
    /* no else: the parameters are the results */
    LLVMPositionBuilderAtEnd(f->b, c->else_block);
    LLVMBasicBlockRef from = c->else_block;
    for (uint32_t i = 0; i < c->num_results; i++)
      LLVMAddIncoming(c->end_phis[i], &c->if_params[i], &from, 1);
    LLVMBuildBr(f->b, c->end);
    c->end_reached = true;
  }
  f->sp = c->height;
  if (c->end_reached) {
    LLVMPositionBuilderAtEnd(f->b, c->end);
    for (uint32_t i = 0; i < c->num_results; i++)
      wl_push(f, c->end_phis[i]);
    f->unreachable = false;
  } else {
    LLVMDeleteBasicBlock(c->end);
    f->unreachable = true;
  }
  free(c->header_phis);
  free(c->end_phis);
  free(c->if_params);
  f->num_ctrls--;
}

/* --- calls --- */

/* Calls the function whose FuncInst is `fi` (through the entry table) or,
 * for a direct call, whose code slot is `slot`; `direct` is its LLVM
 * function when it is in this unit.  Arguments are on the stack. */
static void emit_call(Func *f, const FuncType *t, LLVMTypeRef ft, LLVMValueRef direct, LLVMValueRef slot,
                      LLVMValueRef fi)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  uint32_t np = t->num_params, nr = t->num_results;
  uint32_t nslots = np > nr ? np : nr;
  LLVMValueRef *args = malloc((np + 2) * sizeof *args);
  args[0] = f->env;
  for (uint32_t i = 0; i < np; i++)
    args[i + 1] = f->stack[f->sp - np + i];
  f->sp -= np;
  LLVMValueRef results = nr >= 2 ? entry_alloca(f, u->t_i64, nr) : NULL;
  uint32_t nargs = np + 1;
  if (nr >= 2)
    args[nargs++] = results;

  if (direct) {
    LLVMValueRef r = LLVMBuildCall2(b, ft, direct, args, nargs, "");
    /* Contract 5: deep recursion exhausts the stack in every tier, so no
     * call becomes a jump (tail-recursion elimination, sibling calls). */
    LLVMSetTailCallKind(r, LLVMTailCallKindNoTail);
    if (nr == 1)
      wl_push(f, r);
    else
      for (uint32_t i = 0; i < nr; i++)
        wl_push(f, wl_from_slot(f, wl_load(f, u->t_i64, results, (uint64_t)i * 8, false),
                                functype_results(t)[i]));
    free(args);
    return;
  }

  /* Compiled code to call directly: the slot, or f->code when f runs in
   * this instance (compiled.h). */
  LLVMValueRef code;
  if (slot) {
    code = LLVMBuildLoad2(b, u->t_ptr, slot, "");
    LLVMSetOrdering(code, LLVMAtomicOrderingMonotonic);
    LLVMSetAlignment(code, 8);
  } else {
    LLVMValueRef owner = wl_load(f, u->t_ptr, fi, offsetof(FuncInst, instance), false);
    LLVMValueRef fcode = LLVMBuildLoad2(b, u->t_ptr, wl_gep(f, fi, offsetof(FuncInst, code)), "");
    LLVMSetOrdering(fcode, LLVMAtomicOrderingMonotonic);
    LLVMSetAlignment(fcode, 8);
    LLVMValueRef same = LLVMBuildICmp(b, LLVMIntEQ, owner, f->inst, "");
    code = LLVMBuildSelect(b, same, fcode, LLVMConstNull(u->t_ptr), "");
  }
  LLVMBasicBlockRef fast = wl_new_block(f, "call_fast");
  LLVMBasicBlockRef slow = wl_new_block(f, "call_slow");
  LLVMBasicBlockRef join = wl_new_block(f, "call_join");
  LLVMBuildCondBr(b, LLVMBuildIsNull(b, code, ""), slow, fast);

  LLVMPositionBuilderAtEnd(b, fast);
  LLVMValueRef fast_r = LLVMBuildCall2(b, ft, code, args, nargs, "");
  LLVMSetTailCallKind(fast_r, LLVMTailCallKindNoTail);
  LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(b);
  LLVMBuildBr(b, join);

  LLVMPositionBuilderAtEnd(b, slow);
  LLVMValueRef argv = nr >= 2 && nr >= np ? results : entry_alloca(f, u->t_i64, nslots ? nslots : 1);
  for (uint32_t i = 0; i < np; i++)
    wl_store(f, wl_to_slot(f, args[i + 1], functype_params(t)[i]), argv, (uint64_t)i * 8);
  LLVMValueRef slow_args[] = {f->env, fi, argv};
  wl_call_helper(f, LLVM_HELPER_call_slow, slow_args, 3);
  LLVMValueRef slow_r = NULL;
  if (nr == 1)
    slow_r = wl_from_slot(f, wl_load(f, u->t_i64, argv, 0, false), functype_results(t)[0]);
  else if (nr >= 2 && argv != results)
    for (uint32_t i = 0; i < nr; i++)
      wl_store(f, wl_load(f, u->t_i64, argv, (uint64_t)i * 8, false), results, (uint64_t)i * 8);
  LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(b);
  LLVMBuildBr(b, join);

  LLVMPositionBuilderAtEnd(b, join);
  if (nr == 1) {
    LLVMValueRef phi = LLVMBuildPhi(b, wl_val_type(u, functype_results(t)[0]), "");
    LLVMValueRef vals[] = {fast_r, slow_r};
    LLVMBasicBlockRef from[] = {fast_end, slow_end};
    LLVMAddIncoming(phi, vals, from, 2);
    wl_push(f, phi);
  } else {
    for (uint32_t i = 0; i < nr; i++)
      wl_push(f, wl_from_slot(f, wl_load(f, u->t_i64, results, (uint64_t)i * 8, false),
                              functype_results(t)[i]));
  }
  free(args);
}

static void call(Func *f, uint32_t index)
{
  Unit *u = f->u;
  const Module *m = u->m;
  const FuncType *t = module_func_type(m, index);
  LLVMTypeRef ft = u->func_types[m->func_type_index[index]];
  LLVMValueRef fi = wl_load(f, u->t_ptr, f->inst_funcs, (uint64_t)index * sizeof(FuncInst *), true);
  if (index < m->num_imported_funcs) {
    emit_call(f, t, ft, NULL, NULL, fi);
    return;
  }
  uint32_t def = index - m->num_imported_funcs;
  if (u->funcs[def]) {
    emit_call(f, t, ft, u->funcs[def], NULL, fi);
    return;
  }
  LLVMValueRef slot = LLVMConstIntToPtr(wl_const_i64(u, (uint64_t)(uintptr_t)&u->opt->slots[def]), u->t_ptr);
  emit_call(f, t, ft, NULL, slot, fi);
}

static void call_indirect(Func *f, uint32_t type_index, uint32_t table)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  LLVMValueRef i = wl_pop(f);
  LLVMValueRef tbl = wl_load(f, u->t_ptr, f->inst_tables, (uint64_t)table * sizeof(Table *), true);
  LLVMValueRef size = wl_load(f, u->t_i32, tbl, offsetof(Table, size), false);
  wl_trap_index_if(f, LLVMBuildICmp(b, LLVMIntUGE, i, size, ""), TRAP_UNDEFINED_ELEMENT, i);
  LLVMValueRef elems = wl_load(f, u->t_ptr, tbl, offsetof(Table, elems), false);
  LLVMValueRef idx = LLVMBuildZExt(b, i, u->t_i64, "");
  LLVMValueRef slot = LLVMBuildInBoundsGEP2(b, u->t_ptr, elems, &idx, 1, "");
  LLVMValueRef fi = LLVMBuildLoad2(b, u->t_ptr, slot, "");
  wl_trap_index_if(f, LLVMBuildIsNull(b, fi, ""), TRAP_UNINITIALIZED_ELEMENT, i);

  const FuncType *want = &u->m->types[type_index];
  LLVMValueRef want_p = LLVMConstIntToPtr(wl_const_i64(u, (uint64_t)(uintptr_t)want), u->t_ptr);
  LLVMValueRef type = wl_load(f, u->t_ptr, fi, offsetof(FuncInst, type), false);
  LLVMBasicBlockRef compare = wl_new_block(f, "type_compare");
  LLVMBasicBlockRef ok = wl_new_block(f, "type_ok");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, type, want_p, ""), ok, compare);
  LLVMPositionBuilderAtEnd(b, compare);
  LLVMValueRef args[] = {type, want_p};
  LLVMValueRef eq = wl_call_helper(f, LLVM_HELPER_functype_equal, args, 2);
  wl_trap_if(f, LLVMBuildNot(b, eq, ""), TRAP_INDIRECT_CALL_TYPE_MISMATCH);
  LLVMBuildBr(b, ok);
  LLVMPositionBuilderAtEnd(b, ok);
  emit_call(f, want, u->func_types[type_index], NULL, NULL, fi);
}

/* --- the control instructions --- */

bool wl_control(Func *f, uint8_t op, const uint8_t **pc)
{
  LLVMBuilderRef b = f->b;
  switch (op) {
  case OP_UNREACHABLE:
    wl_trap(f, TRAP_UNREACHABLE);
    f->unreachable = true;
    return true;
  case OP_BLOCK:
    push_ctrl(f, CTRL_BLOCK, leb_s64(pc));
    return true;
  case OP_LOOP: {
    Ctrl *c = push_ctrl(f, CTRL_LOOP, leb_s64(pc));
    c->header = wl_new_block(f, "loop");
    c->header_phis = make_phis(f, c->header, c->params, c->num_params);
    add_incoming(f, c->header_phis, c->num_params);
    LLVMBuildBr(b, c->header);
    LLVMPositionBuilderAtEnd(b, c->header);
    f->sp = c->height;
    for (uint32_t i = 0; i < c->num_params; i++)
      wl_push(f, c->header_phis[i]);
    /* one fuel unit each time control reaches the loop's start */
    wl_poll(f);
    return true;
  }
  case OP_IF: {
    LLVMValueRef cond = wl_pop(f);
    Ctrl *c = push_ctrl(f, CTRL_IF, leb_s64(pc));
    if (c->num_params) {
      c->if_params = malloc(c->num_params * sizeof *c->if_params);
      memcpy(c->if_params, &f->stack[c->height], c->num_params * sizeof *c->if_params);
    }
    LLVMBasicBlockRef then = wl_new_block(f, "then");
    c->else_block = wl_new_block(f, "else");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, cond, wl_const_i32(f->u, 0), ""), then, c->else_block);
    LLVMPositionBuilderAtEnd(b, then);
    return true;
  }
  case OP_ELSE: {
    Ctrl *c = &f->ctrls[f->num_ctrls - 1];
    if (!f->unreachable) {
      add_incoming(f, c->end_phis, c->num_results);
      LLVMBuildBr(b, c->end);
      c->end_reached = true;
    }
    LLVMPositionBuilderAtEnd(b, c->else_block);
    c->else_block = NULL;
    f->sp = c->height;
    for (uint32_t i = 0; i < c->num_params; i++)
      wl_push(f, c->if_params[i]);
    f->unreachable = false;
    return true;
  }
  case OP_END: {
    Ctrl *c = &f->ctrls[f->num_ctrls - 1];
    if (c->kind == CTRL_FUNC) {
      if (!f->unreachable)
        wl_return(f);
      f->unreachable = true;
      f->num_ctrls--;
      return true;
    }
    close_block(f);
    return true;
  }
  case OP_BR:
    branch_to(f, leb_u32(pc));
    f->unreachable = true;
    return true;
  case OP_BR_IF: {
    uint32_t depth = leb_u32(pc);
    LLVMValueRef cond = LLVMBuildICmp(b, LLVMIntNE, wl_pop(f), wl_const_i32(f->u, 0), "");
    Ctrl *c = &f->ctrls[f->num_ctrls - 1 - depth];
    LLVMBasicBlockRef cont = wl_new_block(f, "");
    if (c->kind == CTRL_FUNC) {
      LLVMBasicBlockRef ret = wl_new_block(f, "br_return");
      LLVMBuildCondBr(b, cond, ret, cont);
      LLVMPositionBuilderAtEnd(b, ret);
      wl_return(f);
    } else if (c->kind == CTRL_LOOP) {
      add_incoming(f, c->header_phis, c->num_params);
      LLVMBuildCondBr(b, cond, c->header, cont);
    } else {
      add_incoming(f, c->end_phis, c->num_results);
      c->end_reached = true;
      LLVMBuildCondBr(b, cond, c->end, cont);
    }
    LLVMPositionBuilderAtEnd(b, cont);
    return true;
  }
  case OP_BR_TABLE: {
    uint32_t n = leb_u32(pc);
    uint32_t *depths = malloc((n + 1) * sizeof *depths);
    for (uint32_t i = 0; i <= n; i++)
      depths[i] = leb_u32(pc);
    LLVMValueRef index = wl_pop(f);
    /* one edge block per distinct label, so each phi sees one edge */
    LLVMBasicBlockRef *edge = calloc(f->num_ctrls, sizeof *edge);
    LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
    for (uint32_t i = 0; i <= n; i++) {
      if (edge[depths[i]])
        continue;
      edge[depths[i]] = wl_new_block(f, "br_table");
      LLVMPositionBuilderAtEnd(b, edge[depths[i]]);
      branch_to(f, depths[i]);
    }
    LLVMPositionBuilderAtEnd(b, from);
    LLVMValueRef sw = LLVMBuildSwitch(b, index, edge[depths[n]], n);
    for (uint32_t i = 0; i < n; i++)
      LLVMAddCase(sw, wl_const_i32(f->u, i), edge[depths[i]]);
    free(edge);
    free(depths);
    f->unreachable = true;
    return true;
  }
  case OP_RETURN:
    wl_return(f);
    f->unreachable = true;
    return true;
  case OP_CALL:
    call(f, leb_u32(pc));
    return true;
  case OP_CALL_INDIRECT: {
    uint32_t type_index = leb_u32(pc);
    call_indirect(f, type_index, leb_u32(pc));
    return true;
  }
  default:
    return false;
  }
}
