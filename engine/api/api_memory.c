/*
 * api_memory.c -- the embedding API's view of linear memory: address checks
 * and conversions, memory instances, module_malloc through the module's own
 * allocator, and exported globals and tables.
 *
 * Contract 4: a memory's base never moves, so native pointers handed out here
 * stay valid across memory.grow (unlike the seed runtime's).
 */
#include <string.h>

#include "api.h"

static bool out_of_bounds(Instance *inst)
{
  api_set_exception(inst, trap_message(TRAP_MEMORY_OUT_OF_BOUNDS));
  return false;
}

bool wasm_runtime_validate_app_addr(wasm_module_inst_t module_inst, uint64_t app_offset,
                                    uint64_t size)
{
  Instance *inst = API_INST(module_inst);
  if (!inst)
    return false;
  Memory *m = api_default_memory(inst);
  if (!m || !memory_range_ok(m, app_offset, size))
    return out_of_bounds(inst);
  return true;
}

bool wasm_runtime_validate_app_str_addr(wasm_module_inst_t module_inst, uint64_t app_str_offset)
{
  Instance *inst = API_INST(module_inst);
  if (!inst)
    return false;
  Memory *m = api_default_memory(inst);
  if (!m || app_str_offset >= m->size ||
      !memchr(m->base + app_str_offset, 0, m->size - app_str_offset))
    return out_of_bounds(inst);
  return true;
}

bool wasm_runtime_validate_native_addr(wasm_module_inst_t module_inst, void *native_ptr,
                                       uint64_t size)
{
  Instance *inst = API_INST(module_inst);
  if (!inst)
    return false;
  Memory *m = api_default_memory(inst);
  uint8_t *p = native_ptr;
  if (!m || p < m->base || !memory_range_ok(m, (uint64_t)(p - m->base), size))
    return out_of_bounds(inst);
  return true;
}

void *wasm_runtime_addr_app_to_native(wasm_module_inst_t module_inst, uint64_t app_offset)
{
  Memory *m = api_default_memory(API_INST(module_inst));
  if (!m || app_offset > m->size)
    return NULL;
  return m->base + app_offset;
}

uint64_t wasm_runtime_addr_native_to_app(wasm_module_inst_t module_inst, void *native_ptr)
{
  Memory *m = api_default_memory(API_INST(module_inst));
  uint8_t *p = native_ptr;
  if (!m || p < m->base || (uint64_t)(p - m->base) > m->size)
    return 0;
  return (uint64_t)(p - m->base);
}

bool wasm_runtime_get_app_addr_range(wasm_module_inst_t module_inst, uint64_t app_offset,
                                     uint64_t *p_app_start_offset, uint64_t *p_app_end_offset)
{
  Memory *m = api_default_memory(API_INST(module_inst));
  if (!m || app_offset >= m->size)
    return false;
  if (p_app_start_offset)
    *p_app_start_offset = 0;
  if (p_app_end_offset)
    *p_app_end_offset = m->size;
  return true;
}

bool wasm_runtime_get_native_addr_range(wasm_module_inst_t module_inst, uint8_t *native_ptr,
                                        uint8_t **p_native_start_addr,
                                        uint8_t **p_native_end_addr)
{
  Memory *m = api_default_memory(API_INST(module_inst));
  if (!m || native_ptr < m->base || (uint64_t)(native_ptr - m->base) >= m->size)
    return false;
  if (p_native_start_addr)
    *p_native_start_addr = m->base;
  if (p_native_end_addr)
    *p_native_end_addr = m->base + m->size;
  return true;
}

/* --- memory instances --- */

wasm_memory_inst_t wasm_runtime_get_default_memory(const wasm_module_inst_t module_inst)
{
  return (wasm_memory_inst_t)api_default_memory(API_INST(module_inst));
}

wasm_memory_inst_t wasm_runtime_get_memory(const wasm_module_inst_t module_inst, uint32_t index)
{
  Instance *inst = API_INST(module_inst);
  if (!inst || index >= inst->module->num_memories)
    return NULL;
  return (wasm_memory_inst_t)inst->memories[index];
}

uint64_t wasm_memory_get_cur_page_count(const wasm_memory_inst_t memory_inst)
{
  return memory_inst ? API_MEMORY(memory_inst)->pages : 0;
}

uint64_t wasm_memory_get_max_page_count(const wasm_memory_inst_t memory_inst)
{
  return memory_inst ? API_MEMORY(memory_inst)->max_pages : 0;
}

uint64_t wasm_memory_get_refused_grow_count(const wasm_memory_inst_t memory_inst)
{
  return memory_inst ? API_MEMORY(memory_inst)->refused_grows : 0;
}

uint64_t wasm_memory_get_bytes_per_page(const wasm_memory_inst_t memory_inst)
{
  return memory_inst ? WASM_PAGE_SIZE : 0;
}

bool wasm_memory_get_shared(const wasm_memory_inst_t memory_inst)
{
  (void)memory_inst;
  return false; /* no threads proposal yet */
}

void *wasm_memory_get_base_address(const wasm_memory_inst_t memory_inst)
{
  return memory_inst ? API_MEMORY(memory_inst)->base : NULL;
}

bool wasm_memory_enlarge(wasm_memory_inst_t memory_inst, uint64_t inc_page_count)
{
  if (!memory_inst || inc_page_count > WASM_MAX_PAGES)
    return false;
  return memory_grow(API_MEMORY(memory_inst), (uint32_t)inc_page_count) >= 0;
}

bool wasm_runtime_enlarge_memory(wasm_module_inst_t module_inst, uint64_t inc_page_count)
{
  return wasm_memory_enlarge(wasm_runtime_get_default_memory(module_inst), inc_page_count);
}

/* --- the module's own heap --- */

/* The export `name` of type (i32) -> i32 when want_result, else (i32) -> (). */
static FuncInst *heap_function(Instance *inst, const char *name, bool want_result)
{
  FuncInst *f = (FuncInst *)wasm_runtime_lookup_function((wasm_module_inst_t)inst, name);
  if (!f || f->type->num_params != 1 || functype_params(f->type)[0] != VAL_I32)
    return NULL;
  if (want_result)
    return f->type->num_results == 1 && functype_results(f->type)[0] == VAL_I32 ? f : NULL;
  return f->type->num_results == 0 ? f : NULL;
}

uint64_t wasm_runtime_module_malloc(wasm_module_inst_t module_inst, uint64_t size,
                                    void **p_native_addr)
{
  Instance *inst = API_INST(module_inst);
  if (p_native_addr)
    *p_native_addr = NULL;
  if (!inst)
    return 0;
  Memory *m = api_default_memory(inst);
  FuncInst *f = heap_function(inst, "malloc", true);
  if (!m || !f) {
    api_set_exception(inst, "the module exports no malloc(i32) -> i32 to allocate with");
    return 0;
  }
  if (size > UINT32_MAX) {
    api_set_exception(inst, "allocate memory failed");
    return 0;
  }
  ExecEnv *env = api_helper_env(inst);
  if (!env) {
    api_set_exception(inst, "out of memory");
    return 0;
  }
  uint64_t argv[1] = {(uint32_t)size};
  /* A call from a native keeps the exception its caller may have; one from
   * the host starts clean. */
  bool ok = env->current_host ? runtime_call(env, f, argv) : api_call(env, f, argv);
  if (!ok)
    return 0;
  uint32_t addr = (uint32_t)argv[0];
  if (addr == 0 || !memory_range_ok(m, addr, size)) {
    api_set_exception(inst, "allocate memory failed");
    return 0;
  }
  if (p_native_addr)
    *p_native_addr = m->base + addr;
  return addr;
}

void wasm_runtime_module_free(wasm_module_inst_t module_inst, uint64_t ptr)
{
  Instance *inst = API_INST(module_inst);
  if (!inst || ptr == 0 || ptr > UINT32_MAX)
    return;
  FuncInst *f = heap_function(inst, "free", false);
  ExecEnv *env = f ? api_helper_env(inst) : NULL;
  if (!env)
    return;
  uint64_t argv[1] = {ptr};
  if (env->current_host)
    runtime_call(env, f, argv);
  else
    api_call(env, f, argv);
}

uint64_t wasm_runtime_module_dup_data(wasm_module_inst_t module_inst, const char *src,
                                      uint64_t size)
{
  if (!src && size)
    return 0;
  void *p;
  uint64_t addr = wasm_runtime_module_malloc(module_inst, size, &p);
  if (addr && size)
    memcpy(p, src, size);
  return addr;
}

/* --- exported globals and tables --- */

bool wasm_runtime_get_export_global_inst(const wasm_module_inst_t module_inst, const char *name,
                                         wasm_global_inst_t *global_inst)
{
  Instance *inst = API_INST(module_inst);
  if (!inst || !name || !global_inst)
    return false;
  int32_t idx = module_find_export(inst->module, name, EXTERN_GLOBAL);
  if (idx < 0)
    return false;
  GlobalInst *g = inst->globals[inst->module->exports[idx].index];
  global_inst->kind = api_valkind(g->type.type);
  global_inst->is_mutable = g->type.mutable_;
  global_inst->global_data = &g->value;
  return true;
}

bool wasm_runtime_get_export_table_inst(const wasm_module_inst_t module_inst, const char *name,
                                        wasm_table_inst_t *table_inst)
{
  Instance *inst = API_INST(module_inst);
  if (!inst || !name || !table_inst)
    return false;
  int32_t idx = module_find_export(inst->module, name, EXTERN_TABLE);
  if (idx < 0)
    return false;
  Table *t = inst->tables[inst->module->exports[idx].index];
  table_inst->elem_kind = api_valkind(t->elem_type);
  table_inst->cur_size = t->size;
  table_inst->max_size = t->max;
  table_inst->elems = t; /* the table itself: its size may change */
  return true;
}

wasm_function_inst_t wasm_table_get_func_inst(const wasm_module_inst_t module_inst,
                                              const wasm_table_inst_t *table_inst, uint32_t idx)
{
  if (!module_inst || !table_inst || !table_inst->elems)
    return NULL;
  Table *t = table_inst->elems;
  if (t->elem_type != VAL_FUNCREF || idx >= t->size)
    return NULL;
  return t->elems[idx];
}
