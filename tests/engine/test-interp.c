/*
 * test-interp.c -- the classic interpreter through the internal API:
 * decode_module + validate_module + instance_new + exec_env_new +
 * runtime_call, with every instance set to the interpreter under test
 * (WP_TEST_MODE: interp, fast-interp or llvm-jit; meson runs each built).
 *
 * Modules are tests/wat/interp-*.wat, built to .wasm by meson.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "decode/decoder.h"
#include "runtime/runtime.h"
#include "runtime/tiers.h"
#include "text/text.h"
#include "validate/validator.h"
#include "wp_config.h"
#if WP_HAVE_FAST_INTERP
#include "interp-fast/fast_code.h"
#endif

typedef struct Loaded {
  Module *module;
  Instance *inst;
  ExecEnv *env;
} Loaded;

/* The interpreter under test: WP_TEST_MODE (meson runs this unit once per
 * interpreter the build has), the classic one by default. */
static int test_mode(void)
{
  const char *mode = g_getenv("WP_TEST_MODE");
  if (mode && strcmp(mode, "fast-interp") == 0)
    return TIER_FAST_INTERP;
  if (mode && strcmp(mode, "llvm-jit") == 0)
    return TIER_LLVM_JIT;
  return TIER_INTERP;
}

static Loaded *load_with(const char *name, ImportResolver resolve, void *data)
{
  g_autofree char *path = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), name, NULL);
  g_autofree char *bytes = NULL;
  gsize size = 0;
  g_autoptr(GError) error = NULL;
  char err[256] = "";

  g_assert_true(g_file_get_contents(path, &bytes, &size, &error));
  g_assert_no_error(error);

  Loaded *l = g_new0(Loaded, 1);
  l->module = decode_module((const uint8_t *)bytes, size, err, sizeof err);
  g_assert_nonnull(l->module);
  g_assert_true(validate_module(l->module, err, sizeof err));
  l->inst = instance_new(l->module, resolve, data, DEFAULT_WASM_STACK_SIZE, err, sizeof err);
  if (!l->inst)
    g_error("instance_new(%s): %s", name, err);
  l->inst->running_mode = test_mode();
  l->env = exec_env_new(l->inst, DEFAULT_WASM_STACK_SIZE);
  g_assert_nonnull(l->env);
  return l;
}

/* The same from module text (the engine's own parser). */
static Loaded *load_text(const char *wat)
{
  char err[256] = "";
  size_t size = 0;
  uint8_t *bytes = wat_to_binary(wat, strlen(wat), &size, err, sizeof err);
  if (!bytes)
    g_error("wat_to_binary: %s", err);
  Loaded *l = g_new0(Loaded, 1);
  l->module = decode_module(bytes, size, err, sizeof err);
  free(bytes);
  g_assert_nonnull(l->module);
  if (!validate_module(l->module, err, sizeof err))
    g_error("validate_module: %s", err);
  l->inst = instance_new(l->module, NULL, NULL, DEFAULT_WASM_STACK_SIZE, err, sizeof err);
  g_assert_nonnull(l->inst);
  l->inst->running_mode = test_mode();
  l->env = exec_env_new(l->inst, DEFAULT_WASM_STACK_SIZE);
  return l;
}

static Loaded *load(const char *name) { return load_with(name, NULL, NULL); }

static void unload(Loaded *l)
{
  exec_env_free(l->env);
  instance_unref(l->inst);
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

/* Calls an export; argv has room for 4 slots of arguments and results. */
static gboolean invoke(Loaded *l, const char *name, uint64_t *argv)
{
  return runtime_call(l->env, export_func(l, name), argv);
}

static void assert_trap_(Loaded *l, const char *name, uint64_t *argv, TrapKind kind)
{
  g_autofree char *want = g_strdup_printf("Exception: %s", trap_message(kind));
  if (invoke(l, name, argv))
    g_error("%s: no trap, expected \"%s\"", name, trap_message(kind));
  g_assert_true(l->inst->has_exception);
  /* the table-element traps add the index ("uninitialized element 3") */
  if (!g_str_has_prefix(l->inst->exception, want))
    g_error("%s: got \"%s\", expected \"%s...\"", name, l->inst->exception, want);
  g_assert_cmpint(l->env->trap_kind, ==, kind);
  l->inst->has_exception = false;
  l->inst->exception[0] = '\0';
}

#define assert_trap(l, name, kind, ...)                                        \
  do {                                                                         \
    uint64_t argv_[4] = {__VA_ARGS__};                                         \
    assert_trap_((l), (name), argv_, (kind));                                  \
  } while (0)

/* Runs an export on up to three arguments, returns its first result. */
static uint64_t run(Loaded *l, const char *name, uint64_t a, uint64_t b, uint64_t c)
{
  uint64_t argv[4] = {a, b, c, 0};
  if (!invoke(l, name, argv))
    g_error("%s trapped: %s", name, l->inst->exception);
  return argv[0];
}
#define run0(l, n) run((l), (n), 0, 0, 0)
#define run1(l, n, a) run((l), (n), (a), 0, 0)
#define run2(l, n, a, b) run((l), (n), (a), (b), 0)

static uint64_t f32_arg(float f)
{
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static uint64_t f64_arg(double d)
{
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}
static float f32_res(uint64_t v)
{
  uint32_t u = (uint32_t)v;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static double f64_res(uint64_t v)
{
  double d;
  memcpy(&d, &v, 8);
  return d;
}
#define I32(x) ((uint64_t)(uint32_t)(int32_t)(x))
#define R32(v) ((int32_t)(uint32_t)(v))

/* --- numeric --- */

static void test_int_division(void)
{
  Loaded *l = load("interp-numeric.wasm");
  g_assert_cmpint(R32(run2(l, "i32.div_s", I32(-7), I32(2))), ==, -3);
  g_assert_cmpint(R32(run2(l, "i32.rem_s", I32(-7), I32(2))), ==, -1);
  g_assert_cmpuint(run2(l, "i32.div_u", I32(-7), 2), ==, 0x7FFFFFFCu);
  g_assert_cmpuint(run2(l, "i32.rem_u", I32(-7), 2), ==, 1);
  /* INT_MIN rem -1 is 0, not a trap */
  g_assert_cmpint(R32(run2(l, "i32.rem_s", I32(INT32_MIN), I32(-1))), ==, 0);
  g_assert_cmpint((int64_t)run2(l, "i64.rem_s", (uint64_t)INT64_MIN, (uint64_t)-1), ==, 0);
  g_assert_cmpint((int64_t)run2(l, "i64.div_s", (uint64_t)INT64_MIN, 2), ==, INT64_MIN / 2);
  g_assert_cmpuint(run2(l, "i64.div_u", UINT64_MAX, 3), ==, UINT64_MAX / 3);

  assert_trap(l, "i32.div_s", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i32.div_u", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i32.rem_s", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i32.rem_u", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i64.div_s", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i64.div_u", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i64.rem_s", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i64.rem_u", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  assert_trap(l, "i32.div_s", TRAP_INTEGER_OVERFLOW, I32(INT32_MIN), I32(-1));
  assert_trap(l, "i64.div_s", TRAP_INTEGER_OVERFLOW, (uint64_t)INT64_MIN, (uint64_t)-1);
  unload(l);
}

static void test_int_bits(void)
{
  Loaded *l = load("interp-numeric.wasm");
  /* shift counts are taken modulo the width */
  g_assert_cmpuint(run2(l, "i32.shl", 1, 33), ==, 2);
  g_assert_cmpint(R32(run2(l, "i32.shr_s", I32(-16), 2)), ==, -4);
  g_assert_cmpint(R32(run2(l, "i32.shr_s", I32(INT32_MIN), 31)), ==, -1);
  g_assert_cmpint((int64_t)run2(l, "i64.shr_s", (uint64_t)INT64_MIN, 65), ==, INT64_MIN / 2);
  g_assert_cmpuint(run2(l, "i32.rotl", 0x80000001u, 1), ==, 3);
  g_assert_cmpuint(run2(l, "i32.rotl", 0x12345678u, 32), ==, 0x12345678u);
  g_assert_cmpuint(run2(l, "i32.rotr", 1, 1), ==, 0x80000000u);
  g_assert_cmpuint(run2(l, "i64.rotl", 0x8000000000000000ull, 65), ==, 1);
  g_assert_cmpuint(run1(l, "i32.clz", 0), ==, 32);
  g_assert_cmpuint(run1(l, "i32.ctz", 0), ==, 32);
  g_assert_cmpuint(run1(l, "i32.clz", 1), ==, 31);
  g_assert_cmpuint(run1(l, "i64.clz", 0), ==, 64);
  g_assert_cmpuint(run1(l, "i64.ctz", 0x100), ==, 8);
  g_assert_cmpuint(run1(l, "i32.popcnt", 0xF0F0F0F0u), ==, 16);
  g_assert_cmpint(R32(run1(l, "i32.extend8_s", 0x180)), ==, -128);
  g_assert_cmpint((int64_t)run1(l, "i64.extend32_s", 0x80000000u), ==, INT32_MIN);
  g_assert_cmpint((int64_t)run1(l, "i64.extend_i32_s", I32(-5)), ==, -5);
  g_assert_cmpuint(run1(l, "i64.extend_i32_u", I32(-5)), ==, 0xFFFFFFFBu);
  g_assert_cmpuint(run1(l, "i32.wrap_i64", 0x123456789ull), ==, 0x23456789u);
  g_assert_cmpuint(run2(l, "i32.lt_s", I32(-1), 0), ==, 1);
  g_assert_cmpuint(run2(l, "i32.lt_u", I32(-1), 0), ==, 0);
  g_assert_cmpuint(run2(l, "i64.lt_s", (uint64_t)-1, 0), ==, 1);
  unload(l);
}

static void test_float_to_int(void)
{
  Loaded *l = load("interp-numeric.wasm");
  /* exact edges of the accepted ranges */
  g_assert_cmpint(R32(run1(l, "i32.trunc_f32_s", f32_arg(-2147483648.0f))), ==, INT32_MIN);
  g_assert_cmpint(R32(run1(l, "i32.trunc_f32_s", f32_arg(-1.9f))), ==, -1);
  g_assert_cmpint(R32(run1(l, "i32.trunc_f64_s", f64_arg(-2147483648.9))), ==, INT32_MIN);
  g_assert_cmpint(R32(run1(l, "i32.trunc_f64_s", f64_arg(2147483647.9))), ==, INT32_MAX);
  g_assert_cmpuint(run1(l, "i32.trunc_f32_u", f32_arg(-0.9f)), ==, 0);
  g_assert_cmpuint(run1(l, "i32.trunc_f64_u", f64_arg(4294967295.9)), ==, 0xFFFFFFFFu);
  g_assert_cmpint((int64_t)run1(l, "i64.trunc_f64_s", f64_arg(-9223372036854775808.0)), ==, INT64_MIN);
  g_assert_cmpuint(run1(l, "i64.trunc_f64_u", f64_arg(18446744073709549568.0)), ==,
                   18446744073709549568ull);

  assert_trap(l, "i32.trunc_f32_s", TRAP_INTEGER_OVERFLOW, f32_arg(2147483648.0f));
  assert_trap(l, "i32.trunc_f32_s", TRAP_INTEGER_OVERFLOW, f32_arg(-2147483904.0f));
  assert_trap(l, "i32.trunc_f32_s", TRAP_INVALID_CONVERSION, f32_arg(NAN));
  assert_trap(l, "i32.trunc_f32_u", TRAP_INTEGER_OVERFLOW, f32_arg(-1.0f));
  assert_trap(l, "i32.trunc_f32_u", TRAP_INTEGER_OVERFLOW, f32_arg(INFINITY));
  assert_trap(l, "i32.trunc_f64_s", TRAP_INTEGER_OVERFLOW, f64_arg(-2147483649.0));
  assert_trap(l, "i32.trunc_f64_s", TRAP_INTEGER_OVERFLOW, f64_arg(2147483648.0));
  assert_trap(l, "i32.trunc_f64_u", TRAP_INTEGER_OVERFLOW, f64_arg(4294967296.0));
  assert_trap(l, "i32.trunc_f64_u", TRAP_INVALID_CONVERSION, f64_arg(-NAN));
  assert_trap(l, "i64.trunc_f32_s", TRAP_INTEGER_OVERFLOW, f32_arg(9223372036854775808.0f));
  assert_trap(l, "i64.trunc_f64_s", TRAP_INTEGER_OVERFLOW, f64_arg(9223372036854775808.0));
  assert_trap(l, "i64.trunc_f64_u", TRAP_INTEGER_OVERFLOW, f64_arg(18446744073709551616.0));
  assert_trap(l, "i64.trunc_f64_u", TRAP_INVALID_CONVERSION, f64_arg(NAN));

  /* saturating forms clamp instead, NaN is 0 */
  g_assert_cmpint(R32(run1(l, "i32.trunc_sat_f32_s", f32_arg(3e9f))), ==, INT32_MAX);
  g_assert_cmpint(R32(run1(l, "i32.trunc_sat_f32_s", f32_arg(-3e9f))), ==, INT32_MIN);
  g_assert_cmpint(R32(run1(l, "i32.trunc_sat_f32_s", f32_arg(NAN))), ==, 0);
  g_assert_cmpuint(run1(l, "i32.trunc_sat_f64_u", f64_arg(-5.0)), ==, 0);
  g_assert_cmpuint(run1(l, "i32.trunc_sat_f64_u", f64_arg(1e10)), ==, 0xFFFFFFFFu);
  g_assert_cmpint((int64_t)run1(l, "i64.trunc_sat_f64_s", f64_arg(-INFINITY)), ==, INT64_MIN);
  g_assert_cmpuint(run1(l, "i64.trunc_sat_f32_u", f32_arg(INFINITY)), ==, UINT64_MAX);
  g_assert_cmpuint(run1(l, "i64.trunc_sat_f32_u", f32_arg(-NAN)), ==, 0);
  unload(l);
}

static void test_int_to_float(void)
{
  Loaded *l = load("interp-numeric.wasm");
  /* u64 -> f32 rounds once: 2^63 + 2^39 + 1 is above the halfway point, a
   * conversion through f64 would land on the tie and round down to 2^63 */
  g_assert_cmpfloat(f32_res(run1(l, "f32.convert_i64_u", 0x8000008000000001ull)), ==,
                    9223373136366403584.0f);
  g_assert_cmpfloat(f32_res(run1(l, "f32.convert_i64_u", UINT64_MAX)), ==, 18446744073709551616.0f);
  g_assert_cmpfloat(f64_res(run1(l, "f64.convert_i64_u", UINT64_MAX)), ==, 18446744073709551616.0);
  /* 2^53 + 1 ties to even */
  g_assert_cmpfloat(f64_res(run1(l, "f64.convert_i64_u", 9007199254740993ull)), ==, 9007199254740992.0);
  g_assert_cmpfloat(f32_res(run1(l, "f32.convert_i32_u", 0xFFFFFFFFu)), ==, 4294967296.0f);
  g_assert_cmpfloat(f32_res(run1(l, "f32.demote_f64", f64_arg(1e300))), ==, INFINITY);
  g_assert_cmpfloat(f64_res(run1(l, "f64.promote_f32", f32_arg(0.1f))), ==, (double)0.1f);
  /* an i32 argument whose slot has high bits set (the host wrote it):
   * Wasm sees only the low 32 (found by differential fuzzing) */
  g_assert_cmpuint(run1(l, "i64.extend_i32_u", UINT64_MAX), ==, 0xFFFFFFFFu);
  g_assert_cmpuint(run1(l, "f32.reinterpret_i32", 0xABCD00003F800000ull), ==, 0x3F800000u);
  unload(l);
}

static void test_float_ops(void)
{
  Loaded *l = load("interp-numeric.wasm");
  /* min/max see -0 below +0 and return NaN for any NaN operand */
  g_assert_cmphex(run2(l, "f32.min", f32_arg(0.0f), f32_arg(-0.0f)), ==, 0x80000000u);
  g_assert_cmphex(run2(l, "f32.max", f32_arg(-0.0f), f32_arg(0.0f)), ==, 0);
  g_assert_cmphex(run2(l, "f64.min", f64_arg(-0.0), f64_arg(0.0)), ==, 0x8000000000000000ull);
  g_assert_cmphex(run2(l, "f64.max", f64_arg(0.0), f64_arg(-0.0)), ==, 0);
  g_assert_true(isnan(f32_res(run2(l, "f32.min", f32_arg(1.0f), f32_arg(NAN)))));
  g_assert_true(isnan(f32_res(run2(l, "f32.max", f32_arg(NAN), f32_arg(INFINITY)))));
  g_assert_true(isnan(f64_res(run2(l, "f64.min", f64_arg(-INFINITY), f64_arg(NAN)))));
  g_assert_cmpfloat(f64_res(run2(l, "f64.max", f64_arg(-1.0), f64_arg(2.0))), ==, 2.0);

  /* nearest rounds half to even, and keeps the sign of zero */
  g_assert_cmpfloat(f32_res(run1(l, "f32.nearest", f32_arg(2.5f))), ==, 2.0f);
  g_assert_cmpfloat(f32_res(run1(l, "f32.nearest", f32_arg(3.5f))), ==, 4.0f);
  g_assert_cmphex(run1(l, "f32.nearest", f32_arg(-0.5f)), ==, 0x80000000u);
  g_assert_cmpfloat(f64_res(run1(l, "f64.nearest", f64_arg(-4.5))), ==, -4.0);
  g_assert_cmphex(run1(l, "f64.trunc", f64_arg(-0.7)), ==, 0x8000000000000000ull);
  g_assert_cmpfloat(f64_res(run1(l, "f64.ceil", f64_arg(-1.5))), ==, -1.0);
  g_assert_cmpfloat(f64_res(run1(l, "f64.floor", f64_arg(-1.5))), ==, -2.0);

  /* sign operations keep NaN payloads bit for bit */
  g_assert_cmphex(run1(l, "f32.neg", 0x7FA00001u), ==, 0xFFA00001u);
  g_assert_cmphex(run1(l, "f32.abs", 0xFFA00001u), ==, 0x7FA00001u);
  g_assert_cmphex(run1(l, "f64.neg", 0x7FF0000000000001ull), ==, 0xFFF0000000000001ull);
  g_assert_cmphex(run2(l, "f32.copysign", 0x7FC00000u, 0x80000000u), ==, 0xFFC00000u);
  g_assert_cmphex(run2(l, "f64.copysign", f64_arg(-2.0), f64_arg(0.0)), ==, f64_arg(2.0));
  g_assert_cmphex(run0(l, "nan-payload"), ==, 0xFFA00001u);
  g_assert_cmphex(run1(l, "f32.reinterpret_i32", 0x7F800001u), ==, 0x7F800001u);
  g_assert_cmphex(run1(l, "i64.reinterpret_f64", 0xFFF8000000000123ull), ==, 0xFFF8000000000123ull);

  /* comparisons with NaN */
  g_assert_cmpuint(run2(l, "f32.eq", f32_arg(NAN), f32_arg(NAN)), ==, 0);
  g_assert_cmpuint(run2(l, "f32.eq", f32_arg(0.0f), f32_arg(-0.0f)), ==, 1);
  g_assert_cmpuint(run2(l, "f64.ne", f64_arg(NAN), f64_arg(NAN)), ==, 1);
  unload(l);
}

/* --- control --- */

static void test_control_blocks(void)
{
  Loaded *l = load("interp-control.wasm");
  uint64_t argv[4] = {1};
  g_assert_true(invoke(l, "block-multi", argv));
  g_assert_cmpuint(argv[0], ==, 7);
  g_assert_cmpuint(argv[1], ==, 8);
  argv[0] = 0;
  g_assert_true(invoke(l, "block-multi", argv));
  g_assert_cmpuint(argv[0], ==, 1);
  g_assert_cmpuint(argv[1], ==, 2);

  g_assert_cmpint(R32(run2(l, "block-params", 10, 3)), ==, 7);
  g_assert_cmpuint(run1(l, "loop-sum", 100), ==, 5050);
  g_assert_cmpuint(run1(l, "loop-sum", 0), ==, 0);
  g_assert_cmpuint(run1(l, "br-table", 0), ==, 100);
  g_assert_cmpuint(run1(l, "br-table", 1), ==, 101);
  g_assert_cmpuint(run1(l, "br-table", 2), ==, 102);
  g_assert_cmpuint(run1(l, "br-table", 3), ==, 5999);
  g_assert_cmpuint(run1(l, "br-table", 0xFFFFFFFFu), ==, 5999);
  g_assert_cmpuint(run1(l, "if-else", 0), ==, 0);
  g_assert_cmpuint(run1(l, "if-else", 3), ==, 31);
  g_assert_cmpuint(run1(l, "if-else", 11), ==, 2);
  g_assert_cmpuint(run1(l, "loop-params", 10), ==, 55);
  g_assert_cmpuint(run1(l, "loop-params", 90), ==, 2880067194370816120ull);
  g_assert_cmpuint(run((l), "select", 1, 11, 22), ==, 11);
  g_assert_cmpuint(run((l), "select", 0, 11, 22), ==, 22);
  g_assert_cmpfloat(f64_res(run1(l, "select-t", 0)), ==, -2.5);
  g_assert_cmpfloat(f64_res(run1(l, "select-t", 5)), ==, 1.5);
  g_assert_cmpuint(run0(l, "br-deep"), ==, 42);
  /* twice: the second call must see zeroed locals again */
  g_assert_cmpuint(run1(l, "locals-zero", 5), ==, 5);
  g_assert_cmpuint(run1(l, "locals-zero", 6), ==, 6);
  unload(l);
}

static void test_control_multi_value(void)
{
  Loaded *l = load("interp-control.wasm");
  uint64_t argv[4] = {0};
  g_assert_true(invoke(l, "return-multi", argv));
  g_assert_cmpuint(argv[0], ==, 1);
  g_assert_cmpuint(argv[1], ==, 2);
  g_assert_cmpuint(argv[2], ==, 3);
  uint64_t sw[4] = {9, 10};
  g_assert_true(invoke(l, "swap", sw));
  g_assert_cmpuint(sw[0], ==, 10);
  g_assert_cmpuint(sw[1], ==, 9);
  g_assert_cmpuint(run0(l, "call-multi"), ==, 6);
  unload(l);
}

/* --- calls and traps --- */

static void test_calls_indirect(void)
{
  Loaded *l = load("interp-calls.wasm");
  g_assert_cmpuint(run1(l, "fac", 10), ==, 3628800);
  g_assert_cmpuint(run2(l, "call-indirect", 0, 5), ==, 120); /* $fac */
  g_assert_cmpuint(run2(l, "call-indirect", 1, 5), ==, 5);   /* $id */
  g_assert_cmpuint(run1(l, "call-indirect-v", 2), ==, 7);    /* $seven */
  assert_trap(l, "call-indirect", TRAP_UNDEFINED_ELEMENT, 4, 0);
  assert_trap(l, "call-indirect", TRAP_UNDEFINED_ELEMENT, 0xFFFFFFFFu, 0);
  assert_trap(l, "call-indirect", TRAP_UNINITIALIZED_ELEMENT, 3, 0);
  /* the element traps name the index, as the spec's bulk.wast expects */
  {
    uint64_t argv[4] = {3, 0};
    g_assert_false(invoke(l, "call-indirect", argv));
    g_assert_cmpstr(l->inst->exception, ==, "Exception: uninitialized element 3");
    argv[0] = 0xFFFFFFFFu;
    g_assert_false(invoke(l, "call-indirect", argv));
    g_assert_cmpstr(l->inst->exception, ==, "Exception: undefined element 4294967295");
    l->inst->has_exception = false;
    l->inst->exception[0] = '\0';
  }
  assert_trap(l, "call-indirect", TRAP_INDIRECT_CALL_TYPE_MISMATCH, 2, 0);
  assert_trap(l, "call-indirect-v", TRAP_INDIRECT_CALL_TYPE_MISMATCH, 0);
  assert_trap(l, "unreachable", TRAP_UNREACHABLE, 0);
  /* the instance stays usable after traps */
  g_assert_cmpuint(run1(l, "fac", 5), ==, 120);
  unload(l);
}

static void test_memory(void)
{
  Loaded *l = load("interp-calls.wasm");
  g_assert_cmpuint(run1(l, "load", 65532), ==, 0);
  assert_trap(l, "load", TRAP_MEMORY_OUT_OF_BOUNDS, 65533);
  assert_trap(l, "load", TRAP_MEMORY_OUT_OF_BOUNDS, 0xFFFFFFFFu);
  /* address + offset is computed in 64 bits: no wrap to 0 */
  assert_trap(l, "load-offset", TRAP_MEMORY_OUT_OF_BOUNDS, 1);
  /* a store that does not fit writes nothing */
  assert_trap(l, "store64", TRAP_MEMORY_OUT_OF_BOUNDS, 65529, UINT64_MAX);
  g_assert_cmpuint(run1(l, "load8", 65535), ==, 0);
  run2(l, "store64", 65528, 0x0102030405060708ull);
  g_assert_cmpuint(run1(l, "load8", 65535), ==, 1);

  /* grow up to the maximum (2 pages), then -1 */
  g_assert_cmpuint(run0(l, "size"), ==, 1);
  g_assert_cmpuint(run1(l, "grow", 1), ==, 1);
  g_assert_cmpuint(run0(l, "size"), ==, 2);
  g_assert_cmpint(R32(run1(l, "grow", 1)), ==, -1);
  g_assert_cmpuint(run1(l, "load", 65536), ==, 0);
  assert_trap(l, "load", TRAP_MEMORY_OUT_OF_BOUNDS, 131069);
  unload(l);
}

static void test_bulk_memory(void)
{
  Loaded *l = load("interp-calls.wasm");
  run((l), "fill", 100, 0xAB, 3);
  g_assert_cmpuint(run1(l, "load8", 102), ==, 0xAB);
  g_assert_cmpuint(run1(l, "load8", 103), ==, 0);
  /* out of bounds: nothing is written, even the part that fits */
  assert_trap(l, "fill", TRAP_MEMORY_OUT_OF_BOUNDS, 65535, 0xCD, 2);
  g_assert_cmpuint(run1(l, "load8", 65535), ==, 0);
  run((l), "fill", 65536, 0, 0); /* empty at the very end is fine */
  assert_trap(l, "fill", TRAP_MEMORY_OUT_OF_BOUNDS, 65537, 0, 0);

  /* overlapping copy */
  run((l), "copy", 101, 100, 3);
  g_assert_cmpuint(run1(l, "load8", 103), ==, 0xAB);
  assert_trap(l, "copy", TRAP_MEMORY_OUT_OF_BOUNDS, 0, 65535, 2);
  assert_trap(l, "copy", TRAP_MEMORY_OUT_OF_BOUNDS, 65535, 0, 2);

  run((l), "init", 200, 1, 4); /* "ello" */
  g_assert_cmpuint(run1(l, "load", 200), ==, 0x6F6C6C65u);
  assert_trap(l, "init", TRAP_MEMORY_OUT_OF_BOUNDS, 0, 3, 3);
  assert_trap(l, "init", TRAP_MEMORY_OUT_OF_BOUNDS, 65535, 0, 2);
  /* a dropped segment has size 0 */
  run0(l, "data-drop");
  run((l), "init", 0, 0, 0);
  assert_trap(l, "init", TRAP_MEMORY_OUT_OF_BOUNDS, 0, 0, 1);
  unload(l);
}

static void test_tables(void)
{
  Loaded *l = load("interp-calls.wasm");
  g_assert_cmpuint(run1(l, "table-get-null", 0), ==, 0);
  g_assert_cmpuint(run1(l, "table-get-null", 3), ==, 1);
  assert_trap(l, "table-get-null", TRAP_TABLE_OUT_OF_BOUNDS, 4);
  assert_trap(l, "table-set-null", TRAP_TABLE_OUT_OF_BOUNDS, 4);

  /* passive segment ($id, null, $fac) into slots 1..3 */
  run((l), "table-init", 1, 0, 3);
  g_assert_cmpuint(run2(l, "call-indirect", 1, 9), ==, 9);
  assert_trap(l, "call-indirect", TRAP_UNINITIALIZED_ELEMENT, 2, 0);
  g_assert_cmpuint(run2(l, "call-indirect", 3, 4), ==, 24);
  assert_trap(l, "table-init", TRAP_TABLE_OUT_OF_BOUNDS, 2, 0, 3);
  assert_trap(l, "table-init", TRAP_TABLE_OUT_OF_BOUNDS, 0, 1, 3);
  run0(l, "elem-drop");
  run((l), "table-init", 0, 0, 0);
  assert_trap(l, "table-init", TRAP_TABLE_OUT_OF_BOUNDS, 0, 0, 1);

  /* [fac id null fac]: copy slot 3 into slot 2, then null slot 0 and fill
   * slots 0 and 1 from slot 2 */
  run((l), "table-copy", 2, 3, 1);
  g_assert_cmpuint(run2(l, "call-indirect", 2, 3), ==, 6);
  assert_trap(l, "table-copy", TRAP_TABLE_OUT_OF_BOUNDS, 3, 0, 2);
  run2(l, "table-set-null", 0, 0);
  run2(l, "table-fill", 0, 2); /* slots 0 and 1 := slot 2 ($fac) */
  g_assert_cmpuint(run2(l, "call-indirect", 1, 3), ==, 6);
  assert_trap(l, "table-fill", TRAP_TABLE_OUT_OF_BOUNDS, 3, 2);

  g_assert_cmpuint(run0(l, "table-size"), ==, 4);
  g_assert_cmpuint(run1(l, "table-grow", 2), ==, 4);
  g_assert_cmpuint(run0(l, "table-size"), ==, 6);
  g_assert_cmpuint(run1(l, "table-get-null", 5), ==, 1);
  assert_trap(l, "call-indirect", TRAP_UNINITIALIZED_ELEMENT, 5, 0);
  assert_trap(l, "call-indirect", TRAP_UNDEFINED_ELEMENT, 6, 0);
  unload(l);
}

/* --- the stack (contract 5) --- */

/* With the default 1 MiB Wasm stack, $depth's frames (one param slot, the
 * frame header and the one value below the call's argument) allow about
 * 21,000 levels; 20,000 must work. */
#define SUPPORTED_DEPTH 20000

static void test_stack_deep(void)
{
  Loaded *l = load("interp-calls.wasm");
  g_assert_cmpuint(l->env->stack_size, ==, DEFAULT_WASM_STACK_SIZE);
  g_assert_cmpuint(run1(l, "depth", SUPPORTED_DEPTH), ==, SUPPORTED_DEPTH);
  g_assert_cmpuint(run1(l, "depth", 10000), ==, 10000);
  unload(l);
}

static void test_stack_exhausted(void)
{
  Loaded *l = load("interp-calls.wasm");
  uint8_t *top = l->env->stack_top;
  assert_trap(l, "forever", TRAP_STACK_EXHAUSTED, 0);
  g_assert_cmpuint(run0(l, "get-g"), >, SUPPORTED_DEPTH);
  assert_trap(l, "depth", TRAP_STACK_EXHAUSTED, 1000000);
  /* the stack is whole again and the instance works */
  g_assert_true(l->env->stack_top == top);
  g_assert_cmpuint(run1(l, "depth", SUPPORTED_DEPTH), ==, SUPPORTED_DEPTH);
  g_assert_cmpuint(run1(l, "fac", 6), ==, 720);
  unload(l);
}

/* --- contract 6 --- */

static void test_interrupt(void)
{
  Loaded *l = load("interp-calls.wasm");
  atomic_store(&l->inst->interrupt, 1);
  assert_trap(l, "spin", TRAP_TERMINATED, 0);
  atomic_store(&l->inst->interrupt, 0);

  l->env->fuel = 1000;
  assert_trap(l, "spin", TRAP_FUEL_EXHAUSTED, 0);
  l->env->fuel = 1000;
  g_assert_cmpuint(run1(l, "fac", 5), ==, 120);
  l->env->fuel = -1;
  g_assert_cmpuint(run1(l, "fac", 3), ==, 6);
  unload(l);
}

/* --- two instances --- */

static void host_twice(ExecEnv *env, uint64_t *args)
{
  args[0] = (uint32_t)(2 * (uint32_t)args[0]);
}

static uint8_t twice_types[] = {VAL_I32, VAL_I32};
static HostFunc twice_host = {
  .module_name = "host",
  .field_name = "twice",
  .func_ptr = (void *)host_twice,
  .signature = "(i)i",
  .raw = true,
  .type = {1, 1, twice_types},
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

static void test_two_instances(void)
{
  Loaded *a = load_with("interp-link-a.wasm", resolve_a, NULL);
  Loaded *b = load_with("interp-link-b.wasm", resolve_b, a);
  /* B's 7, A's 42 through A's code, then B's 7 again */
  g_assert_cmpuint(run0(b, "mix"), ==, 7 + 4200 + 70000);
  g_assert_cmpuint(run0(b, "indirect"), ==, 42);
  g_assert_cmpuint(run0(a, "read0"), ==, 42);
  int32_t count = module_find_export(a->module, "count", EXTERN_GLOBAL);
  g_assert_cmpint(a->inst->globals[a->module->exports[count].index]->value.i32, ==, 3);
  /* B -> A -> host */
  g_assert_cmpuint(run2(b, "add-twice", 1, 5), ==, 11);
  /* a trap in A's code called from B unwinds to B's host entry */
  g_assert_cmpuint(run2(b, "div", 9, 3), ==, 3);
  assert_trap(b, "div", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  g_assert_cmpuint(run0(b, "mix"), ==, 7 + 4200 + 70000);
  unload(b);
  unload(a);
}

/* --- code shapes the fast interpreter's translator treats specially (its
 * stack model, redirected results, fused branches, early returns, dead
 * code); run in every interpreter --- */

static const char edges_wat[] =
  "(module\n"
  "  (table 2 funcref) (elem (i32.const 0) $seven $twice)\n"
  "  (type $i2i (func (param i32) (result i32)))\n"
  "  (func $seven (param i32) (result i32) (i32.const 7))\n"
  "  (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))\n"
  "  (func (export \"dead-results\") (result i32 i32 i64) unreachable)\n"
  "  (func (export \"tee\") (param i32) (result i32) (local i32)\n"
  "    (local.set 1 (i32.add (local.get 0) (local.get 0)))\n"
  "    (i32.add (local.get 1) (local.tee 1 (i32.mul (local.get 1) (i32.const 3)))))\n"
  "  (func (export \"swap\") (param i32 i32) (result i32)\n"
  "    (local.get 1) (local.get 0) (local.set 1) (local.set 0)\n"
  "    (i32.sub (local.get 0) (local.get 1)))\n"
  "  (func (export \"read-then-set\") (param i32) (result i32)\n"
  "    (local.get 0) (local.set 0 (i32.add (local.get 0) (i32.const 1))) (local.get 0) (i32.sub))\n"
  "  (func (export \"brif-return\") (param i32) (result i32)\n"
  "    (block (result i32)\n"
  "      (i32.const 5) (local.get 0) (i32.const 10) (br_if 1 (local.get 0)) (drop) (drop) (drop)\n"
  "      (i32.const 7))\n"
  "    (i32.const 100) (i32.add))\n"
  "  (func (export \"junk-under\") (result i32 i32)\n"
  "    (i32.const 9) (block (result i32) (i32.const 1) (i32.const 2) (br 0)))\n"
  "  (func (export \"junk-at-end\") (result i32)\n"
  "    (block (result i32) (i32.const 1) (i32.const 2) (br 0)))\n"
  "  (func (export \"if-under\") (param i32) (result i32 i32)\n"
  "    (i32.const 7) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))\n"
  "  (func (export \"if-params\") (param i32 i32) (result i32)\n"
  "    (local.get 1) (i32.const 3)\n"
  "    (if (param i32 i32) (result i32) (i32.lt_s (local.get 0) (i32.const 0))\n"
  "      (then (i32.sub)) (else (i32.mul))))\n"
  "  (func (export \"table\") (param i32) (result i32)\n"
  "    (block $b2 (result i32)\n"
  "      (block $b1 (result i32)\n"
  "        (block $b0 (result i32)\n"
  "          (i32.const 11) (i32.const 22) (i32.const 33)\n"
  "          (br_table $b0 $b1 $b2 3 (local.get 0)))\n"
  "        (return (i32.add (i32.const 1000))))\n"
  "      (return (i32.add (i32.const 2000))))\n"
  "    (i32.add (i32.const 3000)))\n"
  "  (func (export \"loop-params\") (param i32) (result i32)\n"
  "    (i32.const 0) (local.get 0)\n"
  "    (loop $l (param i32 i32) (result i32)\n"
  "      (local.set 0)\n"
  "      (i32.add (local.get 0))\n"
  "      (local.get 0) (i32.const 1) (i32.sub) (local.tee 0)\n"
  "      (br_if $l (i32.gt_s (local.get 0) (i32.const 0)))\n"
  "      (drop)))\n"
  "  (func (export \"select-consts\") (param i32) (result i32)\n"
  "    (select (i32.const 4) (i32.const 5) (local.get 0)))\n"
  "  (func (export \"indirect-const\") (param i32) (result i32)\n"
  "    (i32.add (call_indirect (type $i2i) (local.get 0) (i32.const 0))\n"
  "             (call_indirect (type $i2i) (local.get 0) (i32.const 1))))\n"
  "  (func (export \"compares\") (param i32 i32) (result i32) (local i32)\n"
  "    (if (i32.lt_u (local.get 0) (local.get 1)) (then (local.set 2 (i32.or (local.get 2) (i32.const 1)))))\n"
  "    (if (i32.ge_s (local.get 0) (i32.const -1)) (then (local.set 2 (i32.or (local.get 2) (i32.const 2)))))\n"
  "    (block (br_if 0 (i32.eqz (local.get 1))) (local.set 2 (i32.or (local.get 2) (i32.const 4))))\n"
  "    (block (br_if 0 (i32.ne (local.get 0) (i32.const 5))) (local.set 2 (i32.or (local.get 2) (i32.const 8))))\n"
  "    (local.get 2))\n"
  "  (func (export \"compares64\") (param i64 i64) (result i32) (local i32)\n"
  "    (if (i64.lt_s (local.get 0) (local.get 1)) (then (local.set 2 (i32.or (local.get 2) (i32.const 1)))))\n"
  "    (if (i64.ge_u (local.get 0) (i64.const 5)) (then (local.set 2 (i32.or (local.get 2) (i32.const 2)))))\n"
  "    (block (br_if 0 (i64.eqz (local.get 1))) (local.set 2 (i32.or (local.get 2) (i32.const 4))))\n"
  "    (block (br_if 0 (i64.gt_s (local.get 0) (i64.const -3))) (local.set 2 (i32.or (local.get 2) (i32.const 8))))\n"
  "    (local.get 2))\n"
  ")\n";

static void test_translate_edges(void)
{
  Loaded *l = load_text(edges_wat);
  assert_trap(l, "dead-results", TRAP_UNREACHABLE, 0);
  g_assert_cmpuint(run1(l, "tee", 2), ==, 4 + 12);
  g_assert_cmpint(R32(run2(l, "swap", 10, 3)), ==, -7);
  g_assert_cmpint(R32(run1(l, "read-then-set", 41)), ==, -1);
  g_assert_cmpuint(run1(l, "brif-return", 0), ==, 107);
  g_assert_cmpuint(run1(l, "brif-return", 1), ==, 10);

  uint64_t argv[4] = {0};
  g_assert_true(invoke(l, "junk-under", argv));
  g_assert_cmpuint(argv[0], ==, 9);
  g_assert_cmpuint(argv[1], ==, 2);
  g_assert_cmpuint(run0(l, "junk-at-end"), ==, 2);
  argv[0] = 1;
  g_assert_true(invoke(l, "if-under", argv));
  g_assert_cmpuint(argv[0], ==, 7);
  g_assert_cmpuint(argv[1], ==, 1);
  argv[0] = 0;
  g_assert_true(invoke(l, "if-under", argv));
  g_assert_cmpuint(argv[1], ==, 2);

  g_assert_cmpint(R32(run2(l, "if-params", I32(-1), 10)), ==, 7);
  g_assert_cmpint(R32(run2(l, "if-params", 1, 10)), ==, 30);
  g_assert_cmpuint(run1(l, "table", 0), ==, 1033);
  g_assert_cmpuint(run1(l, "table", 1), ==, 2033);
  g_assert_cmpuint(run1(l, "table", 2), ==, 3033);
  g_assert_cmpuint(run1(l, "table", 3), ==, 33);
  g_assert_cmpuint(run1(l, "table", 99), ==, 33);
  g_assert_cmpuint(run1(l, "loop-params", 4), ==, 4 + 3 + 2 + 1);
  g_assert_cmpuint(run1(l, "select-consts", 1), ==, 4);
  g_assert_cmpuint(run1(l, "select-consts", 0), ==, 5);
  g_assert_cmpuint(run1(l, "indirect-const", 5), ==, 17);
  g_assert_cmpuint(run2(l, "compares", 5, 6), ==, 1 | 2 | 4 | 8);
  g_assert_cmpuint(run2(l, "compares", I32(-2), 0), ==, 0);
  g_assert_cmpuint(run2(l, "compares", 7, 0), ==, 2);
  g_assert_cmpuint(run2(l, "compares64", (uint64_t)-5, 0x100000000ull), ==, 1 | 2 | 4 | 8);
  g_assert_cmpuint(run2(l, "compares64", 7, 0), ==, 2);
  /* the low halves alone would compare the other way */
  g_assert_cmpuint(run2(l, "compares64", 0x100000000ull, 0x100000001ull), ==, 1 | 2 | 4);
  unload(l);
}

/* The fast interpreter's fusions of adjacent operations: a load taking
 * the i32.add that made its address (the add wraps at 2^32 before the
 * offset is added, and an add whose result is used again is not fused),
 * two copies in a row, two immediate adds in a row, and back-edges that
 * poll in the branch, float arithmetic taking an operand straight from a
 * load, and stores taking the i32.add of their address.  Run in every interpreter: all must agree. */
static const char fused_wat[] =
  "(module\n"
  "  (memory 1)\n"
  "  (data (i32.const 0) \"\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\")\n"
  /* 2.5 and -4.0 (f64) at 16 and 24, 1.5 (f32) at 32 */
  "  (data (i32.const 16) \"\\00\\00\\00\\00\\00\\00\\04\\40\\00\\00\\00\\00\\00\\00\\10\\c0\")\n"
  "  (data (i32.const 32) \"\\00\\00\\c0\\3f\")\n"
  "  (func (export \"mul-load\") (param f64 i32) (result f64)\n"
  "    (f64.mul (local.get 0) (f64.load offset=16 (local.get 1))))\n"
  "  (func (export \"sub-load-add\") (param f64 i32 i32) (result f64)\n"
  "    (f64.sub (local.get 0) (f64.load offset=16 (i32.add (local.get 1) (local.get 2)))))\n"
  "  (func (export \"add-load-imm32\") (param f32 i32) (result f32)\n"
  "    (f32.add (local.get 0) (f32.load offset=2 (i32.add (local.get 1) (i32.const 30)))))\n"
  "  (func (export \"const-div-load\") (param i32) (result f64)\n"
  "    (f64.div (f64.const 10) (f64.load offset=16 (local.get 0))))\n"
  "  (func (export \"add-store\") (param i32 i32 i32) (result i32)\n"
  "    (i32.store offset=40 (i32.add (local.get 0) (local.get 1)) (local.get 2))\n"
  "    (i32.load (i32.const 40)))\n"
  "  (func (export \"add-imm-store64\") (param i32 i64 i32) (result i64)\n"
  "    (i64.store offset=1 (i32.add (local.get 0) (i32.const 47)) (local.get 1))\n"
  "    (i64.load (local.get 2)))\n"
  "  (func (export \"add-load\") (param i32 i32) (result i32)\n"
  "    (i32.load offset=4 (i32.add (local.get 0) (local.get 1))))\n"
  "  (func (export \"add-imm-load8\") (param i32) (result i32)\n"
  "    (i32.load8_u offset=1 (i32.add (local.get 0) (i32.const 2))))\n"
  "  (func (export \"add-load64\") (param i32 i32) (result i64)\n"
  "    (i64.load (i32.add (local.get 0) (local.get 1))))\n"
  "  (func (export \"add-used-twice\") (param i32 i32) (result i32) (local i32)\n"
  "    (i32.add (i32.load8_u (local.tee 2 (i32.add (local.get 0) (local.get 1))))\n"
  "             (i32.mul (local.get 2) (i32.const 100))))\n"
  "  (func (export \"rotate\") (param i32 i32 i32) (result i32) (local i32)\n"
  "    (local.set 3 (local.get 0)) (local.set 0 (local.get 1))\n"
  "    (local.set 1 (local.get 2)) (local.set 2 (local.get 3))\n"
  "    (i32.add (i32.mul (local.get 0) (i32.const 100))\n"
  "             (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2))))\n"
  "  (func (export \"add-add\") (param i32) (result i32)\n"
  "    (i32.add (i32.add (local.get 0) (i32.const 7)) (i32.const -3)))\n"
  "  (func (export \"count-down\") (param i32) (result i32) (local i32)\n"
  "    (loop $l\n"
  "      (local.set 1 (i32.add (i32.add (local.get 1) (i32.const 2)) (i32.const 1)))\n"
  "      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
  "      (br_if $l (i32.gt_s (local.get 0) (i32.const 0))))\n"
  "    (local.get 1))\n"
  ")\n";

static void test_translate_fused(void)
{
  Loaded *l = load_text(fused_wat);
  g_assert_cmpuint(run2(l, "add-load", 2, 2), ==, 0x0C0B0A09u);
  /* -8 + 8 wraps to 0 before the offset: bytes 4..7 */
  g_assert_cmpuint(run2(l, "add-load", I32(-8), 8), ==, 0x08070605u);
  assert_trap(l, "add-load", TRAP_MEMORY_OUT_OF_BOUNDS, 65532, 0);
  assert_trap(l, "add-load", TRAP_MEMORY_OUT_OF_BOUNDS, 0xFFFFFFFFu, 0xFFFFFFFCu + 1);
  g_assert_cmpuint(run1(l, "add-imm-load8", 0), ==, 4);
  assert_trap(l, "add-imm-load8", TRAP_MEMORY_OUT_OF_BOUNDS, 65533);
  g_assert_cmpuint(run2(l, "add-load64", 1, 2), ==, 0x0B0A090807060504ull);
  assert_trap(l, "add-load64", TRAP_MEMORY_OUT_OF_BOUNDS, 65530, 0);
  g_assert_cmpuint(run2(l, "add-used-twice", 1, 2), ==, 4 + 300);
  g_assert_cmpuint(run(l, "rotate", 1, 2, 3), ==, 231);
  g_assert_cmpuint(run1(l, "add-add", 10), ==, 14);
  g_assert_cmpuint(run1(l, "add-add", 0xFFFFFFFFu), ==, 3);
  g_assert_cmpuint(run1(l, "count-down", 5), ==, 15);
  /* float arithmetic taking its second operand from the load before it */
  g_assert_cmpfloat(f64_res(run2(l, "mul-load", f64_arg(2.0), 0)), ==, 5.0);
  g_assert_cmpfloat(f64_res(run2(l, "mul-load", f64_arg(2.0), 8)), ==, -8.0);
  assert_trap(l, "mul-load", TRAP_MEMORY_OUT_OF_BOUNDS, f64_arg(2.0), 65513);
  g_assert_cmpfloat(f64_res(run(l, "sub-load-add", f64_arg(1.0), 3, 5)), ==, 5.0);
  /* -8 + 16 wraps to 8 before the offset: -4.0 at 24 */
  g_assert_cmpfloat(f64_res(run(l, "sub-load-add", f64_arg(1.0), I32(-8), 16)), ==, 5.0);
  assert_trap(l, "sub-load-add", TRAP_MEMORY_OUT_OF_BOUNDS, f64_arg(1.0), 65500, 13);
  assert_trap(l, "sub-load-add", TRAP_MEMORY_OUT_OF_BOUNDS, f64_arg(1.0), 0xFFFFFFFFu, 0xFFFFFFF0u + 1);
  g_assert_cmpfloat(f32_res(run2(l, "add-load-imm32", f32_arg(1.0f), 0)), ==, 2.5f);
  /* -30 + 30 wraps to 0: the bytes 03 04 05 06 at 2, unchanged by + 0.0 */
  g_assert_cmphex(run2(l, "add-load-imm32", f32_arg(0.0f), I32(-30)) & 0xFFFFFFFFu, ==, 0x06050403u);
  assert_trap(l, "add-load-imm32", TRAP_MEMORY_OUT_OF_BOUNDS, f32_arg(1.0f), 65501);
  g_assert_cmpfloat(f64_res(run1(l, "const-div-load", 0)), ==, 4.0);
  /* stores taking the i32.add that made their address */
  g_assert_cmphex(run(l, "add-store", 0, 0, 0x11223344u), ==, 0x11223344u);
  /* -8 + 8 wraps to 0 before the offset */
  g_assert_cmphex(run(l, "add-store", I32(-8), 8, 0x55667788u), ==, 0x55667788u);
  assert_trap(l, "add-store", TRAP_MEMORY_OUT_OF_BOUNDS, 65493, 0, 1);
  assert_trap(l, "add-store", TRAP_MEMORY_OUT_OF_BOUNDS, 0xFFFFFFFFu, 0xFFFFFFF1u, 1);
  g_assert_cmphex(run(l, "add-imm-store64", 1, 0x0102030405060708ull, 49), ==, 0x0102030405060708ull);
  /* -1 + 47 wraps to 46, then the offset: 47 */
  g_assert_cmphex(run(l, "add-imm-store64", I32(-1), 0x1112131415161718ull, 47), ==,
                  0x1112131415161718ull);
  assert_trap(l, "add-imm-store64", TRAP_MEMORY_OUT_OF_BOUNDS, 65481, 0, 0);
  /* the trapping stores wrote nothing */
  g_assert_cmphex(run(l, "add-store", 0, 0, 7), ==, 7);
  unload(l);
}

/* A stack deeper than the translator keeps lazy (locals and constants
 * referred to, not copied): 300 copies of a local, the local changed, then
 * all summed; and a br_table naming the same labels many times. */
static void test_translate_deep_stack(void)
{
  GString *wat = g_string_new("(module (func (export \"deep\") (param i32) (result i32)\n");
  for (int i = 0; i < 300; i++)
    g_string_append(wat, i % 3 == 2 ? "(i32.const 1)" : "(local.get 0)");
  g_string_append(wat, "(local.set 0 (i32.const 1000))\n");
  for (int i = 0; i < 299; i++)
    g_string_append(wat, "(i32.add)");
  g_string_append(wat, "(local.get 0) (i32.add))\n"
                       "(func (export \"many-labels\") (param i32) (result i32)\n"
                       "  (block $a (result i32) (block $b (result i32)\n"
                       "    (i32.const 1) (i32.const 2) (br_table");
  for (int i = 0; i < 500; i++)
    g_string_append(wat, i % 2 ? " $a" : " $b");
  g_string_append(wat, " $a (local.get 0))) (i32.const 10) (i32.add)))\n)");
  Loaded *l = load_text(wat->str);
  g_string_free(wat, TRUE);
  /* 200 copies of x = 7, 100 ones, then the new value of the local */
  g_assert_cmpuint(run1(l, "deep", 7), ==, 200 * 7 + 100 + 1000);
  g_assert_cmpuint(run1(l, "many-labels", 0), ==, 2 + 10);
  g_assert_cmpuint(run1(l, "many-labels", 1), ==, 2);
  g_assert_cmpuint(run1(l, "many-labels", 1000), ==, 2);
  unload(l);
}

#if WP_HAVE_FAST_INTERP
/* --- the fast interpreter's code cache (compile once, instantiate many) --- */

/* Another instance of l's module, in mode `mode`. */
static Loaded *instantiate_again(Loaded *l, int mode)
{
  char err[256] = "";
  Loaded *again = g_new0(Loaded, 1);
  again->module = l->module;
  again->inst = instance_new(l->module, NULL, NULL, DEFAULT_WASM_STACK_SIZE, err, sizeof err);
  g_assert_nonnull(again->inst);
  again->inst->running_mode = mode;
  again->env = exec_env_new(again->inst, DEFAULT_WASM_STACK_SIZE);
  return again;
}

static void unload_instance(Loaded *l)
{
  exec_env_free(l->env);
  instance_unref(l->inst);
  g_free(l);
}

static const FastFunc *fast_code(const Module *m, uint32_t def)
{
  const FastModule *fm = m->fast_interp_code;
  return fm ? fm->funcs[def] : NULL;
}

static void test_fast_translate_once(void)
{
  Loaded *l = load("fib.wasm");
  l->inst->running_mode = TIER_FAST_INTERP;
  /* nothing is translated before a function runs in this mode */
  g_assert_null(l->module->fast_interp_code);
  g_assert_cmpuint(run1(l, "fib", 20), ==, 6765);
  const FastFunc *fib = fast_code(l->module, 0);
  g_assert_nonnull(fib);
  /* only what ran: fib_iter (definition 1) is not translated */
  g_assert_null(fast_code(l->module, 1));

  /* a second instance runs the same code */
  Loaded *again = instantiate_again(l, TIER_FAST_INTERP);
  g_assert_cmpuint(run1(again, "fib", 21), ==, 10946);
  g_assert_true(fast_code(l->module, 0) == fib);
  unload_instance(again);
  unload(l);
}

/* set_running_mode on a live instance takes effect at the next call. */
static void test_fast_switch_mode(void)
{
  Loaded *l = load("fib.wasm");
  l->inst->running_mode = TIER_INTERP;
  g_assert_cmpuint(run1(l, "fib", 15), ==, 610);
  g_assert_null(l->module->fast_interp_code);
  l->inst->running_mode = TIER_FAST_INTERP;
  g_assert_cmpuint(run1(l, "fib", 16), ==, 987);
  g_assert_nonnull(fast_code(l->module, 0));
  g_assert_cmpuint(run1(l, "fib_iter", 90), ==, 2880067194370816120ull);
  l->inst->running_mode = TIER_INTERP;
  g_assert_cmpuint(run1(l, "fib", 17), ==, 1597);
  assert_trap(l, "div", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  l->inst->running_mode = TIER_FAST_INTERP;
  assert_trap(l, "div", TRAP_INTEGER_DIVIDE_BY_ZERO, 1, 0);
  g_assert_cmpuint(run2(l, "div", 9, 3), ==, 3);
  unload(l);
}

/* Hostile code whose translation would be far larger than its body (each
 * of 1000 br_ifs moves 1000 values) is refused with a clear trap instead of
 * eating memory; the instance stays usable. */
static void test_fast_too_large(void)
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
  Loaded *l = load_text(wat->str);
  g_string_free(wat, TRUE);
  uint64_t argv[4] = {0};
  g_assert_false(invoke(l, "big", argv));
  g_assert_cmpstr(l->inst->exception, ==, "Exception: function too large for the fast interpreter");
  g_assert_cmpuint(run0(l, "small"), ==, 5);
  /* the classic interpreter runs it */
  l->inst->running_mode = TIER_INTERP;
  g_assert_true(invoke(l, "big", argv));
  unload(l);
}

typedef struct Racer {
  Loaded *l;
  gint *go; /* the threads spin until it is set, to start together */
  uint64_t result;
} Racer;

static gpointer race(gpointer data)
{
  Racer *r = data;
  while (!g_atomic_int_get(r->go))
    ;
  r->result = run1(r->l, "fib", 22);
  return NULL;
}

/* Threads making a function's first call at once: one translation wins,
 * every thread gets the right answer, nothing leaks (ASan). */
static void test_fast_concurrent_first_calls(void)
{
  Loaded *l = load("fib.wasm");
  enum { N = 4 };
  Racer racers[N];
  GThread *threads[N];
  gint go = 0;
  for (int i = 0; i < N; i++) {
    racers[i] = (Racer){instantiate_again(l, TIER_FAST_INTERP), &go, 0};
    threads[i] = g_thread_new("racer", race, &racers[i]);
  }
  g_atomic_int_set(&go, 1);
  for (int i = 0; i < N; i++) {
    g_thread_join(threads[i]);
    g_assert_cmpuint(racers[i].result, ==, 17711);
    unload_instance(racers[i].l);
  }
  g_assert_nonnull(fast_code(l->module, 0));
  unload(l);
}
/* Differential fuzzing: mutated test modules that still validate run in
 * both interpreters, every export on the same arguments, and must give the
 * same results or the same trap.  Runs that exhaust the fuel or the stack
 * are left out (the tiers poll at different places and their frames differ
 * in size), and NaN results may differ in payload (the spec allows it).
 * WP_FUZZ_SEED and WP_FUZZ_ROUNDS override the fixed seed and the count. */
static bool same_result(uint8_t type, uint64_t a, uint64_t b)
{
  if (type == VAL_I32 || type == VAL_F32) {
    a = (uint32_t)a; /* what the host reads of a 32-bit value */
    b = (uint32_t)b;
  }
  if (a == b)
    return true;
  if (type == VAL_F32)
    return isnan(f32_res(a)) && isnan(f32_res(b));
  if (type == VAL_F64)
    return isnan(f64_res(a)) && isnan(f64_res(b));
  return false;
}

static bool exhausted(const Instance *inst)
{
  return strstr(inst->exception, trap_message(TRAP_FUEL_EXHAUSTED)) ||
         strstr(inst->exception, trap_message(TRAP_STACK_EXHAUSTED));
}

static void test_fast_differential(void)
{
  static const uint64_t values[] = {0, 1, 2, 7, 100, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                    UINT64_MAX, 0x8000000000000000ull, 0x3FF0000000000000ull,
                                    0x7FC00000, 0x3F800000};
  const char *seed_env = g_getenv("WP_FUZZ_SEED");
  const char *rounds_env = g_getenv("WP_FUZZ_ROUNDS");
  GRand *rng = g_rand_new_with_seed(seed_env ? (guint32)atoi(seed_env) : 20261125u);
  int rounds = rounds_env ? atoi(rounds_env) : 10000;

  GPtrArray *corpus = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  GDir *dir = g_dir_open(g_getenv("WP_TEST_WASM_DIR"), 0, NULL);
  g_assert_nonnull(dir);
  const char *name;
  while ((name = g_dir_read_name(dir))) {
    g_autofree char *path = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), name, NULL);
    char *contents;
    gsize len;
    if (g_str_has_suffix(name, ".wasm") && g_file_get_contents(path, &contents, &len, NULL) && len > 0)
      g_ptr_array_add(corpus, g_bytes_new_take(contents, len));
  }
  g_dir_close(dir);
  g_assert_cmpuint(corpus->len, >, 0);

  int compared = 0;
  for (int r = 0; r < rounds; r++) {
    gsize n;
    const guint8 *src = g_bytes_get_data(corpus->pdata[g_rand_int_range(rng, 0, (gint32)corpus->len)], &n);
    guint8 *b = g_memdup2(src, n);
    int edits = r % 4 == 0 ? 0 : g_rand_int_range(rng, 1, 4);
    for (int e = 0; e < edits; e++) {
      gsize at = g_rand_int_range(rng, 0, (gint32)n);
      b[at] = g_rand_boolean(rng) ? (guint8)(b[at] ^ (1u << g_rand_int_range(rng, 0, 8)))
                                  : (guint8)g_rand_int_range(rng, 0, 256);
    }
    char err[256];
    Module *m = decode_module(b, n, err, sizeof err);
    g_free(b);
    if (!m)
      continue;
    Instance *inst[2] = {NULL, NULL};
    ExecEnv *env[2] = {NULL, NULL};
    if (validate_module(m, err, sizeof err))
      for (int t = 0; t < 2; t++) {
        inst[t] = instance_new(m, NULL, NULL, 65536, err, sizeof err);
        if (!inst[t])
          break;
        inst[t]->running_mode = t == 0 ? TIER_INTERP : TIER_FAST_INTERP;
        env[t] = exec_env_new(inst[t], 65536);
      }
    for (uint32_t x = 0; inst[1] && x < m->num_exports; x++) {
      if (m->exports[x].kind != EXTERN_FUNC)
        continue;
      uint32_t fi = m->exports[x].index;
      const FuncType *ft = module_func_type(m, fi);
      if (ft->num_params > 8 || ft->num_results > 8)
        continue;
      uint64_t args[8], out[2][8];
      gboolean ok[2];
      for (uint32_t p = 0; p < ft->num_params; p++)
        args[p] = values[g_rand_int_range(rng, 0, G_N_ELEMENTS(values))];
      for (int t = 0; t < 2; t++) {
        memcpy(out[t], args, sizeof args);
        env[t]->fuel = 100000;
        ok[t] = runtime_call(env[t], inst[t]->funcs[fi], out[t]);
      }
      if ((!ok[0] && exhausted(inst[0])) || (!ok[1] && exhausted(inst[1])))
        break; /* the two instances' states may differ from here on */
      compared++;
      if (ok[0] != ok[1] || (!ok[0] && strcmp(inst[0]->exception, inst[1]->exception) != 0))
        g_error("round %d, export %s: classic %s, fast %s", r, m->exports[x].name,
                ok[0] ? "returns" : inst[0]->exception, ok[1] ? "returns" : inst[1]->exception);
      for (uint32_t q = 0; ok[0] && q < ft->num_results; q++)
        if (!same_result(functype_results(ft)[q], out[0][q], out[1][q]))
          g_error("round %d, export %s, result %u: classic %#" G_GINT64_MODIFIER "x, fast %#"
                  G_GINT64_MODIFIER "x", r, m->exports[x].name, q, out[0][q], out[1][q]);
    }
    for (int t = 0; t < 2; t++) {
      exec_env_free(env[t]);
      if (inst[t])
        instance_unref(inst[t]);
    }
    module_free(m);
  }
  g_test_message("%d calls compared", compared);
  g_assert_cmpint(compared, >, 0);
  g_ptr_array_unref(corpus);
  g_rand_free(rng);
}
#endif

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/interp/numeric/int-division", test_int_division);
  g_test_add_func("/interp/numeric/int-bits", test_int_bits);
  g_test_add_func("/interp/numeric/float-to-int", test_float_to_int);
  g_test_add_func("/interp/numeric/int-to-float", test_int_to_float);
  g_test_add_func("/interp/numeric/float-ops", test_float_ops);
  g_test_add_func("/interp/control/blocks", test_control_blocks);
  g_test_add_func("/interp/control/multi-value", test_control_multi_value);
  g_test_add_func("/interp/calls/indirect", test_calls_indirect);
  g_test_add_func("/interp/memory/access", test_memory);
  g_test_add_func("/interp/memory/bulk", test_bulk_memory);
  g_test_add_func("/interp/tables", test_tables);
  g_test_add_func("/interp/stack/deep", test_stack_deep);
  g_test_add_func("/interp/stack/exhausted", test_stack_exhausted);
  g_test_add_func("/interp/interrupt", test_interrupt);
  g_test_add_func("/interp/link/two-instances", test_two_instances);
  g_test_add_func("/interp/translate/edges", test_translate_edges);
  g_test_add_func("/interp/translate/fused", test_translate_fused);
  g_test_add_func("/interp/translate/deep-stack", test_translate_deep_stack);
#if WP_HAVE_FAST_INTERP
  if (test_mode() == TIER_FAST_INTERP) {
    g_test_add_func("/interp/fast/translate-once", test_fast_translate_once);
    g_test_add_func("/interp/fast/switch-mode", test_fast_switch_mode);
    g_test_add_func("/interp/fast/too-large", test_fast_too_large);
    g_test_add_func("/interp/fast/concurrent-first-calls", test_fast_concurrent_first_calls);
    if (tier_is_supported(TIER_INTERP))
      g_test_add_func("/interp/fast/differential", test_fast_differential);
  }
#endif
  return g_test_run();
}
