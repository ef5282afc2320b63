/*
 * writer.h -- the binary format as the text parser writes it: a growable
 * byte buffer in the parse's arena, LEB128 writers and section framing.
 */
#ifndef WP_TEXT_WRITER_H
#define WP_TEXT_WRITER_H

#include "lexer.h"

typedef struct ByteBuf {
  TextContext *c;
  uint8_t *data;
  size_t size, cap;
} ByteBuf;

static inline ByteBuf buf_new(TextContext *c) { return (ByteBuf){.c = c}; }

void buf_reserve(ByteBuf *b, size_t extra);
void buf_byte(ByteBuf *b, uint8_t byte);
void buf_bytes(ByteBuf *b, const void *bytes, size_t n);
void buf_u32(ByteBuf *b, uint32_t v); /* unsigned LEB128 */
void buf_s32(ByteBuf *b, int32_t v);  /* signed LEB128 */
void buf_s64(ByteBuf *b, int64_t v);
void buf_fixed32(ByteBuf *b, uint32_t bits); /* little endian */
void buf_fixed64(ByteBuf *b, uint64_t bits);
void buf_name(ByteBuf *b, const void *bytes, uint32_t len); /* vec(byte) */
static inline void buf_append(ByteBuf *b, const ByteBuf *other) { buf_bytes(b, other->data, other->size); }

/* Writes section `id` holding vec(content) of `count` items; an empty
 * vector writes no section at all. */
void buf_section_vec(ByteBuf *out, uint8_t id, uint32_t count, const ByteBuf *content);
/* Writes section `id` holding exactly `content` (start, data count). */
void buf_section_raw(ByteBuf *out, uint8_t id, const ByteBuf *content);

#endif
