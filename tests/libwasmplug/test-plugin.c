/* WasmplugPlugin: calls with GVariant values, traps, modes, memory. */
#include <string.h>

#include "test-common.h"

typedef struct
{
  WasmplugEngine *engine;
  WasmplugPlugin *plugin;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->engine = wasmplug_engine_new ();
  f->plugin = test_instantiate (f->engine, "plugin");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->plugin);
  g_clear_object (&f->engine);
}


static void
test_call_types (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GVariant) r1 = call_ok (f->plugin, "add", g_variant_new ("(ii)", 40, 2));
  g_autoptr(GVariant) r2 = call_ok (f->plugin, "add", g_variant_new ("(uu)", 0xffffffffu, 2u));
  g_autoptr(GVariant) r3 = call_ok (f->plugin, "add64",
                                    g_variant_new ("(xx)", G_GINT64_CONSTANT (1) << 40, (gint64) -1));
  g_autoptr(GVariant) r4 = call_ok (f->plugin, "add64", g_variant_new ("(tt)", G_MAXUINT64, (guint64) 1));
  g_autoptr(GVariant) r5 = call_ok (f->plugin, "mulf", g_variant_new ("(dd)", 1.5, 0.1));
  g_autoptr(GVariant) r6 = call_ok (f->plugin, "mul", g_variant_new ("(dd)", 1.5, 0.1));
  g_autoptr(GVariant) r7 = call_ok (f->plugin, "nothing", NULL);
  g_autoptr(GVariant) r8 = call_ok (f->plugin, "nothing", g_variant_new ("()"));
  g_autoptr(GVariant) r9 = call_ok (f->plugin, "pair", g_variant_new ("(i)", -7));
  g_autoptr(GVariant) r10 = call_ok (f->plugin, "fib", g_variant_new ("(i)", 20));
  g_autoptr(GVariant) args = g_variant_ref_sink (g_variant_new ("(ii)", 1, 2));
  g_autoptr(GVariant) r11 = call_ok (f->plugin, "add", args);
  double d;

  assert_variant_text (r1, "(42,)");
  assert_variant_text (r2, "(1,)");
  assert_variant_text (r3, "(int64 1099511627775,)");
  assert_variant_text (r4, "(int64 0,)");
  g_variant_get (r5, "(d)", &d);
  g_assert_cmpfloat (d, ==, (double) (1.5f * 0.1f));
  g_assert_cmpfloat (d, !=, 1.5 * 0.1);
  g_variant_get (r6, "(d)", &d);
  g_assert_cmpfloat (d, ==, 1.5 * 0.1);
  assert_variant_text (r7, "()");
  assert_variant_text (r8, "()");
  assert_variant_text (r9, "(-7, int64 -7)");
  assert_variant_text (r10, "(6765,)");
  /* A non-floating argument is not consumed. */
  assert_variant_text (r11, "(3,)");
  g_assert_false (g_variant_is_floating (args));
}

static void
test_call_bad_arguments (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ok = NULL;

  g_assert_null (wasmplug_plugin_call (f->plugin, "no-such", NULL, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Not a function. */
  g_assert_null (wasmplug_plugin_call (f->plugin, "memory", NULL, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Arity. */
  g_assert_null (wasmplug_plugin_call (f->plugin, "add", g_variant_new ("(i)", 1), &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_null (wasmplug_plugin_call (f->plugin, "add", g_variant_new ("(iii)", 1, 2, 3), &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (wasmplug_plugin_call (f->plugin, "add", NULL, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Not a tuple. */
  g_assert_null (wasmplug_plugin_call (f->plugin, "fib", g_variant_new_int32 (3), &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Types. */
  g_assert_null (wasmplug_plugin_call (f->plugin, "add", g_variant_new ("(ix)", 1, (gint64) 2), &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Argument 2"));
  g_clear_error (&error);
  g_assert_null (wasmplug_plugin_call (f->plugin, "add64", g_variant_new ("(ii)", 1, 2), &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (wasmplug_plugin_call (f->plugin, "mul", g_variant_new ("(ds)", 1.0, "x"), &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  ok = call_ok (f->plugin, "add", g_variant_new ("(ii)", 1, 2));
  assert_variant_text (ok, "(3,)");
}

static void
test_call_trap (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GVariant) ok = NULL;

      g_assert_null (wasmplug_plugin_call (f->plugin, "div", g_variant_new ("(ii)", 1, 0), &error));
      g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_TRAP);
      g_assert_cmpstr (error->message, ==, "integer divide by zero");
      g_clear_error (&error);

      g_assert_null (wasmplug_plugin_call (f->plugin, "div",
                                           g_variant_new ("(ii)", G_MININT32, -1), &error));
      g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_TRAP);
      g_assert_cmpstr (error->message, ==, "integer overflow");
      g_clear_error (&error);

      g_assert_null (wasmplug_plugin_call (f->plugin, "load8", g_variant_new ("(i)", 65536), &error));
      g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_TRAP);
      g_assert_cmpstr (error->message, ==, "out of bounds memory access");
      g_clear_error (&error);

      /* The plugin stays usable. */
      ok = call_ok (f->plugin, "div", g_variant_new ("(ii)", 7, 2));
      assert_variant_text (ok, "(3,)");
    }
}

static void
test_mode_switch (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree WasmplugMode *modes = NULL;
  gsize n = 0;
  guint notified = 0;

  g_signal_connect (f->plugin, "notify::mode", G_CALLBACK (count_notify), &notified);
  modes = wasmplug_engine_get_supported_modes (f->engine, &n);
  for (int round = 0; round < 2; round++)
    for (gsize i = 1; i < n; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) result = NULL;
        WasmplugMode mode;
        guint before = notified;

        g_assert_true (wasmplug_plugin_set_mode (f->plugin, modes[i], &error));
        g_assert_no_error (error);
        g_object_get (f->plugin, "mode", &mode, NULL);
        g_assert_cmpint (mode, ==, modes[i]);
        /* AOT without AOT code (the module was loaded from .wasm) runs in
         * the automatic mode: /engine/aot/cache covers AOT */
        if (modes[i] != WASMPLUG_MODE_AOT)
          g_assert_cmpint (wasmplug_plugin_get_effective_mode (f->plugin), ==, modes[i]);
        g_assert_cmpuint (notified, ==, (n > 2 || round == 0 || i > 1) ? before + 1 : before);
        result = call_ok (f->plugin, "fib", g_variant_new ("(i)", 15));
        assert_variant_text (result, "(610,)");
        /* Same again: no notify. */
        g_object_set (f->plugin, "mode", modes[i], NULL);
        g_assert_cmpuint (notified, ==, (n > 2 || round == 0 || i > 1) ? before + 1 : before);
      }
}

static void
test_mode_unsupported (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  guint notified = 0, before, unsupported = 0;

  g_assert_true (wasmplug_plugin_set_mode (f->plugin, WASMPLUG_MODE_CLASSIC_INTERP, &error));
  g_signal_connect (f->plugin, "notify::mode", G_CALLBACK (count_notify), &notified);
  for (WasmplugMode m = WASMPLUG_MODE_AUTO; m <= WASMPLUG_MODE_AOT; m++)
    {
      if (wasmplug_engine_supports_mode (f->engine, m))
        continue;
      g_assert_false (wasmplug_plugin_set_mode (f->plugin, m, &error));
      g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_UNSUPPORTED_MODE);
      g_assert_nonnull (strstr (error->message, wasmplug_mode_to_nick (m)));
      g_clear_error (&error);
      g_assert_cmpint (wasmplug_plugin_get_mode (f->plugin), ==, WASMPLUG_MODE_CLASSIC_INTERP);

      /* The property: no warning (warnings are fatal here), the old mode
       * stays and notify::mode tells bindings to show it again. */
      before = notified;
      g_object_set (f->plugin, "mode", m, NULL);
      g_assert_cmpint (wasmplug_plugin_get_mode (f->plugin), ==, WASMPLUG_MODE_CLASSIC_INTERP);
      g_assert_cmpuint (notified, ==, before + 1);
      unsupported++;
    }
  g_assert_cmpuint (notified, ==, unsupported);
  g_assert_cmpint (wasmplug_plugin_get_effective_mode (f->plugin), ==, WASMPLUG_MODE_CLASSIC_INTERP);
  result = call_ok (f->plugin, "fib", g_variant_new ("(i)", 10));
  assert_variant_text (result, "(55,)");
}

static void
test_mode_overrides_engine (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!wasmplug_engine_supports_mode (f->engine, WASMPLUG_MODE_FAST_INTERP))
    {
      g_test_skip ("no fast interpreter in this build");
      return;
    }
  g_assert_true (wasmplug_engine_set_default_mode (f->engine, WASMPLUG_MODE_FAST_INTERP, &error));
  g_assert_cmpint (wasmplug_plugin_get_effective_mode (f->plugin), ==, WASMPLUG_MODE_FAST_INTERP);
  g_assert_true (wasmplug_plugin_set_mode (f->plugin, WASMPLUG_MODE_CLASSIC_INTERP, &error));
  g_assert_cmpint (wasmplug_plugin_get_effective_mode (f->plugin), ==, WASMPLUG_MODE_CLASSIC_INTERP);
  g_assert_true (wasmplug_plugin_set_mode (f->plugin, WASMPLUG_MODE_AUTO, &error));
  g_assert_cmpint (wasmplug_plugin_get_effective_mode (f->plugin), ==, WASMPLUG_MODE_FAST_INTERP);
}

static void
test_memory (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) payload = g_bytes_new_static ("\x01\x02\x03", 3);
  g_autoptr(GVariant) loaded = NULL;
  g_autofree char *s = NULL;
  gsize size = wasmplug_plugin_get_memory_size (f->plugin);

  g_assert_cmpuint (size, ==, 65536);

  s = wasmplug_plugin_read_string (f->plugin, 16, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s, ==, "hello");
  g_clear_pointer (&s, g_free);
  s = wasmplug_plugin_read_string (f->plugin, 16, 4, &error);
  g_assert_cmpstr (s, ==, "hell");
  g_clear_pointer (&s, g_free);

  bytes = wasmplug_plugin_read_memory (f->plugin, 16, 6, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "hello", 6);

  g_assert_true (wasmplug_plugin_write_memory (f->plugin, 100, payload, &error));
  loaded = call_ok (f->plugin, "load8", g_variant_new ("(i)", 102));
  assert_variant_text (loaded, "(3,)");
  g_assert_true (wasmplug_plugin_write_string (f->plugin, 65530, "abcd", &error));
  s = wasmplug_plugin_read_string (f->plugin, 65530, -1, &error);
  g_assert_cmpstr (s, ==, "abcd");
  g_clear_pointer (&s, g_free);

  /* The last byte is readable; one past it is not. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = wasmplug_plugin_read_memory (f->plugin, 65535, 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = wasmplug_plugin_read_memory (f->plugin, 65536, 0, &error);
  g_assert_no_error (error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Out of bounds: errors, nothing written. */
  g_assert_null (wasmplug_plugin_read_memory (f->plugin, 65535, 2, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (wasmplug_plugin_read_memory (f->plugin, G_MAXUINT64, 2, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (wasmplug_plugin_write_memory (f->plugin, 65534, payload, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  loaded = (g_variant_unref (loaded), call_ok (f->plugin, "load8", g_variant_new ("(i)", 65534)));
  assert_variant_text (loaded, "(0,)");
  g_assert_false (wasmplug_plugin_write_string (f->plugin, 65533, "abc", &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (wasmplug_plugin_read_string (f->plugin, 70000, -1, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (wasmplug_plugin_read_string (f->plugin, 65530, 10, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A string running to the end of memory without a NUL. */
  {
    g_autoptr(GBytes) tail = g_bytes_new_static ("xyz", 3);

    g_assert_true (wasmplug_plugin_write_memory (f->plugin, 65533, tail, &error));
    g_assert_null (wasmplug_plugin_read_string (f->plugin, 65533, -1, &error));
    g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    s = wasmplug_plugin_read_string (f->plugin, 65533, 3, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (s, ==, "xyz");
  }
}

static void
test_properties (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(WasmplugModule) module = NULL;
  g_autoptr(WasmplugEngine) engine = NULL;

  g_object_get (f->plugin, "module", &module, NULL);
  g_assert_true (module == wasmplug_plugin_get_module (f->plugin));
  g_object_get (module, "engine", &engine, NULL);
  g_assert_true (engine == f->engine);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/plugin/properties", test_properties);
  ADD ("/plugin/call/types", test_call_types);
  ADD ("/plugin/call/bad-arguments", test_call_bad_arguments);
  ADD ("/plugin/call/trap", test_call_trap);
  ADD ("/plugin/mode/switch", test_mode_switch);
  ADD ("/plugin/mode/unsupported", test_mode_unsupported);
  ADD ("/plugin/mode/overrides-engine", test_mode_overrides_engine);
  ADD ("/plugin/memory/bounds", test_memory);
#undef ADD

  return g_test_run ();
}
