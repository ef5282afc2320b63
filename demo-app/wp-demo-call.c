/* wp-demo-call.c: one call of the demo, a chain of
 * wasmplug_plugin_call_async ()s on the worker thread: for a text call
 * alloc (), writing the input string, the export, reading the result
 * string and free () of both strings; otherwise just the export.  Each
 * step's callback runs on the GTK thread and starts the next; every call
 * that started ends in wp_demo_window_finish_call (), which shows the
 * result.
 *
 * SPDX-License-Identifier: MIT
 */
#include "demo-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "wp-demo-values.h"
#include "wp-demo-window-private.h"

/* A call of @export on @input: the input as a string when @as_text, else
 * parsed as the export's arguments; NULL when the input does not fit. */
WpDemoCall *
wp_demo_call_new (WpDemoWindow   *window,
                  WasmplugPlugin *plugin,
                  const char     *plugin_id,
                  WasmplugExport *export,
                  const char     *input,
                  gboolean        as_text,
                  GError        **error)
{
  const char *name = wasmplug_export_get_name (export);
  WpDemoCall *call = g_new0 (WpDemoCall, 1);

  call->window = g_object_ref (window);
  call->plugin = g_object_ref (plugin);
  call->plugin_id = g_strdup (plugin_id);
  call->export_name = g_strdup (name);
  call->cancellable = g_cancellable_new ();
  call->to_free = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (as_text)
    {
      call->text = g_strdup (input);
      call->description = g_strdup_printf ("%s (\"%s\")", name, input);
    }
  else
    {
      GVariant *args = wp_demo_parse_arguments (wasmplug_export_get_params_type (export), name, input, error);
      g_autofree char *printed = NULL;

      if (args == NULL)
        {
          wp_demo_call_free (call);
          return NULL;
        }
      call->args = g_variant_ref_sink (args);
      printed = g_variant_print (call->args, FALSE);
      /* "(21,)" reads better as "(21)" */
      if (g_str_has_suffix (printed, ",)"))
        {
          printed[strlen (printed) - 2] = ')';
          printed[strlen (printed) - 1] = '\0';
        }
      call->description = g_strdup_printf ("%s %s", name, printed);
    }
  return call;
}

void
wp_demo_call_free (WpDemoCall *call)
{
  g_clear_object (&call->window);
  g_clear_object (&call->plugin);
  g_free (call->plugin_id);
  g_free (call->export_name);
  g_free (call->description);
  g_clear_pointer (&call->args, g_variant_unref);
  g_free (call->text);
  g_clear_pointer (&call->to_free, g_array_unref);
  g_clear_object (&call->cancellable);
  g_free (call->result_text);
  g_free (call);
}

static void free_next (WpDemoCall *call);

static void
on_free_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  WpDemoCall *call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result, &error);

  if (results == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("free () failed: %s"), error->message);

      wp_demo_window_append_log (call->window, call->plugin_id, text, WP_DEMO_LOG_ERROR);
    }
  free_next (call);
}

/* Frees the strings of a text call, one free () after the other. */
static void
free_next (WpDemoCall *call)
{
  guint32 ptr;

  if (call->to_free == NULL || call->to_free->len == 0
      || wp_demo_lookup_function (call->plugin, "free", "(i)", "()") == NULL)
    {
      wp_demo_window_finish_call (call->window, call, NULL);
      return;
    }
  ptr = g_array_index (call->to_free, guint32, call->to_free->len - 1);
  g_array_set_size (call->to_free, call->to_free->len - 1);
  wasmplug_plugin_call_async (call->plugin, "free", g_variant_new ("(i)", (gint32) ptr),
                              NULL, on_free_done, call);
}

static void
on_main_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  WpDemoCall *call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  results = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result, &error);
  call->elapsed_ms = (g_get_monotonic_time () - call->started) / 1000.0;
  if (results == NULL)
    {
      wp_demo_window_finish_call (call->window, call, error);
      return;
    }

  if (call->text == NULL)
    {
      call->result_text = wp_demo_format_results (results);
      wp_demo_window_finish_call (call->window, call, NULL);
      return;
    }

  g_variant_get (results, "(i)", &call->result_ptr);
  if (call->result_ptr == 0)
    {
      g_set_error (&error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST,
                   _("%s returned a null pointer instead of a string"), call->export_name);
      wp_demo_window_finish_call (call->window, call, error);
      return;
    }
  call->result_text = wasmplug_plugin_read_string (call->plugin, call->result_ptr, -1, &error);
  if (call->result_text == NULL)
    {
      wp_demo_window_finish_call (call->window, call, error);
      return;
    }
  if (call->result_ptr != call->input_ptr)
    g_array_append_val (call->to_free, call->result_ptr);
  free_next (call);
}

static void
run_export (WpDemoCall *call)
{
  call->started = g_get_monotonic_time ();
  wasmplug_plugin_call_async (call->plugin, call->export_name, g_steal_pointer (&call->args),
                              call->cancellable, on_main_done, call);
}

static void
on_alloc_done (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  WpDemoCall *call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = wasmplug_plugin_call_finish (WASMPLUG_PLUGIN (source), result, &error);

  if (results == NULL)
    {
      wp_demo_window_finish_call (call->window, call, error);
      return;
    }
  g_variant_get (results, "(i)", &call->input_ptr);
  if (call->input_ptr == 0)
    {
      g_set_error_literal (&error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST,
                           _("alloc () returned a null pointer: the plugin is out of memory"));
      wp_demo_window_finish_call (call->window, call, error);
      return;
    }
  g_array_append_val (call->to_free, call->input_ptr);
  if (!wasmplug_plugin_write_string (call->plugin, call->input_ptr, call->text, &error))
    {
      wp_demo_window_finish_call (call->window, call, error);
      return;
    }
  call->args = g_variant_ref_sink (g_variant_new ("(ii)", (gint32) call->input_ptr,
                                                  (gint32) strlen (call->text)));
  run_export (call);
}

/* Starts the chain: alloc () for a text call, else the export. */
void
wp_demo_call_start (WpDemoCall *call)
{
  if (call->text != NULL)
    wasmplug_plugin_call_async (call->plugin, "alloc",
                                g_variant_new ("(i)", (gint32) strlen (call->text) + 1),
                                call->cancellable, on_alloc_done, call);
  else
    run_export (call);
}
