/*
 * api_diag.c -- memory lookups and settings that remained, the memory
 * consumption report, the profiling queries this build answers with "no
 * data", and WAMR's index-based externref calls.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/backtrace.h"
#include "api.h"

wasm_memory_inst_t wasm_runtime_lookup_memory(const wasm_module_inst_t module_inst,
                                              const char *name)
{
  Instance *inst = API_INST(module_inst);
  if (!inst || !name)
    return NULL;
  int32_t idx = module_find_export(inst->module, name, EXTERN_MEMORY);
  return idx < 0 ? NULL : (wasm_memory_inst_t)inst->memories[inst->module->exports[idx].index];
}

void wasm_runtime_set_bounds_checks(wasm_module_inst_t module_inst, bool enable)
{
  /* Contract 4: every access is checked, by the guard region or by code;
   * there is no unchecked mode to switch to. */
  (void)module_inst;
  (void)enable;
}

bool wasm_runtime_is_bounds_checks_enabled(wasm_module_inst_t module_inst)
{
  return module_inst != NULL;
}

bool wasm_runtime_get_mem_alloc_info(mem_alloc_info_t *mem_alloc_info)
{
  (void)mem_alloc_info;
  return false;
}

/* --- memory.grow failures --- */

static enlarge_memory_error_callback_t enlarge_callback;
static void *enlarge_user_data;

void wasm_runtime_set_enlarge_mem_error_callback(const enlarge_memory_error_callback_t callback,
                                                 void *user_data)
{
  enlarge_user_data = user_data;
  enlarge_callback = callback;
}

/* Called by wasm_memory_enlarge and by memory.grow in Wasm (memory.c, through
 * memory_grow_failed) when a memory cannot grow. */
static void report_grow_failure(Memory *m, uint32_t delta, bool max_reached)
{
  enlarge_memory_error_callback_t cb = enlarge_callback;
  if (!cb)
    return;
  ExecEnv *env = exec_env_running();
  Instance *inst = env ? (env->current ? env->current : env->instance) : NULL;
  uint32_t index = 0;
  for (uint32_t i = 0; inst && i < inst->module->num_memories; i++)
    if (inst->memories[i] == m)
      index = i;
  cb(delta, m->size, index, max_reached ? MAX_SIZE_REACHED : INTERNAL_ERROR,
     (wasm_module_inst_t)inst, (wasm_exec_env_t)env, enlarge_user_data);
}

void api_memory_grow_failed(Memory *m, uint32_t delta, bool max_reached)
{
  report_grow_failure(m, delta, max_reached);
}

/* --- the memory consumption report --- */

static size_t module_bytes(const Module *m)
{
  size_t n = sizeof *m + m->size;
  n += m->num_types * sizeof(FuncType) + m->num_imports * sizeof(Import);
  n += (m->num_funcs - m->num_imported_funcs) * sizeof(FuncDef);
  for (uint32_t i = 0; i < m->num_funcs - m->num_imported_funcs; i++)
    n += m->funcs[i].num_branches * sizeof(BranchEntry);
  n += m->num_exports * sizeof(Export) + m->num_elems * sizeof(ElemSegment);
  n += m->num_datas * sizeof(DataSegment);
  return n;
}

void wasm_runtime_dump_mem_consumption(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  if (!env || !env->instance)
    return;
  Instance *inst = env->instance;
  const Module *m = inst->module;
  size_t env_bytes = sizeof *env + env->stack_size + sizeof(Backtrace);
  size_t inst_bytes = sizeof *inst + m->num_funcs * sizeof(FuncInst *) +
                      (m->num_funcs - m->num_imported_funcs) * sizeof(FuncInst);
  uint64_t memory_bytes = 0;
  for (uint32_t i = m->num_imported_memories; i < m->num_memories; i++)
    memory_bytes += inst->memories[i]->size;
  for (uint32_t i = m->num_imported_tables; i < m->num_tables; i++)
    inst_bytes += sizeof(Table) + (size_t)inst->tables[i]->size * sizeof(void *);
  printf("Memory consumption summary (bytes):\n");
  printf("    Exec env memory consumption: %zu\n", env_bytes);
  printf("    WASM module memory consumption: %zu\n", module_bytes(m));
  printf("    WASM module instance memory consumption: %zu\n", inst_bytes);
  printf("    Linear memory (committed, this instance's own): %" PRIu64 "\n", memory_bytes);
  printf("    Wasm stack: %u bytes, %zu in use now\n", env->stack_size,
         (size_t)(env->stack_top - env->stack_base));
  uint32_t used, total, start;
  if (api_heap_stats(inst, &used, &total, &start))
    printf("    App heap: %u bytes at 0x%x, %u in use\n", total, start, used);
  else
    printf("    App heap: none\n");
  fflush(stdout);
}

/* --- profiling: not built --- */

void wasm_runtime_dump_perf_profiling(wasm_module_inst_t module_inst)
{
  if (module_inst)
    printf("Performance profiling is not built into this engine.\n");
}

double wasm_runtime_sum_wasm_exec_time(wasm_module_inst_t module_inst)
{
  (void)module_inst;
  return 0;
}

double wasm_runtime_get_wasm_func_exec_time(wasm_module_inst_t inst, const char *func_name)
{
  (void)inst;
  (void)func_name;
  return 0;
}

uint32_t wasm_runtime_get_pgo_prof_data_size(wasm_module_inst_t module_inst)
{
  (void)module_inst;
  return 0;
}

uint32_t wasm_runtime_dump_pgo_prof_data_to_buf(wasm_module_inst_t module_inst, char *buf,
                                                uint32_t len)
{
  (void)module_inst;
  (void)buf;
  (void)len;
  return 0;
}

/* --- externref objects by index ---
 * An externref is the host's pointer itself in this engine (wasm_val_t's
 * `foreign`), so these only keep WAMR's index-based calls working: a
 * process-wide table of objects, the index being the position. */

typedef struct ExternObj {
  void *obj;
  Instance *inst;
  void (*cleanup)(void *);
} ExternObj;

static pthread_mutex_t extern_lock = PTHREAD_MUTEX_INITIALIZER;
static ExternObj *extern_objs;
static uint32_t num_extern_objs;

bool wasm_externref_obj2ref(wasm_module_inst_t module_inst, void *extern_obj,
                            uint32_t *p_externref_idx)
{
  if (!module_inst || !p_externref_idx)
    return false;
  bool ok = false;
  pthread_mutex_lock(&extern_lock);
  uint32_t free_slot = UINT32_MAX;
  for (uint32_t i = 0; i < num_extern_objs; i++) {
    if (extern_objs[i].inst == API_INST(module_inst) && extern_objs[i].obj == extern_obj) {
      *p_externref_idx = i;
      ok = true;
      break;
    }
    if (!extern_objs[i].inst && free_slot == UINT32_MAX)
      free_slot = i;
  }
  if (!ok) {
    if (free_slot == UINT32_MAX) {
      ExternObj *grown = realloc(extern_objs, (num_extern_objs + 1) * sizeof *grown);
      if (grown) {
        extern_objs = grown;
        free_slot = num_extern_objs++;
      }
    }
    if (free_slot != UINT32_MAX) {
      extern_objs[free_slot].obj = extern_obj;
      extern_objs[free_slot].inst = API_INST(module_inst);
      extern_objs[free_slot].cleanup = NULL;
      *p_externref_idx = free_slot;
      ok = true;
    }
  }
  pthread_mutex_unlock(&extern_lock);
  return ok;
}

bool wasm_externref_objdel(wasm_module_inst_t module_inst, void *extern_obj)
{
  void (*cleanup)(void *) = NULL;
  bool found = false;
  pthread_mutex_lock(&extern_lock);
  for (uint32_t i = 0; i < num_extern_objs; i++)
    if (extern_objs[i].inst == API_INST(module_inst) && extern_objs[i].obj == extern_obj) {
      cleanup = extern_objs[i].cleanup;
      memset(&extern_objs[i], 0, sizeof extern_objs[i]);
      found = true;
      break;
    }
  pthread_mutex_unlock(&extern_lock);
  if (cleanup)
    cleanup(extern_obj);
  return found;
}

bool wasm_externref_set_cleanup(wasm_module_inst_t module_inst, void *extern_obj,
                                void (*extern_obj_cleanup)(void *))
{
  bool found = false;
  pthread_mutex_lock(&extern_lock);
  for (uint32_t i = 0; i < num_extern_objs; i++)
    if (extern_objs[i].inst == API_INST(module_inst) && extern_objs[i].obj == extern_obj) {
      extern_objs[i].cleanup = extern_obj_cleanup;
      found = true;
    }
  pthread_mutex_unlock(&extern_lock);
  return found;
}

bool wasm_externref_ref2obj(uint32_t externref_idx, void **p_extern_obj)
{
  if (!p_extern_obj)
    return false;
  bool found = false;
  pthread_mutex_lock(&extern_lock);
  if (externref_idx < num_extern_objs && extern_objs[externref_idx].inst) {
    *p_extern_obj = extern_objs[externref_idx].obj;
    found = true;
  }
  pthread_mutex_unlock(&extern_lock);
  return found;
}

bool wasm_externref_retain(uint32_t externref_idx)
{
  void *obj;
  return wasm_externref_ref2obj(externref_idx, &obj); /* never reclaimed behind the host's back */
}

/* Called when an instance goes: its objects are released. */
void api_externref_release(Instance *inst)
{
  pthread_mutex_lock(&extern_lock);
  for (uint32_t i = 0; i < num_extern_objs; i++)
    if (extern_objs[i].inst == inst) {
      void (*cleanup)(void *) = extern_objs[i].cleanup;
      void *obj = extern_objs[i].obj;
      memset(&extern_objs[i], 0, sizeof extern_objs[i]);
      if (cleanup) {
        pthread_mutex_unlock(&extern_lock);
        cleanup(obj);
        pthread_mutex_lock(&extern_lock);
      }
    }
  if (num_extern_objs && !extern_objs[0].inst) {
    bool any = false;
    for (uint32_t i = 0; i < num_extern_objs; i++)
      any |= extern_objs[i].inst != NULL;
    if (!any) {
      free(extern_objs);
      extern_objs = NULL;
      num_extern_objs = 0;
    }
  }
  pthread_mutex_unlock(&extern_lock);
}
