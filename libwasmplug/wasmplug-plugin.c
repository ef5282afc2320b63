/* wasmplug-plugin.c: WasmplugPlugin, a sandboxed instance: calls with
 * GVariant values, the running mode, host imports as signals, memory.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "wasmplug-private.h"

/**
 * WasmplugPlugin:
 *
 * A sandboxed instance of a [class@Module], made by
 * [method@Module.instantiate].
 *
 * [method@Plugin.call] calls an exported function with its arguments as a
 * `GVariant` tuple and returns its results as a tuple.  The
 * [property@Plugin:mode] property chooses how its code runs; it may change
 * between calls.  Every function the module imports (other than WASI's) is
 * answered by a handler of the detailed signal
 * [signal@Plugin::host-call], e.g. `host-call::env.log`.
 *
 * A trap (a Wasm error such as an out-of-bounds access, or a host import
 * left unanswered) ends the call with %WASMPLUG_ERROR_TRAP; the plugin
 * stays usable.
 */
struct _WasmplugPlugin
{
  GObject parent_instance;

  WasmplugModule *module;
  wasm_module_inst_t inst;
  wasm_exec_env_t exec_env; /* the instance's singleton, owned by it */
  WasmplugMode mode;
  int applied_mode;         /* the RunningMode last given to the instance */
  guint call_depth;         /* calls running (host-call handlers may call again) */
};

G_DEFINE_FINAL_TYPE (WasmplugPlugin, wasmplug_plugin, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODULE,
  PROP_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  HOST_CALL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
wasmplug_plugin_dispose (GObject *object)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (object);

  if (self->inst != NULL)
    {
      wasm_runtime_set_custom_data (self->inst, NULL);
      g_clear_pointer (&self->inst, wasm_runtime_deinstantiate);
      self->exec_env = NULL;
    }
  g_clear_object (&self->module);

  G_OBJECT_CLASS (wasmplug_plugin_parent_class)->dispose (object);
}

static void
wasmplug_plugin_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (object);

  switch (prop_id)
    {
    case PROP_MODULE:
      g_value_set_object (value, self->module);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_plugin_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (object);

  switch (prop_id)
    {
    case PROP_MODE:
      {
        g_autoptr(GError) error = NULL;

        /* A property setter cannot fail: an unsupported mode is reported
         * and the old mode stays (wasmplug_plugin_set_mode() gives the
         * GError). */
        if (!wasmplug_plugin_set_mode (self, g_value_get_enum (value), &error))
          g_warning ("%s", error->message);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The first handler returning a non-NULL GVariant answers the host call;
 * handlers returning NULL let the next one answer. */
static gboolean
host_call_accumulator (GSignalInvocationHint *hint,
                       GValue                *return_accu,
                       const GValue          *handler_return,
                       gpointer               data)
{
  GVariant *value = g_value_get_variant (handler_return);

  if (value == NULL)
    return TRUE;
  g_value_set_variant (return_accu, value);
  return FALSE;
}

static void
wasmplug_plugin_class_init (WasmplugPluginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wasmplug_plugin_dispose;
  object_class->get_property = wasmplug_plugin_get_property;
  object_class->set_property = wasmplug_plugin_set_property;

  /**
   * WasmplugPlugin:module:
   *
   * The module the plugin is an instance of.
   */
  properties[PROP_MODULE] =
    g_param_spec_object ("module", NULL, NULL, WASMPLUG_TYPE_MODULE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPlugin:mode:
   *
   * How the plugin's code runs.  %WASMPLUG_MODE_AUTO follows the engine's
   * [property@Engine:default-mode].  Changing it re-targets the instance's
   * code before the next call (a change made by a host-call handler during
   * a call applies when the outermost call has returned).  A mode the
   * engine does not support keeps the old one: see
   * [method@Plugin.set_mode] for the error.
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, WASMPLUG_TYPE_MODE, WASMPLUG_MODE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WasmplugPlugin::host-call:
   * @plugin: the plugin whose code calls the import
   * @name: the import, as "module.field" (also the signal's detail)
   * @args: the arguments, a tuple of the import's parameter types (see
   *   [method@Import.get_params_type]: i32 is `i`, i64 `x`, f32 and f64 `d`)
   *
   * Emitted when the plugin's code calls a function it imports.  Connect
   * to the detailed signal, e.g. `host-call::env.log`.  The first handler
   * that returns non-%NULL answers; during the handler, the plugin's
   * memory can be read and written ([method@Plugin.read_memory] and
   * friends).
   *
   * If no handler answers, or the answer is not a tuple of the import's
   * result types (`u` and `t` are accepted for `i` and `x`), the plugin
   * traps with a message naming the import, and [method@Plugin.call]
   * fails with %WASMPLUG_ERROR_TRAP.
   *
   * Returns: (transfer full) (nullable): the results as a tuple (`()` for
   *   an import without results), or %NULL to let another handler answer
   */
  signals[HOST_CALL] =
    g_signal_new ("host-call",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  host_call_accumulator, NULL,
                  NULL,
                  G_TYPE_VARIANT, 2,
                  G_TYPE_STRING,
                  G_TYPE_VARIANT);
}

static void
wasmplug_plugin_init (WasmplugPlugin *self)
{
  self->mode = WASMPLUG_MODE_AUTO;
  self->applied_mode = Mode_Default;
}

WasmplugPlugin *
_wasmplug_plugin_new (WasmplugModule    *module,
                      wasm_module_inst_t inst)
{
  WasmplugPlugin *self = g_object_new (WASMPLUG_TYPE_PLUGIN, NULL);

  self->module = g_object_ref (module);
  self->inst = inst;
  self->exec_env = wasm_runtime_get_exec_env_singleton (inst);
  wasm_runtime_set_custom_data (inst, self);
  _wasmplug_plugin_apply_mode (self);
  return self;
}

GVariant *
_wasmplug_plugin_emit_host_call (WasmplugPlugin *self,
                                 const char     *qualified_name,
                                 GVariant       *args)
{
  GVariant *results = NULL;

  g_variant_ref_sink (args);
  g_signal_emit (self, signals[HOST_CALL], g_quark_from_string (qualified_name),
                 qualified_name, args, &results);
  g_variant_unref (args);
  return results;
}

/* Gives the instance the mode it should run in now (contract: instance mode
 * > engine default > automatic).  Not while a call runs: its frames keep
 * the code they started with. */
void
_wasmplug_plugin_apply_mode (WasmplugPlugin *self)
{
  WasmplugMode target = self->mode;
  int running;

  if (self->inst == NULL || self->call_depth > 0)
    return;
  if (target == WASMPLUG_MODE_AUTO)
    target = wasmplug_engine_get_default_mode (wasmplug_module_get_engine (self->module));
  running = _wasmplug_mode_to_running_mode (target);
  if (running < 0 || running == self->applied_mode)
    return;
  /* The mode was checked against the engine when it was set. */
  if (wasm_runtime_set_running_mode (self->inst, (RunningMode) running))
    self->applied_mode = running;
}

/**
 * wasmplug_plugin_get_module:
 * @self: a plugin
 *
 * Returns: (transfer none): the module @self is an instance of
 */
WasmplugModule *
wasmplug_plugin_get_module (WasmplugPlugin *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  return self->module;
}

/**
 * wasmplug_plugin_get_mode:
 * @self: a plugin
 *
 * Returns: the value of [property@Plugin:mode]
 */
WasmplugMode
wasmplug_plugin_get_mode (WasmplugPlugin *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), WASMPLUG_MODE_AUTO);
  return self->mode;
}

/**
 * wasmplug_plugin_set_mode:
 * @self: a plugin
 * @mode: the new mode
 * @error: return location for a #GError
 *
 * Sets [property@Plugin:mode].
 *
 * Returns: %TRUE on success; %FALSE with
 *   %WASMPLUG_ERROR_UNSUPPORTED_MODE when the engine does not support
 *   @mode (the old mode stays)
 */
gboolean
wasmplug_plugin_set_mode (WasmplugPlugin *self,
                          WasmplugMode    mode,
                          GError        **error)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wasmplug_engine_supports_mode (wasmplug_module_get_engine (self->module), mode))
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_UNSUPPORTED_MODE,
                   _("The running mode “%s” is not supported by this engine"),
                   wasmplug_mode_to_nick (mode));
      return FALSE;
    }
  if (self->mode == mode)
    return TRUE;
  self->mode = mode;
  _wasmplug_plugin_apply_mode (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  return TRUE;
}

/**
 * wasmplug_plugin_get_effective_mode:
 * @self: a plugin
 *
 * The mode the plugin's next call runs in: never %WASMPLUG_MODE_AUTO,
 * the engine's choice resolved.
 *
 * Returns: the mode in use
 */
WasmplugMode
wasmplug_plugin_get_effective_mode (WasmplugPlugin *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), WASMPLUG_MODE_AUTO);

  _wasmplug_plugin_apply_mode (self);
  return _wasmplug_mode_from_running_mode (wasm_runtime_get_running_mode (self->inst));
}

/* The engine's exception without its "Exception: " prefix. */
static const char *
exception_message (const char *exception)
{
  if (g_str_has_prefix (exception, "Exception: "))
    return exception + strlen ("Exception: ");
  return exception;
}

/**
 * wasmplug_plugin_call:
 * @self: a plugin
 * @name: the name of an exported function
 * @args: (nullable): the arguments, a tuple of the export's parameter
 *   types (see [method@Export.get_params_type]); %NULL for none
 * @error: return location for a #GError
 *
 * Calls an exported function.  A floating @args is consumed.  Arguments
 * are given as i32: `i` or `u`, i64: `x` or `t`, f32 and f64: `d` (an f32
 * argument is rounded to single precision).
 *
 * Returns: (transfer full): the results as a tuple (i32 as `i`, i64 as
 *   `x`, f32 and f64 as `d`; `()` when the function has none), or %NULL
 *   with %WASMPLUG_ERROR_INVALID_ARGUMENT (no such export, wrong arity
 *   or types) or %WASMPLUG_ERROR_TRAP (the message is the engine's)
 */
GVariant *
wasmplug_plugin_call (WasmplugPlugin *self,
                      const char     *name,
                      GVariant       *args,
                      GError        **error)
{
  g_autoptr(GVariant) owned_args = NULL;
  g_autofree wasm_valkind_t *param_kinds = NULL;
  g_autofree wasm_valkind_t *result_kinds = NULL;
  g_autofree wasm_val_t *params = NULL;
  g_autofree wasm_val_t *results = NULL;
  g_autofree GVariant **items = NULL;
  wasm_function_inst_t func;
  guint32 n_params, n_results;
  gboolean ok;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned_args = args ? g_variant_ref_sink (args) : g_variant_ref_sink (g_variant_new ("()"));

  func = wasm_runtime_lookup_function (self->inst, name);
  if (func == NULL)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The plugin exports no function named “%s”"), name);
      return NULL;
    }

  n_params = wasm_func_get_param_count (func, self->inst);
  n_results = wasm_func_get_result_count (func, self->inst);
  param_kinds = g_new0 (wasm_valkind_t, n_params + 1);
  result_kinds = g_new0 (wasm_valkind_t, n_results + 1);
  wasm_func_get_param_types (func, self->inst, param_kinds);
  wasm_func_get_result_types (func, self->inst, result_kinds);

  if (!g_variant_is_of_type (owned_args, G_VARIANT_TYPE_TUPLE)
      || g_variant_n_children (owned_args) != n_params)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The function “%s” takes a tuple of %u arguments, not a value of type %s"),
                   name, n_params, g_variant_get_type_string (owned_args));
      return NULL;
    }
  for (guint32 i = 0; i < n_results; i++)
    if (_wasmplug_valkind_to_variant_type (result_kinds[i]) == NULL)
      {
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                     _("The function “%s” returns a reference or vector value, "
                       "which cannot be returned as a GVariant"), name);
        return NULL;
      }

  params = g_new0 (wasm_val_t, n_params + 1);
  for (guint32 i = 0; i < n_params; i++)
    {
      g_autoptr(GVariant) value = g_variant_get_child_value (owned_args, i);
      const GVariantType *expected = _wasmplug_valkind_to_variant_type (param_kinds[i]);
      guint64 slot;

      if (expected == NULL)
        {
          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                       _("Argument %u of “%s” is a reference or vector value, "
                         "which cannot be passed as a GVariant"), i + 1, name);
          return NULL;
        }
      if (!_wasmplug_value_from_variant (param_kinds[i], value, &slot))
        {
          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                       _("Argument %u of “%s” has type %s, expected %s"), i + 1, name,
                       g_variant_get_type_string (value), g_variant_type_peek_string (expected));
          return NULL;
        }
      params[i].kind = param_kinds[i];
      switch (param_kinds[i])
        {
        case WASM_I32: params[i].of.i32 = (int32_t) (guint32) slot; break;
        case WASM_I64: params[i].of.i64 = (int64_t) slot; break;
        case WASM_F32: memcpy (&params[i].of.f32, &slot, sizeof (float)); break;
        case WASM_F64: memcpy (&params[i].of.f64, &slot, sizeof (double)); break;
        default: g_assert_not_reached ();
        }
    }

  _wasmplug_plugin_apply_mode (self);
  results = g_new0 (wasm_val_t, n_results + 1);
  g_object_ref (self); /* handlers may drop the caller's reference */
  self->call_depth++;
  ok = wasm_runtime_call_wasm_a (self->exec_env, func, n_results, results, n_params, params);
  self->call_depth--;

  if (!ok)
    {
      const char *exception = wasm_runtime_get_exception (self->inst);

      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_TRAP, "%s",
                   exception ? exception_message (exception) : _("the call failed"));
      /* The plugin stays usable: the next call starts afresh. */
      wasm_runtime_clear_exception (self->inst);
      g_object_unref (self);
      return NULL;
    }
  g_object_unref (self);

  items = g_new0 (GVariant *, n_results + 1);
  for (guint32 i = 0; i < n_results; i++)
    {
      guint64 slot = 0;

      switch (result_kinds[i])
        {
        case WASM_I32: slot = (guint32) results[i].of.i32; break;
        case WASM_I64: slot = (guint64) results[i].of.i64; break;
        case WASM_F32: memcpy (&slot, &results[i].of.f32, sizeof (float)); break;
        case WASM_F64: memcpy (&slot, &results[i].of.f64, sizeof (double)); break;
        default: g_assert_not_reached ();
        }
      items[i] = _wasmplug_value_to_variant (result_kinds[i], slot);
    }
  return g_variant_ref_sink (g_variant_new_tuple (items, n_results));
}

/* --- memory --- */

/* The default memory's bytes and size; FALSE with an error when the plugin
 * has none. */
static gboolean
get_memory (WasmplugPlugin *self,
            guint8        **base,
            guint64        *size,
            GError        **error)
{
  wasm_memory_inst_t memory = self->inst ? wasm_runtime_get_default_memory (self->inst) : NULL;

  if (memory == NULL)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The plugin has no memory"));
      return FALSE;
    }
  *base = wasm_memory_get_base_address (memory);
  *size = wasm_memory_get_cur_page_count (memory) * wasm_memory_get_bytes_per_page (memory);
  return TRUE;
}

static gboolean
check_range (guint64  address,
             guint64  length,
             guint64  size,
             GError **error)
{
  if (address > size || length > size - address)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The range of %" G_GUINT64_FORMAT " bytes at address %" G_GUINT64_FORMAT
                     " lies outside the plugin’s memory (%" G_GUINT64_FORMAT " bytes)"),
                   length, address, size);
      return FALSE;
    }
  return TRUE;
}

/**
 * wasmplug_plugin_get_memory_size:
 * @self: a plugin
 *
 * Returns: the size of the plugin's memory in bytes (0 when it has none)
 */
gsize
wasmplug_plugin_get_memory_size (WasmplugPlugin *self)
{
  guint8 *base;
  guint64 size;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), 0);

  if (!get_memory (self, &base, &size, NULL))
    return 0;
  return (gsize) size;
}

/**
 * wasmplug_plugin_read_memory:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @length: the number of bytes
 * @error: return location for a #GError
 *
 * Copies bytes out of the plugin's memory, e.g. in a
 * [signal@Plugin::host-call] handler given a pointer and a length.
 *
 * Returns: (transfer full): the bytes, or %NULL with
 *   %WASMPLUG_ERROR_INVALID_ARGUMENT when the range is out of bounds
 */
GBytes *
wasmplug_plugin_read_memory (WasmplugPlugin *self,
                             guint64         address,
                             gsize           length,
                             GError        **error)
{
  guint8 *base;
  guint64 size;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!get_memory (self, &base, &size, error) || !check_range (address, length, size, error))
    return NULL;
  return g_bytes_new (base + address, length);
}

/**
 * wasmplug_plugin_write_memory:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @bytes: the bytes to write
 * @error: return location for a #GError
 *
 * Copies bytes into the plugin's memory.  Nothing is written when the
 * range is out of bounds.
 *
 * Returns: %TRUE on success; %FALSE with %WASMPLUG_ERROR_INVALID_ARGUMENT
 *   when the range is out of bounds
 */
gboolean
wasmplug_plugin_write_memory (WasmplugPlugin *self,
                              guint64         address,
                              GBytes         *bytes,
                              GError        **error)
{
  guint8 *base;
  guint64 size;
  gsize length;
  const guint8 *data;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (bytes, &length);
  if (!get_memory (self, &base, &size, error) || !check_range (address, length, size, error))
    return FALSE;
  if (length > 0)
    memcpy (base + address, data, length);
  return TRUE;
}

/**
 * wasmplug_plugin_read_string:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @max_length: the most bytes to read, or -1 to read up to the NUL
 * @error: return location for a #GError
 *
 * Reads a UTF-8 string from the plugin's memory: up to its NUL byte, or
 * @max_length bytes if that comes first (the way a pointer and a length
 * are passed).
 *
 * Returns: (transfer full): the string, or %NULL with
 *   %WASMPLUG_ERROR_INVALID_ARGUMENT when it runs out of the memory or is
 *   not valid UTF-8
 */
char *
wasmplug_plugin_read_string (WasmplugPlugin *self,
                             guint64         address,
                             gssize          max_length,
                             GError        **error)
{
  guint8 *base;
  guint64 size, limit;
  const guint8 *nul;
  gsize length;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!get_memory (self, &base, &size, error))
    return NULL;
  if (max_length >= 0)
    {
      if (!check_range (address, (guint64) max_length, size, error))
        return NULL;
      limit = (guint64) max_length;
    }
  else
    {
      if (!check_range (address, 0, size, error))
        return NULL;
      limit = size - address;
    }
  nul = memchr (base + address, 0, limit);
  if (nul == NULL && max_length < 0)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The string at address %" G_GUINT64_FORMAT
                     " has no end inside the plugin’s memory"), address);
      return NULL;
    }
  length = nul ? (gsize) (nul - (base + address)) : (gsize) limit;
  if (!g_utf8_validate_len ((const char *) base + address, length, NULL))
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The string at address %" G_GUINT64_FORMAT " is not valid UTF-8"), address);
      return NULL;
    }
  return g_strndup ((const char *) base + address, length);
}

/**
 * wasmplug_plugin_write_string:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @string: a string
 * @error: return location for a #GError
 *
 * Writes @string and its terminating NUL byte into the plugin's memory.
 * Nothing is written when it does not fit.
 *
 * Returns: %TRUE on success; %FALSE with %WASMPLUG_ERROR_INVALID_ARGUMENT
 *   when the range is out of bounds
 */
gboolean
wasmplug_plugin_write_string (WasmplugPlugin *self,
                              guint64         address,
                              const char     *string,
                              GError        **error)
{
  guint8 *base;
  guint64 size;
  gsize length;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_return_val_if_fail (string != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  length = strlen (string) + 1;
  if (!get_memory (self, &base, &size, error) || !check_range (address, length, size, error))
    return FALSE;
  memcpy (base + address, string, length);
  return TRUE;
}
