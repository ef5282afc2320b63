/* leb128.c -- messages for the checked LEB128 readers (see leb128.h). */
#include "leb128.h"

const char *leb_status_message(LebStatus s)
{
  switch (s) {
  case LEB_OK:
    return "ok";
  case LEB_UNEXPECTED_END:
    return "unexpected end";
  case LEB_TOO_LONG:
    return "integer representation too long";
  case LEB_TOO_LARGE:
    return "integer too large";
  }
  return "malformed integer";
}
