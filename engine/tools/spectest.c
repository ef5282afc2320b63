/*
 * spectest.c -- the `spectest` host module of the spec scripts, as the
 * reference interpreter defines it: print functions, four globals (666 and
 * 666.6), a table of 10 funcrefs (max 20) and a memory of 1 page (max 2).
 *
 * It is an ordinary Wasm module written in text: the print functions are
 * imported from natives registered under "wasmplug:spectest" and exported
 * again, so imports of `spectest` link to a live instance exactly as the
 * script's own registered modules do.
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

#define NATIVE_MODULE "wasmplug:spectest"

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
  memset(s, 0, sizeof *s);
}
