/*
 * interp_classic.c -- the classic interpreter (DESIGN.md "Tiers"): runs the
 * validated bytecode in place.
 *
 * Branches go through the validator's side table (module.h, BranchEntry): an
 * index `st` walks the table in step with `pc`, so a branch is one table read,
 * never a scan for `end` and never a cache lookup.
 *
 * Frames live on the exec env's Wasm stack, growing up from env->stack_top:
 *
 *     locals[0 .. local_slots)   params (the caller's pushed arguments, in
 *                                place: no copy) then declared locals (zeroed)
 *     Frame                      return pc and side-table index, caller frame,
 *                                this frame's function
 *     stk[0 .. max_stack)        the operand stack; branch heights count from
 *                                stk
 *
 * A call leaves the arguments where they are and builds the callee's frame on
 * top of them; the return copies the results down to where the arguments
 * started.  Wasm-to-Wasm calls, in this instance or in another one reached
 * through an import, stay in this loop (no C recursion, so deep Wasm recursion
 * hits our own limit, contract 5); host functions go through
 * runtime_call_host.
 *
 * Every value takes one 64-bit slot; i32 and f32 values are stored
 * zero-extended so that slots read the same from C (argv) and from here.
 */
#include "interp_classic.h"

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "wp_config.h"
#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "numeric.h"
#include "../runtime/backtrace.h"
#include "../runtime/compiled.h"
#include "../runtime/tiers.h"

#ifndef WP_INTERP_COMPUTED_GOTO
#if defined(__GNUC__)
#define WP_INTERP_COMPUTED_GOTO 1
#else
#define WP_INTERP_COMPUTED_GOTO 0
#endif
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* The frame header between a function's locals and its operand stack. */
typedef struct Frame {
  const uint8_t *ret_pc; /* where the caller continues */
  struct Frame *prev;    /* the caller's frame; NULL for the entry frame */
  FuncInst *func;        /* the function running in this frame */
  uint32_t ret_st;       /* the caller's side-table index */
} Frame;

_Static_assert(sizeof(Frame) % sizeof(WasmValue) == 0, "frames keep slots aligned");
#define FRAME_SLOTS (sizeof(Frame) / sizeof(WasmValue))

/* Backtraces (backtrace.h): the innermost frame, kept up to date at calls
 * and returns (one store each), and the pc, written by every trap raised
 * in here (the macros below) and before every call out that may trap.  A
 * fault caught by the guard region leaves the pc of the last such point:
 * when it is not inside the innermost function, no offset is shown. */
typedef struct ClassicActivation {
  TierActivation base;
  const struct Frame *frame;
  const uint8_t *pc;
} ClassicActivation;

/* Slots a frame of `def` needs, counted from its first local. */
static inline size_t frame_slots(const FuncDef *def)
{
  return (size_t)def->local_slots + FRAME_SLOTS + def->max_stack;
}

/* Dispatch: a switch unless jumptab.h turns it into threaded code. */
#define vmdispatch(x) switch (x)
#define vmcase(op) case op:
#define vmbreak break
#define vmdefault default:

/* --- slots --- */
#define SET_I32(s, v) ((s).u64 = (uint32_t)(v))
#define SET_I64(s, v) ((s).u64 = (uint64_t)(v))
#define SET_F32(s, v) ((s).u64 = f32_bits(v))
#define SET_F64(s, v) ((s).u64 = f64_bits(v))
#define SET_REF(s, p) ((s).u64 = (uint64_t)(uintptr_t)(p))
#define REF(s) ((void *)(uintptr_t)(s).u64)

/* Operators on the top of the operand stack: `a` is the deeper operand. */
#define UN_I32(expr)                                                           \
  {                                                                            \
    uint32_t a = sp[-1].u32;                                                   \
    SET_I32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define BIN_I32(expr)                                                          \
  {                                                                            \
    uint32_t b = sp[-1].u32, a = sp[-2].u32;                                   \
    sp--;                                                                      \
    SET_I32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define UN_I64(expr)                                                           \
  {                                                                            \
    uint64_t a = sp[-1].u64;                                                   \
    SET_I64(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define BIN_I64(expr)                                                          \
  {                                                                            \
    uint64_t b = sp[-1].u64, a = sp[-2].u64;                                   \
    sp--;                                                                      \
    SET_I64(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define CMP_I64(expr)                                                          \
  {                                                                            \
    uint64_t b = sp[-1].u64, a = sp[-2].u64;                                   \
    sp--;                                                                      \
    SET_I32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define UN_F32(expr)                                                           \
  {                                                                            \
    float a = sp[-1].f32;                                                      \
    SET_F32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define BIN_F32(expr)                                                          \
  {                                                                            \
    float b = sp[-1].f32, a = sp[-2].f32;                                      \
    sp--;                                                                      \
    SET_F32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define CMP_F32(expr)                                                          \
  {                                                                            \
    float b = sp[-1].f32, a = sp[-2].f32;                                      \
    sp--;                                                                      \
    SET_I32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define UN_F64(expr)                                                           \
  {                                                                            \
    double a = sp[-1].f64;                                                     \
    SET_F64(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define BIN_F64(expr)                                                          \
  {                                                                            \
    double b = sp[-1].f64, a = sp[-2].f64;                                     \
    sp--;                                                                      \
    SET_F64(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define CMP_F64(expr)                                                          \
  {                                                                            \
    double b = sp[-1].f64, a = sp[-2].f64;                                     \
    sp--;                                                                      \
    SET_I32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
/* Sign operations on the raw bits (no NaN canonicalisation). */
#define BITS_F32(expr)                                                         \
  {                                                                            \
    uint32_t a = sp[-1].u32;                                                   \
    SET_I32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
#define BITS2_F32(expr)                                                        \
  {                                                                            \
    uint32_t b = sp[-1].u32, a = sp[-2].u32;                                   \
    sp--;                                                                      \
    SET_I32(sp[-1], (expr));                                                   \
    vmbreak;                                                                   \
  }
/* A trapping truncation: check, then convert (in range, so defined in C). */
#define TRUNC(FT, field, check, IT, set)                                       \
  {                                                                            \
    FT x = sp[-1].field;                                                       \
    TrapKind k = check(x);                                                     \
    if (UNLIKELY(k != TRAP_NONE))                                              \
      trap_raise(env, k);                                                      \
    set(sp[-1], (IT)x);                                                        \
    vmbreak;                                                                   \
  }

/* --- linear memory (contract 4) ---
 * The effective address is base + u32 address + u32 offset, at most
 * 2^33 - 2 bytes past the base: inside the guard region of a guarded memory
 * (the fault handler makes the trap), checked against the current size
 * otherwise.  A guard-page build still meets unguarded memories (the
 * reservation can fail), hence the flag; it is constant per instance, so the
 * branch predicts perfectly. */
#if WP_BOUNDS_CHECKS
#define CHECK_MEMORY(ea, n)                                                    \
  if (UNLIKELY((ea) + (n) > mem->size))                                        \
  trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS)
#else
#define CHECK_MEMORY(ea, n)                                                    \
  if (UNLIKELY(mem_unguarded) && (ea) + (n) > mem->size)                       \
  trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS)
#endif

#define LOAD(T, n, set)                                                        \
  {                                                                            \
    leb_skip(&pc); /* alignment hint */                                        \
    uint64_t ea = (uint64_t)sp[-1].u32 + leb_u32(&pc);                         \
    CHECK_MEMORY(ea, n);                                                       \
    T v;                                                                       \
    memcpy(&v, mem_base + ea, n);                                              \
    set;                                                                       \
    vmbreak;                                                                   \
  }
#define STORE(T, n, value)                                                     \
  {                                                                            \
    leb_skip(&pc);                                                             \
    uint32_t offset = leb_u32(&pc);                                            \
    T v = (T)(value);                                                          \
    uint64_t ea = (uint64_t)sp[-2].u32 + offset;                               \
    CHECK_MEMORY(ea, n);                                                       \
    memcpy(mem_base + ea, &v, n);                                              \
    sp -= 2;                                                                   \
    vmbreak;                                                                   \
  }

/* Contract 6: the interrupt flag and the fuel, polled at function entry and
 * at each arrival at a loop's start (one fuel unit each, as in every tier).
 * The fast path is one load and one compare each. */
#define POLL()                                                                 \
  do {                                                                         \
    if (UNLIKELY(atomic_load_explicit(&inst->interrupt, memory_order_relaxed) | \
                 (env->fuel >= 0))) {                                          \
      SYNC_PC();                                                               \
      runtime_check_interrupt(env);                                            \
    }                                                                          \
  } while (0)

/* Switching instances (a call through an import, or its return) switches
 * everything cached from the instance. */
#define LOAD_INSTANCE(i)                                                       \
  do {                                                                         \
    inst = (i);                                                                \
    env->current = inst;                                                       \
    mem = inst->module->num_memories ? inst->memories[0] : NULL;               \
    mem_base = mem ? mem->base : NULL;                                         \
    mem_unguarded = mem && !mem->guarded;                                      \
    globals = inst->globals;                                                   \
    tables = inst->tables;                                                     \
  } while (0)

/* Branch through side-table entry `entry` (see BranchEntry). */
#define TAKE_BRANCH(entry)                                                     \
  do {                                                                         \
    const BranchEntry *be = (entry);                                           \
    WasmValue *to_sp = stk + be->height;                                       \
    uint32_t carried = be->arity;                                              \
    if (carried != 0) {                                                        \
      WasmValue *from = sp - carried;                                          \
      if (from != to_sp)                                                       \
        for (uint32_t c = 0; c < carried; c++)                                 \
          to_sp[c] = from[c];                                                  \
    }                                                                          \
    sp = to_sp + carried;                                                      \
    const uint8_t *target = def->body + be->target_pc;                         \
    st = be->target_st;                                                        \
    if (target < pc) /* a loop back-edge */                                    \
      POLL();                                                                  \
    pc = target;                                                               \
  } while (0)

static void classic_walk(const TierActivation *a, Backtrace *bt)
{
  const ClassicActivation *act = (const ClassicActivation *)a;
  /* A trap raised here has read its opcode (and maybe immediates): one
   * byte back is the opcode of the simple ones (div, unreachable, ...).
   * Outer frames show their return address, just past the call. */
  const uint8_t *pc = act->pc ? act->pc - 1 : NULL;
  for (const Frame *fr = act->frame; fr != NULL; fr = fr->prev) {
    const FuncDef *d = fr->func->def;
    backtrace_add_frame(bt, fr->func, pc && pc >= d->body && pc <= d->end ? pc : NULL);
    pc = fr->ret_pc;
  }
}

/* Every trap raised in the interpreter records where it happened. */
#define SYNC_PC() (act.frame = frame, act.pc = pc)
#define trap_raise(e, k)                                                       \
  do {                                                                         \
    SYNC_PC();                                                                 \
    (trap_raise)(e, k);                                                        \
  } while (0)
#define trap_raise_index(e, k, i)                                              \
  do {                                                                         \
    SYNC_PC();                                                                 \
    (trap_raise_index)(e, k, i);                                               \
  } while (0)

void interp_classic_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  if (f->host) {
    runtime_call_host(env, f, argv);
    return;
  }

#if WP_INTERP_COMPUTED_GOTO
#include "jumptab.h"
#endif

  uint8_t *const saved_top = env->stack_top;
  Instance *const saved_current = env->current;

  /* The running function's state, kept in locals for speed. */
  const uint8_t *pc;
  uint32_t st;           /* side-table index, in step with pc */
  WasmValue *sp;         /* first free operand slot */
  WasmValue *locals;
  WasmValue *stk;        /* bottom of the operand stack */
  Frame *frame;
  FuncInst *func = NULL;
  const FuncDef *def = NULL;
  const BranchEntry *brs = NULL;

  /* Cached from the running function's instance. */
  Instance *inst = NULL;
  Memory *mem = NULL;
  uint8_t *mem_base = NULL;
  bool mem_unguarded = false; /* only read without WP_BOUNDS_CHECKS */
  (void)mem_unguarded;
  GlobalInst **globals = NULL;
  Table **tables = NULL;

  /* A call in progress: the callee and where its arguments start. */
  FuncInst *callee = f;
  WasmValue *args = (WasmValue *)saved_top;

  frame = NULL;
  pc = NULL;
  ClassicActivation act;
  act.frame = NULL;
  act.pc = NULL;
  tier_activation_push(env, &act.base, classic_walk);

  /* The entry frame: copy the arguments in, then enter like any call. */
  if (UNLIKELY((size_t)(env->stack_limit - saved_top) < frame_slots(f->def) * sizeof(WasmValue)))
    trap_raise(env, TRAP_STACK_EXHAUSTED);
  if (f->type->num_params)
    memcpy(args, argv, f->type->num_params * sizeof(WasmValue));
  frame = NULL;
  pc = NULL;
  st = 0;
  sp = NULL;
  locals = stk = NULL;
  goto enter;

  for (;;) {
    vmdispatch(*pc++) {
      /* --- control --- */
      vmcase(OP_UNREACHABLE) { trap_raise(env, TRAP_UNREACHABLE); }
      vmcase(OP_NOP) { vmbreak; }
      vmcase(OP_BLOCK)
      {
        leb_skip(&pc); /* block type: only the validator needs it */
        vmbreak;
      }
      vmcase(OP_LOOP)
      {
        /* One fuel unit per arrival at a loop's start (contract 6): falling
         * in polls here, a back-edge polls in TAKE_BRANCH. */
        leb_skip(&pc);
        POLL();
        vmbreak;
      }
      vmcase(OP_IF)
      {
        leb_skip(&pc);
        if ((--sp)->u32) {
          st++;
          vmbreak;
        }
        const BranchEntry *e = &brs[st];
        pc = def->body + e->target_pc;
        st = e->target_st;
        vmbreak;
      }
      vmcase(OP_ELSE)
      {
        /* The then-arm is done: on to the `end`. */
        const BranchEntry *e = &brs[st];
        pc = def->body + e->target_pc;
        st = e->target_st;
        vmbreak;
      }
      vmcase(OP_END)
      {
        if (UNLIKELY(pc == def->end))
          goto do_return;
        vmbreak;
      }
      vmcase(OP_BR)
      {
        TAKE_BRANCH(&brs[st]);
        vmbreak;
      }
      vmcase(OP_BR_IF)
      {
        if ((--sp)->u32) {
          TAKE_BRANCH(&brs[st]);
          vmbreak;
        }
        leb_skip(&pc);
        st++;
        vmbreak;
      }
      vmcase(OP_BR_TABLE)
      {
        uint32_t n = leb_u32(&pc);
        uint32_t i = (--sp)->u32;
        TAKE_BRANCH(&brs[st + (i < n ? i : n)]);
        vmbreak;
      }
      vmcase(OP_RETURN) { goto do_return; }
      vmcase(OP_CALL)
      {
        callee = inst->funcs[leb_u32(&pc)];
        goto do_call;
      }
      vmcase(OP_CALL_INDIRECT)
      {
        uint32_t type_index = leb_u32(&pc);
        Table *t = tables[leb_u32(&pc)];
        uint32_t i = (--sp)->u32;
        if (UNLIKELY(i >= t->size))
          trap_raise_index(env, TRAP_UNDEFINED_ELEMENT, i);
        callee = t->elems[i];
        if (UNLIKELY(callee == NULL))
          trap_raise_index(env, TRAP_UNINITIALIZED_ELEMENT, i);
        const FuncType *want = &inst->module->types[type_index];
        if (UNLIKELY(callee->type != want && !functype_equal(callee->type, want)))
          trap_raise(env, TRAP_INDIRECT_CALL_TYPE_MISMATCH);
        goto do_call;
      }

      /* --- parametric --- */
      vmcase(OP_DROP)
      {
        sp--;
        vmbreak;
      }
      vmcase(OP_SELECT_T)
      {
        uint32_t n = leb_u32(&pc);
        pc += n; /* the value types, one byte each in Wasm 2.0 */
        uint32_t c = sp[-1].u32;
        sp -= 2;
        if (!c)
          sp[-1] = sp[0];
        vmbreak;
      }
      vmcase(OP_SELECT)
      {
        uint32_t c = sp[-1].u32;
        sp -= 2;
        if (!c)
          sp[-1] = sp[0];
        vmbreak;
      }

      /* --- variables --- */
      vmcase(OP_LOCAL_GET)
      {
        *sp++ = locals[leb_u32(&pc)];
        vmbreak;
      }
      vmcase(OP_LOCAL_SET)
      {
        locals[leb_u32(&pc)] = *--sp;
        vmbreak;
      }
      vmcase(OP_LOCAL_TEE)
      {
        locals[leb_u32(&pc)] = sp[-1];
        vmbreak;
      }
      vmcase(OP_GLOBAL_GET)
      {
        sp->u64 = globals[leb_u32(&pc)]->value.u64;
        sp++;
        vmbreak;
      }
      vmcase(OP_GLOBAL_SET)
      {
        globals[leb_u32(&pc)]->value.u64 = (--sp)->u64;
        vmbreak;
      }

      /* --- tables --- */
      vmcase(OP_TABLE_GET)
      {
        Table *t = tables[leb_u32(&pc)];
        uint32_t i = sp[-1].u32;
        if (UNLIKELY(i >= t->size))
          trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
        SET_REF(sp[-1], t->elems[i]);
        vmbreak;
      }
      vmcase(OP_TABLE_SET)
      {
        Table *t = tables[leb_u32(&pc)];
        void *value = REF(sp[-1]);
        uint32_t i = sp[-2].u32;
        sp -= 2;
        if (UNLIKELY(i >= t->size))
          trap_raise(env, TRAP_TABLE_OUT_OF_BOUNDS);
        t->elems[i] = value;
        vmbreak;
      }

      /* --- memory --- */
      vmcase(OP_I32_LOAD) LOAD(uint32_t, 4, SET_I32(sp[-1], v))
      vmcase(OP_I64_LOAD) LOAD(uint64_t, 8, SET_I64(sp[-1], v))
      vmcase(OP_F32_LOAD) LOAD(uint32_t, 4, SET_I32(sp[-1], v))
      vmcase(OP_F64_LOAD) LOAD(uint64_t, 8, SET_I64(sp[-1], v))
      vmcase(OP_I32_LOAD8_S) LOAD(int8_t, 1, SET_I32(sp[-1], (int32_t)v))
      vmcase(OP_I32_LOAD8_U) LOAD(uint8_t, 1, SET_I32(sp[-1], v))
      vmcase(OP_I32_LOAD16_S) LOAD(int16_t, 2, SET_I32(sp[-1], (int32_t)v))
      vmcase(OP_I32_LOAD16_U) LOAD(uint16_t, 2, SET_I32(sp[-1], v))
      vmcase(OP_I64_LOAD8_S) LOAD(int8_t, 1, SET_I64(sp[-1], (int64_t)v))
      vmcase(OP_I64_LOAD8_U) LOAD(uint8_t, 1, SET_I64(sp[-1], v))
      vmcase(OP_I64_LOAD16_S) LOAD(int16_t, 2, SET_I64(sp[-1], (int64_t)v))
      vmcase(OP_I64_LOAD16_U) LOAD(uint16_t, 2, SET_I64(sp[-1], v))
      vmcase(OP_I64_LOAD32_S) LOAD(int32_t, 4, SET_I64(sp[-1], (int64_t)v))
      vmcase(OP_I64_LOAD32_U) LOAD(uint32_t, 4, SET_I64(sp[-1], v))
      vmcase(OP_I32_STORE) STORE(uint32_t, 4, sp[-1].u32)
      vmcase(OP_I64_STORE) STORE(uint64_t, 8, sp[-1].u64)
      vmcase(OP_F32_STORE) STORE(uint32_t, 4, sp[-1].u32)
      vmcase(OP_F64_STORE) STORE(uint64_t, 8, sp[-1].u64)
      vmcase(OP_I32_STORE8) STORE(uint8_t, 1, sp[-1].u32)
      vmcase(OP_I32_STORE16) STORE(uint16_t, 2, sp[-1].u32)
      vmcase(OP_I64_STORE8) STORE(uint8_t, 1, sp[-1].u64)
      vmcase(OP_I64_STORE16) STORE(uint16_t, 2, sp[-1].u64)
      vmcase(OP_I64_STORE32) STORE(uint32_t, 4, sp[-1].u64)
      vmcase(OP_MEMORY_SIZE)
      {
        leb_skip(&pc); /* memory index */
        SET_I32(*sp, mem->pages);
        sp++;
        vmbreak;
      }
      vmcase(OP_MEMORY_GROW)
      {
        leb_skip(&pc);
        /* -1 (as i32) when it cannot grow; the base stays where it is */
        SET_I32(sp[-1], (int32_t)memory_grow(mem, sp[-1].u32));
        vmbreak;
      }

      /* --- constants --- */
      vmcase(OP_I32_CONST)
      {
        SET_I32(*sp, leb_s32(&pc));
        sp++;
        vmbreak;
      }
      vmcase(OP_I64_CONST)
      {
        SET_I64(*sp, leb_s64(&pc));
        sp++;
        vmbreak;
      }
      vmcase(OP_F32_CONST)
      {
        uint32_t bits;
        memcpy(&bits, pc, 4);
        pc += 4;
        SET_I32(*sp, bits);
        sp++;
        vmbreak;
      }
      vmcase(OP_F64_CONST)
      {
        uint64_t bits;
        memcpy(&bits, pc, 8);
        pc += 8;
        SET_I64(*sp, bits);
        sp++;
        vmbreak;
      }

      /* --- i32 --- */
      vmcase(OP_I32_EQZ) UN_I32(a == 0)
      vmcase(OP_I32_EQ) BIN_I32(a == b)
      vmcase(OP_I32_NE) BIN_I32(a != b)
      vmcase(OP_I32_LT_S) BIN_I32((int32_t)a < (int32_t)b)
      vmcase(OP_I32_LT_U) BIN_I32(a < b)
      vmcase(OP_I32_GT_S) BIN_I32((int32_t)a > (int32_t)b)
      vmcase(OP_I32_GT_U) BIN_I32(a > b)
      vmcase(OP_I32_LE_S) BIN_I32((int32_t)a <= (int32_t)b)
      vmcase(OP_I32_LE_U) BIN_I32(a <= b)
      vmcase(OP_I32_GE_S) BIN_I32((int32_t)a >= (int32_t)b)
      vmcase(OP_I32_GE_U) BIN_I32(a >= b)
      vmcase(OP_I32_CLZ) UN_I32(i32_clz(a))
      vmcase(OP_I32_CTZ) UN_I32(i32_ctz(a))
      vmcase(OP_I32_POPCNT) UN_I32(i32_popcnt(a))
      vmcase(OP_I32_ADD) BIN_I32(a + b)
      vmcase(OP_I32_SUB) BIN_I32(a - b)
      vmcase(OP_I32_MUL) BIN_I32(a * b)
      vmcase(OP_I32_DIV_S)
      {
        int32_t b = sp[-1].i32, a = sp[-2].i32;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        if (UNLIKELY(a == INT32_MIN && b == -1))
          trap_raise(env, TRAP_INTEGER_OVERFLOW);
        sp--;
        SET_I32(sp[-1], a / b);
        vmbreak;
      }
      vmcase(OP_I32_DIV_U)
      {
        uint32_t b = sp[-1].u32, a = sp[-2].u32;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        sp--;
        SET_I32(sp[-1], a / b);
        vmbreak;
      }
      vmcase(OP_I32_REM_S)
      {
        int32_t b = sp[-1].i32, a = sp[-2].i32;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        sp--;
        /* INT32_MIN rem -1 is 0 in Wasm, undefined in C */
        SET_I32(sp[-1], b == -1 ? 0 : a % b);
        vmbreak;
      }
      vmcase(OP_I32_REM_U)
      {
        uint32_t b = sp[-1].u32, a = sp[-2].u32;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        sp--;
        SET_I32(sp[-1], a % b);
        vmbreak;
      }
      vmcase(OP_I32_AND) BIN_I32(a & b)
      vmcase(OP_I32_OR) BIN_I32(a | b)
      vmcase(OP_I32_XOR) BIN_I32(a ^ b)
      vmcase(OP_I32_SHL) BIN_I32(a << (b & 31))
      vmcase(OP_I32_SHR_S) BIN_I32(i32_shr_s(a, b))
      vmcase(OP_I32_SHR_U) BIN_I32(a >> (b & 31))
      vmcase(OP_I32_ROTL) BIN_I32(i32_rotl(a, b))
      vmcase(OP_I32_ROTR) BIN_I32(i32_rotr(a, b))

      /* --- i64 --- */
      vmcase(OP_I64_EQZ)
      {
        SET_I32(sp[-1], sp[-1].u64 == 0);
        vmbreak;
      }
      vmcase(OP_I64_EQ) CMP_I64(a == b)
      vmcase(OP_I64_NE) CMP_I64(a != b)
      vmcase(OP_I64_LT_S) CMP_I64((int64_t)a < (int64_t)b)
      vmcase(OP_I64_LT_U) CMP_I64(a < b)
      vmcase(OP_I64_GT_S) CMP_I64((int64_t)a > (int64_t)b)
      vmcase(OP_I64_GT_U) CMP_I64(a > b)
      vmcase(OP_I64_LE_S) CMP_I64((int64_t)a <= (int64_t)b)
      vmcase(OP_I64_LE_U) CMP_I64(a <= b)
      vmcase(OP_I64_GE_S) CMP_I64((int64_t)a >= (int64_t)b)
      vmcase(OP_I64_GE_U) CMP_I64(a >= b)
      vmcase(OP_I64_CLZ) UN_I64(i64_clz(a))
      vmcase(OP_I64_CTZ) UN_I64(i64_ctz(a))
      vmcase(OP_I64_POPCNT) UN_I64(i64_popcnt(a))
      vmcase(OP_I64_ADD) BIN_I64(a + b)
      vmcase(OP_I64_SUB) BIN_I64(a - b)
      vmcase(OP_I64_MUL) BIN_I64(a * b)
      vmcase(OP_I64_DIV_S)
      {
        int64_t b = sp[-1].i64, a = sp[-2].i64;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        if (UNLIKELY(a == INT64_MIN && b == -1))
          trap_raise(env, TRAP_INTEGER_OVERFLOW);
        sp--;
        SET_I64(sp[-1], a / b);
        vmbreak;
      }
      vmcase(OP_I64_DIV_U)
      {
        uint64_t b = sp[-1].u64, a = sp[-2].u64;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        sp--;
        SET_I64(sp[-1], a / b);
        vmbreak;
      }
      vmcase(OP_I64_REM_S)
      {
        int64_t b = sp[-1].i64, a = sp[-2].i64;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        sp--;
        SET_I64(sp[-1], b == -1 ? 0 : a % b);
        vmbreak;
      }
      vmcase(OP_I64_REM_U)
      {
        uint64_t b = sp[-1].u64, a = sp[-2].u64;
        if (UNLIKELY(b == 0))
          trap_raise(env, TRAP_INTEGER_DIVIDE_BY_ZERO);
        sp--;
        SET_I64(sp[-1], a % b);
        vmbreak;
      }
      vmcase(OP_I64_AND) BIN_I64(a & b)
      vmcase(OP_I64_OR) BIN_I64(a | b)
      vmcase(OP_I64_XOR) BIN_I64(a ^ b)
      vmcase(OP_I64_SHL) BIN_I64(a << (b & 63))
      vmcase(OP_I64_SHR_S) BIN_I64(i64_shr_s(a, b))
      vmcase(OP_I64_SHR_U) BIN_I64(a >> (b & 63))
      vmcase(OP_I64_ROTL) BIN_I64(i64_rotl(a, b))
      vmcase(OP_I64_ROTR) BIN_I64(i64_rotr(a, b))

      /* --- f32 --- */
      vmcase(OP_F32_EQ) CMP_F32(a == b)
      vmcase(OP_F32_NE) CMP_F32(a != b)
      vmcase(OP_F32_LT) CMP_F32(a < b)
      vmcase(OP_F32_GT) CMP_F32(a > b)
      vmcase(OP_F32_LE) CMP_F32(a <= b)
      vmcase(OP_F32_GE) CMP_F32(a >= b)
      vmcase(OP_F32_ABS) BITS_F32(f32_abs_bits(a))
      vmcase(OP_F32_NEG) BITS_F32(f32_neg_bits(a))
      vmcase(OP_F32_CEIL) UN_F32(f32_ceil(a))
      vmcase(OP_F32_FLOOR) UN_F32(f32_floor(a))
      vmcase(OP_F32_TRUNC) UN_F32(f32_trunc(a))
      vmcase(OP_F32_NEAREST) UN_F32(f32_nearest(a))
      vmcase(OP_F32_SQRT) UN_F32(sqrtf(a))
      vmcase(OP_F32_ADD) BIN_F32(f32_add(a, b))
      vmcase(OP_F32_SUB) BIN_F32(f32_sub(a, b))
      vmcase(OP_F32_MUL) BIN_F32(f32_mul(a, b))
      vmcase(OP_F32_DIV) BIN_F32(f32_div(a, b))
      vmcase(OP_F32_MIN) BIN_F32(f32_min(a, b))
      vmcase(OP_F32_MAX) BIN_F32(f32_max(a, b))
      vmcase(OP_F32_COPYSIGN) BITS2_F32(f32_copysign_bits(a, b))

      /* --- f64 --- */
      vmcase(OP_F64_EQ) CMP_F64(a == b)
      vmcase(OP_F64_NE) CMP_F64(a != b)
      vmcase(OP_F64_LT) CMP_F64(a < b)
      vmcase(OP_F64_GT) CMP_F64(a > b)
      vmcase(OP_F64_LE) CMP_F64(a <= b)
      vmcase(OP_F64_GE) CMP_F64(a >= b)
      vmcase(OP_F64_ABS) UN_I64(f64_abs_bits(a))
      vmcase(OP_F64_NEG) UN_I64(f64_neg_bits(a))
      vmcase(OP_F64_CEIL) UN_F64(f64_ceil(a))
      vmcase(OP_F64_FLOOR) UN_F64(f64_floor(a))
      vmcase(OP_F64_TRUNC) UN_F64(f64_trunc(a))
      vmcase(OP_F64_NEAREST) UN_F64(f64_nearest(a))
      vmcase(OP_F64_SQRT) UN_F64(sqrt(a))
      vmcase(OP_F64_ADD) BIN_F64(f64_add(a, b))
      vmcase(OP_F64_SUB) BIN_F64(f64_sub(a, b))
      vmcase(OP_F64_MUL) BIN_F64(f64_mul(a, b))
      vmcase(OP_F64_DIV) BIN_F64(f64_div(a, b))
      vmcase(OP_F64_MIN) BIN_F64(f64_min(a, b))
      vmcase(OP_F64_MAX) BIN_F64(f64_max(a, b))
      vmcase(OP_F64_COPYSIGN) BIN_I64(f64_copysign_bits(a, b))

      /* --- conversions --- */
      vmcase(OP_I32_WRAP_I64)
      {
        SET_I32(sp[-1], (uint32_t)sp[-1].u64);
        vmbreak;
      }
      vmcase(OP_I32_TRUNC_F32_S) TRUNC(float, f32, trunc_check_i32_f32_s, int32_t, SET_I32)
      vmcase(OP_I32_TRUNC_F32_U) TRUNC(float, f32, trunc_check_i32_f32_u, uint32_t, SET_I32)
      vmcase(OP_I32_TRUNC_F64_S) TRUNC(double, f64, trunc_check_i32_f64_s, int32_t, SET_I32)
      vmcase(OP_I32_TRUNC_F64_U) TRUNC(double, f64, trunc_check_i32_f64_u, uint32_t, SET_I32)
      vmcase(OP_I64_EXTEND_I32_S)
      {
        SET_I64(sp[-1], (int64_t)sp[-1].i32);
        vmbreak;
      }
      vmcase(OP_I64_EXTEND_I32_U)
      {
        SET_I64(sp[-1], (uint64_t)sp[-1].u32);
        vmbreak;
      }
      vmcase(OP_I64_TRUNC_F32_S) TRUNC(float, f32, trunc_check_i64_f32_s, int64_t, SET_I64)
      vmcase(OP_I64_TRUNC_F32_U) TRUNC(float, f32, trunc_check_i64_f32_u, uint64_t, SET_I64)
      vmcase(OP_I64_TRUNC_F64_S) TRUNC(double, f64, trunc_check_i64_f64_s, int64_t, SET_I64)
      vmcase(OP_I64_TRUNC_F64_U) TRUNC(double, f64, trunc_check_i64_f64_u, uint64_t, SET_I64)
      /* C's int-to-float conversions round to nearest even, as Wasm's do
       * (u64 included: GCC and clang halve with a sticky bit, no double
       * rounding). */
      vmcase(OP_F32_CONVERT_I32_S)
      {
        SET_F32(sp[-1], (float)sp[-1].i32);
        vmbreak;
      }
      vmcase(OP_F32_CONVERT_I32_U)
      {
        SET_F32(sp[-1], (float)sp[-1].u32);
        vmbreak;
      }
      vmcase(OP_F32_CONVERT_I64_S)
      {
        SET_F32(sp[-1], (float)sp[-1].i64);
        vmbreak;
      }
      vmcase(OP_F32_CONVERT_I64_U)
      {
        SET_F32(sp[-1], (float)sp[-1].u64);
        vmbreak;
      }
      vmcase(OP_F32_DEMOTE_F64)
      {
        SET_F32(sp[-1], (float)sp[-1].f64);
        vmbreak;
      }
      vmcase(OP_F64_CONVERT_I32_S)
      {
        SET_F64(sp[-1], (double)sp[-1].i32);
        vmbreak;
      }
      vmcase(OP_F64_CONVERT_I32_U)
      {
        SET_F64(sp[-1], (double)sp[-1].u32);
        vmbreak;
      }
      vmcase(OP_F64_CONVERT_I64_S)
      {
        SET_F64(sp[-1], (double)sp[-1].i64);
        vmbreak;
      }
      vmcase(OP_F64_CONVERT_I64_U)
      {
        SET_F64(sp[-1], (double)sp[-1].u64);
        vmbreak;
      }
      vmcase(OP_F64_PROMOTE_F32)
      {
        SET_F64(sp[-1], (double)sp[-1].f32);
        vmbreak;
      }
      /* Slots hold raw bits, so reinterpretation only keeps i32/f32 slots
       * zero-extended. */
      vmcase(OP_I32_REINTERPRET_F32) vmcase(OP_F32_REINTERPRET_I32)
      {
        SET_I32(sp[-1], sp[-1].u32);
        vmbreak;
      }
      vmcase(OP_I64_REINTERPRET_F64) vmcase(OP_F64_REINTERPRET_I64) { vmbreak; }

      /* --- sign extension --- */
      vmcase(OP_I32_EXTEND8_S) UN_I32((int32_t)(int8_t)a)
      vmcase(OP_I32_EXTEND16_S) UN_I32((int32_t)(int16_t)a)
      vmcase(OP_I64_EXTEND8_S) UN_I64((int64_t)(int8_t)a)
      vmcase(OP_I64_EXTEND16_S) UN_I64((int64_t)(int16_t)a)
      vmcase(OP_I64_EXTEND32_S) UN_I64((int64_t)(int32_t)a)

      /* --- references --- */
      vmcase(OP_REF_NULL)
      {
        pc++; /* reference type */
        SET_REF(*sp, NULL);
        sp++;
        vmbreak;
      }
      vmcase(OP_REF_IS_NULL)
      {
        SET_I32(sp[-1], REF(sp[-1]) == NULL);
        vmbreak;
      }
      vmcase(OP_REF_FUNC)
      {
        SET_REF(*sp, inst->funcs[leb_u32(&pc)]);
        sp++;
        vmbreak;
      }

      /* --- 0xFC: saturating truncation, bulk memory, tables --- */
      vmcase(OP_PREFIX_FC)
      {
        switch (leb_u32(&pc)) {
        case OP_FC_I32_TRUNC_SAT_F32_S:
          SET_I32(sp[-1], trunc_sat_i32_f32_s(sp[-1].f32));
          break;
        case OP_FC_I32_TRUNC_SAT_F32_U:
          SET_I32(sp[-1], trunc_sat_i32_f32_u(sp[-1].f32));
          break;
        case OP_FC_I32_TRUNC_SAT_F64_S:
          SET_I32(sp[-1], trunc_sat_i32_f64_s(sp[-1].f64));
          break;
        case OP_FC_I32_TRUNC_SAT_F64_U:
          SET_I32(sp[-1], trunc_sat_i32_f64_u(sp[-1].f64));
          break;
        case OP_FC_I64_TRUNC_SAT_F32_S:
          SET_I64(sp[-1], trunc_sat_i64_f32_s(sp[-1].f32));
          break;
        case OP_FC_I64_TRUNC_SAT_F32_U:
          SET_I64(sp[-1], trunc_sat_i64_f32_u(sp[-1].f32));
          break;
        case OP_FC_I64_TRUNC_SAT_F64_S:
          SET_I64(sp[-1], trunc_sat_i64_f64_s(sp[-1].f64));
          break;
        case OP_FC_I64_TRUNC_SAT_F64_U:
          SET_I64(sp[-1], trunc_sat_i64_f64_u(sp[-1].f64));
          break;
        case OP_FC_MEMORY_INIT: {
          uint32_t data = leb_u32(&pc);
          leb_skip(&pc); /* memory index */
          sp -= 3;
          SYNC_PC();
          runtime_memory_init(env, inst, data, sp[0].u32, sp[1].u32, sp[2].u32);
          break;
        }
        case OP_FC_DATA_DROP:
          inst->data_dropped[leb_u32(&pc)] = 1;
          break;
        case OP_FC_MEMORY_COPY:
          leb_skip(&pc);
          leb_skip(&pc);
          sp -= 3;
          SYNC_PC();
          runtime_memory_copy(env, mem, mem, sp[0].u32, sp[1].u32, sp[2].u32);
          break;
        case OP_FC_MEMORY_FILL:
          leb_skip(&pc);
          sp -= 3;
          SYNC_PC();
          runtime_memory_fill(env, mem, sp[0].u32, (uint8_t)sp[1].u32, sp[2].u32);
          break;
        case OP_FC_TABLE_INIT: {
          uint32_t elem = leb_u32(&pc);
          uint32_t table = leb_u32(&pc);
          sp -= 3;
          SYNC_PC();
          runtime_table_init(env, inst, table, elem, sp[0].u32, sp[1].u32, sp[2].u32);
          break;
        }
        case OP_FC_ELEM_DROP:
          inst->elem_dropped[leb_u32(&pc)] = 1;
          break;
        case OP_FC_TABLE_COPY: {
          Table *dst = tables[leb_u32(&pc)];
          Table *src = tables[leb_u32(&pc)];
          sp -= 3;
          SYNC_PC();
          runtime_table_copy(env, dst, src, sp[0].u32, sp[1].u32, sp[2].u32);
          break;
        }
        case OP_FC_TABLE_GROW: {
          Table *t = tables[leb_u32(&pc)];
          uint32_t n = sp[-1].u32;
          void *init = REF(sp[-2]);
          sp--;
          SET_I32(sp[-1], (int32_t)table_grow(t, n, init));
          break;
        }
        case OP_FC_TABLE_SIZE:
          SET_I32(*sp, tables[leb_u32(&pc)]->size);
          sp++;
          break;
        case OP_FC_TABLE_FILL: {
          Table *t = tables[leb_u32(&pc)];
          sp -= 3;
          SYNC_PC();
          runtime_table_fill(env, t, sp[0].u32, REF(sp[1]), sp[2].u32);
          break;
        }
        default:
          /* the validator lets no other sub-opcode through */
          trap_raise(env, TRAP_UNREACHABLE);
        }
        vmbreak;
      }

      vmdefault
      {
        /* Unassigned opcodes and SIMD never pass validation. */
        trap_raise(env, TRAP_UNREACHABLE);
      }
    }
    continue;

  do_call:
    /* callee chosen; its arguments are the top of the operand stack */
    args = sp - callee->type->num_params;
    if (callee->host ||
        (callee->instance != inst && tier_is_compiled(tier_effective(callee->instance)))) {
      /* A host function, or a function of an instance running compiled
       * code (mixed-mode linking), through its tier; it may re-enter Wasm:
       * nested entries start above everything this frame can use. */
      env->stack_top = (uint8_t *)(stk + def->max_stack);
      SYNC_PC();
      compiled_call_slow(env, callee, (uint64_t *)args);
      env->current = inst;
      sp = args + callee->type->num_results;
      continue;
    }
    if (UNLIKELY((size_t)(env->stack_limit - (uint8_t *)args) <
                 frame_slots(callee->def) * sizeof(WasmValue)))
      trap_raise(env, TRAP_STACK_EXHAUSTED);

  enter: {
    /* Contract 5 was checked above: the frame fits below stack_limit. */
    const FuncDef *cd = callee->def;
    uint32_t num_params = callee->type->num_params;
    Frame *nf = (Frame *)(args + cd->local_slots);
    nf->ret_pc = pc;
    nf->ret_st = st;
    nf->prev = frame;
    nf->func = callee;
    if (cd->local_slots > num_params)
      memset(args + num_params, 0, (cd->local_slots - num_params) * sizeof(WasmValue));
    frame = nf;
    act.frame = nf;
    func = callee;
    def = cd;
    brs = cd->branches;
    locals = args;
    stk = sp = (WasmValue *)(nf + 1);
    pc = cd->body;
    st = 0;
    if (callee->instance != inst)
      LOAD_INSTANCE(callee->instance);
    POLL();
    continue;
  }

  do_return: {
    uint32_t num_results = func->type->num_results;
    WasmValue *results = sp - num_results;
    Frame *done = frame;
    if (done->prev == NULL) {
      if (num_results)
        memmove(argv, results, num_results * sizeof(WasmValue));
      env->stack_top = saved_top;
      env->current = saved_current;
      tier_activation_pop(env, &act.base);
      return;
    }
    /* Read the header before the results may overwrite it. */
    pc = done->ret_pc;
    st = done->ret_st;
    frame = done->prev;
    act.frame = frame;
    for (uint32_t i = 0; i < num_results; i++)
      locals[i] = results[i];
    sp = locals + num_results;
    func = frame->func;
    def = func->def;
    brs = def->branches;
    locals = (WasmValue *)frame - def->local_slots;
    stk = (WasmValue *)(frame + 1);
    if (func->instance != inst)
      LOAD_INSTANCE(func->instance);
    continue;
  }
  }
}
