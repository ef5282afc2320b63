/*
 * numeric.h -- Wasm numeric semantics where C's operators differ from the
 * spec: shifts and rotations modulo the width, clz/ctz of zero, float min/max
 * with NaN and signed zeros, sign operations as bit operations (they must keep
 * NaN payloads), and the checks of the float-to-integer truncations.
 *
 * Everything is static inline so the interpreter's hot loop pays no call;
 * the checks that trap return a TrapKind (TRAP_NONE when the value is fine)
 * and leave the raising to the caller, which owns the ExecEnv.
 */
#ifndef WP_INTERP_NUMERIC_H
#define WP_INTERP_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../runtime/trap.h"

/* --- bits of floats (reinterpret, UBSan-clean) --- */

static inline uint32_t f32_bits(float f)
{
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static inline float f32_from_bits(uint32_t u)
{
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static inline uint64_t f64_bits(double d)
{
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}

static inline double f64_from_bits(uint64_t u)
{
  double d;
  memcpy(&d, &u, 8);
  return d;
}

/* --- integers --- */

static inline uint32_t i32_clz(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
static inline uint32_t i32_ctz(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; }
static inline uint32_t i32_popcnt(uint32_t x) { return (uint32_t)__builtin_popcount(x); }
static inline uint64_t i64_clz(uint64_t x) { return x ? (uint64_t)__builtin_clzll(x) : 64; }
static inline uint64_t i64_ctz(uint64_t x) { return x ? (uint64_t)__builtin_ctzll(x) : 64; }
static inline uint64_t i64_popcnt(uint64_t x) { return (uint64_t)__builtin_popcountll(x); }

static inline uint32_t i32_rotl(uint32_t x, uint32_t k)
{
  k &= 31;
  return (x << k) | (x >> ((32 - k) & 31));
}

static inline uint32_t i32_rotr(uint32_t x, uint32_t k)
{
  k &= 31;
  return (x >> k) | (x << ((32 - k) & 31));
}

static inline uint64_t i64_rotl(uint64_t x, uint64_t k)
{
  k &= 63;
  return (x << k) | (x >> ((64 - k) & 63));
}

static inline uint64_t i64_rotr(uint64_t x, uint64_t k)
{
  k &= 63;
  return (x >> k) | (x << ((64 - k) & 63));
}

/* Arithmetic shift right of a signed value, spelled so that it does not
 * depend on implementation-defined behaviour. */
static inline uint32_t i32_shr_s(uint32_t x, uint32_t k)
{
  k &= 31;
  return (x >> k) | ((x & 0x80000000u) ? ~(~0u >> k) : 0);
}

static inline uint64_t i64_shr_s(uint64_t x, uint64_t k)
{
  k &= 63;
  return (x >> k) | ((x & 0x8000000000000000ull) ? ~(~0ull >> k) : 0);
}

/* --- floats --- */

/* NaN bits (shared definition, "NaN bits"): when an operand of add, sub,
 * mul, div, min or max is a NaN, the result is the first NaN operand with
 * its quiet bit set, in every tier.  The spec allows any arithmetic NaN; x86
 * SSE gives the first operand's when both are NaN, but C lets the compiler
 * swap the operands of a commutative `+`, so the choice is made here
 * explicitly, off the fast path (a NaN result is rare).  A NaN made from no
 * NaN (inf - inf, 0 * inf) is the hardware's default NaN, left alone.
 * V8 agrees for add, sub, mul and div; its min and max return the default
 * NaN (0xFFC00000) instead of a payload, which the spec allows too. */
static inline float f32_nan_pick(float a, float b, float r)
{
  if (isnan(a))
    return f32_from_bits(f32_bits(a) | 0x00400000u);
  if (isnan(b))
    return f32_from_bits(f32_bits(b) | 0x00400000u);
  return r;
}

static inline double f64_nan_pick(double a, double b, double r)
{
  if (isnan(a))
    return f64_from_bits(f64_bits(a) | 0x0008000000000000ull);
  if (isnan(b))
    return f64_from_bits(f64_bits(b) | 0x0008000000000000ull);
  return r;
}

#define WP_FLOAT_ARITH(name, FT, op, pick)                               \
  static inline FT name(FT a, FT b)                                      \
  {                                                                      \
    FT r = a op b;                                                       \
    return __builtin_expect(isnan(r), 0) ? pick(a, b, r) : r;            \
  }
WP_FLOAT_ARITH(f32_add, float, +, f32_nan_pick)
WP_FLOAT_ARITH(f32_sub, float, -, f32_nan_pick)
WP_FLOAT_ARITH(f32_mul, float, *, f32_nan_pick)
WP_FLOAT_ARITH(f32_div, float, /, f32_nan_pick)
WP_FLOAT_ARITH(f64_add, double, +, f64_nan_pick)
WP_FLOAT_ARITH(f64_sub, double, -, f64_nan_pick)
WP_FLOAT_ARITH(f64_mul, double, *, f64_nan_pick)
WP_FLOAT_ARITH(f64_div, double, /, f64_nan_pick)
#undef WP_FLOAT_ARITH

/* min/max: a NaN operand gives the NaN above; -0 is below +0, which `<`
 * cannot see, so equal operands combine their sign bits. */
static inline float f32_min(float a, float b)
{
  if (isnan(a) || isnan(b))
    return f32_nan_pick(a, b, a);
  if (a == b)
    return f32_from_bits(f32_bits(a) | f32_bits(b));
  return a < b ? a : b;
}

static inline float f32_max(float a, float b)
{
  if (isnan(a) || isnan(b))
    return f32_nan_pick(a, b, a);
  if (a == b)
    return f32_from_bits(f32_bits(a) & f32_bits(b));
  return a > b ? a : b;
}

static inline double f64_min(double a, double b)
{
  if (isnan(a) || isnan(b))
    return f64_nan_pick(a, b, a);
  if (a == b)
    return f64_from_bits(f64_bits(a) | f64_bits(b));
  return a < b ? a : b;
}

static inline double f64_max(double a, double b)
{
  if (isnan(a) || isnan(b))
    return f64_nan_pick(a, b, a);
  if (a == b)
    return f64_from_bits(f64_bits(a) & f64_bits(b));
  return a > b ? a : b;
}

/* abs, neg and copysign touch only the sign bit: the spec says they do not
 * canonicalise NaNs, and C's fabsf/-x may go through the FPU. */
static inline uint32_t f32_abs_bits(uint32_t a) { return a & 0x7FFFFFFFu; }
static inline uint32_t f32_neg_bits(uint32_t a) { return a ^ 0x80000000u; }
static inline uint32_t f32_copysign_bits(uint32_t a, uint32_t b)
{
  return (a & 0x7FFFFFFFu) | (b & 0x80000000u);
}
static inline uint64_t f64_abs_bits(uint64_t a) { return a & 0x7FFFFFFFFFFFFFFFull; }
static inline uint64_t f64_neg_bits(uint64_t a) { return a ^ 0x8000000000000000ull; }
static inline uint64_t f64_copysign_bits(uint64_t a, uint64_t b)
{
  return (a & 0x7FFFFFFFFFFFFFFFull) | (b & 0x8000000000000000ull);
}

/* ceil, floor, trunc and nearest: libm returns a signalling NaN unchanged,
 * but Wasm wants an arithmetic (quiet) NaN, which x + x makes.  nearest
 * rounds half to even: rint under the default rounding mode, which the
 * engine never changes. */
#define WP_ROUND(name, FT, fn)                                           \
  static inline FT name(FT a) { return isnan(a) ? a + a : fn(a); }
WP_ROUND(f32_ceil, float, ceilf)
WP_ROUND(f32_floor, float, floorf)
WP_ROUND(f32_trunc, float, truncf)
WP_ROUND(f32_nearest, float, rintf)
WP_ROUND(f64_ceil, double, ceil)
WP_ROUND(f64_floor, double, floor)
WP_ROUND(f64_trunc, double, trunc)
WP_ROUND(f64_nearest, double, rint)
#undef WP_ROUND

/* --- float to integer --- */

/* The ranges are the exact open/closed intervals of values whose truncation
 * fits: e.g. i32 signed accepts (-2^31 - 1, 2^31) for f64, and [-2^31, 2^31)
 * for f32 (whose next value below -2^31 is already out of range).  All bounds
 * are exactly representable in the float type. */
#define WP_TRUNC_CHECK(name, FT, lo, lo_incl, hi)                        \
  static inline TrapKind name(FT x)                                      \
  {                                                                      \
    if (isnan(x))                                                        \
      return TRAP_INVALID_CONVERSION;                                    \
    if (!((lo_incl) ? x >= (lo) : x > (lo)) || !(x < (hi)))              \
      return TRAP_INTEGER_OVERFLOW;                                      \
    return TRAP_NONE;                                                    \
  }

WP_TRUNC_CHECK(trunc_check_i32_f32_s, float, -2147483648.0f, 1, 2147483648.0f)
WP_TRUNC_CHECK(trunc_check_i32_f32_u, float, -1.0f, 0, 4294967296.0f)
WP_TRUNC_CHECK(trunc_check_i32_f64_s, double, -2147483649.0, 0, 2147483648.0)
WP_TRUNC_CHECK(trunc_check_i32_f64_u, double, -1.0, 0, 4294967296.0)
WP_TRUNC_CHECK(trunc_check_i64_f32_s, float, -9223372036854775808.0f, 1, 9223372036854775808.0f)
WP_TRUNC_CHECK(trunc_check_i64_f32_u, float, -1.0f, 0, 18446744073709551616.0f)
WP_TRUNC_CHECK(trunc_check_i64_f64_s, double, -9223372036854775808.0, 1, 9223372036854775808.0)
WP_TRUNC_CHECK(trunc_check_i64_f64_u, double, -1.0, 0, 18446744073709551616.0)
#undef WP_TRUNC_CHECK

/* Saturating truncations: NaN is 0, out-of-range values clamp. */
#define WP_TRUNC_SAT(name, FT, IT, imin, imax, lo, lo_incl, hi)          \
  static inline IT name(FT x)                                            \
  {                                                                      \
    if (isnan(x))                                                        \
      return 0;                                                          \
    if (!((lo_incl) ? x >= (lo) : x > (lo)))                             \
      return imin;                                                       \
    if (!(x < (hi)))                                                     \
      return imax;                                                       \
    return (IT)x;                                                        \
  }

WP_TRUNC_SAT(trunc_sat_i32_f32_s, float, int32_t, INT32_MIN, INT32_MAX, -2147483648.0f, 1, 2147483648.0f)
WP_TRUNC_SAT(trunc_sat_i32_f32_u, float, uint32_t, 0, UINT32_MAX, -1.0f, 0, 4294967296.0f)
WP_TRUNC_SAT(trunc_sat_i32_f64_s, double, int32_t, INT32_MIN, INT32_MAX, -2147483649.0, 0, 2147483648.0)
WP_TRUNC_SAT(trunc_sat_i32_f64_u, double, uint32_t, 0, UINT32_MAX, -1.0, 0, 4294967296.0)
WP_TRUNC_SAT(trunc_sat_i64_f32_s, float, int64_t, INT64_MIN, INT64_MAX, -9223372036854775808.0f, 1,
             9223372036854775808.0f)
WP_TRUNC_SAT(trunc_sat_i64_f32_u, float, uint64_t, 0, UINT64_MAX, -1.0f, 0, 18446744073709551616.0f)
WP_TRUNC_SAT(trunc_sat_i64_f64_s, double, int64_t, INT64_MIN, INT64_MAX, -9223372036854775808.0, 1,
             9223372036854775808.0)
WP_TRUNC_SAT(trunc_sat_i64_f64_u, double, uint64_t, 0, UINT64_MAX, -1.0, 0, 18446744073709551616.0)
#undef WP_TRUNC_SAT

#endif
