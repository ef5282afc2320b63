/*
 * application.c -- running a module the way a command-line user asks:
 * wasm_application_execute_func (an export with arguments given as text,
 * results printed) and wasm_application_execute_main (the entry point).
 *
 * Built on the public API only, like any embedder.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static bool fail(wasm_module_inst_t inst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(wasm_module_inst_t inst, const char *fmt, ...)
{
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  wasm_runtime_set_exception(inst, msg);
  return false;
}

static const char *kind_name(wasm_valkind_t kind)
{
  switch (kind) {
  case WASM_I32: return "i32";
  case WASM_I64: return "i64";
  case WASM_F32: return "f32";
  case WASM_F64: return "f64";
  case WASM_V128: return "v128";
  case WASM_EXTERNREF: return "externref";
  case WASM_FUNCREF: return "funcref";
  default: return "?";
  }
}

/* Integers: decimal or 0x hex, signed or (up to the type's width) unsigned. */
static bool parse_int(const char *s, unsigned bits, int64_t *out)
{
  char *end;
  errno = 0;
  if (s[0] == '-') {
    long long v = strtoll(s, &end, 0);
    if (errno || end == s || *end)
      return false;
    if (bits == 32 && v < INT32_MIN)
      return false;
    *out = v;
    return true;
  }
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || end == s || *end)
    return false;
  if (bits == 32 && v > UINT32_MAX)
    return false;
  *out = (int64_t)v;
  return true;
}

static bool parse_arg(const char *s, wasm_valkind_t kind, wasm_val_t *out)
{
  char *end;
  int64_t i;
  out->kind = kind;
  switch (kind) {
  case WASM_I32:
    if (!parse_int(s, 32, &i))
      return false;
    out->of.i32 = (int32_t)(uint32_t)i;
    return true;
  case WASM_I64:
    if (!parse_int(s, 64, &i))
      return false;
    out->of.i64 = i;
    return true;
  case WASM_F32:
    errno = 0;
    out->of.f32 = strtof(s, &end);
    return end != s && !*end;
  case WASM_F64:
    errno = 0;
    out->of.f64 = strtod(s, &end);
    return end != s && !*end;
  case WASM_EXTERNREF:
  case WASM_FUNCREF:
    out->of.foreign = 0;
    return strcmp(s, "null") == 0;
  default:
    return false;
  }
}

/* One result as WAMR's execute_func prints it: "0x1f:i32", "0x5:i64",
 * "3.5:f32", "func:ref.null", "2:ref.func" (the function's index). */
static void print_value(const wasm_val_t *v)
{
  switch (v->kind) {
  case WASM_I32: printf("0x%" PRIx32 ":i32", (uint32_t)v->of.i32); break;
  case WASM_I64: printf("0x%" PRIx64 ":i64", (uint64_t)v->of.i64); break;
  case WASM_F32: printf("%.7g:f32", (double)v->of.f32); break;
  case WASM_F64: printf("%.7g:f64", v->of.f64); break;
  case WASM_FUNCREF:
    if (v->of.foreign)
      printf("%" PRIu32 ":ref.func", ((const FuncInst *)v->of.foreign)->index);
    else
      printf("func:ref.null");
    break;
  case WASM_EXTERNREF:
    if (v->of.foreign)
      printf("0x%" PRIxPTR ":ref.extern", v->of.foreign);
    else
      printf("extern:ref.null");
    break;
  default: printf("?"); break;
  }
}

bool wasm_application_execute_func(wasm_module_inst_t inst, const char *name, int32_t argc,
                                   char *argv[])
{
  if (!inst || !name || argc < 0 || (argc > 0 && !argv))
    return false;
  wasm_function_inst_t func = wasm_runtime_lookup_function(inst, name);
  if (!func)
    return fail(inst, "function '%s' is not exported", name);

  uint32_t nparams = wasm_func_get_param_count(func, inst);
  uint32_t nresults = wasm_func_get_result_count(func, inst);
  if ((uint32_t)argc != nparams)
    return fail(inst, "function '%s' takes %" PRIu32 " argument(s), %" PRId32 " given", name,
                nparams, argc);

  wasm_valkind_t *kinds = calloc(nparams + nresults + 1, sizeof *kinds);
  wasm_val_t *vals = calloc(nparams + nresults + 1, sizeof *vals);
  bool ok = false;
  if (!kinds || !vals) {
    fail(inst, "out of memory");
    goto out;
  }
  wasm_func_get_param_types(func, inst, kinds);
  for (uint32_t i = 0; i < nparams; i++)
    if (!parse_arg(argv[i], kinds[i], &vals[i])) {
      fail(inst, "invalid argument '%s' for parameter %" PRIu32 " (%s)", argv[i], i,
           kind_name(kinds[i]));
      goto out;
    }

  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
  if (!env) {
    fail(inst, "cannot create an execution environment");
    goto out;
  }
  wasm_val_t *results = vals + nparams;
  if (!wasm_runtime_call_wasm_a(env, func, nresults, results, nparams, vals))
    goto out;
  for (uint32_t i = 0; i < nresults; i++) {
    if (i)
      putchar(',');
    print_value(&results[i]);
  }
  putchar('\n');
  fflush(stdout);
  ok = true;
out:
  free(kinds);
  free(vals);
  return ok;
}

/* A WASI command runs its `_start` (its arguments are the WASI ones set
 * before instantiation); proc_exit ends it normally, with the status left
 * for wasm_runtime_get_wasi_exit_code.  A WASI reactor runs `_initialize`
 * first.  Without WASI the entry point is `_start` taking nothing, or
 * `main` taking nothing or (argc, argv) with argv left empty. */
bool wasm_application_execute_main(wasm_module_inst_t inst, int32_t argc, char *argv[])
{
  (void)argv;
  if (!inst || argc < 0)
    return false;
  if (wasm_runtime_is_wasi_mode(inst)) {
    wasm_function_inst_t start = wasm_runtime_lookup_wasi_start_function(inst);
    wasm_function_inst_t init = wasm_runtime_lookup_function(inst, "_initialize");
    const ApiInstanceData *data = API_INST(inst)->api_data;
    if (data && data->reactor_initialized && !wasm_runtime_lookup_wasi_start_function(inst))
      return true; /* a reactor: instantiation ran its _initialize already */
    wasm_function_inst_t entry = start ? start : init;
    if (entry) {
      wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
      if (!env)
        return fail(inst, "cannot create an execution environment");
      wasm_val_t none[1];
      if (wasm_runtime_call_wasm_a(env, entry, 0, none, 0, none)) {
        if (start)
          return true;
      } else {
        const char *e = wasm_runtime_get_exception(inst);
        if (!e || strcmp(e, "Exception: wasi proc exit") != 0)
          return false;
        wasm_runtime_clear_exception(inst);
        return true;
      }
    }
  }
  wasm_function_inst_t func = wasm_runtime_lookup_function(inst, "_start");
  if (!func)
    func = wasm_runtime_lookup_function(inst, "main");
  if (!func)
    func = wasm_runtime_lookup_function(inst, "__main_argc_argv");
  if (!func)
    return fail(inst, "the module exports no entry point (_start or main); use -f NAME");

  uint32_t nparams = wasm_func_get_param_count(func, inst);
  uint32_t nresults = wasm_func_get_result_count(func, inst);
  wasm_valkind_t kinds[2];
  if (nparams > 2 || nresults > 1)
    return fail(inst, "the entry point has an unexpected type");
  wasm_func_get_param_types(func, inst, kinds);
  wasm_val_t args[2], result[1];
  for (uint32_t i = 0; i < nparams; i++) {
    if (kinds[i] != WASM_I32)
      return fail(inst, "the entry point has an unexpected type");
    args[i].kind = WASM_I32;
    args[i].of.i32 = 0;
  }
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
  if (!env)
    return fail(inst, "cannot create an execution environment");
  return wasm_runtime_call_wasm_a(env, func, nresults, result, nparams, args);
}
