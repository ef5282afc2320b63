/*
 * aot-code-bad.c -- AOT code that needs a symbol no run-time helper
 * provides (puts): loading it must fail and name the symbol.
 */
#include <stdio.h>

#include "aot-code.h"

uint32_t aot_bad(ExecEnv *env)
{
  aot_enter(env);
  return (uint32_t)puts("not reachable from AOT code");
}
