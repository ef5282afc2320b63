/*
 * wasmplug-compile -- compiles a Wasm module ahead of time into an AOT file
 * (docs/aot-format.md) that `wasmplug` and the C API load and run with no
 * LLVM.  The flags are wamrc's where they apply.  Functions are compiled on
 * N threads; the output is the same bytes whatever N is.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aot/aot_cache.h"
#include "common/error.h"
#include "decode/decoder.h"
#include "runtime/module.h"
#include "text/text.h"
#include "validate/validator.h"
#include "wp_config.h"
#if WP_HAVE_AOT_COMPILER
#include "aot/aot_compile.h"
#endif

static const char *program = "wasmplug-compile";

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: %s [OPTIONS] -o OUT.aot IN.wasm|IN.wat\n"
          "\n"
          "Compiles a WebAssembly module ahead of time for this kind of machine.\n"
          "\n"
          "  -o FILE                   the AOT file to write\n"
          "  --opt-level=N             LLVM optimisation level, 0-3 (default 3)\n"
          "  --size-level=N            code size level, 0-3 (default 0; 1 -Os, 2-3 -Oz)\n"
          "  --target=x86_64           the target architecture (the only one)\n"
          "  --cpu=NAME                x86-64 (default: with this CPU's features),\n"
          "                            x86-64-v2, -v3, -v4, or a CPU name with\n"
          "                            --cpu-features\n"
          "  --cpu-features=LIST       +feature,-feature,... (LLVM's names)\n"
          "  --bounds-checks=0|1       check memory bounds in the code (default 0:\n"
          "                            guard pages trap)\n"
          "  -j N, --jobs=N            compile on N threads (default: all cores)\n"
          "  --version                 print the version\n"
          "  -h, --help                print this help\n",
          program);
}

#if WP_HAVE_AOT_COMPILER
static uint8_t *read_file(const char *path, size_t *size)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *buf = NULL;
  long len = -1;
  if (fseek(f, 0, SEEK_END) == 0)
    len = ftell(f);
  if (len >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  if (buf)
    *size = (size_t)len;
  else
    errno = errno ? errno : EIO;
  return buf;
}
#endif

static bool parse_level(const char *arg, const char *value, unsigned *out)
{
  char *end;
  unsigned long v = strtoul(value, &end, 10);
  if (end == value || *end || v > 3) {
    fprintf(stderr, "%s: invalid %s '%s' (0-3)\n", program, arg, value);
    return false;
  }
  *out = (unsigned)v;
  return true;
}

#if WP_HAVE_AOT_COMPILER
/* Progress on a terminal only: functions done / total, on one line. */
static void show_progress(void *data, uint32_t done, uint32_t total)
{
  (void)data;
  fprintf(stderr, "\r%s: %u/%u functions", program, done, total);
  if (done == total)
    fputc('\n', stderr);
}
#endif

int main(int argc, char **argv)
{
  const char *out_path = NULL, *in_path = NULL;
  const char *cpu = NULL, *features = NULL;
  unsigned opt_level = 3, size_level = 0, bounds = 0, jobs = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-o") == 0 && i + 1 < argc) {
      out_path = argv[++i];
    } else if (strncmp(arg, "--opt-level=", 12) == 0) {
      if (!parse_level("--opt-level", arg + 12, &opt_level))
        return 2;
    } else if (strncmp(arg, "--size-level=", 13) == 0) {
      if (!parse_level("--size-level", arg + 13, &size_level))
        return 2;
    } else if (strncmp(arg, "--target=", 9) == 0) {
      if (strcmp(arg + 9, "x86_64") != 0 && strcmp(arg + 9, "x86-64") != 0) {
        fprintf(stderr, "%s: target '%s' is not supported (x86_64 only)\n", program, arg + 9);
        return 2;
      }
    } else if (strncmp(arg, "--cpu=", 6) == 0) {
      cpu = arg + 6;
    } else if (strncmp(arg, "--cpu-features=", 15) == 0) {
      features = arg + 15;
    } else if (strncmp(arg, "--bounds-checks=", 16) == 0) {
      if (strcmp(arg + 16, "0") != 0 && strcmp(arg + 16, "1") != 0) {
        fprintf(stderr, "%s: --bounds-checks takes 0 or 1\n", program);
        return 2;
      }
      bounds = arg[16] == '1';
    } else if ((strcmp(arg, "-j") == 0 && i + 1 < argc) || strncmp(arg, "--jobs=", 7) == 0 ||
               (strncmp(arg, "-j", 2) == 0 && arg[2])) {
      const char *v = strcmp(arg, "-j") == 0 ? argv[++i] : arg[1] == 'j' ? arg + 2 : arg + 7;
      char *end;
      unsigned long n = strtoul(v, &end, 10);
      if (end == v || *end || n < 1 || n > 1024) {
        fprintf(stderr, "%s: invalid number of jobs '%s'\n", program, v);
        return 2;
      }
      jobs = (unsigned)n;
    } else if (strcmp(arg, "--version") == 0) {
      printf("wasmplug-compile %s\n", WP_VERSION);
      return 0;
    } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (arg[0] == '-' && arg[1]) {
      fprintf(stderr, "%s: unknown option '%s' (see --help)\n", program, arg);
      return 2;
    } else if (!in_path) {
      in_path = arg;
    } else {
      fprintf(stderr, "%s: one input module only (see --help)\n", program);
      return 2;
    }
  }
  if (!in_path || !out_path) {
    fprintf(stderr, "%s: %s (see --help)\n", program, in_path ? "no -o OUT.aot" : "no input module");
    return 2;
  }
#if !WP_HAVE_AOT_COMPILER
  (void)cpu, (void)features, (void)opt_level, (void)size_level, (void)bounds, (void)jobs;
  fprintf(stderr, "%s: the AOT compiler is not available in this build (it needs LLVM: "
                  "-Dllvm_jit)\n", program);
  return 1;
#else
  size_t size;
  uint8_t *bytes = read_file(in_path, &size);
  if (!bytes) {
    fprintf(stderr, "%s: cannot read %s: %s\n", program, in_path, strerror(errno));
    return 1;
  }
  char error[256];
  if (size == 0 || bytes[0] != '\0') { /* not binary: text */
    size_t wasm_size;
    uint8_t *wasm = wat_to_binary((const char *)bytes, size, &wasm_size, error, sizeof error);
    free(bytes);
    if (!wasm) {
      fprintf(stderr, "%s:%s\n", in_path, error);
      return 1;
    }
    bytes = wasm;
    size = wasm_size;
  }
  int status = 1;
  Module *m = decode_module(bytes, size, error, sizeof error);
  if (m && !validate_module(m, error, sizeof error)) {
    module_free(m);
    m = NULL;
  }
  if (!m) {
    fprintf(stderr, "%s: %s: %s\n", program, in_path, error);
    free(bytes);
    return 1;
  }
  AotCompileOptions options = {
      .opt_level = opt_level,
      .size_level = size_level,
      .cpu = cpu,
      .cpu_features = features,
      .bounds_checks = bounds != 0,
      .threads = jobs,
      .progress = isatty(STDERR_FILENO) ? show_progress : NULL,
  };
  uint8_t *aot;
  size_t aot_size;
  if (!aot_compile(m, bytes, size, &options, &aot, &aot_size, error, sizeof error)) {
    fprintf(stderr, "%s: %s: %s\n", program, in_path, error);
  } else {
    if (!aot_cache_write_atomic(out_path, aot, aot_size, error, sizeof error))
      fprintf(stderr, "%s: %s\n", program, error);
    else
      status = 0;
    free(aot);
  }
  module_free(m);
  free(bytes);
  return status;
#endif
}
