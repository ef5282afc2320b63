/*
 * embed-threads.c -- calls and exec envs, as WAMR documents them: several
 * threads run one instance, each on an exec env of its own
 * (wasm_runtime_spawn_thread, spawn_exec_env); wasm_runtime_terminate
 * stops every one of them; the instance is usable afterwards; calls
 * through the table with wasm_runtime_call_indirect.
 */
#include <pthread.h>
#include <sched.h>

#include "embed-common.h"

#define THREADS 3

static wasm_module_inst_t inst;
static volatile int started;

/* A spawned thread: count in slot 4 * id until terminated. */
static void *count_until_terminated(wasm_exec_env_t env, void *arg)
{
  uint32_t slot = (uint32_t)(uintptr_t)arg * 4;
  wasm_function_inst_t count = wasm_runtime_lookup_function(inst, "count");
  uint32_t argv[1] = {slot};
  __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
  bool ok = wasm_runtime_call_wasm(env, count, 1, argv);
  return (void *)(uintptr_t)(ok ? 1 : 2); /* 2: stopped by a trap, as expected */
}

static uint32_t counter(uint32_t id)
{
  uint8_t *mem = wasm_runtime_addr_app_to_native(inst, 0);
  return __atomic_load_n((uint32_t *)(mem + 4 * id), __ATOMIC_SEQ_CST);
}

int main(int argc, char **argv)
{
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  RunningMode mode = embed_init(argc, argv, &init);
  wasm_module_t module = load_module("embed-threads.wasm");
  char error[128];
  inst = wasm_runtime_instantiate(module, 64 * 1024, 0, error, sizeof error);
  CHECK(inst != NULL);
  CHECK(wasm_runtime_get_running_mode(inst) == mode);
  wasm_exec_env_t main_env = wasm_runtime_create_exec_env(inst, 64 * 1024);

  /* --- threads, each on its own exec env --- */
  wasm_thread_t tids[THREADS];
  for (uintptr_t i = 0; i < THREADS; i++)
    CHECK(wasm_runtime_spawn_thread(main_env, &tids[i], count_until_terminated, (void *)(i + 1)) == 0);
  /* Wait until every thread is counting (no time involved: each counter
   * moves only when its thread runs Wasm). */
  for (uint32_t i = 1; i <= THREADS; i++)
    while (counter(i) == 0)
      sched_yield();
  wasm_runtime_terminate(inst);
  for (int i = 0; i < THREADS; i++) {
    void *result = NULL;
    CHECK(wasm_runtime_join_thread(tids[i], &result) == 0);
    CHECK(result == (void *)2);
  }
  CHECK_STR(wasm_runtime_get_exception(inst), "Exception: terminated by user");
  CHECK(started == THREADS);

  /* The stop request was answered by every thread: the instance runs again. */
  uint32_t args[4] = {2, 3};
  CHECK(wasm_runtime_call_indirect(main_env, 0, 2, args));
  CHECK(args[0] == 5);
  CHECK(wasm_runtime_get_exception(inst) == NULL);

  /* call_indirect with 64-bit cells, and its errors */
  uint64_t a = 6, b = 7;
  memcpy(&args[0], &a, 8);
  memcpy(&args[2], &b, 8);
  CHECK(wasm_runtime_call_indirect(main_env, 1, 4, args));
  uint64_t product;
  memcpy(&product, &args[0], 8);
  CHECK(product == 42);
  CHECK(!wasm_runtime_call_indirect(main_env, 2, 0, args));
  CHECK_STR(wasm_runtime_get_exception(inst), "Exception: uninitialized element 2");
  CHECK(!wasm_runtime_call_indirect(main_env, 7, 0, args));
  CHECK_STR(wasm_runtime_get_exception(inst), "Exception: undefined element 7");
  CHECK(!wasm_runtime_call_indirect(main_env, 0, 1, args)); /* too few cells */

  /* --- a spawned exec env, used from this thread too --- */
  wasm_exec_env_t spawned = wasm_runtime_spawn_exec_env(main_env);
  CHECK(spawned != NULL && spawned != main_env);
  CHECK(wasm_runtime_get_module_inst(spawned) == inst);
  wasm_function_inst_t read = wasm_runtime_lookup_function(inst, "read");
  uint32_t slot[1] = {4};
  CHECK(wasm_runtime_call_wasm(spawned, read, 1, slot));
  CHECK(slot[0] == counter(1) && slot[0] > 0);
  /* the instance outlives its deinstantiation while a spawned env uses it */
  wasm_runtime_destroy_exec_env(main_env);
  wasm_runtime_deinstantiate(inst);
  slot[0] = 8;
  CHECK(wasm_runtime_call_wasm(spawned, read, 1, slot));
  CHECK(slot[0] > 0);
  wasm_runtime_destroy_spawned_exec_env(spawned);

  wasm_runtime_unload(module);
  return embed_finish("embed-threads");
}
