/*
 * error.h -- how the engine reports what went wrong.
 *
 * Loading errors go to a caller's buffer (the documented API's
 * `char *error_buf, uint32_t error_buf_size`).  A message starts with the
 * spec's own wording ("unexpected end", "type mismatch", ...) so that it reads
 * like the spec and the spec runner can match its prefix, then says where:
 *   "unexpected end at offset 0x18"
 *   "type mismatch in i32.add at offset 0x2a (function 3)"
 */
#ifndef WP_ERROR_H
#define WP_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#if defined(__GNUC__)
#define WP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define WP_PRINTF(f, a)
#endif

/* Formats into buf (if any); always returns false, so `return error_set(...)`
 * reads naturally in functions that report success as true. */
bool error_set(char *buf, uint32_t size, const char *fmt, ...) WP_PRINTF(3, 4);
bool error_setv(char *buf, uint32_t size, const char *fmt, va_list ap);

#endif
