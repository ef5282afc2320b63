/* The plugin-host faults outside clients found (issue 15), one test each,
 * run in every mode the engine supports: a mode added to the build is
 * covered without touching this file. */
#include <libintl.h>
#include <locale.h>
#include <string.h>

#include "test-common.h"

#define ONE_HOUR_NS ((gint64) 3600 * 1000000000)

/* Every mode the engine runs, AUTO excepted (filled by main). */
static WasmplugMode modes[WASMPLUG_MODE_AOT + 1];
static guint n_modes;

static void
find_modes (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  /* AOT needs a module loaded with AOT code (these are loaded from .wasm:
   * AOT would run them in the automatic mode); tests/aot covers it */
  for (WasmplugMode m = WASMPLUG_MODE_CLASSIC_INTERP; m < WASMPLUG_MODE_AOT; m++)
    if (wasmplug_engine_supports_mode (engine, m))
      modes[n_modes++] = m;
  g_assert_cmpuint (n_modes, >=, 2);
}

/* faults.wasm in `mode`, with a sandbox capping its memory at `max_pages`
 * (0: none). */
static WasmplugPlugin *
faults_plugin (WasmplugEngine *engine,
               WasmplugMode    mode,
               guint           max_pages)
{
  g_autoptr(WasmplugModule) module = test_load_module (engine, "faults");
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
  g_autoptr(GError) error = NULL;
  WasmplugPlugin *plugin;

  wasmplug_sandbox_set_max_memory_pages (sandbox, max_pages);
  plugin = wasmplug_module_instantiate_with_sandbox (module, sandbox, &error);
  g_assert_no_error (error);
  g_assert_true (wasmplug_plugin_set_mode (plugin, mode, &error));
  g_assert_no_error (error);
  g_test_message ("mode %s", wasmplug_mode_to_nick (mode));
  return plugin;
}

/* Calls `name`, which must fail with `domain`/`code` and a message holding
 * `part`. */
static void
assert_call_fails (WasmplugPlugin *plugin,
                   const char     *name,
                   GVariant       *args,
                   GQuark          domain,
                   int             code,
                   const char     *part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = wasmplug_plugin_call (plugin, name, args, &error);

  g_assert_null (result);
  g_assert_error (error, domain, code);
  if (part != NULL && strstr (error->message, part) == NULL)
    g_error ("“%s” failed with “%s”, not naming “%s”", name, error->message, part);
}

static GVariant *
on_mark (WasmplugPlugin *plugin,
         const char     *name,
         GVariant       *args,
         gpointer        data)
{
  gint32 n;

  g_variant_get (args, "(i)", &n);
  return g_variant_new ("(i)", n);
}

/* 1. At the memory cap, a trap is a trap; LIMIT only when the cap refused
 * memory.grow during that call. */
static void
test_faults_limit_only_when_refused (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      WasmplugMode mode = modes[i_mode];
      g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, mode, 2);

      g_signal_connect (plugin, "host-call::env.mark", G_CALLBACK (on_mark), NULL);
      g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 1)), ==, 1);
      g_assert_cmpint (call_i32 (plugin, "pages", NULL), ==, 2); /* at the cap */

      assert_call_fails (plugin, "div", g_variant_new ("(ii)", 1, 0), WASMPLUG_ERROR,
                         WASMPLUG_ERROR_TRAP, "integer divide by zero");
      assert_call_fails (plugin, "load", g_variant_new ("(i)", 2 * 65536), WASMPLUG_ERROR,
                         WASMPLUG_ERROR_TRAP, "out of bounds memory access");
      assert_call_fails (plugin, "say", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST, "env.log");

      /* A grow refused in this call, then a trap: LIMIT, telling both. */
      assert_call_fails (plugin, "bomb", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT, "2 pages");
      assert_call_fails (plugin, "grow_then_div", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                         "integer divide by zero");
      /* ...which does not carry over to the next call. */
      assert_call_fails (plugin, "div", g_variant_new ("(ii)", 1, 0), WASMPLUG_ERROR,
                         WASMPLUG_ERROR_TRAP, "integer divide by zero");
      /* A refused grow the code handles is no failure at all. */
      g_assert_cmpint (call_i32 (plugin, "grow", g_variant_new ("(i)", 1)), ==, -1);
      g_assert_cmpint (call_i32 (plugin, "mark", g_variant_new ("(i)", 5)), ==, 5);
    }
}

/* 1. The module's own maximum is no limit of the host: TRAP. */
static void
test_faults_own_maximum_is_trap (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      WasmplugMode mode = modes[i_mode];
      g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, mode, 0);

      assert_call_fails (plugin, "bomb", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_TRAP, "unreachable");
      g_assert_cmpint (call_i32 (plugin, "pages", NULL), ==, 3);
    }
}

static GVariant *
on_wrong_answer (WasmplugPlugin *plugin,
                 const char     *name,
                 GVariant       *args,
                 gpointer        data)
{
  return g_variant_new ("(s)", "not a number");
}

/* 3. Host imports left unanswered or answered wrongly are HOST errors. */
static void
test_faults_host_error (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      WasmplugMode mode = modes[i_mode];
      g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, mode, 0);
      gulong id;

      assert_call_fails (plugin, "say", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST,
                         "host import env.log: no handler answered");
      id = g_signal_connect (plugin, "host-call::env.mark", G_CALLBACK (on_wrong_answer), NULL);
      assert_call_fails (plugin, "mark", g_variant_new ("(i)", 1), WASMPLUG_ERROR,
                         WASMPLUG_ERROR_HOST, "env.mark");
      g_signal_handler_disconnect (plugin, id);
      /* A trap after a host import answered well stays a trap. */
      g_signal_connect (plugin, "host-call::env.mark", G_CALLBACK (on_mark), NULL);
      g_assert_cmpint (call_i32 (plugin, "mark", g_variant_new ("(i)", 3)), ==, 3);
      assert_call_fails (plugin, "div", g_variant_new ("(ii)", 1, 0), WASMPLUG_ERROR,
                         WASMPLUG_ERROR_TRAP, "integer divide by zero");
    }
}

/* 2. A plugin asleep in poll_oneoff stops at its time limit. */
static void
test_faults_sleep_timeout (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      WasmplugMode mode = modes[i_mode];
      g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, mode, 0);

      g_signal_connect (plugin, "host-call::env.mark", G_CALLBACK (on_mark), NULL);
      /* A short sleep ends normally. */
      g_assert_cmpint (call_i32 (plugin, "sleep", g_variant_new ("(x)", (gint64) 1000000)), ==, 0);
      wasmplug_plugin_set_timeout_ms (plugin, 100);
      assert_call_fails (plugin, "sleep", g_variant_new ("(x)", ONE_HOUR_NS), WASMPLUG_ERROR,
                         WASMPLUG_ERROR_LIMIT, "100 ms");
      /* The plugin goes on (without the limit: a JIT's first compilation
       * of "mark" may take longer than 100 ms on a loaded machine). */
      wasmplug_plugin_set_timeout_ms (plugin, 0);
      g_assert_cmpint (call_i32 (plugin, "mark", g_variant_new ("(i)", 7)), ==, 7);
    }
}

typedef struct
{
  WasmplugPlugin *plugin;
  GCancellable *cancellable; /* NULL: cancel through the plugin */
  GError *error;
  gboolean done;
} SleepState;

/* env.mark(1) comes right before the sleep: cancel there. */
static GVariant *
on_mark_cancel (WasmplugPlugin *plugin,
                const char     *name,
                GVariant       *args,
                gpointer        data)
{
  SleepState *state = data;

  if (state->cancellable != NULL)
    g_cancellable_cancel (state->cancellable);
  else
    wasmplug_plugin_cancel (plugin);
  return on_mark (plugin, name, args, NULL);
}

static void
sleep_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  SleepState *state = data;
  g_autoptr(GVariant) results = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result,
                                                             &state->error);

  g_assert_null (results);
  state->done = TRUE;
}

/* 2. A cancel or a GCancellable wakes a plugin asleep in poll_oneoff. */
static void
test_faults_sleep_cancel (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      WasmplugMode mode = modes[i_mode];
      for (guint with_cancellable = 0; with_cancellable < 2; with_cancellable++)
        {
          g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, mode, 0);
          g_autoptr(GCancellable) cancellable = with_cancellable ? g_cancellable_new () : NULL;
          SleepState state = { plugin, cancellable, NULL, FALSE };

          g_signal_connect (plugin, "host-call::env.mark", G_CALLBACK (on_mark_cancel), &state);
          wasmplug_plugin_call_async (plugin, "sleep", g_variant_new ("(x)", ONE_HOUR_NS),
                                      cancellable, sleep_done, &state);
          while (!state.done)
            g_main_context_iteration (NULL, TRUE);
          g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_clear_error (&state.error);
        }
    }
}

/* 4. A missing file is GIO's NOT_FOUND. */
static void
test_faults_missing_file (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/wasmplug/none.wasm");
  g_autoptr(GError) error = NULL;

  g_assert_null (wasmplug_engine_load_module_from_file (engine, missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* 6. An async call runs in the mode in force when it was made. */
typedef struct
{
  WasmplugMode queued_in, switched_to;
  WasmplugMode ran_in;
  gboolean queued, done;
  GError *error;
} ModeState;

static void
mode_call_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  ModeState *state = data;
  g_autoptr(GVariant) results = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result,
                                                             &state->error);

  state->done = TRUE;
}

/* env.mark(1) from the outer synchronous call queues the async call and
 * switches the mode while the plugin is still busy; env.mark(2) from the
 * async call records the mode it runs in. */
static GVariant *
on_mark_mode (WasmplugPlugin *plugin,
              const char     *name,
              GVariant       *args,
              gpointer        data)
{
  ModeState *state = data;
  g_autoptr(GError) error = NULL;
  gint32 n;

  g_variant_get (args, "(i)", &n);
  if (n == 1 && !state->queued)
    {
      state->queued = TRUE;
      wasmplug_plugin_call_async (plugin, "mark", g_variant_new ("(i)", 2), NULL,
                                  mode_call_done, state);
      g_assert_true (wasmplug_plugin_set_mode (plugin, state->switched_to, &error));
      g_assert_no_error (error);
    }
  else if (n == 2)
    state->ran_in = wasmplug_plugin_get_effective_mode (plugin);
  return g_variant_new ("(i)", n);
}

static void
test_faults_async_mode (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  for (guint i_queued_in = 0; i_queued_in < n_modes; i_queued_in++)
    {
      WasmplugMode queued_in = modes[i_queued_in];
      for (guint i_switched_to = 0; i_switched_to < n_modes; i_switched_to++)
        {
          WasmplugMode switched_to = modes[i_switched_to];
          g_autoptr(WasmplugPlugin) plugin = NULL;
          ModeState state = { queued_in, switched_to, WASMPLUG_MODE_AUTO, FALSE, FALSE, NULL };

          if (queued_in == switched_to)
            continue;
          plugin = faults_plugin (engine, queued_in, 0);
          g_signal_connect (plugin, "host-call::env.mark", G_CALLBACK (on_mark_mode), &state);
          g_assert_cmpint (call_i32 (plugin, "mark", g_variant_new ("(i)", 1)), ==, 1);
          while (!state.done)
            g_main_context_iteration (NULL, TRUE);
          g_assert_no_error (state.error);
          g_assert_cmpint (state.ran_in, ==, queued_in);
          /* The switch applies to the calls made after it. */
          g_assert_cmpint (wasmplug_plugin_get_effective_mode (plugin), ==, switched_to);
        }
    }
}

/* 7. busy: a property with notify, TRUE from the moment a call is queued. */
typedef struct
{
  GArray *seen; /* gboolean values of busy at each notify */
  gboolean done;
} BusyState;

static void
on_busy (GObject    *object,
         GParamSpec *pspec,
         gpointer    data)
{
  BusyState *state = data;
  gboolean busy;

  g_object_get (object, "busy", &busy, NULL);
  g_array_append_val (state->seen, busy);
}

static void
busy_call_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  BusyState *state = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result,
                                                             &error);

  g_assert_no_error (error);
  /* No longer busy in the callback: it may call again at once. */
  g_assert_false (wasmplug_plugin_get_busy (WASMPLUG_PLUGIN (source)));
  g_clear_pointer (&results, g_variant_unref);
  results = call_ok (WASMPLUG_PLUGIN (source), "pages", NULL);
  state->done = TRUE;
}

static void
test_faults_busy (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      WasmplugMode mode = modes[i_mode];
      g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, mode, 0);
      g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gboolean));
      BusyState state = { seen, FALSE };
      gboolean busy = TRUE;

      g_object_get (plugin, "busy", &busy, NULL);
      g_assert_false (busy);
      g_signal_connect (plugin, "notify::busy", G_CALLBACK (on_busy), &state);

      wasmplug_plugin_call_async (plugin, "pages", NULL, NULL, busy_call_done, &state);
      /* Queued, maybe not started: busy already, and a sync call is BUSY. */
      g_assert_true (wasmplug_plugin_get_busy (plugin));
      assert_call_fails (plugin, "pages", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_BUSY, NULL);
      while (!state.done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_false (wasmplug_plugin_get_busy (plugin));

      /* TRUE when queued, FALSE before the callback; then the callback's
       * own synchronous call: TRUE, FALSE. */
      g_assert_cmpuint (seen->len, ==, 4);
      g_assert_true (g_array_index (seen, gboolean, 0));
      g_assert_false (g_array_index (seen, gboolean, 1));
      g_assert_true (g_array_index (seen, gboolean, 2));
      g_assert_false (g_array_index (seen, gboolean, 3));
    }
}

/* 9. Counts in messages take the plural form they need, in English and
 * in the German translation (the build tree's catalogue). */
static void
test_faults_plural_messages (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  const char *localedir = g_getenv ("WP_TEST_LOCALEDIR");
  g_autofree char *language = g_strdup (g_getenv ("LANGUAGE"));

  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, modes[i_mode], 1);

      assert_call_fails (plugin, "bomb", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                         "its limit of 1 page: unreachable");
      g_signal_connect (plugin, "host-call::env.mark", G_CALLBACK (on_mark), NULL);
      wasmplug_plugin_set_timeout_ms (plugin, 1);
      assert_call_fails (plugin, "sleep", g_variant_new ("(x)", ONE_HOUR_NS), WASMPLUG_ERROR,
                         WASMPLUG_ERROR_LIMIT, "time limit of 1 ms");
    }

  /* German: the engine bound the installed catalogue; the test takes the
   * build tree's. */
  g_assert_nonnull (localedir);
  g_assert_nonnull (bindtextdomain ("wasmplug-1", localedir));
  g_setenv ("LANGUAGE", "de", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  for (guint i_mode = 0; i_mode < n_modes; i_mode++)
    {
      g_autoptr(WasmplugPlugin) plugin = faults_plugin (engine, modes[i_mode], 1);
      g_autoptr(WasmplugPlugin) two = faults_plugin (engine, modes[i_mode], 2);

      assert_call_fails (plugin, "bomb", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                         "seine Grenze von 1 Seite erreicht hatte");
      assert_call_fails (two, "bomb", NULL, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                         "seine Grenze von 2 Seiten erreicht hatte");
    }
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
}

/* 11. What libpeas users expect: the engine is a GListModel of the plugins
 * found, loaded-plugins loads and unloads by id (what a GSettings key
 * bound to it holds), load-plugin and unload-plugin tell. */
typedef struct
{
  GPtrArray *events; /* "load ID" / "unload ID" */
  guint notified;
} LoadedState;

static GVariant *
on_greeter_log (WasmplugPlugin *plugin,
                const char     *name,
                GVariant       *args,
                gpointer        data)
{
  return g_variant_new ("()");
}

static void
on_load_plugin (WasmplugEngine     *engine,
                WasmplugPluginInfo *info,
                WasmplugPlugin     *plugin,
                gpointer            data)
{
  LoadedState *state = data;

  g_assert_true (wasmplug_engine_get_loaded_plugin (engine, wasmplug_plugin_info_get_id (info)) == plugin);
  g_ptr_array_add (state->events, g_strconcat ("load ", wasmplug_plugin_info_get_id (info), NULL));
  g_signal_connect (plugin, "host-call::env.log", G_CALLBACK (on_greeter_log), NULL);
}

static void
on_unload_plugin (WasmplugEngine     *engine,
                  WasmplugPluginInfo *info,
                  WasmplugPlugin     *plugin,
                  gpointer            data)
{
  LoadedState *state = data;

  g_assert_true (WASMPLUG_IS_PLUGIN (plugin));
  g_ptr_array_add (state->events, g_strconcat ("unload ", wasmplug_plugin_info_get_id (info), NULL));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  *(guint *) data += added;
}

static void
assert_strv (const char * const *strv,
             const char         *joined)
{
  g_autofree char *text = g_strjoinv (",", (char **) strv);

  g_assert_cmpstr (text, ==, joined);
}

static void
test_faults_loaded_plugins (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  LoadedState state = { events, 0 };
  const char *set1[] = { "greeter", "no-such-plugin", NULL };
  const char *set2[] = { "hostile", "greeter", NULL };
  g_auto(GStrv) got = NULL;
  guint added = 0;

  g_assert_true (G_IS_LIST_MODEL (engine));
  g_signal_connect (engine, "items-changed", G_CALLBACK (on_items_changed), &added);
  wasmplug_engine_add_search_path (engine, g_getenv ("WP_TEST_PLUGINS_DIR"));
  g_assert_cmpuint (added, >=, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (engine)), ==, added);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (engine)), ==,
                    g_list_model_get_n_items (wasmplug_engine_get_plugins (engine)));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (engine)) == WASMPLUG_TYPE_PLUGIN_INFO);

  g_signal_connect (engine, "load-plugin", G_CALLBACK (on_load_plugin), &state);
  g_signal_connect (engine, "unload-plugin", G_CALLBACK (on_unload_plugin), &state);
  g_signal_connect (engine, "notify::loaded-plugins", G_CALLBACK (count_notify), &state.notified);

  g_object_set (engine, "loaded-plugins", set1, NULL);
  g_object_get (engine, "loaded-plugins", &got, NULL);
  assert_strv ((const char * const *) got, "greeter");
  g_assert_cmpuint (state.notified, ==, 1);
  for (guint i = 0; i < n_modes; i++)
    {
      WasmplugPlugin *greeter = wasmplug_engine_get_loaded_plugin (engine, "greeter");

      g_assert_true (wasmplug_plugin_set_mode (greeter, modes[i], NULL));
      g_assert_cmpint (call_i32 (greeter, "greet", g_variant_new ("(i)", 21)), ==, 42);
    }

  /* The same set again: nothing happens. */
  g_object_set (engine, "loaded-plugins", set1, NULL);
  g_assert_cmpuint (state.notified, ==, 1);
  wasmplug_engine_set_loaded_plugins (engine, set2);
  assert_strv (wasmplug_engine_get_loaded_plugins (engine), "greeter,hostile");
  g_assert_cmpuint (state.notified, ==, 2);
  wasmplug_engine_disable_plugin (engine, "greeter");
  assert_strv (wasmplug_engine_get_loaded_plugins (engine), "hostile");
  g_assert_null (wasmplug_engine_get_loaded_plugin (engine, "greeter"));
  g_assert_cmpuint (state.notified, ==, 3);
  g_assert_nonnull (wasmplug_engine_enable_plugin (engine, wasmplug_engine_find_plugin (engine, "greeter"),
                                                   NULL));
  assert_strv (wasmplug_engine_get_loaded_plugins (engine), "hostile,greeter");
  g_assert_cmpuint (state.notified, ==, 4);
  wasmplug_engine_set_loaded_plugins (engine, NULL);
  assert_strv (wasmplug_engine_get_loaded_plugins (engine), "");
  g_assert_cmpuint (state.notified, ==, 5);

  {
    g_autofree char *log = NULL;

    g_ptr_array_add (events, NULL);
    log = g_strjoinv (",", (char **) events->pdata);
    g_assert_cmpstr (log, ==, "load greeter,load hostile,unload greeter,load greeter,"
                              "unload hostile,unload greeter");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  find_modes ();

  g_test_add_func ("/faults/limit-only-when-refused", test_faults_limit_only_when_refused);
  g_test_add_func ("/faults/own-maximum-is-trap", test_faults_own_maximum_is_trap);
  g_test_add_func ("/faults/host-error", test_faults_host_error);
  g_test_add_func ("/faults/sleep/timeout", test_faults_sleep_timeout);
  g_test_add_func ("/faults/sleep/cancel", test_faults_sleep_cancel);
  g_test_add_func ("/faults/missing-file", test_faults_missing_file);
  g_test_add_func ("/faults/async-mode", test_faults_async_mode);
  g_test_add_func ("/faults/busy", test_faults_busy);
  g_test_add_func ("/faults/plural-messages", test_faults_plural_messages);
  g_test_add_func ("/faults/loaded-plugins", test_faults_loaded_plugins);
  return g_test_run ();
}
