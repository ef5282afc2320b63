/*
 * backtrace.h -- the Wasm call stack of a trap, in every mode.
 *
 * A tier that runs Wasm frames pushes a TierActivation on its ExecEnv for
 * as long as it runs (env->activation, innermost first, linked through
 * prev; runtime_call restores the chain when a trap skips the pops).  When
 * a trap unwinds (trap.c), backtrace_capture asks each activation, innermost
 * first, to append its frames, innermost first, to env->backtrace.  That is
 * the whole contract a tier keeps to have its traps carry a backtrace: the
 * interpreters walk their frame headers; a compiled tier can push one
 * activation per host entry whose walk reads a shadow frame list, or its
 * own records, the same way.
 *
 * Capture runs inside the fault handler too: no allocation, no stdio.
 */
#ifndef WP_BACKTRACE_H
#define WP_BACKTRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"

/* Frames kept per trap; deeper stacks keep their innermost frames and
 * count the rest. */
#define BACKTRACE_MAX_FRAMES 100
#define BACKTRACE_NAME_SIZE 64

/* A code offset nobody recorded. */
#define BACKTRACE_NO_OFFSET UINT32_MAX

typedef struct BacktraceFrame {
  uint32_t func_index;             /* in its module's function index space */
  uint32_t offset;                 /* byte offset of the instruction in the module's binary */
  uint32_t func_offset;            /* the same from the function body's first instruction */
  char name[BACKTRACE_NAME_SIZE];  /* from the "name" section, else "" */
} BacktraceFrame;

typedef struct Backtrace {
  uint32_t count;   /* frames kept, innermost first */
  uint32_t skipped; /* outer frames beyond BACKTRACE_MAX_FRAMES */
  BacktraceFrame frames[BACKTRACE_MAX_FRAMES];
} Backtrace;

typedef struct TierActivation {
  struct TierActivation *prev;
  /* Appends this activation's frames, innermost first, with
   * backtrace_add_frame. */
  void (*walk)(const struct TierActivation *act, Backtrace *bt);
} TierActivation;

static inline void tier_activation_push(ExecEnv *env, TierActivation *act,
                                        void (*walk)(const TierActivation *, Backtrace *))
{
  act->prev = env->activation;
  act->walk = walk;
  env->activation = act;
}

static inline void tier_activation_pop(ExecEnv *env, TierActivation *act)
{
  env->activation = act->prev;
}

/* Appends the frame of f (a Wasm function) stopped at `pc`, a pointer into
 * the module's bytes (NULL: unknown). */
void backtrace_add_frame(Backtrace *bt, const FuncInst *f, const uint8_t *pc);

/* Records the Wasm call stack of env (trap.c calls it before unwinding). */
void backtrace_capture(ExecEnv *env);

/* Writes the recorded stack as WAMR prints it:
 *   #00: 0x0042 - $f2
 *   #01: 0x0051 - main
 * Returns the length the whole text needs (NUL excluded), like snprintf. */
uint32_t backtrace_format(const Backtrace *bt, char *buf, uint32_t size);

#endif
