/*
 * wat_instr.c -- instructions of the text format, plain and folded, to
 * binary code.
 *
 * Instruction names and immediate kinds come from the one opcode table
 * (opcodes.def, opcodes_simd.def); this file only knows how each immediate
 * kind is written in text.  Structured instructions (block, loop, if) and
 * the few with special text forms (select, v128.const) are handled by hand.
 */
#include "wat.h"

#include <pthread.h>
#include <string.h>

#include "../common/opcodes.h"

/* ---- the instruction names ---- */

/* Immediate kinds only SIMD instructions have (opcodes_simd.def), numbered
 * after ImmKind's so one switch reads both tables. */
enum {
  IMM_V128 = 64,   /* 16 bytes */
  IMM_LANE,        /* a lane index byte */
  IMM_SHUFFLE,     /* 16 lane index bytes */
  IMM_MEMARG_LANE, /* memarg, then a lane index byte */
};

typedef struct OpEntry {
  const char *name;
  uint8_t prefix; /* 0, 0xFC or 0xFD */
  uint8_t imm;    /* ImmKind */
  uint32_t code;
} OpEntry;

static const OpEntry op_list[] = {
#define OP(sym, code, name, imm, sig) {name, 0, IMM_##imm, code},
#define OP_FC(sym, code, name, imm, sig) {name, 0xFC, IMM_##imm, code},
#include "../common/opcodes.def"
#define OP_FD(sym, code, name, imm, sig) {name, 0xFD, IMM_##imm, code},
#include "../common/opcodes_simd.def"
};

#define OP_COUNT (sizeof op_list / sizeof op_list[0])
#define OP_SLOTS 1024 /* power of two, over twice OP_COUNT */

_Static_assert(OP_SLOTS > 2 * OP_COUNT, "opcode hash table too full");

static const OpEntry *op_slots[OP_SLOTS];
static pthread_once_t op_once = PTHREAD_ONCE_INIT;

static uint32_t hash_bytes(const char *s, size_t n)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < n; i++)
    h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

static void op_table_init(void)
{
  for (size_t i = 0; i < OP_COUNT; i++) {
    const OpEntry *e = &op_list[i];
    /* select appears twice (0x1B, and 0x1C with types): the name maps to
     * the plain one; the typed form is chosen by its (result) lists. */
    if (e->prefix == 0 && e->code == OP_SELECT_T)
      continue;
    uint32_t h = hash_bytes(e->name, strlen(e->name)) & (OP_SLOTS - 1);
    while (op_slots[h])
      h = (h + 1) & (OP_SLOTS - 1);
    op_slots[h] = e;
  }
}

static const OpEntry *op_lookup(const Token *t)
{
  pthread_once(&op_once, op_table_init);
  uint32_t h = hash_bytes(t->text, t->len) & (OP_SLOTS - 1);
  for (; op_slots[h]; h = (h + 1) & (OP_SLOTS - 1)) {
    const char *n = op_slots[h]->name;
    if (strlen(n) == t->len && memcmp(n, t->text, t->len) == 0)
      return op_slots[h];
  }
  return NULL;
}

/* Keywords of the text format that are not instructions.  The reference
 * lexer knows them, so one where an instruction should be is a syntax error
 * ("unexpected token"); any other keyword is "unknown operator". */
static const char *const structure_keywords[] = {
  "module", "func", "param", "result", "local", "type", "import", "export", "table",
  "memory", "global", "elem", "data", "start", "offset", "item", "declare", "mut",
  "then", "else", "end", "funcref", "externref", "i32", "i64", "f32", "f64", "v128",
  "ref", "extern", "nan:arithmetic", "nan:canonical", "binary", "quote", "register",
  "invoke", "get", "i8", "i16", "shared", NULL,
};

bool text_keyword_known(const Token *t)
{
  if (t->kind != TOKEN_KEYWORD)
    return false;
  for (size_t i = 0; structure_keywords[i]; i++)
    if (token_is(t, structure_keywords[i]))
      return true;
  /* offset=N, align=N, and the float words inf, nan, nan:0x... */
  static const char *const prefixes[] = {"offset=", "align=", "inf", "nan"};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (t->len >= strlen(prefixes[i]) && memcmp(t->text, prefixes[i], strlen(prefixes[i])) == 0)
      return true;
  return op_lookup(t) != NULL || token_is(t, "block") || token_is(t, "loop") || token_is(t, "if");
}

/* An instruction keyword that names no instruction. */
static _Noreturn void unknown_instr(TextContext *c, const SExpr *e)
{
  if (text_keyword_known(&e->tok))
    text_fail_at(c, e, "unexpected token");
  text_fail_at(c, e, "unknown operator %.*s", (int)(e->tok.len > 40 ? 40 : e->tok.len), e->tok.text);
}

static void write_opcode(ByteBuf *out, uint8_t prefix, uint32_t code)
{
  if (prefix) {
    buf_byte(out, prefix);
    buf_u32(out, code);
  } else {
    buf_byte(out, (uint8_t)code);
  }
}

/* ---- labels ---- */

static void push_label(WatFunc *f, const Token *label)
{
  if (f->num_labels == f->cap_labels) {
    uint32_t cap = f->cap_labels ? f->cap_labels * 2 : 16;
    f->labels = text_grow(f->m->c, f->labels, f->num_labels * sizeof *f->labels, cap * sizeof *f->labels);
    f->cap_labels = cap;
  }
  f->labels[f->num_labels++] = label;
}

static bool same_id(const Token *a, const Token *b) { return a->len == b->len && memcmp(a->text, b->text, a->len) == 0; }

static uint32_t label_index(WatFunc *f, const SExpr *e)
{
  if (e->tok.kind == TOKEN_NUMBER)
    return wat_number_index(f->m->c, e);
  for (uint32_t i = f->num_labels; i-- > 0;)
    if (f->labels[i] && same_id(f->labels[i], &e->tok))
      return f->num_labels - 1 - i;
  text_fail_at(f->m->c, e, "unknown label %.*s", (int)e->tok.len, e->tok.text);
}

static uint32_t next_label(WatFunc *f, Cursor *cur)
{
  SExpr *e = cursor_next(f->m->c, cur);
  if (!wat_is_index(e))
    text_unexpected(f->m->c, e);
  return label_index(f, e);
}

/* `end $l` / `else $l` must repeat the block's label. */
static void check_end_label(WatFunc *f, Cursor *cur, const Token *label)
{
  SExpr *e = cursor_peek(cur);
  if (!e || e->is_list || e->tok.kind != TOKEN_ID)
    return;
  cur->pos++;
  if (!label || !same_id(label, &e->tok))
    text_fail_at(f->m->c, e, "mismatching label");
}

/* ---- immediates ---- */

static uint32_t next_index(WatFunc *f, Cursor *cur, Space space)
{
  SExpr *e = cursor_next(f->m->c, cur);
  if (!wat_is_index(e))
    text_unexpected(f->m->c, e);
  return wat_index(f->m, e, space);
}

static uint32_t optional_index(WatFunc *f, Cursor *cur, Space space)
{
  SExpr *e = cursor_peek(cur);
  if (!wat_is_index(e))
    return 0;
  cur->pos++;
  return wat_index(f->m, e, space);
}

static uint32_t local_index(WatFunc *f, Cursor *cur)
{
  SExpr *e = cursor_next(f->m->c, cur);
  if (!wat_is_index(e))
    text_unexpected(f->m->c, e);
  if (e->tok.kind == TOKEN_NUMBER)
    return wat_number_index(f->m->c, e);
  uint32_t v;
  if (!names_find(&f->locals, &e->tok, &v))
    text_fail_at(f->m->c, e, "unknown local %.*s", (int)e->tok.len, e->tok.text);
  return v;
}

/* Bytes accessed by a load or store, read from its name: i64.load32_u is 4,
 * v128.load8x8_s is 8, i32.store is 4, v128.load is 16. */
static uint32_t natural_alignment(const char *name)
{
  const char *p = strstr(name, "load");
  p = p ? p + 4 : strstr(name, "store") + 5;
  unsigned bits = 0;
  while (*p >= '0' && *p <= '9')
    bits = bits * 10 + (unsigned)(*p++ - '0');
  if (*p == 'x')
    return 8; /* v128.loadMxN_s reads 64 bits */
  if (bits)
    return bits / 8;
  if (strncmp(name, "v128", 4) == 0)
    return 16;
  return name[1] == '6' ? 8 : 4;
}

static unsigned log2_of(uint64_t v)
{
  unsigned n = 0;
  while (v > 1) {
    v >>= 1;
    n++;
  }
  return n;
}

static void memarg(WatFunc *f, Cursor *cur, const OpEntry *op, ByteBuf *out)
{
  TextContext *c = f->m->c;
  uint64_t offset = 0, align = natural_alignment(op->name);
  SExpr *e = cursor_peek(cur);
  if (e && !e->is_list && e->tok.kind == TOKEN_KEYWORD && e->tok.len > 7 && memcmp(e->tok.text, "offset=", 7) == 0) {
    Token v = e->tok;
    v.text += 7;
    v.len -= 7;
    v.kind = TOKEN_NUMBER;
    if (!text_parse_u64(&v, &offset))
      text_fail_at(c, e, "unknown operator");
    if (offset > UINT32_MAX)
      text_fail_at(c, e, "i32 constant out of range");
    cur->pos++;
    e = cursor_peek(cur);
  }
  if (e && !e->is_list && e->tok.kind == TOKEN_KEYWORD && e->tok.len > 6 && memcmp(e->tok.text, "align=", 6) == 0) {
    Token v = e->tok;
    v.text += 6;
    v.len -= 6;
    v.kind = TOKEN_NUMBER;
    if (!text_parse_u64(&v, &align))
      text_fail_at(c, e, "unknown operator");
    if (align == 0 || (align & (align - 1)) != 0)
      text_fail_at(c, e, "alignment must be a power of two");
    cur->pos++;
  }
  buf_u32(out, log2_of(align));
  buf_u32(out, (uint32_t)offset);
}

static void int_immediate(WatFunc *f, Cursor *cur, unsigned bits, ByteBuf *out)
{
  SExpr *e = cursor_next(f->m->c, cur);
  if (e->is_list || (e->tok.kind != TOKEN_NUMBER && e->tok.kind != TOKEN_KEYWORD))
    text_unexpected(f->m->c, e);
  uint64_t v;
  NumStatus s = text_parse_int(&e->tok, bits, &v);
  if (s == NUM_RANGE)
    text_fail_at(f->m->c, e, "constant out of range");
  if (s != NUM_OK && text_keyword_known(&e->tok))
    text_fail_at(f->m->c, e, "unexpected token");
  if (s != NUM_OK)
    text_fail_at(f->m->c, e, "unknown operator");
  if (bits == 32)
    buf_s32(out, (int32_t)(uint32_t)v);
  else
    buf_s64(out, (int64_t)v);
}

static void float_immediate(WatFunc *f, Cursor *cur, unsigned bits, ByteBuf *out)
{
  SExpr *e = cursor_next(f->m->c, cur);
  if (e->is_list)
    text_unexpected(f->m->c, e);
  NumStatus s;
  if (bits == 32) {
    uint32_t v;
    s = text_parse_f32(&e->tok, &v);
    if (s == NUM_OK)
      buf_fixed32(out, v);
  } else {
    uint64_t v;
    s = text_parse_f64(&e->tok, &v);
    if (s == NUM_OK)
      buf_fixed64(out, v);
  }
  if (s == NUM_RANGE)
    text_fail_at(f->m->c, e, "constant out of range");
  /* NaN patterns belong to scripts, not to modules */
  if (s != NUM_OK && (token_is(&e->tok, "nan:arithmetic") || token_is(&e->tok, "nan:canonical")))
    text_fail_at(f->m->c, e, "unexpected token");
  if (s != NUM_OK)
    text_fail_at(f->m->c, e, "unknown operator");
}

/* A literal as the reference lexer sees one: NAT (no sign, integer syntax). */
static bool token_is_nat(const Token *t)
{
  if (t->kind != TOKEN_NUMBER || t->text[0] == '+' || t->text[0] == '-')
    return false;
  bool hex = t->len > 2 && t->text[0] == '0' && (t->text[1] == 'x' || t->text[1] == 'X');
  for (uint32_t i = 0; i < t->len; i++) {
    char ch = t->text[i];
    if (ch == '.' || (!hex && (ch == 'e' || ch == 'E')) || (hex && (ch == 'p' || ch == 'P')))
      return false;
  }
  return true;
}

/* A number-like atom: what a lane literal or a shuffle index may be. */
static bool is_literal(const SExpr *e)
{
  if (!e || e->is_list)
    return false;
  if (e->tok.kind == TOKEN_NUMBER || e->tok.kind == TOKEN_RESERVED)
    return true;
  return e->tok.kind == TOKEN_KEYWORD && e->tok.len >= 3 &&
         (memcmp(e->tok.text, "inf", 3) == 0 || memcmp(e->tok.text, "nan", 3) == 0);
}

/* extract_lane/replace_lane and the memory lane instructions take a NAT:
 * anything else there is a syntax error, a NAT past 255 malformed. */
static uint8_t lane_index(WatFunc *f, Cursor *cur)
{
  SExpr *e = cursor_next(f->m->c, cur);
  uint32_t v;
  if (e->is_list || !token_is_nat(&e->tok))
    text_fail_at(f->m->c, e, "unexpected token");
  if (!text_parse_u32(&e->tok, &v) || v > 255)
    text_fail_at(f->m->c, e, "malformed lane index");
  return (uint8_t)v;
}

/* i8x16.shuffle takes 16 numbers, each a NAT below 256. */
static uint8_t shuffle_index(WatFunc *f, Cursor *cur)
{
  SExpr *e = cursor_next(f->m->c, cur);
  uint32_t v;
  if (!token_is_nat(&e->tok) || !text_parse_u32(&e->tok, &v) || v > 255)
    text_fail_at(f->m->c, e, "malformed lane index");
  return (uint8_t)v;
}

/* v128.const SHAPE lane*: i8x16, i16x8, i32x4, i64x2, f32x4, f64x2. */
static void v128_const(WatFunc *f, Cursor *cur, ByteBuf *out)
{
  TextContext *c = f->m->c;
  SExpr *shape = cursor_next(c, cur);
  static const char *const shapes[] = {"i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"};
  int k = -1;
  for (int i = 0; i < 6; i++)
    if (sexpr_is_atom(shape, shapes[i]))
      k = i;
  if (k < 0)
    text_unexpected(c, shape);
  static const unsigned lane_bits[] = {8, 16, 32, 64, 32, 64};
  unsigned bits = lane_bits[k], lanes = 128 / bits;
  /* The count is checked before any value, as the reference parser does;
   * a reserved token among them is a lexical error, found first. */
  unsigned count = 0;
  while (cur->pos + count < cur->count && is_literal(&cur->items[cur->pos + count])) {
    if (count < lanes && cur->items[cur->pos + count].tok.kind == TOKEN_RESERVED)
      text_fail_at(c, &cur->items[cur->pos + count], "unknown operator");
    count++;
  }
  if (count != lanes) {
    if (cur->pos + count < cur->count && count < lanes)
      text_fail_at(c, &cur->items[cur->pos + count], "wrong number of lane literals");
    if (count < lanes)
      text_fail(c, cur->owner->end_line, cur->owner->end_col, "wrong number of lane literals");
    text_fail_at(c, &cur->items[cur->pos + lanes], "wrong number of lane literals");
  }
  for (unsigned i = 0; i < lanes; i++) {
    SExpr *e = cursor_peek(cur);
    if (k >= 4) {
      float_immediate(f, cur, bits, out);
      continue;
    }
    cur->pos++;
    uint64_t v;
    NumStatus s = text_parse_int(&e->tok, bits, &v);
    if (s == NUM_RANGE)
      text_fail_at(c, e, "constant out of range");
    if (s != NUM_OK)
      text_fail_at(c, e, "unknown operator");
    for (unsigned b = 0; b < bits / 8; b++)
      buf_byte(out, (uint8_t)(v >> (8 * b)));
  }
}

static void block_type(WatFunc *f, Cursor *cur, ByteBuf *out)
{
  TypeUse use = wat_type_use(f->m, cur, NULL, false, false);
  if (!use.has_type && use.num_params == 0 && use.num_results <= 1) {
    buf_byte(out, use.num_results ? use.types[0] : 0x40);
    return;
  }
  if (!use.has_type)
    use.index = wat_intern_type(f->m, use.types, use.num_params, use.num_results);
  buf_s64(out, use.index);
}

/* The opcode and immediates of one non-structured instruction. */
static void instr_immediates(WatFunc *f, Cursor *cur, const SExpr *at, const OpEntry *op, ByteBuf *out)
{
  TextContext *c = f->m->c;
  if (op->prefix == 0 && op->code == OP_SELECT) {
    /* select (result t*)* is the typed form */
    uint8_t types[64];
    uint32_t n = 0;
    bool typed = false;
    for (SExpr *e; (e = cursor_peek(cur)) && sexpr_is_list(e, "result"); cur->pos++) {
      typed = true;
      Cursor r = cursor_of(e, 1);
      while (!cursor_done(&r)) {
        uint8_t t = wat_valtype(f->m, &r);
        if (n == sizeof types)
          text_fail_at(c, e, "too many select types");
        types[n++] = t;
      }
    }
    if (!typed) {
      buf_byte(out, OP_SELECT);
      return;
    }
    buf_byte(out, OP_SELECT_T);
    buf_u32(out, n);
    buf_bytes(out, types, n);
    return;
  }
  write_opcode(out, op->prefix, op->code);
  switch (op->imm) {
  case IMM_NONE:
    break;
  case IMM_BLOCKTYPE: /* structured instructions never get here */
    text_unexpected(c, at);
  case IMM_LABEL:
    buf_u32(out, next_label(f, cur));
    break;
  case IMM_BR_TABLE: {
    uint32_t labels[256], n = 0;
    uint32_t *all = labels, cap = 256;
    while (wat_is_index(cursor_peek(cur))) {
      if (n == cap) {
        uint32_t *bigger = text_alloc(c, cap * 2 * sizeof *all);
        memcpy(bigger, all, n * sizeof *all);
        all = bigger;
        cap *= 2;
      }
      all[n++] = label_index(f, &cur->items[cur->pos++]);
    }
    if (n == 0)
      text_unexpected(c, cursor_peek(cur) ? cursor_peek(cur) : at);
    buf_u32(out, n - 1);
    for (uint32_t i = 0; i < n; i++)
      buf_u32(out, all[i]);
    break;
  }
  case IMM_FUNC:
    buf_u32(out, next_index(f, cur, SPACE_FUNC));
    break;
  case IMM_CALL_INDIRECT: {
    uint32_t table = optional_index(f, cur, SPACE_TABLE);
    TypeUse use = wat_type_use(f->m, cur, NULL, false, true);
    buf_u32(out, use.index);
    buf_u32(out, table);
    break;
  }
  case IMM_LOCAL:
    buf_u32(out, local_index(f, cur));
    break;
  case IMM_GLOBAL:
    buf_u32(out, next_index(f, cur, SPACE_GLOBAL));
    break;
  case IMM_TABLE:
    buf_u32(out, optional_index(f, cur, SPACE_TABLE));
    break;
  case IMM_MEMARG:
    memarg(f, cur, op, out);
    break;
  case IMM_MEMORY:
    buf_byte(out, 0);
    break;
  case IMM_I32:
    int_immediate(f, cur, 32, out);
    break;
  case IMM_I64:
    int_immediate(f, cur, 64, out);
    break;
  case IMM_F32:
    float_immediate(f, cur, 32, out);
    break;
  case IMM_F64:
    float_immediate(f, cur, 64, out);
    break;
  case IMM_SELECT_T:
    break;
  case IMM_REFTYPE: {
    SExpr *e = cursor_next(c, cur);
    if (sexpr_is_atom(e, "func"))
      buf_byte(out, 0x70);
    else if (sexpr_is_atom(e, "extern"))
      buf_byte(out, 0x6F);
    else
      text_unexpected(c, e);
    break;
  }
  case IMM_DATA:
    f->m->uses_data_count = true;
    buf_u32(out, next_index(f, cur, SPACE_DATA));
    break;
  case IMM_DATA_MEMORY:
    f->m->uses_data_count = true;
    buf_u32(out, next_index(f, cur, SPACE_DATA));
    buf_byte(out, 0);
    break;
  case IMM_MEMORY_MEMORY:
    buf_byte(out, 0);
    buf_byte(out, 0);
    break;
  case IMM_ELEM:
    buf_u32(out, next_index(f, cur, SPACE_ELEM));
    break;
  case IMM_ELEM_TABLE: {
    /* table.init x? y: with two indices the first is the table */
    SExpr *first = cursor_next(c, cur);
    if (!wat_is_index(first))
      text_unexpected(c, first);
    if (wat_is_index(cursor_peek(cur))) {
      uint32_t table = wat_index(f->m, first, SPACE_TABLE);
      buf_u32(out, next_index(f, cur, SPACE_ELEM));
      buf_u32(out, table);
    } else {
      buf_u32(out, wat_index(f->m, first, SPACE_ELEM));
      buf_u32(out, 0);
    }
    break;
  }
  case IMM_TABLE_TABLE: {
    uint32_t dst = 0, src = 0;
    if (wat_is_index(cursor_peek(cur))) {
      dst = next_index(f, cur, SPACE_TABLE);
      src = next_index(f, cur, SPACE_TABLE);
    }
    buf_u32(out, dst);
    buf_u32(out, src);
    break;
  }
  case IMM_V128:
    v128_const(f, cur, out);
    break;
  case IMM_LANE:
    buf_byte(out, lane_index(f, cur));
    break;
  case IMM_SHUFFLE:
    for (int i = 0; i < 16; i++) {
      SExpr *e = cursor_peek(cur);
      if (!e)
        text_fail(c, cur->owner->end_line, cur->owner->end_col, "invalid lane length");
      if (e->is_list)
        text_fail_at(c, e, "invalid lane length");
      buf_byte(out, shuffle_index(f, cur));
    }
    if (is_literal(cursor_peek(cur)))
      text_fail_at(c, cursor_peek(cur), "invalid lane length");
    break;
  case IMM_MEMARG_LANE:
    memarg(f, cur, op, out);
    buf_byte(out, lane_index(f, cur));
    break;
  }
}

/* ---- instructions ---- */

/* The instruction parser nests without recursion on the C stack, so text
 * nests as deep as the binary format allows: each open construct is a
 * frame on an explicit stack, and the loop in wat_instrs steps the top one.
 *
 *   SEQ          instr* until the cursor ends (end/else are errors)
 *   PLAIN_BLOCK  block/loop/if ... end, reading its parent's cursor
 *   FOLDED_OP    (op imm* folded*): the operands, then the op's bytes
 *   FOLDED_BLOCK (block/loop label? bt instr*)
 *   FOLDED_IF    (if label? bt folded* (then instr*) (else instr*)?)
 */
typedef enum FrameKind { FRAME_SEQ, FRAME_PLAIN_BLOCK, FRAME_FOLDED_OP, FRAME_FOLDED_BLOCK, FRAME_FOLDED_IF } FrameKind;

enum { STAGE_BODY, STAGE_ELSE_BODY, STAGE_COND, STAGE_THEN, STAGE_ELSE, STAGE_FINISH };

#define CALLER_CURSOR UINT32_MAX     /* the cursor wat_instrs was given */
#define OWN_CURSOR (UINT32_MAX - 1) /* push_frame: the frame's own */

typedef struct Frame {
  FrameKind kind;
  uint8_t stage;
  uint8_t opcode;
  uint32_t cursor_of; /* whose `own` cursor this frame reads, or CALLER_CURSOR */
  Cursor own;
  const SExpr *kw;    /* the block keyword (plain blocks) */
  const Token *label;
  ByteBuf bytes;      /* FOLDED_OP: the operation; FOLDED_IF: its head */
  size_t mark, body;  /* PLAIN_BLOCK: where an empty else is cut */
} Frame;

typedef struct Parser {
  WatFunc *f;
  Cursor *caller;
  ByteBuf *out;
  Frame *frames;
  uint32_t num, cap;
} Parser;

static Cursor *frame_cursor(Parser *p, const Frame *fr)
{
  return fr->cursor_of == CALLER_CURSOR ? p->caller : &p->frames[fr->cursor_of].own;
}

static Frame *push_frame(Parser *p, FrameKind kind, uint32_t cursor_of)
{
  if (p->num == p->cap) {
    uint32_t cap = p->cap ? 2 * p->cap : 32;
    p->frames = text_grow(p->f->m->c, p->frames, p->cap * sizeof *p->frames, cap * sizeof *p->frames);
    p->cap = cap;
  }
  Frame *fr = &p->frames[p->num];
  memset(fr, 0, sizeof *fr);
  fr->kind = kind;
  fr->cursor_of = cursor_of == OWN_CURSOR ? p->num : cursor_of;
  p->num++;
  return fr;
}

static bool at_keyword(Cursor *cur, const char *kw)
{
  SExpr *e = cursor_peek(cur);
  return e && sexpr_is_atom(e, kw);
}

/* A folded instruction: opens its frame (its operands come next). */
static void open_folded(Parser *p, SExpr *list)
{
  WatFunc *f = p->f;
  TextContext *c = f->m->c;
  if (list->count == 0)
    text_fail(c, list->end_line, list->end_col, "unexpected token");
  SExpr *kw = &list->items[0];
  if (kw->is_list || kw->tok.kind != TOKEN_KEYWORD) {
    if (!kw->is_list && (kw->tok.kind == TOKEN_NUMBER || kw->tok.kind == TOKEN_RESERVED))
      text_fail_at(c, kw, "unknown operator");
    text_unexpected(c, kw);
  }
  uint8_t opcode = token_is(&kw->tok, "block") ? OP_BLOCK
                   : token_is(&kw->tok, "loop") ? OP_LOOP
                   : token_is(&kw->tok, "if")   ? OP_IF
                                                : 0;
  Frame *fr = push_frame(p, opcode == 0 ? FRAME_FOLDED_OP : opcode == OP_IF ? FRAME_FOLDED_IF : FRAME_FOLDED_BLOCK,
                         OWN_CURSOR);
  fr->own = cursor_of(list, 1);
  fr->bytes = buf_new(c);
  fr->opcode = opcode;
  if (opcode == 0) {
    const OpEntry *op = op_lookup(&kw->tok);
    if (!op || op->imm == IMM_BLOCKTYPE || (op->prefix == 0 && (op->code == OP_ELSE || op->code == OP_END)))
      unknown_instr(c, kw);
    /* immediates come first in the text but the operation last in the code */
    instr_immediates(f, &fr->own, kw, op, &fr->bytes);
    return;
  }
  fr->label = cursor_id(&fr->own);
  buf_byte(&fr->bytes, opcode);
  block_type(f, &fr->own, &fr->bytes);
  if (opcode != OP_IF) {
    push_label(f, fr->label);
    buf_append(p->out, &fr->bytes);
    fr->stage = STAGE_BODY;
  } else {
    /* the condition is evaluated outside the if's own label */
    fr->stage = STAGE_COND;
  }
}

/* One instruction from `cur` (read by frame `reader`): plain ones are
 * written at once, blocks and folded ones open a frame. */
static void step_instr(Parser *p, uint32_t reader)
{
  WatFunc *f = p->f;
  TextContext *c = f->m->c;
  Cursor *cur = frame_cursor(p, &p->frames[reader]);
  uint32_t cursor_owner = p->frames[reader].cursor_of;
  SExpr *e = cursor_next(c, cur);
  if (e->is_list) {
    open_folded(p, e);
    return;
  }
  if (e->tok.kind != TOKEN_KEYWORD) {
    if (e->tok.kind == TOKEN_NUMBER || e->tok.kind == TOKEN_RESERVED)
      text_fail_at(c, e, "unknown operator");
    text_unexpected(c, e);
  }
  uint8_t opcode = token_is(&e->tok, "block") ? OP_BLOCK
                   : token_is(&e->tok, "loop") ? OP_LOOP
                   : token_is(&e->tok, "if")   ? OP_IF
                                               : 0;
  if (opcode) {
    Frame *fr = push_frame(p, FRAME_PLAIN_BLOCK, cursor_owner);
    cur = frame_cursor(p, fr);
    fr->kw = e;
    fr->opcode = opcode;
    fr->label = cursor_id(cur);
    buf_byte(p->out, opcode);
    block_type(f, cur, p->out);
    push_label(f, fr->label);
    fr->stage = STAGE_BODY;
    return;
  }
  const OpEntry *op = op_lookup(&e->tok);
  if (!op || op->imm == IMM_BLOCKTYPE || (op->prefix == 0 && (op->code == OP_ELSE || op->code == OP_END)))
    unknown_instr(c, e);
  instr_immediates(f, cur, e, op, p->out);
}

/* Steps the top frame once. */
static void step(Parser *p)
{
  WatFunc *f = p->f;
  TextContext *c = f->m->c;
  uint32_t top = p->num - 1;
  Frame *fr = &p->frames[top];
  Cursor *cur = frame_cursor(p, fr);
  SExpr *e;
  switch (fr->kind) {
  case FRAME_SEQ:
    if (cursor_done(cur)) {
      p->num--;
      return;
    }
    e = cursor_peek(cur);
    if (sexpr_is_atom(e, "end") || sexpr_is_atom(e, "else"))
      text_unexpected(c, e);
    step_instr(p, top);
    return;

  case FRAME_PLAIN_BLOCK:
    if (!cursor_done(cur) && !at_keyword(cur, "end") && !at_keyword(cur, "else")) {
      step_instr(p, top);
      return;
    }
    if (fr->stage == STAGE_BODY && fr->opcode == OP_IF && at_keyword(cur, "else")) {
      cur->pos++;
      check_end_label(f, cur, fr->label);
      fr->mark = p->out->size;
      buf_byte(p->out, OP_ELSE);
      fr->body = p->out->size;
      fr->stage = STAGE_ELSE_BODY;
      return;
    }
    if (fr->stage == STAGE_ELSE_BODY && p->out->size == fr->body)
      p->out->size = fr->mark; /* an empty else is left out, as wat2wasm does */
    if (!at_keyword(cur, "end")) {
      if (cursor_done(cur))
        text_fail(c, cur->owner->end_line, cur->owner->end_col, "unexpected token, expected end");
      text_unexpected(c, cursor_peek(cur));
    }
    cur->pos++;
    check_end_label(f, cur, fr->label);
    buf_byte(p->out, OP_END);
    f->num_labels--;
    p->num--;
    return;

  case FRAME_FOLDED_OP:
    if (cursor_done(cur)) {
      buf_append(p->out, &fr->bytes);
      p->num--;
      return;
    }
    e = cursor_next(c, cur);
    if (!e->is_list)
      text_unexpected(c, e);
    open_folded(p, e);
    return;

  case FRAME_FOLDED_BLOCK:
    if (fr->stage == STAGE_BODY) {
      fr->stage = STAGE_FINISH;
      push_frame(p, FRAME_SEQ, top);
      return;
    }
    buf_byte(p->out, OP_END);
    f->num_labels--;
    p->num--;
    return;

  case FRAME_FOLDED_IF:
    switch (fr->stage) {
    case STAGE_COND:
      e = cursor_peek(cur);
      if (!e)
        text_fail(c, cur->owner->end_line, cur->owner->end_col, "unexpected token, expected (then ...)");
      cur->pos++;
      if (!sexpr_is_list(e, "then")) {
        if (!e->is_list)
          text_unexpected(c, e);
        open_folded(p, e);
        return;
      }
      push_label(f, fr->label);
      buf_append(p->out, &fr->bytes);
      fr->stage = STAGE_THEN;
      {
        Frame *seq = push_frame(p, FRAME_SEQ, OWN_CURSOR);
        seq->own = cursor_of(e, 1);
      }
      return;
    case STAGE_THEN:
      fr->stage = STAGE_FINISH;
      if ((e = cursor_peek(cur)) && sexpr_is_list(e, "else")) {
        cur->pos++;
        Cursor else_items = cursor_of(e, 1);
        if (!cursor_done(&else_items)) {
          buf_byte(p->out, OP_ELSE);
          Frame *seq = push_frame(p, FRAME_SEQ, OWN_CURSOR);
          seq->own = else_items;
        }
      }
      return;
    default:
      cursor_expect_end(c, cur);
      buf_byte(p->out, OP_END);
      f->num_labels--;
      p->num--;
      return;
    }
  }
}

void wat_instrs(WatFunc *f, Cursor *cur, ByteBuf *out)
{
  Parser p = {.f = f, .caller = cur, .out = out};
  push_frame(&p, FRAME_SEQ, CALLER_CURSOR);
  while (p.num > 0)
    step(&p);
}

void wat_const_expr(WatModule *m, Cursor *cur, ByteBuf *out)
{
  WatFunc f = {.m = m};
  wat_instrs(&f, cur, out);
  buf_byte(out, OP_END);
}
