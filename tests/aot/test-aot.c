/*
 * test-aot.c -- the AOT container, loader and tier, without the LLVM
 * translator: the AOT code of aot-basic.wat is written by hand in C
 * (aot-code-*.c), compiled by clang in three relocation variants, and
 * wrapped into containers here with the engine's own writer.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

#include "aot/aot.h"
#include "aot/aot_cache.h"
#include "aot/aot_file.h"
#include "aot/aot_loader.h"
#include "aot/cpu_features.h"
#include "common/sha256.h"
#include "text/text.h"
#include "wasm_export.h"
#include "wp_config.h"
#if WP_HAVE_AOT_COMPILER
#include "aot/aot_compile.h"
#include "decode/decoder.h"
#include "validate/validator.h"
#endif

/* The defined functions of aot-basic.wat and their C twins ("" = none). */
static const char *const basic_symbols[] = {
    "aot_fib",  "aot_div",   "aot_spin",  "aot_store_load", "aot_call_import", "aot_tier",
    "aot_deep", "aot_pair",  "aot_floor", "aot_select",     "aot_indirect",    "",
};
#define NUM_BASIC (sizeof basic_symbols / sizeof basic_symbols[0])

static GBytes *read_build_file(const char *name)
{
  char *path = g_build_filename(g_getenv("WP_AOT_TEST_DIR"), name, NULL);
  char *contents;
  gsize len;
  GError *error = NULL;
  g_file_get_contents(path, &contents, &len, &error);
  g_assert_no_error(error);
  g_free(path);
  return g_bytes_new_take(contents, len);
}

/* A container for aot-basic.wat from the objects of one variant; `tweak`
 * may change the input first. */
typedef void (*Tweak)(AotWriteInput *in);

static GBytes *make_container(const char *variant, Tweak tweak)
{
  GBytes *wasm = read_build_file("aot-basic.wasm");
  char *na = g_strdup_printf("aot-code-a-%s.o", variant);
  char *nb = g_strdup_printf("aot-code-b-%s.o", variant);
  GBytes *a = read_build_file(na), *b = read_build_file(nb);
  const uint8_t *objects[2] = {g_bytes_get_data(a, NULL), g_bytes_get_data(b, NULL)};
  size_t sizes[2] = {g_bytes_get_size(a), g_bytes_get_size(b)};
  AotWriteInput in = {
      .opt_level = 2,
      .triple = "x86_64-pc-linux-gnu",
      .cpu = "x86-64",
      .cpu_features = "+sse2",
      .wasm = g_bytes_get_data(wasm, NULL),
      .wasm_size = g_bytes_get_size(wasm),
      .num_objects = 2,
      .objects = objects,
      .object_sizes = sizes,
      .num_funcs = NUM_BASIC,
      .func_symbols = basic_symbols,
  };
  if (tweak)
    tweak(&in);
  uint8_t *out;
  size_t out_size;
  char err[256];
  g_assert_true(aot_file_write(&in, &out, &out_size, err, sizeof err));
  g_bytes_unref(wasm);
  g_bytes_unref(a);
  g_bytes_unref(b);
  g_free(na);
  g_free(nb);
  return g_bytes_new_take(out, out_size);
}

static wasm_module_t load(GBytes *file, char *err, uint32_t err_size)
{
  /* wasm_runtime_load takes a mutable buffer; it does not keep it */
  uint8_t *copy = g_memdup2(g_bytes_get_data(file, NULL), g_bytes_get_size(file));
  wasm_module_t m = wasm_runtime_load(copy, (uint32_t)g_bytes_get_size(file), err, err_size);
  g_free(copy);
  return m;
}

/* The load must fail with a message containing `expected`. */
static void assert_refused(GBytes *file, const char *expected)
{
  char err[256] = "";
  wasm_module_t m = load(file, err, sizeof err);
  if (m)
    g_error("loaded, expected \"%s\"", expected);
  if (!strstr(err, expected))
    g_error("\"%s\" does not say \"%s\"", err, expected);
}

/* --- SHA-256 --- */

static void check_digest(const void *data, size_t size, const char *hex)
{
  uint8_t d[SHA256_DIGEST_SIZE];
  char got[2 * SHA256_DIGEST_SIZE + 1];
  sha256(data, size, d);
  sha256_hex(d, got);
  g_assert_cmpstr(got, ==, hex);
}

static void test_sha256_vectors(void)
{
  /* FIPS 180-4 examples and the classic long messages */
  check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  check_digest(m448, strlen(m448),
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
                     "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  check_digest(m896, strlen(m896),
               "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  char *million = g_malloc(1000000);
  memset(million, 'a', 1000000);
  check_digest(million, 1000000,
               "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  /* the same fed in uneven pieces */
  Sha256 s;
  sha256_init(&s);
  for (size_t at = 0, step = 1; at < 1000000; at += step, step = step * 7 % 131 + 1)
    sha256_update(&s, million + at, MIN(step, 1000000 - at));
  uint8_t d[SHA256_DIGEST_SIZE];
  char hex[65];
  sha256_final(&s, d);
  sha256_hex(d, hex);
  g_assert_cmpstr(hex, ==, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  g_free(million);
}

/* --- the container --- */

static void test_file_roundtrip(void)
{
  GBytes *file = make_container("pic", NULL);
  AotFile f;
  char err[256];
  gsize size;
  const uint8_t *data = g_bytes_get_data(file, &size);
  g_assert_true(aot_file_has_magic(data, size));
  g_assert_true(aot_file_parse(data, size, &f, err, sizeof err));
  g_assert_cmpuint(f.format_version, ==, AOT_FORMAT_VERSION);
  g_assert_cmpstr(f.target.runtime_version, ==, WP_VERSION);
  g_assert_cmpstr(f.target.triple, ==, "x86_64-pc-linux-gnu");
  g_assert_cmpstr(f.target.cpu_features, ==, "+sse2");
  g_assert_cmpuint(f.target.opt_level, ==, 2);
  g_assert_cmpuint(f.num_objects, ==, 2);
  g_assert_cmpuint(f.num_funcs, ==, NUM_BASIC);
  for (size_t i = 0; i < NUM_BASIC; i++)
    g_assert_cmpstr(f.func_symbols[i], ==, basic_symbols[i]);
  GBytes *wasm = read_build_file("aot-basic.wasm");
  g_assert_cmpmem(f.wasm, f.wasm_size, g_bytes_get_data(wasm, NULL), g_bytes_get_size(wasm));
  uint8_t hash[SHA256_DIGEST_SIZE];
  sha256(f.wasm, f.wasm_size, hash);
  g_assert_cmpmem(f.target.wasm_sha256, sizeof hash, hash, sizeof hash);
  g_assert_true(aot_file_check_host(&f, err, sizeof err));
  aot_file_free(&f);
  /* deterministic */
  GBytes *again = make_container("pic", NULL);
  g_assert_true(g_bytes_equal(file, again));
  g_bytes_unref(again);
  g_bytes_unref(wasm);
  g_bytes_unref(file);
}

static void old_runtime(AotWriteInput *in) { in->runtime_version = "0.0.1"; }
static void other_triple(AotWriteInput *in) { in->triple = "aarch64-unknown-linux-gnu"; }
static void unknown_feature(AotWriteInput *in) { in->cpu_features = "+sse2,+frobnicate"; }
static void named_cpu(AotWriteInput *in)
{
  in->cpu = "znver9";
  in->cpu_features = "";
}
static char lacking[64];
static void lacking_feature(AotWriteInput *in) { in->cpu_features = lacking; }

static void test_file_mismatch(void)
{
  GBytes *f = make_container("pic", old_runtime);
  assert_refused(f, "compiled by wasmplug 0.0.1, this is " WP_VERSION);
  g_bytes_unref(f);
  f = make_container("pic", other_triple);
  assert_refused(f, "not an AOT file for x86_64-pc-linux-gnu: compiled for aarch64-unknown-linux-gnu");
  g_bytes_unref(f);
  f = make_container("pic", unknown_feature);
  assert_refused(f, "compiled for CPU feature +frobnicate, which this runtime does not know");
  g_bytes_unref(f);
  f = make_container("pic", named_cpu);
  assert_refused(f, "compiled for CPU znver9 without its feature list");
  g_bytes_unref(f);

  /* Format version: refused before the checksum is even looked at. */
  f = make_container("pic", NULL);
  gsize size;
  const uint8_t *data = g_bytes_get_data(f, &size);
  uint8_t *b = g_memdup2(data, size);
  b[8] = 2;
  GBytes *v2 = g_bytes_new_take(b, size);
  assert_refused(v2, "AOT format version 2, this runtime reads version 1");
  g_bytes_unref(v2);
  g_bytes_unref(f);

  /* A feature this CPU lacks, if there is one. */
  static const char *candidates[] = {"avx512vp2intersect", "avx512fp16", "avx512bf16",
                                     "avx512vbmi2", "avx512ifma", "avx512f", "avxvnni",
                                     "serialize", "avx2", "sha", "gfni", "vaes", "adx", "fma"};
  const char *missing = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(candidates) && !missing; i++)
    if (!cpu_feature_present(candidates[i]))
      missing = candidates[i];
  if (!missing) {
    g_test_skip("this CPU has every candidate feature");
    return;
  }
  g_snprintf(lacking, sizeof lacking, "+sse2,+%s", missing);
  f = make_container("pic", lacking_feature);
  char *expected = g_strdup_printf("compiled for CPU features +%s, this CPU lacks it", missing);
  assert_refused(f, expected);
  g_free(expected);
  g_bytes_unref(f);
}

static void test_file_host_features(void)
{
  const char *host = cpu_features_host();
  g_assert_nonnull(strstr(host, "+sse2")); /* x86-64 baseline */
  char missing[128];
  g_assert_true(cpu_features_check(host, missing, sizeof missing));
  g_assert_true(cpu_features_check("-avx512f,-frobnicate", missing, sizeof missing));
  g_assert_false(cpu_features_check("+frobnicate", missing, sizeof missing));
  g_assert_cmpstr(missing, ==, "?frobnicate");
  g_assert_nonnull(cpu_level_features("x86-64-v3"));
  g_assert_null(cpu_level_features("pentium"));
}

/* Every single flipped byte, and every truncation, is refused with a
 * message (the checksum covers code too). */
static void test_file_corrupt(void)
{
  GBytes *f = make_container("nopic", NULL);
  gsize size;
  const uint8_t *orig = g_bytes_get_data(f, &size);
  uint8_t *b = g_memdup2(orig, size);
  for (gsize i = 0; i < size; i++) {
    b[i] ^= 0x20;
    char err[256] = "";
    wasm_module_t m = wasm_runtime_load(b, (uint32_t)size, err, sizeof err);
    if (m)
      g_error("byte %zu flipped: loaded", (size_t)i);
    g_assert_cmpstr(err, !=, "");
    if (i >= 64 && (i < 24 || i >= 56))
      g_assert_nonnull(strstr(err, "checksum mismatch"));
    b[i] = orig[i];
  }
  for (gsize n = 0; n < size; n += (n < 256 ? 1 : 97)) {
    char err[256] = "";
    g_assert_null(wasm_runtime_load(b, (uint32_t)n, err, sizeof err));
    g_assert_cmpstr(err, !=, "");
  }
  g_free(b);
  g_bytes_unref(f);
}

/* --- loading and running --- */

static uint32_t host_add(wasm_exec_env_t env, uint32_t a, uint32_t b) { return a + b; }

static int32_t call_i32(wasm_exec_env_t env, wasm_module_inst_t inst, const char *name,
                        uint32_t argc, const int32_t *args, char *exception)
{
  wasm_function_inst_t f = wasm_runtime_lookup_function(inst, name);
  g_assert_nonnull(f);
  uint32_t argv[8] = {0};
  for (uint32_t i = 0; i < argc; i++)
    argv[i] = (uint32_t)args[i];
  exception[0] = '\0';
  if (!wasm_runtime_call_wasm(env, f, argc, argv)) {
    g_strlcpy(exception, wasm_runtime_get_exception(inst), 256);
    wasm_runtime_clear_exception(inst);
    return 0;
  }
  return (int32_t)argv[0];
}

/* Runs every function of aot-basic in the instance's current mode and
 * checks the answers (`tier` says which mode ran them). */
static void run_basic(wasm_module_inst_t inst, int32_t expected_tier)
{
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 256 * 1024);
  char exc[256];
  g_assert_cmpint(call_i32(env, inst, "tier", 0, NULL, exc), ==, expected_tier);
  g_assert_cmpint(call_i32(env, inst, "fib", 1, (int32_t[]){20}, exc), ==, 6765);
  g_assert_cmpint(call_i32(env, inst, "div", 2, (int32_t[]){100, 7}, exc), ==, 14);
  call_i32(env, inst, "div", 2, (int32_t[]){1, 0}, exc);
  g_assert_cmpstr(exc, ==, "Exception: integer divide by zero");
  g_assert_cmpint(call_i32(env, inst, "store_load", 2, (int32_t[]){1000, 12345}, exc), ==, 12345);
  call_i32(env, inst, "store_load", 2, (int32_t[]){65534, 1}, exc);
  g_assert_cmpstr(exc, ==, "Exception: out of bounds memory access");
  g_assert_cmpint(call_i32(env, inst, "call_import", 1, (int32_t[]){23}, exc), ==, 123);
  call_i32(env, inst, "deep", 1, (int32_t[]){0}, exc);
  g_assert_cmpstr(exc, ==, "Exception: call stack exhausted");
  g_assert_cmpint(call_i32(env, inst, "select", 1, (int32_t[]){2}, exc), ==, 91);
  g_assert_cmpint(call_i32(env, inst, "select", 1, (int32_t[]){5}, exc), ==, 60);
  g_assert_cmpint(call_i32(env, inst, "select", 1, (int32_t[]){9}, exc), ==, -1);
  g_assert_cmpint(call_i32(env, inst, "indirect", 1, (int32_t[]){10}, exc), ==, 55);
  g_assert_cmpint(call_i32(env, inst, "indirect", 1, (int32_t[]){11}, exc), ==, 89);
  g_assert_cmpint(call_i32(env, inst, "interp_only", 0, NULL, exc), ==, 42);

  wasm_val_t arg = {.kind = WASM_F64, .of.f64 = -2.5}, res[2];
  g_assert_true(wasm_runtime_call_wasm_a(env, wasm_runtime_lookup_function(inst, "floor"), 1,
                                         res, 1, &arg));
  g_assert_cmpfloat(res[0].of.f64, ==, -3.0);
  arg = (wasm_val_t){.kind = WASM_I32, .of.i32 = 12};
  g_assert_true(wasm_runtime_call_wasm_a(env, wasm_runtime_lookup_function(inst, "pair"), 2,
                                         res, 1, &arg));
  g_assert_cmpint(res[0].of.i32, ==, 144);
  g_assert_cmpint(res[1].of.i32, ==, 24);

  /* polls: fuel stops a loop, as in every tier */
  wasm_runtime_set_instruction_count_limit(env, 1000);
  call_i32(env, inst, "spin", 0, NULL, exc);
  g_assert_cmpstr(exc, ==, "Exception: fuel exhausted");
  wasm_runtime_set_instruction_count_limit(env, -1);
  wasm_runtime_destroy_exec_env(env);
}

static void run_variant(const char *variant)
{
  GBytes *file = make_container(variant, NULL);
  char err[256] = "";
  wasm_module_t m = load(file, err, sizeof err);
  if (!m)
    g_error("%s: %s", variant, err);
  wasm_module_inst_t inst = wasm_runtime_instantiate(m, 256 * 1024, 0, err, sizeof err);
  g_assert_nonnull(inst);
  g_assert_cmpint(wasm_runtime_get_running_mode(inst), ==, Mode_AOT);
  run_basic(inst, 2);
  /* the embedded module runs interpreted too, and back */
  RunningMode interps[] = {Mode_Interp, Mode_Fast_Interp};
  for (size_t i = 0; i < G_N_ELEMENTS(interps); i++) {
    if (!wasm_runtime_is_running_mode_supported(interps[i]))
      continue;
    g_assert_true(wasm_runtime_set_running_mode(inst, interps[i]));
    run_basic(inst, 1);
  }
  g_assert_true(wasm_runtime_set_running_mode(inst, Mode_AOT));
  run_basic(inst, 2);
  /* a second instance shares the module's code */
  wasm_module_inst_t inst2 = wasm_runtime_instantiate(m, 256 * 1024, 0, err, sizeof err);
  g_assert_nonnull(inst2);
  run_basic(inst2, 2);
  wasm_runtime_deinstantiate(inst2);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  g_bytes_unref(file);
}

static void test_run_nopic(void) { run_variant("nopic"); }
static void test_run_pic(void) { run_variant("pic"); }
static void test_run_noplt(void) { run_variant("noplt"); }

static void test_run_wasm_not_aot(void)
{
  /* a .wasm module has no AOT code: Mode_AOT cannot be set on it */
  GBytes *wasm = read_build_file("aot-basic.wasm");
  char err[256];
  uint8_t *copy = g_memdup2(g_bytes_get_data(wasm, NULL), g_bytes_get_size(wasm));
  wasm_module_t m = wasm_runtime_load(copy, (uint32_t)g_bytes_get_size(wasm), err, sizeof err);
  g_assert_nonnull(m);
  wasm_module_inst_t inst = wasm_runtime_instantiate(m, 256 * 1024, 0, err, sizeof err);
  g_assert_nonnull(inst);
  g_assert_true(wasm_runtime_is_running_mode_supported(Mode_AOT));
  g_assert_false(wasm_runtime_set_running_mode(inst, Mode_AOT));
  g_assert_cmpint(wasm_runtime_get_running_mode(inst), !=, Mode_AOT);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(m);
  g_free(copy);
  g_bytes_unref(wasm);
}

/* --- the loader on its own --- */

static AotImage *load_objects(const char *const *names, size_t n, uint32_t num_funcs,
                              char *const *symbols, char *err, uint32_t err_size)
{
  GBytes *bytes[4];
  const uint8_t *objects[4];
  size_t sizes[4];
  for (size_t i = 0; i < n; i++) {
    bytes[i] = read_build_file(names[i]);
    objects[i] = g_bytes_get_data(bytes[i], &sizes[i]);
  }
  AotImage *img = aot_image_load(objects, sizes, (uint32_t)n, num_funcs, symbols, err, err_size);
  for (size_t i = 0; i < n; i++)
    g_bytes_unref(bytes[i]);
  return img;
}

static void test_loader_missing_helper(void)
{
  const char *variants[] = {"nopic", "pic", "noplt"};
  for (size_t v = 0; v < 3; v++) {
    char *name = g_strdup_printf("aot-code-bad-%s.o", variants[v]);
    char *symbols[] = {"aot_bad"};
    char err[256] = "";
    g_assert_null(load_objects((const char *[]){name}, 1, 1, symbols, err, sizeof err));
    g_assert_cmpstr(err, ==, "AOT code needs 'puts', which is not a helper this runtime provides");
    g_free(name);
  }
}

static void test_loader_symbols(void)
{
  char err[256] = "";
  /* a function symbol the objects do not define */
  char *missing[] = {"aot_fib", "aot_nowhere"};
  g_assert_null(load_objects((const char *[]){"aot-code-a-pic.o", "aot-code-b-pic.o"}, 2, 2,
                             missing, err, sizeof err));
  g_assert_cmpstr(err, ==, "bad AOT code: no symbol 'aot_nowhere' for function 1");
  /* the second object alone: aot_fib is undefined and no helper */
  char *fib[] = {"aot_pair"};
  g_assert_null(load_objects((const char *[]){"aot-code-b-pic.o"}, 1, 1, fib, err, sizeof err));
  g_assert_cmpstr(err, ==, "AOT code needs 'aot_fib', which is not a helper this runtime provides");
  /* the same object twice: every symbol defined twice */
  g_assert_null(load_objects((const char *[]){"aot-code-a-pic.o", "aot-code-a-pic.o"}, 2, 1, fib,
                             err, sizeof err));
  g_assert_nonnull(strstr(err, "is defined twice"));
}

/* No page of the image is writable and executable at once (checked in
 * /proc/self/maps), and the code is where the symbols say. */
static void test_loader_wx(void)
{
  const char *variants[] = {"nopic", "pic", "noplt"};
  for (size_t v = 0; v < 3; v++) {
    char *na = g_strdup_printf("aot-code-a-%s.o", variants[v]);
    char *nb = g_strdup_printf("aot-code-b-%s.o", variants[v]);
    char err[256] = "";
    AotImage *img = load_objects((const char *[]){na, nb}, 2, NUM_BASIC,
                                 (char *const *)basic_symbols, err, sizeof err);
    if (!img)
      g_error("%s: %s", variants[v], err);
    for (size_t i = 0; i < NUM_BASIC; i++) {
      if (basic_symbols[i][0] == '\0') {
        g_assert_null(img->func_code[i]);
        continue;
      }
      uint8_t *code = img->func_code[i];
      g_assert_true(code >= img->map && code < img->map + img->map_size);
    }
    if (g_str_equal(variants[v], "nopic")) /* a 32S jump table: placed low */
      g_assert_cmpuint((uintptr_t)img->map + img->map_size, <=, (uintptr_t)1 << 31);
    char *maps;
    g_assert_true(g_file_get_contents("/proc/self/maps", &maps, NULL, NULL));
    int regions = 0;
    char **lines = g_strsplit(maps, "\n", -1);
    for (char **l = lines; *l; l++) {
      unsigned long lo, hi;
      char perms[8];
      if (sscanf(*l, "%lx-%lx %7s", &lo, &hi, perms) != 3)
        continue;
      if (hi <= (uintptr_t)img->map || lo >= (uintptr_t)img->map + img->map_size)
        continue;
      regions++;
      g_assert_false(perms[1] == 'w' && perms[2] == 'x');
    }
    g_strfreev(lines);
    g_assert_cmpint(regions, >=, 2); /* code apart from data */
    g_free(maps);
    aot_image_free(img);
    g_free(na);
    g_free(nb);
  }
}


/* --- the code cache --- */

static char *cache_dir_new(void)
{
  char *dir = g_dir_make_tmp("wp-aot-cache-XXXXXX", NULL);
  g_assert_nonnull(dir);
  return dir;
}

static void cache_dir_free(char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    char *p = g_build_filename(dir, name, NULL);
    g_unlink(p);
    g_free(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
  g_free(dir);
}

static int count_files(const char *dir, const char *contains)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  int n = 0;
  const char *name;
  while (d && (name = g_dir_read_name(d)))
    n += contains == NULL || strstr(name, contains) != NULL;
  if (d)
    g_dir_close(d);
  return n;
}

static void test_cache_key(void)
{
  GBytes *wasm = read_build_file("aot-basic.wasm");
  gsize size;
  const uint8_t *w = g_bytes_get_data(wasm, &size);
  AotCacheOptions o = {3, 0, false}, o2 = {2, 0, false}, o3 = {3, 0, true};
  char k[65], again[65], k2[65], k3[65], k4[65];
  aot_cache_key(w, size, &o, k);
  aot_cache_key(w, size, &o, again);
  aot_cache_key(w, size, &o2, k2);
  aot_cache_key(w, size, &o3, k3);
  aot_cache_key(w, size - 1, &o, k4);
  g_assert_cmpuint(strlen(k), ==, 64);
  g_assert_cmpstr(k, ==, again);
  g_assert_cmpstr(k, !=, k2);
  g_assert_cmpstr(k, !=, k3);
  g_assert_cmpstr(k, !=, k4);
  g_bytes_unref(wasm);
}

static void test_cache_store_read(void)
{
  char *dir = cache_dir_new();
  char *sub = g_build_filename(dir, "made", "on", "demand", NULL);
  const char *key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  const uint8_t data[] = "an entry";
  char err[256];
  g_assert_true(aot_cache_store(sub, key, data, sizeof data, 1 << 20, err, sizeof err));
  size_t size;
  uint8_t *got = aot_cache_read(sub, key, &size);
  g_assert_nonnull(got);
  g_assert_cmpmem(got, size, data, sizeof data);
  g_free(got);
  g_assert_cmpint(count_files(sub, ".tmp"), ==, 0);
  g_assert_null(aot_cache_read(sub, "ffff", &size));
  aot_cache_remove(sub, key);
  g_assert_null(aot_cache_read(sub, key, &size));
  for (char *p = sub; strlen(p) > strlen(dir); *strrchr(p, '/') = '\0')
    g_rmdir(p);
  g_free(sub);
  cache_dir_free(dir);
}

/* Entries used longest ago go first; reading an entry counts as a use.
 * The times are set explicitly: nothing here depends on the clock. */
static void test_cache_eviction(void)
{
  char *dir = cache_dir_new();
  uint8_t data[1000];
  memset(data, 7, sizeof data);
  char keys[5][65];
  char err[256];
  for (int i = 0; i < 4; i++) {
    g_snprintf(keys[i], sizeof keys[i], "%064x", i + 1);
    g_assert_true(aot_cache_store(dir, keys[i], data, sizeof data, 1 << 20, err, sizeof err));
    char *path = g_strdup_printf("%s/%s.aot", dir, keys[i]);
    struct timespec t[2] = {{1000000 + i * 10, 0}, {1000000 + i * 10, 0}};
    g_assert_cmpint(utimensat(AT_FDCWD, path, t, 0), ==, 0);
    g_free(path);
  }
  /* something not ours is never removed */
  char *foreign = g_build_filename(dir, "notes.txt", NULL);
  g_assert_true(g_file_set_contents(foreign, "keep me", -1, NULL));
  /* key 1 is the oldest, but reading it makes it the newest */
  size_t size;
  g_free(aot_cache_read(dir, keys[0], &size));
  g_snprintf(keys[4], sizeof keys[4], "%064x", 5);
  g_assert_true(aot_cache_store(dir, keys[4], data, sizeof data, 3000, err, sizeof err));
  uint8_t *p0 = aot_cache_read(dir, keys[0], &size);
  g_assert_nonnull(p0);
  g_free(p0);
  g_assert_null(aot_cache_read(dir, keys[1], &size));
  g_assert_null(aot_cache_read(dir, keys[2], &size));
  uint8_t *p3 = aot_cache_read(dir, keys[3], &size), *p4 = aot_cache_read(dir, keys[4], &size);
  g_assert_nonnull(p3);
  g_assert_nonnull(p4);
  g_free(p3);
  g_free(p4);
  g_assert_true(g_file_test(foreign, G_FILE_TEST_EXISTS));
  /* a bound below one entry keeps the entry just stored */
  aot_cache_evict(dir, 10, NULL);
  g_assert_cmpint(count_files(dir, ".aot"), ==, 0);
  g_free(foreign);
  cache_dir_free(dir);
}

typedef struct Writer {
  const char *dir;
  GBytes *data;
} Writer;

static void *write_entry(void *arg)
{
  Writer *w = arg;
  char err[256];
  gsize size;
  const uint8_t *d = g_bytes_get_data(w->data, &size);
  for (int i = 0; i < 20; i++)
    g_assert_true(aot_cache_store(w->dir, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
                                  d, size, 1 << 30, err, sizeof err));
  return NULL;
}

/* Writers racing on one entry: each writes its own temporary file and
 * renames it, so a reader always finds a whole, valid file. */
static void test_cache_concurrent(void)
{
  char *dir = cache_dir_new();
  GBytes *file = make_container("pic", NULL);
  Writer w = {dir, file};
  pthread_t t[6];
  for (int i = 0; i < 6; i++)
    g_assert_cmpint(pthread_create(&t[i], NULL, write_entry, &w), ==, 0);
  for (int round = 0; round < 50; round++) {
    size_t size;
    uint8_t *got = aot_cache_read(dir, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", &size);
    if (got) {
      AotFile f;
      char err[256];
      g_assert_true(aot_file_parse(got, size, &f, err, sizeof err));
      aot_file_free(&f);
      g_free(got);
    }
  }
  for (int i = 0; i < 6; i++)
    pthread_join(t[i], NULL);
  g_assert_cmpint(count_files(dir, ".tmp"), ==, 0);
  g_assert_cmpint(count_files(dir, ".aot"), ==, 1);
  cache_dir_free(dir);
  g_bytes_unref(file);
}

static wasm_module_t load_with_aot(GBytes *wasm)
{
  char err[256];
  uint8_t *copy = g_memdup2(g_bytes_get_data(wasm, NULL), g_bytes_get_size(wasm));
  wasm_module_t m = wasm_runtime_load_with_aot(copy, (uint32_t)g_bytes_get_size(wasm), err,
                                               sizeof err);
  if (!m)
    g_error("%s", err);
  g_free(copy);
  return m;
}

static int32_t tier_of(wasm_module_t m)
{
  char err[256], exc[256];
  wasm_module_inst_t inst = wasm_runtime_instantiate(m, 256 * 1024, 0, err, sizeof err);
  g_assert_nonnull(inst);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 256 * 1024);
  int32_t t = call_i32(env, inst, "tier", 0, NULL, exc);
  g_assert_cmpint(call_i32(env, inst, "fib", 1, (int32_t[]){15}, exc), ==, 610);
  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  return t;
}

/* The entry of aot-basic.wasm under the runtime's default options, made
 * from the hand-written code (so these run with or without a compiler). */
static char *basic_entry_path(const char *dir, GBytes *wasm)
{
  AotCacheOptions o = {3, 0, WP_BOUNDS_CHECKS};
  char key[65];
  aot_cache_key(g_bytes_get_data(wasm, NULL), g_bytes_get_size(wasm), &o, key);
  return g_strdup_printf("%s/%s.aot", dir, key);
}

static void put_entry(const char *path, GBytes *bytes)
{
  g_assert_true(g_file_set_contents(path, g_bytes_get_data(bytes, NULL),
                                    (gssize)g_bytes_get_size(bytes), NULL));
}

/* A hit runs the cached code; a stale, foreign or corrupt entry is never an
 * error: it is compiled again where the build can, else the module runs
 * without AOT code, and the bad entry goes. */
static void test_cache_load(void)
{
  char *dir = cache_dir_new();
  g_assert_true(wasm_runtime_set_aot_cache(dir, 0));
  GBytes *wasm = read_build_file("aot-basic.wasm");
  char *path = basic_entry_path(dir, wasm);

  GBytes *good = make_container("pic", NULL);
  put_entry(path, good);
  wasm_module_t m = load_with_aot(wasm);
  g_assert_true(wasm_runtime_module_has_aot_code(m));
  g_assert_cmpint(tier_of(m), ==, 2); /* the hand-written code: a hit */
  wasm_runtime_unload(m);

  Tweak bad[] = {old_runtime, unknown_feature, NULL};
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GBytes *entry;
    if (bad[i]) {
      entry = make_container("pic", bad[i]);
    } else { /* corrupt: one flipped byte in the code */
      gsize size;
      const uint8_t *data = g_bytes_get_data(good, &size);
      uint8_t *b = g_memdup2(data, size);
      b[size - 100] ^= 1;
      entry = g_bytes_new_take(b, size);
    }
    put_entry(path, entry);
    m = load_with_aot(wasm);
    if (aot_cache_can_compile()) {
      /* compiled afresh from the Wasm (interpreted semantics: tier 1) */
      g_assert_true(wasm_runtime_module_has_aot_code(m));
      g_assert_cmpint(tier_of(m), ==, 1);
      g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    } else {
      g_assert_false(wasm_runtime_module_has_aot_code(m));
      g_assert_cmpint(tier_of(m), ==, 1);
      g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    }
    wasm_runtime_unload(m);
    g_bytes_unref(entry);
  }
  if (aot_cache_can_compile()) {
    /* the entry made by the last miss is a hit now: same file, not rewritten */
    struct stat before, after;
    g_assert_cmpint(stat(path, &before), ==, 0);
    m = load_with_aot(wasm);
    g_assert_true(wasm_runtime_module_has_aot_code(m));
    g_assert_cmpint(stat(path, &after), ==, 0);
    g_assert_cmpuint(before.st_ino, ==, after.st_ino);
    wasm_runtime_unload(m);
  }
  g_assert_true(wasm_runtime_set_aot_cache(NULL, 0));
  g_free(path);
  g_bytes_unref(good);
  g_bytes_unref(wasm);
  cache_dir_free(dir);
}


/* --- the compiler --- */

/* A module of many functions, so that it spans several chunks: f_i returns
 * i plus f_{i-1} of its argument minus one (direct calls across chunks). */
G_GNUC_UNUSED static uint8_t *many_functions(int n, size_t *size)
{
  GString *w = g_string_new("(module\n");
  g_string_append(w, "  (func $f0 (param i32) (result i32) (local.get 0))\n");
  for (int i = 1; i < n; i++)
    g_string_append_printf(w,
                           "  (func $f%d (param i32) (result i32)\n"
                           "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const %d))\n"
                           "      (else (i32.add (i32.const %d) (call $f%d (i32.sub (local.get 0) "
                           "(i32.const 1)))))))\n",
                           i, i, i, i - 1);
  g_string_append_printf(w, "  (export \"top\" (func $f%d)))\n", n - 1);
  char err[256];
  uint8_t *wasm = wat_to_binary(w->str, w->len, size, err, sizeof err);
  if (!wasm)
    g_error("%s", err);
  g_string_free(w, TRUE);
  return wasm;
}

static void test_compile_deterministic(void)
{
#if WP_HAVE_AOT_COMPILER
  size_t size;
  uint8_t *wasm = many_functions(1100, &size); /* two chunks (1024 functions at most each) */
  char err[256];
  Module *m = decode_module(wasm, size, err, sizeof err);
  g_assert_nonnull(m);
  g_assert_true(validate_module(m, err, sizeof err));
  GBytes *first = NULL;
  unsigned threads[] = {1, 2, 3};
  for (size_t i = 0; i < G_N_ELEMENTS(threads); i++) {
    AotCompileOptions o = {.opt_level = 0, .threads = threads[i]};
    uint8_t *out;
    size_t out_size;
    g_assert_true(aot_compile(m, wasm, size, &o, &out, &out_size, err, sizeof err));
    GBytes *b = g_bytes_new_take(out, out_size);
    if (!first) {
      first = b;
    } else {
      g_assert_true(g_bytes_equal(first, b)); /* byte-identical whatever -j is */
      g_bytes_unref(b);
    }
  }
  AotFile f;
  g_assert_true(aot_file_parse(g_bytes_get_data(first, NULL), g_bytes_get_size(first), &f, err,
                               sizeof err));
  g_assert_cmpuint(f.num_objects, >, 1); /* really split */
  aot_file_free(&f);
  /* it runs: calls cross the objects */
  char exc[256];
  wasm_module_t mod = load(first, err, sizeof err);
  g_assert_nonnull(mod);
  wasm_module_inst_t inst = wasm_runtime_instantiate(mod, 1 << 20, 0, err, sizeof err);
  g_assert_nonnull(inst);
  g_assert_cmpint(wasm_runtime_get_running_mode(inst), ==, Mode_AOT);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 1 << 20);
  /* top(x) = 1099 + 1098 + ... + (1099 - x + 1), then f_{1099-x}(0) = 1099 - x */
  int32_t x = 1050, expected = 1099 - x;
  for (int i = 0; i < x; i++)
    expected += 1099 - i;
  g_assert_cmpint(call_i32(env, inst, "top", 1, (int32_t[]){x}, exc), ==, expected);
  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(mod);
  g_bytes_unref(first);
  (module_free)(m); /* the engine's, not wasm_export.h's macro */
  g_free(wasm);
#else
  g_test_skip("no AOT compiler in this build (no LLVM)");
#endif
}

/* wasmplug-compile: quiet unless on a terminal, and honest without LLVM. */
static void test_compile_tool(void)
{
  const char *tool = g_getenv("WP_WASMPLUG_COMPILE");
  g_assert_nonnull(tool);
  char *dir = cache_dir_new();
  char *out = g_build_filename(dir, "fib.aot", NULL);
  char *in = g_build_filename(g_getenv("G_TEST_SRCDIR"), "wat", "fib.wat", NULL);
  const char *argv[] = {tool, "-j", "2", "--opt-level=2", "-o", out, in, NULL};
  char *sout, *serr;
  int status;
  GError *error = NULL;
  g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &sout, &serr, &status,
                             &error));
  g_assert_no_error(error);
  if (WP_HAVE_AOT_COMPILER) {
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_cmpstr(serr, ==, ""); /* no progress when not on a terminal */
    g_assert_cmpstr(sout, ==, "");
    char *wasmplug = g_strdup(g_getenv("WP_WASMPLUG"));
    const char *run[] = {wasmplug, "-f", "fib", out, "20", NULL};
    g_free(sout);
    g_free(serr);
    g_assert_true(g_spawn_sync(NULL, (char **)run, NULL, 0, NULL, NULL, &sout, &serr, &status,
                               &error));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_cmpstr(sout, ==, "6765\n");
    g_free(wasmplug);
    g_unlink(out);
  } else {
    g_assert_false(g_spawn_check_wait_status(status, NULL));
    g_assert_nonnull(strstr(serr, "not available in this build"));
  }
  g_free(sout);
  g_free(serr);
  const char *bad[] = {tool, "--opt-level=7", "-o", out, in, NULL};
  g_assert_true(g_spawn_sync(NULL, (char **)bad, NULL, 0, NULL, NULL, &sout, &serr, &status,
                             &error));
  g_assert_false(g_spawn_check_wait_status(status, NULL));
  g_assert_nonnull(strstr(serr, "invalid --opt-level"));
  g_free(sout);
  g_free(serr);
  g_free(in);
  g_free(out);
  cache_dir_free(dir);
}

/* --- fuzz: mutated containers load or fail with a message, never crash.
 * Most mutants get a fresh checksum, so they reach the ELF parser and the
 * linker behind it; they are loaded, not run (a file whose checksum is
 * right may hold any code at all). */

static void test_fuzz_mutations(void)
{
  const char *seed_env = g_getenv("WP_FUZZ_SEED");
  const char *rounds_env = g_getenv("WP_FUZZ_ROUNDS");
  guint32 seed = seed_env ? (guint32)g_ascii_strtoull(seed_env, NULL, 0) : 20261204u;
  int rounds = rounds_env ? atoi(rounds_env) : 20000;
  GRand *rng = g_rand_new_with_seed(seed);
  GBytes *files[3] = {make_container("nopic", NULL), make_container("pic", NULL),
                      make_container("noplt", NULL)};
  int loaded = 0, refused_checksum = 0;
  for (int r = 0; r < rounds; r++) {
    gsize len;
    const guint8 *src = g_bytes_get_data(files[g_rand_int_range(rng, 0, 3)], &len);
    gsize n = len;
    guint8 *b = g_memdup2(src, len + 16);
    int edits = g_rand_int_range(rng, 1, 4);
    for (int e = 0; e < edits; e++) {
      /* aim at the objects (past the Wasm module) more than anywhere */
      gsize at = g_rand_int_range(rng, 0, 4) ? g_rand_int_range(rng, (gint32)(n / 4), (gint32)n)
                                            : g_rand_int_range(rng, 0, (gint32)n);
      switch (g_rand_int_range(rng, 0, 6)) {
      case 0:
        b[at] ^= (guint8)(1u << g_rand_int_range(rng, 0, 8));
        break;
      case 1:
        b[at] = (guint8)g_rand_int_range(rng, 0, 256);
        break;
      case 2: { /* an interesting 32-bit value (sizes, offsets, indices) */
        static const guint32 v[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x1000, 24, 64};
        guint32 x = v[g_rand_int_range(rng, 0, G_N_ELEMENTS(v))];
        if (at + 4 <= n)
          memcpy(b + at, &x, 4);
        break;
      }
      case 3:
        n = MAX(at, 64);
        break;
      case 4: /* a header or section-table field */
        b[g_rand_int_range(rng, 8, 64 + 24 * 6)] = (guint8)g_rand_int_range(rng, 0, 256);
        break;
      default: { /* a run of random bytes */
        gsize k = MIN((gsize)g_rand_int_range(rng, 1, 16), n - at);
        for (gsize i = 0; i < k; i++)
          b[at + i] = (guint8)g_rand_int_range(rng, 0, 256);
      }
      }
    }
    if (g_rand_int_range(rng, 0, 10) < 8 && n >= 64) {
      guint64 size64 = n;
      memcpy(b + 16, &size64, 8);
      aot_file_reseal(b, n);
    }
    char err[256] = "";
    wasm_module_t m = wasm_runtime_load(b, (uint32_t)n, err, sizeof err);
    if (m) {
      loaded++;
      wasm_runtime_unload(m);
    } else {
      g_assert_cmpstr(err, !=, "");
      refused_checksum += strstr(err, "checksum") != NULL;
    }
    g_free(b);
  }
  g_test_message("seed %u: %d mutations, %d loaded, %d refused by the checksum", seed, rounds,
                 loaded, refused_checksum);
  g_assert_cmpint(refused_checksum, <, rounds / 2); /* most reached the parts behind it */
  for (int i = 0; i < 3; i++)
    g_bytes_unref(files[i]);
  g_rand_free(rng);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  g_assert_true(wasm_runtime_full_init(&init));
  static NativeSymbol natives[] = {{"host_add", (void *)host_add, "(ii)i", NULL}};
  g_assert_true(wasm_runtime_register_natives("env", natives, 1));
  g_test_add_func("/aot/sha256/vectors", test_sha256_vectors);
  g_test_add_func("/aot/file/roundtrip", test_file_roundtrip);
  g_test_add_func("/aot/file/mismatch", test_file_mismatch);
  g_test_add_func("/aot/file/host-features", test_file_host_features);
  g_test_add_func("/aot/file/corrupt", test_file_corrupt);
  g_test_add_func("/aot/run/nopic", test_run_nopic);
  g_test_add_func("/aot/run/pic", test_run_pic);
  g_test_add_func("/aot/run/noplt", test_run_noplt);
  g_test_add_func("/aot/run/wasm-not-aot", test_run_wasm_not_aot);
  g_test_add_func("/aot/loader/missing-helper", test_loader_missing_helper);
  g_test_add_func("/aot/loader/symbols", test_loader_symbols);
  g_test_add_func("/aot/loader/wx", test_loader_wx);
  g_test_add_func("/aot/cache/key", test_cache_key);
  g_test_add_func("/aot/cache/store-read", test_cache_store_read);
  g_test_add_func("/aot/cache/eviction", test_cache_eviction);
  g_test_add_func("/aot/cache/concurrent", test_cache_concurrent);
  g_test_add_func("/aot/cache/load", test_cache_load);
  g_test_add_func("/aot/compile/deterministic", test_compile_deterministic);
  g_test_add_func("/aot/compile/tool", test_compile_tool);
  g_test_add_func("/aot/fuzz/mutations", test_fuzz_mutations);
  int status = g_test_run();
  wasm_runtime_destroy();
  return status;
}
