/* Dense linear algebra: matrix product, LU solve, residual. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 120

int main(void)
{
  static double a[N][N], b[N][N], c[N][N], lu[N][N];
  static double x[N], rhs[N];
  unsigned s = 1;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      s = s * 1103515245u + 12345u;
      a[i][j] = (double)(s >> 16 & 0x7FFF) / 32768.0 + (i == j ? N : 0);
      b[i][j] = (double)((i * 7 + j * 3) % 11) - 5.0;
    }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double sum = 0;
      for (int k = 0; k < N; k++)
        sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
  double trace = 0;
  for (int i = 0; i < N; i++)
    trace += c[i][i];
  printf("trace(A*B) = %.6f, c[3][7] = %.6f\n", trace, c[3][7]);

  for (int i = 0; i < N; i++) {
    rhs[i] = i + 1;
    for (int j = 0; j < N; j++)
      lu[i][j] = a[i][j];
  }
  for (int k = 0; k < N; k++)
    for (int i = k + 1; i < N; i++) {
      lu[i][k] /= lu[k][k];
      for (int j = k + 1; j < N; j++)
        lu[i][j] -= lu[i][k] * lu[k][j];
    }
  for (int i = 0; i < N; i++) {
    x[i] = rhs[i];
    for (int j = 0; j < i; j++)
      x[i] -= lu[i][j] * x[j];
  }
  for (int i = N - 1; i >= 0; i--) {
    for (int j = i + 1; j < N; j++)
      x[i] -= lu[i][j] * x[j];
    x[i] /= lu[i][i];
  }
  double res = 0;
  for (int i = 0; i < N; i++) {
    double r = -rhs[i];
    for (int j = 0; j < N; j++)
      r += a[i][j] * x[j];
    res = fmax(res, fabs(r));
  }
  printf("x[0] = %.10f x[%d] = %.10f residual small: %d\n", x[0], N - 1, x[N - 1], res < 1e-9);
  return 0;
}
