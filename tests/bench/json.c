/* json.c -- branchy byte scanning: generates a JSON-ish document (objects,
 * arrays, strings with escapes, numbers) and parses it with a recursive
 * descent parser that sums the numbers and counts the values.
 * usage: json [REPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char doc[1 << 20];
static uint32_t len;
static uint32_t seed = 4242;

static uint32_t rnd(void)
{
  seed = seed * 1103515245u + 12345u;
  return seed >> 16;
}

static void put(const char *s)
{
  size_t l = strlen(s);
  memcpy(doc + len, s, l);
  len += (uint32_t)l;
}

static void gen(int depth)
{
  char buf[32];
  uint32_t kind = depth > 4 ? 2 + rnd() % 2 : rnd() % 4;
  if (kind == 0) {
    put("{");
    uint32_t n = 1 + rnd() % 6;
    for (uint32_t i = 0; i < n; i++) {
      snprintf(buf, sizeof buf, "%s\"key%u\": ", i ? ", " : "", rnd() % 100);
      put(buf);
      gen(depth + 1);
    }
    put("}");
  } else if (kind == 1) {
    put("[");
    uint32_t n = 1 + rnd() % 8;
    for (uint32_t i = 0; i < n; i++) {
      if (i)
        put(", ");
      gen(depth + 1);
    }
    put("]");
  } else if (kind == 2) {
    snprintf(buf, sizeof buf, "%d", (int)(rnd() % 200000) - 100000);
    put(buf);
  } else {
    put(rnd() % 3 ? "\"plain text value\"" : "\"esc\\\"aped \\\\ \\n text\"");
  }
}

typedef struct Parser {
  const char *p;
  int64_t sum;
  uint32_t values, strings;
} Parser;

static void ws(Parser *ps)
{
  while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')
    ps->p++;
}

static int value(Parser *ps);

static int string(Parser *ps)
{
  ps->p++; /* opening quote */
  uint32_t h = 0;
  while (*ps->p != '"') {
    if (!*ps->p)
      return 0;
    if (*ps->p == '\\')
      ps->p++;
    h = h * 33 + (uint8_t)*ps->p++;
  }
  ps->p++;
  ps->strings++;
  ps->sum += h & 0xFF;
  return 1;
}

static int value(Parser *ps)
{
  ws(ps);
  ps->values++;
  char c = *ps->p;
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    ps->p++;
    ws(ps);
    if (*ps->p == close) {
      ps->p++;
      return 1;
    }
    for (;;) {
      if (c == '{') {
        ws(ps);
        if (*ps->p != '"' || !string(ps))
          return 0;
        ws(ps);
        if (*ps->p++ != ':')
          return 0;
      }
      if (!value(ps))
        return 0;
      ws(ps);
      if (*ps->p == ',') {
        ps->p++;
        continue;
      }
      if (*ps->p++ != close)
        return 0;
      return 1;
    }
  }
  if (c == '"')
    return string(ps);
  if (c == '-' || (c >= '0' && c <= '9')) {
    int neg = c == '-';
    if (neg)
      ps->p++;
    int64_t v = 0;
    while (*ps->p >= '0' && *ps->p <= '9')
      v = v * 10 + (*ps->p++ - '0');
    ps->sum += neg ? -v : v;
    return 1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 120;
  put("[");
  for (int i = 0; len < sizeof doc - 4096; i++) {
    if (i)
      put(",\n");
    gen(0);
  }
  put("]");
  doc[len] = 0;
  Parser ps = {0};
  for (int r = 0; r < reps; r++) {
    ps.p = doc;
    if (!value(&ps)) {
      printf("json: parse error at %u\n", (unsigned)(ps.p - doc));
      return 1;
    }
  }
  printf("json: %u bytes, %u values, %u strings, sum %lld\n", len, ps.values, ps.strings,
         (long long)ps.sum);
  return 0;
}
