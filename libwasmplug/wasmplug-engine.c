/* wasmplug-engine.c: WasmplugEngine, the runtime: modes, module loading,
 * and plugin discovery (manifests in search paths) and loading.
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
 *
 * ## Plugins
 *
 * An engine also finds plugins the way libpeas applications do: it reads
 * the manifests ([class@PluginInfo], `*.plugin` keyfiles) in its search
 * paths and lists them in [method@Engine.get_plugins];
 * [method@Engine.load_plugin] makes a plugin from one.
 *
 * An engine has no search path of its own making: the application adds its
 * own, typically `$XDG_DATA_DIRS/APP/plugins` and a user directory such as
 * `$XDG_DATA_HOME/APP/plugins`, most important first.  The only exception
 * is the environment variable `WASMPLUG_PLUGIN_PATH`: its directories
 * (separated by `:`) are added first when an engine is made, for trying
 * plugins out without changing the application.
 *
 * ```c
 * g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
 * g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "myapp", "plugins", NULL);
 *
 * wasmplug_engine_add_search_path (engine, dir);
 * info = wasmplug_engine_find_plugin (engine, "greeter");
 * plugin = wasmplug_engine_load_plugin (engine, info, NULL, NULL, &error);
 * ```
 *
 * Discovery is not thread-safe: use it from one thread (the main thread).
 */
struct _WasmplugEngine
{
  GObject parent_instance;

  WasmplugMode default_mode;
  char *cache_dir;           /* the AOT code cache */
  guint64 cache_max_size;
  GPtrArray *search_paths;   /* of char *, NULL-terminated */
  GListStore *plugins;       /* of WasmplugPluginInfo */
  GPtrArray *plugin_errors;  /* of GError */
  /* loaded-plugins: the plugins enabled through the engine, in the order
   * they were loaded.  Each holds the engine (plugin -> module -> engine),
   * so unloading them all (dispose, or an empty loaded-plugins) breaks the
   * cycle. */
  GPtrArray *loaded_ids;     /* of char *, NULL-terminated */
  GHashTable *loaded;        /* id -> WasmplugPlugin */
};

static void wasmplug_engine_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WasmplugEngine, wasmplug_engine, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      wasmplug_engine_list_model_init))

enum {
  PROP_0,
  PROP_DEFAULT_MODE,
  PROP_CACHE_DIR,
  PROP_CACHE_MAX_SIZE,
  PROP_LOADED_PLUGINS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LOAD_PLUGIN,
  UNLOAD_PLUGIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The engine is a GListModel of the plugins found: the store's. */
static GType
wasmplug_engine_get_item_type (GListModel *list)
{
  return WASMPLUG_TYPE_PLUGIN_INFO;
}

static guint
wasmplug_engine_get_n_items (GListModel *list)
{
  return g_list_model_get_n_items (G_LIST_MODEL (WASMPLUG_ENGINE (list)->plugins));
}

static gpointer
wasmplug_engine_get_item (GListModel *list,
                          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (WASMPLUG_ENGINE (list)->plugins), position);
}

static void
wasmplug_engine_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = wasmplug_engine_get_item_type;
  iface->get_n_items = wasmplug_engine_get_n_items;
  iface->get_item = wasmplug_engine_get_item;
}

static void
plugins_changed (GListModel *store,
                 guint       position,
                 guint       removed,
                 guint       added,
                 gpointer    data)
{
  g_list_model_items_changed (G_LIST_MODEL (data), position, removed, added);
}

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
    case WASMPLUG_MODE_AOT: return Mode_AOT;
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
    case Mode_AOT: return WASMPLUG_MODE_AOT;
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
    case PROP_CACHE_DIR:
      g_value_set_string (value, self->cache_dir);
      break;
    case PROP_CACHE_MAX_SIZE:
      g_value_set_uint64 (value, self->cache_max_size);
      break;
    case PROP_LOADED_PLUGINS:
      g_value_set_boxed (value, wasmplug_engine_get_loaded_plugins (self));
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
    case PROP_LOADED_PLUGINS:
      wasmplug_engine_set_loaded_plugins (self, g_value_get_boxed (value));
      break;
    case PROP_DEFAULT_MODE:
      {
        g_autoptr(GError) error = NULL;

        /* As WasmplugPlugin:mode: a setter cannot fail, and a mode this
         * build lacks is no programming error; the old mode stays and a
         * notify lets bindings show it again
         * (wasmplug_engine_set_default_mode() gives the GError). */
        if (!wasmplug_engine_set_default_mode (self, g_value_get_enum (value), &error))
          {
            g_debug ("%s", error->message);
            g_object_notify_by_pspec (object, properties[PROP_DEFAULT_MODE]);
          }
      }
      break;
    case PROP_CACHE_DIR:
      {
        const char *dir = g_value_get_string (value);
        g_autofree char *fallback = NULL;

        if (dir == NULL) /* construction, or back to the default */
          dir = fallback = g_build_filename (g_get_user_cache_dir (), "wasmplug", NULL);
        if (g_strcmp0 (dir, self->cache_dir) != 0)
          {
            g_free (self->cache_dir);
            self->cache_dir = g_strdup (dir);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;
    case PROP_CACHE_MAX_SIZE:
      if (self->cache_max_size != g_value_get_uint64 (value))
        {
          self->cache_max_size = g_value_get_uint64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_engine_dispose (GObject *object)
{
  WasmplugEngine *self = WASMPLUG_ENGINE (object);

  if (self->loaded_ids->len > 0)
    wasmplug_engine_set_loaded_plugins (self, NULL);

  G_OBJECT_CLASS (wasmplug_engine_parent_class)->dispose (object);
}

static void
wasmplug_engine_finalize (GObject *object)
{
  WasmplugEngine *self = WASMPLUG_ENGINE (object);

  g_free (self->cache_dir);
  g_signal_handlers_disconnect_by_data (self->plugins, self);
  g_ptr_array_unref (self->search_paths);
  g_object_unref (self->plugins);
  g_ptr_array_unref (self->plugin_errors);
  g_ptr_array_unref (self->loaded_ids);
  g_hash_table_unref (self->loaded);

  G_OBJECT_CLASS (wasmplug_engine_parent_class)->finalize (object);
}

static void
wasmplug_engine_class_init (WasmplugEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wasmplug_engine_dispose;
  object_class->finalize = wasmplug_engine_finalize;
  object_class->get_property = wasmplug_engine_get_property;
  object_class->set_property = wasmplug_engine_set_property;

  /**
   * WasmplugEngine:default-mode:
   *
   * The running mode of plugins whose own [property@Plugin:mode] is
   * %WASMPLUG_MODE_AUTO.  %WASMPLUG_MODE_AUTO here means the best mode
   * this build has.  Setting a mode the engine does not support keeps the
   * old one, logs nothing above debug level and emits
   * `notify::default-mode` (see [method@Engine.set_default_mode] for the
   * error).
   */
  properties[PROP_DEFAULT_MODE] =
    g_param_spec_enum ("default-mode", NULL, NULL,
                       WASMPLUG_TYPE_MODE, WASMPLUG_MODE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugEngine:cache-dir:
   *
   * The AOT code cache: where modules compiled ahead of time are kept, so
   * that a plugin run in %WASMPLUG_MODE_AOT starts at native speed from
   * its second load on.  Entries are keyed by the module, the runtime
   * version and this CPU; one that no longer fits is compiled again,
   * silently.  Defaults to `wasmplug` in the user's cache directory
   * (g_get_user_cache_dir()); setting %NULL restores that.
   */
  properties[PROP_CACHE_DIR] =
    g_param_spec_string ("cache-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugEngine:cache-max-size:
   *
   * The size bound of [property@Engine:cache-dir] in bytes: the least
   * recently used entries are removed beyond it.  0 means the default,
   * 1 GiB.
   */
  properties[PROP_CACHE_MAX_SIZE] =
    g_param_spec_uint64 ("cache-max-size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugEngine:loaded-plugins:
   *
   * The ids of the plugins enabled through the engine, in the order they
   * were loaded, as libpeas' `PeasEngine:loaded-plugins`: bind it to a
   * GSettings key (`as`) to keep an application's set of enabled plugins.
   * Setting it loads the plugins it names that are not loaded yet (found
   * by [method@Engine.find_plugin]; an unknown id or a plugin that fails
   * to load is skipped, its error going to
   * [method@Engine.get_plugin_errors]) and unloads the others.
   *
   * A loaded plugin holds the engine: unload them (an empty list) or
   * dispose of the engine to let it go.
   */
  properties[PROP_LOADED_PLUGINS] =
    g_param_spec_boxed ("loaded-plugins", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WasmplugEngine::load-plugin:
   * @engine: the engine
   * @info: the plugin's information
   * @plugin: the plugin just loaded
   *
   * Emitted when a plugin has been loaded through
   * [method@Engine.enable_plugin] or [property@Engine:loaded-plugins],
   * before any call: the place to connect its
   * [signal@Plugin::host-call] handlers and set its limits.
   */
  signals[LOAD_PLUGIN] =
    g_signal_new ("load-plugin", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  WASMPLUG_TYPE_PLUGIN_INFO, WASMPLUG_TYPE_PLUGIN);

  /**
   * WasmplugEngine::unload-plugin:
   * @engine: the engine
   * @info: the plugin's information
   * @plugin: the plugin about to be unloaded
   *
   * Emitted when a plugin loaded through the engine is about to be
   * dropped by [method@Engine.disable_plugin] or
   * [property@Engine:loaded-plugins].  A call still running keeps its own
   * reference to the plugin.
   */
  signals[UNLOAD_PLUGIN] =
    g_signal_new ("unload-plugin", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  WASMPLUG_TYPE_PLUGIN_INFO, WASMPLUG_TYPE_PLUGIN);
}

static void
wasmplug_engine_init (WasmplugEngine *self)
{
  const char *env_path = g_getenv ("WASMPLUG_PLUGIN_PATH");

  _wasmplug_runtime_ensure ();
  self->default_mode = WASMPLUG_MODE_AUTO;
  /* reserved > 0, so pdata is a valid empty vector from the start */
  self->search_paths = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  self->plugins = g_list_store_new (WASMPLUG_TYPE_PLUGIN_INFO);
  g_signal_connect (self->plugins, "items-changed", G_CALLBACK (plugins_changed), self);
  self->plugin_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  self->loaded_ids = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  self->loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  if (env_path != NULL)
    {
      g_auto(GStrv) paths = g_strsplit (env_path, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; paths[i] != NULL; i++)
        if (paths[i][0] != '\0')
          wasmplug_engine_add_search_path (self, paths[i]);
    }
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
  return running >= 0 && wasm_runtime_is_running_mode_supported ((RunningMode) running);
}

/**
 * wasmplug_engine_get_supported_mode_nicks:
 * @self: an engine
 *
 * The modes this build supports, as their nicks (see [enum@Mode]):
 * "auto" first, then the others in the order of the enum, e.g.
 * `["auto", "classic-interp", "fast-interp"]`.  Every binding reads a
 * string array, where gjs 1.74 misreads the C array of enums
 * [method@Engine.get_supported_modes] returns; the nicks are also what a
 * GSettings key or a manifest holds.
 *
 * Returns: (transfer full) (array zero-terminated=1): the nicks
 */
char **
wasmplug_engine_get_supported_mode_nicks (WasmplugEngine *self)
{
  GPtrArray *nicks = g_ptr_array_new ();

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);

  for (WasmplugMode mode = WASMPLUG_MODE_AUTO; mode <= WASMPLUG_MODE_AOT; mode++)
    if (wasmplug_engine_supports_mode (self, mode))
      g_ptr_array_add (nicks, g_strdup (wasmplug_mode_to_nick (mode)));
  g_ptr_array_add (nicks, NULL);
  return (char **) g_ptr_array_free (nicks, FALSE);
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

/* Loads the bytes, with AOT code for a .wasm when with_aot (the cache's
 * entry, or compiled now), else as they are. */
static WasmplugModule *
load_module (WasmplugEngine *self,
             GBytes         *bytes,
             gboolean        with_aot,
             GError        **error)
{
  char message[256] = "";
  wasm_module_t module;
  gsize size;
  const guint8 *data;

  data = g_bytes_get_data (bytes, &size);
  if (size > G_MAXUINT32)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LOAD,
                   g_dngettext (GETTEXT_PACKAGE, "The module is too large (%zu byte)",
                                "The module is too large (%zu bytes)", size),
                   size);
      return NULL;
    }
  /* wasm_runtime_load copies the bytes and does not write to them; its
   * parameter is not const only for WAMR compatibility. */
  if (with_aot)
    {
      /* The runtime has one cache setting: each engine gives its own for
       * the time of its load. */
      static GMutex cache_lock;

      g_mutex_lock (&cache_lock);
      wasm_runtime_set_aot_cache (self->cache_dir, self->cache_max_size);
      module = wasm_runtime_load_with_aot ((uint8_t *) data, (uint32_t) size, message,
                                           sizeof message);
      g_mutex_unlock (&cache_lock);
    }
  else
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
 * wasmplug_engine_load_module:
 * @self: an engine
 * @bytes: the module, in the WebAssembly binary format, or an AOT file
 *   made by `wasmplug-compile`
 * @error: return location for a #GError
 *
 * Decodes and validates a module.  The bytes are copied.  While the
 * engine's [property@Engine:default-mode] is %WASMPLUG_MODE_AOT, a `.wasm`
 * module is given AOT code from [property@Engine:cache-dir], or compiled
 * and stored there (where this build has the AOT compiler).
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
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_module (self, bytes, self->default_mode == WASMPLUG_MODE_AOT, error);
}

static WasmplugModule *
load_module_from_file (WasmplugEngine *self,
                       GFile          *file,
                       gboolean        with_aot,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;

  /* A file that cannot be read keeps GIO's error (G_IO_ERROR_NOT_FOUND,
   * ..._PERMISSION_DENIED, ...), as g_file_load_contents() gives it:
   * that is what GIO users test for. */
  bytes = g_file_load_bytes (file, cancellable, NULL, error);
  if (bytes == NULL)
    return NULL;
  return load_module (self, bytes, with_aot, error);
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
 * Returns: (transfer full): the module, or %NULL with an error: a
 *   %G_IO_ERROR when the file cannot be read (%G_IO_ERROR_NOT_FOUND for a
 *   missing file, as g_file_load_contents() gives it), else the errors of
 *   [method@Engine.load_module]
 */
WasmplugModule *
wasmplug_engine_load_module_from_file (WasmplugEngine *self,
                                       GFile          *file,
                                       GCancellable   *cancellable,
                                       GError        **error)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_module_from_file (self, file, self->default_mode == WASMPLUG_MODE_AOT, cancellable,
                                error);
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

/* Plugin discovery. */

static gboolean
has_plugin_id (GPtrArray  *infos,
               const char *id,
               GFile     **other)
{
  for (guint i = 0; i < infos->len; i++)
    if (g_str_equal (wasmplug_plugin_info_get_id (infos->pdata[i]), id))
      {
        *other = wasmplug_plugin_info_get_file (infos->pdata[i]);
        return TRUE;
      }
  return FALSE;
}

/* Reads one manifest into @found, or its error into the engine's list. */
static void
read_manifest (WasmplugEngine *self,
               const char     *path,
               GPtrArray      *found)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WasmplugPluginInfo) info = NULL;
  GError *error = NULL;
  GFile *other = NULL;

  info = wasmplug_plugin_info_new_from_file (file, &error);
  if (info == NULL)
    {
      g_debug ("Skipping a plugin: %s", error->message);
      g_ptr_array_add (self->plugin_errors, error);
      return;
    }
  /* The first search path that has an id wins (the application adds the
   * most important first, e.g. the user's directory before the system's). */
  if (has_plugin_id (found, wasmplug_plugin_info_get_id (info), &other))
    {
      g_autofree char *other_name = g_file_get_parse_name (other);

      error = g_error_new (WASMPLUG_ERROR, WASMPLUG_ERROR_MANIFEST,
                           _("The plugin manifest “%s” was skipped: the id “%s” is already used by “%s”"),
                           path, wasmplug_plugin_info_get_id (info), other_name);
      g_debug ("%s", error->message);
      g_ptr_array_add (self->plugin_errors, error);
      return;
    }
  g_ptr_array_add (found, g_steal_pointer (&info));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @path, sorted so that discovery does not depend on the
 * order of directory entries; NULL when it cannot be read. */
static GPtrArray *
list_directory (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names;
  const char *name;

  if (dir == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* PATH/ *.plugin and PATH/ * / *.plugin, into @found. */
static void
scan_search_path (WasmplugEngine *self,
                  const char     *path,
                  GPtrArray      *found)
{
  g_autoptr(GPtrArray) names = list_directory (path);

  if (names == NULL)
    {
      /* Common and harmless: not every XDG data directory has plugins. */
      g_debug ("The plugin search path “%s” cannot be read", path);
      return;
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) inner = list_directory (child);

          for (guint j = 0; inner != NULL && j < inner->len; j++)
            if (g_str_has_suffix (inner->pdata[j], ".plugin"))
              {
                g_autofree char *manifest = g_build_filename (child, inner->pdata[j], NULL);

                if (!g_file_test (manifest, G_FILE_TEST_IS_DIR))
                  read_manifest (self, manifest, found);
              }
        }
      else if (g_str_has_suffix (names->pdata[i], ".plugin"))
        read_manifest (self, child, found);
    }
}

static GPtrArray *
current_plugins (WasmplugEngine *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->plugins));
  GPtrArray *infos = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (infos, g_list_model_get_item (G_LIST_MODEL (self->plugins), i));
  return infos;
}

/**
 * wasmplug_engine_add_search_path:
 * @self: an engine
 * @path: (type filename): a directory
 *
 * Adds a directory to look for plugins in, after those added before, and
 * reads the manifests in it: `PATH/\*.plugin` and `PATH/\*\/\*.plugin`
 * (one folder per plugin, the module next to its manifest, is the usual
 * layout).  The plugins found are appended to
 * [method@Engine.get_plugins], except those whose id an earlier search
 * path already has; bad manifests are skipped and recorded in
 * [method@Engine.get_plugin_errors].
 *
 * A directory that does not exist is not an error: it is kept, and
 * [method@Engine.rescan_plugins] looks again.  Adding a path twice does
 * nothing.
 */
void
wasmplug_engine_add_search_path (WasmplugEngine *self,
                                 const char     *path)
{
  g_autofree char *canonical = NULL;
  g_autoptr(GPtrArray) found = NULL;
  guint n_before;

  g_return_if_fail (WASMPLUG_IS_ENGINE (self));
  g_return_if_fail (path != NULL);

  canonical = g_canonicalize_filename (path, NULL);
  for (guint i = 0; i < self->search_paths->len; i++)
    if (g_str_equal (self->search_paths->pdata[i], canonical))
      return;
  g_ptr_array_add (self->search_paths, g_strdup (canonical));

  found = current_plugins (self);
  n_before = found->len;
  scan_search_path (self, canonical, found);
  if (found->len > n_before)
    g_list_store_splice (self->plugins, n_before, 0,
                         found->pdata + n_before, found->len - n_before);
}

/**
 * wasmplug_engine_get_search_paths:
 * @self: an engine
 *
 * The directories the engine looks for plugins in, in order (absolute,
 * as [method@Engine.add_search_path] made them).
 *
 * Returns: (transfer none) (array zero-terminated=1) (element-type filename):
 *   the search paths
 */
const char * const *
wasmplug_engine_get_search_paths (WasmplugEngine *self)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);

  return (const char * const *) self->search_paths->pdata;
}

/**
 * wasmplug_engine_rescan_plugins:
 * @self: an engine
 *
 * Reads the manifests of every search path again and replaces the list of
 * [method@Engine.get_plugins] with what it finds (one
 * [signal@Gio.ListModel::items-changed] emission), and
 * [method@Engine.get_plugin_errors] with the manifests skipped this time.
 * Plugins already loaded are not affected.
 */
void
wasmplug_engine_rescan_plugins (WasmplugEngine *self)
{
  g_autoptr(GPtrArray) found = NULL;
  guint n_old;

  g_return_if_fail (WASMPLUG_IS_ENGINE (self));

  found = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_set_size (self->plugin_errors, 0);
  for (guint i = 0; i < self->search_paths->len; i++)
    scan_search_path (self, self->search_paths->pdata[i], found);

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->plugins));
  if (n_old > 0 || found->len > 0)
    g_list_store_splice (self->plugins, 0, n_old, found->pdata, found->len);
}

/**
 * wasmplug_engine_get_plugins:
 * @self: an engine
 *
 * The plugins found in the search paths, in search-path order (and by file
 * name within one), as a list model that [method@Engine.add_search_path]
 * and [method@Engine.rescan_plugins] update.
 *
 * Returns: (transfer none): a list of [class@PluginInfo]
 */
GListModel *
wasmplug_engine_get_plugins (WasmplugEngine *self)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);

  return G_LIST_MODEL (self->plugins);
}

/**
 * wasmplug_engine_get_plugin_errors:
 * @self: an engine
 *
 * Why manifests in the search paths were skipped: one
 * %WASMPLUG_ERROR_MANIFEST error per manifest that could not be read or is
 * invalid, or whose id another plugin already has.  Each message names the
 * file.  The list is emptied by [method@Engine.rescan_plugins] and added to
 * by [method@Engine.add_search_path].
 *
 * Returns: (transfer none) (element-type GLib.Error): the errors
 */
GPtrArray *
wasmplug_engine_get_plugin_errors (WasmplugEngine *self)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);

  return self->plugin_errors;
}

/**
 * wasmplug_engine_find_plugin:
 * @self: an engine
 * @id: a plugin id
 *
 * Looks up a plugin found in the search paths by its manifest's `Id`.
 *
 * Returns: (transfer none) (nullable): the plugin's information, or %NULL
 *   when no search path has it
 */
WasmplugPluginInfo *
wasmplug_engine_find_plugin (WasmplugEngine *self,
                             const char     *id)
{
  guint n;

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->plugins));
  for (guint i = 0; i < n; i++)
    {
      /* transfer none: the store keeps its items */
      g_autoptr(WasmplugPluginInfo) info = g_list_model_get_item (G_LIST_MODEL (self->plugins), i);

      if (g_str_equal (wasmplug_plugin_info_get_id (info), id))
        return info;
    }
  return NULL;
}

/**
 * wasmplug_engine_load_plugin:
 * @self: an engine
 * @info: a plugin's manifest information (found by the engine or read by
 *   [ctor@PluginInfo.new_from_file])
 * @sandbox: (nullable): what the plugin is granted, or %NULL for what its
 *   manifest asks for ([method@PluginInfo.create_sandbox])
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Loads the plugin's module and makes a plugin of it, as
 * [method@Engine.load_module_from_file] and
 * [method@Module.instantiate_with_sandbox] do.  Its [property@Plugin:mode]
 * is set to the manifest's preferred mode when this engine supports it,
 * and left %WASMPLUG_MODE_AUTO otherwise.  Each call reads the module
 * again and makes a new plugin.
 *
 * Passing %NULL for @sandbox trusts the manifest with the directories it
 * asks for; an application that wants to ask the user first creates the
 * sandbox itself, inspects it, and passes it here.
 *
 * Returns: (transfer full): the plugin, or %NULL with an error of
 *   [method@Engine.load_module_from_file] or
 *   [method@Module.instantiate_with_sandbox], its message starting with
 *   the plugin's id, or %G_IO_ERROR_CANCELLED
 */
WasmplugPlugin *
wasmplug_engine_load_plugin (WasmplugEngine     *self,
                             WasmplugPluginInfo *info,
                             WasmplugSandbox    *sandbox,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autoptr(WasmplugModule) module = NULL;
  g_autoptr(WasmplugSandbox) owned = NULL;
  g_autoptr(WasmplugPlugin) plugin = NULL;
  GError *local_error = NULL;
  WasmplugMode mode;

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (info), NULL);
  g_return_val_if_fail (sandbox == NULL || WASMPLUG_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* a plugin that prefers AOT gets AOT code (from the cache from its
   * second load on) */
  mode = wasmplug_plugin_info_get_preferred_mode (info);
  module = load_module_from_file (self, wasmplug_plugin_info_get_module_file (info),
                                  mode == WASMPLUG_MODE_AOT ||
                                    self->default_mode == WASMPLUG_MODE_AOT,
                                  cancellable, &local_error);
  if (module == NULL || g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    goto fail;

  if (sandbox == NULL)
    sandbox = owned = wasmplug_plugin_info_create_sandbox (info);
  plugin = wasmplug_module_instantiate_with_sandbox (module, sandbox, &local_error);
  if (plugin == NULL)
    goto fail;

  if (mode != WASMPLUG_MODE_AUTO)
    {
      if (!wasmplug_engine_supports_mode (self, mode))
        g_debug ("Plugin “%s” prefers the mode “%s”, which this engine does not have: using “auto”",
                 wasmplug_plugin_info_get_id (info), wasmplug_mode_to_nick (mode));
      else if (!wasmplug_plugin_set_mode (plugin, mode, &local_error))
        {
          g_debug ("Plugin “%s”: %s", wasmplug_plugin_info_get_id (info), local_error->message);
          g_clear_error (&local_error);
        }
    }
  return g_steal_pointer (&plugin);

fail:
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&local_error, _("Plugin “%s”: "), wasmplug_plugin_info_get_id (info));
  g_propagate_error (error, local_error);
  return NULL;
}

/* --- loaded-plugins --- */

/**
 * wasmplug_engine_get_loaded_plugins:
 * @self: an engine
 *
 * Returns: (transfer none) (array zero-terminated=1): the value of
 *   [property@Engine:loaded-plugins]
 */
const char * const *
wasmplug_engine_get_loaded_plugins (WasmplugEngine *self)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);

  return (const char * const *) self->loaded_ids->pdata;
}

/**
 * wasmplug_engine_get_loaded_plugin:
 * @self: an engine
 * @id: a plugin id
 *
 * Returns: (transfer none) (nullable): the plugin of that id loaded
 *   through the engine, or %NULL
 */
WasmplugPlugin *
wasmplug_engine_get_loaded_plugin (WasmplugEngine *self,
                                   const char     *id)
{
  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->loaded, id);
}

/* Loads and keeps one plugin; no notify.  The plugin, or NULL. */
static WasmplugPlugin *
enable_plugin (WasmplugEngine     *self,
               WasmplugPluginInfo *info,
               GError            **error)
{
  const char *id = wasmplug_plugin_info_get_id (info);
  WasmplugPlugin *plugin = g_hash_table_lookup (self->loaded, id);

  if (plugin != NULL)
    return plugin;
  plugin = wasmplug_engine_load_plugin (self, info, NULL, NULL, error);
  if (plugin == NULL)
    return NULL;
  g_debug ("loaded the plugin “%s”", id);
  g_hash_table_insert (self->loaded, g_strdup (id), plugin);
  g_ptr_array_add (self->loaded_ids, g_strdup (id));
  g_signal_emit (self, signals[LOAD_PLUGIN], 0, info, plugin);
  return plugin;
}

/* Unloads one plugin; no notify. */
static void
disable_plugin (WasmplugEngine *self,
                const char     *id)
{
  g_autoptr(WasmplugPlugin) plugin = NULL;
  g_autofree char *key = NULL;
  WasmplugPluginInfo *info;
  guint index;

  if (!g_hash_table_steal_extended (self->loaded, id, (gpointer *) &key, (gpointer *) &plugin))
    return;
  g_debug ("unloading the plugin “%s”", key);
  info = wasmplug_engine_find_plugin (self, key);
  if (info != NULL)
    g_signal_emit (self, signals[UNLOAD_PLUGIN], 0, info, plugin);
  if (g_ptr_array_find_with_equal_func (self->loaded_ids, key, g_str_equal, &index))
    g_ptr_array_remove_index (self->loaded_ids, index);
}

/**
 * wasmplug_engine_enable_plugin:
 * @self: an engine
 * @info: a plugin found by the engine
 * @error: return location for a #GError
 *
 * Loads the plugin with its manifest's sandbox (as
 * [method@Engine.load_plugin]), keeps it, adds its id to
 * [property@Engine:loaded-plugins] and emits
 * [signal@Engine::load-plugin].  A plugin already loaded is returned as it
 * is.
 *
 * Returns: (transfer none): the plugin, or %NULL with the error of
 *   [method@Engine.load_plugin]
 */
WasmplugPlugin *
wasmplug_engine_enable_plugin (WasmplugEngine     *self,
                               WasmplugPluginInfo *info,
                               GError            **error)
{
  guint before;
  WasmplugPlugin *plugin;

  g_return_val_if_fail (WASMPLUG_IS_ENGINE (self), NULL);
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (info), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  before = self->loaded_ids->len;
  plugin = enable_plugin (self, info, error);
  if (self->loaded_ids->len != before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED_PLUGINS]);
  return plugin;
}

/**
 * wasmplug_engine_disable_plugin:
 * @self: an engine
 * @id: the id of a plugin loaded through the engine
 *
 * Emits [signal@Engine::unload-plugin], drops the engine's plugin and
 * removes its id from [property@Engine:loaded-plugins].  Nothing happens
 * when no plugin of that id is loaded.
 */
void
wasmplug_engine_disable_plugin (WasmplugEngine *self,
                                const char     *id)
{
  guint before;

  g_return_if_fail (WASMPLUG_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  before = self->loaded_ids->len;
  disable_plugin (self, id);
  if (self->loaded_ids->len != before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED_PLUGINS]);
}

/**
 * wasmplug_engine_set_loaded_plugins:
 * @self: an engine
 * @ids: (nullable) (array zero-terminated=1): plugin ids, or %NULL for none
 *
 * Sets [property@Engine:loaded-plugins]: unloads the loaded plugins @ids
 * does not name, then loads those it names in its order.  Ids of plugins
 * not found and plugins that fail to load are skipped (their errors go to
 * [method@Engine.get_plugin_errors]).  Notifies once when the set changed.
 */
void
wasmplug_engine_set_loaded_plugins (WasmplugEngine     *self,
                                    const char * const *ids)
{
  g_auto(GStrv) old = NULL;
  gboolean changed = FALSE;

  g_return_if_fail (WASMPLUG_IS_ENGINE (self));

  old = g_strdupv ((char **) self->loaded_ids->pdata);
  for (guint i = 0; old[i] != NULL; i++)
    if (ids == NULL || !g_strv_contains (ids, old[i]))
      {
        disable_plugin (self, old[i]);
        changed = TRUE;
      }
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      WasmplugPluginInfo *info;
      GError *error = NULL;

      if (g_hash_table_contains (self->loaded, ids[i]))
        continue;
      info = wasmplug_engine_find_plugin (self, ids[i]);
      if (info == NULL)
        {
          g_debug ("loaded-plugins: no plugin has the id “%s”", ids[i]);
          continue;
        }
      if (enable_plugin (self, info, &error) == NULL)
        {
          g_debug ("loaded-plugins: %s", error->message);
          g_ptr_array_add (self->plugin_errors, error);
          continue;
        }
      changed = TRUE;
    }
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED_PLUGINS]);
}
