/*
 * codemem.c -- the code cache (codemem.h).
 */
#define _GNU_SOURCE
#include "codemem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u
#define SEGMENT_PAGES 4u /* 16 KiB: a small module wastes little */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t cache_size = CODEMEM_DEFAULT_SIZE;
static bool cache_created, cache_failed;
static uint8_t *rw_view, *rx_view;
static uint8_t *page_used; /* one byte per page: simple and small */
static size_t num_pages;

bool codemem_set_size(size_t bytes)
{
  pthread_mutex_lock(&cache_lock);
  bool ok = !cache_created;
  if (ok)
    cache_size = bytes ? (bytes + PAGE - 1) / PAGE * PAGE : CODEMEM_DEFAULT_SIZE;
  pthread_mutex_unlock(&cache_lock);
  return ok;
}

size_t codemem_size(void)
{
  pthread_mutex_lock(&cache_lock);
  size_t s = cache_size;
  pthread_mutex_unlock(&cache_lock);
  return s;
}

/* Under cache_lock. */
static bool create(void)
{
  if (cache_created)
    return !cache_failed;
  cache_created = true;
  cache_failed = true;
  int fd = memfd_create("wasmplug-fast-jit", MFD_CLOEXEC);
  if (fd < 0)
    return false;
  if (ftruncate(fd, (off_t)cache_size) != 0) {
    close(fd);
    return false;
  }
  void *rw = mmap(NULL, cache_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  void *rx = mmap(NULL, cache_size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  close(fd);
  num_pages = cache_size / PAGE;
  page_used = calloc(num_pages ? num_pages : 1, 1);
  if (rw == MAP_FAILED || rx == MAP_FAILED || page_used == NULL) {
    if (rw != MAP_FAILED)
      munmap(rw, cache_size);
    if (rx != MAP_FAILED)
      munmap(rx, cache_size);
    free(page_used);
    page_used = NULL;
    return false;
  }
  rw_view = rw;
  rx_view = rx;
  cache_failed = false;
  return true;
}

/* Next fit from where the last segment was taken (a first-fit scan from
 * the start would cost every new segment a walk over the whole cache);
 * under cache_lock. */
static size_t next_page;

static bool take_pages(size_t n, size_t *first)
{
  for (int pass = 0; pass < 2; pass++) {
    size_t run = 0;
    size_t start = pass == 0 ? next_page : 0;
    size_t end = pass == 0 ? num_pages : next_page + n;
    if (end > num_pages)
      end = num_pages;
    for (size_t i = start; i < end; i++) {
      run = page_used[i] ? 0 : run + 1;
      if (run == n) {
        *first = i + 1 - n;
        memset(page_used + *first, 1, n);
        next_page = i + 1;
        return true;
      }
    }
  }
  return false;
}

void *codemem_install(CodeOwner *o, const uint8_t *code, size_t len)
{
  size_t need = (len + 15) & ~(size_t)15;
  CodeSegment *s = o->segments;
  if (s == NULL || o->used + need > s->pages * PAGE) {
    size_t pages = (need + PAGE - 1) / PAGE;
    if (pages < SEGMENT_PAGES)
      pages = SEGMENT_PAGES;
    CodeSegment *fresh = malloc(sizeof *fresh);
    if (fresh == NULL)
      return NULL;
    pthread_mutex_lock(&cache_lock);
    bool ok = create() && take_pages(pages, &fresh->first_page);
    pthread_mutex_unlock(&cache_lock);
    if (!ok) {
      free(fresh);
      return NULL;
    }
    fresh->pages = pages;
    fresh->next = o->segments;
    o->segments = fresh;
    o->used = 0;
    s = fresh;
  }
  size_t off = s->first_page * PAGE + o->used;
  memcpy(rw_view + off, code, len);
  o->used += need;
  return rx_view + off;
}

void codemem_release(CodeOwner *o)
{
  CodeSegment *s = o->segments;
  if (s == NULL)
    return;
  pthread_mutex_lock(&cache_lock);
  for (; s != NULL; s = s->next)
    memset(page_used + s->first_page, 0, s->pages);
  pthread_mutex_unlock(&cache_lock);
  while (o->segments) {
    s = o->segments;
    o->segments = s->next;
    free(s);
  }
  o->used = 0;
}
