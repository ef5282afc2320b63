/* wasmplug-mode.c: the registered WasmplugMode enum.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "wasmplug-mode.h"

static const GEnumValue mode_values[] = {
  { WASMPLUG_MODE_AUTO, "WASMPLUG_MODE_AUTO", "auto" },
  { WASMPLUG_MODE_CLASSIC_INTERP, "WASMPLUG_MODE_CLASSIC_INTERP", "classic-interp" },
  { WASMPLUG_MODE_FAST_INTERP, "WASMPLUG_MODE_FAST_INTERP", "fast-interp" },
  { WASMPLUG_MODE_FAST_JIT, "WASMPLUG_MODE_FAST_JIT", "fast-jit" },
  { WASMPLUG_MODE_LLVM_JIT, "WASMPLUG_MODE_LLVM_JIT", "llvm-jit" },
  { WASMPLUG_MODE_MULTI_TIER_JIT, "WASMPLUG_MODE_MULTI_TIER_JIT", "multi-tier-jit" },
  { WASMPLUG_MODE_AOT, "WASMPLUG_MODE_AOT", "aot" },
  { 0, NULL, NULL },
};

GType
wasmplug_mode_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static (g_intern_static_string ("WasmplugMode"),
                                                         mode_values));
  return type_id;
}

/**
 * wasmplug_mode_to_nick:
 * @mode: a mode
 *
 * The nick of @mode, e.g. "fast-interp".
 *
 * Returns: (transfer none): the nick, or "unknown" for a value out of range
 */
const char *
wasmplug_mode_to_nick (WasmplugMode mode)
{
  if ((guint) mode < G_N_ELEMENTS (mode_values) - 1)
    return mode_values[mode].value_nick;
  return "unknown";
}
