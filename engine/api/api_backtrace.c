/*
 * api_backtrace.c -- the Wasm call stack of the last trap
 * (runtime/backtrace.h) and the native-stack checks, as the embedding API
 * offers them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/backtrace.h"
#include "../runtime/native_stack.h"
#include "api.h"

static const Backtrace *last_backtrace(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  return env && env->backtrace && env->backtrace->count ? env->backtrace : NULL;
}

uint32_t wasm_runtime_get_call_stack_buf_size(wasm_exec_env_t exec_env)
{
  const Backtrace *bt = last_backtrace(exec_env);
  return bt ? backtrace_format(bt, NULL, 0) + 1 : 0;
}

uint32_t wasm_runtime_dump_call_stack_to_buf(wasm_exec_env_t exec_env, char *buf, uint32_t len)
{
  const Backtrace *bt = last_backtrace(exec_env);
  if (!bt || !buf || len == 0)
    return 0;
  backtrace_format(bt, buf, len);
  return (uint32_t)strlen(buf) + 1;
}

void wasm_runtime_dump_call_stack(wasm_exec_env_t exec_env)
{
  uint32_t size = wasm_runtime_get_call_stack_buf_size(exec_env);
  if (size == 0)
    return;
  char *buf = malloc(size);
  if (!buf)
    return;
  wasm_runtime_dump_call_stack_to_buf(exec_env, buf, size);
  fputs(buf, stdout);
  free(buf);
}

bool wasm_runtime_detect_native_stack_overflow_size(wasm_exec_env_t exec_env,
                                                    uint32_t required_size)
{
  ExecEnv *env = API_ENV(exec_env);
  if (native_stack_ok(env, required_size))
    return true;
  if (env) {
    Instance *inst = env->current_host && env->current ? env->current : env->instance;
    api_set_exception(inst, "native stack overflow");
  }
  return false;
}

bool wasm_runtime_detect_native_stack_overflow(wasm_exec_env_t exec_env)
{
  return wasm_runtime_detect_native_stack_overflow_size(exec_env, NATIVE_STACK_GUARD);
}

void wasm_runtime_set_native_stack_boundary(wasm_exec_env_t exec_env, uint8_t *native_stack_boundary)
{
  ExecEnv *env = API_ENV(exec_env);
  if (env)
    env->native_stack_boundary = native_stack_boundary;
}
