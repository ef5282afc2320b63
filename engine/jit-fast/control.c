/*
 * control.c -- blocks, branches and returns.
 *
 * Merges use one agreed place: at every block boundary and branch all
 * operand-stack values are in their own frame slots, so the values a
 * branch carries end at slots [height, height + arity) of its target,
 * where the code after the label expects them.  A branch copies them down
 * when values between need dropping.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "compiler.h"

static Ctl *ctl_push(Compiler *c)
{
  if (c->nctl == c->ctlcap) {
    uint32_t n = c->ctlcap ? c->ctlcap * 2 : 16;
    Ctl *p = realloc(c->ctl, n * sizeof *p);
    if (p == NULL) {
      jf_fail(c, "out of memory");
      static Ctl sink;
      return &sink;
    }
    c->ctl = p;
    c->ctlcap = n;
  }
  Ctl *t = &c->ctl[c->nctl++];
  memset(t, 0, sizeof *t);
  t->else_jump = SIZE_MAX;
  t->patches = UINT32_MAX;
  return t;
}

static uint8_t result_type(const Ctl *t, uint32_t i)
{
  return t->ft ? functype_results(t->ft)[i] : t->single;
}

static uint8_t param_type(const Ctl *t, uint32_t i)
{
  return functype_params(t->ft)[i];
}

void jf_control_init(Compiler *c)
{
  Ctl *t = ctl_push(c);
  t->kind = CTL_FUNC;
  t->ft = c->type;
  t->nresults = c->type->num_results;
}

static void block_type(Compiler *c, const uint8_t **pc, Ctl *t)
{
  int64_t bt = leb_s64(pc);
  if (bt == -64)
    return;
  if (bt < 0) {
    t->single = (uint8_t)(bt & 0x7F);
    t->nresults = 1;
    return;
  }
  t->ft = &c->m->types[bt];
  t->nparams = t->ft->num_params;
  t->nresults = t->ft->num_results;
}

/* Moves the top `arity` slots to start at `height` (all values spilled). */
static void copy_down(Compiler *c, uint32_t height, uint32_t arity)
{
  uint32_t from = c->depth - arity;
  if (from == height)
    return;
  for (uint32_t i = 0; i < arity; i++) {
    x64_load(&c->b, 8, false, true, RAX, jf_slot(c, from + i));
    x64_store(&c->b, 8, jf_slot(c, height + i), RAX);
  }
}

/* Returns with the top results, all in their slots (the stack is left as
 * it is, for a conditional return's other path). */
static void return_from_slots(Compiler *c)
{
  X64Buf *b = &c->b;
  const FuncType *t = c->type;
  uint32_t n = t->num_results;
  uint32_t from = c->depth - n;
  if (n == 1) {
    uint8_t rt = functype_results(t)[0];
    X64Mem m = jf_slot(c, from);
    if (type_is_float(rt))
      x64_movs_load(b, rt == VAL_F64, 0, m);
    else
      x64_load(b, type_is_64(rt) ? 8 : 4, false, type_is_64(rt), RAX, m);
  } else if (n >= 2) {
    x64_load(b, 8, false, true, RDX, jf_results_ptr(c));
    for (uint32_t i = 0; i < n; i++) {
      uint8_t rt = functype_results(t)[i];
      /* i32 and f32 zero-extended: the low 32 bits of a clean slot */
      x64_load(b, type_is_64(rt) ? 8 : 4, false, type_is_64(rt), RAX, jf_slot(c, from + i));
      x64_store(b, 8, x64_mem(RDX, 8 * (int32_t)i), RAX);
    }
  }
  jf_patch_add(c, &c->ret_jumps, x64_jmp32(b));
}

/* The `return` instruction and the function's final `end`. */
static void emit_return(Compiler *c)
{
  uint32_t n = c->type->num_results;
  if (n == 1) {
    Val v = jf_pop(c);
    jf_load_into(c, &v, type_is_float(v.type) ? 0 : RAX);
    jf_free(c, &v);
    jf_patch_add(c, &c->ret_jumps, x64_jmp32(&c->b));
    return;
  }
  jf_spill_all(c);
  return_from_slots(c);
}

/* The code of a taken branch to label `depth`, all values spilled. */
static void branch_to(Compiler *c, uint32_t depth)
{
  Ctl *t = &c->ctl[c->nctl - 1 - depth];
  if (t->kind == CTL_FUNC) {
    return_from_slots(c);
    return;
  }
  uint32_t arity = t->kind == CTL_LOOP ? t->nparams : t->nresults;
  copy_down(c, t->height, arity);
  if (t->kind == CTL_LOOP)
    x64_jmp_to(&c->b, t->loop_head);
  else
    jf_patch_add(c, &t->patches, x64_jmp32(&c->b));
}

static bool branch_needs_code(Compiler *c, uint32_t depth)
{
  Ctl *t = &c->ctl[c->nctl - 1 - depth];
  if (t->kind == CTL_FUNC)
    return true;
  uint32_t arity = t->kind == CTL_LOOP ? t->nparams : t->nresults;
  return c->depth - arity != t->height;
}

/* Pops a condition and returns the condition code under which it is true;
 * everything else ends up spilled, the flags set last. */
static X64Cond pop_condition_and_spill(Compiler *c)
{
  Val v = jf_pop(c);
  if (v.kind == V_FLAGS) {
    jf_spill_all(c); /* moves only: the flags survive */
    return (X64Cond)v.cc;
  }
  int r = jf_to_reg(c, &v);
  jf_spill_all(c);
  x64_test_rr(&c->b, false, r, r);
  jf_free(c, &v);
  return CC_NE;
}

/* Drops what the block left above its base and pushes its `n` values as
 * slot values (after a label, an else, or dead code). */
static void reset_stack(Compiler *c, const Ctl *t, bool results)
{
  while (c->depth > t->height) {
    Val v = jf_pop(c);
    jf_free(c, &v);
  }
  uint32_t n = results ? t->nresults : t->nparams;
  for (uint32_t i = 0; i < n; i++)
    jf_push_stack(c, results ? result_type(t, i) : param_type(t, i));
}

static void br_table(Compiler *c, const uint8_t **pc)
{
  X64Buf *b = &c->b;
  uint32_t n = leb_u32(pc);
  uint32_t *labels = malloc(((size_t)n + 1) * sizeof *labels);
  size_t *stub_of = malloc(c->nctl * sizeof *stub_of);
  if (labels == NULL || stub_of == NULL) {
    free(labels);
    free(stub_of);
    jf_fail(c, "out of memory");
    return;
  }
  for (uint32_t i = 0; i <= n; i++)
    labels[i] = leb_u32(pc);
  for (uint32_t i = 0; i < c->nctl; i++)
    stub_of[i] = SIZE_MAX;

  Val v = jf_pop(c);
  int r = jf_to_reg(c, &v);
  jf_spill_all(c);
  /* index = min(index, n): the last entry is the default */
  x64_mov_ri(b, RAX, n);
  x64_alu_rr(b, ALU_CMP, false, r, RAX);
  x64_cmov(b, CC_A, false, r, RAX);
  x64_lea(b, true, RAX, x64_rip(0));
  size_t lea_at = b->len - 4;
  x64_load(b, 4, true, true, RCX, x64_mem_idx(RAX, r, 4, 0));
  x64_alu_rr(b, ALU_ADD, true, RAX, RCX);
  x64_jmp_r(b, RAX);
  jf_free(c, &v);

  size_t table = b->len;
  x64_patch_rel32(b, lea_at, table);
  for (uint32_t i = 0; i <= n; i++)
    x64_u32(b, 0);
  for (uint32_t i = 0; i <= n; i++) {
    uint32_t d = labels[i];
    if (stub_of[d] == SIZE_MAX) {
      stub_of[d] = b->len;
      branch_to(c, d);
    }
    if (!b->failed) {
      int32_t rel = (int32_t)(stub_of[d] - table);
      memcpy(b->code + table + 4 * (size_t)i, &rel, 4);
    }
  }
  free(labels);
  free(stub_of);
  c->unreachable = true;
}

bool jf_control(Compiler *c, uint8_t op, const uint8_t **pc)
{
  X64Buf *b = &c->b;
  switch (op) {
  case OP_UNREACHABLE:
    jf_stub(c, x64_jmp32(b), SIZE_MAX, TRAP_UNREACHABLE);
    c->unreachable = true;
    return true;
  case OP_BLOCK:
  case OP_LOOP: {
    Ctl tmp;
    memset(&tmp, 0, sizeof tmp);
    block_type(c, pc, &tmp);
    jf_spill_all(c);
    Ctl *t = ctl_push(c);
    t->kind = op == OP_BLOCK ? CTL_BLOCK : CTL_LOOP;
    t->ft = tmp.ft;
    t->single = tmp.single;
    t->nparams = tmp.nparams;
    t->nresults = tmp.nresults;
    t->height = c->depth - t->nparams;
    if (op == OP_LOOP) {
      t->loop_head = b->len;
      jf_poll(c);
    }
    return true;
  }
  case OP_IF: {
    Ctl tmp;
    memset(&tmp, 0, sizeof tmp);
    block_type(c, pc, &tmp);
    X64Cond cc = pop_condition_and_spill(c);
    size_t j = x64_jcc32(b, x64_cc_invert(cc));
    Ctl *t = ctl_push(c);
    t->kind = CTL_IF;
    t->ft = tmp.ft;
    t->single = tmp.single;
    t->nparams = tmp.nparams;
    t->nresults = tmp.nresults;
    t->height = c->depth - t->nparams;
    t->else_jump = j;
    return true;
  }
  case OP_ELSE: {
    Ctl *t = &c->ctl[c->nctl - 1];
    if (!c->unreachable) {
      jf_spill_all(c);
      jf_patch_add(c, &t->patches, x64_jmp32(b));
    }
    x64_patch_rel32(b, t->else_jump, b->len);
    t->else_jump = SIZE_MAX;
    t->kind = CTL_ELSE;
    reset_stack(c, t, false);
    c->unreachable = false;
    return true;
  }
  case OP_END: {
    Ctl *t = &c->ctl[c->nctl - 1];
    if (t->kind == CTL_FUNC) {
      if (!c->unreachable)
        emit_return(c);
      c->nctl--;
      c->unreachable = true; /* nothing follows */
      return true;
    }
    if (!c->unreachable)
      jf_spill_all(c);
    if (t->else_jump != SIZE_MAX)
      x64_patch_rel32(b, t->else_jump, b->len);
    jf_patch_bind(c, t->patches, b->len);
    reset_stack(c, t, true);
    c->nctl--;
    c->unreachable = false;
    return true;
  }
  case OP_BR: {
    uint32_t d = leb_u32(pc);
    jf_spill_all(c);
    branch_to(c, d);
    c->unreachable = true;
    return true;
  }
  case OP_BR_IF: {
    uint32_t d = leb_u32(pc);
    X64Cond cc = pop_condition_and_spill(c);
    Ctl *t = &c->ctl[c->nctl - 1 - d];
    if (!branch_needs_code(c, d)) {
      if (t->kind == CTL_LOOP)
        x64_jcc_to(b, cc, t->loop_head);
      else
        jf_patch_add(c, &t->patches, x64_jcc32(b, cc));
    } else {
      size_t skip = x64_jcc32(b, x64_cc_invert(cc));
      branch_to(c, d);
      x64_patch_rel32(b, skip, b->len);
    }
    return true;
  }
  case OP_BR_TABLE:
    br_table(c, pc);
    return true;
  case OP_RETURN:
    emit_return(c);
    c->unreachable = true;
    return true;
  default:
    return false;
  }
}
