/*
 * embed-libc.c -- WAMR's basic sample, written again: a module built with
 * -nostdlib that imports printf, snprintf, malloc ... from the built-in
 * libc, run unchanged; wasm_runtime_module_malloc allocates from the app
 * heap instantiation reserved (the module exports no allocator).
 */
#include <unistd.h>

#include "embed-common.h"

/* Runs f with stdout going to a file, and returns what it printed. */
static char *capture_stdout(bool (*f)(void *), void *data, bool *ok)
{
  fflush(stdout);
  FILE *tmp = tmpfile();
  int saved = dup(1);
  dup2(fileno(tmp), 1);
  *ok = f(data);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  long n = ftell(tmp) >= 0 ? lseek(fileno(tmp), 0, SEEK_END) : 0;
  char *text = calloc(1, (size_t)n + 1);
  lseek(fileno(tmp), 0, SEEK_SET);
  if (text && n > 0 && read(fileno(tmp), text, (size_t)n) != n)
    text[0] = '\0';
  fclose(tmp);
  return text;
}

static wasm_module_inst_t inst;
static wasm_exec_env_t env;

static bool call_generate_float(void *data)
{
  wasm_val_t args[3], result;
  args[0].kind = WASM_I32;
  args[0].of.i32 = 10;
  args[1].kind = WASM_F64;
  args[1].of.f64 = 0.000101;
  args[2].kind = WASM_F32;
  args[2].of.f32 = 300.002f;
  bool ok = wasm_runtime_call_wasm_a(env, wasm_runtime_lookup_function(inst, "generate_float"),
                                     1, &result, 3, args);
  *(float *)data = result.of.f32;
  return ok;
}

static bool call_self_test(void *data)
{
  uint32_t argv[1] = {0};
  bool ok = wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "self_test"), 0, argv);
  *(int32_t *)data = (int32_t)argv[0];
  return ok;
}

int main(int argc, char **argv)
{
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  embed_init(argc, argv, &init);

  /* every import is answered by the built-in libc */
  CHECK(wasm_runtime_is_import_func_linked("env", "printf"));
  CHECK(wasm_runtime_is_import_func_linked("env", "malloc"));
  CHECK(wasm_runtime_is_import_func_linked("env", "clock"));

  wasm_module_t module = load_module("basic-app.wasm");
  char error[128];
  const uint32_t heap_size = 8192;
  inst = wasm_runtime_instantiate(module, 8092, heap_size, error, sizeof error);
  if (!inst) {
    fprintf(stderr, "instantiate: %s\n", error);
    return 1;
  }
  env = wasm_runtime_create_exec_env(inst, 8092);

  bool ok;
  float f = 0;
  char *out = capture_stdout(call_generate_float, &f, &ok);
  CHECK(ok);
  CHECK_STR(out, "calling into WASM function: generate_float\n");
  CHECK(f > 102009.0f && f < 102010.0f); /* 10 * (1 / 0.000101 + 300.002) */
  free(out);

  /* the app heap: a buffer for the Wasm code to write into */
  char *native_buf = NULL;
  uint64_t buf = wasm_runtime_module_malloc(inst, 100, (void **)&native_buf);
  CHECK(buf != 0 && native_buf != NULL);
  CHECK(wasm_runtime_validate_app_addr(inst, buf, 100));
  uint32_t cells[4];
  float pi = 3.14159f;
  memcpy(&cells[0], &pi, 4);
  cells[1] = (uint32_t)buf;
  cells[2] = 100;
  cells[3] = 3;
  CHECK(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "float_to_string"), 4, cells));
  CHECK(cells[0] == 5); /* strlen("3.142") */
  CHECK_STR(native_buf, "3.142");
  wasm_runtime_module_free(inst, buf);

  int32_t step = -1;
  out = capture_stdout(call_self_test, &step, &ok);
  CHECK(ok);
  CHECK(step == 0);
  CHECK_STR(out, "self_test: the built-in libc works\n!\n");
  free(out);

  /* the heap is bounded: all of it can be had, not more; freeing makes it
   * whole again (blocks merge) */
  uint64_t big = wasm_runtime_module_malloc(inst, heap_size, NULL);
  CHECK(big != 0);
  CHECK(wasm_runtime_module_malloc(inst, 8, NULL) == 0);
  CHECK(wasm_runtime_get_exception(inst) != NULL);
  wasm_runtime_clear_exception(inst);
  wasm_runtime_module_free(inst, big);
  uint64_t parts[4];
  for (int i = 0; i < 4; i++)
    CHECK((parts[i] = wasm_runtime_module_malloc(inst, heap_size / 4, NULL)) != 0);
  for (int i = 0; i < 4; i++)
    wasm_runtime_module_free(inst, parts[i]);
  CHECK(wasm_runtime_module_malloc(inst, heap_size, NULL) == big);
  wasm_runtime_module_free(inst, big);

  /* the Wasm side's malloc is the same heap */
  uint32_t n[1] = {32};
  CHECK(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "alloc"), 1, n));
  CHECK(n[0] >= big && n[0] < big + heap_size);

  /* a bad pointer in printf's arguments traps, it reads no host memory */
  uint32_t none[1];
  CHECK(!wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "bad_string"), 0, none));
  CHECK_STR(wasm_runtime_get_exception(inst), "Exception: out of bounds memory access");

  /* without heap_size there is no app heap, and no allocator exported */
  wasm_module_inst_t bare = wasm_runtime_instantiate(module, 8092, 0, error, sizeof error);
  CHECK(bare != NULL);
  CHECK(wasm_runtime_module_malloc(bare, 16, NULL) == 0);
  wasm_runtime_deinstantiate(bare);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(module);
  return embed_finish("embed-libc");
}
