/* wasmplug-host.c: the natives that answer plugins' function imports by
 * emitting WasmplugPlugin::host-call.
 *
 * The engine links an import to the latest registered native of the same
 * module and field name, and natives must outlive the instances linked to
 * them.  So each (module, field, signature) is registered once, kept for
 * the life of the process, and registered again (becoming the latest) when
 * a module imports the same name with another type; registration and
 * instantiation happen under one lock so that no other thread re-registers
 * a name in between.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "wasmplug-private.h"

#define WASI_MODULE_NAME "wasi_snapshot_preview1"

typedef struct
{
  char *qualified;      /* "module.field": the signal detail */
  char *signature;      /* "(iIfF)r" as wasm_runtime_register_natives reads it */
  guint n_params;
  wasm_valkind_t *param_kinds;
  guint n_results;      /* 0 or 1: natives have one result at most */
  wasm_valkind_t result_kind;
  GVariantType *results_type;
  NativeSymbol symbol;
} HostImport;

static GRecMutex host_lock;
/* "module\nfield" -> the latest HostImport registered for it.  The
 * registrations themselves are never freed (see above). */
static GHashTable *latest;
static GPtrArray *registered; /* every HostImport registered */

void
_wasmplug_host_lock (void)
{
  g_rec_mutex_lock (&host_lock);
}

void
_wasmplug_host_unlock (void)
{
  g_rec_mutex_unlock (&host_lock);
}

static char
kind_letter (wasm_valkind_t kind)
{
  switch (kind)
    {
    case WASM_I32: return 'i';
    case WASM_I64: return 'I';
    case WASM_F32: return 'f';
    case WASM_F64: return 'F';
    default: return 0;
    }
}

static void
host_native (wasm_exec_env_t exec_env,
             uint64_t       *args)
{
  HostImport *host = wasm_runtime_get_function_attachment (exec_env);
  wasm_module_inst_t inst = wasm_runtime_get_module_inst (exec_env);
  WasmplugPlugin *plugin = wasm_runtime_get_custom_data (inst);
  g_autoptr(GVariant) results = NULL;
  g_autofree GVariant **items = NULL;
  g_autofree char *message = NULL;
  GVariant *tuple;

  g_assert (host != NULL);
  if (plugin == NULL)
    {
      /* Only the start function runs before the plugin exists, and no
       * handler can be connected yet. */
      message = g_strdup_printf (_("host import %s was called during instantiation, "
                                   "before any handler could be connected"),
                                 host->qualified);
      wasm_runtime_set_exception (inst, message);
      return;
    }

  items = g_new0 (GVariant *, host->n_params + 1);
  for (guint i = 0; i < host->n_params; i++)
    items[i] = _wasmplug_value_to_variant (host->param_kinds[i], args[i]);
  tuple = g_variant_new_tuple (items, host->n_params);

  results = _wasmplug_plugin_emit_host_call (plugin, host->qualified, tuple);
  if (results == NULL)
    {
      message = g_strdup_printf (_("host import %s: no handler answered"), host->qualified);
      _wasmplug_plugin_set_host_failure (plugin, message);
      wasm_runtime_set_exception (inst, message);
      return;
    }
  if (g_variant_is_of_type (results, G_VARIANT_TYPE_TUPLE)
      && g_variant_n_children (results) == host->n_results)
    {
      guint64 slot = 0;
      gboolean ok = TRUE;

      if (host->n_results == 1)
        {
          g_autoptr(GVariant) value = g_variant_get_child_value (results, 0);

          ok = _wasmplug_value_from_variant (host->result_kind, value, &slot);
        }
      if (ok)
        {
          if (host->n_results == 1)
            args[0] = slot;
          return;
        }
    }
  {
    g_autofree char *expected = g_variant_type_dup_string (host->results_type);

    message = g_strdup_printf (_("host import %s: the handler returned a value of type %s, "
                                 "expected %s"),
                               host->qualified, g_variant_get_type_string (results), expected);
    _wasmplug_plugin_set_host_failure (plugin, message);
    wasm_runtime_set_exception (inst, message);
  }
}

static void
host_import_free (gpointer data)
{
  HostImport *host = data;

  g_free (host->qualified);
  g_free (host->signature);
  g_free (host->param_kinds);
  g_variant_type_free (host->results_type);
  g_free ((char *) host->symbol.symbol);
  g_free (host);
}

/* A new HostImport for a function import, or NULL (with an error) when its
 * type has no native form. */
static HostImport *
host_import_new (const wasm_import_t *import,
                 GError             **error)
{
  wasm_func_type_t type = import->u.func_type;
  HostImport *host = g_new0 (HostImport, 1);
  GString *sig = g_string_new ("(");

  host->qualified = g_strdup_printf ("%s.%s", import->module_name, import->name);
  host->n_params = wasm_func_type_get_param_count (type);
  host->param_kinds = g_new0 (wasm_valkind_t, host->n_params + 1);
  host->n_results = wasm_func_type_get_result_count (type);
  for (guint i = 0; i < host->n_params; i++)
    {
      host->param_kinds[i] = wasm_func_type_get_param_valkind (type, i);
      if (!kind_letter (host->param_kinds[i]))
        goto unsupported;
      g_string_append_c (sig, kind_letter (host->param_kinds[i]));
    }
  g_string_append_c (sig, ')');
  if (host->n_results > 1)
    goto unsupported;
  if (host->n_results == 1)
    {
      host->result_kind = wasm_func_type_get_result_valkind (type, 0);
      if (!kind_letter (host->result_kind))
        goto unsupported;
      g_string_append_c (sig, kind_letter (host->result_kind));
    }
  host->results_type = _wasmplug_func_type_to_variant_type (type, TRUE);
  host->signature = g_string_free (sig, FALSE);
  host->symbol.symbol = g_strdup (import->name);
  host->symbol.func_ptr = (void *) host_native;
  host->symbol.signature = host->signature;
  host->symbol.attachment = host;
  return host;

unsupported:
  g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LINK,
               _("The import %s cannot be answered by host-call: only i32, i64, f32 and f64 "
                 "parameters and at most one result are supported"),
               host->qualified);
  g_string_free (sig, TRUE);
  host->results_type = g_variant_type_new ("()");
  host_import_free (host);
  return NULL;
}

gboolean
_wasmplug_host_prepare (wasm_module_t module,
                        GError      **error)
{
  gint32 n = wasm_runtime_get_import_count (module);

  if (latest == NULL)
    {
      latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      registered = g_ptr_array_new ();
    }

  for (gint32 i = 0; i < n; i++)
    {
      wasm_import_t import;
      HostImport *host, *current;
      g_autofree char *key = NULL;

      wasm_runtime_get_import_type (module, i, &import);
      /* WASI is the engine's own (sandboxed, with grants). */
      if (import.kind != WASM_IMPORT_EXPORT_KIND_FUNC
          || g_str_equal (import.module_name, WASI_MODULE_NAME))
        continue;

      host = host_import_new (&import, error);
      if (host == NULL)
        return FALSE;
      key = g_strdup_printf ("%s\n%s", import.module_name, import.name);
      current = g_hash_table_lookup (latest, key);
      if (current != NULL && g_str_equal (current->signature, host->signature))
        {
          host_import_free (host);
          continue;
        }
      if (!wasm_runtime_register_natives_raw (import.module_name, &host->symbol, 1))
        {
          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LINK,
                       _("Could not register the host function for the import %s"),
                       host->qualified);
          host_import_free (host);
          return FALSE;
        }
      /* Kept for the life of the process: instances link to it. */
      g_ptr_array_add (registered, host);
      g_hash_table_replace (latest, g_steal_pointer (&key), host);
    }
  return TRUE;
}
