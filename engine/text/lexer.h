/*
 * lexer.h -- the token and S-expression layer of the text format, shared by
 * the module parser (wat_*.c) and the script parser (wast.c).
 *
 * Source text becomes a tree of S-expressions whose atoms are tokens that
 * remember their line and column.  Everything a parse allocates lives in one
 * arena owned by a TextContext and is freed at once; errors unwind to the
 * context's entry point with longjmp, as Lua's luaD_throw does, so that the
 * recursive parsers need no error plumbing and leak nothing.
 */
#ifndef WP_TEXT_LEXER_H
#define WP_TEXT_LEXER_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"

typedef struct ArenaChunk ArenaChunk;

typedef struct TextContext {
  jmp_buf on_error; /* set by the entry point (text_try) */
  char *error;
  uint32_t error_size;
  ArenaChunk *chunks;
} TextContext;

/* Nesting costs the parsers heap, never C stack: S-expressions and
 * instructions are read with explicit stacks, so text nests as deep as the
 * binary format allows. */

void text_context_init(TextContext *c, char *error, uint32_t error_size);
void text_context_free(TextContext *c);

/* Reports "LINE:COL: message" and unwinds to the entry point. */
_Noreturn void text_fail(TextContext *c, uint32_t line, uint32_t col, const char *fmt, ...) WP_PRINTF(4, 5);

void *text_alloc(TextContext *c, size_t size); /* zeroed, never NULL */
void *text_grow(TextContext *c, void *old, size_t old_size, size_t new_size);
char *text_strdup(TextContext *c, const char *s, size_t len);

typedef enum TokenKind {
  TOKEN_EOF,
  TOKEN_LPAREN,
  TOKEN_RPAREN,
  TOKEN_KEYWORD,  /* starts with a-z: i32.add, offset=4, inf, nan:0x1 */
  TOKEN_ID,       /* $name */
  TOKEN_STRING,   /* "...": text keeps the quotes; see text_string() */
  TOKEN_NUMBER,   /* starts with a digit or a sign: parsed in context */
  TOKEN_RESERVED, /* any other run of id characters */
} TokenKind;

typedef struct Token {
  TokenKind kind;
  uint32_t len;
  const char *text;
  uint32_t line, col;
} Token;

typedef struct SExpr {
  Token tok;      /* the atom, or the '(' of a list */
  bool is_list;
  uint32_t count; /* items of a list */
  struct SExpr *items;
  uint32_t end_line, end_col; /* the closing ')' of a list */
} SExpr;

/* Parses all of `src` into top-level S-expressions (atoms are allowed at top
 * level; callers decide what they accept).  The tree points into `src`. */
SExpr *sexpr_parse(TextContext *c, const char *src, size_t len, uint32_t *count);
/* The same, but a stray ')' at the top level ends the items instead of
 * failing at once: *stray is that token (TOKEN_EOF when there was none), so
 * a caller can first report errors in the items before it, in text order as
 * the reference parser does. */
SExpr *sexpr_parse_until_stray(TextContext *c, const char *src, size_t len, uint32_t *count, Token *stray);

bool token_is(const Token *t, const char *keyword);
static inline bool sexpr_is_atom(const SExpr *e, const char *keyword)
{
  return !e->is_list && token_is(&e->tok, keyword);
}
/* True for a list whose first item is the keyword, as in (param ...). */
bool sexpr_is_list(const SExpr *e, const char *keyword);

/* The bytes a string token denotes, escapes decoded, in the arena. */
uint8_t *text_string(TextContext *c, const Token *t, uint32_t *len);
/* Same, and the bytes must be valid UTF-8 ("malformed UTF-8 encoding"). */
char *text_name(TextContext *c, const Token *t, uint32_t *len);
bool utf8_valid(const uint8_t *s, uint32_t len);

_Noreturn void text_fail_at(TextContext *c, const SExpr *e, const char *fmt, ...) WP_PRINTF(3, 4);
/* "unexpected token" at `e`, the spec's word for most syntax errors. */
_Noreturn void text_unexpected(TextContext *c, const SExpr *e);
/* A keyword of the text format (an instruction or a structural word); the
 * reference lexer rejects any other keyword, and reserved tokens, as
 * "unknown operator" wherever they appear. */
bool text_keyword_known(const Token *t);

/* ---- numbers.c: literals, read in the context that types them ---- */

/* A natural number (u32 index, offset=, align=).  false if it is not one. */
bool text_parse_u32(const Token *t, uint32_t *out);
bool text_parse_u64(const Token *t, uint64_t *out);

typedef enum NumStatus { NUM_OK, NUM_SYNTAX, NUM_RANGE } NumStatus;

/* An iN literal (signed or unsigned form) as its N-bit pattern. */
NumStatus text_parse_int(const Token *t, unsigned bits, uint64_t *out);
/* An index (a u32 written as a nat): NUM_RANGE when it does not fit. */
NumStatus text_parse_index(const Token *t, uint32_t *out);
/* fN literals as their bit pattern, rounded to nearest even. */
NumStatus text_parse_f32(const Token *t, uint32_t *out);
NumStatus text_parse_f64(const Token *t, uint64_t *out);

#endif
