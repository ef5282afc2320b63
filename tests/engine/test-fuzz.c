/*
 * test-fuzz.c -- smoke fuzzing: random mutations of the valid test modules
 * must load or fail with a message, never crash or hang.  Modules that still
 * load are instantiated and their exported functions called with zero
 * arguments under an instruction budget, so mutated code runs too.
 *
 * The seed is fixed for reproducible runs; WP_FUZZ_SEED and WP_FUZZ_ROUNDS
 * override it and the number of mutations.
 */
#include <glib.h>
#include <string.h>

#include "wasm_export.h"

typedef struct Corpus {
  GPtrArray *bytes; /* GBytes * */
} Corpus;

static Corpus corpus;

static void load_corpus(void)
{
  const char *dir = g_getenv("WP_TEST_WASM_DIR");
  g_assert_nonnull(dir);
  corpus.bytes = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    if (!g_str_has_suffix(name, ".wasm"))
      continue;
    char *path = g_build_filename(dir, name, NULL);
    char *contents;
    gsize len;
    if (g_file_get_contents(path, &contents, &len, NULL))
      g_ptr_array_add(corpus.bytes, g_bytes_new_take(contents, len));
    g_free(path);
  }
  g_dir_close(d);
  g_assert_cmpuint(corpus.bytes->len, >, 0);
}

/* One of several mutation kinds that hit the places a decoder gets wrong:
 * single bytes, LEB continuation bits, lengths, truncation, splices. */
static guint8 *mutate(GRand *rng, const guint8 *src, gsize len, gsize *out_len)
{
  gsize cap = len + 64;
  guint8 *b = g_malloc(cap);
  memcpy(b, src, len);
  gsize n = len;
  int edits = g_rand_int_range(rng, 1, 5);
  for (int e = 0; e < edits && n > 0; e++) {
    gsize at = g_rand_int_range(rng, 0, (gint32)n);
    switch (g_rand_int_range(rng, 0, 7)) {
    case 0: /* flip a bit */
      b[at] ^= (guint8)(1u << g_rand_int_range(rng, 0, 8));
      break;
    case 1: /* random byte */
      b[at] = (guint8)g_rand_int_range(rng, 0, 256);
      break;
    case 2: /* interesting byte */
    {
      static const guint8 interesting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x40, 0x41, 0xfc, 0xfd};
      b[at] = interesting[g_rand_int_range(rng, 0, sizeof interesting)];
      break;
    }
    case 3: /* truncate */
      n = at;
      break;
    case 4: /* delete a run */
    {
      gsize k = (gsize)g_rand_int_range(rng, 1, 9); /* not inside MIN(): it evaluates twice */
      k = MIN(k, n - at);
      memmove(b + at, b + at + k, n - at - k);
      n -= k;
      break;
    }
    case 5: /* insert a run */
    {
      gsize k = g_rand_int_range(rng, 1, 9);
      if (n + k > cap)
        break;
      memmove(b + at + k, b + at, n - at);
      for (gsize i = 0; i < k; i++)
        b[at + i] = (guint8)g_rand_int_range(rng, 0, 256);
      n += k;
      break;
    }
    default: /* set a continuation bit (LEB128 lengths, counts, sizes) */
      b[at] |= 0x80;
      break;
    }
  }
  *out_len = n;
  return b;
}

static void run_exports(wasm_module_t module, wasm_module_inst_t inst)
{
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 64 * 1024);
  if (!env)
    return;
  wasm_runtime_set_instruction_count_limit(env, 100000);
  /* Fuel counts work, not time: a mutant asleep in WASI's poll_oneoff
   * (tests/wat/wasi-sleep.wat sleeps an hour) is ended by a time limit.
   * Generous, so no result depends on the machine's speed. */
  wasm_runtime_set_time_limit(env, 2000);
  int32_t count = wasm_runtime_get_export_count(module);
  for (int32_t i = 0; i < count; i++) {
    wasm_export_t ex;
    wasm_runtime_get_export_type(module, i, &ex);
    if (ex.kind != WASM_IMPORT_EXPORT_KIND_FUNC)
      continue;
    wasm_function_inst_t f = wasm_runtime_lookup_function(inst, ex.name);
    if (!f)
      continue;
    uint32_t np = wasm_func_get_param_count(f, inst);
    uint32_t nr = wasm_func_get_result_count(f, inst);
    if (np > 16 || nr > 16)
      continue;
    wasm_valkind_t kinds[16];
    wasm_val_t args[16], results[16];
    wasm_func_get_param_types(f, inst, kinds);
    for (uint32_t k = 0; k < np; k++) {
      memset(&args[k], 0, sizeof args[k]);
      args[k].kind = kinds[k];
    }
    wasm_runtime_call_wasm_a(env, f, nr, results, np, args);
    wasm_runtime_clear_exception(inst);
  }
  wasm_runtime_destroy_exec_env(env);
}

static void test_mutations(void)
{
  const char *seed_env = g_getenv("WP_FUZZ_SEED");
  const char *rounds_env = g_getenv("WP_FUZZ_ROUNDS");
  guint32 seed = seed_env ? (guint32)g_ascii_strtoull(seed_env, NULL, 0) : 20261125u;
  int rounds = rounds_env ? atoi(rounds_env) : 50000;
  GRand *rng = g_rand_new_with_seed(seed);
  int loaded = 0, instantiated = 0;

  for (int r = 0; r < rounds; r++) {
    GBytes *src = g_ptr_array_index(corpus.bytes, g_rand_int_range(rng, 0, corpus.bytes->len));
    gsize len;
    const guint8 *data = g_bytes_get_data(src, &len);
    gsize n;
    guint8 *m = mutate(rng, data, len, &n);
    char error[128] = "";
    wasm_module_t module = wasm_runtime_load(m, (uint32_t)n, error, sizeof error);
    if (module) {
      loaded++;
      /* A mutated memory.grow + memory.fill must not eat gigabytes. */
      InstantiationArgs args = {.default_stack_size = 64 * 1024, .max_memory_pages = 256};
      wasm_module_inst_t inst = wasm_runtime_instantiate_ex(module, &args, error, sizeof error);
      if (inst) {
        instantiated++;
        run_exports(module, inst);
        wasm_runtime_deinstantiate(inst);
      } else {
        g_assert_cmpstr(error, !=, "");
      }
      wasm_runtime_unload(module);
    } else {
      g_assert_cmpstr(error, !=, ""); /* every rejection says why */
    }
    g_free(m);
  }
  g_test_message("seed %u: %d mutations, %d loaded, %d instantiated", seed, rounds, loaded,
                 instantiated);
  g_assert_cmpint(loaded, >, 0); /* the mutations are not all trivially broken */
  g_rand_free(rng);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  /* WP_TEST_MODE picks the mode (a --mode name); the fast interpreter by
   * default, which makes 50000 rounds quick.  Under the LLVM JIT (fewer
   * rounds, from meson) level 1 keeps compilation short: the translator is
   * what the mutations are after. */
  const char *mode = g_getenv("WP_TEST_MODE");
  init.running_mode = Mode_Fast_Interp;
  if (mode && strcmp(mode, "interp") == 0)
    init.running_mode = Mode_Interp;
  if (mode && strcmp(mode, "llvm-jit") == 0)
    init.running_mode = Mode_LLVM_JIT;
  if (!wasm_runtime_is_running_mode_supported(init.running_mode))
    init.running_mode = Mode_Default;
  g_assert_true(wasm_runtime_full_init(&init));
  if (init.running_mode == Mode_LLVM_JIT)
    g_assert_true(wasm_runtime_set_llvm_jit_options(1, 0, false));
  load_corpus();
  g_test_add_func("/fuzz/mutations", test_mutations);
  int status = g_test_run();
  g_ptr_array_unref(corpus.bytes);
  wasm_runtime_destroy();
  return status;
}
