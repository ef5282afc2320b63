/*
 * wasm_c_api_types.c -- the standard Wasm C API (include/wasm.h): vectors,
 * type representations and values.  Runtime objects are in wasm_c_api.c.
 */
#include <stdlib.h>
#include <string.h>

#include "wasm_c_api_impl.h"

/* --- vectors ---
 * Every vector owns its array; a vector of pointers owns its elements too,
 * so copy deep-copies them and delete deletes them. */

#define VEC_COMMON(name, elem_t)                                                          \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t *out)                              \
  {                                                                                       \
    out->size = 0;                                                                        \
    out->data = NULL;                                                                     \
  }                                                                                       \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t *out, size_t size)         \
  {                                                                                       \
    out->data = size ? calloc(size, sizeof(elem_t)) : NULL;                               \
    out->size = out->data ? size : 0;                                                     \
  }                                                                                       \
  void wasm_##name##_vec_new(wasm_##name##_vec_t *out, size_t size, elem_t const data[])  \
  {                                                                                       \
    wasm_##name##_vec_new_uninitialized(out, size);                                       \
    if (out->size)                                                                        \
      memcpy(out->data, data, size * sizeof(elem_t));                                     \
  }

/* Plain values: copies are shallow. */
#define VEC_PLAIN(name, elem_t)                                                           \
  VEC_COMMON(name, elem_t)                                                                \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t *out, const wasm_##name##_vec_t *v)     \
  {                                                                                       \
    wasm_##name##_vec_new(out, v->size, v->data);                                         \
  }                                                                                       \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t *v)                                   \
  {                                                                                       \
    free(v->data);                                                                        \
    v->data = NULL;                                                                       \
    v->size = 0;                                                                          \
  }

/* Owned pointers: elements copied with wasm_NAME_copy, deleted with
 * wasm_NAME_delete. */
#define VEC_OWNED(name)                                                                   \
  VEC_COMMON(name, wasm_##name##_t *)                                                     \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t *out, const wasm_##name##_vec_t *v)     \
  {                                                                                       \
    wasm_##name##_vec_new_uninitialized(out, v->size);                                    \
    for (size_t i = 0; i < out->size; i++)                                                \
      out->data[i] = v->data[i] ? wasm_##name##_copy(v->data[i]) : NULL;                  \
  }                                                                                       \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t *v)                                   \
  {                                                                                       \
    for (size_t i = 0; i < v->size; i++)                                                  \
      if (v->data[i])                                                                     \
        wasm_##name##_delete(v->data[i]);                                                 \
    free(v->data);                                                                        \
    v->data = NULL;                                                                       \
    v->size = 0;                                                                          \
  }

VEC_PLAIN(byte, wasm_byte_t)
VEC_OWNED(valtype)
VEC_OWNED(functype)
VEC_OWNED(globaltype)
VEC_OWNED(tabletype)
VEC_OWNED(memorytype)
VEC_OWNED(externtype)
VEC_OWNED(importtype)
VEC_OWNED(exporttype)
VEC_OWNED(frame)
VEC_OWNED(extern)

/* Values own their references. */
VEC_COMMON(val, wasm_val_t)

void wasm_val_vec_copy(wasm_val_vec_t *out, const wasm_val_vec_t *v)
{
  wasm_val_vec_new_uninitialized(out, v->size);
  for (size_t i = 0; i < out->size; i++)
    wasm_val_copy(&out->data[i], &v->data[i]);
}

void wasm_val_vec_delete(wasm_val_vec_t *v)
{
  for (size_t i = 0; i < v->size; i++)
    wasm_val_delete(&v->data[i]);
  free(v->data);
  v->data = NULL;
  v->size = 0;
}

void wasm_val_delete(wasm_val_t *v)
{
  if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
    wasm_ref_delete(v->of.ref);
    v->of.ref = NULL;
  }
}

void wasm_val_copy(wasm_val_t *out, const wasm_val_t *v)
{
  *out = *v;
  if (wasm_valkind_is_ref(v->kind) && v->of.ref)
    out->of.ref = wasm_ref_copy(v->of.ref);
}

/* --- value types --- */

wasm_valtype_t *wasm_valtype_new(wasm_valkind_t kind)
{
  wasm_valtype_t *t = malloc(sizeof *t);
  if (t)
    t->kind = kind;
  return t;
}

void wasm_valtype_delete(wasm_valtype_t *t) { free(t); }

wasm_valtype_t *wasm_valtype_copy(const wasm_valtype_t *t)
{
  return t ? wasm_valtype_new(t->kind) : NULL;
}

wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *t) { return t->kind; }

wasm_valkind_t capi_valkind(uint8_t type)
{
  switch (type) {
  case VAL_I32: return WASM_I32;
  case VAL_I64: return WASM_I64;
  case VAL_F32: return WASM_F32;
  case VAL_F64: return WASM_F64;
  case VAL_FUNCREF: return WASM_FUNCREF;
  case VAL_EXTERNREF: return WASM_ANYREF;
  default: return 0xFF;
  }
}

uint8_t capi_engine_type(wasm_valkind_t kind)
{
  switch (kind) {
  case WASM_I32: return VAL_I32;
  case WASM_I64: return VAL_I64;
  case WASM_F32: return VAL_F32;
  case WASM_F64: return VAL_F64;
  case WASM_FUNCREF: return VAL_FUNCREF;
  case WASM_ANYREF: return VAL_EXTERNREF;
  default: return 0;
  }
}

/* --- function types --- */

wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results)
{
  wasm_functype_t *t = malloc(sizeof *t);
  if (!t)
    return NULL;
  t->base.kind = WASM_EXTERN_FUNC;
  t->params = *params; /* taken over */
  t->results = *results;
  wasm_valtype_vec_new_empty(params);
  wasm_valtype_vec_new_empty(results);
  return t;
}

void wasm_functype_delete(wasm_functype_t *t)
{
  if (!t)
    return;
  wasm_valtype_vec_delete(&t->params);
  wasm_valtype_vec_delete(&t->results);
  free(t);
}

wasm_functype_t *wasm_functype_copy(const wasm_functype_t *t)
{
  if (!t)
    return NULL;
  wasm_valtype_vec_t p, r;
  wasm_valtype_vec_copy(&p, &t->params);
  wasm_valtype_vec_copy(&r, &t->results);
  return wasm_functype_new(&p, &r);
}

const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t) { return &t->params; }
const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t) { return &t->results; }

static void valtypes_of(wasm_valtype_vec_t *out, const uint8_t *types, uint32_t n)
{
  wasm_valtype_vec_new_uninitialized(out, n);
  for (uint32_t i = 0; i < out->size; i++)
    out->data[i] = wasm_valtype_new(capi_valkind(types[i]));
}

wasm_functype_t *capi_functype_of(const FuncType *t)
{
  wasm_valtype_vec_t p, r;
  valtypes_of(&p, functype_params(t), t->num_params);
  valtypes_of(&r, functype_results(t), t->num_results);
  return wasm_functype_new(&p, &r);
}

bool capi_functype_to_engine(const wasm_functype_t *ft, FuncType *out)
{
  size_t n = ft->params.size + ft->results.size;
  out->num_params = (uint32_t)ft->params.size;
  out->num_results = (uint32_t)ft->results.size;
  out->types = malloc(n ? n : 1);
  if (!out->types)
    return false;
  for (size_t i = 0; i < n; i++) {
    const wasm_valtype_t *v =
        i < ft->params.size ? ft->params.data[i] : ft->results.data[i - ft->params.size];
    out->types[i] = v ? capi_engine_type(v->kind) : 0;
    if (!out->types[i]) {
      free(out->types);
      out->types = NULL;
      return false;
    }
  }
  return true;
}

/* --- global, table, memory types --- */

wasm_globaltype_t *wasm_globaltype_new(wasm_valtype_t *content, wasm_mutability_t mutability)
{
  wasm_globaltype_t *t = malloc(sizeof *t);
  if (!t)
    return NULL;
  t->base.kind = WASM_EXTERN_GLOBAL;
  t->content = content;
  t->mutability = mutability;
  return t;
}

void wasm_globaltype_delete(wasm_globaltype_t *t)
{
  if (t) {
    wasm_valtype_delete(t->content);
    free(t);
  }
}

wasm_globaltype_t *wasm_globaltype_copy(const wasm_globaltype_t *t)
{
  return t ? wasm_globaltype_new(wasm_valtype_copy(t->content), t->mutability) : NULL;
}

const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *t) { return t->content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *t) { return t->mutability; }

wasm_tabletype_t *wasm_tabletype_new(wasm_valtype_t *element, const wasm_limits_t *limits)
{
  wasm_tabletype_t *t = malloc(sizeof *t);
  if (!t)
    return NULL;
  t->base.kind = WASM_EXTERN_TABLE;
  t->element = element;
  t->limits = *limits;
  return t;
}

void wasm_tabletype_delete(wasm_tabletype_t *t)
{
  if (t) {
    wasm_valtype_delete(t->element);
    free(t);
  }
}

wasm_tabletype_t *wasm_tabletype_copy(const wasm_tabletype_t *t)
{
  return t ? wasm_tabletype_new(wasm_valtype_copy(t->element), &t->limits) : NULL;
}

const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *t) { return t->element; }
const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *t) { return &t->limits; }

wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *limits)
{
  wasm_memorytype_t *t = malloc(sizeof *t);
  if (!t)
    return NULL;
  t->base.kind = WASM_EXTERN_MEMORY;
  t->limits = *limits;
  return t;
}

void wasm_memorytype_delete(wasm_memorytype_t *t) { free(t); }

wasm_memorytype_t *wasm_memorytype_copy(const wasm_memorytype_t *t)
{
  return t ? wasm_memorytype_new(&t->limits) : NULL;
}

const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *t) { return &t->limits; }

static wasm_limits_t limits_of(uint32_t min, bool has_max, uint32_t max)
{
  wasm_limits_t l = {min, has_max ? max : wasm_limits_max_default};
  return l;
}

wasm_externtype_t *capi_globaltype_of(const GlobalType *g)
{
  return (wasm_externtype_t *)wasm_globaltype_new(wasm_valtype_new(capi_valkind(g->type)),
                                                  g->mutable_ ? WASM_VAR : WASM_CONST);
}

wasm_externtype_t *capi_tabletype_of(const TableType *t)
{
  wasm_limits_t l = limits_of(t->limits.min, t->limits.has_max, t->limits.max);
  return (wasm_externtype_t *)wasm_tabletype_new(wasm_valtype_new(capi_valkind(t->elem_type)), &l);
}

wasm_externtype_t *capi_memorytype_of(const Limits *m)
{
  wasm_limits_t l = limits_of(m->min, m->has_max, m->max);
  return (wasm_externtype_t *)wasm_memorytype_new(&l);
}

/* --- extern types --- */

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *t) { return t->kind; }

void wasm_externtype_delete(wasm_externtype_t *t)
{
  if (!t)
    return;
  switch (t->kind) {
  case WASM_EXTERN_FUNC: wasm_functype_delete((wasm_functype_t *)t); break;
  case WASM_EXTERN_GLOBAL: wasm_globaltype_delete((wasm_globaltype_t *)t); break;
  case WASM_EXTERN_TABLE: wasm_tabletype_delete((wasm_tabletype_t *)t); break;
  default: wasm_memorytype_delete((wasm_memorytype_t *)t); break;
  }
}

wasm_externtype_t *wasm_externtype_copy(const wasm_externtype_t *t)
{
  if (!t)
    return NULL;
  switch (t->kind) {
  case WASM_EXTERN_FUNC: return (wasm_externtype_t *)wasm_functype_copy((const wasm_functype_t *)t);
  case WASM_EXTERN_GLOBAL:
    return (wasm_externtype_t *)wasm_globaltype_copy((const wasm_globaltype_t *)t);
  case WASM_EXTERN_TABLE: return (wasm_externtype_t *)wasm_tabletype_copy((const wasm_tabletype_t *)t);
  default: return (wasm_externtype_t *)wasm_memorytype_copy((const wasm_memorytype_t *)t);
  }
}

#define EXTERNTYPE_CASTS(name, KIND)                                                      \
  wasm_externtype_t *wasm_##name##_as_externtype(wasm_##name##_t *t)                     \
  {                                                                                       \
    return (wasm_externtype_t *)t;                                                        \
  }                                                                                       \
  const wasm_externtype_t *wasm_##name##_as_externtype_const(const wasm_##name##_t *t)   \
  {                                                                                       \
    return (const wasm_externtype_t *)t;                                                  \
  }                                                                                       \
  wasm_##name##_t *wasm_externtype_as_##name(wasm_externtype_t *t)                       \
  {                                                                                       \
    return t && t->kind == KIND ? (wasm_##name##_t *)t : NULL;                            \
  }                                                                                       \
  const wasm_##name##_t *wasm_externtype_as_##name##_const(const wasm_externtype_t *t)   \
  {                                                                                       \
    return t && t->kind == KIND ? (const wasm_##name##_t *)t : NULL;                      \
  }

EXTERNTYPE_CASTS(functype, WASM_EXTERN_FUNC)
EXTERNTYPE_CASTS(globaltype, WASM_EXTERN_GLOBAL)
EXTERNTYPE_CASTS(tabletype, WASM_EXTERN_TABLE)
EXTERNTYPE_CASTS(memorytype, WASM_EXTERN_MEMORY)

/* --- import and export types --- */

wasm_importtype_t *wasm_importtype_new(wasm_name_t *module, wasm_name_t *name,
                                       wasm_externtype_t *type)
{
  wasm_importtype_t *t = malloc(sizeof *t);
  if (!t)
    return NULL;
  t->module = *module;
  t->name = *name;
  t->type = type;
  wasm_byte_vec_new_empty(module);
  wasm_byte_vec_new_empty(name);
  return t;
}

void wasm_importtype_delete(wasm_importtype_t *t)
{
  if (!t)
    return;
  wasm_byte_vec_delete(&t->module);
  wasm_byte_vec_delete(&t->name);
  wasm_externtype_delete(t->type);
  free(t);
}

wasm_importtype_t *wasm_importtype_copy(const wasm_importtype_t *t)
{
  if (!t)
    return NULL;
  wasm_name_t m, n;
  wasm_byte_vec_copy(&m, &t->module);
  wasm_byte_vec_copy(&n, &t->name);
  return wasm_importtype_new(&m, &n, wasm_externtype_copy(t->type));
}

const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *t) { return &t->module; }
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *t) { return t->type; }

wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, wasm_externtype_t *type)
{
  wasm_exporttype_t *t = malloc(sizeof *t);
  if (!t)
    return NULL;
  t->name = *name;
  t->type = type;
  wasm_byte_vec_new_empty(name);
  return t;
}

void wasm_exporttype_delete(wasm_exporttype_t *t)
{
  if (!t)
    return;
  wasm_byte_vec_delete(&t->name);
  wasm_externtype_delete(t->type);
  free(t);
}

wasm_exporttype_t *wasm_exporttype_copy(const wasm_exporttype_t *t)
{
  if (!t)
    return NULL;
  wasm_name_t n;
  wasm_byte_vec_copy(&n, &t->name);
  return wasm_exporttype_new(&n, wasm_externtype_copy(t->type));
}

const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *t) { return &t->name; }
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *t) { return t->type; }
