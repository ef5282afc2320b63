/* wp-demo-window.h: the demo's main window.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>
#include <wasmplug.h>

G_BEGIN_DECLS

#define WP_DEMO_TYPE_WINDOW (wp_demo_window_get_type ())
G_DECLARE_FINAL_TYPE (WpDemoWindow, wp_demo_window, WP_DEMO, WINDOW, AdwApplicationWindow)

WpDemoWindow *wp_demo_window_new (GtkApplication *application,
                                  WasmplugEngine *engine,
                                  gboolean        echo);

gboolean wp_demo_window_select_plugin (WpDemoWindow *self,
                                       const char   *id,
                                       GError      **error);
gboolean wp_demo_window_select_export (WpDemoWindow *self,
                                       const char   *name,
                                       GError      **error);
gboolean wp_demo_window_select_mode (WpDemoWindow *self,
                                     WasmplugMode  mode,
                                     GError      **error);
void wp_demo_window_set_input (WpDemoWindow *self,
                               const char   *text);
void wp_demo_window_run (WpDemoWindow *self);
void wp_demo_window_cancel (WpDemoWindow *self);
void wp_demo_window_popup_modes (WpDemoWindow *self);

gboolean wp_demo_window_save_screenshot (WpDemoWindow *self,
                                         const char   *path,
                                         GError      **error);

G_END_DECLS
