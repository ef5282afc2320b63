/*
 * validator.c -- module-level validation (Wasm 2.0, SIMD excepted): limits,
 * constant expressions, segments, start function, exports; then every
 * function body (validate_code.c), which also records the facts the tiers
 * need.
 *
 * The Module keeps no byte offsets for globals, segments and exports, so
 * module-level messages say which entity is wrong instead:
 *   "type mismatch in the initializer of global 2 (expected i64, got i32)"
 *
 * The spec decodes the whole module before validating any of it, so a
 * malformed function body is reported even when an invalid construct comes
 * first: when validation fails, the bodies not yet read are scanned for a
 * decoding error, which then takes precedence.
 */
#include "validator.h"

#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/opcodes.h"
#include "validate_code.h"

/* Memories are at most 2^16 pages of 64 KiB in Wasm 2.0. */
#define MAX_MEMORY_PAGES 65536u

typedef struct ModuleValidator {
  Module *m;
  char *error;
  uint32_t error_size;
} ModuleValidator;

/* ---- limits ---------------------------------------------------------------- */

static bool validate_limits(ModuleValidator *mv, const Limits *l, const char *what, uint32_t index)
{
  if (l->has_max && l->min > l->max)
    return error_set(mv->error, mv->error_size,
                     "size minimum must not be greater than maximum in %s %u (%u > %u)", what, index, l->min,
                     l->max);
  return true;
}

static bool validate_memory_limits(ModuleValidator *mv, const Limits *l, uint32_t index)
{
  if (l->min > MAX_MEMORY_PAGES || (l->has_max && l->max > MAX_MEMORY_PAGES))
    return error_set(mv->error, mv->error_size, "memory size must be at most 65536 pages (4GiB) in memory %u",
                     index);
  return validate_limits(mv, l, "memory", index);
}

/* ---- constant expressions ------------------------------------------------- */

/*
 * The type of a constant expression.  In Wasm 2.0, global.get may only read
 * an imported global (the others are not yet in the context), and only an
 * immutable one.  `where` says what the expression initialises, for messages.
 */
static bool const_expr_type(ModuleValidator *mv, const ConstExpr *e, const char *where, uint32_t index,
                            uint8_t *type)
{
  const Module *m = mv->m;
  switch (e->opcode) {
  case OP_I32_CONST: *type = VAL_I32; return true;
  case OP_I64_CONST: *type = VAL_I64; return true;
  case OP_F32_CONST: *type = VAL_F32; return true;
  case OP_F64_CONST: *type = VAL_F64; return true;
  case OP_REF_NULL: *type = e->u.ref_type; return true;
  case OP_REF_FUNC:
    if (e->u.index >= m->num_funcs)
      return error_set(mv->error, mv->error_size, "unknown function %u in the %s of %s %u", e->u.index,
                       "constant expression", where, index);
    *type = VAL_FUNCREF;
    return true;
  case OP_GLOBAL_GET:
    if (e->u.index >= m->num_imported_globals)
      return error_set(mv->error, mv->error_size,
                       "unknown global %u in the constant expression of %s %u (only imported globals can be read)",
                       e->u.index, where, index);
    if (m->global_types[e->u.index].mutable_)
      return error_set(mv->error, mv->error_size,
                       "constant expression required in %s %u (global %u is mutable)", where, index, e->u.index);
    *type = m->global_types[e->u.index].type;
    return true;
  }
  return error_set(mv->error, mv->error_size, "constant expression required in %s %u", where, index);
}

static bool validate_const_expr(ModuleValidator *mv, const ConstExpr *e, uint8_t expected, const char *where,
                                uint32_t index)
{
  uint8_t t = 0;
  if (!const_expr_type(mv, e, where, index, &t))
    return false;
  if (t != expected)
    return error_set(mv->error, mv->error_size, "type mismatch in the constant expression of %s %u (expected %s, got %s)",
                     where, index, valtype_name(expected), valtype_name(t));
  return true;
}

/* ---- sections ------------------------------------------------------------- */

static bool validate_globals(ModuleValidator *mv)
{
  const Module *m = mv->m;
  for (uint32_t i = m->num_imported_globals; i < m->num_globals; i++)
    if (!validate_const_expr(mv, &m->global_inits[i - m->num_imported_globals], m->global_types[i].type, "global",
                             i))
      return false;
  return true;
}

static bool validate_elems(ModuleValidator *mv)
{
  const Module *m = mv->m;
  for (uint32_t i = 0; i < m->num_elems; i++) {
    const ElemSegment *e = &m->elems[i];
    if (e->mode == SEGMENT_ACTIVE) {
      if (e->table_index >= m->num_tables)
        return error_set(mv->error, mv->error_size, "unknown table %u in elem segment %u", e->table_index, i);
      if (!validate_const_expr(mv, &e->offset, VAL_I32, "the offset of elem segment", i))
        return false;
      if (m->tables[e->table_index].elem_type != e->elem_type)
        return error_set(mv->error, mv->error_size, "type mismatch in elem segment %u (%s items, a %s table)", i,
                         valtype_name(e->elem_type), valtype_name(m->tables[e->table_index].elem_type));
    }
    for (uint32_t j = 0; j < e->num_items; j++)
      if (!validate_const_expr(mv, &e->items[j], e->elem_type, "an item of elem segment", i))
        return false;
  }
  return true;
}

static bool validate_datas(ModuleValidator *mv)
{
  const Module *m = mv->m;
  for (uint32_t i = 0; i < m->num_datas; i++) {
    const DataSegment *d = &m->datas[i];
    if (d->mode != SEGMENT_ACTIVE)
      continue;
    if (d->memory_index >= m->num_memories)
      return error_set(mv->error, mv->error_size, "unknown memory %u in data segment %u", d->memory_index, i);
    if (!validate_const_expr(mv, &d->offset, VAL_I32, "the offset of data segment", i))
      return false;
  }
  return true;
}

static bool validate_start(ModuleValidator *mv)
{
  const Module *m = mv->m;
  if (!m->has_start)
    return true;
  if (m->start_func >= m->num_funcs)
    return error_set(mv->error, mv->error_size, "unknown function %u as the start function", m->start_func);
  const FuncType *t = module_func_type(m, m->start_func);
  if (t->num_params != 0 || t->num_results != 0)
    return error_set(mv->error, mv->error_size, "start function %u must take and return nothing", m->start_func);
  return true;
}

static int compare_export_names(const void *a, const void *b)
{
  const Export *x = *(const Export *const *)a, *y = *(const Export *const *)b;
  uint32_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
  int c = n ? memcmp(x->name, y->name, n) : 0;
  if (c != 0)
    return c;
  return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

static bool validate_exports(ModuleValidator *mv)
{
  const Module *m = mv->m;
  static const char *const kinds[] = {"function", "table", "memory", "global"};
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const Export *e = &m->exports[i];
    uint32_t count = e->kind == EXTERN_FUNC ? m->num_funcs
                     : e->kind == EXTERN_TABLE ? m->num_tables
                     : e->kind == EXTERN_MEMORY ? m->num_memories
                                                : m->num_globals;
    if (e->index >= count)
      return error_set(mv->error, mv->error_size, "unknown %s %u in export \"%s\"", kinds[e->kind & 3], e->index,
                       e->name);
  }
  if (m->num_exports < 2)
    return true;

  /* Sorted, duplicates are neighbours: no quadratic search. */
  const Export **sorted = malloc(m->num_exports * sizeof *sorted);
  if (!sorted)
    return error_set(mv->error, mv->error_size, "out of memory");
  for (uint32_t i = 0; i < m->num_exports; i++)
    sorted[i] = &m->exports[i];
  qsort(sorted, m->num_exports, sizeof *sorted, compare_export_names);
  bool ok = true;
  for (uint32_t i = 1; i < m->num_exports && ok; i++)
    if (compare_export_names(&sorted[i - 1], &sorted[i]) == 0)
      ok = error_set(mv->error, mv->error_size, "duplicate export name \"%s\"", sorted[i]->name);
  free(sorted);
  return ok;
}

static bool validate_module_fields(ModuleValidator *mv)
{
  const Module *m = mv->m;
  for (uint32_t i = 0; i < m->num_tables; i++)
    if (!validate_limits(mv, &m->tables[i].limits, "table", i))
      return false;
  for (uint32_t i = 0; i < m->num_memories; i++)
    if (!validate_memory_limits(mv, &m->memories[i], i))
      return false;
  if (m->num_memories > 1)
    return error_set(mv->error, mv->error_size, "multiple memories (%u)", m->num_memories);
  return validate_globals(mv) && validate_elems(mv) && validate_datas(mv) && validate_start(mv) &&
         validate_exports(mv);
}

/* ---- the module ----------------------------------------------------------- */

bool validate_module(Module *m, char *error, uint32_t error_size)
{
  if (error && error_size)
    error[0] = '\0';
  ModuleValidator mv = {m, error, error_size};
  CodeValidator *cv = code_validator_new(m);
  if (!cv)
    return error_set(error, error_size, "out of memory");

  bool ok = validate_module_fields(&mv);
  uint32_t next = m->num_imported_funcs; /* first body not yet decoded */
  bool is_malformed = false;
  while (ok && next < m->num_funcs) {
    ok = validate_function(cv, next, error, error_size, &is_malformed);
    if (ok)
      next++;
  }

  if (!ok && !is_malformed) {
    /* Invalid, but a malformed body further on is the spec's answer. */
    for (; next < m->num_funcs; next++)
      if (!scan_function(cv, next, error, error_size))
        break;
  }
  code_validator_free(cv);
  return ok;
}
