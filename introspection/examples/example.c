/* example.c: find the greeter sample plugin in a search path, answer its
 * env.log import, call greet() in two running modes.
 * Usage: example-c PLUGINS_DIR (e.g. BUILDDIR/plugins)
 *
 * SPDX-License-Identifier: MIT
 */
#include <wasmplug.h>

static GVariant *
on_log (WasmplugPlugin *plugin, const char *name, GVariant *args, gpointer user_data)
{
  gint32 ptr, len;
  g_autofree char *text = NULL;

  g_variant_get (args, "(ii)", &ptr, &len);
  text = wasmplug_plugin_read_string (plugin, (guint32) ptr, len, NULL);
  g_print ("log: %s\n", text ? text : "(unreadable)");
  return g_variant_new ("()");
}

int
main (int argc, char **argv)
{
  const WasmplugMode modes[] = { WASMPLUG_MODE_CLASSIC_INTERP, WASMPLUG_MODE_FAST_INTERP };
  g_autoptr(WasmplugEngine) engine = wasmplug_engine_new ();
  g_autoptr(WasmplugPlugin) plugin = NULL;
  g_autoptr(GError) error = NULL;
  WasmplugPluginInfo *info;

  wasmplug_engine_add_search_path (engine, argc > 1 ? argv[1] : "plugins");
  if ((info = wasmplug_engine_find_plugin (engine, "greeter")) == NULL)
    {
      g_printerr ("No plugin “greeter” in %s\n", argc > 1 ? argv[1] : "plugins");
      return 1;
    }
  if ((plugin = wasmplug_engine_load_plugin (engine, info, NULL, NULL, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("loaded %s\n", wasmplug_plugin_info_get_name (info));
  g_signal_connect (plugin, "host-call::env.log", G_CALLBACK (on_log), NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GVariant) result = NULL;
      gint32 doubled;

      if (!wasmplug_plugin_set_mode (plugin, modes[i], &error)
          || !(result = wasmplug_plugin_call (plugin, "greet", g_variant_new ("(i)", 21), &error)))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_variant_get (result, "(i)", &doubled);
      g_print ("greet(21) = %d in %s\n", doubled,
               wasmplug_mode_to_nick (wasmplug_plugin_get_effective_mode (plugin)));
    }
  return 0;
}
