/*
 * text.h -- the WebAssembly text format (Wasm 2.0, SIMD included).
 *
 * Text is turned into the binary format and then loaded like any other
 * module (DESIGN.md, "one loading path"): the text parser resolves names and
 * abbreviations but checks nothing the validator checks.
 */
#ifndef WP_TEXT_H
#define WP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses one module: `(module ...)`, `(module binary "...")`,
 * `(module quote "...")`, or a bare list of module fields.  Returns the
 * binary module (free() it) and its size, or NULL with "LINE:COL: message"
 * in `error`, the message starting with the spec's words ("unknown
 * operator", "unexpected token", "constant out of range", ...).
 */
uint8_t *wat_to_binary(const char *src, size_t len, size_t *out_size, char *error, uint32_t error_size);

#endif
