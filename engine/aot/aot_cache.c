/*
 * aot_cache.c -- the AOT code cache (aot_cache.h).
 */
#include "aot_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aot.h"
#include "aot_file.h"
#include "common/error.h"
#include "common/sha256.h"
#include "cpu_features.h"
#include "wp_config.h"
#if WP_HAVE_AOT_COMPILER
#include "aot_compile.h"
#endif

#define ENTRY_SUFFIX ".aot"

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static char *cache_dir;
static uint64_t cache_max = AOT_CACHE_DEFAULT_MAX_BYTES;

bool aot_cache_configure(const char *dir, uint64_t max_bytes)
{
  char *copy = NULL;
  if (dir && !(copy = strdup(dir)))
    return false;
  pthread_mutex_lock(&config_lock);
  free(cache_dir);
  cache_dir = copy;
  cache_max = max_bytes ? max_bytes : AOT_CACHE_DEFAULT_MAX_BYTES;
  pthread_mutex_unlock(&config_lock);
  return true;
}

char *aot_cache_dir(void)
{
  pthread_mutex_lock(&config_lock);
  char *d = cache_dir ? strdup(cache_dir) : NULL;
  pthread_mutex_unlock(&config_lock);
  return d;
}

#if WP_HAVE_AOT_COMPILER
static uint64_t cache_max_bytes(void)
{
  pthread_mutex_lock(&config_lock);
  uint64_t m = cache_max;
  pthread_mutex_unlock(&config_lock);
  return m;
}
#endif

bool aot_cache_can_compile(void) { return WP_HAVE_AOT_COMPILER; }

void aot_cache_key(const uint8_t *wasm, size_t size, const AotCacheOptions *o, char key[65])
{
  uint8_t module_hash[SHA256_DIGEST_SIZE];
  sha256(wasm, size, module_hash);
  char text[256];
  int n = snprintf(text, sizeof text, "format=%u runtime=%s opt=%u size=%u bounds=%u features=",
                   AOT_FORMAT_VERSION, WP_VERSION, o->opt_level, o->size_level,
                   o->bounds_checks ? 1 : 0);
  Sha256 s;
  sha256_init(&s);
  sha256_update(&s, module_hash, sizeof module_hash);
  sha256_update(&s, text, (size_t)n);
  const char *features = cpu_features_host();
  sha256_update(&s, features, strlen(features));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_final(&s, digest);
  sha256_hex(digest, key);
}

static char *entry_path(const char *dir, const char *key)
{
  size_t len = strlen(dir) + strlen(key) + sizeof ENTRY_SUFFIX + 2;
  char *p = malloc(len);
  if (p)
    snprintf(p, len, "%s/%s%s", dir, key, ENTRY_SUFFIX);
  return p;
}

uint8_t *aot_cache_read(const char *dir, const char *key, size_t *size)
{
  char *path = entry_path(dir, key);
  if (!path)
    return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  uint8_t *buf = NULL;
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    buf = malloc((size_t)st.st_size);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
      ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
      if (r <= 0) {
        free(buf);
        buf = NULL;
        break;
      }
      got += (size_t)r;
    }
    if (buf) {
      *size = got;
      futimens(fd, NULL); /* used now: eviction takes the least recently used */
    }
  }
  if (fd >= 0)
    close(fd);
  free(path);
  return buf;
}

static bool make_dirs(const char *dir)
{
  char *p = strdup(dir);
  if (!p)
    return false;
  for (char *s = p + 1; *s; s++)
    if (*s == '/') {
      *s = '\0';
      mkdir(p, 0700);
      *s = '/';
    }
  bool ok = mkdir(p, 0700) == 0 || errno == EEXIST;
  free(p);
  return ok;
}

bool aot_cache_write_atomic(const char *path, const uint8_t *data, size_t size, char *err,
                            uint32_t err_size)
{
  static atomic_uint counter;
  size_t len = strlen(path) + 64;
  char *tmp = malloc(len);
  if (!tmp)
    return error_set(err, err_size, "out of memory");
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  /* unique per process, thread and moment: racing writers never share one */
  snprintf(tmp, len, "%s.tmp-%ld-%u-%ld", path, (long)getpid(), atomic_fetch_add(&counter, 1),
           (long)now.tv_nsec);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    error_set(err, err_size, "cannot write %s: %s", path, strerror(errno));
    free(tmp);
    return false;
  }
  size_t done = 0;
  while (done < size) {
    ssize_t w = write(fd, data + done, size - done);
    if (w <= 0)
      break;
    done += (size_t)w;
  }
  bool ok = done == size && close(fd) == 0;
  if (ok && rename(tmp, path) != 0)
    ok = false;
  if (!ok) {
    error_set(err, err_size, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
    unlink(tmp);
  }
  free(tmp);
  return ok;
}

bool aot_cache_store(const char *dir, const char *key, const uint8_t *data, size_t size,
                     uint64_t max_bytes, char *err, uint32_t err_size)
{
  if (!make_dirs(dir))
    return error_set(err, err_size, "cannot make the cache directory %s: %s", dir,
                     strerror(errno));
  char *path = entry_path(dir, key);
  if (!path)
    return error_set(err, err_size, "out of memory");
  bool ok = aot_cache_write_atomic(path, data, size, err, err_size);
  free(path);
  if (ok) {
    char keep[80];
    snprintf(keep, sizeof keep, "%s%s", key, ENTRY_SUFFIX);
    aot_cache_evict(dir, max_bytes, keep);
  }
  return ok;
}

void aot_cache_remove(const char *dir, const char *key)
{
  char *path = entry_path(dir, key);
  if (path)
    unlink(path);
  free(path);
}

typedef struct Entry {
  char *name;
  uint64_t size;
  struct timespec used;
} Entry;

static int older_first(const void *a, const void *b)
{
  const Entry *x = a, *y = b;
  if (x->used.tv_sec != y->used.tv_sec)
    return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
  if (x->used.tv_nsec != y->used.tv_nsec)
    return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* An entry's name: 64 hex digits and the suffix (nothing else in the
 * directory is ours to remove). */
static bool is_entry_name(const char *name)
{
  size_t n = strlen(name);
  if (n != 64 + strlen(ENTRY_SUFFIX) || strcmp(name + 64, ENTRY_SUFFIX) != 0)
    return false;
  for (size_t i = 0; i < 64; i++)
    if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
      return false;
  return true;
}

void aot_cache_evict(const char *dir, uint64_t max_bytes, const char *keep)
{
  DIR *d = opendir(dir);
  if (!d)
    return;
  Entry *entries = NULL;
  size_t n = 0, cap = 0;
  uint64_t total = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!is_entry_name(de->d_name))
      continue;
    struct stat st;
    if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 32;
      Entry *e = realloc(entries, cap * sizeof *e);
      if (!e)
        break;
      entries = e;
    }
    entries[n] = (Entry){strdup(de->d_name), (uint64_t)st.st_size, st.st_mtim};
    if (!entries[n].name)
      break;
    total += entries[n].size;
    n++;
  }
  if (n)
    qsort(entries, n, sizeof *entries, older_first);
  for (size_t i = 0; i < n && total > max_bytes; i++) {
    if (keep && strcmp(entries[i].name, keep) == 0)
      continue;
    if (unlinkat(dirfd(d), entries[i].name, 0) == 0)
      total -= entries[i].size;
  }
  for (size_t i = 0; i < n; i++)
    free(entries[i].name);
  free(entries);
  closedir(d);
}

Module *aot_cache_load_module(const uint8_t *wasm, size_t size, const Module *validated,
                              const AotCacheOptions *o)
{
  char *dir = aot_cache_dir();
  char key[65], err[256];
  aot_cache_key(wasm, size, o, key);
  size_t entry_size;
  uint8_t *entry = dir ? aot_cache_read(dir, key, &entry_size) : NULL;
  Module *m = NULL;
  if (entry) {
    m = aot_load_module(entry, entry_size, err, sizeof err);
    free(entry);
    if (m) {
      free(dir);
      return m;
    }
    /* stale, foreign or corrupt: made again below, silently */
    aot_cache_remove(dir, key);
  }
#if WP_HAVE_AOT_COMPILER
  AotCompileOptions co = {.opt_level = o->opt_level,
                          .size_level = o->size_level,
                          .bounds_checks = o->bounds_checks};
  uint8_t *aot;
  size_t aot_size;
  if (aot_compile(validated, wasm, size, &co, &aot, &aot_size, err, sizeof err)) {
    m = aot_load_module(aot, aot_size, err, sizeof err);
    if (m && dir)
      aot_cache_store(dir, key, aot, aot_size, cache_max_bytes(), err, sizeof err);
    free(aot);
  }
#else
  (void)validated;
#endif
  free(dir);
  return m;
}
