/* Helpers of the libwasmplug tests. */
#pragma once

#include <wasmplug.h>

/* The test module NAME.wasm built from tests/libwasmplug/NAME.wat. */
static inline GFile *
test_module_file (const char *name)
{
  const char *dir = g_getenv ("WP_TEST_LIBWASMPLUG_DIR");
  g_autofree char *base = g_strconcat (name, ".wasm", NULL);
  g_autofree char *path = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, base, NULL);
  return g_file_new_for_path (path);
}

static inline WasmplugModule *
test_load_module (WasmplugEngine *engine,
                  const char     *name)
{
  g_autoptr(GFile) file = test_module_file (name);
  g_autoptr(GError) error = NULL;
  WasmplugModule *module;

  module = wasmplug_engine_load_module_from_file (engine, file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (module);
  return module;
}

static inline WasmplugPlugin *
test_instantiate (WasmplugEngine *engine,
                  const char     *name)
{
  g_autoptr(WasmplugModule) module = test_load_module (engine, name);
  g_autoptr(GError) error = NULL;
  WasmplugPlugin *plugin;

  plugin = wasmplug_module_instantiate (module, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plugin);
  return plugin;
}

/* Calls an export that must succeed; its results. */
static inline GVariant *
call_ok (WasmplugPlugin *plugin,
         const char     *name,
         GVariant       *args)
{
  g_autoptr(GError) error = NULL;
  GVariant *result = wasmplug_plugin_call (plugin, name, args, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_false (g_variant_is_floating (result));
  return result;
}

/* Calls an export that must succeed with one i32 result. */
static inline gint32
call_i32 (WasmplugPlugin *plugin,
          const char     *name,
          GVariant       *args)
{
  g_autoptr(GVariant) result = call_ok (plugin, name, args);
  gint32 value;

  g_variant_get (result, "(i)", &value);
  return value;
}

static inline void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

static inline void
assert_variant_text (GVariant   *value,
                     const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (value);
  text = g_variant_print (value, TRUE);
  g_assert_cmpstr (text, ==, expected);
}

static inline void
assert_type_text (const GVariantType *type,
                  const char         *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (type);
  text = g_variant_type_dup_string (type);
  g_assert_cmpstr (text, ==, expected);
}
