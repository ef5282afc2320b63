/*
 * compiled.h -- what the compiled tiers (Fast JIT, LLVM JIT, AOT) share, so
 * that their code calls each other's directly and every other kind of
 * function through one slow path (contract 2).
 *
 * The native convention.  A Wasm function of type [p1 .. pn] -> [r1 .. rm]
 * compiles to a C-ABI function (System V on x86-64)
 *
 *     R fn (ExecEnv *env, P1 a1, ..., Pn an)              m <= 1
 *     void fn (ExecEnv *env, P1 a1, ..., Pn an, uint64_t *results)   m >= 2
 *
 * with i32 -> uint32_t, i64 -> uint64_t, f32 -> float, f64 -> double,
 * funcref and externref -> void * (a FuncInst * or the host's pointer; NULL
 * is ref.null); R is void for m = 0; for m >= 2 the results are stored as
 * 64-bit slots (the low 32 bits for i32, f32 as its bit pattern in the low
 * 32 bits, as WasmValue keeps them), results[0] first.
 *
 * The running instance is env->current: compiled code reaches memories,
 * tables, globals and the entry table through it (no instance address is
 * baked into code, so code belongs to the Module).  It stays the same across
 * a direct call between functions of one module.
 *
 * Calls.  A direct `call` of a function the module defines calls its code
 * directly (or through a per-module slot the tier fills lazily).  A call
 * through the entry table (an import, call_indirect, a funcref) loads the
 * FuncInst *f and:
 *   - if f->instance == env->current and f->code is non-NULL, calls f->code
 *     with the native convention above: compiled to compiled, no marshalling;
 *   - otherwise stores the arguments in 64-bit slots (an array of
 *     max(params, results) slots on the caller's stack) and calls
 *     compiled_call_slow (env, f, slots), then reads the results back from
 *     the slots.  That path covers host functions, functions of other
 *     instances (it switches env->current and back), functions of instances
 *     running in another tier (interpreted, say), and functions not compiled
 *     yet.
 * call_indirect checks the type first: f->type == the expected FuncType *
 * (same module), else functype_equal; "indirect call type mismatch".
 *
 * FuncInst.code is published by the tier that runs the function's instance
 * (an atomic store, contract 1), the first time it makes or finds the code
 * for that instance; instance_set_running_mode clears every code pointer of
 * the instance, so a mode switch takes effect at the next call.  Multi-tier
 * replaces the pointer with faster code the same way.
 *
 * Host -> compiled: a tier's `*_call (env, f, argv)` (the tier_call entry)
 * finds or makes the code and runs compiled_invoke, which calls it with the
 * arguments taken from the slots.
 *
 * Checks compiled code makes (contracts 3, 5, 6):
 *   - at function entry: the native stack pointer against
 *     env->native_stack_limit (below it: trap_raise (env,
 *     TRAP_STACK_EXHAUSTED)); then a poll;
 *   - a poll, at function entry and each arrival at a loop's start (falling
 *     in or branching back: one fuel unit each):
 *         if (env->instance->interrupt | env->current->interrupt
 *             | (env->fuel >= 0)) runtime_check_interrupt (env);
 *   - traps: trap_raise / trap_raise_index with the one kind list of
 *     trap.h; they unwind to the host entry with siglongjmp, so compiled
 *     frames need no unwind information;
 *   - memory: a memory with `guarded` set needs no bounds check (the fault
 *     handler traps); otherwise check addr + offset + size <= size.
 */
#ifndef WP_COMPILED_H
#define WP_COMPILED_H

#include "runtime.h"

/* Calls `code`, compiled with the native convention for `type`, on env with
 * the arguments in argv (one 64-bit slot each) and leaves the results there
 * (argv has room for max(params, results) slots).  The call is prepared once
 * per signature (libffi) and cached. */
void compiled_invoke(ExecEnv *env, const FuncType *type, void *code, uint64_t *argv);

/* The slow path of a call from compiled code through the entry table: runs
 * f (host function, other instance, other tier, not yet compiled) with the
 * arguments in argv, results left there; env->current is f's instance during
 * the call and the caller's again after it. */
void compiled_call_slow(ExecEnv *env, FuncInst *f, uint64_t *argv);

/* Clears every code pointer of inst's own functions (a mode switch). */
void compiled_reset_instance(Instance *inst);

#endif
