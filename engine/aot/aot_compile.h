/*
 * aot_compile.h -- the AOT compiler: a validated module to an AOT file
 * (docs/aot-format.md), with the LLVM translator of engine/llvm/.  Built
 * only where LLVM is (the loader, aot_loader.c, needs none).
 *
 * The defined functions are split into chunks by a rule that depends on the
 * module alone (consecutive functions up to a code-size budget); worker
 * threads compile chunks into ELF objects, which the file keeps in chunk
 * order, so the output is byte-identical whatever the number of threads.
 */
#ifndef WP_AOT_COMPILE_H
#define WP_AOT_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/module.h"

typedef struct AotCompileOptions {
  unsigned opt_level;       /* 0..3 */
  unsigned size_level;      /* 0..3 (1: -Os, 2 and 3: -Oz) */
  const char *cpu;          /* NULL: "x86-64" with this CPU's features;
                               x86-64, x86-64-v2..v4: that level; another
                               name needs cpu_features */
  const char *cpu_features; /* "+a,+b" (names of cpu_features.c), or NULL */
  bool bounds_checks;       /* explicit memory bounds checks */
  unsigned threads;         /* 0: one per core */
  /* Called after each chunk (from a worker, one call at a time). */
  void (*progress)(void *data, uint32_t done, uint32_t total);
  void *progress_data;
} AotCompileOptions;

/* Compiles m (decoded from wasm[0..wasm_size) and validated) into a
 * malloc'ed AOT file. */
bool aot_compile(const Module *m, const uint8_t *wasm, size_t wasm_size,
                 const AotCompileOptions *options, uint8_t **out, size_t *out_size, char *err,
                 uint32_t err_size);

#endif
