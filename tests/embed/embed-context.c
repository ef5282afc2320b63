/*
 * embed-context.c -- instance contexts (wasm_runtime_create_context_key and
 * friends), in the style of WAMR's inst-context sample: a native keeps its
 * per-instance state under a key; the key's destructor frees it when the
 * instance goes.
 */
#include "embed-common.h"

typedef struct Counter {
  int calls;
  int id;
} Counter;

static void *key_counter, *key_other;
static int destroyed[8];

static void counter_dtor(wasm_module_inst_t inst, void *ctx)
{
  (void)inst;
  Counter *c = ctx;
  destroyed[c->id]++;
  free(c);
}

/* env.tick: counts calls per instance in the instance's context. */
static int32_t tick(wasm_exec_env_t env)
{
  wasm_module_inst_t inst = wasm_runtime_get_module_inst(env);
  Counter *c = wasm_runtime_get_context(inst, key_counter);
  if (!c) {
    wasm_runtime_set_exception(inst, "no counter");
    return 0;
  }
  return ++c->calls;
}

static NativeSymbol natives[] = {{"tick", (void *)tick, "()i", NULL}};

int main(int argc, char **argv)
{
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  init.native_module_name = "env";
  init.native_symbols = natives;
  init.n_native_symbols = 1;
  embed_init(argc, argv, &init);

  key_counter = wasm_runtime_create_context_key(counter_dtor);
  key_other = wasm_runtime_create_context_key(NULL);
  CHECK(key_counter && key_other && key_counter != key_other);

  wasm_module_t module = load_module("embed-context.wasm");
  char error[128];
  wasm_module_inst_t a = wasm_runtime_instantiate(module, 0, 0, error, sizeof error);
  wasm_module_inst_t b = wasm_runtime_instantiate(module, 0, 0, error, sizeof error);
  CHECK(a && b);
  CHECK(wasm_runtime_get_context(a, key_counter) == NULL);

  Counter *ca = calloc(1, sizeof *ca), *cb = calloc(1, sizeof *cb);
  ca->id = 1;
  cb->id = 2;
  wasm_runtime_set_context(a, key_counter, ca);
  wasm_runtime_set_context_spread(b, key_counter, cb);
  static int marker;
  wasm_runtime_set_context(a, key_other, &marker);
  CHECK(wasm_runtime_get_context(a, key_counter) == ca);
  CHECK(wasm_runtime_get_context(b, key_counter) == cb);
  CHECK(wasm_runtime_get_context(a, key_other) == &marker);
  CHECK(wasm_runtime_get_context(b, key_other) == NULL);

  wasm_function_inst_t fa = wasm_runtime_lookup_function(a, "tick3");
  wasm_function_inst_t fb = wasm_runtime_lookup_function(b, "tick3");
  uint32_t r[1];
  CHECK(wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(a), fa, 0, r) && r[0] == 3);
  CHECK(wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(a), fa, 0, r) && r[0] == 6);
  CHECK(wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(b), fb, 0, r) && r[0] == 3);
  CHECK(ca->calls == 6 && cb->calls == 3);

  /* The destructor runs once per instance, for its own context. */
  wasm_runtime_deinstantiate(a);
  CHECK(destroyed[1] == 1 && destroyed[2] == 0);
  /* A context cleared by the host is not destroyed by the runtime. */
  wasm_runtime_set_context(b, key_counter, NULL);
  wasm_runtime_deinstantiate(b);
  CHECK(destroyed[2] == 0);
  free(cb);

  /* A destroyed key is a key no more: setting through it does nothing. */
  wasm_runtime_destroy_context_key(key_other);
  wasm_module_inst_t c = wasm_runtime_instantiate(module, 0, 0, error, sizeof error);
  wasm_runtime_set_context(c, key_other, &marker);
  CHECK(wasm_runtime_get_context(c, key_other) == NULL);
  wasm_runtime_deinstantiate(c);
  wasm_runtime_destroy_context_key(key_counter);

  wasm_runtime_unload(module);
  return embed_finish("embed-context");
}
