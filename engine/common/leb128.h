/*
 * leb128.h -- LEB128 readers.
 *
 * The checked readers are for the decoder and validator: they refuse reads
 * past `end`, encodings longer than the type allows ("integer representation
 * too long") and unused high bits that are not a sign extension ("integer too
 * large").  The unchecked readers are for tiers running validated code.
 */
#ifndef WP_LEB128_H
#define WP_LEB128_H

#include <stdbool.h>
#include <stdint.h>

typedef enum LebStatus {
  LEB_OK,
  LEB_UNEXPECTED_END, /* "unexpected end" */
  LEB_TOO_LONG,       /* "integer representation too long" */
  LEB_TOO_LARGE,      /* "integer too large" */
} LebStatus;

const char *leb_status_message(LebStatus s);

/* Reads an unsigned LEB128 of at most `bits` bits (32 or 64). */
static inline LebStatus leb_read_u(const uint8_t **p, const uint8_t *end, unsigned bits, uint64_t *out)
{
  const uint8_t *q = *p;
  uint64_t result = 0;
  unsigned shift = 0;
  unsigned max_bytes = (bits + 6) / 7;
  for (unsigned i = 0;; i++) {
    if (q >= end)
      return LEB_UNEXPECTED_END;
    if (i >= max_bytes)
      return LEB_TOO_LONG;
    uint8_t byte = *q++;
    if (i == max_bytes - 1) {
      /* last byte allowed: no continuation bit, no bits beyond `bits` */
      if (byte & 0x80)
        return LEB_TOO_LONG;
      unsigned used = bits - shift;
      if (used < 7 && (byte >> used) != 0)
        return LEB_TOO_LARGE;
    }
    result |= (uint64_t)(byte & 0x7F) << shift;
    shift += 7;
    if (!(byte & 0x80))
      break;
  }
  *p = q;
  *out = result;
  return LEB_OK;
}

/* Reads a signed LEB128 of at most `bits` bits (32, 33 or 64). */
static inline LebStatus leb_read_s(const uint8_t **p, const uint8_t *end, unsigned bits, int64_t *out)
{
  const uint8_t *q = *p;
  uint64_t result = 0;
  unsigned shift = 0;
  unsigned max_bytes = (bits + 6) / 7;
  uint8_t byte;
  for (unsigned i = 0;; i++) {
    if (q >= end)
      return LEB_UNEXPECTED_END;
    if (i >= max_bytes)
      return LEB_TOO_LONG;
    byte = *q++;
    if (i == max_bytes - 1) {
      if (byte & 0x80)
        return LEB_TOO_LONG;
      /* the unused bits must all equal the sign bit */
      unsigned used = bits - shift; /* value bits in this byte, sign included */
      if (used < 7) {
        uint8_t sign = (byte >> (used - 1)) & 1;
        uint8_t high = (uint8_t)(byte & 0x7F) >> used;
        if (high != (sign ? (0x7F >> used) : 0))
          return LEB_TOO_LARGE;
      }
    }
    result |= (uint64_t)(byte & 0x7F) << shift;
    shift += 7;
    if (!(byte & 0x80))
      break;
  }
  if (shift < 64 && (byte & 0x40))
    result |= ~(uint64_t)0 << shift;
  *p = q;
  *out = (int64_t)result;
  return LEB_OK;
}

/* Unchecked readers for validated code. */
static inline uint32_t leb_u32(const uint8_t **p)
{
  const uint8_t *q = *p;
  uint32_t result = 0;
  unsigned shift = 0;
  uint8_t byte;
  do {
    byte = *q++;
    result |= (uint32_t)(byte & 0x7F) << shift;
    shift += 7;
  } while (byte & 0x80);
  *p = q;
  return result;
}

static inline int64_t leb_s64(const uint8_t **p)
{
  const uint8_t *q = *p;
  uint64_t result = 0;
  unsigned shift = 0;
  uint8_t byte;
  do {
    byte = *q++;
    result |= (uint64_t)(byte & 0x7F) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 64 && (byte & 0x40))
    result |= ~(uint64_t)0 << shift;
  *p = q;
  return (int64_t)result;
}

static inline int32_t leb_s32(const uint8_t **p) { return (int32_t)leb_s64(p); }

/* Skips one LEB128 of any width. */
static inline void leb_skip(const uint8_t **p)
{
  while (*(*p)++ & 0x80)
    ;
}

#endif
