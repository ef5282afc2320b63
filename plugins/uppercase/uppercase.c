/* uppercase: a text transformer written in C, built with clang-19 for
 * wasm32-wasi as a reactor (no main: the host calls its exports).
 *
 * The host writes the input into memory it gets from alloc(), calls
 * transform(ptr, len) and reads the NUL-terminated result it returns.
 * ASCII letters are uppercased; every other byte (UTF-8 included) is kept.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

/* Formatting the log line by hand keeps stdio (and with it every WASI
 * import) out of the module: the plugin needs nothing but env.log. */
static char *append_uint(char *out, unsigned value)
{
  char digits[10];
  int n = 0;

  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0)
    *out++ = digits[--n];
  return out;
}

/* env.log(ptr, len): a UTF-8 line for the host's log. */
__attribute__((import_module("env"), import_name("log")))
extern void env_log(const char *text, int length);

__attribute__((export_name("alloc")))
void *plugin_alloc(int size)
{
  return malloc(size > 0 ? (size_t)size : 1);
}

__attribute__((export_name("free")))
void plugin_free(void *ptr)
{
  free(ptr);
}

__attribute__((export_name("transform")))
char *plugin_transform(const char *input, int length)
{
  static const char prefix[] = "uppercase: ";
  static const char suffix[] = " bytes";
  char line[sizeof prefix + 10 + sizeof suffix];
  char *end;
  char *out;

  if (length < 0)
    return NULL;
  out = malloc((size_t)length + 1);
  if (out == NULL)
    return NULL;
  for (int i = 0; i < length; i++) {
    unsigned char c = (unsigned char)input[i];
    out[i] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  out[length] = '\0';

  memcpy(line, prefix, sizeof prefix - 1);
  end = append_uint(line + sizeof prefix - 1, (unsigned)length);
  memcpy(end, suffix, sizeof suffix - 1);
  end += sizeof suffix - 1;
  env_log(line, (int)(end - line));
  return out;
}
