/* Arguments and environment: what the program is given, nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; i++)
    printf("arg %d: '%s' (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  const char *g = getenv("PROG_GREETING");
  printf("PROG_GREETING=%s\n", g ? g : "(unset)");
  printf("HOME is %s\n", getenv("PROG_NOT_GIVEN") ? "set" : "unset");
  char *mine[32];
  int n = 0;
  for (char **e = environ; *e && n < 32; e++)
    if (strncmp(*e, "PROG_", 5) == 0)
      mine[n++] = *e;
  qsort(mine, (size_t)n, sizeof mine[0], cmp_str);
  for (int i = 0; i < n; i++)
    printf("env: %s\n", mine[i]);
  setenv("PROG_NEW", "42", 1);
  printf("after setenv: %s\n", getenv("PROG_NEW"));
  return argc > 3 ? 0 : 5;
}
