/* matmul.c -- nested loops over memory: n x n double matrix products.
 * usage: matmul [N] [REPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 200;
  int reps = argc > 2 ? atoi(argv[2]) : 60;
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n);
  double *c = malloc(sizeof(double) * n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 16.0;
      b[i * n + j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.5;
    }
  double check = 0.0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        c[i * n + j] = 0.0;
    /* i-k-j order: the inner loop streams rows of b and c */
    for (int i = 0; i < n; i++)
      for (int k = 0; k < n; k++) {
        double aik = a[i * n + k];
        for (int j = 0; j < n; j++)
          c[i * n + j] += aik * b[k * n + j];
      }
    for (int i = 0; i < n * n; i++)
      check += c[i] * (double)(i % 7);
    a[r % (n * n)] += 0.25;
  }
  printf("matmul checksum %.6f\n", check);
  free(a);
  free(b);
  free(c);
  return 0;
}
