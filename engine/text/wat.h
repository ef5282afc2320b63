/*
 * wat.h -- what the module parser (wat_module.c) and the instruction parser
 * (wat_instr.c) share: index spaces with their identifiers, the type list
 * with implicit types, cursors over S-expression items.
 */
#ifndef WP_TEXT_WAT_H
#define WP_TEXT_WAT_H

#include "writer.h"

/* The index spaces a module's identifiers live in. */
typedef enum Space {
  SPACE_TYPE,
  SPACE_FUNC,
  SPACE_TABLE,
  SPACE_MEMORY,
  SPACE_GLOBAL,
  SPACE_ELEM,
  SPACE_DATA,
  SPACE_COUNT
} Space;

extern const char *const space_names[SPACE_COUNT]; /* "type", "func", ... */

/* Identifier -> index, open addressing; keys point into the source. */
typedef struct NameEntry {
  const char *name;
  uint32_t len;
  uint32_t index;
} NameEntry;

typedef struct NameMap {
  NameEntry *slots;
  uint32_t cap, count;
} NameMap;

/* false when the name is already bound */
bool names_add(TextContext *c, NameMap *m, const Token *id, uint32_t index);
bool names_find(const NameMap *m, const Token *id, uint32_t *index);

typedef struct WatType {
  uint32_t num_params, num_results;
  uint8_t *types; /* params then results, value type bytes */
} WatType;

typedef struct WatModule {
  TextContext *c;
  NameMap names[SPACE_COUNT];
  WatType *types;
  uint32_t num_types, cap_types;
  bool uses_data_count; /* memory.init or data.drop: needs section 12 */
} WatModule;

/* A cursor over the items of a list (or of the top level). */
typedef struct Cursor {
  SExpr *items;
  uint32_t count, pos;
  const SExpr *owner; /* for errors at the end: its ')' */
} Cursor;

static inline Cursor cursor_of(SExpr *list, uint32_t start)
{
  return (Cursor){.items = list->items, .count = list->count, .pos = start, .owner = list};
}
static inline SExpr *cursor_peek(Cursor *cur) { return cur->pos < cur->count ? &cur->items[cur->pos] : NULL; }
static inline bool cursor_done(const Cursor *cur) { return cur->pos >= cur->count; }
/* Fails with "unexpected end" at the owner's ')' when nothing is left. */
SExpr *cursor_next(TextContext *c, Cursor *cur);
/* Fails with "unexpected token" unless the cursor is at the end. */
void cursor_expect_end(TextContext *c, Cursor *cur);
/* Consumes an $id if one is next. */
const Token *cursor_id(Cursor *cur);

/* A value type keyword (i32 ... externref) or 0. */
uint8_t wat_valtype_of(const SExpr *e);
uint8_t wat_valtype(WatModule *m, Cursor *cur);
uint8_t wat_reftype(WatModule *m, Cursor *cur);

/* Index of an identifier or number in `space`; "unknown <space> $x" when an
 * identifier is unbound. */
/* A numeric index; "i32 constant out of range" past 2^32 - 1. */
uint32_t wat_number_index(TextContext *c, const SExpr *e);
uint32_t wat_index(WatModule *m, const SExpr *e, Space space);
static inline bool wat_is_index(const SExpr *e)
{
  return e && !e->is_list && (e->tok.kind == TOKEN_ID || e->tok.kind == TOKEN_NUMBER);
}

/* Finds or appends a type equal to (params, results). */
uint32_t wat_intern_type(WatModule *m, const uint8_t *types, uint32_t num_params, uint32_t num_results);

/*
 * typeuse ::= (type x)? (param ...)* (result ...)*
 * Parameter identifiers are bound in `locals` when given; `allow_names` false
 * (call_indirect, block types) refuses them.  *explicit_type tells whether
 * (type x) was present; *inline_only whether the use can be written as a
 * block type without a type index (no params, at most one result).
 */
typedef struct TypeUse {
  uint32_t index;
  bool has_type;          /* (type x) given */
  uint32_t num_params, num_results;
  const uint8_t *types;   /* the resolved signature */
} TypeUse;

TypeUse wat_type_use(WatModule *m, Cursor *cur, NameMap *locals, bool allow_names, bool intern);

/* ---- wat_instr.c ---- */

typedef struct WatFunc {
  WatModule *m;
  NameMap locals;
  uint32_t num_locals;
  const Token **labels; /* innermost last; NULL entries for unnamed blocks */
  uint32_t num_labels, cap_labels;
} WatFunc;

/* instr*: plain and folded instructions up to the cursor's end. */
void wat_instrs(WatFunc *f, Cursor *cur, ByteBuf *out);
/* A constant expression (global init, offsets, element items): instr* end. */
void wat_const_expr(WatModule *m, Cursor *cur, ByteBuf *out);

#endif
