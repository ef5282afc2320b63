/* nbody.c -- f64 arithmetic: a five-body simulation (the classic
 * benchmark's shape), printing the final energy.  usage: nbody [STEPS] */
#include <stdio.h>
#include <stdlib.h>
#define BODIES 5

typedef struct Body {
  double x, y, z, vx, vy, vz, mass;
} Body;

static Body bodies[BODIES];

static void init(void)
{
  for (int i = 0; i < BODIES; i++) {
    bodies[i].x = i * 1.5 - 3.0;
    bodies[i].y = i * 0.25 + 0.5;
    bodies[i].z = -i * 0.75;
    bodies[i].vx = 0.01 * i;
    bodies[i].vy = -0.02 * i;
    bodies[i].vz = 0.005;
    bodies[i].mass = 1.0 + i * 0.1;
  }
}

static double energy(void)
{
  double e = 0.0;
  for (int i = 0; i < BODIES; i++) {
    Body *b = &bodies[i];
    e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < BODIES; j++) {
      double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
      e -= b->mass * bodies[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

int main(int argc, char **argv)
{
  int steps = argc > 1 ? atoi(argv[1]) : 4000000;
  const double dt = 0.001;
  init();
  printf("nbody energy before %.9f\n", energy());
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < BODIES; i++) {
      Body *b = &bodies[i];
      for (int j = i + 1; j < BODIES; j++) {
        double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
        double d2 = dx * dx + dy * dy + dz * dz + 0.01;
        double mag = dt / (d2 * __builtin_sqrt(d2));
        b->vx -= dx * bodies[j].mass * mag;
        b->vy -= dy * bodies[j].mass * mag;
        b->vz -= dz * bodies[j].mass * mag;
        bodies[j].vx += dx * b->mass * mag;
        bodies[j].vy += dy * b->mass * mag;
        bodies[j].vz += dz * b->mass * mag;
      }
    }
    for (int i = 0; i < BODIES; i++) {
      bodies[i].x += dt * bodies[i].vx;
      bodies[i].y += dt * bodies[i].vy;
      bodies[i].z += dt * bodies[i].vz;
    }
  }
  printf("nbody energy after %.9f\n", energy());
  return 0;
}
