/* strsearch.c -- byte compares: naive and Boyer-Moore-Horspool search
 * for several patterns in a generated text, counting matches.
 * usage: strsearch [REPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (512 * 1024)

static uint8_t text[SIZE];

static uint32_t naive(const uint8_t *t, uint32_t n, const uint8_t *p, uint32_t m)
{
  uint32_t found = 0;
  for (uint32_t i = 0; i + m <= n; i++) {
    uint32_t k = 0;
    while (k < m && t[i + k] == p[k])
      k++;
    found += k == m;
  }
  return found;
}

static uint32_t horspool(const uint8_t *t, uint32_t n, const uint8_t *p, uint32_t m)
{
  uint32_t shift[256], found = 0;
  for (int c = 0; c < 256; c++)
    shift[c] = m;
  for (uint32_t k = 0; k + 1 < m; k++)
    shift[p[k]] = m - 1 - k;
  for (uint32_t i = 0; i + m <= n; i += shift[t[i + m - 1]]) {
    uint32_t k = m;
    while (k > 0 && t[i + k - 1] == p[k - 1])
      k--;
    found += k == 0;
  }
  return found;
}

int main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 15;
  uint32_t seed = 555;
  for (uint32_t i = 0; i < SIZE; i++) {
    seed = seed * 1103515245u + 12345u;
    /* a small alphabet so that partial matches are frequent */
    text[i] = (uint8_t)("abcdeabcab \n"[(seed >> 16) % 12]);
  }
  static const char *patterns[] = {"abcab", "ab ab", "eabcabca", "cab\nabc", "abcdeabcdeab"};
  uint32_t total = 0, check = 0;
  for (int r = 0; r < reps; r++)
    for (int p = 0; p < 5; p++) {
      uint32_t m = (uint32_t)strlen(patterns[p]);
      uint32_t a = naive(text, SIZE, (const uint8_t *)patterns[p], m);
      uint32_t b = horspool(text, SIZE, (const uint8_t *)patterns[p], m);
      if (a != b) {
        printf("strsearch: %u != %u\n", a, b);
        return 1;
      }
      total += a;
      check = check * 31 + a;
    }
  printf("strsearch: %u matches, checksum %u\n", total, check);
  return 0;
}
