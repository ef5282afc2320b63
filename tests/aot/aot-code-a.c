/*
 * aot-code-a.c -- AOT code for aot-basic.wat, first object: defined
 * functions 0-3 (see the .wat for what each does).
 */
#include "aot-code.h"

uint32_t aot_fib(ExecEnv *env, uint32_t n)
{
  aot_enter(env);
  if (n < 2)
    return n;
  return aot_fib(env, n - 1) + aot_fib(env, n - 2);
}

uint32_t aot_div(ExecEnv *env, uint32_t a, uint32_t b)
{
  aot_enter(env);
  if (b == 0)
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  return a / b;
}

void aot_spin(ExecEnv *env)
{
  aot_enter(env);
  for (;;)
    aot_poll(env);
}

/* contract 4: no bounds check, the guard pages trap */
uint32_t aot_store_load(ExecEnv *env, uint32_t addr, uint32_t value)
{
  aot_enter(env);
  uint8_t *base = env->current->memories[0]->base;
  __builtin_memcpy(base + addr, &value, 4);
  uint32_t v;
  __builtin_memcpy(&v, base + addr, 4);
  return v;
}
