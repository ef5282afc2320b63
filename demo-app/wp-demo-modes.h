/* wp-demo-modes.h: the running modes in the demo's mode dropdown.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "wp-demo-window.h"

G_BEGIN_DECLS

const char *wp_demo_mode_label (WasmplugMode mode);
const char *wp_demo_mode_unsupported_reason (WasmplugMode mode);

GtkStringList *wp_demo_mode_list_new (void);
WasmplugMode wp_demo_mode_at (GtkStringList *modes,
                              guint          position);
guint wp_demo_mode_position (GtkStringList *modes,
                             WasmplugMode   mode);

GtkListItemFactory *wp_demo_mode_button_factory_new (void);
GtkListItemFactory *wp_demo_mode_item_factory_new (WpDemoWindow *window);

G_END_DECLS
