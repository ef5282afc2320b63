/*
 * spectest.h -- the `spectest` host module the spec scripts import from.
 */
#ifndef WP_TOOLS_SPECTEST_H
#define WP_TOOLS_SPECTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "wasm_export.h"

typedef struct Spectest {
  wasm_module_t module;
  wasm_module_inst_t inst;
  bool natives_registered;
  bool test_natives_registered;
} Spectest;

/* Registers the print natives (and the "wasmplug_test" natives of our own
 * scripts), instantiates the spectest module and
 * registers the instance under "spectest" (in the initialised runtime).
 * `verbose` makes the print functions print as the reference interpreter
 * does; otherwise they are silent. */
bool spectest_init(Spectest *s, bool verbose, char *error, uint32_t error_size);
void spectest_fini(Spectest *s);

#endif
