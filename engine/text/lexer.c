/*
 * lexer.c -- tokens, comments, strings and the S-expression tree.
 */
#include "lexer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- context: arena and errors ---- */

struct ArenaChunk {
  ArenaChunk *next;
  size_t used, size;
  max_align_t data[];
};

#define ARENA_CHUNK_SIZE (64 * 1024)

void text_context_init(TextContext *c, char *error, uint32_t error_size)
{
  memset(c, 0, sizeof *c);
  c->error = error;
  c->error_size = error_size;
  if (error && error_size)
    error[0] = '\0';
}

void text_context_free(TextContext *c)
{
  ArenaChunk *k = c->chunks;
  while (k) {
    ArenaChunk *next = k->next;
    free(k);
    k = next;
  }
  c->chunks = NULL;
}

static _Noreturn void out_of_memory(TextContext *c)
{
  error_set(c->error, c->error_size, "out of memory");
  longjmp(c->on_error, 1);
}

void *text_alloc(TextContext *c, size_t size)
{
  size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  ArenaChunk *k = c->chunks;
  if (!k || k->size - k->used < size) {
    /* Big requests get a chunk of their own, placed behind the current one
     * so that the current chunk's free space is not abandoned. */
    size_t chunk_size = size > ARENA_CHUNK_SIZE / 4 ? size : ARENA_CHUNK_SIZE;
    ArenaChunk *n = malloc(sizeof(ArenaChunk) + chunk_size);
    if (!n)
      out_of_memory(c);
    n->used = 0;
    n->size = chunk_size;
    if (k && chunk_size == size) {
      n->next = k->next;
      k->next = n;
    } else {
      n->next = k;
      c->chunks = n;
    }
    k = n;
  }
  void *p = (char *)k->data + k->used;
  k->used += size;
  memset(p, 0, size);
  return p;
}

void *text_grow(TextContext *c, void *old, size_t old_size, size_t new_size)
{
  void *p = text_alloc(c, new_size);
  if (old_size)
    memcpy(p, old, old_size < new_size ? old_size : new_size);
  return p;
}

char *text_strdup(TextContext *c, const char *s, size_t len)
{
  char *p = text_alloc(c, len + 1);
  memcpy(p, s, len);
  return p;
}

void text_fail(TextContext *c, uint32_t line, uint32_t col, const char *fmt, ...)
{
  if (c->error && c->error_size) {
    int n = snprintf(c->error, c->error_size, "%u:%u: ", line, col);
    if (n >= 0 && (uint32_t)n < c->error_size) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(c->error + n, c->error_size - (uint32_t)n, fmt, ap);
      va_end(ap);
    }
  }
  longjmp(c->on_error, 1);
}

void text_fail_at(TextContext *c, const SExpr *e, const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  text_fail(c, e->tok.line, e->tok.col, "%s", msg);
}

void text_unexpected(TextContext *c, const SExpr *e)
{
  if (!e->is_list && e->tok.kind == TOKEN_RESERVED)
    text_fail_at(c, e, "unknown operator");
  if (!e->is_list && e->tok.kind == TOKEN_KEYWORD && !text_keyword_known(&e->tok))
    text_fail_at(c, e, "unknown operator %.*s", (int)(e->tok.len > 40 ? 40 : e->tok.len), e->tok.text);
  if (!e->is_list && e->tok.kind == TOKEN_KEYWORD)
    text_fail_at(c, e, "unexpected token \"%.*s\"", (int)(e->tok.len > 40 ? 40 : e->tok.len), e->tok.text);
  text_fail_at(c, e, "unexpected token");
}

bool token_is(const Token *t, const char *keyword)
{
  size_t n = strlen(keyword);
  return t->kind == TOKEN_KEYWORD && t->len == n && memcmp(t->text, keyword, n) == 0;
}

bool sexpr_is_list(const SExpr *e, const char *keyword)
{
  return e->is_list && e->count > 0 && sexpr_is_atom(&e->items[0], keyword);
}

/* ---- tokens ---- */

typedef struct Lexer {
  TextContext *c;
  const char *p, *end;
  uint32_t line;
  const char *line_start;
} Lexer;

static uint32_t lexer_col(const Lexer *l, const char *at) { return (uint32_t)(at - l->line_start) + 1; }

static bool is_idchar(unsigned char ch)
{
  if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
    return true;
  return ch != 0 && strchr("!#$%&'*+-./:<=>?@\\^_`|~", ch) != NULL;
}

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: shortest
 * form, no surrogates, at most U+10FFFF), or 0.  The text format is UTF-8:
 * strings and comments must be too. */
static size_t utf8_sequence(const char *at, const char *end)
{
  const unsigned char *p = (const unsigned char *)at;
  size_t left = (size_t)(end - at);
  unsigned char b = p[0];
  size_t n;
  uint32_t min, cp;
  if (b < 0x80)
    return 1;
  if (b >= 0xC2 && b <= 0xDF)
    n = 2, min = 0x80, cp = b & 0x1F;
  else if (b >= 0xE0 && b <= 0xEF)
    n = 3, min = 0x800, cp = b & 0x0F;
  else if (b >= 0xF0 && b <= 0xF4)
    n = 4, min = 0x10000, cp = b & 0x07;
  else
    return 0;
  if (left < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

/* Steps over one character of a comment or string, refusing bad UTF-8. */
static void skip_utf8(Lexer *l, const char **q)
{
  size_t n = utf8_sequence(*q, l->end);
  if (n == 0)
    text_fail(l->c, l->line, lexer_col(l, *q), "malformed UTF-8 encoding");
  *q += n;
}

static void newline(Lexer *l, const char *after)
{
  l->line++;
  l->line_start = after;
}

/* Skips white space and both kinds of comment. */
static void skip_space(Lexer *l)
{
  for (;;) {
    if (l->p >= l->end)
      return;
    char ch = *l->p;
    if (ch == '\n') {
      l->p++;
      newline(l, l->p);
    } else if (ch == ' ' || ch == '\t' || ch == '\r') {
      l->p++;
    } else if (ch == ';' && l->p + 1 < l->end && l->p[1] == ';') {
      while (l->p < l->end && *l->p != '\n' && *l->p != '\r')
        skip_utf8(l, &l->p);
    } else if (ch == '(' && l->p + 1 < l->end && l->p[1] == ';') {
      /* block comments nest */
      const char *start = l->p;
      uint32_t line = l->line, col = lexer_col(l, start);
      unsigned depth = 0;
      do {
        if (l->p + 1 >= l->end)
          text_fail(l->c, line, col, "unclosed comment");
        if (l->p[0] == '(' && l->p[1] == ';') {
          depth++;
          l->p += 2;
        } else if (l->p[0] == ';' && l->p[1] == ')') {
          depth--;
          l->p += 2;
        } else if (*l->p == '\n') {
          newline(l, l->p + 1);
          l->p++;
        } else {
          skip_utf8(l, &l->p);
        }
      } while (depth > 0);
    } else {
      return;
    }
  }
}

static Token next_token(Lexer *l)
{
  skip_space(l);
  Token t = {.kind = TOKEN_EOF, .text = l->p, .line = l->line, .col = lexer_col(l, l->p)};
  if (l->p >= l->end)
    return t;
  unsigned char ch = (unsigned char)*l->p;
  if (ch == '(' || ch == ')') {
    t.kind = ch == '(' ? TOKEN_LPAREN : TOKEN_RPAREN;
    t.len = 1;
    l->p++;
    return t;
  }
  if (ch == '"') {
    const char *q = l->p + 1;
    for (;;) {
      if (q >= l->end || *q == '\n')
        text_fail(l->c, t.line, t.col, "unclosed string");
      unsigned char s = (unsigned char)*q;
      if (s == '"')
        break;
      if (s < 0x20 || s == 0x7F)
        text_fail(l->c, l->line, lexer_col(l, q), "illegal control character in string");
      if (s == '\\' && q + 1 < l->end)
        q++;
      skip_utf8(l, &q);
    }
    t.kind = TOKEN_STRING;
    t.len = (uint32_t)(q + 1 - l->p);
    l->p = q + 1;
    /* Escapes are checked now, so that a bad one is reported even in a
     * string nobody reads. */
    text_string(l->c, &t, NULL);
    /* tokens must be separated: "a"b and "a""b" are one bad token */
    if (l->p < l->end && (is_idchar((unsigned char)*l->p) || *l->p == '"'))
      text_fail(l->c, t.line, t.col, "unknown operator");
    return t;
  }
  const char *q = l->p;
  while (q < l->end && is_idchar((unsigned char)*q))
    q++;
  if (q == l->p)
    text_fail(l->c, t.line, t.col, "unexpected character");
  t.len = (uint32_t)(q - l->p);
  l->p = q;
  if (q < l->end && *q == '"')
    text_fail(l->c, t.line, t.col, "unknown operator");
  if (ch == '$' && t.len > 1)
    t.kind = TOKEN_ID;
  else if (ch >= 'a' && ch <= 'z')
    t.kind = TOKEN_KEYWORD;
  else if ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-')
    t.kind = TOKEN_NUMBER;
  else
    t.kind = TOKEN_RESERVED;
  return t;
}

/* ---- S-expressions ---- */

typedef struct ItemStack {
  SExpr *items;
  uint32_t count, cap;
} ItemStack;

static void push_item(TextContext *c, ItemStack *s, const SExpr *e)
{
  if (s->count == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 8;
    s->items = text_grow(c, s->items, s->count * sizeof(SExpr), cap * sizeof(SExpr));
    s->cap = cap;
  }
  s->items[s->count++] = *e;
}

/* A list being read: the list so far and where its items start on the
 * scratch stack. */
typedef struct OpenList {
  SExpr list;
  uint32_t base;
} OpenList;

/* Reads `list` (its `(` just read) to its `)`.  Nesting costs heap, not C
 * stack: open lists wait on an explicit stack, so text nests as deep as the
 * binary format allows.  Items are gathered on a scratch stack shared by
 * all levels (each level uses the part above its parent's), then copied
 * into a right-sized array. */
static void parse_list(Lexer *l, ItemStack *scratch, SExpr *list)
{
  TextContext *c = l->c;
  OpenList *open = text_alloc(c, 16 * sizeof *open);
  uint32_t num_open = 1, cap_open = 16;
  open[0].list = *list;
  open[0].base = scratch->count;
  while (num_open > 0) {
    OpenList *top = &open[num_open - 1];
    Token t = next_token(l);
    if (t.kind == TOKEN_EOF)
      text_fail(c, top->list.tok.line, top->list.tok.col, "unclosed parenthesis");
    if (t.kind == TOKEN_LPAREN) {
      if (num_open == cap_open) {
        open = text_grow(c, open, cap_open * sizeof *open, 2 * cap_open * sizeof *open);
        cap_open *= 2;
      }
      memset(&open[num_open], 0, sizeof *open);
      open[num_open].list.tok = t;
      open[num_open].list.is_list = true;
      open[num_open].base = scratch->count;
      num_open++;
      continue;
    }
    if (t.kind != TOKEN_RPAREN) {
      SExpr e = {.tok = t};
      push_item(c, scratch, &e);
      continue;
    }
    SExpr done = top->list;
    done.end_line = t.line;
    done.end_col = t.col;
    done.count = scratch->count - top->base;
    done.items = text_alloc(c, (done.count ? done.count : 1) * sizeof(SExpr));
    if (done.count) /* an empty first list: scratch->items may still be NULL */
      memcpy(done.items, scratch->items + top->base, done.count * sizeof(SExpr));
    scratch->count = top->base;
    if (--num_open == 0)
      *list = done;
    else
      push_item(c, scratch, &done);
  }
}

SExpr *sexpr_parse(TextContext *c, const char *src, size_t len, uint32_t *count)
{
  return sexpr_parse_until_stray(c, src, len, count, NULL);
}

SExpr *sexpr_parse_until_stray(TextContext *c, const char *src, size_t len, uint32_t *count, Token *stray)
{
  Lexer l = {.c = c, .p = src, .end = src + len, .line = 1, .line_start = src};
  ItemStack scratch = {0}, out = {0};
  if (stray)
    stray->kind = TOKEN_EOF;
  for (;;) {
    Token t = next_token(&l);
    if (t.kind == TOKEN_EOF)
      break;
    if (t.kind == TOKEN_RPAREN && stray) {
      *stray = t;
      break;
    }
    if (t.kind == TOKEN_RPAREN)
      text_fail(c, t.line, t.col, "unexpected token \")\"");
    SExpr e = {.tok = t};
    if (t.kind == TOKEN_LPAREN) {
      e.is_list = true;
      parse_list(&l, &scratch, &e);
    }
    push_item(c, &out, &e);
  }
  *count = out.count;
  return out.items ? out.items : text_alloc(c, sizeof(SExpr));
}

/* ---- strings ---- */

static int hex_digit(char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

static uint32_t put_utf8(uint8_t *out, uint32_t cp)
{
  if (cp < 0x80) {
    out[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (uint8_t)(0xC0 | (cp >> 6));
    out[1] = (uint8_t)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (uint8_t)(0xE0 | (cp >> 12));
    out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | (cp >> 18));
  out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (uint8_t)(0x80 | (cp & 0x3F));
  return 4;
}

/* With len == NULL only checks the escapes (the lexer's use). */
uint8_t *text_string(TextContext *c, const Token *t, uint32_t *len)
{
  const char *p = t->text + 1, *end = t->text + t->len - 1;
  uint8_t *out = len ? text_alloc(c, t->len) : NULL;
  uint32_t n = 0;
  while (p < end) {
    if (*p != '\\') {
      if (out)
        out[n] = (uint8_t)*p;
      n++;
      p++;
      continue;
    }
    const char *esc = p;
    uint32_t col = t->col + (uint32_t)(esc - t->text);
    p++;
    uint8_t tmp[4];
    uint32_t k = 1;
    switch (*p) {
    case 't': tmp[0] = '\t'; p++; break;
    case 'n': tmp[0] = '\n'; p++; break;
    case 'r': tmp[0] = '\r'; p++; break;
    case '"': tmp[0] = '"'; p++; break;
    case '\'': tmp[0] = '\''; p++; break;
    case '\\': tmp[0] = '\\'; p++; break;
    case 'u': {
      p++;
      if (p >= end || *p != '{')
        text_fail(c, t->line, col, "illegal escape");
      p++;
      uint32_t cp = 0;
      int digits = 0;
      while (p < end && *p != '}') {
        int d = hex_digit(*p);
        if (d < 0) {
          if (*p == '_' && digits > 0 && p + 1 < end && hex_digit(p[1]) >= 0) {
            p++;
            continue;
          }
          text_fail(c, t->line, col, "illegal escape");
        }
        cp = cp * 16 + (uint32_t)d;
        if (cp > 0x10FFFF)
          text_fail(c, t->line, col, "illegal escape");
        digits++;
        p++;
      }
      if (p >= end || digits == 0 || (cp >= 0xD800 && cp < 0xE000))
        text_fail(c, t->line, col, "illegal escape");
      p++;
      k = put_utf8(tmp, cp);
      break;
    }
    default: {
      int hi = hex_digit(p[0]), lo = p + 1 < end ? hex_digit(p[1]) : -1;
      if (hi < 0 || lo < 0)
        text_fail(c, t->line, col, "illegal escape");
      tmp[0] = (uint8_t)(hi * 16 + lo);
      p += 2;
    }
    }
    if (out)
      memcpy(out + n, tmp, k);
    n += k;
  }
  if (len)
    *len = n;
  return out;
}

bool utf8_valid(const uint8_t *s, uint32_t len)
{
  uint32_t i = 0;
  while (i < len) {
    uint8_t b = s[i];
    uint32_t need, cp;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (len - i - 1 < need)
      return false;
    for (uint32_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += need + 1;
  }
  return true;
}

char *text_name(TextContext *c, const Token *t, uint32_t *len)
{
  uint8_t *s = text_string(c, t, len);
  if (!utf8_valid(s, *len))
    text_fail(c, t->line, t->col, "malformed UTF-8 encoding");
  return (char *)s;
}
