/* matmul.c -- nested loops over memory: n x n int matrix products. */
#define N 96

static int a[N * N], b[N * N], c[N * N];

__attribute__((export_name("run"))) int run(int reps)
{
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i * N + j] = i + j;
      b[i * N + j] = i - j;
    }
  unsigned check = 0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        int sum = 0;
        for (int k = 0; k < N; k++)
          sum += a[i * N + k] * b[k * N + j];
        c[i * N + j] = sum;
      }
    for (int i = 0; i < N * N; i++)
      check = (check << 1 | check >> 31) + (unsigned)c[i];
    a[r % (N * N)]++;
  }
  return (int)check;
}
