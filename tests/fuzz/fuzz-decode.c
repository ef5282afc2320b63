/*
 * fuzz-decode.c -- crash fuzzing of the decoder and validator, and of the
 * interpreters on whatever they accept: a libFuzzer target
 * (LLVMFuzzerTestOneInput), built with -fsanitize=fuzzer when the compiler
 * is clang, and replayed by fuzz-replay.c otherwise.
 *
 * Any input must load or be refused with a message.  A module that loads
 * (and has no start function, which could loop with no fuel to stop it) is
 * instantiated in every built mode with a small memory cap, and each
 * exported function is called with zero arguments under a fuel budget.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "fuzz-target.h"

#undef module_free

static const RunningMode modes[] = {Mode_Interp, Mode_Fast_Interp, Mode_Fast_JIT, Mode_LLVM_JIT,
                                    Mode_Multi_Tier_JIT};

static void run_exports(wasm_module_inst_t inst)
{
  Instance *in = API_INST(inst);
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
  if (!env)
    return;
  for (uint32_t i = 0; i < in->module->num_exports; i++) {
    const Export *e = &in->module->exports[i];
    if (e->kind != EXTERN_FUNC)
      continue;
    FuncInst *f = in->funcs[e->index];
    uint32_t n = f->type->num_params > f->type->num_results ? f->type->num_params : f->type->num_results;
    uint64_t *slots = calloc(n + 1, sizeof *slots);
    if (!slots)
      abort();
    wasm_runtime_set_instruction_count_limit(env, 10000);
    wasm_runtime_set_time_limit(env, 1000); /* fuel does not end a WASI sleep (wasi-sleep.wat) */
    api_call(API_ENV(env), f, slots);
    wasm_runtime_clear_exception(inst);
    free(slots);
  }
}

void fuzz_target_init(void)
{
  static bool done;
  if (done)
    return;
  done = true;
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  if (!wasm_runtime_full_init(&init))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_target_init();
  if (size > UINT32_MAX)
    return 0;
  uint8_t *copy = malloc(size ? size : 1);
  if (!copy)
    abort();
  memcpy(copy, data, size);
  char error[256] = "";
  wasm_module_t module = wasm_runtime_load(copy, (uint32_t)size, error, sizeof error);
  if (!module) {
    if (!error[0])
      abort(); /* every refusal says why */
    free(copy);
    return 0;
  }
  if (!API_MODULE(module)->module->has_start) {
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
      if (!wasm_runtime_is_running_mode_supported(modes[m]))
        continue;
      InstantiationArgs args = {.default_stack_size = 64 * 1024, .max_memory_pages = 64};
      wasm_module_inst_t inst = wasm_runtime_instantiate_ex(module, &args, error, sizeof error);
      if (!inst) {
        if (!error[0])
          abort();
        continue;
      }
      if (!wasm_runtime_set_running_mode(inst, modes[m]))
        abort();
      run_exports(inst);
      wasm_runtime_deinstantiate(inst);
    }
  }
  wasm_runtime_unload(module);
  free(copy);
  return 0;
}
