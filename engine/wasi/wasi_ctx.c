/*
 * wasi_ctx.c -- the grants (WasiArgs), the per-instance context with its
 * descriptor table, and the WASI calls of the embedding API.
 *
 * The context hangs off the instance through a small registry here rather
 * than a field of Instance, so that the run-time objects need not know
 * about WASI (a build could leave this folder out).
 */
#define _GNU_SOURCE
#include "wasi_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../api/api.h"
#include "../common/error.h"

#define WASI_MODULE_NAME "wasi_snapshot_preview1"

/* --- grants --- */

static char *dup_or_null(const char *s, bool *ok)
{
  if (!s)
    return NULL;
  char *d = strdup(s);
  if (!d)
    *ok = false;
  return d;
}

static WasiArgs *args_alloc(uint32_t ndirs, uint32_t nenv, uint32_t argc)
{
  WasiArgs *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->dirs = calloc(ndirs + 1, sizeof *a->dirs);
  a->env = calloc(nenv + 1, sizeof *a->env);
  a->argv = calloc(argc + 1, sizeof *a->argv);
  a->stdio[0] = a->stdio[1] = a->stdio[2] = -1;
  if (!a->dirs || !a->env || !a->argv) {
    wasi_args_free(a);
    return NULL;
  }
  return a;
}

void wasi_args_free(WasiArgs *a)
{
  if (!a)
    return;
  for (uint32_t i = 0; i < a->num_dirs; i++) {
    free(a->dirs[i].guest);
    free(a->dirs[i].host);
  }
  for (uint32_t i = 0; i < a->num_env; i++)
    free(a->env[i]);
  for (uint32_t i = 0; i < a->argc; i++)
    free(a->argv[i]);
  free(a->dirs);
  free(a->env);
  free(a->argv);
  free(a);
}

/* "GUEST::HOST" (a map_dir_list entry) or a plain directory. */
static bool add_dir(WasiArgs *a, const char *spec, bool mapped, bool read_only)
{
  WasiDir *d = &a->dirs[a->num_dirs];
  const char *sep = mapped ? strstr(spec, "::") : NULL;
  if (mapped && !sep)
    return false;
  if (sep) {
    d->guest = strndup(spec, (size_t)(sep - spec));
    d->host = strdup(sep + 2);
  } else {
    d->guest = strdup(spec);
    d->host = strdup(spec);
  }
  d->read_only = read_only;
  a->num_dirs++;
  return d->guest && d->host && d->guest[0] && d->host[0];
}

WasiArgs *wasi_args_new(const char *dir_list[], uint32_t dir_count, const char *map_dir_list[],
                        uint32_t map_dir_count, const char *env[], uint32_t env_count,
                        char *argv[], int argc, int64_t stdinfd, int64_t stdoutfd,
                        int64_t stderrfd)
{
  if (argc < 0 || (dir_count && !dir_list) || (map_dir_count && !map_dir_list) ||
      (env_count && !env) || (argc && !argv))
    return NULL;
  WasiArgs *a = args_alloc(dir_count + map_dir_count, env_count, (uint32_t)argc);
  if (!a)
    return NULL;
  bool ok = true;
  for (uint32_t i = 0; ok && i < dir_count; i++)
    ok = dir_list[i] && add_dir(a, dir_list[i], false, false);
  for (uint32_t i = 0; ok && i < map_dir_count; i++)
    ok = map_dir_list[i] && add_dir(a, map_dir_list[i], true, false);
  for (uint32_t i = 0; ok && i < env_count; i++, a->num_env++)
    ok = env[i] && (a->env[i] = dup_or_null(env[i], &ok));
  for (int i = 0; ok && i < argc; i++, a->argc++)
    ok = argv[i] && (a->argv[i] = dup_or_null(argv[i], &ok));
  a->stdio[0] = stdinfd;
  a->stdio[1] = stdoutfd;
  a->stdio[2] = stderrfd;
  if (!ok) {
    wasi_args_free(a);
    return NULL;
  }
  return a;
}

WasiArgs *wasi_args_from_api(const WASIArguments *in)
{
  if (!in || (in->dir_count && !in->dirs) || (in->env_count && !in->env) ||
      (in->argc && !in->argv))
    return NULL;
  WasiArgs *a = args_alloc(in->dir_count, in->env_count, in->argc);
  if (!a)
    return NULL;
  bool ok = true;
  for (uint32_t i = 0; ok && i < in->dir_count; i++) {
    const WASIDirectory *g = &in->dirs[i];
    if (!g->host_path) {
      ok = false;
      break;
    }
    WasiDir *d = &a->dirs[a->num_dirs++];
    d->host = strdup(g->host_path);
    d->guest = strdup(g->guest_path ? g->guest_path : g->host_path);
    d->read_only = g->read_only;
    ok = d->host && d->guest && d->host[0] && d->guest[0];
  }
  for (uint32_t i = 0; ok && i < in->env_count; i++, a->num_env++)
    ok = in->env[i] && (a->env[i] = dup_or_null(in->env[i], &ok));
  for (uint32_t i = 0; ok && i < in->argc; i++, a->argc++)
    ok = in->argv[i] && (a->argv[i] = dup_or_null(in->argv[i], &ok));
  a->stdio[0] = in->stdin_fd;
  a->stdio[1] = in->stdout_fd;
  a->stdio[2] = in->stderr_fd;
  if (!ok) {
    wasi_args_free(a);
    return NULL;
  }
  return a;
}

/* --- errno --- */

uint16_t wasi_errno_from_host(int e)
{
  switch (e) {
  case 0: return WASI_ESUCCESS;
  case E2BIG: return WASI_E2BIG;
  case EACCES: return WASI_EACCES;
  case EAGAIN: return WASI_EAGAIN;
  case EBADF: return WASI_EBADF;
  case EBUSY: return WASI_EBUSY;
  case EDQUOT: return WASI_EDQUOT;
  case EEXIST: return WASI_EEXIST;
  case EFAULT: return WASI_EFAULT;
  case EFBIG: return WASI_EFBIG;
  case EINTR: return WASI_EINTR;
  case EINVAL: return WASI_EINVAL;
  case EIO: return WASI_EIO;
  case EISDIR: return WASI_EISDIR;
  case ELOOP: return WASI_ELOOP;
  case EMFILE: return WASI_EMFILE;
  case EMLINK: return WASI_EMLINK;
  case ENAMETOOLONG: return WASI_ENAMETOOLONG;
  case ENFILE: return WASI_ENFILE;
  case ENODEV: return WASI_ENODEV;
  case ENOENT: return WASI_ENOENT;
  case ENOMEM: return WASI_ENOMEM;
  case ENOSPC: return WASI_ENOSPC;
  case ENOSYS: return WASI_ENOSYS;
  case ENOTDIR: return WASI_ENOTDIR;
  case ENOTEMPTY: return WASI_ENOTEMPTY;
  case ENOTSUP: return WASI_ENOTSUP;
  case ENOTTY: return WASI_ENOTTY;
  case ENXIO: return WASI_ENXIO;
  case EOVERFLOW: return WASI_EOVERFLOW;
  case EPERM: return WASI_EPERM;
  case EPIPE: return WASI_EPIPE;
  case ERANGE: return WASI_ERANGE;
  case EROFS: return WASI_EROFS;
  case ESPIPE: return WASI_ESPIPE;
  case ETXTBSY: return WASI_ETXTBSY;
  case EXDEV: return WASI_EXDEV;
  case ENOTSOCK: return WASI_ENOTSOCK;
  case ETIMEDOUT: return WASI_ETIMEDOUT;
  default: return WASI_EIO;
  }
}

/* --- descriptors --- */

uint8_t wasi_filetype_from_mode(unsigned mode)
{
  switch (mode & S_IFMT) {
  case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
  case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
  case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
  default: return WASI_FILETYPE_UNKNOWN;
  }
}

WasiFd *wasi_fd_get(WasiCtx *ctx, uint32_t fd, uint64_t rights, uint16_t *err)
{
  if (fd >= ctx->num_fds || ctx->fds[fd].host < 0) {
    *err = WASI_EBADF;
    return NULL;
  }
  WasiFd *f = &ctx->fds[fd];
  if ((f->rights_base & rights) != rights) {
    *err = WASI_ENOTCAPABLE;
    return NULL;
  }
  *err = 0;
  return f;
}

/* The guest's descriptors are indices in a table that grows as needed, up
 * to a bound (EMFILE past it). */
#define WASI_MAX_FDS 4096u

int64_t wasi_fd_insert(WasiCtx *ctx, int host, uint8_t filetype, uint64_t base,
                       uint64_t inheriting, uint16_t fdflags)
{
  uint32_t slot = 0;
  while (slot < ctx->num_fds && ctx->fds[slot].host >= 0)
    slot++;
  if (slot == ctx->num_fds) {
    if (ctx->num_fds >= WASI_MAX_FDS)
      return -1;
    uint32_t n = ctx->num_fds ? ctx->num_fds * 2 : 8;
    if (n > WASI_MAX_FDS)
      n = WASI_MAX_FDS;
    WasiFd *fds = realloc(ctx->fds, n * sizeof *fds);
    if (!fds)
      return -1;
    for (uint32_t i = ctx->num_fds; i < n; i++) {
      memset(&fds[i], 0, sizeof fds[i]);
      fds[i].host = -1;
    }
    ctx->fds = fds;
    ctx->num_fds = n;
  }
  WasiFd *f = &ctx->fds[slot];
  f->host = host;
  f->filetype = filetype;
  f->rights_base = base;
  f->rights_inheriting = inheriting;
  f->fdflags = fdflags;
  f->preopen = NULL;
  f->owned = true;
  f->read_only = false;
  return slot;
}

void wasi_fd_release(WasiFd *f)
{
  if (f->host >= 0 && f->owned)
    close(f->host);
  free(f->preopen);
  memset(f, 0, sizeof *f);
  f->host = -1;
}

/* What a directory descriptor may do itself, and what it passes on. */
#define R_DIR_BASE                                                                             \
  (R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | R_FD_ADVISE | R_PATH_CREATE_DIRECTORY |                 \
   R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET | R_PATH_OPEN | R_FD_READDIR | \
   R_PATH_READLINK | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET | R_PATH_FILESTAT_GET |       \
   R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES | R_FD_FILESTAT_GET |                  \
   R_FD_FILESTAT_SET_TIMES | R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE |    \
   R_POLL_FD_READWRITE)
#define R_STDIO                                                                            \
  (R_FD_READ | R_FD_WRITE | R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | R_FD_DATASYNC | R_FD_SEEK | \
   R_FD_TELL | R_FD_ADVISE | R_FD_FILESTAT_GET | R_POLL_FD_READWRITE)

static void ctx_free(WasiCtx *ctx)
{
  if (!ctx)
    return;
  for (uint32_t i = 0; i < ctx->num_fds; i++)
    wasi_fd_release(&ctx->fds[i]);
  free(ctx->fds);
  for (uint32_t i = 0; i < ctx->argc; i++)
    free(ctx->argv[i]);
  free(ctx->argv);
  for (uint32_t i = 0; i < ctx->num_env; i++)
    free(ctx->env[i]);
  free(ctx->env);
  pthread_mutex_destroy(&ctx->lock);
  free(ctx);
}

static bool copy_strings(char **src, uint32_t n, char ***dst)
{
  *dst = calloc(n + 1, sizeof **dst);
  if (!*dst)
    return false;
  for (uint32_t i = 0; i < n; i++)
    if (!((*dst)[i] = strdup(src[i])))
      return false;
  return true;
}

static bool add_stdio(WasiCtx *ctx, int guest, int64_t given)
{
  int host = guest;
  bool owned = false;
  if (given >= 0) {
    host = fcntl((int)given, F_DUPFD_CLOEXEC, 3);
    if (host < 0)
      return false;
    owned = true;
  }
  struct stat st;
  uint8_t type = WASI_FILETYPE_UNKNOWN;
  uint64_t rights = R_STDIO;
  if (fstat(host, &st) == 0)
    type = wasi_filetype_from_mode(st.st_mode);
  if (isatty(host)) /* wasi-libc's isatty: a character device that cannot seek */
    rights &= ~(R_FD_SEEK | R_FD_TELL);
  int64_t slot = wasi_fd_insert(ctx, host, type, rights, 0, 0);
  if (slot != guest) {
    if (owned)
      close(host);
    return false;
  }
  ctx->fds[slot].owned = owned;
  return true;
}

static WasiCtx *ctx_new(const WasiArgs *args, char *err, uint32_t err_size)
{
  WasiCtx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) {
    error_set(err, err_size, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&ctx->lock, NULL);
  WasiArgs none;
  memset(&none, 0, sizeof none);
  none.stdio[0] = none.stdio[1] = none.stdio[2] = -1;
  if (!args)
    args = &none;
  if (!copy_strings(args->argv, args->argc, &ctx->argv) ||
      !copy_strings(args->env, args->num_env, &ctx->env)) {
    ctx->argc = args->argc;
    ctx->num_env = args->num_env;
    ctx_free(ctx);
    error_set(err, err_size, "out of memory");
    return NULL;
  }
  ctx->argc = args->argc;
  ctx->num_env = args->num_env;
  for (int i = 0; i < 3; i++)
    if (!add_stdio(ctx, i, args->stdio[i])) {
      error_set(err, err_size, "WASI: cannot set up descriptor %d: %s", i, strerror(errno));
      ctx_free(ctx);
      return NULL;
    }
  for (uint32_t i = 0; i < args->num_dirs; i++) {
    const WasiDir *d = &args->dirs[i];
    int fd = open(d->host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      error_set(err, err_size, "WASI: cannot pre-open directory %s: %s", d->host,
                strerror(errno));
      ctx_free(ctx);
      return NULL;
    }
    /* A read-only grant keeps the writing rights in `inheriting`, so that
     * wasi-libc asks for them when a program opens for writing and
     * path_open can refuse that open (ENOTCAPABLE) instead of handing out
     * a descriptor whose writes fail later. */
    uint64_t base = R_DIR_BASE, inheriting = R_ALL;
    if (d->read_only)
      base &= ~R_WRITING;
    int64_t slot = wasi_fd_insert(ctx, fd, WASI_FILETYPE_DIRECTORY, base, inheriting, 0);
    char *name = strdup(d->guest);
    if (slot < 0 || !name) {
      free(name);
      if (slot < 0)
        close(fd);
      error_set(err, err_size, "out of memory");
      ctx_free(ctx);
      return NULL;
    }
    ctx->fds[slot].preopen = name;
    ctx->fds[slot].read_only = d->read_only;
  }
  return ctx;
}

/* --- instances --- */

typedef struct Attached {
  const Instance *inst;
  WasiCtx *ctx;
} Attached;

static pthread_mutex_t attached_lock = PTHREAD_MUTEX_INITIALIZER;
static Attached *attached;
static uint32_t num_attached, cap_attached;

WasiCtx *wasi_ctx_of(const Instance *inst)
{
  WasiCtx *ctx = NULL;
  pthread_mutex_lock(&attached_lock);
  for (uint32_t i = num_attached; i-- > 0;)
    if (attached[i].inst == inst) {
      ctx = attached[i].ctx;
      break;
    }
  pthread_mutex_unlock(&attached_lock);
  return ctx;
}

bool wasi_module_imports_wasi(const Module *m)
{
  for (uint32_t i = 0; i < m->num_imports; i++)
    if (strcmp(m->imports[i].module_name, WASI_MODULE_NAME) == 0)
      return true;
  return false;
}

bool wasi_instance_attach(Instance *inst, const WasiArgs *args, char *err, uint32_t err_size)
{
  if (!wasi_module_imports_wasi(inst->module))
    return true;
  WasiCtx *ctx = ctx_new(args, err, err_size);
  if (!ctx)
    return false;
  pthread_mutex_lock(&attached_lock);
  if (num_attached == cap_attached) {
    uint32_t cap = cap_attached ? 2 * cap_attached : 8;
    Attached *a = realloc(attached, cap * sizeof *a);
    if (!a) {
      pthread_mutex_unlock(&attached_lock);
      ctx_free(ctx);
      return error_set(err, err_size, "out of memory");
    }
    attached = a;
    cap_attached = cap;
  }
  attached[num_attached].inst = inst;
  attached[num_attached].ctx = ctx;
  num_attached++;
  pthread_mutex_unlock(&attached_lock);
  return true;
}

void wasi_instance_detach(Instance *inst)
{
  WasiCtx *ctx = NULL;
  pthread_mutex_lock(&attached_lock);
  /* Newest first, as wasi_ctx_of: an instance of a registered module is
   * freed by its importer without deinstantiation, so its entry stays (a
   * known limitation) and a new instance may reuse its address. */
  for (uint32_t i = num_attached; i-- > 0;)
    if (attached[i].inst == inst) {
      ctx = attached[i].ctx;
      memmove(&attached[i], &attached[i + 1], (num_attached - i - 1) * sizeof *attached);
      num_attached--;
      break;
    }
  if (num_attached == 0) {
    free(attached);
    attached = NULL;
    cap_attached = 0;
  }
  pthread_mutex_unlock(&attached_lock);
  ctx_free(ctx);
}

bool wasi_instance_has_context(const Instance *inst) { return wasi_ctx_of(inst) != NULL; }

uint32_t wasi_instance_exit_code(const Instance *inst)
{
  WasiCtx *ctx = wasi_ctx_of(inst);
  return ctx ? ctx->exit_code : 0;
}

/* --- the embedding API --- */

static void module_set_wasi(wasm_module_t module, WasiArgs *args)
{
  ModuleRef *ref = API_MODULE(module);
  if (!ref) {
    wasi_args_free(args);
    return;
  }
  wasi_args_free(ref->wasi_args);
  ref->wasi_args = args;
}

void wasm_runtime_set_wasi_args_ex(wasm_module_t module, const char *dir_list[],
                                   uint32_t dir_count, const char *map_dir_list[],
                                   uint32_t map_dir_count, const char *env[], uint32_t env_count,
                                   char *argv[], int argc, int64_t stdinfd, int64_t stdoutfd,
                                   int64_t stderrfd)
{
  module_set_wasi(module, wasi_args_new(dir_list, dir_count, map_dir_list, map_dir_count, env,
                                        env_count, argv, argc, stdinfd, stdoutfd, stderrfd));
}

void wasm_runtime_set_wasi_args(wasm_module_t module, const char *dir_list[], uint32_t dir_count,
                                const char *map_dir_list[], uint32_t map_dir_count,
                                const char *env[], uint32_t env_count, char *argv[], int argc)
{
  wasm_runtime_set_wasi_args_ex(module, dir_list, dir_count, map_dir_list, map_dir_count, env,
                                env_count, argv, argc, -1, -1, -1);
}

bool wasm_runtime_set_wasi_arguments(wasm_module_t module, const WASIArguments *args)
{
  if (!module)
    return false;
  WasiArgs *a = NULL;
  if (args && !(a = wasi_args_from_api(args)))
    return false;
  module_set_wasi(module, a);
  return true;
}

bool wasm_runtime_is_wasi_mode(wasm_module_inst_t module_inst)
{
  return module_inst && wasi_instance_has_context(API_INST(module_inst));
}

wasm_function_inst_t wasm_runtime_lookup_wasi_start_function(wasm_module_inst_t module_inst)
{
  if (!module_inst)
    return NULL;
  Instance *inst = API_INST(module_inst);
  int32_t idx = module_find_export(inst->module, "_start", EXTERN_FUNC);
  if (idx < 0)
    return NULL;
  FuncInst *f = inst->funcs[inst->module->exports[idx].index];
  if (f->type->num_params || f->type->num_results)
    return NULL;
  return (wasm_function_inst_t)f;
}

uint32_t wasm_runtime_get_wasi_exit_code(wasm_module_inst_t module_inst)
{
  return module_inst ? wasi_instance_exit_code(API_INST(module_inst)) : 0;
}
