/*
 * codemem.h -- executable memory for compiled code, never writable and
 * executable at once: one memfd mapped twice, a read-write view the
 * compiler writes through and a read-execute view the code runs from.
 *
 * The cache has a fixed size (chosen before first use); it is handed out
 * in page-granular segments to code owners (one per module), which carve
 * functions out of them and give the segments back when the module is
 * freed.  A full cache is an error the caller reports, never a crash.
 */
#ifndef WP_JIT_FAST_CODEMEM_H
#define WP_JIT_FAST_CODEMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CODEMEM_DEFAULT_SIZE ((size_t)64 << 20)

typedef struct CodeSegment {
  size_t first_page, pages;
  struct CodeSegment *next;
} CodeSegment;

/* The segments of one owner and where its next function goes.  Callers
 * serialise their own use of an owner. */
typedef struct CodeOwner {
  CodeSegment *segments;
  size_t used;  /* bytes used in the newest segment */
} CodeOwner;

bool codemem_set_size(size_t bytes);
size_t codemem_size(void);
/* Copies `len` bytes of code into the cache; returns the address it runs
 * at, or NULL (cache full, or no executable memory). */
void *codemem_install(CodeOwner *o, const uint8_t *code, size_t len);
void codemem_release(CodeOwner *o);

#endif
