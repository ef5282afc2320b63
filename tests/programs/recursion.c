/* Deep and branching recursion. */
#include <stdint.h>
#include <stdio.h>

static uint64_t depth_sum(uint32_t n, volatile uint32_t *pad)
{
  volatile uint32_t local[4] = {n, n + 1, n + 2, n + 3};
  if (n == 0)
    return pad[0];
  return local[1] + depth_sum(n - 1, local);
}

static uint32_t ackermann(uint32_t m, uint32_t n)
{
  if (m == 0)
    return n + 1;
  if (n == 0)
    return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static int is_even(uint32_t n);
static int is_odd(uint32_t n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(uint32_t n) { return n == 0 ? 1 : is_odd(n - 1); }

static uint64_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int queens(int row, int n, uint32_t cols, uint32_t d1, uint32_t d2)
{
  if (row == n)
    return 1;
  int count = 0;
  for (int c = 0; c < n; c++) {
    if ((cols >> c & 1) || (d1 >> (row + c) & 1) || (d2 >> (row - c + n) & 1))
      continue;
    count += queens(row + 1, n, cols | 1u << c, d1 | 1u << (row + c), d2 | 1u << (row - c + n));
  }
  return count;
}

int main(void)
{
  volatile uint32_t zero[4] = {7, 0, 0, 0};
  printf("depth_sum(20000) = %llu\n", (unsigned long long)depth_sum(20000, zero));
  printf("ackermann(2, 300) = %u\n", ackermann(2, 300));
  printf("ackermann(3, 6) = %u\n", ackermann(3, 6));
  printf("is_even(15001) = %d\n", is_even(15001));
  printf("fib(27) = %llu\n", (unsigned long long)fib(27));
  printf("queens(9) = %d\n", queens(0, 9, 0, 0, 0));
  return 0;
}
