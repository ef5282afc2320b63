/* Clocks: monotonic never goes back, sleeping takes at least its time, the
 * wall clock is after 2020; only the verdicts are printed. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static int64_t ns(clockid_t id)
{
  struct timespec t;
  clock_gettime(id, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(void)
{
  int64_t prev = ns(CLOCK_MONOTONIC), backwards = 0;
  for (int i = 0; i < 100000; i++) {
    int64_t now = ns(CLOCK_MONOTONIC);
    if (now < prev)
      backwards++;
    prev = now;
  }
  printf("monotonic went back %lld times\n", (long long)backwards);

  struct timespec res;
  printf("monotonic resolution known: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0);

  int64_t t0 = ns(CLOCK_MONOTONIC);
  struct timespec d = {0, 20 * 1000000};
  nanosleep(&d, NULL);
  int64_t slept = ns(CLOCK_MONOTONIC) - t0;
  printf("slept at least 20 ms: %d\n", slept >= 20 * 1000000);

  time_t now = time(NULL);
  printf("after 2020: %d\n", now > 1577836800);
  struct tm tm;
  time_t fixed = 1000000000;
  gmtime_r(&fixed, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  printf("1e9 seconds: %s UTC\n", buf);

  int64_t c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
  volatile uint64_t x = 0;
  for (uint64_t i = 0; i < 20000000; i++)
    x += i;
  printf("cpu clock advanced: %d\n", ns(CLOCK_PROCESS_CPUTIME_ID) > c0);
  return 0;
}
