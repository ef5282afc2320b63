/* wp-demo-window.c: WpDemoWindow, the demo's main window: the plugins
 * found in the search paths on the left; on the right the selected
 * plugin's manifest, a form built from its module's exports to call one of
 * them on user input (numbers typed in the input field, or the input as a
 * string when the plugin has an `alloc` export), the running mode in a
 * dropdown, the result with the mode used and the time it took, and the
 * host log (the lines the plugins write through `env.log`).
 *
 * Calls run on a worker thread (wasmplug_plugin_call_async) with a time
 * limit; host-call handlers run here, on the GTK thread.  The chain of
 * async calls of one call is in wp-demo-call.c, the mode dropdown's items
 * in wp-demo-modes.c, the texts of types, arguments and results in
 * wp-demo-values.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include "demo-config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "wp-demo-modes.h"
#include "wp-demo-values.h"
#include "wp-demo-window-private.h"

/* Every call stops after this long (the plugin's timeout-ms). */
#define CALL_TIMEOUT_MS 2000

struct _WpDemoWindow
{
  AdwApplicationWindow parent_instance;

  WasmplugEngine *engine;
  GListModel *plugins;          /* of WasmplugPluginInfo */
  GHashTable *load_errors;      /* id -> message (plugins are loaded by the engine:
                                   its loaded-plugins is the enabled set) */
  WasmplugPluginInfo *info;     /* the selected plugin */
  WasmplugPlugin *plugin;       /* its instance, NULL when loading failed */
  GPtrArray *functions;         /* WasmplugExport: the function exports */
  GtkStringList *function_names;
  GtkStringList *mode_nicks;    /* every WasmplugMode, by value */
  WpDemoCall *call;             /* the call running, or NULL */
  gboolean updating;            /* dropdowns changed by the program */
  gboolean disposed;            /* the widgets are gone: a call ending now only cleans up */
  gboolean echo;                /* also print log lines on stdout */
  guint ticks;                  /* main-loop ticks while the call runs */
  guint tick_id;                /* the 10 ms timeout source counting them */

  AdwToastOverlay *toasts;
  AdwWindowTitle *title;
  GtkRevealer *banner;
  GtkLabel *banner_title;
  GtkLabel *banner_message;
  GtkListBox *sidebar;
  GtkStack *stack;

  GtkLabel *name_label;
  GtkLabel *description_label;
  AdwActionRow *id_row;
  AdwActionRow *manifest_row;
  AdwActionRow *module_row;
  AdwActionRow *preferred_row;
  AdwActionRow *grants_row;
  AdwActionRow *exports_row;

  AdwActionRow *mode_row;
  GtkDropDown *mode_dropdown;
  AdwActionRow *function_row;
  GtkDropDown *function_dropdown;
  AdwEntryRow *input_row;
  AdwActionRow *text_row;
  GtkSwitch *text_switch;
  AdwActionRow *limits_row;
  GtkLabel *hint_label;
  GtkButton *run_button;
  GtkButton *cancel_button;
  GtkSpinner *spinner;

  GtkLabel *call_value;
  GtkLabel *result_value;
  GtkLabel *used_mode_value;
  GtkLabel *time_value;

  GtkTextView *log_view;
  GtkTextBuffer *log_buffer;
};

G_DEFINE_FINAL_TYPE (WpDemoWindow, wp_demo_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_ECHO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CALL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* Log, banner, toasts */

void
wp_demo_window_append_log (WpDemoWindow  *self,
                           const char    *source,
                           const char    *text,
                           WpDemoLogKind  kind)
{
  static const char * const tags[] = { "plugin", "call", "error", "info" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S ");
  GtkTextIter end;

  if (self->disposed)
    return;
  gtk_text_buffer_get_end_iter (self->log_buffer, &end);
  gtk_text_buffer_insert_with_tags_by_name (self->log_buffer, &end, stamp, -1, "time", NULL);
  if (source != NULL)
    {
      g_autofree char *prefix = g_strdup_printf ("%s: ", source);

      gtk_text_buffer_insert_with_tags_by_name (self->log_buffer, &end, prefix, -1, "source", NULL);
    }
  gtk_text_buffer_insert_with_tags_by_name (self->log_buffer, &end, text, -1, tags[kind], NULL);
  gtk_text_buffer_insert (self->log_buffer, &end, "\n", 1);
  gtk_text_view_scroll_mark_onscreen (self->log_view,
                                      gtk_text_buffer_get_mark (self->log_buffer, "end"));
  if (self->echo)
    g_print ("log: %s%s%s\n", source ? source : "", source ? ": " : "", text);
}

static void
show_banner (WpDemoWindow *self,
             const char   *title,
             const char   *message)
{
  gtk_label_set_text (self->banner_title, title);
  gtk_label_set_text (self->banner_message, message);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static void
hide_banner (WpDemoWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

static void
toast (WpDemoWindow *self,
       const char   *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* ------------------------------------------------------------------ */
/* Host imports */

/* The id the plugin was loaded as (get_plugin ()). */
static const char *
plugin_id_of (WasmplugPlugin *plugin)
{
  return g_object_get_data (G_OBJECT (plugin), "wp-demo-id");
}

/* env.log (ptr, len): a UTF-8 line in the plugin's memory. */
static GVariant *
on_env_log (WasmplugPlugin *plugin,
            const char     *name,
            GVariant       *args,
            WpDemoWindow   *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint32 ptr = 0, len = 0;

  if (!g_variant_is_of_type (args, G_VARIANT_TYPE ("(ii)")))
    return NULL;   /* not the (ptr, len) we know: the plugin traps, naming env.log */
  g_variant_get (args, "(ii)", &ptr, &len);
  bytes = wasmplug_plugin_read_memory (plugin, (guint32) ptr, (guint32) len, &error);
  if (bytes == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("env.log with a bad string: %s"), error->message);

      wp_demo_window_append_log (self, plugin_id_of (plugin), text, WP_DEMO_LOG_ERROR);
    }
  else
    {
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);
      g_autofree char *text = g_utf8_make_valid (data ? data : "", size);

      wp_demo_window_append_log (self, plugin_id_of (plugin), text, WP_DEMO_LOG_PLUGIN);
    }
  return g_variant_new ("()");
}

/* Any other import: logged, left unanswered (the plugin then traps with a
 * message naming the import). */
static GVariant *
on_other_host_call (WasmplugPlugin *plugin,
                    const char     *name,
                    GVariant       *args,
                    WpDemoWindow   *self)
{
  g_autofree char *printed = NULL;
  g_autofree char *text = NULL;

  if (g_strcmp0 (name, "env.log") == 0)
    return NULL;
  printed = g_variant_print (args, FALSE);
  text = g_strdup_printf (_("calls %s %s, which this application does not provide"), name, printed);
  wp_demo_window_append_log (self, plugin_id_of (plugin), text, WP_DEMO_LOG_ERROR);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Loading */

/* The engine's load-plugin: every plugin enabled (chosen here, or named by
 * the enabled-plugins setting bound to loaded-plugins) gets the demo's
 * limits and handlers before its first call. */
static void
on_load_plugin (WasmplugEngine     *engine,
                WasmplugPluginInfo *info,
                WasmplugPlugin     *plugin,
                WpDemoWindow       *self)
{
  const char *id = wasmplug_plugin_info_get_id (info);
  WasmplugMode preferred = wasmplug_plugin_info_get_preferred_mode (info);

  if (!wasmplug_engine_supports_mode (self->engine, preferred))
    {
      g_autofree char *text = g_strdup_printf (_("prefers the mode %s, which this build does not have; "
                                                 "it runs in the automatic mode"),
                                               wasmplug_mode_to_nick (preferred));

      wp_demo_window_append_log (self, id, text, WP_DEMO_LOG_INFO);
    }
  wasmplug_plugin_set_timeout_ms (plugin, CALL_TIMEOUT_MS);
  wasmplug_plugin_set_fuel (plugin, 0);

  g_object_set_data_full (G_OBJECT (plugin), "wp-demo-id", g_strdup (id), g_free);
  g_signal_connect_object (plugin, "host-call::env.log", G_CALLBACK (on_env_log), self, 0);
  g_signal_connect_object (plugin, "host-call", G_CALLBACK (on_other_host_call), self, 0);
}

static WasmplugPlugin *
get_plugin (WpDemoWindow       *self,
            WasmplugPluginInfo *info,
            GError            **error)
{
  const char *id = wasmplug_plugin_info_get_id (info);
  WasmplugPlugin *plugin = wasmplug_engine_get_loaded_plugin (self->engine, id);
  const char *failure = g_hash_table_lookup (self->load_errors, id);

  if (plugin != NULL)
    return plugin;
  if (failure != NULL)
    {
      g_set_error_literal (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LOAD, failure);
      return NULL;
    }

  plugin = wasmplug_engine_enable_plugin (self->engine, info, error);
  if (plugin == NULL)
    g_hash_table_insert (self->load_errors, g_strdup (id), g_strdup ((*error)->message));
  return plugin;
}

/* ------------------------------------------------------------------ */
/* The selected plugin */

static WasmplugExport *
selected_function (WpDemoWindow *self)
{
  guint position = gtk_drop_down_get_selected (self->function_dropdown);

  if (self->functions == NULL || position == GTK_INVALID_LIST_POSITION
      || position >= self->functions->len)
    return NULL;
  return self->functions->pdata[position];
}

static void
update_sensitivity (WpDemoWindow *self)
{
  gboolean busy = self->call != NULL;
  gboolean ready = self->plugin != NULL && selected_function (self) != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), ready && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_dropdown), self->plugin != NULL && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->function_dropdown), ready && !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

static void
update_mode_row (WpDemoWindow *self)
{
  g_autofree char *text = NULL;
  WasmplugMode effective;

  if (self->plugin == NULL)
    {
      adw_action_row_set_subtitle (self->mode_row, "");
      return;
    }
  effective = wasmplug_plugin_get_effective_mode (self->plugin);
  text = g_strdup_printf (_("In use: %s (%s)"), wp_demo_mode_label (effective), wasmplug_mode_to_nick (effective));
  adw_action_row_set_subtitle (self->mode_row, text);
}

static void
update_limits_row (WpDemoWindow *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  WasmplugSandbox *sandbox;
  guint64 fuel;
  guint pages, timeout_ms;

  if (self->plugin == NULL)
    {
      adw_action_row_set_subtitle (self->limits_row, "");
      return;
    }
  timeout_ms = wasmplug_plugin_get_timeout_ms (self->plugin);
  g_string_append_printf (s, ngettext ("Time limit: %u ms", "Time limit: %u ms", timeout_ms),
                          timeout_ms);
  g_string_append (s, " · ");
  fuel = wasmplug_plugin_get_fuel (self->plugin);
  if (fuel == 0)
    g_string_append (s, _("no fuel limit"));
  else
    g_string_append_printf (s, _("fuel: %" PRIu64), (uint64_t) fuel);
  sandbox = wasmplug_plugin_get_sandbox (self->plugin);
  pages = sandbox ? wasmplug_sandbox_get_max_memory_pages (sandbox) : 0;
  g_string_append (s, " · ");
  if (pages == 0)
    g_string_append (s, _("memory: up to 4 GiB"));
  else
    g_string_append_printf (s, ngettext ("memory: up to %u page of 64 KiB",
                                         "memory: up to %u pages of 64 KiB", pages), pages);
  adw_action_row_set_subtitle (self->limits_row, s->str);
}

static void
update_function (WpDemoWindow *self)
{
  WasmplugExport *export = selected_function (self);
  g_autofree char *signature = NULL;
  g_autofree char *hint = NULL;
  const char *name;
  gboolean text;
  gsize n_params;

  if (export == NULL)
    {
      adw_action_row_set_subtitle (self->function_row,
                                   self->plugin ? _("The plugin exports no function") : "");
      gtk_widget_set_visible (GTK_WIDGET (self->text_row), FALSE);
      gtk_label_set_text (self->hint_label, "");
      update_sensitivity (self);
      return;
    }

  name = wasmplug_export_get_name (export);
  signature = wp_demo_signature_text (export);
  adw_action_row_set_subtitle (self->function_row, signature);

  text = wp_demo_takes_text (self->plugin, export);
  gtk_widget_set_visible (GTK_WIDGET (self->text_row), text);
  n_params = g_variant_type_n_items (wasmplug_export_get_params_type (export));

  if (text && gtk_switch_get_active (self->text_switch))
    hint = g_strdup_printf (_("The input is passed as a string: alloc () reserves room for it in the "
                              "plugin's memory, %s (pointer, length) is called, and the string at the "
                              "returned pointer is the result."), name);
  else if (n_params == 0)
    hint = g_strdup_printf (_("%s takes no arguments: the input is not used."), name);
  else
    {
      g_autofree char *types = wp_demo_types_text (wasmplug_export_get_params_type (export));

      hint = g_strdup_printf (ngettext ("%s takes %u argument (%s): type it as the input.",
                                        "%s takes %u arguments (%s): type them as the input, "
                                        "separated by spaces.", n_params),
                              name, (guint) n_params, types);
    }
  gtk_label_set_text (self->hint_label, hint);
  update_sensitivity (self);
}


static void
select_info (WpDemoWindow       *self,
             WasmplugPluginInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *module_path = NULL;
  g_autofree char *preferred = NULL;
  g_autofree char *grants = NULL;
  WasmplugMode preferred_mode;
  guint default_function = GTK_INVALID_LIST_POSITION;
  const char *description;

  g_set_object (&self->info, info);
  if (info == NULL)
    {
      g_clear_object (&self->plugin);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "plugin");

  gtk_label_set_text (self->name_label, wasmplug_plugin_info_get_name (info));
  description = wasmplug_plugin_info_get_description (info);
  gtk_label_set_text (self->description_label, description ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), description != NULL && *description);

  adw_action_row_set_subtitle (self->id_row, wasmplug_plugin_info_get_id (info));
  manifest = g_file_get_parse_name (wasmplug_plugin_info_get_file (info));
  adw_action_row_set_subtitle (self->manifest_row, manifest);
  module_path = g_file_get_parse_name (wasmplug_plugin_info_get_module_file (info));
  adw_action_row_set_subtitle (self->module_row, module_path);
  preferred_mode = wasmplug_plugin_info_get_preferred_mode (info);
  preferred = g_strdup_printf ("%s (%s)", wp_demo_mode_label (preferred_mode), wasmplug_mode_to_nick (preferred_mode));
  adw_action_row_set_subtitle (self->preferred_row, preferred);
  grants = wp_demo_grants_text (info);
  adw_action_row_set_subtitle (self->grants_row, grants);

  /* A reference of our own: the enabled set may change under us (the
   * setting bound to loaded-plugins). */
  g_set_object (&self->plugin, get_plugin (self, info, &error));

  self->updating = TRUE;
  g_clear_pointer (&self->functions, g_ptr_array_unref);
  self->functions = g_ptr_array_new_with_free_func ((GDestroyNotify) wasmplug_export_unref);
  gtk_string_list_splice (self->function_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->function_names)), NULL);
  if (self->plugin != NULL)
    {
      WasmplugModule *module = wasmplug_plugin_get_module (self->plugin);
      GPtrArray *exports = wasmplug_module_get_exports (module);
      g_autofree char *exports_list = wp_demo_exports_text (module);

      adw_action_row_set_subtitle (self->exports_row, exports_list);
      for (guint i = 0; exports != NULL && i < exports->len; i++)
        {
          WasmplugExport *export = exports->pdata[i];

          if (wasmplug_export_get_kind (export) != WASMPLUG_EXTERN_FUNCTION)
            continue;
          g_ptr_array_add (self->functions, wasmplug_export_ref (export));
          gtk_string_list_append (self->function_names, wasmplug_export_get_name (export));
        }
      /* The default: a function taking text, else the first that is not
       * a memory helper, else the first. */
      for (guint i = 0; i < self->functions->len && default_function == GTK_INVALID_LIST_POSITION; i++)
        if (wp_demo_takes_text (self->plugin, self->functions->pdata[i]))
          default_function = i;
      for (guint i = 0; i < self->functions->len && default_function == GTK_INVALID_LIST_POSITION; i++)
        if (!wp_demo_is_helper_export (wasmplug_export_get_name (self->functions->pdata[i])))
          default_function = i;
      if (default_function == GTK_INVALID_LIST_POSITION && self->functions->len > 0)
        default_function = 0;
      gtk_drop_down_set_selected (self->mode_dropdown,
                                  wp_demo_mode_position (self->mode_nicks,
                                                         wasmplug_plugin_get_mode (self->plugin)));
    }
  else
    {
      g_autofree char *title = g_strdup_printf (_("The plugin “%s” cannot be loaded"),
                                                wasmplug_plugin_info_get_name (info));

      adw_action_row_set_subtitle (self->exports_row, "");
      show_banner (self, title, error->message);
    }
  gtk_drop_down_set_selected (self->function_dropdown, default_function);
  self->updating = FALSE;

  update_mode_row (self);
  update_limits_row (self);
  update_function (self);
}

static void
on_row_selected (GtkListBox    *box,
                 GtkListBoxRow *row,
                 WpDemoWindow  *self)
{
  if (row == NULL)
    return;
  hide_banner (self);
  select_info (self, g_object_get_data (G_OBJECT (row), "wp-demo-info"));
}

static void
on_mode_selected (GtkDropDown  *dropdown,
                  GParamSpec   *pspec,
                  WpDemoWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  WasmplugMode mode, old;

  if (self->updating || self->plugin == NULL)
    return;
  mode = wp_demo_mode_at (self->mode_nicks, gtk_drop_down_get_selected (dropdown));
  old = wasmplug_plugin_get_mode (self->plugin);
  if (mode == old)
    return;

  /* The refusal comes from libwasmplug's GError, not from a check of our
   * own: an unsupported mode's item is insensitive, but keyboard
   * navigation may still reach it. */
  if (!wasmplug_plugin_set_mode (self->plugin, mode, &error))
    {
      self->updating = TRUE;
      gtk_drop_down_set_selected (dropdown, wp_demo_mode_position (self->mode_nicks, old));
      self->updating = FALSE;
      if (g_error_matches (error, WASMPLUG_ERROR, WASMPLUG_ERROR_UNSUPPORTED_MODE))
        toast (self, wp_demo_mode_unsupported_reason (mode));
      else
        show_banner (self, _("The mode cannot be changed"), error->message);
      return;
    }
  text = g_strdup_printf (_("mode %s → %s"), wasmplug_mode_to_nick (old), wasmplug_mode_to_nick (mode));
  wp_demo_window_append_log (self, plugin_id_of (self->plugin), text, WP_DEMO_LOG_INFO);
  update_mode_row (self);
}

static void
on_function_selected (GtkDropDown  *dropdown,
                      GParamSpec   *pspec,
                      WpDemoWindow *self)
{
  if (!self->updating)
    update_function (self);
}

static void
on_text_switch (GtkSwitch    *sw,
                GParamSpec   *pspec,
                WpDemoWindow *self)
{
  update_function (self);
}

/* ------------------------------------------------------------------ */
/* Calls */

void
wp_demo_window_finish_call (WpDemoWindow *self,
                            WpDemoCall   *call,
                            GError       *error)
{
  WasmplugMode used = wasmplug_plugin_get_effective_mode (call->plugin);
  g_autofree char *qualified = g_strdup_printf ("%s.%s", call->plugin_id, call->description);
  g_autofree char *time_text = wp_demo_format_duration (call->elapsed_ms);
  g_autofree char *line = NULL;
  gboolean success = error == NULL;
  const char *text;

  self->call = NULL;
  if (self->disposed)
    {
      wp_demo_call_free (call);
      return;
    }
  if (self->tick_id != 0)
    {
      g_clear_handle_id (&self->tick_id, g_source_remove);
      g_print ("main loop: %u ticks during the call of %.0f ms\n", self->ticks, call->elapsed_ms);
    }

  gtk_label_set_text (self->call_value, qualified);
  gtk_label_set_text (self->used_mode_value, wp_demo_mode_label (used));
  gtk_label_set_text (self->time_value, call->started ? time_text : "–");

  if (success)
    {
      text = call->result_text;
      gtk_label_set_text (self->result_value, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_value), "error");
      hide_banner (self);
      line = g_strdup_printf (_("%s → %s in %s (%s)"), call->description, text, time_text,
                              wasmplug_mode_to_nick (used));
      wp_demo_window_append_log (self, call->plugin_id, line, WP_DEMO_LOG_CALL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      text = error->message;
      gtk_label_set_text (self->result_value, _("Cancelled"));
      gtk_widget_add_css_class (GTK_WIDGET (self->result_value), "error");
      toast (self, _("The call was cancelled"));
      line = g_strdup_printf (_("%s cancelled after %s"), call->description, time_text);
      wp_demo_window_append_log (self, call->plugin_id, line, WP_DEMO_LOG_ERROR);
    }
  else
    {
      g_autofree char *title = g_strdup_printf (_("%s failed"), qualified);

      text = error->message;
      gtk_label_set_text (self->result_value, _("Error"));
      gtk_widget_add_css_class (GTK_WIDGET (self->result_value), "error");
      show_banner (self, title, error->message);
      line = g_strdup_printf (_("%s failed: %s"), call->description, error->message);
      wp_demo_window_append_log (self, call->plugin_id, line, WP_DEMO_LOG_ERROR);
    }

  update_mode_row (self);
  update_sensitivity (self);
  g_signal_emit (self, signals[CALL_FINISHED], 0, call->plugin_id, call->export_name, success, text);
  wp_demo_call_free (call);
}

/* Counts main-loop ticks while a call runs: the main loop stays free (the
 * call runs on a worker thread), so they keep coming.  A timeout source of
 * the default priority, added before anything that ends the call from the
 * main loop (--cancel-after, the Cancel button), is due first and so runs
 * in the same iteration at the latest: a call ended from the main loop
 * always sees a tick, however slow the machine (the test relies on it). */
static gboolean
count_tick (gpointer data)
{
  WpDemoWindow *self = WP_DEMO_WINDOW (data);

  self->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
start_call (WpDemoWindow *self)
{
  g_autoptr(GError) error = NULL;
  WasmplugExport *export = selected_function (self);
  const char *input = gtk_editable_get_text (GTK_EDITABLE (self->input_row));
  WpDemoCall *call;

  if (self->call != NULL || self->plugin == NULL || export == NULL)
    return;
  call = wp_demo_call_new (self, self->plugin, plugin_id_of (self->plugin), export, input,
                           wp_demo_takes_text (self->plugin, export)
                           && gtk_switch_get_active (self->text_switch),
                           &error);
  if (call == NULL)
    {
      show_banner (self, _("The input does not fit"), error->message);
      return;
    }

  self->call = call;
  self->ticks = 0;
  if (self->echo && self->tick_id == 0)
    self->tick_id = g_timeout_add (10, count_tick, self);
  gtk_label_set_text (self->result_value, _("Running…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_value), "error");
  update_sensitivity (self);

  wp_demo_call_start (call);
}

static void
on_run_clicked (GtkButton    *button,
                WpDemoWindow *self)
{
  start_call (self);
}

static void
on_cancel_clicked (GtkButton    *button,
                   WpDemoWindow *self)
{
  wp_demo_window_cancel (self);
}

static void
on_banner_close (GtkButton    *button,
                 WpDemoWindow *self)
{
  hide_banner (self);
}

static void
on_clear_log (GtkButton    *button,
              WpDemoWindow *self)
{
  gtk_text_buffer_set_text (self->log_buffer, "", 0);
}

/* ------------------------------------------------------------------ */
/* The plugin list */

static GtkWidget *
create_plugin_row (gpointer item,
                   gpointer data)
{
  WasmplugPluginInfo *info = item;
  const char *description = wasmplug_plugin_info_get_description (info);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (wasmplug_plugin_info_get_name (info));
  GtkWidget *detail = gtk_label_new (description ? description : wasmplug_plugin_info_get_id (info));

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (detail), 0.0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_lines (GTK_LABEL (detail), 2);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 24);
  gtk_label_set_width_chars (GTK_LABEL (detail), 24);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  if (description != NULL)
    gtk_widget_set_tooltip_text (row, description);
  g_object_set_data_full (G_OBJECT (row), "wp-demo-info", g_object_ref (info), g_object_unref);
  return row;
}

static void
on_plugins_changed (GListModel   *model,
                    guint         position,
                    guint         removed,
                    guint         added,
                    WpDemoWindow *self)
{
  guint n = g_list_model_get_n_items (model);
  g_autofree char *subtitle = g_strdup_printf (ngettext ("%u plugin found", "%u plugins found", n), n);

  adw_window_title_set_subtitle (self->title, subtitle);
  if (n == 0)
    select_info (self, NULL);
  else if (gtk_list_box_get_selected_row (self->sidebar) == NULL)
    gtk_list_box_select_row (self->sidebar, gtk_list_box_get_row_at_index (self->sidebar, 0));
}

/* ------------------------------------------------------------------ */
/* Building the window */

static AdwActionRow *
add_info_row (AdwPreferencesGroup *group,
              const char          *title)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (group, row);
  return ADW_ACTION_ROW (row);
}

static GtkLabel *
add_value_row (AdwPreferencesGroup *group,
               const char          *title)
{
  AdwActionRow *row = add_info_row (group, title);
  GtkWidget *label = gtk_label_new ("–");

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_width_chars (GTK_LABEL (label), 24);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  adw_action_row_add_suffix (row, label);
  return GTK_LABEL (label);
}

static GtkWidget *
build_banner (WpDemoWindow *self)
{
  GtkWidget *revealer = gtk_revealer_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *message = gtk_label_new (NULL);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  gtk_widget_add_css_class (box, "wp-error-banner");
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (message), 0.0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (message), TRUE);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), message);
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_set_valign (close, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (close, _("Dismiss"));
  g_signal_connect (close, "clicked", G_CALLBACK (on_banner_close), self);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), close);
  gtk_revealer_set_child (GTK_REVEALER (revealer), box);
  gtk_revealer_set_transition_type (GTK_REVEALER (revealer), GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);

  self->banner = GTK_REVEALER (revealer);
  self->banner_title = GTK_LABEL (title);
  self->banner_message = GTK_LABEL (message);
  return revealer;
}

static GtkWidget *
build_run_group (WpDemoWindow *self)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkListItemFactory *button_factory = wp_demo_mode_button_factory_new ();
  GtkListItemFactory *item_factory = wp_demo_mode_item_factory_new (self);
  GtkWidget *buttons, *run, *cancel, *spinner, *hint;

  adw_preferences_group_set_title (group, _("Run"));

  /* The mode: every WasmplugMode, in enum order. */
  self->mode_nicks = wp_demo_mode_list_new ();
  self->mode_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->mode_nicks)), NULL));
  gtk_drop_down_set_factory (self->mode_dropdown, button_factory);
  gtk_drop_down_set_list_factory (self->mode_dropdown, item_factory);
  g_object_unref (button_factory);
  g_object_unref (item_factory);
  gtk_widget_set_valign (GTK_WIDGET (self->mode_dropdown), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mode_dropdown),
                               _("How the plugin's code runs; modes this build does not have are greyed out"));
  g_signal_connect (self->mode_dropdown, "notify::selected", G_CALLBACK (on_mode_selected), self);
  self->mode_row = add_info_row (group, _("Mode"));
  adw_action_row_add_suffix (self->mode_row, GTK_WIDGET (self->mode_dropdown));

  /* The function. */
  self->function_names = gtk_string_list_new (NULL);
  self->function_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->function_names)), NULL));
  gtk_widget_set_valign (GTK_WIDGET (self->function_dropdown), GTK_ALIGN_CENTER);
  g_signal_connect (self->function_dropdown, "notify::selected", G_CALLBACK (on_function_selected), self);
  self->function_row = add_info_row (group, _("Function"));
  adw_action_row_add_suffix (self->function_row, GTK_WIDGET (self->function_dropdown));

  /* The input. */
  self->input_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->input_row), _("Input"));
  g_signal_connect_swapped (self->input_row, "entry-activated", G_CALLBACK (start_call), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->input_row));

  self->text_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (self->text_switch, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->text_switch), GTK_ALIGN_CENTER);
  g_signal_connect (self->text_switch, "notify::active", G_CALLBACK (on_text_switch), self);
  self->text_row = add_info_row (group, _("Pass the input as a string"));
  adw_action_row_set_subtitle (self->text_row, _("Through the plugin's alloc () and its memory"));
  adw_action_row_add_suffix (self->text_row, GTK_WIDGET (self->text_switch));
  adw_action_row_set_activatable_widget (self->text_row, GTK_WIDGET (self->text_switch));

  self->limits_row = add_info_row (group, _("Limits"));

  /* The hint and the buttons. */
  hint = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (hint), 0.0);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_set_hexpand (hint, TRUE);
  self->hint_label = GTK_LABEL (hint);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (buttons, 12);
  spinner = gtk_spinner_new ();
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_add_css_class (cancel, "destructive-action");
  gtk_widget_set_tooltip_text (cancel, _("Stop the running call"));
  run = gtk_button_new_with_mnemonic (_("_Run"));
  gtk_widget_add_css_class (run, "suggested-action");
  gtk_widget_set_tooltip_text (run, _("Call the function on a worker thread"));
  g_signal_connect (run, "clicked", G_CALLBACK (on_run_clicked), self);
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_cancel_clicked), self);
  gtk_widget_set_valign (hint, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (buttons), hint);
  gtk_box_append (GTK_BOX (buttons), spinner);
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), run);
  self->run_button = GTK_BUTTON (run);
  self->cancel_button = GTK_BUTTON (cancel);
  self->spinner = GTK_SPINNER (spinner);
  adw_preferences_group_add (group, buttons);

  return GTK_WIDGET (group);
}

static GtkWidget *
build_plugin_page (WpDemoWindow *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  AdwPreferencesGroup *manifest = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *result = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *log = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);
  GtkWidget *log_scrolled = gtk_scrolled_window_new ();
  GtkWidget *log_frame = gtk_frame_new (NULL);
  GtkWidget *clear = gtk_button_new_with_mnemonic (_("C_lear"));
  GtkWidget *view = gtk_text_view_new ();
  GtkTextIter end;

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_widget_add_css_class (name, "title-1");
  gtk_label_set_xalign (GTK_LABEL (description), 0.0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_box_append (GTK_BOX (header), name);
  gtk_box_append (GTK_BOX (header), description);
  self->name_label = GTK_LABEL (name);
  self->description_label = GTK_LABEL (description);
  gtk_box_append (GTK_BOX (box), header);

  adw_preferences_group_set_title (manifest, _("Manifest"));
  self->id_row = add_info_row (manifest, _("Id"));
  self->manifest_row = add_info_row (manifest, _("Manifest file"));
  self->module_row = add_info_row (manifest, _("Module file"));
  self->preferred_row = add_info_row (manifest, _("Preferred mode"));
  self->grants_row = add_info_row (manifest, _("Requested grants"));
  self->exports_row = add_info_row (manifest, _("Exports"));

  gtk_box_append (GTK_BOX (box), build_run_group (self));

  adw_preferences_group_set_title (result, _("Result"));
  self->call_value = add_value_row (result, _("Call"));
  self->result_value = add_value_row (result, _("Result"));
  self->used_mode_value = add_value_row (result, _("Mode used"));
  self->time_value = add_value_row (result, _("Time"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (result));

  adw_preferences_group_set_title (log, _("Host Log"));
  adw_preferences_group_set_description (log, _("Lines the plugins write through env.log, and every call"));
  gtk_widget_add_css_class (clear, "flat");
  gtk_widget_set_valign (clear, GTK_ALIGN_CENTER);
  g_signal_connect (clear, "clicked", G_CALLBACK (on_clear_log), self);
  adw_preferences_group_set_header_suffix (log, clear);
  self->log_view = GTK_TEXT_VIEW (view);
  self->log_buffer = gtk_text_view_get_buffer (self->log_view);
  gtk_text_view_set_editable (self->log_view, FALSE);
  gtk_text_view_set_cursor_visible (self->log_view, FALSE);
  gtk_text_view_set_monospace (self->log_view, TRUE);
  gtk_text_view_set_wrap_mode (self->log_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (self->log_view, 8);
  gtk_text_view_set_right_margin (self->log_view, 8);
  gtk_text_view_set_top_margin (self->log_view, 6);
  gtk_text_view_set_bottom_margin (self->log_view, 6);
  gtk_text_buffer_create_tag (self->log_buffer, "time", "foreground", "#77767b", NULL);
  gtk_text_buffer_create_tag (self->log_buffer, "source", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (self->log_buffer, "plugin", "foreground", "#1a5fb4", NULL);
  gtk_text_buffer_create_tag (self->log_buffer, "call", NULL);
  gtk_text_buffer_create_tag (self->log_buffer, "error", "foreground", "#c01c28", NULL);
  gtk_text_buffer_create_tag (self->log_buffer, "info", "style", PANGO_STYLE_ITALIC, NULL);
  gtk_text_buffer_get_end_iter (self->log_buffer, &end);
  gtk_text_buffer_create_mark (self->log_buffer, "end", &end, FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (log_scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (log_scrolled), 140);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (log_scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_frame_set_child (GTK_FRAME (log_frame), log_scrolled);
  gtk_widget_add_css_class (log_frame, "wp-log");
  adw_preferences_group_add (log, log_frame);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (log));

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (manifest));

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

static void
load_css (void)
{
  static gboolean loaded = FALSE;
  GtkCssProvider *provider;

  if (loaded)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
    ".wp-error-banner { background-color: @error_bg_color; color: @error_fg_color;"
    "  padding: 8px 12px; }\n"
    ".wp-error-banner button { color: inherit; }\n"
    ".wp-log textview text { background-color: @card_bg_color; }\n"
    ".wp-log { border-radius: 12px; }\n"
    ".wp-log textview { border-radius: 12px; }\n", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

static void
wp_demo_window_constructed (GObject *object)
{
  WpDemoWindow *self = WP_DEMO_WINDOW (object);
  GtkWidget *toasts = adw_toast_overlay_new ();
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_window_title_new (_("Wasm Plugins"), NULL);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *side_scrolled = gtk_scrolled_window_new ();
  GtkWidget *sidebar = gtk_list_box_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *empty = adw_status_page_new ();

  G_OBJECT_CLASS (wp_demo_window_parent_class)->constructed (object);

  load_css ();
  gtk_window_set_title (GTK_WINDOW (self), _("Wasm Plugins"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1040, 820);

  self->title = ADW_WINDOW_TITLE (title);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_box_append (GTK_BOX (outer), header);
  gtk_box_append (GTK_BOX (outer), build_banner (self));

  gtk_widget_add_css_class (sidebar, "navigation-sidebar");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (sidebar), GTK_SELECTION_BROWSE);
  self->sidebar = GTK_LIST_BOX (sidebar);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (side_scrolled), sidebar);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (side_scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (side_scrolled, 240, -1);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "application-x-addon-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Plugins Found"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Start the application with --plugin-dir=DIR to add a folder "
                                     "with plugin manifests (ID.plugin files)."));
  gtk_stack_add_named (GTK_STACK (stack), empty, "empty");
  gtk_stack_add_named (GTK_STACK (stack), build_plugin_page (self), "plugin");
  self->stack = GTK_STACK (stack);

  gtk_paned_set_start_child (GTK_PANED (paned), side_scrolled);
  gtk_paned_set_end_child (GTK_PANED (paned), stack);
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 260);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (outer), paned);

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (toasts), outer);
  self->toasts = ADW_TOAST_OVERLAY (toasts);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), toasts);

  self->plugins = g_object_ref (wasmplug_engine_get_plugins (self->engine));
  g_signal_connect (sidebar, "row-selected", G_CALLBACK (on_row_selected), self);
  /* Plugins enabled before the window (the setting) get the same set-up. */
  g_signal_connect (self->engine, "load-plugin", G_CALLBACK (on_load_plugin), self);
  for (const char * const *id = wasmplug_engine_get_loaded_plugins (self->engine); *id != NULL; id++)
    on_load_plugin (self->engine, wasmplug_engine_find_plugin (self->engine, *id),
                    wasmplug_engine_get_loaded_plugin (self->engine, *id), self);
  gtk_list_box_bind_model (GTK_LIST_BOX (sidebar), self->plugins, create_plugin_row, self, NULL);
  g_signal_connect_object (self->plugins, "items-changed", G_CALLBACK (on_plugins_changed), self, 0);
  on_plugins_changed (self->plugins, 0, 0, 0, self);
  update_sensitivity (self);

  /* Manifests the engine skipped. */
  {
    GPtrArray *errors = wasmplug_engine_get_plugin_errors (self->engine);

    for (guint i = 0; errors != NULL && i < errors->len; i++)
      wp_demo_window_append_log (self, NULL, ((GError *) errors->pdata[i])->message, WP_DEMO_LOG_ERROR);
  }
}

static void
wp_demo_window_dispose (GObject *object)
{
  WpDemoWindow *self = WP_DEMO_WINDOW (object);

  self->disposed = TRUE;
  if (self->call != NULL)
    g_cancellable_cancel (self->call->cancellable);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_pointer (&self->load_errors, g_hash_table_unref);
  g_clear_pointer (&self->functions, g_ptr_array_unref);
  g_clear_object (&self->function_names);
  g_clear_object (&self->mode_nicks);
  g_clear_object (&self->info);
  g_clear_object (&self->plugin);
  g_clear_object (&self->plugins);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (wp_demo_window_parent_class)->dispose (object);
}

static void
wp_demo_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WpDemoWindow *self = WP_DEMO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_ECHO:
      g_value_set_boolean (value, self->echo);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wp_demo_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WpDemoWindow *self = WP_DEMO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_ECHO:
      if (self->echo != g_value_get_boolean (value))
        {
          self->echo = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wp_demo_window_class_init (WpDemoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wp_demo_window_constructed;
  object_class->dispose = wp_demo_window_dispose;
  object_class->get_property = wp_demo_window_get_property;
  object_class->set_property = wp_demo_window_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, WASMPLUG_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ECHO] =
    g_param_spec_boolean ("echo", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* call-finished (plugin id, export, success, result text or error message) */
  signals[CALL_FINISHED] =
    g_signal_new ("call-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
wp_demo_window_init (WpDemoWindow *self)
{
  self->load_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* With @echo, the log lines and the mode list's items are printed on
 * stdout too (the screenshot mode, for tests). */
WpDemoWindow *
wp_demo_window_new (GtkApplication *application,
                    WasmplugEngine *engine,
                    gboolean        echo)
{
  return g_object_new (WP_DEMO_TYPE_WINDOW, "application", application, "engine", engine,
                       "echo", echo, NULL);
}

WasmplugEngine *
wp_demo_window_get_engine (WpDemoWindow *self)
{
  return self->engine;
}

gboolean
wp_demo_window_get_echo (WpDemoWindow *self)
{
  return self->echo;
}

/* ------------------------------------------------------------------ */
/* Driving the window (the screenshot mode) */

gboolean
wp_demo_window_select_plugin (WpDemoWindow *self,
                              const char   *id,
                              GError      **error)
{
  g_return_val_if_fail (WP_DEMO_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (self->plugins); i++)
    {
      g_autoptr(WasmplugPluginInfo) info = g_list_model_get_item (self->plugins, i);

      if (g_strcmp0 (wasmplug_plugin_info_get_id (info), id) == 0)
        {
          gtk_list_box_select_row (self->sidebar, gtk_list_box_get_row_at_index (self->sidebar, (int) i));
          if (self->plugin == NULL)
            {
              g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LOAD,
                           _("The plugin “%s” cannot be loaded"), id);
              return FALSE;
            }
          return TRUE;
        }
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("No plugin has the id “%s”"), id);
  return FALSE;
}

gboolean
wp_demo_window_select_export (WpDemoWindow *self,
                              const char   *name,
                              GError      **error)
{
  g_return_val_if_fail (WP_DEMO_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; self->functions != NULL && i < self->functions->len; i++)
    if (g_strcmp0 (wasmplug_export_get_name (self->functions->pdata[i]), name) == 0)
      {
        gtk_drop_down_set_selected (self->function_dropdown, i);
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The plugin exports no function named “%s”"), name);
  return FALSE;
}

gboolean
wp_demo_window_select_mode (WpDemoWindow *self,
                            WasmplugMode  mode,
                            GError      **error)
{
  g_return_val_if_fail (WP_DEMO_IS_WINDOW (self), FALSE);

  if (self->plugin == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("No plugin is selected"));
      return FALSE;
    }
  /* As a user's choice in the dropdown: an unsupported mode is refused
   * there (the selection goes back, a toast says why). */
  gtk_drop_down_set_selected (self->mode_dropdown, wp_demo_mode_position (self->mode_nicks, mode));
  if (wasmplug_plugin_get_mode (self->plugin) != mode)
    {
      g_set_error_literal (error, WASMPLUG_ERROR, WASMPLUG_ERROR_UNSUPPORTED_MODE,
                           wasmplug_engine_supports_mode (self->engine, mode)
                           ? gtk_label_get_text (self->banner_message)
                           : wp_demo_mode_unsupported_reason (mode));
      return FALSE;
    }
  return TRUE;
}

void
wp_demo_window_set_input (WpDemoWindow *self,
                          const char   *text)
{
  g_return_if_fail (WP_DEMO_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->input_row), text);
}

/* Cancels the running call, as the Cancel button does. */
void
wp_demo_window_cancel (WpDemoWindow *self)
{
  if (self->call != NULL)
    g_cancellable_cancel (self->call->cancellable);
}

void
wp_demo_window_run (WpDemoWindow *self)
{
  start_call (self);
  if (self->call == NULL)
    {
      /* The call did not start (no plugin, or the input does not fit). */
      const char *message = gtk_label_get_text (self->banner_message);

      g_signal_emit (self, signals[CALL_FINISHED], 0,
                     self->info ? wasmplug_plugin_info_get_id (self->info) : "", "", FALSE,
                     *message ? message : _("The call could not start"));
    }
}

/* Opens the mode dropdown's popup (for a screenshot of it). */
void
wp_demo_window_popup_modes (WpDemoWindow *self)
{
  g_signal_emit_by_name (self->mode_dropdown, "activate");
}

static GtkWidget *
mode_popover (WpDemoWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->mode_dropdown));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      return child;
  return NULL;
}

static gboolean
save_native (GtkWidget  *widget,
             const char *path,
             GError    **error)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;

  if (width <= 0 || height <= 0 || renderer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The window is not shown"));
      return FALSE;
    }
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The window drew nothing"));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the PNG file %s"), path);
      return FALSE;
    }
  return TRUE;
}

/* Saves the window as a PNG, and, when the mode popup is open, the popup
 * as PATH-modes.png too. */
gboolean
wp_demo_window_save_screenshot (WpDemoWindow *self,
                                const char   *path,
                                GError      **error)
{
  GtkWidget *popover = mode_popover (self);

  g_return_val_if_fail (WP_DEMO_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!save_native (GTK_WIDGET (self), path, error))
    return FALSE;
  if (popover != NULL && gtk_widget_get_mapped (popover))
    {
      g_autofree char *base = g_str_has_suffix (path, ".png")
                              ? g_strndup (path, strlen (path) - 4) : g_strdup (path);
      g_autofree char *popup_path = g_strconcat (base, "-modes.png", NULL);

      if (!save_native (popover, popup_path, error))
        return FALSE;
      g_print ("screenshot: %s\n", popup_path);
    }
  return TRUE;
}
