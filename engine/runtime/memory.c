/*
 * memory.c -- linear memories (contract 4: guard pages) and the fault handler
 * that turns a guard-region access into the out-of-bounds trap.
 *
 * A memory reserves its whole address range up front and commits pages with
 * mprotect as it grows, so its base never moves and code may keep it in a
 * register across calls that grow it.  On 64-bit hosts the reservation covers
 * everything a Wasm access can reach: base + u32 address + u32 offset + the
 * access size is below base + 8 GiB + one page.  Such accesses need no
 * bounds-check instructions; the ones past the committed size land on
 * PROT_NONE pages and fault, and the handler below unwinds to the host entry.
 *
 * With -Dbounds_checks=true (WP_BOUNDS_CHECKS), on 32-bit hosts, or when the
 * big reservation fails (a ulimit -v, say), a memory reserves exactly its
 * maximum instead: the base still never moves, but tiers must check every
 * access (Memory.guarded is false).
 */
#include "runtime.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "wp_config.h"
#include "../common/error.h"

/* 4 GiB addressable + 4 GiB of guard, plus one page for the access size
 * (the last byte of an 8-byte load at 0xFFFFFFFF + offset 0xFFFFFFFF lies
 * just past 8 GiB). */
#define GUARDED_RESERVATION ((UINT64_C(1) << 33) + WASM_PAGE_SIZE)

static void *reserve(uint64_t bytes)
{
  if (bytes > SIZE_MAX)
    return MAP_FAILED;
  return mmap(NULL, (size_t)bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

Memory *memory_new(uint32_t pages, uint32_t max_pages, bool has_max, char *err, uint32_t err_size)
{
  uint32_t max = has_max ? max_pages : WASM_MAX_PAGES;
  if (pages > max || max > WASM_MAX_PAGES) {
    error_set(err, err_size, "memory size must be at most %u pages (4GiB)", WASM_MAX_PAGES);
    return NULL;
  }

  void *base = MAP_FAILED;
  uint64_t reserved = 0;
  bool guarded = false;
#if !WP_BOUNDS_CHECKS && SIZE_MAX > UINT32_MAX
  reserved = GUARDED_RESERVATION;
  base = reserve(reserved);
  guarded = base != MAP_FAILED;
#endif
  if (base == MAP_FAILED) {
    /* Exact reservation: the maximum, so growing never moves the base.  A
     * memory whose maximum is 0 still gets a (never committed) page, so its
     * base is a real address. */
    reserved = (uint64_t)max * WASM_PAGE_SIZE;
    if (reserved == 0)
      reserved = WASM_PAGE_SIZE;
    base = reserve(reserved);
  }
  if (base == MAP_FAILED) {
    error_set(err, err_size, "cannot reserve %llu bytes for a linear memory: %s",
              (unsigned long long)reserved, strerror(errno));
    return NULL;
  }

  size_t committed = (size_t)pages * WASM_PAGE_SIZE;
  if (committed != 0 && mprotect(base, committed, PROT_READ | PROT_WRITE) != 0) {
    error_set(err, err_size, "cannot commit %u pages of linear memory: %s", pages,
              strerror(errno));
    munmap(base, (size_t)reserved);
    return NULL;
  }

  Memory *m = calloc(1, sizeof *m);
  if (m == NULL) {
    munmap(base, (size_t)reserved);
    error_set(err, err_size, "out of memory");
    return NULL;
  }
  m->base = base;
  m->pages = pages;
  m->size = (uint64_t)pages * WASM_PAGE_SIZE;
  m->max_pages = max;
  m->has_max = has_max;
  m->reserved = (size_t)reserved;
  m->guarded = guarded;
  atomic_init(&m->refcount, 1);

  if (guarded && !memory_install_fault_handler()) {
    /* Without the handler a guard-page access would kill the process:
     * fall back to explicit checks for this memory rather than crash. */
    m->guarded = false;
  }
  return m;
}

void memory_ref(Memory *m)
{
  atomic_fetch_add_explicit(&m->refcount, 1, memory_order_relaxed);
}

void memory_unref(Memory *m)
{
  if (m == NULL || atomic_fetch_sub_explicit(&m->refcount, 1, memory_order_acq_rel) != 1)
    return;
  munmap(m->base, m->reserved);
  free(m);
}

int64_t memory_grow(Memory *m, uint32_t delta_pages)
{
  uint32_t old = m->pages;
  if (delta_pages == 0)
    return old;
  if (delta_pages > m->max_pages - old) {
    m->refused_grows++;
    return -1;
  }
  uint64_t new_size = (uint64_t)(old + delta_pages) * WASM_PAGE_SIZE;
  if (new_size > m->reserved)
    return -1;
  /* Grow in place: the pages are already reserved, only their protection
   * changes (and the kernel hands them out zeroed). */
  if (mprotect(m->base + m->size, (size_t)(new_size - m->size), PROT_READ | PROT_WRITE) != 0)
    return -1;
  m->pages = old + delta_pages;
  m->size = new_size;
  return old;
}

/* --- the fault handler --- */

static struct sigaction previous_segv, previous_bus;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static bool install_ok;

/* Is addr inside a memory reservation of the instance whose code runs? Only
 * that instance's memories can be touched by the running Wasm code (a call
 * through an import switches env->current). */
static bool address_in_memory_of(const Instance *inst, uintptr_t addr)
{
  if (inst == NULL || inst->memories == NULL)
    return false;
  for (uint32_t i = 0; i < inst->module->num_memories; i++) {
    const Memory *m = inst->memories[i];
    if (m != NULL && addr - (uintptr_t)m->base < m->reserved)
      return true;
  }
  return false;
}

/* Not ours: hand the fault to whoever was there before us (ASan, a crash
 * reporter, the embedder), or let the default action kill the process. */
static void chain_to_previous(int sig, siginfo_t *info, void *context)
{
  const struct sigaction *prev = sig == SIGBUS ? &previous_bus : &previous_segv;
  if (prev->sa_flags & SA_SIGINFO) {
    prev->sa_sigaction(sig, info, context);
    return;
  }
  if (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN) {
    /* Restore the default and return: a real fault re-executes the
     * instruction and dies of it with a core dump as if we had never been
     * here; a signal sent with kill() is sent again. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    if (info->si_code <= 0)
      raise(sig);
    return;
  }
  prev->sa_handler(sig);
}

static void fault_handler(int sig, siginfo_t *info, void *context)
{
  int saved_errno = errno;
  ExecEnv *env = exec_env_running();
  if (env != NULL && env->trap_frame != NULL &&
      address_in_memory_of(env->current ? env->current : env->instance,
                           (uintptr_t)info->si_addr)) {
    /* Contract 4: a guard-region access is the out-of-bounds trap.  The
     * handler runs with SA_NODEFER, so jumping out leaves the signal
     * unblocked for the next fault. */
    trap_raise(env, TRAP_MEMORY_OUT_OF_BOUNDS);
  }
  chain_to_previous(sig, info, context);
  errno = saved_errno;
}

static void install(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  install_ok = sigaction(SIGSEGV, &sa, &previous_segv) == 0 &&
               sigaction(SIGBUS, &sa, &previous_bus) == 0;
}

bool memory_install_fault_handler(void)
{
  pthread_once(&install_once, install);
  return install_ok;
}
