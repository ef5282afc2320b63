/*
 * test-nan.c -- NaN bits agree in every running mode of the build.  When
 * an operand of add, sub, mul, div, min or max is a NaN, the result is the
 * first NaN operand with its quiet bit set (the shared definition; V8 and
 * x86 SSE give the same for add, sub, mul and div).  Each operation is
 * tried with its operands in slots, with the second one straight from a
 * load (the fast interpreter fuses that), and with a NaN constant first.
 */
#include <math.h>

#include "every-mode.h"

static const char *const ops[] = {"add", "sub", "mul", "div", "min", "max"};

static const uint32_t f32_values[] = {
  0x7fa00001, /* signalling, payload 0x200001 */
  0xffa00005, /* signalling, negative */
  0xffc00002, /* quiet, negative */
  0x7fc00003, /* quiet */
  0x7fc00000, /* canonical */
  0x3f800000, /* 1 */
  0x7f800000, /* inf */
  0xff800000, /* -inf */
  0x00000000, /* 0 */
  0x80000000, /* -0 */
};

static const uint64_t f64_values[] = {
  0x7ff4000000000001ull, 0xfff4000000000005ull, 0xfff8000000000002ull, 0x7ff8000000000003ull,
  0x7ff8000000000000ull, 0x3ff0000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
  0x0000000000000000ull, 0x8000000000000000ull,
};

/* For each op and width: OP(a, b) with both in parameters, OP_load with b
 * stored to memory and loaded back as the operand, and OP_cfirst with the
 * first operand the constant signalling NaN 0x7fa00001 / 0x7ff4000000000001. */
static char *nan_module(void)
{
  GString *w = g_string_new("(module (memory 1)\n");
  for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
    const char *o = ops[i];
    g_string_append_printf(w,
      "(func (export \"f32_%s\") (param i32 i32) (result i32)\n"
      "  (i32.reinterpret_f32 (f32.%s (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (local.get 1)))))\n"
      "(func (export \"f32_%s_load\") (param i32 i32) (result i32) (local f32)\n"
      "  (i32.store (i32.const 8) (local.get 1))\n"
      "  (local.set 2 (f32.reinterpret_i32 (local.get 0)))\n"
      "  (i32.reinterpret_f32 (f32.%s (local.get 2) (f32.load offset=8 (i32.const 0)))))\n"
      "(func (export \"f32_%s_cfirst\") (param i32 i32) (result i32)\n"
      "  (i32.reinterpret_f32 (f32.%s (f32.const nan:0x200001) (f32.reinterpret_i32 (local.get 1)))))\n"
      "(func (export \"f64_%s\") (param i64 i64) (result i64)\n"
      "  (i64.reinterpret_f64 (f64.%s (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1)))))\n"
      "(func (export \"f64_%s_load\") (param i64 i64) (result i64) (local f64)\n"
      "  (i64.store (i32.const 8) (local.get 1))\n"
      "  (local.set 2 (f64.reinterpret_i64 (local.get 0)))\n"
      "  (i64.reinterpret_f64 (f64.%s (local.get 2) (f64.load offset=8 (i32.const 0)))))\n"
      "(func (export \"f64_%s_cfirst\") (param i64 i64) (result i64)\n"
      "  (i64.reinterpret_f64 (f64.%s (f64.const nan:0x4000000000001) (f64.reinterpret_i64 (local.get 1)))))\n",
      o, o, o, o, o, o, o, o, o, o, o, o);
  }
  g_string_append(w, ")\n");
  return g_string_free(w, FALSE);
}

static bool f32_is_nan(uint32_t x) { return (x & 0x7f800000u) == 0x7f800000u && (x & 0x007fffffu); }
static bool f64_is_nan(uint64_t x)
{
  return (x & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (x & 0x000fffffffffffffull);
}

/* The rule's answer when an operand is a NaN; false when none is. */
static bool f32_rule(uint32_t a, uint32_t b, uint32_t *r)
{
  if (f32_is_nan(a))
    *r = a | 0x00400000u;
  else if (f32_is_nan(b))
    *r = b | 0x00400000u;
  else
    return false;
  return true;
}

static bool f64_rule(uint64_t a, uint64_t b, uint64_t *r)
{
  if (f64_is_nan(a))
    *r = a | 0x0008000000000000ull;
  else if (f64_is_nan(b))
    *r = b | 0x0008000000000000ull;
  else
    return false;
  return true;
}

static void test_nan_bits(void)
{
  static const char *const forms[] = {"", "_load", "_cfirst"};
  em_runtime_up();
  g_autofree char *wat = nan_module();
  wasm_module_t m = em_load_text(wat);
  enum { N32 = G_N_ELEMENTS(f32_values), N64 = G_N_ELEMENTS(f64_values) };
  static uint64_t first[G_N_ELEMENTS(ops)][3][2][N64 > N32 ? N64 : N32][N64 > N32 ? N64 : N32];
  int modes = 0, nan_cases = 0;
  FOR_EACH_BUILT_MODE(mode)
  {
    wasm_exec_env_t env;
    wasm_module_inst_t inst = em_instantiate(m, mode->mode, &env);
    for (size_t o = 0; o < G_N_ELEMENTS(ops); o++)
      for (size_t form = 0; form < 3; form++) {
        g_autofree char *n32 = g_strdup_printf("f32_%s%s", ops[o], forms[form]);
        g_autofree char *n64 = g_strdup_printf("f64_%s%s", ops[o], forms[form]);
        for (size_t i = 0; i < N32; i++)
          for (size_t j = 0; j < N32; j++) {
            uint32_t a = form == 2 ? 0x7fa00001u : f32_values[i], b = f32_values[j];
            uint32_t cells[2] = {a, b}, want;
            g_assert_true(em_call(env, inst, n32, 2, cells, NULL, 0));
            if (f32_rule(a, b, &want)) {
              nan_cases++;
              if (cells[0] != want)
                g_error("%s: %s(%08x, %08x) = %08x, want %08x", mode->name, n32, a, b, cells[0], want);
            }
            if (modes == 0)
              first[o][form][0][i][j] = cells[0];
            else if (cells[0] != first[o][form][0][i][j])
              g_error("%s: %s(%08x, %08x) = %08x, the first mode gave %08x", mode->name, n32, a, b, cells[0],
                      (uint32_t)first[o][form][0][i][j]);
          }
        for (size_t i = 0; i < N64; i++)
          for (size_t j = 0; j < N64; j++) {
            uint64_t a = form == 2 ? 0x7ff4000000000001ull : f64_values[i], b = f64_values[j], want, got;
            uint32_t cells[4];
            memcpy(cells, &a, 8);
            memcpy(cells + 2, &b, 8);
            g_assert_true(em_call(env, inst, n64, 4, cells, NULL, 0));
            memcpy(&got, cells, 8);
            if (f64_rule(a, b, &want)) {
              nan_cases++;
              if (got != want)
                g_error("%s: %s(%016" G_GINT64_MODIFIER "x, %016" G_GINT64_MODIFIER "x) = %016" G_GINT64_MODIFIER
                        "x, want %016" G_GINT64_MODIFIER "x",
                        mode->name, n64, a, b, got, want);
            }
            if (modes == 0)
              first[o][form][1][i][j] = got;
            else
              g_assert_cmphex(got, ==, first[o][form][1][i][j]);
          }
      }
    em_done(inst, env);
    modes++;
  }
  g_assert_cmpint(modes, >, 0);
  g_assert_cmpint(nan_cases, >, 0);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/nan/bits", test_nan_bits);
  return g_test_run();
}
