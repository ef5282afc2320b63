/*
 * aot_helpers.c -- the table of aot_helpers.def.
 */
#include "aot_helpers.h"

#include <math.h>
#include <string.h>

#include "runtime/compiled.h"
#include "runtime/runtime.h"

static const struct {
  const char *name;
  void *address;
} helpers[] = {
#define HELPER(name) {#name, (void *)(name)},
#define HELPER_AS(symbol, function) {#symbol, (void *)(function)},
#include "aot_helpers.def"
#undef HELPER
#undef HELPER_AS
};

void *aot_helper_lookup(const char *name)
{
  for (size_t i = 0; i < sizeof helpers / sizeof helpers[0]; i++)
    if (strcmp(helpers[i].name, name) == 0)
      return helpers[i].address;
  return NULL;
}
