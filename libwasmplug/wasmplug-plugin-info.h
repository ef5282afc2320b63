/* wasmplug-plugin-info.h: a plugin's manifest (a .plugin keyfile).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(__WASMPLUG_H_INSIDE__) && !defined(WASMPLUG_COMPILATION)
#error "Only <wasmplug.h> can be included directly."
#endif

#include <gio/gio.h>

#include "wasmplug-mode.h"
#include "wasmplug-sandbox.h"

G_BEGIN_DECLS

#define WASMPLUG_TYPE_PLUGIN_INFO (wasmplug_plugin_info_get_type ())
G_DECLARE_FINAL_TYPE (WasmplugPluginInfo, wasmplug_plugin_info, WASMPLUG, PLUGIN_INFO, GObject)

WasmplugPluginInfo *wasmplug_plugin_info_new_from_file (GFile   *file,
                                                        GError **error);

GFile *wasmplug_plugin_info_get_file (WasmplugPluginInfo *self);
const char *wasmplug_plugin_info_get_id (WasmplugPluginInfo *self);
const char *wasmplug_plugin_info_get_name (WasmplugPluginInfo *self);
const char *wasmplug_plugin_info_get_description (WasmplugPluginInfo *self);
GFile *wasmplug_plugin_info_get_module_file (WasmplugPluginInfo *self);
WasmplugMode wasmplug_plugin_info_get_preferred_mode (WasmplugPluginInfo *self);

guint wasmplug_plugin_info_get_n_directories (WasmplugPluginInfo *self);
void wasmplug_plugin_info_get_directory (WasmplugPluginInfo *self,
                                         guint               index,
                                         const char        **guest_path,
                                         GFile             **host_directory,
                                         gboolean           *read_only);
const char * const *wasmplug_plugin_info_get_environment (WasmplugPluginInfo *self);
const char * const *wasmplug_plugin_info_get_arguments (WasmplugPluginInfo *self);
guint wasmplug_plugin_info_get_max_memory_pages (WasmplugPluginInfo *self);

WasmplugSandbox *wasmplug_plugin_info_create_sandbox (WasmplugPluginInfo *self);

G_END_DECLS
