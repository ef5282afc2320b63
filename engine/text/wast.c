/*
 * wast.c -- .wast scripts, read with the same S-expression layer and module
 * parser as .wat files.
 */
#include "wast.h"

#include <stdlib.h>
#include <string.h>

#include "wat_module.h"

typedef struct Script {
  TextContext c;
  WastScript pub;
} Script;

static const char *id_text(TextContext *c, const Token *id)
{
  return id ? text_strdup(c, id->text, id->len) : NULL;
}

static const char *string_arg(TextContext *c, Cursor *cur, uint32_t *len)
{
  SExpr *e = cursor_next(c, cur);
  if (e->is_list || e->tok.kind != TOKEN_STRING)
    text_unexpected(c, e);
  uint32_t n;
  uint8_t *s = text_string(c, &e->tok, &n);
  if (len)
    *len = n;
  return (const char *)s;
}

/* A module; its own text errors are kept rather than thrown. */
static void read_module(TextContext *c, SExpr *list, WastModule *out)
{
  if (!sexpr_is_list(list, "module"))
    text_unexpected(c, list);
  Cursor cur = cursor_of(list, 1);
  const Token *id = cursor_id(&cur);
  out->name = id_text(c, id);
  out->line = list->tok.line;
  SExpr *form = cursor_peek(&cur);
  out->is_binary = form && sexpr_is_atom(form, "binary");
  out->is_quote = form && sexpr_is_atom(form, "quote");

  /* parse with a nested error handler: save, catch, restore */
  char message[256];
  char *saved_error = c->error;
  uint32_t saved_size = c->error_size;
  jmp_buf saved;
  memcpy(&saved, &c->on_error, sizeof saved);
  c->error = message;
  c->error_size = sizeof message;
  message[0] = '\0';
  ByteBuf bytes = buf_new(c);
  if (setjmp(c->on_error) == 0) {
    wat_module(c, list, &bytes, NULL);
    out->bytes = bytes.data ? bytes.data : (const uint8_t *)"";
    out->size = bytes.size;
  } else {
    out->error = text_strdup(c, message, strlen(message));
  }
  memcpy(&c->on_error, &saved, sizeof saved);
  c->error = saved_error;
  c->error_size = saved_size;
}

static void lane_float(TextContext *c, const SExpr *e, unsigned bits, uint8_t *kind, uint64_t *value)
{
  if (sexpr_is_atom(e, "nan:canonical")) {
    *kind = WAST_VALUE_NAN_CANONICAL;
    return;
  }
  if (sexpr_is_atom(e, "nan:arithmetic")) {
    *kind = WAST_VALUE_NAN_ARITHMETIC;
    return;
  }
  *kind = WAST_VALUE_EXACT;
  NumStatus s;
  if (bits == 32) {
    uint32_t v;
    s = text_parse_f32(&e->tok, &v);
    *value = v;
  } else {
    s = text_parse_f64(&e->tok, value);
  }
  if (s == NUM_RANGE)
    text_fail_at(c, e, "constant out of range");
  if (s != NUM_OK)
    text_fail_at(c, e, "unknown operator");
}

static uint64_t lane_int(TextContext *c, const SExpr *e, unsigned bits)
{
  uint64_t v;
  NumStatus s = e->is_list ? NUM_SYNTAX : text_parse_int(&e->tok, bits, &v);
  if (s == NUM_RANGE)
    text_fail_at(c, e, "constant out of range");
  if (s != NUM_OK)
    text_fail_at(c, e, "unknown operator");
  return v;
}

/* (i32.const n) ... (v128.const shape lanes) (ref.null t) (ref.extern n) (ref.func) */
static void read_value(TextContext *c, SExpr *e, WastValue *v)
{
  memset(v, 0, sizeof *v);
  if (!e->is_list || e->count == 0)
    text_unexpected(c, e);
  Cursor cur = cursor_of(e, 1);
  const Token *op = &e->items[0].tok;
  if (token_is(op, "i32.const")) {
    v->type = 0x7F;
    v->u.i32 = (uint32_t)lane_int(c, cursor_next(c, &cur), 32);
  } else if (token_is(op, "i64.const")) {
    v->type = 0x7E;
    v->u.i64 = lane_int(c, cursor_next(c, &cur), 64);
  } else if (token_is(op, "f32.const") || token_is(op, "f64.const")) {
    bool is32 = token_is(op, "f32.const");
    v->type = is32 ? 0x7D : 0x7C;
    uint64_t bits = 0;
    lane_float(c, cursor_next(c, &cur), is32 ? 32 : 64, &v->kind, &bits);
    if (is32)
      v->u.f32 = (uint32_t)bits;
    else
      v->u.f64 = bits;
  } else if (token_is(op, "v128.const")) {
    v->type = 0x7B;
    SExpr *shape = cursor_next(c, &cur);
    static const char *const shapes[] = {"i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"};
    static const unsigned lane_bits[] = {8, 16, 32, 64, 32, 64};
    int k = -1;
    for (int i = 0; i < 6; i++)
      if (sexpr_is_atom(shape, shapes[i]))
        k = i;
    if (k < 0)
      text_unexpected(c, shape);
    unsigned bits = lane_bits[k], lanes = 128 / bits;
    v->v128_float_type = k == 4 ? 0x7D : k == 5 ? 0x7C : 0x7F;
    for (unsigned i = 0; i < lanes; i++) {
      SExpr *lane = cursor_next(c, &cur);
      uint64_t x = 0;
      if (k >= 4)
        lane_float(c, lane, bits, &v->lane_kinds[i], &x);
      else
        x = lane_int(c, lane, bits);
      for (unsigned b = 0; b < bits / 8; b++)
        v->u.v128[i * (bits / 8) + b] = (uint8_t)(x >> (8 * b));
    }
  } else if (token_is(op, "ref.null")) {
    SExpr *t = cursor_next(c, &cur);
    v->kind = WAST_VALUE_REF_NULL;
    if (sexpr_is_atom(t, "func"))
      v->type = 0x70;
    else if (sexpr_is_atom(t, "extern"))
      v->type = 0x6F;
    else
      text_unexpected(c, t);
  } else if (token_is(op, "ref.extern")) {
    v->type = 0x6F;
    v->kind = WAST_VALUE_REF_EXTERN;
    v->u.ref_extern = (uint32_t)lane_int(c, cursor_next(c, &cur), 32);
  } else if (token_is(op, "ref.func")) {
    v->type = 0x70;
    v->kind = WAST_VALUE_REF_FUNC;
    if (!cursor_done(&cur))
      cur.pos++; /* (ref.func $f) names what the test means; any non-null matches */
  } else {
    text_fail_at(c, &e->items[0], "unknown operator");
  }
  cursor_expect_end(c, &cur);
}

static WastValue *read_values(TextContext *c, Cursor *cur, uint32_t *count)
{
  uint32_t n = cur->count - cur->pos;
  WastValue *values = text_alloc(c, (n ? n : 1) * sizeof *values);
  for (uint32_t i = 0; i < n; i++)
    read_value(c, cursor_next(c, cur), &values[i]);
  *count = n;
  return values;
}

static void read_action(TextContext *c, SExpr *e, WastAction *a)
{
  bool invoke = sexpr_is_list(e, "invoke");
  if (!invoke && !sexpr_is_list(e, "get"))
    text_unexpected(c, e);
  a->is_get = !invoke;
  Cursor cur = cursor_of(e, 1);
  a->module = id_text(c, cursor_id(&cur));
  a->name = string_arg(c, &cur, &a->name_len);
  if (invoke)
    a->args = read_values(c, &cur, &a->num_args);
  cursor_expect_end(c, &cur);
}

static void read_command(TextContext *c, SExpr *e, WastCommand *cmd)
{
  if (!e->is_list || e->count == 0 || e->items[0].is_list)
    text_unexpected(c, e);
  const Token *kw = &e->items[0].tok;
  cmd->line = e->tok.line;
  Cursor cur = cursor_of(e, 1);
  if (token_is(kw, "module")) {
    cmd->kind = WAST_MODULE;
    cmd->has_module = true;
    read_module(c, e, &cmd->module);
    return;
  }
  if (token_is(kw, "register")) {
    cmd->kind = WAST_REGISTER;
    cmd->register_name = string_arg(c, &cur, &cmd->register_name_len);
    cmd->register_module = id_text(c, cursor_id(&cur));
    cursor_expect_end(c, &cur);
    return;
  }
  if (token_is(kw, "invoke") || token_is(kw, "get")) {
    cmd->kind = WAST_ACTION;
    read_action(c, e, &cmd->action);
    return;
  }
  if (token_is(kw, "assert_return")) {
    cmd->kind = WAST_ASSERT_RETURN;
    read_action(c, cursor_next(c, &cur), &cmd->action);
    cmd->expected = read_values(c, &cur, &cmd->num_expected);
    return;
  }
  static const struct {
    const char *name;
    WastCommandKind kind;
    bool takes_module, takes_action;
  } asserts[] = {
    {"assert_trap", WAST_ASSERT_TRAP, true, true},
    {"assert_exhaustion", WAST_ASSERT_EXHAUSTION, false, true},
    {"assert_invalid", WAST_ASSERT_INVALID, true, false},
    {"assert_malformed", WAST_ASSERT_MALFORMED, true, false},
    {"assert_unlinkable", WAST_ASSERT_UNLINKABLE, true, false},
    {"assert_uninstantiable", WAST_ASSERT_UNINSTANTIABLE, true, false},
  };
  for (size_t i = 0; i < sizeof asserts / sizeof asserts[0]; i++) {
    if (!token_is(kw, asserts[i].name))
      continue;
    cmd->kind = asserts[i].kind;
    SExpr *what = cursor_next(c, &cur);
    if (asserts[i].takes_module && sexpr_is_list(what, "module")) {
      cmd->has_module = true;
      read_module(c, what, &cmd->module);
    } else if (asserts[i].takes_action) {
      read_action(c, what, &cmd->action);
    } else {
      text_unexpected(c, what);
    }
    cmd->message = string_arg(c, &cur, NULL);
    cursor_expect_end(c, &cur);
    return;
  }
  text_fail_at(c, &e->items[0], "unknown command");
}

WastScript *wast_parse(const char *src, size_t len, char *error, uint32_t error_size)
{
  Script *s = calloc(1, sizeof *s);
  if (!s) {
    error_set(error, error_size, "out of memory");
    return NULL;
  }
  text_context_init(&s->c, error, error_size);
  if (setjmp(s->c.on_error) != 0) {
    text_context_free(&s->c);
    free(s);
    return NULL;
  }
  uint32_t n;
  SExpr *items = sexpr_parse(&s->c, src, len, &n);
  s->pub.commands = text_alloc(&s->c, (n ? n : 1) * sizeof *s->pub.commands);
  /* a script may also be a bare module (the fields of one) */
  bool bare = n > 0 && items[0].is_list && items[0].count > 0 && !items[0].items[0].is_list &&
              !sexpr_is_list(&items[0], "module") &&
              (sexpr_is_list(&items[0], "func") || sexpr_is_list(&items[0], "type") ||
               sexpr_is_list(&items[0], "import") || sexpr_is_list(&items[0], "memory") ||
               sexpr_is_list(&items[0], "table") || sexpr_is_list(&items[0], "global") ||
               sexpr_is_list(&items[0], "export") || sexpr_is_list(&items[0], "elem") ||
               sexpr_is_list(&items[0], "data") || sexpr_is_list(&items[0], "start"));
  if (bare) {
    WastCommand *cmd = &s->pub.commands[0];
    cmd->kind = WAST_MODULE;
    cmd->line = items[0].tok.line;
    cmd->has_module = true;
    ByteBuf bytes = buf_new(&s->c);
    SExpr whole = {.is_list = true, .end_line = 1, .end_col = 1};
    wat_text_module(&s->c, items, n, &whole, &bytes);
    cmd->module.bytes = bytes.data;
    cmd->module.size = bytes.size;
    s->pub.num_commands = 1;
    s->pub.priv = s;
    return &s->pub;
  }
  for (uint32_t i = 0; i < n; i++)
    read_command(&s->c, &items[i], &s->pub.commands[i]);
  s->pub.num_commands = n;
  s->pub.priv = s;
  return &s->pub;
}

void wast_free(WastScript *script)
{
  if (!script)
    return;
  Script *s = script->priv;
  text_context_free(&s->c);
  free(s);
}
