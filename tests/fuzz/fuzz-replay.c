/*
 * fuzz-replay.c -- runs a crash-fuzzing target without libFuzzer: every
 * input of a corpus (files, or directories of them), then a number of
 * seeded mutations of them.  The build uses it where the compiler is not
 * clang (gcc's ASan build in CI catches what the target trips on).
 *
 *   fuzz-replay-TARGET [--mutations=N] [--seed=S] CORPUS...
 *
 * The mutations are the ones decoders and parsers get wrong: bit flips,
 * random and boundary bytes, LEB128 continuation bits, truncation, deleted
 * and inserted runs, and splices of two inputs.  Exit status 0 when the
 * target survived everything (a crash aborts).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz-target.h"

typedef struct Input {
  uint8_t *bytes;
  size_t size;
} Input;

static Input *inputs;
static size_t num_inputs, cap_inputs;

static void fail(const char *what, const char *path)
{
  fprintf(stderr, "fuzz-replay: %s %s: %s\n", what, path, strerror(errno));
  exit(2);
}

static void add_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    fail("cannot open", path);
  Input in = {0};
  size_t cap = 0;
  for (;;) {
    if (in.size == cap) {
      cap = cap ? 2 * cap : 4096;
      in.bytes = realloc(in.bytes, cap);
      if (!in.bytes)
        abort();
    }
    size_t got = fread(in.bytes + in.size, 1, cap - in.size, f);
    if (got == 0)
      break;
    in.size += got;
  }
  fclose(f);
  if (num_inputs == cap_inputs) {
    cap_inputs = cap_inputs ? 2 * cap_inputs : 64;
    inputs = realloc(inputs, cap_inputs * sizeof *inputs);
    if (!inputs)
      abort();
  }
  inputs[num_inputs++] = in;
}

static int compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's files in name order, so runs repeat exactly. */
static void add_path(const char *path)
{
  struct stat st;
  if (stat(path, &st) != 0)
    fail("cannot read", path);
  if (!S_ISDIR(st.st_mode)) {
    add_file(path);
    return;
  }
  DIR *d = opendir(path);
  if (!d)
    fail("cannot open", path);
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      names = realloc(names, cap * sizeof *names);
      if (!names)
        abort();
    }
    size_t len = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(len);
    if (!names[n])
      abort();
    snprintf(names[n++], len, "%s/%s", path, e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n; i++) {
    add_path(names[i]);
    free(names[i]);
  }
  free(names);
}

static uint64_t rng_state;

static uint64_t next(void)
{
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static size_t below(size_t n)
{
  return n ? (size_t)(next() % n) : 0;
}

/* One mutant of input `src` (1 to 4 edits); the caller frees it. */
static uint8_t *mutate(const Input *src, size_t *out_size)
{
  size_t cap = src->size + 256;
  uint8_t *b = malloc(cap);
  if (!b)
    abort();
  memcpy(b, src->bytes, src->size);
  size_t n = src->size;
  static const uint8_t boundary[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x40, 0x41, 0xfc, 0xfd,
                                     '(', ')', '"', '\\', ';', ' ', '$', '0'};
  for (size_t edits = 1 + below(4); edits > 0 && n > 0; edits--) {
    size_t at = below(n);
    switch (below(8)) {
    case 0:
      b[at] ^= (uint8_t)(1u << below(8));
      break;
    case 1:
      b[at] = (uint8_t)next();
      break;
    case 2:
      b[at] = boundary[below(sizeof boundary)];
      break;
    case 3:
      n = at;
      break;
    case 4: {
      size_t k = 1 + below(16);
      if (k > n - at)
        k = n - at;
      memmove(b + at, b + at + k, n - at - k);
      n -= k;
      break;
    }
    case 5: {
      size_t k = 1 + below(16);
      if (n + k > cap)
        break;
      memmove(b + at + k, b + at, n - at);
      for (size_t i = 0; i < k; i++)
        b[at + i] = (uint8_t)next();
      n += k;
      break;
    }
    case 6: { /* splice: a run of another input over this one */
      const Input *other = &inputs[below(num_inputs)];
      if (other->size == 0)
        break;
      size_t from = below(other->size);
      size_t k = 1 + below(64);
      if (k > other->size - from)
        k = other->size - from;
      if (k > cap - at)
        k = cap - at;
      memcpy(b + at, other->bytes + from, k);
      if (at + k > n)
        n = at + k;
      break;
    }
    default:
      b[at] |= 0x80;
      break;
    }
  }
  *out_size = n;
  return b;
}

int main(int argc, char **argv)
{
  unsigned long mutations = 0;
  rng_state = 1;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strncmp(argv[i], "--mutations=", 12) == 0)
      mutations = strtoul(argv[i] + 12, NULL, 0);
    else if (strncmp(argv[i], "--seed=", 7) == 0)
      rng_state = strtoull(argv[i] + 7, NULL, 0);
    else {
      fprintf(stderr, "usage: %s [--mutations=N] [--seed=S] CORPUS...\n", argv[0]);
      return 2;
    }
  }
  for (; i < argc; i++)
    add_path(argv[i]);
  if (num_inputs == 0) {
    fprintf(stderr, "fuzz-replay: an empty corpus\n");
    return 2;
  }
  fuzz_target_init();
  for (size_t k = 0; k < num_inputs; k++)
    LLVMFuzzerTestOneInput(inputs[k].bytes, inputs[k].size);
  for (unsigned long m = 0; m < mutations; m++) {
    size_t size;
    uint8_t *mutant = mutate(&inputs[below(num_inputs)], &size);
    LLVMFuzzerTestOneInput(mutant, size);
    free(mutant);
  }
  printf("fuzz-replay: %zu inputs, %lu mutations: no crash\n", num_inputs, mutations);
  for (size_t k = 0; k < num_inputs; k++)
    free(inputs[k].bytes);
  free(inputs);
  return 0;
}
