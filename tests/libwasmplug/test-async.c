/* WasmplugPlugin.call_async: Wasm on a worker thread, host calls emitted
 * in the caller's thread-default main context, cancellation, queueing. */
#include <string.h>

#include "test-common.h"

typedef struct
{
  GMainContext *context;
  GThread *caller;
  guint host_calls;
  guint wrong_thread;
  GVariant *result;
  GError *error;
  gboolean done;
  GList *order; /* names of finished calls, last first */
} State;

static void
state_clear (State *state)
{
  g_clear_pointer (&state->result, g_variant_unref);
  g_clear_error (&state->error);
  g_list_free_full (state->order, g_free);
}

static GVariant *
on_tick (WasmplugPlugin *plugin,
         const char     *name,
         GVariant       *args,
         gpointer        data)
{
  State *state = data;
  gint32 i;

  g_variant_get (args, "(i)", &i);
  state->host_calls++;
  if (g_thread_self () != state->caller || !g_main_context_is_owner (state->context))
    state->wrong_thread++;
  return g_variant_new ("(i)", i);
}

static void
call_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  State *state = data;

  g_assert_true (g_thread_self () == state->caller);
  g_clear_pointer (&state->result, g_variant_unref);
  g_clear_error (&state->error);
  state->result = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result, &state->error);
  state->done = TRUE;
}

static void
wait_done (State *state)
{
  while (!state->done)
    g_main_context_iteration (state->context, TRUE);
  state->done = FALSE;
}

static WasmplugPlugin *
make_plugin (WasmplugEngine *engine,
             State          *state)
{
  WasmplugPlugin *plugin = test_instantiate (engine, "limits");

  g_signal_connect (plugin, "host-call::env.tick", G_CALLBACK (on_tick), state);
  return plugin;
}

static void
test_async_call (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  State state = { .context = g_main_context_default (), .caller = g_thread_self () };
  g_autoptr(WasmplugPlugin) plugin = make_plugin (engine, &state);

  wasmplug_plugin_call_async (plugin, "count", g_variant_new ("(i)", 1000), NULL, call_done, &state);
  wait_done (&state);
  g_assert_no_error (state.error);
  assert_variant_text (state.result, "(1000,)");

  /* Argument errors come through the callback too. */
  wasmplug_plugin_call_async (plugin, "nonexistent", NULL, NULL, call_done, &state);
  wait_done (&state);
  g_assert_error (state.error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT);
  g_assert_null (state.result);
  state_clear (&state);
}

/* Host calls of an async call run on the caller's thread, in its main
 * context, while the worker waits. */
static void
test_async_host_calls_on_caller_context (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  State state = { .context = g_main_context_default (), .caller = g_thread_self () };
  g_autoptr(WasmplugPlugin) plugin = make_plugin (engine, &state);

  wasmplug_plugin_call_async (plugin, "ticks", g_variant_new ("(i)", 100), NULL, call_done, &state);
  wait_done (&state);
  g_assert_no_error (state.error);
  /* 0 + 1 + ... + 99 */
  assert_variant_text (state.result, "(4950,)");
  g_assert_cmpuint (state.host_calls, ==, 100);
  g_assert_cmpuint (state.wrong_thread, ==, 0);
  state_clear (&state);
}

/* The same from a thread with a thread-default context of its own. */
static gpointer
own_context_thread (gpointer data)
{
  WasmplugEngine *engine = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  State state = { .context = context, .caller = g_thread_self () };
  g_autoptr(WasmplugPlugin) plugin = NULL;

  g_main_context_push_thread_default (context);
  plugin = make_plugin (engine, &state);
  wasmplug_plugin_call_async (plugin, "ticks", g_variant_new ("(i)", 10), NULL, call_done, &state);
  wait_done (&state);
  g_assert_no_error (state.error);
  assert_variant_text (state.result, "(45,)");
  g_assert_cmpuint (state.host_calls, ==, 10);
  g_assert_cmpuint (state.wrong_thread, ==, 0);
  state_clear (&state);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_async_thread_default_context (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();

  g_thread_join (g_thread_new ("own-context", own_context_thread, engine));
}

static gboolean
cancel_it (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_async_cancellable (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  State state = { .context = g_main_context_default (), .caller = g_thread_self () };
  g_autoptr(WasmplugPlugin) plugin = make_plugin (engine, &state);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) already = g_cancellable_new ();

  g_timeout_add (50, cancel_it, cancellable);
  wasmplug_plugin_call_async (plugin, "spin", NULL, cancellable, call_done, &state);
  wait_done (&state);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* A cancellable cancelled before the call stops it at once. */
  g_cancellable_cancel (already);
  wasmplug_plugin_call_async (plugin, "spin", NULL, already, call_done, &state);
  wait_done (&state);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The plugin goes on. */
  wasmplug_plugin_call_async (plugin, "ok", NULL, NULL, call_done, &state);
  wait_done (&state);
  g_assert_no_error (state.error);
  assert_variant_text (state.result, "(42,)");
  state_clear (&state);
}

static void
record_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  State *state = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result, &error);

  g_assert_no_error (error);
  state->order = g_list_prepend (state->order, g_variant_print (value, FALSE));
  state->done = g_list_length (state->order) == 3;
}

/* Async calls of one plugin run one after the other. */
static void
test_async_queue (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  State state = { .context = g_main_context_default (), .caller = g_thread_self () };
  g_autoptr(WasmplugPlugin) plugin = make_plugin (engine, &state);

  wasmplug_plugin_call_async (plugin, "ticks", g_variant_new ("(i)", 20), NULL, record_done, &state);
  wasmplug_plugin_call_async (plugin, "count", g_variant_new ("(i)", 7), NULL, record_done, &state);
  wasmplug_plugin_call_async (plugin, "ok", NULL, NULL, record_done, &state);
  wait_done (&state);
  g_assert_cmpuint (g_list_length (state.order), ==, 3);
  g_assert_cmpuint (state.wrong_thread, ==, 0);
  state_clear (&state);
}

/* While an async call runs, a synchronous one is refused, also from a
 * host-call handler of the async call itself. */
static GVariant *
on_tick_call_back (WasmplugPlugin *plugin,
                   const char     *name,
                   GVariant       *args,
                   gpointer        data)
{
  GError **busy = data;
  g_autoptr(GVariant) result = wasmplug_plugin_call (plugin, "ok", NULL, busy);

  g_assert_null (result);
  return g_variant_new ("(i)", 0);
}

static void
test_async_busy (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  State state = { .context = g_main_context_default (), .caller = g_thread_self () };
  g_autoptr(WasmplugPlugin) plugin = test_instantiate (engine, "limits");
  g_autoptr(GError) busy = NULL;
  g_autoptr(GError) from_handler = NULL;
  g_autoptr(GVariant) result = NULL;

  /* Compiled before the time limit applies (a JIT compiles on first use,
   * which may take longer than the limit under ASan): unanswered, the
   * import ends this first call at once. */
  g_assert_null (wasmplug_plugin_call (plugin, "tick_then_spin", NULL, &busy));
  g_assert_error (busy, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST);
  g_clear_error (&busy);
  g_signal_connect (plugin, "host-call::env.tick", G_CALLBACK (on_tick_call_back), &from_handler);
  wasmplug_plugin_set_timeout_ms (plugin, 200);
  wasmplug_plugin_call_async (plugin, "tick_then_spin", NULL, NULL, call_done, &state);
  /* The handler runs once the loop below runs; the spin follows. */
  while (from_handler == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (from_handler, WASMPLUG_ERROR, WASMPLUG_ERROR_BUSY);
  g_assert_true (wasmplug_plugin_get_busy (plugin));
  result = wasmplug_plugin_call (plugin, "ok", NULL, &busy);
  g_assert_error (busy, WASMPLUG_ERROR, WASMPLUG_ERROR_BUSY);
  g_assert_null (result);
  wait_done (&state);
  g_assert_error (state.error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  g_assert_false (wasmplug_plugin_get_busy (plugin));
  state_clear (&state);
}

/* An import nobody answers fails the async call with HOST, naming it. */
static void
test_async_unanswered (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  State state = { .context = g_main_context_default (), .caller = g_thread_self () };
  g_autoptr(WasmplugPlugin) plugin = test_instantiate (engine, "limits");

  wasmplug_plugin_call_async (plugin, "ticks", g_variant_new ("(i)", 1), NULL, call_done, &state);
  wait_done (&state);
  g_assert_error (state.error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST);
  g_assert_nonnull (strstr (state.error->message, "env.tick"));
  state_clear (&state);
}

/* Dropping the last reference of a plugin while its async call runs is
 * safe: the call holds the plugin until it ends. */
static void
test_async_unref_during_call (void)
{
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  State state = { .context = g_main_context_default (), .caller = g_thread_self () };
  WasmplugPlugin *plugin = make_plugin (engine, &state);

  wasmplug_plugin_set_timeout_ms (plugin, 50);
  wasmplug_plugin_call_async (plugin, "spin", NULL, NULL, call_done, &state);
  g_object_unref (plugin);
  wait_done (&state);
  g_assert_error (state.error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT);
  state_clear (&state);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/async/call", test_async_call);
  g_test_add_func ("/async/host-calls-on-caller-context", test_async_host_calls_on_caller_context);
  g_test_add_func ("/async/thread-default-context", test_async_thread_default_context);
  g_test_add_func ("/async/cancellable", test_async_cancellable);
  g_test_add_func ("/async/queue", test_async_queue);
  g_test_add_func ("/async/busy", test_async_busy);
  g_test_add_func ("/async/unanswered", test_async_unanswered);
  g_test_add_func ("/async/unref-during-call", test_async_unref_during_call);

  return g_test_run ();
}
