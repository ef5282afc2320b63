/*
 * jit_module.h -- the Fast JIT's per-module cache (Module.jit_code).
 */
#ifndef WP_JIT_FAST_MODULE_H
#define WP_JIT_FAST_MODULE_H

#include <pthread.h>

#include "../runtime/module.h"
#include "codemem.h"
#include "x64.h"

typedef struct JitModule {
  TierCache cache; /* first: module_free releases it through this */
  const Module *m;
  /* Code of each defined function, NULL until compiled.  Compiled code
   * calls the module's own functions through this table (a NULL entry
   * takes the slow path, which compiles), so nothing is ever patched. */
  void *_Atomic *code;
  pthread_mutex_t lock; /* serialises compilation into `owner` */
  CodeOwner owner;
  bool bounds_checks;   /* code checks every memory access explicitly */
  size_t code_bytes;    /* machine code made so far */
  /* The module's side budget (module.h) and what else used it when this
   * cache was made (side tables, another tier's code): computed once, as
   * both walk every function. */
  size_t budget, side_base;
} JitModule;

/* Compiles defined function `def_index` of jm->m into out, in at most
 * max_bytes of machine code.  Returns false with a reason in *why (only
 * resource limits: validated code always compiles). */
bool jf_compile_function(JitModule *jm, uint32_t def_index, size_t max_bytes, X64Buf *out,
                         const char **why);

#endif
