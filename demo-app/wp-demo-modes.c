/* wp-demo-modes.c: the running modes in the demo's mode dropdown: their
 * names, why one is not available in this build, the dropdown's model
 * (every WasmplugMode by nick) and the list item factories that grey out
 * the modes the engine does not support.
 *
 * SPDX-License-Identifier: MIT
 */
#include "demo-config.h"

#include <glib/gi18n.h>

#include "wp-demo-modes.h"
#include "wp-demo-window-private.h"

const char *
wp_demo_mode_label (WasmplugMode mode)
{
  switch (mode)
    {
    case WASMPLUG_MODE_AUTO: return _("Automatic");
    case WASMPLUG_MODE_CLASSIC_INTERP: return _("Classic interpreter");
    case WASMPLUG_MODE_FAST_INTERP: return _("Fast interpreter");
    case WASMPLUG_MODE_FAST_JIT: return _("Fast JIT");
    case WASMPLUG_MODE_LLVM_JIT: return _("LLVM JIT");
    case WASMPLUG_MODE_MULTI_TIER_JIT: return _("Multi-tier JIT");
    case WASMPLUG_MODE_AOT: return _("Ahead-of-time compiled (AOT)");
    default: return wasmplug_mode_to_nick (mode);
    }
}

/* Why a mode cannot be chosen: the tooltip of its insensitive item. */
const char *
wp_demo_mode_unsupported_reason (WasmplugMode mode)
{
  switch (mode)
    {
    case WASMPLUG_MODE_CLASSIC_INTERP:
      return _("Not available: this build of the engine has no classic interpreter");
    case WASMPLUG_MODE_FAST_INTERP:
      return _("Not available: this build of the engine has no fast interpreter");
    case WASMPLUG_MODE_FAST_JIT:
      return _("Not available: this build of the engine has no Fast JIT");
    case WASMPLUG_MODE_LLVM_JIT:
      return _("Not available: this build of the engine has no LLVM JIT");
    case WASMPLUG_MODE_MULTI_TIER_JIT:
      return _("Not available: multi-tier needs both the Fast JIT and the LLVM JIT, "
               "which this build of the engine does not have");
    case WASMPLUG_MODE_AOT:
      return _("Not available: this build of the engine cannot run ahead-of-time compiled code");
    case WASMPLUG_MODE_AUTO:
    default:
      return _("Not available in this build of the engine");
    }
}

/* Every WasmplugMode, in enum order, by nick: the dropdown's model. */
GtkStringList *
wp_demo_mode_list_new (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (WASMPLUG_TYPE_MODE);
  GtkStringList *modes = gtk_string_list_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    gtk_string_list_append (modes, klass->values[i].value_nick);
  return modes;
}

static WasmplugMode
mode_from_nick (const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (WASMPLUG_TYPE_MODE);
  GEnumValue *value = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return value ? (WasmplugMode) value->value : WASMPLUG_MODE_AUTO;
}

WasmplugMode
wp_demo_mode_at (GtkStringList *modes,
                 guint          position)
{
  return mode_from_nick (gtk_string_list_get_string (modes, position));
}

guint
wp_demo_mode_position (GtkStringList *modes,
                       WasmplugMode   mode)
{
  const char *nick = wasmplug_mode_to_nick (mode);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (modes)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (modes, i), nick) == 0)
      return i;
  return 0;
}

/* The mode a list item of the dropdown shows: its item is the nick. */
static WasmplugMode
item_mode (GtkListItem *item)
{
  GtkStringObject *nick = gtk_list_item_get_item (item);

  return mode_from_nick (nick ? gtk_string_object_get_string (nick) : NULL);
}

/* The button of the mode dropdown: the mode's name. */
static void
mode_button_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_list_item_set_child (item, label);
}

static void
mode_button_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));

  gtk_label_set_text (label, wp_demo_mode_label (item_mode (item)));
}

GtkListItemFactory *
wp_demo_mode_button_factory_new (void)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (mode_button_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (mode_button_bind), NULL);
  return factory;
}

/* The items of the mode popup: name and nick; an unsupported mode is
 * insensitive, not selectable, and its tooltip says why. */
static void
mode_item_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_label_set_xalign (GTK_LABEL (detail), 0.0);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_item_set_child (item, box);
}

/* The window is asked for the engine and "echo" at each bind, not when
 * the factory is made: "echo" may change while the window lives. */
static void
mode_item_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                WpDemoWindow             *window)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  WasmplugMode mode = item_mode (item);
  gboolean supported = wasmplug_engine_supports_mode (wp_demo_window_get_engine (window), mode);

  gtk_label_set_text (GTK_LABEL (name), wp_demo_mode_label (mode));
  if (supported)
    gtk_label_set_text (GTK_LABEL (detail), wasmplug_mode_to_nick (mode));
  else
    {
      g_autofree char *text = g_strdup_printf (_("%s · not in this build"),
                                               wasmplug_mode_to_nick (mode));

      gtk_label_set_text (GTK_LABEL (detail), text);
    }
  gtk_widget_set_sensitive (box, supported);
  gtk_widget_set_tooltip_text (box, supported ? NULL : wp_demo_mode_unsupported_reason (mode));
  gtk_list_item_set_selectable (item, supported);
  gtk_list_item_set_activatable (item, supported);
  if (wp_demo_window_get_echo (window))
    g_print ("mode-item: %s %s%s%s\n", wasmplug_mode_to_nick (mode),
             supported ? "sensitive" : "insensitive",
             supported ? "" : ", tooltip: ", supported ? "" : wp_demo_mode_unsupported_reason (mode));
}

/* The factory holds no reference on @window: the window owns the
 * dropdown that owns the factory. */
GtkListItemFactory *
wp_demo_mode_item_factory_new (WpDemoWindow *window)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (mode_item_setup), window);
  g_signal_connect (factory, "bind", G_CALLBACK (mode_item_bind), window);
  return factory;
}
