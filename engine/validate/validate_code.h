/*
 * validate_code.h -- function bodies: decoding and type-checking their
 * instructions, and recording the facts the tiers need (max operand-stack
 * height, branch side table, local layout).  Private to the validator.
 */
#ifndef WP_VALIDATE_CODE_H
#define WP_VALIDATE_CODE_H

#include <stdbool.h>
#include <stdint.h>

#include "../runtime/module.h"

/* Working buffers (operand and control stacks, side table under
 * construction), reused from one function to the next. */
typedef struct CodeValidator CodeValidator;

CodeValidator *code_validator_new(Module *m);
void code_validator_free(CodeValidator *v);

/* Validates the body of function `func_index` (an index in the function
 * index space, naming a definition, not an import) and fills its validator
 * facts.  On failure *malformed says whether the error is one the spec calls
 * "malformed" (a decoding error) rather than "invalid". */
bool validate_function(CodeValidator *v, uint32_t func_index, char *error, uint32_t error_size,
                       bool *malformed);

/* Only decodes the body of function `func_index`: false with the message of
 * the first malformed instruction, if any.  The spec decodes the whole module
 * before it validates anything, so a malformed body later in the module wins
 * over an invalid one earlier. */
bool scan_function(CodeValidator *v, uint32_t func_index, char *error, uint32_t error_size);

#endif
