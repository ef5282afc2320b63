/* wasmplug-plugin-info.c: WasmplugPluginInfo, a plugin's manifest: a
 * keyfile like libpeas' .plugin files, read once and kept as plain fields.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "wasmplug-private.h"

/**
 * WasmplugPluginInfo:
 *
 * What a plugin's manifest says about it: its id, its (translated) name and
 * description, its module file, the running mode it prefers and the WASI
 * grants and limits it asks for.
 *
 * A manifest is a keyfile named `ID.plugin` with one group, `[Plugin]`:
 *
 * ```ini
 * [Plugin]
 * Id=greeter
 * Name=Greeter
 * Name[de]=Begrüßer
 * Description=Says hello through the host's log
 * Description[de]=Grüßt über das Protokoll der Anwendung
 * Module=greeter.wasm
 * Mode=fast-interp
 * Directories=/data=data:ro;/out=/tmp/out:rw
 * Environment=GREETING=hello;LANG=C
 * Arguments=greeter;--verbose
 * MaxMemoryPages=16
 * ```
 *
 * - `Id` (required): `[a-z0-9_-]+`, unique among an engine's plugins.
 * - `Name` (required) and `Description` (optional): localised values such as
 *   `Name[de]` are honoured, chosen by the locale when the manifest is read
 *   (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`).
 * - `Module` (required): the `.wasm` (or `.wat`) file, relative to the
 *   manifest's directory, or absolute.  It is not opened until the plugin is
 *   loaded ([method@Engine.load_plugin]).
 * - `Mode` (optional): a [enum@Mode] nick (`auto`, `classic-interp`,
 *   `fast-interp`, ...); `auto` when absent.
 * - `Directories` (optional): the directories the plugin asks to see, as a
 *   list of `GUEST=HOST:ro` or `GUEST=HOST:rw`; a relative `HOST` is relative
 *   to the manifest's directory.
 * - `Environment` (optional): a list of `NAME=VALUE`.
 * - `Arguments` (optional): the plugin's WASI arguments, as a list.
 * - `MaxMemoryPages` (optional): at most this many 64 KiB pages of linear
 *   memory (1 to 65536).
 *
 * Lists are separated by `;` (a literal `;` is written `\;`).  Other keys
 * and groups are ignored, so later versions can add some.  The grants are
 * requests: [method@PluginInfo.create_sandbox] turns them into a
 * [class@Sandbox] that the application may inspect, change or replace
 * before [method@Engine.load_plugin].
 */
struct _WasmplugPluginInfo
{
  GObject parent_instance;

  GFile *file;
  char *id;
  char *name;
  char *description;
  GFile *module_file;
  WasmplugMode preferred_mode;
  GPtrArray *directories;  /* of Directory */
  char **environment;      /* NAME=VALUE */
  char **arguments;
  guint max_memory_pages;  /* 0: not given */
};

typedef struct
{
  char *guest_path;
  GFile *host_directory;
  gboolean read_only;
} Directory;

G_DEFINE_FINAL_TYPE (WasmplugPluginInfo, wasmplug_plugin_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_MODULE_FILE,
  PROP_PREFERRED_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PLUGIN_GROUP "Plugin"
/* WebAssembly's 32-bit memories have at most 65536 pages of 64 KiB. */
#define MAX_PAGES 65536

static void
directory_free (gpointer data)
{
  Directory *dir = data;

  g_free (dir->guest_path);
  g_clear_object (&dir->host_directory);
  g_free (dir);
}

static void
wasmplug_plugin_info_finalize (GObject *object)
{
  WasmplugPluginInfo *self = WASMPLUG_PLUGIN_INFO (object);

  g_clear_object (&self->file);
  g_free (self->id);
  g_free (self->name);
  g_free (self->description);
  g_clear_object (&self->module_file);
  g_clear_pointer (&self->directories, g_ptr_array_unref);
  g_strfreev (self->environment);
  g_strfreev (self->arguments);

  G_OBJECT_CLASS (wasmplug_plugin_info_parent_class)->finalize (object);
}

static void
wasmplug_plugin_info_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  WasmplugPluginInfo *self = WASMPLUG_PLUGIN_INFO (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_MODULE_FILE:
      g_value_set_object (value, self->module_file);
      break;
    case PROP_PREFERRED_MODE:
      g_value_set_enum (value, self->preferred_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_plugin_info_class_init (WasmplugPluginInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wasmplug_plugin_info_finalize;
  object_class->get_property = wasmplug_plugin_info_get_property;

  /**
   * WasmplugPluginInfo:file:
   *
   * The manifest file this information was read from.
   */
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPluginInfo:id:
   *
   * The manifest's `Id`: lower-case letters, digits, `_` and `-`.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPluginInfo:name:
   *
   * The manifest's `Name`, in the user's language where the manifest has
   * a translation.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPluginInfo:description:
   *
   * The manifest's `Description`, translated like [property@PluginInfo:name];
   * %NULL when the manifest has none.
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPluginInfo:module-file:
   *
   * The plugin's module: the manifest's `Module`, resolved against the
   * manifest's directory.
   */
  properties[PROP_MODULE_FILE] =
    g_param_spec_object ("module-file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPluginInfo:preferred-mode:
   *
   * The manifest's `Mode`: the running mode [method@Engine.load_plugin] gives
   * the plugin when the engine supports it.
   */
  properties[PROP_PREFERRED_MODE] =
    g_param_spec_enum ("preferred-mode", NULL, NULL, WASMPLUG_TYPE_MODE, WASMPLUG_MODE_AUTO,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wasmplug_plugin_info_init (WasmplugPluginInfo *self)
{
  self->preferred_mode = WASMPLUG_MODE_AUTO;
  self->directories = g_ptr_array_new_with_free_func (directory_free);
}

/* Every manifest error names the file; errors in a value name the key too. */
static void
set_file_error (GError    **error,
                GFile      *file,
                const char *detail)
{
  g_autofree char *where = g_file_get_parse_name (file);

  g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_MANIFEST,
               _("Invalid plugin manifest “%s”: %s"), where, detail);
}

static void
set_key_error (GError    **error,
               GFile      *file,
               const char *key,
               const char *detail)
{
  g_autofree char *where = g_file_get_parse_name (file);

  g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_MANIFEST,
               _("Invalid plugin manifest “%s”, key “%s”: %s"), where, key, detail);
}

/* A keyfile lookup failed: a missing required key, or a bad value. */
static void
set_lookup_error (GError    **error,
                  GFile      *file,
                  const char *key,
                  GError     *lookup_error)
{
  if (g_error_matches (lookup_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    set_key_error (error, file, key, _("the key is required"));
  else
    set_key_error (error, file, key, lookup_error->message);
}

static gboolean
is_valid_id (const char *id)
{
  if (*id == '\0')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* The value of an optional key; %NULL (and no error) when it is absent. */
static char *
get_optional_string (GKeyFile   *key_file,
                     const char *key,
                     gboolean    localised,
                     GError    **error)
{
  GError *local_error = NULL;
  char *value;

  if (localised)
    value = g_key_file_get_locale_string (key_file, PLUGIN_GROUP, key, NULL, &local_error);
  else
    value = g_key_file_get_string (key_file, PLUGIN_GROUP, key, &local_error);
  if (g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    g_clear_error (&local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return value;
}

static char *
get_required_string (GKeyFile   *key_file,
                     GFile      *file,
                     const char *key,
                     gboolean    localised,
                     GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = NULL;

  if (localised)
    value = g_key_file_get_locale_string (key_file, PLUGIN_GROUP, key, NULL, &local_error);
  else
    value = g_key_file_get_string (key_file, PLUGIN_GROUP, key, &local_error);
  if (value == NULL)
    {
      set_lookup_error (error, file, key, local_error);
      return NULL;
    }
  if (*value == '\0')
    {
      set_key_error (error, file, key, _("the value is empty"));
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* An optional list: an empty one when the key is absent. */
static char **
get_list (GKeyFile   *key_file,
          GFile      *file,
          const char *key,
          GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  char **list;

  if (!g_key_file_has_key (key_file, PLUGIN_GROUP, key, NULL))
    return g_new0 (char *, 1);
  list = g_key_file_get_string_list (key_file, PLUGIN_GROUP, key, NULL, &local_error);
  if (local_error != NULL)
    {
      set_lookup_error (error, file, key, local_error);
      return NULL;
    }
  if (list == NULL)  /* an empty value */
    return g_new0 (char *, 1);
  return list;
}

/* GUEST=HOST:ro or GUEST=HOST:rw, HOST relative to the manifest's @dir. */
static gboolean
parse_directory (WasmplugPluginInfo *self,
                 GFile              *dir,
                 const char         *entry,
                 GError            **error)
{
  const char *eq = strchr (entry, '=');
  gsize len = strlen (entry);
  gboolean read_only;
  g_autofree char *host = NULL;
  Directory *d;

  if (eq == NULL || eq == entry || len < 3)
    goto bad;
  if (g_str_has_suffix (entry, ":ro"))
    read_only = TRUE;
  else if (g_str_has_suffix (entry, ":rw"))
    read_only = FALSE;
  else
    goto bad;
  if (eq + 1 >= entry + len - 3)
    goto bad;  /* no HOST */

  host = g_strndup (eq + 1, (gsize) (entry + len - 3 - (eq + 1)));
  d = g_new0 (Directory, 1);
  d->guest_path = g_strndup (entry, (gsize) (eq - entry));
  d->host_directory = g_file_resolve_relative_path (dir, host);
  d->read_only = read_only;
  g_ptr_array_add (self->directories, d);
  return TRUE;

bad:
  {
    g_autofree char *detail =
      g_strdup_printf (_("“%s” is not of the form “GUEST=HOST:ro” or “GUEST=HOST:rw”"), entry);

    set_key_error (error, self->file, "Directories", detail);
    return FALSE;
  }
}

static gboolean
parse_manifest (WasmplugPluginInfo *self,
                GKeyFile           *key_file,
                GError            **error)
{
  g_autoptr(GFile) dir = g_file_get_parent (self->file);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *module = NULL;
  g_autofree char *mode = NULL;
  g_auto(GStrv) directories = NULL;

  if (!g_key_file_has_group (key_file, PLUGIN_GROUP))
    {
      set_file_error (error, self->file, _("there is no [Plugin] group"));
      return FALSE;
    }

  self->id = get_required_string (key_file, self->file, "Id", FALSE, error);
  if (self->id == NULL)
    return FALSE;
  if (!is_valid_id (self->id))
    {
      g_autofree char *detail =
        g_strdup_printf (_("“%s” is not a valid id (use a–z, 0–9, “_” and “-”)"), self->id);

      set_key_error (error, self->file, "Id", detail);
      return FALSE;
    }

  self->name = get_required_string (key_file, self->file, "Name", TRUE, error);
  if (self->name == NULL)
    return FALSE;

  self->description = get_optional_string (key_file, "Description", TRUE, &local_error);
  if (local_error != NULL)
    {
      set_lookup_error (error, self->file, "Description", local_error);
      return FALSE;
    }

  module = get_required_string (key_file, self->file, "Module", FALSE, error);
  if (module == NULL)
    return FALSE;
  self->module_file = g_file_resolve_relative_path (dir, module);

  mode = get_optional_string (key_file, "Mode", FALSE, &local_error);
  if (local_error != NULL)
    {
      set_lookup_error (error, self->file, "Mode", local_error);
      return FALSE;
    }
  if (mode != NULL)
    {
      g_autoptr(GEnumClass) modes = g_type_class_ref (WASMPLUG_TYPE_MODE);
      GEnumValue *value = g_enum_get_value_by_nick (modes, g_strstrip (mode));

      if (value == NULL)
        {
          g_autofree char *detail =
            g_strdup_printf (_("“%s” is not a running mode (such as “auto” or “fast-interp”)"), mode);

          set_key_error (error, self->file, "Mode", detail);
          return FALSE;
        }
      self->preferred_mode = value->value;
    }

  directories = get_list (key_file, self->file, "Directories", error);
  if (directories == NULL)
    return FALSE;
  for (guint i = 0; directories[i] != NULL; i++)
    if (!parse_directory (self, dir, directories[i], error))
      return FALSE;

  self->environment = get_list (key_file, self->file, "Environment", error);
  if (self->environment == NULL)
    return FALSE;
  for (guint i = 0; self->environment[i] != NULL; i++)
    {
      const char *eq = strchr (self->environment[i], '=');

      if (eq == NULL || eq == self->environment[i])
        {
          g_autofree char *detail =
            g_strdup_printf (_("“%s” is not of the form “NAME=VALUE”"), self->environment[i]);

          set_key_error (error, self->file, "Environment", detail);
          return FALSE;
        }
    }

  self->arguments = get_list (key_file, self->file, "Arguments", error);
  if (self->arguments == NULL)
    return FALSE;

  if (g_key_file_has_key (key_file, PLUGIN_GROUP, "MaxMemoryPages", NULL))
    {
      g_autofree char *text = g_key_file_get_value (key_file, PLUGIN_GROUP, "MaxMemoryPages", NULL);
      guint64 pages = 0;

      if (text == NULL ||
          !g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, MAX_PAGES, &pages, NULL))
        {
          g_autofree char *detail =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "“%s” is not a number of pages from 1 to %u",
                                          "“%s” is not a number of pages from 1 to %u",
                                          MAX_PAGES),
                             text ? text : "", (guint) MAX_PAGES);

          set_key_error (error, self->file, "MaxMemoryPages", detail);
          return FALSE;
        }
      self->max_memory_pages = (guint) pages;
    }

  return TRUE;
}

/**
 * wasmplug_plugin_info_new_from_file:
 * @file: a `.plugin` manifest
 * @error: return location for a #GError
 *
 * Reads a plugin manifest (see [class@PluginInfo] for its keys).  The
 * module file it names is not opened.  Localised values are chosen by the
 * locale at this time.
 *
 * Returns: (transfer full): the manifest's information, or %NULL with
 *   %WASMPLUG_ERROR_MANIFEST (naming the file, and the key where one is at
 *   fault) when the file cannot be read, is not a keyfile, or lacks or has
 *   a bad value of a key
 */
WasmplugPluginInfo *
wasmplug_plugin_info_new_from_file (GFile   *file,
                                    GError **error)
{
  g_autoptr(WasmplugPluginInfo) self = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    {
      set_file_error (error, file, local_error->message);
      return NULL;
    }
  key_file = g_key_file_new ();
  if (!g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      set_file_error (error, file, local_error->message);
      return NULL;
    }

  self = g_object_new (WASMPLUG_TYPE_PLUGIN_INFO, NULL);
  self->file = g_object_ref (file);
  if (!parse_manifest (self, key_file, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * wasmplug_plugin_info_get_file:
 * @self: a plugin info
 *
 * Returns: (transfer none): the value of [property@PluginInfo:file]
 */
GFile *
wasmplug_plugin_info_get_file (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  return self->file;
}

/**
 * wasmplug_plugin_info_get_id:
 * @self: a plugin info
 *
 * Returns: the value of [property@PluginInfo:id]
 */
const char *
wasmplug_plugin_info_get_id (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  return self->id;
}

/**
 * wasmplug_plugin_info_get_name:
 * @self: a plugin info
 *
 * Returns: the value of [property@PluginInfo:name]
 */
const char *
wasmplug_plugin_info_get_name (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  return self->name;
}

/**
 * wasmplug_plugin_info_get_description:
 * @self: a plugin info
 *
 * Returns: (nullable): the value of [property@PluginInfo:description]
 */
const char *
wasmplug_plugin_info_get_description (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  return self->description;
}

/**
 * wasmplug_plugin_info_get_module_file:
 * @self: a plugin info
 *
 * Returns: (transfer none): the value of [property@PluginInfo:module-file]
 */
GFile *
wasmplug_plugin_info_get_module_file (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  return self->module_file;
}

/**
 * wasmplug_plugin_info_get_preferred_mode:
 * @self: a plugin info
 *
 * Returns: the value of [property@PluginInfo:preferred-mode]
 */
WasmplugMode
wasmplug_plugin_info_get_preferred_mode (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), WASMPLUG_MODE_AUTO);

  return self->preferred_mode;
}

/**
 * wasmplug_plugin_info_get_n_directories:
 * @self: a plugin info
 *
 * Returns: how many directories the manifest's `Directories` asks for
 */
guint
wasmplug_plugin_info_get_n_directories (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), 0);

  return self->directories->len;
}

/**
 * wasmplug_plugin_info_get_directory:
 * @self: a plugin info
 * @index: an index below [method@PluginInfo.get_n_directories]
 * @guest_path: (out) (optional) (transfer none): the path the plugin sees
 * @host_directory: (out) (optional) (transfer none): the host's directory
 * @read_only: (out) (optional): whether the manifest asks for read-only
 *   (`:ro`) rather than read-write (`:rw`) access
 *
 * One directory the manifest asks for, in the manifest's order.
 */
void
wasmplug_plugin_info_get_directory (WasmplugPluginInfo *self,
                                    guint               index,
                                    const char        **guest_path,
                                    GFile             **host_directory,
                                    gboolean           *read_only)
{
  Directory *dir;

  g_return_if_fail (WASMPLUG_IS_PLUGIN_INFO (self));
  g_return_if_fail (index < self->directories->len);

  dir = g_ptr_array_index (self->directories, index);
  if (guest_path)
    *guest_path = dir->guest_path;
  if (host_directory)
    *host_directory = dir->host_directory;
  if (read_only)
    *read_only = dir->read_only;
}

/**
 * wasmplug_plugin_info_get_environment:
 * @self: a plugin info
 *
 * Returns: (transfer none) (array zero-terminated=1): the manifest's
 *   `Environment`, as `NAME=VALUE` strings (empty when absent)
 */
const char * const *
wasmplug_plugin_info_get_environment (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  return (const char * const *) self->environment;
}

/**
 * wasmplug_plugin_info_get_arguments:
 * @self: a plugin info
 *
 * Returns: (transfer none) (array zero-terminated=1): the manifest's
 *   `Arguments` (empty when absent)
 */
const char * const *
wasmplug_plugin_info_get_arguments (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  return (const char * const *) self->arguments;
}

/**
 * wasmplug_plugin_info_get_max_memory_pages:
 * @self: a plugin info
 *
 * Returns: the manifest's `MaxMemoryPages`, or 0 when it sets none
 */
guint
wasmplug_plugin_info_get_max_memory_pages (WasmplugPluginInfo *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), 0);

  return self->max_memory_pages;
}

/**
 * wasmplug_plugin_info_create_sandbox:
 * @self: a plugin info
 *
 * Makes a sandbox that grants what the manifest asks for: its
 * `Directories`, `Environment` and `Arguments`, and its `MaxMemoryPages`
 * limit (when it sets one).  Each call makes a new sandbox, which the
 * caller may change before giving it to [method@Engine.load_plugin] or
 * [method@Module.instantiate_with_sandbox].
 *
 * Returns: (transfer full): a new sandbox
 */
WasmplugSandbox *
wasmplug_plugin_info_create_sandbox (WasmplugPluginInfo *self)
{
  WasmplugSandbox *sandbox;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN_INFO (self), NULL);

  sandbox = wasmplug_sandbox_new ();
  for (guint i = 0; i < self->directories->len; i++)
    {
      Directory *dir = g_ptr_array_index (self->directories, i);

      wasmplug_sandbox_add_directory (sandbox, dir->guest_path, dir->host_directory, dir->read_only);
    }
  for (guint i = 0; self->environment[i] != NULL; i++)
    {
      const char *entry = self->environment[i];
      const char *eq = strchr (entry, '=');
      g_autofree char *name = g_strndup (entry, (gsize) (eq - entry));

      wasmplug_sandbox_set_env (sandbox, name, eq + 1);
    }
  if (self->arguments[0] != NULL)
    wasmplug_sandbox_set_args (sandbox, (const char * const *) self->arguments);
  if (self->max_memory_pages > 0)
    wasmplug_sandbox_set_max_memory_pages (sandbox, self->max_memory_pages);
  return sandbox;
}
