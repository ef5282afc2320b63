/* wasmplug-plugin.h: a sandboxed instance of a module.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(__WASMPLUG_H_INSIDE__) && !defined(WASMPLUG_COMPILATION)
#error "Only <wasmplug.h> can be included directly."
#endif

#include <gio/gio.h>

#include "wasmplug-mode.h"
#include "wasmplug-module.h"

G_BEGIN_DECLS

#define WASMPLUG_TYPE_PLUGIN (wasmplug_plugin_get_type ())
G_DECLARE_FINAL_TYPE (WasmplugPlugin, wasmplug_plugin, WASMPLUG, PLUGIN, GObject)

WasmplugModule *wasmplug_plugin_get_module (WasmplugPlugin *self);

WasmplugMode wasmplug_plugin_get_mode (WasmplugPlugin *self);
gboolean wasmplug_plugin_set_mode (WasmplugPlugin *self,
                                   WasmplugMode    mode,
                                   GError        **error);
WasmplugMode wasmplug_plugin_get_effective_mode (WasmplugPlugin *self);

WasmplugSandbox *wasmplug_plugin_get_sandbox (WasmplugPlugin *self);

guint64 wasmplug_plugin_get_fuel (WasmplugPlugin *self);
void wasmplug_plugin_set_fuel (WasmplugPlugin *self,
                               guint64         fuel);
guint wasmplug_plugin_get_timeout_ms (WasmplugPlugin *self);
void wasmplug_plugin_set_timeout_ms (WasmplugPlugin *self,
                                     guint           timeout_ms);

gboolean wasmplug_plugin_get_busy (WasmplugPlugin *self);

GVariant *wasmplug_plugin_call (WasmplugPlugin *self,
                                const char     *name,
                                GVariant       *args,
                                GError        **error);
void wasmplug_plugin_call_async (WasmplugPlugin     *self,
                                 const char         *name,
                                 GVariant           *args,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);
GVariant *wasmplug_plugin_call_finish (WasmplugPlugin *self,
                                       GAsyncResult   *result,
                                       GError        **error);
void wasmplug_plugin_cancel (WasmplugPlugin *self);

gsize wasmplug_plugin_get_memory_size (WasmplugPlugin *self);
GBytes *wasmplug_plugin_read_memory (WasmplugPlugin *self,
                                     guint64         address,
                                     gsize           length,
                                     GError        **error);
gboolean wasmplug_plugin_write_memory (WasmplugPlugin *self,
                                       guint64         address,
                                       GBytes         *bytes,
                                       GError        **error);
gboolean wasmplug_plugin_write_memory_data (WasmplugPlugin *self,
                                            guint64         address,
                                            const guint8   *data,
                                            gsize           length,
                                            GError        **error);
char *wasmplug_plugin_read_string (WasmplugPlugin *self,
                                   guint64         address,
                                   gssize          max_length,
                                   GError        **error);
gboolean wasmplug_plugin_write_string (WasmplugPlugin *self,
                                       guint64         address,
                                       const char     *string,
                                       GError        **error);

G_END_DECLS
