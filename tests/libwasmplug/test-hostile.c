/* The sample plugin `hostile` (plugins/hostile), found and loaded the way
 * an application does, is stopped by each limit with a WASMPLUG_ERROR in
 * every mode, and the sample `greeter` loaded beside it keeps working. */
#include <string.h>

#include "test-common.h"

typedef struct
{
  WasmplugEngine *engine;
  WasmplugPlugin *hostile;
  WasmplugPlugin *greeter;
  guint logged;
} Fixture;

static GVariant *
on_log (WasmplugPlugin *plugin,
        const char     *name,
        GVariant       *args,
        gpointer        data)
{
  Fixture *f = data;

  f->logged++;
  return g_variant_new ("()");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *dir = g_getenv ("WP_TEST_PLUGINS_DIR");
  g_autoptr(GError) error = NULL;
  WasmplugPluginInfo *info;

  g_assert_nonnull (dir);
  f->engine = wasmplug_engine_new ();
  wasmplug_engine_add_search_path (f->engine, dir);

  info = wasmplug_engine_find_plugin (f->engine, "hostile");
  g_assert_nonnull (info);
  f->hostile = wasmplug_engine_load_plugin (f->engine, info, NULL, NULL, &error);
  g_assert_no_error (error);

  info = wasmplug_engine_find_plugin (f->engine, "greeter");
  g_assert_nonnull (info);
  f->greeter = wasmplug_engine_load_plugin (f->engine, info, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (f->greeter, "host-call::env.log", G_CALLBACK (on_log), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->hostile);
  g_clear_object (&f->greeter);
  g_clear_object (&f->engine);
}

/* Both plugins still answer, after whatever happened. */
static void
assert_both_work (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ok = NULL;
  g_autoptr(GVariant) greeted = NULL;
  guint logged = f->logged;
  guint timeout_ms = wasmplug_plugin_get_timeout_ms (f->hostile);

  /* Without the time limit: a JIT compiles "ok" on its first call, which
   * may take longer than a short limit under ASan. */
  wasmplug_plugin_set_timeout_ms (f->hostile, 0);
  ok = wasmplug_plugin_call (f->hostile, "ok", NULL, &error);
  wasmplug_plugin_set_timeout_ms (f->hostile, timeout_ms);
  g_assert_no_error (error);
  assert_variant_text (ok, "(42,)");
  greeted = wasmplug_plugin_call (f->greeter, "greet", g_variant_new ("(i)", 21), &error);
  g_assert_no_error (error);
  assert_variant_text (greeted, "(42,)");
  g_assert_cmpuint (f->logged, ==, logged + 1);
}

static void
assert_stopped (Fixture    *f,
                const char *export,
                GVariant   *args,
                GQuark      domain,
                int         code,
                const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = wasmplug_plugin_call (f->hostile, export, args, &error);

  g_assert_null (result);
  g_assert_error (error, domain, code);
  if (says != NULL && strstr (error->message, says) == NULL)
    g_error ("%s: “%s” does not say “%s”", export, error->message, says);
  assert_both_work (f);
}

/* Runs `check` in every mode the engine supports. */
static void
in_every_mode (Fixture *f,
               void   (*check) (Fixture *f))
{
  gsize n_modes = 0;
  g_autofree WasmplugMode *modes = wasmplug_engine_get_supported_modes (f->engine, &n_modes);

  g_assert_cmpuint (n_modes, >, 0);
  for (gsize i = 0; i < n_modes; i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("mode %s", wasmplug_mode_to_nick (modes[i]));
      g_assert_true (wasmplug_plugin_set_mode (f->hostile, modes[i], &error));
      g_assert_no_error (error);
      check (f);
    }
}

static void
check_timeout (Fixture *f)
{
  wasmplug_plugin_set_timeout_ms (f->hostile, 100);
  assert_stopped (f, "spin", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT, "100 ms");
  wasmplug_plugin_set_timeout_ms (f->hostile, 0);
}

static void
check_fuel (Fixture *f)
{
  wasmplug_plugin_set_fuel (f->hostile, 1000000);
  assert_stopped (f, "spin", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT, "fuel");
  wasmplug_plugin_set_fuel (f->hostile, 0);
}

static void
check_stack (Fixture *f)
{
  assert_stopped (f, "recurse", g_variant_new ("(i)", 0), WASMPLUG_ERROR,
                  WASMPLUG_ERROR_LIMIT, "stack");
}

static void
check_memory (Fixture *f)
{
  /* The manifest asks for MaxMemoryPages=16. */
  assert_stopped (f, "bomb", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT, "16 pages");
  g_assert_cmpuint (wasmplug_plugin_get_memory_size (f->hostile), ==, 16 * 65536);
}

static void
check_out_of_bounds (Fixture *f)
{
  assert_stopped (f, "oob", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_TRAP, "out of bounds");
}

static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GError **error = data;
  g_autoptr(GVariant) value = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result, error);

  g_assert_null (value);
  g_assert_nonnull (*error);
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
check_cancel (Fixture *f)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  wasmplug_plugin_call_async (f->hostile, "spin", NULL, cancellable, on_call_done, &error);
  g_timeout_add (50, cancel_soon, cancellable);
  /* The main loop (here: the test's) stays free while the plugin spins. */
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_both_work (f);
}

#define LIMIT_TEST(name, check) \
  static void \
  test_##name (Fixture *f, gconstpointer data) \
  { \
    in_every_mode (f, check); \
  }

LIMIT_TEST (timeout, check_timeout)
LIMIT_TEST (fuel, check_fuel)
LIMIT_TEST (stack, check_stack)
LIMIT_TEST (memory, check_memory)
LIMIT_TEST (out_of_bounds, check_out_of_bounds)
LIMIT_TEST (cancel, check_cancel)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/hostile/timeout", test_timeout);
  ADD ("/hostile/fuel", test_fuel);
  ADD ("/hostile/stack", test_stack);
  ADD ("/hostile/memory", test_memory);
  ADD ("/hostile/out-of-bounds", test_out_of_bounds);
  ADD ("/hostile/cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
