/*
 * interp_classic.h -- the classic interpreter: runs validated bytecode in
 * place, branching through the validator's side table (module.h BranchEntry).
 */
#ifndef WP_INTERP_CLASSIC_H
#define WP_INTERP_CLASSIC_H

#include "../runtime/runtime.h"

/* Runs the Wasm function f on env.  argv holds the parameters, one 64-bit slot
 * each, and receives the results.  Must run inside a host entry
 * (runtime_call): traps unwind with trap_raise.  Calls to other Wasm functions,
 * in this instance or another, stay inside the interpreter loop; calls to host
 * functions go through runtime_call_host.
 *
 * Frames are built on env's Wasm stack from env->stack_top; a normal return
 * puts env->stack_top and env->current back.  A trap unwinds past them, so
 * the host entry that catches it must restore both (runtime_call saves them
 * before it runs Wasm). */
void interp_classic_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

#endif
