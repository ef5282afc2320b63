/*
 * llvm_translate.h -- the Wasm-to-LLVM-IR translator (DESIGN.md "Tiers":
 * one translator, used by the LLVM JIT and, later, the AOT compiler).
 *
 * A translation unit is one LLVM module holding the code of some of the
 * defined functions of one Wasm module (all of them, or one for a lazy JIT).
 * Every function gets the native convention of runtime/compiled.h, under the
 * symbol "<prefix>f<definition index>".  Code reaches the running instance
 * through env->current (never an instance address), the runtime through the
 * helper symbols below (resolved by the JIT, or the AOT loader), and other
 * functions of the module directly when they are in the same unit, else
 * through the module's code slots (one per definition, NULL until the
 * function is compiled; a NULL slot takes the slow path of compiled.h).
 */
#ifndef WP_LLVM_TRANSLATE_H
#define WP_LLVM_TRANSLATE_H

#include <llvm-c/Core.h>
#include <stdbool.h>

#include "../runtime/runtime.h"

/* The runtime functions compiled code calls, by symbol and C function.
 * The JIT defines each symbol as the function's absolute address. */
#define LLVM_HELPER_LIST(X)                                                    \
  X(trap, trap_raise)                                                          \
  X(trap_index, trap_raise_index)                                              \
  X(poll, runtime_check_interrupt)                                             \
  X(call_slow, compiled_call_slow)                                             \
  X(functype_equal, functype_equal)                                            \
  X(memory_grow, memory_grow)                                                  \
  X(memory_init, runtime_memory_init)                                          \
  X(memory_copy, runtime_memory_copy)                                          \
  X(memory_fill, runtime_memory_fill)                                          \
  X(table_init, runtime_table_init)                                            \
  X(table_copy, runtime_table_copy)                                            \
  X(table_fill, runtime_table_fill)                                            \
  X(table_grow, table_grow)

typedef enum LlvmHelper {
#define X(name, fn) LLVM_HELPER_##name,
  LLVM_HELPER_LIST(X)
#undef X
  LLVM_HELPER_COUNT
} LlvmHelper;

/* "wp_rt_<name>" */
const char *llvm_helper_symbol(LlvmHelper h);
void *llvm_helper_address(LlvmHelper h);

typedef struct LlvmTranslateOptions {
  const char *prefix;    /* symbol prefix, unique per Wasm module in one JIT */
  void *_Atomic *slots;  /* the module's code slots, one per definition */
  bool bounds_checks;    /* explicit memory bounds checks (unguarded memory) */
} LlvmTranslateOptions;

/* Translates the definitions `defs[0..n)` of m into a new LLVM module in
 * ctx.  Returns NULL with a message in err on failure (which validated code
 * never causes, short of an instruction the translator does not know). */
LLVMModuleRef llvm_translate(LLVMContextRef ctx, const Module *m, const uint32_t *defs, uint32_t n,
                             const LlvmTranslateOptions *options, char *err, size_t err_size);

/* The symbol of definition `def`: "<prefix>f<def>" into buf. */
void llvm_function_symbol(char *buf, size_t size, const char *prefix, uint32_t def);

#endif
