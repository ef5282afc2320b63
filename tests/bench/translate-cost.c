/*
 * translate-cost.c -- what each mode pays before a module's first
 * instruction runs, and what the fast interpreter's code weighs (a bench
 * tool, not installed; linked with the engine's internal library).
 *
 *   translate-cost MODULE.wasm [REPEAT]
 *
 * Prints `key value` lines (best of REPEAT, default 5):
 *   code_bytes       the bytecode of the defined functions (bodies, from the
 *                    first instruction to the final `end`)
 *   decode_ms        decoding the module (every mode pays it)
 *   validate_ms      validating it, which builds the branch side table: the
 *                    classic interpreter's whole preparation
 *   side_table_bytes that side table
 *   fast_ms          translating every function for the fast interpreter
 *                    (which does it lazily, one function on its first call:
 *                    this is the cost of a program that calls them all)
 *   fast_bytes       the translated code: each function's code array as
 *                    malloc reports it (malloc_usable_size) plus its FastFunc
 *   jit_ms           compiling every function with the Fast JIT, on one
 *                    thread (also lazy in that mode)
 *   jit_bytes        the machine code it made
 *
 * Translations are made with no handler table (as the switch build does:
 * cells hold operation numbers), which costs the same as storing addresses.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "decode/decoder.h"
#include "validate/validator.h"
#include "wp_config.h"
#if WP_HAVE_FAST_INTERP
#include "interp-fast/fast_code.h"
#endif
#if WP_HAVE_FAST_JIT
#include "jit-fast/jit_fast.h"
#endif

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODULE.wasm [REPEAT]\n", argv[0]);
    return 2;
  }
  int repeat = argc > 2 ? atoi(argv[2]) : 5;
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *bytes = malloc((size_t)size);
  if (!bytes || fread(bytes, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  fclose(f);

  double decode_ms = 1e30, validate_ms = 1e30, fast_ms = 1e30, jit_ms = 1e30;
  size_t code_bytes = 0, side_table_bytes = 0, fast_bytes = 0, jit_bytes = 0;
#if WP_HAVE_FAST_JIT
  jit_fast_set_code_cache_size((size_t)1 << 30); /* room for the largest module */
#endif
  uint32_t num_defs = 0;
  char error[256];
  for (int r = 0; r < repeat; r++) {
    double t0 = now_ms();
    Module *m = decode_module(bytes, (size_t)size, error, sizeof error);
    double t1 = now_ms();
    if (!m || !validate_module(m, error, sizeof error)) {
      fprintf(stderr, "%s: %s\n", argv[1], error);
      return 1;
    }
    double t2 = now_ms();
    decode_ms = t1 - t0 < decode_ms ? t1 - t0 : decode_ms;
    validate_ms = t2 - t1 < validate_ms ? t2 - t1 : validate_ms;
    num_defs = m->num_funcs - m->num_imported_funcs;
    code_bytes = side_table_bytes = 0;
    for (uint32_t i = 0; i < num_defs; i++) {
      code_bytes += (size_t)(m->funcs[i].end - m->funcs[i].body);
      side_table_bytes += m->funcs[i].num_branches * sizeof(BranchEntry);
    }
#if WP_HAVE_FAST_INTERP
    FastFunc **made = calloc(num_defs ? num_defs : 1, sizeof *made);
    double t3 = now_ms();
    for (uint32_t i = 0; i < num_defs; i++) {
      const char *why = NULL;
      made[i] = fast_translate(m, i, NULL, SIZE_MAX, &why);
      if (!made[i]) {
        fprintf(stderr, "%s: function %u: %s\n", argv[1], i, why);
        return 1;
      }
    }
    double t4 = now_ms();
    fast_ms = t4 - t3 < fast_ms ? t4 - t3 : fast_ms;
    fast_bytes = 0;
    for (uint32_t i = 0; i < num_defs; i++) {
      fast_bytes += malloc_usable_size(made[i]->code) + sizeof(FastFunc);
      fast_func_free(made[i]);
    }
    free(made);
#endif
#if WP_HAVE_FAST_JIT
    double t5 = now_ms();
    jit_bytes = jit_fast_compile_all(m, error, sizeof error);
    double t6 = now_ms();
    if (jit_bytes == 0) {
      fprintf(stderr, "%s: %s\n", argv[1], error);
      return 1;
    }
    jit_ms = t6 - t5 < jit_ms ? t6 - t5 : jit_ms;
#endif
    module_free(m);
  }
  printf("functions %u\n", num_defs);
  printf("code_bytes %zu\n", code_bytes);
  printf("decode_ms %.3f\n", decode_ms);
  printf("validate_ms %.3f\n", validate_ms);
  printf("side_table_bytes %zu\n", side_table_bytes);
#if WP_HAVE_FAST_INTERP
  printf("fast_ms %.3f\n", fast_ms);
  printf("fast_bytes %zu\n", fast_bytes);
#endif
#if WP_HAVE_FAST_JIT
  printf("jit_ms %.3f\n", jit_ms);
  printf("jit_bytes %zu\n", jit_bytes);
#endif
  free(bytes);
  return 0;
}
