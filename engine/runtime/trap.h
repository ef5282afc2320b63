/*
 * trap.h -- contract 3: one list of trap kinds, one message each, the same in
 * every tier.  A trap unwinds (longjmp) to the innermost host entry
 * (runtime_call), which turns it into the instance's exception.
 */
#ifndef WP_TRAP_H
#define WP_TRAP_H

#include <setjmp.h>
#include <stdint.h>

#define TRAP_LIST(X)                                                        \
  X(NONE, "no trap")                                                        \
  X(UNREACHABLE, "unreachable")                                             \
  X(MEMORY_OUT_OF_BOUNDS, "out of bounds memory access")                    \
  X(TABLE_OUT_OF_BOUNDS, "out of bounds table access")                      \
  X(INTEGER_DIVIDE_BY_ZERO, "integer divide by zero")                       \
  X(INTEGER_OVERFLOW, "integer overflow")                                   \
  X(INVALID_CONVERSION, "invalid conversion to integer")                    \
  X(UNDEFINED_ELEMENT, "undefined element")                                 \
  X(UNINITIALIZED_ELEMENT, "uninitialized element")                         \
  X(INDIRECT_CALL_TYPE_MISMATCH, "indirect call type mismatch")             \
  X(STACK_EXHAUSTED, "call stack exhausted")                                \
  X(TERMINATED, "terminated by user")                                       \
  X(FUEL_EXHAUSTED, "fuel exhausted")                                       \
  X(TIME_LIMIT, "time limit exceeded")                                      \
  X(HOST, "host function failed") /* message set by the host */

typedef enum TrapKind {
#define X(sym, msg) TRAP_##sym,
  TRAP_LIST(X)
#undef X
  TRAP_COUNT
} TrapKind;

const char *trap_message(TrapKind kind);

/* A host entry: runtime_call pushes one on its ExecEnv before running Wasm
 * and pops it after.  The fault handler and trap_raise jump to it. */
typedef struct TrapFrame {
  sigjmp_buf jmp;
  struct TrapFrame *prev;
} TrapFrame;

struct ExecEnv;

/* Record `kind` on env and unwind to its innermost host entry. */
_Noreturn void trap_raise(struct ExecEnv *env, TrapKind kind);

/* The same with an index after the message ("uninitialized element 2"), as
 * the reference interpreter words the table-element traps. */
_Noreturn void trap_raise_index(struct ExecEnv *env, TrapKind kind, uint32_t index);

/* The same with the host's own message (TRAP_HOST); the message is copied. */
_Noreturn void trap_raise_message(struct ExecEnv *env, const char *message);

#endif
