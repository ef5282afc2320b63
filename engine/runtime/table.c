/*
 * table.c -- table and global instances.  Both can be imported and exported,
 * so several instances may share one: they are reference counted, and the
 * last instance to let go frees them.
 *
 * A table is a plain array of references (FuncInst * for funcref, the host's
 * pointer for externref, NULL for ref.null).  Unlike a memory it may move
 * when it grows: the tiers reload `elems` after anything that can grow it.
 *
 * An imported table can receive an instance's functions during an
 * instantiation that then fails; the spec keeps those entries callable, so
 * the table holds a reference on such an instance (instance.c,
 * adopt_by_tables).
 */
#include "runtime.h"

#include <stdlib.h>

Table *table_new(uint8_t elem_type, uint32_t size, uint32_t max, bool has_max, void *init)
{
  if ((has_max && size > max) || size > TABLE_MAX_ELEMENTS)
    return NULL;
  Table *t = calloc(1, sizeof *t);
  if (t == NULL)
    return NULL;
  /* Allocate at least one slot, so that elems is never NULL. */
  t->elems = malloc((size ? (size_t)size : 1) * sizeof(void *));
  if (t->elems == NULL) {
    free(t);
    return NULL;
  }
  for (uint32_t i = 0; i < size; i++)
    t->elems[i] = init;
  t->elem_type = elem_type;
  t->size = size;
  t->max = has_max ? max : UINT32_MAX;
  t->has_max = has_max;
  t->limit = has_max && max < TABLE_MAX_ELEMENTS ? max : TABLE_MAX_ELEMENTS;
  atomic_init(&t->refcount, 1);
  return t;
}

void table_ref(Table *t)
{
  atomic_fetch_add_explicit(&t->refcount, 1, memory_order_relaxed);
}

void table_unref(Table *t)
{
  if (t == NULL || atomic_fetch_sub_explicit(&t->refcount, 1, memory_order_acq_rel) != 1)
    return;
  /* The held instances go first, while t is still there: each of them
   * sees that t holds it and leaves t alone. */
  for (uint32_t i = 0; i < t->num_holds; i++)
    instance_unref(t->holds[i]);
  free(t->holds);
  free(t->elems);
  free(t);
}

bool table_hold_instance(Table *t, Instance *inst)
{
  for (uint32_t i = 0; i < t->num_holds; i++)
    if (t->holds[i] == inst)
      return true;
  Instance **holds = realloc(t->holds, ((size_t)t->num_holds + 1) * sizeof *holds);
  if (holds == NULL)
    return false;
  instance_ref(inst);
  holds[t->num_holds++] = inst;
  t->holds = holds;
  return true;
}

int64_t table_grow(Table *t, uint32_t delta, void *init)
{
  uint32_t old = t->size;
  if (delta == 0)
    return old;
  if (delta > t->limit - old) /* the type's max or the cap (TABLE_MAX_ELEMENTS) */
    return -1;
  uint64_t new_size = (uint64_t)old + delta;
  if (new_size > SIZE_MAX / sizeof(void *))
    return -1;
  /* table.grow answers -1 when the host has no memory for it; it is not a
   * trap. */
  void **elems = realloc(t->elems, (size_t)new_size * sizeof(void *));
  if (elems == NULL)
    return -1;
  for (uint64_t i = old; i < new_size; i++)
    elems[i] = init;
  t->elems = elems;
  t->size = (uint32_t)new_size;
  return old;
}

GlobalInst *global_new(GlobalType type, WasmValue value)
{
  GlobalInst *g = calloc(1, sizeof *g);
  if (g == NULL)
    return NULL;
  g->type = type;
  g->value = value;
  atomic_init(&g->refcount, 1);
  return g;
}

void global_ref(GlobalInst *g)
{
  atomic_fetch_add_explicit(&g->refcount, 1, memory_order_relaxed);
}

void global_unref(GlobalInst *g)
{
  if (g == NULL || atomic_fetch_sub_explicit(&g->refcount, 1, memory_order_acq_rel) != 1)
    return;
  free(g);
}
