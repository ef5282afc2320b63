/* wasmplug-module.c: WasmplugModule, a loaded and validated module, and the
 * boxed WasmplugImport / WasmplugExport describing its interface.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "wasmplug-private.h"

/* --- values and types --- */

const GVariantType *
_wasmplug_valkind_to_variant_type (wasm_valkind_t kind)
{
  switch (kind)
    {
    case WASM_I32: return G_VARIANT_TYPE_INT32;
    case WASM_I64: return G_VARIANT_TYPE_INT64;
    case WASM_F32:
    case WASM_F64: return G_VARIANT_TYPE_DOUBLE;
    default: return NULL;
    }
}

gboolean
_wasmplug_value_from_variant (wasm_valkind_t kind,
                              GVariant      *value,
                              guint64       *slot)
{
  *slot = 0;
  switch (kind)
    {
    case WASM_I32:
      {
        guint32 v;

        if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
          v = (guint32) g_variant_get_int32 (value);
        else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
          v = g_variant_get_uint32 (value);
        else
          return FALSE;
        *slot = v;
        return TRUE;
      }
    case WASM_I64:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        *slot = (guint64) g_variant_get_int64 (value);
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        *slot = g_variant_get_uint64 (value);
      else
        return FALSE;
      return TRUE;
    case WASM_F32:
      {
        float f;

        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
          return FALSE;
        f = (float) g_variant_get_double (value);
        memcpy (slot, &f, sizeof f);
        return TRUE;
      }
    case WASM_F64:
      {
        double d;

        if (!g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
          return FALSE;
        d = g_variant_get_double (value);
        memcpy (slot, &d, sizeof d);
        return TRUE;
      }
    default:
      return FALSE;
    }
}

GVariant *
_wasmplug_value_to_variant (wasm_valkind_t kind,
                            guint64        slot)
{
  switch (kind)
    {
    case WASM_I32:
      {
        guint32 v = (guint32) slot;

        return g_variant_new_int32 ((gint32) v);
      }
    case WASM_I64:
      return g_variant_new_int64 ((gint64) slot);
    case WASM_F32:
      {
        float f;

        memcpy (&f, &slot, sizeof f);
        return g_variant_new_double (f);
      }
    case WASM_F64:
      {
        double d;

        memcpy (&d, &slot, sizeof d);
        return g_variant_new_double (d);
      }
    default:
      g_assert_not_reached ();
    }
}

GVariantType *
_wasmplug_func_type_to_variant_type (wasm_func_type_t type,
                                     gboolean         results)
{
  guint32 n = results ? wasm_func_type_get_result_count (type)
                      : wasm_func_type_get_param_count (type);
  g_autofree const GVariantType **items = g_new0 (const GVariantType *, n + 1);

  for (guint32 i = 0; i < n; i++)
    {
      wasm_valkind_t kind = results ? wasm_func_type_get_result_valkind (type, i)
                                    : wasm_func_type_get_param_valkind (type, i);

      items[i] = _wasmplug_valkind_to_variant_type (kind);
      if (items[i] == NULL)
        return NULL;
    }
  return g_variant_type_new_tuple (items, n);
}

char *
_wasmplug_describe_tuple (const GVariantType *type)
{
  return g_variant_type_dup_string (type);
}

/* --- WasmplugImport, WasmplugExport --- */

/* One struct for both: an export has no module name. */
typedef struct
{
  gatomicrefcount ref_count;
  char *module;
  char *name;
  WasmplugExternKind kind;
  GVariantType *params;  /* functions whose types have a GVariant form */
  GVariantType *results;
} Extern;

struct _WasmplugImport { Extern e; };
struct _WasmplugExport { Extern e; };

static Extern *
extern_new (const char                *module,
            const char                *name,
            wasm_import_export_kind_t  kind,
            wasm_func_type_t           func_type)
{
  Extern *e = g_new0 (Extern, 1);

  g_atomic_ref_count_init (&e->ref_count);
  e->module = g_strdup (module);
  e->name = g_strdup (name);
  switch (kind)
    {
    case WASM_IMPORT_EXPORT_KIND_FUNC: e->kind = WASMPLUG_EXTERN_FUNCTION; break;
    case WASM_IMPORT_EXPORT_KIND_TABLE: e->kind = WASMPLUG_EXTERN_TABLE; break;
    case WASM_IMPORT_EXPORT_KIND_MEMORY: e->kind = WASMPLUG_EXTERN_MEMORY; break;
    case WASM_IMPORT_EXPORT_KIND_GLOBAL:
    default:
      e->kind = WASMPLUG_EXTERN_GLOBAL;
    }
  if (kind == WASM_IMPORT_EXPORT_KIND_FUNC && func_type != NULL)
    {
      e->params = _wasmplug_func_type_to_variant_type (func_type, FALSE);
      e->results = _wasmplug_func_type_to_variant_type (func_type, TRUE);
    }
  return e;
}

static Extern *
extern_ref (Extern *e)
{
  g_atomic_ref_count_inc (&e->ref_count);
  return e;
}

static void
extern_unref (Extern *e)
{
  if (g_atomic_ref_count_dec (&e->ref_count))
    {
      g_free (e->module);
      g_free (e->name);
      g_clear_pointer (&e->params, g_variant_type_free);
      g_clear_pointer (&e->results, g_variant_type_free);
      g_free (e);
    }
}

G_DEFINE_BOXED_TYPE (WasmplugImport, wasmplug_import, wasmplug_import_ref, wasmplug_import_unref)
G_DEFINE_BOXED_TYPE (WasmplugExport, wasmplug_export, wasmplug_export_ref, wasmplug_export_unref)

static const GEnumValue extern_kind_values[] = {
  { WASMPLUG_EXTERN_FUNCTION, "WASMPLUG_EXTERN_FUNCTION", "function" },
  { WASMPLUG_EXTERN_TABLE, "WASMPLUG_EXTERN_TABLE", "table" },
  { WASMPLUG_EXTERN_MEMORY, "WASMPLUG_EXTERN_MEMORY", "memory" },
  { WASMPLUG_EXTERN_GLOBAL, "WASMPLUG_EXTERN_GLOBAL", "global" },
  { 0, NULL, NULL },
};

GType
wasmplug_extern_kind_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id,
                       g_enum_register_static (g_intern_static_string ("WasmplugExternKind"),
                                               extern_kind_values));
  return type_id;
}

/**
 * wasmplug_import_ref:
 * @self: an import
 *
 * Returns: (transfer full): @self
 */
WasmplugImport *
wasmplug_import_ref (WasmplugImport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (WasmplugImport *) extern_ref (&self->e);
}

/**
 * wasmplug_import_unref:
 * @self: (transfer full): an import
 *
 * Drops a reference.
 */
void
wasmplug_import_unref (WasmplugImport *self)
{
  g_return_if_fail (self != NULL);
  extern_unref (&self->e);
}

/**
 * wasmplug_import_get_module:
 * @self: an import
 *
 * Returns: (transfer none): the module name of the import, e.g. "env"
 */
const char *
wasmplug_import_get_module (WasmplugImport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->e.module;
}

/**
 * wasmplug_import_get_name:
 * @self: an import
 *
 * Returns: (transfer none): the field name of the import, e.g. "log"
 */
const char *
wasmplug_import_get_name (WasmplugImport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->e.name;
}

/**
 * wasmplug_import_get_kind:
 * @self: an import
 *
 * Returns: what the import is
 */
WasmplugExternKind
wasmplug_import_get_kind (WasmplugImport *self)
{
  g_return_val_if_fail (self != NULL, WASMPLUG_EXTERN_FUNCTION);
  return self->e.kind;
}

/**
 * wasmplug_import_get_params_type:
 * @self: an import
 *
 * The parameters of a function import as a tuple type, e.g. `(ix)` for
 * (i32, i64): the type of the arguments of its `host-call` signal.
 *
 * Returns: (transfer none) (nullable): the tuple type, or %NULL for an
 *   import that is not a function or has reference or vector parameters
 */
const GVariantType *
wasmplug_import_get_params_type (WasmplugImport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->e.params;
}

/**
 * wasmplug_import_get_results_type:
 * @self: an import
 *
 * The results of a function import as a tuple type: what its `host-call`
 * handler returns.
 *
 * Returns: (transfer none) (nullable): the tuple type, or %NULL
 */
const GVariantType *
wasmplug_import_get_results_type (WasmplugImport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->e.results;
}

/**
 * wasmplug_export_ref:
 * @self: an export
 *
 * Returns: (transfer full): @self
 */
WasmplugExport *
wasmplug_export_ref (WasmplugExport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (WasmplugExport *) extern_ref (&self->e);
}

/**
 * wasmplug_export_unref:
 * @self: (transfer full): an export
 *
 * Drops a reference.
 */
void
wasmplug_export_unref (WasmplugExport *self)
{
  g_return_if_fail (self != NULL);
  extern_unref (&self->e);
}

/**
 * wasmplug_export_get_name:
 * @self: an export
 *
 * Returns: (transfer none): the name of the export
 */
const char *
wasmplug_export_get_name (WasmplugExport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->e.name;
}

/**
 * wasmplug_export_get_kind:
 * @self: an export
 *
 * Returns: what the export is
 */
WasmplugExternKind
wasmplug_export_get_kind (WasmplugExport *self)
{
  g_return_val_if_fail (self != NULL, WASMPLUG_EXTERN_FUNCTION);
  return self->e.kind;
}

/**
 * wasmplug_export_get_params_type:
 * @self: an export
 *
 * The parameters of a function export as a tuple type: the type of the
 * arguments [method@Plugin.call] takes (`u` and `t` are accepted for `i`
 * and `x` too).
 *
 * Returns: (transfer none) (nullable): the tuple type, or %NULL for an
 *   export that is not a function or has reference or vector parameters
 */
const GVariantType *
wasmplug_export_get_params_type (WasmplugExport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->e.params;
}

/**
 * wasmplug_export_get_results_type:
 * @self: an export
 *
 * The results of a function export as a tuple type: the type of what
 * [method@Plugin.call] returns.
 *
 * Returns: (transfer none) (nullable): the tuple type, or %NULL
 */
const GVariantType *
wasmplug_export_get_results_type (WasmplugExport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->e.results;
}

/* --- WasmplugModule --- */

/**
 * WasmplugModule:
 *
 * A loaded and validated WebAssembly module, made by
 * [method@Engine.load_module].  It lists its imports and exports and makes
 * plugins ([method@Module.instantiate]); it is immutable and may be shared
 * between threads.
 */
struct _WasmplugModule
{
  GObject parent_instance;

  WasmplugEngine *engine;
  wasm_module_t module;
  GPtrArray *imports; /* of WasmplugImport */
  GPtrArray *exports; /* of WasmplugExport */
};

G_DEFINE_FINAL_TYPE (WasmplugModule, wasmplug_module, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wasmplug_module_finalize (GObject *object)
{
  WasmplugModule *self = WASMPLUG_MODULE (object);

  g_clear_pointer (&self->imports, g_ptr_array_unref);
  g_clear_pointer (&self->exports, g_ptr_array_unref);
  g_clear_pointer (&self->module, wasm_runtime_unload);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (wasmplug_module_parent_class)->finalize (object);
}

static void
wasmplug_module_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WasmplugModule *self = WASMPLUG_MODULE (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_module_class_init (WasmplugModuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wasmplug_module_finalize;
  object_class->get_property = wasmplug_module_get_property;

  /**
   * WasmplugModule:engine:
   *
   * The engine that loaded the module.
   */
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, WASMPLUG_TYPE_ENGINE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wasmplug_module_init (WasmplugModule *self)
{
}

WasmplugModule *
_wasmplug_module_new (WasmplugEngine *engine,
                      wasm_module_t   module)
{
  WasmplugModule *self = g_object_new (WASMPLUG_TYPE_MODULE, NULL);
  gint32 n;

  self->engine = g_object_ref (engine);
  self->module = module;

  n = wasm_runtime_get_import_count (module);
  self->imports = g_ptr_array_new_full (MAX (n, 0), (GDestroyNotify) wasmplug_import_unref);
  for (gint32 i = 0; i < n; i++)
    {
      wasm_import_t import;

      wasm_runtime_get_import_type (module, i, &import);
      g_ptr_array_add (self->imports,
                       extern_new (import.module_name, import.name, import.kind,
                                   import.kind == WASM_IMPORT_EXPORT_KIND_FUNC
                                     ? import.u.func_type : NULL));
    }

  n = wasm_runtime_get_export_count (module);
  self->exports = g_ptr_array_new_full (MAX (n, 0), (GDestroyNotify) wasmplug_export_unref);
  for (gint32 i = 0; i < n; i++)
    {
      wasm_export_t export;

      wasm_runtime_get_export_type (module, i, &export);
      g_ptr_array_add (self->exports,
                       extern_new (NULL, export.name, export.kind,
                                   export.kind == WASM_IMPORT_EXPORT_KIND_FUNC
                                     ? export.u.func_type : NULL));
    }
  return self;
}

wasm_module_t
_wasmplug_module_get_raw (WasmplugModule *self)
{
  return self->module;
}

/**
 * wasmplug_module_get_engine:
 * @self: a module
 *
 * Returns: (transfer none): the engine that loaded @self
 */
WasmplugEngine *
wasmplug_module_get_engine (WasmplugModule *self)
{
  g_return_val_if_fail (WASMPLUG_IS_MODULE (self), NULL);
  return self->engine;
}

/**
 * wasmplug_module_get_imports:
 * @self: a module
 *
 * The imports of the module, in the module's order.
 *
 * Returns: (transfer container) (element-type WasmplugImport): the imports
 */
GPtrArray *
wasmplug_module_get_imports (WasmplugModule *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (WASMPLUG_IS_MODULE (self), NULL);

  copy = g_ptr_array_new_full (self->imports->len, (GDestroyNotify) wasmplug_import_unref);
  for (guint i = 0; i < self->imports->len; i++)
    g_ptr_array_add (copy, wasmplug_import_ref (g_ptr_array_index (self->imports, i)));
  return copy;
}

/**
 * wasmplug_module_get_exports:
 * @self: a module
 *
 * The exports of the module, in the module's order.
 *
 * Returns: (transfer container) (element-type WasmplugExport): the exports
 */
GPtrArray *
wasmplug_module_get_exports (WasmplugModule *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (WASMPLUG_IS_MODULE (self), NULL);

  copy = g_ptr_array_new_full (self->exports->len, (GDestroyNotify) wasmplug_export_unref);
  for (guint i = 0; i < self->exports->len; i++)
    g_ptr_array_add (copy, wasmplug_export_ref (g_ptr_array_index (self->exports, i)));
  return copy;
}

/**
 * wasmplug_module_lookup_export:
 * @self: a module
 * @name: an export name
 *
 * Returns: (transfer none) (nullable): the export named @name, or %NULL
 */
WasmplugExport *
wasmplug_module_lookup_export (WasmplugModule *self,
                               const char     *name)
{
  g_return_val_if_fail (WASMPLUG_IS_MODULE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->exports->len; i++)
    {
      WasmplugExport *e = g_ptr_array_index (self->exports, i);

      if (g_str_equal (e->e.name, name))
        return e;
    }
  return NULL;
}

/**
 * wasmplug_module_instantiate:
 * @self: a module
 * @error: return location for a #GError
 *
 * Makes a plugin with nothing granted: no file system, environment or
 * arguments, the module's own memory limit and the default stack (see
 * [method@Module.instantiate_with_sandbox]).
 *
 * Returns: (transfer full): the plugin, or %NULL with an error as
 *   [method@Module.instantiate_with_sandbox] gives
 */
WasmplugPlugin *
wasmplug_module_instantiate (WasmplugModule *self,
                             GError        **error)
{
  return wasmplug_module_instantiate_with_sandbox (self, NULL, error);
}

/**
 * wasmplug_module_instantiate_with_sandbox:
 * @self: a module
 * @sandbox: (nullable): what the plugin is granted, or %NULL for nothing
 * @error: return location for a #GError
 *
 * Makes a plugin: a sandboxed instance of the module.  Every function
 * import is answered by the plugin's [signal@Plugin::host-call] signal,
 * except WASI's (`wasi_snapshot_preview1`), which the engine answers
 * within what @sandbox grants.  The module's start function, if any,
 * runs now.
 *
 * Returns: (transfer full): the plugin, or %NULL with
 *   %WASMPLUG_ERROR_LINK (an import that cannot be provided, a granted
 *   directory that is not there, a trap in the start function) or
 *   %WASMPLUG_ERROR_LIMIT (the module's memory starts above the
 *   sandbox's limit)
 */
WasmplugPlugin *
wasmplug_module_instantiate_with_sandbox (WasmplugModule  *self,
                                          WasmplugSandbox *sandbox,
                                          GError         **error)
{
  g_autoptr(WasmplugSandbox) owned = NULL;
  wasm_module_inst_t inst;

  g_return_val_if_fail (WASMPLUG_IS_MODULE (self), NULL);
  g_return_val_if_fail (sandbox == NULL || WASMPLUG_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sandbox == NULL)
    sandbox = owned = wasmplug_sandbox_new ();

  _wasmplug_host_lock ();
  if (!_wasmplug_host_prepare (self->module, error))
    {
      _wasmplug_host_unlock ();
      return NULL;
    }
  inst = _wasmplug_sandbox_instantiate (sandbox, self->module, error);
  _wasmplug_host_unlock ();
  if (inst == NULL)
    return NULL;
  return _wasmplug_plugin_new (self, inst, sandbox);
}
