/*
 * capi.c -- the standard Wasm C API (wasm.h), built with pkg-config and run
 * in every mode, by the themes of the wasm-c-api examples: hello and
 * callback (host functions with and without environment), multi (several
 * results), reflect (imports and exports), serialize, global, table,
 * memory, trap (message and frames), threads (a shared module), finalize
 * (host info finalizers).
 *
 * Usage: capi MODE WASM_DIR
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>
#include <wasmplug_wasm_c_api.h>

static int failures;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
      failures++;                                                                \
    }                                                                            \
  } while (0)

static int hello_calls, finalized;

static wasm_trap_t *hello(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
  (void)args;
  (void)results;
  hello_calls++;
  return NULL;
}

typedef struct AddEnv {
  int32_t bias;
  int calls;
} AddEnv;

static wasm_trap_t *add(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
  AddEnv *e = env;
  e->calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32 + e->bias;
  return NULL;
}

static wasm_store_t *fail_store;

static wasm_trap_t *fail(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
  (void)args;
  (void)results;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "boom from the host");
  wasm_trap_t *trap = wasm_trap_new(fail_store, &message);
  wasm_name_delete(&message);
  return trap;
}

static wasm_trap_t *negate(const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

static void count_finalizer(void *info)
{
  (void)info;
  finalized++;
}

static wasm_byte_vec_t binary;
static uint32_t mode;

/* The module's exports, by position (see capi.wat). */
enum { RUN, SUM, SWAP, DIVIDE, CALL_FAIL, LOAD8, CALL_TABLE, COUNTER, PI, TABLE, MEMORY };

static wasm_instance_t *instantiate(wasm_store_t *store, wasm_module_t *module, AddEnv *env,
                                    wasm_extern_vec_t *exports)
{
  wasm_functype_t *void_type = wasm_functype_new_0_0();
  wasm_functype_t *add_type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                    wasm_valtype_new_i32());
  wasm_func_t *hello_func = wasm_func_new(store, void_type, hello);
  wasm_func_t *add_func = wasm_func_new_with_env(store, add_type, add, env, count_finalizer);
  wasm_func_t *fail_func = wasm_func_new(store, void_type, fail);
  wasm_extern_t *list[] = {wasm_func_as_extern(hello_func), wasm_func_as_extern(add_func),
                           wasm_func_as_extern(fail_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(list);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);
  /* the instance keeps what it imported: the handles can go */
  wasm_func_delete(hello_func);
  wasm_func_delete(add_func);
  wasm_func_delete(fail_func);
  wasm_functype_delete(void_type);
  wasm_functype_delete(add_type);
  if (instance)
    wasm_instance_exports(instance, exports);
  return instance;
}

static int32_t call_i32_i32(const wasm_func_t *f, int32_t a, int32_t b, wasm_trap_t **trap)
{
  wasm_val_t args[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = {wasm_func_param_arity(f), args};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(results);
  *trap = wasm_func_call(f, &av, &rv);
  return results[0].of.i32;
}

/* threads: each has its own store and instance of one shared module */
static void *thread_main(void *shared)
{
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = wasm_module_obtain(store, shared);
  AddEnv env = {1000, 0};
  wasm_extern_vec_t exports;
  wasm_instance_t *instance = instantiate(store, module, &env, &exports);
  int32_t total = 0;
  for (int i = 0; i < 100 && instance; i++) {
    wasm_trap_t *trap;
    total += call_i32_i32(wasm_extern_as_func(exports.data[SUM]), i, 1, &trap);
    CHECK(trap == NULL);
  }
  CHECK(total == 100 * 1001 + 4950);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc != 3)
    return 2;
  static const char *const modes[] = {"", "interp", "fast-jit", "llvm-jit", "multi-tier-jit",
                                      "fast-interp"};
  for (uint32_t i = 1; i < 6; i++)
    if (strcmp(argv[1], modes[i]) == 0)
      mode = i;
  char path[1024];
  snprintf(path, sizeof path, "%s/capi.wasm", argv[2]);
  FILE *file = fopen(path, "rb");
  if (!file || mode == 0)
    return 2;
  fseek(file, 0, SEEK_END);
  size_t size = (size_t)ftell(file);
  fseek(file, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(&binary, size);
  if (fread(binary.data, 1, size, file) != size)
    return 2;
  fclose(file);

  wasm_config_t *config = wasm_config_new();
  CHECK(wasmplug_config_set_running_mode(config, mode));
  CHECK(!wasmplug_config_set_running_mode(config, 99));
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_store_t *store = wasm_store_new(engine);
  fail_store = store;

  /* --- validate, reflect --- */
  CHECK(wasm_module_validate(store, &binary));
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 4, "\0as");
  CHECK(!wasm_module_validate(store, &junk));
  CHECK(wasm_module_new(store, &junk) == NULL);
  wasm_byte_vec_delete(&junk);
  wasm_module_t *module = wasm_module_new(store, &binary);
  CHECK(module != NULL);

  wasm_importtype_vec_t import_types;
  wasm_module_imports(module, &import_types);
  CHECK(import_types.size == 3);
  const wasm_name_t *name = wasm_importtype_name(import_types.data[1]);
  CHECK(name->size == 3 && memcmp(name->data, "add", 3) == 0);
  CHECK(wasm_importtype_module(import_types.data[1])->size == 0);
  const wasm_functype_t *add_type =
      wasm_externtype_as_functype_const(wasm_importtype_type(import_types.data[1]));
  CHECK(add_type && wasm_functype_params(add_type)->size == 2 &&
        wasm_functype_results(add_type)->size == 1 &&
        wasm_valtype_kind(wasm_functype_results(add_type)->data[0]) == WASM_I32);
  wasm_importtype_vec_delete(&import_types);

  wasm_exporttype_vec_t export_types;
  wasm_module_exports(module, &export_types);
  CHECK(export_types.size == 11);
  CHECK(wasm_externtype_kind(wasm_exporttype_type(export_types.data[COUNTER])) == WASM_EXTERN_GLOBAL);
  const wasm_globaltype_t *gt =
      wasm_externtype_as_globaltype_const(wasm_exporttype_type(export_types.data[COUNTER]));
  CHECK(gt && wasm_globaltype_mutability(gt) == WASM_VAR &&
        wasm_valtype_kind(wasm_globaltype_content(gt)) == WASM_I32);
  const wasm_memorytype_t *mt =
      wasm_externtype_as_memorytype_const(wasm_exporttype_type(export_types.data[MEMORY]));
  CHECK(mt && wasm_memorytype_limits(mt)->min == 1 && wasm_memorytype_limits(mt)->max == 2);
  const wasm_tabletype_t *tt =
      wasm_externtype_as_tabletype_const(wasm_exporttype_type(export_types.data[TABLE]));
  CHECK(tt && wasm_tabletype_limits(tt)->max == wasm_limits_max_default &&
        wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_FUNCREF);
  wasm_exporttype_vec_t copy;
  wasm_exporttype_vec_copy(&copy, &export_types);
  CHECK(copy.size == 11 && wasm_exporttype_name(copy.data[SWAP])->size == 4);
  wasm_exporttype_vec_delete(&copy);
  wasm_exporttype_vec_delete(&export_types);

  /* --- serialize --- */
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  wasm_module_t *again = wasm_module_deserialize(store, &serialized);
  CHECK(again != NULL);
  wasm_byte_vec_delete(&serialized);
  wasm_module_delete(module);
  module = again;

  /* --- hello, callback, multi --- */
  AddEnv env = {10, 0};
  wasm_extern_vec_t exports;
  wasm_instance_t *instance = instantiate(store, module, &env, &exports);
  CHECK(exports.size == 11);
  wasm_instance_set_host_info_with_finalizer(instance, &env, count_finalizer);

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[RUN]), &none, &none);
  CHECK(trap == NULL && hello_calls == 1);
  CHECK(call_i32_i32(wasm_extern_as_func(exports.data[SUM]), 2, 3, &trap) == 15 && !trap);
  CHECK(env.calls == 1);

  wasm_val_t swap_args[2] = {WASM_I32_VAL(7), WASM_I64_VAL(-9)};
  wasm_val_t swap_results[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t sa = WASM_ARRAY_VEC(swap_args), sr = WASM_ARRAY_VEC(swap_results);
  CHECK(wasm_func_result_arity(wasm_extern_as_func(exports.data[SWAP])) == 2);
  trap = wasm_func_call(wasm_extern_as_func(exports.data[SWAP]), &sa, &sr);
  CHECK(!trap && swap_results[0].kind == WASM_I64 && swap_results[0].of.i64 == -9 &&
        swap_results[1].kind == WASM_I32 && swap_results[1].of.i32 == 7);

  /* --- traps: the message and the Wasm frames, innermost first --- */
  CHECK(call_i32_i32(wasm_extern_as_func(exports.data[DIVIDE]), 0, 0, &trap) == 0);
  CHECK(trap != NULL);
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    CHECK(strcmp(message.data, "integer divide by zero") == 0);
    wasm_name_delete(&message);
    /* the interpreters record frames; compiled tiers not yet (none then) */
    bool frames = mode == 1 || mode == 5;
    wasm_frame_t *origin = wasm_trap_origin(trap);
    CHECK(frames ? origin && wasm_frame_func_index(origin) == 6 : origin == NULL);
    if (mode == 1) /* the classic interpreter records code offsets */
      CHECK(origin && wasm_frame_module_offset(origin) > 0 && wasm_frame_func_offset(origin) > 0);
    wasm_frame_delete(origin);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    CHECK(frames ? trace.size == 2 && wasm_frame_func_index(trace.data[1]) == 7 : trace.size == 0);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
  }
  trap = wasm_func_call(wasm_extern_as_func(exports.data[CALL_FAIL]), &none, &none);
  CHECK(trap != NULL);
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    CHECK(strcmp(message.data, "boom from the host") == 0);
    wasm_name_delete(&message);
    wasm_trap_delete(trap);
  }
  /* the instance still works after a trap */
  CHECK(call_i32_i32(wasm_extern_as_func(exports.data[DIVIDE]), 4, 0, &trap) == 25 && !trap);

  /* --- globals --- */
  wasm_global_t *counter = wasm_extern_as_global(exports.data[COUNTER]);
  wasm_val_t v;
  wasm_global_get(counter, &v);
  CHECK(v.kind == WASM_I32 && v.of.i32 == 7);
  wasm_val_t eight = WASM_I32_VAL(8);
  wasm_global_set(counter, &eight);
  wasm_global_get(counter, &v);
  CHECK(v.of.i32 == 8);
  wasm_global_t *pi = wasm_extern_as_global(exports.data[PI]);
  wasm_val_t one = WASM_F64_VAL(1.0);
  wasm_global_set(pi, &one); /* immutable: unchanged */
  wasm_global_get(pi, &v);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 3.25);
  wasm_globaltype_t *host_gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t big = WASM_I64_VAL(1LL << 40);
  wasm_global_t *host_global = wasm_global_new(store, host_gt, &big);
  wasm_global_get(host_global, &v);
  CHECK(v.kind == WASM_I64 && v.of.i64 == 1LL << 40);
  wasm_globaltype_delete(host_gt);
  wasm_global_delete(host_global);

  /* --- tables --- */
  wasm_table_t *table = wasm_extern_as_table(exports.data[TABLE]);
  CHECK(wasm_table_size(table) == 2);
  CHECK(wasm_table_get(table, 0) == NULL);
  wasm_ref_t *div_ref = wasm_table_get(table, 1);
  wasm_func_t *div = wasm_ref_as_func(div_ref);
  CHECK(div && call_i32_i32(div, 5, 0, &trap) == 20 && !trap);
  wasm_functype_t *neg_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t *neg = wasm_func_new(store, neg_type, negate);
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(neg)));
  CHECK(call_i32_i32(wasm_extern_as_func(exports.data[CALL_TABLE]), 0, 9, &trap) == -9 && !trap);
  CHECK(call_i32_i32(wasm_extern_as_func(exports.data[CALL_TABLE]), 1, 50, &trap) == 2 && !trap);
  CHECK(wasm_table_grow(table, 3, NULL) && wasm_table_size(table) == 5);
  CHECK(!wasm_table_set(table, 9, NULL));
  call_i32_i32(wasm_extern_as_func(exports.data[CALL_TABLE]), 4, 1, &trap);
  CHECK(trap != NULL); /* uninitialized element */
  if (trap)
    wasm_trap_delete(trap);
  wasm_ref_t *neg_again = wasm_table_get(table, 0);
  CHECK(wasm_ref_same(neg_again, wasm_func_as_ref(neg)));
  wasm_ref_delete(neg_again);
  wasm_ref_delete(div_ref);
  wasm_func_delete(neg);
  wasm_functype_delete(neg_type);

  /* --- memories --- */
  wasm_memory_t *memory = wasm_extern_as_memory(exports.data[MEMORY]);
  CHECK(wasm_memory_size(memory) == 1 && wasm_memory_data_size(memory) == 65536);
  CHECK(wasm_memory_data(memory)[2] == 3);
  wasm_memory_data(memory)[100] = 42;
  CHECK(call_i32_i32(wasm_extern_as_func(exports.data[LOAD8]), 100, 0, &trap) == 42 && !trap);
  CHECK(wasm_memory_grow(memory, 1) && wasm_memory_size(memory) == 2);
  CHECK(!wasm_memory_grow(memory, 1));
  call_i32_i32(wasm_extern_as_func(exports.data[LOAD8]), 2 * 65536, 0, &trap);
  CHECK(trap != NULL); /* out of bounds */
  if (trap)
    wasm_trap_delete(trap);
  wasm_limits_t limits = {1, 3};
  wasm_memorytype_t *host_mt = wasm_memorytype_new(&limits);
  wasm_memory_t *host_memory = wasm_memory_new(store, host_mt);
  CHECK(host_memory && wasm_memory_size(host_memory) == 1);
  wasm_memory_delete(host_memory);
  wasm_memorytype_delete(host_mt);

  /* --- foreign objects and references --- */
  wasm_foreign_t *foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, &env, count_finalizer);
  wasm_ref_t *fref = wasm_foreign_as_ref(foreign);
  CHECK(wasm_ref_as_foreign(fref) == foreign && wasm_ref_as_func(fref) == NULL);
  wasm_foreign_t *fcopy = wasm_foreign_copy(foreign);
  CHECK(wasm_foreign_same(fcopy, foreign));
  wasm_foreign_delete(foreign);
  CHECK(finalized == 0); /* one owner left */
  wasm_foreign_delete(fcopy);
  CHECK(finalized == 1);

  /* --- threads sharing one module --- */
  wasm_shared_module_t *shared = wasm_module_share(module);
  pthread_t threads[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&threads[i], NULL, thread_main, shared);
  for (int i = 0; i < 2; i++)
    pthread_join(threads[i], NULL);
  wasm_shared_module_delete(shared);
  CHECK(finalized == 3); /* each thread's store finalized its add environment */

  /* --- finalize --- */
  wasm_extern_vec_delete(&exports);
  CHECK(finalized == 3); /* the instance handle is still owned */
  wasm_instance_delete(instance);
  CHECK(finalized == 4); /* the instance's host info */
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK(finalized == 5); /* the add function's environment, with its store */
  wasm_engine_delete(engine);
  wasm_byte_vec_delete(&binary);

  if (failures) {
    fprintf(stderr, "capi: %d check(s) failed\n", failures);
    return 1;
  }
  printf("capi: all checks passed\n");
  return 0;
}
