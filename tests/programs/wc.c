/* Reads standard input to the end: lines, words, bytes, and a checksum. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>

int main(void)
{
  uint64_t lines = 0, words = 0, bytes = 0;
  uint32_t crc = 0xFFFFFFFFu;
  int c, in_word = 0;
  while ((c = getchar()) != EOF) {
    bytes++;
    crc ^= (uint32_t)c;
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    if (c == '\n')
      lines++;
    if (isspace(c))
      in_word = 0;
    else if (!in_word) {
      in_word = 1;
      words++;
    }
  }
  printf("%llu %llu %llu crc32 %08x\n", (unsigned long long)lines, (unsigned long long)words,
         (unsigned long long)bytes, crc ^ 0xFFFFFFFFu);
  return 0;
}
