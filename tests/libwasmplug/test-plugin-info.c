/* WasmplugPluginInfo (manifests), and discovery and loading of plugins by
 * WasmplugEngine, over the sample plugins of plugins/ and the manifests of
 * tests/libwasmplug/manifests/. */
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "test-common.h"

/* BUILDDIR/plugins: the sample plugins, each in a folder of its own. */
static char *
sample_path (const char *first,
             ...)
{
  const char *dir = g_getenv ("WP_TEST_PLUGINS_DIR");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list ap;

  g_assert_nonnull (dir);
  g_ptr_array_add (parts, (char *) dir);
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (char *) p);
  va_end (ap);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static char *
manifest_path (const char *name)
{
  const char *dir = g_getenv ("WP_TEST_MANIFESTS_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static gboolean
have_uppercase (void)
{
  return g_strcmp0 (g_getenv ("WP_TEST_HAVE_UPPERCASE"), "yes") == 0;
}

static WasmplugPluginInfo *
read_info (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  WasmplugPluginInfo *info = wasmplug_plugin_info_new_from_file (file, &error);

  g_assert_no_error (error);
  g_assert_true (WASMPLUG_IS_PLUGIN_INFO (info));
  return info;
}

static WasmplugPluginInfo *
read_sample (const char *id)
{
  g_autofree char *base = g_strconcat (id, ".plugin", NULL);
  g_autofree char *path = sample_path (id, base, NULL);

  return read_info (path);
}

static void
assert_file_path (GFile      *file,
                  const char *expected)
{
  g_autofree char *path = NULL;
  g_autofree char *canonical = g_canonicalize_filename (expected, NULL);

  g_assert_nonnull (file);
  path = g_file_get_path (file);
  g_assert_cmpstr (path, ==, canonical);
}

/* The language chosen by the locale; GLib reads LANGUAGE again whenever
 * it changes. */
static void
set_language (const char *language)
{
  if (language)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

static void
test_samples (void)
{
  g_autoptr(WasmplugPluginInfo) greeter = read_sample ("greeter");
  g_autoptr(WasmplugPluginInfo) hostile = read_sample ("hostile");
  g_autofree char *greeter_wasm = sample_path ("greeter", "greeter.wasm", NULL);
  g_autofree char *hostile_wasm = sample_path ("hostile", "hostile.wasm", NULL);
  g_autofree char *greeter_manifest = sample_path ("greeter", "greeter.plugin", NULL);
  g_autofree char *id = NULL;
  g_autoptr(GFile) module_file = NULL;
  WasmplugMode mode;

  g_assert_cmpstr (wasmplug_plugin_info_get_id (greeter), ==, "greeter");
  g_assert_cmpstr (wasmplug_plugin_info_get_name (greeter), ==, "Greeter");
  g_assert_true (g_str_has_prefix (wasmplug_plugin_info_get_description (greeter), "Says "));
  assert_file_path (wasmplug_plugin_info_get_module_file (greeter), greeter_wasm);
  assert_file_path (wasmplug_plugin_info_get_file (greeter), greeter_manifest);
  g_assert_true (g_file_query_exists (wasmplug_plugin_info_get_module_file (greeter), NULL));
  g_assert_cmpint (wasmplug_plugin_info_get_preferred_mode (greeter), ==, WASMPLUG_MODE_FAST_INTERP);
  g_assert_cmpuint (wasmplug_plugin_info_get_max_memory_pages (greeter), ==, 0);
  g_assert_cmpuint (wasmplug_plugin_info_get_n_directories (greeter), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) wasmplug_plugin_info_get_environment (greeter)), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) wasmplug_plugin_info_get_arguments (greeter)), ==, 0);

  /* The same through the read-only properties. */
  g_object_get (greeter, "id", &id, "module-file", &module_file, "preferred-mode", &mode, NULL);
  g_assert_cmpstr (id, ==, "greeter");
  assert_file_path (module_file, greeter_wasm);
  g_assert_cmpint (mode, ==, WASMPLUG_MODE_FAST_INTERP);
  g_assert_true (g_object_class_find_property (G_OBJECT_GET_CLASS (greeter), "name")->flags & G_PARAM_READABLE);
  g_assert_false (g_object_class_find_property (G_OBJECT_GET_CLASS (greeter), "name")->flags & G_PARAM_WRITABLE);

  g_assert_cmpstr (wasmplug_plugin_info_get_id (hostile), ==, "hostile");
  g_assert_cmpstr (wasmplug_plugin_info_get_name (hostile), ==, "Hostile");
  assert_file_path (wasmplug_plugin_info_get_module_file (hostile), hostile_wasm);
  g_assert_cmpint (wasmplug_plugin_info_get_preferred_mode (hostile), ==, WASMPLUG_MODE_CLASSIC_INTERP);
  g_assert_cmpuint (wasmplug_plugin_info_get_max_memory_pages (hostile), ==, 16);

  if (have_uppercase ())
    {
      g_autoptr(WasmplugPluginInfo) upper = read_sample ("uppercase");
      g_autofree char *upper_wasm = sample_path ("uppercase", "uppercase.wasm", NULL);
      const char * const *args = wasmplug_plugin_info_get_arguments (upper);

      g_assert_cmpstr (wasmplug_plugin_info_get_id (upper), ==, "uppercase");
      g_assert_cmpstr (wasmplug_plugin_info_get_name (upper), ==, "Uppercase");
      assert_file_path (wasmplug_plugin_info_get_module_file (upper), upper_wasm);
      g_assert_true (g_file_query_exists (wasmplug_plugin_info_get_module_file (upper), NULL));
      g_assert_cmpint (wasmplug_plugin_info_get_preferred_mode (upper), ==, WASMPLUG_MODE_AUTO);
      g_assert_cmpuint (g_strv_length ((char **) args), ==, 1);
      g_assert_cmpstr (args[0], ==, "uppercase");
    }
  else
    g_test_message ("uppercase not built (no clang-19 with wasi-libc)");
}

static void
test_localised (void)
{
  g_autofree char *path = sample_path ("greeter", "greeter.plugin", NULL);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *explicit_de = NULL;

  /* The manifest has the translation GKeyFile's locale API finds... */
  g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_TRANSLATIONS, &error);
  g_assert_no_error (error);
  explicit_de = g_key_file_get_locale_string (key_file, "Plugin", "Name", "de", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (explicit_de, ==, "Begrüßer");

  /* ...and the info picks it by the locale in effect when it is read. */
  set_language ("de_DE:de");
  {
    g_autoptr(WasmplugPluginInfo) info = read_info (path);
    g_autoptr(WasmplugPluginInfo) hostile = read_sample ("hostile");
    g_autofree char *full_path = manifest_path ("full.plugin");
    g_autoptr(WasmplugPluginInfo) full = read_info (full_path);

    g_assert_cmpstr (wasmplug_plugin_info_get_name (info), ==, "Begrüßer");
    g_assert_true (g_str_has_prefix (wasmplug_plugin_info_get_description (info), "Sagt "));
    g_assert_cmpstr (wasmplug_plugin_info_get_name (hostile), ==, "Feindselig");
    g_assert_cmpstr (wasmplug_plugin_info_get_name (full), ==, "Voll");
    g_assert_cmpstr (wasmplug_plugin_info_get_description (full), ==, "Benutzt jeden Schlüssel");
  }
  set_language ("fr");
  {
    g_autoptr(WasmplugPluginInfo) info = read_info (path);

    /* No French: the untranslated value. */
    g_assert_cmpstr (wasmplug_plugin_info_get_name (info), ==, "Greeter");
  }
  set_language (NULL);
}

static void
test_full_manifest (void)
{
  g_autofree char *path = manifest_path ("full.plugin");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *module = g_build_filename (dir, "modules", "full.wasm", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autoptr(WasmplugPluginInfo) info = read_info (path);
  g_autoptr(WasmplugSandbox) sandbox = NULL;
  g_auto(GStrv) environ_ = NULL;
  const char * const *env = NULL;
  const char * const *args = NULL;
  const char *guest = NULL;
  GFile *host = NULL;
  gboolean read_only = FALSE;

  g_assert_cmpstr (wasmplug_plugin_info_get_id (info), ==, "full_test-1");
  g_assert_cmpstr (wasmplug_plugin_info_get_name (info), ==, "Full");
  g_assert_cmpstr (wasmplug_plugin_info_get_description (info), ==, "Uses every key");
  assert_file_path (wasmplug_plugin_info_get_module_file (info), module);
  g_assert_cmpint (wasmplug_plugin_info_get_preferred_mode (info), ==, WASMPLUG_MODE_CLASSIC_INTERP);
  g_assert_cmpuint (wasmplug_plugin_info_get_max_memory_pages (info), ==, 16);

  g_assert_cmpuint (wasmplug_plugin_info_get_n_directories (info), ==, 3);
  wasmplug_plugin_info_get_directory (info, 0, &guest, &host, &read_only);
  g_assert_cmpstr (guest, ==, "/data");
  assert_file_path (host, data);
  g_assert_true (read_only);
  wasmplug_plugin_info_get_directory (info, 1, &guest, &host, &read_only);
  g_assert_cmpstr (guest, ==, "/out");
  assert_file_path (host, "/tmp");
  g_assert_false (read_only);
  wasmplug_plugin_info_get_directory (info, 2, &guest, &host, NULL);
  g_assert_cmpstr (guest, ==, ".");
  assert_file_path (host, dir);

  env = wasmplug_plugin_info_get_environment (info);
  g_assert_cmpuint (g_strv_length ((char **) env), ==, 3);
  g_assert_cmpstr (env[0], ==, "GREETING=hello world");
  g_assert_cmpstr (env[1], ==, "EMPTY=");
  g_assert_cmpstr (env[2], ==, "EQ=a=b");
  args = wasmplug_plugin_info_get_arguments (info);
  g_assert_cmpuint (g_strv_length ((char **) args), ==, 2);
  g_assert_cmpstr (args[0], ==, "full");
  g_assert_cmpstr (args[1], ==, "--flag");

  /* The sandbox grants what the manifest asks for. */
  sandbox = wasmplug_plugin_info_create_sandbox (info);
  g_assert_true (WASMPLUG_IS_SANDBOX (sandbox));
  g_assert_cmpuint (wasmplug_sandbox_get_n_directories (sandbox), ==, 3);
  wasmplug_sandbox_get_directory (sandbox, 0, &guest, &host, &read_only);
  g_assert_cmpstr (guest, ==, "/data");
  assert_file_path (host, data);
  g_assert_true (read_only);
  wasmplug_sandbox_get_directory (sandbox, 1, &guest, &host, &read_only);
  g_assert_cmpstr (guest, ==, "/out");
  g_assert_false (read_only);
  environ_ = wasmplug_sandbox_get_environ (sandbox);
  g_assert_true (g_strv_contains ((const char * const *) environ_, "GREETING=hello world"));
  g_assert_true (g_strv_contains ((const char * const *) environ_, "EMPTY="));
  g_assert_true (g_strv_contains ((const char * const *) environ_, "EQ=a=b"));
  g_assert_cmpuint (g_strv_length (environ_), ==, 3);
  args = wasmplug_sandbox_get_args (sandbox);
  g_assert_cmpuint (g_strv_length ((char **) args), ==, 2);
  g_assert_cmpstr (args[1], ==, "--flag");
  g_assert_cmpuint (wasmplug_sandbox_get_max_memory_pages (sandbox), ==, 16);

  /* Each call makes a new sandbox. */
  {
    g_autoptr(WasmplugSandbox) again = wasmplug_plugin_info_create_sandbox (info);

    g_assert_true (again != sandbox);
  }
}

static void
test_minimal_manifest (void)
{
  g_autofree char *path = manifest_path ("minimal.plugin");
  g_autoptr(WasmplugPluginInfo) info = read_info (path);
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_plugin_info_create_sandbox (info);
  g_auto(GStrv) environ_ = wasmplug_sandbox_get_environ (sandbox);

  g_assert_cmpstr (wasmplug_plugin_info_get_id (info), ==, "minimal");
  g_assert_null (wasmplug_plugin_info_get_description (info));
  /* An absolute Module stays as it is. */
  assert_file_path (wasmplug_plugin_info_get_module_file (info), "/nonexistent/minimal.wasm");
  g_assert_cmpint (wasmplug_plugin_info_get_preferred_mode (info), ==, WASMPLUG_MODE_AUTO);
  g_assert_cmpuint (wasmplug_plugin_info_get_max_memory_pages (info), ==, 0);

  /* Nothing asked, nothing granted. */
  g_assert_cmpuint (wasmplug_sandbox_get_n_directories (sandbox), ==, 0);
  g_assert_cmpuint (environ_ ? g_strv_length (environ_) : 0, ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) wasmplug_sandbox_get_args (sandbox)), ==, 0);
  g_assert_cmpuint (wasmplug_sandbox_get_max_memory_pages (sandbox), ==, 0);
}

typedef struct
{
  const char *file;
  const char *key;   /* the key the message must name, or NULL */
} BadManifest;

static const BadManifest bad_manifests[] = {
  { "bad-no-group.plugin", NULL },
  { "bad-no-id.plugin", "Id" },
  { "bad-no-name.plugin", "Name" },
  { "bad-empty-name.plugin", "Name" },
  { "bad-no-module.plugin", "Module" },
  { "bad-id.plugin", "Id" },
  { "bad-mode.plugin", "Mode" },
  { "bad-directories.plugin", "Directories" },
  { "bad-directories-access.plugin", "Directories" },
  { "bad-environment.plugin", "Environment" },
  { "bad-arguments.plugin", "Arguments" },
  { "bad-pages.plugin", "MaxMemoryPages" },
  { "bad-pages-range.plugin", "MaxMemoryPages" },
  { "bad-not-keyfile.plugin", NULL },
  { "does-not-exist.plugin", NULL },
  { ".", NULL },   /* a directory, not a file */
};

static void
assert_bad (const char *path,
            const char *key)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(WasmplugPluginInfo) info = NULL;
  g_autofree char *quoted_file = NULL;
  g_autofree char *quoted_key = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  info = wasmplug_plugin_info_new_from_file (file, &error);
  g_assert_null (info);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_MANIFEST);
  g_test_message ("%s", error->message);
  quoted_file = g_strdup_printf ("“%s”", name);
  g_assert_nonnull (strstr (error->message, quoted_file));
  if (key)
    {
      quoted_key = g_strdup_printf ("“%s”", key);
      g_assert_nonnull (strstr (error->message, quoted_key));
    }
}

static void
test_bad_manifests (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_manifests); i++)
    {
      g_autofree char *path = manifest_path (bad_manifests[i].file);

      assert_bad (path, bad_manifests[i].key);
    }
}

/* A file that exists but cannot be read (root reads every file, so this
 * is only checked when the test is not root). */
static void
test_unreadable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wasmplug-manifest-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "secret.plugin", NULL);

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (path, "[Plugin]\nId=x\nName=X\nModule=x.wasm\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  if (geteuid () == 0)
    g_test_message ("running as root: the unreadable file is readable");
  else
    assert_bad (path, NULL);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

typedef struct
{
  guint emissions;
  guint position, removed, added;
} ItemsChanged;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  ItemsChanged *c = data;

  c->emissions++;
  c->position = position;
  c->removed = removed;
  c->added = added;
}

static GPtrArray *
plugin_ids (WasmplugEngine *engine)
{
  GListModel *plugins = wasmplug_engine_get_plugins (engine);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_list_model_get_item_type (plugins) == WASMPLUG_TYPE_PLUGIN_INFO);
  for (guint i = 0; i < g_list_model_get_n_items (plugins); i++)
    {
      g_autoptr(WasmplugPluginInfo) info = g_list_model_get_item (plugins, i);

      g_ptr_array_add (ids, g_strdup (wasmplug_plugin_info_get_id (info)));
    }
  return ids;
}

static void
assert_samples_found (WasmplugEngine *engine)
{
  g_autoptr(GPtrArray) ids = plugin_ids (engine);

  /* By file name within a search path: greeter, hostile, uppercase. */
  g_assert_cmpuint (ids->len, ==, have_uppercase () ? 3 : 2);
  g_assert_cmpstr (ids->pdata[0], ==, "greeter");
  g_assert_cmpstr (ids->pdata[1], ==, "hostile");
  if (have_uppercase ())
    g_assert_cmpstr (ids->pdata[2], ==, "uppercase");
}

static void
test_discovery (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autofree char *samples = sample_path (NULL);
  g_autofree char *manifests = manifest_path (NULL);
  g_autofree char *missing = g_build_filename (samples, "no-such-dir", NULL);
  g_autofree char *relative = NULL;
  GListModel *plugins = wasmplug_engine_get_plugins (engine);
  const char * const *paths;
  ItemsChanged changed = { 0 };
  WasmplugPluginInfo *greeter;
  GPtrArray *errors;

  /* No search path of its own (WASMPLUG_PLUGIN_PATH is unset in main). */
  g_assert_cmpuint (g_strv_length ((char **) wasmplug_engine_get_search_paths (engine)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (plugins), ==, 0);
  g_assert_cmpuint (wasmplug_engine_get_plugin_errors (engine)->len, ==, 0);
  g_assert_null (wasmplug_engine_find_plugin (engine, "greeter"));
  g_signal_connect (plugins, "items-changed", G_CALLBACK (on_items_changed), &changed);

  /* Adding a path reads it at once. */
  wasmplug_engine_add_search_path (engine, samples);
  assert_samples_found (engine);
  g_assert_cmpuint (changed.emissions, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, have_uppercase () ? 3 : 2);
  g_assert_cmpuint (wasmplug_engine_get_plugin_errors (engine)->len, ==, 0);
  greeter = wasmplug_engine_find_plugin (engine, "greeter");
  g_assert_nonnull (greeter);
  g_assert_cmpstr (wasmplug_plugin_info_get_name (greeter), ==, "Greeter");
  g_assert_nonnull (wasmplug_engine_find_plugin (engine, "hostile"));
  g_assert_null (wasmplug_engine_find_plugin (engine, "nope"));

  /* The same path again (here relative, with a detour) does nothing. */
  relative = g_build_filename (samples, "greeter", "..", NULL);
  wasmplug_engine_add_search_path (engine, relative);
  g_assert_cmpuint (changed.emissions, ==, 1);
  /* A path that is not there is kept, and is no error. */
  wasmplug_engine_add_search_path (engine, missing);
  g_assert_cmpuint (changed.emissions, ==, 1);
  g_assert_cmpuint (wasmplug_engine_get_plugin_errors (engine)->len, ==, 0);

  /* The test manifests: two good ones (appended after the samples), and
   * every bad one skipped with an error naming it. */
  wasmplug_engine_add_search_path (engine, manifests);
  paths = wasmplug_engine_get_search_paths (engine);
  g_assert_cmpuint (g_strv_length ((char **) paths), ==, 3);
  g_assert_cmpstr (paths[0], ==, samples);
  g_assert_cmpstr (paths[1], ==, missing);
  g_assert_true (g_str_has_suffix (paths[2], "manifests"));
  g_assert_true (g_path_is_absolute (paths[2]));
  g_assert_cmpuint (changed.emissions, ==, 2);
  g_assert_cmpuint (changed.position, ==, have_uppercase () ? 3 : 2);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 2);
  g_assert_nonnull (wasmplug_engine_find_plugin (engine, "full_test-1"));
  g_assert_nonnull (wasmplug_engine_find_plugin (engine, "minimal"));
  errors = wasmplug_engine_get_plugin_errors (engine);
  /* every bad-*.plugin (the two entries at the end are not in the dir) */
  g_assert_cmpuint (errors->len, ==, G_N_ELEMENTS (bad_manifests) - 2);
  for (guint i = 0; i < errors->len; i++)
    {
      GError *e = errors->pdata[i];

      g_assert_error (e, WASMPLUG_ERROR, WASMPLUG_ERROR_MANIFEST);
      g_assert_nonnull (strstr (e->message, "bad-"));
    }

  /* A rescan reads everything again: one emission replacing it all. */
  wasmplug_engine_rescan_plugins (engine);
  g_assert_cmpuint (changed.emissions, ==, 3);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, have_uppercase () ? 5 : 4);
  g_assert_cmpuint (changed.added, ==, have_uppercase () ? 5 : 4);
  g_assert_cmpuint (wasmplug_engine_get_plugin_errors (engine)->len, ==, G_N_ELEMENTS (bad_manifests) - 2);

  g_signal_handlers_disconnect_by_func (plugins, on_items_changed, &changed);
}

/* A search path made by the test: a plugin appears, one is broken, one
 * has an id an earlier search path already has. */
static void
test_discovery_changes (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autofree char *samples = sample_path (NULL);
  g_autofree char *dir = g_dir_make_tmp ("wasmplug-plugins-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename (dir, "extra", NULL);
  g_autofree char *extra = g_build_filename (sub, "extra.plugin", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.plugin", NULL);
  g_autofree char *dup = g_build_filename (dir, "greeter.plugin", NULL);
  g_autofree char *ignored = g_build_filename (dir, "notes.txt", NULL);
  GListModel *plugins = wasmplug_engine_get_plugins (engine);
  ItemsChanged changed = { 0 };
  GPtrArray *errors;
  GError *e;
  guint n_samples = have_uppercase () ? 3 : 2;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_true (g_file_set_contents (broken, "[Plugin]\nId=broken\n", -1, NULL));
  g_assert_true (g_file_set_contents (dup, "[Plugin]\nId=greeter\nName=Other greeter\nModule=x.wasm\n", -1, NULL));
  g_assert_true (g_file_set_contents (ignored, "not a manifest", -1, NULL));

  wasmplug_engine_add_search_path (engine, samples);
  wasmplug_engine_add_search_path (engine, dir);
  g_assert_cmpuint (g_list_model_get_n_items (plugins), ==, n_samples);
  /* The first search path keeps its greeter. */
  g_assert_cmpstr (wasmplug_plugin_info_get_name (wasmplug_engine_find_plugin (engine, "greeter")), ==, "Greeter");
  errors = wasmplug_engine_get_plugin_errors (engine);
  g_assert_cmpuint (errors->len, ==, 2);
  e = errors->pdata[0];   /* broken.plugin sorts first */
  g_assert_error (e, WASMPLUG_ERROR, WASMPLUG_ERROR_MANIFEST);
  g_assert_nonnull (strstr (e->message, "broken.plugin"));
  g_assert_nonnull (strstr (e->message, "“Name”"));
  e = errors->pdata[1];
  g_assert_error (e, WASMPLUG_ERROR, WASMPLUG_ERROR_MANIFEST);
  g_assert_nonnull (strstr (e->message, dup));
  g_assert_nonnull (strstr (e->message, "“greeter”"));

  /* A plugin is installed and the broken one fixed: rescan finds both. */
  g_signal_connect (plugins, "items-changed", G_CALLBACK (on_items_changed), &changed);
  g_assert_true (g_file_set_contents (extra, "[Plugin]\nId=extra\nName=Extra\nModule=extra.wasm\n", -1, NULL));
  g_assert_true (g_file_set_contents (broken, "[Plugin]\nId=broken\nName=Fixed\nModule=b.wasm\n", -1, NULL));
  wasmplug_engine_rescan_plugins (engine);
  g_assert_cmpuint (changed.emissions, ==, 1);
  g_assert_cmpuint (changed.removed, ==, n_samples);
  g_assert_cmpuint (changed.added, ==, n_samples + 2);
  g_assert_cmpuint (g_list_model_get_n_items (plugins), ==, n_samples + 2);
  g_assert_cmpstr (wasmplug_plugin_info_get_name (wasmplug_engine_find_plugin (engine, "broken")), ==, "Fixed");
  g_assert_nonnull (wasmplug_engine_find_plugin (engine, "extra"));
  g_assert_cmpuint (errors->len, ==, 1);   /* the duplicate greeter */

  /* It is removed again. */
  g_assert_cmpint (g_remove (extra), ==, 0);
  wasmplug_engine_rescan_plugins (engine);
  g_assert_cmpuint (changed.emissions, ==, 2);
  g_assert_null (wasmplug_engine_find_plugin (engine, "extra"));
  g_signal_handlers_disconnect_by_func (plugins, on_items_changed, &changed);

  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_remove (broken), ==, 0);
  g_assert_cmpint (g_remove (dup), ==, 0);
  g_assert_cmpint (g_remove (ignored), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_env_search_path (void)
{
  g_autofree char *samples = sample_path (NULL);
  g_autofree char *value = g_strjoin (G_SEARCHPATH_SEPARATOR_S, "", samples, "/nonexistent/plugins", NULL);
  g_autoptr(WasmplugEngine) engine = NULL;
  const char * const *paths;

  g_setenv ("WASMPLUG_PLUGIN_PATH", value, TRUE);
  engine = wasmplug_engine_new ();
  g_unsetenv ("WASMPLUG_PLUGIN_PATH");

  paths = wasmplug_engine_get_search_paths (engine);
  g_assert_cmpuint (g_strv_length ((char **) paths), ==, 2);
  g_assert_cmpstr (paths[0], ==, samples);
  g_assert_cmpstr (paths[1], ==, "/nonexistent/plugins");
  assert_samples_found (engine);
}

typedef struct
{
  GPtrArray *logged;
} LogData;

static GVariant *
on_log (WasmplugPlugin *plugin,
        const char     *name,
        GVariant       *args,
        gpointer        user_data)
{
  LogData *d = user_data;
  g_autoptr(GError) error = NULL;
  gint32 ptr, len;
  char *text;

  g_variant_get (args, "(ii)", &ptr, &len);
  text = wasmplug_plugin_read_string (plugin, (guint64) ptr, len, &error);
  g_assert_no_error (error);
  g_ptr_array_add (d->logged, text);
  return g_variant_new ("()");
}

static WasmplugPlugin *
load_sample (WasmplugEngine *engine,
             const char     *id)
{
  WasmplugPluginInfo *info = wasmplug_engine_find_plugin (engine, id);
  g_autoptr(GError) error = NULL;
  WasmplugPlugin *plugin;

  g_assert_nonnull (info);
  plugin = wasmplug_engine_load_plugin (engine, info, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (WASMPLUG_IS_PLUGIN (plugin));
  return plugin;
}

static WasmplugEngine *
sample_engine (void)
{
  WasmplugEngine *engine = wasmplug_engine_new ();
  g_autofree char *samples = sample_path (NULL);

  wasmplug_engine_add_search_path (engine, samples);
  return engine;
}

static void
test_load_greeter (void)
{
  g_autoptr(WasmplugEngine) engine = sample_engine ();
  g_autoptr(WasmplugPlugin) plugin = load_sample (engine, "greeter");
  g_autoptr(GPtrArray) logged = g_ptr_array_new_with_free_func (g_free);
  LogData d = { logged };
  g_autoptr(GVariant) r1 = NULL;
  g_autoptr(GVariant) r2 = NULL;
  g_autoptr(GError) error = NULL;
  WasmplugMode expected;

  /* The manifest prefers the fast interpreter. */
  expected = wasmplug_engine_supports_mode (engine, WASMPLUG_MODE_FAST_INTERP)
             ? WASMPLUG_MODE_FAST_INTERP : WASMPLUG_MODE_AUTO;
  g_assert_cmpint (wasmplug_plugin_get_mode (plugin), ==, expected);

  g_signal_connect (plugin, "host-call::env.log", G_CALLBACK (on_log), &d);
  r1 = wasmplug_plugin_call (plugin, "greet", g_variant_new ("(i)", 21), &error);
  g_assert_no_error (error);
  assert_variant_text (r1, "(42,)");
  g_assert_cmpuint (logged->len, ==, 1);
  g_assert_cmpstr (logged->pdata[0], ==, "Hello from Wasm!");

  r2 = wasmplug_plugin_call (plugin, "fib", g_variant_new ("(i)", 20), &error);
  g_assert_no_error (error);
  assert_variant_text (r2, "(6765,)");
  g_assert_cmpuint (logged->len, ==, 1);
}

static void
test_load_hostile (void)
{
  g_autoptr(WasmplugEngine) engine = sample_engine ();
  g_autoptr(WasmplugPlugin) plugin = load_sample (engine, "hostile");
  g_autoptr(GVariant) r1 = NULL;
  g_autoptr(GVariant) r2 = NULL;
  g_autoptr(GVariant) bomb = NULL;
  g_autoptr(GError) error = NULL;
  WasmplugSandbox *sandbox;

  /* The manifest's MaxMemoryPages reached the plugin's sandbox. */
  sandbox = wasmplug_plugin_get_sandbox (plugin);
  g_assert_nonnull (sandbox);
  g_assert_cmpuint (wasmplug_sandbox_get_max_memory_pages (sandbox), ==, 16);
  if (wasmplug_engine_supports_mode (engine, WASMPLUG_MODE_CLASSIC_INTERP))
    g_assert_cmpint (wasmplug_plugin_get_mode (plugin), ==, WASMPLUG_MODE_CLASSIC_INTERP);

  r1 = wasmplug_plugin_call (plugin, "ok", NULL, &error);
  g_assert_no_error (error);
  assert_variant_text (r1, "(42,)");

  /* The memory bomb stops at the manifest's limit; the plugin goes on. */
  bomb = wasmplug_plugin_call (plugin, "bomb", NULL, &error);
  g_assert_null (bomb);
  g_assert_nonnull (error);
  g_assert_true (error->domain == WASMPLUG_ERROR);
  g_test_message ("bomb: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (wasmplug_plugin_get_memory_size (plugin), <=, 16 * 65536);

  r2 = wasmplug_plugin_call (plugin, "ok", NULL, &error);
  g_assert_no_error (error);
  assert_variant_text (r2, "(42,)");
}

static void
test_load_uppercase (void)
{
  g_autoptr(WasmplugEngine) engine = NULL;
  g_autoptr(WasmplugPlugin) plugin = NULL;
  g_autoptr(GPtrArray) logged = g_ptr_array_new_with_free_func (g_free);
  LogData d = { logged };
  g_autoptr(GVariant) ptr = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *input = "Hello, Wasm!";
  gint32 in_ptr, out_ptr;

  if (!have_uppercase ())
    {
      g_test_skip ("uppercase not built (no clang-19 with wasi-libc)");
      return;
    }
  engine = sample_engine ();
  plugin = load_sample (engine, "uppercase");
  g_signal_connect (plugin, "host-call::env.log", G_CALLBACK (on_log), &d);

  ptr = wasmplug_plugin_call (plugin, "alloc", g_variant_new ("(i)", (gint32) strlen (input)), &error);
  g_assert_no_error (error);
  g_variant_get (ptr, "(i)", &in_ptr);
  g_assert_cmpint (in_ptr, >, 0);
  wasmplug_plugin_write_string (plugin, (guint64) in_ptr, input, &error);
  g_assert_no_error (error);
  result = wasmplug_plugin_call (plugin, "transform",
                                 g_variant_new ("(ii)", in_ptr, (gint32) strlen (input)), &error);
  g_assert_no_error (error);
  g_variant_get (result, "(i)", &out_ptr);
  g_assert_cmpint (out_ptr, >, 0);
  text = wasmplug_plugin_read_string (plugin, (guint64) out_ptr, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "HELLO, WASM!");
  g_assert_cmpuint (logged->len, ==, 1);
  g_assert_cmpstr (logged->pdata[0], ==, "uppercase: 12 bytes");
}

static void
test_load_with_sandbox (void)
{
  g_autoptr(WasmplugEngine) engine = sample_engine ();
  WasmplugPluginInfo *info = wasmplug_engine_find_plugin (engine, "hostile");
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
  g_autoptr(WasmplugPlugin) plugin = NULL;
  g_autoptr(GError) error = NULL;

  /* The application's own sandbox replaces the manifest's requests. */
  wasmplug_sandbox_set_max_memory_pages (sandbox, 4);
  plugin = wasmplug_engine_load_plugin (engine, info, sandbox, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wasmplug_sandbox_get_max_memory_pages (wasmplug_plugin_get_sandbox (plugin)), ==, 4);
}

static void
test_load_errors (void)
{
  g_autoptr(WasmplugEngine) engine = sample_engine ();
  g_autofree char *path = manifest_path ("minimal.plugin");
  g_autoptr(WasmplugPluginInfo) minimal = read_info (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(WasmplugPlugin) p1 = NULL;
  g_autoptr(WasmplugPlugin) p2 = NULL;
  g_autoptr(GError) error = NULL;

  /* The module is not there: GIO's NOT_FOUND, naming the plugin. */
  p1 = wasmplug_engine_load_plugin (engine, minimal, NULL, NULL, &error);
  g_assert_null (p1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“minimal”"));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  p2 = wasmplug_engine_load_plugin (engine, wasmplug_engine_find_plugin (engine, "greeter"),
                                    NULL, cancellable, &error);
  g_assert_null (p2);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  /* Tests choose their languages and search paths themselves. */
  g_unsetenv ("WASMPLUG_PLUGIN_PATH");
  g_unsetenv ("LANGUAGE");
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plugin-info/samples", test_samples);
  g_test_add_func ("/plugin-info/localised", test_localised);
  g_test_add_func ("/plugin-info/full", test_full_manifest);
  g_test_add_func ("/plugin-info/minimal", test_minimal_manifest);
  g_test_add_func ("/plugin-info/bad", test_bad_manifests);
  g_test_add_func ("/plugin-info/unreadable", test_unreadable);
  g_test_add_func ("/plugin-info/discovery/search-paths", test_discovery);
  g_test_add_func ("/plugin-info/discovery/rescan", test_discovery_changes);
  g_test_add_func ("/plugin-info/discovery/env", test_env_search_path);
  g_test_add_func ("/plugin-info/load/greeter", test_load_greeter);
  g_test_add_func ("/plugin-info/load/hostile", test_load_hostile);
  g_test_add_func ("/plugin-info/load/uppercase", test_load_uppercase);
  g_test_add_func ("/plugin-info/load/sandbox", test_load_with_sandbox);
  g_test_add_func ("/plugin-info/load/errors", test_load_errors);

  return g_test_run ();
}
