/* WasmplugPlugin's run-time limits: fuel, timeout-ms and cancel stop a
 * hostile plugin with a clear error; the plugin, and the others, go on. */
#include <string.h>

#include "test-common.h"


static GVariant *
on_tick (WasmplugPlugin *plugin,
         const char     *name,
         GVariant       *args,
         gpointer        data)
{
  gint32 i;

  g_variant_get (args, "(i)", &i);
  return g_variant_new ("(i)", 1);
}

static WasmplugPlugin *
hostile (WasmplugEngine *engine)
{
  WasmplugPlugin *plugin = test_instantiate (engine, "limits");

  g_signal_connect (plugin, "host-call::env.tick", G_CALLBACK (on_tick), NULL);
  return plugin;
}

static void
test_limits_properties (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = hostile (engine);
  guint notified = 0;
  guint64 fuel;
  guint timeout;

  g_assert_cmpuint (wasmplug_plugin_get_fuel (plugin), ==, 0);
  g_assert_cmpuint (wasmplug_plugin_get_timeout_ms (plugin), ==, 0);
  g_assert_false (wasmplug_plugin_get_busy (plugin));
  g_signal_connect (plugin, "notify", G_CALLBACK (count_notify), &notified);
  g_object_set (plugin, "fuel", (guint64) 1000, "timeout-ms", 500, NULL);
  wasmplug_plugin_set_fuel (plugin, 1000);
  g_assert_cmpuint (notified, ==, 2);
  g_object_get (plugin, "fuel", &fuel, "timeout-ms", &timeout, NULL);
  g_assert_cmpuint (fuel, ==, 1000);
  g_assert_cmpuint (timeout, ==, 500);
}

static void
test_limits_fuel (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = hostile (engine);
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;

  wasmplug_plugin_set_fuel (plugin, 100000);
  result = wasmplug_plugin_call (plugin, "spin", NULL, &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "fuel"));
  g_assert_null (result);
  g_clear_error (&error);

  /* Each call gets the whole budget again. */
  g_assert_cmpint (call_i32 (plugin, "count", g_variant_new ("(i)", 50000)), ==, 50000);
  g_assert_cmpint (call_i32 (plugin, "count", g_variant_new ("(i)", 50000)), ==, 50000);
  result = wasmplug_plugin_call (plugin, "count", g_variant_new ("(i)", 200000), &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_clear_error (&error);

  /* No fuel, no limit. */
  wasmplug_plugin_set_fuel (plugin, 0);
  g_assert_cmpint (call_i32 (plugin, "count", g_variant_new ("(i)", 2000000)), ==, 2000000);
}

static void
test_limits_timeout (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = hostile (engine);
  g_autoptr(WasmplugPlugin) other = hostile (engine);
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  wasmplug_plugin_set_timeout_ms (plugin, 100);
  result = wasmplug_plugin_call (plugin, "spin", NULL, &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "100 ms"));
  g_assert_null (result);
  g_clear_error (&error);
  /* Stopped soon after its limit (generous: the machine may be busy). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

  /* The plugin goes on, and so do the others (without the limit: a JIT
   * compiles "ok" on its first call, which may take longer than 100 ms
   * under ASan). */
  wasmplug_plugin_set_timeout_ms (plugin, 0);
  g_assert_cmpint (call_i32 (plugin, "ok", NULL), ==, 42);
  g_assert_cmpint (call_i32 (other, "ok", NULL), ==, 42);
  wasmplug_plugin_set_timeout_ms (plugin, 100);

  /* A call spending its time in host calls is stopped too. */
  result = wasmplug_plugin_call (plugin, "tick_then_spin", NULL, &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_clear_error (&error);
}

/* Calls that end just as their time limit fires must leave no stop
 * request behind for the next call. */
static void
test_limits_timeout_race (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = hostile (engine);
  guint stopped = 0;

  wasmplug_plugin_set_timeout_ms (plugin, 1);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result =
        wasmplug_plugin_call (plugin, "count", g_variant_new ("(i)", 100000), &error);

      if (result == NULL)
        {
          g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
          stopped++;
        }
      wasmplug_plugin_set_timeout_ms (plugin, 0);
      g_assert_cmpint (call_i32 (plugin, "ok", NULL), ==, 42);
      wasmplug_plugin_set_timeout_ms (plugin, 1);
    }
  g_test_message ("%u of 200 calls reached their 1 ms limit", stopped);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (50 * 1000);
  wasmplug_plugin_cancel (data);
  return NULL;
}

static void
test_limits_cancel (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = hostile (engine);
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  GThread *canceller;

  /* Cancelling while nothing runs does not touch the next call. */
  wasmplug_plugin_cancel (plugin);
  g_assert_cmpint (call_i32 (plugin, "ok", NULL), ==, 42);

  canceller = g_thread_new ("canceller", cancel_later, plugin);
  result = wasmplug_plugin_call (plugin, "spin", NULL, &error);
  g_thread_join (canceller);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpint (call_i32 (plugin, "ok", NULL), ==, 42);
}

static void
test_limits_stack (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = hostile (engine);
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;

  result = wasmplug_plugin_call (plugin, "recurse", g_variant_new ("(i)", 0), &error);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_null (result);
  g_clear_error (&error);
  g_assert_cmpint (call_i32 (plugin, "ok", NULL), ==, 42);
}

/* A plugin spinning on one thread (stopped by its time limit) does not
 * hold up another plugin used on this one meanwhile. */
static gpointer
spin_thread (gpointer data)
{
  GError *error = NULL;
  GVariant *result = wasmplug_plugin_call (data, "spin", NULL, &error);

  g_assert_null (result);
  return error;
}

static void
test_limits_others_go_on (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) spinner = hostile (engine);
  g_autoptr(WasmplugPlugin) worker = hostile (engine);
  g_autoptr(GError) error = NULL;
  GThread *thread;

  wasmplug_plugin_set_timeout_ms (spinner, 300);
  thread = g_thread_new ("spinner", spin_thread, spinner);
  while (!wasmplug_plugin_get_busy (spinner))
    g_usleep (1000);
  for (guint i = 0; i < 50; i++)
    g_assert_cmpint (call_i32 (worker, "count", g_variant_new ("(i)", 1000)), ==, 1000);

  /* The spinner's own thread holds it: a call from here is refused. */
  {
    g_autoptr(GError) busy = NULL;
    g_autoptr(GVariant) result = wasmplug_plugin_call (spinner, "ok", NULL, &busy);

    if (result == NULL) /* unless the spinner already stopped */
      g_assert_error (busy, WASMPLUG_ERROR, WASMPLUG_ERROR_BUSY);
  }

  error = g_thread_join (thread);
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_cmpint (call_i32 (spinner, "ok", NULL), ==, 42);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/limits/properties", test_limits_properties);
  g_test_add_func ("/limits/fuel", test_limits_fuel);
  g_test_add_func ("/limits/timeout", test_limits_timeout);
  g_test_add_func ("/limits/timeout-race", test_limits_timeout_race);
  g_test_add_func ("/limits/cancel", test_limits_cancel);
  g_test_add_func ("/limits/stack", test_limits_stack);
  g_test_add_func ("/limits/others-go-on", test_limits_others_go_on);

  return g_test_run ();
}
