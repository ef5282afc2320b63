/*
 * bulk.c -- the bulk memory and table operations every tier shares
 * (memory.init/copy/fill, table.init/copy/fill), also used by instantiation
 * for active segments.
 *
 * The spec checks the whole range first and traps before writing anything,
 * so these never depend on the guard region (contract 4 covers single
 * accesses only).  A dropped segment behaves as an empty one.  Ranges are
 * computed in 64 bits: u32 + u32 cannot wrap there.
 */
#include <string.h>

#include "runtime.h"
#include "../common/opcodes.h"

static Memory *instance_memory0(Instance *inst)
{
  /* Wasm 2.0 has at most one memory; memory.init names memory 0. */
  return inst->memories[0];
}

void runtime_memory_init(ExecEnv *env, Instance *inst, uint32_t data, uint32_t dst,
                         uint32_t src, uint32_t n)
{
  const DataSegment *seg = &inst->module->datas[data];
  uint64_t size = inst->data_dropped[data] ? 0 : seg->size;
  Memory *m = instance_memory0(inst);
  if ((uint64_t)src + n > size || !memory_range_ok(m, dst, n))
    trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS);
  if (n)
    memcpy(m->base + dst, seg->bytes + src, n);
}

void runtime_memory_copy(ExecEnv *env, Memory *dst_mem, Memory *src_mem, uint32_t dst,
                         uint32_t src, uint32_t n)
{
  if (!memory_range_ok(src_mem, src, n) || !memory_range_ok(dst_mem, dst, n))
    trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS);
  if (n)
    memmove(dst_mem->base + dst, src_mem->base + src, n); /* ranges may overlap */
}

void runtime_memory_fill(ExecEnv *env, Memory *m, uint32_t dst, uint8_t value, uint32_t n)
{
  if (!memory_range_ok(m, dst, n))
    trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS);
  if (n)
    memset(m->base + dst, value, n);
}

/* An element segment item: ref.func and ref.null directly, global.get
 * through the instance's constant evaluator. */
static void *elem_item_value(Instance *inst, const ConstExpr *item)
{
  switch (item->opcode) {
  case OP_REF_FUNC:
    return inst->funcs[item->u.index];
  case OP_REF_NULL:
    return NULL;
  default:
    return instance_eval_const(inst, item).ref;
  }
}

void runtime_table_init(ExecEnv *env, Instance *inst, uint32_t table, uint32_t elem,
                        uint32_t dst, uint32_t src, uint32_t n)
{
  Table *t = inst->tables[table];
  const ElemSegment *seg = &inst->module->elems[elem];
  uint64_t size = inst->elem_dropped[elem] ? 0 : seg->num_items;
  if ((uint64_t)src + n > size || (uint64_t)dst + n > t->size)
    trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
  for (uint32_t i = 0; i < n; i++)
    t->elems[dst + i] = elem_item_value(inst, &seg->items[src + i]);
}

void runtime_table_copy(ExecEnv *env, Table *dst_table, Table *src_table, uint32_t dst,
                        uint32_t src, uint32_t n)
{
  if ((uint64_t)src + n > src_table->size || (uint64_t)dst + n > dst_table->size)
    trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
  if (n)
    memmove(dst_table->elems + dst, src_table->elems + src, (size_t)n * sizeof(void *));
}

void runtime_table_fill(ExecEnv *env, Table *t, uint32_t dst, void *value, uint32_t n)
{
  if ((uint64_t)dst + n > t->size)
    trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
  for (uint32_t i = 0; i < n; i++)
    t->elems[dst + i] = value;
}
