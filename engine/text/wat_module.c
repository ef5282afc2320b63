/*
 * wat_module.c -- module fields of the text format to binary sections.
 *
 * Two passes over the fields.  The first binds every identifier to its index
 * (so that references may point forward) and reads the explicit type
 * definitions; the second writes each field into its section, resolving type
 * uses as it meets them, so implicit types are appended after the explicit
 * ones in the order the text uses them (spec 6.6.5, "type uses").
 */
#include "wat_module.h"

#include <stdlib.h>
#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "../runtime/module.h"
#include "text.h"

const char *const space_names[SPACE_COUNT] = {"type", "func", "table", "memory", "global", "elem", "data"};

/* ---- identifiers ---- */

static uint32_t hash_token(const Token *t)
{
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < t->len; i++)
    h = (h ^ (uint8_t)t->text[i]) * 16777619u;
  return h;
}

static NameEntry *names_slot(NameEntry *slots, uint32_t cap, const char *name, uint32_t len, uint32_t h)
{
  for (uint32_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
    if (!slots[i].name || (slots[i].len == len && memcmp(slots[i].name, name, len) == 0))
      return &slots[i];
}

bool names_add(TextContext *c, NameMap *m, const Token *id, uint32_t index)
{
  if (2 * (m->count + 1) > m->cap) {
    uint32_t cap = m->cap ? m->cap * 2 : 16;
    NameEntry *slots = text_alloc(c, cap * sizeof *slots);
    for (uint32_t i = 0; i < m->cap; i++)
      if (m->slots[i].name) {
        Token t = {.text = m->slots[i].name, .len = m->slots[i].len};
        *names_slot(slots, cap, t.text, t.len, hash_token(&t)) = m->slots[i];
      }
    m->slots = slots;
    m->cap = cap;
  }
  NameEntry *e = names_slot(m->slots, m->cap, id->text, id->len, hash_token(id));
  if (e->name)
    return false;
  *e = (NameEntry){id->text, id->len, index};
  m->count++;
  return true;
}

bool names_find(const NameMap *m, const Token *id, uint32_t *index)
{
  if (!m->cap)
    return false;
  NameEntry *e = names_slot(m->slots, m->cap, id->text, id->len, hash_token(id));
  if (!e->name)
    return false;
  *index = e->index;
  return true;
}

static void bind(WatModule *m, Space space, const Token *id, uint32_t index)
{
  if (id && !names_add(m->c, &m->names[space], id, index))
    text_fail(m->c, id->line, id->col, "duplicate %s %.*s", space_names[space], (int)id->len, id->text);
}

uint32_t wat_number_index(TextContext *c, const SExpr *e)
{
  uint32_t v;
  NumStatus s = text_parse_index(&e->tok, &v);
  if (s == NUM_RANGE) /* the reference interpreter's words */
    text_fail_at(c, e, "i32 constant out of range");
  if (s != NUM_OK)
    text_fail_at(c, e, "unknown operator");
  return v;
}

uint32_t wat_index(WatModule *m, const SExpr *e, Space space)
{
  uint32_t v;
  if (e->tok.kind == TOKEN_NUMBER)
    return wat_number_index(m->c, e);
  if (e->is_list || e->tok.kind != TOKEN_ID)
    text_unexpected(m->c, e);
  if (!names_find(&m->names[space], &e->tok, &v))
    text_fail_at(m->c, e, "unknown %s %.*s", space_names[space], (int)e->tok.len, e->tok.text);
  return v;
}

/* ---- cursors ---- */

SExpr *cursor_next(TextContext *c, Cursor *cur)
{
  if (cur->pos >= cur->count)
    text_fail(c, cur->owner->end_line, cur->owner->end_col, "unexpected token \")\"");
  return &cur->items[cur->pos++];
}

void cursor_expect_end(TextContext *c, Cursor *cur)
{
  if (cur->pos < cur->count)
    text_unexpected(c, &cur->items[cur->pos]);
}

const Token *cursor_id(Cursor *cur)
{
  SExpr *e = cursor_peek(cur);
  if (!e || e->is_list || e->tok.kind != TOKEN_ID)
    return NULL;
  cur->pos++;
  return &e->tok;
}

/* ---- types ---- */

uint8_t wat_valtype_of(const SExpr *e)
{
  if (e->is_list || e->tok.kind != TOKEN_KEYWORD)
    return 0;
  static const struct {
    const char *name;
    uint8_t type;
  } types[] = {{"i32", 0x7F}, {"i64", 0x7E}, {"f32", 0x7D}, {"f64", 0x7C}, {"v128", 0x7B}, {"funcref", 0x70}, {"externref", 0x6F}};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (token_is(&e->tok, types[i].name))
      return types[i].type;
  return 0;
}

uint8_t wat_valtype(WatModule *m, Cursor *cur)
{
  SExpr *e = cursor_next(m->c, cur);
  uint8_t t = wat_valtype_of(e);
  if (!t)
    text_unexpected(m->c, e);
  return t;
}

uint8_t wat_reftype(WatModule *m, Cursor *cur)
{
  SExpr *e = cursor_next(m->c, cur);
  uint8_t t = wat_valtype_of(e);
  if (t != 0x70 && t != 0x6F)
    text_unexpected(m->c, e);
  return t;
}

static bool type_equal(const WatType *t, const uint8_t *types, uint32_t np, uint32_t nr)
{
  return t->num_params == np && t->num_results == nr && (np + nr == 0 || memcmp(t->types, types, np + nr) == 0);
}

static uint32_t append_type(WatModule *m, const uint8_t *types, uint32_t np, uint32_t nr)
{
  if (m->num_types == m->cap_types) {
    uint32_t cap = m->cap_types ? m->cap_types * 2 : 16;
    m->types = text_grow(m->c, m->types, m->num_types * sizeof *m->types, cap * sizeof *m->types);
    m->cap_types = cap;
  }
  WatType *t = &m->types[m->num_types];
  t->num_params = np;
  t->num_results = nr;
  t->types = text_alloc(m->c, np + nr + 1);
  if (np + nr)
    memcpy(t->types, types, np + nr);
  return m->num_types++;
}

uint32_t wat_intern_type(WatModule *m, const uint8_t *types, uint32_t np, uint32_t nr)
{
  for (uint32_t i = 0; i < m->num_types; i++)
    if (type_equal(&m->types[i], types, np, nr))
      return i;
  return append_type(m, types, np, nr);
}

typedef struct TypeList {
  uint8_t *types;
  uint32_t count, cap;
} TypeList;

static void type_list_push(TextContext *c, TypeList *l, uint8_t t)
{
  if (l->count == l->cap) {
    uint32_t cap = l->cap ? l->cap * 2 : 16;
    l->types = text_grow(c, l->types, l->count, cap);
    l->cap = cap;
  }
  l->types[l->count++] = t;
}

/* (param $x t) | (param t*) ... then (result t*) ...; appends to `list`. */
static void params_and_results(WatModule *m, Cursor *cur, NameMap *locals, bool allow_names, TypeList *list,
                               uint32_t *num_params)
{
  SExpr *e;
  uint32_t np = 0;
  while ((e = cursor_peek(cur)) && sexpr_is_list(e, "param")) {
    cur->pos++;
    Cursor p = cursor_of(e, 1);
    const Token *id = cursor_id(&p);
    if (id) {
      if (!allow_names)
        text_fail(m->c, id->line, id->col, "unexpected token");
      if (locals && !names_add(m->c, locals, id, np))
        text_fail(m->c, id->line, id->col, "duplicate local %.*s", (int)id->len, id->text);
      type_list_push(m->c, list, wat_valtype(m, &p));
      np++;
      cursor_expect_end(m->c, &p);
      continue;
    }
    while (!cursor_done(&p)) {
      type_list_push(m->c, list, wat_valtype(m, &p));
      np++;
    }
  }
  while ((e = cursor_peek(cur)) && sexpr_is_list(e, "result")) {
    cur->pos++;
    Cursor r = cursor_of(e, 1);
    while (!cursor_done(&r))
      type_list_push(m->c, list, wat_valtype(m, &r));
  }
  *num_params = np;
}

TypeUse wat_type_use(WatModule *m, Cursor *cur, NameMap *locals, bool allow_names, bool intern)
{
  TypeUse use = {0};
  SExpr *e = cursor_peek(cur);
  const SExpr *type_ref = NULL;
  if (e && sexpr_is_list(e, "type")) {
    cur->pos++;
    Cursor t = cursor_of(e, 1);
    type_ref = cursor_next(m->c, &t);
    use.index = wat_index(m, type_ref, SPACE_TYPE);
    use.has_type = true;
    cursor_expect_end(m->c, &t);
  }
  TypeList list = {0};
  uint32_t np;
  size_t first = cur->pos;
  params_and_results(m, cur, locals, allow_names, &list, &np);
  bool has_inline = cur->pos != first;
  /* The grammar is (type)? (param)* (result)*: anything of these out of
   * order is a syntax error, found before any type is compared. */
  SExpr *next = cursor_peek(cur);
  if (next && (sexpr_is_list(next, "type") || sexpr_is_list(next, "param")))
    text_fail_at(m->c, next, "unexpected token");
  use.num_params = np;
  use.num_results = list.count - np;
  use.types = list.types;
  if (use.has_type) {
    if (use.index < m->num_types) {
      const WatType *t = &m->types[use.index];
      if (has_inline && !type_equal(t, list.types, np, list.count - np))
        text_fail_at(m->c, type_ref, "inline function type");
      use.num_params = t->num_params;
      use.num_results = t->num_results;
      use.types = t->types;
    }
    else if (has_inline)
      text_fail_at(m->c, type_ref, "unknown type");
    /* a bare index past the types is left for the validator */
  } else if (intern) {
    use.index = wat_intern_type(m, list.types, np, list.count - np);
  }
  if (!use.types)
    use.types = (const uint8_t *)"";
  return use;
}

/* ---- pass 1: identifiers and explicit types ---- */

typedef struct Collect {
  uint32_t counts[SPACE_COUNT];
  const char *defined; /* first kind defined, for "import after ..." */
} Collect;

/* A field is a list that starts with a keyword. */
static void check_field(TextContext *c, SExpr *field)
{
  if (!field->is_list)
    text_unexpected(c, field);
  if (field->count == 0 || field->items[0].is_list || field->items[0].tok.kind != TOKEN_KEYWORD)
    text_unexpected(c, field->count ? &field->items[0] : field);
}

/* Skips (export ...) abbreviations; returns the (import ...) list if one
 * follows. */
static SExpr *inline_import(Cursor *cur)
{
  SExpr *e;
  while ((e = cursor_peek(cur)) && sexpr_is_list(e, "export"))
    cur->pos++;
  if (e && sexpr_is_list(e, "import"))
    return e;
  return NULL;
}

static void note_import(WatModule *m, Collect *st, const SExpr *at)
{
  if (st->defined)
    text_fail_at(m->c, at, "import after %s", st->defined);
}

static void define_type(WatModule *m, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  cursor_id(&cur);
  SExpr *func = cursor_next(m->c, &cur);
  if (!sexpr_is_list(func, "func"))
    text_unexpected(m->c, func);
  cursor_expect_end(m->c, &cur);
  Cursor fc = cursor_of(func, 1);
  NameMap scratch = {0};
  TypeList list = {0};
  uint32_t np;
  params_and_results(m, &fc, &scratch, true, &list, &np);
  cursor_expect_end(m->c, &fc);
  append_type(m, list.types, np, list.count - np);
}

static void collect_field(WatModule *m, Collect *st, SExpr *field)
{
  check_field(m->c, field);
  const Token *kw = &field->items[0].tok;
  Cursor cur = cursor_of(field, 1);
  const Token *id = cursor_id(&cur);
  static const char *const kinds[] = {NULL, "func", "table", "memory", "global"};
  for (Space s = SPACE_FUNC; s <= SPACE_GLOBAL; s++) {
    if (!token_is(kw, kinds[s]))
      continue;
    bind(m, s, id, st->counts[s]++);
    SExpr *import = inline_import(&cur);
    if (import) {
      note_import(m, st, import);
    } else {
      static const char *const defined[] = {NULL, "function", "table", "memory", "global"};
      if (!st->defined)
        st->defined = defined[s];
      /* inline element and data segments take indices too */
      SExpr *e;
      while ((e = cursor_peek(&cur)) && !e->is_list)
        cur.pos++;
      if (e && ((s == SPACE_TABLE && sexpr_is_list(e, "elem")) || (s == SPACE_MEMORY && sexpr_is_list(e, "data"))))
        st->counts[s == SPACE_TABLE ? SPACE_ELEM : SPACE_DATA]++;
    }
    return;
  }
  if (token_is(kw, "type")) {
    bind(m, SPACE_TYPE, id, st->counts[SPACE_TYPE]++);
    define_type(m, field);
  } else if (token_is(kw, "import")) {
    if (field->count < 4 || !field->items[3].is_list || field->items[3].count == 0)
      text_unexpected(m->c, field->count > 3 ? &field->items[3] : &field->items[0]);
    SExpr *desc = &field->items[3];
    note_import(m, st, field);
    Cursor dc = cursor_of(desc, 1);
    const Token *desc_id = cursor_id(&dc);
    for (Space s = SPACE_FUNC; s <= SPACE_GLOBAL; s++)
      if (sexpr_is_atom(&desc->items[0], kinds[s])) {
        bind(m, s, desc_id, st->counts[s]++);
        return;
      }
    text_unexpected(m->c, &desc->items[0]);
  } else if (token_is(kw, "elem")) {
    bind(m, SPACE_ELEM, id, st->counts[SPACE_ELEM]++);
  } else if (token_is(kw, "data")) {
    bind(m, SPACE_DATA, id, st->counts[SPACE_DATA]++);
  } else if (!token_is(kw, "export") && !token_is(kw, "start")) {
    text_unexpected(m->c, &field->items[0]);
  }
}

/* ---- pass 2: sections ---- */

typedef struct Sections {
  ByteBuf import, func, table, memory, global, export, elem, code, data, start;
  uint32_t num_import, num_func, num_table, num_memory, num_global, num_export, num_elem, num_data;
  uint32_t next[SPACE_COUNT]; /* index of the next definition in each space */
  bool has_start;
} Sections;

static char *field_string(WatModule *m, Cursor *cur, uint32_t *len)
{
  SExpr *e = cursor_next(m->c, cur);
  if (e->is_list || e->tok.kind != TOKEN_STRING)
    text_unexpected(m->c, e);
  return text_name(m->c, &e->tok, len);
}

static void write_name(WatModule *m, ByteBuf *out, Cursor *cur)
{
  uint32_t len;
  char *s = field_string(m, cur, &len);
  buf_name(out, s, len);
}

static void inline_exports(WatModule *m, Sections *s, Cursor *cur, uint8_t kind, uint32_t index)
{
  SExpr *e;
  while ((e = cursor_peek(cur)) && sexpr_is_list(e, "export")) {
    cur->pos++;
    Cursor ec = cursor_of(e, 1);
    write_name(m, &s->export, &ec);
    cursor_expect_end(m->c, &ec);
    buf_byte(&s->export, kind);
    buf_u32(&s->export, index);
    s->num_export++;
  }
}

/* (import "module" "name"), the abbreviation inside a definition */
static bool inline_import_names(WatModule *m, Sections *s, Cursor *cur)
{
  SExpr *e = cursor_peek(cur);
  if (!e || !sexpr_is_list(e, "import"))
    return false;
  cur->pos++;
  Cursor ic = cursor_of(e, 1);
  write_name(m, &s->import, &ic);
  write_name(m, &s->import, &ic);
  cursor_expect_end(m->c, &ic);
  s->num_import++;
  return true;
}

static uint32_t limit_value(WatModule *m, Cursor *cur)
{
  SExpr *e = cursor_next(m->c, cur);
  uint64_t v;
  if (e->is_list || e->tok.kind != TOKEN_NUMBER)
    text_unexpected(m->c, e);
  if (!text_parse_u64(&e->tok, &v))
    text_fail_at(m->c, e, "unknown operator");
  if (v > UINT32_MAX)
    text_fail_at(m->c, e, "i32 constant out of range");
  return (uint32_t)v;
}

static void limits(WatModule *m, Cursor *cur, ByteBuf *out)
{
  uint32_t min = limit_value(m, cur);
  SExpr *e = cursor_peek(cur);
  if (e && !e->is_list && e->tok.kind == TOKEN_NUMBER) {
    uint32_t max = limit_value(m, cur);
    buf_byte(out, 1);
    buf_u32(out, min);
    buf_u32(out, max);
  } else {
    buf_byte(out, 0);
    buf_u32(out, min);
  }
}

static void table_type(WatModule *m, Cursor *cur, ByteBuf *out)
{
  ByteBuf lim = buf_new(m->c);
  limits(m, cur, &lim);
  buf_byte(out, wat_reftype(m, cur));
  buf_append(out, &lim);
}

static void global_type(WatModule *m, Cursor *cur, ByteBuf *out)
{
  SExpr *e = cursor_peek(cur);
  if (e && sexpr_is_list(e, "mut")) {
    cur->pos++;
    Cursor mc = cursor_of(e, 1);
    buf_byte(out, wat_valtype(m, &mc));
    cursor_expect_end(m->c, &mc);
    buf_byte(out, 1);
  } else {
    buf_byte(out, wat_valtype(m, cur));
    buf_byte(out, 0);
  }
}

/* Binds parameter names of a function, counts its locals, writes its body. */
static void func_body(WatModule *m, Sections *s, Cursor *cur)
{
  WatFunc f = {.m = m};
  TypeUse use = wat_type_use(m, cur, &f.locals, true, true);
  buf_u32(&s->func, use.index);
  s->num_func++;
  f.num_locals = use.num_params;

  TypeList locals = {0};
  SExpr *e;
  while ((e = cursor_peek(cur)) && sexpr_is_list(e, "local")) {
    cur->pos++;
    Cursor lc = cursor_of(e, 1);
    const Token *id = cursor_id(&lc);
    if (id) {
      if (!names_add(m->c, &f.locals, id, f.num_locals))
        text_fail(m->c, id->line, id->col, "duplicate local %.*s", (int)id->len, id->text);
      type_list_push(m->c, &locals, wat_valtype(m, &lc));
      f.num_locals++;
      cursor_expect_end(m->c, &lc);
      continue;
    }
    while (!cursor_done(&lc)) {
      type_list_push(m->c, &locals, wat_valtype(m, &lc));
      f.num_locals++;
    }
  }

  ByteBuf body = buf_new(m->c);
  uint32_t groups = 0;
  ByteBuf decls = buf_new(m->c);
  for (uint32_t i = 0; i < locals.count;) {
    uint32_t j = i;
    while (j < locals.count && locals.types[j] == locals.types[i])
      j++;
    buf_u32(&decls, j - i);
    buf_byte(&decls, locals.types[i]);
    groups++;
    i = j;
  }
  buf_u32(&body, groups);
  buf_append(&body, &decls);
  wat_instrs(&f, cur, &body);
  buf_byte(&body, OP_END);
  buf_u32(&s->code, (uint32_t)body.size);
  buf_append(&s->code, &body);
}

static void func_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  cursor_id(&cur);
  uint32_t index = s->next[SPACE_FUNC]++;
  inline_exports(m, s, &cur, EXTERN_FUNC, index);
  if (inline_import_names(m, s, &cur)) {
    NameMap scratch = {0};
    buf_byte(&s->import, EXTERN_FUNC);
    buf_u32(&s->import, wat_type_use(m, &cur, &scratch, true, true).index);
    cursor_expect_end(m->c, &cur);
    return;
  }
  func_body(m, s, &cur);
}

static void offset_expr(WatModule *m, SExpr *e, ByteBuf *out)
{
  if (!e->is_list)
    text_unexpected(m->c, e);
  if (sexpr_is_list(e, "offset")) {
    Cursor oc = cursor_of(e, 1);
    wat_const_expr(m, &oc, out);
    return;
  }
  /* a single folded instruction abbreviates (offset instr) */
  Cursor one = {.items = e, .count = 1, .pos = 0, .owner = e};
  wat_const_expr(m, &one, out);
}

/* An element item is (item instr*) or one folded instruction; remembers
 * whether it is exactly ref.func x, which the compact encoding can carry. */
static void elem_item(WatModule *m, SExpr *e, ByteBuf *exprs, bool *all_funcs, ByteBuf *funcs)
{
  ByteBuf one = buf_new(m->c);
  if (!e->is_list)
    text_unexpected(m->c, e);
  if (sexpr_is_list(e, "item")) {
    Cursor ic = cursor_of(e, 1);
    wat_const_expr(m, &ic, &one);
  } else {
    Cursor single = {.items = e, .count = 1, .pos = 0, .owner = e};
    wat_const_expr(m, &single, &one);
  }
  if (*all_funcs) {
    const uint8_t *p = one.data;
    if (one.size >= 3 && p[0] == OP_REF_FUNC && p[one.size - 1] == OP_END) {
      size_t k = 1;
      while (k < one.size - 1 && (p[k] & 0x80))
        k++;
      if (k == one.size - 2)
        buf_bytes(funcs, p + 1, one.size - 2);
      else
        *all_funcs = false;
    } else {
      *all_funcs = false;
    }
  }
  buf_append(exprs, &one);
}

typedef enum ElemMode { ELEM_ACTIVE, ELEM_PASSIVE, ELEM_DECLARE } ElemMode;

/*
 * elemlist ::= reftype elemexpr* | func funcidx* | funcidx* (after an
 * offset without a table).  Writes the segment in the most compact of the
 * eight encodings, as wat2wasm does, so the two agree byte for byte.
 */
static void elem_list(WatModule *m, Sections *s, Cursor *cur, ElemMode mode, uint32_t table, const ByteBuf *offset,
                      bool legacy_allowed)
{
  ByteBuf exprs = buf_new(m->c), funcs = buf_new(m->c);
  uint32_t n = 0;
  bool all_funcs = true;
  uint8_t reftype = 0x70;
  SExpr *e = cursor_peek(cur);
  if ((e && (sexpr_is_atom(e, "func") || (legacy_allowed && wat_is_index(e)))) || (legacy_allowed && !e)) {
    if (e && sexpr_is_atom(e, "func"))
      cur->pos++;
    while (!cursor_done(cur)) {
      SExpr *x = cursor_next(m->c, cur);
      if (!wat_is_index(x))
        text_unexpected(m->c, x);
      uint32_t fi = wat_index(m, x, SPACE_FUNC);
      buf_u32(&funcs, fi);
      buf_byte(&exprs, OP_REF_FUNC);
      buf_u32(&exprs, fi);
      buf_byte(&exprs, OP_END);
      n++;
    }
  } else if (e || !legacy_allowed) {
    reftype = wat_reftype(m, cur);
    while (!cursor_done(cur)) {
      elem_item(m, cursor_next(m->c, cur), &exprs, &all_funcs, &funcs);
      n++;
    }
  }
  bool use_exprs = !(all_funcs && reftype == 0x70);
  uint8_t flags = use_exprs ? 4 : 0;
  if (mode == ELEM_PASSIVE)
    flags |= 1;
  else if (mode == ELEM_DECLARE)
    flags |= 3;
  else if (table != 0 || (use_exprs && reftype != 0x70))
    flags |= 2;
  ByteBuf *out = &s->elem;
  buf_u32(out, flags);
  if (flags & 2 && mode == ELEM_ACTIVE)
    buf_u32(out, table);
  if (mode == ELEM_ACTIVE)
    buf_append(out, offset);
  if (flags & 3)
    buf_byte(out, use_exprs ? reftype : 0x00);
  buf_u32(out, n);
  buf_append(out, use_exprs ? &exprs : &funcs);
  s->num_elem++;
}

static void table_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  cursor_id(&cur);
  uint32_t index = s->next[SPACE_TABLE]++;
  inline_exports(m, s, &cur, EXTERN_TABLE, index);
  if (inline_import_names(m, s, &cur)) {
    buf_byte(&s->import, EXTERN_TABLE);
    table_type(m, &cur, &s->import);
    cursor_expect_end(m->c, &cur);
    return;
  }
  SExpr *e = cursor_peek(&cur);
  if (e && wat_valtype_of(e)) {
    /* reftype (elem ...): the table is exactly as big as its elements */
    uint8_t reftype = wat_reftype(m, &cur);
    SExpr *elem = cursor_next(m->c, &cur);
    if (!sexpr_is_list(elem, "elem"))
      text_unexpected(m->c, elem);
    cursor_expect_end(m->c, &cur);
    Cursor ec = cursor_of(elem, 1);
    uint32_t n = elem->count - 1;
    ByteBuf offset = buf_new(m->c);
    buf_byte(&offset, OP_I32_CONST);
    buf_byte(&offset, 0);
    buf_byte(&offset, OP_END);
    SExpr *first = cursor_peek(&ec);
    if (first && first->is_list) {
      /* elemexpr* of the table's type */
      ByteBuf exprs = buf_new(m->c), funcs = buf_new(m->c);
      bool all_funcs = true;
      while (!cursor_done(&ec))
        elem_item(m, cursor_next(m->c, &ec), &exprs, &all_funcs, &funcs);
      bool use_exprs = !(all_funcs && reftype == 0x70);
      uint8_t flags = (uint8_t)((use_exprs ? 4 : 0) | (index != 0 || (use_exprs && reftype != 0x70) ? 2 : 0));
      buf_u32(&s->elem, flags);
      if (flags & 2)
        buf_u32(&s->elem, index);
      buf_append(&s->elem, &offset);
      if (flags & 2)
        buf_byte(&s->elem, use_exprs ? reftype : 0);
      buf_u32(&s->elem, n);
      buf_append(&s->elem, use_exprs ? &exprs : &funcs);
      s->num_elem++;
    } else {
      elem_list(m, s, &ec, ELEM_ACTIVE, index, &offset, true);
    }
    s->next[SPACE_ELEM]++;
    buf_byte(&s->table, reftype);
    buf_byte(&s->table, 1);
    buf_u32(&s->table, n);
    buf_u32(&s->table, n);
    s->num_table++;
    return;
  }
  table_type(m, &cur, &s->table);
  cursor_expect_end(m->c, &cur);
  s->num_table++;
}

static void data_strings(WatModule *m, Cursor *cur, ByteBuf *out)
{
  ByteBuf bytes = buf_new(m->c);
  while (!cursor_done(cur)) {
    SExpr *e = cursor_next(m->c, cur);
    if (e->is_list || e->tok.kind != TOKEN_STRING)
      text_unexpected(m->c, e);
    uint32_t len;
    uint8_t *str = text_string(m->c, &e->tok, &len);
    buf_bytes(&bytes, str, len);
  }
  buf_u32(out, (uint32_t)bytes.size);
  buf_append(out, &bytes);
}

static void memory_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  cursor_id(&cur);
  uint32_t index = s->next[SPACE_MEMORY]++;
  inline_exports(m, s, &cur, EXTERN_MEMORY, index);
  if (inline_import_names(m, s, &cur)) {
    buf_byte(&s->import, EXTERN_MEMORY);
    limits(m, &cur, &s->import);
    cursor_expect_end(m->c, &cur);
    return;
  }
  SExpr *e = cursor_peek(&cur);
  if (e && sexpr_is_list(e, "data")) {
    cur.pos++;
    cursor_expect_end(m->c, &cur);
    Cursor dc = cursor_of(e, 1);
    ByteBuf seg = buf_new(m->c);
    data_strings(m, &dc, &seg);
    /* the segment's size prefix is re-read to size the memory */
    const uint8_t *p = seg.data;
    uint32_t len = leb_u32(&p);
    uint32_t pages = (uint32_t)(((uint64_t)len + 65535) / 65536);
    buf_byte(&s->memory, 1);
    buf_u32(&s->memory, pages);
    buf_u32(&s->memory, pages);
    s->num_memory++;
    if (index != 0) {
      buf_byte(&s->data, 2);
      buf_u32(&s->data, index);
    } else {
      buf_byte(&s->data, 0);
    }
    buf_byte(&s->data, OP_I32_CONST);
    buf_byte(&s->data, 0);
    buf_byte(&s->data, OP_END);
    buf_append(&s->data, &seg);
    s->num_data++;
    s->next[SPACE_DATA]++;
    return;
  }
  limits(m, &cur, &s->memory);
  cursor_expect_end(m->c, &cur);
  s->num_memory++;
}

static void global_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  cursor_id(&cur);
  uint32_t index = s->next[SPACE_GLOBAL]++;
  inline_exports(m, s, &cur, EXTERN_GLOBAL, index);
  if (inline_import_names(m, s, &cur)) {
    buf_byte(&s->import, EXTERN_GLOBAL);
    global_type(m, &cur, &s->import);
    cursor_expect_end(m->c, &cur);
    return;
  }
  global_type(m, &cur, &s->global);
  wat_const_expr(m, &cur, &s->global);
  s->num_global++;
}

static void import_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  write_name(m, &s->import, &cur);
  write_name(m, &s->import, &cur);
  SExpr *desc = cursor_next(m->c, &cur);
  cursor_expect_end(m->c, &cur);
  Cursor dc = cursor_of(desc, 1);
  cursor_id(&dc);
  const Token *kind = &desc->items[0].tok;
  if (token_is(kind, "func")) {
    NameMap scratch = {0};
    s->next[SPACE_FUNC]++;
    buf_byte(&s->import, EXTERN_FUNC);
    buf_u32(&s->import, wat_type_use(m, &dc, &scratch, true, true).index);
  } else if (token_is(kind, "table")) {
    s->next[SPACE_TABLE]++;
    buf_byte(&s->import, EXTERN_TABLE);
    table_type(m, &dc, &s->import);
  } else if (token_is(kind, "memory")) {
    s->next[SPACE_MEMORY]++;
    buf_byte(&s->import, EXTERN_MEMORY);
    limits(m, &dc, &s->import);
  } else {
    s->next[SPACE_GLOBAL]++;
    buf_byte(&s->import, EXTERN_GLOBAL);
    global_type(m, &dc, &s->import);
  }
  cursor_expect_end(m->c, &dc);
  s->num_import++;
}

static void export_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  write_name(m, &s->export, &cur);
  SExpr *desc = cursor_next(m->c, &cur);
  cursor_expect_end(m->c, &cur);
  if (!desc->is_list || desc->count != 2)
    text_unexpected(m->c, desc);
  static const char *const kinds[] = {"func", "table", "memory", "global"};
  for (uint8_t k = 0; k < 4; k++)
    if (sexpr_is_atom(&desc->items[0], kinds[k])) {
      buf_byte(&s->export, k);
      buf_u32(&s->export, wat_index(m, &desc->items[1], (Space)(SPACE_FUNC + k)));
      s->num_export++;
      return;
    }
  text_unexpected(m->c, &desc->items[0]);
}

static void start_field(WatModule *m, Sections *s, SExpr *field)
{
  if (s->has_start)
    text_fail_at(m->c, field, "multiple start sections");
  Cursor cur = cursor_of(field, 1);
  SExpr *x = cursor_next(m->c, &cur);
  cursor_expect_end(m->c, &cur);
  buf_u32(&s->start, wat_index(m, x, SPACE_FUNC));
  s->has_start = true;
}

static void elem_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  cursor_id(&cur);
  s->next[SPACE_ELEM]++;
  SExpr *e = cursor_peek(&cur);
  if (e && sexpr_is_atom(e, "declare")) {
    cur.pos++;
    elem_list(m, s, &cur, ELEM_DECLARE, 0, NULL, false);
    return;
  }
  uint32_t table = 0;
  bool explicit_table = false;
  if (e && sexpr_is_list(e, "table")) {
    cur.pos++;
    Cursor tc = cursor_of(e, 1);
    table = wat_index(m, cursor_next(m->c, &tc), SPACE_TABLE);
    cursor_expect_end(m->c, &tc);
    explicit_table = true;
    e = cursor_peek(&cur);
  } else if (e && wat_is_index(e)) {
    /* the old form (elem x (offset ...) ...) names the table bare */
    cur.pos++;
    table = wat_index(m, e, SPACE_TABLE);
    explicit_table = true;
    e = cursor_peek(&cur);
  }
  if (e && e->is_list) {
    cur.pos++;
    ByteBuf offset = buf_new(m->c);
    offset_expr(m, e, &offset);
    elem_list(m, s, &cur, ELEM_ACTIVE, table, &offset, true);
    return;
  }
  if (explicit_table)
    text_unexpected(m->c, e ? e : field);
  elem_list(m, s, &cur, ELEM_PASSIVE, 0, NULL, false);
}

static void data_field(WatModule *m, Sections *s, SExpr *field)
{
  Cursor cur = cursor_of(field, 1);
  cursor_id(&cur);
  s->next[SPACE_DATA]++;
  SExpr *e = cursor_peek(&cur);
  uint32_t memory = 0;
  bool explicit_memory = false;
  if (e && sexpr_is_list(e, "memory")) {
    cur.pos++;
    Cursor mc = cursor_of(e, 1);
    memory = wat_index(m, cursor_next(m->c, &mc), SPACE_MEMORY);
    cursor_expect_end(m->c, &mc);
    explicit_memory = true;
    e = cursor_peek(&cur);
  } else if (e && wat_is_index(e)) {
    cur.pos++;
    memory = wat_index(m, e, SPACE_MEMORY);
    explicit_memory = true;
    e = cursor_peek(&cur);
  }
  if (e && e->is_list) {
    cur.pos++;
    if (memory != 0) {
      buf_byte(&s->data, 2);
      buf_u32(&s->data, memory);
    } else {
      buf_byte(&s->data, 0);
    }
    offset_expr(m, e, &s->data);
  } else {
    if (explicit_memory)
      text_unexpected(m->c, e ? e : field);
    buf_byte(&s->data, 1);
  }
  data_strings(m, &cur, &s->data);
  s->num_data++;
}

static void write_types(WatModule *m, ByteBuf *out)
{
  ByteBuf types = buf_new(m->c);
  for (uint32_t i = 0; i < m->num_types; i++) {
    const WatType *t = &m->types[i];
    buf_byte(&types, 0x60);
    buf_u32(&types, t->num_params);
    buf_bytes(&types, t->types, t->num_params);
    buf_u32(&types, t->num_results);
    buf_bytes(&types, t->types + t->num_params, t->num_results);
  }
  buf_section_vec(out, 1, m->num_types, &types);
}

void wat_module_fields(TextContext *c, Cursor *fields, ByteBuf *out)
{
  WatModule m = {.c = c};
  Collect st = {0};
  for (uint32_t i = fields->pos; i < fields->count; i++)
    collect_field(&m, &st, &fields->items[i]);

  Sections s = {0};
  ByteBuf *bufs[] = {&s.import, &s.func, &s.table, &s.memory, &s.global, &s.export, &s.elem, &s.code, &s.data, &s.start};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
    *bufs[i] = buf_new(c);
  for (uint32_t i = fields->pos; i < fields->count; i++) {
    SExpr *field = &fields->items[i];
    const Token *kw = &field->items[0].tok;
    if (token_is(kw, "func"))
      func_field(&m, &s, field);
    else if (token_is(kw, "table"))
      table_field(&m, &s, field);
    else if (token_is(kw, "memory"))
      memory_field(&m, &s, field);
    else if (token_is(kw, "global"))
      global_field(&m, &s, field);
    else if (token_is(kw, "import"))
      import_field(&m, &s, field);
    else if (token_is(kw, "export"))
      export_field(&m, &s, field);
    else if (token_is(kw, "start"))
      start_field(&m, &s, field);
    else if (token_is(kw, "elem"))
      elem_field(&m, &s, field);
    else if (token_is(kw, "data"))
      data_field(&m, &s, field);
  }

  static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  buf_bytes(out, header, sizeof header);
  write_types(&m, out);
  buf_section_vec(out, 2, s.num_import, &s.import);
  buf_section_vec(out, 3, s.num_func, &s.func);
  buf_section_vec(out, 4, s.num_table, &s.table);
  buf_section_vec(out, 5, s.num_memory, &s.memory);
  buf_section_vec(out, 6, s.num_global, &s.global);
  buf_section_vec(out, 7, s.num_export, &s.export);
  if (s.has_start)
    buf_section_raw(out, 8, &s.start);
  buf_section_vec(out, 9, s.num_elem, &s.elem);
  if (m.uses_data_count) {
    ByteBuf count = buf_new(c);
    buf_u32(&count, s.num_data);
    buf_section_raw(out, 12, &count);
  }
  buf_section_vec(out, 10, s.num_func, &s.code);
  buf_section_vec(out, 11, s.num_data, &s.data);
}

/* ---- whole modules ---- */

static void concat_strings(TextContext *c, Cursor *cur, ByteBuf *out)
{
  while (!cursor_done(cur)) {
    SExpr *e = cursor_next(c, cur);
    if (e->is_list || e->tok.kind != TOKEN_STRING)
      text_unexpected(c, e);
    uint32_t len;
    uint8_t *s = text_string(c, &e->tok, &len);
    buf_bytes(out, s, len);
  }
}

void wat_text_module(TextContext *c, SExpr *items, uint32_t count, const SExpr *owner, ByteBuf *out)
{
  if (count == 1 && sexpr_is_list(&items[0], "module")) {
    wat_module(c, &items[0], out, NULL);
    return;
  }
  for (uint32_t i = 0; i < count; i++)
    if (sexpr_is_list(&items[i], "module"))
      text_unexpected(c, &items[i].items[0]);
  Cursor fields = {.items = items, .count = count, .owner = owner};
  wat_module_fields(c, &fields, out);
}

void wat_module(TextContext *c, SExpr *module, ByteBuf *out, const Token **name)
{
  Cursor cur = cursor_of(module, 1);
  const Token *id = cursor_id(&cur);
  if (name)
    *name = id;
  SExpr *e = cursor_peek(&cur);
  if (e && sexpr_is_atom(e, "binary")) {
    cur.pos++;
    concat_strings(c, &cur, out);
    return;
  }
  if (e && sexpr_is_atom(e, "quote")) {
    cur.pos++;
    ByteBuf text = buf_new(c);
    concat_strings(c, &cur, &text);
    uint32_t n;
    Token stray;
    SExpr *items = sexpr_parse_until_stray(c, (const char *)text.data, text.size, &n, &stray);
    SExpr whole = {.is_list = true, .end_line = 1, .end_col = (uint32_t)text.size + 1};
    wat_text_module(c, items, n, &whole, out);
    if (stray.kind == TOKEN_RPAREN)
      text_fail(c, stray.line, stray.col, "unexpected token \")\"");
    return;
  }
  wat_module_fields(c, &cur, out);
}

uint8_t *wat_to_binary(const char *src, size_t len, size_t *out_size, char *error, uint32_t error_size)
{
  TextContext c;
  text_context_init(&c, error, error_size);
  uint8_t *result = NULL;
  if (setjmp(c.on_error) == 0) {
    uint32_t n;
    Token stray;
    SExpr *items = sexpr_parse_until_stray(&c, src, len, &n, &stray);
    SExpr whole = {.is_list = true, .end_line = 1, .end_col = 1};
    ByteBuf out = buf_new(&c);
    wat_text_module(&c, items, n, &whole, &out);
    if (stray.kind == TOKEN_RPAREN)
      text_fail(&c, stray.line, stray.col, "unexpected token \")\"");
    result = malloc(out.size ? out.size : 1);
    if (!result) {
      error_set(error, error_size, "out of memory");
    } else {
      memcpy(result, out.data, out.size);
      *out_size = out.size;
    }
  }
  text_context_free(&c);
  return result;
}
