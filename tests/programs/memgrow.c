/* Memory growth well past 64 MiB: 96 MiB in 1 MiB blocks, all touched and
 * checked, then freed and allocated again as one block. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
  enum { BLOCK = 1 << 20, COUNT = 96 };
  uint8_t *blocks[COUNT];
  for (int i = 0; i < COUNT; i++) {
    blocks[i] = malloc(BLOCK);
    if (!blocks[i]) {
      printf("allocation %d failed\n", i);
      return 1;
    }
    for (int k = 0; k < BLOCK; k += 64)
      blocks[i][k] = (uint8_t)(i + k / 64);
  }
  uint64_t sum = 0;
  for (int i = COUNT - 1; i >= 0; i--)
    for (int k = 0; k < BLOCK; k += 64)
      sum += blocks[i][k];
  printf("96 MiB touched, sum %llu\n", (unsigned long long)sum);
  for (int i = 0; i < COUNT; i++)
    free(blocks[i]);

  size_t big = (size_t)80 << 20;
  uint32_t *one = malloc(big);
  if (!one) {
    printf("big allocation failed\n");
    return 1;
  }
  for (size_t i = 0; i < big / 4; i += 1024)
    one[i] = (uint32_t)i;
  uint64_t s2 = 0;
  for (size_t i = 0; i < big / 4; i += 1024)
    s2 += one[i];
  memset(one, 0, big);
  printf("80 MiB block sum %llu, cleared first %u last %u\n", (unsigned long long)s2, one[0],
         one[big / 4 - 1]);
  free(one);
  return 0;
}
