/*
 * jit_fast.h -- the Fast JIT (DESIGN.md "Tiers"): a single-pass x86-64
 * compiler from validated bytecode to machine code with the native
 * convention of runtime/compiled.h.
 *
 * Code belongs to the Module (Module.jit_code: one code pointer per defined
 * function, made on the function's first call in this mode under the
 * module's lock and published atomically), so instances and threads share
 * it.  Code lives in a process-wide code cache (codemem.c) whose size
 * `--jit-codecache-size` / RuntimeInitArgs.fast_jit_code_cache_size set.
 */
#ifndef WP_JIT_FAST_H
#define WP_JIT_FAST_H

#include <stddef.h>

#include "../runtime/runtime.h"

/* The tier_call entry: runs f (a function of env->current's instance in
 * this mode) with its arguments in argv, results left there.  Compiles f
 * first if needed; a function that cannot be compiled (code cache full)
 * traps with a message that says so. */
void jit_fast_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

/* Size of the code cache in bytes (0: the default, 64 MiB).  Takes effect
 * if the cache has not been created yet; returns false otherwise (the
 * size is then the one already in use). */
bool jit_fast_set_code_cache_size(size_t bytes);

/* Compiles every function of m now (benchmarks, tests); returns the number
 * of bytes of machine code made, or 0 with a message in err. */
size_t jit_fast_compile_all(const Module *m, char *err, size_t err_size);

#endif
