/* wasmplug-sandbox.h: what a plugin is given when it is made: WASI grants
 * and the limits fixed at instantiation.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(__WASMPLUG_H_INSIDE__) && !defined(WASMPLUG_COMPILATION)
#error "Only <wasmplug.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

#define WASMPLUG_TYPE_SANDBOX (wasmplug_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (WasmplugSandbox, wasmplug_sandbox, WASMPLUG, SANDBOX, GObject)

WasmplugSandbox *wasmplug_sandbox_new (void);

void wasmplug_sandbox_add_directory (WasmplugSandbox *self,
                                     const char      *guest_path,
                                     GFile           *host_directory,
                                     gboolean         read_only);
guint wasmplug_sandbox_get_n_directories (WasmplugSandbox *self);
void wasmplug_sandbox_get_directory (WasmplugSandbox *self,
                                     guint            index,
                                     const char     **guest_path,
                                     GFile          **host_directory,
                                     gboolean        *read_only);

void wasmplug_sandbox_set_env (WasmplugSandbox *self,
                               const char      *name,
                               const char      *value);
char **wasmplug_sandbox_get_environ (WasmplugSandbox *self);

void wasmplug_sandbox_set_args (WasmplugSandbox   *self,
                                const char * const *args);
const char * const *wasmplug_sandbox_get_args (WasmplugSandbox *self);

guint wasmplug_sandbox_get_max_memory_pages (WasmplugSandbox *self);
void wasmplug_sandbox_set_max_memory_pages (WasmplugSandbox *self,
                                            guint            pages);
guint wasmplug_sandbox_get_max_table_elements (WasmplugSandbox *self);
void wasmplug_sandbox_set_max_table_elements (WasmplugSandbox *self,
                                              guint            elements);
guint wasmplug_sandbox_get_stack_size (WasmplugSandbox *self);
void wasmplug_sandbox_set_stack_size (WasmplugSandbox *self,
                                      guint            bytes);

G_END_DECLS
