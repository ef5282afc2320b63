/*
 * watchdog.c -- time limits (contract 6): a thread that sleeps until a
 * deadline and then sets an instance's interrupt flag to INTERRUPT_TIME_LIMIT,
 * which the running tier's next poll (function entry, loop start) turns into
 * the trap "time limit exceeded".  One thread per limited host entry: only
 * calls that ask for a time limit pay for it.
 *
 * Stopping takes the same lock the thread fires under, so once
 * watchdog_stop returns the flag is never set any more; a flag set just as
 * the call returned is cleared by the caller (runtime_call), so no stop
 * request outlives the call it was armed for.
 */
#include "runtime.h"

#include <errno.h>
#include <time.h>

static void *watchdog_main(void *arg)
{
  Watchdog *w = arg;
  pthread_mutex_lock(&w->lock);
  while (!w->stopped) {
    int rc = pthread_cond_timedwait(&w->wake, &w->lock, &w->deadline);
    if (rc == ETIMEDOUT && !w->stopped) {
      int expected = INTERRUPT_NONE; /* a terminate already asked for stays */
      atomic_compare_exchange_strong(&w->inst->interrupt, &expected, INTERRUPT_TIME_LIMIT);
      w->fired = true;
      break;
    }
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

bool watchdog_start(Watchdog *w, Instance *inst, uint32_t milliseconds)
{
  w->inst = inst;
  w->stopped = w->fired = false;
  pthread_condattr_t attr;
  if (pthread_condattr_init(&attr) != 0)
    return false;
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  bool ok = pthread_cond_init(&w->wake, &attr) == 0;
  pthread_condattr_destroy(&attr);
  if (!ok)
    return false;
  pthread_mutex_init(&w->lock, NULL);
  clock_gettime(CLOCK_MONOTONIC, &w->deadline);
  w->deadline.tv_sec += milliseconds / 1000;
  w->deadline.tv_nsec += (long)(milliseconds % 1000) * 1000000L;
  if (w->deadline.tv_nsec >= 1000000000L) {
    w->deadline.tv_sec++;
    w->deadline.tv_nsec -= 1000000000L;
  }
  if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0) {
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    return false;
  }
  return true;
}

bool watchdog_stop(Watchdog *w)
{
  pthread_mutex_lock(&w->lock);
  w->stopped = true;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->wake);
  pthread_mutex_destroy(&w->lock);
  return w->fired;
}
