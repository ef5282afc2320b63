/* wasmplug-private.h: what the classes of libwasmplug share; not installed.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <wasm_export.h>

#include "wasmplug.h"

G_BEGIN_DECLS

/* The engine's runtime is process-wide: initialised once, on the first
 * WasmplugEngine, and kept for the life of the process, so that the host
 * natives registered for plugins' imports stay valid (wasm_export.h:
 * natives must outlive the instances linked to them). */
void _wasmplug_runtime_ensure (void);

/* WASMPLUG_MODE_AUTO is Mode_Default, WASMPLUG_MODE_AOT Mode_AOT; -1 for a
 * value that is no mode. */
int _wasmplug_mode_to_running_mode (WasmplugMode mode);
WasmplugMode _wasmplug_mode_from_running_mode (RunningMode mode);

/* Values: i32 <-> 'i' (or 'u' in), i64 <-> 'x' (or 't' in), f32 and f64
 * <-> 'd'.  Slots are the 64-bit cells of raw natives. */
const GVariantType *_wasmplug_valkind_to_variant_type (wasm_valkind_t kind);
gboolean _wasmplug_value_from_variant (wasm_valkind_t kind, GVariant *value, guint64 *slot);
GVariant *_wasmplug_value_to_variant (wasm_valkind_t kind, guint64 slot);
/* The tuple type of a function type's parameters or results; NULL when a
 * value type has no GVariant form (references, v128). */
GVariantType *_wasmplug_func_type_to_variant_type (wasm_func_type_t type, gboolean results);
char *_wasmplug_describe_tuple (const GVariantType *type);

WasmplugModule *_wasmplug_module_new (WasmplugEngine *engine, wasm_module_t module);
wasm_module_t _wasmplug_module_get_raw (WasmplugModule *self);

WasmplugPlugin *_wasmplug_plugin_new (WasmplugModule    *module,
                                      wasm_module_inst_t inst,
                                      WasmplugSandbox   *sandbox);
/* Instantiates with the grants and limits of `self`; under the host lock. */
wasm_module_inst_t _wasmplug_sandbox_instantiate (WasmplugSandbox *self,
                                                  wasm_module_t    module,
                                                  GError         **error);
/* Emits host-call::QUALIFIED_NAME; NULL when no handler answered. */
GVariant *_wasmplug_plugin_emit_host_call (WasmplugPlugin *self,
                                           const char     *qualified_name,
                                           GVariant       *args);
void _wasmplug_plugin_apply_mode (WasmplugPlugin *self);
/* Records the exception a host import sets (no handler answered, a wrong
 * answer), so that the call's error is WASMPLUG_ERROR_HOST. */
void _wasmplug_plugin_set_host_failure (WasmplugPlugin *self,
                                        const char     *message);

/* wasmplug-host.c: registers the natives answering a module's function
 * imports, and serialises registration with instantiation (natives are
 * looked up by name, latest registration first). */
void _wasmplug_host_lock (void);
void _wasmplug_host_unlock (void);
gboolean _wasmplug_host_prepare (wasm_module_t module, GError **error);

G_END_DECLS
