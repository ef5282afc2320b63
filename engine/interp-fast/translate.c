/*
 * translate.c -- validated bytecode to the fast interpreter's code
 * (fast_code.h), one pass per function.
 *
 * The translator runs the operand stack at translation time: each entry says
 * where a value lives -- a local's slot (local.get copies nothing), a
 * constant (kept as an immediate until something needs it in a slot), or
 * its own stack slot ("canonical": depth d lives in slot L + 3 + d).  An
 * operation reads its operands wherever they are and writes its result to
 * the canonical slot of the depth it produces, so
 *
 *     local.get 0; i32.const 1; i32.add; local.set 0
 *
 * becomes the single `I32_ADD_IMM [l0] [l0] 1`: the result slot of the add
 * is patched to the local when local.set follows right away.  An integer
 * comparison (or eqz) followed by br_if or if fuses into one compare-and-branch;
 * a loop's back-edge branch polls itself and skips the POLL at the loop's
 * head; a load, or a store of a value in a slot, takes the operands of the
 * i32.add that computed its address; float arithmetic takes its second
 * operand straight from the f32/f64.load that produced it; two copies, or two i32 immediate adds, in a row with no label between
 * them are one operation.
 *
 * Where control flow merges (block/loop/if entries, labels, calls), values
 * are first "flushed" to their canonical slots, so every path agrees on
 * where each stack value is.  A local.set first flushes the stack entries
 * still reading that local.  Code after br/br_table/return/unreachable is
 * skipped up to the end of its block.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "fast_code.h"

enum { OPND_SLOT, OPND_CONST };

typedef struct Operand {
  uint8_t kind;
  int64_t off;    /* OPND_SLOT: byte offset from fp */
  uint64_t value; /* OPND_CONST: the bits, i32/f32 zero-extended */
} Operand;

enum { CTRL_FUNC, CTRL_BLOCK, CTRL_LOOP, CTRL_IF };

typedef struct Ctrl {
  uint8_t kind;
  uint32_t height;        /* stack depth at entry, params excluded */
  uint32_t num_params, num_results;
  size_t label;           /* loop: cell index of its head */
  size_t pending;         /* 1 + cell index of the newest forward branch here,
                             chained through the cells; 0 for none */
  size_t else_cell;       /* if: 1 + the cell of its false branch, 0 once placed */
  uint32_t stub_table;    /* the br_table that made `stub` (1-based), 0: none */
  size_t stub;            /* where that br_table goes for this label */
} Ctrl;

#define NO_CELL ((size_t)-1)
#define NO_ENTRY UINT32_MAX

typedef struct Translator {
  const Module *m;
  const FuncDef *def;
  const FuncType *type;
  const void *const *handlers;
  bool failed;    /* out of memory, or too large */
  bool too_large; /* the code outgrew `budget` cells */
  size_t budget;

  Cell *code;
  size_t n, cap;
  size_t *targets; /* cells holding a code index, made addresses at the end */
  size_t num_targets, targets_cap;

  Operand *stk;
  uint32_t sp, stk_cap;
  Ctrl *ctrls;
  uint32_t num_ctrls, ctrls_cap;

  int64_t stack_base; /* byte offset of depth 0 */
  /* The last operation emitted and where its result went, while the value
   * it produced is still the top of the stack and no label came after it:
   * a following local.set may redirect it, br_if/if may fuse with it. */
  size_t last_op_pos;
  FastOp last_op;
  size_t last_dst; /* cell of the result operand, or NO_CELL */
  uint32_t last_depth;
  size_t label_at; /* cell of the newest label placed: nothing fuses into
                      the operation before it */
  uint32_t st; /* index of the next side-table entry, in step with the code */
  uint32_t br_tables; /* br_tables translated so far */
} Translator;

static bool reserve(void **buf, size_t *cap, size_t need, size_t elem, bool *failed)
{
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap * 2 : 64;
  while (n < need)
    n *= 2;
  void *p = realloc(*buf, n * elem);
  if (!p) {
    *failed = true;
    return false;
  }
  *buf = p;
  *cap = n;
  return true;
}

/* ---- emitting ------------------------------------------------------------ */

/* Real code takes under 2 cells per byte of body; copies of multi-value
 * branch values can multiply that, so hostile code is stopped here, at what
 * is left of the module's side budget (module_side_budget). */
static bool code_room(Translator *t)
{
  if (t->n < t->cap)
    return true;
  if (t->n >= t->budget) {
    t->failed = t->too_large = true;
    return false;
  }
  return reserve((void **)&t->code, &t->cap, t->n + 1, sizeof(Cell), &t->failed);
}

static void emit(Translator *t, uint64_t u)
{
  if (!code_room(t))
    return;
  t->code[t->n++].u = u;
}

static void emit_op(Translator *t, FastOp op)
{
  t->last_op_pos = t->n;
  t->last_op = op;
  t->last_dst = NO_CELL;
  if (t->handlers) {
    if (!code_room(t))
      return;
    t->code[t->n++].h = t->handlers[op];
  } else {
    emit(t, (uint64_t)op);
  }
}

/* A label (a branch target or a call's return point) is placed here. */
static void place_label(Translator *t)
{
  t->label_at = t->n;
  t->last_dst = NO_CELL;
}

/* Can the operation about to be emitted join the last one, `prev` of `len`
 * cells, into one?  Only if that one ends here and no label lies between
 * them (a branch there would run the second alone). */
static bool joins_last(const Translator *t, FastOp prev, size_t len)
{
  return !t->failed && t->last_op == prev && t->last_op_pos + len == t->n &&
         t->label_at != t->n;
}

/* Turns the last operation into `op`, which takes more operands after its
 * own (the caller emits them). */
static void rewrite_op(Translator *t, FastOp op)
{
  if (t->handlers)
    t->code[t->last_op_pos].h = t->handlers[op];
  else
    t->code[t->last_op_pos].u = (uint64_t)op;
  t->last_op = op;
  t->last_dst = NO_CELL;
}

/* A branch target: a code index now, an address after translation. */
static void emit_target(Translator *t, size_t index)
{
  if (t->num_targets == t->targets_cap &&
      !reserve((void **)&t->targets, &t->targets_cap, t->num_targets + 1, sizeof(size_t), &t->failed))
    return;
  t->targets[t->num_targets++] = t->n;
  emit(t, index);
}

/* A branch to a label not placed yet: chained into c->pending. */
static void emit_forward(Translator *t, Ctrl *c)
{
  size_t cell = t->n;
  emit_target(t, c->pending);
  c->pending = cell + 1;
}

/* The target of a branch to c: a loop's is just past the POLL at its head,
 * for the branch polls itself (a back-edge form). */
static void emit_label_target(Translator *t, Ctrl *c)
{
  if (c->kind == CTRL_LOOP)
    emit_target(t, c->label + 1);
  else
    emit_forward(t, c);
}

/* Places the label of c (its `end`) here. */
static void resolve_pending(Translator *t, Ctrl *c)
{
  size_t link = c->pending;
  while (link && !t->failed) {
    size_t cell = link - 1;
    link = t->code[cell].u;
    t->code[cell].u = t->n;
  }
  c->pending = 0;
  place_label(t);
}

/* ---- the stack model ----------------------------------------------------- */

static inline int64_t canon(const Translator *t, uint32_t depth)
{
  return t->stack_base + (int64_t)depth * 8;
}

static inline bool is_canonical(const Translator *t, uint32_t i)
{
  return t->stk[i].kind == OPND_SLOT && t->stk[i].off == canon(t, i);
}

/* Only the bottom LAZY_DEPTH entries of the model may be lazy (a local or a
 * constant); deeper values go to their slots at once.  The searches for a
 * local's readers and for values to flush then look at LAZY_DEPTH entries
 * at most, so a hostile body with a huge stack still translates in linear
 * time. */
#define LAZY_DEPTH 256u

static inline uint32_t lazy_end(uint32_t to)
{
  return to < LAZY_DEPTH ? to : LAZY_DEPTH;
}

static void emit_move(Translator *t, int64_t dst, const Operand *o);

static void push_slot(Translator *t, int64_t off)
{
  Operand o = {OPND_SLOT, off, 0};
  if (t->sp >= LAZY_DEPTH && off != canon(t, t->sp)) {
    emit_move(t, canon(t, t->sp), &o);
    o.off = canon(t, t->sp);
  }
  t->stk[t->sp++] = o;
}

static void push_const(Translator *t, uint64_t value)
{
  Operand o = {OPND_CONST, 0, value};
  if (t->sp >= LAZY_DEPTH) {
    emit_move(t, canon(t, t->sp), &o);
    o = (Operand){OPND_SLOT, canon(t, t->sp), 0};
  }
  t->stk[t->sp++] = o;
}

/* Emits a copy of entry `o` to slot `dst` (nothing if it is there). */
static void emit_move(Translator *t, int64_t dst, const Operand *o)
{
  if (o->kind == OPND_CONST) {
    emit_op(t, FOP_COPY_IMM);
    emit(t, (uint64_t)dst);
    emit(t, o->value);
  } else if (o->off != dst) {
    if (joins_last(t, FOP_COPY, 3)) {
      rewrite_op(t, FOP_COPY_2);
    } else {
      emit_op(t, FOP_COPY);
    }
    emit(t, (uint64_t)dst);
    emit(t, (uint64_t)o->off);
  }
}

/* Entry i to its canonical slot. */
static void flush_one(Translator *t, uint32_t i)
{
  if (is_canonical(t, i))
    return;
  emit_move(t, canon(t, i), &t->stk[i]);
  t->stk[i] = (Operand){OPND_SLOT, canon(t, i), 0};
}

static void flush_range(Translator *t, uint32_t from, uint32_t to)
{
  for (uint32_t i = from; i < lazy_end(to); i++)
    flush_one(t, i);
}

/* Entry i in some slot (a constant goes to its canonical one). */
static int64_t slot_of(Translator *t, uint32_t i)
{
  if (t->stk[i].kind == OPND_CONST)
    flush_one(t, i);
  return t->stk[i].off;
}

/* The result of the operation just emitted, whose result operand is at cell
 * `dst_cell`: the new top of the stack. */
static void push_result(Translator *t, size_t dst_cell)
{
  t->last_dst = dst_cell;
  t->last_depth = t->sp;
  push_slot(t, canon(t, t->sp));
}

/* A local is about to change: entries still reading it get their own copy. */
static void flush_local_readers(Translator *t, int64_t local_off, uint32_t below)
{
  for (uint32_t i = 0; i < lazy_end(below); i++)
    if (t->stk[i].kind == OPND_SLOT && t->stk[i].off == local_off)
      flush_one(t, i);
}

/* ---- operations ---------------------------------------------------------- */

static void unop(Translator *t, FastOp op)
{
  int64_t a = slot_of(t, t->sp - 1);
  t->sp--;
  emit_op(t, op);
  size_t d = t->n;
  emit(t, (uint64_t)canon(t, t->sp));
  emit(t, (uint64_t)a);
  push_result(t, d);
}

static void binop(Translator *t, FastOp op)
{
  int64_t a = slot_of(t, t->sp - 2);
  int64_t b = slot_of(t, t->sp - 1);
  t->sp -= 2;
  emit_op(t, op);
  size_t d = t->n;
  emit(t, (uint64_t)canon(t, t->sp));
  emit(t, (uint64_t)a);
  emit(t, (uint64_t)b);
  push_result(t, d);
}

static bool is_commutative(FastOp op)
{
  switch (op) {
  case FOP_I32_ADD: case FOP_I32_MUL: case FOP_I32_AND: case FOP_I32_OR: case FOP_I32_XOR:
  case FOP_I32_EQ: case FOP_I32_NE:
  case FOP_I64_ADD: case FOP_I64_MUL: case FOP_I64_AND: case FOP_I64_OR: case FOP_I64_XOR:
  case FOP_I64_EQ: case FOP_I64_NE:
    return true;
  default:
    return false;
  }
}

/* An integer binary operation; op + 1 is its immediate form. */
static void int_binop(Translator *t, FastOp op)
{
  Operand *a = &t->stk[t->sp - 2], *b = &t->stk[t->sp - 1];
  if (a->kind == OPND_CONST && b->kind != OPND_CONST && is_commutative(op)) {
    Operand tmp = *a;
    *a = *b;
    *b = tmp;
  }
  if (b->kind != OPND_CONST) {
    binop(t, op);
    return;
  }
  uint64_t k = b->value;
  int64_t sa = slot_of(t, t->sp - 2);
  t->sp -= 2;
  if (op == FOP_I32_ADD && joins_last(t, FOP_I32_ADD_IMM, 4))
    rewrite_op(t, FOP_I32_ADD_IMM_2);
  else
    emit_op(t, (FastOp)(op + 1));
  size_t d = t->n;
  emit(t, (uint64_t)canon(t, t->sp));
  emit(t, (uint64_t)sa);
  emit(t, k);
  push_result(t, d);
}

/* A float arithmetic operation (fast_code.h FAST_FLOAT_ARITH); when its
 * second operand is the result of `load` (f32.load or f64.load, in any of
 * its three forms) just emitted, the operation loads it itself:
 * op + 1, + 2, + 3 for load, load + 1 (_ADD), load + 2 (_ADD_IMM). */
static void float_arith(Translator *t, FastOp op, FastOp load)
{
  uint32_t top = t->sp - 1;
  if (t->last_dst != NO_CELL && t->last_depth == top && is_canonical(t, top) && !t->failed &&
      t->stk[top - 1].kind == OPND_SLOT && t->last_op >= load && t->last_op <= load + 2) {
    size_t at = t->last_op_pos;
    uint32_t form = (uint32_t)(t->last_op - load);
    uint32_t num = form ? 3 : 2; /* the load's operands after its result */
    uint64_t x[3];
    for (uint32_t i = 0; i < num; i++)
      x[i] = t->code[at + 2 + i].u;
    int64_t a = t->stk[top - 1].off;
    t->n = at;
    t->sp -= 2;
    emit_op(t, (FastOp)(op + 1 + form));
    size_t d = t->n;
    emit(t, (uint64_t)canon(t, t->sp));
    emit(t, (uint64_t)a);
    for (uint32_t i = 0; i < num; i++)
      emit(t, x[i]);
    push_result(t, d);
    return;
  }
  binop(t, op);
}

/* The fused form of an integer comparison `op` (slot or immediate form),
 * or of its negation. */
static bool fused_branch(FastOp op, bool negate, FastOp *fused)
{
  switch (op) {
#define CASE(name, expr, inverse)                                              \
  case FOP_I32_##name:                                                         \
    *fused = negate ? FOP_BR_IF_##inverse : FOP_BR_IF_##name;                  \
    return true;                                                               \
  case FOP_I32_##name##_IMM:                                                   \
    *fused = negate ? FOP_BR_IF_##inverse##_IMM : FOP_BR_IF_##name##_IMM;      \
    return true;                                                               \
  case FOP_I64_##name:                                                         \
    *fused = negate ? FOP_BR_IF_I64_##inverse : FOP_BR_IF_I64_##name;          \
    return true;                                                               \
  case FOP_I64_##name##_IMM:                                                   \
    *fused = negate ? FOP_BR_IF_I64_##inverse##_IMM : FOP_BR_IF_I64_##name##_IMM; \
    return true;
    FAST_INT_CMPS(CASE)
#undef CASE
  default:
    return false;
  }
}

/* The form of a conditional branch that polls when taken, for a loop's
 * back-edge (contract 6), which then skips the POLL at the loop's head. */
static FastOp back_edge_form(FastOp op)
{
  switch (op) {
  case FOP_BR_IF: return FOP_BR_IF_LOOP;
  case FOP_BR_IFZ: return FOP_BR_IFZ_LOOP;
  case FOP_BR_IF_I64: return FOP_BR_IF_I64_LOOP;
  case FOP_BR_IFZ_I64: return FOP_BR_IFZ_I64_LOOP;
#define CASE(name, expr, inverse)                                              \
  case FOP_BR_IF_##name: return FOP_LOOP_IF_##name;                            \
  case FOP_BR_IF_##name##_IMM: return FOP_LOOP_IF_##name##_IMM;                \
  case FOP_BR_IF_I64_##name: return FOP_LOOP_IF_I64_##name;                    \
  case FOP_BR_IF_I64_##name##_IMM: return FOP_LOOP_IF_I64_##name##_IMM;
    FAST_INT_CMPS(CASE)
#undef CASE
  default:
    return op;
  }
}

static void emit_branch_op(Translator *t, FastOp op, bool back_edge)
{
  emit_op(t, back_edge ? back_edge_form(op) : op);
}

/* Pops the condition and emits a branch taken when it is `when` (true:
 * nonzero), in its polling form for a back-edge; the caller emits the
 * target cell next. */
static void emit_cond(Translator *t, bool when, bool back_edge)
{
  uint32_t top = t->sp - 1;
  if (t->last_dst != NO_CELL && t->last_depth == top && is_canonical(t, top) && !t->failed) {
    FastOp op = t->last_op;
    size_t at = t->last_op_pos;
    FastOp fused;
    if (fused_branch(op, !when, &fused)) {
      /* The comparison's result is only this branch's: compare and branch
       * in one operation instead. */
      uint64_t a = t->code[at + 2].u, b = t->code[at + 3].u;
      t->n = at;
      t->sp--;
      emit_branch_op(t, fused, back_edge);
      emit(t, a);
      emit(t, b);
      return;
    }
    if (op == FOP_I32_EQZ || op == FOP_I64_EQZ) {
      uint64_t a = t->code[at + 2].u;
      t->n = at;
      t->sp--;
      if (op == FOP_I32_EQZ)
        emit_branch_op(t, when ? FOP_BR_IFZ : FOP_BR_IF, back_edge);
      else
        emit_branch_op(t, when ? FOP_BR_IFZ_I64 : FOP_BR_IF_I64, back_edge);
      emit(t, a);
      return;
    }
  }
  int64_t c = slot_of(t, top);
  t->sp--;
  emit_branch_op(t, when ? FOP_BR_IF : FOP_BR_IFZ, back_edge);
  emit(t, (uint64_t)c);
}

/* ---- control ------------------------------------------------------------- */

static void push_ctrl(Translator *t, uint8_t kind, uint32_t np, uint32_t nr)
{
  if (t->num_ctrls == t->ctrls_cap) {
    size_t cap = t->ctrls_cap;
    if (!reserve((void **)&t->ctrls, &cap, (size_t)t->num_ctrls + 1, sizeof(Ctrl), &t->failed))
      return;
    t->ctrls_cap = (uint32_t)cap;
  }
  Ctrl *c = &t->ctrls[t->num_ctrls++];
  c->kind = kind;
  c->height = t->sp - np;
  c->num_params = np;
  c->num_results = nr;
  c->label = t->n;
  c->pending = 0;
  c->else_cell = 0;
  c->stub_table = 0;
}

static void block_type(const Translator *t, const uint8_t **pc, uint32_t *np, uint32_t *nr)
{
  int64_t bt = leb_s64(pc);
  *np = 0;
  *nr = 0;
  if (bt == -0x40)
    return;
  if (bt < 0) {
    *nr = 1;
    return;
  }
  *np = t->m->types[bt].num_params;
  *nr = t->m->types[bt].num_results;
}

/* Does branching to c from here move values? */
static bool needs_moves(const Translator *t, const Ctrl *c)
{
  uint32_t arity = c->kind == CTRL_LOOP ? c->num_params : c->num_results;
  for (uint32_t i = 0; i < arity; i++) {
    const Operand *o = &t->stk[t->sp - arity + i];
    if (o->kind != OPND_SLOT || o->off != canon(t, c->height + i))
      return true;
  }
  return false;
}

/* Moves the carried values where c's label wants them. */
static void emit_moves(Translator *t, const Ctrl *c)
{
  uint32_t arity = c->kind == CTRL_LOOP ? c->num_params : c->num_results;
  for (uint32_t i = 0; i < arity; i++)
    emit_move(t, canon(t, c->height + i), &t->stk[t->sp - arity + i]);
}

/* Leaves the stack model alone: the copies are on the returning path only
 * (a br_if's taken branch, for one). */
static void emit_return(Translator *t)
{
  uint32_t nr = t->type->num_results;
  int64_t from = canon(t, t->sp - nr);
  if (nr == 1 && t->stk[t->sp - 1].kind == OPND_SLOT) {
    from = t->stk[t->sp - 1].off; /* one result: from wherever it is */
  } else {
    for (uint32_t i = t->sp - nr; i < lazy_end(t->sp); i++)
      if (!is_canonical(t, i))
        emit_move(t, canon(t, i), &t->stk[i]);
  }
  emit_op(t, nr == 1 ? FOP_RETURN_1 : FOP_RETURN);
  emit(t, (uint64_t)from);
  if (nr != 1)
    emit(t, nr);
  emit(t, (uint64_t)t->def->local_slots * 8); /* the header */
}

/* Is the `end` at body offset `end_pc` followed by the function's own?
 * Then branching there is returning. */
static bool ends_function(const Translator *t, uint32_t end_pc)
{
  return (size_t)end_pc + 2 == (size_t)(t->def->end - t->def->body);
}

/* An unconditional branch to label depth `depth`; `entry` is its side-table
 * entry (module.h BranchEntry), NO_ENTRY if not known. */
static void emit_br(Translator *t, uint32_t depth, uint32_t entry)
{
  Ctrl *c = &t->ctrls[t->num_ctrls - 1 - depth];
  if (c->kind == CTRL_FUNC ||
      (c->kind != CTRL_LOOP && c->height == 0 && entry < t->def->num_branches &&
       ends_function(t, t->def->branches[entry].target_pc))) {
    /* with nothing below the carried values, these are the results */
    emit_return(t);
    return;
  }
  emit_moves(t, c);
  emit_op(t, c->kind == CTRL_LOOP ? FOP_BR_LOOP : FOP_BR);
  emit_label_target(t, c);
}

static void translate_br_if(Translator *t, uint32_t depth)
{
  Ctrl *c = &t->ctrls[t->num_ctrls - 1 - depth];
  /* the condition is the top; the carried values are below it */
  t->sp--;
  bool direct = c->kind != CTRL_FUNC && !needs_moves(t, c);
  t->sp++;
  if (direct) {
    emit_cond(t, true, c->kind == CTRL_LOOP);
    emit_label_target(t, c);
    return;
  }
  /* Skip the moves and the jump when the condition is false. */
  emit_cond(t, false, false);
  size_t skip = t->n;
  emit_target(t, 0);
  emit_br(t, depth, t->st);
  if (!t->failed)
    t->code[skip].u = t->n;
  place_label(t);
}

static void translate_br_table(Translator *t, const uint8_t **pc)
{
  uint32_t n = leb_u32(pc);
  int64_t idx = slot_of(t, t->sp - 1);
  t->sp--;
  emit_op(t, FOP_BR_TABLE);
  emit(t, (uint64_t)idx);
  emit(t, n);
  size_t first = t->n;
  for (uint32_t i = 0; i <= n; i++)
    emit_target(t, 0);
  /* Each label gets its target, or a stub that moves values first, made
   * once per label however often the table names it. */
  uint32_t table = ++t->br_tables;
  for (uint32_t i = 0; i <= n && !t->failed; i++) {
    uint32_t depth = leb_u32(pc);
    Ctrl *c = &t->ctrls[t->num_ctrls - 1 - depth];
    size_t cell = first + i;
    bool seen = c->stub_table == table;
    if (seen && c->stub != NO_CELL) {
      t->code[cell].u = c->stub;
      continue;
    }
    if (seen || (c->kind != CTRL_FUNC && !needs_moves(t, c))) {
      c->stub_table = table;
      c->stub = NO_CELL; /* straight to the label */
      if (c->kind == CTRL_LOOP) {
        t->code[cell].u = c->label;
      } else {
        t->code[cell].u = c->pending;
        c->pending = cell + 1;
      }
      continue;
    }
    t->code[cell].u = t->n;
    c->stub_table = table;
    c->stub = t->n;
    place_label(t);
    emit_br(t, depth, t->st + i);
  }
}

/* ---- one function -------------------------------------------------------- */

static FastOp load_op(uint8_t op)
{
  switch (op) {
#define CASE(name, ...)                                                        \
  case OP_##name:                                                              \
    return FOP_##name;
    FAST_LOADS(CASE)
#undef CASE
  default:
    return FOP_UNREACHABLE;
  }
}

static FastOp store_op(uint8_t op)
{
  switch (op) {
#define CASE(name, ...)                                                        \
  case OP_##name:                                                              \
    return FOP_##name;
    FAST_STORES(CASE)
#undef CASE
  default:
    return FOP_UNREACHABLE;
  }
}

/* Skips the immediates of an instruction in dead code. */
static void skip_immediates(const uint8_t **pc, uint8_t imm)
{
  switch ((ImmKind)imm) {
  case IMM_NONE:
    break;
  case IMM_BR_TABLE: {
    uint32_t n = leb_u32(pc);
    for (uint32_t i = 0; i <= n; i++)
      leb_skip(pc);
    break;
  }
  case IMM_CALL_INDIRECT: case IMM_MEMARG: case IMM_ELEM_TABLE: case IMM_TABLE_TABLE:
  case IMM_DATA_MEMORY: case IMM_MEMORY_MEMORY:
    leb_skip(pc);
    leb_skip(pc);
    break;
  case IMM_F32:
    *pc += 4;
    break;
  case IMM_F64:
    *pc += 8;
    break;
  case IMM_SELECT_T: {
    uint32_t n = leb_u32(pc);
    *pc += n;
    break;
  }
  case IMM_REFTYPE:
    *pc += 1;
    break;
  default: /* one LEB */
    leb_skip(pc);
    break;
  }
}

static void translate_fc(Translator *t, const uint8_t **pc)
{
  uint32_t sub = leb_u32(pc);
  uint32_t x, y;
  int64_t a, b, c;
  switch (sub) {
#define SAT(name)                                                              \
  case OP_FC_##name:                                                           \
    unop(t, FOP_##name);                                                       \
    return;
    SAT(I32_TRUNC_SAT_F32_S) SAT(I32_TRUNC_SAT_F32_U) SAT(I32_TRUNC_SAT_F64_S)
    SAT(I32_TRUNC_SAT_F64_U) SAT(I64_TRUNC_SAT_F32_S) SAT(I64_TRUNC_SAT_F32_U)
    SAT(I64_TRUNC_SAT_F64_S) SAT(I64_TRUNC_SAT_F64_U)
#undef SAT
  case OP_FC_DATA_DROP:
  case OP_FC_ELEM_DROP:
    x = leb_u32(pc);
    emit_op(t, sub == OP_FC_DATA_DROP ? FOP_DATA_DROP : FOP_ELEM_DROP);
    emit(t, x);
    return;
  case OP_FC_TABLE_SIZE:
    x = leb_u32(pc);
    emit_op(t, FOP_TABLE_SIZE);
    {
      size_t d = t->n;
      emit(t, (uint64_t)canon(t, t->sp));
      emit(t, x);
      push_result(t, d);
    }
    return;
  case OP_FC_TABLE_GROW: {
    x = leb_u32(pc);
    a = slot_of(t, t->sp - 2);
    b = slot_of(t, t->sp - 1);
    t->sp -= 2;
    emit_op(t, FOP_TABLE_GROW);
    size_t d = t->n;
    emit(t, (uint64_t)canon(t, t->sp));
    emit(t, (uint64_t)a);
    emit(t, (uint64_t)b);
    emit(t, x);
    push_result(t, d);
    return;
  }
  default:
    break;
  }
  /* The rest take three operands and produce nothing. */
  FastOp op;
  x = y = 0;
  switch (sub) {
  case OP_FC_MEMORY_INIT:
    op = FOP_MEMORY_INIT;
    x = leb_u32(pc);
    leb_skip(pc);
    break;
  case OP_FC_MEMORY_COPY:
    op = FOP_MEMORY_COPY;
    leb_skip(pc);
    leb_skip(pc);
    break;
  case OP_FC_MEMORY_FILL:
    op = FOP_MEMORY_FILL;
    leb_skip(pc);
    break;
  case OP_FC_TABLE_INIT:
    op = FOP_TABLE_INIT;
    x = leb_u32(pc); /* element segment */
    y = leb_u32(pc); /* table */
    break;
  case OP_FC_TABLE_COPY:
    op = FOP_TABLE_COPY;
    x = leb_u32(pc);
    y = leb_u32(pc);
    break;
  default: /* OP_FC_TABLE_FILL */
    op = FOP_TABLE_FILL;
    x = leb_u32(pc);
    break;
  }
  a = slot_of(t, t->sp - 3);
  b = slot_of(t, t->sp - 2);
  c = slot_of(t, t->sp - 1);
  t->sp -= 3;
  emit_op(t, op);
  emit(t, (uint64_t)a);
  emit(t, (uint64_t)b);
  emit(t, (uint64_t)c);
  if (op != FOP_MEMORY_COPY && op != FOP_MEMORY_FILL)
    emit(t, x);
  if (op == FOP_TABLE_INIT || op == FOP_TABLE_COPY)
    emit(t, y);
}

/* A load; an address an i32.add has just computed for it alone is
 * computed by the load instead (NAME_ADD, NAME_ADD_IMM: op + 1, op + 2). */
static void translate_load(Translator *t, FastOp op, uint32_t offset)
{
  uint32_t top = t->sp - 1;
  if (t->last_dst != NO_CELL && t->last_depth == top && is_canonical(t, top) && !t->failed &&
      (t->last_op == FOP_I32_ADD || t->last_op == FOP_I32_ADD_IMM)) {
    size_t at = t->last_op_pos;
    uint64_t a = t->code[at + 2].u, b = t->code[at + 3].u;
    FastOp fused = (FastOp)(op + (t->last_op == FOP_I32_ADD ? 1 : 2));
    t->n = at;
    t->sp--;
    emit_op(t, fused);
    size_t d = t->n;
    emit(t, (uint64_t)canon(t, t->sp));
    emit(t, a);
    emit(t, b);
    emit(t, offset);
    push_result(t, d);
    return;
  }
  int64_t a = slot_of(t, top);
  t->sp--;
  emit_op(t, op);
  size_t d = t->n;
  emit(t, (uint64_t)canon(t, t->sp));
  emit(t, (uint64_t)a);
  emit(t, offset);
  push_result(t, d);
}

/* A store of a value in a slot whose address an i32.add computed just
 * before (only local.gets since): the store computes it instead
 * (NAME_ADD, NAME_ADD_IMM: op + 2, op + 3).  The add's result slot must
 * still be the address's, which a local.set redirecting it or a label
 * since would break. */
static bool translate_store_add(Translator *t, FastOp op, uint32_t offset)
{
  uint32_t addr = t->sp - 2;
  if (t->failed || (t->last_op != FOP_I32_ADD && t->last_op != FOP_I32_ADD_IMM) ||
      t->last_op_pos + 4 != t->n || t->label_at == t->n || t->last_depth != addr ||
      !is_canonical(t, addr) || t->code[t->last_op_pos + 1].u != (uint64_t)canon(t, addr))
    return false;
  size_t at = t->last_op_pos;
  uint64_t a = t->code[at + 2].u, b = t->code[at + 3].u;
  int64_t v = t->stk[t->sp - 1].off;
  t->n = at;
  t->sp -= 2;
  emit_op(t, (FastOp)(op + (t->last_op == FOP_I32_ADD ? 2 : 3)));
  emit(t, a);
  emit(t, b);
  emit(t, (uint64_t)v);
  emit(t, offset);
  return true;
}

static void translate_local_set(Translator *t, uint32_t x, bool tee)
{
  int64_t off = (int64_t)x * 8;
  uint32_t top = t->sp - 1;
  bool readers = false;
  for (uint32_t i = 0; i < lazy_end(top); i++)
    if (t->stk[i].kind == OPND_SLOT && t->stk[i].off == off)
      readers = true;
  if (!readers && t->last_dst != NO_CELL && t->last_depth == top && is_canonical(t, top) &&
      !t->failed) {
    /* The value was just computed: compute it into the local instead. */
    t->code[t->last_dst].u = (uint64_t)off;
    t->last_dst = NO_CELL;
  } else {
    flush_local_readers(t, off, top);
    emit_move(t, off, &t->stk[top]);
  }
  t->sp--;
  if (tee)
    push_slot(t, off);
}

static void translate_call(Translator *t, FastOp op, uint32_t a1, uint32_t a2, const FuncType *ft)
{
  int64_t idx = 0;
  if (op == FOP_CALL_INDIRECT) {
    idx = slot_of(t, t->sp - 1);
    t->sp--;
  }
  uint32_t np = ft->num_params;
  flush_range(t, t->sp - np, t->sp);
  int64_t args = canon(t, t->sp - np);
  emit_op(t, op);
  emit(t, a1);
  if (op == FOP_CALL_INDIRECT) {
    emit(t, a2);
    emit(t, (uint64_t)idx);
  }
  emit(t, (uint64_t)args);
  emit(t, (uint64_t)t->stack_base + (uint64_t)t->def->max_stack * 8);
  t->sp -= np;
  for (uint32_t i = 0; i < ft->num_results; i++)
    push_slot(t, canon(t, t->sp));
  place_label(t); /* the return point */
}

static bool translate_body(Translator *t)
{
  const FuncDef *def = t->def;
  const uint8_t *pc = def->body;
  uint32_t dead_depth = 0; /* blocks opened inside dead code */
  bool dead = false;

  push_ctrl(t, CTRL_FUNC, 0, t->type->num_results);
  while (t->num_ctrls > 0 && !t->failed) {
    uint8_t op = *pc++;
    if (dead) {
      /* the validator made side-table entries for dead code too */
      if (op == OP_IF || op == OP_ELSE || op == OP_BR || op == OP_BR_IF)
        t->st++;
      else if (op == OP_BR_TABLE) {
        const uint8_t *q = pc;
        t->st += leb_u32(&q) + 1;
      }
      if (op == OP_ELSE && dead_depth == 0)
        t->st--; /* handled below */
      if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF) {
        dead_depth++;
        leb_skip(&pc);
        continue;
      }
      if (op == OP_END && dead_depth > 0) {
        dead_depth--;
        continue;
      }
      if (op != OP_END && !(op == OP_ELSE && dead_depth == 0)) {
        if (op == OP_PREFIX_FC) {
          uint32_t sub = leb_u32(&pc);
          skip_immediates(&pc, opcode_fc_info[sub].imm);
        } else {
          skip_immediates(&pc, opcode_info[op].imm);
        }
        continue;
      }
    }

    switch (op) {
    case OP_UNREACHABLE:
      emit_op(t, FOP_UNREACHABLE);
      dead = true;
      break;
    case OP_NOP:
      break;
    case OP_BLOCK:
    case OP_LOOP:
    case OP_IF: {
      uint32_t np, nr;
      block_type(t, &pc, &np, &nr);
      if (op == OP_IF) {
        /* Everything below the condition in place, then branch to the
         * else arm (placed later) when the condition is false. */
        flush_range(t, 0, t->sp - 1);
        emit_cond(t, false, false);
        size_t cell = t->n;
        emit_target(t, 0);
        t->st++;
        push_ctrl(t, CTRL_IF, np, nr);
        if (!t->failed)
          t->ctrls[t->num_ctrls - 1].else_cell = cell + 1;
        break;
      }
      flush_range(t, 0, t->sp);
      push_ctrl(t, op == OP_LOOP ? CTRL_LOOP : CTRL_BLOCK, np, nr);
      if (op == OP_LOOP) {
        /* back-edges land on the poll (contract 6) */
        t->ctrls[t->num_ctrls - 1].label = t->n;
        emit_op(t, FOP_POLL);
        place_label(t); /* where back-edges land */
      }
      t->last_dst = NO_CELL;
      break;
    }
    case OP_ELSE: {
      Ctrl *c = &t->ctrls[t->num_ctrls - 1];
      if (!dead) {
        if (t->st < t->def->num_branches && ends_function(t, t->def->branches[t->st].target_pc)) {
          emit_return(t); /* the then-arm's results are the function's */
        } else {
          flush_range(t, t->sp - c->num_results, t->sp);
          emit_op(t, FOP_BR);
          emit_forward(t, c);
        }
      }
      t->st++;
      t->code[c->else_cell - 1].u = t->n;
      c->else_cell = 0;
      place_label(t);
      t->sp = c->height;
      for (uint32_t i = 0; i < c->num_params; i++)
        push_slot(t, canon(t, t->sp));
      dead = false;
      t->last_dst = NO_CELL;
      break;
    }
    case OP_END: {
      Ctrl *c = &t->ctrls[t->num_ctrls - 1];
      if (!dead)
        flush_range(t, t->sp - c->num_results, t->sp);
      if (c->kind == CTRL_IF && c->else_cell) {
        t->code[c->else_cell - 1].u = t->n;
        c->else_cell = 0;
      }
      resolve_pending(t, c);
      t->sp = c->height;
      for (uint32_t i = 0; i < c->num_results; i++)
        push_slot(t, canon(t, t->sp));
      if (c->kind == CTRL_FUNC)
        emit_return(t);
      t->num_ctrls--;
      dead = false;
      t->last_dst = NO_CELL;
      break;
    }
    case OP_BR:
      emit_br(t, leb_u32(&pc), t->st);
      t->st++;
      dead = true;
      break;
    case OP_BR_IF:
      translate_br_if(t, leb_u32(&pc));
      t->st++;
      break;
    case OP_BR_TABLE: {
      const uint8_t *q = pc;
      uint32_t entries = leb_u32(&q) + 1;
      translate_br_table(t, &pc);
      t->st += entries;
      dead = true;
      break;
    }
    case OP_RETURN:
      emit_return(t);
      dead = true;
      break;
    case OP_CALL: {
      uint32_t f = leb_u32(&pc);
      if (f >= t->m->num_imported_funcs)
        translate_call(t, FOP_CALL_DEF, f - t->m->num_imported_funcs, 0, module_func_type(t->m, f));
      else
        translate_call(t, FOP_CALL, f, 0, module_func_type(t->m, f));
      break;
    }
    case OP_CALL_INDIRECT: {
      uint32_t type = leb_u32(&pc);
      uint32_t table = leb_u32(&pc);
      translate_call(t, FOP_CALL_INDIRECT, type, table, &t->m->types[type]);
      break;
    }

    case OP_DROP:
      t->sp--;
      t->last_dst = NO_CELL;
      break;
    case OP_SELECT_T:
    case OP_SELECT: {
      if (op == OP_SELECT_T) {
        uint32_t n = leb_u32(&pc);
        pc += n;
      }
      int64_t a = slot_of(t, t->sp - 3);
      int64_t b = slot_of(t, t->sp - 2);
      int64_t c = slot_of(t, t->sp - 1);
      t->sp -= 3;
      emit_op(t, FOP_SELECT);
      size_t d = t->n;
      emit(t, (uint64_t)canon(t, t->sp));
      emit(t, (uint64_t)a);
      emit(t, (uint64_t)b);
      emit(t, (uint64_t)c);
      push_result(t, d);
      break;
    }

    case OP_LOCAL_GET:
      push_slot(t, (int64_t)leb_u32(&pc) * 8);
      t->last_dst = NO_CELL;
      break;
    case OP_LOCAL_SET:
      translate_local_set(t, leb_u32(&pc), false);
      break;
    case OP_LOCAL_TEE:
      translate_local_set(t, leb_u32(&pc), true);
      break;
    case OP_GLOBAL_GET: {
      uint32_t g = leb_u32(&pc);
      emit_op(t, FOP_GLOBAL_GET);
      size_t d = t->n;
      emit(t, (uint64_t)canon(t, t->sp));
      emit(t, g);
      push_result(t, d);
      break;
    }
    case OP_GLOBAL_SET: {
      uint32_t g = leb_u32(&pc);
      int64_t a = slot_of(t, t->sp - 1);
      t->sp--;
      emit_op(t, FOP_GLOBAL_SET);
      emit(t, (uint64_t)a);
      emit(t, g);
      break;
    }

    case OP_TABLE_GET: {
      uint32_t x = leb_u32(&pc);
      int64_t a = slot_of(t, t->sp - 1);
      t->sp--;
      emit_op(t, FOP_TABLE_GET);
      size_t d = t->n;
      emit(t, (uint64_t)canon(t, t->sp));
      emit(t, (uint64_t)a);
      emit(t, x);
      push_result(t, d);
      break;
    }
    case OP_TABLE_SET: {
      uint32_t x = leb_u32(&pc);
      int64_t a = slot_of(t, t->sp - 2);
      int64_t b = slot_of(t, t->sp - 1);
      t->sp -= 2;
      emit_op(t, FOP_TABLE_SET);
      emit(t, (uint64_t)a);
      emit(t, (uint64_t)b);
      emit(t, x);
      break;
    }

    case OP_I32_LOAD: case OP_I64_LOAD: case OP_F32_LOAD: case OP_F64_LOAD:
    case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I32_LOAD16_S: case OP_I32_LOAD16_U:
    case OP_I64_LOAD8_S: case OP_I64_LOAD8_U: case OP_I64_LOAD16_S: case OP_I64_LOAD16_U:
    case OP_I64_LOAD32_S: case OP_I64_LOAD32_U: {
      leb_skip(&pc); /* alignment hint */
      uint32_t offset = leb_u32(&pc);
      translate_load(t, load_op(op), offset);
      break;
    }
    case OP_I32_STORE: case OP_I64_STORE: case OP_F32_STORE: case OP_F64_STORE:
    case OP_I32_STORE8: case OP_I32_STORE16: case OP_I64_STORE8: case OP_I64_STORE16:
    case OP_I64_STORE32: {
      leb_skip(&pc);
      uint32_t offset = leb_u32(&pc);
      const Operand *value = &t->stk[t->sp - 1];
      if (value->kind == OPND_SLOT && translate_store_add(t, store_op(op), offset))
        break;
      bool imm = value->kind == OPND_CONST; /* the value as an immediate */
      uint64_t k = value->value;
      int64_t a = slot_of(t, t->sp - 2);
      int64_t b = imm ? 0 : slot_of(t, t->sp - 1);
      t->sp -= 2;
      emit_op(t, imm ? (FastOp)(store_op(op) + 1) : store_op(op));
      emit(t, (uint64_t)a);
      emit(t, imm ? k : (uint64_t)b);
      emit(t, offset);
      break;
    }
    case OP_MEMORY_SIZE: {
      leb_skip(&pc);
      emit_op(t, FOP_MEMORY_SIZE);
      size_t d = t->n;
      emit(t, (uint64_t)canon(t, t->sp));
      push_result(t, d);
      break;
    }
    case OP_MEMORY_GROW:
      leb_skip(&pc);
      unop(t, FOP_MEMORY_GROW);
      break;

    case OP_I32_CONST:
      push_const(t, (uint32_t)leb_s32(&pc));
      t->last_dst = NO_CELL;
      break;
    case OP_I64_CONST:
      push_const(t, (uint64_t)leb_s64(&pc));
      t->last_dst = NO_CELL;
      break;
    case OP_F32_CONST: {
      uint32_t bits;
      memcpy(&bits, pc, 4);
      pc += 4;
      push_const(t, bits);
      t->last_dst = NO_CELL;
      break;
    }
    case OP_F64_CONST: {
      uint64_t bits;
      memcpy(&bits, pc, 8);
      pc += 8;
      push_const(t, bits);
      t->last_dst = NO_CELL;
      break;
    }

    /* Slots hold raw bits: 64-bit reinterpretations change nothing.  A
     * 32-bit slot is zero-extended when Wasm wrote it, but one the host
     * wrote (an argument, a native's result) may carry high bits, so the
     * 32-bit ones make sure (as the classic interpreter does). */
    case OP_I64_REINTERPRET_F64:
    case OP_F64_REINTERPRET_I64:
      break;
    case OP_I32_REINTERPRET_F32:
    case OP_F32_REINTERPRET_I32:
    case OP_I64_EXTEND_I32_U:
      unop(t, FOP_I32_WRAP_I64);
      break;
    case OP_I64_EXTEND_I32_S:
      unop(t, FOP_I64_EXTEND32_S);
      break;

    case OP_REF_NULL:
      pc++;
      push_const(t, 0);
      t->last_dst = NO_CELL;
      break;
    case OP_REF_IS_NULL:
      unop(t, FOP_I64_EQZ);
      break;
    case OP_REF_FUNC: {
      uint32_t f = leb_u32(&pc);
      emit_op(t, FOP_REF_FUNC);
      size_t d = t->n;
      emit(t, (uint64_t)canon(t, t->sp));
      emit(t, f);
      push_result(t, d);
      break;
    }

    case OP_PREFIX_FC:
      translate_fc(t, &pc);
      break;

#define INT_BIN(name, ...)                                                     \
  case OP_##name:                                                              \
    int_binop(t, FOP_##name);                                                  \
    break;
      FAST_INT_BINOPS(INT_BIN)
#undef INT_BIN
#define FLOAT_BIN(name, ...)                                                   \
  case OP_##name:                                                              \
    binop(t, FOP_##name);                                                      \
    break;
      FAST_FLOAT_OTHER(FLOAT_BIN)
#undef FLOAT_BIN
#define FLOAT_ARITH(name, T, ...)                                              \
  case OP_##name:                                                              \
    float_arith(t, FOP_##name, sizeof(T) == 4 ? FOP_F32_LOAD : FOP_F64_LOAD);   \
    break;
      FAST_FLOAT_ARITH(FLOAT_ARITH)
#undef FLOAT_ARITH
#define UN(name, ...)                                                          \
  case OP_##name:                                                              \
    unop(t, FOP_##name);                                                       \
    break;
      UN(I32_EQZ) UN(I32_CLZ) UN(I32_CTZ) UN(I32_POPCNT) UN(I32_EXTEND8_S) UN(I32_EXTEND16_S)
      UN(I64_EQZ) UN(I64_CLZ) UN(I64_CTZ) UN(I64_POPCNT) UN(I64_EXTEND8_S) UN(I64_EXTEND16_S)
      UN(I64_EXTEND32_S) UN(I32_WRAP_I64) UN(F32_ABS) UN(F32_NEG) UN(F32_CEIL) UN(F32_FLOOR)
      UN(F32_TRUNC) UN(F32_NEAREST) UN(F32_SQRT) UN(F64_ABS) UN(F64_NEG) UN(F64_CEIL)
      UN(F64_FLOOR) UN(F64_TRUNC) UN(F64_NEAREST) UN(F64_SQRT) UN(I32_TRUNC_F32_S)
      UN(I32_TRUNC_F32_U) UN(I32_TRUNC_F64_S) UN(I32_TRUNC_F64_U) UN(I64_TRUNC_F32_S)
      UN(I64_TRUNC_F32_U) UN(I64_TRUNC_F64_S) UN(I64_TRUNC_F64_U) UN(F32_CONVERT_I32_S)
      UN(F32_CONVERT_I32_U) UN(F32_CONVERT_I64_S) UN(F32_CONVERT_I64_U) UN(F32_DEMOTE_F64)
      UN(F64_CONVERT_I32_S) UN(F64_CONVERT_I32_U) UN(F64_CONVERT_I64_S) UN(F64_CONVERT_I64_U)
      UN(F64_PROMOTE_F32)
#undef UN

    default:
      /* SIMD and unassigned opcodes never pass validation. */
      emit_op(t, FOP_UNREACHABLE);
      dead = true;
      break;
    }
  }
  return !t->failed;
}

FastFunc *fast_translate(const Module *m, uint32_t def_index, const void *const *handlers,
                         size_t max_cells, const char **why)
{
  Translator t;
  memset(&t, 0, sizeof t);
  t.m = m;
  t.def = &m->funcs[def_index];
  t.budget = max_cells;
  t.type = &m->types[t.def->type_index];
  t.handlers = handlers;
  t.last_dst = NO_CELL;
  t.stack_base = ((int64_t)t.def->local_slots + FAST_HEADER_SLOTS) * 8;
  /* the final `end` pushes the results even where the validator, in dead
   * code, counted none */
  t.stk_cap = t.def->max_stack + t.type->num_results + 1;
  t.stk = malloc(t.stk_cap * sizeof *t.stk);
  FastFunc *f = NULL;
  if (t.stk && translate_body(&t)) {
    f = calloc(1, sizeof *f);
    Cell *code = malloc((t.n ? t.n : 1) * sizeof(Cell));
    if (f && code) {
      memcpy(code, t.code, t.n * sizeof(Cell));
      for (size_t i = 0; i < t.num_targets; i++)
        code[t.targets[i]].target = code + code[t.targets[i]].u;
      f->code = code;
      f->num_cells = t.n;
      f->local_slots = t.def->local_slots;
      f->num_params = t.type->num_params;
      /* a frame too big to count never fits: the call traps (contract 5) */
      uint64_t bytes = ((uint64_t)t.def->local_slots + FAST_HEADER_SLOTS + t.def->max_stack) * 8;
      f->frame_bytes = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
    } else {
      free(code);
      free(f);
      f = NULL;
    }
  }
  if (!f && why)
    *why = t.too_large ? "function too large for the fast interpreter"
                       : "out of memory translating for the fast interpreter";
  free(t.stk);
  free(t.code);
  free(t.targets);
  free(t.ctrls);
  return f;
}

void fast_func_free(FastFunc *f)
{
  if (f) {
    free(f->code);
    free(f);
  }
}
