/*
 * native_stack.h -- contract 5 for the C stack: how much of the calling
 * thread's native stack is left, so that deep work (a Wasm entry, a
 * translation, a compile) reports "native stack overflow" instead of
 * crashing the process.
 */
#ifndef WP_NATIVE_STACK_H
#define WP_NATIVE_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"

/* Bytes every Wasm entry and every translation needs left on the C stack:
 * the interpreters' loops, a host function's ordinary needs, the fault
 * handler's frame if the alternate stack is not in use, with a margin. */
#define NATIVE_STACK_GUARD (24u * 1024u)

/* The lowest usable address of this thread's stack (cached per thread). */
uint8_t *native_stack_limit_here(void);

/* True when at least `need` bytes are left below the caller's frame. */
static inline bool native_stack_ok(const ExecEnv *env, uint32_t need)
{
  uint8_t *limit = env && env->native_stack_boundary ? env->native_stack_boundary
                                                     : native_stack_limit_here();
  uint8_t *sp = (uint8_t *)__builtin_frame_address(0);
  return limit == NULL || (sp > limit && (uintptr_t)(sp - limit) > need);
}

#endif
