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
  atomic_int refcount; /* the embedder's (until unload), one per instance, registrations */
};
typedef struct ModuleRef ModuleRef;

#define API_MODULE(m) ((ModuleRef *)(m))
#define API_INST(i) ((Instance *)(i))
#define API_FUNC(f) ((FuncInst *)(f))
#define API_ENV(e) ((ExecEnv *)(e))
#define API_MEMORY(m) ((Memory *)(m))

void module_ref_acquire(ModuleRef *ref);

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

/* The exec env to run helper calls (module_malloc) on for inst: the env of
 * the native running in this thread if it serves inst, else the singleton. */
ExecEnv *api_helper_env(Instance *inst);

#endif
