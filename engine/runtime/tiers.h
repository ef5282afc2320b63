/*
 * tiers.h -- running modes: which exist in this build, how one is chosen, and
 * how a call reaches the chosen tier.  Mode selection happens here and nowhere
 * else.
 *
 * Priority (DESIGN.md): instance mode > runtime default > automatic
 * (multi-tier if both JITs are built, else LLVM JIT, else Fast JIT, else the
 * fast interpreter, else the classic one).
 */
#ifndef WP_TIERS_H
#define WP_TIERS_H

#include <stdbool.h>

#include "runtime.h"

/* Numbers as in wasm_export.h's RunningMode. */
enum {
  TIER_DEFAULT = 0,
  TIER_INTERP = 1,
  TIER_FAST_JIT = 2,
  TIER_LLVM_JIT = 3,
  TIER_MULTI_TIER_JIT = 4,
  TIER_FAST_INTERP = 5,
  TIER_COUNT
};

bool tier_is_supported(int mode);
const char *tier_name(int mode);
void tier_set_default(int mode);     /* 0 restores automatic */
int tier_get_default(void);          /* 0 when automatic */
int tier_automatic(void);            /* the automatic choice of this build */
int tier_effective(const Instance *inst); /* what a call on inst runs in */
/* True for the modes whose code follows runtime/compiled.h (the JITs):
 * an interpreter calling a function of another instance in such a mode
 * goes through tier_call (compiled_call_slow) instead of interpreting it. */
bool tier_is_compiled(int mode);

/* Sets the mode of one instance (TIER_DEFAULT: follow the runtime default);
 * compiled code already published for it is dropped, so the next call runs
 * in the new mode. */
void instance_set_running_mode(Instance *inst, int mode);

/* Runs f in the tier chosen for the calling instance (inside a host entry). */
void tier_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

#endif
