/* main.c: wasmplug-demo, a GTK 4 + libadwaita application that discovers
 * Wasm plugins, runs them on user input and switches their running mode
 * live.
 *
 * Besides the window, a screenshot mode for tests:
 *   wasmplug-demo --plugin-dir=DIR --select=greeter --input=21 --run \
 *                 --screenshot=out.png
 * selects the plugin, runs one call, prints its result on stdout, renders
 * the window to a PNG and quits: status 0 if the call succeeded, 1 if it
 * failed, 2 if the setup failed (no such plugin, export or mode).
 *
 * SPDX-License-Identifier: MIT
 */
#include "demo-config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <wasmplug.h>

#include "wp-demo-window.h"

typedef struct
{
  AdwApplication *app;
  WasmplugEngine *engine;
  GSettings *settings;      /* enabled-plugins, when the schema is installed */
  WpDemoWindow *window;

  char **plugin_dirs;
  char *screenshot;
  char *select;
  char *export_name;
  char *input;
  char *mode;
  gboolean run;
  gboolean list;
  gboolean popup_modes;
  char **rest;
  int cancel_after;

  int status;
} Demo;

static Demo demo;

static gboolean
take_screenshot (gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!wp_demo_window_save_screenshot (demo.window, demo.screenshot, &error))
    {
      g_printerr (_("wasmplug-demo: cannot save the screenshot: %s\n"), error->message);
      demo.status = 2;
    }
  else
    g_print ("screenshot: %s\n", demo.screenshot);
  g_application_quit (G_APPLICATION (demo.app));
  return G_SOURCE_REMOVE;
}

/* Renders once the window has drawn the new state: two frames later. */
static gboolean
wait_frames (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  static int frames = 0;

  if (++frames < 3)
    return G_SOURCE_CONTINUE;
  /* A short pause more, for the spinner and revealer transitions to end. */
  g_timeout_add (400, take_screenshot, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_screenshot (void)
{
  if (demo.popup_modes)
    wp_demo_window_popup_modes (demo.window);
  gtk_widget_add_tick_callback (GTK_WIDGET (demo.window), wait_frames, NULL, NULL);
}

static void
on_call_finished (WpDemoWindow *window,
                  const char   *plugin_id,
                  const char   *export_name,
                  gboolean      success,
                  const char   *text,
                  gpointer      data)
{
  if (success)
    g_print ("result: %s\n", text);
  else
    g_print ("error: %s\n", text);
  demo.status = success ? 0 : 1;
  schedule_screenshot ();
}

static gboolean
cancel_call (gpointer data)
{
  wp_demo_window_cancel (demo.window);
  return G_SOURCE_REMOVE;
}

static gboolean
start_screenshot_run (gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (demo.select != NULL && !wp_demo_window_select_plugin (demo.window, demo.select, &error))
    goto fail;
  if (demo.mode != NULL)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (WASMPLUG_TYPE_MODE);
      GEnumValue *value = g_enum_get_value_by_nick (klass, demo.mode);

      if (value == NULL)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown mode “%s”"), demo.mode);
          goto fail;
        }
      /* A refused mode is part of what a run may show: the call goes on in
       * the plugin's mode. */
      if (!wp_demo_window_select_mode (demo.window, value->value, &error))
        {
          g_print ("mode refused: %s\n", error->message);
          g_clear_error (&error);
        }
    }
  if (demo.export_name != NULL && !wp_demo_window_select_export (demo.window, demo.export_name, &error))
    goto fail;
  if (demo.input != NULL)
    wp_demo_window_set_input (demo.window, demo.input);

  if (demo.run)
    {
      g_signal_connect (demo.window, "call-finished", G_CALLBACK (on_call_finished), NULL);
      wp_demo_window_run (demo.window);
      if (demo.cancel_after > 0)
        g_timeout_add (demo.cancel_after, cancel_call, NULL);
    }
  else
    schedule_screenshot ();
  return G_SOURCE_REMOVE;

fail:
  g_printerr ("wasmplug-demo: %s\n", error->message);
  demo.status = 2;
  g_application_quit (G_APPLICATION (demo.app));
  return G_SOURCE_REMOVE;
}

static void
add_search_paths (void)
{
  for (char **dir = demo.plugin_dirs; dir != NULL && *dir != NULL; dir++)
    {
      g_autofree char *path = g_canonicalize_filename (*dir, NULL);

      wasmplug_engine_add_search_path (demo.engine, path);
    }
  /* The installed plugins come after those given on the command line. */
  wasmplug_engine_add_search_path (demo.engine, DEMO_PLUGINS_DIR);
}

/* The set of enabled plugins lives in GSettings (org.wasmplug.Demo
 * enabled-plugins), bound to the engine's loaded-plugins as a libpeas
 * application binds PeasEngine's: plugins enabled in one run are loaded at
 * the start of the next.  Without the schema (run uninstalled, outside the
 * tests) the set lasts as long as the process. */
static void
bind_enabled_plugins (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, DEMO_APP_ID, TRUE);
  if (schema == NULL)
    return;
  demo.settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_bind (demo.settings, "enabled-plugins", demo.engine, "loaded-plugins",
                   G_SETTINGS_BIND_DEFAULT);
  if (demo.screenshot != NULL)
    {
      g_autofree char *ids = g_strjoinv (",", (char **) wasmplug_engine_get_loaded_plugins (demo.engine));

      g_print ("enabled at start: %s\n", ids);
    }
}

static void
on_activate (GApplication *app,
             gpointer      data)
{
  if (demo.window != NULL)
    {
      gtk_window_present (GTK_WINDOW (demo.window));
      return;
    }

  bind_enabled_plugins ();
  demo.window = wp_demo_window_new (GTK_APPLICATION (app), demo.engine, demo.screenshot != NULL);
  if (demo.screenshot != NULL)
    /* Tall enough to show every group of the page at once. */
    gtk_window_set_default_size (GTK_WINDOW (demo.window), 1100, 1500);
  gtk_window_present (GTK_WINDOW (demo.window));

  if (demo.screenshot != NULL || demo.run || demo.select != NULL)
    g_idle_add (start_screenshot_run, NULL);
}

static void
on_shutdown (GApplication *app,
             gpointer      data)
{
  if (demo.window != NULL)
    gtk_window_destroy (GTK_WINDOW (demo.window));
  demo.window = NULL;
  if (demo.settings != NULL)
    {
      g_autofree char *ids = g_strjoinv (",", (char **) wasmplug_engine_get_loaded_plugins (demo.engine));

      if (demo.screenshot != NULL)
        g_print ("enabled: %s\n", ids);
      /* Keep the setting; then unloading breaks the cycle of each plugin
       * holding the engine. */
      g_settings_unbind (demo.engine, "loaded-plugins");
      g_settings_sync ();
      g_clear_object (&demo.settings);
    }
  wasmplug_engine_set_loaded_plugins (demo.engine, NULL);
}

static int
on_handle_local_options (GApplication *app,
                         GVariantDict *options,
                         gpointer      data)
{
  if (demo.rest != NULL && demo.rest[0] != NULL)
    {
      g_printerr (_("wasmplug-demo: unexpected argument “%s” (see --help)\n"), demo.rest[0]);
      return 2;
    }
  if (demo.list)
    {
      GListModel *plugins;

      add_search_paths ();
      plugins = wasmplug_engine_get_plugins (demo.engine);
      for (guint i = 0; i < g_list_model_get_n_items (plugins); i++)
        {
          g_autoptr(WasmplugPluginInfo) info = g_list_model_get_item (plugins, i);

          g_print ("%s\t%s\n", wasmplug_plugin_info_get_id (info),
                   wasmplug_plugin_info_get_name (info));
        }
      return 0;
    }
  if (demo.screenshot != NULL)
    {
      /* A test run: never hand over to an instance already running. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
      if (!demo.run && demo.input != NULL)
        {
          g_printerr (_("wasmplug-demo: --input without --run does nothing\n"));
          return 2;
        }
    }
  add_search_paths ();
  return -1;
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "plugin-dir", 'p', 0, G_OPTION_ARG_FILENAME_ARRAY, &demo.plugin_dirs,
      N_("Look for plugins in DIR too (repeatable)"), N_("DIR") },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &demo.list,
      N_("List the plugins found and quit"), NULL },
    { "select", 0, 0, G_OPTION_ARG_STRING, &demo.select,
      N_("Select the plugin with this id"), N_("ID") },
    { "export", 0, 0, G_OPTION_ARG_STRING, &demo.export_name,
      N_("Select this exported function"), N_("NAME") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &demo.mode,
      N_("Run the plugin in this mode (auto, classic-interp, fast-interp, …)"), N_("MODE") },
    { "input", 0, 0, G_OPTION_ARG_STRING, &demo.input,
      N_("Put TEXT into the input field"), N_("TEXT") },
    { "run", 0, 0, G_OPTION_ARG_NONE, &demo.run,
      N_("Run one call at start and print its result"), NULL },
    { "cancel-after", 0, 0, G_OPTION_ARG_INT, &demo.cancel_after,
      N_("Cancel the call after MS milliseconds, as the Cancel button does"), N_("MS") },
    { "popup-modes", 0, 0, G_OPTION_ARG_NONE, &demo.popup_modes,
      N_("Open the mode list before the screenshot (saved as FILE-modes.png too)"), NULL },
    { G_OPTION_REMAINING, 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME_ARRAY, &demo.rest, NULL, NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &demo.screenshot,
      N_("Save the window as a PNG file and quit (after the call, with --run)"), N_("FILE") },
    { NULL }
  };
  const char *localedir;
  int status;

  setlocale (LC_ALL, "");
  /* The engine first: libwasmplug binds the same domain (wasmplug-1) to
   * the installed catalogues, and the binding made last wins.
   * WASMPLUG_DEMO_LOCALEDIR points at other catalogues, e.g. the build
   * tree's po/ folder when run uninstalled. */
  demo.engine = wasmplug_engine_new ();
  localedir = g_getenv ("WASMPLUG_DEMO_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : DEMO_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Wasm Plugins"));

  demo.app = adw_application_new (DEMO_APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  g_application_add_main_option_entries (G_APPLICATION (demo.app), entries);
  g_application_set_option_context_summary (G_APPLICATION (demo.app),
                                            _("Discover WebAssembly plugins, run them and switch their running mode."));
  g_signal_connect (demo.app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
  g_signal_connect (demo.app, "activate", G_CALLBACK (on_activate), NULL);
  g_signal_connect (demo.app, "shutdown", G_CALLBACK (on_shutdown), NULL);

  status = g_application_run (G_APPLICATION (demo.app), argc, argv);
  if (status == 0)
    status = demo.status;

  g_clear_object (&demo.app);
  g_clear_object (&demo.engine);
  g_strfreev (demo.plugin_dirs);
  g_strfreev (demo.rest);
  g_free (demo.screenshot);
  g_free (demo.select);
  g_free (demo.export_name);
  g_free (demo.input);
  g_free (demo.mode);
  return status;
}
