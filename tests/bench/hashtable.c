/* hashtable.c -- unpredictable loads: an open-addressing hash table of
 * 32-bit keys with inserts, lookups and deletions (backward-shift), churning
 * a working set.  usage: hashtable [OPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BITS 16
#define CAP (1u << BITS)
#define MASK (CAP - 1)

static uint32_t keys[CAP], vals[CAP];
static uint8_t used[CAP];
static uint32_t count;

static uint32_t slot_of(uint32_t k) { return (k * 2654435769u) >> (32 - BITS); }

static void insert(uint32_t k, uint32_t v)
{
  uint32_t i = slot_of(k);
  while (used[i] && keys[i] != k)
    i = (i + 1) & MASK;
  if (!used[i])
    count++;
  used[i] = 1, keys[i] = k, vals[i] = v;
}

static int lookup(uint32_t k, uint32_t *v)
{
  for (uint32_t i = slot_of(k); used[i]; i = (i + 1) & MASK)
    if (keys[i] == k) {
      *v = vals[i];
      return 1;
    }
  return 0;
}

static void erase(uint32_t k)
{
  uint32_t i = slot_of(k);
  while (used[i] && keys[i] != k)
    i = (i + 1) & MASK;
  if (!used[i])
    return;
  /* backward shift: move later members of the run into the hole */
  uint32_t j = i;
  for (;;) {
    j = (j + 1) & MASK;
    if (!used[j])
      break;
    uint32_t home = slot_of(keys[j]);
    if (((j - home) & MASK) >= ((j - i) & MASK)) {
      keys[i] = keys[j], vals[i] = vals[j];
      i = j;
    }
  }
  used[i] = 0;
  count--;
}

int main(int argc, char **argv)
{
  uint32_t ops = argc > 1 ? (uint32_t)atoi(argv[1]) : 15000000;
  uint32_t seed = 2024, hits = 0, check = 0;
  for (uint32_t n = 0; n < ops; n++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t k = (seed >> 8) % 40000, v;
    switch (seed >> 30) {
    case 0:
    case 1: insert(k, n); break;
    case 2:
      if (lookup(k, &v)) {
        hits++;
        check += v;
      }
      break;
    default: erase(k); break;
    }
  }
  printf("hashtable: %u entries, %u hits, checksum %u\n", count, hits, check);
  return 0;
}
