/* sieve.c -- byte loads and stores: the sieve of Eratosthenes.
 * usage: sieve [REPS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 2000000

static unsigned char composite[LIMIT];

int main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 25;
  unsigned count = 0, sum = 0;
  for (int r = 0; r < reps; r++) {
    memset(composite, 0, sizeof composite);
    count = 0;
    for (int i = 2; i < LIMIT; i++) {
      if (composite[i])
        continue;
      count++;
      sum += (unsigned)i;
      for (int j = i * 2; j < LIMIT; j += i)
        composite[j] = 1;
    }
  }
  printf("sieve: %u primes, checksum %u\n", count, sum);
  return 0;
}
