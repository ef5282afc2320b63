/*
 * decoder.h -- the Wasm 2.0 binary format to a Module.
 *
 * Checks everything the spec calls "malformed" outside function bodies:
 * magic and version, section ids, order and sizes, LEB128 forms, UTF-8 names,
 * counts that disagree (function/code, data count/data), limits flags,
 * reference and value type bytes, constant-expression shape.  Function bodies
 * are split into local declarations and code (with "too many locals"); the
 * instructions themselves are decoded by the validator.  The "name" custom
 * section is read for module and function names; an ill-formed name section
 * is ignored, as the spec allows.
 */
#ifndef WP_DECODER_H
#define WP_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "../runtime/module.h"

/* Upper bound on params + locals of one function. */
#define MAX_FUNCTION_LOCALS 50000

/* Copies `bytes`.  Returns NULL with a message naming the problem and its
 * byte offset ("unexpected end at offset 0x18"). */
Module *decode_module(const uint8_t *bytes, size_t size, char *error, uint32_t error_size);

#endif
