/*
 * helpers.h -- C functions compiled code calls for what is rare or long
 * in machine code: trapping and saturating float-to-int conversions,
 * unsigned 64-bit int-to-float, NaN-aware min/max, rounding without
 * SSE4.1, popcnt without the instruction, and the table, memory and
 * reference operations of the runtime.  Each takes the ExecEnv first
 * (compiled code passes it always) and keeps the interpreters' semantics
 * (interp-classic/numeric.h).
 */
#ifndef WP_JIT_FAST_HELPERS_H
#define WP_JIT_FAST_HELPERS_H

#include "../runtime/runtime.h"

uint32_t jfh_i32_trunc_f32_s(ExecEnv *env, float x);
uint32_t jfh_i32_trunc_f32_u(ExecEnv *env, float x);
uint32_t jfh_i32_trunc_f64_s(ExecEnv *env, double x);
uint32_t jfh_i32_trunc_f64_u(ExecEnv *env, double x);
uint64_t jfh_i64_trunc_f32_s(ExecEnv *env, float x);
uint64_t jfh_i64_trunc_f32_u(ExecEnv *env, float x);
uint64_t jfh_i64_trunc_f64_s(ExecEnv *env, double x);
uint64_t jfh_i64_trunc_f64_u(ExecEnv *env, double x);
uint32_t jfh_i32_trunc_sat_f32_s(ExecEnv *env, float x);
uint32_t jfh_i32_trunc_sat_f32_u(ExecEnv *env, float x);
uint32_t jfh_i32_trunc_sat_f64_s(ExecEnv *env, double x);
uint32_t jfh_i32_trunc_sat_f64_u(ExecEnv *env, double x);
uint64_t jfh_i64_trunc_sat_f32_s(ExecEnv *env, float x);
uint64_t jfh_i64_trunc_sat_f32_u(ExecEnv *env, float x);
uint64_t jfh_i64_trunc_sat_f64_s(ExecEnv *env, double x);
uint64_t jfh_i64_trunc_sat_f64_u(ExecEnv *env, double x);
float jfh_f32_convert_i64_u(ExecEnv *env, uint64_t x);
double jfh_f64_convert_i64_u(ExecEnv *env, uint64_t x);
float jfh_f32_min(ExecEnv *env, float a, float b);
float jfh_f32_max(ExecEnv *env, float a, float b);
double jfh_f64_min(ExecEnv *env, double a, double b);
double jfh_f64_max(ExecEnv *env, double a, double b);
float jfh_f32_round(ExecEnv *env, uint32_t op, float a);   /* op: the Wasm opcode */
double jfh_f64_round(ExecEnv *env, uint32_t op, double a);
uint32_t jfh_i32_popcnt(ExecEnv *env, uint32_t x);
uint64_t jfh_i64_popcnt(ExecEnv *env, uint64_t x);

uint32_t jfh_memory_grow(ExecEnv *env, uint32_t delta);
void jfh_memory_init(ExecEnv *env, uint32_t data, uint32_t dst, uint32_t src, uint32_t n);
void jfh_data_drop(ExecEnv *env, uint32_t data);
void jfh_memory_copy(ExecEnv *env, uint32_t dst, uint32_t src, uint32_t n);
void jfh_memory_fill(ExecEnv *env, uint32_t dst, uint32_t value, uint32_t n);
void *jfh_table_get(ExecEnv *env, uint32_t table, uint32_t i);
void jfh_table_set(ExecEnv *env, uint32_t table, uint32_t i, void *value);
uint32_t jfh_table_size(ExecEnv *env, uint32_t table);
uint32_t jfh_table_grow(ExecEnv *env, uint32_t table, void *init, uint32_t n);
void jfh_table_fill(ExecEnv *env, uint32_t table, uint32_t dst, void *value, uint32_t n);
void jfh_table_copy(ExecEnv *env, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                    uint32_t src, uint32_t n);
void jfh_table_init(ExecEnv *env, uint32_t elem, uint32_t table, uint32_t dst, uint32_t src,
                    uint32_t n);
void jfh_elem_drop(ExecEnv *env, uint32_t elem);
/* call_indirect's checks: the table entry i of `table`, with the expected
 * type; traps "undefined element", "uninitialized element", "indirect call
 * type mismatch". */
FuncInst *jfh_indirect_target(ExecEnv *env, uint32_t table, const FuncType *want, uint32_t i);

#endif
