/* lz.c -- byte-wise pointer chasing: an LZ77-style compressor (hash of
 * the next 4 bytes into a table of last positions, greedy matches) and its
 * decompressor, round-tripping a generated text.  usage: lz [REPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (256 * 1024)
#define HASH_BITS 14
#define MIN_MATCH 4
#define MAX_MATCH 255
#define WINDOW 65535

static uint8_t text[SIZE], packed[SIZE * 2], unpacked[SIZE];
static int32_t last[1 << HASH_BITS];

static uint32_t hash4(const uint8_t *p)
{
  uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Format: a literal run is [0, n, n bytes]; a match is [len, offset lo, hi]. */
static uint32_t compress(const uint8_t *in, uint32_t n, uint8_t *out)
{
  uint32_t i = 0, o = 0, lit_start = 0;
  for (uint32_t k = 0; k < (1u << HASH_BITS); k++)
    last[k] = -1;
  while (i + MIN_MATCH <= n) {
    uint32_t h = hash4(in + i);
    int32_t cand = last[h];
    last[h] = (int32_t)i;
    uint32_t len = 0;
    if (cand >= 0 && i - (uint32_t)cand <= WINDOW)
      while (len < MAX_MATCH && i + len < n && in[cand + len] == in[i + len])
        len++;
    if (len < MIN_MATCH) {
      i++;
      continue;
    }
    while (lit_start < i) {
      uint32_t run = i - lit_start > 255 ? 255 : i - lit_start;
      out[o++] = 0;
      out[o++] = (uint8_t)run;
      memcpy(out + o, in + lit_start, run);
      o += run;
      lit_start += run;
    }
    uint32_t off = i - (uint32_t)cand;
    out[o++] = (uint8_t)len;
    out[o++] = (uint8_t)off;
    out[o++] = (uint8_t)(off >> 8);
    i += len;
    lit_start = i;
  }
  while (lit_start < n) {
    uint32_t run = n - lit_start > 255 ? 255 : n - lit_start;
    out[o++] = 0;
    out[o++] = (uint8_t)run;
    memcpy(out + o, in + lit_start, run);
    o += run;
    lit_start += run;
  }
  return o;
}

static uint32_t decompress(const uint8_t *in, uint32_t n, uint8_t *out)
{
  uint32_t i = 0, o = 0;
  while (i < n) {
    uint32_t len = in[i++];
    if (len == 0) {
      uint32_t run = in[i++];
      memcpy(out + o, in + i, run);
      i += run, o += run;
    } else {
      uint32_t off = in[i] | (uint32_t)in[i + 1] << 8;
      i += 2;
      for (uint32_t k = 0; k < len; k++, o++)
        out[o] = out[o - off];
    }
  }
  return o;
}

int main(int argc, char **argv)
{
  static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ",
                                "dog ", "wasm ", "plugin ", "runtime ", "memory ", "table ",
                                "\n", "interpreter ", "frame "};
  int reps = argc > 1 ? atoi(argv[1]) : 200;
  uint32_t seed = 99, n = 0;
  while (n < SIZE - 16) {
    seed = seed * 1103515245u + 12345u;
    const char *w = words[(seed >> 16) & 15];
    size_t l = strlen(w);
    memcpy(text + n, w, l);
    n += (uint32_t)l;
    if (((seed >> 8) & 31) == 0)
      text[n++] = (uint8_t)('0' + (seed >> 20) % 10);
  }
  uint32_t check = 0, psize = 0;
  for (int r = 0; r < reps; r++) {
    text[r * 977 % n] ^= 1;
    psize = compress(text, n, packed);
    uint32_t u = decompress(packed, psize, unpacked);
    if (u != n || memcmp(text, unpacked, n) != 0) {
      printf("lz: round trip failed\n");
      return 1;
    }
    for (uint32_t i = 0; i < psize; i += 7)
      check = check * 31 + packed[i];
  }
  printf("lz: %u -> %u bytes, checksum %u\n", n, psize, check);
  return 0;
}
