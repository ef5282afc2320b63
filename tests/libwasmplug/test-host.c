/* WasmplugPlugin::host-call: host imports answered by signal handlers. */
#include <string.h>

#include "test-common.h"

typedef struct
{
  WasmplugEngine *engine;
  WasmplugPlugin *plugin;
  GPtrArray *logged;   /* strings env.log received */
  guint calls;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->engine = wasmplug_engine_new ();
  f->plugin = test_instantiate (f->engine, "plugin");
  f->logged = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->plugin);
  g_clear_object (&f->engine);
  g_clear_pointer (&f->logged, g_ptr_array_unref);
}

/* env.log(ptr, len): reads the string from the plugin's memory. */
static GVariant *
on_log (WasmplugPlugin *plugin,
        const char     *name,
        GVariant       *args,
        gpointer        user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;
  gint32 ptr, len;
  char *text;

  g_assert_true (plugin == f->plugin);
  g_assert_cmpstr (name, ==, "env.log");
  g_assert_cmpstr (g_variant_get_type_string (args), ==, "(ii)");
  g_variant_get (args, "(ii)", &ptr, &len);
  text = wasmplug_plugin_read_string (plugin, (guint64) ptr, len, &error);
  g_assert_no_error (error);
  g_ptr_array_add (f->logged, text);
  f->calls++;
  return g_variant_new ("()");
}

/* env.add(i32, i64) -> i64 */
static GVariant *
on_add (WasmplugPlugin *plugin,
        const char     *name,
        GVariant       *args,
        gpointer        user_data)
{
  gint32 a;
  gint64 b;

  g_variant_get (args, "(ix)", &a, &b);
  return g_variant_new ("(x)", (gint64) a + b);
}

/* env.scale(f64) -> f64, env.half(f32) -> f32 */
static GVariant *
on_scale (WasmplugPlugin *plugin,
          const char     *name,
          GVariant       *args,
          gpointer        user_data)
{
  double x;

  g_variant_get (args, "(d)", &x);
  return g_variant_new ("(d)", g_str_equal (name, "env.half") ? x / 2 : x * 3);
}

static GVariant *
on_pass (WasmplugPlugin *plugin,
         const char     *name,
         GVariant       *args,
         gpointer        user_data)
{
  (*(guint *) user_data)++;
  return NULL;
}

static GVariant *
on_wrong_type (WasmplugPlugin *plugin,
               const char     *name,
               GVariant       *args,
               gpointer        user_data)
{
  return g_variant_new ("(s)", "not a number");
}

static GVariant *
on_not_tuple (WasmplugPlugin *plugin,
              const char     *name,
              GVariant       *args,
              gpointer        user_data)
{
  return g_variant_new_int64 (5);
}

static GVariant *
on_one_value (WasmplugPlugin *plugin,
              const char     *name,
              GVariant       *args,
              gpointer        user_data)
{
  return g_variant_new ("(i)", 1);
}


static void
test_host_answered (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GVariant) r1 = NULL;
  g_autoptr(GVariant) r2 = NULL;
  g_autoptr(GVariant) r3 = NULL;
  g_autoptr(GVariant) r4 = NULL;
  g_autoptr(GVariant) r5 = NULL;
  double d;

  g_signal_connect (f->plugin, "host-call::env.log", G_CALLBACK (on_log), f);
  g_signal_connect (f->plugin, "host-call::env.add", G_CALLBACK (on_add), f);
  g_signal_connect (f->plugin, "host-call::env.scale", G_CALLBACK (on_scale), f);
  g_signal_connect (f->plugin, "host-call::env.half", G_CALLBACK (on_scale), f);

  r1 = call_ok (f->plugin, "say", NULL);
  assert_variant_text (r1, "()");
  g_assert_cmpuint (f->logged->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->logged, 0), ==, "hello");

  r2 = call_ok (f->plugin, "call_add", g_variant_new ("(ix)", -2, G_GINT64_CONSTANT (1) << 40));
  assert_variant_text (r2, "(int64 1099511627774,)");
  r3 = call_ok (f->plugin, "call_scale", g_variant_new ("(d)", 1.5));
  g_variant_get (r3, "(d)", &d);
  g_assert_cmpfloat (d, ==, 4.5);
  r4 = call_ok (f->plugin, "call_half", g_variant_new ("(d)", 5.0));
  g_variant_get (r4, "(d)", &d);
  g_assert_cmpfloat (d, ==, 2.5);

  /* Only the detail's handler runs. */
  r5 = call_ok (f->plugin, "say", NULL);
  g_assert_cmpuint (f->calls, ==, 2);
}

static void
test_host_unanswered (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ok = NULL;
  guint passed = 0;

  /* A handler of another import does not answer this one. */
  g_signal_connect (f->plugin, "host-call::env.add", G_CALLBACK (on_add), f);
  g_assert_null (wasmplug_plugin_call (f->plugin, "say", NULL, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "env.log"));
  g_assert_nonnull (strstr (error->message, "no handler"));
  g_clear_error (&error);

  /* A handler returning NULL does not answer either; every such handler
   * runs, in order, until one answers. */
  g_signal_connect (f->plugin, "host-call", G_CALLBACK (on_pass), &passed);
  g_assert_null (wasmplug_plugin_call (f->plugin, "say", NULL, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST);
  g_assert_cmpuint (passed, ==, 1);
  g_clear_error (&error);

  g_signal_connect (f->plugin, "host-call::env.log", G_CALLBACK (on_log), f);
  ok = call_ok (f->plugin, "say", NULL);
  g_assert_cmpuint (passed, ==, 2);
  g_assert_cmpuint (f->logged->len, ==, 1);

  /* The plugin went on working after the traps. */
  g_clear_pointer (&ok, g_variant_unref);
  ok = call_ok (f->plugin, "call_add", g_variant_new ("(ix)", 1, (gint64) 2));
  assert_variant_text (ok, "(int64 3,)");
}

static void
test_host_wrong_type (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) ok = NULL;
  gulong id;

  id = g_signal_connect (f->plugin, "host-call::env.add", G_CALLBACK (on_wrong_type), f);
  g_assert_null (wasmplug_plugin_call (f->plugin, "call_add", g_variant_new ("(ix)", 1, (gint64) 2),
                                       &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "env.add"));
  g_assert_nonnull (strstr (error->message, "(s)"));
  g_assert_nonnull (strstr (error->message, "(x)"));
  g_clear_error (&error);
  g_signal_handler_disconnect (f->plugin, id);

  id = g_signal_connect (f->plugin, "host-call::env.add", G_CALLBACK (on_not_tuple), f);
  g_assert_null (wasmplug_plugin_call (f->plugin, "call_add", g_variant_new ("(ix)", 1, (gint64) 2),
                                       &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST);
  g_clear_error (&error);
  g_signal_handler_disconnect (f->plugin, id);

  /* env.log has no results: a value is the wrong answer. */
  g_signal_connect (f->plugin, "host-call::env.log", G_CALLBACK (on_one_value), f);
  g_assert_null (wasmplug_plugin_call (f->plugin, "say", NULL, &error));
  g_assert_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST);
  g_clear_error (&error);

  g_signal_connect (f->plugin, "host-call::env.add", G_CALLBACK (on_add), f);
  ok = call_ok (f->plugin, "call_add", g_variant_new ("(ix)", 1, (gint64) 2));
  assert_variant_text (ok, "(int64 3,)");
}

static GVariant *
on_other_log (WasmplugPlugin *plugin,
              const char     *name,
              GVariant       *args,
              gpointer        user_data)
{
  gint32 x;

  g_variant_get (args, "(i)", &x);
  return g_variant_new ("(u)", (guint32) x * 10);
}

static GVariant *
on_log_again (WasmplugPlugin *plugin,
              const char     *name,
              GVariant       *args,
              gpointer        user_data)
{
  (*(guint *) user_data)++;
  return g_variant_new ("()");
}

static void
test_host_same_name_other_type (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(WasmplugPlugin) other = test_instantiate (f->engine, "other");
  g_autoptr(WasmplugPlugin) again = test_instantiate (f->engine, "plugin");
  g_autoptr(GVariant) r1 = NULL;
  g_autoptr(GVariant) r2 = NULL;
  g_autoptr(GVariant) r3 = NULL;
  guint again_calls = 0;

  /* env.log is (i32, i32) -> () in plugin.wat, (i32) -> i32 in other.wat:
   * each plugin's import reaches its own handler with its own type. */
  g_signal_connect (other, "host-call::env.log", G_CALLBACK (on_other_log), f);
  g_signal_connect (f->plugin, "host-call::env.log", G_CALLBACK (on_log), f);
  r1 = call_ok (other, "go", g_variant_new ("(i)", 4));
  assert_variant_text (r1, "(40,)");
  r2 = call_ok (f->plugin, "say", NULL);
  g_assert_cmpuint (f->logged->len, ==, 1);
  g_signal_connect (again, "host-call::env.log", G_CALLBACK (on_log_again), &again_calls);
  r3 = call_ok (again, "say", NULL);
  g_assert_cmpuint (again_calls, ==, 1);
  g_assert_cmpuint (f->calls, ==, 1);
}

/* env.add answered by calling back into the plugin (its "add64" export),
 * and by writing into its memory. */
static GVariant *
on_add_reentrant (WasmplugPlugin *plugin,
                  const char     *name,
                  GVariant       *args,
                  gpointer        user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  gint32 a;
  gint64 b, sum;

  g_variant_get (args, "(ix)", &a, &b);
  result = wasmplug_plugin_call (plugin, "add64", g_variant_new ("(xx)", (gint64) a, b), &error);
  g_assert_no_error (error);
  g_variant_get (result, "(x)", &sum);
  g_assert_true (wasmplug_plugin_write_string (plugin, 200, "written", &error));
  return g_variant_new ("(x)", sum);
}

static void
test_host_reentrant (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GVariant) r = NULL;
  g_autofree char *s = NULL;

  g_signal_connect (f->plugin, "host-call::env.add", G_CALLBACK (on_add_reentrant), f);
  for (int i = 0; i < 3; i++)
    {
      g_clear_pointer (&r, g_variant_unref);
      r = call_ok (f->plugin, "call_add", g_variant_new ("(ix)", 20, (gint64) 22));
      assert_variant_text (r, "(int64 42,)");
    }
  s = wasmplug_plugin_read_string (f->plugin, 200, -1, NULL);
  g_assert_cmpstr (s, ==, "written");
}

/* A handler switching the mode during a call: it applies from the next
 * call on. */
static GVariant *
on_log_switch (WasmplugPlugin *plugin,
               const char     *name,
               GVariant       *args,
               gpointer        user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (wasmplug_plugin_set_mode (plugin, GPOINTER_TO_INT (user_data), &error));
  g_assert_no_error (error);
  return g_variant_new ("()");
}

static void
test_host_switch_mode (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree WasmplugMode *modes = NULL;
  gsize n = 0;

  modes = wasmplug_engine_get_supported_modes (f->engine, &n);
  for (gsize i = 1; i < n; i++)
    {
      g_autoptr(GVariant) r = NULL;
      gulong id = g_signal_connect (f->plugin, "host-call::env.log", G_CALLBACK (on_log_switch),
                                    GINT_TO_POINTER (modes[i]));

      r = call_ok (f->plugin, "say", NULL);
      g_signal_handler_disconnect (f->plugin, id);
      g_assert_cmpint (wasmplug_plugin_get_mode (f->plugin), ==, modes[i]);
      /* AOT without AOT code (loaded from .wasm): the automatic mode */
      if (modes[i] != WASMPLUG_MODE_AOT)
        g_assert_cmpint (wasmplug_plugin_get_effective_mode (f->plugin), ==, modes[i]);
      g_clear_pointer (&r, g_variant_unref);
      r = call_ok (f->plugin, "fib", g_variant_new ("(i)", 12));
      assert_variant_text (r, "(144,)");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/host/answered", test_host_answered);
  ADD ("/host/unanswered", test_host_unanswered);
  ADD ("/host/wrong-type", test_host_wrong_type);
  ADD ("/host/same-name-other-type", test_host_same_name_other_type);
  ADD ("/host/reentrant", test_host_reentrant);
  ADD ("/host/switch-mode", test_host_switch_mode);
#undef ADD

  return g_test_run ();
}
