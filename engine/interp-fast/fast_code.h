/*
 * fast_code.h -- the fast interpreter's internal code, shared by the
 * translator (translate.c) and the executor (interp_fast.c).
 *
 * A function is translated once into an array of 64-bit cells: an operation
 * (its handler's address in the threaded build, its number in the switch
 * build) followed by its operands.  Operands that name values are byte
 * offsets from the frame pointer `fp` (locals and operand-stack values are
 * all frame slots); constants sit in the code as immediates; branch targets
 * are cell addresses.  Nothing in the code is tied to an instance (contract
 * "compile once, instantiate many"): memories, tables, globals and functions
 * are reached through the running instance.
 *
 * Frame layout, in 8-byte slots from fp:
 *
 *     [0, L)            params then declared locals (L = FuncDef.local_slots)
 *     [L, L + 3)        header: return pc, caller's fp, caller's instance
 *     [L + 3, ...)      operand stack, max_stack slots; depth d is slot L+3+d
 *
 * A call's arguments are the caller's top stack slots; the callee's fp
 * starts there, and its results come back to the same place.
 *
 * The operations are listed once below (STYLE.md rule 3); "d" is the result
 * slot, "a", "b", "c" operand slots, "k" an immediate, "T" a branch target.
 */
#ifndef WP_FAST_CODE_H
#define WP_FAST_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "../runtime/module.h"

typedef union Cell {
  const void *h;  /* handler (threaded build) */
  uint64_t u;     /* operation number (switch build), immediate */
  int64_t i;      /* slot offset in bytes from fp */
  const union Cell *target;
} Cell;

#define FAST_HEADER_SLOTS 3

/* Integer binary operations: every one has a slot form "d = a op b" and an
 * immediate form "d = a op k" (NAME_IMM).  Division and remainder trap
 * through helpers that take the env. */
#define FAST_INT_BINOPS(X)                                                     \
  X(I32_ADD, uint32_t, u32, SET_I32, a + b)                                    \
  X(I32_SUB, uint32_t, u32, SET_I32, a - b)                                    \
  X(I32_MUL, uint32_t, u32, SET_I32, a * b)                                    \
  X(I32_DIV_S, uint32_t, u32, SET_I32, i32_div_s(env, a, b))                   \
  X(I32_DIV_U, uint32_t, u32, SET_I32, i32_div_u(env, a, b))                   \
  X(I32_REM_S, uint32_t, u32, SET_I32, i32_rem_s(env, a, b))                   \
  X(I32_REM_U, uint32_t, u32, SET_I32, i32_rem_u(env, a, b))                   \
  X(I32_AND, uint32_t, u32, SET_I32, a & b)                                    \
  X(I32_OR, uint32_t, u32, SET_I32, a | b)                                     \
  X(I32_XOR, uint32_t, u32, SET_I32, a ^ b)                                    \
  X(I32_SHL, uint32_t, u32, SET_I32, a << (b & 31))                            \
  X(I32_SHR_S, uint32_t, u32, SET_I32, i32_shr_s(a, b))                        \
  X(I32_SHR_U, uint32_t, u32, SET_I32, a >> (b & 31))                          \
  X(I32_ROTL, uint32_t, u32, SET_I32, i32_rotl(a, b))                          \
  X(I32_ROTR, uint32_t, u32, SET_I32, i32_rotr(a, b))                          \
  X(I32_EQ, uint32_t, u32, SET_I32, a == b)                                    \
  X(I32_NE, uint32_t, u32, SET_I32, a != b)                                    \
  X(I32_LT_S, uint32_t, u32, SET_I32, (int32_t)a < (int32_t)b)                 \
  X(I32_LT_U, uint32_t, u32, SET_I32, a < b)                                   \
  X(I32_GT_S, uint32_t, u32, SET_I32, (int32_t)a > (int32_t)b)                 \
  X(I32_GT_U, uint32_t, u32, SET_I32, a > b)                                   \
  X(I32_LE_S, uint32_t, u32, SET_I32, (int32_t)a <= (int32_t)b)                \
  X(I32_LE_U, uint32_t, u32, SET_I32, a <= b)                                  \
  X(I32_GE_S, uint32_t, u32, SET_I32, (int32_t)a >= (int32_t)b)                \
  X(I32_GE_U, uint32_t, u32, SET_I32, a >= b)                                  \
  X(I64_ADD, uint64_t, u64, SET_I64, a + b)                                    \
  X(I64_SUB, uint64_t, u64, SET_I64, a - b)                                    \
  X(I64_MUL, uint64_t, u64, SET_I64, a * b)                                    \
  X(I64_DIV_S, uint64_t, u64, SET_I64, i64_div_s(env, a, b))                   \
  X(I64_DIV_U, uint64_t, u64, SET_I64, i64_div_u(env, a, b))                   \
  X(I64_REM_S, uint64_t, u64, SET_I64, i64_rem_s(env, a, b))                   \
  X(I64_REM_U, uint64_t, u64, SET_I64, i64_rem_u(env, a, b))                   \
  X(I64_AND, uint64_t, u64, SET_I64, a & b)                                    \
  X(I64_OR, uint64_t, u64, SET_I64, a | b)                                     \
  X(I64_XOR, uint64_t, u64, SET_I64, a ^ b)                                    \
  X(I64_SHL, uint64_t, u64, SET_I64, a << (b & 63))                            \
  X(I64_SHR_S, uint64_t, u64, SET_I64, i64_shr_s(a, b))                        \
  X(I64_SHR_U, uint64_t, u64, SET_I64, a >> (b & 63))                          \
  X(I64_ROTL, uint64_t, u64, SET_I64, i64_rotl(a, b))                          \
  X(I64_ROTR, uint64_t, u64, SET_I64, i64_rotr(a, b))                          \
  X(I64_EQ, uint64_t, u64, SET_I32, a == b)                                    \
  X(I64_NE, uint64_t, u64, SET_I32, a != b)                                    \
  X(I64_LT_S, uint64_t, u64, SET_I32, (int64_t)a < (int64_t)b)                 \
  X(I64_LT_U, uint64_t, u64, SET_I32, a < b)                                   \
  X(I64_GT_S, uint64_t, u64, SET_I32, (int64_t)a > (int64_t)b)                 \
  X(I64_GT_U, uint64_t, u64, SET_I32, a > b)                                   \
  X(I64_LE_S, uint64_t, u64, SET_I32, (int64_t)a <= (int64_t)b)                \
  X(I64_LE_U, uint64_t, u64, SET_I32, a <= b)                                  \
  X(I64_GE_S, uint64_t, u64, SET_I32, (int64_t)a >= (int64_t)b)                \
  X(I64_GE_U, uint64_t, u64, SET_I32, a >= b)

/* Float binary operations: slot form; the arithmetic ones also take their
 * second operand straight from a load (the f32/f64.load just before them):
 * NAME_LOAD "d = a op mem[x + k]", NAME_LOAD_ADD "d = a op mem[(x + y mod
 * 2^32) + k]", NAME_LOAD_ADD_IMM the same with y an immediate.  copysign
 * works on the bits. */
#define FAST_FLOAT_ARITH(X)                                                    \
  X(F32_ADD, float, f32, SET_F32, f32_add(a, b))                               \
  X(F32_SUB, float, f32, SET_F32, f32_sub(a, b))                               \
  X(F32_MUL, float, f32, SET_F32, f32_mul(a, b))                               \
  X(F32_DIV, float, f32, SET_F32, f32_div(a, b))                               \
  X(F64_ADD, double, f64, SET_F64, f64_add(a, b))                              \
  X(F64_SUB, double, f64, SET_F64, f64_sub(a, b))                              \
  X(F64_MUL, double, f64, SET_F64, f64_mul(a, b))                              \
  X(F64_DIV, double, f64, SET_F64, f64_div(a, b))

#define FAST_FLOAT_OTHER(X)                                                    \
  X(F32_MIN, float, f32, SET_F32, f32_min(a, b))                               \
  X(F32_MAX, float, f32, SET_F32, f32_max(a, b))                               \
  X(F32_COPYSIGN, uint32_t, u32, SET_I32, f32_copysign_bits(a, b))             \
  X(F32_EQ, float, f32, SET_I32, a == b)                                       \
  X(F32_NE, float, f32, SET_I32, a != b)                                       \
  X(F32_LT, float, f32, SET_I32, a < b)                                        \
  X(F32_GT, float, f32, SET_I32, a > b)                                        \
  X(F32_LE, float, f32, SET_I32, a <= b)                                       \
  X(F32_GE, float, f32, SET_I32, a >= b)                                       \
  X(F64_MIN, double, f64, SET_F64, f64_min(a, b))                              \
  X(F64_MAX, double, f64, SET_F64, f64_max(a, b))                              \
  X(F64_COPYSIGN, uint64_t, u64, SET_I64, f64_copysign_bits(a, b))             \
  X(F64_EQ, double, f64, SET_I32, a == b)                                      \
  X(F64_NE, double, f64, SET_I32, a != b)                                      \
  X(F64_LT, double, f64, SET_I32, a < b)                                       \
  X(F64_GT, double, f64, SET_I32, a > b)                                       \
  X(F64_LE, double, f64, SET_I32, a <= b)                                      \
  X(F64_GE, double, f64, SET_I32, a >= b)

/* Unary operations "d = op a", named after the Wasm instruction (the 0xFC
 * saturating truncations included).  Trapping truncations check first. */
#define FAST_UNOPS(X)                                                          \
  X(I32_EQZ, uint32_t, u32, SET_I32, a == 0)                                   \
  X(I32_CLZ, uint32_t, u32, SET_I32, i32_clz(a))                               \
  X(I32_CTZ, uint32_t, u32, SET_I32, i32_ctz(a))                               \
  X(I32_POPCNT, uint32_t, u32, SET_I32, i32_popcnt(a))                         \
  X(I32_EXTEND8_S, uint32_t, u32, SET_I32, (int32_t)(int8_t)a)                 \
  X(I32_EXTEND16_S, uint32_t, u32, SET_I32, (int32_t)(int16_t)a)               \
  X(I64_EQZ, uint64_t, u64, SET_I32, a == 0)                                   \
  X(I64_CLZ, uint64_t, u64, SET_I64, i64_clz(a))                               \
  X(I64_CTZ, uint64_t, u64, SET_I64, i64_ctz(a))                               \
  X(I64_POPCNT, uint64_t, u64, SET_I64, i64_popcnt(a))                         \
  X(I64_EXTEND8_S, uint64_t, u64, SET_I64, (int64_t)(int8_t)a)                 \
  X(I64_EXTEND16_S, uint64_t, u64, SET_I64, (int64_t)(int16_t)a)               \
  X(I64_EXTEND32_S, uint64_t, u64, SET_I64, (int64_t)(int32_t)a)               \
  X(I32_WRAP_I64, uint64_t, u64, SET_I32, (uint32_t)a)                         \
  X(F32_ABS, uint32_t, u32, SET_I32, f32_abs_bits(a))                          \
  X(F32_NEG, uint32_t, u32, SET_I32, f32_neg_bits(a))                          \
  X(F32_CEIL, float, f32, SET_F32, f32_ceil(a))                                \
  X(F32_FLOOR, float, f32, SET_F32, f32_floor(a))                              \
  X(F32_TRUNC, float, f32, SET_F32, f32_trunc(a))                              \
  X(F32_NEAREST, float, f32, SET_F32, f32_nearest(a))                          \
  X(F32_SQRT, float, f32, SET_F32, sqrtf(a))                                   \
  X(F64_ABS, uint64_t, u64, SET_I64, f64_abs_bits(a))                          \
  X(F64_NEG, uint64_t, u64, SET_I64, f64_neg_bits(a))                          \
  X(F64_CEIL, double, f64, SET_F64, f64_ceil(a))                               \
  X(F64_FLOOR, double, f64, SET_F64, f64_floor(a))                             \
  X(F64_TRUNC, double, f64, SET_F64, f64_trunc(a))                             \
  X(F64_NEAREST, double, f64, SET_F64, f64_nearest(a))                         \
  X(F64_SQRT, double, f64, SET_F64, sqrt(a))                                   \
  X(I32_TRUNC_F32_S, float, f32, SET_I32, (int32_t)checked_f32(env, a, trunc_check_i32_f32_s)) \
  X(I32_TRUNC_F32_U, float, f32, SET_I32, (uint32_t)checked_f32(env, a, trunc_check_i32_f32_u)) \
  X(I32_TRUNC_F64_S, double, f64, SET_I32, (int32_t)checked_f64(env, a, trunc_check_i32_f64_s)) \
  X(I32_TRUNC_F64_U, double, f64, SET_I32, (uint32_t)checked_f64(env, a, trunc_check_i32_f64_u)) \
  X(I64_TRUNC_F32_S, float, f32, SET_I64, (int64_t)checked_f32(env, a, trunc_check_i64_f32_s)) \
  X(I64_TRUNC_F32_U, float, f32, SET_I64, (uint64_t)checked_f32(env, a, trunc_check_i64_f32_u)) \
  X(I64_TRUNC_F64_S, double, f64, SET_I64, (int64_t)checked_f64(env, a, trunc_check_i64_f64_s)) \
  X(I64_TRUNC_F64_U, double, f64, SET_I64, (uint64_t)checked_f64(env, a, trunc_check_i64_f64_u)) \
  X(F32_CONVERT_I32_S, int32_t, i32, SET_F32, (float)a)                        \
  X(F32_CONVERT_I32_U, uint32_t, u32, SET_F32, (float)a)                       \
  X(F32_CONVERT_I64_S, int64_t, i64, SET_F32, (float)a)                        \
  X(F32_CONVERT_I64_U, uint64_t, u64, SET_F32, (float)a)                       \
  X(F32_DEMOTE_F64, double, f64, SET_F32, (float)a)                            \
  X(F64_CONVERT_I32_S, int32_t, i32, SET_F64, (double)a)                       \
  X(F64_CONVERT_I32_U, uint32_t, u32, SET_F64, (double)a)                      \
  X(F64_CONVERT_I64_S, int64_t, i64, SET_F64, (double)a)                       \
  X(F64_CONVERT_I64_U, uint64_t, u64, SET_F64, (double)a)                      \
  X(F64_PROMOTE_F32, float, f32, SET_F64, (double)a)                           \
  X(I32_TRUNC_SAT_F32_S, float, f32, SET_I32, trunc_sat_i32_f32_s(a))          \
  X(I32_TRUNC_SAT_F32_U, float, f32, SET_I32, trunc_sat_i32_f32_u(a))          \
  X(I32_TRUNC_SAT_F64_S, double, f64, SET_I32, trunc_sat_i32_f64_s(a))         \
  X(I32_TRUNC_SAT_F64_U, double, f64, SET_I32, trunc_sat_i32_f64_u(a))         \
  X(I64_TRUNC_SAT_F32_S, float, f32, SET_I64, trunc_sat_i64_f32_s(a))          \
  X(I64_TRUNC_SAT_F32_U, float, f32, SET_I64, trunc_sat_i64_f32_u(a))          \
  X(I64_TRUNC_SAT_F64_S, double, f64, SET_I64, trunc_sat_i64_f64_s(a))         \
  X(I64_TRUNC_SAT_F64_U, double, f64, SET_I64, trunc_sat_i64_f64_u(a))

/* Integer comparisons fused with a conditional branch: "if a op b goto T"
 * (BR_IF_<op> for i32, BR_IF_I64_<op> for i64) and "if a op k goto T"
 * (..._IMM); the third column is the negation, which `if` and skipped
 * br_ifs branch on.  `SIGNED` is the signed type of the width. */
#define FAST_INT_CMPS(X)                                                       \
  X(EQ, a == b, NE)                                                            \
  X(NE, a != b, EQ)                                                            \
  X(LT_S, (SIGNED)a < (SIGNED)b, GE_S)                                         \
  X(LT_U, a < b, GE_U)                                                         \
  X(GT_S, (SIGNED)a > (SIGNED)b, LE_S)                                         \
  X(GT_U, a > b, LE_U)                                                         \
  X(LE_S, (SIGNED)a <= (SIGNED)b, GT_S)                                        \
  X(LE_U, a <= b, GT_U)                                                        \
  X(GE_S, (SIGNED)a >= (SIGNED)b, LT_S)                                        \
  X(GE_U, a >= b, LT_U)

/* Loads "d = mem[a + k]" and stores "mem[a + k] = b", k the static offset;
 * a store of a constant is NAME_IMM "mem[a + k] = v", v an immediate.  A
 * load whose address an i32.add just computed takes the add's operands:
 * NAME_ADD "d = mem[(a + b mod 2^32) + k]", NAME_ADD_IMM with b an
 * immediate (the wrap-around is the add's, so k cannot absorb b); so does
 * a store of a value in a slot: NAME_ADD "mem[(a + b mod 2^32) + k] = v",
 * NAME_ADD_IMM with b an immediate. */
#define FAST_LOADS(X)                                                          \
  X(I32_LOAD, uint32_t, 4, SET_I32)                                            \
  X(I64_LOAD, uint64_t, 8, SET_I64)                                            \
  X(F32_LOAD, uint32_t, 4, SET_I32)                                            \
  X(F64_LOAD, uint64_t, 8, SET_I64)                                            \
  X(I32_LOAD8_S, int8_t, 1, SET_I32)                                           \
  X(I32_LOAD8_U, uint8_t, 1, SET_I32)                                          \
  X(I32_LOAD16_S, int16_t, 2, SET_I32)                                         \
  X(I32_LOAD16_U, uint16_t, 2, SET_I32)                                        \
  X(I64_LOAD8_S, int8_t, 1, SET_I64)                                           \
  X(I64_LOAD8_U, uint8_t, 1, SET_I64)                                          \
  X(I64_LOAD16_S, int16_t, 2, SET_I64)                                         \
  X(I64_LOAD16_U, uint16_t, 2, SET_I64)                                        \
  X(I64_LOAD32_S, int32_t, 4, SET_I64)                                         \
  X(I64_LOAD32_U, uint32_t, 4, SET_I64)

#define FAST_STORES(X)                                                         \
  X(I32_STORE, uint32_t, 4)                                                    \
  X(I64_STORE, uint64_t, 8)                                                    \
  X(F32_STORE, uint32_t, 4)                                                    \
  X(F64_STORE, uint64_t, 8)                                                    \
  X(I32_STORE8, uint8_t, 1)                                                    \
  X(I32_STORE16, uint16_t, 2)                                                  \
  X(I64_STORE8, uint8_t, 1)                                                    \
  X(I64_STORE16, uint16_t, 2)                                                  \
  X(I64_STORE32, uint32_t, 4)

/* Every operation, with its operands. */
#define FAST_OPS(X)                                                            \
  X(UNREACHABLE)     /* trap "unreachable" */                                  \
  X(POLL)            /* interrupt/fuel poll at each loop head (contract 6):    \
                        run on entry; back-edges poll in their _LOOP branch   \
                        and land just past it */                               \
  X(BR)              /* goto T */                                              \
  X(BR_IF)           /* a T: if a != 0 goto T */                               \
  X(BR_IFZ)          /* a T: if a == 0 goto T */                               \
  X(BR_IF_I64)       /* a T: if a != 0 goto T, a an i64 */                     \
  X(BR_IFZ_I64)      /* a T: if a == 0 goto T, a an i64 */                     \
  X(BR_LOOP)         /* T: poll, goto T (a back-edge, T past the head's POLL) */ \
  X(BR_IF_LOOP)      /* a T: if a != 0 poll, goto T (a back-edge) */           \
  X(BR_IFZ_LOOP)     /* a T: if a == 0 poll, goto T */                         \
  X(BR_IF_I64_LOOP)  /* a T: the same, a an i64 */                             \
  X(BR_IFZ_I64_LOOP) /* a T */                                                 \
  X(BR_TABLE)        /* a n T0..Tn: goto T[min(a, n)] */                       \
  X(RETURN)          /* a n h: n results from slot a on; header at h */    \
  X(RETURN_1)        /* a h: one result, from slot a */                     \
  X(CALL)            /* f a s: call function index f, args from slot a;       \
                        s = this frame's size in bytes */                      \
  X(CALL_DEF)        /* f a s: the same for a function this module defines,    \
                        f its definition index */                              \
  X(CALL_INDIRECT)   /* t x c a s: call table x [c] checked against type t */  \
  X(COPY)            /* d a: d = a */                                          \
  X(COPY_IMM)        /* d k: d = k */                                          \
  X(COPY_2)          /* d a e b: d = a, then e = b (two copies in a row) */    \
  X(I32_ADD_IMM_2)   /* d a k e b j: d = a + k, then e = b + j (pointer and    \
                        counter steps at the end of a loop body) */            \
  X(SELECT)          /* d a b c: d = c ? a : b */                              \
  X(GLOBAL_GET)      /* d g */                                                 \
  X(GLOBAL_SET)      /* a g */                                                 \
  X(TABLE_GET)       /* d a x: d = table x [a] */                              \
  X(TABLE_SET)       /* a b x: table x [a] = b */                              \
  X(REF_FUNC)        /* d f: d = the instance's function f */                  \
  X(MEMORY_SIZE)     /* d */                                                   \
  X(MEMORY_GROW)     /* d a */                                                 \
  X(MEMORY_INIT)     /* a b c k: memory.init data k (dst a, src b, len c) */   \
  X(MEMORY_COPY)     /* a b c */                                               \
  X(MEMORY_FILL)     /* a b c */                                               \
  X(DATA_DROP)       /* k */                                                   \
  X(TABLE_INIT)      /* a b c e x: table.init x e */                           \
  X(ELEM_DROP)       /* k */                                                   \
  X(TABLE_COPY)      /* a b c x y: table.copy x y */                           \
  X(TABLE_GROW)      /* d a b x: d = table.grow x (init a, delta b) */         \
  X(TABLE_SIZE)      /* d x */                                                 \
  X(TABLE_FILL)      /* a b c x */                                             \
  FAST_INT_BINOPS(FAST_OP_BIN) /* d a b, and NAME_IMM: d a k */                \
  FAST_FLOAT_ARITH(FAST_OP_FLOAD) /* d a b, NAME_LOAD d a x k,               \
                                     NAME_LOAD_ADD d a x y k,               \
                                     NAME_LOAD_ADD_IMM d a x j k */         \
  FAST_FLOAT_OTHER(FAST_OP_ONE)  /* d a b */                                   \
  FAST_UNOPS(FAST_OP_ONE)        /* d a */                                     \
  FAST_INT_CMPS(FAST_OP_CMP)     /* BR_IF_[I64_]op a b T, ..._IMM a k T, and  \
                                    LOOP_IF_...: the same for a back-edge,    \
                                    polling when taken */                     \
  FAST_LOADS(FAST_OP_LOAD)       /* d a k, NAME_ADD d a b k, NAME_ADD_IMM d a b k */ \
  FAST_STORES(FAST_OP_STORE)     /* a b k, NAME_IMM a v k, NAME_ADD a b v k, \
                                    NAME_ADD_IMM a j v k */

#define FAST_OP_ONE(name, ...) X_(name)
#define FAST_OP_BIN(name, ...) X_(name) X_(name##_IMM)
#define FAST_OP_LOAD(name, ...) X_(name) X_(name##_ADD) X_(name##_ADD_IMM)
#define FAST_OP_STORE(name, ...)                                               \
  X_(name) X_(name##_IMM) X_(name##_ADD) X_(name##_ADD_IMM)
#define FAST_OP_FLOAD(name, ...)                                               \
  X_(name) X_(name##_LOAD) X_(name##_LOAD_ADD) X_(name##_LOAD_ADD_IMM)
#define FAST_OP_CMP(name, ...)                                                 \
  X_(BR_IF_##name) X_(BR_IF_##name##_IMM) X_(BR_IF_I64_##name) X_(BR_IF_I64_##name##_IMM) \
  X_(LOOP_IF_##name) X_(LOOP_IF_##name##_IMM) X_(LOOP_IF_I64_##name) X_(LOOP_IF_I64_##name##_IMM)

/* The enum: FOP_<name>. */
typedef enum FastOp {
#define X(name) FOP_##name,
#define X_(name) FOP_##name,
  FAST_OPS(X)
#undef X
#undef X_
  FOP_COUNT
} FastOp;

/* One translated function. */
typedef struct FastFunc {
  Cell *code;
  uint32_t frame_bytes;  /* locals + header + operand stack */
  uint32_t local_slots;
  uint32_t num_params;
  size_t num_cells;      /* counted in the module's side budget */
} FastFunc;

#define FAST_OWN_BYTES_PER_CODE_BYTE (SIDE_BYTES_PER_CODE_BYTE / 2)

/* The module's table, hung off Module.fast_interp_code. */
typedef struct FastModule {
  TierCache base;
  /* Contract with module_side_budget: each function may take
   * FAST_OWN_BYTES_PER_CODE_BYTE per byte of its body; beyond that it draws
   * on the pool (the rest of the budget), shared by the module's functions. */
  size_t pool;
  _Atomic size_t pool_used;
  uint32_t num_defs;
  FastFunc *funcs[]; /* one per defined function, published with a CAS */
} FastModule;

/* Translates definition `def_index` of m.  `handlers` maps operations to
 * their handler addresses (NULL in the switch build).  NULL when out of
 * memory or when the code would take more than `max_cells` (what is left
 * of the module's side budget: only hostile code gets there), with *why
 * saying which. */
FastFunc *fast_translate(const Module *m, uint32_t def_index, const void *const *handlers,
                         size_t max_cells, const char **why);
void fast_func_free(FastFunc *f);

#endif
