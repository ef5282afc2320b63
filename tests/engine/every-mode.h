/*
 * every-mode.h -- helpers for tests that run the same Wasm in every running
 * mode this build has and compare: the modes are asked of the runtime
 * (wasm_runtime_is_running_mode_supported), so a tier added later is
 * covered without touching the tests.  Modules are written in the text
 * format inline and go through the engine's own text parser.
 */
#ifndef WP_TEST_EVERY_MODE_H
#define WP_TEST_EVERY_MODE_H

#include <glib.h>
#include <string.h>

#include "text/text.h"
#include "wasm_export.h"

typedef struct ModeName {
  RunningMode mode;
  const char *name;
} ModeName;

static const ModeName every_mode[] = {
  {Mode_Interp, "interp"},
  {Mode_Fast_Interp, "fast-interp"},
  {Mode_Fast_JIT, "fast-jit"},
  {Mode_LLVM_JIT, "llvm-jit"},
  {Mode_Multi_Tier_JIT, "multi-tier-jit"},
};

#define FOR_EACH_BUILT_MODE(m)                                                 \
  for (const ModeName *m = every_mode; m < every_mode + G_N_ELEMENTS(every_mode); m++) \
    if (wasm_runtime_is_running_mode_supported(m->mode))

static inline void em_runtime_up(void)
{
  RuntimeInitArgs args;
  memset(&args, 0, sizeof args);
  g_assert_true(wasm_runtime_full_init(&args));
}

/* Loads a module given as text; NULL with the loader's message in `err`. */
static inline wasm_module_t em_try_load_text(const char *wat, char *err, uint32_t err_size)
{
  size_t size = 0;
  uint8_t *bytes = wat_to_binary(wat, strlen(wat), &size, err, err_size);
  if (!bytes)
    g_error("text: %s", err);
  wasm_module_t m = wasm_runtime_load(bytes, (uint32_t)size, err, err_size);
  free(bytes);
  return m;
}

static inline wasm_module_t em_load_text(const char *wat)
{
  char err[256] = "";
  wasm_module_t m = em_try_load_text(wat, err, sizeof err);
  if (!m)
    g_error("loading: %s", err);
  return m;
}

/* An instance running in `mode`, with its exec env. */
static inline wasm_module_inst_t em_instantiate(wasm_module_t m, RunningMode mode, wasm_exec_env_t *env)
{
  char err[256] = "";
  wasm_module_inst_t inst = wasm_runtime_instantiate(m, 0, 0, err, sizeof err);
  if (!inst)
    g_error("instantiating: %s", err);
  g_assert_true(wasm_runtime_set_running_mode(inst, mode));
  *env = wasm_runtime_create_exec_env(inst, 0);
  g_assert_nonnull(*env);
  return inst;
}

static inline void em_done(wasm_module_inst_t inst, wasm_exec_env_t env)
{
  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
}

/* Calls an export with cells (arguments in, results out); true if it
 * returned, false if it trapped (the exception is then cleared into `why`
 * when given). */
static inline bool em_call(wasm_exec_env_t env, wasm_module_inst_t inst, const char *name, uint32_t argc,
                           uint32_t *argv, char *why, size_t why_size)
{
  wasm_function_inst_t f = wasm_runtime_lookup_function(inst, name);
  if (!f)
    g_error("no export %s", name);
  if (wasm_runtime_call_wasm(env, f, argc, argv))
    return true;
  const char *e = wasm_runtime_get_exception(inst);
  if (why)
    g_strlcpy(why, e ? e : "", why_size);
  wasm_runtime_clear_exception(inst);
  return false;
}

#endif
