/* wasmplug-engine.h: the runtime object.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(__WASMPLUG_H_INSIDE__) && !defined(WASMPLUG_COMPILATION)
#error "Only <wasmplug.h> can be included directly."
#endif

#include <gio/gio.h>

#include "wasmplug-mode.h"

G_BEGIN_DECLS

typedef struct _WasmplugModule WasmplugModule;
typedef struct _WasmplugPlugin WasmplugPlugin;
typedef struct _WasmplugPluginInfo WasmplugPluginInfo;
typedef struct _WasmplugSandbox WasmplugSandbox;

#define WASMPLUG_TYPE_ENGINE (wasmplug_engine_get_type ())
G_DECLARE_FINAL_TYPE (WasmplugEngine, wasmplug_engine, WASMPLUG, ENGINE, GObject)

WasmplugEngine *wasmplug_engine_new (void);

WasmplugMode wasmplug_engine_get_default_mode (WasmplugEngine *self);
gboolean wasmplug_engine_set_default_mode (WasmplugEngine *self,
                                           WasmplugMode    mode,
                                           GError        **error);
gboolean wasmplug_engine_supports_mode (WasmplugEngine *self,
                                        WasmplugMode    mode);
WasmplugMode *wasmplug_engine_get_supported_modes (WasmplugEngine *self,
                                                   gsize          *n_modes);
char **wasmplug_engine_get_supported_mode_nicks (WasmplugEngine *self);

WasmplugModule *wasmplug_engine_load_module (WasmplugEngine *self,
                                             GBytes         *bytes,
                                             GError        **error);
WasmplugModule *wasmplug_engine_load_module_from_file (WasmplugEngine *self,
                                                       GFile          *file,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
void wasmplug_engine_load_module_async (WasmplugEngine     *self,
                                        GFile              *file,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
WasmplugModule *wasmplug_engine_load_module_finish (WasmplugEngine *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

void wasmplug_engine_add_search_path (WasmplugEngine *self,
                                      const char     *path);
const char * const *wasmplug_engine_get_search_paths (WasmplugEngine *self);
void wasmplug_engine_rescan_plugins (WasmplugEngine *self);
GListModel *wasmplug_engine_get_plugins (WasmplugEngine *self);
GPtrArray *wasmplug_engine_get_plugin_errors (WasmplugEngine *self);
WasmplugPluginInfo *wasmplug_engine_find_plugin (WasmplugEngine *self,
                                                 const char     *id);
WasmplugPlugin *wasmplug_engine_load_plugin (WasmplugEngine     *self,
                                             WasmplugPluginInfo *info,
                                             WasmplugSandbox    *sandbox,
                                             GCancellable       *cancellable,
                                             GError            **error);

const char * const *wasmplug_engine_get_loaded_plugins (WasmplugEngine *self);
void wasmplug_engine_set_loaded_plugins (WasmplugEngine     *self,
                                         const char * const *ids);
WasmplugPlugin *wasmplug_engine_get_loaded_plugin (WasmplugEngine *self,
                                                   const char     *id);
WasmplugPlugin *wasmplug_engine_enable_plugin (WasmplugEngine     *self,
                                               WasmplugPluginInfo *info,
                                               GError            **error);
void wasmplug_engine_disable_plugin (WasmplugEngine *self,
                                     const char     *id);

G_END_DECLS
