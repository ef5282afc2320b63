/*
 * aot-code.h -- what the hand-written AOT code of aot-basic.wat shares: the
 * function-entry checks and the poll every compiled function makes
 * (engine/runtime/compiled.h), written as the translator will emit them.
 */
#ifndef AOT_CODE_H
#define AOT_CODE_H

#include "runtime/compiled.h"

static inline void aot_poll(ExecEnv *env)
{
  if (env->instance->interrupt | env->current->interrupt | (env->fuel >= 0))
    runtime_check_interrupt(env);
}

static inline void aot_enter(ExecEnv *env)
{
  if ((uintptr_t)__builtin_frame_address(0) < env->native_stack_limit)
    trap_raise(env, TRAP_STACK_EXHAUSTED);
  aot_poll(env);
}

uint32_t aot_fib(ExecEnv *env, uint32_t n);

#endif
