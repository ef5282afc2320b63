/* wasmplug-module.h: a loaded, validated module, its imports and exports.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(__WASMPLUG_H_INSIDE__) && !defined(WASMPLUG_COMPILATION)
#error "Only <wasmplug.h> can be included directly."
#endif

#include <glib-object.h>

#include "wasmplug-engine.h"
#include "wasmplug-sandbox.h"

G_BEGIN_DECLS

typedef struct _WasmplugPlugin WasmplugPlugin;

/**
 * WasmplugExternKind:
 * @WASMPLUG_EXTERN_FUNCTION: a function
 * @WASMPLUG_EXTERN_TABLE: a table
 * @WASMPLUG_EXTERN_MEMORY: a linear memory
 * @WASMPLUG_EXTERN_GLOBAL: a global
 *
 * What an import or an export is.
 */
typedef enum {
  WASMPLUG_EXTERN_FUNCTION,
  WASMPLUG_EXTERN_TABLE,
  WASMPLUG_EXTERN_MEMORY,
  WASMPLUG_EXTERN_GLOBAL,
} WasmplugExternKind;

#define WASMPLUG_TYPE_EXTERN_KIND (wasmplug_extern_kind_get_type ())
GType wasmplug_extern_kind_get_type (void);

/**
 * WasmplugImport:
 *
 * One import of a [class@Module]: its module and field names, its kind
 * and, for a function, its parameter and result types as `GVariant` tuple
 * types (i32 is `i`, i64 `x`, f32 and f64 `d`).
 */
typedef struct _WasmplugImport WasmplugImport;

/**
 * WasmplugExport:
 *
 * One export of a [class@Module]: its name, its kind and, for a function,
 * its parameter and result types as `GVariant` tuple types.
 */
typedef struct _WasmplugExport WasmplugExport;

#define WASMPLUG_TYPE_IMPORT (wasmplug_import_get_type ())
#define WASMPLUG_TYPE_EXPORT (wasmplug_export_get_type ())
GType wasmplug_import_get_type (void);
GType wasmplug_export_get_type (void);

WasmplugImport *wasmplug_import_ref (WasmplugImport *self);
void wasmplug_import_unref (WasmplugImport *self);
const char *wasmplug_import_get_module (WasmplugImport *self);
const char *wasmplug_import_get_name (WasmplugImport *self);
WasmplugExternKind wasmplug_import_get_kind (WasmplugImport *self);
const GVariantType *wasmplug_import_get_params_type (WasmplugImport *self);
const GVariantType *wasmplug_import_get_results_type (WasmplugImport *self);

WasmplugExport *wasmplug_export_ref (WasmplugExport *self);
void wasmplug_export_unref (WasmplugExport *self);
const char *wasmplug_export_get_name (WasmplugExport *self);
WasmplugExternKind wasmplug_export_get_kind (WasmplugExport *self);
const GVariantType *wasmplug_export_get_params_type (WasmplugExport *self);
const GVariantType *wasmplug_export_get_results_type (WasmplugExport *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WasmplugImport, wasmplug_import_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WasmplugExport, wasmplug_export_unref)

#define WASMPLUG_TYPE_MODULE (wasmplug_module_get_type ())
G_DECLARE_FINAL_TYPE (WasmplugModule, wasmplug_module, WASMPLUG, MODULE, GObject)

WasmplugEngine *wasmplug_module_get_engine (WasmplugModule *self);
GPtrArray *wasmplug_module_get_imports (WasmplugModule *self);
GPtrArray *wasmplug_module_get_exports (WasmplugModule *self);
WasmplugExport *wasmplug_module_lookup_export (WasmplugModule *self,
                                               const char     *name);
WasmplugPlugin *wasmplug_module_instantiate (WasmplugModule *self,
                                             GError        **error);
WasmplugPlugin *wasmplug_module_instantiate_with_sandbox (WasmplugModule  *self,
                                                          WasmplugSandbox *sandbox,
                                                          GError         **error);

G_END_DECLS
