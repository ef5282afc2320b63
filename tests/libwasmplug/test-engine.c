/* WasmplugEngine and WasmplugModule: modes, loading, errors, interface. */
#include <string.h>

#include <glib/gstdio.h>

#include "test-common.h"

static void
test_engine_modes_supported (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autofree WasmplugMode *modes = NULL;
  gsize n = 0;
  GEnumClass *klass = g_type_class_ref (WASMPLUG_TYPE_MODE);

  modes = wasmplug_engine_get_supported_modes (engine, &n);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpint (modes[0], ==, WASMPLUG_MODE_AUTO);
  for (gsize i = 0; i < n; i++)
    g_assert_true (wasmplug_engine_supports_mode (engine, modes[i]));
  /* Every mode is either listed or reported unsupported. */
  for (WasmplugMode m = WASMPLUG_MODE_AUTO; m <= WASMPLUG_MODE_AOT; m++)
    {
      gboolean listed = FALSE;

      for (gsize i = 0; i < n; i++)
        listed |= modes[i] == m;
      g_assert_cmpint (listed, ==, wasmplug_engine_supports_mode (engine, m));
    }

  /* The nicks GJS and settings use. */
  g_assert_cmpstr (g_enum_get_value (klass, WASMPLUG_MODE_CLASSIC_INTERP)->value_nick, ==,
                   "classic-interp");
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "multi-tier-jit")->value, ==,
                   WASMPLUG_MODE_MULTI_TIER_JIT);
  g_assert_cmpstr (wasmplug_mode_to_nick (WASMPLUG_MODE_FAST_INTERP), ==, "fast-interp");
  g_type_class_unref (klass);
}

static void
test_engine_default_mode (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GError) error = NULL;
  WasmplugMode mode;
  guint notified = 0;

  g_signal_connect (engine, "notify::default-mode", G_CALLBACK (count_notify), &notified);
  g_assert_cmpint (wasmplug_engine_get_default_mode (engine), ==, WASMPLUG_MODE_AUTO);

  g_assert_true (wasmplug_engine_set_default_mode (engine, WASMPLUG_MODE_CLASSIC_INTERP, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 1);
  /* Setting the same value again does not notify (explicit notify). */
  g_object_set (engine, "default-mode", WASMPLUG_MODE_CLASSIC_INTERP, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (engine, "default-mode", &mode, NULL);
  g_assert_cmpint (mode, ==, WASMPLUG_MODE_CLASSIC_INTERP);

  /* An unsupported mode is an error; the old mode stays. */
  WasmplugMode unsupported = WASMPLUG_MODE_AUTO;
  for (WasmplugMode m = WASMPLUG_MODE_AUTO; m <= WASMPLUG_MODE_AOT; m++)
    if (!wasmplug_engine_supports_mode (engine, m))
      unsupported = m;
  if (unsupported == WASMPLUG_MODE_AUTO)
    {
      g_test_skip ("every mode is built");
      return;
    }
  g_assert_false (wasmplug_engine_set_default_mode (engine, unsupported, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_UNSUPPORTED_MODE);
  g_assert_cmpint (wasmplug_engine_get_default_mode (engine), ==, WASMPLUG_MODE_CLASSIC_INTERP);
  g_assert_cmpuint (notified, ==, 1);

  /* Through the property, as for a plugin's mode: no warning (fatal
   * here), the old mode stays and a notify lets bindings show it again. */
  g_object_set (engine, "default-mode", WASMPLUG_MODE_AOT, NULL);
  g_assert_cmpint (wasmplug_engine_get_default_mode (engine), ==, WASMPLUG_MODE_CLASSIC_INTERP);
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_engine_default_mode_plugins (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = test_instantiate (engine, "plugin");
  g_autoptr(GError) error = NULL;
  gsize n;
  g_autofree WasmplugMode *modes = wasmplug_engine_get_supported_modes (engine, &n);

  /* A plugin in AUTO follows the engine's default mode, call by call. */
  g_assert_cmpint (wasmplug_plugin_get_mode (plugin), ==, WASMPLUG_MODE_AUTO);
  for (gsize i = 1; i < n; i++)
    {
      g_autoptr(GVariant) result = NULL;

      /* the module was loaded without AOT code: /engine/aot/cache has it */
      if (modes[i] == WASMPLUG_MODE_AOT)
        continue;
      g_assert_true (wasmplug_engine_set_default_mode (engine, modes[i], &error));
      g_assert_cmpint (wasmplug_plugin_get_effective_mode (plugin), ==, modes[i]);
      result = wasmplug_plugin_call (plugin, "fib", g_variant_new ("(i)", 20), &error);
      g_assert_no_error (error);
      assert_variant_text (result, "(6765,)");
    }
  g_assert_cmpint (wasmplug_plugin_get_effective_mode (plugin), !=, WASMPLUG_MODE_AUTO);
}

/* The AOT code cache: with the engine's default mode AOT, the second load
 * of a module finds its code in the cache (where the build can compile;
 * otherwise the module simply runs as before). */
static void
test_engine_aot_cache (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wp-engine-cache-XXXXXX", NULL);
  g_autofree char *expected_default = g_build_filename (g_get_user_cache_dir (), "wasmplug", NULL);
  g_autofree char *cache_dir = NULL;
  guint64 max = 1;
  GStatBuf first, again;
  g_autofree char *entry = NULL;

  g_object_get (engine, "cache-dir", &cache_dir, "cache-max-size", &max, NULL);
  g_assert_cmpstr (cache_dir, ==, expected_default);
  if (!wasmplug_engine_supports_mode (engine, WASMPLUG_MODE_AOT))
    {
      /* the cache's properties exist in every build; filling it needs AOT */
      g_rmdir (dir);
      g_test_skip ("this build has no AOT");
      return;
    }
  g_assert_cmpuint (max, ==, 0);
  g_object_set (engine, "cache-dir", dir, NULL);
  g_assert_true (wasmplug_engine_set_default_mode (engine, WASMPLUG_MODE_AOT, &error));

  for (int round = 0; round < 2; round++)
    {
      g_autoptr(WasmplugPlugin) plugin = test_instantiate (engine, "plugin");
      g_autoptr(GVariant) result = call_ok (plugin, "fib", g_variant_new ("(i)", 20));
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name = g_dir_read_name (d);

      assert_variant_text (result, "(6765,)");
      if (name == NULL)
        {
          /* no compiler in this build: nothing cached, the plugin ran anyway */
          g_assert_cmpint (wasmplug_plugin_get_effective_mode (plugin), !=, WASMPLUG_MODE_AOT);
          continue;
        }
      g_assert_cmpint (wasmplug_plugin_get_effective_mode (plugin), ==, WASMPLUG_MODE_AOT);
      g_assert_true (g_str_has_suffix (name, ".aot"));
      g_assert_null (g_dir_read_name (d)); /* one entry */
      if (round == 0)
        {
          entry = g_build_filename (dir, name, NULL);
          g_assert_cmpint (g_stat (entry, &first), ==, 0);
        }
      else
        {
          /* the same file: found, not compiled and written again */
          g_assert_cmpint (g_stat (entry, &again), ==, 0);
          g_assert_cmpuint (first.st_ino, ==, again.st_ino);
          g_unlink (entry);
        }
    }
  g_rmdir (dir);
}

static void
test_engine_load_bytes (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GFile) file = test_module_file ("plugin");
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WasmplugModule) module = NULL;

  g_assert_nonnull (bytes);
  module = wasmplug_engine_load_module (engine, bytes, &error);
  g_assert_no_error (error);
  g_assert_true (WASMPLUG_IS_MODULE (module));
  g_assert_true (wasmplug_module_get_engine (module) == engine);
}

static void
test_engine_load_errors (void)
{
  /* () -> i32 returning an i64: decodes, fails validation. */
  static const guint8 invalid[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
    0x03, 0x02, 0x01, 0x00,
    0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x01, 0x0b,
  };
  static const guint8 garbage[] = { 'n', 'o', 't', ' ', 'w', 'a', 's', 'm' };
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GBytes) bad = g_bytes_new_static (garbage, sizeof garbage);
  g_autoptr(GBytes) wrong = g_bytes_new_static (invalid, sizeof invalid);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/wasmplug/none.wasm");
  g_autoptr(GError) error = NULL;

  g_assert_null (wasmplug_engine_load_module (engine, bad, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LOAD);
  g_test_message ("garbage: %s", error->message);
  g_clear_error (&error);

  g_assert_null (wasmplug_engine_load_module (engine, empty, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LOAD);
  g_clear_error (&error);

  g_assert_null (wasmplug_engine_load_module (engine, wrong, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_VALIDATION);
  g_test_message ("invalid: %s", error->message);
  g_assert_nonnull (strstr (error->message, "type mismatch"));
  g_clear_error (&error);

  g_assert_null (wasmplug_engine_load_module_from_file (engine, missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

typedef struct
{
  GMainLoop *loop;
  WasmplugModule *module;
  GError *error;
} AsyncData;

static void
loaded (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  AsyncData *data = user_data;

  data->module = wasmplug_engine_load_module_finish (WASMPLUG_ENGINE (source), result,
                                                     &data->error);
  g_main_loop_quit (data->loop);
}

static void
test_engine_load_async (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GFile) file = test_module_file ("plugin");
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/wasmplug/none.wasm");
  AsyncData data = { g_main_loop_new (NULL, FALSE), NULL, NULL };

  wasmplug_engine_load_module_async (engine, file, NULL, loaded, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_true (WASMPLUG_IS_MODULE (data.module));
  g_clear_object (&data.module);

  wasmplug_engine_load_module_async (engine, missing, NULL, loaded, &data);
  g_main_loop_run (data.loop);
  g_assert_null (data.module);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&data.error);
  g_main_loop_unref (data.loop);
}

static void
test_module_interface (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugModule) module = test_load_module (engine, "plugin");
  g_autoptr(GPtrArray) imports = wasmplug_module_get_imports (module);
  g_autoptr(GPtrArray) exports = wasmplug_module_get_exports (module);
  WasmplugImport *import;
  WasmplugExport *export;

  g_assert_cmpuint (imports->len, ==, 4);
  import = g_ptr_array_index (imports, 1);
  g_assert_cmpstr (wasmplug_import_get_module (import), ==, "env");
  g_assert_cmpstr (wasmplug_import_get_name (import), ==, "add");
  g_assert_cmpint (wasmplug_import_get_kind (import), ==, WASMPLUG_EXTERN_FUNCTION);
  assert_type_text (wasmplug_import_get_params_type (import), "(ix)");
  assert_type_text (wasmplug_import_get_results_type (import), "(x)");
  import = g_ptr_array_index (imports, 3);
  assert_type_text (wasmplug_import_get_params_type (import), "(d)");

  g_assert_cmpuint (exports->len, >=, 10);
  export = g_ptr_array_index (exports, 0);
  g_assert_cmpstr (wasmplug_export_get_name (export), ==, "memory");
  g_assert_cmpint (wasmplug_export_get_kind (export), ==, WASMPLUG_EXTERN_MEMORY);
  g_assert_null (wasmplug_export_get_params_type (export));

  export = wasmplug_module_lookup_export (module, "pair");
  g_assert_nonnull (export);
  assert_type_text (wasmplug_export_get_params_type (export), "(i)");
  assert_type_text (wasmplug_export_get_results_type (export), "(ix)");
  export = wasmplug_module_lookup_export (module, "counter");
  g_assert_cmpint (wasmplug_export_get_kind (export), ==, WASMPLUG_EXTERN_GLOBAL);
  g_assert_null (wasmplug_module_lookup_export (module, "no-such-export"));

  /* Boxed types for bindings. */
  g_assert_true (G_TYPE_IS_BOXED (WASMPLUG_TYPE_IMPORT));
  g_assert_true (G_TYPE_IS_BOXED (WASMPLUG_TYPE_EXPORT));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/modes/supported", test_engine_modes_supported);
  g_test_add_func ("/engine/default-mode/property", test_engine_default_mode);
  g_test_add_func ("/engine/default-mode/plugins", test_engine_default_mode_plugins);
  g_test_add_func ("/engine/load/bytes", test_engine_load_bytes);
  g_test_add_func ("/engine/aot/cache", test_engine_aot_cache);
  g_test_add_func ("/engine/load/errors", test_engine_load_errors);
  g_test_add_func ("/engine/load/async", test_engine_load_async);
  g_test_add_func ("/module/interface", test_module_interface);

  return g_test_run ();
}
