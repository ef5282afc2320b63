/* wasmplug-mode.h: execution modes.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(__WASMPLUG_H_INSIDE__) && !defined(WASMPLUG_COMPILATION)
#error "Only <wasmplug.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * WasmplugMode:
 * @WASMPLUG_MODE_AUTO: the engine's choice (the plugin follows the engine's
 *   default mode, the engine the best mode built)
 * @WASMPLUG_MODE_CLASSIC_INTERP: the classic interpreter
 * @WASMPLUG_MODE_FAST_INTERP: the fast interpreter
 * @WASMPLUG_MODE_FAST_JIT: the Fast JIT
 * @WASMPLUG_MODE_LLVM_JIT: the LLVM JIT
 * @WASMPLUG_MODE_MULTI_TIER_JIT: Fast JIT tiering up to LLVM JIT
 * @WASMPLUG_MODE_AOT: ahead-of-time compiled code
 *
 * How a plugin's Wasm code runs.  The nicks ("auto", "classic-interp",
 * "fast-interp", "fast-jit", "llvm-jit", "multi-tier-jit", "aot") name the
 * modes in bindings and settings.
 */
typedef enum {
  WASMPLUG_MODE_AUTO,
  WASMPLUG_MODE_CLASSIC_INTERP,
  WASMPLUG_MODE_FAST_INTERP,
  WASMPLUG_MODE_FAST_JIT,
  WASMPLUG_MODE_LLVM_JIT,
  WASMPLUG_MODE_MULTI_TIER_JIT,
  WASMPLUG_MODE_AOT,
} WasmplugMode;

#define WASMPLUG_TYPE_MODE (wasmplug_mode_get_type ())
GType wasmplug_mode_get_type (void);

const char *wasmplug_mode_to_nick (WasmplugMode mode);

G_END_DECLS
