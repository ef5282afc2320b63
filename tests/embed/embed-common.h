/*
 * embed-common.h -- what the embedding test programs share: checks that
 * count failures, reading a module, and the running mode named on the
 * command line.  Only the public API is used.
 *
 * Every program is run as:  PROGRAM MODE WASM_DIR
 * with MODE a --mode name of the build (interp, fast-interp, fast-jit, ...).
 */
#ifndef EMBED_COMMON_H
#define EMBED_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm_export.h>

static int failures;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
      failures++;                                                                \
    }                                                                            \
  } while (0)

#define CHECK_STR(got, want)                                                     \
  do {                                                                           \
    const char *g_ = (got), *w_ = (want);                                        \
    if (!g_ || strcmp(g_, w_) != 0) {                                            \
      fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,    \
              g_ ? g_ : "(null)", w_);                                           \
      failures++;                                                                \
    }                                                                            \
  } while (0)

static const char *wasm_dir = ".";

/* The module WASM_DIR/name, read whole; exits on failure. */
static uint8_t *read_module(const char *name, uint32_t *size)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", wasm_dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  *size = (uint32_t)n;
  return buf;
}

static RunningMode mode_from_name(const char *name)
{
  static const struct {
    const char *name;
    RunningMode mode;
  } modes[] = {
      {"interp", Mode_Interp},       {"fast-interp", Mode_Fast_Interp},
      {"fast-jit", Mode_Fast_JIT},   {"llvm-jit", Mode_LLVM_JIT},
      {"multi-tier-jit", Mode_Multi_Tier_JIT},
  };
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp(name, modes[i].name) == 0)
      return modes[i].mode;
  fprintf(stderr, "unknown mode %s\n", name);
  exit(2);
}

/* Parses MODE WASM_DIR and initialises the runtime in that mode. */
static RunningMode embed_init(int argc, char **argv, RuntimeInitArgs *init)
{
  if (argc != 3) {
    fprintf(stderr, "usage: %s MODE WASM_DIR\n", argv[0]);
    exit(2);
  }
  wasm_dir = argv[2];
  RunningMode mode = mode_from_name(argv[1]);
  init->running_mode = mode;
  if (!wasm_runtime_full_init(init)) {
    fprintf(stderr, "wasm_runtime_full_init failed for mode %s\n", argv[1]);
    exit(1);
  }
  return mode;
}

static wasm_module_t load_module(const char *name)
{
  uint32_t size;
  uint8_t *buf = read_module(name, &size);
  char error[256];
  wasm_module_t module = wasm_runtime_load(buf, size, error, sizeof error);
  free(buf);
  if (!module) {
    fprintf(stderr, "load %s: %s\n", name, error);
    exit(1);
  }
  return module;
}

static int embed_finish(const char *program)
{
  wasm_runtime_destroy();
  if (failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", program, failures);
    return 1;
  }
  printf("%s: all checks passed\n", program);
  return 0;
}

#endif
