/*
 * spectest.c -- the `spectest` host module of the spec scripts, as the
 * reference interpreter defines it: print functions, four globals (666 and
 * 666.6), a table of 10 funcrefs (max 20) and a memory of 1 page (max 2).
 *
 * It is an ordinary Wasm module written in text: the print functions are
 * imported from natives registered under "wasmplug:spectest" and exported
 * again, so imports of `spectest` link to a live instance exactly as the
 * script's own registered modules do.
 *
 * Our own scripts (tests/spec/own) also import natives from
 * "wasmplug_test", registered here too: host calls with each value kind,
 * checked pointer arguments, a native that fails, one that terminates.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spectest.h"
#include "text/text.h"

static bool spectest_verbose;

static void print(wasm_exec_env_t env)
{
  (void)env;
  if (spectest_verbose)
    printf("\n");
}

static void print_i32(wasm_exec_env_t env, int32_t v)
{
  (void)env;
  if (spectest_verbose)
    printf("%" PRId32 " : i32\n", v);
}

static void print_i64(wasm_exec_env_t env, int64_t v)
{
  (void)env;
  if (spectest_verbose)
    printf("%" PRId64 " : i64\n", v);
}

static void print_f32(wasm_exec_env_t env, float v)
{
  (void)env;
  if (spectest_verbose)
    printf("%.9g : f32\n", (double)v);
}

static void print_f64(wasm_exec_env_t env, double v)
{
  (void)env;
  if (spectest_verbose)
    printf("%.17g : f64\n", v);
}

static void print_i32_f32(wasm_exec_env_t env, int32_t a, float b)
{
  print_i32(env, a);
  print_f32(env, b);
}

static void print_f64_f64(wasm_exec_env_t env, double a, double b)
{
  print_f64(env, a);
  print_f64(env, b);
}

static NativeSymbol spectest_natives[] = {
  {"print", (void *)print, "()", NULL},
  {"print_i32", (void *)print_i32, "(i)", NULL},
  {"print_i64", (void *)print_i64, "(I)", NULL},
  {"print_f32", (void *)print_f32, "(f)", NULL},
  {"print_f64", (void *)print_f64, "(F)", NULL},
  {"print_i32_f32", (void *)print_i32_f32, "(if)", NULL},
  {"print_f64_f64", (void *)print_f64_f64, "(FF)", NULL},
};

/* ---- wasmplug_test: natives for our own scripts (tests/spec/own) ---- */

static int32_t test_add(wasm_exec_env_t env, int32_t a, int32_t b)
{
  (void)env;
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static double test_mix(wasm_exec_env_t env, int64_t a, float b, double c)
{
  (void)env;
  return (double)a + (double)b + c;
}

static uintptr_t test_ref_id(wasm_exec_env_t env, uintptr_t r)
{
  (void)env;
  return r;
}

static int32_t test_strlen(wasm_exec_env_t env, const char *s)
{
  (void)env;
  return (int32_t)strlen(s);
}

static int32_t test_sum(wasm_exec_env_t env, const uint8_t *buf, int32_t len)
{
  (void)env;
  int32_t sum = 0;
  for (int32_t i = 0; i < len; i++)
    sum += buf[i];
  return sum;
}

static void test_fail(wasm_exec_env_t env)
{
  wasm_runtime_set_exception(wasm_runtime_get_module_inst(env), "host says no");
}

static void test_terminate(wasm_exec_env_t env)
{
  wasm_runtime_terminate(wasm_runtime_get_module_inst(env));
}

static NativeSymbol test_natives[] = {
  {"add", (void *)test_add, "(ii)i", NULL},
  {"mix", (void *)test_mix, "(IfF)F", NULL},
  {"ref_id", (void *)test_ref_id, "(r)r", NULL},
  {"strlen", (void *)test_strlen, "($)i", NULL},
  {"sum", (void *)test_sum, "(*~)i", NULL},
  {"fail", (void *)test_fail, "()", NULL},
  {"terminate", (void *)test_terminate, "()", NULL},
};

#define NATIVE_MODULE "wasmplug:spectest"
#define TEST_MODULE "wasmplug_test"

static const char spectest_wat[] =
  "(module\n"
  "  (import \"" NATIVE_MODULE "\" \"print\" (func $print))\n"
  "  (import \"" NATIVE_MODULE "\" \"print_i32\" (func $print_i32 (param i32)))\n"
  "  (import \"" NATIVE_MODULE "\" \"print_i64\" (func $print_i64 (param i64)))\n"
  "  (import \"" NATIVE_MODULE "\" \"print_f32\" (func $print_f32 (param f32)))\n"
  "  (import \"" NATIVE_MODULE "\" \"print_f64\" (func $print_f64 (param f64)))\n"
  "  (import \"" NATIVE_MODULE "\" \"print_i32_f32\" (func $print_i32_f32 (param i32 f32)))\n"
  "  (import \"" NATIVE_MODULE "\" \"print_f64_f64\" (func $print_f64_f64 (param f64 f64)))\n"
  "  (export \"print\" (func $print))\n"
  "  (export \"print_i32\" (func $print_i32))\n"
  "  (export \"print_i64\" (func $print_i64))\n"
  "  (export \"print_f32\" (func $print_f32))\n"
  "  (export \"print_f64\" (func $print_f64))\n"
  "  (export \"print_i32_f32\" (func $print_i32_f32))\n"
  "  (export \"print_f64_f64\" (func $print_f64_f64))\n"
  "  (global (export \"global_i32\") i32 (i32.const 666))\n"
  "  (global (export \"global_i64\") i64 (i64.const 666))\n"
  "  (global (export \"global_f32\") f32 (f32.const 666.6))\n"
  "  (global (export \"global_f64\") f64 (f64.const 666.6))\n"
  "  (table (export \"table\") 10 20 funcref)\n"
  "  (memory (export \"memory\") 1 2))\n";

bool spectest_init(Spectest *s, bool verbose, char *error, uint32_t error_size)
{
  memset(s, 0, sizeof *s);
  spectest_verbose = verbose;
  if (!wasm_runtime_register_natives(NATIVE_MODULE, spectest_natives,
                                     sizeof spectest_natives / sizeof spectest_natives[0])) {
    snprintf(error, error_size, "spectest: cannot register the print natives");
    return false;
  }
  s->natives_registered = true;
  if (!wasm_runtime_register_natives(TEST_MODULE, test_natives,
                                     sizeof test_natives / sizeof test_natives[0])) {
    snprintf(error, error_size, "spectest: cannot register the test natives");
    return false;
  }
  s->test_natives_registered = true;
  size_t size;
  uint8_t *bytes = wat_to_binary(spectest_wat, sizeof spectest_wat - 1, &size, error, error_size);
  if (!bytes)
    return false;
  s->module = wasm_runtime_load(bytes, (uint32_t)size, error, error_size);
  free(bytes);
  if (!s->module)
    return false;
  s->inst = wasm_runtime_instantiate(s->module, 0, 0, error, error_size);
  if (!s->inst)
    return false;
  if (!wasm_runtime_register_module_instance("spectest", s->inst)) {
    snprintf(error, error_size, "spectest: cannot register the instance");
    return false;
  }
  return true;
}

void spectest_fini(Spectest *s)
{
  if (s->inst) {
    wasm_runtime_unregister_module_instance("spectest");
    wasm_runtime_deinstantiate(s->inst);
  }
  if (s->module)
    wasm_runtime_unload(s->module);
  if (s->natives_registered)
    wasm_runtime_unregister_natives(NATIVE_MODULE, spectest_natives);
  if (s->test_natives_registered)
    wasm_runtime_unregister_natives(TEST_MODULE, test_natives);
  memset(s, 0, sizeof *s);
}
