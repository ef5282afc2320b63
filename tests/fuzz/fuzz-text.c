/*
 * fuzz-text.c -- crash fuzzing of the text format: the input is parsed as a
 * module (.wat) and as a script (.wast); a module that parses is loaded
 * (decoded and validated).  A libFuzzer target, replayed by fuzz-replay.c
 * where the compiler is not clang.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz-target.h"
#include "text/text.h"
#include "text/wast.h"
#include "wasm_export.h"

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
  char error[256] = "";
  size_t out_size = 0;
  uint8_t *binary = wat_to_binary((const char *)data, size, &out_size, error, sizeof error);
  if (!binary) {
    if (!error[0])
      abort(); /* every refusal says why */
  } else if (out_size <= UINT32_MAX) {
    error[0] = 0;
    wasm_module_t module = wasm_runtime_load(binary, (uint32_t)out_size, error, sizeof error);
    if (module)
      wasm_runtime_unload(module);
    else if (!error[0])
      abort();
  }
  free(binary);

  error[0] = 0;
  WastScript *script = wast_parse((const char *)data, size, error, sizeof error);
  if (script)
    wast_free(script);
  else if (!error[0])
    abort();
  return 0;
}
