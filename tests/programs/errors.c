/* Error handling without setjmp: status codes passed up, cleanup by goto,
 * messages to stderr, and exit() with a status from deep inside. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OK = 0, ERR_PARSE, ERR_RANGE, ERR_DIV_ZERO, ERR_NOMEM } Status;

static const char *status_name(Status s)
{
  static const char *names[] = {"ok", "parse error", "out of range", "division by zero",
                                "out of memory"};
  return names[s];
}

typedef struct {
  const char *p;
} Parser;

static Status expr(Parser *ps, long *out);

static Status number(Parser *ps, long *out)
{
  while (*ps->p == ' ')
    ps->p++;
  if (*ps->p == '(') {
    ps->p++;
    Status s = expr(ps, out);
    if (s)
      return s;
    while (*ps->p == ' ')
      ps->p++;
    if (*ps->p != ')')
      return ERR_PARSE;
    ps->p++;
    return OK;
  }
  if (*ps->p < '0' || *ps->p > '9')
    return ERR_PARSE;
  long v = 0;
  while (*ps->p >= '0' && *ps->p <= '9') {
    v = v * 10 + (*ps->p++ - '0');
    if (v > 1000000)
      return ERR_RANGE;
  }
  *out = v;
  return OK;
}

static Status term(Parser *ps, long *out)
{
  Status s = number(ps, out);
  while (!s) {
    while (*ps->p == ' ')
      ps->p++;
    char op = *ps->p;
    if (op != '*' && op != '/')
      break;
    ps->p++;
    long r;
    if ((s = number(ps, &r)))
      break;
    if (op == '/' && r == 0)
      return ERR_DIV_ZERO;
    *out = op == '*' ? *out * r : *out / r;
    if (*out > 1000000000 || *out < -1000000000)
      return ERR_RANGE;
  }
  return s;
}

static Status expr(Parser *ps, long *out)
{
  Status s = term(ps, out);
  while (!s) {
    while (*ps->p == ' ')
      ps->p++;
    char op = *ps->p;
    if (op != '+' && op != '-')
      break;
    ps->p++;
    long r;
    if ((s = term(ps, &r)))
      break;
    *out = op == '+' ? *out + r : *out - r;
  }
  return s;
}

static Status evaluate(const char *text, long *out)
{
  Status s = OK;
  char *copy = malloc(strlen(text) + 1);
  char *scratch = NULL;
  if (!copy)
    return ERR_NOMEM;
  strcpy(copy, text);
  scratch = malloc(64);
  if (!scratch) {
    s = ERR_NOMEM;
    goto out;
  }
  Parser ps = {copy};
  if ((s = expr(&ps, out)))
    goto out;
  while (*ps.p == ' ')
    ps.p++;
  if (*ps.p)
    s = ERR_PARSE;
out:
  free(scratch);
  free(copy);
  return s;
}

int main(void)
{
  const char *inputs[] = {"1 + 2 * 3", "(1 + 2) * 3", "100 / (5 - 5)", "2 * (3 + 4) * 5 - 6",
                          "12 + x", "999999 * 999999 * 999", "((((7))))", "(1 + 2", "8 / 3 / 2"};
  int failures = 0;
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    long v = 0;
    Status s = evaluate(inputs[i], &v);
    if (s) {
      fprintf(stderr, "error: '%s': %s\n", inputs[i], status_name(s));
      failures++;
    } else {
      printf("%s = %ld\n", inputs[i], v);
    }
  }
  printf("%d failures\n", failures);
  fflush(stdout);
  if (failures)
    exit(10 + failures);
  return 0;
}
