/*
 * api_libc.c -- the built-in libc: the functions WAMR's documentation lists
 * for modules built without a libc (wasm32, -nostdlib, no WASI), which
 * import them from "env".  Each is a raw native (wasm_export.h): its '*'
 * and '$' arguments arrive checked against the caller's memory and made
 * native; anything else it reads or writes in memory (printf's variadic
 * arguments, a strcpy destination, strtol's end pointer) it checks itself
 * and traps with "out of bounds memory access" when it does not fit.
 * malloc and its family use the app heap (api_heap.c).
 *
 * Written from the C standard's description of each function and WAMR's
 * list of names and signatures; the embedder's own natives of the same
 * names, registered later, take precedence.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../runtime/native.h"
#include "api.h"

/* --- reading arguments --- */

#define ARG_U32(i) ((uint32_t)args[i])
#define ARG_I32(i) ((int32_t)(uint32_t)args[i])
#define ARG_PTR(i) ((uint8_t *)(uintptr_t)args[i])
#define RETURN_I32(v) (args[0] = (uint32_t)(int32_t)(v))
#define RETURN_I64(v) (args[0] = (uint64_t)(v))

typedef struct LibcCall {
  Instance *inst;
  Memory *mem;
} LibcCall;

static LibcCall libc_call(wasm_exec_env_t exec_env)
{
  LibcCall c;
  c.inst = API_INST(wasm_runtime_get_module_inst(exec_env));
  c.mem = api_default_memory(c.inst);
  return c;
}

static uint32_t app_offset(const LibcCall *c, const void *p)
{
  return (uint32_t)((const uint8_t *)p - c->mem->base);
}

static bool out_of_bounds(const LibcCall *c)
{
  api_set_exception(c->inst, "out of bounds memory access");
  return false;
}

/* Whether [p, p + n) lies in the memory; sets the exception when not. */
static bool range_ok(const LibcCall *c, const void *p, uint64_t n)
{
  const uint8_t *b = p;
  if (!c->mem || b < c->mem->base || !memory_range_ok(c->mem, (uint64_t)(b - c->mem->base), n))
    return out_of_bounds(c);
  return true;
}

/* Bytes from p to the end of the memory. */
static uint64_t room(const LibcCall *c, const void *p)
{
  return c->mem->size - (uint64_t)((const uint8_t *)p - c->mem->base);
}

/* --- printf --- */

typedef struct Text {
  char *buf;
  size_t len, cap;
  bool failed;
} Text;

static void text_add(Text *t, const char *s, size_t n)
{
  if (t->failed)
    return;
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 64;
    while (cap < t->len + n + 1)
      cap *= 2;
    char *buf = realloc(t->buf, cap);
    if (!buf) {
      t->failed = true;
      return;
    }
    t->buf = buf;
    t->cap = cap;
  }
  memcpy(t->buf + t->len, s, n);
  t->len += n;
  t->buf[t->len] = '\0';
}

/* The variadic arguments as clang lays them out for wasm32: each at its
 * natural alignment (4 for int, long and pointers, 8 for long long and
 * double), one after the other. */
typedef struct VaList {
  const LibcCall *call;
  uint32_t at;
} VaList;

static bool va_next(VaList *va, uint32_t size, void *out)
{
  uint32_t at = (va->at + size - 1) & ~(size - 1);
  if (!va->call->mem || !memory_range_ok(va->call->mem, at, size))
    return out_of_bounds(va->call);
  memcpy(out, va->call->mem->base + at, size);
  va->at = at + size;
  return true;
}

/* Formats fmt with the arguments at va into t.  False (with the
 * exception set) on a bad argument. */
static bool format_wasm(const LibcCall *c, const char *fmt, VaList *va, Text *t)
{
  while (*fmt) {
    const char *pct = strchr(fmt, '%');
    if (!pct) {
      text_add(t, fmt, strlen(fmt));
      break;
    }
    text_add(t, fmt, (size_t)(pct - fmt));
    const char *p = pct + 1;
    if (*p == '%') {
      text_add(t, "%", 1);
      fmt = p + 1;
      continue;
    }
    /* %[flags][width][.precision][length]conversion, rebuilt for the host
     * with '*' replaced by the value taken from the arguments */
    char spec[64];
    size_t n = 0;
    spec[n++] = '%';
    while (*p && strchr("-+ #0'", *p) && n < 16)
      spec[n++] = *p++;
    int32_t star;
    if (*p == '*') {
      if (!va_next(va, 4, &star))
        return false;
      n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", star);
      p++;
    } else {
      while (isdigit((unsigned char)*p) && n < 32)
        spec[n++] = *p++;
    }
    int32_t precision = -1;
    if (*p == '.') {
      spec[n++] = *p++;
      if (*p == '*') {
        if (!va_next(va, 4, &star))
          return false;
        precision = star;
        n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", star);
        p++;
      } else {
        precision = 0;
        while (isdigit((unsigned char)*p) && n < 48) {
          precision = precision * 10 + (*p - '0');
          spec[n++] = *p++;
        }
      }
    }
    /* length: only the argument's size matters on wasm32 */
    uint32_t int_size = 4;
    bool long_double = false;
    if (p[0] == 'l' && p[1] == 'l') {
      int_size = 8;
      p += 2;
    } else if (*p == 'j') {
      int_size = 8;
      p++;
    } else if (*p == 'L') {
      long_double = true;
      p++;
    } else {
      while (*p && strchr("hlzt", *p))
        p++;
    }
    char conv = *p;
    if (conv == '\0')
      break;
    fmt = p + 1;
    char piece[512];
    int len = 0;
    switch (conv) {
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X':
    case 'c': {
      int64_t v;
      if (int_size == 8) {
        if (!va_next(va, 8, &v))
          return false;
      } else {
        int32_t v32;
        if (!va_next(va, 4, &v32))
          return false;
        v = (conv == 'd' || conv == 'i') ? v32 : (int64_t)(uint32_t)v32;
      }
      if (conv == 'c') {
        spec[n++] = 'c';
        spec[n] = '\0';
        len = snprintf(piece, sizeof piece, spec, (int)v);
      } else {
        spec[n++] = 'l';
        spec[n++] = 'l';
        spec[n++] = conv;
        spec[n] = '\0';
        len = snprintf(piece, sizeof piece, spec, (long long)v);
      }
      break;
    }
    case 'p': {
      uint32_t v;
      if (!va_next(va, 4, &v))
        return false;
      len = snprintf(piece, sizeof piece, "0x%x", v);
      break;
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A': {
      double v;
      if (long_double) {
        /* wasm32's long double is binary128: not printable here */
        uint8_t skip[16];
        if (!va_next(va, 16, skip))
          return false;
        len = snprintf(piece, sizeof piece, "<long double>");
        break;
      }
      if (!va_next(va, 8, &v))
        return false;
      spec[n++] = conv;
      spec[n] = '\0';
      len = snprintf(piece, sizeof piece, spec, v);
      break;
    }
    case 's': {
      uint32_t addr;
      if (!va_next(va, 4, &addr))
        return false;
      if (!c->mem || addr >= c->mem->size)
        return out_of_bounds(c);
      const char *s = (const char *)c->mem->base + addr;
      uint64_t max = c->mem->size - addr;
      uint64_t limit = precision >= 0 && (uint64_t)precision < max ? (uint64_t)precision : max;
      size_t slen = strnlen(s, limit);
      if (slen == max)
        return out_of_bounds(c); /* not terminated inside the memory */
      /* the string itself may be longer than piece: pad by hand */
      spec[n++] = 's';
      spec[n] = '\0';
      char *whole = malloc(slen + 1);
      if (!whole) {
        t->failed = true;
        return true;
      }
      memcpy(whole, s, slen);
      whole[slen] = '\0';
      int need = snprintf(NULL, 0, spec, whole);
      if (need > 0) {
        char *out = malloc((size_t)need + 1);
        if (out) {
          snprintf(out, (size_t)need + 1, spec, whole);
          text_add(t, out, (size_t)need);
          free(out);
        } else {
          t->failed = true;
        }
      }
      free(whole);
      continue;
    }
    case 'n':
      api_set_exception(c->inst, "printf: %n is not supported");
      return false;
    default:
      /* not a conversion we know: print it as written */
      text_add(t, pct, (size_t)(fmt - pct));
      continue;
    }
    if (len > 0)
      text_add(t, piece, (size_t)len < sizeof piece ? (size_t)len : sizeof piece - 1);
  }
  return true;
}

/* Formats for printf/sprintf/snprintf; NULL with the exception set. */
static char *format_call(const LibcCall *c, const char *fmt, const void *va_native, size_t *len)
{
  VaList va = {c, app_offset(c, va_native)};
  Text t = {NULL, 0, 0, false};
  text_add(&t, "", 0);
  if (!format_wasm(c, fmt, &va, &t) || t.failed) {
    if (t.failed && !c->inst->has_exception)
      api_set_exception(c->inst, "out of memory");
    free(t.buf);
    return NULL;
  }
  *len = t.len;
  return t.buf;
}

static void printf_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  size_t len;
  char *s = format_call(&c, (const char *)ARG_PTR(0), ARG_PTR(1), &len);
  if (!s)
    return;
  fwrite(s, 1, len, stdout);
  free(s);
  RETURN_I32(len);
}

static void sprintf_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint8_t *dst = ARG_PTR(0);
  size_t len;
  char *s = format_call(&c, (const char *)ARG_PTR(1), ARG_PTR(2), &len);
  if (!s)
    return;
  if (range_ok(&c, dst, (uint64_t)len + 1)) {
    memcpy(dst, s, len + 1);
    RETURN_I32(len);
  }
  free(s);
}

static void snprintf_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint8_t *dst = ARG_PTR(0);
  uint32_t size = ARG_U32(1); /* checked with dst by the signature */
  size_t len;
  char *s = format_call(&c, (const char *)ARG_PTR(2), ARG_PTR(3), &len);
  if (!s)
    return;
  if (size > 0) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
  }
  free(s);
  RETURN_I32(len);
}

static void puts_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I32(puts((const char *)ARG_PTR(0)));
}

static void putchar_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I32(putchar(ARG_I32(0)));
}

/* --- memory and strings --- */

static void memcmp_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint32_t n = ARG_U32(2);
  if (range_ok(&c, ARG_PTR(0), n))
    RETURN_I32(memcmp(ARG_PTR(0), ARG_PTR(1), n));
}

static void memcpy_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint32_t n = ARG_U32(2);
  if (range_ok(&c, ARG_PTR(0), n)) {
    memmove(ARG_PTR(0), ARG_PTR(1), n); /* overlap is the guest's bug, not ours */
    RETURN_I32(app_offset(&c, ARG_PTR(0)));
  }
}

static void memset_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint32_t n = ARG_U32(2);
  if (range_ok(&c, ARG_PTR(0), n)) {
    memset(ARG_PTR(0), ARG_I32(1), n);
    RETURN_I32(app_offset(&c, ARG_PTR(0)));
  }
}

static void memchr_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint32_t n = ARG_U32(2);
  if (!range_ok(&c, ARG_PTR(0), n))
    return;
  const uint8_t *hit = memchr(ARG_PTR(0), ARG_I32(1), n);
  RETURN_I32(hit ? app_offset(&c, hit) : 0);
}

static void strchr_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  const char *hit = strchr((const char *)ARG_PTR(0), ARG_I32(1));
  RETURN_I32(hit ? app_offset(&c, hit) : 0);
}

static void strcmp_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I32(strcmp((const char *)ARG_PTR(0), (const char *)ARG_PTR(1)));
}

static void strncmp_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  /* the signature checked the second string for n bytes and the first for
   * one: the first may run to the end of the memory, no further */
  uint64_t n = ARG_U32(2), r = room(&c, ARG_PTR(0));
  RETURN_I32(strncmp((const char *)ARG_PTR(0), (const char *)ARG_PTR(1), n < r ? n : r));
}

static void strcpy_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  size_t n = strlen((const char *)ARG_PTR(1)) + 1;
  if (range_ok(&c, ARG_PTR(0), n)) {
    memmove(ARG_PTR(0), ARG_PTR(1), n);
    RETURN_I32(app_offset(&c, ARG_PTR(0)));
  }
}

static void strncpy_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint32_t n = ARG_U32(2);
  uint8_t *dst = ARG_PTR(0);
  const char *src = (const char *)ARG_PTR(1);
  if (!range_ok(&c, dst, n))
    return;
  uint64_t r = room(&c, src);
  size_t len = strnlen(src, n < r ? n : r);
  memmove(dst, src, len);
  memset(dst + len, 0, n - len);
  RETURN_I32(app_offset(&c, dst));
}

static void strlen_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I32(strlen((const char *)ARG_PTR(0)));
}

static void strncasecmp_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  const unsigned char *a = ARG_PTR(0), *b = ARG_PTR(1);
  uint32_t n = ARG_U32(2);
  int r = 0;
  for (uint32_t i = 0; i < n && r == 0; i++) {
    r = tolower(a[i]) - tolower(b[i]);
    if (a[i] == '\0' || b[i] == '\0')
      break;
  }
  RETURN_I32(r);
}

static void strspn_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I32(strspn((const char *)ARG_PTR(0), (const char *)ARG_PTR(1)));
}

static void strcspn_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I32(strcspn((const char *)ARG_PTR(0), (const char *)ARG_PTR(1)));
}

static void strstr_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  const char *hit = strstr((const char *)ARG_PTR(0), (const char *)ARG_PTR(1));
  RETURN_I32(hit ? app_offset(&c, hit) : 0);
}

/* --- the heap --- */

static uint32_t heap_alloc(const LibcCall *c, uint32_t size)
{
  bool has_heap;
  uint32_t at = api_heap_malloc(c->inst, size, &has_heap);
  if (!has_heap) /* no app heap: the module's own allocator, if any */
    at = (uint32_t)wasm_runtime_module_malloc((wasm_module_inst_t)c->inst, size, NULL);
  return at;
}

static void malloc_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  RETURN_I32(heap_alloc(&c, ARG_U32(0)));
}

static void calloc_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint64_t total = (uint64_t)ARG_U32(0) * ARG_U32(1);
  uint32_t at = total <= UINT32_MAX ? heap_alloc(&c, (uint32_t)total) : 0;
  if (at)
    memset(c.mem->base + at, 0, total);
  RETURN_I32(at);
}

static void realloc_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  RETURN_I32(api_heap_realloc(c.inst, ARG_U32(0), ARG_U32(1)));
}

static void free_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint32_t at = app_offset(&c, ARG_PTR(0));
  if (at)
    wasm_runtime_module_free((wasm_module_inst_t)c.inst, at);
}

static void strdup_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  const char *s = (const char *)ARG_PTR(0);
  size_t n = strlen(s) + 1;
  uint32_t at = n <= UINT32_MAX ? heap_alloc(&c, (uint32_t)n) : 0;
  if (at)
    memcpy(c.mem->base + at, s, n);
  RETURN_I32(at);
}

/* --- numbers --- */

static void atoi_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I32(atoi((const char *)ARG_PTR(0)));
}

/* strtol/strtoul: the end pointer, when not 0, receives a Wasm address. */
static void strto_common(wasm_exec_env_t exec_env, uint64_t *args, bool is_signed)
{
  LibcCall c = libc_call(exec_env);
  const char *s = (const char *)ARG_PTR(0);
  uint8_t *endp = ARG_PTR(1);
  bool want_end = app_offset(&c, endp) != 0;
  if (want_end && !range_ok(&c, endp, 4))
    return;
  char *end;
  int32_t v = is_signed ? (int32_t)strtol(s, &end, ARG_I32(2))
                        : (int32_t)(uint32_t)strtoul(s, &end, ARG_I32(2));
  if (want_end) {
    uint32_t at = app_offset(&c, end);
    memcpy(endp, &at, 4);
  }
  RETURN_I32(v);
}

static void strtol_raw(wasm_exec_env_t exec_env, uint64_t *args) { strto_common(exec_env, args, true); }
static void strtoul_raw(wasm_exec_env_t exec_env, uint64_t *args) { strto_common(exec_env, args, false); }

#define CTYPE_RAW(name)                                                        \
  static void name##_raw(wasm_exec_env_t exec_env, uint64_t *args)            \
  {                                                                            \
    (void)exec_env;                                                            \
    int ch = ARG_I32(0);                                                       \
    RETURN_I32(ch >= -1 && ch <= 255 ? name(ch) : 0);                          \
  }
CTYPE_RAW(isupper)
CTYPE_RAW(isalpha)
CTYPE_RAW(isspace)
CTYPE_RAW(isgraph)
CTYPE_RAW(isprint)
CTYPE_RAW(isdigit)
CTYPE_RAW(isxdigit)
CTYPE_RAW(isalnum)
#undef CTYPE_RAW

static void tolower_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  int ch = ARG_I32(0);
  RETURN_I32(ch >= 0 && ch <= 255 ? tolower(ch) : ch);
}

static void toupper_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  int ch = ARG_I32(0);
  RETURN_I32(ch >= 0 && ch <= 255 ? toupper(ch) : ch);
}

/* --- ending the program, time --- */

static void exit_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  api_set_exceptionf(c.inst, "env.exit(%d)", ARG_I32(0));
}

static void abort_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  api_set_exceptionf(c.inst, "env.abort(%d)", ARG_I32(0));
}

static void abort_stack_overflow_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)args;
  LibcCall c = libc_call(exec_env);
  api_set_exception(c.inst, "native stack overflow");
}

static void null_func_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  api_set_exceptionf(c.inst, "call to a null function pointer (%d)", ARG_I32(0));
}

static void cxa_unsupported_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)args;
  LibcCall c = libc_call(exec_env);
  api_set_exception(c.inst, "C++ exceptions are not supported by the built-in libc");
}

static void clock_gettime_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  LibcCall c = libc_call(exec_env);
  uint8_t *ts = ARG_PTR(1);
  if (!range_ok(&c, ts, 16)) /* wasm32 struct timespec: i64 seconds, i32 ns, padding */
    return;
  struct timespec now;
  if (clock_gettime((clockid_t)ARG_I32(0), &now) != 0) {
    RETURN_I32(-1);
    return;
  }
  int64_t sec = now.tv_sec;
  int32_t nsec = (int32_t)now.tv_nsec;
  memcpy(ts, &sec, 8);
  memcpy(ts + 8, &nsec, 4);
  RETURN_I32(0);
}

static void clock_raw(wasm_exec_env_t exec_env, uint64_t *args)
{
  (void)exec_env;
  RETURN_I64(clock());
}

/* The list in WAMR's documentation, with its signatures. */
static NativeSymbol libc_builtin[] = {
    {"printf", (void *)printf_raw, "($*)i", NULL},
    {"sprintf", (void *)sprintf_raw, "($$*)i", NULL},
    {"snprintf", (void *)snprintf_raw, "(*~$*)i", NULL},
    {"vprintf", (void *)printf_raw, "($*)i", NULL},
    {"vsprintf", (void *)sprintf_raw, "($$*)i", NULL},
    {"vsnprintf", (void *)snprintf_raw, "(*~$*)i", NULL},
    {"puts", (void *)puts_raw, "($)i", NULL},
    {"putchar", (void *)putchar_raw, "(i)i", NULL},
    {"memcmp", (void *)memcmp_raw, "(**~)i", NULL},
    {"memcpy", (void *)memcpy_raw, "(**~)i", NULL},
    {"memmove", (void *)memcpy_raw, "(**~)i", NULL},
    {"memset", (void *)memset_raw, "(*ii)i", NULL},
    {"strchr", (void *)strchr_raw, "($i)i", NULL},
    {"strcmp", (void *)strcmp_raw, "($$)i", NULL},
    {"strcpy", (void *)strcpy_raw, "(*$)i", NULL},
    {"strlen", (void *)strlen_raw, "($)i", NULL},
    {"strncmp", (void *)strncmp_raw, "(**~)i", NULL},
    {"strncpy", (void *)strncpy_raw, "(**~)i", NULL},
    {"malloc", (void *)malloc_raw, "(i)i", NULL},
    {"realloc", (void *)realloc_raw, "(ii)i", NULL},
    {"calloc", (void *)calloc_raw, "(ii)i", NULL},
    {"strdup", (void *)strdup_raw, "($)i", NULL},
    {"_strdup", (void *)strdup_raw, "($)i", NULL},
    {"free", (void *)free_raw, "(*)", NULL},
    {"atoi", (void *)atoi_raw, "($)i", NULL},
    {"exit", (void *)exit_raw, "(i)", NULL},
    {"strtol", (void *)strtol_raw, "($*i)i", NULL},
    {"strtoul", (void *)strtoul_raw, "($*i)i", NULL},
    {"memchr", (void *)memchr_raw, "(*ii)i", NULL},
    {"strncasecmp", (void *)strncasecmp_raw, "($$i)i", NULL},
    {"strspn", (void *)strspn_raw, "($$)i", NULL},
    {"strcspn", (void *)strcspn_raw, "($$)i", NULL},
    {"strstr", (void *)strstr_raw, "($$)i", NULL},
    {"isupper", (void *)isupper_raw, "(i)i", NULL},
    {"isalpha", (void *)isalpha_raw, "(i)i", NULL},
    {"isspace", (void *)isspace_raw, "(i)i", NULL},
    {"isgraph", (void *)isgraph_raw, "(i)i", NULL},
    {"isprint", (void *)isprint_raw, "(i)i", NULL},
    {"isdigit", (void *)isdigit_raw, "(i)i", NULL},
    {"isxdigit", (void *)isxdigit_raw, "(i)i", NULL},
    {"tolower", (void *)tolower_raw, "(i)i", NULL},
    {"toupper", (void *)toupper_raw, "(i)i", NULL},
    {"isalnum", (void *)isalnum_raw, "(i)i", NULL},
    {"emscripten_memcpy_big", (void *)memcpy_raw, "(**~)i", NULL},
    {"abort", (void *)abort_raw, "(i)", NULL},
    {"abortStackOverflow", (void *)abort_stack_overflow_raw, "(i)", NULL},
    {"nullFunc_X", (void *)null_func_raw, "(i)", NULL},
    {"__cxa_allocate_exception", (void *)cxa_unsupported_raw, "(i)i", NULL},
    {"__cxa_begin_catch", (void *)cxa_unsupported_raw, "(*)", NULL},
    {"__cxa_throw", (void *)cxa_unsupported_raw, "(**i)", NULL},
    {"clock_gettime", (void *)clock_gettime_raw, "(i*)i", NULL},
    {"clock", (void *)clock_raw, "()I", NULL},
};

bool api_libc_register(char *err, uint32_t err_size)
{
  return native_register("env", libc_builtin, sizeof libc_builtin / sizeof libc_builtin[0], true,
                         err, err_size);
}
