/*
 * test-wasi.c -- the WASI sandbox from the guest's side: the guest module
 * (tests/wat/wasi-shim.wat) re-exports the WASI functions, so each test
 * calls them with exactly the paths and pointers an attacker would, and
 * checks the errno and that nothing outside the grants changed.
 *
 * The host tree of each test:
 *   ROOT/secret.txt            outside every grant
 *   ROOT/sandbox/              granted read-write as "sandbox" (fd 3)
 *     hello.txt, sub/, inside -> sub, out -> .., abs -> ROOT, deep -> sub/../..
 *   ROOT/ro/                   granted read-only as "ro" (fd 4)
 *     keep.txt
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wasm_export.h"

enum {
  E_BADF = 8,
  E_EXIST = 20,
  E_FAULT = 21,
  E_INVAL = 28,
  E_LOOP = 32,
  E_NOENT = 44,
  E_NOTDIR = 54,
  E_NOTSOCK = 57,
  E_NOTCAPABLE = 76,
};
#define R_FD_READ (1ull << 1)
#define R_FD_WRITE (1ull << 6)
#define O_CREAT_ 1
#define O_DIRECTORY_ 2
#define FOLLOW 1

/* Guest addresses used as scratch. */
#define PATH1 1024u
#define PATH2 1536u
#define RESULT 2048u
#define IOVS 2304u
#define BUF 4096u

typedef struct Fixture {
  char *root, *sandbox, *ro;
  wasm_module_t module;
  wasm_module_inst_t inst;
  wasm_exec_env_t env;
} Fixture;

static uint8_t *shim_bytes;
static gsize shim_size;

static void write_file(const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  g_free(path);
}

static char *read_host(const char *dir, const char *name)
{
  char *path = g_build_filename(dir, name, NULL), *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    text = NULL;
  g_free(path);
  return text;
}

static bool host_exists(const char *dir, const char *name)
{
  char *path = g_build_filename(dir, name, NULL);
  struct stat st;
  bool yes = lstat(path, &st) == 0;
  g_free(path);
  return yes;
}

static void instantiate(Fixture *fx, bool grants)
{
  char err[256];
  fx->module = wasm_runtime_load(shim_bytes, (uint32_t)shim_size, err, sizeof err);
  g_assert_nonnull(fx->module);
  WASIDirectory dirs[2] = {
    {"sandbox", fx->sandbox, false},
    {"ro", fx->ro, true},
  };
  const char *env[] = {"A=1", "LONGER=value"};
  const char *argv[] = {"prog", "x"};
  WASIArguments args;
  memset(&args, 0, sizeof args);
  if (grants) {
    args.dirs = dirs;
    args.dir_count = 2;
    args.env = env;
    args.env_count = 2;
    args.argv = argv;
    args.argc = 2;
  }
  args.stdin_fd = args.stdout_fd = args.stderr_fd = -1;
  fx->inst = wasm_runtime_instantiate_wasi(fx->module, NULL, &args, err, sizeof err);
  g_assert_nonnull(fx->inst);
  g_assert_true(wasm_runtime_is_wasi_mode(fx->inst));
  fx->env = wasm_runtime_get_exec_env_singleton(fx->inst);
}

static void setup(Fixture *fx, gconstpointer grants)
{
  fx->root = g_dir_make_tmp("wasmplug-wasi-XXXXXX", NULL);
  g_assert_nonnull(fx->root);
  fx->sandbox = g_build_filename(fx->root, "sandbox", NULL);
  fx->ro = g_build_filename(fx->root, "ro", NULL);
  g_assert_cmpint(g_mkdir(fx->sandbox, 0755), ==, 0);
  g_assert_cmpint(g_mkdir(fx->ro, 0755), ==, 0);
  char *sub = g_build_filename(fx->sandbox, "sub", NULL);
  g_assert_cmpint(g_mkdir(sub, 0755), ==, 0);
  g_free(sub);
  write_file(fx->root, "secret.txt", "top secret");
  write_file(fx->sandbox, "hello.txt", "hello");
  write_file(fx->ro, "keep.txt", "keep me");
  char *link;
  link = g_build_filename(fx->sandbox, "inside", NULL);
  g_assert_cmpint(symlink("sub", link), ==, 0);
  g_free(link);
  link = g_build_filename(fx->sandbox, "out", NULL);
  g_assert_cmpint(symlink("..", link), ==, 0);
  g_free(link);
  link = g_build_filename(fx->sandbox, "abs", NULL);
  g_assert_cmpint(symlink(fx->root, link), ==, 0);
  g_free(link);
  link = g_build_filename(fx->sandbox, "deep", NULL);
  g_assert_cmpint(symlink("sub/../..", link), ==, 0);
  g_free(link);
  instantiate(fx, GPOINTER_TO_INT(grants));
}

static void remove_tree(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
      char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
      g_free(child);
    }
    if (d)
      g_dir_close(d);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void teardown(Fixture *fx, gconstpointer data)
{
  wasm_runtime_deinstantiate(fx->inst);
  wasm_runtime_unload(fx->module);
  remove_tree(fx->root);
  g_free(fx->root);
  g_free(fx->sandbox);
  g_free(fx->ro);
}

/* Calls the export `name` with n arguments (uint64_t each, converted to
 * the parameter's type); returns its i32 result. */
static int32_t wcall(Fixture *fx, const char *name, int n, ...)
{
  wasm_function_inst_t f = wasm_runtime_lookup_function(fx->inst, name);
  g_assert_nonnull(f);
  uint32_t np = wasm_func_get_param_count(f, fx->inst);
  g_assert_cmpuint(np, ==, (guint)n);
  wasm_valkind_t kinds[16];
  wasm_func_get_param_types(f, fx->inst, kinds);
  wasm_val_t args[16], result[1];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) {
    uint64_t v = va_arg(ap, uint64_t);
    args[i].kind = kinds[i];
    if (kinds[i] == WASM_I64)
      args[i].of.i64 = (int64_t)v;
    else
      args[i].of.i32 = (int32_t)(uint32_t)v;
  }
  va_end(ap);
  uint32_t nr = wasm_func_get_result_count(f, fx->inst);
  bool ok = wasm_runtime_call_wasm_a(fx->env, f, nr, result, (uint32_t)n, args);
  if (!ok)
    g_error("%s trapped: %s", name, wasm_runtime_get_exception(fx->inst));
  return nr ? result[0].of.i32 : 0;
}

#define A(x) ((uint64_t)(x))

static uint8_t *mem(Fixture *fx, uint32_t addr)
{
  return wasm_runtime_addr_app_to_native(fx->inst, addr);
}

static uint32_t put(Fixture *fx, uint32_t addr, const char *s)
{
  size_t n = strlen(s);
  memcpy(mem(fx, addr), s, n);
  return (uint32_t)n;
}

static uint32_t load32(Fixture *fx, uint32_t addr)
{
  uint32_t v;
  memcpy(&v, mem(fx, addr), 4);
  return v;
}

/* path_open below dirfd; returns the errno, the new fd in *fd. */
static int32_t open_at(Fixture *fx, uint32_t dirfd, uint32_t lookup, const char *path,
                       uint32_t oflags, uint64_t rights, uint32_t *fd)
{
  uint32_t len = put(fx, PATH1, path);
  int32_t e = wcall(fx, "path_open", 9, A(dirfd), A(lookup), A(PATH1), A(len), A(oflags),
                    rights, rights, A(0), A(RESULT));
  if (fd)
    *fd = e == 0 ? load32(fx, RESULT) : UINT32_MAX;
  return e;
}

static int32_t write_fd(Fixture *fx, uint32_t fd, const char *text)
{
  uint32_t n = put(fx, BUF, text);
  memcpy(mem(fx, IOVS), &(uint32_t[2]){BUF, n}, 8);
  return wcall(fx, "fd_write", 4, A(fd), A(IOVS), A(1), A(RESULT));
}

static void test_no_grants(Fixture *fx, gconstpointer data)
{
  /* no pre-opened directory at all: 3 is not a descriptor */
  g_assert_cmpint(wcall(fx, "fd_prestat_get", 2, A(3), A(RESULT)), ==, E_BADF);
  g_assert_cmpint(open_at(fx, 3, 0, "secret.txt", 0, R_FD_READ, NULL), ==, E_BADF);
  /* stdio has no right to open paths below it */
  g_assert_cmpint(open_at(fx, 1, 0, "secret.txt", 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  /* no arguments, no environment */
  g_assert_cmpint(wcall(fx, "args_sizes_get", 2, A(RESULT), A(RESULT + 4)), ==, 0);
  g_assert_cmpuint(load32(fx, RESULT), ==, 0);
  g_assert_cmpint(wcall(fx, "environ_sizes_get", 2, A(RESULT), A(RESULT + 4)), ==, 0);
  g_assert_cmpuint(load32(fx, RESULT), ==, 0);
}

static void test_preopens(Fixture *fx, gconstpointer data)
{
  g_assert_cmpint(wcall(fx, "fd_prestat_get", 2, A(3), A(RESULT)), ==, 0);
  g_assert_cmpuint(load32(fx, RESULT + 4), ==, strlen("sandbox"));
  g_assert_cmpint(wcall(fx, "fd_prestat_dir_name", 3, A(3), A(PATH2), A(7)), ==, 0);
  g_assert_cmpmem(mem(fx, PATH2), 7, "sandbox", 7);
  g_assert_cmpint(wcall(fx, "fd_prestat_get", 2, A(4), A(RESULT)), ==, 0);
  g_assert_cmpint(wcall(fx, "fd_prestat_get", 2, A(5), A(RESULT)), ==, E_BADF);
  /* stdio has no prestat */
  g_assert_cmpint(wcall(fx, "fd_prestat_get", 2, A(1), A(RESULT)), ==, E_BADF);
  /* arguments and environment as granted */
  g_assert_cmpint(wcall(fx, "args_sizes_get", 2, A(RESULT), A(RESULT + 4)), ==, 0);
  g_assert_cmpuint(load32(fx, RESULT), ==, 2);
  g_assert_cmpuint(load32(fx, RESULT + 4), ==, strlen("prog") + 1 + strlen("x") + 1);
  g_assert_cmpint(wcall(fx, "environ_get", 2, A(RESULT), A(BUF)), ==, 0);
  g_assert_cmpstr((char *)mem(fx, load32(fx, RESULT + 4)), ==, "LONGER=value");
}

static void test_read_write(Fixture *fx, gconstpointer data)
{
  uint32_t fd;
  g_assert_cmpint(open_at(fx, 3, 0, "sub/new.txt", O_CREAT_, R_FD_READ | R_FD_WRITE, &fd), ==, 0);
  g_assert_cmpint(write_fd(fx, fd, "written by the guest"), ==, 0);
  g_assert_cmpuint(load32(fx, RESULT), ==, 20);
  g_assert_cmpint(wcall(fx, "fd_close", 1, A(fd)), ==, 0);
  g_assert_cmpint(wcall(fx, "fd_close", 1, A(fd)), ==, E_BADF);
  char *sub = g_build_filename(fx->sandbox, "sub", NULL);
  char *text = read_host(sub, "new.txt");
  g_assert_cmpstr(text, ==, "written by the guest");
  g_free(text);
  g_free(sub);

  /* a link inside the grant is followed */
  g_assert_cmpint(open_at(fx, 3, FOLLOW, "inside/new.txt", 0, R_FD_READ, &fd), ==, 0);
  memcpy(mem(fx, IOVS), &(uint32_t[2]){BUF, 100}, 8);
  g_assert_cmpint(wcall(fx, "fd_read", 4, A(fd), A(IOVS), A(1), A(RESULT)), ==, 0);
  g_assert_cmpuint(load32(fx, RESULT), ==, 20);
  g_assert_cmpint(wcall(fx, "fd_close", 1, A(fd)), ==, 0);

  /* mkdir, rename, readdir, unlink, rmdir */
  uint32_t len = put(fx, PATH1, "made");
  g_assert_cmpint(wcall(fx, "path_create_directory", 3, A(3), A(PATH1), A(len)), ==, 0);
  g_assert_cmpint(wcall(fx, "path_create_directory", 3, A(3), A(PATH1), A(len)), ==, E_EXIST);
  len = put(fx, PATH1, "sub/new.txt");
  uint32_t len2 = put(fx, PATH2, "made/renamed.txt");
  g_assert_cmpint(wcall(fx, "path_rename", 6, A(3), A(PATH1), A(len), A(3), A(PATH2), A(len2)),
                  ==, 0);
  g_assert_cmpint(open_at(fx, 3, 0, "made", O_DIRECTORY_, R_FD_READ | (1ull << 14), &fd), ==, 0);
  g_assert_cmpint(wcall(fx, "fd_readdir", 5, A(fd), A(BUF), A(1024), A(0), A(RESULT)), ==, 0);
  uint32_t used = load32(fx, RESULT);
  bool seen = false;
  for (uint32_t at = 0; at + 24 <= used;) {
    uint32_t namlen = load32(fx, BUF + at + 16);
    if (namlen == 11 && memcmp(mem(fx, BUF + at + 24), "renamed.txt", 11) == 0)
      seen = true;
    at += 24 + namlen;
  }
  g_assert_true(seen);
  g_assert_cmpint(wcall(fx, "fd_close", 1, A(fd)), ==, 0);
  g_assert_cmpint(wcall(fx, "path_unlink_file", 3, A(3), A(PATH2), A(len2)), ==, 0);
  len = put(fx, PATH1, "made");
  g_assert_cmpint(wcall(fx, "path_remove_directory", 3, A(3), A(PATH1), A(len)), ==, 0);
  g_assert_false(host_exists(fx->sandbox, "made"));
}

static void check_outside_untouched(Fixture *fx)
{
  char *secret = read_host(fx->root, "secret.txt");
  g_assert_cmpstr(secret, ==, "top secret");
  g_free(secret);
  g_assert_false(host_exists(fx->root, "escaped"));
  g_assert_false(host_exists(fx->root, "escaped.txt"));
}

static void test_escape_dotdot(Fixture *fx, gconstpointer data)
{
  const char *paths[] = {"../secret.txt", "sub/../../secret.txt", "./../secret.txt",
                         "sub/./../.././secret.txt", "..", "sub/../.."};
  for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
    g_assert_cmpint(open_at(fx, 3, FOLLOW, paths[i], 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
    g_assert_cmpint(open_at(fx, 3, 0, paths[i], 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  }
  /* ".." that stays inside is fine */
  g_assert_cmpint(open_at(fx, 3, 0, "sub/../hello.txt", 0, R_FD_READ, NULL), ==, 0);
  /* creating, linking and renaming out of the grant */
  g_assert_cmpint(open_at(fx, 3, 0, "../escaped.txt", O_CREAT_, R_FD_WRITE, NULL), ==,
                  E_NOTCAPABLE);
  uint32_t len = put(fx, PATH1, "../escaped");
  g_assert_cmpint(wcall(fx, "path_create_directory", 3, A(3), A(PATH1), A(len)), ==, E_NOTCAPABLE);
  uint32_t len2 = put(fx, PATH2, "hello.txt");
  g_assert_cmpint(wcall(fx, "path_rename", 6, A(3), A(PATH2), A(len2), A(3), A(PATH1), A(len)),
                  ==, E_NOTCAPABLE);
  g_assert_cmpint(wcall(fx, "path_link", 7, A(3), A(0), A(PATH2), A(len2), A(3), A(PATH1), A(len)),
                  ==, E_NOTCAPABLE);
  len = put(fx, PATH1, "../secret.txt");
  g_assert_cmpint(wcall(fx, "path_unlink_file", 3, A(3), A(PATH1), A(len)), ==, E_NOTCAPABLE);
  g_assert_cmpint(wcall(fx, "path_filestat_get", 5, A(3), A(0), A(PATH1), A(len), A(BUF)), ==,
                  E_NOTCAPABLE);
  check_outside_untouched(fx);
  g_assert_true(host_exists(fx->sandbox, "hello.txt"));
}

static void test_escape_absolute(Fixture *fx, gconstpointer data)
{
  char *secret = g_build_filename(fx->root, "secret.txt", NULL);
  g_assert_cmpint(open_at(fx, 3, FOLLOW, secret, 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  g_assert_cmpint(open_at(fx, 3, FOLLOW, "/etc/passwd", 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  g_assert_cmpint(open_at(fx, 3, 0, "/", 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  uint32_t len = put(fx, PATH1, secret);
  g_assert_cmpint(wcall(fx, "path_unlink_file", 3, A(3), A(PATH1), A(len)), ==, E_NOTCAPABLE);
  /* a NUL inside the path is not a way to cut it short */
  memcpy(mem(fx, PATH1), "hello.txt\0../x", 14);
  g_assert_cmpint(wcall(fx, "path_unlink_file", 3, A(3), A(PATH1), A(14)), !=, 0);
  g_assert_true(host_exists(fx->sandbox, "hello.txt"));
  g_free(secret);
  check_outside_untouched(fx);
}

static void test_escape_symlink(Fixture *fx, gconstpointer data)
{
  const char *paths[] = {"out/secret.txt", "abs/secret.txt", "deep/secret.txt", "out", "abs",
                         "inside/../out/secret.txt"};
  for (size_t i = 0; i < G_N_ELEMENTS(paths); i++)
    g_assert_cmpint(open_at(fx, 3, FOLLOW, paths[i], 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  /* without following, the link itself: O_NOFOLLOW refuses to open it */
  g_assert_cmpint(open_at(fx, 3, 0, "abs", 0, R_FD_READ, NULL), ==, E_LOOP);
  /* an intermediate link is always followed, so always checked */
  g_assert_cmpint(open_at(fx, 3, 0, "out/secret.txt", 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  /* creating through a link out of the grant */
  g_assert_cmpint(open_at(fx, 3, FOLLOW, "out/escaped.txt", O_CREAT_, R_FD_WRITE, NULL), ==,
                  E_NOTCAPABLE);
  uint32_t len = put(fx, PATH1, "abs/escaped");
  g_assert_cmpint(wcall(fx, "path_create_directory", 3, A(3), A(PATH1), A(len)), ==, E_NOTCAPABLE);
  /* the link itself can be inspected and read, not its target */
  len = put(fx, PATH1, "abs");
  g_assert_cmpint(wcall(fx, "path_filestat_get", 5, A(3), A(0), A(PATH1), A(len), A(BUF)), ==, 0);
  g_assert_cmpuint(mem(fx, BUF)[16], ==, 7); /* symbolic_link */
  g_assert_cmpint(wcall(fx, "path_filestat_get", 5, A(3), A(FOLLOW), A(PATH1), A(len), A(BUF)),
                  ==, E_NOTCAPABLE);
  g_assert_cmpint(
      wcall(fx, "path_readlink", 6, A(3), A(PATH1), A(len), A(BUF), A(256), A(RESULT)), ==, 0);
  g_assert_cmpuint(load32(fx, RESULT), ==, strlen(fx->root));
  /* new links may not point out of the grant by an absolute path */
  uint32_t len2 = put(fx, PATH2, "/etc");
  len = put(fx, PATH1, "mine");
  g_assert_cmpint(wcall(fx, "path_symlink", 5, A(PATH2), A(len2), A(3), A(PATH1), A(len)), ==,
                  E_NOTCAPABLE);
  /* a relative one may be made, but following it out is refused */
  len2 = put(fx, PATH2, "../..");
  g_assert_cmpint(wcall(fx, "path_symlink", 5, A(PATH2), A(len2), A(3), A(PATH1), A(len)), ==, 0);
  g_assert_cmpint(open_at(fx, 3, FOLLOW, "mine/secret.txt", 0, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  /* a loop of links ends */
  char *loop = g_build_filename(fx->sandbox, "loop", NULL);
  g_assert_cmpint(symlink("loop", loop), ==, 0);
  g_free(loop);
  g_assert_cmpint(open_at(fx, 3, FOLLOW, "loop", 0, R_FD_READ, NULL), ==, E_LOOP);
  check_outside_untouched(fx);
}

static void test_read_only(Fixture *fx, gconstpointer data)
{
  uint32_t fd;
  /* reading is allowed */
  g_assert_cmpint(open_at(fx, 4, 0, "keep.txt", 0, R_FD_READ, &fd), ==, 0);
  /* writing through that descriptor is not */
  g_assert_cmpint(write_fd(fx, fd, "overwritten"), ==, E_NOTCAPABLE);
  g_assert_cmpint(wcall(fx, "fd_close", 1, A(fd)), ==, 0);
  /* nor opening for writing, creating or truncating */
  g_assert_cmpint(open_at(fx, 4, 0, "keep.txt", 0, R_FD_READ | R_FD_WRITE, NULL), ==, E_NOTCAPABLE);
  g_assert_cmpint(open_at(fx, 4, 0, "new.txt", O_CREAT_, R_FD_WRITE, NULL), ==, E_NOTCAPABLE);
  g_assert_cmpint(open_at(fx, 4, 0, "keep.txt", 8 /* trunc */, R_FD_READ, NULL), ==, E_NOTCAPABLE);
  /* nor any change of the tree */
  uint32_t len = put(fx, PATH1, "keep.txt"), len2 = put(fx, PATH2, "moved.txt");
  g_assert_cmpint(wcall(fx, "path_unlink_file", 3, A(4), A(PATH1), A(len)), ==, E_NOTCAPABLE);
  g_assert_cmpint(wcall(fx, "path_rename", 6, A(4), A(PATH1), A(len), A(4), A(PATH2), A(len2)),
                  ==, E_NOTCAPABLE);
  g_assert_cmpint(wcall(fx, "path_create_directory", 3, A(4), A(PATH2), A(len2)), ==,
                  E_NOTCAPABLE);
  g_assert_cmpint(wcall(fx, "path_symlink", 5, A(PATH1), A(len), A(4), A(PATH2), A(len2)), ==,
                  E_NOTCAPABLE);
  /* a rename from the read-write grant into the read-only one */
  uint32_t len3 = put(fx, BUF, "hello.txt");
  g_assert_cmpint(wcall(fx, "path_rename", 6, A(3), A(BUF), A(len3), A(4), A(PATH2), A(len2)),
                  ==, E_NOTCAPABLE);
  /* a directory opened below keeps the restriction */
  g_assert_cmpint(open_at(fx, 4, 0, ".", O_DIRECTORY_, R_FD_READ, &fd), ==, 0);
  g_assert_cmpint(open_at(fx, fd, 0, "new.txt", O_CREAT_, R_FD_WRITE, NULL), ==, E_NOTCAPABLE);
  char *text = read_host(fx->ro, "keep.txt");
  g_assert_cmpstr(text, ==, "keep me");
  g_free(text);
  g_assert_false(host_exists(fx->ro, "new.txt"));
  g_assert_false(host_exists(fx->ro, "moved.txt"));
  g_assert_true(host_exists(fx->sandbox, "hello.txt"));
}

static void test_bad_pointers(Fixture *fx, gconstpointer data)
{
  const uint64_t far = 0xFFFFFFF0u, end = 65536;
  /* iovec array, and a buffer inside it, outside the memory */
  g_assert_cmpint(wcall(fx, "fd_write", 4, A(1), far, A(1), A(RESULT)), ==, E_FAULT);
  memcpy(mem(fx, IOVS), &(uint32_t[2]){65530, 100}, 8);
  g_assert_cmpint(wcall(fx, "fd_write", 4, A(1), A(IOVS), A(1), A(RESULT)), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "fd_read", 4, A(0), A(IOVS), A(1), A(RESULT)), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "fd_write", 4, A(1), A(IOVS), A(0), far), ==, E_FAULT);
  /* a huge iovec count */
  g_assert_cmpint(wcall(fx, "fd_write", 4, A(1), A(IOVS), A(0x20000000), A(RESULT)), !=, 0);
  /* paths and results */
  g_assert_cmpint(wcall(fx, "path_open", 9, A(3), A(0), far, A(100), A(0), A(R_FD_READ), A(R_FD_READ),
                        A(0), A(RESULT)), ==, E_FAULT);
  uint32_t len = put(fx, PATH1, "hello.txt");
  g_assert_cmpint(wcall(fx, "path_open", 9, A(3), A(0), A(PATH1), A(len), A(0), R_FD_READ,
                        A(R_FD_READ), A(0), end - 2), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "path_filestat_get", 5, A(3), A(0), A(PATH1), A(len), end - 10), ==,
                  E_FAULT);
  g_assert_cmpint(wcall(fx, "args_get", 2, far, A(BUF)), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "args_sizes_get", 2, A(RESULT), end), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "environ_get", 2, A(RESULT), end - 4), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "clock_time_get", 3, A(1), A(0), end - 4), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "clock_time_get", 3, A(99), A(0), A(RESULT)), ==, E_INVAL);
  g_assert_cmpint(wcall(fx, "random_get", 2, A(60000), A(10000)), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "random_get", 2, A(BUF), A(64)), ==, 0);
  g_assert_cmpint(wcall(fx, "fd_fdstat_get", 2, A(1), far), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "fd_prestat_dir_name", 3, A(3), end - 3, A(7)), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "fd_readdir", 5, A(3), end - 10, A(1024), A(0), A(RESULT)), ==,
                  E_FAULT);
  g_assert_cmpint(wcall(fx, "poll_oneoff", 4, far, A(BUF), A(1), A(RESULT)), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "poll_oneoff", 4, A(BUF), A(BUF), A(0x10000000), A(RESULT)), ==,
                  E_FAULT);
  uint32_t fd;
  g_assert_cmpint(open_at(fx, 3, 0, "hello.txt", 0, R_FD_READ | (1ull << 2), &fd), ==, 0);
  g_assert_cmpint(wcall(fx, "fd_seek", 4, A(fd), A(0), A(0), far), ==, E_FAULT);
  g_assert_cmpint(wcall(fx, "fd_seek", 4, A(fd), A(0), A(7), A(RESULT)), ==, E_INVAL);
  len = put(fx, PATH1, "hello.txt");
  g_assert_cmpint(wcall(fx, "path_readlink", 6, A(3), A(PATH1), A(len), far, A(10), A(RESULT)),
                  ==, E_FAULT);
  /* bad descriptors */
  g_assert_cmpint(wcall(fx, "fd_close", 1, A(1000)), ==, E_BADF);
  g_assert_cmpint(wcall(fx, "fd_renumber", 2, A(3), A(77)), ==, E_BADF);
  g_assert_cmpint(wcall(fx, "sock_accept", 3, A(1000), A(0), A(RESULT)), ==, E_BADF);
  g_assert_cmpint(wcall(fx, "sock_accept", 3, A(1), A(0), A(RESULT)), ==, E_NOTSOCK);
  g_assert_null(wasm_runtime_get_exception(fx->inst));
}

static void test_poll_clock(Fixture *fx, gconstpointer data)
{
  /* one clock subscription of 5 ms: one event, the clock's */
  uint8_t *sub = mem(fx, BUF);
  memset(sub, 0, 48);
  uint64_t userdata = 0x1234, timeout = 5000000;
  memcpy(sub, &userdata, 8);
  sub[8] = 0;
  uint32_t clock_id = 1;
  memcpy(sub + 16, &clock_id, 4);
  memcpy(sub + 24, &timeout, 8);
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpint(wcall(fx, "poll_oneoff", 4, A(BUF), A(BUF + 64), A(1), A(RESULT)), ==, 0);
  g_assert_cmpint(g_get_monotonic_time() - t0, >=, 5000);
  g_assert_cmpuint(load32(fx, RESULT), ==, 1);
  uint64_t got;
  memcpy(&got, mem(fx, BUF + 64), 8);
  g_assert_cmpuint(got, ==, 0x1234);
}

static void test_poll_fd(Fixture *fx, gconstpointer data)
{
  /* a regular file is always ready to read; a bad descriptor is an event
   * with EBADF; the 10 s clock is not waited for */
  uint32_t fd;
  g_assert_cmpint(open_at(fx, 3, 0, "hello.txt", 0, R_FD_READ | (1ull << 27), &fd), ==, 0);
  uint8_t *sub = mem(fx, BUF);
  memset(sub, 0, 3 * 48);
  uint64_t timeout = 10000000000ull;
  uint32_t clock_id = 1, bad = 999;
  sub[0] = 1, sub[8] = 0, memcpy(sub + 16, &clock_id, 4), memcpy(sub + 24, &timeout, 8);
  sub[48] = 2, sub[56] = 1, memcpy(sub + 64, &fd, 4);
  sub[96] = 3, sub[104] = 1, memcpy(sub + 112, &bad, 4);
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpint(wcall(fx, "poll_oneoff", 4, A(BUF), A(BUF + 512), A(3), A(RESULT)), ==, 0);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 5000000);
  uint32_t n = load32(fx, RESULT);
  g_assert_cmpuint(n, >=, 1);
  bool saw_bad = false;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *e = mem(fx, BUF + 512 + 32 * i);
    g_assert_cmpuint(e[0], !=, 1); /* never the clock */
    if (e[0] == 3) {
      saw_bad = true;
      g_assert_cmpuint(e[8], ==, E_BADF);
    }
  }
  g_assert_true(saw_bad);
  /* no subscription at all */
  g_assert_cmpint(wcall(fx, "poll_oneoff", 4, A(BUF), A(BUF + 512), A(0), A(RESULT)), ==, E_INVAL);
}

/* Blocking WASI calls wake on an interrupt (wasm_runtime_terminate from
 * another thread, as a host's time limit or the CLI's does): the call
 * traps with "terminated by user" instead of sleeping or reading on.  The
 * pause before terminating only makes it likely that the guest is already
 * blocked; the outcome is the same either way. */
typedef struct Blocked {
  Fixture *fx;
  const char *name; /* poll_oneoff or fd_read */
  bool ok;
  char exception[128];
} Blocked;

static gpointer run_blocked(gpointer data)
{
  Blocked *b = data;
  Fixture *fx = b->fx;
  wasm_function_inst_t f = wasm_runtime_lookup_function(fx->inst, b->name);
  wasm_val_t args[4], result[1];
  for (int i = 0; i < 4; i++)
    args[i].kind = WASM_I32;
  if (strcmp(b->name, "poll_oneoff") == 0) {
    args[0].of.i32 = BUF, args[1].of.i32 = BUF + 64, args[2].of.i32 = 1, args[3].of.i32 = RESULT;
  } else {
    args[0].of.i32 = 0, args[1].of.i32 = IOVS, args[2].of.i32 = 1, args[3].of.i32 = RESULT;
  }
  b->ok = wasm_runtime_call_wasm_a(fx->env, f, 1, result, 4, args);
  g_strlcpy(b->exception, wasm_runtime_get_exception(fx->inst) ? wasm_runtime_get_exception(fx->inst) : "",
            sizeof b->exception);
  return NULL;
}

static void terminate_blocked(Fixture *fx, const char *name)
{
  Blocked b = {.fx = fx, .name = name};
  GThread *thread = g_thread_new("blocked", run_blocked, &b);
  g_usleep(50000);
  wasm_runtime_terminate(fx->inst);
  g_thread_join(thread);
  g_assert_false(b.ok);
  g_assert_cmpstr(b.exception, ==, "Exception: terminated by user");
  /* usable again once the exception is cleared */
  wasm_runtime_clear_exception(fx->inst);
  g_assert_cmpint(wcall(fx, "fd_prestat_get", 2, A(3), A(RESULT)), ==, 0);
}

static void test_interrupt_poll(Fixture *fx, gconstpointer data)
{
  /* a clock subscription of one hour */
  uint8_t *sub = mem(fx, BUF);
  memset(sub, 0, 48);
  uint64_t timeout = 3600ull * 1000000000ull;
  uint32_t clock_id = 1;
  memcpy(sub + 16, &clock_id, 4);
  memcpy(sub + 24, &timeout, 8);
  terminate_blocked(fx, "poll_oneoff");
}

static void test_interrupt_read(void)
{
  /* stdin is a pipe nobody writes to */
  int pipe_fds[2];
  g_assert_cmpint(pipe(pipe_fds), ==, 0);
  char err[256];
  Fixture fx = {0};
  fx.module = wasm_runtime_load(shim_bytes, (uint32_t)shim_size, err, sizeof err);
  g_assert_nonnull(fx.module);
  char *dir = g_dir_make_tmp("wasmplug-wasi-XXXXXX", NULL);
  WASIDirectory dirs[1] = {{"sandbox", dir, false}};
  WASIArguments args;
  memset(&args, 0, sizeof args);
  args.dirs = dirs;
  args.dir_count = 1;
  args.stdin_fd = pipe_fds[0];
  args.stdout_fd = args.stderr_fd = -1;
  fx.inst = wasm_runtime_instantiate_wasi(fx.module, NULL, &args, err, sizeof err);
  g_assert_nonnull(fx.inst);
  fx.env = wasm_runtime_get_exec_env_singleton(fx.inst);
  memcpy(mem(&fx, IOVS), &(uint32_t[2]){BUF, 16}, 8);
  terminate_blocked(&fx, "fd_read");
  /* the read itself still works once there is something to read */
  g_assert_cmpint(write(pipe_fds[1], "data", 4), ==, 4);
  g_assert_cmpint(wcall(&fx, "fd_read", 4, A(0), A(IOVS), A(1), A(RESULT)), ==, 0);
  g_assert_cmpuint(load32(&fx, RESULT), ==, 4);
  g_assert_cmpmem(mem(&fx, BUF), 4, "data", 4);
  wasm_runtime_deinstantiate(fx.inst);
  wasm_runtime_unload(fx.module);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  g_rmdir(dir);
  g_free(dir);
}

/* The command-line tool's WASI flags: mistakes are usage errors (2), a
 * grant that cannot be opened a one-line failure (1). */
static int run_cli(const char *a1, const char *a2, char **err)
{
  char *wasm = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), "wasi-shim.wasm", NULL);
  const char *argv[] = {g_getenv("WP_WASMPLUG"), a1, a2, wasm, NULL};
  if (!a2) {
    argv[2] = wasm;
    argv[3] = NULL;
  }
  int status;
  GError *error = NULL;
  g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                             NULL, err, &status, &error));
  g_assert_no_error(error);
  g_free(wasm);
  g_assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static void test_cli_flags(void)
{
  char *err = NULL;
  g_assert_cmpint(run_cli("--map-dir=nocolons", NULL, &err), ==, 2);
  g_assert_nonnull(strstr(err, "GUEST::HOST"));
  g_free(err);
  g_assert_cmpint(run_cli("--env=NOVALUE", NULL, &err), ==, 2);
  g_free(err);
  g_assert_cmpint(run_cli("--dir=/nonexistent/wasmplug-dir", NULL, &err), ==, 1);
  g_assert_nonnull(strstr(err, "cannot pre-open"));
  g_free(err);
  /* _start exits through proc_exit(0) */
  g_assert_cmpint(run_cli("--dir=.", "--env=A=B", &err), ==, 0);
  g_assert_cmpstr(err, ==, "");
  g_free(err);
}

static void test_proc_exit(Fixture *fx, gconstpointer data)
{
  wcall(fx, "set_status", 1, A(7));
  g_assert_nonnull(wasm_runtime_lookup_wasi_start_function(fx->inst));
  g_assert_true(wasm_application_execute_main(fx->inst, 0, NULL));
  g_assert_null(wasm_runtime_get_exception(fx->inst));
  g_assert_cmpuint(wasm_runtime_get_wasi_exit_code(fx->inst), ==, 7);
  /* a direct call sees the unwinding as the documented exception */
  wasm_function_inst_t start = wasm_runtime_lookup_wasi_start_function(fx->inst);
  wcall(fx, "set_status", 1, A(3));
  uint32_t cells[1] = {0};
  g_assert_false(wasm_runtime_call_wasm(fx->env, start, 0, cells));
  g_assert_cmpstr(wasm_runtime_get_exception(fx->inst), ==, "Exception: wasi proc exit");
  g_assert_cmpuint(wasm_runtime_get_wasi_exit_code(fx->inst), ==, 3);
  /* the instance stays usable */
  g_assert_cmpint(wcall(fx, "fd_prestat_get", 2, A(3), A(RESULT)), ==, 0);
}

/* The documented module-level API: arguments set on the module. */
static void test_module_args(void)
{
  char err[256];
  wasm_module_t module = wasm_runtime_load(shim_bytes, (uint32_t)shim_size, err, sizeof err);
  g_assert_nonnull(module);
  char *tmp = g_dir_make_tmp("wasmplug-wasi-XXXXXX", NULL);
  char *map = g_strdup_printf("guest::%s", tmp);
  const char *dirs[] = {tmp}, *maps[] = {map}, *env[] = {"K=V"};
  char *argv[] = {"a", "b", "c"};
  wasm_runtime_set_wasi_args(module, dirs, 1, maps, 1, env, 1, argv, 3);
  wasm_module_inst_t inst = wasm_runtime_instantiate(module, 0, 0, err, sizeof err);
  g_assert_nonnull(inst);
  Fixture fx = {.module = module, .inst = inst, .env = wasm_runtime_get_exec_env_singleton(inst)};
  g_assert_cmpint(wcall(&fx, "args_sizes_get", 2, A(RESULT), A(RESULT + 4)), ==, 0);
  g_assert_cmpuint(load32(&fx, RESULT), ==, 3);
  g_assert_cmpint(wcall(&fx, "fd_prestat_get", 2, A(4), A(RESULT)), ==, 0);
  g_assert_cmpuint(load32(&fx, RESULT + 4), ==, 5);
  g_assert_cmpint(wcall(&fx, "fd_prestat_dir_name", 3, A(4), A(BUF), A(5)), ==, 0);
  g_assert_cmpmem(mem(&fx, BUF), 5, "guest", 5);
  wasm_runtime_deinstantiate(inst);

  /* a granted directory that does not exist fails the instantiation */
  char *missing = g_build_filename(tmp, "missing", NULL);
  const char *bad[] = {missing};
  wasm_runtime_set_wasi_args(module, bad, 1, NULL, 0, NULL, 0, NULL, 0);
  g_assert_null(wasm_runtime_instantiate(module, 0, 0, err, sizeof err));
  g_assert_nonnull(strstr(err, "missing"));
  wasm_runtime_unload(module);
  g_rmdir(tmp);
  g_free(missing);
  g_free(map);
  g_free(tmp);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  char *path = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), "wasi-shim.wasm", NULL);
  g_assert_true(g_file_get_contents(path, (char **)&shim_bytes, &shim_size, NULL));
  g_free(path);
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  const char *mode = g_getenv("WP_TEST_MODE");
  if (mode && strcmp(mode, "fast-interp") == 0)
    init.running_mode = Mode_Fast_Interp;
  if (mode && strcmp(mode, "llvm-jit") == 0)
    init.running_mode = Mode_LLVM_JIT;
  g_assert_true(wasm_runtime_full_init(&init));

#define ADD(name, fn, grants)                                                            \
  g_test_add(name, Fixture, GINT_TO_POINTER(grants), setup, fn, teardown)
  ADD("/wasi/no-grants", test_no_grants, 0);
  ADD("/wasi/preopens", test_preopens, 1);
  ADD("/wasi/read-write", test_read_write, 1);
  ADD("/wasi/escape/dotdot", test_escape_dotdot, 1);
  ADD("/wasi/escape/absolute", test_escape_absolute, 1);
  ADD("/wasi/escape/symlink", test_escape_symlink, 1);
  ADD("/wasi/read-only", test_read_only, 1);
  ADD("/wasi/bad-pointers", test_bad_pointers, 1);
  ADD("/wasi/poll/clock", test_poll_clock, 1);
  ADD("/wasi/poll/fd", test_poll_fd, 1);
  ADD("/wasi/proc-exit", test_proc_exit, 1);
  ADD("/wasi/interrupt/poll-oneoff", test_interrupt_poll, 1);
  g_test_add_func("/wasi/interrupt/fd-read-pipe", test_interrupt_read);
  g_test_add_func("/wasi/module-args", test_module_args);
  g_test_add_func("/wasi/cli-flags", test_cli_flags);
  int r = g_test_run();
  wasm_runtime_destroy();
  g_free(shim_bytes);
  return r;
}
