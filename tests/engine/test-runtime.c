/*
 * test-runtime.c -- the runtime core through the internal API: memories
 * (contract 4) and the fault handler, tables, linking, segment order,
 * start functions, host entries (traps, nesting), interruption and fuel
 * (contract 6), and mode selection.
 *
 * Modules are tests/wat/rt-*.wat, built to .wasm by meson.
 */
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "wp_config.h"
#include "decode/decoder.h"
#include "runtime/runtime.h"
#include "runtime/tiers.h"
#include "validate/validator.h"

/* --- loading --- */

typedef struct Loaded {
  Module *module;
  Instance *inst;
  ExecEnv *env;
} Loaded;

static Module *read_module(const char *name)
{
  g_autofree char *path = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), name, NULL);
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_autoptr(GError) error = NULL;
  char err[256] = "";

  g_assert_true(g_file_get_contents(path, &bytes, &size, &error));
  g_assert_no_error(error);
  Module *m = decode_module((const uint8_t *)bytes, size, err, sizeof err);
  if (m == NULL)
    g_error("decode %s: %s", name, err);
  if (!validate_module(m, err, sizeof err))
    g_error("validate %s: %s", name, err);
  return m;
}

/* Instantiates `name`; on failure returns NULL with the message in err.
 * A failed instance may live on (its functions stored in an imported table
 * stay callable), so its module is kept in failed_modules until the test
 * has freed the tables. */
static GPtrArray *failed_modules;

static Loaded *try_load(const char *name, ImportResolver resolve, void *data, char *err,
                        uint32_t err_size)
{
  Module *m = read_module(name);
  Instance *inst = instance_new(m, resolve, data, 0, err, err_size);
  if (inst == NULL) {
    g_ptr_array_add(failed_modules, m);
    return NULL;
  }
  Loaded *l = g_new0(Loaded, 1);
  l->module = m;
  l->inst = inst;
  l->env = exec_env_new(inst, 0);
  g_assert_nonnull(l->env);
  return l;
}

static Loaded *load(const char *name, ImportResolver resolve, void *data)
{
  char err[256] = "";
  Loaded *l = try_load(name, resolve, data, err, sizeof err);
  if (l == NULL)
    g_error("instance_new(%s): %s", name, err);
  return l;
}

static void unload(Loaded *l)
{
  exec_env_free(l->env);
  instance_unref(l->inst);
  module_free(l->module);
  g_free(l);
}

/* Once the tables that held failed instances are gone. */
static void free_failed_modules(void)
{
  g_ptr_array_set_size(failed_modules, 0);
}

static FuncInst *export_func(Loaded *l, const char *name)
{
  int32_t e = module_find_export(l->module, name, EXTERN_FUNC);
  if (e < 0)
    g_error("no export %s", name);
  return l->inst->funcs[l->module->exports[e].index];
}

/* Calls an export with up to 3 arguments; argv receives the results. */
static gboolean invoke(Loaded *l, const char *name, uint64_t *argv)
{
  return runtime_call(l->env, export_func(l, name), argv);
}

static uint64_t run(Loaded *l, const char *name, uint64_t a, uint64_t b)
{
  uint64_t argv[4] = {a, b, 0, 0};
  if (!invoke(l, name, argv))
    g_error("%s trapped: %s", name, l->inst->exception);
  return argv[0];
}

static void assert_trap(Loaded *l, const char *name, uint64_t a, uint64_t b, const char *message)
{
  uint64_t argv[4] = {a, b, 0, 0};
  g_autofree char *want = g_strdup_printf("Exception: %s", message);
  if (invoke(l, name, argv))
    g_error("%s: no trap, expected \"%s\"", name, message);
  g_assert_true(l->inst->has_exception);
  g_assert_cmpstr(l->inst->exception, ==, want);
}

/* "M": every export of an instance, by name and kind. */
static bool resolve_exporter(void *data, const Import *import, ExternVal *out)
{
  Loaded *m = data;
  if (strcmp(import->module_name, "M") != 0)
    return false;
  int32_t e = module_find_export(m->module, import->field_name, import->kind);
  if (e < 0)
    return false;
  uint32_t index = m->module->exports[e].index;
  out->kind = import->kind;
  out->owner = m->inst;
  switch (import->kind) {
  case EXTERN_FUNC:
    out->u.func = m->inst->funcs[index];
    break;
  case EXTERN_TABLE:
    out->u.table = m->inst->tables[index];
    break;
  case EXTERN_MEMORY:
    out->u.memory = m->inst->memories[index];
    break;
  case EXTERN_GLOBAL:
    out->u.global = m->inst->globals[index];
    break;
  }
  return true;
}

/* --- host functions for rt-exec.wasm --- */

typedef enum HostMode {
  REENTER_FOREVER,  /* call back into "recurse" until the depth limit */
  REENTER_CATCH,    /* call `nested` in a nested entry, expect it to trap
                       with `expect`, and carry on */
  FAIL_EXCEPTION,   /* "fail" sets an exception */
  FAIL_SEGFAULT,    /* "fail" crashes outside any Wasm memory */
} HostMode;

static struct {
  HostMode mode;
  FuncInst *recurse, *nested;
  uint64_t nested_arg;
  const char *expect;
  uint32_t deepest;
} host;

static void host_reenter(ExecEnv *env, uint64_t *args)
{
  uint32_t n = (uint32_t)args[0];
  host.deepest = MAX(host.deepest, n);
  uint64_t argv[1] = {n + 1};
  if (host.mode == REENTER_CATCH) {
    /* the inner trap ends the inner entry only */
    uint64_t nested_argv[2] = {host.nested_arg, 0};
    g_assert_false(runtime_call(env, host.nested, nested_argv));
    g_assert_cmpstr(env->instance->exception, ==, host.expect);
    g_assert_cmpuint(env->native_depth, ==, 1);
    env->instance->has_exception = false;
    args[0] = 1000 + n;
    return;
  }
  /* A failed nested call leaves its exception on the instance, which makes
   * this host call trap in turn, and so on outwards. */
  if (runtime_call(env, host.recurse, argv))
    args[0] = argv[0];
}

static void host_fail(ExecEnv *env, uint64_t *args)
{
  if (host.mode == FAIL_SEGFAULT) {
    /* through a variable, so the compiler cannot see the bad address */
    static volatile uintptr_t nowhere = 16;
    *(volatile int *)nowhere = 1;
  }
  Instance *caller = env->current;
  g_snprintf(caller->exception, sizeof caller->exception, "Exception: host says no");
  caller->has_exception = true;
}

static uint8_t reenter_types[] = {VAL_I32, VAL_I32};
static HostFunc reenter_host = {
    .module_name = "host",
    .field_name = "reenter",
    .func_ptr = (void *)host_reenter,
    .signature = "(i)i",
    .raw = true,
    .type = {1, 1, reenter_types},
};
static HostFunc fail_host = {
    .module_name = "host",
    .field_name = "fail",
    .func_ptr = (void *)host_fail,
    .signature = "()",
    .raw = true,
    .type = {0, 0, NULL},
};
static FuncInst reenter_func = {.type = &reenter_host.type, .host = &reenter_host};
static FuncInst fail_func = {.type = &fail_host.type, .host = &fail_host};

static bool resolve_host(void *data, const Import *import, ExternVal *out)
{
  if (strcmp(import->module_name, "host") != 0)
    return false;
  out->kind = EXTERN_FUNC;
  out->owner = NULL;
  if (strcmp(import->field_name, "reenter") == 0)
    out->u.func = &reenter_func;
  else if (strcmp(import->field_name, "fail") == 0)
    out->u.func = &fail_func;
  else
    return false;
  return true;
}

static Loaded *load_exec(void)
{
  Loaded *l = load("rt-exec.wasm", resolve_host, NULL);
  memset(&host, 0, sizeof host);
  host.recurse = export_func(l, "recurse");
  host.nested = export_func(l, "trap");
  host.expect = "Exception: unreachable";
  return l;
}

/* After any call, the host entry has put everything back. */
static void assert_env_idle(Loaded *l)
{
  g_assert_true(l->env->stack_top == l->env->stack_base);
  g_assert_null(l->env->trap_frame);
  g_assert_cmpuint(l->env->native_depth, ==, 0);
  g_assert_null(l->env->current);
  g_assert_null(exec_env_running());
}

/* --- memories (contract 4) --- */

static void test_memory_grow_in_place(void)
{
  char err[128] = "";
  Memory *m = memory_new(1, 4, true, err, sizeof err);
  g_assert_nonnull(m);
  uint8_t *base = m->base;
  g_assert_cmpuint(m->pages, ==, 1);
  g_assert_cmpuint(m->size, ==, WASM_PAGE_SIZE);
  g_assert_cmpuint(m->max_pages, ==, 4);
#if !WP_BOUNDS_CHECKS
  /* 4 GiB + 4 GiB of guard + a page for the access size */
  g_assert_true(m->guarded);
  g_assert_cmpuint(m->reserved, >, (UINT64_C(1) << 33));
#else
  g_assert_false(m->guarded);
  g_assert_cmpuint(m->reserved, ==, 4 * WASM_PAGE_SIZE);
#endif
  base[0] = 1;
  base[WASM_PAGE_SIZE - 1] = 2;

  g_assert_cmpint(memory_grow(m, 0), ==, 1);
  g_assert_cmpint(memory_grow(m, 2), ==, 1);
  g_assert_true(m->base == base); /* in place */
  g_assert_cmpuint(m->pages, ==, 3);
  g_assert_cmpuint(m->size, ==, 3 * WASM_PAGE_SIZE);
  g_assert_cmpuint(base[0], ==, 1);
  g_assert_cmpuint(base[WASM_PAGE_SIZE - 1], ==, 2);
  g_assert_cmpuint(base[WASM_PAGE_SIZE], ==, 0); /* new pages are zero */
  base[3 * WASM_PAGE_SIZE - 1] = 3;              /* and writable */

  g_assert_cmpint(memory_grow(m, 2), ==, -1); /* past the maximum */
  g_assert_cmpint(memory_grow(m, UINT32_MAX), ==, -1);
  g_assert_cmpuint(m->pages, ==, 3);
  g_assert_cmpint(memory_grow(m, 1), ==, 3);
  g_assert_cmpint(memory_grow(m, 1), ==, -1);
  g_assert_true(m->base == base);

  g_assert_true(memory_range_ok(m, 0, 4 * WASM_PAGE_SIZE));
  g_assert_false(memory_range_ok(m, 1, 4 * WASM_PAGE_SIZE));
  g_assert_true(memory_range_ok(m, 4 * WASM_PAGE_SIZE, 0));
  memory_unref(m);

  /* no maximum: up to 65536 pages, and a zero-page memory has a base */
  m = memory_new(0, 0, false, err, sizeof err);
  g_assert_nonnull(m);
  g_assert_nonnull(m->base);
  g_assert_cmpuint(m->max_pages, ==, WASM_MAX_PAGES);
  g_assert_cmpint(memory_grow(m, WASM_MAX_PAGES + 1), ==, -1);
  g_assert_cmpint(memory_grow(m, 2), ==, 0);
  memory_ref(m);
  memory_unref(m);
  g_assert_cmpuint(m->pages, ==, 2); /* still alive after ref + unref */
  memory_unref(m);

  /* an impossible size is an error, not a crash */
  g_assert_null(memory_new(5, 4, true, err, sizeof err));
  g_assert_cmpstr(err, !=, "");
}

static void test_memory_fault_trap(void)
{
  Loaded *l = load_exec();
  Memory *mem = l->inst->memories[0];
  uint8_t *base = mem->base;

  run(l, "store", 65532, 0x11223344);
  g_assert_cmpuint(run(l, "load", 65532, 0), ==, 0x11223344);
  assert_trap(l, "load", 65533, 0, "out of bounds memory access");
  assert_env_idle(l);
  assert_trap(l, "store", 65536, 1, "out of bounds memory access");
  assert_trap(l, "load", UINT32_MAX, 0, "out of bounds memory access");
  /* address + offset at the very end of what Wasm can reach */
  assert_trap(l, "load-far", UINT32_MAX, 0, "out of bounds memory access");
  assert_env_idle(l);

  /* still usable, and growing makes the same address valid in place */
  g_assert_cmpuint(run(l, "load", 65532, 0), ==, 0x11223344);
  g_assert_cmpuint(run(l, "grow", 1, 0), ==, 1);
  g_assert_true(mem->base == base);
  g_assert_cmpuint(run(l, "size", 0, 0), ==, 2);
  run(l, "store", 65536, 77);
  g_assert_cmpuint(run(l, "load", 65536, 0), ==, 77);
  assert_trap(l, "load", 2 * 65536 - 3, 0, "out of bounds memory access");
  g_assert_cmpuint(run(l, "grow", 1, 0), ==, 2);
  g_assert_cmpuint((uint32_t)run(l, "grow", 1, 0), ==, UINT32_MAX); /* max 3 */
  g_assert_true(mem->base == base);

  /* a fault in a nested entry unwinds to that entry only */
  host.mode = REENTER_CATCH;
  host.nested = export_func(l, "load");
  host.nested_arg = 3 * WASM_PAGE_SIZE;
  host.expect = "Exception: out of bounds memory access";
  uint64_t argv[2] = {5, 0};
  g_assert_true(invoke(l, "recurse", argv));
  g_assert_cmpuint(argv[0], ==, 1005);
  assert_env_idle(l);
  unload(l);
}

static void previous_segv_handler(int sig)
{
  static const char message[] = "previous SIGSEGV handler reached\n";
  if (write(2, message, sizeof message - 1) < 0) {
    /* nothing more to say */
  }
  _exit(3);
}

static void install_previous_handler(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = previous_segv_handler;
  sigemptyset(&sa.sa_mask);
  g_assert_cmpint(sigaction(SIGSEGV, &sa, NULL), ==, 0);
}

/* A crash in a host function called from Wasm is no Wasm trap: it reaches
 * the handler that was there before ours. */
static void test_fault_chain_in_host(void)
{
  if (g_test_subprocess()) {
    install_previous_handler();
    Loaded *l = load_exec();
    g_assert_true(memory_install_fault_handler());
    host.mode = FAIL_SEGFAULT;
    uint64_t argv[1] = {0};
    invoke(l, "call-fail", argv);
    g_error("the crash was swallowed");
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed();
  g_test_trap_assert_stderr("*previous SIGSEGV handler reached*");
}

/* The same with no Wasm running at all. */
static void test_fault_chain_outside(void)
{
  if (g_test_subprocess()) {
    install_previous_handler();
    Loaded *l = load_exec();
    g_assert_true(memory_install_fault_handler());
    /* a guard-region address, but nobody runs Wasm: not a trap either */
    volatile uint8_t *guard = l->inst->memories[0]->base + 4 * WASM_PAGE_SIZE;
    *guard = 1;
    g_error("the crash was swallowed");
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed();
  g_test_trap_assert_stderr("*previous SIGSEGV handler reached*");
}

/* --- tables and globals --- */

static void test_table_grow(void)
{
  int marker;
  Table *t = table_new(VAL_EXTERNREF, 2, 5, true, &marker);
  g_assert_nonnull(t);
  g_assert_cmpuint(t->size, ==, 2);
  g_assert_true(t->elems[0] == &marker && t->elems[1] == &marker);
  g_assert_cmpint(table_grow(t, 0, NULL), ==, 2);
  g_assert_cmpint(table_grow(t, 2, NULL), ==, 2);
  g_assert_cmpuint(t->size, ==, 4);
  g_assert_true(t->elems[1] == &marker);
  g_assert_null(t->elems[2]);
  g_assert_null(t->elems[3]);
  g_assert_cmpint(table_grow(t, 2, NULL), ==, -1);
  g_assert_cmpint(table_grow(t, UINT32_MAX, NULL), ==, -1);
  g_assert_cmpint(table_grow(t, 1, &marker), ==, 4);
  g_assert_true(t->elems[4] == &marker);
  table_unref(t);

  t = table_new(VAL_FUNCREF, 0, 0, false, NULL);
  g_assert_nonnull(t);
  g_assert_cmpuint(t->max, ==, UINT32_MAX);
  g_assert_cmpint(table_grow(t, 1000, NULL), ==, 0);
  g_assert_cmpuint(t->size, ==, 1000);
  table_unref(t);

  g_assert_null(table_new(VAL_FUNCREF, 3, 2, true, NULL));

  GlobalType type = {VAL_I64, true};
  WasmValue v = {.i64 = -5};
  GlobalInst *g = global_new(type, v);
  g_assert_cmpint(g->value.i64, ==, -5);
  g_assert_true(g->type.mutable_);
  global_ref(g);
  global_unref(g);
  g_assert_cmpint(g->value.i64, ==, -5);
  global_unref(g);
}

/* --- linking --- */

/* What rt-imports.wasm gets, field by field; tests change one at a time. */
typedef struct Provided {
  ExternVal f, tab, mem, g, gm;
} Provided;

static bool resolve_provided(void *data, const Import *import, ExternVal *out)
{
  Provided *p = data;
  const ExternVal *v = NULL;
  if (strcmp(import->field_name, "f") == 0)
    v = &p->f;
  else if (strcmp(import->field_name, "tab") == 0)
    v = &p->tab;
  else if (strcmp(import->field_name, "mem") == 0)
    v = &p->mem;
  else if (strcmp(import->field_name, "g") == 0)
    v = &p->g;
  else if (strcmp(import->field_name, "gm") == 0)
    v = &p->gm;
  if (v == NULL || v->kind == 0xFF)
    return false;
  *out = *v;
  return true;
}

static void assert_link_error(Provided *p, const char *want)
{
  char err[256] = "";
  Loaded *l = try_load("rt-imports.wasm", resolve_provided, p, err, sizeof err);
  if (l != NULL)
    g_error("linked, expected \"%s\"", want);
  g_assert_cmpstr(err, ==, want);
}

static void test_link_errors(void)
{
  static uint8_t f_types[] = {VAL_I32, VAL_I32};
  static uint8_t wrong_types[] = {VAL_I32, VAL_I64};
  static HostFunc f_host = {.field_name = "f", .raw = true, .type = {1, 1, f_types}};
  static HostFunc wrong_host = {.field_name = "f", .raw = true, .type = {1, 1, wrong_types}};
  static FuncInst f = {.type = &f_host.type, .host = &f_host};
  static FuncInst wrong = {.type = &wrong_host.type, .host = &wrong_host};
  char err[256] = "";

  Table *tab = table_new(VAL_FUNCREF, 3, 10, true, NULL);
  Table *tab_nomax = table_new(VAL_FUNCREF, 3, 0, false, NULL);
  Table *tab_bigmax = table_new(VAL_FUNCREF, 3, 21, true, NULL);
  Table *tab_small = table_new(VAL_FUNCREF, 1, 10, true, NULL);
  Table *tab_extern = table_new(VAL_EXTERNREF, 3, 10, true, NULL);
  Memory *mem = memory_new(1, 2, true, err, sizeof err);
  Memory *mem_nomax = memory_new(1, 0, false, err, sizeof err);
  Memory *mem_bigmax = memory_new(1, 3, true, err, sizeof err);
  Memory *mem_empty = memory_new(0, 2, true, err, sizeof err);
  GlobalInst *g = global_new((GlobalType){VAL_I32, false}, (WasmValue){.i32 = 1});
  GlobalInst *g_mut = global_new((GlobalType){VAL_I32, true}, (WasmValue){.i32 = 1});
  GlobalInst *g_f32 = global_new((GlobalType){VAL_F32, false}, (WasmValue){.u64 = 0});
  GlobalInst *gm = global_new((GlobalType){VAL_I64, true}, (WasmValue){.i64 = 2});
  GlobalInst *gm_const = global_new((GlobalType){VAL_I64, false}, (WasmValue){.i64 = 2});

  Provided good = {
      .f = {.kind = EXTERN_FUNC, .u.func = &f},
      .tab = {.kind = EXTERN_TABLE, .u.table = tab},
      .mem = {.kind = EXTERN_MEMORY, .u.memory = mem},
      .g = {.kind = EXTERN_GLOBAL, .u.global = g},
      .gm = {.kind = EXTERN_GLOBAL, .u.global = gm},
  };
  Provided p;

  /* everything right: links, and holds a reference on what it imports */
  Loaded *l = load("rt-imports.wasm", resolve_provided, &good);
  g_assert_true(l->inst->tables[0] == tab);
  g_assert_true(l->inst->memories[0] == mem);
  g_assert_true(l->inst->globals[1] == gm);
  g_assert_true(l->inst->funcs[0] == &f);
  g_assert_cmpint(atomic_load(&mem->refcount), ==, 2);
  g_assert_cmpint(atomic_load(&tab->refcount), ==, 2);
  g_assert_cmpint(atomic_load(&gm->refcount), ==, 2);
  unload(l);
  g_assert_cmpint(atomic_load(&mem->refcount), ==, 1);
  g_assert_cmpint(atomic_load(&tab->refcount), ==, 1);
  g_assert_cmpint(atomic_load(&gm->refcount), ==, 1);

  /* a wider table maximum is fine as long as it is within 20; a larger
   * current size too */
  p = good;
  Table *tab_big = table_new(VAL_FUNCREF, 15, 20, true, NULL);
  p.tab.u.table = tab_big;
  unload(load("rt-imports.wasm", resolve_provided, &p));
  table_unref(tab_big);

  /* no resolver, or nothing for one import */
  Module *module = read_module("rt-imports.wasm");
  g_assert_null(instance_new(module, NULL, NULL, 0, err, sizeof err));
  g_assert_cmpstr(err, ==, "unknown import: env.f");
  module_free(module);
  p = good;
  p.mem.kind = 0xFF;
  assert_link_error(&p, "unknown import: env.mem");

  /* functions: exact type */
  p = good;
  p.f.u.func = &wrong;
  assert_link_error(&p, "incompatible import type: env.f");
  /* the wrong kind */
  p = good;
  p.f = good.g;
  assert_link_error(&p, "incompatible import type: env.f");
  p = good;
  p.g = good.mem;
  assert_link_error(&p, "incompatible import type: env.g");

  /* tables: element type, min, max */
  p = good;
  p.tab.u.table = tab_extern;
  assert_link_error(&p, "incompatible import type: env.tab");
  p.tab.u.table = tab_small;
  assert_link_error(&p, "incompatible import type: env.tab");
  p.tab.u.table = tab_nomax;
  assert_link_error(&p, "incompatible import type: env.tab");
  p.tab.u.table = tab_bigmax;
  assert_link_error(&p, "incompatible import type: env.tab");

  /* memories: min is the current size, max must be present and <= 2 */
  p = good;
  p.mem.u.memory = mem_empty;
  assert_link_error(&p, "incompatible import type: env.mem");
  g_assert_cmpint(memory_grow(mem_empty, 1), ==, 0);
  unload(load("rt-imports.wasm", resolve_provided, &p)); /* grown: it fits now */
  p.mem.u.memory = mem_nomax;
  assert_link_error(&p, "incompatible import type: env.mem");
  p.mem.u.memory = mem_bigmax;
  assert_link_error(&p, "incompatible import type: env.mem");

  /* globals: value type and mutability, both exact */
  p = good;
  p.g.u.global = g_mut;
  assert_link_error(&p, "incompatible import type: env.g");
  p.g.u.global = g_f32;
  assert_link_error(&p, "incompatible import type: env.g");
  p = good;
  p.gm.u.global = gm_const;
  assert_link_error(&p, "incompatible import type: env.gm");

  /* failed links released what they had taken */
  g_assert_cmpint(atomic_load(&mem->refcount), ==, 1);
  g_assert_cmpint(atomic_load(&tab->refcount), ==, 1);
  g_assert_cmpint(atomic_load(&g->refcount), ==, 1);

  table_unref(tab);
  table_unref(tab_nomax);
  table_unref(tab_bigmax);
  table_unref(tab_small);
  table_unref(tab_extern);
  memory_unref(mem);
  memory_unref(mem_nomax);
  memory_unref(mem_bigmax);
  memory_unref(mem_empty);
  global_unref(g);
  global_unref(g_mut);
  global_unref(g_f32);
  global_unref(gm);
  global_unref(gm_const);
  free_failed_modules();
}

/* An importer keeps its exporter alive: code, memory and table. */
static void test_link_lifetime(void)
{
  Loaded *m = load("rt-exporter.wasm", NULL, NULL);
  Loaded *seg = load("rt-seg-modes.wasm", resolve_exporter, m);
  g_assert_cmpint(atomic_load(&m->inst->refcount), ==, 2);
  g_assert_cmpuint(seg->inst->num_deps, ==, 1);
  /* the exporter goes first; the importer still reads its global */
  Module *exporter_module = m->module;
  exec_env_free(m->env);
  instance_unref(m->inst);
  g_free(m);
  g_assert_cmpint(seg->inst->globals[0]->value.i32, ==, 42);
  unload(seg);
  module_free(exporter_module);
}

/* --- instantiation order (Wasm 2.0) --- */

static void test_segments_table_out_of_bounds(void)
{
  Loaded *m = load("rt-exporter.wasm", NULL, NULL);
  char err[256] = "";
  g_assert_null(try_load("rt-seg-table-oob.wasm", resolve_exporter, m, err, sizeof err));
  g_assert_cmpstr(err, ==, "out of bounds table access");
  /* the first segment stays, and its function outlives the failed
   * instance; nothing of the second; the data segment never ran */
  g_assert_cmpuint(run(m, "call", 7, 0), ==, 0x51);
  assert_trap(m, "call", 8, 0, "uninitialized element 8");
  g_assert_cmpuint(run(m, "load8", 0, 0), ==, 0);
  g_assert_cmpint(atomic_load(&m->inst->refcount), ==, 1);
  unload(m);
  free_failed_modules();
}

static void test_segments_memory_out_of_bounds(void)
{
  Loaded *m = load("rt-exporter.wasm", NULL, NULL);
  char err[256] = "";
  g_assert_null(try_load("rt-seg-memory-oob.wasm", resolve_exporter, m, err, sizeof err));
  g_assert_cmpstr(err, ==, "out of bounds memory access");
  g_assert_cmpuint(run(m, "call", 3, 0), ==, 0x52);
  /* in order: the second segment overwrote the first's first byte */
  g_assert_cmpuint(run(m, "load8", 100, 0), ==, 3);
  g_assert_cmpuint(run(m, "load8", 101, 0), ==, 2);
  /* the failing segment wrote nothing, not even its in-bounds byte */
  g_assert_cmpuint(run(m, "load8", 0xFFFF, 0), ==, 0);
  unload(m);
  free_failed_modules();
}

static void test_segments_modes(void)
{
  Loaded *m = load("rt-exporter.wasm", NULL, NULL);
  Loaded *l = load("rt-seg-modes.wasm", resolve_exporter, m);
  g_assert_cmpuint(l->module->num_elems, ==, 3);
  g_assert_cmpuint(l->inst->elem_dropped[0], ==, 1); /* active */
  g_assert_cmpuint(l->inst->elem_dropped[1], ==, 0); /* passive */
  g_assert_cmpuint(l->inst->elem_dropped[2], ==, 1); /* declarative */
  g_assert_cmpuint(l->inst->data_dropped[0], ==, 0); /* passive */
  g_assert_cmpuint(l->inst->data_dropped[1], ==, 1); /* active */
  g_assert_cmpmem(l->inst->memories[0]->base + 16, 6, "active", 6);
  g_assert_cmpuint(run(l, "call1", 0, 0), ==, 7);
  g_assert_true(l->inst->tables[0]->elems[1] == l->inst->funcs[0]);
  g_assert_null(l->inst->tables[0]->elems[0]);
  /* global.get of an import in an initialiser */
  g_assert_cmpint(l->inst->globals[1]->value.i32, ==, 42);
  unload(l);
  unload(m);
}

static void test_start(void)
{
  Loaded *m = load("rt-exporter.wasm", NULL, NULL);
  char err[256] = "";
  g_assert_null(try_load("rt-start.wasm", resolve_exporter, m, err, sizeof err));
  g_assert_cmpstr(err, ==, "unreachable");
  g_assert_cmpuint(run(m, "load8", 200, 0), ==, 9);
  unload(m);
  free_failed_modules();

  /* a start function runs after the data segments */
  Loaded *l = load("rt-start-ok.wasm", NULL, NULL);
  g_assert_cmpint(l->inst->globals[0]->value.i32, ==, 6);
  unload(l);
}

/* --- host entries --- */

static void test_host_exception(void)
{
  Loaded *l = load_exec();
  host.mode = FAIL_EXCEPTION;
  assert_trap(l, "call-fail", 0, 0, "host says no");
  g_assert_cmpint(l->env->trap_kind, ==, TRAP_HOST);
  assert_env_idle(l);
  /* a new call starts without the old exception */
  g_assert_cmpuint(run(l, "size", 0, 0), ==, 1);
  g_assert_false(l->inst->has_exception);
  assert_trap(l, "trap", 0, 0, "unreachable");
  g_assert_cmpint(l->env->trap_kind, ==, TRAP_UNREACHABLE);
  unload(l);
}

static void test_nested_depth_limit(void)
{
  Loaded *l = load_exec();
  host.mode = REENTER_FOREVER;
  assert_trap(l, "recurse", 0, 0, "call stack exhausted");
  /* host -> Wasm entries nest up to the limit, then the next one fails */
  g_assert_cmpuint(host.deepest, ==, MAX_NATIVE_DEPTH - 1);
  assert_env_idle(l);

  /* nested entries that trap unwind one level only */
  host.mode = REENTER_CATCH;
  uint64_t argv[1] = {3};
  g_assert_true(invoke(l, "recurse", argv));
  g_assert_cmpuint(argv[0], ==, 1003);
  g_assert_false(l->inst->has_exception);
  assert_env_idle(l);
  unload(l);
}

/* --- contract 6 --- */

static gpointer interrupt_when_running(gpointer data)
{
  Loaded *l = data;
  volatile int32_t *count = &l->inst->globals[0]->value.i32;
  /* wait until the loop really runs, then stop it from here */
  while (*count < 1000)
    g_usleep(1000);
  atomic_store(&l->inst->interrupt, 1);
  return NULL;
}

static void test_interrupt_from_thread(void)
{
  Loaded *l = load_exec();
  GThread *t = g_thread_new("interrupter", interrupt_when_running, l);
  assert_trap(l, "spin", 0, 0, "terminated by user");
  g_thread_join(t);
  g_assert_cmpint(l->inst->globals[0]->value.i32, >=, 1000);
  /* the request was answered: the flag is clear and the instance works */
  g_assert_cmpint(atomic_load(&l->inst->interrupt), ==, 0);
  g_assert_cmpuint(run(l, "size", 0, 0), ==, 1);
  assert_env_idle(l);

  /* a flag set before the call stops it at once */
  atomic_store(&l->inst->interrupt, 1);
  assert_trap(l, "size", 0, 0, "terminated by user");
  g_assert_cmpuint(run(l, "size", 0, 0), ==, 1);
  unload(l);
}

static void test_fuel(void)
{
  Loaded *l = load_exec();
  l->env->fuel = 5000;
  assert_trap(l, "spin", 0, 0, "fuel exhausted");
  g_assert_cmpint(l->env->fuel, ==, 0);
  int32_t spun = l->inst->globals[0]->value.i32;
  g_assert_cmpint(spun, >, 4000);
  g_assert_cmpint(spun, <=, 5001);
  /* spent fuel stays spent */
  assert_trap(l, "spin", 0, 0, "fuel exhausted");
  l->env->fuel = -1;
  g_assert_cmpuint(run(l, "size", 0, 0), ==, 1);
  unload(l);
}

/* --- modes --- */

static void test_tiers(void)
{
  g_assert_cmpint(tier_is_supported(TIER_INTERP), ==, WP_HAVE_CLASSIC_INTERP);
  g_assert_cmpint(tier_is_supported(TIER_FAST_INTERP), ==, WP_HAVE_FAST_INTERP);
  g_assert_cmpint(tier_is_supported(TIER_FAST_JIT), ==, WP_HAVE_FAST_JIT);
  g_assert_cmpint(tier_is_supported(TIER_LLVM_JIT), ==, WP_HAVE_LLVM_JIT);
  g_assert_cmpint(tier_is_supported(TIER_MULTI_TIER_JIT), ==,
                  WP_HAVE_FAST_JIT && WP_HAVE_LLVM_JIT);
  g_assert_false(tier_is_supported(TIER_DEFAULT));
  g_assert_false(tier_is_supported(TIER_COUNT));
  g_assert_cmpstr(tier_name(TIER_INTERP), ==, "interp");
  g_assert_cmpstr(tier_name(TIER_FAST_INTERP), ==, "fast-interp");

  /* automatic: the highest of multi-tier, LLVM, Fast JIT, fast, classic */
  int want = WP_HAVE_FAST_JIT && WP_HAVE_LLVM_JIT ? TIER_MULTI_TIER_JIT
             : WP_HAVE_LLVM_JIT                   ? TIER_LLVM_JIT
             : WP_HAVE_FAST_JIT                   ? TIER_FAST_JIT
             : WP_HAVE_FAST_INTERP                ? TIER_FAST_INTERP
                                                  : TIER_INTERP;
  g_assert_cmpint(tier_automatic(), ==, want);

  Loaded *l = load("rt-start-ok.wasm", NULL, NULL);
  g_assert_cmpint(tier_get_default(), ==, TIER_DEFAULT);
  g_assert_cmpint(tier_effective(l->inst), ==, want);

  /* runtime default > automatic; an unsupported default is not taken */
  int other = TIER_COUNT;
  for (int mode = TIER_INTERP; mode < TIER_COUNT; mode++)
    if (!tier_is_supported(mode))
      other = mode;
  if (other != TIER_COUNT) {
    tier_set_default(other);
    g_assert_cmpint(tier_get_default(), ==, TIER_DEFAULT);
  }
  tier_set_default(TIER_INTERP);
  g_assert_cmpint(tier_get_default(), ==, TIER_INTERP);
  g_assert_cmpint(tier_effective(l->inst), ==, TIER_INTERP);

  /* instance mode > runtime default; an unsupported one falls through */
  l->inst->running_mode = TIER_INTERP;
  g_assert_cmpint(tier_effective(l->inst), ==, TIER_INTERP);
  if (other != TIER_COUNT) {
    l->inst->running_mode = other;
    g_assert_cmpint(tier_effective(l->inst), ==, TIER_INTERP);
  }
  tier_set_default(TIER_DEFAULT);
  g_assert_cmpint(tier_get_default(), ==, TIER_DEFAULT);
  g_assert_cmpint(tier_effective(NULL), ==, want);
  unload(l);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  failed_modules = g_ptr_array_new_with_free_func((GDestroyNotify)module_free);
  g_test_add_func("/runtime/memory/grow-in-place", test_memory_grow_in_place);
  g_test_add_func("/runtime/memory/fault-trap", test_memory_fault_trap);
  g_test_add_func("/runtime/memory/fault-chain-in-host", test_fault_chain_in_host);
  g_test_add_func("/runtime/memory/fault-chain-outside", test_fault_chain_outside);
  g_test_add_func("/runtime/table/grow", test_table_grow);
  g_test_add_func("/runtime/link/errors", test_link_errors);
  g_test_add_func("/runtime/link/lifetime", test_link_lifetime);
  g_test_add_func("/runtime/segments/table-out-of-bounds", test_segments_table_out_of_bounds);
  g_test_add_func("/runtime/segments/memory-out-of-bounds", test_segments_memory_out_of_bounds);
  g_test_add_func("/runtime/segments/modes", test_segments_modes);
  g_test_add_func("/runtime/start", test_start);
  g_test_add_func("/runtime/host/exception", test_host_exception);
  g_test_add_func("/runtime/host/nested-depth-limit", test_nested_depth_limit);
  g_test_add_func("/runtime/interrupt/from-thread", test_interrupt_from_thread);
  g_test_add_func("/runtime/interrupt/fuel", test_fuel);
  g_test_add_func("/runtime/tiers", test_tiers);
  return g_test_run();
}
