/*
 * validator.h -- Wasm 2.0 validation (SIMD excepted), and the facts the tiers
 * need: for each function its max operand-stack height, the branch side table
 * and the local layout (module.h, FuncDef "validator facts").
 *
 * Also decodes instructions, so malformed code ("illegal opcode", "unexpected
 * end", LEB128 errors, "data count section required") is reported here.
 */
#ifndef WP_VALIDATOR_H
#define WP_VALIDATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "../runtime/module.h"

/* Validates the module-level rules and every function body.  On failure
 * returns false with a message such as
 * "type mismatch in i32.add at offset 0x2a (function 3)". */
bool validate_module(Module *m, char *error, uint32_t error_size);

#endif
