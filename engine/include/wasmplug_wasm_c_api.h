/*
 * wasmplug_wasm_c_api.h -- wasmplug's additions to the standard Wasm C API
 * (wasm.h), which lets embedders "provide custom functions for
 * manipulating configs".
 */
#ifndef WASMPLUG_WASM_C_API_H
#define WASMPLUG_WASM_C_API_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The running mode of the instances of stores made by engines with this
 * config, by wasm_export.h's RunningMode numbers (1 classic interpreter,
 * 2 Fast JIT, 3 LLVM JIT, 4 multi-tier JIT, 5 fast interpreter; 0 the
 * runtime's default).  False, with nothing changed, for a mode this build
 * does not have. */
WASM_API_EXTERN bool wasmplug_config_set_running_mode(wasm_config_t *config, uint32_t mode);

#ifdef __cplusplus
}
#endif

#endif
