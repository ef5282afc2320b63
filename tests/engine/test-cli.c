/*
 * test-cli.c -- the `wasmplug` tool as a user runs it: results printed,
 * traps and bad files reported in one line with a non-zero status, mode
 * flags honoured or refused clearly.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct Run {
  int status; /* exit status */
  char *out;
  char *err;
} Run;

static Run run(const char *first, ...) G_GNUC_NULL_TERMINATED;

static Run run(const char *first, ...)
{
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *)g_getenv("WP_WASMPLUG"));
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a; a = va_arg(ap, const char *))
    g_ptr_array_add(argv, (char *)a);
  va_end(ap);
  g_ptr_array_add(argv, NULL);

  Run r = {0};
  int wait_status;
  GError *error = NULL;
  g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                             &r.out, &r.err, &wait_status, &error));
  g_assert_no_error(error);
  g_assert_true(WIFEXITED(wait_status));
  r.status = WEXITSTATUS(wait_status);
  g_ptr_array_unref(argv);
  return r;
}

static void run_clear(Run *r)
{
  g_free(r->out);
  g_free(r->err);
}

static char *wasm_path(const char *name)
{
  return g_build_filename(g_getenv("WP_TEST_WASM_DIR"), name, NULL);
}

static int count_lines(const char *s)
{
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

static void test_fib(void)
{
  char *fib = wasm_path("fib.wasm");
  Run r = run("--interp", "-f", "fib", fib, "25", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_cmpstr(r.out, ==, "75025\n");
  run_clear(&r);

  /* the fast interpreter by name, where the build has it */
  r = run("--list-modes", NULL);
  gboolean have_fast = g_regex_match_simple("^fast-interp +supported$", r.out, G_REGEX_MULTILINE, 0);
  run_clear(&r);
  if (have_fast) {
    r = run("--fast-interp", "-f", "fib", fib, "25", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, "75025\n");
    run_clear(&r);
    r = run("--fast-interp", "-f", "div", fib, "1", "0", NULL);
    g_assert_cmpint(r.status, !=, 0);
    g_assert_nonnull(strstr(r.err, "integer divide by zero"));
    run_clear(&r);
  }

  /* automatic mode, i64 argument and result */
  r = run("--function", "fib_iter", fib, "90", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_cmpstr(r.out, ==, "2880067194370816120\n");
  run_clear(&r);
  g_free(fib);
}

static void test_trap(void)
{
  char *fib = wasm_path("fib.wasm");
  Run r = run("--interp", "-f", "div", fib, "1", "0", NULL);
  g_assert_cmpint(r.status, !=, 0);
  g_assert_nonnull(strstr(r.err, "integer divide by zero"));
  g_assert_cmpint(count_lines(r.err), ==, 1);
  g_assert_cmpstr(r.out, ==, "");
  run_clear(&r);
  g_free(fib);
}

static void test_bad_input(void)
{
  char *fib = wasm_path("fib.wasm");
  Run r = run("-f", "fib", "/nonexistent/x.wasm", "1", NULL);
  g_assert_cmpint(r.status, ==, 1);
  g_assert_nonnull(strstr(r.err, "cannot read"));
  g_assert_cmpint(count_lines(r.err), ==, 1);
  run_clear(&r);

  /* a binary file that is not Wasm: the decoder's message, one line */
  char *not_wasm = NULL;
  int fd = g_file_open_tmp("wasmplug-cli-XXXXXX.bin", &not_wasm, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(not_wasm, "\0ELF\1\1\1\0", 8, NULL));
  r = run("-f", "fib", not_wasm, "1", NULL);
  g_assert_cmpint(r.status, ==, 1);
  g_assert_nonnull(strstr(r.err, "magic header not detected"));
  g_assert_cmpint(count_lines(r.err), ==, 1);
  run_clear(&r);
  g_unlink(not_wasm);
  g_free(not_wasm);

  r = run("-f", "nosuch", fib, NULL);
  g_assert_cmpint(r.status, ==, 1);
  g_assert_nonnull(strstr(r.err, "nosuch"));
  run_clear(&r);

  r = run("-f", "fib", fib, "twelve", NULL);
  g_assert_cmpint(r.status, ==, 1);
  g_assert_nonnull(strstr(r.err, "twelve"));
  run_clear(&r);

  r = run("-f", "fib", fib, NULL); /* missing argument */
  g_assert_cmpint(r.status, ==, 1);
  g_assert_nonnull(strstr(r.err, "argument"));
  run_clear(&r);

  r = run("--bogus", fib, NULL);
  g_assert_cmpint(r.status, ==, 2);
  run_clear(&r);

  r = run("--stack-size=lots", fib, NULL);
  g_assert_cmpint(r.status, ==, 2);
  run_clear(&r);
  g_free(fib);
}

/* Text modules run directly; their errors read "file:line:col: message". */
static void test_wat(void)
{
  const char *src = g_getenv("G_TEST_SRCDIR");
  char *fib_wat = g_build_filename(src, "wat", "fib.wat", NULL);
  Run r = run("-f", "fib", fib_wat, "25", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_cmpstr(r.out, ==, "75025\n");
  run_clear(&r);
  g_free(fib_wat);

  char *bad = NULL;
  int fd = g_file_open_tmp("wasmplug-cli-XXXXXX.wat", &bad, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(bad, "(module\n  (func i32.foo))", -1, NULL));
  r = run(bad, NULL);
  g_assert_cmpint(r.status, ==, 1);
  g_autofree char *want = g_strdup_printf("%s:2:9: unknown operator", bad);
  g_assert_true(g_str_has_prefix(r.err, want));
  g_assert_cmpint(count_lines(r.err), ==, 1);
  run_clear(&r);
  g_unlink(bad);
  g_free(bad);
}

static void test_modes(void)
{
  char *fib = wasm_path("fib.wasm");
  Run r = run("--list-modes", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_nonnull(strstr(r.out, "interp"));
  g_assert_nonnull(strstr(r.out, "llvm-jit"));
  gboolean has_fast_jit = strstr(r.out, "fast-jit         supported") != NULL;
  run_clear(&r);

  /* A mode not built is refused with a clear message; one built runs. */
  r = run("--fast-jit", "-f", "fib", fib, "10", NULL);
  if (has_fast_jit) {
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, "55\n");
  } else {
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "not supported by this build"));
  }
  run_clear(&r);

  r = run("--llvm-jit", "--llvm-jit-opt-level=9", "-f", "fib", fib, "10", NULL);
  g_assert_cmpint(r.status, ==, 2);
  g_assert_nonnull(strstr(r.err, "optimisation level"));
  run_clear(&r);
  g_free(fib);
}

static void test_stack_size(void)
{
  char *fib = wasm_path("fib.wasm");
  /* fib recursion is shallow: a small stack still works */
  Run r = run("--interp", "--stack-size=16K", "-f", "fib", fib, "20", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_cmpstr(r.out, ==, "6765\n");
  run_clear(&r);
  g_free(fib);
}

/* --timeout and --fuel stop a start function or a call that loops for ever,
 * in every mode the build has (the loops never end, so no timing is
 * measured: only that the tool stops them). */
static void test_limits(void)
{
  g_autofree char *dir = g_dir_make_tmp("wp-cli-XXXXXX", NULL);
  g_assert_nonnull(dir);
  g_autofree char *start = g_build_filename(dir, "start.wat", NULL);
  g_autofree char *spin = g_build_filename(dir, "spin.wat", NULL);
  g_assert_true(g_file_set_contents(start,
    "(module (func $s (loop (br 0))) (start $s) (func (export \"f\") (result i32) (i32.const 1)))",
    -1, NULL));
  g_assert_true(g_file_set_contents(spin,
    "(module (global $n (mut i32) (i32.const 0))\n"
    "  (func (export \"spin\") (result i32)\n"
    "    (loop (global.set $n (i32.add (global.get $n) (i32.const 1))) (br 0)) (global.get $n))\n"
    "  (func (export \"f\") (result i32) (i32.const 7)))",
    -1, NULL));

  Run r = run("--list-modes", NULL);
  g_auto(GStrv) lines = g_strsplit(r.out, "\n", -1);
  run_clear(&r);
  int modes = 0;
  for (char **l = lines; *l; l++) {
    if (!strstr(*l, " supported"))
      continue;
    g_autofree char *flag = g_strdup_printf("--%.*s", (int)strcspn(*l, " "), *l);
    modes++;
    r = run(flag, "--timeout=50", "-f", "f", start, NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "cannot instantiate"));
    g_assert_nonnull(strstr(r.err, "time limit exceeded"));
    run_clear(&r);
    r = run(flag, "--fuel=1000", "-f", "f", start, NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "fuel exhausted"));
    run_clear(&r);
    r = run(flag, "--timeout=50", "-f", "spin", spin, NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "Exception: time limit exceeded"));
    run_clear(&r);
    r = run(flag, "--fuel=1000", "-f", "spin", spin, NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "Exception: fuel exhausted"));
    run_clear(&r);
    /* Limits that are not reached change nothing. */
    r = run(flag, "--timeout=600000", "--fuel=10", "-f", "f", spin, NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, "7\n");
    run_clear(&r);
  }
  g_assert_cmpint(modes, >, 0);

  r = run("--fuel=0", "-f", "f", spin, NULL);
  g_assert_cmpint(r.status, ==, 2);
  run_clear(&r);
  r = run("--timeout=soon", "-f", "f", spin, NULL);
  g_assert_cmpint(r.status, ==, 2);
  run_clear(&r);
  g_unlink(start);
  g_unlink(spin);
  g_rmdir(dir);
}

static void test_version_help(void)
{
  Run r = run("--version", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_true(g_str_has_prefix(r.out, "wasmplug "));
  run_clear(&r);
  r = run("--help", NULL);
  g_assert_cmpint(r.status, ==, 0);
  g_assert_nonnull(strstr(r.out, "--multi-tier-jit"));
  run_clear(&r);
  r = run("--", NULL); /* no module at all */
  g_assert_cmpint(r.status, ==, 2);
  run_clear(&r);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cli/fib", test_fib);
  g_test_add_func("/cli/trap", test_trap);
  g_test_add_func("/cli/bad-input", test_bad_input);
  g_test_add_func("/cli/wat", test_wat);
  g_test_add_func("/cli/modes", test_modes);
  g_test_add_func("/cli/stack-size", test_stack_size);
  g_test_add_func("/cli/limits", test_limits);
  g_test_add_func("/cli/version-help", test_version_help);
  return g_test_run();
}
