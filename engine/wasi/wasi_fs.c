/*
 * wasi_fs.c -- the path_* functions: opening, creating, linking, renaming
 * and removing below a directory descriptor.
 *
 * Each path goes through wasi_path_resolve (the sandbox) and the operation
 * is then one *at call on (directory, last name) that does not follow a
 * symbolic link in the last name.  A read-only grant refuses every change
 * with ENOTCAPABLE, as preview 1's rights say.
 */
#define _GNU_SOURCE
#include "wasi_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HOST_ERR() wasi_errno_from_host(errno)

/* The directory descriptor (with `rights`) and the resolved guest path. */
static uint16_t resolve(WasiCall *c, uint32_t fd, uint64_t rights, uint32_t path, uint32_t len,
                        bool follow, WasiPath *out, WasiFd **dir)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, fd, rights, &err);
  if (!f)
    return err;
  if (f->filetype != WASI_FILETYPE_DIRECTORY)
    return WASI_ENOTDIR;
  if (!wasi_mem_ok(&c->mem, path, len))
    return WASI_EFAULT;
  if (dir)
    *dir = f;
  return wasi_path_resolve(f->host, (const char *)c->mem.base + path, len, follow, out);
}

static uint16_t path_create_directory(WasiCall *c, const uint64_t *a)
{
  WasiPath p;
  uint16_t err = resolve(c, ARG32(0), R_PATH_CREATE_DIRECTORY, ARG32(1), ARG32(2), false, &p, NULL);
  if (err)
    return err;
  if (mkdirat(p.dirfd, p.name, 0777) != 0)
    err = HOST_ERR();
  wasi_path_done(&p);
  return err;
}

static uint16_t path_filestat_get(WasiCall *c, const uint64_t *a)
{
  WasiPath p;
  uint32_t buf = ARG32(4);
  if (!wasi_mem_ok(&c->mem, buf, 64))
    return WASI_EFAULT;
  uint16_t err = resolve(c, ARG32(0), R_PATH_FILESTAT_GET, ARG32(2), ARG32(3),
                         ARG32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &p, NULL);
  if (err)
    return err;
  struct stat st;
  if (fstatat(p.dirfd, p.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    err = HOST_ERR();
  else if (p.trailing_slash && !S_ISDIR(st.st_mode))
    err = WASI_ENOTDIR;
  else
    wasi_store_filestat(&c->mem, buf, &st);
  wasi_path_done(&p);
  return err;
}

static uint16_t path_filestat_set_times(WasiCall *c, const uint64_t *a)
{
  struct timespec ts[2];
  uint16_t err = wasi_times(ARG64(4), ARG64(5), ARG32(6), ts);
  if (err)
    return err;
  WasiPath p;
  err = resolve(c, ARG32(0), R_PATH_FILESTAT_SET_TIMES, ARG32(2), ARG32(3),
                ARG32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &p, NULL);
  if (err)
    return err;
  if (utimensat(p.dirfd, p.name, ts, AT_SYMLINK_NOFOLLOW) != 0)
    err = HOST_ERR();
  wasi_path_done(&p);
  return err;
}

static uint16_t path_link(WasiCall *c, const uint64_t *a)
{
  WasiPath from, to;
  uint16_t err = resolve(c, ARG32(0), R_PATH_LINK_SOURCE, ARG32(2), ARG32(3),
                         ARG32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &from, NULL);
  if (err)
    return err;
  err = resolve(c, ARG32(4), R_PATH_LINK_TARGET, ARG32(5), ARG32(6), false, &to, NULL);
  if (!err) {
    if (linkat(from.dirfd, from.name, to.dirfd, to.name, 0) != 0)
      err = HOST_ERR();
    wasi_path_done(&to);
  }
  wasi_path_done(&from);
  return err;
}

static uint16_t path_open(WasiCall *c, const uint64_t *a)
{
  uint32_t dirflags = ARG32(1), oflags = ARG32(4), fdflags = ARG32(7), result = ARG32(8);
  uint64_t base = ARG64(5), inheriting = ARG64(6);
  if (!wasi_mem_ok(&c->mem, result, 4))
    return WASI_EFAULT;
  if ((oflags & ~0xFu) || (fdflags & ~0x1Fu))
    return WASI_EINVAL;

  uint64_t need = R_PATH_OPEN;
  if (oflags & WASI_O_CREAT)
    need |= R_PATH_CREATE_FILE;
  if (oflags & WASI_O_TRUNC)
    need |= R_PATH_FILESTAT_SET_SIZE;
  WasiFd *dir;
  WasiPath p;
  uint16_t err = resolve(c, ARG32(0), need, ARG32(2), ARG32(3),
                         dirflags & WASI_LOOKUP_SYMLINK_FOLLOW, &p, &dir);
  if (err)
    return err;

  /* What the new descriptor may do: what was asked, within what the
   * directory hands down; below a read-only grant, asking to write is
   * refused outright. */
  const uint64_t writing = R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE;
  if (dir->read_only && ((base & writing) || (fdflags & WASI_FDFLAG_APPEND))) {
    wasi_path_done(&p);
    return WASI_ENOTCAPABLE;
  }
  base &= dir->rights_inheriting;
  inheriting &= dir->rights_inheriting;
  if (dir->read_only)
    base &= ~R_WRITING;

  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  bool want_read = base & (R_FD_READ | R_FD_READDIR);
  bool want_write = base & writing;
  if (oflags & WASI_O_DIRECTORY)
    flags |= O_RDONLY | O_DIRECTORY;
  else if (want_write)
    flags |= want_read ? O_RDWR : O_WRONLY;
  else
    flags |= O_RDONLY;
  if (p.trailing_slash)
    flags |= O_DIRECTORY;
  if (oflags & WASI_O_CREAT)
    flags |= O_CREAT;
  if (oflags & WASI_O_EXCL)
    flags |= O_EXCL;
  if (oflags & WASI_O_TRUNC)
    flags |= O_TRUNC;
  if (fdflags & WASI_FDFLAG_APPEND)
    flags |= O_APPEND;
  if (fdflags & WASI_FDFLAG_NONBLOCK)
    flags |= O_NONBLOCK;
  if (fdflags & WASI_FDFLAG_SYNC)
    flags |= O_SYNC;
  else if (fdflags & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC))
    flags |= O_DSYNC;

  int fd = openat(p.dirfd, p.name, flags, 0666);
  if (fd < 0)
    err = HOST_ERR(); /* a directory opened for writing: EISDIR, as on the host */
  wasi_path_done(&p);
  if (fd < 0)
    return err;

  struct stat st;
  uint8_t type = WASI_FILETYPE_UNKNOWN;
  if (fstat(fd, &st) == 0)
    type = wasi_filetype_from_mode(st.st_mode);
  int64_t slot = wasi_fd_insert(c->ctx, fd, type, base, inheriting, (uint16_t)fdflags);
  if (slot < 0) {
    close(fd);
    return WASI_EMFILE;
  }
  c->ctx->fds[slot].read_only = dir->read_only;
  wasi_store32(&c->mem, result, (uint32_t)slot);
  return 0;
}

static uint16_t path_readlink(WasiCall *c, const uint64_t *a)
{
  uint32_t buf = ARG32(3), len = ARG32(4), used = ARG32(5);
  if (!wasi_mem_ok(&c->mem, buf, len) || !wasi_mem_ok(&c->mem, used, 4))
    return WASI_EFAULT;
  WasiPath p;
  uint16_t err = resolve(c, ARG32(0), R_PATH_READLINK, ARG32(1), ARG32(2), false, &p, NULL);
  if (err)
    return err;
  char target[PATH_MAX];
  ssize_t n = readlinkat(p.dirfd, p.name, target, sizeof target);
  if (n < 0) {
    err = HOST_ERR();
  } else {
    uint32_t k = (uint64_t)n < len ? (uint32_t)n : len;
    memcpy(c->mem.base + buf, target, k);
    wasi_store32(&c->mem, used, k);
  }
  wasi_path_done(&p);
  return err;
}

static uint16_t path_remove_directory(WasiCall *c, const uint64_t *a)
{
  WasiPath p;
  uint16_t err = resolve(c, ARG32(0), R_PATH_REMOVE_DIRECTORY, ARG32(1), ARG32(2), false, &p, NULL);
  if (err)
    return err;
  if (strcmp(p.name, ".") == 0)
    err = WASI_EINVAL;
  else if (unlinkat(p.dirfd, p.name, AT_REMOVEDIR) != 0)
    err = errno == EEXIST ? WASI_ENOTEMPTY : HOST_ERR();
  wasi_path_done(&p);
  return err;
}

static uint16_t path_rename(WasiCall *c, const uint64_t *a)
{
  WasiPath from, to;
  uint16_t err = resolve(c, ARG32(0), R_PATH_RENAME_SOURCE, ARG32(1), ARG32(2), false, &from, NULL);
  if (err)
    return err;
  err = resolve(c, ARG32(3), R_PATH_RENAME_TARGET, ARG32(4), ARG32(5), false, &to, NULL);
  if (!err) {
    if (renameat(from.dirfd, from.name, to.dirfd, to.name) != 0)
      err = HOST_ERR();
    wasi_path_done(&to);
  }
  wasi_path_done(&from);
  return err;
}

static uint16_t path_symlink(WasiCall *c, const uint64_t *a)
{
  uint32_t old = ARG32(0), old_len = ARG32(1);
  if (!wasi_mem_ok(&c->mem, old, old_len))
    return WASI_EFAULT;
  const char *target = (const char *)c->mem.base + old;
  if (old_len == 0)
    return WASI_ENOENT;
  if (memchr(target, '\0', old_len))
    return WASI_EILSEQ;
  /* A link the sandbox would refuse to follow is refused now: an absolute
   * target could mislead the host's own programs. */
  if (target[0] == '/')
    return WASI_ENOTCAPABLE;
  if (old_len >= PATH_MAX)
    return WASI_ENAMETOOLONG;
  WasiPath p;
  uint16_t err = resolve(c, ARG32(2), R_PATH_SYMLINK, ARG32(3), ARG32(4), false, &p, NULL);
  if (err)
    return err;
  char *t = strndup(target, old_len);
  if (!t)
    err = WASI_ENOMEM;
  else if (symlinkat(t, p.dirfd, p.name) != 0)
    err = HOST_ERR();
  free(t);
  wasi_path_done(&p);
  return err;
}

static uint16_t path_unlink_file(WasiCall *c, const uint64_t *a)
{
  WasiPath p;
  uint16_t err = resolve(c, ARG32(0), R_PATH_UNLINK_FILE, ARG32(1), ARG32(2), false, &p, NULL);
  if (err)
    return err;
  if (p.trailing_slash)
    err = WASI_ENOTDIR;
  else if (unlinkat(p.dirfd, p.name, 0) != 0)
    err = HOST_ERR();
  wasi_path_done(&p);
  return err;
}

const WasiEntry wasi_path_entries[] = {
  {"path_create_directory", "(iii)i", path_create_directory},
  {"path_filestat_get", "(iiiii)i", path_filestat_get},
  {"path_filestat_set_times", "(iiiiIIi)i", path_filestat_set_times},
  {"path_link", "(iiiiiii)i", path_link},
  {"path_open", "(iiiiiIIii)i", path_open},
  {"path_readlink", "(iiiiii)i", path_readlink},
  {"path_remove_directory", "(iii)i", path_remove_directory},
  {"path_rename", "(iiiiii)i", path_rename},
  {"path_symlink", "(iiiii)i", path_symlink},
  {"path_unlink_file", "(iii)i", path_unlink_file},
};
const uint32_t wasi_path_num_entries = sizeof wasi_path_entries / sizeof wasi_path_entries[0];
