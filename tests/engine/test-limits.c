/*
 * test-limits.c -- what bounds hostile code, the same in every running mode
 * of the build: the fuel unit (one per Wasm function entry and one per
 * arrival at a loop's start, so a budget stops every mode at the same
 * point), the table size cap and the caps on what the engine builds beside
 * a module.
 */
#include "api/api.h"
#include "every-mode.h"

/* --- one fuel unit in every mode --- */

/* Each export loops for ever, counting in $n what it did; `count` reads $n. */
static const char fuel_wat[] =
  "(module\n"
  "  (global $n (mut i32) (i32.const 0))\n"
  "  (func (export \"count\") (result i32) global.get $n)\n"
  "  (func (export \"reset\") i32.const 0 global.set $n)\n"
  "  (func $inc global.get $n i32.const 1 i32.add global.set $n)\n"
  "  (func (export \"spin\") (loop $l call $inc br $l))\n"
  "  (func (export \"spin_inline\")\n"
  "    (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1))) (br $l)))\n"
  "  (func (export \"spin_if\") (local $i i32)\n"
  "    (loop $l\n"
  "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
  "      (global.set $n (local.get $i))\n"
  "      (br_if $l (i32.lt_u (local.get $i) (i32.const 0x7fffffff)))))\n"
  "  (func (export \"spin_if_i64\") (local $i i64)\n"
  "    (loop $l\n"
  "      (local.set $i (i64.add (local.get $i) (i64.const 1)))\n"
  "      (global.set $n (i32.wrap_i64 (local.get $i)))\n"
  "      (br_if $l (i64.ne (local.get $i) (i64.const -1)))))\n"
  "  (func (export \"spin_table\")\n"
  "    (loop $l\n"
  "      (block $b (global.set $n (i32.add (global.get $n) (i32.const 1)))\n"
  "        (br_table $b $l (i32.and (global.get $n) (i32.const 1))))\n"
  "      (br $l)))\n"
  "  (func $inner (local $i i32)\n"
  "    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
  "      (br_if $l (i32.lt_u (local.get $i) (i32.const 3)))))\n"
  /* A loop falling into another loop, calling a looping function. */
  "  (func (export \"nested\")\n"
  "    (loop $outer\n"
  "      (global.set $n (i32.add (global.get $n) (i32.const 1)))\n"
  "      (call $inner)\n"
  "      (loop $again (br $outer))))\n"
  "  (func $down (param i32) (result i32)\n"
  "    (global.set $n (i32.add (global.get $n) (i32.const 1)))\n"
  "    (if (result i32) (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1))))\n"
  "      (else (i32.const 0))))\n"
  "  (func (export \"recurse\") (drop (call $down (i32.const 100000))))\n"
  "  (type $v (func))\n"
  "  (table funcref (elem $inc))\n"
  "  (func (export \"spin_indirect\") (loop $l (call_indirect (type $v) (i32.const 0)) (br $l)))\n"
  ")\n";

/* What the export's counter reads after it ran out of `budget`. */
static uint32_t count_after(wasm_exec_env_t env, wasm_module_inst_t inst, const char *name, int budget)
{
  char why[128];
  wasm_runtime_set_instruction_count_limit(env, -1);
  g_assert_true(em_call(env, inst, "reset", 0, NULL, NULL, 0));
  wasm_runtime_set_instruction_count_limit(env, budget);
  if (em_call(env, inst, name, 0, NULL, why, sizeof why))
    g_error("%s returned with %d units", name, budget);
  g_assert_cmpstr(why, ==, "Exception: fuel exhausted");
  wasm_runtime_set_instruction_count_limit(env, -1);
  uint32_t cells[1] = {0};
  g_assert_true(em_call(env, inst, "count", 0, cells, NULL, 0));
  return cells[0];
}

static void test_fuel_unit(void)
{
  static const char *const exports[] = {"spin", "spin_inline", "spin_if", "spin_if_i64", "spin_table",
                                        "nested", "recurse", "spin_indirect"};
  static const int budgets[] = {0, 1, 2, 3, 4, 5, 7, 10, 999, 1000, 1001, 12345};
  em_runtime_up();
  wasm_module_t m = em_load_text(fuel_wat);
  int modes = 0;
  uint32_t first[G_N_ELEMENTS(exports)][G_N_ELEMENTS(budgets)];
  FOR_EACH_BUILT_MODE(mode)
  {
    wasm_exec_env_t env;
    wasm_module_inst_t inst = em_instantiate(m, mode->mode, &env);
    for (size_t e = 0; e < G_N_ELEMENTS(exports); e++) {
      for (size_t b = 0; b < G_N_ELEMENTS(budgets); b++) {
        int budget = budgets[b];
        uint32_t n = count_after(env, inst, exports[e], budget);
        /* Units: the export's entry, then each arrival at a loop start
         * and each function entry, in the order the code meets them. */
        uint32_t want = 0;
        if (strcmp(exports[e], "spin_inline") == 0 || strcmp(exports[e], "spin_if") == 0 ||
            strcmp(exports[e], "spin_if_i64") == 0 || strcmp(exports[e], "spin_table") == 0)
          want = budget > 1 ? (uint32_t)budget - 1 : 0; /* entry; loop, ++ */
        else if (strcmp(exports[e], "spin") == 0 || strcmp(exports[e], "spin_indirect") == 0)
          want = budget > 1 ? (uint32_t)(budget - 1) / 2 : 0; /* entry; loop, $inc's entry, ++ */
        else if (strcmp(exports[e], "nested") == 0)
          /* entry; outer ++, $inner, its loop three times, $again */
          want = budget > 1 ? (uint32_t)(budget - 1 + 5) / 6 : 0;
        else if (strcmp(exports[e], "recurse") == 0)
          want = budget > 1 ? (uint32_t)budget - 1 : 0; /* entry; $down's entry, ++ */
        if (n != want)
          g_error("%s: %s with %d units counted %u, want %u", mode->name, exports[e], budget, n, want);
        if (modes == 0)
          first[e][b] = n;
        g_assert_cmpuint(n, ==, first[e][b]);
      }
    }
    em_done(inst, env);
    modes++;
  }
  g_assert_cmpint(modes, >, 0);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- the table size cap --- */

static void test_table_cap(void)
{
  em_runtime_up();
  char err[160] = "";
  /* 2^31 elements (16 GiB of references) from a 30-byte module. */
  wasm_module_t huge = em_load_text("(module (table 2147483648 funcref))");
  g_assert_null(wasm_runtime_instantiate(huge, 0, 0, err, sizeof err));
  g_assert_cmpstr(err, ==, "table of 2147483648 elements exceeds the limit of 10000000 elements");
  wasm_module_t over = em_load_text("(module (table 10000001 externref))");
  g_assert_null(wasm_runtime_instantiate(over, 0, 0, err, sizeof err));
  g_assert_cmpstr(err, ==, "table of 10000001 elements exceeds the limit of 10000000 elements");

  wasm_module_t m = em_load_text(
    "(module (table $t 1 funcref)\n"
    "  (func (export \"grow\") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))\n"
    "  (func (export \"size\") (result i32) (table.size $t))\n"
    "  (func (export \"bomb\") (result i32) (local i32)\n"
    "    (loop (local.set 0 (i32.add (local.get 0) (i32.const 1)))\n"
    "      (br_if 0 (i32.ne (table.grow $t (ref.null func) (i32.const 0x1000000)) (i32.const -1)))\n"
    "      (br_if 0 (i32.lt_u (local.get 0) (i32.const 1000))))\n"
    "    (table.size $t)))");
  int modes = 0;
  FOR_EACH_BUILT_MODE(mode)
  {
    wasm_exec_env_t env;
    wasm_module_inst_t inst = em_instantiate(m, mode->mode, &env);
    uint32_t c[1];
    /* 2^28 elements at once, and a loop of 2^24-element grows: -1 each. */
    c[0] = 0x10000000;
    g_assert_true(em_call(env, inst, "grow", 1, c, NULL, 0));
    g_assert_cmpint((int32_t)c[0], ==, -1);
    g_assert_true(em_call(env, inst, "bomb", 0, c, NULL, 0));
    g_assert_cmpuint(c[0], ==, 1);
    c[0] = 10000000; /* one past the cap */
    g_assert_true(em_call(env, inst, "grow", 1, c, NULL, 0));
    g_assert_cmpint((int32_t)c[0], ==, -1);
    em_done(inst, env);

    /* An embedder's lower cap (InstantiationArgs.max_table_elements). */
    InstantiationArgs args;
    memset(&args, 0, sizeof args);
    args.max_table_elements = 100;
    inst = wasm_runtime_instantiate_ex(m, &args, err, sizeof err);
    g_assert_nonnull(inst);
    g_assert_true(wasm_runtime_set_running_mode(inst, mode->mode));
    env = wasm_runtime_create_exec_env(inst, 0);
    c[0] = 99;
    g_assert_true(em_call(env, inst, "grow", 1, c, NULL, 0));
    g_assert_cmpint((int32_t)c[0], ==, 1);
    c[0] = 1;
    g_assert_true(em_call(env, inst, "grow", 1, c, NULL, 0));
    g_assert_cmpint((int32_t)c[0], ==, -1);
    g_assert_true(em_call(env, inst, "size", 0, c, NULL, 0));
    g_assert_cmpuint(c[0], ==, 100);
    em_done(inst, env);
    modes++;
  }
  g_assert_cmpint(modes, >, 0);
  wasm_runtime_unload(huge);
  wasm_runtime_unload(over);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

/* --- side structures bounded by the module's size --- */

/* 30 small functions, each making 20 copies of 1000 values (a br_if out
 * of a block with 1000 results, over a stack one value higher): about 90
 * bytes of body that would take 20,000 cells (160 KB) of fast-interpreter
 * code each, 4.8 MB for a 7 KB module (a budget of 1.9 MB). */
static char *copies_module(void)
{
  GString *w = g_string_new("(module (type $many (func (result");
  for (int i = 0; i < 1000; i++)
    g_string_append(w, " i32");
  g_string_append(w, ")))\n (type $many_p (func (param i32) (result");
  for (int i = 0; i < 1000; i++)
    g_string_append(w, " i32");
  g_string_append(w, ")))\n (type $more (func (result");
  for (int i = 0; i < 1001; i++)
    g_string_append(w, " i32");
  g_string_append(w, ")))\n (func $more (type $more) (local i32)");
  for (int i = 0; i < 1001; i++)
    g_string_append(w, " (local.get 0)");
  g_string_append(w, ")\n");
  for (int f = 0; f < 30; f++) {
    g_string_append_printf(w, " (func (export \"f%d\") (type $many_p) (block (type $many) (call $more)", f);
    for (int i = 0; i < 20; i++)
      g_string_append(w, " (br_if 0 (local.get 0))");
    g_string_append(w, " (br 0)) (nop))\n");
  }
  g_string_append(w, " (func (export \"small\") (result i32) (i32.const 5)))");
  return g_string_free(w, FALSE);
}

/* A br_table of 200,000 labels. */
static char *br_table_module(void)
{
  GString *w = g_string_new("(module (func (export \"f0\") (param i32) (block (block (br_table");
  for (int i = 0; i < 200000; i++)
    g_string_append(w, (i & 1) ? " 1" : " 0");
  g_string_append(w, " 0 (local.get 0))) (return)))\n"
                     " (func (export \"small\") (result i32) (i32.const 5)))");
  return g_string_free(w, FALSE);
}

static void check_side_bytes(char *(*make)(void), int num_funcs)
{
  em_runtime_up();
  g_autofree char *wat = make();
  wasm_module_t m = em_load_text(wat);
  const Module *mod = API_MODULE(m)->module;
  FOR_EACH_BUILT_MODE(mode)
  {
    /* The LLVM JIT keeps nothing beside the module but machine code, and
     * these hostile shapes (1000-value phis on 20 edges, 300 times) take
     * LLVM minutes to optimise: a known limit of that tier, not run here. */
    if (mode->mode == Mode_LLVM_JIT)
      continue;
    wasm_exec_env_t env;
    wasm_module_inst_t inst = em_instantiate(m, mode->mode, &env);
    for (int f = 0; f < num_funcs; f++) {
      char name[16];
      g_snprintf(name, sizeof name, "f%d", f);
      static uint32_t c[1024];
      c[0] = 0;
      char why[128] = "";
      /* Run, or refused as too large (by the fast interpreter or the Fast
       * JIT, each naming itself): either way the host is safe. */
      if (!em_call(env, inst, name, 1, c, why, sizeof why) &&
          strcmp(why, "Exception: function too large for the fast interpreter") != 0)
        g_assert_cmpstr(why, ==, "Exception: function too large for the Fast JIT");
    }
    uint32_t c[1];
    g_assert_true(em_call(env, inst, "small", 0, c, NULL, 0));
    g_assert_cmpuint(c[0], ==, 5);
    size_t used = module_side_bytes(mod), budget = module_side_budget(mod);
    g_test_message("%s: %zu bytes beside a module of %zu bytes, budget %zu", mode->name, used, mod->size, budget);
    if (used > budget)
      g_error("%s: %zu bytes beside the module, budget %zu", mode->name, used, budget);
    em_done(inst, env);
  }
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

static void test_side_copies(void) { check_side_bytes(copies_module, 30); }
static void test_side_br_table(void) { check_side_bytes(br_table_module, 1); }

/* --- time and fuel limits on start functions and calls (API) --- */

static const char spin_start_wat[] =
  "(module (func $s (loop (br 0))) (start $s))";

static const char spin_wat[] =
  "(module (global $n (mut i32) (i32.const 0))\n"
  "  (func $s (global.set $n (i32.const 5))) (start $s)\n"
  "  (func (export \"spin\") (loop (br 0)))\n"
  "  (func (export \"n\") (result i32) (global.get $n)))";

static void test_time_and_fuel(void)
{
  em_runtime_up();
  wasm_module_t looping = em_load_text(spin_start_wat);
  wasm_module_t m = em_load_text(spin_wat);
  int modes = 0;
  FOR_EACH_BUILT_MODE(mode)
  {
    g_assert_true(wasm_runtime_set_default_running_mode(mode->mode));
    char err[128] = "";
    InstantiationArgs args;
    memset(&args, 0, sizeof args);
    /* A start function looping for ever is stopped by either limit. */
    args.start_time_limit_ms = 20;
    g_assert_null(wasm_runtime_instantiate_ex(looping, &args, err, sizeof err));
    g_assert_cmpstr(err, ==, "time limit exceeded");
    args.start_time_limit_ms = 0;
    args.start_fuel = 5000;
    g_assert_null(wasm_runtime_instantiate_ex(looping, &args, err, sizeof err));
    g_assert_cmpstr(err, ==, "fuel exhausted");

    /* A start function within its limits runs; a call looping for ever is
     * stopped, and the instance answers the next calls. */
    args.start_time_limit_ms = 600000;
    wasm_module_inst_t inst = wasm_runtime_instantiate_ex(m, &args, err, sizeof err);
    g_assert_nonnull(inst);
    g_assert_true(wasm_runtime_set_running_mode(inst, mode->mode));
    wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);
    char why[128];
    uint32_t cells[1];
    /* A compiling tier compiles on the first call, and that time counts:
     * "n" is compiled before the short limit is set. */
    g_assert_true(em_call(env, inst, "n", 0, cells, NULL, 0));
    wasm_runtime_set_time_limit(env, 20);
    for (int i = 0; i < 3; i++) {
      g_assert_false(em_call(env, inst, "spin", 0, NULL, why, sizeof why));
      g_assert_cmpstr(why, ==, "Exception: time limit exceeded");
      if (!em_call(env, inst, "n", 0, cells, why, sizeof why))
        g_error("%s: after a time limit: %s", mode->name, why);
      g_assert_cmpuint(cells[0], ==, 5);
    }
    /* wasm_runtime_terminate still says what it is under a time limit. */
    wasm_runtime_set_time_limit(env, 600000);
    wasm_runtime_terminate(inst);
    g_assert_false(em_call(env, inst, "spin", 0, NULL, why, sizeof why));
    g_assert_cmpstr(why, ==, "Exception: terminated by user");
    /* Many short calls under a limit: none is stopped by an old request. */
    for (int i = 0; i < 200; i++) {
      g_assert_true(em_call(env, inst, "n", 0, cells, NULL, 0));
      g_assert_cmpuint(cells[0], ==, 5);
    }
    wasm_runtime_set_time_limit(env, 0);
    em_done(inst, env);
    modes++;
  }
  g_assert_cmpint(modes, >, 0);
  wasm_runtime_unload(looping);
  wasm_runtime_unload(m);
  wasm_runtime_destroy();
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/limits/fuel/unit", test_fuel_unit);
  g_test_add_func("/limits/table-cap", test_table_cap);
  g_test_add_func("/limits/side/multi-value-copies", test_side_copies);
  g_test_add_func("/limits/side/br-table", test_side_br_table);
  g_test_add_func("/limits/time-and-fuel", test_time_and_fuel);
  return g_test_run();
}
