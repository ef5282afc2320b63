/* wasmplug-engine.c: WasmplugEngine, the runtime: modes and module loading.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "wasmplug-private.h"

/**
 * WasmplugEngine:
 *
 * The WebAssembly runtime.  It loads modules ([method@Engine.load_module])
 * and holds the default running mode of their plugins
 * ([property@Engine:default-mode]).
 *
 * Every engine of a process shares one underlying runtime; the default mode
 * is per engine.
 */
struct _WasmplugEngine
{
  GObject parent_instance;

  WasmplugMode default_mode;
};

G_DEFINE_FINAL_TYPE (WasmplugEngine, wasmplug_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEFAULT_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_wasmplug_runtime_ensure (void)
{
  static gsize inited = 0;

  if (g_once_init_enter (&inited))
    {
      bindtextdomain (GETTEXT_PACKAGE, WASMPLUG_LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      if (!wasm_runtime_init ())
        g_error ("wasmplug: the WebAssembly runtime could not be initialised");
      g_once_init_leave (&inited, 1);
    }
}

int
_wasmplug_mode_to_running_mode (WasmplugMode mode)
{
  switch (mode)
    {
    case WASMPLUG_MODE_AUTO: return Mode_Default;
    case WASMPLUG_MODE_CLASSIC_INTERP: return Mode_Interp;
    case WASMPLUG_MODE_FAST_INTERP: return Mode_Fast_Interp;
    case WASMPLUG_MODE_FAST_JIT: return Mode_Fast_JIT;
    case WASMPLUG_MODE_LLVM_JIT: return Mode_LLVM_JIT;
    case WASMPLUG_MODE_MULTI_TIER_JIT: return Mode_Multi_Tier_JIT;
    case WASMPLUG_MODE_AOT:
    default:
      return -1;
    }
}

WasmplugMode
_wasmplug_mode_from_running_mode (RunningMode mode)
{
  switch (mode)
    {
    case Mode_Interp: return WASMPLUG_MODE_CLASSIC_INTERP;
    case Mode_Fast_Interp: return WASMPLUG_MODE_FAST_INTERP;
    case Mode_Fast_JIT: return WASMPLUG_MODE_FAST_JIT;
    case Mode_LLVM_JIT: return WASMPLUG_MODE_LLVM_JIT;
    case Mode_Multi_Tier_JIT: return WASMPLUG_MODE_MULTI_TIER_JIT;
    case Mode_Default:
    default:
      return WASMPLUG_MODE_AUTO;
    }
}

static void
wasmplug_engine_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WasmplugEngine *self = WASMPLUG_ENGINE (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_MODE:
      g_value_set_enum (value, self->default_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_engine_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  WasmplugEngine *self = WASMPLUG_ENGINE (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_MODE:
      {
        g_autoptr(GError) error = NULL;

        /* Property setters cannot fail: an unsupported mode is reported
         * and the old mode stays (use wasmplug_engine_set_default_mode()
         * to get the GError). */
        if (!wasmplug_engine_set_default_mode (self, g_value_get_enum (value), &error))
          g_warning ("%s", error->message);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_engine_class_init (WasmplugEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wasmplug_engine_get_property;
  object_class->set_property = wasmplug_engine_set_property;

  /**
   * WasmplugEngine:default-mode:
   *
   * The running mode of plugins whose own [property@Plugin:mode] is
   * %WASMPLUG_MODE_AUTO.  %WASMPLUG_MODE_AUTO here means the best mode
   * this build has.  Setting a mode the engine does not support keeps the
   * old one (see [method@Engine.set_default_mode]).
   */
  properties[PROP_DEFAULT_MODE] =
    g_param_spec_enum ("default-mode", NULL, NULL,
                       WASMPLUG_TYPE_MODE, WASMPLUG_MODE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wasmplug_engine_init (WasmplugEngine *self)
{
  _wasmplug_runtime_ensure ();
  self->default_mode = WASMPLUG_MODE_AUTO;
}

/**
 * wasmplug_engine_new:
 *
 * Creates an engine.
 *
 * Returns: (transfer full): a new engine
 */
WasmplugEngine *
wasmplug_engine_new (void)
{
  return g_object_new (WASMPLUG_TYPE_ENGINE, NULL);
}

/**
 * wasmplug_engine_get_default_mode:
 * @self: an engine
 *
 * Returns: the value of [property@Engine:default-mode]
 */
WasmplugMode
wasmplug_engine_get_default_mode (WasmplugEngine *self)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), WASMPLUG_MODE_AUTO);

  return self->default_mode;
}

/**
 * wasmplug_engine_set_default_mode:
 * @self: an engine
 * @mode: the new default mode
 * @error: return location for a #GError
 *
 * Sets [property@Engine:default-mode].  Plugins following the default
 * switch to it before their next call.
 *
 * Returns: %TRUE on success; %FALSE with %WASMPLUG_ERROR_UNSUPPORTED_MODE
 *   (the old mode stays) when this build has no such mode
 */
gboolean
wasmplug_engine_set_default_mode (WasmplugEngine *self,
                                  WasmplugMode    mode,
                                  GError        **error)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wasmplug_engine_supports_mode (self, mode))
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_UNSUPPORTED_MODE,
                   _("The running mode “%s” is not supported by this engine"),
                   wasmplug_mode_to_nick (mode));
      return FALSE;
    }
  if (self->default_mode != mode)
    {
      self->default_mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_MODE]);
    }
  return TRUE;
}

/**
 * wasmplug_engine_supports_mode:
 * @self: an engine
 * @mode: a mode
 *
 * Whether this build of the engine has @mode.  %WASMPLUG_MODE_AUTO is
 * always supported.
 *
 * Returns: %TRUE when plugins can run in @mode
 */
gboolean
wasmplug_engine_supports_mode (WasmplugEngine *self,
                               WasmplugMode    mode)
{
  int running;

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), FALSE);

  running = _wasmplug_mode_to_running_mode (mode);
  /* No AOT loader yet: AOT (running = -1) is unsupported. */
  return running >= 0 && wasm_runtime_is_running_mode_supported ((RunningMode) running);
}

/**
 * wasmplug_engine_get_supported_modes:
 * @self: an engine
 * @n_modes: (out) (optional): the number of modes returned
 *
 * The modes this build supports, %WASMPLUG_MODE_AUTO first.
 *
 * Returns: (array length=n_modes) (transfer full): the supported modes
 */
WasmplugMode *
wasmplug_engine_get_supported_modes (WasmplugEngine *self,
                                     gsize          *n_modes)
{
  GArray *modes;

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);

  modes = g_array_new (FALSE, FALSE, sizeof (WasmplugMode));
  for (WasmplugMode m = WASMPLUG_MODE_AUTO; m <= WASMPLUG_MODE_AOT; m++)
    if (wasmplug_engine_supports_mode (self, m))
      g_array_append_val (modes, m);
  if (n_modes)
    *n_modes = modes->len;
  return (WasmplugMode *) (void *) g_array_free (modes, FALSE);
}

/**
 * wasmplug_engine_load_module:
 * @self: an engine
 * @bytes: the module, in the WebAssembly binary format
 * @error: return location for a #GError
 *
 * Decodes and validates a module.  The bytes are copied.
 *
 * Returns: (transfer full): the module, or %NULL with
 *   %WASMPLUG_ERROR_LOAD (not a module, malformed) or
 *   %WASMPLUG_ERROR_VALIDATION (a type error)
 */
WasmplugModule *
wasmplug_engine_load_module (WasmplugEngine *self,
                             GBytes         *bytes,
                             GError        **error)
{
  char message[256] = "";
  wasm_module_t module;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size > G_MAXUINT32)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LOAD,
                   _("The module is too large (%" G_GSIZE_FORMAT " bytes)"), size);
      return NULL;
    }
  /* wasm_runtime_load copies the bytes and does not write to them; its
   * parameter is not const only for WAMR compatibility. */
  module = wasm_runtime_load ((uint8_t *) data, (uint32_t) size, message, sizeof message);
  if (module == NULL)
    {
      /* The C API has one failure for both steps: the validator's messages
       * are the type errors ("type mismatch ...") and name the function
       * ("at offset 0x.. (function N)"); the decoder's name only the offset. */
      gboolean invalid = strstr (message, "type mismatch") != NULL ||
                         strstr (message, "(function ") != NULL;

      g_set_error (error, WASMPLUG_ERROR,
                   invalid ? WASMPLUG_ERROR_VALIDATION : WASMPLUG_ERROR_LOAD,
                   _("Could not load the module: %s"), message);
      return NULL;
    }
  return _wasmplug_module_new (self, module);
}

/**
 * wasmplug_engine_load_module_from_file:
 * @self: an engine
 * @file: a `.wasm` file
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads @file and loads it as [method@Engine.load_module] does.
 *
 * Returns: (transfer full): the module, or %NULL with an error
 *   (%WASMPLUG_ERROR_LOAD when the file cannot be read)
 */
WasmplugModule *
wasmplug_engine_load_module_from_file (WasmplugEngine *self,
                                       GFile          *file,
                                       GCancellable   *cancellable,
                                       GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_file_load_bytes (file, cancellable, NULL, &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LOAD,
                     _("Could not read the module: %s"), local_error->message);
      return NULL;
    }
  return wasmplug_engine_load_module (self, bytes, error);
}

static void
load_module_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  WasmplugModule *module;

  module = wasmplug_engine_load_module_from_file (source_object, task_data, cancellable, &error);
  if (module == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, module, g_object_unref);
}

/**
 * wasmplug_engine_load_module_async:
 * @self: an engine
 * @file: a `.wasm` file
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the module is loaded
 * @user_data: data for @callback
 *
 * Reads, decodes and validates @file on a worker thread.  Finish with
 * [method@Engine.load_module_finish].
 */
void
wasmplug_engine_load_module_async (WasmplugEngine     *self,
                                   GFile              *file,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WASMPLUG_IS_ENGINE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wasmplug_engine_load_module_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_module_thread);
}

/**
 * wasmplug_engine_load_module_finish:
 * @self: an engine
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Engine.load_module_async].
 *
 * Returns: (transfer full): the module, or %NULL with an error
 */
WasmplugModule *
wasmplug_engine_load_module_finish (WasmplugEngine *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
