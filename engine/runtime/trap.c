/*
 * trap.c -- contract 3: the one message table, and the unwinding to the
 * innermost host entry.
 *
 * trap_raise is also called from the fault handler (memory.c), so it touches
 * nothing but the exec env: no stdio, no allocation.
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const trap_messages[TRAP_COUNT] = {
#define X(sym, msg) [TRAP_##sym] = msg,
    TRAP_LIST(X)
#undef X
};

const char *trap_message(TrapKind kind)
{
  if ((unsigned)kind >= TRAP_COUNT)
    return "unknown trap";
  return trap_messages[kind];
}

/* A bounded copy that is safe in a signal handler. */
static void copy_message(char *dst, size_t size, const char *src)
{
  size_t i = 0;
  for (; src[i] != '\0' && i + 1 < size; i++)
    dst[i] = src[i];
  dst[i] = '\0';
}

static _Noreturn void unwind(ExecEnv *env)
{
  if (env->trap_frame == NULL) {
    /* Wasm runs only inside runtime_call; reaching here is an engine bug,
     * and continuing would run past a trap. */
    fprintf(stderr, "wasmplug: trap outside a host entry: %s\n", env->trap_message);
    abort();
  }
  siglongjmp(env->trap_frame->jmp, 1);
}

_Noreturn void trap_raise(ExecEnv *env, TrapKind kind)
{
  env->trap_kind = kind;
  copy_message(env->trap_message, sizeof env->trap_message, trap_message(kind));
  unwind(env);
}

_Noreturn void trap_raise_message(ExecEnv *env, const char *message)
{
  env->trap_kind = TRAP_HOST;
  copy_message(env->trap_message, sizeof env->trap_message,
               message ? message : trap_message(TRAP_HOST));
  unwind(env);
}
