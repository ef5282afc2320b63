/*
 * tiers.c -- mode selection, in one place (STYLE.md rule 1).
 *
 * Which tiers exist comes from the build (wp_config.h); a mode that was not
 * built is never chosen, whoever asks for it.  The runtime default is
 * process-wide and may be changed from any thread while others run, so it is
 * an atomic; a call reads it once, at its start.
 */
#include "tiers.h"

#include <stdatomic.h>

#include "compiled.h"

#include "wp_config.h"
#if WP_HAVE_CLASSIC_INTERP
#include "../interp-classic/interp_classic.h"
#endif
#if WP_HAVE_FAST_INTERP
#include "../interp-fast/interp_fast.h"
#endif
#if WP_HAVE_LLVM_JIT
#include "../jit-llvm/llvm_jit.h"
#endif

static atomic_int default_mode = TIER_DEFAULT;

bool tier_is_supported(int mode)
{
  switch (mode) {
  case TIER_INTERP:
    return WP_HAVE_CLASSIC_INTERP;
  case TIER_FAST_INTERP:
    return WP_HAVE_FAST_INTERP;
  case TIER_FAST_JIT:
    return WP_HAVE_FAST_JIT;
  case TIER_LLVM_JIT:
    return WP_HAVE_LLVM_JIT;
  case TIER_MULTI_TIER_JIT:
    /* tiers up from one JIT to the other: needs both, and its own
     * machinery (not written yet) */
    return WP_HAVE_MULTI_TIER_JIT && WP_HAVE_FAST_JIT && WP_HAVE_LLVM_JIT;
  default:
    return false;
  }
}

const char *tier_name(int mode)
{
  switch (mode) {
  case TIER_DEFAULT:
    return "default";
  case TIER_INTERP:
    return "interp";
  case TIER_FAST_JIT:
    return "fast-jit";
  case TIER_LLVM_JIT:
    return "llvm-jit";
  case TIER_MULTI_TIER_JIT:
    return "multi-tier-jit";
  case TIER_FAST_INTERP:
    return "fast-interp";
  default:
    return "unknown";
  }
}

void tier_set_default(int mode)
{
  /* The API layer reports unsupported modes to its caller; here they are
   * simply not taken. */
  if (mode == TIER_DEFAULT || tier_is_supported(mode))
    atomic_store_explicit(&default_mode, mode, memory_order_relaxed);
}

int tier_get_default(void)
{
  return atomic_load_explicit(&default_mode, memory_order_relaxed);
}

int tier_automatic(void)
{
  static const int priority[] = {
      TIER_MULTI_TIER_JIT, TIER_LLVM_JIT, TIER_FAST_JIT, TIER_FAST_INTERP, TIER_INTERP,
  };
  for (unsigned i = 0; i < sizeof priority / sizeof priority[0]; i++)
    if (tier_is_supported(priority[i]))
      return priority[i];
  return TIER_DEFAULT; /* a build with no tier at all */
}

int tier_effective(const Instance *inst)
{
  if (inst != NULL && inst->running_mode != TIER_DEFAULT && tier_is_supported(inst->running_mode))
    return inst->running_mode;
  int mode = tier_get_default();
  if (mode != TIER_DEFAULT)
    return mode;
  return tier_automatic();
}

bool tier_is_compiled(int mode)
{
  return mode == TIER_FAST_JIT || mode == TIER_LLVM_JIT || mode == TIER_MULTI_TIER_JIT;
}

void instance_set_running_mode(Instance *inst, int mode)
{
  inst->running_mode = mode;
  compiled_reset_instance(inst);
}

void tier_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  if (f->host) {
    runtime_call_host(env, f, argv);
    return;
  }
  switch (tier_effective(f->instance)) {
#if WP_HAVE_CLASSIC_INTERP
  case TIER_INTERP:
    interp_classic_call(env, f, argv);
    return;
#endif
#if WP_HAVE_FAST_INTERP
  case TIER_FAST_INTERP:
    interp_fast_call(env, f, argv);
    return;
#endif
#if WP_HAVE_LLVM_JIT
  case TIER_LLVM_JIT:
    llvm_jit_call(env, f, argv);
    return;
#endif
  default:
    trap_raise_message(env, "no execution mode for this call is built in");
  }
}
