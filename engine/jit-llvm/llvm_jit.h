/*
 * llvm_jit.h -- the LLVM JIT (Mode_LLVM_JIT): the translator's LLVM IR,
 * optimised and compiled to machine code in process, linked by ORC LLJIT.
 *
 * The code belongs to the Module (Module.llvm_code): a function is compiled
 * on its first call in this mode (lazy, the default) or, with the eager
 * option, the whole module at the first call, on one worker thread per core.
 * Each function is compiled once per module however many instances and
 * threads call it: the first caller compiles, the others wait for it, and
 * the code is published with an atomic store (contract 1).  A module no
 * instance runs in this mode costs no LLVM work at all.
 */
#ifndef WP_LLVM_JIT_H
#define WP_LLVM_JIT_H

#include <stdbool.h>

#include "../runtime/runtime.h"

/* The tier_call entry: runs f (a Wasm function) compiled, with its
 * arguments in argv (one 64-bit slot each), leaving the results there. */
void llvm_jit_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

/* Process-wide settings, read at each compilation: optimisation level 0-3
 * (default 3), size level 0-2 (0 speed, 1 -Os, 2 -Oz) and eager
 * compilation of whole modules. */
void llvm_jit_set_options(unsigned opt_level, unsigned size_level, bool eager);

/* Functions compiled so far in this process (tests: "compiled once"). */
unsigned long llvm_jit_compiled_count(void);

#endif
