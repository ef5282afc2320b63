/*
 * aot-code-b.c -- AOT code for aot-basic.wat, second object: defined
 * functions 4-10.  Calls aot_fib in the other object, helpers (libm's floor
 * among them), and has a jump table and a table of function pointers, so
 * every kind of relocation the loader handles appears in some variant.
 */
#include <math.h>

#include "aot-code.h"

uint32_t aot_call_import(ExecEnv *env, uint32_t x)
{
  aot_enter(env);
  uint64_t slots[2] = {x, 100};
  compiled_call_slow(env, env->current->funcs[0], slots);
  return (uint32_t)slots[0];
}

uint32_t aot_tier(ExecEnv *env)
{
  aot_enter(env);
  return 2;
}

uint32_t aot_deep(ExecEnv *env, uint32_t x)
{
  aot_enter(env);
  uint32_t r = aot_deep(env, x + 1);
  __asm__ volatile("" : "+r"(r)); /* keeps it a real recursion (no loop) */
  return r + 1;
}

void aot_pair(ExecEnv *env, uint32_t x, uint64_t *results)
{
  aot_enter(env);
  results[0] = aot_fib(env, x);
  results[1] = (uint32_t)(x * 2);
}

double aot_floor(ExecEnv *env, double x)
{
  aot_enter(env);
  return floor(x);
}

uint32_t aot_select(ExecEnv *env, uint32_t i)
{
  aot_enter(env);
  switch (i) {
  case 0: return 17;
  case 1: return 4;
  case 2: return 91;
  case 3: return 8;
  case 4: return 33;
  case 5: return 60;
  default: return (uint32_t)-1;
  }
}

typedef uint32_t (*I32ToI32)(ExecEnv *, uint32_t);

/* Data holding code addresses (R_X86_64_64 relocations). */
static I32ToI32 volatile direct_callee = aot_fib;

uint32_t aot_indirect(ExecEnv *env, uint32_t x)
{
  aot_enter(env);
  Table *t = env->current->tables[0];
  FuncInst *f = t->elems[0];
  if (f == NULL)
    trap_raise_index(env, TRAP_UNINITIALIZED_ELEMENT, 0);
  void *code = atomic_load_explicit(&f->code, memory_order_acquire);
  if (f->instance == env->current && code != NULL)
    return ((I32ToI32)code)(env, x) + 0 * (direct_callee == NULL);
  uint64_t slots[1] = {x};
  compiled_call_slow(env, f, slots);
  return (uint32_t)slots[0];
}
