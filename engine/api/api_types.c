/*
 * api_types.c -- import and export introspection of a loaded module, and the
 * accessors of the types it hands out (they point into the Module).
 */
#include <string.h>

#include "../runtime/native.h"
#include "api.h"

int32_t wasm_runtime_get_import_count(const wasm_module_t module)
{
  return module ? (int32_t)API_MODULE(module)->module->num_imports : -1;
}

void wasm_runtime_get_import_type(const wasm_module_t module, int32_t import_index,
                                  wasm_import_t *import_type)
{
  if (!import_type)
    return;
  memset(import_type, 0, sizeof *import_type);
  if (!module || import_index < 0 ||
      (uint32_t)import_index >= API_MODULE(module)->module->num_imports)
    return;
  const Module *m = API_MODULE(module)->module;
  Import *imp = &m->imports[import_index];
  import_type->module_name = imp->module_name;
  import_type->name = imp->field_name;
  import_type->kind = (wasm_import_export_kind_t)imp->kind;
  switch (imp->kind) {
  case EXTERN_FUNC:
    import_type->u.func_type = (wasm_func_type_t)&m->types[imp->u.type_index];
    import_type->linked = native_lookup(imp->module_name, imp->module_name_len, imp->field_name,
                                        imp->field_name_len) != NULL;
    break;
  case EXTERN_TABLE:
    import_type->u.table_type = (wasm_table_type_t)&imp->u.table;
    break;
  case EXTERN_MEMORY:
    import_type->u.memory_type = (wasm_memory_type_t)&imp->u.memory;
    break;
  default:
    import_type->u.global_type = (wasm_global_type_t)&imp->u.global;
    break;
  }
}

int32_t wasm_runtime_get_export_count(const wasm_module_t module)
{
  return module ? (int32_t)API_MODULE(module)->module->num_exports : -1;
}

void wasm_runtime_get_export_type(const wasm_module_t module, int32_t export_index,
                                  wasm_export_t *export_type)
{
  if (!export_type)
    return;
  memset(export_type, 0, sizeof *export_type);
  if (!module || export_index < 0 ||
      (uint32_t)export_index >= API_MODULE(module)->module->num_exports)
    return;
  const Module *m = API_MODULE(module)->module;
  const Export *e = &m->exports[export_index];
  export_type->name = e->name;
  export_type->kind = (wasm_import_export_kind_t)e->kind;
  switch (e->kind) {
  case EXTERN_FUNC:
    export_type->u.func_type = (wasm_func_type_t)module_func_type(m, e->index);
    break;
  case EXTERN_TABLE:
    export_type->u.table_type = (wasm_table_type_t)&m->tables[e->index];
    break;
  case EXTERN_MEMORY:
    export_type->u.memory_type = (wasm_memory_type_t)&m->memories[e->index];
    break;
  default:
    export_type->u.global_type = (wasm_global_type_t)&m->global_types[e->index];
    break;
  }
}

#define FUNC_TYPE(t) ((const FuncType *)(t))
#define GLOBAL_TYPE(t) ((const GlobalType *)(t))
#define TABLE_TYPE(t) ((const TableType *)(t))
#define MEMORY_TYPE(t) ((const Limits *)(t))

uint32_t wasm_func_type_get_param_count(const wasm_func_type_t func_type)
{
  return func_type ? FUNC_TYPE(func_type)->num_params : 0;
}

wasm_valkind_t wasm_func_type_get_param_valkind(const wasm_func_type_t func_type,
                                                uint32_t param_index)
{
  if (!func_type || param_index >= FUNC_TYPE(func_type)->num_params)
    return (wasm_valkind_t)-1;
  return api_valkind(functype_params(FUNC_TYPE(func_type))[param_index]);
}

uint32_t wasm_func_type_get_result_count(const wasm_func_type_t func_type)
{
  return func_type ? FUNC_TYPE(func_type)->num_results : 0;
}

wasm_valkind_t wasm_func_type_get_result_valkind(const wasm_func_type_t func_type,
                                                 uint32_t result_index)
{
  if (!func_type || result_index >= FUNC_TYPE(func_type)->num_results)
    return (wasm_valkind_t)-1;
  return api_valkind(functype_results(FUNC_TYPE(func_type))[result_index]);
}

wasm_valkind_t wasm_global_type_get_valkind(const wasm_global_type_t global_type)
{
  return global_type ? api_valkind(GLOBAL_TYPE(global_type)->type) : (wasm_valkind_t)-1;
}

bool wasm_global_type_get_mutable(const wasm_global_type_t global_type)
{
  return global_type && GLOBAL_TYPE(global_type)->mutable_;
}

bool wasm_memory_type_get_shared(const wasm_memory_type_t memory_type)
{
  (void)memory_type;
  return false;
}

uint32_t wasm_memory_type_get_init_page_count(const wasm_memory_type_t memory_type)
{
  return memory_type ? MEMORY_TYPE(memory_type)->min : 0;
}

uint32_t wasm_memory_type_get_max_page_count(const wasm_memory_type_t memory_type)
{
  if (!memory_type)
    return 0;
  return MEMORY_TYPE(memory_type)->has_max ? MEMORY_TYPE(memory_type)->max : WASM_MAX_PAGES;
}

wasm_valkind_t wasm_table_type_get_elem_kind(const wasm_table_type_t table_type)
{
  return table_type ? api_valkind(TABLE_TYPE(table_type)->elem_type) : (wasm_valkind_t)-1;
}

bool wasm_table_type_get_shared(const wasm_table_type_t table_type)
{
  (void)table_type;
  return false;
}

uint32_t wasm_table_type_get_init_size(const wasm_table_type_t table_type)
{
  return table_type ? TABLE_TYPE(table_type)->limits.min : 0;
}

uint32_t wasm_table_type_get_max_size(const wasm_table_type_t table_type)
{
  if (!table_type)
    return 0;
  return TABLE_TYPE(table_type)->limits.has_max ? TABLE_TYPE(table_type)->limits.max : UINT32_MAX;
}
