/*
 * wasmplug-wast.c -- runs .wast scripts (the spec test format) in a running
 * mode, and reports per-file counts, a total, and each failure with its
 * file, line, command, and expected versus actual result.
 *
 *   wasmplug-wast [--mode=interp|fast-interp|fast-jit|llvm-jit|multi-tier-jit]
 *                 [--timeout=MS] [--fuel=N] [--expect-simd-unsupported] [-v]
 *                 SCRIPT.wast...
 *
 * Modules go through the public API (load, instantiate, register instance);
 * exports are looked up by their exact bytes (a Wasm name may contain NUL
 * bytes, which the C-string lookup of the API cannot express), and calls use
 * the API's internal entry with one 64-bit slot per value, so NaN payloads
 * and reference values cross unchanged.
 *
 * Expected messages match when they are a prefix of ours, as the reference
 * interpreter matches them (ours add "at offset ..." and the like).
 *
 * `ref.extern N` is the host value N + 1 (never null), in arguments and
 * results alike.
 *
 * --expect-simd-unsupported: SIMD is not executed yet.  With this flag a
 * failure caused only by that (a module rejected with "SIMD ... not
 * supported", or a command on such a module) is counted as "SIMD
 * unsupported", reported, and does not make the run fail; every other
 * failure still does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "spectest.h"
#include "text/text.h"
#include "text/wast.h"

#undef module_free

static const char *program = "wasmplug-wast";

struct mode_name {
  const char *name;
  RunningMode mode;
};

static const struct mode_name mode_names[] = {
  {"interp", Mode_Interp},
  {"fast-interp", Mode_Fast_Interp},
  {"fast-jit", Mode_Fast_JIT},
  {"llvm-jit", Mode_LLVM_JIT},
  {"multi-tier-jit", Mode_Multi_Tier_JIT},
};

#define N_MODES (sizeof mode_names / sizeof mode_names[0])

/* A module of the script that was defined: by $name and the latest. */
typedef struct Defined {
  char *name;               /* $id or NULL */
  wasm_module_inst_t inst;  /* NULL when it failed */
  bool simd_failure;        /* it failed because SIMD is not supported */
} Defined;

/* --timeout and --fuel: each instantiation (its start function) and each
 * invoke gets them afresh; 0: no limit. */
static uint32_t limit_timeout_ms;
static uint64_t limit_fuel;

typedef struct Runner {
  const char *file;
  bool expect_simd;
  bool verbose;

  wasm_module_t *modules;
  uint32_t num_modules, cap_modules;
  wasm_module_inst_t *instances;
  uint32_t num_instances, cap_instances;
  Defined *defined;
  uint32_t num_defined, cap_defined;
  Defined current;
  /* names whose registration failed because SIMD is not supported: an
   * import from them then fails for the same reason */
  char **simd_names;
  uint32_t num_simd_names, cap_simd_names;

  uint32_t passed, failed, simd_unsupported;
} Runner;

/* The outcome of one command. */
typedef struct Outcome {
  bool ok;
  bool simd;  /* failed only because SIMD is not supported */
  char text[600];
} Outcome;

static void outcome_fail(Outcome *o, bool simd, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void outcome_fail(Outcome *o, bool simd, const char *fmt, ...)
{
  va_list ap;
  o->ok = false;
  o->simd = simd;
  va_start(ap, fmt);
  vsnprintf(o->text, sizeof o->text, fmt, ap);
  va_end(ap);
}

static bool is_simd_message(const char *msg)
{
  return msg && (strstr(msg, "SIMD") || strstr(msg, "v128"));
}

#define GROW(arr, num, cap)                                                   \
  do {                                                                        \
    if ((num) == (cap)) {                                                     \
      (cap) = (cap) ? (cap) * 2 : 8;                                          \
      void *p_ = realloc((arr), (size_t)(cap) * sizeof *(arr));               \
      if (!p_) {                                                              \
        fprintf(stderr, "%s: out of memory\n", program);                      \
        exit(1);                                                              \
      }                                                                       \
      (arr) = p_;                                                             \
    }                                                                         \
  } while (0)

/* ---- values ---- */

static void format_expected(const WastValue *v, char *buf, size_t size)
{
  switch (v->kind) {
  case WAST_VALUE_NAN_CANONICAL:
    snprintf(buf, size, "%s:nan:canonical", valtype_name(v->type));
    return;
  case WAST_VALUE_NAN_ARITHMETIC:
    snprintf(buf, size, "%s:nan:arithmetic", valtype_name(v->type));
    return;
  case WAST_VALUE_REF_NULL:
    snprintf(buf, size, "ref.null %s", v->type == VAL_FUNCREF ? "func" : "extern");
    return;
  case WAST_VALUE_REF_EXTERN:
    snprintf(buf, size, "ref.extern %" PRIu32, v->u.ref_extern);
    return;
  case WAST_VALUE_REF_FUNC:
    snprintf(buf, size, "ref.func");
    return;
  default:
    break;
  }
  switch (v->type) {
  case VAL_I32:
    snprintf(buf, size, "i32:%" PRIu32 " (0x%" PRIx32 ")", v->u.i32, v->u.i32);
    break;
  case VAL_I64:
    snprintf(buf, size, "i64:%" PRIu64 " (0x%" PRIx64 ")", v->u.i64, v->u.i64);
    break;
  case VAL_F32: {
    float f;
    memcpy(&f, &v->u.f32, 4);
    snprintf(buf, size, "f32:%.9g (0x%08" PRIx32 ")", (double)f, v->u.f32);
    break;
  }
  case VAL_F64: {
    double d;
    memcpy(&d, &v->u.f64, 8);
    snprintf(buf, size, "f64:%.17g (0x%016" PRIx64 ")", d, v->u.f64);
    break;
  }
  case VAL_V128:
    snprintf(buf, size, "v128");
    break;
  default:
    snprintf(buf, size, "value of type 0x%02x", v->type);
    break;
  }
}

static void format_actual(uint8_t type, uint64_t slot, char *buf, size_t size)
{
  WasmValue w;
  w.u64 = slot;
  switch (type) {
  case VAL_I32:
    snprintf(buf, size, "i32:%" PRIu32 " (0x%" PRIx32 ")", w.u32, w.u32);
    break;
  case VAL_I64:
    snprintf(buf, size, "i64:%" PRIu64 " (0x%" PRIx64 ")", w.u64, w.u64);
    break;
  case VAL_F32:
    snprintf(buf, size, "f32:%.9g (0x%08" PRIx32 ")", (double)w.f32, w.u32);
    break;
  case VAL_F64:
    snprintf(buf, size, "f64:%.17g (0x%016" PRIx64 ")", w.f64, w.u64);
    break;
  case VAL_FUNCREF:
    if (w.ref)
      snprintf(buf, size, "ref.func");
    else
      snprintf(buf, size, "ref.null func");
    break;
  case VAL_EXTERNREF:
    if (w.ref)
      snprintf(buf, size, "ref.extern %" PRIu64, (uint64_t)(uintptr_t)w.ref - 1);
    else
      snprintf(buf, size, "ref.null extern");
    break;
  default:
    snprintf(buf, size, "value of type %s", valtype_name(type));
    break;
  }
}

static bool value_matches(const WastValue *v, uint8_t type, uint64_t slot)
{
  WasmValue w;
  w.u64 = slot;
  if (v->type != type)
    return false;
  switch (v->kind) {
  case WAST_VALUE_NAN_CANONICAL:
    if (type == VAL_F32)
      return (w.u32 & 0x7FFFFFFFu) == 0x7FC00000u;
    return (w.u64 & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
  case WAST_VALUE_NAN_ARITHMETIC:
    if (type == VAL_F32)
      return (w.u32 & 0x7FC00000u) == 0x7FC00000u;
    return (w.u64 & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
  case WAST_VALUE_REF_NULL:
    return w.ref == NULL;
  case WAST_VALUE_REF_EXTERN:
    return type == VAL_EXTERNREF && (uintptr_t)w.ref == (uintptr_t)v->u.ref_extern + 1;
  case WAST_VALUE_REF_FUNC:
    return w.ref != NULL;
  default:
    break;
  }
  switch (type) {
  case VAL_I32:
    return w.u32 == v->u.i32;
  case VAL_I64:
    return w.u64 == v->u.i64;
  case VAL_F32:
    return w.u32 == v->u.f32;
  case VAL_F64:
    return w.u64 == v->u.f64;
  default:
    return false;
  }
}

/* An argument into a slot; false for v128 (not executed yet). */
static bool value_to_slot(const WastValue *v, uint64_t *slot)
{
  WasmValue w;
  w.u64 = 0;
  switch (v->type) {
  case VAL_I32:
    w.u32 = v->u.i32;
    break;
  case VAL_I64:
    w.u64 = v->u.i64;
    break;
  case VAL_F32:
    w.u32 = v->u.f32;
    break;
  case VAL_F64:
    w.u64 = v->u.f64;
    break;
  case VAL_FUNCREF:
  case VAL_EXTERNREF:
    if (v->kind == WAST_VALUE_REF_EXTERN)
      w.ref = (void *)((uintptr_t)v->u.ref_extern + 1);
    else
      w.ref = NULL;
    break;
  default:
    return false;
  }
  *slot = w.u64;
  return true;
}

/* ---- modules ---- */

static void print_name(char *buf, size_t size, const char *name, uint32_t len)
{
  size_t o = 0;
  for (uint32_t i = 0; i < len && o + 5 < size; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
      buf[o++] = (char)c;
    else
      o += (size_t)snprintf(buf + o, size - o, "\\%02x", c);
  }
  buf[o] = '\0';
}

static const Defined *find_defined(Runner *r, const char *name)
{
  if (!name)
    return &r->current;
  for (uint32_t i = r->num_defined; i-- > 0;)
    if (r->defined[i].name && strcmp(r->defined[i].name, name) == 0)
      return &r->defined[i];
  return NULL;
}

static void strip_exception(const char *exc, char *out, size_t size)
{
  if (!exc)
    exc = "(no message)";
  if (strncmp(exc, "Exception: ", 11) == 0)
    exc += 11;
  snprintf(out, size, "%s", exc);
}

/* Loads a script module.  Returns NULL with the message in err. */
static wasm_module_t load_module(Runner *r, const WastModule *m, char *err, uint32_t err_size)
{
  if (m->error) {
    /* "LINE:COL: message": the expected text starts at the message */
    const char *msg = m->error;
    const char *colon = strstr(msg, ": ");
    snprintf(err, err_size, "%s", colon ? colon + 2 : msg);
    return NULL;
  }
  wasm_module_t mod = wasm_runtime_load((uint8_t *)m->bytes, (uint32_t)m->size, err, err_size);
  if (mod) {
    GROW(r->modules, r->num_modules, r->cap_modules);
    r->modules[r->num_modules++] = mod;
  }
  return mod;
}

static wasm_module_inst_t instantiate(Runner *r, wasm_module_t mod, char *err, uint32_t err_size)
{
  InstantiationArgs args;
  memset(&args, 0, sizeof args);
  args.start_time_limit_ms = limit_timeout_ms;
  args.start_fuel = limit_fuel;
  wasm_module_inst_t inst = wasm_runtime_instantiate_ex(mod, &args, err, err_size);
  if (inst) {
    GROW(r->instances, r->num_instances, r->cap_instances);
    r->instances[r->num_instances++] = inst;
  }
  return inst;
}

static void define(Runner *r, const char *name, wasm_module_inst_t inst, bool simd)
{
  r->current.name = NULL;
  r->current.inst = inst;
  r->current.simd_failure = simd;
  if (name) {
    GROW(r->defined, r->num_defined, r->cap_defined);
    Defined *d = &r->defined[r->num_defined++];
    d->name = strdup(name);
    d->inst = inst;
    d->simd_failure = simd;
  }
}

/* ---- actions ---- */

typedef struct ActionResult {
  bool done;         /* the action ran (trapped or not) */
  bool trapped;
  char message[300]; /* the trap, or why it did not run */
  bool simd;
  uint8_t types[64];
  uint64_t slots[64];
  uint32_t num_results;
} ActionResult;

static void run_action(Runner *r, const WastAction *a, ActionResult *res)
{
  memset(res, 0, sizeof *res);
  char name[200];
  print_name(name, sizeof name, a->name, a->name_len);
  const Defined *d = find_defined(r, a->module);
  if (!d || !d->inst) {
    snprintf(res->message, sizeof res->message, "no module %s to run \"%s\" on",
             a->module ? a->module : "(current)", name);
    res->simd = d && d->simd_failure;
    return;
  }
  Instance *inst = API_INST(d->inst);
  const Module *m = inst->module;
  int32_t e = module_find_export_len(m, a->name, a->name_len, a->is_get ? EXTERN_GLOBAL : EXTERN_FUNC);
  if (e < 0) {
    snprintf(res->message, sizeof res->message, "no exported %s \"%s\"",
             a->is_get ? "global" : "function", name);
    return;
  }
  uint32_t index = m->exports[e].index;
  if (a->is_get) {
    GlobalInst *g = inst->globals[index];
    if (g->type.type == VAL_V128) {
      snprintf(res->message, sizeof res->message, "v128 globals cannot be read yet (SIMD)");
      res->simd = true;
      return;
    }
    res->done = true;
    res->num_results = 1;
    res->types[0] = g->type.type;
    res->slots[0] = g->value.u64;
    if (g->type.type == VAL_I32 || g->type.type == VAL_F32)
      res->slots[0] &= 0xFFFFFFFFu;
    return;
  }
  FuncInst *f = inst->funcs[index];
  const FuncType *t = f->type;
  if (t->num_params != a->num_args) {
    snprintf(res->message, sizeof res->message, "\"%s\" takes %u arguments, the script gives %u",
             name, t->num_params, a->num_args);
    return;
  }
  uint32_t n = t->num_params > t->num_results ? t->num_params : t->num_results;
  if (t->num_results > 64) {
    snprintf(res->message, sizeof res->message, "too many results");
    return;
  }
  uint64_t *slots = calloc(n + 1, sizeof *slots);
  if (!slots) {
    snprintf(res->message, sizeof res->message, "out of memory");
    return;
  }
  for (uint32_t i = 0; i < a->num_args; i++)
    if (functype_params(t)[i] != a->args[i].type || !value_to_slot(&a->args[i], &slots[i])) {
      bool v128 = a->args[i].type == VAL_V128 || functype_params(t)[i] == VAL_V128;
      snprintf(res->message, sizeof res->message, "argument %u: %s", i,
               v128 ? "v128 values cannot be passed yet (SIMD)" : "type mismatch");
      res->simd = v128;
      free(slots);
      return;
    }
  for (uint32_t i = 0; i < t->num_results; i++)
    if (functype_results(t)[i] == VAL_V128) {
      snprintf(res->message, sizeof res->message, "v128 results cannot be read yet (SIMD)");
      res->simd = true;
      free(slots);
      return;
    }
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(d->inst);
  if (!env) {
    snprintf(res->message, sizeof res->message, "cannot create an exec env");
    free(slots);
    return;
  }
  res->done = true;
  API_ENV(env)->fuel = limit_fuel ? (int64_t)limit_fuel : -1;
  API_ENV(env)->time_limit_ms = limit_timeout_ms;
  if (!api_call(API_ENV(env), f, slots)) {
    res->trapped = true;
    strip_exception(wasm_runtime_get_exception(d->inst), res->message, sizeof res->message);
    wasm_runtime_clear_exception(d->inst);
  } else {
    res->num_results = t->num_results;
    for (uint32_t i = 0; i < t->num_results; i++) {
      res->types[i] = functype_results(t)[i];
      res->slots[i] = slots[i];
      if (res->types[i] == VAL_I32 || res->types[i] == VAL_F32)
        res->slots[i] &= 0xFFFFFFFFu;
    }
  }
  free(slots);
}

static bool message_matches(const char *expected, const char *actual)
{
  return strncmp(actual, expected, strlen(expected)) == 0;
}

/* ---- commands ---- */

static const char *command_name(WastCommandKind k)
{
  switch (k) {
  case WAST_MODULE:
    return "module";
  case WAST_REGISTER:
    return "register";
  case WAST_ACTION:
    return "action";
  case WAST_ASSERT_RETURN:
    return "assert_return";
  case WAST_ASSERT_TRAP:
    return "assert_trap";
  case WAST_ASSERT_EXHAUSTION:
    return "assert_exhaustion";
  case WAST_ASSERT_INVALID:
    return "assert_invalid";
  case WAST_ASSERT_MALFORMED:
    return "assert_malformed";
  case WAST_ASSERT_UNLINKABLE:
    return "assert_unlinkable";
  case WAST_ASSERT_UNINSTANTIABLE:
    return "assert_uninstantiable";
  }
  return "?";
}

/* An "unknown import" of a name whose registration failed for SIMD. */
static bool imports_simd_failure(Runner *r, const char *err)
{
  if (strncmp(err, "unknown import", 14) != 0)
    return false;
  for (uint32_t i = 0; i < r->num_simd_names; i++) {
    const char *p = strstr(err, r->simd_names[i]);
    if (p && p[strlen(r->simd_names[i])] == '.')
      return true;
  }
  return false;
}

static void cmd_module(Runner *r, const WastCommand *c, Outcome *o)
{
  char err[300];
  wasm_module_t mod = load_module(r, &c->module, err, sizeof err);
  if (!mod) {
    bool simd = is_simd_message(err);
    define(r, c->module.name, NULL, simd);
    outcome_fail(o, simd, "module does not load: %s", err);
    return;
  }
  wasm_module_inst_t inst = instantiate(r, mod, err, sizeof err);
  bool simd = !inst && imports_simd_failure(r, err);
  define(r, c->module.name, inst, simd);
  if (!inst)
    outcome_fail(o, simd, "module does not instantiate: %s", err);
}

static void cmd_register(Runner *r, const WastCommand *c, Outcome *o)
{
  const Defined *d = find_defined(r, c->register_module);
  char *name = strndup(c->register_name, c->register_name_len);
  if (!d || !d->inst) {
    bool simd = d && d->simd_failure;
    outcome_fail(o, simd, "no module %s to register as \"%s\"",
                 c->register_module ? c->register_module : "(current)", name);
    if (simd) {
      GROW(r->simd_names, r->num_simd_names, r->cap_simd_names);
      r->simd_names[r->num_simd_names++] = strdup(name);
    }
  } else if (!wasm_runtime_register_module_instance(name, d->inst)) {
    outcome_fail(o, false, "cannot register \"%s\"", name);
  }
  free(name);
}

static void cmd_action(Runner *r, const WastCommand *c, Outcome *o)
{
  ActionResult res;
  run_action(r, &c->action, &res);
  char name[200];
  print_name(name, sizeof name, c->action.name, c->action.name_len);
  if (!res.done) {
    outcome_fail(o, res.simd, "\"%s\": %s", name, res.message);
    return;
  }
  switch (c->kind) {
  case WAST_ACTION:
    if (res.trapped)
      outcome_fail(o, false, "\"%s\" trapped: %s", name, res.message);
    return;
  case WAST_ASSERT_RETURN: {
    if (res.trapped) {
      outcome_fail(o, false, "\"%s\": expected a result, got the trap \"%s\"", name, res.message);
      return;
    }
    if (res.num_results != c->num_expected) {
      outcome_fail(o, false, "\"%s\": expected %u results, got %u", name, c->num_expected,
                   res.num_results);
      return;
    }
    for (uint32_t i = 0; i < res.num_results; i++)
      if (!value_matches(&c->expected[i], res.types[i], res.slots[i])) {
        char want[100], got[100];
        format_expected(&c->expected[i], want, sizeof want);
        format_actual(res.types[i], res.slots[i], got, sizeof got);
        outcome_fail(o, false, "\"%s\": result %u: expected %s, got %s", name, i, want, got);
        return;
      }
    return;
  }
  case WAST_ASSERT_TRAP:
  case WAST_ASSERT_EXHAUSTION:
    if (!res.trapped) {
      outcome_fail(o, false, "\"%s\": expected the trap \"%s\", got a result", name, c->message);
      return;
    }
    if (!message_matches(c->message, res.message))
      outcome_fail(o, false, "\"%s\": expected the trap \"%s\", got \"%s\"", name, c->message,
                   res.message);
    return;
  default:
    return;
  }
}

static void cmd_assert_module(Runner *r, const WastCommand *c, Outcome *o)
{
  char err[300];
  wasm_module_t mod = load_module(r, &c->module, err, sizeof err);
  if (c->kind == WAST_ASSERT_INVALID || c->kind == WAST_ASSERT_MALFORMED) {
    if (mod) {
      outcome_fail(o, false, "expected \"%s\", but the module loads", c->message);
      return;
    }
    if (!message_matches(c->message, err))
      outcome_fail(o, is_simd_message(err), "expected \"%s\", got \"%s\"", c->message, err);
    return;
  }
  /* unlinkable, uninstantiable, or assert_trap on a module */
  if (!mod) {
    outcome_fail(o, is_simd_message(err), "expected \"%s\", but the module does not load: %s",
                 c->message, err);
    return;
  }
  wasm_module_inst_t inst = instantiate(r, mod, err, sizeof err);
  if (inst) {
    outcome_fail(o, false, "expected \"%s\", but the module instantiates", c->message);
    return;
  }
  if (!message_matches(c->message, err))
    outcome_fail(o, false, "expected \"%s\", got \"%s\"", c->message, err);
}

static void run_command(Runner *r, const WastCommand *c, Outcome *o)
{
  o->ok = true;
  o->simd = false;
  o->text[0] = '\0';
  switch (c->kind) {
  case WAST_MODULE:
    cmd_module(r, c, o);
    break;
  case WAST_REGISTER:
    cmd_register(r, c, o);
    break;
  case WAST_ACTION:
  case WAST_ASSERT_RETURN:
  case WAST_ASSERT_EXHAUSTION:
    cmd_action(r, c, o);
    break;
  case WAST_ASSERT_TRAP:
    if (c->has_module)
      cmd_assert_module(r, c, o);
    else
      cmd_action(r, c, o);
    break;
  case WAST_ASSERT_INVALID:
  case WAST_ASSERT_MALFORMED:
  case WAST_ASSERT_UNLINKABLE:
  case WAST_ASSERT_UNINSTANTIABLE:
    cmd_assert_module(r, c, o);
    break;
  }
}

static char *read_text(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n + 65536 + 1 > cap) {
      cap = cap ? cap * 2 : 131072;
      char *p = realloc(buf, cap);
      if (!p) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = p;
    }
    size_t got = fread(buf + n, 1, 65536, f);
    n += got;
    if (got < 65536)
      break;
  }
  bool bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

typedef struct Totals {
  uint32_t files, files_passed;
  uint32_t passed, failed, simd_unsupported;
} Totals;

/* Runs one script in a fresh runtime; false when it could not run at all. */
static bool run_file(const char *path, RunningMode mode, bool expect_simd, bool verbose,
                     Totals *totals)
{
  size_t len;
  char *src = read_text(path, &len);
  totals->files++;
  if (!src) {
    printf("%s: cannot read: %s\n", path, strerror(errno));
    totals->failed++;
    return false;
  }
  char err[300];
  WastScript *script = wast_parse(src, len, err, sizeof err);
  if (!script) {
    printf("%s:%s: the script does not parse\n", path, err);
    totals->failed++;
    free(src);
    return false;
  }

  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  init.running_mode = mode;
  if (!wasm_runtime_full_init(&init)) {
    printf("%s: cannot initialise the runtime\n", path);
    totals->failed++;
    wast_free(script);
    free(src);
    return false;
  }
  Spectest spectest;
  if (!spectest_init(&spectest, verbose, err, sizeof err)) {
    printf("%s: cannot set up the spectest module: %s\n", path, err);
    totals->failed++;
    spectest_fini(&spectest);
    wasm_runtime_destroy();
    wast_free(script);
    free(src);
    return false;
  }

  Runner r;
  memset(&r, 0, sizeof r);
  r.file = path;
  r.expect_simd = expect_simd;
  r.verbose = verbose;
  for (uint32_t i = 0; i < script->num_commands; i++) {
    const WastCommand *c = &script->commands[i];
    Outcome o;
    run_command(&r, c, &o);
    if (o.ok) {
      r.passed++;
    } else if (o.simd && expect_simd) {
      r.simd_unsupported++;
      if (verbose)
        printf("%s:%u: %s: SIMD unsupported: %s\n", path, c->line, command_name(c->kind), o.text);
    } else {
      r.failed++;
      printf("%s:%u: %s: FAILED: %s\n", path, c->line, command_name(c->kind), o.text);
    }
  }

  /* Registered names first, then instances (they hold each other). */
  for (uint32_t i = 0; i < script->num_commands; i++)
    if (script->commands[i].kind == WAST_REGISTER) {
      char *name = strndup(script->commands[i].register_name, script->commands[i].register_name_len);
      wasm_runtime_unregister_module_instance(name);
      free(name);
    }
  for (uint32_t i = r.num_instances; i-- > 0;)
    wasm_runtime_deinstantiate(r.instances[i]);
  for (uint32_t i = 0; i < r.num_modules; i++)
    wasm_runtime_unload(r.modules[i]);
  for (uint32_t i = 0; i < r.num_defined; i++)
    free(r.defined[i].name);
  free(r.instances);
  free(r.modules);
  free(r.defined);
  for (uint32_t i = 0; i < r.num_simd_names; i++)
    free(r.simd_names[i]);
  free(r.simd_names);
  spectest_fini(&spectest);
  wasm_runtime_destroy();

  uint32_t total = r.passed + r.failed + r.simd_unsupported;
  if (expect_simd)
    printf("%s: %u/%u passed, %u failed, %u SIMD unsupported\n", path, r.passed, total, r.failed,
           r.simd_unsupported);
  else
    printf("%s: %u/%u passed, %u failed\n", path, r.passed, total, r.failed);
  fflush(stdout);
  totals->passed += r.passed;
  totals->failed += r.failed;
  totals->simd_unsupported += r.simd_unsupported;
  if (r.failed == 0)
    totals->files_passed++;
  wast_free(script);
  free(src);
  return true;
}

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: %s [OPTIONS] SCRIPT.wast...\n"
          "\n"
          "Runs WebAssembly spec scripts and reports each failure and the counts.\n"
          "\n"
          "Options:\n"
          "  --mode=MODE                 interp, fast-interp, fast-jit, llvm-jit or\n"
          "                              multi-tier-jit (default: the best built)\n"
"  --interp, --fast-interp, --fast-jit, --llvm-jit, --multi-tier-jit\n"
          "                              the same as --mode=...\n"
          "  --llvm-jit-opt-level=N      LLVM optimisation level, 0-3 (default 3)\n"
          "  --llvm-jit-size-level=N     LLVM size level: 0 speed (default), 1 -Os, 2 -Oz\n"
          "  --llvm-jit-eager            compile each module whole at its first call\n"
          "  --expect-simd-unsupported   count failures caused only by SIMD not being\n"
          "                              supported yet separately; they do not fail the run\n"
          "  --timeout=MS                stop each start function and each invoke after\n"
          "                              MS milliseconds (\"time limit exceeded\")\n"
          "  --fuel=N                    give each start function and each invoke N units\n"
          "                              of fuel (one per Wasm function entry and per\n"
          "                              arrival at a loop start; \"fuel exhausted\")\n"
          "  -v, --verbose               print what spectest.print* receives and every\n"
          "                              SIMD-unsupported failure\n"
          "  -h, --help                  print this help\n"
          "\n"
          "Exit status: 0 when every command passed, 1 on any failure, 2 on a usage\n"
          "error (or a mode this build does not have).\n",
          program);
}

int main(int argc, char **argv)
{
  RunningMode mode = Mode_Default;
  bool expect_simd = false, verbose = false;
  unsigned opt_level = 3, size_level = 0;
  bool eager = false;
  int i;
  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    const char *arg = argv[i];
    size_t m;
    for (m = 0; m < N_MODES; m++)
      if (strncmp(arg, "--", 2) == 0 && strcmp(arg + 2, mode_names[m].name) == 0)
        break;
    if (m < N_MODES) {
      mode = mode_names[m].mode;
      if (!wasm_runtime_is_running_mode_supported(mode)) {
        fprintf(stderr, "%s: running mode '%s' is not supported by this build\n", program,
                arg + 2);
        return 2;
      }
    } else if (strncmp(arg, "--llvm-jit-opt-level=", 21) == 0 && arg[21] >= '0' && arg[21] <= '3' &&
               !arg[22]) {
      opt_level = (unsigned)(arg[21] - '0');
    } else if (strncmp(arg, "--llvm-jit-size-level=", 22) == 0 && arg[22] >= '0' &&
               arg[22] <= '2' && !arg[23]) {
      size_level = (unsigned)(arg[22] - '0');
    } else if (strcmp(arg, "--llvm-jit-eager") == 0) {
      eager = true;
    } else if (strncmp(arg, "--mode=", 7) == 0) {
      for (m = 0; m < N_MODES; m++)
        if (strcmp(arg + 7, mode_names[m].name) == 0)
          break;
      if (m == N_MODES) {
        fprintf(stderr, "%s: unknown mode '%s' (interp, fast-interp, fast-jit, llvm-jit, "
                        "multi-tier-jit)\n", program, arg + 7);
        return 2;
      }
      mode = mode_names[m].mode;
      if (!wasm_runtime_is_running_mode_supported(mode)) {
        fprintf(stderr, "%s: running mode '%s' is not supported by this build\n", program,
                arg + 7);
        return 2;
      }
    } else if (strncmp(arg, "--timeout=", 10) == 0 || strncmp(arg, "--fuel=", 7) == 0) {
      bool is_timeout = arg[2] == 't';
      const char *num = strchr(arg, '=') + 1;
      char *end;
      errno = 0;
      unsigned long long v = strtoull(num, &end, 10);
      if (errno || end == num || *end || *num == '-' || v == 0 || (is_timeout && v > UINT32_MAX) ||
          v > INT64_MAX) {
        fprintf(stderr, "%s: invalid %s '%s' (a positive number)\n", program,
                is_timeout ? "timeout" : "fuel", num);
        return 2;
      }
      if (is_timeout)
        limit_timeout_ms = (uint32_t)v;
      else
        limit_fuel = v;
    } else if (strcmp(arg, "--expect-simd-unsupported") == 0) {
      expect_simd = true;
    } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
      verbose = true;
    } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(arg, "--") == 0) {
      i++;
      break;
    } else {
      fprintf(stderr, "%s: unknown option '%s' (see --help)\n", program, arg);
      return 2;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "%s: no script given (see --help)\n", program);
    return 2;
  }

  wasm_runtime_set_llvm_jit_options(opt_level, size_level, eager);

  Totals totals;
  memset(&totals, 0, sizeof totals);
  for (; i < argc; i++)
    run_file(argv[i], mode, expect_simd, verbose, &totals);

  uint32_t all = totals.passed + totals.failed + totals.simd_unsupported;
  printf("total: %u/%u files passed, %u/%u commands passed, %u failed", totals.files_passed,
         totals.files, totals.passed, all, totals.failed);
  if (expect_simd)
    printf(", %u SIMD unsupported", totals.simd_unsupported);
  printf("\n");
  return totals.failed ? 1 : 0;
}
