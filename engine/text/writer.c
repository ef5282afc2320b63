/*
 * writer.c -- byte buffers and LEB128 writers for the text parser.
 */
#include "writer.h"

#include <string.h>

void buf_reserve(ByteBuf *b, size_t extra)
{
  if (b->cap - b->size >= extra)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap - b->size < extra)
    cap *= 2;
  /* The arena never frees: the old block is wasted, at most doubling the
   * footprint of a buffer, which a parse that frees everything at once can
   * afford. */
  b->data = text_grow(b->c, b->data, b->size, cap);
  b->cap = cap;
}

void buf_byte(ByteBuf *b, uint8_t byte)
{
  buf_reserve(b, 1);
  b->data[b->size++] = byte;
}

void buf_bytes(ByteBuf *b, const void *bytes, size_t n)
{
  if (n == 0)
    return;
  buf_reserve(b, n);
  memcpy(b->data + b->size, bytes, n);
  b->size += n;
}

void buf_u32(ByteBuf *b, uint32_t v)
{
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    buf_byte(b, v ? byte | 0x80 : byte);
  } while (v);
}

void buf_s64(ByteBuf *b, int64_t v)
{
  for (;;) {
    uint8_t byte = v & 0x7F;
    v >>= 7; /* arithmetic shift on every compiler we build with */
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    buf_byte(b, done ? byte : byte | 0x80);
    if (done)
      return;
  }
}

void buf_s32(ByteBuf *b, int32_t v) { buf_s64(b, v); }

void buf_fixed32(ByteBuf *b, uint32_t bits)
{
  uint8_t le[4];
  for (int i = 0; i < 4; i++)
    le[i] = (uint8_t)(bits >> (8 * i));
  buf_bytes(b, le, 4);
}

void buf_fixed64(ByteBuf *b, uint64_t bits)
{
  uint8_t le[8];
  for (int i = 0; i < 8; i++)
    le[i] = (uint8_t)(bits >> (8 * i));
  buf_bytes(b, le, 8);
}

void buf_name(ByteBuf *b, const void *bytes, uint32_t len)
{
  buf_u32(b, len);
  buf_bytes(b, bytes, len);
}

void buf_section_raw(ByteBuf *out, uint8_t id, const ByteBuf *content)
{
  buf_byte(out, id);
  buf_u32(out, (uint32_t)content->size);
  buf_append(out, content);
}

void buf_section_vec(ByteBuf *out, uint8_t id, uint32_t count, const ByteBuf *content)
{
  if (count == 0)
    return;
  ByteBuf body = buf_new(out->c);
  buf_u32(&body, count);
  buf_append(&body, content);
  buf_section_raw(out, id, &body);
}
