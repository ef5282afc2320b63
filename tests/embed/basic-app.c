/*
 * basic-app.c -- a Wasm module in the style of WAMR's basic sample, built
 * with clang-19 --target=wasm32 -nostdlib: no libc of its own and no WASI,
 * only the built-in libc the runtime provides under "env".  embed-libc.c
 * runs it unchanged in every mode.
 */
typedef unsigned long size_t;

int printf(const char *format, ...);
int sprintf(char *str, const char *format, ...);
int snprintf(char *str, size_t size, const char *format, ...);
int puts(const char *s);
int putchar(int c);
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strcpy(char *dst, const char *src);
char *strdup(const char *s);
char *strstr(const char *s, const char *needle);
char *strchr(const char *s, int c);
long strtol(const char *s, char **end, int base);
int atoi(const char *s);
int toupper(int c);
int isdigit(int c);

#define EXPORT(name) __attribute__((export_name(name)))

/* The sample's first function: float arithmetic over a loop. */
EXPORT("generate_float") float generate_float(int iteration, double seed1, float seed2)
{
  float ret = 0;
  printf("calling into WASM function: %s\n", __func__);
  for (int i = 0; i < iteration; i++)
    ret += 1.0f / seed1 + seed2;
  return ret;
}

/* Formats n into the host's buffer (an app address the host allocated
 * with wasm_runtime_module_malloc). */
EXPORT("float_to_string") int float_to_string(float n, char *buf, int buf_len, int precision)
{
  printf("calling into WASM function: %s\n", __func__);
  return snprintf(buf, buf_len, "%.*f", precision, n);
}

/* Everything else of the built-in libc, checked from inside: 0 when all is
 * well, else the number of the failed step. */
EXPORT("self_test") int self_test(void)
{
  char buf[64];
  int step = 0;

  step++; if (sprintf(buf, "%d|%5s|%-3c|%x|%lld|%u", -42, "ab", 'z', 255u, -5000000000LL, 7u) != (int)strlen(buf)) return step;
  step++; if (strcmp(buf, "-42|   ab|z  |ff|-5000000000|7") != 0) return step;
  step++; if (snprintf(buf, 4, "%s", "truncated") != 9 || strcmp(buf, "tru") != 0) return step;
  step++; if (sprintf(buf, "%.3f %e %g", 3.14159, 1500.0, 0.5) <= 0 || strstr(buf, "3.142") != buf) return step;
  step++; if (strlen("hello") != 5) return step;

  step++;
  int *numbers = calloc(16, sizeof *numbers);
  if (!numbers) return step;
  for (int i = 0; i < 16; i++) if (numbers[i] != 0) return step;
  step++;
  for (int i = 0; i < 16; i++) numbers[i] = i * i;
  int *more = realloc(numbers, 64 * sizeof *more);
  if (!more || more[15] != 225) return step;
  free(more);

  step++;
  char *copy = strdup("built-in libc");
  if (!copy || strcmp(copy, "built-in libc") != 0 || strchr(copy, '-') != copy + 5) return step;
  step++;
  memset(buf, 'x', 8);
  memcpy(buf + 8, copy, strlen(copy) + 1);
  if (memcmp(buf, "xxxxxxxxbuilt", 13) != 0) return step;
  free(copy);

  step++;
  char *end = 0;
  if (strtol("  -0x1f rest", &end, 16) != -31 || strcmp(end, " rest") != 0) return step;
  step++; if (atoi("1234") != 1234 || toupper('q') != 'Q' || !isdigit('7')) return step;
  step++; if (strcpy(buf, "copied") != buf || strcmp(buf, "copied") != 0) return step;

  puts("self_test: the built-in libc works");
  putchar('!');
  putchar('\n');
  return 0;
}

/* Allocates n bytes from the app heap and returns the address (0: none). */
EXPORT("alloc") void *alloc(int n) { return malloc(n); }
EXPORT("release") void release(void *p) { free(p); }

/* Reads far past the end of memory through sprintf's "%s": the runtime
 * must trap, not read host memory. */
EXPORT("bad_string") int bad_string(void)
{
  char buf[16];
  return sprintf(buf, "%s", (const char *)0x7ffffff0);
}
