/* bignum.c -- 32x32->64-bit multiply-accumulate: big-integer arithmetic
 * (schoolbook multiplication and small division) computing factorials and
 * printing digits of the last one's checksum.  usage: bignum [N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMBS 16384

typedef struct Big {
  uint32_t n;
  uint32_t d[LIMBS];
} Big;

static Big x, y, z;

static void mul(Big *r, const Big *a, const Big *b)
{
  memset(r->d, 0, (a->n + b->n) * sizeof r->d[0]);
  for (uint32_t i = 0; i < a->n; i++) {
    uint64_t carry = 0;
    for (uint32_t j = 0; j < b->n; j++) {
      uint64_t t = (uint64_t)a->d[i] * b->d[j] + r->d[i + j] + carry;
      r->d[i + j] = (uint32_t)t;
      carry = t >> 32;
    }
    r->d[i + b->n] = (uint32_t)carry;
  }
  r->n = a->n + b->n;
  while (r->n > 1 && r->d[r->n - 1] == 0)
    r->n--;
}

static void mul_small(Big *a, uint32_t m)
{
  uint64_t carry = 0;
  for (uint32_t i = 0; i < a->n; i++) {
    uint64_t t = (uint64_t)a->d[i] * m + carry;
    a->d[i] = (uint32_t)t;
    carry = t >> 32;
  }
  if (carry)
    a->d[a->n++] = (uint32_t)carry;
}

static uint32_t div_small(Big *a, uint32_t m)
{
  uint64_t rem = 0;
  for (uint32_t i = a->n; i-- > 0;) {
    uint64_t cur = rem << 32 | a->d[i];
    a->d[i] = (uint32_t)(cur / m);
    rem = cur % m;
  }
  while (a->n > 1 && a->d[a->n - 1] == 0)
    a->n--;
  return (uint32_t)rem;
}

int main(int argc, char **argv)
{
  uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 16000;
  /* x = n!, y = (n/2)!, z = x * y; then the decimal digits of z */
  x.n = y.n = 1;
  x.d[0] = y.d[0] = 1;
  for (uint32_t i = 2; i <= n; i++) {
    mul_small(&x, i);
    if (i <= n / 2)
      mul_small(&y, i);
  }
  mul(&z, &x, &y);
  uint32_t limbs = z.n, digits = 0, digit_sum = 0;
  while (z.n > 1 || z.d[0]) {
    uint32_t chunk = div_small(&z, 1000000000u);
    for (int k = 0; k < 9 && (z.n > 1 || z.d[0] || chunk); k++) {
      digit_sum += chunk % 10;
      chunk /= 10;
      digits++;
    }
  }
  printf("bignum: %u limbs, %u digits, digit sum %u\n", limbs, digits, digit_sum);
  return 0;
}
