/* wp-demo-values.c: the demo's helpers on Wasm values and types: the
 * signatures it shows, the arguments it parses from the input, the results
 * and times it prints, and the texts of a manifest's grants and a module's
 * exports.  No widgets here: the window (wp-demo-window.c) and the calls
 * (wp-demo-call.c) put these texts on screen.
 *
 * SPDX-License-Identifier: MIT
 */
#include "demo-config.h"

#include <glib/gi18n.h>

#include "wp-demo-values.h"

static const char *
value_type_name (char type)
{
  switch (type)
    {
    case 'i': return "i32";
    case 'x': return "i64";
    case 'd': return "float";
    default: return "?";
    }
}

/* "i32, i32" for the type (ii). */
char *
wp_demo_types_text (const GVariantType *tuple)
{
  GString *s = g_string_new (NULL);

  for (const GVariantType *t = g_variant_type_first (tuple); t != NULL; t = g_variant_type_next (t))
    {
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, value_type_name (g_variant_type_peek_string (t)[0]));
    }
  return g_string_free (s, FALSE);
}

/* "(i32, i32) → i32" */
char *
wp_demo_signature_text (WasmplugExport *export)
{
  g_autofree char *params = wp_demo_types_text (wasmplug_export_get_params_type (export));
  g_autofree char *results = wp_demo_types_text (wasmplug_export_get_results_type (export));

  if (*results == '\0')
    return g_strdup_printf ("(%s)", params);
  return g_strdup_printf ("(%s) → %s", params, results);
}

static gboolean
export_has_type (WasmplugExport *export,
                 const char     *params,
                 const char     *results)
{
  return wasmplug_export_get_kind (export) == WASMPLUG_EXTERN_FUNCTION
         && g_variant_type_equal (wasmplug_export_get_params_type (export), G_VARIANT_TYPE (params))
         && g_variant_type_equal (wasmplug_export_get_results_type (export), G_VARIANT_TYPE (results));
}

WasmplugExport *
wp_demo_lookup_function (WasmplugPlugin *plugin,
                         const char     *name,
                         const char     *params,
                         const char     *results)
{
  WasmplugExport *export = wasmplug_module_lookup_export (wasmplug_plugin_get_module (plugin), name);

  return export != NULL && export_has_type (export, params, results) ? export : NULL;
}

/* A function (pointer, length) -> pointer of a plugin with alloc (size) ->
 * pointer takes a string: the "text" calling convention. */
gboolean
wp_demo_takes_text (WasmplugPlugin *plugin,
                    WasmplugExport *export)
{
  return export_has_type (export, "(ii)", "(i)")
         && wp_demo_lookup_function (plugin, "alloc", "(i)", "(i)") != NULL;
}

/* Helpers of a plugin's memory management: listed, but not the default. */
gboolean
wp_demo_is_helper_export (const char *name)
{
  static const char * const helpers[] = {
    "alloc", "free", "malloc", "realloc", "calloc", "_initialize", "_start", NULL
  };

  return g_strv_contains (helpers, name) || g_str_has_prefix (name, "__");
}

static gboolean
parse_integer (const char *token,
               gint64      min,
               guint64     max,
               gint64     *out)
{
  guint64 u;
  gint64 s;

  if (g_str_has_prefix (token, "0x") || g_str_has_prefix (token, "0X"))
    {
      if (!g_ascii_string_to_unsigned (token + 2, 16, 0, max, &u, NULL))
        return FALSE;
      *out = (gint64) u;
      return TRUE;
    }
  if (token[0] != '-' && g_ascii_string_to_unsigned (token, 10, 0, max, &u, NULL))
    {
      *out = (gint64) u;
      return TRUE;
    }
  if (!g_ascii_string_to_signed (token, 10, min, G_MAXINT64, &s, NULL))
    return FALSE;
  *out = s;
  return TRUE;
}

/* The arguments of a call from the input: numbers separated by spaces or
 * commas, one for each parameter. */
GVariant *
wp_demo_parse_arguments (const GVariantType *params,
                         const char         *name,
                         const char         *input,
                         GError            **error)
{
  g_auto(GStrv) pieces = g_strsplit_set (input, " \t\n,;", -1);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new ();
  GVariantBuilder builder;
  gsize n_params = g_variant_type_n_items (params);
  guint i = 0;

  if (n_params == 0)
    return g_variant_new ("()");

  for (char **p = pieces; *p != NULL; p++)
    if (**p != '\0')
      g_ptr_array_add (tokens, *p);
  if (tokens->len != n_params)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   ngettext ("%s takes %u argument, but the input has %u",
                             "%s takes %u arguments, but the input has %u", n_params),
                   name, (guint) n_params, tokens->len);
      return NULL;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE_TUPLE);
  for (const GVariantType *t = g_variant_type_first (params); t != NULL; t = g_variant_type_next (t), i++)
    {
      const char *token = tokens->pdata[i];
      gint64 integer;

      switch (g_variant_type_peek_string (t)[0])
        {
        case 'i':
          if (!parse_integer (token, G_MININT32, G_MAXUINT32, &integer))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("“%s” is not a 32-bit integer"), token);
              goto fail;
            }
          g_variant_builder_add (&builder, "i", (gint32) (guint32) integer);
          break;
        case 'x':
          if (!parse_integer (token, G_MININT64, G_MAXUINT64, &integer))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("“%s” is not a 64-bit integer"), token);
              goto fail;
            }
          g_variant_builder_add (&builder, "x", integer);
          break;
        case 'd':
          {
            char *end = NULL;
            double value = g_ascii_strtod (token, &end);

            if (end == token || *end != '\0')
              {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _("“%s” is not a number"), token);
                goto fail;
              }
            g_variant_builder_add (&builder, "d", value);
          }
          break;
        default:
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Argument %u of %s has a type this form cannot enter"), i + 1, name);
          goto fail;
        }
    }
  return g_variant_builder_end (&builder);

fail:
  g_variant_builder_clear (&builder);
  return NULL;
}

char *
wp_demo_format_results (GVariant *results)
{
  GString *s = g_string_new (NULL);
  gsize n = g_variant_n_children (results);

  if (n == 0)
    {
      g_string_free (s, TRUE);
      return g_strdup (_("(no result)"));
    }
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (results, i);
      g_autofree char *text = g_variant_print (child, FALSE);

      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, text);
    }
  return g_string_free (s, FALSE);
}

char *
wp_demo_format_duration (double ms)
{
  if (ms < 1.0)
    return g_strdup_printf (_("%.3f ms"), ms);
  if (ms < 1000.0)
    return g_strdup_printf (_("%.1f ms"), ms);
  return g_strdup_printf (_("%.2f s"), ms / 1000.0);
}

char *
wp_demo_grants_text (WasmplugPluginInfo *info)
{
  g_autoptr(WasmplugSandbox) sandbox = wasmplug_plugin_info_create_sandbox (info);
  g_auto(GStrv) env = wasmplug_sandbox_get_environ (sandbox);
  const char * const *args = wasmplug_sandbox_get_args (sandbox);
  guint n_dirs = wasmplug_sandbox_get_n_directories (sandbox);
  guint pages = wasmplug_sandbox_get_max_memory_pages (sandbox);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_dirs; i++)
    {
      const char *guest = NULL;
      GFile *host = NULL;
      gboolean read_only = FALSE;
      g_autofree char *host_name = NULL;

      wasmplug_sandbox_get_directory (sandbox, i, &guest, &host, &read_only);
      host_name = host ? g_file_get_parse_name (host) : g_strdup ("?");
      if (s->len > 0)
        g_string_append_c (s, '\n');
      g_string_append_printf (s, read_only ? _("Directory %s → %s (read-only)")
                                           : _("Directory %s → %s (read-write)"),
                              guest, host_name);
    }
  for (char **e = env; e != NULL && *e != NULL; e++)
    {
      if (s->len > 0)
        g_string_append_c (s, '\n');
      g_string_append_printf (s, _("Environment: %s"), *e);
    }
  if (args != NULL && args[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (char **) args);

      if (s->len > 0)
        g_string_append_c (s, '\n');
      g_string_append_printf (s, _("Arguments: %s"), joined);
    }
  if (pages > 0)
    {
      if (s->len > 0)
        g_string_append_c (s, '\n');
      g_string_append_printf (s, ngettext ("Memory: at most %u page (%u KiB)",
                                           "Memory: at most %u pages (%u KiB)", pages),
                              pages, pages * 64);
    }
  if (s->len == 0)
    g_string_append (s, _("None: no files, no environment, no arguments"));
  return g_string_free (s, FALSE);
}

char *
wp_demo_exports_text (WasmplugModule *module)
{
  GPtrArray *exports = wasmplug_module_get_exports (module);
  GString *s = g_string_new (NULL);

  for (guint i = 0; exports != NULL && i < exports->len; i++)
    {
      WasmplugExport *export = exports->pdata[i];
      const char *name = wasmplug_export_get_name (export);

      if (s->len > 0)
        g_string_append_c (s, '\n');
      switch (wasmplug_export_get_kind (export))
        {
        case WASMPLUG_EXTERN_FUNCTION:
          {
            g_autofree char *signature = wp_demo_signature_text (export);

            g_string_append_printf (s, "%s %s", name, signature);
          }
          break;
        case WASMPLUG_EXTERN_MEMORY:
          g_string_append_printf (s, _("%s (memory)"), name);
          break;
        case WASMPLUG_EXTERN_TABLE:
          g_string_append_printf (s, _("%s (table)"), name);
          break;
        case WASMPLUG_EXTERN_GLOBAL:
        default:
          g_string_append_printf (s, _("%s (global)"), name);
          break;
        }
    }
  return g_string_free (s, FALSE);
}
