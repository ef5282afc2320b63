/* WasmplugSandbox: WASI grants (none by default, directories read-write
 * and read-only, environment, arguments, stdin) and the limits fixed at
 * instantiation (memory pages, stack size). */
#include <glib/gstdio.h>
#include <string.h>

#include "test-common.h"

static WasmplugPlugin *
instantiate_with (WasmplugEngine  *engine,
                  const char      *name,
                  WasmplugSandbox *sandbox,
                  GError         **error)
{
  g_autoptr(WasmplugModule) module = test_load_module (engine, name);

  return wasmplug_module_instantiate_with_sandbox (module, sandbox, error);
}


static void
test_sandbox_properties (void)
{
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
  g_autoptr(GFile) dir = g_file_new_for_path ("/tmp");
  g_auto(GStrv) env = NULL;
  const char *args[] = { "tool", "-v", NULL };
  const char *guest;
  GFile *host;
  gboolean read_only;
  guint notified = 0;

  g_assert_cmpuint (wasmplug_sandbox_get_max_memory_pages (sandbox), ==, 0);
  g_assert_cmpuint (wasmplug_sandbox_get_stack_size (sandbox), ==, 0);
  g_assert_cmpuint (wasmplug_sandbox_get_n_directories (sandbox), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) wasmplug_sandbox_get_args (sandbox)), ==, 0);

  g_signal_connect (sandbox, "notify::max-memory-pages", G_CALLBACK (count_notify), &notified);
  g_object_set (sandbox, "max-memory-pages", 16, NULL);
  wasmplug_sandbox_set_max_memory_pages (sandbox, 16); /* no change, no notify */
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (wasmplug_sandbox_get_max_memory_pages (sandbox), ==, 16);
  wasmplug_sandbox_set_stack_size (sandbox, 65536);
  g_assert_cmpuint (wasmplug_sandbox_get_stack_size (sandbox), ==, 65536);

  wasmplug_sandbox_add_directory (sandbox, "/data", dir, TRUE);
  g_assert_cmpuint (wasmplug_sandbox_get_n_directories (sandbox), ==, 1);
  wasmplug_sandbox_get_directory (sandbox, 0, &guest, &host, &read_only);
  g_assert_cmpstr (guest, ==, "/data");
  g_assert_true (g_file_equal (host, dir));
  g_assert_true (read_only);

  wasmplug_sandbox_set_env (sandbox, "A", "1");
  wasmplug_sandbox_set_env (sandbox, "B", "2");
  wasmplug_sandbox_set_env (sandbox, "A", "3");   /* replaces */
  wasmplug_sandbox_set_env (sandbox, "C", "4");
  wasmplug_sandbox_set_env (sandbox, "C", NULL);  /* removes */
  env = wasmplug_sandbox_get_environ (sandbox);
  g_assert_cmpuint (g_strv_length (env), ==, 2);
  g_assert_cmpstr (env[0], ==, "B=2");
  g_assert_cmpstr (env[1], ==, "A=3");

  wasmplug_sandbox_set_args (sandbox, args);
  g_assert_cmpstr (wasmplug_sandbox_get_args (sandbox)[1], ==, "-v");
  wasmplug_sandbox_set_args (sandbox, NULL);
  g_assert_null (wasmplug_sandbox_get_args (sandbox)[0]);
}

/* Without a sandbox a plugin has no file system, environment or
 * arguments, and reads end of file from stdin. */
static void
test_sandbox_nothing_granted (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = test_instantiate (engine, "wasi");
  g_autoptr(WasmplugSandbox) sandbox = NULL;

  g_object_get (plugin, "sandbox", &sandbox, NULL);
  g_assert_nonnull (sandbox);
  /* The reactor's _initialize ran once, before the first call. */
  g_assert_cmpint (call_i32 (plugin, "initialized", NULL), ==, 1);
  g_assert_cmpint (call_i32 (plugin, "initialized", NULL), ==, 1);
  g_assert_cmpint (call_i32 (plugin, "prestat", g_variant_new ("(i)", 3)), ==, 8 /* EBADF */);
  g_assert_cmpint (call_i32 (plugin, "environ_count", NULL), ==, 0);
  g_assert_cmpint (call_i32 (plugin, "args_count", NULL), ==, 0);
  g_assert_cmpint (call_i32 (plugin, "write_file", NULL), ==, 8 /* EBADF */);
  g_assert_cmpint (call_i32 (plugin, "read_stdin", NULL), ==, 0);
}

static void
test_sandbox_directories (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autofree char *root = g_dir_make_tmp ("wasmplug-sandbox-XXXXXX", NULL);
  g_autofree char *rw_path = g_build_filename (root, "rw", NULL);
  g_autofree char *ro_path = g_build_filename (root, "ro", NULL);
  g_autofree char *written = g_build_filename (rw_path, "out.txt", NULL);
  g_autofree char *not_written = g_build_filename (ro_path, "out.txt", NULL);
  g_autoptr(GFile) rw = g_file_new_for_path (rw_path);
  g_autoptr(GFile) ro = g_file_new_for_path (ro_path);
  g_autoptr(WasmplugSandbox) writable = wasmplug_sandbox_new ();
  g_autoptr(WasmplugSandbox) read_only = wasmplug_sandbox_new ();
  g_autoptr(WasmplugPlugin) writer = NULL;
  g_autoptr(WasmplugPlugin) reader = NULL;
  g_autoptr(WasmplugPlugin) dirname = NULL;
  g_autoptr(GBytes) name = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_nonnull (root);
  g_assert_cmpint (g_mkdir (rw_path, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (ro_path, 0700), ==, 0);

  wasmplug_sandbox_add_directory (writable, "/data", rw, FALSE);
  writer = instantiate_with (engine, "wasi", writable, &error);
  g_assert_no_error (error);
  g_assert_cmpint (call_i32 (writer, "prestat", g_variant_new ("(i)", 3)), ==, 0);
  g_assert_cmpint (call_i32 (writer, "prestat", g_variant_new ("(i)", 4)), ==, 8);
  g_assert_cmpint (call_i32 (writer, "dir_name", g_variant_new ("(i)", 3)), ==, 5);
  name = wasmplug_plugin_read_memory (writer, 512, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (name, NULL), 5, "/data", 5);
  g_assert_cmpint (call_i32 (writer, "write_file", NULL), ==, 0);
  g_assert_true (g_file_get_contents (written, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "written by wasm\n");

  wasmplug_sandbox_add_directory (read_only, "/data", ro, TRUE);
  reader = instantiate_with (engine, "wasi", read_only, &error);
  g_assert_no_error (error);
  g_assert_cmpint (call_i32 (reader, "write_file", NULL), ==, 76 /* ENOTCAPABLE */);
  g_assert_false (g_file_test (not_written, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_remove (written), ==, 0);
  g_assert_cmpint (g_rmdir (rw_path), ==, 0);
  g_assert_cmpint (g_rmdir (ro_path), ==, 0);
  g_assert_cmpint (g_rmdir (root), ==, 0);
}

static void
test_sandbox_missing_directory (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/wasmplug-test");
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WasmplugPlugin) plugin = NULL;

  wasmplug_sandbox_add_directory (sandbox, "/data", missing, FALSE);
  plugin = instantiate_with (engine, "wasi", sandbox, &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LINK);
  g_assert_null (plugin);
  g_assert_nonnull (strstr (error->message, "/data"));
}

static void
test_sandbox_environment (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
  g_autoptr(WasmplugPlugin) plugin = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "plugin", "one", "two", NULL };

  wasmplug_sandbox_set_env (sandbox, "LANG", "C.UTF-8");
  wasmplug_sandbox_set_env (sandbox, "MODE", "test");
  wasmplug_sandbox_set_args (sandbox, args);
  plugin = instantiate_with (engine, "wasi", sandbox, &error);
  g_assert_no_error (error);
  g_assert_cmpint (call_i32 (plugin, "environ_count", NULL), ==, 2);
  g_assert_cmpint (call_i32 (plugin, "args_count", NULL), ==, 3);
  g_assert_true (wasmplug_plugin_get_sandbox (plugin) == sandbox);
}

static void
test_sandbox_memory_limit (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
  g_autoptr(WasmplugPlugin) plugin = NULL;
  g_autoptr(WasmplugPlugin) big = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;

  wasmplug_sandbox_set_max_memory_pages (sandbox, 3);
  plugin = instantiate_with (engine, "limits", sandbox, &error);
  g_assert_no_error (error);
  g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 1)), ==, 1);
  g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 1)), ==, 2);
  g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 1)), ==, -1);
  g_assert_cmpuint (wasmplug_plugin_get_memory_size (plugin), ==, 3 * 65536);

  /* The memory bomb is stopped by the limit and says so. */
  result = wasmplug_plugin_call (plugin, "bomb", NULL, &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "3 pages"));
  g_clear_error (&error);
  g_assert_cmpint (call_i32 (plugin, "ok", NULL), ==, 42);

  /* A module whose memory starts above the limit is refused. */
  wasmplug_sandbox_set_max_memory_pages (sandbox, 2);
  big = instantiate_with (engine, "bigmem", sandbox, &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_null (big);
}

/* max-table-elements caps table.grow and refuses larger tables, in every
 * mode of the build; the default cap (10,000,000) holds without it. */
static void
test_sandbox_table_limit (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
  g_autoptr(GError) error = NULL;
  guint elements = 0;
  int modes = 0;

  g_assert_cmpuint (wasmplug_sandbox_get_max_table_elements (sandbox), ==, 0);
  wasmplug_sandbox_set_max_table_elements (sandbox, 1000);
  g_object_get (sandbox, "max-table-elements", &elements, NULL);
  g_assert_cmpuint (elements, ==, 1000);

  for (WasmplugMode mode = WASMPLUG_MODE_CLASSIC_INTERP; mode <= WASMPLUG_MODE_AOT; mode++)
    {
      g_autoptr(WasmplugPlugin) plugin = NULL;
      g_autoptr(WasmplugPlugin) refused = NULL;
      g_autoptr(WasmplugPlugin) free_plugin = NULL;

      if (!wasmplug_engine_supports_mode (engine, mode))
        continue;
      modes++;
      wasmplug_sandbox_set_max_table_elements (sandbox, 1000);
      plugin = instantiate_with (engine, "tables", sandbox, &error);
      g_assert_no_error (error);
      g_object_set (plugin, "mode", mode, NULL);
      g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 990)), ==, 10);
      g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 1)), ==, -1);
      g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 0x10000000)), ==, -1);
      g_assert_cmpint (call_i32 (plugin, "size", NULL), ==, 1000);

      /* The second table starts with 100 elements: above a cap of 50. */
      wasmplug_sandbox_set_max_table_elements (sandbox, 50);
      refused = instantiate_with (engine, "tables", sandbox, &error);
      g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
      g_assert_nonnull (strstr (error->message, "exceeds the limit of 50 elements"));
      g_assert_null (refused);
      g_clear_error (&error);

      /* Without a sandbox limit, the engine's cap: 2^28 elements (2 GiB of
       * references) are refused at once, with nothing allocated. */
      free_plugin = instantiate_with (engine, "tables", NULL, &error);
      g_assert_no_error (error);
      g_object_set (free_plugin, "mode", mode, NULL);
      g_assert_cmpint (call_i32 (free_plugin, "grow", g_variant_new ("(i)", 0x10000000)), ==, -1);
      g_assert_cmpint (call_i32 (free_plugin, "grow", g_variant_new ("(i)", 10000000 - 9)), ==, -1);
      g_assert_cmpint (call_i32 (free_plugin, "size", NULL), ==, 10);
    }
  g_assert_cmpint (modes, >, 0);
}

static void
test_sandbox_stack_size (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugSandbox) small = wasmplug_sandbox_new ();
  g_autoptr(WasmplugPlugin) plugin = NULL;
  g_autoptr(WasmplugPlugin) fib = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;

  wasmplug_sandbox_set_stack_size (small, 64 * 1024);
  plugin = instantiate_with (engine, "limits", small, &error);
  g_assert_no_error (error);
  result = wasmplug_plugin_call (plugin, "recurse", g_variant_new ("(i)", 0), &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "stack"));
  g_clear_error (&error);
  g_assert_cmpint (call_i32 (plugin, "ok", NULL), ==, 42);

  /* The default stack takes real recursion. */
  fib = instantiate_with (engine, "plugin", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (call_i32 (fib, "fib", g_variant_new ("(i)", 20)), ==, 6765);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox/properties", test_sandbox_properties);
  g_test_add_func ("/sandbox/nothing-granted", test_sandbox_nothing_granted);
  g_test_add_func ("/sandbox/directories", test_sandbox_directories);
  g_test_add_func ("/sandbox/missing-directory", test_sandbox_missing_directory);
  g_test_add_func ("/sandbox/environment", test_sandbox_environment);
  g_test_add_func ("/sandbox/memory-limit", test_sandbox_memory_limit);
  g_test_add_func ("/sandbox/stack-size", test_sandbox_stack_size);
  g_test_add_func ("/sandbox/table-limit", test_sandbox_table_limit);

  return g_test_run ();
}
