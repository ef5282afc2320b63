/*
 * aot_cache.h -- the AOT code cache: a directory of AOT files keyed by what
 * decides whether compiled code can run here (the module's hash, the
 * runtime version, this CPU's features, the compile options).
 *
 * Loading a .wasm through the cache looks its entry up; a hit loads the AOT
 * file (no compiling); a miss, or an entry the loader refuses (stale,
 * foreign, corrupt), is compiled again where this build has the compiler
 * and stored atomically (a temporary file renamed into place, so processes
 * racing on one entry each see a whole file); the directory is kept under a
 * size bound by removing the least recently used entries.  A cache problem
 * is never the user's error: the module then simply loads without AOT code.
 */
#ifndef WP_AOT_CACHE_H
#define WP_AOT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/module.h"

#define AOT_CACHE_DEFAULT_MAX_BYTES ((uint64_t)1 << 30) /* 1 GiB */

typedef struct AotCacheOptions {
  unsigned opt_level, size_level;
  bool bounds_checks;
} AotCacheOptions;

/* The process-wide cache: a directory (NULL: none) and its size bound
 * (0: the default).  The directory is made when first written. */
bool aot_cache_configure(const char *dir, uint64_t max_bytes);
/* A copy of the directory (free it), or NULL. */
char *aot_cache_dir(void);

/* The entry's name for a module under these options on this runtime and
 * CPU: 64 hex digits. */
void aot_cache_key(const uint8_t *wasm, size_t size, const AotCacheOptions *o, char key[65]);

/* The bytes of entry `key` in dir (malloc'ed), marking it used; NULL when
 * there is none. */
uint8_t *aot_cache_read(const char *dir, const char *key, size_t *size);
/* Stores entry `key` atomically, then evicts the least recently used
 * entries beyond max_bytes (never the one just stored). */
bool aot_cache_store(const char *dir, const char *key, const uint8_t *data, size_t size,
                     uint64_t max_bytes, char *err, uint32_t err_size);
void aot_cache_remove(const char *dir, const char *key);
/* Removes the least recently used entries until the rest fit in max_bytes;
 * `keep` (an entry name or NULL) is never removed. */
void aot_cache_evict(const char *dir, uint64_t max_bytes, const char *keep);

/* Writes a file atomically: a temporary file in the same directory, then
 * rename. */
bool aot_cache_write_atomic(const char *path, const uint8_t *data, size_t size, char *err,
                            uint32_t err_size);

/* True when this build can compile (an entry can be made on a miss). */
bool aot_cache_can_compile(void);

/* The module of wasm[0..size) with AOT code: the configured cache's entry
 * if the loader takes it, else compiled now (on worker threads) and stored
 * in the cache if there is one.  `validated` is the same module, already
 * decoded and validated by the caller (compiled from, not kept).  NULL when
 * there is no entry and no compiler, or compiling failed: the caller then
 * keeps its module without AOT code. */
Module *aot_cache_load_module(const uint8_t *wasm, size_t size, const Module *validated,
                              const AotCacheOptions *o);

#endif
