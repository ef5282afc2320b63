/*
 * validate_code.c -- decoding and type-checking function bodies, after the
 * spec's validation algorithm (appendix "Validation Algorithm"): an operand
 * stack of value types and a control stack of frames, with the spec's
 * "Unknown" type for values popped in unreachable code (the polymorphic
 * stack).  One pass, no recursion, buffers on the heap and reused across
 * functions, so huge or deeply nested hostile bodies cost memory in
 * proportion to their size and nothing else.
 *
 * While checking, it builds the branch side table the classic interpreter
 * follows (module.h, BranchEntry).  Forward branches (to a block's or if's
 * `end`) are chained through their target_pc field until that `end` is
 * reached; a loop's target is known when the loop opens.
 *
 * Each instruction is first decoded (decode_instr: opcode and immediates,
 * every malformed case reported here) and then typed (check_instr).  The
 * same decoder serves scan_function, which only looks for malformed code.
 */
#include "validate_code.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/leb128.h"
#include "../common/opcodes.h"

/* The spec's "Unknown": what a pop yields in unreachable code; it matches
 * every type.  (No value type is encoded as 0.) */
#define TYPE_UNKNOWN 0
/* For messages: nothing was there to pop. */
#define TYPE_NOTHING 1

#define NO_ENTRY UINT32_MAX

typedef struct CtrlFrame {
  uint8_t opcode;       /* OP_BLOCK, OP_LOOP, OP_IF, OP_ELSE (an if past its
                           else), or OP_END for the function's own frame */
  bool unreachable;     /* code after br, return, unreachable... */
  uint32_t num_params, num_results;
  const uint8_t *params, *results;
  uint32_t height;      /* operand-stack height at entry, params excluded */
  uint32_t loop_pc;     /* loop: its label, the first instruction of the body */
  uint32_t loop_st;     /* loop: the side-table index there */
  uint32_t if_entry;    /* if: its own entry, patched at `else` or `end` */
  uint32_t pending;     /* 1 + index of the newest forward branch to this
                           label (0: none); the chain runs through target_pc */
} CtrlFrame;

/* One decoded instruction. */
typedef struct Instr {
  const uint8_t *at;    /* its opcode */
  const OpInfo *info;
  uint8_t op;           /* opcode byte; OP_PREFIX_FC for the 0xFC ones */
  uint32_t fc;          /* the 0xFC sub-opcode */
  uint32_t a, b;        /* index immediates in encoding order; memarg align
                           and offset; br_table label count and default */
  int64_t block_type;   /* s33 */
  uint8_t type;         /* ref.null's type, select's first type */
  const uint8_t *labels; /* br_table: the first label, already checked */
} Instr;

struct CodeValidator {
  Module *m;
  FuncDef *f;
  const FuncType *type;
  uint32_t func_index;
  const uint8_t *body, *p, *end;
  char *error;
  uint32_t error_size;
  bool malformed;
  const Instr *in; /* the instruction being typed, for messages */
  Instr current;   /* where decode_instr puts it */

  uint8_t *vals;
  uint32_t num_vals, vals_cap, max_vals;
  CtrlFrame *ctrls;
  uint32_t num_ctrls, ctrls_cap;
  BranchEntry *branches;
  uint32_t num_branches, branches_cap;
  uint8_t *scratch; /* br_table operands; scan_function's block kinds */
  uint32_t scratch_cap;
};

/* Results of a block with one value type point in here. */
static const uint8_t single_types[] = {VAL_I32, VAL_I64, VAL_F32, VAL_F64, VAL_FUNCREF, VAL_EXTERNREF};

static const uint8_t *single_type(uint8_t t)
{
  for (size_t i = 0; i < sizeof single_types; i++)
    if (single_types[i] == t)
      return &single_types[i];
  return NULL;
}

/* ---- buffers and messages ------------------------------------------------ */

static bool grow(void **buf, uint32_t *cap, uint64_t need, size_t elem)
{
  if (need <= *cap)
    return true;
  uint64_t n = *cap ? *cap : 64;
  while (n < need)
    n *= 2;
  if (n > UINT32_MAX || n * elem > SIZE_MAX / 2)
    return false;
  void *p = realloc(*buf, (size_t)(n * elem));
  if (!p)
    return false;
  *buf = p;
  *cap = (uint32_t)n;
  return true;
}

CodeValidator *code_validator_new(Module *m)
{
  CodeValidator *v = calloc(1, sizeof *v);
  if (v)
    v->m = m;
  return v;
}

void code_validator_free(CodeValidator *v)
{
  if (!v)
    return;
  free(v->vals);
  free(v->ctrls);
  free(v->branches);
  free(v->scratch);
  free(v);
}

static bool failv(CodeValidator *v, const uint8_t *at, const char *fmt, va_list ap)
{
  char msg[256];
  vsnprintf(msg, sizeof msg, fmt, ap);
  return error_set(v->error, v->error_size, "%s at offset 0x%x (function %u)", msg,
                   (unsigned)(v->f->body_offset + (uint32_t)(at - v->body)), v->func_index);
}

/* An invalid instruction ("type mismatch", "unknown local", ...). */
WP_PRINTF(3, 4) static bool fail(CodeValidator *v, const uint8_t *at, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  failv(v, at, fmt, ap);
  va_end(ap);
  return false;
}

/* A malformed one ("illegal opcode", "unexpected end", ...). */
WP_PRINTF(3, 4) static bool malformed(CodeValidator *v, const uint8_t *at, const char *fmt, ...)
{
  va_list ap;
  v->malformed = true;
  va_start(ap, fmt);
  failv(v, at, fmt, ap);
  va_end(ap);
  return false;
}

static bool out_of_memory(CodeValidator *v)
{
  return fail(v, v->p, "out of memory");
}

static const char *type_name(uint8_t t)
{
  return t == TYPE_UNKNOWN ? "any" : t == TYPE_NOTHING ? "nothing" : valtype_name(t);
}

static bool type_mismatch(CodeValidator *v, uint8_t expected, uint8_t got)
{
  return fail(v, v->in->at, "type mismatch in %s (expected %s, got %s)", v->in->info->name,
              expected == TYPE_UNKNOWN ? "a value" : type_name(expected), type_name(got));
}

/* ---- decoding ------------------------------------------------------------ */

static bool read_byte(CodeValidator *v, uint8_t *out)
{
  if (v->p >= v->end)
    return malformed(v, v->p, "unexpected end");
  *out = *v->p++;
  return true;
}

static bool read_u32(CodeValidator *v, uint32_t *out)
{
  const uint8_t *at = v->p;
  uint64_t x = 0;
  LebStatus s = leb_read_u(&v->p, v->end, 32, &x);
  if (s != LEB_OK)
    return malformed(v, at, "%s", leb_status_message(s));
  *out = (uint32_t)x;
  return true;
}

static bool read_s(CodeValidator *v, unsigned bits, int64_t *out)
{
  const uint8_t *at = v->p;
  LebStatus s = leb_read_s(&v->p, v->end, bits, out);
  if (s != LEB_OK)
    return malformed(v, at, "%s", leb_status_message(s));
  return true;
}

static bool read_zero_byte(CodeValidator *v)
{
  const uint8_t *at = v->p;
  uint8_t b = 0;
  if (!read_byte(v, &b))
    return false;
  if (b != 0)
    return malformed(v, at, "zero byte expected");
  return true;
}

static bool skip_bytes(CodeValidator *v, uint32_t n)
{
  if ((size_t)(v->end - v->p) < n) {
    v->p = v->end;
    return malformed(v, v->end, "unexpected end");
  }
  v->p += n;
  return true;
}

static bool read_value_type(CodeValidator *v, uint8_t *out)
{
  const uint8_t *at = v->p;
  if (!read_byte(v, out))
    return false;
  if (*out == VAL_V128)
    return malformed(v, at, "SIMD instructions are not supported yet (v128)");
  if (!single_type(*out))
    return malformed(v, at, "malformed value type");
  return true;
}

/* Reads one instruction and its immediates; the checks here are the ones
 * the spec makes while decoding. */
static bool decode_instr(CodeValidator *v, Instr *in)
{
  in->at = v->p;
  in->a = in->b = 0;
  if (!read_byte(v, &in->op))
    return false;
  if (in->op == OP_PREFIX_FC) {
    if (!read_u32(v, &in->fc))
      return false;
    if (in->fc >= OP_FC_COUNT || !opcode_fc_info[in->fc].name)
      return malformed(v, in->at, "illegal opcode 0xfc %u", in->fc);
    in->info = &opcode_fc_info[in->fc];
  } else if (in->op == OP_PREFIX_FD) {
    return malformed(v, in->at, "SIMD instructions are not supported yet");
  } else {
    if (!opcode_info[in->op].name)
      return malformed(v, in->at, "illegal opcode 0x%02x", in->op);
    in->info = &opcode_info[in->op];
  }

  switch ((ImmKind)in->info->imm) {
  case IMM_NONE:
    return true;
  case IMM_BLOCKTYPE: {
    const uint8_t *at = v->p;
    if (!read_s(v, 33, &in->block_type))
      return false;
    if (in->block_type >= 0 || in->block_type == -0x40)
      return true;
    uint8_t t = (uint8_t)(in->block_type & 0x7F);
    if (t == VAL_V128)
      return malformed(v, at, "SIMD instructions are not supported yet (v128)");
    if (in->block_type < -0x40 || !single_type(t))
      return malformed(v, at, "malformed value type");
    return true;
  }
  case IMM_LABEL:
  case IMM_FUNC:
  case IMM_LOCAL:
  case IMM_GLOBAL:
  case IMM_TABLE:
  case IMM_DATA:
  case IMM_ELEM:
    if (!read_u32(v, &in->a))
      return false;
    break;
  case IMM_BR_TABLE:
    if (!read_u32(v, &in->a))
      return false;
    in->labels = v->p;
    for (uint32_t i = 0; i < in->a; i++) {
      uint32_t l;
      if (!read_u32(v, &l))
        return false;
    }
    return read_u32(v, &in->b);
  case IMM_CALL_INDIRECT:
  case IMM_MEMARG:
  case IMM_ELEM_TABLE:
  case IMM_TABLE_TABLE:
    return read_u32(v, &in->a) && read_u32(v, &in->b);
  case IMM_MEMORY:
    return read_zero_byte(v);
  case IMM_I32: {
    int64_t x;
    return read_s(v, 32, &x);
  }
  case IMM_I64: {
    int64_t x;
    return read_s(v, 64, &x);
  }
  case IMM_F32:
    return skip_bytes(v, 4);
  case IMM_F64:
    return skip_bytes(v, 8);
  case IMM_SELECT_T:
    /* The spec decodes a vector; that it holds one type is validation. */
    if (!read_u32(v, &in->a))
      return false;
    for (uint32_t i = 0; i < in->a; i++) {
      uint8_t t = 0;
      if (!read_value_type(v, &t))
        return false;
      if (i == 0)
        in->type = t;
    }
    return true;
  case IMM_REFTYPE: {
    const uint8_t *at = v->p;
    if (!read_byte(v, &in->type))
      return false;
    if (!valtype_is_ref(in->type))
      return malformed(v, at, "malformed reference type");
    return true;
  }
  case IMM_DATA_MEMORY:
    if (!read_u32(v, &in->a) || !read_zero_byte(v))
      return false;
    break;
  case IMM_MEMORY_MEMORY:
    return read_zero_byte(v) && read_zero_byte(v);
  default:
    return malformed(v, in->at, "SIMD instructions are not supported yet");
  }

  /* memory.init and data.drop name data segments before the data section
   * is read: a single-pass decoder needs the count up front. */
  if (in->op == OP_PREFIX_FC && (in->fc == OP_FC_MEMORY_INIT || in->fc == OP_FC_DATA_DROP) &&
      !v->m->has_data_count)
    return malformed(v, in->at, "data count section required");
  return true;
}

/* ---- the operand and control stacks ------------------------------------ */

static inline bool push(CodeValidator *v, uint8_t t)
{
  if (v->num_vals == v->vals_cap && !grow((void **)&v->vals, &v->vals_cap, (uint64_t)v->num_vals + 1, 1))
    return out_of_memory(v);
  v->vals[v->num_vals++] = t;
  if (v->num_vals > v->max_vals)
    v->max_vals = v->num_vals;
  return true;
}

/* Pops a value of type `expect` (TYPE_UNKNOWN: of any type); *got is what
 * was there, TYPE_UNKNOWN in unreachable code. */
static inline bool pop(CodeValidator *v, uint8_t expect, uint8_t *got)
{
  const CtrlFrame *c = &v->ctrls[v->num_ctrls - 1];
  uint8_t actual;
  if (v->num_vals == c->height) {
    if (!c->unreachable)
      return type_mismatch(v, expect, TYPE_NOTHING);
    actual = TYPE_UNKNOWN;
  } else {
    actual = v->vals[--v->num_vals];
  }
  if (actual != expect && actual != TYPE_UNKNOWN && expect != TYPE_UNKNOWN)
    return type_mismatch(v, expect, actual);
  if (got)
    *got = actual;
  return true;
}

static bool pop_vals(CodeValidator *v, const uint8_t *types, uint32_t n)
{
  for (uint32_t i = n; i-- > 0;)
    if (!pop(v, types[i], NULL))
      return false;
  return true;
}

static bool push_vals(CodeValidator *v, const uint8_t *types, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++)
    if (!push(v, types[i]))
      return false;
  return true;
}

static void set_unreachable(CodeValidator *v)
{
  CtrlFrame *c = &v->ctrls[v->num_ctrls - 1];
  v->num_vals = c->height;
  c->unreachable = true;
}

/* Opens a frame whose params have already been popped. */
static bool push_ctrl(CodeValidator *v, uint8_t opcode, const uint8_t *params, uint32_t num_params,
                      const uint8_t *results, uint32_t num_results)
{
  if (v->num_ctrls == v->ctrls_cap &&
      !grow((void **)&v->ctrls, &v->ctrls_cap, (uint64_t)v->num_ctrls + 1, sizeof *v->ctrls))
    return out_of_memory(v);
  CtrlFrame *c = &v->ctrls[v->num_ctrls++];
  c->opcode = opcode;
  c->unreachable = false;
  c->params = params;
  c->num_params = num_params;
  c->results = results;
  c->num_results = num_results;
  c->height = v->num_vals;
  c->loop_pc = c->loop_st = 0;
  c->if_entry = NO_ENTRY;
  c->pending = 0;
  return push_vals(v, params, num_params);
}

/* Closes the innermost frame: its results must be exactly what is left. */
static bool pop_ctrl(CodeValidator *v, CtrlFrame *out)
{
  const CtrlFrame *c = &v->ctrls[v->num_ctrls - 1];
  if (!pop_vals(v, c->results, c->num_results))
    return false;
  if (v->num_vals != c->height)
    return fail(v, v->in->at, "type mismatch in %s (%u more value%s than the block's results)",
                v->in->info->name, v->num_vals - c->height, v->num_vals - c->height == 1 ? "" : "s");
  *out = *c;
  v->num_ctrls--;
  return true;
}

static inline const CtrlFrame *label_frame(const CodeValidator *v, uint32_t depth)
{
  return &v->ctrls[v->num_ctrls - 1 - depth];
}

/* A branch carries a loop's params, any other label's results. */
static inline void label_types(const CtrlFrame *c, const uint8_t **types, uint32_t *n)
{
  if (c->opcode == OP_LOOP) {
    *types = c->params;
    *n = c->num_params;
  } else {
    *types = c->results;
    *n = c->num_results;
  }
}

/* ---- the side table ------------------------------------------------------ */

static bool new_entry(CodeValidator *v, uint32_t *index)
{
  if (v->num_branches == v->branches_cap &&
      !grow((void **)&v->branches, &v->branches_cap, (uint64_t)v->num_branches + 1, sizeof *v->branches))
    return out_of_memory(v);
  *index = v->num_branches++;
  return true;
}

/* The entry of a br, br_if or br_table label to `depth`. */
static bool emit_branch(CodeValidator *v, uint32_t depth)
{
  uint32_t e = 0;
  if (!new_entry(v, &e))
    return false;
  CtrlFrame *c = &v->ctrls[v->num_ctrls - 1 - depth];
  BranchEntry *b = &v->branches[e];
  b->height = c->height;
  if (c->opcode == OP_LOOP) {
    b->arity = c->num_params;
    b->target_pc = c->loop_pc;
    b->target_st = c->loop_st;
  } else {
    b->arity = c->num_results;
    b->target_pc = c->pending; /* resolved at the `end` */
    b->target_st = 0;
    c->pending = e + 1;
  }
  return true;
}

/* The label of frame `c` is reached: its `end` at `pc`. */
static void resolve_pending(CodeValidator *v, const CtrlFrame *c, uint32_t pc)
{
  uint32_t link = c->pending;
  while (link) {
    BranchEntry *b = &v->branches[link - 1];
    link = b->target_pc;
    b->target_pc = pc;
    b->target_st = v->num_branches;
  }
  if (c->if_entry != NO_ENTRY) {
    v->branches[c->if_entry].target_pc = pc;
    v->branches[c->if_entry].target_st = v->num_branches;
  }
}

/* ---- typing -------------------------------------------------------------- */

static uint8_t sig_type(char c)
{
  switch (c) {
  case 'i': return VAL_I32;
  case 'I': return VAL_I64;
  case 'f': return VAL_F32;
  case 'F': return VAL_F64;
  default: return TYPE_UNKNOWN;
  }
}

/* The simple instructions: their "params>results" from opcodes.def. */
static bool apply_sig(CodeValidator *v, const char *sig)
{
  const char *gt = strchr(sig, '>');
  for (const char *s = gt; s > sig;)
    if (!pop(v, sig_type(*--s), NULL))
      return false;
  for (const char *s = gt + 1; *s; s++)
    if (!push(v, sig_type(*s)))
      return false;
  return true;
}

static bool check_block_type(CodeValidator *v, const Instr *in, const uint8_t **params, uint32_t *np,
                             const uint8_t **results, uint32_t *nr)
{
  *params = *results = NULL;
  *np = *nr = 0;
  if (in->block_type == -0x40)
    return true;
  if (in->block_type < 0) {
    *results = single_type((uint8_t)(in->block_type & 0x7F));
    *nr = 1;
    return true;
  }
  if (in->block_type >= v->m->num_types)
    return fail(v, in->at, "unknown type %lld", (long long)in->block_type);
  const FuncType *t = &v->m->types[in->block_type];
  *params = functype_params(t);
  *np = t->num_params;
  *results = functype_results(t);
  *nr = t->num_results;
  return true;
}

static bool check_memory(CodeValidator *v, const Instr *in)
{
  if (v->m->num_memories == 0)
    return fail(v, in->at, "unknown memory 0 in %s", in->info->name);
  return true;
}

static bool check_table(CodeValidator *v, const Instr *in, uint32_t index)
{
  if (index >= v->m->num_tables)
    return fail(v, in->at, "unknown table %u in %s", index, in->info->name);
  return true;
}

static bool check_elem(CodeValidator *v, const Instr *in, uint32_t index)
{
  if (index >= v->m->num_elems)
    return fail(v, in->at, "unknown elem segment %u in %s", index, in->info->name);
  return true;
}

static bool check_data(CodeValidator *v, const Instr *in, uint32_t index)
{
  if (index >= v->m->data_count)
    return fail(v, in->at, "unknown data segment %u in %s", index, in->info->name);
  return true;
}

static bool check_label(CodeValidator *v, const Instr *in, uint32_t depth)
{
  if (depth >= v->num_ctrls)
    return fail(v, in->at, "unknown label %u in %s", depth, in->info->name);
  return true;
}

/* log2 of a load's or store's access size. */
static uint32_t natural_alignment(uint8_t op)
{
  switch (op) {
  case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I64_LOAD8_S: case OP_I64_LOAD8_U:
  case OP_I32_STORE8: case OP_I64_STORE8:
    return 0;
  case OP_I32_LOAD16_S: case OP_I32_LOAD16_U: case OP_I64_LOAD16_S: case OP_I64_LOAD16_U:
  case OP_I32_STORE16: case OP_I64_STORE16:
    return 1;
  case OP_I32_LOAD: case OP_F32_LOAD: case OP_I64_LOAD32_S: case OP_I64_LOAD32_U:
  case OP_I32_STORE: case OP_F32_STORE: case OP_I64_STORE32:
    return 2;
  default: /* the 64-bit ones */
    return 3;
  }
}

/* br_table: the operands must suit one more label; they stay where they
 * are (the spec pops and pushes them back, which in unreachable code fills
 * the stack up with Unknown). */
static bool check_label_operands(CodeValidator *v, const uint8_t *types, uint32_t n)
{
  if (n > v->scratch_cap && !grow((void **)&v->scratch, &v->scratch_cap, n, 1))
    return out_of_memory(v);
  for (uint32_t i = n; i-- > 0;)
    if (!pop(v, types[i], &v->scratch[i]))
      return false;
  return push_vals(v, v->scratch, n);
}

static bool check_br_table(CodeValidator *v, const Instr *in)
{
  if (!pop(v, VAL_I32, NULL) || !check_label(v, in, in->b))
    return false;
  const uint8_t *types;
  uint32_t arity;
  label_types(label_frame(v, in->b), &types, &arity);
  const uint8_t *q = in->labels;
  for (uint32_t i = 0; i <= in->a; i++) {
    uint32_t depth = i < in->a ? leb_u32(&q) : in->b;
    uint32_t n;
    if (!check_label(v, in, depth))
      return false;
    label_types(label_frame(v, depth), &types, &n);
    if (n != arity)
      return fail(v, in->at, "type mismatch in br_table (label %u carries %u values, the default %u)", depth, n,
                  arity);
    if (!check_label_operands(v, types, n) || !emit_branch(v, depth))
      return false;
  }
  set_unreachable(v);
  return true;
}

static bool check_control(CodeValidator *v, const Instr *in)
{
  const uint8_t *types;
  uint32_t n;
  switch (in->op) {
  case OP_UNREACHABLE:
    set_unreachable(v);
    return true;

  case OP_BLOCK:
  case OP_LOOP:
  case OP_IF: {
    const uint8_t *params, *results;
    uint32_t np, nr;
    if (!check_block_type(v, in, &params, &np, &results, &nr))
      return false;
    if (in->op == OP_IF && !pop(v, VAL_I32, NULL))
      return false;
    if (!pop_vals(v, params, np))
      return false;
    uint32_t entry = NO_ENTRY;
    if (in->op == OP_IF) {
      /* Taken when the condition is false; moves nothing. */
      if (!new_entry(v, &entry))
        return false;
      v->branches[entry] = (BranchEntry){0, 0, v->num_vals, 0};
    }
    if (!push_ctrl(v, in->op, params, np, results, nr))
      return false;
    CtrlFrame *c = &v->ctrls[v->num_ctrls - 1];
    c->if_entry = entry;
    c->loop_pc = (uint32_t)(v->p - v->body);
    c->loop_st = v->num_branches;
    return true;
  }

  case OP_ELSE: {
    CtrlFrame c;
    if (v->ctrls[v->num_ctrls - 1].opcode != OP_IF)
      return malformed(v, in->at, "END opcode expected (else without if)");
    if (!pop_ctrl(v, &c))
      return false;
    /* The then-arm continues at the `end`; the false condition lands just
     * past this `else` and its entry. */
    uint32_t entry;
    if (!new_entry(v, &entry))
      return false;
    v->branches[entry] = (BranchEntry){c.pending, 0, c.height, 0};
    c.pending = entry + 1;
    v->branches[c.if_entry].target_pc = (uint32_t)(v->p - v->body);
    v->branches[c.if_entry].target_st = v->num_branches;
    c.if_entry = NO_ENTRY;
    c.opcode = OP_ELSE;
    c.unreachable = false;
    v->ctrls[v->num_ctrls++] = c; /* the slot just freed */
    return push_vals(v, c.params, c.num_params);
  }

  case OP_END: {
    CtrlFrame c;
    if (!pop_ctrl(v, &c))
      return false;
    /* An if without else: the missing arm passes its params on as results. */
    if (c.opcode == OP_IF &&
        (c.num_params != c.num_results || (c.num_params && memcmp(c.params, c.results, c.num_params) != 0)))
      return fail(v, in->at, "type mismatch in if without else (its params must be its results)");
    resolve_pending(v, &c, (uint32_t)(in->at - v->body));
    if (v->num_ctrls == 0)
      return true; /* the function's end */
    return push_vals(v, c.results, c.num_results);
  }

  case OP_BR:
  case OP_BR_IF:
    if (!check_label(v, in, in->a))
      return false;
    if (in->op == OP_BR_IF && !pop(v, VAL_I32, NULL))
      return false;
    label_types(label_frame(v, in->a), &types, &n);
    if (!pop_vals(v, types, n) || !emit_branch(v, in->a))
      return false;
    if (in->op == OP_BR) {
      set_unreachable(v);
      return true;
    }
    return push_vals(v, types, n);

  case OP_BR_TABLE:
    return check_br_table(v, in);

  case OP_RETURN:
    if (!pop_vals(v, functype_results(v->type), v->type->num_results))
      return false;
    set_unreachable(v);
    return true;

  case OP_CALL: {
    if (in->a >= v->m->num_funcs)
      return fail(v, in->at, "unknown function %u in call", in->a);
    const FuncType *t = module_func_type(v->m, in->a);
    return pop_vals(v, functype_params(t), t->num_params) && push_vals(v, functype_results(t), t->num_results);
  }

  case OP_CALL_INDIRECT: {
    if (!check_table(v, in, in->b))
      return false;
    if (in->a >= v->m->num_types)
      return fail(v, in->at, "unknown type %u in call_indirect", in->a);
    if (v->m->tables[in->b].elem_type != VAL_FUNCREF)
      return fail(v, in->at, "type mismatch in call_indirect (table %u is not a funcref table)", in->b);
    const FuncType *t = &v->m->types[in->a];
    return pop(v, VAL_I32, NULL) && pop_vals(v, functype_params(t), t->num_params) &&
           push_vals(v, functype_results(t), t->num_results);
  }
  }
  return malformed(v, in->at, "illegal opcode 0x%02x", in->op);
}

static bool check_variable(CodeValidator *v, const Instr *in)
{
  const Module *m = v->m;
  uint32_t x = in->a;
  if (in->op == OP_LOCAL_GET || in->op == OP_LOCAL_SET || in->op == OP_LOCAL_TEE) {
    if (x >= v->type->num_params + v->f->num_locals)
      return fail(v, in->at, "unknown local %u in %s", x, in->info->name);
    uint8_t t = v->f->local_types[x];
    if (in->op == OP_LOCAL_GET)
      return push(v, t);
    if (!pop(v, t, NULL))
      return false;
    return in->op == OP_LOCAL_TEE ? push(v, t) : true;
  }
  if (x >= m->num_globals)
    return fail(v, in->at, "unknown global %u in %s", x, in->info->name);
  const GlobalType *g = &m->global_types[x];
  if (in->op == OP_GLOBAL_GET)
    return push(v, g->type);
  if (!g->mutable_)
    return fail(v, in->at, "global is immutable: global %u in global.set", x);
  return pop(v, g->type, NULL);
}

static bool check_parametric(CodeValidator *v, const Instr *in)
{
  uint8_t t1 = 0, t2 = 0;
  switch (in->op) {
  case OP_DROP:
    return pop(v, TYPE_UNKNOWN, NULL);
  case OP_SELECT:
    if (!pop(v, VAL_I32, NULL) || !pop(v, TYPE_UNKNOWN, &t1) || !pop(v, TYPE_UNKNOWN, &t2))
      return false;
    /* Without a type, select picks between numbers only. */
    if ((t1 != TYPE_UNKNOWN && !valtype_is_num(t1)) || (t2 != TYPE_UNKNOWN && !valtype_is_num(t2)))
      return fail(v, in->at, "type mismatch in select (a %s operand needs a typed select)",
                  valtype_is_num(t1) ? type_name(t2) : type_name(t1));
    if (t1 != t2 && t1 != TYPE_UNKNOWN && t2 != TYPE_UNKNOWN)
      return type_mismatch(v, t1, t2);
    return push(v, t1 != TYPE_UNKNOWN ? t1 : t2);
  default: /* OP_SELECT_T */
    if (in->a != 1)
      return fail(v, in->at, "invalid result arity in select (%u types)", in->a);
    return pop(v, VAL_I32, NULL) && pop(v, in->type, NULL) && pop(v, in->type, NULL) && push(v, in->type);
  }
}

static bool check_reference(CodeValidator *v, const Instr *in)
{
  uint8_t t = 0;
  switch (in->op) {
  case OP_REF_NULL:
    return push(v, in->type);
  case OP_REF_IS_NULL:
    if (!pop(v, TYPE_UNKNOWN, &t))
      return false;
    if (t != TYPE_UNKNOWN && !valtype_is_ref(t))
      return fail(v, in->at, "type mismatch in ref.is_null (expected a reference, got %s)", type_name(t));
    return push(v, VAL_I32);
  default: /* OP_REF_FUNC */
    if (in->a >= v->m->num_funcs)
      return fail(v, in->at, "unknown function %u in ref.func", in->a);
    if (!(v->m->declared_funcs[in->a / 8] & (1u << (in->a % 8))))
      return fail(v, in->at, "undeclared function reference %u", in->a);
    return push(v, VAL_FUNCREF);
  }
}

static bool check_table_op(CodeValidator *v, const Instr *in)
{
  const Module *m = v->m;
  uint32_t x = in->a;
  uint8_t t;
  if (in->op == OP_TABLE_GET || in->op == OP_TABLE_SET) {
    if (!check_table(v, in, x))
      return false;
    t = m->tables[x].elem_type;
    if (in->op == OP_TABLE_GET)
      return pop(v, VAL_I32, NULL) && push(v, t);
    return pop(v, t, NULL) && pop(v, VAL_I32, NULL);
  }
  switch (in->fc) {
  case OP_FC_TABLE_INIT:
    if (!check_table(v, in, in->b) || !check_elem(v, in, in->a))
      return false;
    if (m->tables[in->b].elem_type != m->elems[in->a].elem_type)
      return fail(v, in->at, "type mismatch in table.init (a %s segment, a %s table)",
                  valtype_name(m->elems[in->a].elem_type), valtype_name(m->tables[in->b].elem_type));
    return apply_sig(v, "iii>");
  case OP_FC_ELEM_DROP:
    return check_elem(v, in, x);
  case OP_FC_TABLE_COPY:
    if (!check_table(v, in, in->a) || !check_table(v, in, in->b))
      return false;
    if (m->tables[in->a].elem_type != m->tables[in->b].elem_type)
      return fail(v, in->at, "type mismatch in table.copy (from a %s table to a %s table)",
                  valtype_name(m->tables[in->b].elem_type), valtype_name(m->tables[in->a].elem_type));
    return apply_sig(v, "iii>");
  case OP_FC_TABLE_GROW:
    if (!check_table(v, in, x))
      return false;
    return pop(v, VAL_I32, NULL) && pop(v, m->tables[x].elem_type, NULL) && push(v, VAL_I32);
  case OP_FC_TABLE_SIZE:
    return check_table(v, in, x) && push(v, VAL_I32);
  default: /* OP_FC_TABLE_FILL */
    if (!check_table(v, in, x))
      return false;
    return pop(v, VAL_I32, NULL) && pop(v, m->tables[x].elem_type, NULL) && pop(v, VAL_I32, NULL);
  }
}

static bool check_instr(CodeValidator *v, const Instr *in)
{
  v->in = in;
  if (in->op == OP_PREFIX_FC) {
    switch (in->fc) {
    case OP_FC_MEMORY_INIT:
      if (!check_memory(v, in) || !check_data(v, in, in->a))
        return false;
      break;
    case OP_FC_DATA_DROP:
      if (!check_data(v, in, in->a))
        return false;
      break;
    case OP_FC_MEMORY_COPY:
    case OP_FC_MEMORY_FILL:
      if (!check_memory(v, in))
        return false;
      break;
    case OP_FC_TABLE_INIT:
    case OP_FC_ELEM_DROP:
    case OP_FC_TABLE_COPY:
    case OP_FC_TABLE_GROW:
    case OP_FC_TABLE_SIZE:
    case OP_FC_TABLE_FILL:
      return check_table_op(v, in);
    default:
      break;
    }
    return apply_sig(v, in->info->sig);
  }

  switch (in->op) {
  case OP_UNREACHABLE: case OP_BLOCK: case OP_LOOP: case OP_IF: case OP_ELSE: case OP_END:
  case OP_BR: case OP_BR_IF: case OP_BR_TABLE: case OP_RETURN: case OP_CALL: case OP_CALL_INDIRECT:
    return check_control(v, in);
  case OP_DROP: case OP_SELECT: case OP_SELECT_T:
    return check_parametric(v, in);
  case OP_LOCAL_GET: case OP_LOCAL_SET: case OP_LOCAL_TEE: case OP_GLOBAL_GET: case OP_GLOBAL_SET:
    return check_variable(v, in);
  case OP_TABLE_GET: case OP_TABLE_SET:
    return check_table_op(v, in);
  case OP_REF_NULL: case OP_REF_IS_NULL: case OP_REF_FUNC:
    return check_reference(v, in);
  case OP_MEMORY_SIZE: case OP_MEMORY_GROW:
    if (!check_memory(v, in))
      return false;
    break;
  default:
    if (in->info->imm == IMM_MEMARG) {
      if (!check_memory(v, in))
        return false;
      uint32_t natural = natural_alignment(in->op);
      if (in->a > natural)
        return fail(v, in->at, "alignment must not be larger than natural in %s (2**%u bytes, natural %u)",
                    in->info->name, in->a, 1u << natural);
    }
    break;
  }
  if (!in->info->sig[0])
    return malformed(v, in->at, "illegal opcode 0x%02x", in->op);
  return apply_sig(v, in->info->sig);
}

/* ---- functions ----------------------------------------------------------- */

static void begin_function(CodeValidator *v, uint32_t func_index, char *error, uint32_t error_size)
{
  Module *m = v->m;
  v->func_index = func_index;
  v->f = &m->funcs[func_index - m->num_imported_funcs];
  v->type = &m->types[v->f->type_index];
  v->body = v->p = v->f->body;
  v->end = v->f->end;
  v->error = error;
  v->error_size = error_size;
  v->malformed = false;
  v->in = NULL;
  v->num_vals = v->max_vals = 0;
  v->num_ctrls = 0;
  v->num_branches = 0;
}

static bool has_v128(const uint8_t *types, uint32_t n)
{
  return n && memchr(types, VAL_V128, n) != NULL;
}

bool validate_function(CodeValidator *v, uint32_t func_index, char *error, uint32_t error_size,
                       bool *is_malformed)
{
  begin_function(v, func_index, error, error_size);
  FuncDef *f = v->f;
  const FuncType *type = v->type;
  uint32_t num_locals = type->num_params + f->num_locals;
  *is_malformed = false;

  /* Until SIMD lands, no slot can hold a v128. */
  if (has_v128(f->local_types, num_locals) || has_v128(functype_results(type), type->num_results))
    return fail(v, v->body, "SIMD instructions are not supported yet (v128 locals or results)");

  /* The function's own frame: its label is the final `end`. */
  static const Instr entry_instr = {.info = &opcode_info[OP_END], .op = OP_END};
  v->in = &entry_instr;
  if (!push_ctrl(v, OP_END, NULL, 0, functype_results(type), type->num_results))
    return false;

  Instr *in = &v->current;
  while (v->num_ctrls > 0) {
    if (!decode_instr(v, in) || !check_instr(v, in)) {
      *is_malformed = v->malformed;
      return false;
    }
  }
  /* The decoder saw an `end` as the last byte, but the instructions ended
   * at an earlier one. */
  if (v->p != v->end) {
    *is_malformed = true;
    return malformed(v, v->p, "section size mismatch (code after the function's end)");
  }

  BranchEntry *branches = NULL;
  if (v->num_branches) {
    branches = malloc((size_t)v->num_branches * sizeof *branches);
    if (!branches)
      return out_of_memory(v);
    memcpy(branches, v->branches, (size_t)v->num_branches * sizeof *branches);
  }
  free(f->branches);
  f->branches = branches;
  f->num_branches = v->num_branches;
  f->local_slots = num_locals;
  f->max_stack = v->max_vals;
  f->validated = true;
  return true;
}

bool scan_function(CodeValidator *v, uint32_t func_index, char *error, uint32_t error_size)
{
  begin_function(v, func_index, error, error_size);
  /* The open blocks' kinds, so `else` and the final `end` are placed right. */
  uint64_t depth = 0;
  Instr *in = &v->current;
  if (!grow((void **)&v->scratch, &v->scratch_cap, 1, 1))
    return out_of_memory(v);
  v->scratch[depth++] = OP_END;
  while (depth > 0) {
    if (!decode_instr(v, in))
      return false;
    switch (in->op) {
    case OP_BLOCK:
    case OP_LOOP:
    case OP_IF:
      if (!grow((void **)&v->scratch, &v->scratch_cap, depth + 1, 1))
        return out_of_memory(v);
      v->scratch[depth++] = in->op;
      break;
    case OP_ELSE:
      if (v->scratch[depth - 1] != OP_IF)
        return malformed(v, in->at, "END opcode expected (else without if)");
      v->scratch[depth - 1] = OP_ELSE;
      break;
    case OP_END:
      depth--;
      break;
    default:
      break;
    }
  }
  if (v->p != v->end)
    return malformed(v, v->p, "section size mismatch (code after the function's end)");
  return true;
}
