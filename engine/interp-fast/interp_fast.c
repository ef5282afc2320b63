/*
 * interp_fast.c -- the fast interpreter's executor (DESIGN.md "Tiers").
 *
 * Runs the code of translate.c (fast_code.h): each cell sequence is one
 * operation with its operands, which are byte offsets from the frame
 * pointer, immediates or code addresses.  With GCC or clang an operation's
 * cell is its handler's address and every handler jumps straight to the
 * next one (direct threading); elsewhere, or with
 * -DWP_INTERP_COMPUTED_GOTO=0, the cell holds the operation's number and a
 * switch dispatches it.
 *
 * Frames live on the exec env's Wasm stack (contract 5), laid out as
 * fast_code.h shows; calls between Wasm functions, in this instance or
 * another one, stay in this loop (no C recursion), host functions go through
 * runtime_call_host.  The interrupt flag and the fuel are polled at function
 * entry and at every loop head, which every back-edge goes through
 * (contract 6).  Memory accesses rely on the guard region unless the build
 * or the memory asks for explicit checks (contract 4).
 */
#include "interp_fast.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "wp_config.h"
#include "../interp-classic/numeric.h"
#include "fast_code.h"
#include "../runtime/compiled.h"
#include "../runtime/native_stack.h"
#include "../runtime/tiers.h"
#include "../runtime/backtrace.h"

#ifndef WP_INTERP_COMPUTED_GOTO
#if defined(__GNUC__)
#define WP_INTERP_COMPUTED_GOTO 1
#else
#define WP_INTERP_COMPUTED_GOTO 0
#endif
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* --- slots --- */
#define S(off) (*(WasmValue *)((char *)fp + (off)))
#define SET_I32(s, v) ((s).u64 = (uint32_t)(v))
#define SET_I64(s, v) ((s).u64 = (uint64_t)(v))
#define SET_F32(s, v) ((s).u64 = f32_bits(v))
#define SET_F64(s, v) ((s).u64 = f64_bits(v))
#define REF(s) ((void *)(uintptr_t)(s).u64)

/* --- trapping arithmetic --- */
static inline uint32_t i32_div_s(ExecEnv *env, uint32_t a, uint32_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  if (UNLIKELY(a == 0x80000000u && b == 0xFFFFFFFFu))
    trap_raise(env, TRAP_INTEGER_OVERFLOW);
  return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint32_t i32_div_u(ExecEnv *env, uint32_t a, uint32_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  return a / b;
}
static inline uint32_t i32_rem_s(ExecEnv *env, uint32_t a, uint32_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  /* INT32_MIN rem -1 is 0 in Wasm, undefined in C */
  return b == 0xFFFFFFFFu ? 0 : (uint32_t)((int32_t)a % (int32_t)b);
}
static inline uint32_t i32_rem_u(ExecEnv *env, uint32_t a, uint32_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  return a % b;
}
static inline uint64_t i64_div_s(ExecEnv *env, uint64_t a, uint64_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  if (UNLIKELY(a == 0x8000000000000000ull && b == ~0ull))
    trap_raise(env, TRAP_INTEGER_OVERFLOW);
  return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t i64_div_u(ExecEnv *env, uint64_t a, uint64_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  return a / b;
}
static inline uint64_t i64_rem_s(ExecEnv *env, uint64_t a, uint64_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  return b == ~0ull ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint64_t i64_rem_u(ExecEnv *env, uint64_t a, uint64_t b)
{
  if (UNLIKELY(b == 0))
    trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
  return a % b;
}
/* A trapping truncation: check, then the caller converts (in range, so
 * defined in C). */
static inline float checked_f32(ExecEnv *env, float x, TrapKind (*check)(float))
{
  TrapKind k = check(x);
  if (UNLIKELY(k != TRAP_NONE))
    trap_raise(env, k);
  return x;
}
static inline double checked_f64(ExecEnv *env, double x, TrapKind (*check)(double))
{
  TrapKind k = check(x);
  if (UNLIKELY(k != TRAP_NONE))
    trap_raise(env, k);
  return x;
}

/* --- the module's code table --- */

static void fast_module_release(TierCache *cache)
{
  FastModule *fm = (FastModule *)cache;
  for (uint32_t i = 0; i < fm->num_defs; i++)
    fast_func_free(fm->funcs[i]);
  free(fm);
}

/* The translation of f's function, made now if this is its first call in
 * this mode.  Two threads may translate the same function at once: the
 * first to publish wins, the other frees its copy. */
static const FastFunc *fast_code_of(ExecEnv *env, const FuncInst *f, const void *const *handlers)
{
  Module *m = (Module *)f->instance->module;
  FastModule *fm = __atomic_load_n((FastModule **)&m->fast_interp_code, __ATOMIC_ACQUIRE);
  uint32_t def = f->index - m->num_imported_funcs;
  if (LIKELY(fm != NULL)) {
    const FastFunc *ff = __atomic_load_n(&fm->funcs[def], __ATOMIC_ACQUIRE);
    if (LIKELY(ff != NULL))
      return ff;
  } else {
    uint32_t n = m->num_funcs - m->num_imported_funcs;
    FastModule *fresh = calloc(1, sizeof *fresh + (size_t)n * sizeof(FastFunc *));
    if (!fresh)
      trap_raise_message(env, "out of memory translating for the fast interpreter");
    fresh->base.release = fast_module_release;
    fresh->num_defs = n;
    size_t budget = module_side_budget(m), own = 0;
    for (uint32_t i = 0; i < n; i++)
      own += (size_t)(m->funcs[i].end - m->funcs[i].body) * FAST_OWN_BYTES_PER_CODE_BYTE;
    fresh->pool = budget > own ? budget - own : 0;
    void *expected = NULL;
    if (__atomic_compare_exchange_n(&m->fast_interp_code, &expected, fresh, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      fm = fresh;
    } else {
      free(fresh);
      fm = expected;
    }
  }
  /* Translation is the deep work of this tier: it needs its headroom on
   * the C stack like any entry (contract 5). */
  if (!native_stack_ok(env, NATIVE_STACK_GUARD))
    trap_raise(env, TRAP_NATIVE_STACK_OVERFLOW);
  /* The module's code stays within its side budget (module.h): real code
   * uses a small part of its own share, hostile code is refused when its
   * share and the pool run out. */
  const char *why = NULL;
  size_t own = (size_t)(m->funcs[def].end - m->funcs[def].body) * FAST_OWN_BYTES_PER_CODE_BYTE;
  size_t pool_used = atomic_load(&fm->pool_used);
  size_t pool_left = pool_used < fm->pool ? fm->pool - pool_used : 0;
  FastFunc *made = fast_translate(m, def, handlers, (own + pool_left) / sizeof(Cell), &why);
  if (!made)
    trap_raise_message(env, why);
  FastFunc *expected = NULL;
  if (!__atomic_compare_exchange_n(&fm->funcs[def], &expected, made, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    fast_func_free(made);
    return expected;
  }
  size_t bytes = made->num_cells * sizeof(Cell);
  atomic_fetch_add(&fm->base.bytes, bytes);
  if (bytes > own)
    atomic_fetch_add(&fm->pool_used, bytes - own);
  return made;
}

/* --- linear memory (contract 4): the effective address is at most
 * 2^33 - 2 bytes past the base, inside the guard region of a guarded
 * memory; other memories are checked against their size. --- */
#if WP_BOUNDS_CHECKS
#define CHECK_MEMORY(ea, n)                                                    \
  if (UNLIKELY((ea) + (n) > mem->size))                                        \
  trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS)
#else
#define CHECK_MEMORY(ea, n)                                                    \
  if (UNLIKELY(mem_unguarded) && (ea) + (n) > mem->size)                       \
  trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS)
#endif

/* Contract 6: one load and one compare each on the fast path. */
#define POLL()                                                                 \
  do {                                                                         \
    if (UNLIKELY(atomic_load_explicit(&inst->interrupt, memory_order_relaxed) | \
                 (env->fuel >= 0)))                                            \
      runtime_check_interrupt(env);                                            \
  } while (0)

/* Switching instances (a call through an import, or its return) switches
 * everything cached from the instance, the module's code table included (it
 * exists: a function of the module is running). */
#define LOAD_INSTANCE(i)                                                       \
  do {                                                                         \
    inst = (i);                                                                \
    env->current = inst;                                                       \
    act.inst = inst;                                                           \
    fcode = ((FastModule *)inst->module->fast_interp_code)->funcs;             \
    num_imported = inst->module->num_imported_funcs;                           \
    mem = inst->module->num_memories ? inst->memories[0] : NULL;               \
    mem_base = mem ? mem->base : NULL;                                         \
    mem_unguarded = mem && !mem->guarded;                                      \
  } while (0)

/* --- dispatch --- */
#if WP_INTERP_COMPUTED_GOTO
#define vmdispatch goto *pc->h;
#define vmcase(op) L_##op:
#define NEXT(k)                                                                \
  do {                                                                         \
    pc += (k);                                                                 \
    goto *pc->h;                                                               \
  } while (0)
#define JUMP(t)                                                                \
  do {                                                                         \
    pc = (t);                                                                  \
    goto *pc->h;                                                               \
  } while (0)
#else
#define vmdispatch switch ((FastOp)pc->u)
#define vmcase(op) case FOP_##op:
#define NEXT(k)                                                                \
  do {                                                                         \
    pc += (k);                                                                 \
    goto dispatch;                                                             \
  } while (0)
#define JUMP(t)                                                                \
  do {                                                                         \
    pc = (t);                                                                  \
    goto dispatch;                                                             \
  } while (0)
#endif

/* Backtraces (backtrace.h): the innermost frame pointer and a pc inside
 * its function, kept at calls and returns (two stores each); outer frames
 * through the frame headers, whose return pcs map back to the Wasm call
 * instruction (FastFunc.offset_map).  A trap raised in the loop itself
 * also records its own pc (trap_pc), so the innermost frame shows the
 * trapping instruction; one raised in a helper (a division, say) or by
 * the guard region shows the function without an offset. */
typedef struct FastActivation {
  TierActivation base;
  const WasmValue *fp;
  const Cell *pc;
  const Instance *inst;
  const Cell *trap_pc;
} FastActivation;

/* The module byte the code at pc translates, or NULL. */
static const uint8_t *wasm_pc_of(const Module *m, const FastFunc *ff, const Cell *pc)
{
  uint32_t cell = (uint32_t)(pc - ff->code), lo = 0, hi = ff->offset_map_len;
  if (hi == 0 || ff->offset_map[0] > cell)
    return NULL;
  while (hi - lo > 1) { /* the last pair starting at or before cell */
    uint32_t mid = lo + (hi - lo) / 2;
    if (ff->offset_map[2 * mid] <= cell)
      lo = mid;
    else
      hi = mid;
  }
  return m->bytes + ff->offset_map[2 * lo + 1];
}

/* The translated function of inst whose code holds pc, or NULL. */
static const FuncInst *fast_func_at(const Instance *inst, const Cell *pc, const FastFunc **out)
{
  const Module *m = inst->module;
  const FastModule *fm = __atomic_load_n((FastModule *const *)&m->fast_interp_code, __ATOMIC_ACQUIRE);
  for (uint32_t i = 0; fm != NULL && i < fm->num_defs; i++) {
    const FastFunc *ff = __atomic_load_n(&fm->funcs[i], __ATOMIC_ACQUIRE);
    if (ff != NULL && pc >= ff->code && pc < ff->code + ff->num_cells) {
      *out = ff;
      return inst->funcs[m->num_imported_funcs + i];
    }
  }
  return NULL;
}

static void fast_walk(const TierActivation *a, Backtrace *bt)
{
  const FastActivation *act = (const FastActivation *)a;
  const WasmValue *fp = act->fp;
  const Cell *pc = act->pc;
  const Instance *inst = act->inst;
  bool innermost = true;
  while (pc != NULL && fp != NULL && inst != NULL) {
    const FastFunc *ff;
    const FuncInst *f = fast_func_at(inst, pc, &ff);
    if (f == NULL)
      return;
    const uint8_t *wasm_pc = NULL;
    if (!innermost) /* a return pc: the call's last cell is just before it */
      wasm_pc = wasm_pc_of(inst->module, ff, pc - 1);
    else if (act->trap_pc && act->trap_pc >= ff->code && act->trap_pc < ff->code + ff->num_cells)
      wasm_pc = wasm_pc_of(inst->module, ff, act->trap_pc); /* the trapping operation's cell */
    backtrace_add_frame(bt, f, wasm_pc);
    innermost = false;
    const WasmValue *hdr = fp + ff->local_slots;
    pc = hdr[0].ref;
    fp = hdr[1].ref;
    inst = hdr[2].ref;
  }
}

#define SYNC_PC() (act.fp = fp, act.pc = pc)
/* A trap raised in the loop records its pc (see FastActivation). */
#define trap_raise(e, k)                                                       \
  do {                                                                         \
    act.trap_pc = pc;                                                          \
    (trap_raise)(e, k);                                                        \
  } while (0)
#define trap_raise_index(e, k, i)                                              \
  do {                                                                         \
    act.trap_pc = pc;                                                          \
    (trap_raise_index)(e, k, i);                                               \
  } while (0)

void interp_fast_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  if (f->host) {
    runtime_call_host(env, f, argv);
    return;
  }

  /* The handlers' addresses, which the translator writes into the code
   * (labels are only visible in here, so translation starts from here). */
#if WP_INTERP_COMPUTED_GOTO
  static const void *const handlers[FOP_COUNT] = {
#define X(name) [FOP_##name] = &&L_##name,
#define X_(name) [FOP_##name] = &&L_##name,
      FAST_OPS(X)
#undef X
#undef X_
  };
#else
  static const void *const *const handlers = NULL;
#endif

  uint8_t *const saved_top = env->stack_top;
  Instance *const saved_current = env->current;

  const Cell *pc = NULL;
  WasmValue *fp = (WasmValue *)saved_top;
  Instance *inst = NULL;
  Memory *mem = NULL;
  uint8_t *mem_base = NULL;
  bool mem_unguarded = false;
  (void)mem_unguarded;
  FastFunc *const *fcode = NULL; /* the running module's code table */
  uint32_t num_imported = 0;
  uint8_t *const stack_limit = env->stack_limit;

  FastActivation act;
  act.fp = NULL;
  act.pc = NULL;
  act.inst = NULL;
  act.trap_pc = NULL;
  tier_activation_push(env, &act.base, fast_walk);

  /* The entry frame: the arguments in, a header that says "back to C". */
  const FastFunc *ff = fast_code_of(env, f, handlers);
  if (UNLIKELY((size_t)(env->stack_limit - saved_top) < ff->frame_bytes))
    trap_raise(env, TRAP_STACK_EXHAUSTED);
  if (ff->num_params)
    memcpy(fp, argv, ff->num_params * sizeof(WasmValue));
  if (ff->local_slots > ff->num_params)
    memset(fp + ff->num_params, 0, (ff->local_slots - ff->num_params) * sizeof(WasmValue));
  {
    WasmValue *hdr = fp + ff->local_slots;
    hdr[0].ref = NULL;
    hdr[1].ref = NULL;
    hdr[2].ref = saved_current;
  }
  LOAD_INSTANCE(f->instance);
  pc = ff->code;
  SYNC_PC();
  POLL();

  /* A call in progress (do_call): the callee and its arguments. */
  FuncInst *callee;
  WasmValue *args;
  const FastFunc *cf;

#if !WP_INTERP_COMPUTED_GOTO
dispatch:
#endif
  vmdispatch
  {
    vmcase(UNREACHABLE) { trap_raise(env, TRAP_UNREACHABLE); }
    vmcase(POLL)
    {
      POLL();
      NEXT(1);
    }
    vmcase(BR) { JUMP(pc[1].target); }
    vmcase(BR_IF)
    {
      if (S(pc[1].i).u32)
        JUMP(pc[2].target);
      NEXT(3);
    }
    vmcase(BR_IFZ)
    {
      if (!S(pc[1].i).u32)
        JUMP(pc[2].target);
      NEXT(3);
    }
    vmcase(BR_IF_I64)
    {
      if (S(pc[1].i).u64)
        JUMP(pc[2].target);
      NEXT(3);
    }
    vmcase(BR_IFZ_I64)
    {
      if (!S(pc[1].i).u64)
        JUMP(pc[2].target);
      NEXT(3);
    }
    /* Back-edges poll here (contract 6) and jump past the loop head's POLL,
     * one operation fewer per iteration. */
    vmcase(BR_LOOP)
    {
      POLL();
      JUMP(pc[1].target);
    }
    vmcase(BR_IF_LOOP)
    {
      if (S(pc[1].i).u32) {
        POLL();
        JUMP(pc[2].target);
      }
      NEXT(3);
    }
    vmcase(BR_IFZ_LOOP)
    {
      if (!S(pc[1].i).u32) {
        POLL();
        JUMP(pc[2].target);
      }
      NEXT(3);
    }
    vmcase(BR_IF_I64_LOOP)
    {
      if (S(pc[1].i).u64) {
        POLL();
        JUMP(pc[2].target);
      }
      NEXT(3);
    }
    vmcase(BR_IFZ_I64_LOOP)
    {
      if (!S(pc[1].i).u64) {
        POLL();
        JUMP(pc[2].target);
      }
      NEXT(3);
    }
    vmcase(BR_TABLE)
    {
      uint32_t i = S(pc[1].i).u32;
      uint32_t n = (uint32_t)pc[2].u;
      JUMP(pc[3 + (i < n ? i : n)].target);
    }
    vmcase(RETURN) { goto do_return; }
    vmcase(RETURN_1)
    {
      /* the common case of one result, without the copy loop */
      WasmValue result = S(pc[1].i);
      WasmValue *hdr = (WasmValue *)((char *)fp + pc[2].u);
      const Cell *ret_pc = hdr[0].ref;
      if (UNLIKELY(ret_pc == NULL)) {
        argv[0] = result.u64;
        env->stack_top = saved_top;
        env->current = saved_current;
        return;
      }
      Instance *caller = hdr[2].ref;
      fp[0] = result;
      fp = hdr[1].ref;
      if (caller != inst)
        LOAD_INSTANCE(caller);
      JUMP(ret_pc);
    }
    vmcase(CALL)
    {
      callee = inst->funcs[pc[1].u];
      args = &S(pc[2].i);
      pc += 4;
      goto do_call;
    }
    vmcase(CALL_DEF)
    {
      /* A function this module defines: final in the entry table (an
       * interpreter never replaces it), so no need to go through it. */
      args = &S(pc[2].i);
      cf = __atomic_load_n(&fcode[pc[1].u], __ATOMIC_ACQUIRE);
      if (UNLIKELY(cf == NULL))
        cf = fast_code_of(env, inst->funcs[num_imported + pc[1].u], handlers);
      pc += 4;
      goto enter;
    }
    vmcase(CALL_INDIRECT)
    {
      Table *t = inst->tables[pc[2].u];
      uint32_t i = S(pc[3].i).u32;
      if (UNLIKELY(i >= t->size))
        trap_raise_index(env, TRAP_UNDEFINED_ELEMENT, i);
      callee = t->elems[i];
      if (UNLIKELY(callee == NULL))
        trap_raise_index(env, TRAP_UNINITIALIZED_ELEMENT, i);
      const FuncType *want = &inst->module->types[pc[1].u];
      if (UNLIKELY(callee->type != want && !functype_equal(callee->type, want)))
        trap_raise(env, TRAP_INDIRECT_CALL_TYPE_MISMATCH);
      args = &S(pc[4].i);
      pc += 6;
      goto do_call;
    }
    vmcase(COPY)
    {
      S(pc[1].i) = S(pc[2].i);
      NEXT(3);
    }
    vmcase(COPY_IMM)
    {
      S(pc[1].i).u64 = pc[2].u;
      NEXT(3);
    }
    /* Two operations in a row, one dispatch: each reads its operands after
     * the first has written its result, as if apart. */
    vmcase(COPY_2)
    {
      S(pc[1].i) = S(pc[2].i);
      S(pc[3].i) = S(pc[4].i);
      NEXT(5);
    }
    vmcase(I32_ADD_IMM_2)
    {
      SET_I32(S(pc[1].i), S(pc[2].i).u32 + (uint32_t)pc[3].u);
      SET_I32(S(pc[4].i), S(pc[5].i).u32 + (uint32_t)pc[6].u);
      NEXT(7);
    }
    vmcase(SELECT)
    {
      WasmValue v = S(pc[4].i).u32 ? S(pc[2].i) : S(pc[3].i);
      S(pc[1].i) = v;
      NEXT(5);
    }
    vmcase(GLOBAL_GET)
    {
      S(pc[1].i).u64 = inst->globals[pc[2].u]->value.u64;
      NEXT(3);
    }
    vmcase(GLOBAL_SET)
    {
      inst->globals[pc[2].u]->value.u64 = S(pc[1].i).u64;
      NEXT(3);
    }
    vmcase(TABLE_GET)
    {
      Table *t = inst->tables[pc[3].u];
      uint32_t i = S(pc[2].i).u32;
      if (UNLIKELY(i >= t->size))
        trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
      S(pc[1].i).u64 = (uint64_t)(uintptr_t)t->elems[i];
      NEXT(4);
    }
    vmcase(TABLE_SET)
    {
      Table *t = inst->tables[pc[3].u];
      uint32_t i = S(pc[1].i).u32;
      if (UNLIKELY(i >= t->size))
        trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
      t->elems[i] = REF(S(pc[2].i));
      NEXT(4);
    }
    vmcase(REF_FUNC)
    {
      S(pc[1].i).u64 = (uint64_t)(uintptr_t)inst->funcs[pc[2].u];
      NEXT(3);
    }
    vmcase(MEMORY_SIZE)
    {
      SET_I32(S(pc[1].i), mem->pages);
      NEXT(2);
    }
    vmcase(MEMORY_GROW)
    {
      /* -1 (as i32) when it cannot grow; the base stays where it is */
      uint32_t delta = S(pc[2].i).u32;
      SET_I32(S(pc[1].i), (int32_t)memory_grow(mem, delta));
      NEXT(3);
    }
    vmcase(MEMORY_INIT)
    {
      runtime_memory_init(env, inst, (uint32_t)pc[4].u, S(pc[1].i).u32, S(pc[2].i).u32,
                          S(pc[3].i).u32);
      NEXT(5);
    }
    vmcase(MEMORY_COPY)
    {
      runtime_memory_copy(env, mem, mem, S(pc[1].i).u32, S(pc[2].i).u32, S(pc[3].i).u32);
      NEXT(4);
    }
    vmcase(MEMORY_FILL)
    {
      runtime_memory_fill(env, mem, S(pc[1].i).u32, (uint8_t)S(pc[2].i).u32, S(pc[3].i).u32);
      NEXT(4);
    }
    vmcase(DATA_DROP)
    {
      inst->data_dropped[pc[1].u] = 1;
      NEXT(2);
    }
    vmcase(TABLE_INIT)
    {
      runtime_table_init(env, inst, (uint32_t)pc[5].u, (uint32_t)pc[4].u, S(pc[1].i).u32,
                         S(pc[2].i).u32, S(pc[3].i).u32);
      NEXT(6);
    }
    vmcase(ELEM_DROP)
    {
      inst->elem_dropped[pc[1].u] = 1;
      NEXT(2);
    }
    vmcase(TABLE_COPY)
    {
      runtime_table_copy(env, inst->tables[pc[4].u], inst->tables[pc[5].u], S(pc[1].i).u32,
                         S(pc[2].i).u32, S(pc[3].i).u32);
      NEXT(6);
    }
    vmcase(TABLE_GROW)
    {
      Table *t = inst->tables[pc[4].u];
      void *init = REF(S(pc[2].i));
      uint32_t n = S(pc[3].i).u32;
      SET_I32(S(pc[1].i), (int32_t)table_grow(t, n, init));
      NEXT(5);
    }
    vmcase(TABLE_SIZE)
    {
      SET_I32(S(pc[1].i), inst->tables[pc[2].u]->size);
      NEXT(3);
    }
    vmcase(TABLE_FILL)
    {
      runtime_table_fill(env, inst->tables[pc[4].u], S(pc[1].i).u32, REF(S(pc[2].i)),
                         S(pc[3].i).u32);
      NEXT(5);
    }

    /* --- numeric: operands read before the result is written, so a result
     * may go to an operand's own slot --- */
#define BIN(name, T, field, set, expr)                                         \
  vmcase(name)                                                                 \
  {                                                                            \
    T a = S(pc[2].i).field, b = S(pc[3].i).field;                              \
    set(S(pc[1].i), (expr));                                                   \
    NEXT(4);                                                                   \
  }
#define BIN_IMM(name, T, field, set, expr)                                     \
  BIN(name, T, field, set, expr)                                               \
  vmcase(name##_IMM)                                                           \
  {                                                                            \
    T a = S(pc[2].i).field, b = (T)pc[3].u;                                    \
    set(S(pc[1].i), (expr));                                                   \
    NEXT(4);                                                                   \
  }
    FAST_INT_BINOPS(BIN_IMM)
    FAST_FLOAT_OTHER(BIN)
/* The second operand straight from memory: the load's own check and trap
 * (contract 4), then the operation, as the two operations apart would. */
#define BIN_LOAD_AT(ea, T, field, set, expr, cells)                            \
  {                                                                            \
    CHECK_MEMORY(ea, sizeof(T));                                               \
    T a = S(pc[2].i).field, b;                                                 \
    memcpy(&b, mem_base + ea, sizeof(T));                                      \
    set(S(pc[1].i), (expr));                                                   \
    NEXT(cells);                                                               \
  }
#define BIN_LOAD(name, T, field, set, expr)                                    \
  BIN(name, T, field, set, expr)                                               \
  vmcase(name##_LOAD)                                                          \
  {                                                                            \
    uint64_t ea = (uint64_t)S(pc[3].i).u32 + pc[4].u;                          \
    BIN_LOAD_AT(ea, T, field, set, expr, 5)                                    \
  }                                                                            \
  vmcase(name##_LOAD_ADD)                                                      \
  {                                                                            \
    uint64_t ea = (uint64_t)(uint32_t)(S(pc[3].i).u32 + S(pc[4].i).u32) + pc[5].u; \
    BIN_LOAD_AT(ea, T, field, set, expr, 6)                                    \
  }                                                                            \
  vmcase(name##_LOAD_ADD_IMM)                                                  \
  {                                                                            \
    uint64_t ea = (uint64_t)(uint32_t)(S(pc[3].i).u32 + (uint32_t)pc[4].u) + pc[5].u; \
    BIN_LOAD_AT(ea, T, field, set, expr, 6)                                    \
  }
    FAST_FLOAT_ARITH(BIN_LOAD)
#undef BIN_LOAD
#undef BIN_LOAD_AT
#undef BIN
#undef BIN_IMM
#define UN(name, T, field, set, expr)                                          \
  vmcase(name)                                                                 \
  {                                                                            \
    T a = S(pc[2].i).field;                                                    \
    set(S(pc[1].i), (expr));                                                   \
    NEXT(3);                                                                   \
  }
    FAST_UNOPS(UN)
#undef UN
#define CMP_OPS(prefix, loop_prefix, T, field, name, expr)                     \
  vmcase(prefix##name)                                                         \
  {                                                                            \
    T a = S(pc[1].i).field, b = S(pc[2].i).field;                              \
    if (expr)                                                                  \
      JUMP(pc[3].target);                                                      \
    NEXT(4);                                                                   \
  }                                                                            \
  vmcase(prefix##name##_IMM)                                                   \
  {                                                                            \
    T a = S(pc[1].i).field, b = (T)pc[2].u;                                    \
    if (expr)                                                                  \
      JUMP(pc[3].target);                                                      \
    NEXT(4);                                                                   \
  }                                                                            \
  vmcase(loop_prefix##name)                                                    \
  {                                                                            \
    T a = S(pc[1].i).field, b = S(pc[2].i).field;                              \
    if (expr) {                                                                \
      POLL();                                                                  \
      JUMP(pc[3].target);                                                      \
    }                                                                          \
    NEXT(4);                                                                   \
  }                                                                            \
  vmcase(loop_prefix##name##_IMM)                                              \
  {                                                                            \
    T a = S(pc[1].i).field, b = (T)pc[2].u;                                    \
    if (expr) {                                                                \
      POLL();                                                                  \
      JUMP(pc[3].target);                                                      \
    }                                                                          \
    NEXT(4);                                                                   \
  }
#define SIGNED int32_t
#define CMP(name, expr, inverse) CMP_OPS(BR_IF_, LOOP_IF_, uint32_t, u32, name, expr)
    FAST_INT_CMPS(CMP)
#undef CMP
#undef SIGNED
#define SIGNED int64_t
#define CMP(name, expr, inverse) CMP_OPS(BR_IF_I64_, LOOP_IF_I64_, uint64_t, u64, name, expr)
    FAST_INT_CMPS(CMP)
#undef CMP
#undef SIGNED
#undef CMP_OPS
#define LOAD_AT(ea, T, n, set, cells)                                          \
  {                                                                            \
    CHECK_MEMORY(ea, n);                                                       \
    T v;                                                                       \
    memcpy(&v, mem_base + ea, n);                                              \
    set(S(pc[1].i), v);                                                        \
    NEXT(cells);                                                               \
  }
#define LOAD(name, T, n, set)                                                  \
  vmcase(name)                                                                 \
  {                                                                            \
    uint64_t ea = (uint64_t)S(pc[2].i).u32 + pc[3].u;                          \
    LOAD_AT(ea, T, n, set, 4)                                                  \
  }                                                                            \
  vmcase(name##_ADD)                                                           \
  {                                                                            \
    uint64_t ea = (uint64_t)(uint32_t)(S(pc[2].i).u32 + S(pc[3].i).u32) + pc[4].u; \
    LOAD_AT(ea, T, n, set, 5)                                                  \
  }                                                                            \
  vmcase(name##_ADD_IMM)                                                       \
  {                                                                            \
    uint64_t ea = (uint64_t)(uint32_t)(S(pc[2].i).u32 + (uint32_t)pc[3].u) + pc[4].u; \
    LOAD_AT(ea, T, n, set, 5)                                                  \
  }
    FAST_LOADS(LOAD)
#undef LOAD
#undef LOAD_AT
#define STORE(name, T, n)                                                      \
  vmcase(name)                                                                 \
  {                                                                            \
    uint64_t ea = (uint64_t)S(pc[1].i).u32 + pc[3].u;                          \
    T v = (T)S(pc[2].i).u64;                                                   \
    CHECK_MEMORY(ea, n);                                                       \
    memcpy(mem_base + ea, &v, n);                                              \
    NEXT(4);                                                                   \
  }                                                                            \
  vmcase(name##_IMM)                                                           \
  {                                                                            \
    uint64_t ea = (uint64_t)S(pc[1].i).u32 + pc[3].u;                          \
    T v = (T)pc[2].u;                                                          \
    CHECK_MEMORY(ea, n);                                                       \
    memcpy(mem_base + ea, &v, n);                                              \
    NEXT(4);                                                                   \
  }                                                                            \
  vmcase(name##_ADD)                                                           \
  {                                                                            \
    uint64_t ea = (uint64_t)(uint32_t)(S(pc[1].i).u32 + S(pc[2].i).u32) + pc[4].u; \
    T v = (T)S(pc[3].i).u64;                                                   \
    CHECK_MEMORY(ea, n);                                                       \
    memcpy(mem_base + ea, &v, n);                                              \
    NEXT(5);                                                                   \
  }                                                                            \
  vmcase(name##_ADD_IMM)                                                       \
  {                                                                            \
    uint64_t ea = (uint64_t)(uint32_t)(S(pc[1].i).u32 + (uint32_t)pc[2].u) + pc[4].u; \
    T v = (T)S(pc[3].i).u64;                                                   \
    CHECK_MEMORY(ea, n);                                                       \
    memcpy(mem_base + ea, &v, n);                                              \
    NEXT(5);                                                                   \
  }
    FAST_STORES(STORE)
#undef STORE
#if !WP_INTERP_COMPUTED_GOTO
  default:
    trap_raise(env, TRAP_UNREACHABLE);
#endif
  }

do_call:
  /* pc is where the caller continues; its cell before holds the caller's
   * frame size, for nested host entries. */
  if (LIKELY(callee->instance == inst)) {
    /* a function of this instance: its code straight from the module's
     * table once made */
    cf = __atomic_load_n(&fcode[callee->index - num_imported], __ATOMIC_ACQUIRE);
    if (UNLIKELY(cf == NULL))
      cf = fast_code_of(env, callee, handlers);
    goto enter;
  }
  if (callee->host || tier_is_compiled(tier_effective(callee->instance))) {
    /* A host function, or a function of an instance running compiled code
     * (mixed-mode linking), through its tier; it may re-enter Wasm: nested
     * entries start above everything this frame can use. */
    env->stack_top = (uint8_t *)fp + pc[-1].u;
    SYNC_PC();
    compiled_call_slow(env, callee, (uint64_t *)args);
    env->current = inst;
    JUMP(pc);
  }
  cf = fast_code_of(env, callee, handlers);
  if (UNLIKELY((size_t)(stack_limit - (uint8_t *)args) < cf->frame_bytes))
    trap_raise(env, TRAP_STACK_EXHAUSTED);
  {
    WasmValue *hdr = args + cf->local_slots;
    hdr[0].ref = (void *)pc;
    hdr[1].ref = fp;
    hdr[2].ref = inst;
  }
  for (uint32_t i = cf->num_params; i < cf->local_slots; i++)
    args[i].u64 = 0;
  fp = args;
  LOAD_INSTANCE(callee->instance);
  act.fp = fp;
  act.pc = cf->code;
  POLL();
  JUMP(cf->code);

enter:
  /* a call within the instance, cf its code */
  if (UNLIKELY((size_t)(stack_limit - (uint8_t *)args) < cf->frame_bytes))
    trap_raise(env, TRAP_STACK_EXHAUSTED);
  {
    WasmValue *hdr = args + cf->local_slots;
    hdr[0].ref = (void *)pc;
    hdr[1].ref = fp;
    hdr[2].ref = inst;
  }
  for (uint32_t i = cf->num_params; i < cf->local_slots; i++)
    args[i].u64 = 0;
  fp = args;
  act.fp = fp;
  act.pc = cf->code;
  POLL();
  JUMP(cf->code);

do_return: {
  const WasmValue *results = &S(pc[1].i);
  uint32_t n = (uint32_t)pc[2].u;
  WasmValue *hdr = (WasmValue *)((char *)fp + pc[3].u);
  const Cell *ret_pc = hdr[0].ref;
  WasmValue *caller_fp = hdr[1].ref;
  Instance *caller = hdr[2].ref;
  if (ret_pc == NULL) {
    if (n)
      memmove(argv, results, n * sizeof(WasmValue));
    env->stack_top = saved_top;
    env->current = saved_current;
    tier_activation_pop(env, &act.base);
    return;
  }
  for (uint32_t i = 0; i < n; i++)
    fp[i] = results[i];
  fp = caller_fp;
  if (caller != inst)
    LOAD_INSTANCE(caller);
  act.fp = fp;
  act.pc = ret_pc;
  JUMP(ret_pc);
}
}
