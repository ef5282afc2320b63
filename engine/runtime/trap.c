/*
 * trap.c -- contract 3: the one message table, and the unwinding to the
 * innermost host entry.
 *
 * trap_raise is also called from the fault handler (memory.c), so it touches
 * nothing but the exec env: no stdio, no allocation.
 */
#include "runtime.h"

#include "backtrace.h"

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
  /* The frames are still there: record them before leaving them. */
  backtrace_capture(env);
  siglongjmp(env->trap_frame->jmp, 1);
}

_Noreturn void trap_raise(ExecEnv *env, TrapKind kind)
{
  env->trap_kind = kind;
  copy_message(env->trap_message, sizeof env->trap_message, trap_message(kind));
  unwind(env);
}

_Noreturn void trap_raise_index(ExecEnv *env, TrapKind kind, uint32_t index)
{
  char digits[12];
  int n = 0;
  do
    digits[n++] = (char)('0' + index % 10);
  while ((index /= 10) != 0);
  env->trap_kind = kind;
  copy_message(env->trap_message, sizeof env->trap_message, trap_message(kind));
  size_t len = 0;
  while (env->trap_message[len])
    len++;
  if (len + 1 + (size_t)n < sizeof env->trap_message) {
    env->trap_message[len++] = ' ';
    while (n > 0)
      env->trap_message[len++] = digits[--n];
    env->trap_message[len] = '\0';
  }
  unwind(env);
}

_Noreturn void trap_raise_message(ExecEnv *env, const char *message)
{
  env->trap_kind = TRAP_HOST;
  copy_message(env->trap_message, sizeof env->trap_message,
               message ? message : trap_message(TRAP_HOST));
  unwind(env);
}
