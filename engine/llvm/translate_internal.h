/*
 * translate_internal.h -- the state of one function's translation, shared by
 * the translator's files (translate.c: the driver and the operand stack;
 * translate_control.c: blocks, branches and calls; translate_memory.c:
 * memory, tables, globals and bulk operations; translate_numeric.c: the
 * numeric instructions).
 *
 * The operand stack holds LLVM values; locals are allocas (promoted to SSA
 * registers by mem2reg); block results meet in phi nodes at the block's
 * label.  Code after an unconditional branch is skipped until the end of its
 * block (it is unreachable and, being stack-polymorphic, untypable here).
 */
#ifndef WP_LLVM_TRANSLATE_INTERNAL_H
#define WP_LLVM_TRANSLATE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "llvm_translate.h"

typedef enum CtrlKind { CTRL_FUNC, CTRL_BLOCK, CTRL_LOOP, CTRL_IF } CtrlKind;

typedef struct Ctrl {
  CtrlKind kind;
  uint32_t height;          /* operand-stack height below the parameters */
  uint32_t num_params, num_results;
  const uint8_t *params, *results;
  LLVMBasicBlockRef header; /* loop: the label (param phis) */
  LLVMBasicBlockRef end;    /* the block after `end` (result phis) */
  LLVMValueRef *header_phis, *end_phis;
  LLVMBasicBlockRef else_block; /* if: the false arm, until `else` */
  LLVMValueRef *if_params;      /* if: the parameters, for the false arm */
  bool end_reached;             /* some edge reaches `end` */
} Ctrl;

/* The types and helpers of one translation unit. */
typedef struct Unit {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  const Module *m;
  const LlvmTranslateOptions *opt;
  LLVMTypeRef t_void, t_i1, t_i8, t_i32, t_i64, t_f32, t_f64, t_ptr;
  LLVMValueRef *funcs;       /* per definition: the function, if in this unit */
  LLVMTypeRef *func_types;   /* per type index: the native function type */
  LLVMValueRef helpers[LLVM_HELPER_COUNT];
  LLVMTypeRef helper_types[LLVM_HELPER_COUNT];
  unsigned md_invariant;     /* kind id of !invariant.load */
  LLVMValueRef md_empty;     /* an empty node for it */
} Unit;

typedef struct Func {
  Unit *u;
  LLVMBuilderRef b;
  uint32_t def;
  const FuncDef *fd;
  const FuncType *type;
  LLVMValueRef fn;
  LLVMValueRef env;
  LLVMValueRef results_ptr; /* m >= 2: where the results go */
  LLVMBasicBlockRef entry;

  /* loaded once at entry (instance constants: contract 4, the base never
   * moves) */
  LLVMValueRef inst, inst_funcs, inst_globals, inst_tables, mem, mem_base;

  uint32_t num_locals;
  const uint8_t *local_types;
  LLVMValueRef *locals; /* allocas */

  LLVMValueRef *stack;
  uint32_t sp, stack_cap;
  Ctrl *ctrls;
  uint32_t num_ctrls, ctrl_cap;
  bool unreachable; /* the current position cannot be reached */

  char *err;
  size_t err_size;
  bool failed;
} Func;

/* --- translate.c --- */
LLVMTypeRef wl_val_type(Unit *u, uint8_t t);
void wl_push(Func *f, LLVMValueRef v);
LLVMValueRef wl_pop(Func *f);
LLVMValueRef wl_peek(Func *f, uint32_t depth);
LLVMValueRef wl_const_i32(Unit *u, uint32_t v);
LLVMValueRef wl_const_i64(Unit *u, uint64_t v);
/* A pointer `offset` bytes past p. */
LLVMValueRef wl_gep(Func *f, LLVMValueRef p, uint64_t offset);
/* Loads of runtime structures; `invariant` marks values constant for the
 * instance (so LLVM may hoist and merge them). */
LLVMValueRef wl_load(Func *f, LLVMTypeRef t, LLVMValueRef p, uint64_t offset, bool invariant);
void wl_store(Func *f, LLVMValueRef v, LLVMValueRef p, uint64_t offset);
LLVMValueRef wl_call_helper(Func *f, LlvmHelper h, LLVMValueRef *args, unsigned n);
/* Calls trap_raise(env, kind): ends the current block. */
void wl_trap(Func *f, TrapKind kind);
/* if (cond) trap(kind); continues in a new block. */
void wl_trap_if(Func *f, LLVMValueRef cond, TrapKind kind);
void wl_trap_index_if(Func *f, LLVMValueRef cond, TrapKind kind, LLVMValueRef index);
LLVMBasicBlockRef wl_new_block(Func *f, const char *name);
LLVMValueRef wl_intrinsic(Func *f, const char *name, LLVMTypeRef *overloads, unsigned num_overloads,
                          LLVMValueRef *args, unsigned num_args);
bool wl_fail(Func *f, const char *fmt, ...);

/* --- translate_control.c --- */
void wl_poll(Func *f);
/* Returns false when the opcode is not a control instruction. */
bool wl_control(Func *f, uint8_t op, const uint8_t **pc);
/* Emits the function's return of the top results. */
void wl_return(Func *f);
/* Value <-> 64-bit slot, as compiled.h keeps them. */
LLVMValueRef wl_to_slot(Func *f, LLVMValueRef v, uint8_t type);
LLVMValueRef wl_from_slot(Func *f, LLVMValueRef slot, uint8_t type);

/* --- translate_memory.c --- */
bool wl_memory(Func *f, uint8_t op, const uint8_t **pc);
bool wl_memory_fc(Func *f, uint32_t op, const uint8_t **pc);

/* --- translate_numeric.c --- */
bool wl_numeric(Func *f, uint8_t op, const uint8_t **pc);
bool wl_numeric_fc(Func *f, uint32_t op);

#endif
