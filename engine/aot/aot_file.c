/*
 * aot_file.c -- writing and parsing the AOT container (docs/aot-format.md).
 *
 * The parser treats the file as hostile: every offset, size and count is
 * checked against the bytes there before it is used, and nothing is
 * allocated from a count that the file's size does not back.  The checksum
 * is checked before any field past the header is believed, so a corrupted
 * file is "corrupted", not a confusing mismatch.
 */
#include "aot_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "cpu_features.h"
#include "wp_config.h"

/* --- little-endian fields --- */

static uint32_t get_u32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p) { return get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }

static void put_u32(uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
  put_u32(p, (uint32_t)v);
  put_u32(p + 4, (uint32_t)(v >> 32));
}

/* The checksum: SHA-256 of the file with its checksum field read as zeros. */
static void file_checksum(const uint8_t *buf, size_t size, uint8_t digest[SHA256_DIGEST_SIZE])
{
  static const uint8_t zeros[SHA256_DIGEST_SIZE];
  Sha256 s;
  sha256_init(&s);
  sha256_update(&s, buf, 24);
  sha256_update(&s, zeros, sizeof zeros);
  sha256_update(&s, buf + 24 + SHA256_DIGEST_SIZE, size - 24 - SHA256_DIGEST_SIZE);
  sha256_final(&s, digest);
}

void aot_file_reseal(uint8_t *buf, size_t size)
{
  if (size < AOT_HEADER_SIZE)
    return;
  uint8_t digest[SHA256_DIGEST_SIZE];
  file_checksum(buf, size, digest);
  memcpy(buf + 24, digest, sizeof digest);
}

bool aot_file_has_magic(const uint8_t *buf, size_t size)
{
  return buf && size >= AOT_MAGIC_SIZE && memcmp(buf, AOT_MAGIC, AOT_MAGIC_SIZE) == 0;
}

const char *aot_host_triple(void) { return "x86_64-pc-linux-gnu"; }

/* --- writing --- */

typedef struct Out {
  uint8_t *buf;
  size_t size, cap;
  bool failed;
} Out;

static uint8_t *out_reserve(Out *o, size_t n)
{
  if (o->failed)
    return NULL;
  if (o->size + n > o->cap) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->size + n)
      cap *= 2;
    uint8_t *b = realloc(o->buf, cap);
    if (!b) {
      o->failed = true;
      return NULL;
    }
    o->buf = b;
    o->cap = cap;
  }
  uint8_t *p = o->buf + o->size;
  memset(p, 0, n);
  o->size += n;
  return p;
}

static void out_bytes(Out *o, const void *data, size_t n)
{
  uint8_t *p = out_reserve(o, n);
  if (p && n)
    memcpy(p, data, n);
}

static void out_u32(Out *o, uint32_t v)
{
  uint8_t *p = out_reserve(o, 4);
  if (p)
    put_u32(p, v);
}

static void out_string(Out *o, const char *s)
{
  if (!s)
    s = "";
  out_u32(o, (uint32_t)strlen(s));
  out_bytes(o, s, strlen(s));
}

static void out_align(Out *o, size_t align)
{
  while (!o->failed && o->size % align)
    out_reserve(o, 1);
}

/* Starts section `index` of the table at the current (16-aligned) offset. */
static size_t section_begin(Out *o, uint32_t index, uint32_t id)
{
  out_align(o, 16);
  if (!o->failed) {
    uint8_t *e = o->buf + AOT_HEADER_SIZE + (size_t)index * AOT_SECTION_ENTRY_SIZE;
    put_u32(e, id);
    put_u64(e + 8, o->size);
  }
  return o->size;
}

static void section_end(Out *o, uint32_t index, size_t start)
{
  if (!o->failed)
    put_u64(o->buf + AOT_HEADER_SIZE + (size_t)index * AOT_SECTION_ENTRY_SIZE + 16,
            o->size - start);
}

bool aot_file_write(const AotWriteInput *in, uint8_t **out, size_t *out_size, char *err,
                    uint32_t err_size)
{
  if (in->num_objects == 0 || in->num_objects > AOT_MAX_SECTIONS - 3)
    return error_set(err, err_size, "an AOT file holds 1 to %u objects, not %u",
                     AOT_MAX_SECTIONS - 3, in->num_objects);
  for (uint32_t i = 0; i < in->num_funcs; i++)
    if (in->func_symbols[i] && strlen(in->func_symbols[i]) > AOT_MAX_SYMBOL)
      return error_set(err, err_size, "symbol of function %u is too long", i);
  const char *strings[] = {in->runtime_version, in->triple, in->cpu, in->cpu_features};
  for (size_t i = 0; i < 4; i++)
    if (strings[i] && strlen(strings[i]) > AOT_MAX_STRING)
      return error_set(err, err_size, "target description too long");

  uint32_t num_sections = 3 + in->num_objects;
  Out o = {0};
  out_reserve(&o, AOT_HEADER_SIZE + (size_t)num_sections * AOT_SECTION_ENTRY_SIZE);
  if (!o.failed) {
    memcpy(o.buf, AOT_MAGIC, AOT_MAGIC_SIZE);
    put_u32(o.buf + 8, AOT_FORMAT_VERSION);
    put_u32(o.buf + 12, num_sections);
  }

  uint32_t index = 0;
  size_t start = section_begin(&o, index, AOT_SECTION_TARGET);
  uint8_t hash[SHA256_DIGEST_SIZE];
  sha256(in->wasm, in->wasm_size, hash);
  out_bytes(&o, hash, sizeof hash);
  out_u32(&o, in->opt_level);
  out_u32(&o, in->size_level);
  out_u32(&o, in->bounds_checks ? 1 : 0);
  out_u32(&o, 0);
  out_string(&o, in->runtime_version ? in->runtime_version : WP_VERSION);
  out_string(&o, in->triple);
  out_string(&o, in->cpu);
  out_string(&o, in->cpu_features);
  section_end(&o, index++, start);

  start = section_begin(&o, index, AOT_SECTION_WASM);
  out_bytes(&o, in->wasm, in->wasm_size);
  section_end(&o, index++, start);

  for (uint32_t i = 0; i < in->num_objects; i++) {
    start = section_begin(&o, index, AOT_SECTION_OBJECT);
    out_bytes(&o, in->objects[i], in->object_sizes[i]);
    section_end(&o, index++, start);
  }

  start = section_begin(&o, index, AOT_SECTION_FUNCS);
  out_u32(&o, in->num_funcs);
  for (uint32_t i = 0; i < in->num_funcs; i++)
    out_string(&o, in->func_symbols[i]);
  section_end(&o, index++, start);

  if (o.failed) {
    free(o.buf);
    return error_set(err, err_size, "out of memory writing the AOT file");
  }
  put_u64(o.buf + 16, o.size);
  uint8_t digest[SHA256_DIGEST_SIZE];
  file_checksum(o.buf, o.size, digest);
  memcpy(o.buf + 24, digest, sizeof digest);
  *out = o.buf;
  *out_size = o.size;
  return true;
}

/* --- parsing --- */

typedef struct Reader {
  const uint8_t *p, *end;
} Reader;

static bool read_u32(Reader *r, uint32_t *v)
{
  if (r->end - r->p < 4)
    return false;
  *v = get_u32(r->p);
  r->p += 4;
  return true;
}

static bool read_string(Reader *r, uint32_t max, char **out)
{
  uint32_t len;
  if (!read_u32(r, &len) || len > max || (size_t)(r->end - r->p) < len)
    return false;
  if (memchr(r->p, '\0', len))
    return false;
  char *s = malloc(len + 1);
  if (!s)
    return false;
  memcpy(s, r->p, len);
  s[len] = '\0';
  r->p += len;
  *out = s;
  return true;
}

static bool parse_target(const uint8_t *p, size_t size, AotTarget *t, char *err, uint32_t err_size)
{
  Reader r = {p, p + size};
  if (size < SHA256_DIGEST_SIZE + 16)
    return error_set(err, err_size, "malformed AOT file: TARGET section too short");
  memcpy(t->wasm_sha256, p, SHA256_DIGEST_SIZE);
  r.p += SHA256_DIGEST_SIZE;
  uint32_t bounds = 0, reserved = 0;
  read_u32(&r, &t->opt_level);
  read_u32(&r, &t->size_level);
  read_u32(&r, &bounds);
  read_u32(&r, &reserved);
  if (t->opt_level > 3 || t->size_level > 3 || bounds > 1)
    return error_set(err, err_size, "malformed AOT file: bad option levels in TARGET");
  t->bounds_checks = bounds == 1;
  if (!read_string(&r, AOT_MAX_STRING, &t->runtime_version) ||
      !read_string(&r, AOT_MAX_STRING, &t->triple) || !read_string(&r, AOT_MAX_STRING, &t->cpu) ||
      !read_string(&r, AOT_MAX_STRING, &t->cpu_features))
    return error_set(err, err_size, "malformed AOT file: bad string in TARGET");
  if (r.p != r.end)
    return error_set(err, err_size, "malformed AOT file: TARGET section has extra bytes");
  return true;
}

static bool parse_funcs(const uint8_t *p, size_t size, AotFile *f, char *err, uint32_t err_size)
{
  Reader r = {p, p + size};
  uint32_t n;
  /* each entry takes at least its 4-byte length */
  if (!read_u32(&r, &n) || n > (size - 4) / 4)
    return error_set(err, err_size, "malformed AOT file: bad function count");
  f->func_symbols = calloc(n ? n : 1, sizeof(char *));
  if (!f->func_symbols)
    return error_set(err, err_size, "out of memory");
  f->num_funcs = n;
  for (uint32_t i = 0; i < n; i++)
    if (!read_string(&r, AOT_MAX_SYMBOL, &f->func_symbols[i]))
      return error_set(err, err_size, "malformed AOT file: bad symbol of function %u", i);
  if (r.p != r.end)
    return error_set(err, err_size, "malformed AOT file: FUNCS section has extra bytes");
  return true;
}

static bool parse(const uint8_t *buf, size_t size, AotFile *f, char *err, uint32_t err_size)
{
  if (!aot_file_has_magic(buf, size))
    return error_set(err, err_size, "not a wasmplug AOT file (bad magic)");
  if (size < AOT_HEADER_SIZE)
    return error_set(err, err_size, "truncated AOT file: %zu bytes, the header alone is %u",
                     size, AOT_HEADER_SIZE);
  f->format_version = get_u32(buf + 8);
  if (f->format_version != AOT_FORMAT_VERSION)
    return error_set(err, err_size, "AOT format version %u, this runtime reads version %u",
                     f->format_version, AOT_FORMAT_VERSION);
  uint64_t declared = get_u64(buf + 16);
  if (declared != size)
    return error_set(err, err_size, "%s AOT file: the header says %llu bytes, there are %zu",
                     declared > size ? "truncated" : "malformed", (unsigned long long)declared,
                     size);
  uint8_t digest[SHA256_DIGEST_SIZE];
  file_checksum(buf, size, digest);
  if (memcmp(digest, buf + 24, SHA256_DIGEST_SIZE) != 0)
    return error_set(err, err_size, "corrupted AOT file: checksum mismatch");

  uint32_t num_sections = get_u32(buf + 12);
  if (num_sections > AOT_MAX_SECTIONS ||
      (size - AOT_HEADER_SIZE) / AOT_SECTION_ENTRY_SIZE < num_sections)
    return error_set(err, err_size, "malformed AOT file: bad section count %u", num_sections);
  f->objects = calloc(num_sections ? num_sections : 1, sizeof *f->objects);
  f->object_sizes = calloc(num_sections ? num_sections : 1, sizeof *f->object_sizes);
  if (!f->objects || !f->object_sizes)
    return error_set(err, err_size, "out of memory");

  bool seen_target = false, seen_wasm = false, seen_funcs = false;
  size_t table_end = AOT_HEADER_SIZE + (size_t)num_sections * AOT_SECTION_ENTRY_SIZE;
  for (uint32_t i = 0; i < num_sections; i++) {
    const uint8_t *e = buf + AOT_HEADER_SIZE + (size_t)i * AOT_SECTION_ENTRY_SIZE;
    uint32_t id = get_u32(e);
    uint64_t off = get_u64(e + 8), len = get_u64(e + 16);
    if (get_u32(e + 4) != 0 || off < table_end || off > size || len > size - off)
      return error_set(err, err_size, "malformed AOT file: section %u lies outside the file", i);
    const uint8_t *p = buf + off;
    switch (id) {
    case AOT_SECTION_TARGET:
      if (seen_target)
        return error_set(err, err_size, "malformed AOT file: two TARGET sections");
      seen_target = true;
      if (!parse_target(p, len, &f->target, err, err_size))
        return false;
      break;
    case AOT_SECTION_WASM:
      if (seen_wasm)
        return error_set(err, err_size, "malformed AOT file: two WASM sections");
      seen_wasm = true;
      f->wasm = p;
      f->wasm_size = len;
      break;
    case AOT_SECTION_OBJECT:
      f->objects[f->num_objects] = p;
      f->object_sizes[f->num_objects++] = len;
      break;
    case AOT_SECTION_FUNCS:
      if (seen_funcs)
        return error_set(err, err_size, "malformed AOT file: two FUNCS sections");
      seen_funcs = true;
      if (!parse_funcs(p, len, f, err, err_size))
        return false;
      break;
    default:
      return error_set(err, err_size, "malformed AOT file: unknown section id %u", id);
    }
  }
  if (!seen_target || !seen_wasm || !seen_funcs || f->num_objects == 0)
    return error_set(err, err_size, "malformed AOT file: a TARGET, WASM, OBJECT or FUNCS "
                                    "section is missing");
  uint8_t hash[SHA256_DIGEST_SIZE];
  sha256(f->wasm, f->wasm_size, hash);
  if (memcmp(hash, f->target.wasm_sha256, sizeof hash) != 0)
    return error_set(err, err_size, "malformed AOT file: the Wasm module does not match its hash");
  return true;
}

bool aot_file_parse(const uint8_t *buf, size_t size, AotFile *out, char *err, uint32_t err_size)
{
  memset(out, 0, sizeof *out);
  if (parse(buf, size, out, err, err_size))
    return true;
  aot_file_free(out);
  return false;
}

/* "x86_64-pc-linux-gnu": the architecture and the OS must agree; vendor and
 * environment do not change the code. */
static bool triple_matches(const char *triple)
{
  const char *dash = strchr(triple, '-');
  size_t arch_len = dash ? (size_t)(dash - triple) : strlen(triple);
  return arch_len == 6 && memcmp(triple, "x86_64", 6) == 0 && strstr(triple, "-linux") != NULL;
}

bool aot_file_check_host(const AotFile *f, char *err, uint32_t err_size)
{
  const AotTarget *t = &f->target;
  if (strcmp(t->runtime_version, WP_VERSION) != 0)
    return error_set(err, err_size, "compiled by wasmplug %s, this is %s", t->runtime_version,
                     WP_VERSION);
  if (!triple_matches(t->triple))
    return error_set(err, err_size, "not an AOT file for %s: compiled for %s", aot_host_triple(),
                     t->triple);
  char missing[512];
  if (!cpu_features_check(t->cpu_features, missing, sizeof missing)) {
    if (strchr(missing, '?')) {
      char *q = strchr(missing, '?');
      size_t len = strcspn(q + 1, ",");
      return error_set(err, err_size,
                       "compiled for CPU feature +%.*s, which this runtime does not know",
                       (int)len, q + 1);
    }
    return error_set(err, err_size, "compiled for CPU features %s, this CPU lacks %s", missing,
                     strchr(missing, ',') ? "them" : "it");
  }
  if (strcmp(t->cpu, "") != 0 && strcmp(t->cpu, "generic") != 0 &&
      cpu_level_features(t->cpu) == NULL && t->cpu_features[0] == '\0')
    return error_set(err, err_size,
                     "compiled for CPU %s without its feature list, which this runtime cannot "
                     "check",
                     t->cpu);
  if (!t->bounds_checks && WP_BOUNDS_CHECKS)
    return error_set(err, err_size, "compiled without memory bounds checks, this runtime was "
                                    "built to need them (-Dbounds_checks=true)");
  return true;
}

void aot_file_free(AotFile *f)
{
  free(f->target.runtime_version);
  free(f->target.triple);
  free(f->target.cpu);
  free(f->target.cpu_features);
  free(f->objects);
  free(f->object_sizes);
  if (f->func_symbols) {
    for (uint32_t i = 0; i < f->num_funcs; i++)
      free(f->func_symbols[i]);
    free(f->func_symbols);
  }
  memset(f, 0, sizeof *f);
}
