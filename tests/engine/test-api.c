/*
 * test-api.c -- the embedding API (engine/include/wasm_export.h), used only
 * through that header, as an embedder would: initialisation, running modes,
 * loading, calls with cells and typed values, natives of every signature
 * letter, exceptions, terminate and fuel, introspection, memory and module
 * heap, linking by name, and wrong use answered with errors.
 *
 * Modules: tests/wat/api-*.wat.
 */
#include <glib.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "wasm_export.h"

/* --- helpers --- */

/* The mode the tests' Wasm runs in: WP_TEST_MODE (meson runs this unit once
 * per interpreter the build has), the classic interpreter by default. */
static RunningMode test_mode(void)
{
  const char *mode = g_getenv("WP_TEST_MODE");
  if (mode && strcmp(mode, "fast-interp") == 0)
    return Mode_Fast_Interp;
  if (mode && strcmp(mode, "llvm-jit") == 0)
    return Mode_LLVM_JIT;
  return Mode_Interp;
}

static void runtime_up(void)
{
  RuntimeInitArgs args;
  memset(&args, 0, sizeof args);
  args.running_mode = test_mode();
  g_assert_true(wasm_runtime_full_init(&args));
}

static wasm_module_t load(const char *name)
{
  g_autofree char *path = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), name, NULL);
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true(g_file_get_contents(path, &bytes, &size, &error));
  g_assert_no_error(error);
  char err[256] = "";
  wasm_module_t m = wasm_runtime_load((uint8_t *)bytes, (uint32_t)size, err, sizeof err);
  if (!m)
    g_error("loading %s: %s", name, err);
  return m; /* the bytes were copied: freeing them here is fine */
}

static wasm_module_inst_t instantiate(wasm_module_t m)
{
  char err[256] = "";
  wasm_module_inst_t inst = wasm_runtime_instantiate(m, 0, 0, err, sizeof err);
  if (!inst)
    g_error("instantiating: %s", err);
  return inst;
}

static void assert_exception(wasm_module_inst_t inst, const char *part)
{
  const char *e = wasm_runtime_get_exception(inst);
  g_assert_nonnull(e);
  g_assert_true(g_str_has_prefix(e, "Exception: "));
  if (!strstr(e, part))
    g_error("exception \"%s\" does not mention \"%s\"", e, part);
}

/* --- initialisation and modes --- */

static void test_init_zeroed(void)
{
  RuntimeInitArgs args;
  memset(&args, 0, sizeof args);
  args.running_mode = test_mode();
  g_assert_true(wasm_runtime_full_init(&args));
  /* nested pairs are counted */
  g_assert_true(wasm_runtime_init());
  wasm_runtime_destroy();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  g_assert_cmpint(wasm_runtime_get_running_mode(inst), ==, test_mode());
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);

  uint32_t major = 99, minor = 99, patch = 99;
  wasm_runtime_get_version(&major, &minor, &patch);
  g_assert_cmpuint(major, <, 99);
  wasm_runtime_destroy();

  /* a fully zeroed struct works too: the automatic mode */
  memset(&args, 0, sizeof args);
  g_assert_true(wasm_runtime_full_init(&args));
  wasm_runtime_destroy();
}

static void test_init_unsupported_mode(void)
{
  wasm_runtime_set_log_level(WASM_LOG_LEVEL_FATAL); /* expected errors: keep quiet */
  for (int mode = Mode_Interp; mode <= Mode_Fast_Interp; mode++) {
    if (wasm_runtime_is_running_mode_supported((RunningMode)mode))
      continue;
    RuntimeInitArgs args;
    memset(&args, 0, sizeof args);
    args.running_mode = (RunningMode)mode;
    g_assert_false(wasm_runtime_full_init(&args));
  }
  RuntimeInitArgs args;
  memset(&args, 0, sizeof args);
  args.running_mode = (RunningMode)42;
  g_assert_false(wasm_runtime_full_init(&args));
  wasm_runtime_set_log_level(WASM_LOG_LEVEL_WARNING);
}

static void test_modes(void)
{
  runtime_up();
  g_assert_true(wasm_runtime_is_running_mode_supported(Mode_Interp));
  g_assert_false(wasm_runtime_is_running_mode_supported((RunningMode)42));
  g_assert_false(wasm_runtime_is_running_mode_supported((RunningMode)-1));

  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);

  /* default applies to an instance with no mode of its own */
  g_assert_true(wasm_runtime_set_default_running_mode(Mode_Interp));
  g_assert_cmpint(wasm_runtime_get_running_mode(inst), ==, Mode_Interp);

  for (int mode = Mode_Interp; mode <= Mode_Fast_Interp; mode++) {
    bool supported = wasm_runtime_is_running_mode_supported((RunningMode)mode);
    g_assert_cmpint(wasm_runtime_set_default_running_mode((RunningMode)mode), ==, supported);
    g_assert_cmpint(wasm_runtime_set_running_mode(inst, (RunningMode)mode), ==, supported);
    if (supported) {
      /* instance mode > default */
      g_assert_cmpint(wasm_runtime_get_running_mode(inst), ==, mode);
      wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);
      wasm_function_inst_t fib = wasm_runtime_lookup_function(inst, "fib");
      uint32_t cells[1] = {20};
      g_assert_true(wasm_runtime_call_wasm(env, fib, 1, cells));
      g_assert_cmpuint(cells[0], ==, 6765);
      wasm_runtime_destroy_exec_env(env);
    }
  }
  /* an unsupported mode changes nothing */
  g_assert_true(wasm_runtime_set_running_mode(inst, Mode_Interp));
  g_assert_false(wasm_runtime_set_running_mode(inst, (RunningMode)42));
  g_assert_cmpint(wasm_runtime_get_running_mode(inst), ==, Mode_Interp);

  /* back to the default, then to automatic: always a real, supported mode */
  g_assert_true(wasm_runtime_set_running_mode(inst, Mode_Default));
  g_assert_true(wasm_runtime_set_default_running_mode(Mode_Default));
  RunningMode automatic = wasm_runtime_get_running_mode(inst);
  g_assert_cmpint(automatic, !=, Mode_Default);
  g_assert_true(wasm_runtime_is_running_mode_supported(automatic));

  g_assert_false(wasm_runtime_set_running_mode(NULL, Mode_Interp));
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- loading --- */

static void test_load_errors(void)
{
  runtime_up();
  char err[256];

  uint8_t bad_magic[] = {0, 'a', 's', 'n', 1, 0, 0, 0};
  err[0] = '\0';
  g_assert_null(wasm_runtime_load(bad_magic, sizeof bad_magic, err, sizeof err));
  g_assert_cmpstr(err, !=, "");

  /* header, then a type section that claims 5 bytes and has 2 */
  uint8_t truncated[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 0x01, 0x05, 0x01, 0x60};
  err[0] = '\0';
  g_assert_null(wasm_runtime_load(truncated, sizeof truncated, err, sizeof err));
  g_assert_cmpstr(err, !=, "");

  /* (func (result i32) (i64.const 0)): decodes, fails validation */
  uint8_t invalid[] = {0,    'a',  's',  'm',  1,    0,    0,    0,    0x01, 0x05, 0x01,
                       0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x06, 0x01,
                       0x04, 0x00, 0x42, 0x00, 0x0b};
  err[0] = '\0';
  g_assert_null(wasm_runtime_load(invalid, sizeof invalid, err, sizeof err));
  g_assert_nonnull(strstr(err, "type mismatch"));

  /* the same, valid: (func (result i32) (i32.const 0)) */
  invalid[24] = 0x41;
  wasm_module_t m = wasm_runtime_load(invalid, sizeof invalid, err, sizeof err);
  g_assert_nonnull(m);
  g_assert_cmpint(get_package_type(invalid, sizeof invalid), ==, Wasm_Module_Bytecode);
  wasm_runtime_unload(m);

  err[0] = '\0';
  g_assert_null(wasm_runtime_load(NULL, 0, err, sizeof err));
  g_assert_cmpstr(err, !=, "");
  g_assert_null(wasm_runtime_load(bad_magic, sizeof bad_magic, NULL, 0));
  wasm_runtime_destroy();
}

/* An instance keeps its module alive after wasm_runtime_unload. */
static void test_module_lifetime(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  g_assert_true(wasm_runtime_get_module(inst) == m);
  wasm_runtime_unload(m);
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
  g_assert_nonnull(env);
  g_assert_true(wasm_runtime_get_exec_env_singleton(inst) == env);
  g_assert_true(wasm_runtime_get_module_inst(env) == inst);
  uint32_t cells[1] = {10};
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "fib"), 1, cells));
  g_assert_cmpuint(cells[0], ==, 55);
  wasm_runtime_destroy_exec_env(env); /* the singleton: ignored */
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_destroy();
}

/* --- calls --- */

static void test_call_cells(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 64 * 1024);
  g_assert_nonnull(env);
  g_assert_true(wasm_runtime_get_module_inst(env) == inst);

  uint32_t c[6];
  wasm_function_inst_t add = wasm_runtime_lookup_function(inst, "add");
  g_assert_nonnull(add);
  g_assert_cmpuint(wasm_func_get_param_count(add, inst), ==, 2);
  g_assert_cmpuint(wasm_func_get_result_count(add, inst), ==, 1);
  c[0] = 40, c[1] = (uint32_t)-2;
  g_assert_true(wasm_runtime_call_wasm(env, add, 2, c));
  g_assert_cmpuint(c[0], ==, 38);

  /* i64: two cells, low word first */
  int64_t a = 0x100000000ll, b = -5;
  memcpy(&c[0], &a, 8);
  memcpy(&c[2], &b, 8);
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "add64"), 4, c));
  int64_t r64;
  memcpy(&r64, c, 8);
  g_assert_cmpint(r64, ==, 0xFFFFFFFBll);

  float f1 = 1.5f, f2 = -4.0f, rf;
  memcpy(&c[0], &f1, 4);
  memcpy(&c[1], &f2, 4);
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "mulf"), 2, c));
  memcpy(&rf, c, 4);
  g_assert_cmpfloat(rf, ==, -6.0f);

  double d1 = 1.0, d2 = 8.0, rd;
  memcpy(&c[0], &d1, 8);
  memcpy(&c[2], &d2, 8);
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "divd"), 4, c));
  memcpy(&rd, c, 8);
  g_assert_cmpfloat(rd, ==, 0.125);

  /* mixed: i32 (1 cell), i64 (2), f64 (2) */
  int32_t i = -1;
  int64_t l = 1000;
  double d = 2.9;
  memcpy(&c[0], &i, 4);
  memcpy(&c[1], &l, 8);
  memcpy(&c[3], &d, 8);
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "mix"), 5, c));
  memcpy(&r64, c, 8);
  g_assert_cmpint(r64, ==, 1001);

  /* multi-value: (i32, i64) -> (i64, i32) */
  i = 7, l = -9;
  memcpy(&c[0], &i, 4);
  memcpy(&c[1], &l, 8);
  wasm_function_inst_t swap = wasm_runtime_lookup_function(inst, "swap");
  g_assert_cmpuint(wasm_func_get_result_count(swap, inst), ==, 2);
  g_assert_true(wasm_runtime_call_wasm(env, swap, 3, c));
  memcpy(&r64, c, 8);
  g_assert_cmpint(r64, ==, -9);
  g_assert_cmpint((int32_t)c[2], ==, 7);

  /* externref: a pointer-sized value in two cells */
  uint64_t ref = (uintptr_t)&ref;
  memcpy(c, &ref, 8);
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "ref_id"), 2, c));
  uint64_t back;
  memcpy(&back, c, 8);
  g_assert_cmpuint(back, ==, (uintptr_t)&ref);

  /* too few cells */
  g_assert_false(wasm_runtime_call_wasm(env, add, 1, c));
  assert_exception(inst, "argument count");
  wasm_runtime_clear_exception(inst);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

static void test_call_typed(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);

  wasm_function_inst_t mix = wasm_runtime_lookup_function(inst, "mix");
  wasm_valkind_t kinds[3];
  wasm_func_get_param_types(mix, inst, kinds);
  g_assert_cmpint(kinds[0], ==, WASM_I32);
  g_assert_cmpint(kinds[1], ==, WASM_I64);
  g_assert_cmpint(kinds[2], ==, WASM_F64);
  wasm_func_get_result_types(mix, inst, kinds);
  g_assert_cmpint(kinds[0], ==, WASM_I64);

  wasm_val_t args[3], res[2];
  args[0].kind = WASM_I32, args[0].of.i32 = 5;
  args[1].kind = WASM_I64, args[1].of.i64 = 1ll << 40;
  args[2].kind = WASM_F64, args[2].of.f64 = -3.5;
  g_assert_true(wasm_runtime_call_wasm_a(env, mix, 1, res, 3, args));
  g_assert_cmpint(res[0].kind, ==, WASM_I64);
  g_assert_cmpint(res[0].of.i64, ==, (1ll << 40) + 5 - 3);

  wasm_function_inst_t swap = wasm_runtime_lookup_function(inst, "swap");
  args[0].kind = WASM_I32, args[0].of.i32 = 1;
  args[1].kind = WASM_I64, args[1].of.i64 = 2;
  g_assert_true(wasm_runtime_call_wasm_a(env, swap, 2, res, 2, args));
  g_assert_cmpint(res[0].kind, ==, WASM_I64);
  g_assert_cmpint(res[0].of.i64, ==, 2);
  g_assert_cmpint(res[1].kind, ==, WASM_I32);
  g_assert_cmpint(res[1].of.i32, ==, 1);

  wasm_function_inst_t ref_id = wasm_runtime_lookup_function(inst, "ref_id");
  args[0].kind = WASM_EXTERNREF, args[0].of.foreign = 0xabcdef;
  g_assert_true(wasm_runtime_call_wasm_a(env, ref_id, 1, res, 1, args));
  g_assert_cmpint(res[0].kind, ==, WASM_EXTERNREF);
  g_assert_cmpuint(res[0].of.foreign, ==, 0xabcdef);

  /* wrong counts and kinds */
  g_assert_false(wasm_runtime_call_wasm_a(env, mix, 1, res, 2, args));
  assert_exception(inst, "argument count");
  g_assert_false(wasm_runtime_call_wasm_a(env, mix, 0, NULL, 3, args));
  assert_exception(inst, "result count");
  args[0].kind = WASM_F32; /* mix wants an i32 first */
  args[1].kind = WASM_I64;
  args[2].kind = WASM_F64;
  g_assert_false(wasm_runtime_call_wasm_a(env, mix, 1, res, 3, args));
  assert_exception(inst, "argument 0");
  g_assert_false(wasm_runtime_call_wasm_a(env, mix, 1, res, 3, NULL));
  wasm_runtime_clear_exception(inst);

  /* variadic: f32 travels as double */
  g_assert_true(wasm_runtime_call_wasm_v(env, mix, 1, res, 3, (int32_t)-2, (int64_t)10, 0.5));
  g_assert_cmpint(res[0].of.i64, ==, 8);
  g_assert_true(
      wasm_runtime_call_wasm_v(env, wasm_runtime_lookup_function(inst, "mulf"), 1, res, 2, 2.5, 4.0));
  g_assert_cmpint(res[0].kind, ==, WASM_F32);
  g_assert_cmpfloat(res[0].of.f32, ==, 10.0f);
  g_assert_false(wasm_runtime_call_wasm_v(env, mix, 1, res, 1, (int32_t)1));

  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* Wrong use is answered with false/NULL and a reason, never a crash. */
static void test_wrong_use(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_module_inst_t other = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);
  wasm_function_inst_t add = wasm_runtime_lookup_function(inst, "add");
  wasm_function_inst_t other_add = wasm_runtime_lookup_function(other, "add");
  uint32_t c[2] = {1, 2};
  char err[128];

  g_assert_null(wasm_runtime_instantiate(NULL, 0, 0, err, sizeof err));
  g_assert_null(wasm_runtime_lookup_function(NULL, "add"));
  g_assert_null(wasm_runtime_lookup_function(inst, NULL));
  g_assert_null(wasm_runtime_lookup_function(inst, "no-such-function"));
  g_assert_null(wasm_runtime_lookup_function(inst, "memory")); /* not a function */
  g_assert_null(wasm_runtime_create_exec_env(NULL, 0));
  g_assert_false(wasm_runtime_call_wasm(NULL, add, 2, c));
  g_assert_false(wasm_runtime_call_wasm(env, NULL, 2, c));
  assert_exception(inst, "no function");
  g_assert_false(wasm_runtime_call_wasm(env, other_add, 2, c));
  assert_exception(inst, "another instance");
  g_assert_null(wasm_runtime_get_exception(other));
  g_assert_false(wasm_runtime_call_wasm(env, add, 2, NULL));
  g_assert_false(wasm_runtime_call_wasm_a(NULL, add, 0, NULL, 0, NULL));
  wasm_runtime_clear_exception(inst);
  /* still fine afterwards */
  g_assert_true(wasm_runtime_call_wasm(env, add, 2, c));
  g_assert_cmpuint(c[0], ==, 3);

  g_assert_null(wasm_runtime_get_exception(NULL));
  wasm_runtime_set_exception(NULL, "x");
  wasm_runtime_clear_exception(NULL);
  wasm_runtime_terminate(NULL);
  g_assert_null(wasm_runtime_get_exec_env_singleton(NULL));
  g_assert_null(wasm_runtime_get_module_inst(NULL));
  g_assert_null(wasm_runtime_get_module(NULL));
  g_assert_cmpuint(wasm_func_get_param_count(NULL, inst), ==, 0);
  g_assert_cmpint(wasm_runtime_get_export_count(NULL), ==, -1);
  g_assert_cmpint(wasm_runtime_get_import_count(NULL), ==, -1);
  wasm_export_t ex;
  wasm_runtime_get_export_type(m, 1000, &ex);
  g_assert_null(ex.name);
  wasm_runtime_get_export_type(m, -1, &ex);
  g_assert_null(ex.name);
  g_assert_false(wasm_runtime_validate_app_addr(NULL, 0, 1));
  g_assert_null(wasm_runtime_addr_app_to_native(NULL, 0));
  g_assert_null(wasm_runtime_get_default_memory(NULL));
  g_assert_false(wasm_memory_enlarge(NULL, 1));
  g_assert_cmpuint(wasm_runtime_module_malloc(NULL, 8, NULL), ==, 0);
  wasm_runtime_set_log_level(WASM_LOG_LEVEL_FATAL); /* expected errors: keep quiet */
  g_assert_false(wasm_runtime_register_natives(NULL, NULL, 0));
  wasm_runtime_set_log_level(WASM_LOG_LEVEL_WARNING);
  g_assert_false(wasm_runtime_unregister_natives("nobody", NULL));
  g_assert_false(wasm_runtime_register_module_instance(NULL, inst));
  g_assert_false(wasm_runtime_unregister_module_instance("nobody"));
  g_assert_false(wasm_runtime_register_module("x", NULL, err, sizeof err));
  wasm_runtime_deinstantiate(NULL);
  wasm_runtime_unload(NULL);
  wasm_runtime_destroy_exec_env(NULL);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(other);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- exceptions, terminate, fuel --- */

static void test_exceptions(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);
  wasm_function_inst_t div = wasm_runtime_lookup_function(inst, "div_s");

  g_assert_null(wasm_runtime_get_exception(inst));
  uint32_t c[2] = {7, 0};
  g_assert_false(wasm_runtime_call_wasm(env, div, 2, c));
  g_assert_cmpstr(wasm_runtime_get_exception(inst), ==, "Exception: integer divide by zero");
  wasm_runtime_clear_exception(inst);
  g_assert_null(wasm_runtime_get_exception(inst));

  c[0] = 0x80000000u, c[1] = (uint32_t)-1;
  g_assert_false(wasm_runtime_call_wasm(env, div, 2, c));
  assert_exception(inst, "integer overflow");
  /* the next call starts clean and the instance is usable */
  c[0] = 9, c[1] = 2;
  g_assert_true(wasm_runtime_call_wasm(env, div, 2, c));
  g_assert_cmpuint(c[0], ==, 4);
  g_assert_null(wasm_runtime_get_exception(inst));

  g_assert_false(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "trap"), 0, NULL));
  assert_exception(inst, "unreachable");

  wasm_runtime_set_exception(inst, "custom trouble");
  g_assert_cmpstr(wasm_runtime_get_exception(inst), ==, "Exception: custom trouble");
  /* setting what get returned keeps one prefix */
  wasm_runtime_set_exception(inst, wasm_runtime_get_exception(inst));
  g_assert_cmpstr(wasm_runtime_get_exception(inst), ==, "Exception: custom trouble");
  wasm_runtime_set_exception(inst, NULL);
  g_assert_null(wasm_runtime_get_exception(inst));

  /* a very long message is cut, not overflowed */
  char longmsg[1000];
  memset(longmsg, 'x', sizeof longmsg - 1);
  longmsg[sizeof longmsg - 1] = '\0';
  wasm_runtime_set_exception(inst, longmsg);
  g_assert_true(g_str_has_prefix(wasm_runtime_get_exception(inst), "Exception: xxx"));
  wasm_runtime_clear_exception(inst);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

static void *terminate_later(void *inst)
{
  g_usleep(50 * 1000);
  wasm_runtime_terminate(inst);
  return NULL;
}

static void test_terminate(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);

  pthread_t killer;
  pthread_create(&killer, NULL, terminate_later, inst);
  g_assert_false(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "spin"), 0, NULL));
  pthread_join(killer, NULL);
  assert_exception(inst, "terminated");

  wasm_runtime_clear_exception(inst);
  uint32_t c[1] = {12};
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "fib"), 1, c));
  g_assert_cmpuint(c[0], ==, 144);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

static void test_fuel(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);

  wasm_runtime_set_instruction_count_limit(env, 10000);
  g_assert_false(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "spin"), 0, NULL));
  assert_exception(inst, "fuel");

  wasm_runtime_set_instruction_count_limit(env, -1);
  uint32_t c[1] = {15};
  g_assert_true(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "fib"), 1, c));
  g_assert_cmpuint(c[0], ==, 610);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- natives --- */

static int user_value = 7;
static int attachment_value = 3;

static int32_t n_add(wasm_exec_env_t env, int32_t a, int32_t b)
{
  g_assert_nonnull(env);
  return a + b;
}

static double n_mix(wasm_exec_env_t env, int64_t a, double b) { return (double)a * b; }

static float n_sumf(wasm_exec_env_t env, float a, float b) { return a + b; }

static int32_t n_buf_sum(wasm_exec_env_t env, const uint8_t *buf, int32_t len)
{
  wasm_module_inst_t module_inst = get_module_inst(env);
  g_assert_true(validate_app_addr(addr_native_to_app((void *)buf), (uint64_t)len));
  int32_t sum = 0;
  for (int32_t i = 0; i < len; i++)
    sum += buf[i];
  return sum;
}

static int32_t n_str_len(wasm_exec_env_t env, const char *s) { return (int32_t)strlen(s); }

static int fail_calls;

static void n_fail(wasm_exec_env_t env)
{
  fail_calls++;
  wasm_runtime_set_exception(wasm_runtime_get_module_inst(env), "host says no");
}

static int32_t n_attached(wasm_exec_env_t env)
{
  int *att = wasm_runtime_get_function_attachment(env);
  int *ud = wasm_runtime_get_user_data(env);
  return (att ? *att : 0) * 100 + (ud ? *ud : 0);
}

static uintptr_t n_ref_pass(wasm_exec_env_t env, uintptr_t r) { return r + 1; }

/* Re-enters Wasm on the same exec env. */
static int32_t n_call_back(wasm_exec_env_t env, int32_t x)
{
  wasm_module_inst_t inst = wasm_runtime_get_module_inst(env);
  wasm_function_inst_t dbl = wasm_runtime_lookup_function(inst, "double");
  uint32_t c[1] = {(uint32_t)x};
  if (!wasm_runtime_call_wasm(env, dbl, 1, c))
    return -1;
  return (int32_t)c[0] + 1;
}

static void r_mul(wasm_exec_env_t env, uint64_t *args)
{
  native_raw_return_type(int32_t, args);
  native_raw_get_arg(int32_t, a, args);
  native_raw_get_arg(int32_t, b, args);
  native_raw_set_return(a * b);
}

static void r_first(wasm_exec_env_t env, uint64_t *args)
{
  native_raw_return_type(int32_t, args);
  native_raw_get_arg(const char *, s, args);
  native_raw_set_return((int32_t)s[0]);
}

static void r_half(wasm_exec_env_t env, uint64_t *args)
{
  native_raw_return_type(double, args);
  native_raw_get_arg(double, d, args);
  native_raw_set_return(d / 2);
}

static NativeSymbol env_natives[] = {
  {"add", (void *)n_add, "(ii)i", NULL},
  {"mix", (void *)n_mix, "(IF)F", NULL},
  {"sumf", (void *)n_sumf, "(ff)f", NULL},
  {"buf_sum", (void *)n_buf_sum, "(*~)i", NULL},
  {"str_len", (void *)n_str_len, "($)i", NULL},
  {"fail", (void *)n_fail, "()", NULL},
  {"attached", (void *)n_attached, "()i", &attachment_value},
  {"ref_pass", (void *)n_ref_pass, "(r)r", NULL},
  {"call_back", (void *)n_call_back, "(i)i", NULL},
};

static NativeSymbol raw_natives[] = {
  {"mul", (void *)r_mul, "(ii)i", NULL},
  {"first", (void *)r_first, "($)i", NULL},
  {"half", (void *)r_half, "(F)F", NULL},
};

static uint32_t call1(wasm_exec_env_t env, wasm_module_inst_t inst, const char *name,
                      uint32_t a, uint32_t b, bool *ok)
{
  uint32_t c[2] = {a, b};
  wasm_function_inst_t f = wasm_runtime_lookup_function(inst, name);
  g_assert_nonnull(f);
  *ok = wasm_runtime_call_wasm(env, f, wasm_func_get_param_count(f, inst), c);
  return c[0];
}

static void test_natives(void)
{
  runtime_up();
  g_assert_true(wasm_runtime_register_natives("env", env_natives, G_N_ELEMENTS(env_natives)));
  g_assert_true(wasm_runtime_register_natives_raw("raw", raw_natives, G_N_ELEMENTS(raw_natives)));
  g_assert_true(wasm_runtime_is_import_func_linked("env", "buf_sum"));
  g_assert_false(wasm_runtime_is_import_func_linked("env", "nope"));

  wasm_module_t m = load("api-natives.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);
  bool ok;

  g_assert_cmpuint(call1(env, inst, "add", 20, 22, &ok), ==, 42);
  g_assert_true(ok);

  wasm_val_t args[2], res[1];
  args[0].kind = WASM_I64, args[0].of.i64 = 3;
  args[1].kind = WASM_F64, args[1].of.f64 = 0.5;
  g_assert_true(
      wasm_runtime_call_wasm_a(env, wasm_runtime_lookup_function(inst, "mix"), 1, res, 2, args));
  g_assert_cmpfloat(res[0].of.f64, ==, 1.5);
  args[0].kind = WASM_F32, args[0].of.f32 = 0.25f;
  args[1].kind = WASM_F32, args[1].of.f32 = 2.0f;
  g_assert_true(
      wasm_runtime_call_wasm_a(env, wasm_runtime_lookup_function(inst, "sumf"), 1, res, 2, args));
  g_assert_cmpfloat(res[0].of.f32, ==, 2.25f);

  /* '*~': bytes 1..4 at 32 */
  g_assert_cmpuint(call1(env, inst, "buf_sum", 32, 4, &ok), ==, 10);
  g_assert_true(ok);
  g_assert_cmpuint(call1(env, inst, "buf_sum", 65535, 1, &ok), ==, 0);
  g_assert_true(ok); /* the last byte is fine */
  call1(env, inst, "buf_sum", 65530, 100, &ok);
  g_assert_false(ok);
  assert_exception(inst, "out of bounds memory access");

  /* '$': "hello" at 16 */
  g_assert_cmpuint(call1(env, inst, "str_len", 16, 0, &ok), ==, 5);
  g_assert_true(ok);
  call1(env, inst, "str_len", 70000, 0, &ok);
  g_assert_false(ok);
  assert_exception(inst, "out of bounds memory access");
  /* a string running into the end of memory has no NUL */
  memset(wasm_runtime_addr_app_to_native(inst, 65530), 'x', 6);
  call1(env, inst, "str_len", 65530, 0, &ok);
  g_assert_false(ok);
  assert_exception(inst, "out of bounds memory access");

  /* a native that sets an exception makes its caller trap */
  fail_calls = 0;
  call1(env, inst, "fail", 0, 0, &ok);
  g_assert_false(ok);
  g_assert_cmpint(fail_calls, ==, 1);
  assert_exception(inst, "host says no");
  wasm_runtime_clear_exception(inst);

  /* attachment and user data */
  g_assert_cmpuint(call1(env, inst, "attached", 0, 0, &ok), ==, 300);
  wasm_runtime_set_user_data(env, &user_value);
  g_assert_true(wasm_runtime_get_user_data(env) == &user_value);
  g_assert_cmpuint(call1(env, inst, "attached", 0, 0, &ok), ==, 307);
  g_assert_true(ok);
  g_assert_null(wasm_runtime_get_function_attachment(env)); /* none outside natives */

  args[0].kind = WASM_EXTERNREF, args[0].of.foreign = 0x1000;
  g_assert_true(wasm_runtime_call_wasm_a(env, wasm_runtime_lookup_function(inst, "ref_pass"), 1,
                                         res, 1, args));
  g_assert_cmpuint(res[0].of.foreign, ==, 0x1001);

  g_assert_cmpuint(call1(env, inst, "call_back", 20, 0, &ok), ==, 41);
  g_assert_true(ok);

  /* raw natives */
  g_assert_cmpuint(call1(env, inst, "raw_mul", 6, 7, &ok), ==, 42);
  g_assert_true(ok);
  args[0].kind = WASM_F64, args[0].of.f64 = 5.0;
  g_assert_true(wasm_runtime_call_wasm_a(env, wasm_runtime_lookup_function(inst, "raw_half"), 1,
                                         res, 1, args));
  g_assert_cmpfloat(res[0].of.f64, ==, 2.5);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);

  /* without the natives the imports are unknown */
  g_assert_true(wasm_runtime_unregister_natives("raw", raw_natives));
  g_assert_false(wasm_runtime_unregister_natives("raw", raw_natives));
  char err[256] = "";
  g_assert_null(wasm_runtime_instantiate(m, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "unknown import"));

  /* a native whose signature does not match the import */
  static NativeSymbol wrong[] = {
    {"mul", (void *)r_mul, "(I)i", NULL},
    {"first", (void *)r_first, "($)i", NULL},
    {"half", (void *)r_half, "(F)F", NULL},
  };
  g_assert_true(wasm_runtime_register_natives_raw("raw", wrong, G_N_ELEMENTS(wrong)));
  err[0] = '\0';
  g_assert_null(wasm_runtime_instantiate(m, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "incompatible import type"));

  /* malformed signatures register nothing */
  static NativeSymbol bad[][1] = {
    {{"f", (void *)n_add, "(ii", NULL}},
    {{"f", (void *)n_add, "ii)i", NULL}},
    {{"f", (void *)n_add, "(x)i", NULL}},
    {{"f", (void *)n_add, "(~)i", NULL}},
    {{"f", (void *)n_add, "(i)ii", NULL}},
    {{NULL, (void *)n_add, "(i)i", NULL}},
    {{"f", NULL, "(i)i", NULL}},
  };
  wasm_runtime_set_log_level(WASM_LOG_LEVEL_FATAL); /* expected errors: keep quiet */
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
    g_assert_false(wasm_runtime_register_natives("bad", bad[i], 1));
  wasm_runtime_set_log_level(WASM_LOG_LEVEL_WARNING);
  g_assert_false(wasm_runtime_is_import_func_linked("bad", "f"));

  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* Raw natives get their '*' and '$' arguments checked and made native too,
 * as the documented runtime does.  Run in a subprocess: a runtime that hands
 * the raw Wasm address over makes the native crash, and that must fail this
 * case only. */
static void test_natives_raw_pointers(void)
{
  if (!g_test_subprocess()) {
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    if (!g_test_trap_has_passed())
      g_test_fail_printf("raw natives must get checked native pointers for '*' and '$'");
    return;
  }
  runtime_up();
  g_assert_true(wasm_runtime_register_natives("env", env_natives, G_N_ELEMENTS(env_natives)));
  g_assert_true(wasm_runtime_register_natives_raw("raw", raw_natives, G_N_ELEMENTS(raw_natives)));
  wasm_module_t m = load("api-natives.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
  bool ok;
  g_assert_cmpuint(call1(env, inst, "raw_first", 16, 0, &ok), ==, 'h');
  g_assert_true(ok);
  call1(env, inst, "raw_first", 1u << 30, 0, &ok);
  g_assert_false(ok);
  assert_exception(inst, "out of bounds memory access");
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* Natives given to full_init. */
static void test_natives_from_init(void)
{
  RuntimeInitArgs args;
  memset(&args, 0, sizeof args);
  args.running_mode = test_mode();
  args.native_module_name = "env";
  args.native_symbols = env_natives;
  args.n_native_symbols = G_N_ELEMENTS(env_natives);
  g_assert_true(wasm_runtime_full_init(&args));
  g_assert_true(wasm_runtime_register_natives_raw("raw", raw_natives, G_N_ELEMENTS(raw_natives)));
  wasm_module_t m = load("api-natives.wasm");
  wasm_module_inst_t inst = instantiate(m);
  bool ok;
  g_assert_cmpuint(call1(wasm_runtime_get_exec_env_singleton(inst), inst, "add", 1, 2, &ok), ==, 3);
  g_assert_true(ok);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
  /* the last destroy dropped the registrations */
  g_assert_false(wasm_runtime_is_import_func_linked("env", "add"));
}

/* --- introspection --- */

static void test_introspection(void)
{
  runtime_up();
  g_assert_true(wasm_runtime_register_natives("env", env_natives, G_N_ELEMENTS(env_natives)));
  wasm_module_t m = load("api-natives.wasm");
  g_assert_cmpint(wasm_runtime_get_import_count(m), ==, 12);
  wasm_import_t imp;
  wasm_runtime_get_import_type(m, 1, &imp);
  g_assert_cmpstr(imp.module_name, ==, "env");
  g_assert_cmpstr(imp.name, ==, "mix");
  g_assert_cmpint(imp.kind, ==, WASM_IMPORT_EXPORT_KIND_FUNC);
  g_assert_true(imp.linked);
  g_assert_cmpuint(wasm_func_type_get_param_count(imp.u.func_type), ==, 2);
  g_assert_cmpint(wasm_func_type_get_param_valkind(imp.u.func_type, 0), ==, WASM_I64);
  g_assert_cmpint(wasm_func_type_get_param_valkind(imp.u.func_type, 1), ==, WASM_F64);
  g_assert_cmpint(wasm_func_type_get_param_valkind(imp.u.func_type, 2), ==, (wasm_valkind_t)-1);
  g_assert_cmpuint(wasm_func_type_get_result_count(imp.u.func_type), ==, 1);
  g_assert_cmpint(wasm_func_type_get_result_valkind(imp.u.func_type, 0), ==, WASM_F64);
  wasm_runtime_get_import_type(m, 9, &imp);
  g_assert_cmpstr(imp.module_name, ==, "raw");
  g_assert_false(imp.linked);
  wasm_runtime_unload(m);

  m = load("api-basic.wasm");
  g_assert_cmpint(wasm_runtime_get_import_count(m), ==, 0);
  int32_t n = wasm_runtime_get_export_count(m);
  g_assert_cmpint(n, >, 10);
  bool seen_memory = false, seen_counter = false, seen_big = false, seen_tab = false,
       seen_add = false;
  for (int32_t i = 0; i < n; i++) {
    wasm_export_t ex;
    wasm_runtime_get_export_type(m, i, &ex);
    g_assert_nonnull(ex.name);
    if (strcmp(ex.name, "memory") == 0) {
      seen_memory = true;
      g_assert_cmpint(ex.kind, ==, WASM_IMPORT_EXPORT_KIND_MEMORY);
      g_assert_cmpuint(wasm_memory_type_get_init_page_count(ex.u.memory_type), ==, 1);
      g_assert_cmpuint(wasm_memory_type_get_max_page_count(ex.u.memory_type), ==, 4);
      g_assert_false(wasm_memory_type_get_shared(ex.u.memory_type));
    } else if (strcmp(ex.name, "counter") == 0) {
      seen_counter = true;
      g_assert_cmpint(ex.kind, ==, WASM_IMPORT_EXPORT_KIND_GLOBAL);
      g_assert_cmpint(wasm_global_type_get_valkind(ex.u.global_type), ==, WASM_I32);
      g_assert_true(wasm_global_type_get_mutable(ex.u.global_type));
    } else if (strcmp(ex.name, "big") == 0) {
      seen_big = true;
      g_assert_cmpint(wasm_global_type_get_valkind(ex.u.global_type), ==, WASM_I64);
      g_assert_false(wasm_global_type_get_mutable(ex.u.global_type));
    } else if (strcmp(ex.name, "tab") == 0) {
      seen_tab = true;
      g_assert_cmpint(ex.kind, ==, WASM_IMPORT_EXPORT_KIND_TABLE);
      g_assert_cmpint(wasm_table_type_get_elem_kind(ex.u.table_type), ==, WASM_FUNCREF);
      g_assert_cmpuint(wasm_table_type_get_init_size(ex.u.table_type), ==, 3);
      g_assert_cmpuint(wasm_table_type_get_max_size(ex.u.table_type), ==, UINT32_MAX);
    } else if (strcmp(ex.name, "add") == 0) {
      seen_add = true;
      g_assert_cmpint(ex.kind, ==, WASM_IMPORT_EXPORT_KIND_FUNC);
      g_assert_cmpuint(wasm_func_type_get_param_count(ex.u.func_type), ==, 2);
      g_assert_cmpint(wasm_func_type_get_result_valkind(ex.u.func_type, 0), ==, WASM_I32);
    }
  }
  g_assert_true(seen_memory && seen_counter && seen_big && seen_tab && seen_add);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- globals and tables of an instance --- */

static void test_globals_tables(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);

  wasm_global_inst_t g;
  g_assert_true(wasm_runtime_get_export_global_inst(inst, "counter", &g));
  g_assert_cmpint(g.kind, ==, WASM_I32);
  g_assert_true(g.is_mutable);
  g_assert_cmpint(*(int32_t *)g.global_data, ==, 7);
  uint32_t c[2];
  g_assert_true(
      wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "counter_inc"), 0, c));
  g_assert_cmpuint(c[0], ==, 8);
  g_assert_cmpint(*(int32_t *)g.global_data, ==, 8);
  *(int32_t *)g.global_data = 100;
  g_assert_true(
      wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "counter_inc"), 0, c));
  g_assert_cmpuint(c[0], ==, 101);

  g_assert_true(wasm_runtime_get_export_global_inst(inst, "big", &g));
  g_assert_cmpint(g.kind, ==, WASM_I64);
  g_assert_false(g.is_mutable);
  g_assert_cmpint(*(int64_t *)g.global_data, ==, 0x123456789ll);
  g_assert_false(wasm_runtime_get_export_global_inst(inst, "add", &g));

  wasm_table_inst_t t;
  g_assert_true(wasm_runtime_get_export_table_inst(inst, "tab", &t));
  g_assert_cmpint(t.elem_kind, ==, WASM_FUNCREF);
  g_assert_cmpuint(t.cur_size, ==, 3);
  wasm_function_inst_t f0 = wasm_table_get_func_inst(inst, &t, 0);
  g_assert_true(f0 == wasm_runtime_lookup_function(inst, "add"));
  c[0] = 2, c[1] = 3;
  g_assert_true(wasm_runtime_call_wasm(env, f0, 2, c));
  g_assert_cmpuint(c[0], ==, 5);
  wasm_function_inst_t f1 = wasm_table_get_func_inst(inst, &t, 1);
  c[0] = 11;
  g_assert_true(wasm_runtime_call_wasm(env, f1, 1, c));
  g_assert_cmpuint(c[0], ==, 89);
  g_assert_null(wasm_table_get_func_inst(inst, &t, 2)); /* ref.null */
  g_assert_null(wasm_table_get_func_inst(inst, &t, 3)); /* out of range */
  g_assert_false(wasm_runtime_get_export_table_inst(inst, "memory", &t));

  int marker;
  wasm_runtime_set_custom_data(inst, &marker);
  g_assert_true(wasm_runtime_get_custom_data(inst) == &marker);

  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- memory --- */

static void test_memory(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);

  wasm_memory_inst_t mem = wasm_runtime_get_default_memory(inst);
  g_assert_nonnull(mem);
  g_assert_true(wasm_runtime_get_memory(inst, 0) == mem);
  g_assert_null(wasm_runtime_get_memory(inst, 1));
  g_assert_cmpuint(wasm_memory_get_cur_page_count(mem), ==, 1);
  g_assert_cmpuint(wasm_memory_get_max_page_count(mem), ==, 4);
  g_assert_cmpuint(wasm_memory_get_bytes_per_page(mem), ==, 65536);
  uint8_t *base = wasm_memory_get_base_address(mem);
  g_assert_nonnull(base);

  char *hello = wasm_runtime_addr_app_to_native(inst, 16);
  g_assert_true((uint8_t *)hello == base + 16);
  g_assert_cmpstr(hello, ==, "hello");
  g_assert_cmpuint(wasm_runtime_addr_native_to_app(inst, hello), ==, 16);
  int local;
  g_assert_cmpuint(wasm_runtime_addr_native_to_app(inst, &local), ==, 0);
  g_assert_null(wasm_runtime_addr_app_to_native(inst, 65537));

  g_assert_true(wasm_runtime_validate_app_addr(inst, 16, 6));
  g_assert_true(wasm_runtime_validate_app_addr(inst, 65535, 1));
  g_assert_true(wasm_runtime_validate_app_addr(inst, 65536, 0));
  g_assert_null(wasm_runtime_get_exception(inst));
  g_assert_false(wasm_runtime_validate_app_addr(inst, 65530, 100));
  assert_exception(inst, "out of bounds memory access");
  wasm_runtime_clear_exception(inst);
  g_assert_false(wasm_runtime_validate_app_addr(inst, UINT64_MAX, 2)); /* no wrap-around */
  wasm_runtime_clear_exception(inst);

  g_assert_true(wasm_runtime_validate_app_str_addr(inst, 16));
  g_assert_false(wasm_runtime_validate_app_str_addr(inst, 65536));
  memset(base + 65530, 'x', 6);
  g_assert_false(wasm_runtime_validate_app_str_addr(inst, 65530));
  wasm_runtime_clear_exception(inst);

  g_assert_true(wasm_runtime_validate_native_addr(inst, hello, 6));
  g_assert_false(wasm_runtime_validate_native_addr(inst, &local, sizeof local));
  g_assert_false(wasm_runtime_validate_native_addr(inst, base + 65535, 2));
  wasm_runtime_clear_exception(inst);

  uint64_t start = 1, end = 0;
  g_assert_true(wasm_runtime_get_app_addr_range(inst, 100, &start, &end));
  g_assert_cmpuint(start, ==, 0);
  g_assert_cmpuint(end, ==, 65536);
  g_assert_false(wasm_runtime_get_app_addr_range(inst, 65536, &start, &end));
  uint8_t *nstart, *nend;
  g_assert_true(wasm_runtime_get_native_addr_range(inst, (uint8_t *)hello, &nstart, &nend));
  g_assert_true(nstart == base && nend == base + 65536);
  g_assert_false(wasm_runtime_get_native_addr_range(inst, (uint8_t *)&local, &nstart, &nend));

  /* growth keeps the base (contract 4) and respects the maximum */
  g_assert_true(wasm_runtime_enlarge_memory(inst, 1));
  g_assert_cmpuint(wasm_memory_get_cur_page_count(mem), ==, 2);
  g_assert_true(wasm_memory_get_base_address(mem) == base);
  g_assert_true(wasm_runtime_validate_app_addr(inst, 70000, 4));
  g_assert_nonnull(wasm_runtime_addr_app_to_native(inst, 70000));
  g_assert_false(wasm_memory_enlarge(mem, 3));
  g_assert_true(wasm_memory_enlarge(mem, 2));
  g_assert_cmpuint(wasm_memory_get_cur_page_count(mem), ==, 4);
  g_assert_false(wasm_runtime_enlarge_memory(inst, 1));

  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

static void test_max_memory_pages(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  InstantiationArgs args;
  memset(&args, 0, sizeof args);
  args.max_memory_pages = 2;
  char err[128];
  wasm_module_inst_t inst = wasm_runtime_instantiate_ex(m, &args, err, sizeof err);
  g_assert_nonnull(inst);
  wasm_memory_inst_t mem = wasm_runtime_get_default_memory(inst);
  g_assert_cmpuint(wasm_memory_get_max_page_count(mem), ==, 2);
  g_assert_true(wasm_memory_enlarge(mem, 1));
  g_assert_false(wasm_memory_enlarge(mem, 1));
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

static void test_module_malloc(void)
{
  runtime_up();
  wasm_module_t m = load("api-basic.wasm");
  wasm_module_inst_t inst = instantiate(m);
  uint8_t *base = wasm_memory_get_base_address(wasm_runtime_get_default_memory(inst));

  void *p = NULL;
  uint64_t a = wasm_runtime_module_malloc(inst, 100, &p);
  g_assert_cmpuint(a, ==, 1024);
  g_assert_true(p == base + 1024);
  uint64_t b = wasm_runtime_module_malloc(inst, 8, NULL);
  g_assert_cmpuint(b, ==, 1128);

  uint64_t d = wasm_runtime_module_dup_data(inst, "abc", 4);
  g_assert_cmpuint(d, !=, 0);
  g_assert_cmpstr((char *)wasm_runtime_addr_app_to_native(inst, d), ==, "abc");

  wasm_global_inst_t frees;
  g_assert_true(wasm_runtime_get_export_global_inst(inst, "frees", &frees));
  wasm_runtime_module_free(inst, a);
  wasm_runtime_module_free(inst, 0); /* free(NULL) is not passed on */
  g_assert_cmpint(*(int32_t *)frees.global_data, ==, 1);

  /* the module's malloc fails */
  g_assert_cmpuint(wasm_runtime_module_malloc(inst, 0xdead, &p), ==, 0);
  g_assert_null(p);
  assert_exception(inst, "allocate");
  wasm_runtime_clear_exception(inst);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);

  /* a module without malloc */
  m = load("api-lib.wasm");
  inst = instantiate(m);
  g_assert_cmpuint(wasm_runtime_module_malloc(inst, 16, &p), ==, 0);
  assert_exception(inst, "malloc");
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- linking by name --- */

static uint32_t call0(wasm_module_inst_t inst, const char *name)
{
  uint32_t c[1] = {0};
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
  if (!wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, name), 0, c))
    g_error("%s: %s", name, wasm_runtime_get_exception(inst));
  return c[0];
}

static void test_link(void)
{
  runtime_up();
  wasm_module_t lib = load("api-lib.wasm");
  wasm_module_t user = load("api-user.wasm");
  char err[256] = "";

  g_assert_null(wasm_runtime_instantiate(user, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "unknown import"));

  /* an existing instance registered by name: state is shared */
  wasm_module_inst_t lib_inst = instantiate(lib);
  g_assert_true(wasm_runtime_register_module_instance("lib", lib_inst));
  wasm_module_inst_t user_inst = instantiate(user);
  g_assert_cmpuint(call0(user_inst, "use"), ==, 1);
  g_assert_cmpuint(call0(user_inst, "use"), ==, 2);
  g_assert_cmpuint(call0(lib_inst, "count"), ==, 2);
  /* and so is the memory */
  uint8_t *lib_mem = wasm_memory_get_base_address(wasm_runtime_get_default_memory(lib_inst));
  g_assert_cmpuint(lib_mem[8], ==, 0x55);

  /* the importer keeps what it imported alive */
  g_assert_true(wasm_runtime_unregister_module_instance("lib"));
  wasm_runtime_deinstantiate(lib_inst);
  g_assert_cmpuint(call0(user_inst, "use"), ==, 3);
  wasm_runtime_deinstantiate(user_inst);

  /* a registered module: instantiated afresh for each importer */
  g_assert_true(wasm_runtime_register_module("lib", lib, err, sizeof err));
  g_assert_true(wasm_runtime_find_module_registered("lib") == lib);
  wasm_module_inst_t u1 = instantiate(user);
  wasm_module_inst_t u2 = instantiate(user);
  g_assert_cmpuint(call0(u1, "use"), ==, 1);
  g_assert_cmpuint(call0(u1, "use"), ==, 2);
  g_assert_cmpuint(call0(u2, "use"), ==, 1);
  wasm_runtime_deinstantiate(u1);
  wasm_runtime_deinstantiate(u2);

  /* registered instances come before registered modules */
  wasm_module_inst_t lib2 = instantiate(lib);
  g_assert_cmpuint(call0(lib2, "inc"), ==, 1);
  g_assert_true(wasm_runtime_register_module_instance("lib", lib2));
  wasm_module_inst_t u3 = instantiate(user);
  g_assert_cmpuint(call0(u3, "use"), ==, 2);
  wasm_runtime_deinstantiate(u3);
  g_assert_true(wasm_runtime_unregister_module_instance("lib"));
  wasm_runtime_deinstantiate(lib2);

  wasm_runtime_unload(user);
  wasm_runtime_unload(lib); /* still registered: stays alive until destroy */
  wasm_runtime_destroy();
}

/* A module that imports from a registered module that imports from itself
 * gets an error, not endless recursion. */
static void test_link_cycle(void)
{
  runtime_up();
  wasm_module_t user = load("api-user.wasm");
  char err[256] = "";
  g_assert_true(wasm_runtime_register_module("lib", user, err, sizeof err));
  g_assert_null(wasm_runtime_instantiate(user, 0, 0, err, sizeof err));
  g_assert_cmpstr(err, !=, "");
  wasm_runtime_unload(user);
  wasm_runtime_destroy();
}

/* Names that resolve to the wrong thing: a missing field, or an export of
 * another kind than the import. */
static void test_link_mismatch(void)
{
  runtime_up();
  wasm_module_t user = load("api-user.wasm");
  char err[256] = "";

  wasm_module_t basic = load("api-basic.wasm"); /* has a memory, no "inc" */
  wasm_module_inst_t basic_inst = instantiate(basic);
  g_assert_true(wasm_runtime_register_module_instance("lib", basic_inst));
  g_assert_null(wasm_runtime_instantiate(user, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "unknown import"));

  wasm_module_t bad = load("api-badlib.wasm"); /* "inc" is a global */
  wasm_module_inst_t bad_inst = instantiate(bad);
  g_assert_true(wasm_runtime_register_module_instance("lib", bad_inst)); /* replaces */
  err[0] = '\0';
  g_assert_null(wasm_runtime_instantiate(user, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "incompatible import type"));
  g_assert_true(wasm_runtime_unregister_module_instance("lib"));

  /* a native of the right name and the wrong type */
  static NativeSymbol inc_wrong[] = {{"inc", (void *)n_add, "(ii)i", NULL}};
  g_assert_true(wasm_runtime_register_natives("lib", inc_wrong, 1));
  err[0] = '\0';
  g_assert_null(wasm_runtime_instantiate(user, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "incompatible import type"));

  wasm_runtime_deinstantiate(bad_inst);
  wasm_runtime_deinstantiate(basic_inst);
  wasm_runtime_unload(bad);
  wasm_runtime_unload(basic);
  wasm_runtime_unload(user);
  wasm_runtime_destroy();
}

/* Regression: a module whose instantiation failed after writing its function
 * into an imported table, then unloaded; the table entry must stay callable
 * (spec linking rules) and nothing may be freed under it (ASan build). */
static void test_link_failed_instance_lifetime(void)
{
  runtime_up();
  wasm_module_t host = load("api-table-host.wasm");
  wasm_module_t filler = load("api-table-filler.wasm");
  wasm_module_inst_t host_inst = instantiate(host);
  g_assert_true(wasm_runtime_register_module_instance("host", host_inst));

  char err[256] = "";
  g_assert_null(wasm_runtime_instantiate(filler, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "out of bounds memory access"));
  wasm_runtime_unload(filler);

  wasm_function_inst_t call = wasm_runtime_lookup_function(host_inst, "call");
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(host_inst);
  uint32_t argv[1] = {1};
  g_assert_true(wasm_runtime_call_wasm(env, call, 1, argv));
  g_assert_cmpuint(argv[0], ==, 42);

  g_assert_true(wasm_runtime_unregister_module_instance("host"));
  wasm_runtime_deinstantiate(host_inst);
  wasm_runtime_unload(host);
  wasm_runtime_destroy();
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/api/init/zeroed", test_init_zeroed);
  g_test_add_func("/api/init/unsupported-mode", test_init_unsupported_mode);
  g_test_add_func("/api/modes", test_modes);
  g_test_add_func("/api/load/errors", test_load_errors);
  g_test_add_func("/api/load/lifetime", test_module_lifetime);
  g_test_add_func("/api/call/cells", test_call_cells);
  g_test_add_func("/api/call/typed", test_call_typed);
  g_test_add_func("/api/call/wrong-use", test_wrong_use);
  g_test_add_func("/api/exception/trap", test_exceptions);
  g_test_add_func("/api/exception/terminate", test_terminate);
  g_test_add_func("/api/exception/fuel", test_fuel);
  g_test_add_func("/api/natives/signatures", test_natives);
  g_test_add_func("/api/natives/init-args", test_natives_from_init);
  g_test_add_func("/api/introspection", test_introspection);
  g_test_add_func("/api/instance/globals-tables", test_globals_tables);
  g_test_add_func("/api/memory/addresses", test_memory);
  g_test_add_func("/api/memory/max-pages", test_max_memory_pages);
  g_test_add_func("/api/memory/module-malloc", test_module_malloc);
  g_test_add_func("/api/link/by-name", test_link);
  g_test_add_func("/api/link/cycle", test_link_cycle);
  g_test_add_func("/api/link/mismatch", test_link_mismatch);
  g_test_add_func("/api/link/failed-instance-lifetime", test_link_failed_instance_lifetime);
  /* last: it runs in a subprocess and a failure ends the run */
  g_test_add_func("/api/raw-natives/pointers", test_natives_raw_pointers);
  return g_test_run();
}
