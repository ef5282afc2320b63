/* mandelbrot.c -- f64 arithmetic in a tight data-dependent loop: escape
 * counts over a grid.  usage: mandelbrot [SIZE] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
  int size = argc > 1 ? atoi(argv[1]) : 1000;
  const int max_iter = 200;
  uint32_t total = 0, check = 0;
  for (int y = 0; y < size; y++) {
    double ci = 2.0 * y / size - 1.0;
    for (int x = 0; x < size; x++) {
      double cr = 2.5 * x / size - 2.0, zr = 0.0, zi = 0.0;
      int k = 0;
      while (k < max_iter && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        k++;
      }
      total += (uint32_t)k;
      check = check * 31 + (uint32_t)k;
    }
  }
  printf("mandelbrot: %u iterations, checksum %u\n", total, check);
  return 0;
}
