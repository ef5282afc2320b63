/*
 * test-llvm-jit.c -- what the LLVM JIT adds to the tests every mode runs
 * (spec scripts, programs, units under WP_TEST_MODE=llvm-jit): mixed-mode
 * linking in both directions, one compilation for many threads and
 * instances, eager compilation, recursion to exhaustion on the main thread
 * and on a small-stack thread, stopping a tight compiled loop from another
 * thread and with fuel, live mode switches, and the bounds-checked code an
 * unguarded memory gets.
 */
#include <glib.h>
#include <pthread.h>
#include <string.h>

#include "jit-llvm/llvm_jit.h"
#include "runtime/runtime.h"
#include "runtime/tiers.h"
#include "text/text.h"
#include "decode/decoder.h"
#include "validate/validator.h"

typedef struct Loaded {
  Module *module;
  Instance *inst;
  ExecEnv *env;
  bool owns_module;
} Loaded;

static Module *module_from(const uint8_t *bytes, size_t size)
{
  char err[256] = "";
  Module *m = decode_module(bytes, size, err, sizeof err);
  if (!m)
    g_error("decode_module: %s", err);
  if (!validate_module(m, err, sizeof err))
    g_error("validate_module: %s", err);
  return m;
}

static Module *module_file(const char *name)
{
  g_autofree char *path = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), name, NULL);
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_assert_true(g_file_get_contents(path, &bytes, &size, NULL));
  return module_from((const uint8_t *)bytes, size);
}

static Module *module_text(const char *wat)
{
  char err[256] = "";
  size_t size = 0;
  uint8_t *bytes = wat_to_binary(wat, strlen(wat), &size, err, sizeof err);
  if (!bytes)
    g_error("wat_to_binary: %s", err);
  Module *m = module_from(bytes, size);
  free(bytes);
  return m;
}

static Loaded *instantiate(Module *m, int mode, ImportResolver resolve, void *data, bool owns)
{
  char err[256] = "";
  Loaded *l = g_new0(Loaded, 1);
  l->module = m;
  l->owns_module = owns;
  l->inst = instance_new(m, resolve, data, DEFAULT_WASM_STACK_SIZE, err, sizeof err);
  if (!l->inst)
    g_error("instance_new: %s", err);
  l->inst->running_mode = mode;
  l->env = exec_env_new(l->inst, DEFAULT_WASM_STACK_SIZE);
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

static void assert_trap(Loaded *l, const char *name, TrapKind kind, uint64_t a, uint64_t b)
{
  uint64_t argv[4] = {a, b, 0, 0};
  if (runtime_call(l->env, export_func(l, name), argv))
    g_error("%s: no trap, expected \"%s\"", name, trap_message(kind));
  g_assert_cmpint(l->env->trap_kind, ==, kind);
  l->inst->has_exception = false;
  l->inst->exception[0] = '\0';
}

/* --- mixed-mode linking --- */

static void host_twice(ExecEnv *env, uint64_t *args) { args[0] = (uint32_t)(2 * (uint32_t)args[0]); }

static uint8_t twice_types[] = {VAL_I32, VAL_I32};
static HostFunc twice_host = {
    .module_name = "host", .field_name = "twice", .func_ptr = (void *)host_twice,
    .signature = "(i)i",   .raw = true,           .type = {1, 1, twice_types, NULL},
};
static FuncInst twice_func = {.type = &twice_host.type, .host = &twice_host};

static bool resolve_a(void *data, const Import *import, ExternVal *out)
{
  if (strcmp(import->module_name, "host") || strcmp(import->field_name, "twice"))
    return false;
  out->kind = EXTERN_FUNC;
  out->u.func = &twice_func;
  out->owner = NULL;
  return true;
}

static bool resolve_b(void *data, const Import *import, ExternVal *out)
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

/* B imports A's functions; A and B run in different modes.  Each keeps its
 * own memory across the calls, traps in A unwind to B's host entry, and
 * compiled code ran on the compiled side (its code pointer is published). */
static void link_modes(int mode_a, int mode_b)
{
  Loaded *a = instantiate(module_file("interp-link-a.wasm"), mode_a, resolve_a, NULL, true);
  Loaded *b = instantiate(module_file("interp-link-b.wasm"), mode_b, resolve_b, a, true);
  g_assert_cmpuint(run(b, "mix", 0, 0), ==, 7 + 4200 + 70000);
  g_assert_cmpuint(run(b, "indirect", 0, 0), ==, 42);
  g_assert_cmpuint(run(b, "add-twice", 1, 5), ==, 11);
  g_assert_cmpuint(run(b, "div", 9, 3), ==, 3);
  assert_trap(b, "div", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  g_assert_cmpuint(run(b, "mix", 0, 0), ==, 7 + 4200 + 70000);
  Loaded *compiled = mode_a == TIER_LLVM_JIT ? a : b;
  const char *name = compiled == a ? "read0" : "mix";
  g_assert_nonnull(atomic_load(&export_func(compiled, name)->code));
  unload(b);
  unload(a);
}

static void test_link_jit_calls_interp(void)
{
  link_modes(TIER_INTERP, TIER_LLVM_JIT);
  link_modes(TIER_FAST_INTERP, TIER_LLVM_JIT);
}

static void test_link_interp_calls_jit(void)
{
  link_modes(TIER_LLVM_JIT, TIER_INTERP);
  link_modes(TIER_LLVM_JIT, TIER_FAST_INTERP);
}

/* --- compile once, many threads --- */

typedef struct Racer {
  Module *module;
  gint *go;
  uint64_t result;
} Racer;

static gpointer race(gpointer data)
{
  Racer *r = data;
  Loaded *l = instantiate(r->module, TIER_LLVM_JIT, NULL, NULL, false);
  while (!g_atomic_int_get(r->go))
    g_thread_yield();
  r->result = run(l, "fib", 22, 0);
  unload(l);
  return NULL;
}

static void test_threads_compile_once(void)
{
  Module *m = module_file("fib.wasm");
  unsigned long before = llvm_jit_compiled_count();
  enum { N = 6 };
  Racer racers[N];
  GThread *threads[N];
  gint go = 0;
  for (int i = 0; i < N; i++) {
    racers[i] = (Racer){m, &go, 0};
    threads[i] = g_thread_new("racer", race, &racers[i]);
  }
  g_atomic_int_set(&go, 1);
  for (int i = 0; i < N; i++) {
    g_thread_join(threads[i]);
    g_assert_cmpuint(racers[i].result, ==, 17711);
  }
  /* fib, and only fib, compiled once for six instances */
  g_assert_cmpuint(llvm_jit_compiled_count() - before, ==, 1);
  module_free(m);
}

static void test_eager(void)
{
  Module *m = module_file("fib.wasm");
  llvm_jit_set_options(2, 0, true);
  unsigned long before = llvm_jit_compiled_count();
  Loaded *l = instantiate(m, TIER_LLVM_JIT, NULL, NULL, true);
  g_assert_cmpuint(run(l, "fib", 20, 0), ==, 6765);
  /* the whole module at the first call */
  g_assert_cmpuint(llvm_jit_compiled_count() - before, ==, m->num_funcs - m->num_imported_funcs);
  g_assert_cmpuint(run(l, "fib_iter", 90, 0), ==, 2880067194370816120ull);
  g_assert_cmpuint(llvm_jit_compiled_count() - before, ==, m->num_funcs - m->num_imported_funcs);
  llvm_jit_set_options(3, 0, false);
  unload(l);
}

/* --- the native stack (contract 5) --- */

static const char recurse_wat[] =
    "(module\n"
    "  (func $down (export \"down\") (param i32) (result i32)\n"
    "    (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))\n"
    "  (func (export \"ok\") (result i32) (i32.const 5)))\n";

static void recurse_to_exhaustion(void)
{
  Loaded *l = instantiate(module_text(recurse_wat), TIER_LLVM_JIT, NULL, NULL, true);
  assert_trap(l, "down", TRAP_STACK_EXHAUSTED, 0, 0);
  g_assert_cmpuint(run(l, "ok", 0, 0), ==, 5); /* still usable */
  assert_trap(l, "down", TRAP_STACK_EXHAUSTED, 0, 0);
  unload(l);
}

static void test_stack_main_thread(void) { recurse_to_exhaustion(); }

static void *small_stack_thread(void *arg)
{
  recurse_to_exhaustion();
  return arg;
}

static void test_stack_small_thread(void)
{
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t t;
  g_assert_cmpint(pthread_create(&t, &attr, small_stack_thread, NULL), ==, 0);
  pthread_attr_destroy(&attr);
  g_assert_cmpint(pthread_join(t, NULL), ==, 0);
}

/* --- stopping a tight compiled loop (contract 6) --- */

static gint loop_started;

static void host_started(ExecEnv *env, uint64_t *args) { g_atomic_int_set(&loop_started, 1); }

static HostFunc started_host = {
    .module_name = "host", .field_name = "started", .func_ptr = (void *)host_started,
    .signature = "()",     .raw = true,             .type = {0, 0, NULL, NULL},
};
static FuncInst started_func = {.type = &started_host.type, .host = &started_host};

static bool resolve_started(void *data, const Import *import, ExternVal *out)
{
  out->kind = EXTERN_FUNC;
  out->u.func = &started_func;
  out->owner = NULL;
  return true;
}

static const char spin_wat[] =
    "(module (import \"host\" \"started\" (func $started))\n"
    "  (func (export \"spin\") (local i32)\n"
    "    (call $started)\n"
    "    (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br $l)))\n"
    "  (func (export \"fac\") (param i64) (result i64)\n"
    "    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))\n"
    "      (else (i64.mul (local.get 0) (call 2 (i64.sub (local.get 0) (i64.const 1))))))))\n";

static gpointer spin_thread(gpointer data)
{
  Loaded *l = data;
  assert_trap(l, "spin", TRAP_TERMINATED, 0, 0);
  return NULL;
}

/* The loop never calls anything: only its own poll can see the flag set by
 * another thread once the loop runs (a hoisted check would spin forever). */
static void test_terminate_tight_loop(void)
{
  Loaded *l = instantiate(module_text(spin_wat), TIER_LLVM_JIT, resolve_started, NULL, true);
  g_atomic_int_set(&loop_started, 0);
  GThread *t = g_thread_new("spin", spin_thread, l);
  while (!g_atomic_int_get(&loop_started))
    g_thread_yield();
  atomic_store(&l->inst->interrupt, 1); /* what wasm_runtime_terminate does */
  g_thread_join(t);
  g_assert_cmpuint(run(l, "fac", 5, 0), ==, 120); /* usable again */
  unload(l);
}

static void test_fuel_tight_loop(void)
{
  Loaded *l = instantiate(module_text(spin_wat), TIER_LLVM_JIT, resolve_started, NULL, true);
  l->env->fuel = 1000;
  assert_trap(l, "spin", TRAP_FUEL_EXHAUSTED, 0, 0);
  /* one unit per function entry: fac(5) enters six times */
  l->env->fuel = 6;
  g_assert_cmpuint(run(l, "fac", 5, 0), ==, 120);
  g_assert_cmpint(l->env->fuel, ==, 0);
  l->env->fuel = 5;
  assert_trap(l, "fac", TRAP_FUEL_EXHAUSTED, 5, 0);
  l->env->fuel = -1;
  unload(l);
}

/* --- live mode switches --- */

static void test_switch_mode(void)
{
  Loaded *l = instantiate(module_file("fib.wasm"), TIER_INTERP, NULL, NULL, true);
  g_assert_cmpuint(run(l, "fib", 15, 0), ==, 610);
  g_assert_null(atomic_load(&export_func(l, "fib")->code));
  instance_set_running_mode(l->inst, TIER_LLVM_JIT);
  g_assert_cmpuint(run(l, "fib", 16, 0), ==, 987);
  g_assert_nonnull(atomic_load(&export_func(l, "fib")->code));
  instance_set_running_mode(l->inst, TIER_FAST_INTERP);
  g_assert_null(atomic_load(&export_func(l, "fib")->code));
  g_assert_cmpuint(run(l, "fib", 17, 0), ==, 1597);
  instance_set_running_mode(l->inst, TIER_LLVM_JIT);
  assert_trap(l, "div", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  unload(l);
}

/* --- an unguarded memory gets bounds-checked code --- */

static const char memory_wat[] =
    "(module (memory 1)\n"
    "  (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))\n"
    "  (func (export \"store\") (param i32 i32) (i32.store (local.get 0) (local.get 1))))\n";

static void test_unguarded_memory(void)
{
  Module *m = module_text(memory_wat);
  Loaded *l = instantiate(m, TIER_LLVM_JIT, NULL, NULL, true);
  /* as if the reservation had failed: the size is all there is */
  l->inst->memories[0]->guarded = false;
  run(l, "store", 65532, 77);
  g_assert_cmpuint(run(l, "load", 65532, 0), ==, 77);
  assert_trap(l, "load", TRAP_MEMORY_OUT_OF_BOUNDS, 65533, 0);
  assert_trap(l, "store", TRAP_MEMORY_OUT_OF_BOUNDS, 65536, 1);
  l->inst->memories[0]->guarded = true;
  unload(l);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  memory_install_fault_handler();
  g_test_add_func("/llvm-jit/link/jit-calls-interp", test_link_jit_calls_interp);
  g_test_add_func("/llvm-jit/link/interp-calls-jit", test_link_interp_calls_jit);
  g_test_add_func("/llvm-jit/threads/compile-once", test_threads_compile_once);
  g_test_add_func("/llvm-jit/eager", test_eager);
  g_test_add_func("/llvm-jit/stack/main-thread", test_stack_main_thread);
  g_test_add_func("/llvm-jit/stack/small-thread", test_stack_small_thread);
  g_test_add_func("/llvm-jit/interrupt/terminate", test_terminate_tight_loop);
  g_test_add_func("/llvm-jit/interrupt/fuel", test_fuel_tight_loop);
  g_test_add_func("/llvm-jit/mode/switch", test_switch_mode);
  g_test_add_func("/llvm-jit/memory/unguarded", test_unguarded_memory);
  return g_test_run();
}
