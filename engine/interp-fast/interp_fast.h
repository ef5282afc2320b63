/*
 * interp_fast.h -- the fast interpreter (DESIGN.md "Tiers"): runs code
 * translated once per function from the validated bytecode, whose operands
 * are frame slots (no operand-stack traffic at run time), with fused
 * operations for common instruction pairs and threaded dispatch.
 *
 * The translation belongs to the Module (Module.fast_interp_code, one entry
 * per defined function, made on a function's first call in this mode and
 * published with an atomic compare-and-swap), so a second instance of the
 * same module translates nothing.
 */
#ifndef WP_INTERP_FAST_H
#define WP_INTERP_FAST_H

#include "../runtime/runtime.h"

/* Same contract as interp_classic_call: runs the Wasm function f on env with
 * its parameters in argv (one 64-bit slot each), leaving the results there.
 * Must run inside a host entry (runtime_call); traps unwind with trap_raise,
 * and the host entry restores env->stack_top and env->current.  Calls to
 * other Wasm functions, in this instance or another, stay in the
 * interpreter's loop; host functions go through runtime_call_host. */
void interp_fast_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

#endif
