/*
 * wasi_impl.h -- what the files of engine/wasi/ share: the preview 1 ABI
 * (errnos, rights, struct layouts, from the witx definitions), the per-
 * instance context with its descriptor table, guest memory access, and the
 * sandboxed path resolution.
 */
#ifndef WP_WASI_IMPL_H
#define WP_WASI_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wasi.h"

/* --- errno (witx `errno`, u16) --- */
enum {
  WASI_ESUCCESS = 0,
  WASI_E2BIG = 1,
  WASI_EACCES = 2,
  WASI_EADDRINUSE = 3,
  WASI_EADDRNOTAVAIL = 4,
  WASI_EAFNOSUPPORT = 5,
  WASI_EAGAIN = 6,
  WASI_EALREADY = 7,
  WASI_EBADF = 8,
  WASI_EBADMSG = 9,
  WASI_EBUSY = 10,
  WASI_ECANCELED = 11,
  WASI_ECHILD = 12,
  WASI_ECONNABORTED = 13,
  WASI_ECONNREFUSED = 14,
  WASI_ECONNRESET = 15,
  WASI_EDEADLK = 16,
  WASI_EDESTADDRREQ = 17,
  WASI_EDOM = 18,
  WASI_EDQUOT = 19,
  WASI_EEXIST = 20,
  WASI_EFAULT = 21,
  WASI_EFBIG = 22,
  WASI_EHOSTUNREACH = 23,
  WASI_EIDRM = 24,
  WASI_EILSEQ = 25,
  WASI_EINPROGRESS = 26,
  WASI_EINTR = 27,
  WASI_EINVAL = 28,
  WASI_EIO = 29,
  WASI_EISCONN = 30,
  WASI_EISDIR = 31,
  WASI_ELOOP = 32,
  WASI_EMFILE = 33,
  WASI_EMLINK = 34,
  WASI_EMSGSIZE = 35,
  WASI_EMULTIHOP = 36,
  WASI_ENAMETOOLONG = 37,
  WASI_ENETDOWN = 38,
  WASI_ENETRESET = 39,
  WASI_ENETUNREACH = 40,
  WASI_ENFILE = 41,
  WASI_ENOBUFS = 42,
  WASI_ENODEV = 43,
  WASI_ENOENT = 44,
  WASI_ENOEXEC = 45,
  WASI_ENOLCK = 46,
  WASI_ENOLINK = 47,
  WASI_ENOMEM = 48,
  WASI_ENOMSG = 49,
  WASI_ENOPROTOOPT = 50,
  WASI_ENOSPC = 51,
  WASI_ENOSYS = 52,
  WASI_ENOTCONN = 53,
  WASI_ENOTDIR = 54,
  WASI_ENOTEMPTY = 55,
  WASI_ENOTRECOVERABLE = 56,
  WASI_ENOTSOCK = 57,
  WASI_ENOTSUP = 58,
  WASI_ENOTTY = 59,
  WASI_ENXIO = 60,
  WASI_EOVERFLOW = 61,
  WASI_EOWNERDEAD = 62,
  WASI_EPERM = 63,
  WASI_EPIPE = 64,
  WASI_EPROTO = 65,
  WASI_EPROTONOSUPPORT = 66,
  WASI_EPROTOTYPE = 67,
  WASI_ERANGE = 68,
  WASI_EROFS = 69,
  WASI_ESPIPE = 70,
  WASI_ESRCH = 71,
  WASI_ESTALE = 72,
  WASI_ETIMEDOUT = 73,
  WASI_ETXTBSY = 74,
  WASI_EXDEV = 75,
  WASI_ENOTCAPABLE = 76,
};

/* --- rights (witx `rights`, u64 bit flags) --- */
#define WASI_RIGHT(n) ((uint64_t)1 << (n))
#define R_FD_DATASYNC WASI_RIGHT(0)
#define R_FD_READ WASI_RIGHT(1)
#define R_FD_SEEK WASI_RIGHT(2)
#define R_FD_FDSTAT_SET_FLAGS WASI_RIGHT(3)
#define R_FD_SYNC WASI_RIGHT(4)
#define R_FD_TELL WASI_RIGHT(5)
#define R_FD_WRITE WASI_RIGHT(6)
#define R_FD_ADVISE WASI_RIGHT(7)
#define R_FD_ALLOCATE WASI_RIGHT(8)
#define R_PATH_CREATE_DIRECTORY WASI_RIGHT(9)
#define R_PATH_CREATE_FILE WASI_RIGHT(10)
#define R_PATH_LINK_SOURCE WASI_RIGHT(11)
#define R_PATH_LINK_TARGET WASI_RIGHT(12)
#define R_PATH_OPEN WASI_RIGHT(13)
#define R_FD_READDIR WASI_RIGHT(14)
#define R_PATH_READLINK WASI_RIGHT(15)
#define R_PATH_RENAME_SOURCE WASI_RIGHT(16)
#define R_PATH_RENAME_TARGET WASI_RIGHT(17)
#define R_PATH_FILESTAT_GET WASI_RIGHT(18)
#define R_PATH_FILESTAT_SET_SIZE WASI_RIGHT(19)
#define R_PATH_FILESTAT_SET_TIMES WASI_RIGHT(20)
#define R_FD_FILESTAT_GET WASI_RIGHT(21)
#define R_FD_FILESTAT_SET_SIZE WASI_RIGHT(22)
#define R_FD_FILESTAT_SET_TIMES WASI_RIGHT(23)
#define R_PATH_SYMLINK WASI_RIGHT(24)
#define R_PATH_REMOVE_DIRECTORY WASI_RIGHT(25)
#define R_PATH_UNLINK_FILE WASI_RIGHT(26)
#define R_POLL_FD_READWRITE WASI_RIGHT(27)
#define R_SOCK_SHUTDOWN WASI_RIGHT(28)
#define R_SOCK_ACCEPT WASI_RIGHT(29)
#define R_ALL (WASI_RIGHT(30) - 1)

/* What a read-only grant never gives: anything that changes the file
 * system or a file's contents. */
#define R_WRITING                                                                            \
  (R_FD_DATASYNC | R_FD_WRITE | R_FD_ALLOCATE | R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | \
   R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET |      \
   R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES | R_FD_FILESTAT_SET_SIZE |             \
   R_FD_FILESTAT_SET_TIMES | R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)

/* --- enums and flags --- */
enum {
  WASI_FILETYPE_UNKNOWN = 0,
  WASI_FILETYPE_BLOCK_DEVICE = 1,
  WASI_FILETYPE_CHARACTER_DEVICE = 2,
  WASI_FILETYPE_DIRECTORY = 3,
  WASI_FILETYPE_REGULAR_FILE = 4,
  WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6,
  WASI_FILETYPE_SYMBOLIC_LINK = 7,
};
#define WASI_FDFLAG_APPEND 1
#define WASI_FDFLAG_DSYNC 2
#define WASI_FDFLAG_NONBLOCK 4
#define WASI_FDFLAG_RSYNC 8
#define WASI_FDFLAG_SYNC 16
#define WASI_O_CREAT 1
#define WASI_O_DIRECTORY 2
#define WASI_O_EXCL 4
#define WASI_O_TRUNC 8
#define WASI_LOOKUP_SYMLINK_FOLLOW 1
#define WASI_FST_ATIM 1
#define WASI_FST_ATIM_NOW 2
#define WASI_FST_MTIM 4
#define WASI_FST_MTIM_NOW 8

/* --- descriptors --- */
typedef struct WasiFd {
  int host;          /* host descriptor; -1: the slot is free */
  uint8_t filetype;
  uint16_t fdflags;  /* as the guest set them (append, nonblock, ...) */
  uint64_t rights_base, rights_inheriting;
  char *preopen;     /* the guest name of a granted directory, else NULL */
  bool owned;        /* close the host fd with the slot (not the process's stdio) */
  bool read_only;    /* below a read-only grant: nothing opened from here may write */
} WasiFd;

typedef struct WasiCtx {
  pthread_mutex_t lock; /* the table; calls of one instance are on one thread, but be safe */
  WasiFd *fds;
  uint32_t num_fds;
  char **argv;
  uint32_t argc;
  char **env;
  uint32_t num_env;
  uint32_t exit_code; /* proc_exit's status */
} WasiCtx;

/* The context of the instance whose code called the running host function,
 * and its default memory; NULL when it has none. */
WasiCtx *wasi_ctx_of(const Instance *inst);

/* The errno for a host errno value. */
uint16_t wasi_errno_from_host(int e);

/* The entry for a guest descriptor holding all of `rights`, else NULL with
 * *err set (EBADF, or ENOTCAPABLE when a right is missing). */
WasiFd *wasi_fd_get(WasiCtx *ctx, uint32_t fd, uint64_t rights, uint16_t *err);
/* Puts host fd into the lowest free slot; returns the slot or -1 (EMFILE). */
int64_t wasi_fd_insert(WasiCtx *ctx, int host, uint8_t filetype, uint64_t base,
                       uint64_t inheriting, uint16_t fdflags);
void wasi_fd_release(WasiFd *f);
uint8_t wasi_filetype_from_mode(unsigned mode);

/* --- guest memory: every pointer and length is checked (EFAULT) --- */
typedef struct WasiMem {
  uint8_t *base;
  uint64_t size;
} WasiMem;

static inline bool wasi_mem_ok(const WasiMem *m, uint64_t addr, uint64_t len)
{
  return addr <= m->size && len <= m->size - addr;
}
static inline uint32_t wasi_load32(const WasiMem *m, uint32_t addr)
{
  uint32_t v;
  memcpy(&v, m->base + addr, 4);
  return v;
}
static inline void wasi_store16(WasiMem *m, uint32_t addr, uint16_t v) { memcpy(m->base + addr, &v, 2); }
static inline void wasi_store32(WasiMem *m, uint32_t addr, uint32_t v) { memcpy(m->base + addr, &v, 4); }
static inline void wasi_store64(WasiMem *m, uint32_t addr, uint64_t v) { memcpy(m->base + addr, &v, 8); }

/* --- one host call --- */

/* What a WASI function works with: the calling instance, its context and
 * its default memory.  Arguments are the raw native's slots (an i32 in the
 * low half); the function returns the WASI errno. */
typedef struct WasiCall {
  ExecEnv *env;
  Instance *inst;
  WasiCtx *ctx;
  WasiMem mem;
} WasiCall;

typedef uint16_t (*WasiImpl)(WasiCall *c, const uint64_t *a);

/* Waits as ppoll() does for `pfds` (may be empty) or until `timeout_ns`
 * has passed (-1: no timeout), but in slices of at most
 * WASI_WAIT_SLICE_MS, checking the instance's interrupt flag between them:
 * every WASI call that can block waits here, so wasm_runtime_terminate (a
 * host's time limit, a cancel) ends it within a slice, not when the sleep
 * or the read would end.  Returns what ppoll() returns; on an interrupt,
 * -1 with errno ECANCELED after setting the calling instance's exception
 * to "terminated by user", so the guest traps when the call returns. */
#define WASI_WAIT_SLICE_MS 5
struct pollfd;
int wasi_wait(WasiCall *c, struct pollfd *pfds, uint32_t n, int64_t timeout_ns);
/* Waits until descriptor `f` can be read (or written) without blocking;
 * 0, or -1 with errno ECANCELED as wasi_wait.  Regular files, directories
 * and descriptors the guest made non-blocking never wait. */
int wasi_wait_ready(WasiCall *c, const struct WasiFd *f, bool write);

typedef struct WasiEntry {
  const char *name;
  const char *signature;
  WasiImpl impl;
} WasiEntry;

#define ARG32(i) ((uint32_t)a[i])
#define ARG64(i) (a[i])

/* The functions of each file, as tables (name, signature, implementation). */
extern const WasiEntry wasi_fd_entries[];
extern const uint32_t wasi_fd_num_entries;
extern const WasiEntry wasi_path_entries[];
extern const uint32_t wasi_path_num_entries;

/* Writes a filestat (64 bytes) for st at addr (already checked). */
struct stat;
void wasi_store_filestat(WasiMem *m, uint32_t addr, const struct stat *st);

/* atim, mtim and the fstflags of a set_times call as utimensat's pair;
 * EINVAL for a time both given and "now". */
struct timespec;
uint16_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec ts[2]);

/* --- path resolution (wasi_path.c) --- */

/* Where a guest path leads: the directory holding its last component, and
 * that component ("." for the directory itself).  Every component before
 * the last was opened with O_NOFOLLOW, symbolic links expanded by hand, so
 * nothing resolved leaves the granted directory. */
typedef struct WasiPath {
  int dirfd;      /* the granted directory's fd, or one opened below it */
  bool own_dirfd; /* dirfd must be closed by wasi_path_done */
  char *name;     /* the last component */
  bool trailing_slash;
} WasiPath;

/* Resolves path (len bytes of guest memory, not NUL-terminated) below the
 * directory fd base.  follow: also expand a symbolic link in the last
 * component.  Returns 0 or a WASI errno: ENOTCAPABLE for an absolute path
 * or one leaving the directory (by `..` or through a link), ELOOP,
 * ENAMETOOLONG, ENOENT, ENOTDIR, EILSEQ (a NUL byte). */
uint16_t wasi_path_resolve(int base, const char *path, uint32_t len, bool follow, WasiPath *out);
void wasi_path_done(WasiPath *p);

#endif
