/*
 * compiled.c -- the calls between compiled code and everything else
 * (contract 2; the convention is described in compiled.h).
 *
 * Host -> compiled goes through libffi: one prepared call interface per
 * function type, made on first use and attached to the FuncType (which
 * belongs to the immutable Module, like the tier caches, and is published
 * the same way: a compare-and-swap, the loser freeing its copy).  Compiled
 * -> anything else goes through tier_call with the arguments in slots.
 */
#include "compiled.h"

#include <ffi.h>
#include <stdlib.h>
#include <string.h>

#include "tiers.h"

typedef struct InvokeCif {
  ffi_cif cif;
  ffi_type *args[]; /* exec env, the parameters, then the results pointer if any */
} InvokeCif;

static ffi_type *value_ffi_type(uint8_t t)
{
  switch (t) {
  case VAL_I32:
    return &ffi_type_uint32;
  case VAL_I64:
    return &ffi_type_uint64;
  case VAL_F32:
    return &ffi_type_float;
  case VAL_F64:
    return &ffi_type_double;
  default:
    return &ffi_type_pointer; /* references */
  }
}

static InvokeCif *prepare(const FuncType *type)
{
  uint32_t n = type->num_params;
  bool many = type->num_results >= 2;
  InvokeCif *c = malloc(sizeof *c + (n + 2) * sizeof(ffi_type *));
  if (c == NULL)
    return NULL;
  c->args[0] = &ffi_type_pointer;
  for (uint32_t i = 0; i < n; i++)
    c->args[i + 1] = value_ffi_type(functype_params(type)[i]);
  if (many)
    c->args[n + 1] = &ffi_type_pointer;
  ffi_type *ret = type->num_results == 1 ? value_ffi_type(functype_results(type)[0])
                                         : &ffi_type_void;
  if (ffi_prep_cif(&c->cif, FFI_DEFAULT_ABI, n + 1 + many, ret, c->args) != FFI_OK) {
    free(c);
    return NULL;
  }
  return c;
}

static InvokeCif *invoke_cif(const FuncType *type)
{
  FuncType *t = (FuncType *)type; /* the cache slot is the only field written */
  InvokeCif *c = atomic_load_explicit(&t->invoke, memory_order_acquire);
  if (c != NULL)
    return c;
  InvokeCif *fresh = prepare(type);
  if (fresh == NULL)
    return NULL;
  void *expected = NULL;
  if (atomic_compare_exchange_strong(&t->invoke, &expected, fresh))
    return fresh;
  free(fresh);
  return expected;
}

void functype_release_invoke(FuncType *type)
{
  free(atomic_load(&type->invoke));
  type->invoke = NULL;
}

void compiled_invoke(ExecEnv *env, const FuncType *type, void *code, uint64_t *argv)
{
  InvokeCif *c = invoke_cif(type);
  if (c == NULL)
    trap_raise_message(env, "out of memory preparing a call");
  uint32_t n = type->num_params;
  void *values[n + 2];
  uint64_t *results = argv;
  values[0] = &env;
  for (uint32_t i = 0; i < n; i++)
    values[i + 1] = &argv[i]; /* little-endian: a 32-bit value is the slot's start */
  if (type->num_results >= 2)
    values[n + 1] = &results;

  union {
    ffi_arg word; /* libffi widens small integer results to a word */
    uint64_t u64;
    float f32;
    double f64;
    void *ref;
  } ret;
  ret.u64 = 0;
  ffi_call(&c->cif, FFI_FN(code), &ret, values);
  if (type->num_results != 1)
    return;
  switch (functype_results(type)[0]) {
  case VAL_I32:
    argv[0] = (uint32_t)ret.word;
    break;
  case VAL_F32:
    argv[0] = 0;
    memcpy(&argv[0], &ret.f32, sizeof ret.f32);
    break;
  case VAL_F64:
    memcpy(&argv[0], &ret.f64, sizeof ret.f64);
    break;
  case VAL_I64:
    argv[0] = ret.u64;
    break;
  default:
    argv[0] = (uint64_t)(uintptr_t)ret.ref;
  }
}

void compiled_call_slow(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  Instance *saved = env->current;
  if (f->instance != NULL)
    env->current = f->instance;
  tier_call(env, f, argv);
  env->current = saved;
}

void compiled_reset_instance(Instance *inst)
{
  const Module *m = inst->module;
  uint32_t n = m->num_funcs - m->num_imported_funcs;
  for (uint32_t i = 0; i < n; i++)
    atomic_store_explicit(&inst->own_funcs[i].code, NULL, memory_order_release);
}
