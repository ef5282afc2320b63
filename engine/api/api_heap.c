/*
 * api_heap.c -- the app heap: `heap_size` bytes that instantiation reserves
 * at the end of the default memory when the module exports no allocator
 * (as WAMR does), for wasm_runtime_module_malloc and the built-in libc's
 * malloc family.
 *
 * The region is added with memory.grow semantics (whole pages), so the
 * module's own data below it is untouched and a later memory.grow goes
 * past it.  The bookkeeping lives in host memory, not in the region: Wasm
 * code that scribbles over the heap can corrupt its own data, never the
 * allocator.  First fit over an address-ordered block list, 8-byte
 * alignment, neighbours merged on free; a mutex for spawned threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "api.h"

#define HEAP_ALIGN 8u

typedef struct HeapBlock {
  uint32_t offset; /* in linear memory */
  uint32_t size;
  bool used;
  struct HeapBlock *next;
} HeapBlock;

typedef struct AppHeap {
  pthread_mutex_t lock;
  uint32_t start, size;
  uint32_t used;
  HeapBlock *blocks;
} AppHeap;

static bool exports_allocator(const Instance *inst)
{
  const Module *m = inst->module;
  return module_find_export(m, "malloc", EXTERN_FUNC) >= 0 &&
         module_find_export(m, "free", EXTERN_FUNC) >= 0;
}

bool api_heap_create(Instance *inst, uint32_t heap_size, char *err, uint32_t err_size)
{
  Memory *mem = api_default_memory(inst);
  if (heap_size == 0 || !mem || exports_allocator(inst))
    return true; /* nothing asked for, nowhere to put it, or not needed */
  heap_size = (heap_size + HEAP_ALIGN - 1) & ~(HEAP_ALIGN - 1);
  uint64_t start = mem->size;
  uint32_t pages = (uint32_t)(((uint64_t)heap_size + WASM_PAGE_SIZE - 1) / WASM_PAGE_SIZE);
  if (start + heap_size > UINT32_MAX || memory_grow(mem, pages) < 0)
    return error_set(err, err_size,
                     "cannot reserve an app heap of %u bytes: the memory cannot grow by %u pages",
                     heap_size, pages);
  ApiInstanceData *data = api_instance_data(inst);
  AppHeap *heap = calloc(1, sizeof *heap);
  HeapBlock *all = calloc(1, sizeof *all);
  if (!data || !heap || !all) {
    free(heap);
    free(all);
    return error_set(err, err_size, "out of memory");
  }
  pthread_mutex_init(&heap->lock, NULL);
  heap->start = (uint32_t)start;
  heap->size = heap_size;
  all->offset = heap->start;
  all->size = heap_size;
  heap->blocks = all;
  data->heap = heap;
  return true;
}

void api_heap_release(Instance *inst, ApiInstanceData *data)
{
  (void)inst;
  AppHeap *heap = data->heap;
  if (!heap)
    return;
  for (HeapBlock *b = heap->blocks, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  pthread_mutex_destroy(&heap->lock);
  free(heap);
  data->heap = NULL;
}

static AppHeap *heap_of(Instance *inst)
{
  return inst && inst->api_data ? inst->api_data->heap : NULL;
}

/* Caller holds the lock. */
static uint32_t heap_alloc_locked(AppHeap *heap, uint32_t size)
{
  if (size == 0)
    size = 1;
  if (size > heap->size)
    return 0;
  size = (size + HEAP_ALIGN - 1) & ~(HEAP_ALIGN - 1);
  for (HeapBlock *b = heap->blocks; b; b = b->next) {
    if (b->used || b->size < size)
      continue;
    if (b->size > size) {
      HeapBlock *rest = malloc(sizeof *rest);
      if (!rest)
        return 0;
      rest->offset = b->offset + size;
      rest->size = b->size - size;
      rest->used = false;
      rest->next = b->next;
      b->next = rest;
      b->size = size;
    }
    b->used = true;
    heap->used += b->size;
    return b->offset;
  }
  return 0;
}

/* Caller holds the lock; the block of `offset`, with its predecessor. */
static HeapBlock *heap_find_locked(AppHeap *heap, uint32_t offset, HeapBlock **prev)
{
  *prev = NULL;
  for (HeapBlock *b = heap->blocks; b; *prev = b, b = b->next)
    if (b->offset == offset)
      return b->used ? b : NULL;
  return NULL;
}

static void heap_free_locked(AppHeap *heap, HeapBlock *b, HeapBlock *prev)
{
  b->used = false;
  heap->used -= b->size;
  HeapBlock *next = b->next;
  if (next && !next->used) {
    b->size += next->size;
    b->next = next->next;
    free(next);
  }
  if (prev && !prev->used) {
    prev->size += b->size;
    prev->next = b->next;
    free(b);
  }
}

uint32_t api_heap_malloc(Instance *inst, uint32_t size, bool *found)
{
  AppHeap *heap = heap_of(inst);
  if (found)
    *found = heap != NULL;
  if (!heap)
    return 0;
  pthread_mutex_lock(&heap->lock);
  uint32_t offset = heap_alloc_locked(heap, size);
  pthread_mutex_unlock(&heap->lock);
  return offset;
}

bool api_heap_free(Instance *inst, uint32_t offset)
{
  AppHeap *heap = heap_of(inst);
  if (!heap)
    return false;
  pthread_mutex_lock(&heap->lock);
  HeapBlock *prev, *b = heap_find_locked(heap, offset, &prev);
  if (b) /* freeing what was not allocated is ignored, as free(NULL) is */
    heap_free_locked(heap, b, prev);
  pthread_mutex_unlock(&heap->lock);
  return true;
}

uint32_t api_heap_realloc(Instance *inst, uint32_t offset, uint32_t size)
{
  AppHeap *heap = heap_of(inst);
  if (!heap)
    return 0;
  if (offset == 0)
    return api_heap_malloc(inst, size, NULL);
  pthread_mutex_lock(&heap->lock);
  uint32_t result = 0;
  HeapBlock *prev, *b = heap_find_locked(heap, offset, &prev);
  if (b && size <= b->size) {
    result = offset; /* shrinking keeps the block */
  } else if (b) {
    uint32_t old_size = b->size;
    result = heap_alloc_locked(heap, size);
    if (result) {
      Memory *mem = api_default_memory(inst);
      memmove(mem->base + result, mem->base + offset, old_size);
      b = heap_find_locked(heap, offset, &prev);
      heap_free_locked(heap, b, prev);
    }
  }
  pthread_mutex_unlock(&heap->lock);
  return result;
}

bool api_heap_stats(Instance *inst, uint32_t *used, uint32_t *total, uint32_t *start)
{
  AppHeap *heap = heap_of(inst);
  if (!heap)
    return false;
  pthread_mutex_lock(&heap->lock);
  *used = heap->used;
  *total = heap->size;
  *start = heap->start;
  pthread_mutex_unlock(&heap->lock);
  return true;
}
