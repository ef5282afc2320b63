/* A small JSON parser and printer: parses a document, writes it compactly
 * to data/doc.json, reads it back and compares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } Kind;
typedef struct Json {
  Kind kind;
  double num;
  int b;
  char *str;            /* J_STR, or the key of an object member */
  struct Json **items;  /* J_ARR, J_OBJ */
  char **keys;
  int n;
} Json;

static const char *p;

static void ws(void)
{
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
    p++;
}

static Json *value(void);

static char *string(void)
{
  if (*p != '"')
    return NULL;
  p++;
  char *out = malloc(strlen(p) + 1);
  int n = 0;
  while (*p && *p != '"') {
    if (*p == '\\') {
      p++;
      char e = *p++;
      out[n++] = e == 'n' ? '\n' : e == 't' ? '\t' : e;
    } else {
      out[n++] = *p++;
    }
  }
  if (*p != '"') {
    free(out);
    return NULL;
  }
  p++;
  out[n] = 0;
  return out;
}

static Json *value(void)
{
  ws();
  Json *j = calloc(1, sizeof *j);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    j->kind = *p == '{' ? J_OBJ : J_ARR;
    p++;
    ws();
    while (*p && *p != close) {
      j->items = realloc(j->items, (size_t)(j->n + 1) * sizeof *j->items);
      j->keys = realloc(j->keys, (size_t)(j->n + 1) * sizeof *j->keys);
      j->keys[j->n] = NULL;
      if (j->kind == J_OBJ) {
        j->keys[j->n] = string();
        ws();
        p++; /* ':' */
      }
      j->items[j->n++] = value();
      ws();
      if (*p == ',')
        p++;
      ws();
    }
    p++;
  } else if (*p == '"') {
    j->kind = J_STR;
    j->str = string();
  } else if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
    j->kind = J_BOOL;
    j->b = *p == 't';
    p += j->b ? 4 : 5;
  } else if (!strncmp(p, "null", 4)) {
    p += 4;
  } else {
    char *end;
    j->kind = J_NUM;
    j->num = strtod(p, &end);
    p = end;
  }
  return j;
}

static void print(FILE *f, const Json *j, int indent, int pretty)
{
  switch (j->kind) {
  case J_NULL: fputs("null", f); break;
  case J_BOOL: fputs(j->b ? "true" : "false", f); break;
  case J_NUM: fprintf(f, "%.17g", j->num); break;
  case J_STR: fprintf(f, "\"%s\"", j->str); break;
  default:
    fputc(j->kind == J_OBJ ? '{' : '[', f);
    for (int i = 0; i < j->n; i++) {
      if (i)
        fputc(',', f);
      if (pretty)
        fprintf(f, "\n%*s", indent + 2, "");
      if (j->keys[i])
        fprintf(f, "\"%s\":%s", j->keys[i], pretty ? " " : "");
      print(f, j->items[i], indent + 2, pretty);
    }
    if (pretty && j->n)
      fprintf(f, "\n%*s", indent, "");
    fputc(j->kind == J_OBJ ? '}' : ']', f);
  }
}

static void release(Json *j)
{
  for (int i = 0; i < j->n; i++) {
    release(j->items[i]);
    free(j->keys[i]);
  }
  free(j->items);
  free(j->keys);
  free(j->str);
  free(j);
}

static const char doc[] =
    "{ \"name\": \"wasmplug\", \"version\": 1.5, \"modes\": [\"interp\", \"fast-interp\"],"
    "  \"limits\": {\"memory\": 65536, \"stack\": 1048576, \"ratio\": 0.125},"
    "  \"flags\": [true, false, null], \"nested\": [[1, 2], [3, [4, 5e-3]]], \"empty\": {} }";

int main(void)
{
  p = doc;
  Json *j = value();
  print(stdout, j, 0, 1);
  printf("\n");
  FILE *f = fopen("data/doc.json", "w");
  print(f, j, 0, 0);
  fclose(f);
  f = fopen("data/doc.json", "r");
  char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  printf("compact (%zu bytes): %s\n", n, buf);
  p = buf;
  Json *again = value();
  FILE *m = fopen("data/doc2.json", "w");
  print(m, again, 0, 0);
  fclose(m);
  m = fopen("data/doc2.json", "r");
  char buf2[1024];
  size_t n2 = fread(buf2, 1, sizeof buf2 - 1, m);
  buf2[n2] = 0;
  fclose(m);
  printf("round trip identical: %d\n", n == n2 && memcmp(buf, buf2, n) == 0);
  release(j);
  release(again);
  remove("data/doc.json");
  remove("data/doc2.json");
  return 0;
}
