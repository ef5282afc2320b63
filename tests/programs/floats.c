/* printf/strtod float formatting and correctly rounded arithmetic (no libm
 * functions whose last bit may differ between C libraries). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
  const double values[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 1e300, 123456789.125,
                           -987.654321, DBL_MAX, DBL_MIN, DBL_EPSILON, 5e-324, 0.5, 2.5, 1e21,
                           1e22, 299792458.0, 6.02214076e23};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    double v = values[i];
    printf("%.17g | %f | %.3e | %g | %10.4f | %-12.2e|\n", v, v, v, v, v, v);
  }
  float f = 1.0f / 3.0f;
  printf("float %.9g %.20f\n", (double)f, (double)f);
  printf("inf %f %e %g, nan %f\n", INFINITY, -INFINITY, INFINITY, NAN);

  const char *texts[] = {"3.14159", "1e-5", "-2.5E+10", "0x1.8p1", "  42  ", "1e400", "4.9e-324",
                         "123.456e-2"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    char *end;
    double d = strtod(texts[i], &end);
    printf("strtod('%s') = %.17g, rest '%s'\n", texts[i], d, end);
  }

  /* round trips */
  int ok = 0;
  double x = 0.1;
  for (int i = 0; i < 2000; i++) {
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", x);
    if (strtod(buf, NULL) == x)
      ok++;
    x = x * 1.37 + 0.000123;
    if (x > 1e200)
      x = x / 1e250;
  }
  printf("round trips %d/2000\n", ok);

  double s = 0, c = 0;
  for (int i = 1; i <= 1000000; i++) {
    double y = 1.0 / ((double)i * i) - c;
    double t = s + y;
    c = (t - s) - y;
    s = t;
  }
  printf("sum 1/n^2 = %.15f, sqrt(6 s) = %.15f\n", s, sqrt(6 * s));
  printf("sqrt(2) %.17g fma %.17g floor %g ceil %g fmod %g trunc %g rint %g\n", sqrt(2.0),
         fma(0.1, 10.0, -1.0), floor(-2.5), ceil(-2.5), fmod(10.5, 3.0), trunc(-7.9), rint(2.5));
  printf("int conv %d %lld %u\n", (int)-3.99, (long long)1e15, (unsigned)3e9);
  return 0;
}
