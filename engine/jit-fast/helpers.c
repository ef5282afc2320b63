/*
 * helpers.c -- the C side of compiled code (helpers.h).
 */
#include "helpers.h"

#include "../interp-classic/numeric.h"
#include "../common/opcodes.h"

#define TRUNC(name, IT, FT, check, CT)                                   \
  IT jfh_##name(ExecEnv *env, FT x)                                      \
  {                                                                      \
    TrapKind k = check(x);                                               \
    if (k != TRAP_NONE)                                                  \
      trap_raise(env, k);                                                \
    return (IT)(CT)x;                                                    \
  }
TRUNC(i32_trunc_f32_s, uint32_t, float, trunc_check_i32_f32_s, int32_t)
TRUNC(i32_trunc_f32_u, uint32_t, float, trunc_check_i32_f32_u, uint32_t)
TRUNC(i32_trunc_f64_s, uint32_t, double, trunc_check_i32_f64_s, int32_t)
TRUNC(i32_trunc_f64_u, uint32_t, double, trunc_check_i32_f64_u, uint32_t)
TRUNC(i64_trunc_f32_s, uint64_t, float, trunc_check_i64_f32_s, int64_t)
TRUNC(i64_trunc_f32_u, uint64_t, float, trunc_check_i64_f32_u, uint64_t)
TRUNC(i64_trunc_f64_s, uint64_t, double, trunc_check_i64_f64_s, int64_t)
TRUNC(i64_trunc_f64_u, uint64_t, double, trunc_check_i64_f64_u, uint64_t)
#undef TRUNC

#define SAT(name, IT, FT, fn)                                            \
  IT jfh_##name(ExecEnv *env, FT x)                                      \
  {                                                                      \
    (void)env;                                                           \
    return (IT)fn(x);                                                    \
  }
SAT(i32_trunc_sat_f32_s, uint32_t, float, trunc_sat_i32_f32_s)
SAT(i32_trunc_sat_f32_u, uint32_t, float, trunc_sat_i32_f32_u)
SAT(i32_trunc_sat_f64_s, uint32_t, double, trunc_sat_i32_f64_s)
SAT(i32_trunc_sat_f64_u, uint32_t, double, trunc_sat_i32_f64_u)
SAT(i64_trunc_sat_f32_s, uint64_t, float, trunc_sat_i64_f32_s)
SAT(i64_trunc_sat_f32_u, uint64_t, float, trunc_sat_i64_f32_u)
SAT(i64_trunc_sat_f64_s, uint64_t, double, trunc_sat_i64_f64_s)
SAT(i64_trunc_sat_f64_u, uint64_t, double, trunc_sat_i64_f64_u)
#undef SAT

float jfh_f32_convert_i64_u(ExecEnv *env, uint64_t x)
{
  (void)env;
  return (float)x;
}

double jfh_f64_convert_i64_u(ExecEnv *env, uint64_t x)
{
  (void)env;
  return (double)x;
}

float jfh_f32_min(ExecEnv *env, float a, float b)
{
  (void)env;
  return f32_min(a, b);
}

float jfh_f32_max(ExecEnv *env, float a, float b)
{
  (void)env;
  return f32_max(a, b);
}

double jfh_f64_min(ExecEnv *env, double a, double b)
{
  (void)env;
  return f64_min(a, b);
}

double jfh_f64_max(ExecEnv *env, double a, double b)
{
  (void)env;
  return f64_max(a, b);
}

float jfh_f32_round(ExecEnv *env, uint32_t op, float a)
{
  (void)env;
  switch (op) {
  case OP_F32_CEIL:
    return f32_ceil(a);
  case OP_F32_FLOOR:
    return f32_floor(a);
  case OP_F32_TRUNC:
    return f32_trunc(a);
  default:
    return f32_nearest(a);
  }
}

double jfh_f64_round(ExecEnv *env, uint32_t op, double a)
{
  (void)env;
  switch (op) {
  case OP_F64_CEIL:
    return f64_ceil(a);
  case OP_F64_FLOOR:
    return f64_floor(a);
  case OP_F64_TRUNC:
    return f64_trunc(a);
  default:
    return f64_nearest(a);
  }
}

uint32_t jfh_i32_popcnt(ExecEnv *env, uint32_t x)
{
  (void)env;
  return i32_popcnt(x);
}

uint64_t jfh_i64_popcnt(ExecEnv *env, uint64_t x)
{
  (void)env;
  return i64_popcnt(x);
}

uint32_t jfh_memory_grow(ExecEnv *env, uint32_t delta)
{
  return (uint32_t)(int32_t)memory_grow(env->current->memories[0], delta);
}

void jfh_memory_init(ExecEnv *env, uint32_t data, uint32_t dst, uint32_t src, uint32_t n)
{
  runtime_memory_init(env, env->current, data, dst, src, n);
}

void jfh_data_drop(ExecEnv *env, uint32_t data)
{
  env->current->data_dropped[data] = 1;
}

void jfh_memory_copy(ExecEnv *env, uint32_t dst, uint32_t src, uint32_t n)
{
  Memory *m = env->current->memories[0];
  runtime_memory_copy(env, m, m, dst, src, n);
}

void jfh_memory_fill(ExecEnv *env, uint32_t dst, uint32_t value, uint32_t n)
{
  runtime_memory_fill(env, env->current->memories[0], dst, (uint8_t)value, n);
}

void *jfh_table_get(ExecEnv *env, uint32_t table, uint32_t i)
{
  Table *t = env->current->tables[table];
  if (i >= t->size)
    trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
  return t->elems[i];
}

void jfh_table_set(ExecEnv *env, uint32_t table, uint32_t i, void *value)
{
  Table *t = env->current->tables[table];
  if (i >= t->size)
    trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
  t->elems[i] = value;
}

uint32_t jfh_table_size(ExecEnv *env, uint32_t table)
{
  return env->current->tables[table]->size;
}

uint32_t jfh_table_grow(ExecEnv *env, uint32_t table, void *init, uint32_t n)
{
  return (uint32_t)(int32_t)table_grow(env->current->tables[table], n, init);
}

void jfh_table_fill(ExecEnv *env, uint32_t table, uint32_t dst, void *value, uint32_t n)
{
  runtime_table_fill(env, env->current->tables[table], dst, value, n);
}

void jfh_table_copy(ExecEnv *env, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                    uint32_t src, uint32_t n)
{
  runtime_table_copy(env, env->current->tables[dst_table], env->current->tables[src_table], dst,
                     src, n);
}

void jfh_table_init(ExecEnv *env, uint32_t elem, uint32_t table, uint32_t dst, uint32_t src,
                    uint32_t n)
{
  runtime_table_init(env, env->current, table, elem, dst, src, n);
}

void jfh_elem_drop(ExecEnv *env, uint32_t elem)
{
  env->current->elem_dropped[elem] = 1;
}

FuncInst *jfh_indirect_target(ExecEnv *env, uint32_t table, const FuncType *want, uint32_t i)
{
  Table *t = env->current->tables[table];
  if (i >= t->size)
    trap_raise_index(env, TRAP_UNDEFINED_ELEMENT, i);
  FuncInst *f = t->elems[i];
  if (f == NULL)
    trap_raise_index(env, TRAP_UNINITIALIZED_ELEMENT, i);
  if (f->type != want && !functype_equal(f->type, want))
    trap_raise(env, TRAP_INDIRECT_CALL_TYPE_MISMATCH);
  return f;
}
