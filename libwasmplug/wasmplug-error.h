/* wasmplug-error.h: the WASMPLUG_ERROR domain.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(__WASMPLUG_H_INSIDE__) && !defined(WASMPLUG_COMPILATION)
#error "Only <wasmplug.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * WASMPLUG_ERROR:
 *
 * The error domain of libwasmplug: errors carry a [enum@Error] code.
 */
#define WASMPLUG_ERROR (wasmplug_error_quark ())

/**
 * WasmplugError:
 * @WASMPLUG_ERROR_LOAD: the module could not be read or decoded
 * @WASMPLUG_ERROR_VALIDATION: the module is not valid WebAssembly
 * @WASMPLUG_ERROR_LINK: an import could not be linked, or instantiation failed
 * @WASMPLUG_ERROR_TRAP: the Wasm code trapped; the message is the engine's
 * @WASMPLUG_ERROR_LIMIT: a limit of the host (time, fuel, stack, or the
 *   memory cap refusing a `memory.grow` during the call) stopped the plugin
 * @WASMPLUG_ERROR_UNSUPPORTED_MODE: the running mode is not built in this engine
 * @WASMPLUG_ERROR_HOST: a host import was not answered, or answered with a
 *   value of the wrong type; the message names the import
 * @WASMPLUG_ERROR_INVALID_ARGUMENT: an argument does not fit (arity, types,
 *   unknown export, out-of-bounds address)
 * @WASMPLUG_ERROR_BUSY: the plugin is already running a call on another
 *   thread (a plugin runs one call at a time)
 * @WASMPLUG_ERROR_MANIFEST: a plugin manifest could not be read or is invalid
 *
 * Error codes of the [const@ERROR] domain.
 */
typedef enum {
  WASMPLUG_ERROR_LOAD,
  WASMPLUG_ERROR_VALIDATION,
  WASMPLUG_ERROR_LINK,
  WASMPLUG_ERROR_TRAP,
  WASMPLUG_ERROR_LIMIT,
  WASMPLUG_ERROR_UNSUPPORTED_MODE,
  WASMPLUG_ERROR_HOST,
  WASMPLUG_ERROR_INVALID_ARGUMENT,
  WASMPLUG_ERROR_BUSY,
  WASMPLUG_ERROR_MANIFEST,
} WasmplugError;

GQuark wasmplug_error_quark (void);

G_END_DECLS
