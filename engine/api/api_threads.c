/*
 * api_threads.c -- more exec envs for one instance, threads that run it,
 * and calls through its table (wasm_export.h, "Threads").
 *
 * An instance may run on several threads at once, each on its own exec env
 * (the Wasm stack and the trap state are per env; the instance's memories,
 * tables and globals are shared, as Wasm threads share them).
 * wasm_runtime_terminate raises the instance's interrupt flag, which every
 * thread polls (contract 6); the flag is lowered when the last thread that
 * was running the instance has left (exec.c), so every one of them stops.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

wasm_exec_env_t wasm_runtime_spawn_exec_env(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  if (!env || !env->instance)
    return NULL;
  ExecEnv *spawned = exec_env_new(env->instance, env->stack_size);
  if (!spawned)
    return NULL;
  /* The new env runs the same instance: keep it alive as long as the env. */
  instance_ref(env->instance);
  spawned->user_data = env->user_data;
  return (wasm_exec_env_t)spawned;
}

void wasm_runtime_destroy_spawned_exec_env(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  if (!env)
    return;
  Instance *inst = env->instance;
  exec_env_free(env);
  instance_unref(inst);
}

/* A thread made by wasm_runtime_spawn_thread. */
typedef struct SpawnedThread {
  pthread_t thread;
  ExecEnv *env;
  wasm_thread_callback_t callback;
  void *arg;
} SpawnedThread;

static void *spawned_thread_main(void *data)
{
  SpawnedThread *t = data;
  return t->callback((wasm_exec_env_t)t->env, t->arg);
}

int32_t wasm_runtime_spawn_thread(wasm_exec_env_t exec_env, wasm_thread_t *tid,
                                  wasm_thread_callback_t callback, void *arg)
{
  if (!exec_env || !tid || !callback)
    return -1;
  SpawnedThread *t = calloc(1, sizeof *t);
  if (!t)
    return -1;
  t->env = API_ENV(wasm_runtime_spawn_exec_env(exec_env));
  t->callback = callback;
  t->arg = arg;
  if (!t->env) {
    free(t);
    return -1;
  }
  if (pthread_create(&t->thread, NULL, spawned_thread_main, t) != 0) {
    wasm_runtime_destroy_spawned_exec_env((wasm_exec_env_t)t->env);
    free(t);
    return -1;
  }
  *tid = (wasm_thread_t)t;
  return 0;
}

int32_t wasm_runtime_join_thread(wasm_thread_t tid, void **retval)
{
  SpawnedThread *t = (SpawnedThread *)tid;
  if (!t)
    return -1;
  void *result = NULL;
  int err = pthread_join(t->thread, &result);
  if (err != 0)
    return err;
  if (retval)
    *retval = result;
  wasm_runtime_destroy_spawned_exec_env((wasm_exec_env_t)t->env);
  free(t);
  return 0;
}

void wasm_runtime_set_max_thread_num(uint32_t num)
{
  (void)num; /* threads are not pooled: each spawn makes its own */
}

void wasm_runtime_set_module_inst(wasm_exec_env_t exec_env, const wasm_module_inst_t module_inst)
{
  ExecEnv *env = API_ENV(exec_env);
  if (env && module_inst && env->native_depth == 0)
    env->instance = API_INST(module_inst);
}

/* Blocking host operations are not woken up early here: the terminate
 * request is seen when the operation returns to Wasm. */
bool wasm_runtime_begin_blocking_op(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  Instance *inst = env ? (env->current ? env->current : env->instance) : NULL;
  return !inst || atomic_load(&inst->interrupt) == 0;
}

void wasm_runtime_end_blocking_op(wasm_exec_env_t exec_env) { (void)exec_env; }

/* --- call_indirect --- */

bool wasm_runtime_call_indirect(wasm_exec_env_t exec_env, uint32_t element_index, uint32_t argc,
                                uint32_t argv[])
{
  ExecEnv *env = API_ENV(exec_env);
  if (!env || !env->instance)
    return false;
  /* Inside a native, the table of the instance whose code called it. */
  Instance *inst = env->current_host && env->current ? env->current : env->instance;
  Table *t = inst->module->num_tables ? inst->tables[0] : NULL;
  if (!t || t->elem_type != VAL_FUNCREF) {
    api_set_exception(inst, "the instance has no function table");
    return false;
  }
  if (element_index >= t->size) {
    api_set_exceptionf(inst, "%s %u", "undefined element", element_index);
    return false;
  }
  FuncInst *f = t->elems[element_index];
  if (!f) {
    api_set_exceptionf(inst, "%s %u", "uninitialized element", element_index);
    return false;
  }
  return api_call_cells(env, f, argc, argv);
}
