/*
 * fuzz-diff.c -- the differential fuzzer's driver: runs each module in every
 * running mode this build has, calls every exported function with a spread
 * of arguments, and checks that the modes agree exactly; optionally also
 * compares the classic interpreter with V8 (Node).  See docs/fuzzing.md.
 *
 *   fuzz-diff [--modes=interp,fast-interp,...] [--calls=N] [--fuel=N]
 *             [--seed=N] [--nan=exact|any] [--strict-fuel]
 *             [--v8=RUNNER.mjs] [--node=NODE] [--work=DIR] [--quiet]
 *             [--print] [--silent] MODULE.wasm|MODULE.wat...
 *
 * --silent prints nothing: the exit status alone says whether the modes
 * agreed (what wasm-reduce needs to keep a divergence while it shrinks it).
 *
 * --inject-divergence is the driver's self-test: it perturbs the hashes of
 * every mode but the first (and of the reference V8 compares with), and
 * the exit status is 0 only when the comparison reported that.
 *
 * The record of one call: its results (bits), or its trap and message; the
 * values passed to the `fuzzing-support` log imports (binaryen's -ttf
 * modules and our generator both use them); and, after the call, a hash of
 * memory 0 with its size, of every global and of every table.  Two modes
 * agree when every record agrees.  The first mode (the classic interpreter
 * where built) is the reference.
 *
 * Limits of the comparison (each documented in docs/fuzzing.md):
 * - A call that runs out of fuel or stack in any mode ends the module's
 *   comparison (its kind is still compared between modes): the depth at
 *   which the stack runs out is each tier's own, and until every mode
 *   counts fuel alike (issue 11, item 4) the point where fuel runs out is
 *   too.  --strict-fuel compares fuel exhaustion like any other trap.
 * - --nan=any prints every NaN result or logged NaN as "nan": for the time
 *   before every mode produces the same NaN bits (issue 11, item 6).  NaN
 *   bits stored to memory still reach the memory hash.
 * - V8 sees only what JavaScript sees: NaN results and logged NaNs lose
 *   their bits at the JS boundary (compared as "nan"), globals and tables are
 *   not hashed, the trap kinds it cannot tell apart are merged, and a stack
 *   overflow in V8 where the interpreter finished ends the comparison.
 *
 * Exit status: 0 when everything agreed, 1 on a divergence, 2 on a usage or
 * set-up error.  A module that fails to load or instantiate in the same way
 * in every mode is not a divergence (it is counted).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "text/text.h"

#undef module_free

#include "fuzz-record.h"

static const char *program = "fuzz-diff";

typedef struct ModeName {
  const char *name;
  RunningMode mode;
} ModeName;

/* Every mode the API knows, the classic interpreter first (the reference). */
static const ModeName all_modes[] = {
  {"interp", Mode_Interp},
  {"fast-interp", Mode_Fast_Interp},
  {"fast-jit", Mode_Fast_JIT},
  {"llvm-jit", Mode_LLVM_JIT},
  {"multi-tier-jit", Mode_Multi_Tier_JIT},
};
#define N_ALL_MODES (sizeof all_modes / sizeof all_modes[0])

typedef struct Options {
  const ModeName *modes[N_ALL_MODES];
  uint32_t num_modes;
  uint32_t calls;       /* argument vectors per export */
  int64_t fuel;         /* per call */
  uint64_t seed;
  bool nan_any;
  bool strict_fuel;
  bool print;           /* print the reference record */
  bool quiet;
  bool silent;          /* the exit status only (for wasm-reduce) */
  bool inject;          /* perturb what is compared: the self-test */
  const char *v8_runner;
  const char *node;
  const char *work;
} Options;

static Options opt = {
  .calls = 4,
  .fuel = 200000,
  .seed = 1,
  .node = "node",
  .work = "/tmp",
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "%s: ", program);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size);
  if (!p)
    die("out of memory");
  return p;
}

/* ---- the log imports (binaryen's fuzzing-support) ---- */

static CallRecord *logging_to; /* the record the running call logs into */

static void log_value(uint8_t type, uint64_t bits)
{
  if (logging_to)
    record_add_log(logging_to, type, bits);
}

static void log_i32(wasm_exec_env_t env, uint64_t *args)
{
  (void)env;
  log_value(VAL_I32, args[0] & 0xFFFFFFFFu);
}

static void log_i64(wasm_exec_env_t env, uint64_t *args)
{
  (void)env;
  log_value(VAL_I64, args[0]);
}

static void log_f32(wasm_exec_env_t env, uint64_t *args)
{
  (void)env;
  log_value(VAL_F32, args[0] & 0xFFFFFFFFu);
}

static void log_f64(wasm_exec_env_t env, uint64_t *args)
{
  (void)env;
  log_value(VAL_F64, args[0]);
}

static NativeSymbol log_natives[] = {
  {"log-i32", (void *)log_i32, "(i)", NULL},
  {"log-i64", (void *)log_i64, "(I)", NULL},
  {"log-f32", (void *)log_f32, "(f)", NULL},
  {"log-f64", (void *)log_f64, "(F)", NULL},
};

/* ---- the call plan: which exports, with which arguments ---- */

static uint64_t splitmix(uint64_t *state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* The spread each numeric type draws from: the values code gets wrong. */
static const uint64_t spread_i32[] = {0, 1, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 2, 0x80, 0xFFFF, 0x10000, 31, 32};
static const uint64_t spread_i64[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull,
                                      2, 0x80000000ull, 0xFFFFFFFFull, 63, 64, 0x100000000ull};
static const uint64_t spread_f32[] = {0, 0x3F800000u, 0xBF800000u, 0x80000000u, 0x7FC00000u, 0x7F800000u,
                                      0xFF800000u, 0x00800000u, 0x7F7FFFFFu, 0x4F000000u, 0xCF000000u, 0x00000001u};
static const uint64_t spread_f64[] = {0, 0x3FF0000000000000ull, 0xBFF0000000000000ull, 0x8000000000000000ull,
                                      0x7FF8000000000000ull, 0x7FF0000000000000ull, 0xFFF0000000000000ull,
                                      0x0010000000000000ull, 0x7FEFFFFFFFFFFFFFull, 0x41E0000000000000ull,
                                      0xC3E0000000000000ull, 0x0000000000000001ull};

#define PICK(arr, k) ((arr)[(k) % (sizeof(arr) / sizeof((arr)[0]))])

/* A random value of `type`.  NaNs other than the canonical positive one
 * are replaced by it: JavaScript cannot pass their bits to V8. */
static uint64_t random_value(uint8_t type, uint64_t *rng)
{
  uint64_t r = splitmix(rng);
  switch (type) {
  case VAL_I32:
    return (r & 1) ? PICK(spread_i32, r >> 8) : (r >> 32);
  case VAL_I64:
    return (r & 1) ? PICK(spread_i64, r >> 8) : splitmix(rng);
  case VAL_F32: {
    uint64_t v = (r & 1) ? PICK(spread_f32, r >> 8) : (r >> 32);
    return ((v & 0x7F800000u) == 0x7F800000u && (v & 0x7FFFFFu)) ? 0x7FC00000u : v;
  }
  case VAL_F64: {
    uint64_t v = (r & 1) ? PICK(spread_f64, r >> 8) : splitmix(rng);
    bool nan = (v & 0x7FF0000000000000ull) == 0x7FF0000000000000ull && (v & 0xFFFFFFFFFFFFFull);
    return nan ? 0x7FF8000000000000ull : v;
  }
  case VAL_EXTERNREF: /* null, or host value N (JS: the number N) */
    return (r & 1) ? 0 : 1 + (r >> 8) % 4;
  default: /* funcref: null only (JS cannot name our functions) */
    return 0;
  }
}

/* Argument k of call number `call` of an export: call 0 passes zeros,
 * call 1 walks the spread, later calls draw at random. */
static uint64_t plan_value(uint8_t type, uint32_t call, uint32_t k, uint64_t *rng)
{
  if (call == 0)
    return 0;
  if (call == 1) {
    switch (type) {
    case VAL_I32: return PICK(spread_i32, k + 1);
    case VAL_I64: return PICK(spread_i64, k + 1);
    case VAL_F32: return PICK(spread_f32, k + 1);
    case VAL_F64: return PICK(spread_f64, k + 1);
    default: return 0;
    }
  }
  return random_value(type, rng);
}

typedef struct PlannedCall {
  uint32_t export_index;
  uint32_t num_args;
  uint8_t *types;
  uint64_t *args;
} PlannedCall;

typedef struct Plan {
  PlannedCall *calls;
  uint32_t num_calls;
} Plan;

static uint64_t hash_string(const char *s)
{
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (uint8_t)*s) * 1099511628211ull;
  return h;
}

static Plan make_plan(const Module *m, const char *path)
{
  Plan plan = {0};
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->num_exports; i++)
    if (m->exports[i].kind == EXTERN_FUNC)
      n++;
  plan.calls = xcalloc((size_t)n * opt.calls, sizeof *plan.calls);
  const char *base = strrchr(path, '/');
  uint64_t rng = opt.seed ^ hash_string(base ? base + 1 : path);
  for (uint32_t i = 0; i < m->num_exports; i++) {
    if (m->exports[i].kind != EXTERN_FUNC)
      continue;
    const FuncType *t = module_func_type(m, m->exports[i].index);
    uint32_t calls = t->num_params == 0 ? 1 : opt.calls; /* one is enough without arguments */
    for (uint32_t c = 0; c < calls; c++) {
      PlannedCall *pc = &plan.calls[plan.num_calls++];
      pc->export_index = i;
      pc->num_args = t->num_params;
      pc->types = xcalloc(t->num_params, 1);
      pc->args = xcalloc(t->num_params, sizeof *pc->args);
      for (uint32_t k = 0; k < t->num_params; k++) {
        pc->types[k] = functype_params(t)[k];
        pc->args[k] = plan_value(pc->types[k], c, k, &rng);
      }
    }
  }
  return plan;
}

static void plan_free(Plan *plan)
{
  for (uint32_t i = 0; i < plan->num_calls; i++) {
    free(plan->calls[i].types);
    free(plan->calls[i].args);
  }
  free(plan->calls);
}

/* ---- hashes of the state a call leaves ---- */

/* FNV-1a over little-endian 32-bit words (the V8 runner computes the same
 * over a Uint32Array), then the page count. */
static uint32_t hash_memory(const Memory *mem)
{
  uint32_t h = 2166136261u;
  const uint8_t *p = mem->base;
  uint64_t words = mem->size / 4;
  for (uint64_t i = 0; i < words; i++) {
    uint32_t w = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
                 (uint32_t)p[4 * i + 3] << 24;
    h = (h ^ w) * 16777619u;
  }
  return (h ^ mem->pages) * 16777619u;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
  return (h ^ v) * 1099511628211ull;
}

/* A reference as something both modes' instances agree on: a function by
 * its index in its defining module, a host value by itself. */
static uint64_t ref_identity(uint8_t type, void *ref)
{
  if (!ref)
    return 0;
  if (type == VAL_FUNCREF) {
    const FuncInst *f = ref;
    return f->host ? 0xF000000000000000ull : 0x1000000000000000ull | f->index;
  }
  return 0x2000000000000000ull | (uint64_t)(uintptr_t)ref;
}

static uint64_t hash_globals(const Instance *inst)
{
  uint64_t h = 1469598103934665603ull;
  for (uint32_t i = 0; i < inst->module->num_globals; i++) {
    const GlobalInst *g = inst->globals[i];
    uint64_t v = g->value.u64;
    if (valtype_is_ref(g->type.type))
      v = ref_identity(g->type.type, g->value.ref);
    else if (g->type.type == VAL_I32 || g->type.type == VAL_F32)
      v &= 0xFFFFFFFFu;
    h = mix(h, v);
  }
  return h;
}

static uint64_t hash_tables(const Instance *inst)
{
  uint64_t h = 1469598103934665603ull;
  for (uint32_t i = 0; i < inst->module->num_tables; i++) {
    const Table *t = inst->tables[i];
    h = mix(h, t->size);
    for (uint32_t k = 0; k < t->size; k++)
      h = mix(h, ref_identity(t->elem_type, t->elems[k]));
  }
  return h;
}

/* ---- running one module in one mode ---- */

typedef struct ModeRun {
  const ModeName *mode;
  bool loaded, instantiated;
  char error[256];
  CallRecord *records;
  uint32_t num_records;
} ModeRun;

static void strip_exception(const char *msg, char *out, size_t size)
{
  const char *prefix = "Exception: ";
  if (msg && strncmp(msg, prefix, strlen(prefix)) == 0)
    msg += strlen(prefix);
  snprintf(out, size, "%s", msg ? msg : "(no message)");
}

/* Slot bits of a result as the record keeps them: 32-bit types masked,
 * references by their identity. */
static uint64_t result_bits(uint8_t type, uint64_t slot)
{
  if (type == VAL_I32 || type == VAL_F32)
    return slot & 0xFFFFFFFFu;
  if (valtype_is_ref(type))
    return ref_identity(type, (void *)(uintptr_t)slot);
  return slot;
}

static bool memory0_exported(const Module *m)
{
  for (uint32_t i = 0; i < m->num_exports; i++)
    if (m->exports[i].kind == EXTERN_MEMORY && m->exports[i].index == 0)
      return true;
  return false;
}

static void run_mode(ModeRun *run, const uint8_t *bytes, size_t size, const Plan *plan)
{
  memset(run->error, 0, sizeof run->error);
  uint8_t *copy = xcalloc(size, 1);
  memcpy(copy, bytes, size);
  wasm_module_t mod = wasm_runtime_load(copy, (uint32_t)size, run->error, sizeof run->error);
  free(copy);
  if (!mod)
    return;
  run->loaded = true;
  wasm_runtime_set_default_running_mode(run->mode->mode);
  wasm_module_inst_t inst = wasm_runtime_instantiate(mod, 0, 0, run->error, sizeof run->error);
  wasm_runtime_set_default_running_mode(0);
  if (!inst) {
    wasm_runtime_unload(mod);
    return;
  }
  run->instantiated = true;
  if (!wasm_runtime_set_running_mode(inst, run->mode->mode))
    die("cannot set mode %s", run->mode->name);
  Instance *in = API_INST(inst);
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
  if (!env)
    die("cannot create an exec env");

  run->records = xcalloc(plan->num_calls, sizeof *run->records);
  for (uint32_t c = 0; c < plan->num_calls; c++) {
    const PlannedCall *pc = &plan->calls[c];
    const Export *e = &in->module->exports[pc->export_index];
    FuncInst *f = in->funcs[e->index];
    const FuncType *t = f->type;
    CallRecord *r = &run->records[run->num_records++];
    record_init(r, e->name);
    uint32_t n = t->num_params > t->num_results ? t->num_params : t->num_results;
    uint64_t *slots = xcalloc(n + 1, sizeof *slots);
    for (uint32_t k = 0; k < pc->num_args; k++) {
      slots[k] = pc->args[k];
      if (pc->types[k] == VAL_EXTERNREF && pc->args[k])
        slots[k] = pc->args[k]; /* host value N is the pointer N */
    }
    record_set_args(r, pc->num_args, pc->types, pc->args);
    wasm_runtime_set_instruction_count_limit(env, opt.fuel < 0 ? -1 : (int)opt.fuel);
    logging_to = r;
    bool ok = api_call(API_ENV(env), f, slots);
    logging_to = NULL;
    if (!ok) {
      r->trapped = true;
      r->trap = API_ENV(env)->trap_kind;
      strip_exception(wasm_runtime_get_exception(inst), r->message, sizeof r->message);
      wasm_runtime_clear_exception(inst);
    } else {
      r->num_results = t->num_results < RECORD_MAX_RESULTS ? t->num_results : RECORD_MAX_RESULTS;
      for (uint32_t k = 0; k < r->num_results; k++) {
        r->result_types[k] = functype_results(t)[k];
        r->results[k] = result_bits(r->result_types[k], slots[k]);
      }
    }
    free(slots);
    Memory *mem = api_default_memory(in);
    r->has_memory = mem != NULL;
    if (mem) {
      r->memory_hash = hash_memory(mem);
      r->memory_exported = memory0_exported(in->module);
    }
    r->globals_hash = hash_globals(in);
    r->tables_hash = hash_tables(in);
    if (record_is_resource_stop(r))
      break; /* the state after it is each tier's own (see the top) */
  }
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(mod);
}

static void run_free(ModeRun *run)
{
  for (uint32_t i = 0; i < run->num_records; i++)
    record_free(&run->records[i]);
  free(run->records);
  memset(run, 0, sizeof *run);
}

/* ---- comparison between modes ---- */

typedef struct Stats {
  uint32_t modules, unloadable, uninstantiable, calls, traps, resource_stops;
  uint32_t divergences, v8_modules, v8_calls, v8_divergences, v8_inconclusive;
} Stats;

static Stats stats;

static void print_divergence_header(const char *path, const char *a, const char *b)
{
  printf("DIVERGENCE in %s: %s vs %s\n", path, a, b);
}

/* Compares run b against the reference run a; prints the first
 * difference.  Returns true when they agree. */
static bool compare_runs(const char *path, const ModeRun *a, const ModeRun *b)
{
  if (a->loaded != b->loaded || a->instantiated != b->instantiated ||
      ((!a->loaded || !a->instantiated) && strcmp(a->error, b->error) != 0)) {
    print_divergence_header(path, a->mode->name, b->mode->name);
    printf("  %s: %s\n  %s: %s\n", a->mode->name, a->instantiated ? "instantiated" : a->error,
           b->mode->name, b->instantiated ? "instantiated" : b->error);
    return false;
  }
  uint32_t n = a->num_records < b->num_records ? a->num_records : b->num_records;
  RecordView view = {.nan_any = opt.nan_any, .strict_fuel = opt.strict_fuel};
  for (uint32_t i = 0; i < n; i++) {
    const CallRecord *ra = &a->records[i], *rb = &b->records[i];
    bool a_stop = record_is_resource_stop(ra), b_stop = record_is_resource_stop(rb);
    bool lenient = (a_stop || b_stop) && !(opt.strict_fuel && (a_stop || b_stop) &&
                                           ra->trap != TRAP_STACK_EXHAUSTED &&
                                           rb->trap != TRAP_STACK_EXHAUSTED);
    if (lenient) /* the comparison ends at a resource trap (see the top) */
      return true;
    CallRecord perturbed = *rb;
    if (opt.inject) /* --inject-divergence: the comparison must see this */
      perturbed.memory_hash ^= 1, perturbed.globals_hash ^= 1;
    char *ta = record_render(ra, &view), *tb = record_render(&perturbed, &view);
    bool same = strcmp(ta, tb) == 0;
    if (!same) {
      print_divergence_header(path, a->mode->name, b->mode->name);
      printf("  call %u of the plan\n--- %s\n%s--- %s\n%s", i, a->mode->name, ta, b->mode->name, tb);
    }
    free(ta);
    free(tb);
    if (!same)
      return false;
  }
  if (a->num_records != b->num_records) {
    print_divergence_header(path, a->mode->name, b->mode->name);
    printf("  %s made %u calls, %s %u\n", a->mode->name, a->num_records, b->mode->name, b->num_records);
    return false;
  }
  return true;
}

/* ---- V8 ---- */

/* Modules whose reference run V8 should repeat: the binary, the plan and
 * the reference records (only calls before any resource trap). */
typedef struct V8Job {
  char *path;       /* as the user named it */
  char *wasm_path;  /* a binary V8 can load */
  ModeRun reference;
  Plan plan;
} V8Job;

static V8Job *v8_jobs;
static uint32_t num_v8_jobs, cap_v8_jobs;

static char *xstrdup(const char *s)
{
  char *p = strdup(s);
  if (!p)
    die("out of memory");
  return p;
}

static void hex_value(FILE *f, uint8_t type, uint64_t bits)
{
  fprintf(f, " %s:%" PRIx64, valtype_name(type), bits);
}

static bool write_file(const char *path, const uint8_t *bytes, size_t size)
{
  FILE *f = fopen(path, "wb");
  if (!f)
    return false;
  bool ok = fwrite(bytes, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

static void v8_add(const char *path, const uint8_t *bytes, size_t size, ModeRun *reference, Plan *plan)
{
  if (num_v8_jobs == cap_v8_jobs) {
    cap_v8_jobs = cap_v8_jobs ? 2 * cap_v8_jobs : 64;
    v8_jobs = realloc(v8_jobs, cap_v8_jobs * sizeof *v8_jobs);
    if (!v8_jobs)
      die("out of memory");
  }
  V8Job *job = &v8_jobs[num_v8_jobs];
  size_t len = strlen(path);
  if (len > 5 && strcmp(path + len - 5, ".wasm") == 0) {
    job->wasm_path = xstrdup(path);
  } else {
    char name[4096];
    snprintf(name, sizeof name, "%s/fuzz-diff-%ld-%u.wasm", opt.work, (long)getpid(), num_v8_jobs);
    if (!write_file(name, bytes, size))
      die("cannot write %s: %s", name, strerror(errno));
    job->wasm_path = xstrdup(name);
  }
  job->path = xstrdup(path);
  job->reference = *reference;
  job->plan = *plan;
  memset(reference, 0, sizeof *reference);
  memset(plan, 0, sizeof *plan);
  num_v8_jobs++;
}

/* Reads one line (without its newline) into *buf; false at the end. */
static bool read_line(FILE *f, char **buf, size_t *cap)
{
  ssize_t n = getline(buf, cap, f);
  if (n < 0)
    return false;
  if (n > 0 && (*buf)[n - 1] == '\n')
    (*buf)[n - 1] = 0;
  return true;
}

/* Runs every job in one Node process.  The plan file names each module and
 * its calls; Node prints, per module, "module PATH" and per call the record
 * in the V8 view (record_render with .v8), ending with "end". */
static bool v8_run_all(void)
{
  if (num_v8_jobs == 0)
    return true;
  char plan_path[4096];
  snprintf(plan_path, sizeof plan_path, "%s/fuzz-diff-%ld.plan", opt.work, (long)getpid());
  FILE *pf = fopen(plan_path, "w");
  if (!pf)
    die("cannot write %s: %s", plan_path, strerror(errno));
  for (uint32_t j = 0; j < num_v8_jobs; j++) {
    V8Job *job = &v8_jobs[j];
    fprintf(pf, "module %s\n", job->wasm_path);
    for (uint32_t c = 0; c < job->reference.num_records; c++) {
      const CallRecord *r = &job->reference.records[c];
      if (record_is_resource_stop(r))
        break;
      fprintf(pf, "call %s", r->export_name);
      for (uint32_t k = 0; k < r->num_args; k++)
        hex_value(pf, r->arg_types[k], r->args[k]);
      fputc('\n', pf);
    }
    fprintf(pf, "end\n");
  }
  fclose(pf);

  char command[8192];
  snprintf(command, sizeof command, "'%s' '%s' '%s'", opt.node, opt.v8_runner, plan_path);
  FILE *out = popen(command, "r");
  if (!out)
    die("cannot run %s", command);
  bool all_same = true;
  char *line = NULL;
  size_t cap = 0;
  RecordView view = {.nan_any = true, .v8 = true};
  for (uint32_t j = 0; j < num_v8_jobs; j++) {
    V8Job *job = &v8_jobs[j];
    if (!read_line(out, &line, &cap) || strncmp(line, "module ", 7) != 0) {
      fprintf(stderr, "%s: the V8 runner stopped early (module %s)\n", program, job->path);
      all_same = false;
      break;
    }
    stats.v8_modules++;
    const char *problem = NULL;
    if (strncmp(line + 7, "error ", 6) == 0) {
      printf("V8 DIVERGENCE in %s: V8 cannot instantiate it: %s\n", job->path, line + 13);
      problem = "instantiate";
    }
    for (uint32_t c = 0; c < job->reference.num_records; c++) {
      const CallRecord *r = &job->reference.records[c];
      if (record_is_resource_stop(r))
        break;
      /* V8's record of one call: lines up to "-" */
      char *v8_text = NULL;
      size_t v8_len = 0;
      FILE *acc = open_memstream(&v8_text, &v8_len);
      bool got = false;
      while (read_line(out, &line, &cap) && strcmp(line, "-") != 0 && strcmp(line, "end") != 0) {
        fprintf(acc, "%s\n", line);
        got = true;
      }
      fclose(acc);
      if (!problem && got) {
        stats.v8_calls++;
        CallRecord perturbed = *r;
        if (opt.inject)
          perturbed.memory_hash ^= 1, perturbed.memory_exported = true, perturbed.has_memory = true;
        char *ours = record_render(&perturbed, &view);
        if (strstr(v8_text, "trap stack") && !(r->trapped && r->trap == TRAP_STACK_EXHAUSTED)) {
          stats.v8_inconclusive++; /* V8's stack is smaller: see the top */
          problem = "inconclusive";
        } else if (strcmp(ours, v8_text) != 0) {
          printf("V8 DIVERGENCE in %s\n  call %u of the plan\n--- interp\n%s--- v8\n%s", job->path, c,
                 ours, v8_text);
          problem = "divergence";
        }
        free(ours);
      }
      free(v8_text);
      if (!got)
        break;
    }
    /* skip to this module's "end" */
    if (strcmp(line, "end") != 0)
      while (read_line(out, &line, &cap) && strcmp(line, "end") != 0) {
      }
    if (problem && strcmp(problem, "inconclusive") != 0) {
      stats.v8_divergences++;
      all_same = false;
    }
  }
  free(line);
  int status = pclose(out);
  if (status != 0) {
    fprintf(stderr, "%s: the V8 runner failed (status %d)\n", program, status);
    all_same = false;
  }
  remove(plan_path);
  for (uint32_t j = 0; j < num_v8_jobs; j++) {
    if (strcmp(v8_jobs[j].wasm_path, v8_jobs[j].path) != 0)
      remove(v8_jobs[j].wasm_path);
    free(v8_jobs[j].wasm_path);
    free(v8_jobs[j].path);
    run_free(&v8_jobs[j].reference);
    plan_free(&v8_jobs[j].plan);
  }
  free(v8_jobs);
  v8_jobs = NULL;
  num_v8_jobs = cap_v8_jobs = 0;
  return all_same;
}

/* ---- one module ---- */

static uint8_t *read_module(const char *path, size_t *size)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    die("cannot open %s: %s", path, strerror(errno));
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      cap = cap ? cap * 2 : 65536;
      buf = realloc(buf, cap + 1);
      if (!buf)
        die("out of memory");
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0)
      break;
  }
  fclose(f);
  size_t plen = strlen(path);
  if (plen > 4 && strcmp(path + plen - 4, ".wat") == 0) {
    char err[256];
    size_t out_size;
    uint8_t *bin = wat_to_binary((const char *)buf, len, &out_size, err, sizeof err);
    free(buf);
    if (!bin)
      die("%s:%s", path, err);
    *size = out_size;
    return bin;
  }
  *size = len;
  return buf;
}

static bool check_module(const char *path)
{
  size_t size;
  uint8_t *bytes = read_module(path, &size);
  stats.modules++;

  /* The plan comes from the module as decoded once, outside any mode. */
  char err[256];
  uint8_t *copy = xcalloc(size, 1);
  memcpy(copy, bytes, size);
  wasm_module_t probe = wasm_runtime_load(copy, (uint32_t)size, err, sizeof err);
  free(copy);
  Plan plan = {0};
  if (probe) {
    plan = make_plan(API_MODULE(probe)->module, path);
    wasm_runtime_unload(probe);
  }

  ModeRun runs[N_ALL_MODES];
  memset(runs, 0, sizeof runs);
  bool same = true;
  for (uint32_t m = 0; m < opt.num_modes; m++) {
    runs[m].mode = opt.modes[m];
    run_mode(&runs[m], bytes, size, &plan);
    if (m > 0 && !compare_runs(path, &runs[0], &runs[m]))
      same = false;
  }
  if (!runs[0].loaded)
    stats.unloadable++;
  else if (!runs[0].instantiated)
    stats.uninstantiable++;
  for (uint32_t i = 0; i < runs[0].num_records; i++) {
    stats.calls++;
    if (runs[0].records[i].trapped)
      stats.traps++;
    if (record_is_resource_stop(&runs[0].records[i]))
      stats.resource_stops++;
  }
  if (opt.print) {
    RecordView view = {.nan_any = opt.nan_any};
    printf("module %s\n", path);
    if (!runs[0].instantiated)
      printf("error %s\n", runs[0].error);
    for (uint32_t i = 0; i < runs[0].num_records; i++) {
      char *t = record_render(&runs[0].records[i], &view);
      fputs(t, stdout);
      free(t);
    }
  }
  if (!same)
    stats.divergences++;
  if (opt.v8_runner && runs[0].instantiated && runs[0].records)
    v8_add(path, bytes, size, &runs[0], &plan);
  for (uint32_t m = 0; m < opt.num_modes; m++)
    run_free(&runs[m]);
  plan_free(&plan);
  free(bytes);
  return same;
}

/* ---- command line ---- */

static void usage(void)
{
  fprintf(stderr,
          "usage: %s [--modes=M,...] [--calls=N] [--fuel=N] [--seed=N] [--nan=exact|any]\n"
          "          [--strict-fuel] [--v8=RUNNER.mjs] [--node=NODE] [--work=DIR] [--print] [--quiet|--silent]\n"
          "          [--inject-divergence]\n"
          "          MODULE.wasm|MODULE.wat...\n",
          program);
  exit(2);
}

static const ModeName *mode_by_name(const char *name, size_t len)
{
  for (size_t i = 0; i < N_ALL_MODES; i++)
    if (strlen(all_modes[i].name) == len && strncmp(all_modes[i].name, name, len) == 0)
      return &all_modes[i];
  return NULL;
}

static uint64_t parse_number(const char *s, const char *what)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end || end == s)
    die("bad %s: %s", what, s);
  return v;
}

int main(int argc, char **argv)
{
  int first = 1;
  const char *modes_arg = NULL;
  for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
    const char *a = argv[first];
    if (strcmp(a, "--") == 0) {
      first++;
      break;
    } else if (strncmp(a, "--modes=", 8) == 0) {
      modes_arg = a + 8;
    } else if (strncmp(a, "--calls=", 8) == 0) {
      opt.calls = (uint32_t)parse_number(a + 8, "call count");
    } else if (strncmp(a, "--fuel=", 7) == 0) {
      opt.fuel = (int64_t)parse_number(a + 7, "fuel");
    } else if (strncmp(a, "--seed=", 7) == 0) {
      opt.seed = parse_number(a + 7, "seed");
    } else if (strcmp(a, "--nan=exact") == 0) {
      opt.nan_any = false;
    } else if (strcmp(a, "--nan=any") == 0) {
      opt.nan_any = true;
    } else if (strcmp(a, "--strict-fuel") == 0) {
      opt.strict_fuel = true;
    } else if (strncmp(a, "--v8=", 5) == 0) {
      opt.v8_runner = a + 5;
    } else if (strncmp(a, "--node=", 7) == 0) {
      opt.node = a + 7;
    } else if (strncmp(a, "--work=", 7) == 0) {
      opt.work = a + 7;
    } else if (strcmp(a, "--print") == 0) {
      opt.print = true;
    } else if (strcmp(a, "--silent") == 0) {
      opt.silent = opt.quiet = true;
      if (!freopen("/dev/null", "w", stdout))
        die("cannot silence stdout");
    } else if (strcmp(a, "--inject-divergence") == 0) {
      opt.inject = true;
    } else if (strcmp(a, "--quiet") == 0) {
      opt.quiet = true;
    } else {
      usage();
    }
  }
  if (first >= argc || opt.calls == 0)
    usage();
  if (opt.fuel > INT32_MAX)
    die("--fuel: at most %d", INT32_MAX);

  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  if (!wasm_runtime_full_init(&init))
    die("cannot initialise the runtime");
  if (!wasm_runtime_register_natives_raw("fuzzing-support", log_natives,
                                         sizeof log_natives / sizeof log_natives[0]))
    die("cannot register the log imports");

  /* Every mode of the build, in the order of all_modes, unless chosen. */
  for (size_t i = 0; i < N_ALL_MODES; i++) {
    if (modes_arg) {
      continue;
    }
    if (wasm_runtime_is_running_mode_supported(all_modes[i].mode))
      opt.modes[opt.num_modes++] = &all_modes[i];
  }
  if (modes_arg) {
    const char *s = modes_arg;
    while (*s) {
      size_t len = strcspn(s, ",");
      const ModeName *m = mode_by_name(s, len);
      if (!m)
        die("unknown mode: %.*s", (int)len, s);
      if (!wasm_runtime_is_running_mode_supported(m->mode))
        die("this build has no %s mode", m->name);
      if (opt.num_modes == N_ALL_MODES)
        die("too many modes");
      opt.modes[opt.num_modes++] = m;
      s += len;
      if (*s == ',')
        s++;
    }
  }
  if (opt.num_modes == 0)
    die("no mode to run");

  bool all_same = true;
  for (int i = first; i < argc; i++)
    if (!check_module(argv[i]))
      all_same = false;
  if (opt.v8_runner && !v8_run_all())
    all_same = false;

  if (!opt.quiet || !all_same) {
    printf("%u modules (%u not loadable, %u not instantiable), %u calls (%u trapped, %u out of fuel or "
           "stack) in",
           stats.modules, stats.unloadable, stats.uninstantiable, stats.calls, stats.traps,
           stats.resource_stops);
    for (uint32_t m = 0; m < opt.num_modes; m++)
      printf(" %s", opt.modes[m]->name);
    printf(": %u divergent", stats.divergences);
    if (opt.v8_runner)
      printf("; V8: %u modules, %u calls, %u divergent, %u inconclusive", stats.v8_modules,
             stats.v8_calls, stats.v8_divergences, stats.v8_inconclusive);
    printf("\n");
  }
  wasm_runtime_unregister_natives("fuzzing-support", log_natives);
  wasm_runtime_destroy();
  if (opt.inject) /* the self-test passes when the perturbation was seen */
    return all_same ? 1 : 0;
  return all_same ? 0 : 1;
}
