/*
 * api.h -- what the files of the embedding API (engine/api/) share.  Not
 * public: the public header is include/wasm_export.h.
 *
 * The public handles are the engine's own objects behind opaque names:
 *   wasm_module_t        ModuleRef (a reference-counted Module)
 *   wasm_module_inst_t   Instance
 *   wasm_function_inst_t FuncInst (an entry of the instance's entry table)
 *   wasm_exec_env_t      ExecEnv
 *   wasm_memory_inst_t   Memory
 *   wasm_func_type_t     FuncType,  wasm_global_type_t GlobalType,
 *   wasm_table_type_t    TableType, wasm_memory_type_t Limits
 */
#ifndef WP_API_H
#define WP_API_H

#include <stdatomic.h>

#include "../runtime/runtime.h"
#include "wasm_export.h"

/* The public header's helper macros for natives are not for us: one of them
 * (module_free) is also the engine's name for freeing a Module. */
#undef get_module_inst
#undef validate_app_addr
#undef validate_app_str_addr
#undef addr_app_to_native
#undef addr_native_to_app
#undef module_malloc
#undef module_free

struct ModuleRef {
  Module *module;
  struct WasiArgs *wasi_args; /* WASI grants for new instances (engine/wasi), or NULL */
  char *name; /* set by wasm_runtime_set_module_name or LoadArgs, or NULL */
  atomic_int refcount; /* the embedder's (until unload), one per instance, registrations */
};
typedef struct ModuleRef ModuleRef;

#define API_MODULE(m) ((ModuleRef *)(m))
#define API_INST(i) ((Instance *)(i))
#define API_FUNC(f) ((FuncInst *)(f))
#define API_ENV(e) ((ExecEnv *)(e))
#define API_MEMORY(m) ((Memory *)(m))

void module_ref_acquire(ModuleRef *ref);

/* The API's per-instance state (Instance.api_data), made on first use and
 * released with the instance (api_instance_release). */
typedef struct ApiInstanceData {
  void **contexts;       /* by context key slot (api_context.c) */
  uint32_t num_contexts;
  struct AppHeap *heap;  /* the app heap in linear memory (api_heap.c), or NULL */
  bool reactor_initialized; /* _initialize ran at instantiation */
} ApiInstanceData;

/* inst's ApiInstanceData, made now if needed (NULL when out of memory). */
ApiInstanceData *api_instance_data(Instance *inst);

/* Runs the context destructors of inst (api_context.c). */
void api_contexts_release(Instance *inst, ApiInstanceData *data);

/* Sets "Exception: <message>" on inst (NULL clears, and also lowers the
 * interrupt flag that wasm_runtime_terminate raised). */
void api_set_exception(Instance *inst, const char *message);
void api_set_exceptionf(Instance *inst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Value types as wasm_valkind_t and back (0xFF for none). */
wasm_valkind_t api_valkind(uint8_t type);

static inline Memory *api_default_memory(const Instance *inst)
{
  return inst && inst->module->num_memories ? inst->memories[0] : NULL;
}

/* A call from the API into Wasm: argv as runtime_call's.  Clears a previous
 * exception first; false when the call trapped. */
bool api_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

/* call_wasm's work once the function is known to be callable: argv in
 * 32-bit cells (argc of them), results written back to it. */
bool api_call_cells(ExecEnv *env, FuncInst *f, uint32_t argc, uint32_t *argv);

/* The app heap (api_heap.c): made at instantiation when heap_size is asked
 * for and the module exports no allocator; module_malloc and the built-in
 * libc allocate from it. */
bool api_heap_create(Instance *inst, uint32_t heap_size, char *err, uint32_t err_size);
void api_heap_release(Instance *inst, ApiInstanceData *data);
/* 0 when there is no heap or no room; *found says whether a heap exists. */
uint32_t api_heap_malloc(Instance *inst, uint32_t size, bool *found);
bool api_heap_free(Instance *inst, uint32_t offset);          /* false: no heap */
uint32_t api_heap_realloc(Instance *inst, uint32_t offset, uint32_t size);
/* Bytes in use, total, and the heap's place in memory (false: no heap). */
bool api_heap_stats(Instance *inst, uint32_t *used, uint32_t *total, uint32_t *start);

/* Multi-module through wasm_runtime_set_module_reader (api_load.c): loads
 * and registers the module `name` (len bytes) with the reader, if one is
 * set; returns the module with a reference, or NULL. */
ModuleRef *api_read_module(const char *name, uint32_t len);

/* wasm_runtime_instantiate_ex with WASI grants (InstantiationArgs2). */
struct WasiArgs;
wasm_module_inst_t api_instantiate_wasi_args(const wasm_module_t module,
                                             const InstantiationArgs *args,
                                             const struct WasiArgs *wasi, char *error_buf,
                                             uint32_t error_buf_size);

/* Drops the externref objects registered for inst (api_diag.c). */
void api_externref_release(Instance *inst);

/* Registers the built-in libc under "env" (api_libc.c). */
bool api_libc_register(char *err, uint32_t err_size);

/* The exec env to run helper calls (module_malloc) on for inst: the env of
 * the native running in this thread if it serves inst, else the singleton. */
ExecEnv *api_helper_env(Instance *inst);

#endif
