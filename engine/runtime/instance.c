/*
 * instance.c -- instantiation (spec 4.5.4, Wasm 2.0 order) and the lifetime
 * of instances.
 *
 *   1. resolve and check every import ("unknown import", "incompatible
 *      import type"), taking a reference on what it binds;
 *   2. make the function instances and the entry table (contract 1);
 *   3. make tables, memories, then globals (whose initialisers may read
 *      imported globals and name functions);
 *   4. active element segments, then active data segments, in order, each
 *      checked at its turn: a failing one stops instantiation but leaves the
 *      writes before it in place (visible through shared tables/memories);
 *      active and declarative element segments are dropped, as are active
 *      data segments;
 *   5. the start function, on a temporary exec env: its trap fails
 *      instantiation with the trap's message.
 */
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/opcodes.h"

/* What instantiation remembers about imported tables until it is done. */
typedef struct Linking {
  Instance **table_owner; /* per imported table: the instance it came from */
  uint8_t *table_written; /* per imported table: we stored our functions */
} Linking;

/* --- imports --- */

/* Spec "import subtyping" for limits: the provided limits {min, max?} match
 * the required ones when they are at least as large and at least as
 * bounded.  For memories and tables the provided min is the current size. */
static bool limits_match(uint32_t min, bool has_max, uint32_t max, const Limits *required)
{
  if (min < required->min)
    return false;
  if (required->has_max && (!has_max || max > required->max))
    return false;
  return true;
}

static bool import_type_matches(const Module *m, const Import *imp, const ExternVal *v)
{
  if (v->kind != imp->kind)
    return false;
  switch (imp->kind) {
  case EXTERN_FUNC:
    return v->u.func != NULL && functype_equal(v->u.func->type, &m->types[imp->u.type_index]);
  case EXTERN_TABLE: {
    const Table *t = v->u.table;
    return t != NULL && t->elem_type == imp->u.table.elem_type &&
           limits_match(t->size, t->has_max, t->max, &imp->u.table.limits);
  }
  case EXTERN_MEMORY: {
    const Memory *mem = v->u.memory;
    return mem != NULL && limits_match(mem->pages, mem->has_max, mem->max_pages, &imp->u.memory);
  }
  case EXTERN_GLOBAL: {
    const GlobalInst *g = v->u.global;
    return g != NULL && g->type.type == imp->u.global.type &&
           g->type.mutable_ == imp->u.global.mutable_;
  }
  }
  return false;
}

static void add_dependency(Instance *inst, Instance *owner)
{
  if (owner == NULL || owner == inst)
    return;
  for (uint32_t i = 0; i < inst->num_deps; i++)
    if (inst->deps[i] == owner)
      return;
  instance_ref(owner);
  inst->deps[inst->num_deps++] = owner;
}

static bool link_imports(Instance *inst, Linking *link, ImportResolver resolve,
                         void *resolve_data, char *err, uint32_t err_size)
{
  const Module *m = inst->module;
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const Import *imp = &m->imports[i];
    ExternVal v;
    memset(&v, 0, sizeof v);
    if (resolve == NULL || !resolve(resolve_data, imp, &v))
      return error_set(err, err_size, "unknown import: %s.%s", imp->module_name, imp->field_name);
    if (!import_type_matches(m, imp, &v))
      return error_set(err, err_size, "incompatible import type: %s.%s", imp->module_name,
                       imp->field_name);
    switch (imp->kind) {
    case EXTERN_FUNC:
      inst->funcs[nf++] = v.u.func;
      break;
    case EXTERN_TABLE:
      table_ref(v.u.table);
      link->table_owner[nt] = v.owner;
      inst->tables[nt++] = v.u.table;
      break;
    case EXTERN_MEMORY:
      memory_ref(v.u.memory);
      inst->memories[nm++] = v.u.memory;
      break;
    case EXTERN_GLOBAL:
      global_ref(v.u.global);
      inst->globals[ng++] = v.u.global;
      break;
    }
    /* Imported code and objects must outlive their exporter's unref. */
    add_dependency(inst, v.owner);
  }
  return true;
}

/* --- definitions --- */

WasmValue instance_eval_const(Instance *inst, const ConstExpr *e)
{
  WasmValue v;
  v.u64 = 0;
  switch (e->opcode) {
  case OP_I32_CONST:
  case OP_I64_CONST:
  case OP_F32_CONST:
  case OP_F64_CONST:
    return e->u.value;
  case OP_REF_NULL:
    v.ref = NULL;
    return v;
  case OP_REF_FUNC:
    v.ref = inst->funcs[e->u.index];
    return v;
  case OP_GLOBAL_GET:
    return inst->globals[e->u.index]->value;
  }
  return v;
}

static void make_functions(Instance *inst)
{
  const Module *m = inst->module;
  for (uint32_t i = m->num_imported_funcs; i < m->num_funcs; i++) {
    FuncInst *f = &inst->own_funcs[i - m->num_imported_funcs];
    f->type = module_func_type(m, i);
    f->instance = inst;
    f->def = &m->funcs[i - m->num_imported_funcs];
    f->index = i;
    f->host = NULL;
    inst->funcs[i] = f;
  }
}

static bool make_tables_memories_globals(Instance *inst, uint32_t max_table_elements,
                                         char *err, uint32_t err_size)
{
  const Module *m = inst->module;
  uint32_t cap = max_table_elements && max_table_elements < TABLE_MAX_ELEMENTS ? max_table_elements
                                                                               : TABLE_MAX_ELEMENTS;
  for (uint32_t i = m->num_imported_tables; i < m->num_tables; i++) {
    const TableType *tt = &m->tables[i];
    if (tt->limits.min > cap)
      return error_set(err, err_size, "table of %u elements exceeds the limit of %u elements",
                       tt->limits.min, cap);
    inst->tables[i] = table_new(tt->elem_type, tt->limits.min, tt->limits.max,
                                tt->limits.has_max, NULL);
    if (inst->tables[i] == NULL)
      return error_set(err, err_size, "cannot allocate a table of %u elements", tt->limits.min);
    if (inst->tables[i]->limit > cap)
      inst->tables[i]->limit = cap;
  }
  for (uint32_t i = m->num_imported_memories; i < m->num_memories; i++) {
    const Limits *l = &m->memories[i];
    inst->memories[i] = memory_new(l->min, l->max, l->has_max, err, err_size);
    if (inst->memories[i] == NULL)
      return false;
  }
  for (uint32_t i = m->num_imported_globals; i < m->num_globals; i++) {
    WasmValue v = instance_eval_const(inst, &m->global_inits[i - m->num_imported_globals]);
    inst->globals[i] = global_new(m->global_types[i], v);
    if (inst->globals[i] == NULL)
      return error_set(err, err_size, "out of memory");
  }
  return true;
}

/* --- segments --- */

static bool apply_elem_segments(Instance *inst, Linking *link, char *err, uint32_t err_size)
{
  const Module *m = inst->module;
  for (uint32_t i = 0; i < m->num_elems; i++) {
    const ElemSegment *seg = &m->elems[i];
    if (seg->mode == SEGMENT_ACTIVE) {
      /* table.init of the whole segment, then elem.drop */
      Table *t = inst->tables[seg->table_index];
      uint32_t offset = instance_eval_const(inst, &seg->offset).u32;
      if ((uint64_t)offset + seg->num_items > t->size)
        return error_set(err, err_size, "%s", trap_message(TRAP_TABLE_OUT_OF_BOUNDS));
      for (uint32_t k = 0; k < seg->num_items; k++) {
        void *ref = instance_eval_const(inst, &seg->items[k]).ref;
        t->elems[offset + k] = ref;
        const FuncInst *f = ref;
        if (seg->table_index < m->num_imported_tables && seg->elem_type == VAL_FUNCREF &&
            f != NULL && f->instance == inst)
          link->table_written[seg->table_index] = 1;
      }
      inst->elem_dropped[i] = 1;
    } else if (seg->mode == SEGMENT_DECLARATIVE) {
      inst->elem_dropped[i] = 1;
    }
  }
  return true;
}

static bool apply_data_segments(Instance *inst, char *err, uint32_t err_size)
{
  const Module *m = inst->module;
  for (uint32_t i = 0; i < m->num_datas; i++) {
    const DataSegment *seg = &m->datas[i];
    if (seg->mode != SEGMENT_ACTIVE)
      continue;
    /* memory.init of the whole segment, then data.drop */
    Memory *mem = inst->memories[seg->memory_index];
    uint32_t offset = instance_eval_const(inst, &seg->offset).u32;
    if (!memory_range_ok(mem, offset, seg->size))
      return error_set(err, err_size, "%s", trap_message(TRAP_MEMORY_OUT_OF_BOUNDS));
    if (seg->size)
      memcpy(mem->base + offset, seg->bytes, seg->size);
    inst->data_dropped[i] = 1;
  }
  return true;
}

static bool run_start(Instance *inst, const InstanceLimits *limits, char *err, uint32_t err_size)
{
  const Module *m = inst->module;
  if (!m->has_start)
    return true;
  ExecEnv *env = exec_env_new(inst, limits->stack_size);
  if (env == NULL)
    return error_set(err, err_size, "out of memory");
  /* Contract 6 holds for the start function too: it runs under the
   * embedder's fuel and time limits (the host has no instance to stop yet). */
  if (limits->start_fuel)
    env->fuel = limits->start_fuel > INT64_MAX ? INT64_MAX : (int64_t)limits->start_fuel;
  env->time_limit_ms = limits->start_time_limit_ms;
  uint64_t argv[1] = {0}; /* the start function is [] -> [] */
  bool ok = runtime_call(env, inst->funcs[m->start_func], argv);
  if (!ok) {
    /* The exception reads "Exception: <message>"; the caller wants the
     * trap's own words, like any other instantiation error. */
    error_set(err, err_size, "%s", env->trap_message);
  }
  exec_env_free(env);
  return ok;
}

/* --- lifetime --- */

static void drop_dependency(Instance *inst, Instance *owner)
{
  for (uint32_t i = 0; i < inst->num_deps; i++) {
    if (inst->deps[i] == owner) {
      inst->deps[i] = inst->deps[--inst->num_deps];
      instance_unref(owner);
      return;
    }
  }
}

static bool table_holds(const Table *t, const Instance *inst)
{
  for (uint32_t i = 0; i < t->num_holds; i++)
    if (t->holds[i] == inst)
      return true;
  return false;
}

/*
 * A failed instantiation may already have stored its functions in imported
 * tables, and the spec keeps those entries callable (linking.wast), so each
 * such table adopts the instance (Table.holds).  To make no reference
 * cycle, the instance gives up its own reference on the adopting table and
 * on that table's exporter: it is now reachable only through the table,
 * which therefore outlives it.
 *
 * Known gap: if the exporter goes while the table lives on in a third
 * instance, a stored function that calls a function it imported from the
 * exporter would reach freed code.  A successful instance is not adopted:
 * as in the documented API, the embedder keeps an instance alive while
 * other instances' tables hold its functions.
 */
static void adopt_by_tables(Instance *inst, Linking *link)
{
  const Module *m = inst->module;
  for (uint32_t i = 0; i < m->num_imported_tables; i++) {
    Table *t = inst->tables[i];
    if (!link->table_written[i] || t == NULL || table_holds(t, inst))
      continue;
    if (!table_hold_instance(t, inst))
      continue; /* out of memory: keep our references, leak rather than dangle */
    for (uint32_t k = i; k < m->num_imported_tables; k++)
      if (inst->tables[k] == t)
        table_unref(t); /* borrowed from now on: instance_free skips it */
    if (link->table_owner[i])
      drop_dependency(inst, link->table_owner[i]);
  }
}

static void *alloc_zeroed(uint32_t n, size_t size)
{
  /* calloc(0, ...) may return NULL; every array gets at least one element
   * so that NULL always means out of memory. */
  return calloc(n ? n : 1, size);
}

Instance *instance_new(const Module *m, ImportResolver resolve, void *resolve_data,
                       uint32_t stack_size, char *err, uint32_t err_size)
{
  return instance_new_with_ref(m, NULL, resolve, resolve_data, stack_size, err, err_size);
}

Instance *instance_new_with_ref(const Module *m, struct ModuleRef *module_ref,
                                ImportResolver resolve, void *resolve_data, uint32_t stack_size,
                                char *err, uint32_t err_size)
{
  InstanceLimits limits = {.stack_size = stack_size};
  return instance_new_limited(m, module_ref, resolve, resolve_data, &limits, err, err_size);
}

Instance *instance_new_limited(const Module *m, struct ModuleRef *module_ref,
                               ImportResolver resolve, void *resolve_data,
                               const InstanceLimits *limits, char *err, uint32_t err_size)
{
  uint32_t stack_size = limits->stack_size;
  Linking link = {NULL, NULL};
  Instance *inst = calloc(1, sizeof *inst);
  if (inst == NULL) {
    error_set(err, err_size, "out of memory");
    return NULL;
  }
  inst->module = m;
  /* Taken before anything can fail: an instance that fails half-way may
   * live on in an imported table (adopt_by_tables), and its code is the
   * module's. */
  if (module_ref) {
    module_ref_acquire(module_ref);
    inst->module_ref = module_ref;
  }
  inst->default_stack_size = stack_size;
  atomic_init(&inst->interrupt, 0);
  atomic_init(&inst->refcount, 1);

  inst->funcs = alloc_zeroed(m->num_funcs, sizeof *inst->funcs);
  inst->own_funcs = alloc_zeroed(m->num_funcs - m->num_imported_funcs, sizeof *inst->own_funcs);
  inst->memories = alloc_zeroed(m->num_memories, sizeof *inst->memories);
  inst->tables = alloc_zeroed(m->num_tables, sizeof *inst->tables);
  inst->globals = alloc_zeroed(m->num_globals, sizeof *inst->globals);
  inst->elem_dropped = alloc_zeroed(m->num_elems, 1);
  inst->data_dropped = alloc_zeroed(m->num_datas, 1);
  inst->deps = alloc_zeroed(m->num_imports, sizeof *inst->deps);
  if (!inst->funcs || !inst->own_funcs || !inst->memories || !inst->tables || !inst->globals ||
      !inst->elem_dropped || !inst->data_dropped || !inst->deps) {
    error_set(err, err_size, "out of memory");
    goto fail;
  }

  link.table_owner = alloc_zeroed(m->num_imported_tables, sizeof *link.table_owner);
  link.table_written = alloc_zeroed(m->num_imported_tables, 1);
  if (!link.table_owner || !link.table_written) {
    error_set(err, err_size, "out of memory");
    goto fail;
  }
  if (!link_imports(inst, &link, resolve, resolve_data, err, err_size))
    goto fail;
  make_functions(inst);
  if (!make_tables_memories_globals(inst, limits->max_table_elements, err, err_size))
    goto fail;
  if (!apply_elem_segments(inst, &link, err, err_size) || !apply_data_segments(inst, err, err_size))
    goto fail;
  if (!run_start(inst, limits, err, err_size))
    goto fail;
  free(link.table_owner);
  free(link.table_written);
  return inst;

fail:
  if (link.table_written)
    adopt_by_tables(inst, &link);
  free(link.table_owner);
  free(link.table_written);
  instance_unref(inst);
  return NULL;
}

void instance_ref(Instance *inst)
{
  atomic_fetch_add_explicit(&inst->refcount, 1, memory_order_relaxed);
}

/* Everything but the instance's own allocation; the arrays may be partly
 * filled when instantiation failed half-way (NULL entries are skipped). */
static void instance_free(Instance *inst)
{
  const Module *m = inst->module;
  if (inst->singleton_env)
    exec_env_free(inst->singleton_env);
  for (uint32_t i = 0; inst->memories && i < m->num_memories; i++)
    memory_unref(inst->memories[i]);
  for (uint32_t i = 0; inst->tables && i < m->num_tables; i++)
    if (inst->tables[i] && !table_holds(inst->tables[i], inst)) /* see adopt_by_tables */
      table_unref(inst->tables[i]);
  for (uint32_t i = 0; inst->globals && i < m->num_globals; i++)
    global_unref(inst->globals[i]);
  /* Our imports' owners go last: what we held of theirs is released. */
  for (uint32_t i = 0; i < inst->num_deps; i++)
    instance_unref(inst->deps[i]);
  free(inst->funcs);
  free(inst->own_funcs);
  free(inst->memories);
  free(inst->tables);
  free(inst->globals);
  free(inst->elem_dropped);
  free(inst->data_dropped);
  free(inst->deps);
  struct ModuleRef *module_ref = inst->module_ref;
  free(inst);
  /* Last, as runtime.h says: the module may go with it. */
  if (module_ref)
    module_ref_release(module_ref);
}

void instance_unref(Instance *inst)
{
  if (inst == NULL || atomic_fetch_sub_explicit(&inst->refcount, 1, memory_order_acq_rel) != 1)
    return;
  instance_free(inst);
}
