/* crc32.c -- bit operations and a table: CRC-32 over a generated buffer.
 * usage: crc32 [REPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SIZE 65536

static uint32_t table[256];
static uint8_t data[SIZE];

int main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 1500;
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  uint32_t seed = 12345;
  for (int i = 0; i < SIZE; i++) {
    seed = seed * 1103515245u + 12345u;
    data[i] = (uint8_t)(seed >> 16);
  }
  uint32_t crc = 0;
  for (int r = 0; r < reps; r++) {
    crc = ~crc;
    for (int i = 0; i < SIZE; i++)
      crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    crc = ~crc;
  }
  printf("crc32 %08x\n", crc);
  return 0;
}
