/*
 * embed.c -- a program written only against the documented embedding API,
 * built the way an embedder builds it:
 *   cc embed.c $(pkg-config --cflags --libs wasmplug-engine-1)
 * It exercises full_init with a zeroed RuntimeInitArgs, the default and
 * per-instance running modes (one instance in each interpreter), load,
 * instantiate, lookup, call_wasm,
 * exceptions and terminate from another thread.
 *
 * Usage: embed fib.wasm
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wasm_export.h>

static int failures;

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "embed.c:%d: check failed: %s\n", __LINE__, #cond); \
      failures++;                                                       \
    }                                                                   \
  } while (0)

static void *terminate_later(void *inst)
{
  usleep(100 * 1000);
  wasm_runtime_terminate((wasm_module_inst_t)inst);
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: %s fib.wasm\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  static uint8_t buf[1 << 16];
  uint32_t size = (uint32_t)fread(buf, 1, sizeof buf, f);
  fclose(f);

  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  init.running_mode = Mode_Interp;
  CHECK(wasm_runtime_full_init(&init));

  CHECK(wasm_runtime_is_running_mode_supported(Mode_Interp));
  CHECK(wasm_runtime_set_default_running_mode(Mode_Interp));

  char error[128];
  wasm_module_t module = wasm_runtime_load(buf, size, error, sizeof error);
  CHECK(module != NULL);
  if (!module) {
    fprintf(stderr, "load: %s\n", error);
    return 1;
  }

  /* A bad module gets an error message, not a crash. */
  uint8_t junk[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
  CHECK(wasm_runtime_load(junk, sizeof junk, error, sizeof error) == NULL);
  CHECK(error[0] != '\0');

  wasm_module_inst_t inst = wasm_runtime_instantiate(module, 64 * 1024, 0, error, sizeof error);
  CHECK(inst != NULL);
  if (!inst) {
    fprintf(stderr, "instantiate: %s\n", error);
    return 1;
  }
  CHECK(wasm_runtime_set_running_mode(inst, Mode_Interp));
  CHECK(wasm_runtime_get_running_mode(inst) == Mode_Interp);

  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 64 * 1024);
  CHECK(env != NULL);

  wasm_function_inst_t fib = wasm_runtime_lookup_function(inst, "fib");
  CHECK(fib != NULL);
  uint32_t cells[2] = {25};
  CHECK(wasm_runtime_call_wasm(env, fib, 1, cells));
  CHECK(cells[0] == 75025);

  /* i64 arguments and results take two cells each. */
  wasm_function_inst_t fib_iter = wasm_runtime_lookup_function(inst, "fib_iter");
  CHECK(fib_iter != NULL);
  uint64_t n = 90;
  memcpy(cells, &n, sizeof n);
  CHECK(wasm_runtime_call_wasm(env, fib_iter, 2, cells));
  uint64_t r;
  memcpy(&r, cells, sizeof r);
  CHECK(r == 2880067194370816120ull);

  /* A trap becomes the instance's exception; the instance stays usable. */
  wasm_function_inst_t div = wasm_runtime_lookup_function(inst, "div");
  uint32_t dargs[2] = {7, 0};
  CHECK(!wasm_runtime_call_wasm(env, div, 2, dargs));
  const char *exc = wasm_runtime_get_exception(inst);
  CHECK(exc && strstr(exc, "integer divide by zero"));
  wasm_runtime_clear_exception(inst);
  CHECK(wasm_runtime_get_exception(inst) == NULL);
  dargs[0] = 7, dargs[1] = 2;
  CHECK(wasm_runtime_call_wasm(env, div, 2, dargs) && dargs[0] == 3);

  /* terminate from another thread stops an endless loop. */
  wasm_function_inst_t spin = wasm_runtime_lookup_function(inst, "spin");
  pthread_t killer;
  pthread_create(&killer, NULL, terminate_later, inst);
  CHECK(!wasm_runtime_call_wasm(env, spin, 0, NULL));
  pthread_join(killer, NULL);
  exc = wasm_runtime_get_exception(inst);
  CHECK(exc != NULL);
  wasm_runtime_clear_exception(inst);
  cells[0] = 10;
  CHECK(wasm_runtime_call_wasm(env, fib, 1, cells) && cells[0] == 55);

  /* Two instances of one module, each in its own interpreter, both run. */
  if (wasm_runtime_is_running_mode_supported(Mode_Fast_Interp)) {
    wasm_module_inst_t fast = wasm_runtime_instantiate(module, 0, 0, error, sizeof error);
    CHECK(fast != NULL);
    CHECK(wasm_runtime_set_running_mode(fast, Mode_Fast_Interp));
    CHECK(wasm_runtime_get_running_mode(fast) == Mode_Fast_Interp);
    CHECK(wasm_runtime_get_running_mode(inst) == Mode_Interp);
    wasm_exec_env_t fast_env = wasm_runtime_create_exec_env(fast, 0);
    wasm_function_inst_t fast_fib = wasm_runtime_lookup_function(fast, "fib");
    uint32_t a[1] = {20}, b[1] = {20};
    CHECK(wasm_runtime_call_wasm(fast_env, fast_fib, 1, a) && a[0] == 6765);
    CHECK(wasm_runtime_call_wasm(env, fib, 1, b) && b[0] == 6765);
    wasm_runtime_destroy_exec_env(fast_env);
    wasm_runtime_deinstantiate(fast);
  }

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(module);
  wasm_runtime_destroy();

  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("embed: all checks passed\n");
  return failures ? 1 : 0;
}
