/*
 * api_context.c -- per-instance contexts for embedders' natives, modelled
 * on pthread keys (wasm_runtime_create_context_key and friends), and the
 * API's per-instance state they live in.
 *
 * A key is a slot number with an optional destructor; each instance keeps
 * one pointer per slot.  The destructor runs when the instance is freed,
 * for every context still set.  As the documented API says, keys are made
 * and destroyed while no instance lives.
 */
#include <pthread.h>
#include <stdlib.h>

#include "api.h"

#define MAX_CONTEXT_KEYS 16

typedef struct ContextKey {
  bool used;
  void (*dtor)(wasm_module_inst_t inst, void *ctx);
} ContextKey;

static ContextKey context_keys[MAX_CONTEXT_KEYS];
static pthread_mutex_t context_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of a key, or -1 for something that is not one. */
static int key_slot(void *key)
{
  ContextKey *k = key;
  if (k < context_keys || k >= context_keys + MAX_CONTEXT_KEYS || !k->used)
    return -1;
  return (int)(k - context_keys);
}

void *wasm_runtime_create_context_key(void (*dtor)(wasm_module_inst_t inst, void *ctx))
{
  void *key = NULL;
  pthread_mutex_lock(&context_lock);
  for (int i = 0; i < MAX_CONTEXT_KEYS; i++)
    if (!context_keys[i].used) {
      context_keys[i].used = true;
      context_keys[i].dtor = dtor;
      key = &context_keys[i];
      break;
    }
  pthread_mutex_unlock(&context_lock);
  return key;
}

void wasm_runtime_destroy_context_key(void *key)
{
  pthread_mutex_lock(&context_lock);
  if (key_slot(key) >= 0) {
    ContextKey *k = key;
    k->used = false;
    k->dtor = NULL;
  }
  pthread_mutex_unlock(&context_lock);
}

ApiInstanceData *api_instance_data(Instance *inst)
{
  if (!inst->api_data)
    inst->api_data = calloc(1, sizeof *inst->api_data);
  return inst->api_data;
}

void wasm_runtime_set_context(wasm_module_inst_t inst, void *key, void *ctx)
{
  int slot = key_slot(key);
  if (!inst || slot < 0)
    return;
  ApiInstanceData *data = api_instance_data(API_INST(inst));
  if (!data)
    return;
  if (!data->contexts) {
    data->contexts = calloc(MAX_CONTEXT_KEYS, sizeof *data->contexts);
    if (!data->contexts)
      return;
    data->num_contexts = MAX_CONTEXT_KEYS;
  }
  data->contexts[slot] = ctx;
}

/* Spawned threads run the same instance here (not a copy of it, as with
 * the threads proposal), so they see the context already. */
void wasm_runtime_set_context_spread(wasm_module_inst_t inst, void *key, void *ctx)
{
  wasm_runtime_set_context(inst, key, ctx);
}

void *wasm_runtime_get_context(wasm_module_inst_t inst, void *key)
{
  int slot = key_slot(key);
  if (!inst || slot < 0)
    return NULL;
  ApiInstanceData *data = API_INST(inst)->api_data;
  return data && data->contexts ? data->contexts[slot] : NULL;
}

void api_contexts_release(Instance *inst, ApiInstanceData *data)
{
  if (!data->contexts)
    return;
  for (int i = 0; i < MAX_CONTEXT_KEYS; i++) {
    void *ctx = data->contexts[i];
    if (ctx && context_keys[i].used && context_keys[i].dtor)
      context_keys[i].dtor((wasm_module_inst_t)inst, ctx);
    data->contexts[i] = NULL;
  }
  free(data->contexts);
  data->contexts = NULL;
}

void api_instance_release(Instance *inst)
{
  api_externref_release(inst);
  ApiInstanceData *data = inst->api_data;
  if (!data)
    return;
  api_contexts_release(inst, data);
  api_heap_release(inst, data);
  free(data);
  inst->api_data = NULL;
}
