/*
 * native_stack.c -- where this thread's C stack ends (native_stack.h).
 */
#define _GNU_SOURCE
#include "native_stack.h"

#include <pthread.h>

static _Thread_local uint8_t *stack_low;
static _Thread_local bool stack_known;

uint8_t *native_stack_limit_here(void)
{
  if (!stack_known) {
    stack_known = true;
    pthread_attr_t attr;
    void *addr;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
        /* The guard page(s) sit inside [addr, addr + guard) on glibc. */
        size_t guard = 0;
        pthread_attr_getguardsize(&attr, &guard);
        stack_low = (uint8_t *)addr + guard;
      }
      pthread_attr_destroy(&attr);
    }
  }
  return stack_low;
}
