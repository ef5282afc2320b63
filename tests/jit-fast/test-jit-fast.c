/*
 * test-jit-fast.c -- the Fast JIT's contracts beyond what the shared suites
 * (spec scripts, programs, units run in every mode) check: code made once
 * per module and shared by instances and threads; calls between Fast JIT
 * code and interpreted code in both directions; recursion to exhaustion on
 * the main thread and on a thread with a small stack; terminate and fuel in
 * a tight compiled loop, stopping where the interpreter stops; a full code
 * cache reported as an error.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <string.h>

#include "decode/decoder.h"
#include "jit-fast/jit_fast.h"
#include "jit-fast/jit_module.h"
#include "runtime/runtime.h"
#include "runtime/tiers.h"
#include "text/text.h"
#include "validate/validator.h"

typedef struct Loaded {
  Module *module;
  Instance *inst;
  ExecEnv *env;
  bool owns_module;
} Loaded;

static Module *module_from_text(const char *wat)
{
  char err[256] = "";
  size_t size = 0;
  uint8_t *bytes = wat_to_binary(wat, strlen(wat), &size, err, sizeof err);
  if (!bytes)
    g_error("wat_to_binary: %s", err);
  Module *m = decode_module(bytes, size, err, sizeof err);
  free(bytes);
  g_assert_nonnull(m);
  if (!validate_module(m, err, sizeof err))
    g_error("validate_module: %s", err);
  return m;
}

static Loaded *instantiate(Module *m, int mode, ImportResolver resolve, void *data)
{
  char err[256] = "";
  Loaded *l = g_new0(Loaded, 1);
  l->module = m;
  l->inst = instance_new(m, resolve, data, DEFAULT_WASM_STACK_SIZE, err, sizeof err);
  if (!l->inst)
    g_error("instance_new: %s", err);
  l->inst->running_mode = mode;
  l->env = exec_env_new(l->inst, DEFAULT_WASM_STACK_SIZE);
  g_assert_nonnull(l->env);
  return l;
}

static Loaded *load_text(const char *wat, int mode)
{
  Loaded *l = instantiate(module_from_text(wat), mode, NULL, NULL);
  l->owns_module = true;
  return l;
}

static void unload(Loaded *l)
{
  exec_env_free(l->env);
  instance_unref(l->inst);
  if (l->owns_module)
    module_free(l->module);
  g_free(l);
}

static FuncInst *export_func(Loaded *l, const char *name)
{
  int32_t e = module_find_export(l->module, name, EXTERN_FUNC);
  if (e < 0)
    g_error("no export %s", name);
  return l->inst->funcs[l->module->exports[e].index];
}

static uint64_t run(Loaded *l, const char *name, uint64_t a, uint64_t b)
{
  uint64_t argv[4] = {a, b, 0, 0};
  if (!runtime_call(l->env, export_func(l, name), argv))
    g_error("%s trapped: %s", name, l->inst->exception);
  return argv[0];
}

static TrapKind run_trap(Loaded *l, const char *name, uint64_t a)
{
  uint64_t argv[4] = {a, 0, 0, 0};
  if (runtime_call(l->env, export_func(l, name), argv))
    g_error("%s: no trap", name);
  l->inst->has_exception = false;
  l->inst->exception[0] = '\0';
  return l->env->trap_kind;
}

static const char fib_wat[] =
  "(module\n"
  "  (global $calls (mut i32) (i32.const 0))\n"
  "  (func $fib (export \"fib\") (param i32) (result i32)\n"
  "    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))\n"
  "      (then (local.get 0))\n"
  "      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))\n"
  "                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))\n"
  "  (func (export \"forever\") (param i32) (result i32)\n"
  "    (i32.add (call 1 (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))\n"
  "  (func (export \"depth\") (param i32) (result i32)\n"
  "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
  "      (else (i32.add (i32.const 1) (call 2 (i32.sub (local.get 0) (i32.const 1)))))))\n"
  "  (func (export \"count\") (param i32)\n"
  "    (loop $l\n"
  "      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))\n"
  "      (br_if $l (i32.ne (global.get $calls) (local.get 0)))))\n"
  "  (func (export \"calls\") (result i32) (global.get $calls))\n"
  "  (func (export \"spin\") (loop $l (br $l))))\n";

/* --- compiled once per module --- */

typedef struct Racer {
  Loaded *l;
  gint *go;
  uint64_t result;
} Racer;

static gpointer race(gpointer data)
{
  Racer *r = data;
  while (!g_atomic_int_get(r->go))
    ;
  r->result = run(r->l, "fib", 20, 0);
  return NULL;
}

static void test_compiled_once(void)
{
  Module *m = module_from_text(fib_wat);
  g_assert_null(m->jit_code); /* nothing is compiled before a call */
  enum { N = 4 };
  Racer racers[N];
  GThread *threads[N];
  gint go = 0;
  for (int i = 0; i < N; i++) {
    racers[i] = (Racer){instantiate(m, TIER_FAST_JIT, NULL, NULL), &go, 0};
    threads[i] = g_thread_new("racer", race, &racers[i]);
  }
  g_atomic_int_set(&go, 1);
  for (int i = 0; i < N; i++)
    g_thread_join(threads[i]);
  JitModule *jm = m->jit_code;
  g_assert_nonnull(jm);
  void *fib = atomic_load(&jm->code[0]);
  g_assert_nonnull(fib);
  g_assert_null(atomic_load(&jm->code[1])); /* only what ran */
  for (int i = 0; i < N; i++) {
    g_assert_cmpuint(racers[i].result, ==, 6765);
    /* every instance runs the module's one copy */
    g_assert_true(atomic_load(&export_func(racers[i].l, "fib")->code) == fib);
    unload(racers[i].l);
  }
  /* a later instance compiles nothing more */
  size_t bytes = jm->code_bytes;
  Loaded *late = instantiate(m, TIER_FAST_JIT, NULL, NULL);
  g_assert_cmpuint(run(late, "fib", 10, 0), ==, 55);
  g_assert_cmpuint(jm->code_bytes, ==, bytes);
  unload(late);
  module_free(m);
}

/* --- Fast JIT code and interpreted code calling each other --- */

static const char callee_wat[] =
  "(module\n"
  "  (memory 1) (data (i32.const 0) \"\\05\")\n"
  "  (func (export \"scale\") (param i32) (result i32)\n"
  "    (i32.mul (local.get 0) (i32.load8_u (i32.const 0))))\n"
  "  (func (export \"pair\") (param i64 f64) (result f64 i64)\n"
  "    (f64.add (local.get 1) (f64.const 0.5)) (i64.add (local.get 0) (i64.const 1))))\n";

static const char caller_wat[] =
  "(module\n"
  "  (import \"a\" \"scale\" (func $scale (param i32) (result i32)))\n"
  "  (import \"a\" \"pair\" (func $pair (param i64 f64) (result f64 i64)))\n"
  "  (memory 1) (data (i32.const 0) \"\\07\")\n"
  "  (table 1 funcref) (elem (i32.const 0) $scale)\n"
  "  (type $s (func (param i32) (result i32)))\n"
  "  (func (export \"direct\") (param i32) (result i32)\n"
  "    (i32.add (call $scale (local.get 0)) (i32.load8_u (i32.const 0))))\n"
  "  (func (export \"indirect\") (param i32) (result i32)\n"
  "    (call_indirect (type $s) (local.get 0) (i32.const 0)))\n"
  "  (func (export \"pair\") (result i64) (local $d f64) (local $i i64)\n"
  "    (call $pair (i64.const 41) (f64.const 1.0)) (local.set $i) (local.set $d)\n"
  "    (i64.add (local.get $i) (i64.trunc_f64_s (f64.mul (local.get $d) (f64.const 2.0))))))\n";

static bool resolve_from(void *data, const Import *import, ExternVal *out)
{
  Loaded *a = data;
  int32_t e = module_find_export(a->module, import->field_name, EXTERN_FUNC);
  if (strcmp(import->module_name, "a") || e < 0)
    return false;
  out->kind = EXTERN_FUNC;
  out->u.func = a->inst->funcs[a->module->exports[e].index];
  out->owner = a->inst;
  return true;
}

static void check_mixed(int callee_mode, int caller_mode)
{
  Loaded *a = load_text(callee_wat, callee_mode);
  Loaded *b = instantiate(module_from_text(caller_wat), caller_mode, resolve_from, a);
  b->owns_module = true;
  g_assert_cmpuint(run(b, "direct", 3, 0), ==, 3 * 5 + 7);
  g_assert_cmpuint(run(b, "indirect", 4, 0), ==, 20);
  g_assert_cmpuint(run(b, "pair", 0, 0), ==, 42 + 3);
  g_assert_cmpuint(run(b, "direct", 6, 0), ==, 6 * 5 + 7);
  unload(b);
  unload(a);
}

static void test_calls_between_tiers(void)
{
  check_mixed(TIER_INTERP, TIER_FAST_JIT);      /* Fast JIT -> interpreter */
  check_mixed(TIER_FAST_JIT, TIER_INTERP);      /* interpreter -> Fast JIT */
  check_mixed(TIER_FAST_JIT, TIER_FAST_JIT);    /* Fast JIT -> Fast JIT, two instances */
  if (tier_is_supported(TIER_FAST_INTERP))
    check_mixed(TIER_FAST_INTERP, TIER_FAST_JIT);
}

/* --- recursion to exhaustion (contract 5) --- */

static void check_exhaustion(void)
{
  Loaded *l = load_text(fib_wat, TIER_FAST_JIT);
  g_assert_cmpint(run_trap(l, "forever", 0), ==, TRAP_STACK_EXHAUSTED);
  g_assert_cmpint(run_trap(l, "forever", 0), ==, TRAP_STACK_EXHAUSTED);
  /* the instance and the thread are fine afterwards */
  g_assert_cmpuint(run(l, "fib", 15, 0), ==, 610);
  g_assert_cmpuint(run(l, "depth", 1000, 0), ==, 1000);
  unload(l);
}

static void test_exhaustion_main(void)
{
  check_exhaustion();
  /* the interpreters' supported depth fits the default stack */
  Loaded *l = load_text(fib_wat, TIER_FAST_JIT);
  g_assert_cmpuint(run(l, "depth", 20000, 0), ==, 20000);
  unload(l);
}

static void *exhaust_thread(void *data)
{
  (void)data;
  check_exhaustion();
  return NULL;
}

static void test_exhaustion_small_thread(void)
{
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024); /* far below the 1 MiB Wasm stack size */
  pthread_t t;
  g_assert_cmpint(pthread_create(&t, &attr, exhaust_thread, NULL), ==, 0);
  pthread_join(t, NULL);
  pthread_attr_destroy(&attr);
}

/* --- terminate and fuel (contract 6) --- */

static gpointer stop_later(gpointer data)
{
  Instance *inst = data;
  g_usleep(20000); /* whenever: the result does not depend on it */
  atomic_store(&inst->interrupt, 1);
  return NULL;
}

static void test_terminate_and_fuel(void)
{
  Loaded *l = load_text(fib_wat, TIER_FAST_JIT);
  GThread *t = g_thread_new("stopper", stop_later, l->inst);
  g_assert_cmpint(run_trap(l, "spin", 0), ==, TRAP_TERMINATED);
  g_thread_join(t);
  atomic_store(&l->inst->interrupt, 0);

  l->env->fuel = 1000;
  g_assert_cmpint(run_trap(l, "spin", 0), ==, TRAP_FUEL_EXHAUSTED);
  /* a budget stops the Fast JIT where it stops the fast interpreter: one
   * unit per function entry and per arrival at a loop's start, falling in
   * or branching back (the shared definition); 500 units: the entry, then
   * 499 arrivals, the 500th arrival traps before its body */
  l->env->fuel = 500;
  g_assert_cmpint(run_trap(l, "count", 100000), ==, TRAP_FUEL_EXHAUSTED);
  l->env->fuel = -1;
  g_assert_cmpuint(run(l, "calls", 0, 0), ==, 499);
  Loaded *ref = load_text(fib_wat, TIER_FAST_INTERP);
  if (tier_is_supported(TIER_FAST_INTERP)) {
    ref->env->fuel = 500;
    g_assert_cmpint(run_trap(ref, "count", 100000), ==, TRAP_FUEL_EXHAUSTED);
    ref->env->fuel = -1;
    g_assert_cmpuint(run(ref, "calls", 0, 0), ==, 499);
  }
  unload(ref);
  unload(l);
}

/* --- hostile code: within the module's side budget --- */

/* Each of 1000 br_ifs moves 1000 values: code far larger than the module's
 * side budget (module.h) is refused with a clear trap, and the instance
 * stays usable. */
static void test_too_large(void)
{
  GString *wat = g_string_new("(module (type $many (func (result");
  for (int i = 0; i < 1000; i++)
    g_string_append(wat, " i32");
  g_string_append(wat, ")))\n (func (export \"big\") (param i32)\n"
                       "  (block (type $many) (i32.const 0)");
  for (int i = 0; i < 1000; i++)
    g_string_append(wat, " (i32.const 1)");
  for (int i = 0; i < 1000; i++)
    g_string_append(wat, " (br_if 0 (local.get 0))");
  g_string_append(wat, " (br 0)) (return))\n (func (export \"small\") (result i32) (i32.const 5)))");
  Loaded *l = load_text(wat->str, TIER_FAST_JIT);
  g_string_free(wat, TRUE);
  uint64_t argv[4] = {0};
  g_assert_false(runtime_call(l->env, export_func(l, "big"), argv));
  g_assert_nonnull(strstr(l->inst->exception, "function too large for the Fast JIT"));
  l->inst->has_exception = false;
  g_assert_cmpuint(run(l, "small", 0, 0), ==, 5);
  g_assert_cmpuint(((JitModule *)l->module->jit_code)->cache.bytes, <=, module_side_budget(l->module));
  unload(l);
}

/* --- a full code cache --- */

static void test_code_cache_full(void)
{
  /* a function far larger than a 16 KiB cache */
  GString *wat = g_string_new("(module (func (export \"big\") (param i32) (result i32)\n");
  g_string_append(wat, "  (local.get 0)\n");
  for (int i = 0; i < 4000; i++)
    g_string_append_printf(wat, "  (i32.add (i32.mul (local.get 0) (i32.const %d)))\n", i);
  g_string_append(wat, "))\n");
  g_autofree char *dir = g_dir_make_tmp("wp-fastjit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "big.wat", NULL);
  g_assert_true(g_file_set_contents(path, wat->str, -1, NULL));
  g_string_free(wat, TRUE);

  const char *wasmplug = g_getenv("WP_WASMPLUG");
  g_assert_nonnull(wasmplug);
  char *argv[] = {(char *)wasmplug, "--fast-jit", "--jit-codecache-size=16384", "-f", "big",
                  path, "1", NULL};
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                             &status, NULL));
  g_assert_false(g_spawn_check_wait_status(status, NULL));
  g_assert_nonnull(strstr(err, "Fast JIT code cache is full"));
  /* with room it runs */
  char *argv2[] = {(char *)wasmplug, "--fast-jit", "-f", "big", path, "1", NULL};
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_assert_true(g_spawn_sync(NULL, argv2, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out2, &err2,
                             &status, NULL));
  g_assert_true(g_spawn_check_wait_status(status, NULL));
  g_assert_cmpstr(out2, ==, "7998001\n"); /* 1 + 0 + 1 + ... + 3999 */
  g_unlink(path);
  g_rmdir(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  memory_install_fault_handler();
  g_test_add_func("/jit-fast/compiled-once", test_compiled_once);
  g_test_add_func("/jit-fast/calls-between-tiers", test_calls_between_tiers);
  g_test_add_func("/jit-fast/exhaustion/main-thread", test_exhaustion_main);
  g_test_add_func("/jit-fast/exhaustion/small-stack-thread", test_exhaustion_small_thread);
  g_test_add_func("/jit-fast/terminate-and-fuel", test_terminate_and_fuel);
  g_test_add_func("/jit-fast/too-large", test_too_large);
  g_test_add_func("/jit-fast/code-cache-full", test_code_cache_full);
  return g_test_run();
}
