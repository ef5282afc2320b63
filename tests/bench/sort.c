/* sort.c -- compares, swaps and recursion: quicksort and a bottom-up
 * merge sort of pseudo-random integers, checked for order.
 * usage: sort [N] [REPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quicksort(int32_t *a, int32_t lo, int32_t hi)
{
  while (lo < hi) {
    int32_t pivot = a[lo + (hi - lo) / 2], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot)
        i++;
      while (a[j] > pivot)
        j--;
      if (i <= j) {
        int32_t t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    /* recurse into the smaller half, loop on the larger */
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
}

static void mergesort(int32_t *a, int32_t *tmp, uint32_t n)
{
  for (uint32_t width = 1; width < n; width *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * width) {
      uint32_t mid = lo + width < n ? lo + width : n;
      uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
      while (i < mid)
        tmp[k++] = a[i++];
      while (j < hi)
        tmp[k++] = a[j++];
    }
    memcpy(a, tmp, n * sizeof *a);
  }
}

int main(int argc, char **argv)
{
  uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 300000;
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  int32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *tmp = malloc(n * sizeof *tmp);
  uint32_t seed = 31337, check = 0;
  for (int r = 0; r < reps; r++) {
    for (uint32_t i = 0; i < n; i++) {
      seed = seed * 1664525u + 1013904223u;
      a[i] = b[i] = (int32_t)(seed >> 1) % 1000000;
    }
    quicksort(a, 0, (int32_t)n - 1);
    mergesort(b, tmp, n);
    for (uint32_t i = 0; i < n; i++) {
      if ((i && a[i - 1] > a[i]) || a[i] != b[i]) {
        printf("sort: not sorted at %u\n", i);
        return 1;
      }
      check = check * 31 + (uint32_t)a[i];
    }
  }
  printf("sort checksum %u\n", check);
  free(a);
  free(b);
  free(tmp);
  return 0;
}
