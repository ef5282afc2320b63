/*
 * translate_memory.c -- linear memory (contract 4), globals, tables,
 * references and the bulk operations (through the runtime's helpers, which
 * check every range before writing anything, as the interpreters do).
 *
 * A guarded memory needs no bounds check: the effective address is at most
 * 2^33 - 2 + 8 bytes past the base, inside the reservation, and the fault
 * handler turns a fault there into the trap.  With explicit checks (the
 * bounds_checks option) each access compares against the current size,
 * reloaded at every access since memory.grow (here or in a callee) changes
 * it; the base is loaded once per function, as it never moves.
 */
#include "translate_internal.h"

#include "../common/leb128.h"
#include "../common/opcodes.h"

/* The address of an access of `bytes` bytes: base + u32 address + offset. */
static LLVMValueRef effective_address(Func *f, LLVMValueRef addr, uint32_t offset, uint32_t bytes)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  LLVMValueRef ea = LLVMBuildZExt(b, addr, u->t_i64, "");
  if (offset)
    ea = LLVMBuildAdd(b, ea, wl_const_i64(u, offset), "");
  if (u->opt->bounds_checks) {
    LLVMValueRef size = wl_load(f, u->t_i64, f->mem, offsetof(Memory, size), false);
    LLVMValueRef last = LLVMBuildAdd(b, ea, wl_const_i64(u, bytes), "");
    wl_trap_if(f, LLVMBuildICmp(b, LLVMIntUGT, last, size, ""), TRAP_MEMORY_OUT_OF_BOUNDS);
  }
  return LLVMBuildGEP2(b, u->t_i8, f->mem_base, &ea, 1, "");
}

typedef struct Access {
  uint8_t bytes;
  uint8_t value_type; /* the Wasm value's type */
  bool is_signed;     /* narrow loads: sign- or zero-extend */
} Access;

static bool access_of(uint8_t op, Access *a)
{
  switch (op) {
#define A(o, n, t, s)                                                                              \
  case o:                                                                                          \
    *a = (Access){n, t, s};                                                                        \
    return true;
    A(OP_I32_LOAD, 4, VAL_I32, false)
    A(OP_I64_LOAD, 8, VAL_I64, false)
    A(OP_F32_LOAD, 4, VAL_F32, false)
    A(OP_F64_LOAD, 8, VAL_F64, false)
    A(OP_I32_LOAD8_S, 1, VAL_I32, true)
    A(OP_I32_LOAD8_U, 1, VAL_I32, false)
    A(OP_I32_LOAD16_S, 2, VAL_I32, true)
    A(OP_I32_LOAD16_U, 2, VAL_I32, false)
    A(OP_I64_LOAD8_S, 1, VAL_I64, true)
    A(OP_I64_LOAD8_U, 1, VAL_I64, false)
    A(OP_I64_LOAD16_S, 2, VAL_I64, true)
    A(OP_I64_LOAD16_U, 2, VAL_I64, false)
    A(OP_I64_LOAD32_S, 4, VAL_I64, true)
    A(OP_I64_LOAD32_U, 4, VAL_I64, false)
    A(OP_I32_STORE, 4, VAL_I32, false)
    A(OP_I64_STORE, 8, VAL_I64, false)
    A(OP_F32_STORE, 4, VAL_F32, false)
    A(OP_F64_STORE, 8, VAL_F64, false)
    A(OP_I32_STORE8, 1, VAL_I32, false)
    A(OP_I32_STORE16, 2, VAL_I32, false)
    A(OP_I64_STORE8, 1, VAL_I64, false)
    A(OP_I64_STORE16, 2, VAL_I64, false)
    A(OP_I64_STORE32, 4, VAL_I64, false)
#undef A
  default:
    return false;
  }
}

static LLVMTypeRef int_type(Unit *u, uint8_t bytes)
{
  return LLVMIntTypeInContext(u->ctx, bytes * 8u);
}

static void load(Func *f, uint8_t op, const Access *a, uint32_t offset)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  LLVMTypeRef vt = wl_val_type(u, a->value_type);
  bool full = a->bytes == 4 ? a->value_type != VAL_I64 : a->bytes == 8;
  LLVMTypeRef mt = full ? vt : int_type(u, a->bytes);
  LLVMValueRef p = effective_address(f, wl_pop(f), offset, a->bytes);
  LLVMValueRef v = LLVMBuildLoad2(b, mt, p, "");
  LLVMSetAlignment(v, 1); /* Wasm's alignment is a hint */
  if (!full)
    v = a->is_signed ? LLVMBuildSExt(b, v, vt, "") : LLVMBuildZExt(b, v, vt, "");
  (void)op;
  wl_push(f, v);
}

static void store(Func *f, const Access *a, uint32_t offset)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  LLVMValueRef v = wl_pop(f);
  bool full = a->bytes == 4 ? a->value_type != VAL_I64 : a->bytes == 8;
  if (!full)
    v = LLVMBuildTrunc(b, v, int_type(u, a->bytes), "");
  LLVMValueRef p = effective_address(f, wl_pop(f), offset, a->bytes);
  LLVMValueRef s = LLVMBuildStore(b, v, p);
  LLVMSetAlignment(s, 1);
}

static LLVMValueRef global_ptr(Func *f, uint32_t index)
{
  return wl_load(f, f->u->t_ptr, f->inst_globals, (uint64_t)index * sizeof(GlobalInst *), true);
}

static LLVMValueRef table_ptr(Func *f, uint32_t index)
{
  return wl_load(f, f->u->t_ptr, f->inst_tables, (uint64_t)index * sizeof(Table *), true);
}

/* &t->elems[i], after the bounds check every table access makes. */
static LLVMValueRef table_element(Func *f, LLVMValueRef t, LLVMValueRef i)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  LLVMValueRef size = wl_load(f, u->t_i32, t, offsetof(Table, size), false);
  wl_trap_if(f, LLVMBuildICmp(b, LLVMIntUGE, i, size, ""), TRAP_TABLE_OUT_OF_BOUNDS);
  LLVMValueRef elems = wl_load(f, u->t_ptr, t, offsetof(Table, elems), false);
  LLVMValueRef idx = LLVMBuildZExt(b, i, u->t_i64, "");
  return LLVMBuildInBoundsGEP2(b, u->t_ptr, elems, &idx, 1, "");
}

bool wl_memory(Func *f, uint8_t op, const uint8_t **pc)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  Access a;
  if (access_of(op, &a)) {
    leb_skip(pc); /* alignment hint */
    uint32_t offset = leb_u32(pc);
    if (op >= OP_I32_STORE)
      store(f, &a, offset);
    else
      load(f, op, &a, offset);
    return true;
  }
  switch (op) {
  case OP_MEMORY_SIZE:
    leb_skip(pc);
    wl_push(f, wl_load(f, u->t_i32, f->mem, offsetof(Memory, pages), false));
    return true;
  case OP_MEMORY_GROW: {
    leb_skip(pc);
    /* the base stays where it is, so nothing cached changes */
    LLVMValueRef args[] = {f->mem, wl_pop(f)};
    wl_push(f, LLVMBuildTrunc(b, wl_call_helper(f, LLVM_HELPER_memory_grow, args, 2), u->t_i32, ""));
    return true;
  }
  case OP_GLOBAL_GET: {
    uint32_t i = leb_u32(pc);
    GlobalType gt = u->m->global_types[i];
    wl_push(f, wl_load(f, wl_val_type(u, gt.type), global_ptr(f, i), offsetof(GlobalInst, value),
                       !gt.mutable_));
    return true;
  }
  case OP_GLOBAL_SET: {
    uint32_t i = leb_u32(pc);
    wl_store(f, wl_pop(f), global_ptr(f, i), offsetof(GlobalInst, value));
    return true;
  }
  case OP_TABLE_GET: {
    LLVMValueRef t = table_ptr(f, leb_u32(pc));
    LLVMValueRef p = table_element(f, t, wl_pop(f));
    wl_push(f, LLVMBuildLoad2(b, u->t_ptr, p, ""));
    return true;
  }
  case OP_TABLE_SET: {
    LLVMValueRef t = table_ptr(f, leb_u32(pc));
    LLVMValueRef v = wl_pop(f);
    LLVMValueRef p = table_element(f, t, wl_pop(f));
    LLVMBuildStore(b, v, p);
    return true;
  }
  case OP_REF_NULL:
    *pc += 1;
    wl_push(f, LLVMConstNull(u->t_ptr));
    return true;
  case OP_REF_IS_NULL:
    wl_push(f, LLVMBuildZExt(b, LLVMBuildIsNull(b, wl_pop(f), ""), u->t_i32, ""));
    return true;
  case OP_REF_FUNC: {
    uint32_t i = leb_u32(pc);
    wl_push(f, wl_load(f, u->t_ptr, f->inst_funcs, (uint64_t)i * sizeof(FuncInst *), true));
    return true;
  }
  default:
    return false;
  }
}

/* Marks segment `index` dropped: inst->{data,elem}_dropped[index] = 1. */
static void drop_segment(Func *f, size_t field, uint32_t index)
{
  LLVMValueRef flags = wl_load(f, f->u->t_ptr, f->inst, field, true);
  wl_store(f, LLVMConstInt(f->u->t_i8, 1, 0), flags, index);
}

bool wl_memory_fc(Func *f, uint32_t op, const uint8_t **pc)
{
  Unit *u = f->u;
  LLVMBuilderRef b = f->b;
  switch (op) {
  case OP_FC_MEMORY_INIT: {
    uint32_t data = leb_u32(pc);
    leb_skip(pc);
    LLVMValueRef n = wl_pop(f), s = wl_pop(f), d = wl_pop(f);
    LLVMValueRef args[] = {f->env, f->inst, wl_const_i32(u, data), d, s, n};
    wl_call_helper(f, LLVM_HELPER_memory_init, args, 6);
    return true;
  }
  case OP_FC_DATA_DROP:
    drop_segment(f, offsetof(Instance, data_dropped), leb_u32(pc));
    return true;
  case OP_FC_MEMORY_COPY: {
    leb_skip(pc);
    leb_skip(pc);
    LLVMValueRef n = wl_pop(f), s = wl_pop(f), d = wl_pop(f);
    LLVMValueRef args[] = {f->env, f->mem, f->mem, d, s, n};
    wl_call_helper(f, LLVM_HELPER_memory_copy, args, 6);
    return true;
  }
  case OP_FC_MEMORY_FILL: {
    leb_skip(pc);
    LLVMValueRef n = wl_pop(f), v = wl_pop(f), d = wl_pop(f);
    v = LLVMBuildAnd(b, v, wl_const_i32(u, 0xFF), "");
    LLVMValueRef args[] = {f->env, f->mem, d, v, n};
    wl_call_helper(f, LLVM_HELPER_memory_fill, args, 5);
    return true;
  }
  case OP_FC_TABLE_INIT: {
    uint32_t elem = leb_u32(pc);
    uint32_t table = leb_u32(pc);
    LLVMValueRef n = wl_pop(f), s = wl_pop(f), d = wl_pop(f);
    LLVMValueRef args[] = {f->env, f->inst, wl_const_i32(u, table), wl_const_i32(u, elem), d, s, n};
    wl_call_helper(f, LLVM_HELPER_table_init, args, 7);
    return true;
  }
  case OP_FC_ELEM_DROP:
    drop_segment(f, offsetof(Instance, elem_dropped), leb_u32(pc));
    return true;
  case OP_FC_TABLE_COPY: {
    LLVMValueRef dst = table_ptr(f, leb_u32(pc));
    LLVMValueRef src = table_ptr(f, leb_u32(pc));
    LLVMValueRef n = wl_pop(f), s = wl_pop(f), d = wl_pop(f);
    LLVMValueRef args[] = {f->env, dst, src, d, s, n};
    wl_call_helper(f, LLVM_HELPER_table_copy, args, 6);
    return true;
  }
  case OP_FC_TABLE_GROW: {
    LLVMValueRef t = table_ptr(f, leb_u32(pc));
    LLVMValueRef n = wl_pop(f), init = wl_pop(f);
    LLVMValueRef args[] = {t, n, init};
    wl_push(f, LLVMBuildTrunc(b, wl_call_helper(f, LLVM_HELPER_table_grow, args, 3), u->t_i32, ""));
    return true;
  }
  case OP_FC_TABLE_SIZE:
    wl_push(f, wl_load(f, u->t_i32, table_ptr(f, leb_u32(pc)), offsetof(Table, size), false));
    return true;
  case OP_FC_TABLE_FILL: {
    LLVMValueRef t = table_ptr(f, leb_u32(pc));
    LLVMValueRef n = wl_pop(f), v = wl_pop(f), d = wl_pop(f);
    LLVMValueRef args[] = {f->env, t, d, v, n};
    wl_call_helper(f, LLVM_HELPER_table_fill, args, 5);
    return true;
  }
  default:
    return false;
  }
}
