/*
 * numbers.c -- integer and float literals of the text format.
 *
 * The lexer only knows that a token looks like a number; its meaning depends
 * on where it stands (an i32 immediate, an index, an f64), so it is read here
 * on demand.  Floats are rounded to nearest-even by the C library's strtof
 * and strtod (glibc rounds exactly, hex floats and subnormals included) after
 * the syntax, underscores included, has been checked here.
 */
#define _GNU_SOURCE /* strtof_l, strtod_l */
#include "lexer.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int digit_value(char ch, bool hex)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (hex && ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (hex && ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* Scans num or hexnum: digits with single underscores between them.  Copies
 * the digits (without underscores) to *out when out is not NULL. */
static bool scan_digits(const char **p, const char *end, bool hex, char **out)
{
  const char *q = *p;
  if (q >= end || digit_value(*q, hex) < 0)
    return false;
  while (q < end) {
    if (digit_value(*q, hex) >= 0) {
      if (out)
        *(*out)++ = *q;
      q++;
    } else if (*q == '_' && q + 1 < end && digit_value(q[1], hex) >= 0) {
      q++;
    } else {
      break;
    }
  }
  *p = q;
  return true;
}

/* nat: num | 0x hexnum, with overflow reported as NUM_RANGE. */
static NumStatus parse_nat(const char *p, const char *end, uint64_t *out)
{
  bool hex = end - p > 2 && p[0] == '0' && p[1] == 'x';
  if (hex)
    p += 2;
  const char *start = p;
  if (!scan_digits(&p, end, hex, NULL) || p != end)
    return NUM_SYNTAX;
  uint64_t v = 0;
  bool overflow = false;
  unsigned base = hex ? 16 : 10;
  for (p = start; p < end; p++) {
    if (*p == '_')
      continue;
    uint64_t d = (uint64_t)digit_value(*p, hex);
    if (v > (UINT64_MAX - d) / base)
      overflow = true;
    v = v * base + d;
  }
  *out = v;
  return overflow ? NUM_RANGE : NUM_OK;
}

bool text_parse_u64(const Token *t, uint64_t *out)
{
  if (t->kind != TOKEN_NUMBER && t->kind != TOKEN_KEYWORD)
    return false;
  return parse_nat(t->text, t->text + t->len, out) == NUM_OK;
}

NumStatus text_parse_index(const Token *t, uint32_t *out)
{
  if (t->kind != TOKEN_NUMBER || t->text[0] == '+' || t->text[0] == '-')
    return NUM_SYNTAX;
  uint64_t v;
  NumStatus s = parse_nat(t->text, t->text + t->len, &v);
  if (s == NUM_OK && v > UINT32_MAX)
    s = NUM_RANGE;
  if (s == NUM_OK)
    *out = (uint32_t)v;
  return s;
}

bool text_parse_u32(const Token *t, uint32_t *out)
{
  uint64_t v;
  if (t->kind != TOKEN_NUMBER || !text_parse_u64(t, &v) || v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

NumStatus text_parse_int(const Token *t, unsigned bits, uint64_t *out)
{
  if (t->kind != TOKEN_NUMBER)
    return NUM_SYNTAX;
  const char *p = t->text, *end = t->text + t->len;
  bool negative = false;
  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  uint64_t mag;
  NumStatus s = parse_nat(p, end, &mag);
  if (s != NUM_OK)
    return s;
  uint64_t max_unsigned = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
  uint64_t max_negative = (uint64_t)1 << (bits - 1);
  if (negative ? mag > max_negative : mag > max_unsigned)
    return NUM_RANGE;
  uint64_t v = negative ? (uint64_t)0 - mag : mag;
  *out = bits == 64 ? v : v & max_unsigned;
  return NUM_OK;
}

/* ---- floats ---- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

/* An application may have set a locale whose decimal point is ','; Wasm's
 * is always '.'. */
static void make_c_locale(void) { c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0); }

/* Checks the float syntax and writes a strtod-ready copy (no underscores,
 * no sign) into buf.  Returns false on bad syntax. */
static bool clean_float(const char *p, const char *end, char *buf)
{
  char *o = buf;
  bool hex = end - p > 2 && p[0] == '0' && p[1] == 'x';
  if (hex) {
    p += 2;
    *o++ = '0';
    *o++ = 'x';
  }
  if (!scan_digits(&p, end, hex, &o))
    return false;
  if (p < end && *p == '.') {
    *o++ = *p++;
    if (p < end && digit_value(*p, hex) >= 0)
      scan_digits(&p, end, hex, &o);
  }
  if (p < end && (hex ? (*p == 'p' || *p == 'P') : (*p == 'e' || *p == 'E'))) {
    *o++ = *p++;
    if (p < end && (*p == '+' || *p == '-'))
      *o++ = *p++;
    if (!scan_digits(&p, end, false, &o))
      return false;
  } else if (hex) {
    /* strtod needs no exponent, but say it so the meaning is plain */
    *o++ = 'p';
    *o++ = '0';
  }
  *o = '\0';
  return p == end;
}

/* Parses a float token into a double or float via `convert`; handles
 * sign, inf, nan and nan:0x payloads, which are returned through *payload
 * (0 when the value is not a NaN with explicit payload). */
typedef struct FloatParts {
  bool negative, is_nan, is_inf;
  uint64_t payload; /* 0 = canonical NaN */
  const char *digits; /* for finite values: cleaned text */
} FloatParts;

static NumStatus float_parts(const Token *t, char *buf, FloatParts *f)
{
  memset(f, 0, sizeof *f);
  if (t->kind != TOKEN_NUMBER && t->kind != TOKEN_KEYWORD)
    return NUM_SYNTAX;
  const char *p = t->text, *end = t->text + t->len;
  if (p < end && (*p == '+' || *p == '-'))
    f->negative = *p++ == '-';
  size_t n = (size_t)(end - p);
  if (n == 3 && memcmp(p, "inf", 3) == 0) {
    f->is_inf = true;
    return NUM_OK;
  }
  if (n == 3 && memcmp(p, "nan", 3) == 0) {
    f->is_nan = true;
    return NUM_OK;
  }
  if (n > 6 && memcmp(p, "nan:0x", 6) == 0) {
    const char *q = p + 6;
    if (!scan_digits(&q, end, true, NULL) || q != end)
      return NUM_SYNTAX;
    f->is_nan = true;
    NumStatus s = parse_nat(p + 4, end, &f->payload);
    if (s != NUM_OK)
      return s;
    if (f->payload == 0)
      return NUM_RANGE;
    return NUM_OK;
  }
  if (!clean_float(p, end, buf))
    return NUM_SYNTAX;
  f->digits = buf;
  return NUM_OK;
}

/* Scratch big enough for the cleaned token (len plus "p0" and NUL). */
static char *float_buffer(const Token *t, char *small, size_t small_size)
{
  size_t need = (size_t)t->len + 4;
  return need <= small_size ? small : malloc(need);
}

NumStatus text_parse_f32(const Token *t, uint32_t *out)
{
  char small[128];
  char *buf = float_buffer(t, small, sizeof small);
  if (!buf)
    return NUM_RANGE;
  FloatParts f;
  NumStatus s = float_parts(t, buf, &f);
  uint32_t bits = 0;
  if (s == NUM_OK) {
    if (f.is_nan) {
      if (f.payload > 0x7FFFFF)
        s = NUM_RANGE;
      bits = 0x7F800000u | (f.payload ? (uint32_t)f.payload : 0x400000u);
    } else if (f.is_inf) {
      bits = 0x7F800000u;
    } else {
      pthread_once(&c_locale_once, make_c_locale);
      float v = strtof_l(f.digits, NULL, c_locale);
      if (isinf(v))
        s = NUM_RANGE;
      memcpy(&bits, &v, 4);
    }
    if (f.negative)
      bits |= 0x80000000u;
  }
  if (buf != small)
    free(buf);
  *out = bits;
  return s;
}

NumStatus text_parse_f64(const Token *t, uint64_t *out)
{
  char small[128];
  char *buf = float_buffer(t, small, sizeof small);
  if (!buf)
    return NUM_RANGE;
  FloatParts f;
  NumStatus s = float_parts(t, buf, &f);
  uint64_t bits = 0;
  if (s == NUM_OK) {
    if (f.is_nan) {
      if (f.payload > 0xFFFFFFFFFFFFFull)
        s = NUM_RANGE;
      bits = 0x7FF0000000000000ull | (f.payload ? f.payload : 0x8000000000000ull);
    } else if (f.is_inf) {
      bits = 0x7FF0000000000000ull;
    } else {
      pthread_once(&c_locale_once, make_c_locale);
      double v = strtod_l(f.digits, NULL, c_locale);
      if (isinf(v))
        s = NUM_RANGE;
      memcpy(&bits, &v, 8);
    }
    if (f.negative)
      bits |= 0x8000000000000000ull;
  }
  if (buf != small)
    free(buf);
  *out = bits;
  return s;
}
