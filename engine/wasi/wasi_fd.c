/*
 * wasi_fd.c -- the fd_* functions: reading, writing, seeking, status and
 * directory listing on a guest descriptor.
 *
 * Every guest pointer is checked against the memory before anything is
 * read or written (EFAULT), and results are stored only once the host call
 * succeeded.  Each function needs the rights the witx definitions name.
 */
#define _GNU_SOURCE
#include "wasi_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define HOST_ERR() wasi_errno_from_host(errno)

static uint64_t timespec_ns(struct timespec t)
{
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void wasi_store_filestat(WasiMem *m, uint32_t addr, const struct stat *st)
{
  memset(m->base + addr, 0, 64);
  wasi_store64(m, addr + 0, (uint64_t)st->st_dev);
  wasi_store64(m, addr + 8, (uint64_t)st->st_ino);
  m->base[addr + 16] = wasi_filetype_from_mode(st->st_mode);
  wasi_store64(m, addr + 24, (uint64_t)st->st_nlink);
  wasi_store64(m, addr + 32, (uint64_t)st->st_size);
  wasi_store64(m, addr + 40, timespec_ns(st->st_atim));
  wasi_store64(m, addr + 48, timespec_ns(st->st_mtim));
  wasi_store64(m, addr + 56, timespec_ns(st->st_ctim));
}

/* Guest iovecs (buf u32, len u32) as host ones; EFAULT when the array or a
 * buffer is outside the memory. */
static uint16_t load_iovecs(WasiMem *m, uint32_t iovs, uint32_t n, struct iovec **out)
{
  *out = NULL;
  if (n > IOV_MAX)
    return WASI_EINVAL;
  if (!wasi_mem_ok(m, iovs, (uint64_t)n * 8))
    return WASI_EFAULT;
  struct iovec *v = calloc(n ? n : 1, sizeof *v);
  if (!v)
    return WASI_ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = wasi_load32(m, iovs + 8 * i), len = wasi_load32(m, iovs + 8 * i + 4);
    if (!wasi_mem_ok(m, buf, len)) {
      free(v);
      return WASI_EFAULT;
    }
    v[i].iov_base = m->base + buf;
    v[i].iov_len = len;
  }
  *out = v;
  return 0;
}

static uint16_t rw(WasiCall *c, const uint64_t *a, bool write, bool positioned)
{
  uint32_t fd = ARG32(0), iovs = ARG32(1), n = ARG32(2);
  uint64_t offset = positioned ? ARG64(3) : 0;
  uint32_t result = positioned ? ARG32(4) : ARG32(3);
  uint16_t err;
  uint64_t rights = write ? R_FD_WRITE : R_FD_READ;
  WasiFd *f = wasi_fd_get(c->ctx, fd, rights, &err);
  if (!f)
    return err;
  if (!wasi_mem_ok(&c->mem, result, 4))
    return WASI_EFAULT;
  if (positioned && f->filetype == WASI_FILETYPE_DIRECTORY)
    return WASI_EISDIR;
  if (positioned && offset > INT64_MAX)
    return WASI_EINVAL;
  struct iovec *v;
  if ((err = load_iovecs(&c->mem, iovs, n, &v)))
    return err;
  /* A pipe, terminal or socket may block: wait where an interrupt of the
   * instance ends the wait (the exception is then set: the guest traps). */
  if (!positioned && wasi_wait_ready(c, f, write) < 0) {
    free(v);
    return 0;
  }
  ssize_t done;
  if (write)
    done = positioned ? pwritev(f->host, v, (int)n, (off_t)offset) : writev(f->host, v, (int)n);
  else
    done = positioned ? preadv(f->host, v, (int)n, (off_t)offset) : readv(f->host, v, (int)n);
  int e = errno;
  free(v);
  if (done < 0)
    return wasi_errno_from_host(e);
  wasi_store32(&c->mem, result, (uint32_t)done);
  return 0;
}

static uint16_t fd_read(WasiCall *c, const uint64_t *a) { return rw(c, a, false, false); }
static uint16_t fd_write(WasiCall *c, const uint64_t *a) { return rw(c, a, true, false); }
static uint16_t fd_pread(WasiCall *c, const uint64_t *a) { return rw(c, a, false, true); }
static uint16_t fd_pwrite(WasiCall *c, const uint64_t *a) { return rw(c, a, true, true); }

static uint16_t fd_close(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), 0, &err);
  if (!f)
    return err;
  wasi_fd_release(f);
  return 0;
}

static uint16_t fd_seek(WasiCall *c, const uint64_t *a)
{
  int64_t offset = (int64_t)ARG64(1);
  uint32_t whence = ARG32(2), result = ARG32(3);
  uint64_t rights = (offset == 0 && whence == 1) ? R_FD_TELL : R_FD_SEEK;
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), rights, &err);
  if (!f)
    return err;
  if (!wasi_mem_ok(&c->mem, result, 8))
    return WASI_EFAULT;
  int how;
  switch (whence) {
  case 0: how = SEEK_SET; break;
  case 1: how = SEEK_CUR; break;
  case 2: how = SEEK_END; break;
  default: return WASI_EINVAL;
  }
  if (f->filetype == WASI_FILETYPE_DIRECTORY)
    return WASI_EBADF;
  off_t pos = lseek(f->host, (off_t)offset, how);
  if (pos < 0)
    return HOST_ERR();
  wasi_store64(&c->mem, result, (uint64_t)pos);
  return 0;
}

static uint16_t fd_tell(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_TELL, &err);
  if (!f)
    return err;
  if (!wasi_mem_ok(&c->mem, ARG32(1), 8))
    return WASI_EFAULT;
  off_t pos = lseek(f->host, 0, SEEK_CUR);
  if (pos < 0)
    return HOST_ERR();
  wasi_store64(&c->mem, ARG32(1), (uint64_t)pos);
  return 0;
}

static uint16_t fd_fdstat_get(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), 0, &err);
  if (!f)
    return err;
  uint32_t p = ARG32(1);
  if (!wasi_mem_ok(&c->mem, p, 24))
    return WASI_EFAULT;
  uint16_t flags = f->fdflags;
  int fl = fcntl(f->host, F_GETFL);
  if (fl >= 0) {
    flags = 0;
    if (fl & O_APPEND)
      flags |= WASI_FDFLAG_APPEND;
    if (fl & O_NONBLOCK)
      flags |= WASI_FDFLAG_NONBLOCK;
    if ((fl & O_SYNC) == O_SYNC)
      flags |= WASI_FDFLAG_SYNC;
    else if (fl & O_DSYNC)
      flags |= WASI_FDFLAG_DSYNC;
  }
  memset(c->mem.base + p, 0, 24);
  c->mem.base[p] = f->filetype;
  wasi_store16(&c->mem, p + 2, flags);
  wasi_store64(&c->mem, p + 8, f->rights_base);
  wasi_store64(&c->mem, p + 16, f->rights_inheriting);
  return 0;
}

static uint16_t fd_fdstat_set_flags(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_FDSTAT_SET_FLAGS, &err);
  if (!f)
    return err;
  uint32_t flags = ARG32(1);
  if (flags & ~0x1Fu)
    return WASI_EINVAL;
  if ((flags & WASI_FDFLAG_APPEND) && f->read_only)
    return WASI_ENOTCAPABLE;
  int fl = fcntl(f->host, F_GETFL);
  if (fl < 0)
    return HOST_ERR();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & WASI_FDFLAG_APPEND)
    fl |= O_APPEND;
  if (flags & WASI_FDFLAG_NONBLOCK)
    fl |= O_NONBLOCK;
  /* Linux cannot change O_SYNC/O_DSYNC after open: say so. */
  if (flags & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
    return WASI_ENOTSUP;
  if (fcntl(f->host, F_SETFL, fl) < 0)
    return HOST_ERR();
  f->fdflags = (uint16_t)flags;
  return 0;
}

static uint16_t fd_fdstat_set_rights(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), 0, &err);
  if (!f)
    return err;
  uint64_t base = ARG64(1), inheriting = ARG64(2);
  /* Rights can only be dropped. */
  if ((base & ~f->rights_base) || (inheriting & ~f->rights_inheriting))
    return WASI_ENOTCAPABLE;
  f->rights_base = base;
  f->rights_inheriting = inheriting;
  return 0;
}

static uint16_t fd_filestat_get(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_FILESTAT_GET, &err);
  if (!f)
    return err;
  if (!wasi_mem_ok(&c->mem, ARG32(1), 64))
    return WASI_EFAULT;
  struct stat st;
  if (fstat(f->host, &st) != 0)
    return HOST_ERR();
  wasi_store_filestat(&c->mem, ARG32(1), &st);
  return 0;
}

static uint16_t fd_filestat_set_size(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_FILESTAT_SET_SIZE, &err);
  if (!f)
    return err;
  if (ARG64(1) > INT64_MAX)
    return WASI_EINVAL;
  if (ftruncate(f->host, (off_t)ARG64(1)) != 0)
    return HOST_ERR();
  return 0;
}

uint16_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec ts[2])
{
  if (flags & ~0xFu)
    return WASI_EINVAL;
  if (((flags & WASI_FST_ATIM) && (flags & WASI_FST_ATIM_NOW)) ||
      ((flags & WASI_FST_MTIM) && (flags & WASI_FST_MTIM_NOW)))
    return WASI_EINVAL;
  uint64_t t[2] = {atim, mtim};
  uint32_t set[2] = {WASI_FST_ATIM, WASI_FST_MTIM}, now[2] = {WASI_FST_ATIM_NOW, WASI_FST_MTIM_NOW};
  for (int i = 0; i < 2; i++) {
    if (flags & now[i]) {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = UTIME_NOW;
    } else if (flags & set[i]) {
      ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
      ts[i].tv_nsec = (long)(t[i] % 1000000000u);
    } else {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = UTIME_OMIT;
    }
  }
  return 0;
}

static uint16_t fd_filestat_set_times(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_FILESTAT_SET_TIMES, &err);
  if (!f)
    return err;
  struct timespec ts[2];
  if ((err = wasi_times(ARG64(1), ARG64(2), ARG32(3), ts)))
    return err;
  if (futimens(f->host, ts) != 0)
    return HOST_ERR();
  return 0;
}

static uint16_t fd_prestat_get(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), 0, &err);
  if (!f)
    return err;
  if (!f->preopen)
    return WASI_EBADF;
  uint32_t p = ARG32(1);
  if (!wasi_mem_ok(&c->mem, p, 8))
    return WASI_EFAULT;
  memset(c->mem.base + p, 0, 8); /* tag 0: a directory */
  wasi_store32(&c->mem, p + 4, (uint32_t)strlen(f->preopen));
  return 0;
}

static uint16_t fd_prestat_dir_name(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), 0, &err);
  if (!f)
    return err;
  if (!f->preopen)
    return WASI_EBADF;
  uint32_t p = ARG32(1), len = ARG32(2);
  size_t n = strlen(f->preopen);
  if (!wasi_mem_ok(&c->mem, p, len))
    return WASI_EFAULT;
  if (len < n)
    return WASI_ENAMETOOLONG;
  memcpy(c->mem.base + p, f->preopen, n);
  return 0;
}

static uint16_t fd_advise(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_ADVISE, &err);
  if (!f)
    return err;
  static const int advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                               POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  uint32_t adv = ARG32(3);
  if (adv > 5 || ARG64(1) > INT64_MAX || ARG64(2) > INT64_MAX)
    return WASI_EINVAL;
  if (f->filetype == WASI_FILETYPE_DIRECTORY)
    return WASI_EBADF;
  int e = posix_fadvise(f->host, (off_t)ARG64(1), (off_t)ARG64(2), advice[adv]);
  /* Advice is only advice: a pipe or tty that takes none is not an error. */
  if (e == ESPIPE)
    return 0;
  return wasi_errno_from_host(e);
}

static uint16_t fd_allocate(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_ALLOCATE, &err);
  if (!f)
    return err;
  if (ARG64(1) > INT64_MAX || ARG64(2) > INT64_MAX || ARG64(1) + ARG64(2) > INT64_MAX)
    return WASI_EINVAL;
  int e = posix_fallocate(f->host, (off_t)ARG64(1), (off_t)ARG64(2));
  return wasi_errno_from_host(e);
}

static uint16_t fd_datasync(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_DATASYNC, &err);
  if (!f)
    return err;
  return fdatasync(f->host) == 0 ? 0 : HOST_ERR();
}

static uint16_t fd_sync(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_SYNC, &err);
  if (!f)
    return err;
  return fsync(f->host) == 0 ? 0 : HOST_ERR();
}

static uint16_t fd_renumber(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *from = wasi_fd_get(c->ctx, ARG32(0), 0, &err);
  if (!from)
    return err;
  WasiFd *to = wasi_fd_get(c->ctx, ARG32(1), 0, &err);
  if (!to)
    return err;
  if (from == to)
    return 0;
  wasi_fd_release(to);
  *to = *from;
  memset(from, 0, sizeof *from);
  from->host = -1;
  return 0;
}

static uint8_t dirent_type(int dirfd, const struct dirent *d)
{
  switch (d->d_type) {
  case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
  case DT_DIR: return WASI_FILETYPE_DIRECTORY;
  case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case DT_UNKNOWN: {
    struct stat st;
    if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
      return wasi_filetype_from_mode(st.st_mode);
    return WASI_FILETYPE_UNKNOWN;
  }
  default: return WASI_FILETYPE_UNKNOWN;
  }
}

/* Cookies are entry indices: each call lists the directory afresh through
 * its own descriptor and skips `cookie` entries, so the guest's descriptor
 * keeps no hidden position and any cookie it saved stays meaningful. */
static uint16_t fd_readdir(WasiCall *c, const uint64_t *a)
{
  uint16_t err;
  WasiFd *f = wasi_fd_get(c->ctx, ARG32(0), R_FD_READDIR, &err);
  if (!f)
    return err;
  uint32_t buf = ARG32(1), len = ARG32(2), used_p = ARG32(4);
  uint64_t cookie = ARG64(3);
  if (!wasi_mem_ok(&c->mem, buf, len) || !wasi_mem_ok(&c->mem, used_p, 4))
    return WASI_EFAULT;
  if (f->filetype != WASI_FILETYPE_DIRECTORY)
    return WASI_ENOTDIR;
  int fd = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return HOST_ERR();
  DIR *dir = fdopendir(fd);
  if (!dir) {
    int e = errno;
    close(fd);
    return wasi_errno_from_host(e);
  }
  uint32_t used = 0;
  uint64_t index = 0;
  struct dirent *d;
  errno = 0;
  while (used < len && (d = readdir(dir)) != NULL) {
    if (index++ < cookie)
      continue;
    uint8_t head[24];
    size_t namlen = strlen(d->d_name);
    memset(head, 0, sizeof head);
    uint64_t next = index, ino = d->d_ino;
    uint32_t nl = (uint32_t)namlen;
    memcpy(head, &next, 8);
    memcpy(head + 8, &ino, 8);
    memcpy(head + 16, &nl, 4);
    head[20] = dirent_type(fd, d);
    /* The buffer is filled to the last byte, entries cut short, so that the
     * guest knows from bufused == buf_len that there may be more. */
    uint32_t n = len - used < 24 ? len - used : 24;
    memcpy(c->mem.base + buf + used, head, n);
    used += n;
    n = len - used < namlen ? len - used : (uint32_t)namlen;
    memcpy(c->mem.base + buf + used, d->d_name, n);
    used += n;
  }
  int e = errno;
  closedir(dir);
  if (e && used < len)
    return wasi_errno_from_host(e);
  wasi_store32(&c->mem, used_p, used);
  return 0;
}

const WasiEntry wasi_fd_entries[] = {
  {"fd_advise", "(iIIi)i", fd_advise},
  {"fd_allocate", "(iII)i", fd_allocate},
  {"fd_close", "(i)i", fd_close},
  {"fd_datasync", "(i)i", fd_datasync},
  {"fd_fdstat_get", "(ii)i", fd_fdstat_get},
  {"fd_fdstat_set_flags", "(ii)i", fd_fdstat_set_flags},
  {"fd_fdstat_set_rights", "(iII)i", fd_fdstat_set_rights},
  {"fd_filestat_get", "(ii)i", fd_filestat_get},
  {"fd_filestat_set_size", "(iI)i", fd_filestat_set_size},
  {"fd_filestat_set_times", "(iIIi)i", fd_filestat_set_times},
  {"fd_pread", "(iiiIi)i", fd_pread},
  {"fd_prestat_get", "(ii)i", fd_prestat_get},
  {"fd_prestat_dir_name", "(iii)i", fd_prestat_dir_name},
  {"fd_pwrite", "(iiiIi)i", fd_pwrite},
  {"fd_read", "(iiii)i", fd_read},
  {"fd_readdir", "(iiiIi)i", fd_readdir},
  {"fd_renumber", "(ii)i", fd_renumber},
  {"fd_seek", "(iIii)i", fd_seek},
  {"fd_sync", "(i)i", fd_sync},
  {"fd_tell", "(ii)i", fd_tell},
  {"fd_write", "(iiii)i", fd_write},
};
const uint32_t wasi_fd_num_entries = sizeof wasi_fd_entries / sizeof wasi_fd_entries[0];
