/*
 * wasi_calls.c -- arguments, environment, clocks, randomness, poll_oneoff,
 * process and socket functions, and the registration of every function as
 * a raw native of "wasi_snapshot_preview1".
 *
 * One trampoline serves all of them: the NativeSymbol's attachment is the
 * implementation, called with the calling instance's context and memory;
 * its errno goes to the result slot.
 */
#define _GNU_SOURCE
#include "wasi_impl.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../api/api.h"
#include "../runtime/native.h"
#include "../runtime/trap.h"

/* --- arguments and environment --- */

static uint16_t strings_sizes(WasiCall *c, const uint64_t *a, char **list, uint32_t n)
{
  uint32_t count_p = ARG32(0), size_p = ARG32(1);
  if (!wasi_mem_ok(&c->mem, count_p, 4) || !wasi_mem_ok(&c->mem, size_p, 4))
    return WASI_EFAULT;
  uint64_t size = 0;
  for (uint32_t i = 0; i < n; i++)
    size += strlen(list[i]) + 1;
  if (size > UINT32_MAX)
    return WASI_EOVERFLOW;
  wasi_store32(&c->mem, count_p, n);
  wasi_store32(&c->mem, size_p, (uint32_t)size);
  return 0;
}

static uint16_t strings_get(WasiCall *c, const uint64_t *a, char **list, uint32_t n)
{
  uint32_t ptrs = ARG32(0), buf = ARG32(1);
  uint64_t size = 0;
  for (uint32_t i = 0; i < n; i++)
    size += strlen(list[i]) + 1;
  if (!wasi_mem_ok(&c->mem, ptrs, (uint64_t)n * 4) || !wasi_mem_ok(&c->mem, buf, size))
    return WASI_EFAULT;
  uint32_t at = buf;
  for (uint32_t i = 0; i < n; i++) {
    size_t len = strlen(list[i]) + 1;
    memcpy(c->mem.base + at, list[i], len);
    wasi_store32(&c->mem, ptrs + 4 * i, at);
    at += (uint32_t)len;
  }
  return 0;
}

static uint16_t args_sizes_get(WasiCall *c, const uint64_t *a)
{
  return strings_sizes(c, a, c->ctx->argv, c->ctx->argc);
}
static uint16_t args_get(WasiCall *c, const uint64_t *a)
{
  return strings_get(c, a, c->ctx->argv, c->ctx->argc);
}
static uint16_t environ_sizes_get(WasiCall *c, const uint64_t *a)
{
  return strings_sizes(c, a, c->ctx->env, c->ctx->num_env);
}
static uint16_t environ_get(WasiCall *c, const uint64_t *a)
{
  return strings_get(c, a, c->ctx->env, c->ctx->num_env);
}

/* --- clocks and randomness --- */

static bool host_clock(uint32_t id, clockid_t *out)
{
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return true;
  case 1: *out = CLOCK_MONOTONIC; return true;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return true;
  default: return false;
  }
}

static uint64_t ns_of(struct timespec t)
{
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint16_t clock_res_get(WasiCall *c, const uint64_t *a)
{
  clockid_t id;
  if (!host_clock(ARG32(0), &id))
    return WASI_EINVAL;
  if (!wasi_mem_ok(&c->mem, ARG32(1), 8))
    return WASI_EFAULT;
  struct timespec t;
  if (clock_getres(id, &t) != 0)
    return wasi_errno_from_host(errno);
  wasi_store64(&c->mem, ARG32(1), ns_of(t));
  return 0;
}

static uint16_t clock_time_get(WasiCall *c, const uint64_t *a)
{
  clockid_t id;
  if (!host_clock(ARG32(0), &id))
    return WASI_EINVAL;
  if (!wasi_mem_ok(&c->mem, ARG32(2), 8))
    return WASI_EFAULT;
  struct timespec t;
  if (clock_gettime(id, &t) != 0)
    return wasi_errno_from_host(errno);
  wasi_store64(&c->mem, ARG32(2), ns_of(t));
  return 0;
}

static uint16_t random_get(WasiCall *c, const uint64_t *a)
{
  uint32_t buf = ARG32(0), len = ARG32(1);
  if (!wasi_mem_ok(&c->mem, buf, len))
    return WASI_EFAULT;
  uint32_t done = 0;
  while (done < len) {
    ssize_t n = getrandom(c->mem.base + buf + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return wasi_errno_from_host(errno);
    }
    done += (uint32_t)n;
  }
  return 0;
}

/* --- waiting (every WASI call that can block) --- */

static int64_t monotonic_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Sleeping in slices rather than on an eventfd that wasm_runtime_terminate
 * would signal: the slices need nothing from the run-time objects but the
 * interrupt flag they already have (contract 6), and a plugin blocked in a
 * WASI call costs one wake-up every few milliseconds. */
int wasi_wait(WasiCall *c, struct pollfd *pfds, uint32_t n, int64_t timeout_ns)
{
  const int64_t slice = (int64_t)WASI_WAIT_SLICE_MS * 1000000;
  int64_t deadline = timeout_ns >= 0 ? monotonic_ns() + timeout_ns : -1;

  for (;;) {
    if (runtime_interrupt_requested(c->env)) {
      api_set_exception(c->inst, trap_message(runtime_interrupt_kind(c->env)));
      errno = ECANCELED;
      return -1;
    }
    int64_t wait = slice;
    bool last = false;
    if (deadline >= 0) {
      int64_t left = deadline - monotonic_ns();
      if (left <= slice) {
        wait = left > 0 ? left : 0;
        last = true;
      }
    }
    struct timespec ts = {.tv_sec = (time_t)(wait / 1000000000), .tv_nsec = (long)(wait % 1000000000)};
    int r = ppoll(pfds, n, &ts, NULL);
    if (r < 0 && errno == EINTR)
      continue;
    if (r != 0 || last)
      return r;
  }
}

int wasi_wait_ready(WasiCall *c, const WasiFd *f, bool write)
{
  if (f->filetype == WASI_FILETYPE_REGULAR_FILE || f->filetype == WASI_FILETYPE_DIRECTORY ||
      (f->fdflags & WASI_FDFLAG_NONBLOCK))
    return 0;
  struct pollfd p = {.fd = f->host, .events = write ? POLLOUT : POLLIN};
  /* Ready, hung up or in error: the read or write itself says which. */
  if (wasi_wait(c, &p, 1, -1) < 0 && errno == ECANCELED)
    return -1;
  return 0;
}

/* --- poll_oneoff --- */

#define SUB_SIZE 48
#define EVENT_SIZE 32

static void put_event(WasiMem *m, uint32_t out, uint32_t *nevents, uint64_t userdata,
                      uint16_t error, uint8_t type, uint64_t nbytes, uint16_t flags)
{
  uint32_t e = out + *nevents * EVENT_SIZE;
  memset(m->base + e, 0, EVENT_SIZE);
  wasi_store64(m, e, userdata);
  wasi_store16(m, e + 8, error);
  m->base[e + 10] = type;
  wasi_store64(m, e + 16, nbytes);
  wasi_store16(m, e + 24, flags);
  (*nevents)++;
}

static uint16_t poll_oneoff(WasiCall *c, const uint64_t *a)
{
  uint32_t in = ARG32(0), out = ARG32(1), n = ARG32(2), nevents_p = ARG32(3);
  if (n == 0)
    return WASI_EINVAL;
  if (!wasi_mem_ok(&c->mem, in, (uint64_t)n * SUB_SIZE) ||
      !wasi_mem_ok(&c->mem, out, (uint64_t)n * EVENT_SIZE) ||
      !wasi_mem_ok(&c->mem, nevents_p, 4))
    return WASI_EFAULT;
  WasiMem *m = &c->mem;

  struct pollfd *pfds = calloc(n, sizeof *pfds);
  uint32_t *pfd_sub = calloc(n, sizeof *pfd_sub);
  if (!pfds || !pfd_sub) {
    free(pfds);
    free(pfd_sub);
    return WASI_ENOMEM;
  }
  uint32_t npfds = 0, nevents = 0;
  int64_t timeout = -1; /* ns; -1: none */
  struct timespec now_mono;
  clock_gettime(CLOCK_MONOTONIC, &now_mono);

  for (uint32_t i = 0; i < n; i++) {
    uint32_t s = in + i * SUB_SIZE;
    uint64_t userdata;
    memcpy(&userdata, m->base + s, 8);
    uint8_t tag = m->base[s + 8];
    if (tag == 0) { /* clock */
      uint32_t id = wasi_load32(m, s + 16);
      uint64_t t, flags16;
      memcpy(&t, m->base + s + 24, 8);
      flags16 = (uint64_t)m->base[s + 40] | ((uint64_t)m->base[s + 41] << 8);
      clockid_t cid;
      if (!host_clock(id, &cid)) {
        put_event(m, out, &nevents, userdata, WASI_EINVAL, 0, 0, 0);
        continue;
      }
      int64_t rel = (int64_t)(t > INT64_MAX ? INT64_MAX : t);
      if (flags16 & 1) { /* abstime */
        struct timespec now;
        clock_gettime(cid, &now);
        uint64_t nn = ns_of(now);
        rel = t > nn ? (int64_t)(t - nn > INT64_MAX ? INT64_MAX : t - nn) : 0;
      }
      if (timeout < 0 || rel < timeout)
        timeout = rel;
    } else if (tag == 1 || tag == 2) { /* fd_read, fd_write */
      uint16_t err;
      WasiFd *f = wasi_fd_get(c->ctx, wasi_load32(m, s + 16), R_POLL_FD_READWRITE, &err);
      if (!f) {
        put_event(m, out, &nevents, userdata, err, tag, 0, 0);
        continue;
      }
      pfds[npfds].fd = f->host;
      pfds[npfds].events = tag == 1 ? POLLIN : POLLOUT;
      pfd_sub[npfds] = i;
      npfds++;
    } else {
      put_event(m, out, &nevents, userdata, WASI_EINVAL, tag, 0, 0);
    }
  }

  if (nevents == 0) {
    int r = wasi_wait(c, pfds, npfds, timeout);
    if (r < 0) {
      int e = errno;
      free(pfds);
      free(pfd_sub);
      /* Interrupted: the exception is set and the guest traps. */
      return e == ECANCELED ? 0 : wasi_errno_from_host(e);
    }
    for (uint32_t k = 0; r > 0 && k < npfds; k++) {
      if (!pfds[k].revents)
        continue;
      uint32_t s = in + pfd_sub[k] * SUB_SIZE;
      uint64_t userdata;
      memcpy(&userdata, m->base + s, 8);
      uint8_t tag = m->base[s + 8];
      uint64_t nbytes = 0;
      uint16_t err = 0, flags = 0;
      if (pfds[k].revents & POLLNVAL)
        err = WASI_EBADF;
      if (pfds[k].revents & POLLHUP)
        flags = 1; /* fd_readwrite_hangup */
      if (tag == 1 && !err) {
        struct stat st;
        int avail = 0;
        if (fstat(pfds[k].fd, &st) == 0 && S_ISREG(st.st_mode)) {
          off_t pos = lseek(pfds[k].fd, 0, SEEK_CUR);
          nbytes = pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
        } else if (ioctl(pfds[k].fd, FIONREAD, &avail) == 0 && avail > 0) {
          nbytes = (uint64_t)avail;
        }
      }
      put_event(m, out, &nevents, userdata, err, tag, nbytes, flags);
    }
    if (nevents == 0 && timeout >= 0) {
      /* The clocks that were due: every one with the shortest timeout. */
      for (uint32_t i = 0; i < n; i++) {
        uint32_t s = in + i * SUB_SIZE;
        if (m->base[s + 8] != 0)
          continue;
        uint64_t userdata, t;
        memcpy(&userdata, m->base + s, 8);
        memcpy(&t, m->base + s + 24, 8);
        bool abstime = m->base[s + 40] & 1;
        if (abstime || (int64_t)(t > INT64_MAX ? INT64_MAX : t) <= timeout)
          put_event(m, out, &nevents, userdata, 0, 0, 0, 0);
      }
    }
  }
  free(pfds);
  free(pfd_sub);
  wasi_store32(m, nevents_p, nevents);
  return 0;
}

/* --- process --- */

/* Unwinds the guest: the exception becomes a trap of the calling Wasm
 * (runtime_call_host), which whoever runs the program recognises by its
 * message (the documented "wasi proc exit"). */
static uint16_t proc_exit(WasiCall *c, const uint64_t *a)
{
  if (c->ctx)
    c->ctx->exit_code = ARG32(0);
  api_set_exception(c->inst, WASI_PROC_EXIT_MESSAGE);
  return 0;
}

static uint16_t proc_raise(WasiCall *c, const uint64_t *a) { return WASI_ENOSYS; }

static uint16_t sched_yield_(WasiCall *c, const uint64_t *a)
{
  sched_yield();
  return 0;
}

/* --- sockets: none is ever granted, so a valid descriptor is not one --- */

static uint16_t not_a_socket(WasiCall *c, uint32_t fd)
{
  uint16_t err;
  if (!wasi_fd_get(c->ctx, fd, 0, &err))
    return err;
  return WASI_ENOTSOCK;
}

static uint16_t sock_accept(WasiCall *c, const uint64_t *a) { return not_a_socket(c, ARG32(0)); }
static uint16_t sock_recv(WasiCall *c, const uint64_t *a) { return not_a_socket(c, ARG32(0)); }
static uint16_t sock_send(WasiCall *c, const uint64_t *a) { return not_a_socket(c, ARG32(0)); }
static uint16_t sock_shutdown(WasiCall *c, const uint64_t *a) { return not_a_socket(c, ARG32(0)); }

static const WasiEntry other_entries[] = {
  {"args_get", "(ii)i", args_get},
  {"args_sizes_get", "(ii)i", args_sizes_get},
  {"environ_get", "(ii)i", environ_get},
  {"environ_sizes_get", "(ii)i", environ_sizes_get},
  {"clock_res_get", "(ii)i", clock_res_get},
  {"clock_time_get", "(iIi)i", clock_time_get},
  {"random_get", "(ii)i", random_get},
  {"poll_oneoff", "(iiii)i", poll_oneoff},
  {"proc_exit", "(i)", proc_exit},
  {"proc_raise", "(i)i", proc_raise},
  {"sched_yield", "()i", sched_yield_},
  {"sock_accept", "(iii)i", sock_accept},
  {"sock_recv", "(iiiiii)i", sock_recv},
  {"sock_send", "(iiiii)i", sock_send},
  {"sock_shutdown", "(ii)i", sock_shutdown},
};

/* --- the trampoline and the registration --- */

static void wasi_trampoline(ExecEnv *env, uint64_t *args)
{
  WasiImpl impl = (WasiImpl)env->current_host->attachment;
  WasiCall c;
  c.env = env;
  c.inst = env->current ? env->current : env->instance;
  c.ctx = wasi_ctx_of(c.inst);
  Memory *m = api_default_memory(c.inst);
  c.mem.base = m ? m->base : NULL;
  c.mem.size = m ? m->size : 0;
  uint16_t err;
  if (impl == proc_exit) {
    err = proc_exit(&c, args);
  } else if (!c.ctx) {
    /* An instance without a context (a start function, or after
     * deinstantiation) has no capabilities at all. */
    err = WASI_ENOTCAPABLE;
  } else {
    pthread_mutex_lock(&c.ctx->lock);
    err = impl(&c, args);
    pthread_mutex_unlock(&c.ctx->lock);
  }
  args[0] = err;
}

#define NUM_OTHER (sizeof other_entries / sizeof other_entries[0])

static NativeSymbol *symbols;
static uint32_t num_symbols;

bool wasi_register(void)
{
  if (!symbols) {
    uint32_t n = wasi_fd_num_entries + wasi_path_num_entries + (uint32_t)NUM_OTHER;
    NativeSymbol *s = calloc(n, sizeof *s);
    if (!s)
      return false;
    const WasiEntry *tables[3] = {wasi_fd_entries, wasi_path_entries, other_entries};
    uint32_t counts[3] = {wasi_fd_num_entries, wasi_path_num_entries, (uint32_t)NUM_OTHER};
    uint32_t k = 0;
    for (int t = 0; t < 3; t++)
      for (uint32_t i = 0; i < counts[t]; i++, k++) {
        s[k].symbol = tables[t][i].name;
        s[k].func_ptr = (void *)wasi_trampoline;
        s[k].signature = tables[t][i].signature;
        s[k].attachment = (void *)tables[t][i].impl;
      }
    symbols = s; /* kept for the process: the registry points into it */
    num_symbols = n;
  }
  char err[160];
  return native_register("wasi_snapshot_preview1", symbols, num_symbols, true, err, sizeof err);
}
