/*
 * compiler.h -- the Fast JIT's compiler state, shared by the files that
 * emit code for one group of instructions each (compile.c: value tracking,
 * frame and the instruction loop; control.c; calls.c; memory_ops.c;
 * numeric.c).
 *
 * One forward pass.  The operand stack is tracked at compile time: each
 * entry says where its value is now -- in a register, a constant not
 * emitted yet, still in a local (a local.get not read yet), the flags of a
 * comparison not materialised yet, or in its own frame slot.  Values move to
 * their slots only where code needs one agreed place (calls, block
 * boundaries, branches) or when registers run out.
 *
 * The frame is small (deep recursion runs in the same native stack the
 * interpreters' frames fit in) and addressed from rsp, which stays put in
 * the body and 16-aligned (a call that passes arguments on the stack moves
 * it for the call only, sp_adjust):
 *   ... stack-passed arguments, the return address
 *   r15, and r14 when the function touches linear memory (callee-saved)
 *   rsp + 8 * i             local i (params first)
 *   rsp + 8 * (locals + d)  operand-stack slot d, growing upwards
 *   after the slots         the results pointer (>= 2 results)
 * Fixed registers: r15 = ExecEnv *, r14 = base of memory 0.  The instance
 * (env->current, the same for the whole call) is loaded where needed.
 * rax, rcx, rdx and xmm14, xmm15 are scratch inside one instruction's code;
 * the caller-saved rest are allocated to operand-stack values, so a call
 * saves nothing but what it spills anyway.
 */
#ifndef WP_JIT_FAST_COMPILER_H
#define WP_JIT_FAST_COMPILER_H

#include <stdbool.h>
#include <stdint.h>

#include "../runtime/runtime.h"
#include "x64.h"

#define REG_ENV R15
#define REG_MEMBASE R14
#define XSCRATCH 15
#define XSCRATCH2 14
#define NUM_XMM_ALLOC 14 /* xmm0 .. xmm13 */

typedef enum VKind {
  V_STACK, /* in its own frame slot */
  V_REG,   /* in reg */
  V_CONST, /* imm (float constants as their bits) */
  V_LOCAL, /* equal to local `idx`, not read yet */
  V_FLAGS, /* i32 that is 1 when condition cc holds (only ever the top) */
} VKind;

typedef struct Val {
  uint8_t kind;
  uint8_t type;  /* ValType */
  uint8_t reg;
  uint8_t cc;    /* X64Cond for V_FLAGS */
  uint32_t idx;  /* local index (V_LOCAL) or stack depth (V_STACK, set by pop) */
  uint64_t imm;
} Val;

typedef enum CtlKind { CTL_FUNC, CTL_BLOCK, CTL_LOOP, CTL_IF, CTL_ELSE } CtlKind;

typedef struct Ctl {
  uint8_t kind;
  uint8_t single;         /* the result type of a one-value block type */
  const FuncType *ft;     /* a type-index block type, or NULL */
  uint32_t height;        /* operand-stack depth below the block's params */
  uint32_t nparams, nresults;
  size_t loop_head;       /* code offset a branch to a loop goes to */
  size_t else_jump;       /* the if's jump to its else arm, or SIZE_MAX */
  uint32_t patches;       /* forward branches to the end: list in Compiler.patches */
} Ctl;

typedef struct Patch {
  size_t at;     /* rel32 field */
  uint32_t next; /* next in its list, UINT32_MAX ends */
} Patch;

/* Out-of-line code emitted after the body. */
typedef struct Stub {
  size_t at;     /* rel32 of the jump into the stub */
  size_t back;   /* where to continue (polls), SIZE_MAX for traps */
  uint8_t kind;  /* TrapKind, or 0xFF for a poll */
} Stub;

struct JitModule;

typedef struct Compiler {
  X64Buf b;
  const Module *m;
  const FuncDef *def;
  const FuncType *type;
  struct JitModule *jm;
  uint32_t func_index; /* in the module's function index space */
  bool bounds_checks;
  size_t max_bytes;    /* the code may not grow past this */

  Val *vs;
  uint32_t depth, vcap;
  Ctl *ctl;
  uint32_t nctl, ctlcap;
  Patch *patches;
  uint32_t npatches, patchcap;
  Stub *stubs;
  uint32_t nstubs, stubcap;

  uint32_t gpr_used; /* bit per register */
  uint32_t xmm_used;

  uint32_t nlocals;  /* params + declared locals */
  int32_t sp_adjust;  /* rsp moved down for outgoing stack arguments */
  uint32_t frame;     /* bytes below the saved registers */
  bool uses_memory;   /* r14 holds memory 0's base (and is saved) */
  /* Integer locals living in callee-saved registers for the whole call
   * (functions with loops, the most used ones): calls keep them, so merges
   * and calls need nothing for them. */
  uint8_t npins;
  uint8_t pin_reg[3];
  uint32_t pin_local[3];
  uint32_t ret_jumps; /* patch list: jumps to the epilogue */

  bool unreachable;  /* the rest of the current block is dead code */
  uint32_t dead_depth; /* blocks opened inside dead code */
  const char *error; /* why compilation failed */
} Compiler;

static inline bool type_is_float(uint8_t t) { return t == VAL_F32 || t == VAL_F64; }
static inline bool type_is_64(uint8_t t) { return t != VAL_I32 && t != VAL_F32; }

/* --- value tracking (compile.c) --- */
X64Mem jf_slot(Compiler *c, uint32_t depth);
X64Mem jf_local(Compiler *c, uint32_t index);
X64Mem jf_results_ptr(Compiler *c);
/* reg = env->current, the running instance. */
void jf_load_inst(Compiler *c, int reg);
void jf_push_reg(Compiler *c, uint8_t type, int reg);
void jf_push_const(Compiler *c, uint8_t type, uint64_t imm);
void jf_push_flags(Compiler *c, X64Cond cc);
void jf_push_stack(Compiler *c, uint8_t type);
Val jf_pop(Compiler *c);
Val *jf_top(Compiler *c);
int jf_alloc_gpr(Compiler *c);
int jf_alloc_xmm(Compiler *c);
void jf_free(Compiler *c, const Val *v);
void jf_free_reg(Compiler *c, uint8_t type, int reg);
/* Puts v in a register it owns (loaded, materialised), and returns it. */
int jf_to_reg(Compiler *c, Val *v);
/* Loads v into the given register (v's own register is released). */
void jf_load_into(Compiler *c, Val *v, int reg);
/* v as a memory operand if it is in memory (slot or local). */
bool jf_mem_of(Compiler *c, const Val *v, X64Mem *m);
/* The register of local `index` if it lives in one, else -1. */
int jf_pinned(Compiler *c, uint32_t index);
/* A register holding v for reading only (a register value's own, or a
 * pinned local's), else v is put in a register it owns. */
int jf_read_reg(Compiler *c, Val *v);
void jf_spill_all(Compiler *c);
void jf_materialize_flags(Compiler *c);
/* Makes no entry refer to local `index` (before it changes). */
void jf_detach_local(Compiler *c, uint32_t index);
void jf_stub(Compiler *c, size_t at, size_t back, uint8_t kind);
/* A conditional jump to the trap `kind`. */
void jf_trap_if(Compiler *c, X64Cond cc, TrapKind kind);
void jf_call_abs(Compiler *c, const void *fn);
void jf_poll(Compiler *c);
void jf_patch_add(Compiler *c, uint32_t *list, size_t at);
void jf_patch_bind(Compiler *c, uint32_t list, size_t target);
void jf_fail(Compiler *c, const char *why);

/* --- instruction groups; each returns false for an opcode it does not
 *     handle (the caller then reports it) --- */
bool jf_control(Compiler *c, uint8_t op, const uint8_t **pc);
void jf_control_init(Compiler *c);
bool jf_numeric(Compiler *c, uint8_t op, const uint8_t **pc);
bool jf_numeric_fc(Compiler *c, uint32_t sub);
bool jf_memory(Compiler *c, uint8_t op, const uint8_t **pc);
bool jf_memory_fc(Compiler *c, uint32_t sub, const uint8_t **pc);
bool jf_calls(Compiler *c, uint8_t op, const uint8_t **pc);
/* Calls C function fn (env, imms..., the top n operand-stack values) and
 * pushes its result of type `result` (0: none). */
void jf_helper(Compiler *c, const void *fn, uint32_t nimm, const uint64_t *imms, uint32_t n,
               uint8_t result);

#endif
