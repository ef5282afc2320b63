/*
 * wasm_c_api_impl.h -- what the two files of the standard Wasm C API
 * (include/wasm.h) share: the objects behind its opaque types.
 *
 * This API sits directly on the engine's run-time objects, beside the
 * WAMR-style API rather than on top of it (the two headers cannot be
 * included together: both define wasm_val_t and wasm_valkind_t).
 *
 * Types are plain structs; every extern type starts with a
 * wasm_externtype_t, so the as_externtype casts are free.  Runtime objects
 * (references) start with a wasm_ref_t header, reference counted: copy
 * returns the same object with one more owner, delete drops one and the
 * last one runs the host-info finalizer.  The engine objects underneath
 * (FuncInst, GlobalInst, Table, Memory, Instance, Module) have their own
 * counts, so an instance keeps what it imported alive.
 */
#ifndef WP_WASM_C_API_IMPL_H
#define WP_WASM_C_API_IMPL_H

#include <stdatomic.h>

#define WASM_API_EXTERN __attribute__((visibility("default")))
#include "wasm.h"
#include "wasmplug_wasm_c_api.h"

#include "../runtime/runtime.h"

/* --- types (wasm_c_api_types.c) --- */

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

struct wasm_externtype_t {
  wasm_externkind_t kind;
};

struct wasm_functype_t {
  wasm_externtype_t base;
  wasm_valtype_vec_t params, results;
};

struct wasm_globaltype_t {
  wasm_externtype_t base;
  wasm_valtype_t *content;
  wasm_mutability_t mutability;
};

struct wasm_tabletype_t {
  wasm_externtype_t base;
  wasm_valtype_t *element;
  wasm_limits_t limits;
};

struct wasm_memorytype_t {
  wasm_externtype_t base;
  wasm_limits_t limits;
};

struct wasm_importtype_t {
  wasm_name_t module, name;
  wasm_externtype_t *type;
};

struct wasm_exporttype_t {
  wasm_name_t name;
  wasm_externtype_t *type;
};

/* Engine value types and wasm.h kinds (0 / 0xFF where there is none). */
wasm_valkind_t capi_valkind(uint8_t type);
uint8_t capi_engine_type(wasm_valkind_t kind);

/* A functype describing t, and the engine's FuncType for ft (its type
 * array allocated; false for an unknown kind). */
wasm_functype_t *capi_functype_of(const FuncType *t);
bool capi_functype_to_engine(const wasm_functype_t *ft, FuncType *out);

wasm_externtype_t *capi_globaltype_of(const GlobalType *g);
wasm_externtype_t *capi_tabletype_of(const TableType *t);
wasm_externtype_t *capi_memorytype_of(const Limits *l);

/* --- runtime objects (wasm_c_api.c) --- */

typedef enum CapiRefKind {
  CAPI_FOREIGN,
  CAPI_FUNC,
  CAPI_GLOBAL,
  CAPI_TABLE,
  CAPI_MEMORY,
  CAPI_MODULE,
  CAPI_INSTANCE,
  CAPI_TRAP,
} CapiRefKind;

struct wasm_ref_t {
  uint8_t kind; /* CapiRefKind */
  atomic_int owners;
  void *host_info;
  void (*finalizer)(void *);
  void (*release)(struct wasm_ref_t *ref); /* frees what is behind it */
  const void *identity;                     /* what `same` compares */
};

#endif
