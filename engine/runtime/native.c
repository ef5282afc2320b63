/*
 * native.c -- host functions registered through the embedding API: the
 * registry, signature strings, and the call (native_invoke).
 *
 * A signature "(ii*~$)i" says how Wasm values become C arguments:
 *   i I f F   i32, i64, f32, f64 as int32_t, int64_t, float, double
 *   r         externref as a pointer-sized value
 *   * ~ $     an i32 address made into a checked native pointer ('*', its
 *             length given by a following '~', else 1 byte), the i32 length
 *             itself, a checked NUL-terminated string
 * Ordinary natives are called through libffi with (exec_env, args...), the
 * prepared call (ffi_cif) made once at registration; raw natives get the
 * exec env and the argument slots (contract 2: host calls go through one
 * generic trampoline, compiled-to-compiled calls never do).
 */
#include "native.h"

#include <ffi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "wasm_export.h"

/* What native_invoke needs beyond the HostFunc: the parameter letters, and
 * for ordinary natives the prepared libffi call. */
typedef struct NativeCall {
  char *kinds; /* one signature letter per parameter, then the result letter (or 0) */
  ffi_cif cif;
  ffi_type **arg_types; /* exec env, then one per parameter */
} NativeCall;

/* One wasm_runtime_register_natives call. */
typedef struct NativeGroup {
  char *module_name;
  NativeSymbol *symbols; /* the embedder's array, compared by address on unregister */
  uint32_t count;
  HostFunc *hosts;
  FuncInst *funcs;
  NativeCall *calls;
  struct NativeGroup *next;
} NativeGroup;

static pthread_mutex_t natives_lock = PTHREAD_MUTEX_INITIALIZER;
static NativeGroup *natives; /* latest registration first */

/* The env running a native in this thread, for wasm_runtime_module_malloc
 * called from inside one. */
static _Thread_local ExecEnv *running_env;

ExecEnv *native_running_env(void) { return running_env; }

/* --- signatures --- */

static uint8_t letter_type(char c)
{
  switch (c) {
  case 'i':
  case '*':
  case '~':
  case '$':
    return VAL_I32;
  case 'I':
    return VAL_I64;
  case 'f':
    return VAL_F32;
  case 'F':
    return VAL_F64;
  case 'r':
    return VAL_EXTERNREF;
  default:
    return 0;
  }
}

/* Splits "(params)result" into its parameter letters and result letter
 * (0 for none).  NULL means "()". */
static bool split_signature(const char *sig, const char **params, uint32_t *num_params,
                            char *result, char *err, uint32_t err_size)
{
  if (!sig)
    sig = "()";
  if (sig[0] != '(')
    return error_set(err, err_size, "malformed signature \"%s\": must start with '('", sig);
  const char *close = strchr(sig, ')');
  if (!close)
    return error_set(err, err_size, "malformed signature \"%s\": no ')'", sig);
  *params = sig + 1;
  *num_params = (uint32_t)(close - sig - 1);
  for (uint32_t i = 0; i < *num_params; i++) {
    char c = sig[1 + i];
    if (!letter_type(c))
      return error_set(err, err_size, "malformed signature \"%s\": unknown letter '%c'", sig, c);
    if (c == '~' && (i == 0 || sig[i] != '*'))
      return error_set(err, err_size, "malformed signature \"%s\": '~' must follow '*'", sig);
  }
  *result = close[1];
  if (*result) {
    if (!strchr("iIfFr", *result))
      return error_set(err, err_size, "malformed signature \"%s\": bad result '%c'", sig,
                       *result);
    if (close[2])
      return error_set(err, err_size, "malformed signature \"%s\": one result at most", sig);
  }
  return true;
}

bool native_parse_signature(const char *signature, FuncType *type, char *err, uint32_t err_size)
{
  const char *params;
  uint32_t n;
  char result;
  if (!split_signature(signature, &params, &n, &result, err, err_size))
    return false;
  type->num_params = n;
  type->num_results = result ? 1 : 0;
  type->types = malloc(n + 1);
  if (!type->types)
    return error_set(err, err_size, "out of memory");
  for (uint32_t i = 0; i < n; i++)
    type->types[i] = letter_type(params[i]);
  if (result)
    type->types[n] = letter_type(result);
  return true;
}

static ffi_type *letter_ffi_type(char c)
{
  switch (c) {
  case 'i':
  case '~':
    return &ffi_type_sint32;
  case 'I':
    return &ffi_type_sint64;
  case 'f':
    return &ffi_type_float;
  case 'F':
    return &ffi_type_double;
  case 'r':
  case '*':
  case '$':
    return &ffi_type_pointer;
  default:
    return &ffi_type_void;
  }
}

static bool call_prepare(NativeCall *nc, const char *sig, bool raw, char *err, uint32_t err_size)
{
  const char *params;
  uint32_t n;
  char result;
  if (!split_signature(sig, &params, &n, &result, err, err_size))
    return false;
  nc->kinds = calloc(n + 2, 1);
  if (!nc->kinds)
    return error_set(err, err_size, "out of memory");
  memcpy(nc->kinds, params, n);
  nc->kinds[n] = result;
  if (raw)
    return true;
  nc->arg_types = malloc((n + 1) * sizeof *nc->arg_types);
  if (!nc->arg_types)
    return error_set(err, err_size, "out of memory");
  nc->arg_types[0] = &ffi_type_pointer;
  for (uint32_t i = 0; i < n; i++)
    nc->arg_types[i + 1] = letter_ffi_type(params[i]);
  if (ffi_prep_cif(&nc->cif, FFI_DEFAULT_ABI, n + 1, letter_ffi_type(result), nc->arg_types) !=
      FFI_OK)
    return error_set(err, err_size, "signature \"%s\": libffi cannot prepare the call", sig);
  return true;
}

/* --- the registry --- */

static void group_free(NativeGroup *g)
{
  if (!g)
    return;
  for (uint32_t i = 0; g->hosts && i < g->count; i++)
    free(g->hosts[i].type.types);
  for (uint32_t i = 0; g->calls && i < g->count; i++) {
    free(g->calls[i].kinds);
    free(g->calls[i].arg_types);
  }
  free(g->hosts);
  free(g->funcs);
  free(g->calls);
  free(g->module_name);
  free(g);
}

bool native_register(const char *module_name, NativeSymbol *symbols, uint32_t n, bool raw,
                     char *err, uint32_t err_size)
{
  if (!module_name || (n && !symbols))
    return error_set(err, err_size, "invalid arguments: module name and symbols are required");
  NativeGroup *g = calloc(1, sizeof *g);
  if (!g)
    return error_set(err, err_size, "out of memory");
  g->module_name = strdup(module_name);
  g->symbols = symbols;
  g->count = n;
  g->hosts = calloc(n + 1, sizeof *g->hosts);
  g->funcs = calloc(n + 1, sizeof *g->funcs);
  g->calls = calloc(n + 1, sizeof *g->calls);
  if (!g->module_name || !g->hosts || !g->funcs || !g->calls) {
    group_free(g);
    return error_set(err, err_size, "out of memory");
  }
  for (uint32_t i = 0; i < n; i++) {
    const NativeSymbol *s = &symbols[i];
    HostFunc *h = &g->hosts[i];
    if (!s->symbol || !s->func_ptr) {
      group_free(g);
      return error_set(err, err_size, "native symbol %u of \"%s\" has no name or no function", i,
                       module_name);
    }
    if (!native_parse_signature(s->signature, &h->type, err, err_size) ||
        !call_prepare(&g->calls[i], s->signature, raw, err, err_size)) {
      group_free(g);
      return false;
    }
    h->module_name = g->module_name;
    h->field_name = s->symbol;
    h->func_ptr = s->func_ptr;
    h->signature = s->signature ? s->signature : "()";
    h->attachment = s->attachment;
    h->raw = raw;
    h->ffi = &g->calls[i];
    g->funcs[i].type = &h->type;
    g->funcs[i].index = i;
    g->funcs[i].host = h;
  }
  pthread_mutex_lock(&natives_lock);
  g->next = natives;
  natives = g;
  pthread_mutex_unlock(&natives_lock);
  return true;
}

bool native_unregister(const char *module_name, NativeSymbol *symbols)
{
  if (!module_name)
    return false;
  NativeGroup *found = NULL;
  pthread_mutex_lock(&natives_lock);
  for (NativeGroup **p = &natives; *p; p = &(*p)->next)
    if ((*p)->symbols == symbols && strcmp((*p)->module_name, module_name) == 0) {
      found = *p;
      *p = found->next;
      break;
    }
  pthread_mutex_unlock(&natives_lock);
  group_free(found);
  return found != NULL;
}

void native_unregister_all(void)
{
  pthread_mutex_lock(&natives_lock);
  NativeGroup *g = natives;
  natives = NULL;
  pthread_mutex_unlock(&natives_lock);
  while (g) {
    NativeGroup *next = g->next;
    group_free(g);
    g = next;
  }
}

static bool name_is(const char *name, const char *s, uint32_t len)
{
  return strlen(name) == len && memcmp(name, s, len) == 0;
}

FuncInst *native_lookup(const char *module_name, uint32_t module_len, const char *field_name,
                        uint32_t field_len)
{
  FuncInst *f = NULL;
  pthread_mutex_lock(&natives_lock);
  for (NativeGroup *g = natives; g && !f; g = g->next) {
    if (!name_is(g->module_name, module_name, module_len))
      continue;
    for (uint32_t i = 0; i < g->count; i++)
      if (name_is(g->hosts[i].field_name, field_name, field_len)) {
        f = &g->funcs[i];
        break;
      }
  }
  pthread_mutex_unlock(&natives_lock);
  return f;
}

/* --- the call --- */

static Instance *caller_instance(ExecEnv *env)
{
  return env->current ? env->current : env->instance;
}

static bool fail_out_of_bounds(Instance *inst)
{
  snprintf(inst->exception, sizeof inst->exception, "Exception: %s",
           trap_message(TRAP_MEMORY_OUT_OF_BOUNDS));
  inst->has_exception = true;
  return false;
}

/* The native pointer for the '*' or '$' argument at `i`, checked against the
 * caller's default memory; NULL when it is out of bounds. */
static void *checked_pointer(Instance *inst, const char *kinds, uint32_t i, const WasmValue *args)
{
  Memory *m = inst->module->num_memories ? inst->memories[0] : NULL;
  if (!m)
    return NULL;
  uint64_t addr = args[i].u32;
  if (kinds[i] == '$') {
    if (addr >= m->size || !memchr(m->base + addr, 0, m->size - addr))
      return NULL;
  } else {
    uint64_t len = kinds[i + 1] == '~' ? args[i + 1].u32 : 1;
    if (!memory_range_ok(m, addr, len))
      return NULL;
  }
  return m->base + addr;
}

static void call_ordinary(ExecEnv *env, const HostFunc *h, NativeCall *nc, WasmValue *args,
                          void **pointers)
{
  uint32_t n = h->type.num_params;
  void *avalues[n + 1];
  avalues[0] = &env;
  for (uint32_t i = 0; i < n; i++) {
    switch (nc->kinds[i]) {
    case '*':
    case '$':
      avalues[i + 1] = &pointers[i];
      break;
    case 'r':
      avalues[i + 1] = &args[i].ref;
      break;
    default: /* the value's own union member, at offset 0 */
      avalues[i + 1] = &args[i];
      break;
    }
  }
  union {
    ffi_arg word; /* libffi widens small integer results to a word */
    int64_t i64;
    float f32;
    double f64;
    void *ref;
  } ret;
  memset(&ret, 0, sizeof ret);
  ffi_call(&nc->cif, FFI_FN(h->func_ptr), &ret, avalues);
  switch (nc->kinds[n]) {
  case 'i':
    args[0].u64 = (uint32_t)(int32_t)ret.word;
    break;
  case 'I':
    args[0].i64 = ret.i64;
    break;
  case 'f':
    args[0].u64 = 0;
    args[0].f32 = ret.f32;
    break;
  case 'F':
    args[0].f64 = ret.f64;
    break;
  case 'r':
    args[0].ref = ret.ref;
    break;
  default:
    break;
  }
}

typedef void (*RawNative)(wasm_exec_env_t env, uint64_t *args);

bool native_invoke(ExecEnv *env, const HostFunc *h, uint64_t *argv)
{
  Instance *inst = caller_instance(env);
  NativeCall *nc = h->ffi;
  WasmValue *args = (WasmValue *)argv;
  uint32_t n = h->type.num_params;

  /* Check every pointer before the native runs: it never sees a bad one. */
  void *pointers[n + 1];
  for (uint32_t i = 0; i < n; i++) {
    pointers[i] = NULL;
    if (nc->kinds[i] == '*' || nc->kinds[i] == '$') {
      pointers[i] = checked_pointer(inst, nc->kinds, i, args);
      if (!pointers[i])
        return fail_out_of_bounds(inst);
    }
  }

  const HostFunc *saved_host = env->current_host;
  ExecEnv *saved_env = running_env;
  env->current_host = h;
  running_env = env;
  if (h->raw) {
    /* Raw natives read 64-bit slots, pointers already made native. */
    uint64_t slots[n + 1];
    slots[0] = 0;
    for (uint32_t i = 0; i < n; i++)
      slots[i] = pointers[i] ? (uint64_t)(uintptr_t)pointers[i] : args[i].u64;
    ((RawNative)h->func_ptr)((wasm_exec_env_t)env, slots);
    if (h->type.num_results)
      args[0].u64 = nc->kinds[n] == 'i' || nc->kinds[n] == 'f' ? (uint32_t)slots[0] : slots[0];
  } else {
    call_ordinary(env, h, nc, args, pointers);
  }
  env->current_host = saved_host;
  running_env = saved_env;
  return !inst->has_exception;
}
