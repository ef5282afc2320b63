/* error.c -- see error.h. */
#include "error.h"

#include <stdio.h>

bool error_setv(char *buf, uint32_t size, const char *fmt, va_list ap)
{
  if (buf && size > 0)
    vsnprintf(buf, size, fmt, ap);
  return false;
}

bool error_set(char *buf, uint32_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  error_setv(buf, size, fmt, ap);
  va_end(ap);
  return false;
}
