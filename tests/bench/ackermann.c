/* ackermann.c -- deep, non-tail recursion: Ackermann's function A(2, n)
 * and A(3, m), repeated.  usage: ackermann [REPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t ack(uint32_t m, uint32_t n)
{
  if (m == 0)
    return n + 1;
  if (n == 0)
    return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 330;
  uint32_t check = 0;
  for (int r = 0; r < reps; r++)
    check = check * 31 + ack(3, 7) + ack(2, 500 + (uint32_t)r);
  printf("ackermann checksum %u\n", check);
  return 0;
}
