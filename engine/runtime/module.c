/* module.c -- freeing a Module and small queries on it (see module.h). */
#include "module.h"

#include <stdlib.h>
#include <string.h>

const char *valtype_name(uint8_t t)
{
  switch (t) {
  case VAL_I32:
    return "i32";
  case VAL_I64:
    return "i64";
  case VAL_F32:
    return "f32";
  case VAL_F64:
    return "f64";
  case VAL_V128:
    return "v128";
  case VAL_FUNCREF:
    return "funcref";
  case VAL_EXTERNREF:
    return "externref";
  }
  return "<unknown type>";
}

bool functype_equal(const FuncType *a, const FuncType *b)
{
  if (a == b)
    return true;
  if (a->num_params != b->num_params || a->num_results != b->num_results)
    return false;
  uint32_t n = a->num_params + a->num_results;
  return n == 0 || memcmp(a->types, b->types, n) == 0;
}

int32_t module_find_export_len(const Module *m, const char *name, uint32_t len, uint8_t kind)
{
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const Export *e = &m->exports[i];
    if (e->kind == kind && e->name_len == len && memcmp(e->name, name, len) == 0)
      return (int32_t)i;
  }
  return -1;
}

int32_t module_find_export(const Module *m, const char *name, uint8_t kind)
{
  return module_find_export_len(m, name, (uint32_t)strlen(name), kind);
}

/*
 * Safe on a module the decoder gave up on half-way: every count says how many
 * entries were fully built, arrays are zero-filled beyond that, and every
 * pointer is NULL until allocated.
 */
size_t module_side_budget(const Module *m)
{
  size_t code = 0;
  for (uint32_t i = 0; i < m->num_funcs - m->num_imported_funcs; i++)
    code += (size_t)(m->funcs[i].end - m->funcs[i].body);
  return code * SIDE_BYTES_PER_CODE_BYTE + SIDE_BYTES_SLACK;
}

size_t module_side_bytes(const Module *m)
{
  size_t bytes = 0;
  for (uint32_t i = 0; i < m->num_funcs - m->num_imported_funcs; i++)
    bytes += (size_t)m->funcs[i].num_branches * sizeof(BranchEntry);
  const void *caches[] = {m->fast_interp_code, m->jit_code};
  for (size_t i = 0; i < sizeof caches / sizeof caches[0]; i++)
    if (caches[i])
      bytes += atomic_load(&((TierCache *)caches[i])->bytes);
  return bytes;
}

void module_free(Module *m)
{
  if (!m)
    return;

  for (uint32_t i = 0; i < m->num_types; i++) {
    free(m->types[i].types);
    functype_release_invoke(&m->types[i]);
  }
  free(m->types);

  for (uint32_t i = 0; i < m->num_imports; i++) {
    free(m->imports[i].module_name);
    free(m->imports[i].field_name);
  }
  free(m->imports);

  if (m->funcs) {
    for (uint32_t i = 0; i < m->num_funcs - m->num_imported_funcs; i++) {
      free(m->funcs[i].local_types);
      free(m->funcs[i].branches);
    }
  }
  free(m->funcs);
  free(m->func_type_index);
  free(m->tables);
  free(m->memories);
  free(m->global_types);
  free(m->global_inits);

  for (uint32_t i = 0; i < m->num_exports; i++)
    free(m->exports[i].name);
  free(m->exports);

  for (uint32_t i = 0; i < m->num_elems; i++)
    free(m->elems[i].items);
  free(m->elems);
  free(m->datas);
  free(m->declared_funcs);

  for (uint32_t i = 0; i < m->num_customs; i++)
    free(m->customs[i].name);
  free(m->customs);

  free(m->module_name);
  if (m->func_names) {
    for (uint32_t i = 0; i < m->num_funcs; i++)
      free(m->func_names[i]);
    free(m->func_names);
  }

  /* Tier code made for this module (TierCache). */
  if (m->fast_interp_code)
    ((TierCache *)m->fast_interp_code)->release(m->fast_interp_code);
  if (m->llvm_code)
    ((TierCache *)m->llvm_code)->release(m->llvm_code);

  free(m->bytes);
  free(m);
}
