/* Heavy malloc/free/realloc with a fixed pseudo-random sequence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 12345;
static uint32_t next(void)
{
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

#define SLOTS 4096

int main(void)
{
  unsigned char *slot[SLOTS] = {0};
  uint32_t size[SLOTS] = {0};
  uint64_t check = 0, allocs = 0, frees = 0, reallocs = 0;
  for (int round = 0; round < 400000; round++) {
    uint32_t i = next() % SLOTS;
    uint32_t op = next() % 3;
    if (slot[i] && op == 0) {
      for (uint32_t k = 0; k < size[i]; k += 97)
        check = check * 31 + slot[i][k];
      free(slot[i]);
      slot[i] = NULL;
      frees++;
    } else if (slot[i] && op == 1) {
      uint32_t big = next() % 8 == 0; /* one call per statement: a fixed order */
      uint32_t n = 1 + next() % (big ? 65536 : 512);
      unsigned char *p = realloc(slot[i], n);
      if (!p)
        return 1;
      for (uint32_t k = size[i]; k < n; k++)
        p[k] = (unsigned char)(k ^ i);
      slot[i] = p;
      size[i] = n;
      reallocs++;
    } else if (!slot[i]) {
      uint32_t big = next() % 16 == 0;
      uint32_t n = 1 + next() % (big ? 200000 : 300);
      slot[i] = malloc(n);
      if (!slot[i])
        return 1;
      memset(slot[i], (int)(i & 0xFF), n);
      size[i] = n;
      allocs++;
    }
  }
  for (int i = 0; i < SLOTS; i++)
    if (slot[i]) {
      for (uint32_t k = 0; k < size[i]; k += 13)
        check += slot[i][k];
      free(slot[i]);
    }
  printf("allocs %llu frees %llu reallocs %llu check %016llx\n", (unsigned long long)allocs,
         (unsigned long long)frees, (unsigned long long)reallocs, (unsigned long long)check);
  return 0;
}
