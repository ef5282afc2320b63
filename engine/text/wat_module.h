/*
 * wat_module.h -- whole modules, for wat_to_binary and the script parser.
 */
#ifndef WP_TEXT_WAT_MODULE_H
#define WP_TEXT_WAT_MODULE_H

#include "wat.h"

/* The module fields from the cursor's position on, as a binary module. */
void wat_module_fields(TextContext *c, Cursor *fields, ByteBuf *out);

/* A (module $id? ...) list in any of its three forms (fields, binary,
 * quote); *name (if asked) is the $id or NULL. */
void wat_module(TextContext *c, SExpr *module, ByteBuf *out, const Token **name);

/* Top-level text of a module: one (module ...) or bare fields. */
void wat_text_module(TextContext *c, SExpr *items, uint32_t count, const SExpr *owner, ByteBuf *out);

#endif
