/*
 * wasi_path.c -- sandboxed path resolution below a granted directory.
 *
 * The host's own lookup would follow `..` and symbolic links anywhere, so
 * the path is walked here one component at a time: each directory is
 * opened with O_NOFOLLOW relative to the previous one (kept on a stack so
 * `..` returns to a directory we really entered and refuses to pop the
 * granted one), and a symbolic link is read with readlinkat and spliced
 * into the rest of the path, an absolute target being refused.  The caller
 * then acts on (dirfd, last name) with the *at call and a no-follow flag, so
 * a link swapped in after the check is not followed either.
 */
#define _GNU_SOURCE
#include "wasi_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Expansions of symbolic links allowed in one resolution (Linux's own). */
#define WASI_MAX_LINKS 40

typedef struct DirStack {
  int *fds;
  size_t depth, cap;
} DirStack;

static bool stack_push(DirStack *s, int fd)
{
  if (s->depth == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 8;
    int *fds = realloc(s->fds, cap * sizeof *fds);
    if (!fds)
      return false;
    s->fds = fds;
    s->cap = cap;
  }
  s->fds[s->depth++] = fd;
  return true;
}

static void stack_free(DirStack *s, size_t keep_top)
{
  for (size_t i = 0; i < s->depth; i++)
    if (!(keep_top && i == s->depth - 1))
      close(s->fds[i]);
  free(s->fds);
}

uint16_t wasi_path_resolve(int base, const char *path, uint32_t len, bool follow, WasiPath *out)
{
  memset(out, 0, sizeof *out);
  out->dirfd = -1;
  if (len == 0)
    return WASI_ENOENT;
  if (memchr(path, '\0', len))
    return WASI_EILSEQ;
  if (path[0] == '/')
    return WASI_ENOTCAPABLE;
  if (len >= PATH_MAX)
    return WASI_ENAMETOOLONG;

  char *work = strndup(path, len);
  if (!work)
    return WASI_ENOMEM;
  DirStack stack = {0};
  size_t pos = 0;
  int links = 0;
  uint16_t err = 0;
  char name[NAME_MAX + 1];
  bool slash_after = false;

  for (;;) {
    while (work[pos] == '/')
      pos++;
    int cur = stack.depth ? stack.fds[stack.depth - 1] : base;
    if (work[pos] == '\0') { /* the path named the current directory */
      strcpy(name, ".");
      break;
    }
    const char *comp = work + pos;
    size_t clen = strcspn(comp, "/");
    size_t next = pos + clen, k = next;
    while (work[k] == '/')
      k++;
    bool last = work[k] == '\0';
    slash_after = k != next;

    if (clen == 1 && comp[0] == '.') {
      if (last) {
        strcpy(name, ".");
        break;
      }
      pos = k;
      continue;
    }
    if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
      if (stack.depth == 0) {
        err = WASI_ENOTCAPABLE; /* above the granted directory */
        break;
      }
      close(stack.fds[--stack.depth]);
      if (last) {
        strcpy(name, ".");
        break;
      }
      pos = k;
      continue;
    }
    if (clen > NAME_MAX) {
      err = WASI_ENAMETOOLONG;
      break;
    }
    memcpy(name, comp, clen);
    name[clen] = '\0';
    if (last && !follow && !slash_after)
      break;

    struct stat st;
    if (fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (last && errno == ENOENT)
        break; /* to be created, or the caller reports ENOENT */
      err = wasi_errno_from_host(errno);
      break;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > WASI_MAX_LINKS) {
        err = WASI_ELOOP;
        break;
      }
      char target[PATH_MAX];
      ssize_t n = readlinkat(cur, name, target, sizeof target - 1);
      if (n < 0) {
        err = wasi_errno_from_host(errno);
        break;
      }
      if (n == 0) {
        err = WASI_ENOENT;
        break;
      }
      if (target[0] == '/') {
        err = WASI_ENOTCAPABLE; /* a link out of the sandbox */
        break;
      }
      size_t rest = strlen(work + next);
      if ((size_t)n + rest >= PATH_MAX) {
        err = WASI_ENAMETOOLONG;
        break;
      }
      char *spliced = malloc((size_t)n + rest + 1);
      if (!spliced) {
        err = WASI_ENOMEM;
        break;
      }
      memcpy(spliced, target, (size_t)n);
      memcpy(spliced + n, work + next, rest + 1);
      free(work);
      work = spliced;
      pos = 0;
      continue;
    }
    if (last) {
      if (slash_after && !S_ISDIR(st.st_mode))
        err = WASI_ENOTDIR;
      break;
    }
    if (!S_ISDIR(st.st_mode)) {
      err = WASI_ENOTDIR;
      break;
    }
    int fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      err = wasi_errno_from_host(errno);
      break;
    }
    if (!stack_push(&stack, fd)) {
      close(fd);
      err = WASI_ENOMEM;
      break;
    }
    pos = k;
  }
  free(work);

  if (!err) {
    out->name = strdup(name);
    if (!out->name)
      err = WASI_ENOMEM;
  }
  if (err) {
    stack_free(&stack, 0);
    return err;
  }
  out->trailing_slash = slash_after;
  if (stack.depth) {
    out->dirfd = stack.fds[stack.depth - 1];
    out->own_dirfd = true;
    stack_free(&stack, 1);
  } else {
    out->dirfd = base;
    stack_free(&stack, 0);
  }
  return 0;
}

void wasi_path_done(WasiPath *p)
{
  if (p->own_dirfd && p->dirfd >= 0)
    close(p->dirfd);
  free(p->name);
  memset(p, 0, sizeof *p);
  p->dirfd = -1;
}
