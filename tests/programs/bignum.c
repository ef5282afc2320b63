/* Arbitrary-precision arithmetic in base 10^9: factorials, powers, Fibonacci. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint32_t *d; /* little-endian limbs, base 1e9 */
  size_t n;
} Big;

#define BASE 1000000000u

static Big big_from(uint32_t v)
{
  Big b = {malloc(4 * sizeof(uint32_t)), 1};
  b.d[0] = v;
  return b;
}

static void big_mul_small(Big *b, uint32_t m)
{
  uint64_t carry = 0;
  for (size_t i = 0; i < b->n; i++) {
    uint64_t v = (uint64_t)b->d[i] * m + carry;
    b->d[i] = (uint32_t)(v % BASE);
    carry = v / BASE;
  }
  while (carry) {
    b->d = realloc(b->d, (b->n + 1) * sizeof(uint32_t));
    b->d[b->n++] = (uint32_t)(carry % BASE);
    carry /= BASE;
  }
}

static Big big_add(const Big *a, const Big *b)
{
  size_t n = a->n > b->n ? a->n : b->n;
  Big r = {malloc((n + 1) * sizeof(uint32_t)), 0};
  uint32_t carry = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t v = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
    r.d[r.n++] = v % BASE;
    carry = v / BASE;
  }
  if (carry)
    r.d[r.n++] = carry;
  return r;
}

static Big big_mul(const Big *a, const Big *b)
{
  size_t n = a->n + b->n;
  uint64_t *t = calloc(n, sizeof *t);
  for (size_t i = 0; i < a->n; i++) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b->n; j++) {
      uint64_t v = t[i + j] + (uint64_t)a->d[i] * b->d[j] + carry;
      t[i + j] = v % BASE;
      carry = v / BASE;
    }
    t[i + b->n] += carry;
  }
  Big r = {malloc(n * sizeof(uint32_t)), n};
  for (size_t i = 0; i < n; i++)
    r.d[i] = (uint32_t)t[i];
  free(t);
  while (r.n > 1 && r.d[r.n - 1] == 0)
    r.n--;
  return r;
}

static void big_print(const char *label, const Big *b)
{
  char *s = malloc(b->n * 9 + 1);
  int len = sprintf(s, "%u", b->d[b->n - 1]);
  for (size_t i = b->n - 1; i-- > 0;)
    len += sprintf(s + len, "%09u", b->d[i]);
  uint32_t digitsum = 0;
  for (int i = 0; i < len; i++)
    digitsum += (uint32_t)(s[i] - '0');
  printf("%s: %d digits, digit sum %u, starts %.20s, ends %s\n", label, len, digitsum, s,
         s + (len > 20 ? len - 20 : 0));
  free(s);
}

int main(void)
{
  Big f = big_from(1);
  for (uint32_t i = 2; i <= 1000; i++)
    big_mul_small(&f, i);
  big_print("1000!", &f);
  free(f.d);

  Big p = big_from(2), acc = big_from(1);
  for (int bit = 0, e = 4423; e; e >>= 1, bit++) {
    if (e & 1) {
      Big t = big_mul(&acc, &p);
      free(acc.d);
      acc = t;
    }
    Big sq = big_mul(&p, &p);
    free(p.d);
    p = sq;
  }
  big_print("2^4423", &acc);
  free(acc.d);
  free(p.d);

  Big a = big_from(0), b = big_from(1);
  for (int i = 0; i < 5000; i++) {
    Big t = big_add(&a, &b);
    free(a.d);
    a = b;
    b = t;
  }
  big_print("fib(5000)", &a);
  free(a.d);
  free(b.d);
  return 0;
}
