/*
 * wasmplug.c -- the command-line tool: load a module, pick a running mode,
 * call an export or the program's entry point.
 *
 *   wasmplug [options] MODULE.wasm|MODULE.wat [ARGS...]
 *   wasmplug --interp -f fib mod.wasm 25
 *
 * The flags follow the seed runtime's tool (iwasm) so its users feel at home.
 * Everything runs through the public API in wasm_export.h, like any embedder.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/text.h"
#include "wasm_export.h"

static const char *program = "wasmplug";

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: %s [OPTIONS] MODULE.wasm|MODULE.wat [ARGS...]\n"
          "\n"
          "Runs a WebAssembly module: the export named by -f with ARGS as its\n"
          "numeric arguments (results are printed), or else the module's\n"
          "entry point (_start or main).\n"
          "\n"
          "Running mode (default: the best this build has):\n"
          "  --interp                  classic interpreter\n"
          "  --fast-interp             fast interpreter\n"
          "  --fast-jit                Fast JIT\n"
          "  --llvm-jit                LLVM JIT\n"
          "  --llvm-jit-opt-level=N    LLVM optimisation level, 0-3 (default 3)\n"
          "  --llvm-jit-size-level=N   LLVM size level: 0 speed (default), 1 -Os, 2 -Oz\n"
          "  --llvm-jit-eager          compile the whole module, on all cores, at the\n"
          "                            first call (default: each function at its first)\n"
          "  --multi-tier-jit          Fast JIT first, LLVM JIT tier-up\n"
          "\n"
          "Options:\n"
          "  -f NAME, --function NAME  call the exported function NAME\n"
          "  --stack-size=N            Wasm stack size in bytes (default 1 MiB)\n"
          "  --timeout=MS              stop the run (start function included) after\n"
          "                            MS milliseconds: \"time limit exceeded\"\n"
          "  --fuel=N                  give the start function and the call N units\n"
          "                            of fuel each (one per Wasm function entry and\n"
          "                            per arrival at a loop start): \"fuel exhausted\"\n"
          "\n"
          "WASI (the program sees nothing else of the host):\n"
          "  --dir=DIR                 grant DIR (read-write) under the same name\n"
          "  --map-dir=GUEST::HOST     grant HOST (read-write) as GUEST\n"
          "  --env=NAME=VALUE          put NAME in the program's environment\n"
          "  ARGS after the module are the program's arguments (argv[0] is\n"
          "  MODULE); the exit status is the program's proc_exit status\n"
          "  --list-modes              print the running modes of this build\n"
          "  --version                 print the version\n"
          "  -h, --help                print this help\n",
          program);
}

struct mode_flag {
  const char *flag;
  const char *name;
  RunningMode mode;
};

static const struct mode_flag mode_flags[] = {
  {"--interp", "interp", Mode_Interp},
  {"--fast-interp", "fast-interp", Mode_Fast_Interp},
  {"--fast-jit", "fast-jit", Mode_Fast_JIT},
  {"--llvm-jit", "llvm-jit", Mode_LLVM_JIT},
  {"--multi-tier-jit", "multi-tier-jit", Mode_Multi_Tier_JIT},
};

#define N_MODE_FLAGS (sizeof mode_flags / sizeof mode_flags[0])

static const char *mode_name(RunningMode mode)
{
  for (size_t i = 0; i < N_MODE_FLAGS; i++)
    if (mode_flags[i].mode == mode)
      return mode_flags[i].name;
  return "unknown";
}

static bool parse_size(const char *s, uint32_t *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || end == s)
    return false;
  if (*end == 'k' || *end == 'K')
    v *= 1024, end++;
  else if (*end == 'm' || *end == 'M')
    v *= 1024 * 1024, end++;
  if (*end || v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

/* A positive decimal number no larger than max. */
static bool parse_limit(const char *s, unsigned long long max, unsigned long long *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || *s == '-' || v == 0 || v > max)
    return false;
  *out = v;
  return true;
}

static uint64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint8_t *read_file(const char *path, uint32_t *size)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *buf = NULL;
  long len = -1;
  if (fseek(f, 0, SEEK_END) == 0)
    len = ftell(f);
  if (len >= 0 && len <= (long)UINT32_MAX && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  if (buf)
    *size = (uint32_t)len;
  else
    errno = errno ? errno : EIO;
  return buf;
}

static const char **wasi_dirs, **wasi_map_dirs, **wasi_env;

int main(int argc, char **argv)
{
  RunningMode mode = Mode_Default;
  const char *function = NULL;
  uint32_t stack_size = 0;
  uint32_t opt_level = 3, size_level = 0;
  bool eager = false;
  unsigned long long timeout_ms = 0, fuel = 0; /* 0: no limit */
  int i;
  /* WASI grants, pointing into argv (file-level, so an early return
   * leaves nothing a leak checker would count) */
  wasi_dirs = calloc((size_t)argc + 1, sizeof *wasi_dirs);
  wasi_map_dirs = calloc((size_t)argc + 1, sizeof *wasi_map_dirs);
  wasi_env = calloc((size_t)argc + 1, sizeof *wasi_env);
  uint32_t n_wasi_dirs = 0, n_wasi_map_dirs = 0, n_wasi_env = 0;
  if (!wasi_dirs || !wasi_map_dirs || !wasi_env) {
    fprintf(stderr, "%s: out of memory\n", program);
    return 1;
  }

  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    const char *arg = argv[i];
    bool is_mode = false;
    for (size_t m = 0; m < N_MODE_FLAGS; m++)
      if (strcmp(arg, mode_flags[m].flag) == 0) {
        mode = mode_flags[m].mode;
        is_mode = true;
      }
    if (is_mode)
      continue;
    if (strcmp(arg, "-f") == 0 || strcmp(arg, "--function") == 0) {
      if (++i >= argc) {
        fprintf(stderr, "%s: %s needs a function name\n", program, arg);
        return 2;
      }
      function = argv[i];
    } else if (strncmp(arg, "--function=", 11) == 0) {
      function = arg + 11;
    } else if (strncmp(arg, "--dir=", 6) == 0 && arg[6]) {
      wasi_dirs[n_wasi_dirs++] = arg + 6;
    } else if (strncmp(arg, "--map-dir=", 10) == 0) {
      const char *sep = strstr(arg + 10, "::");
      if (!sep || sep == arg + 10 || !sep[2]) {
        fprintf(stderr, "%s: invalid mapping '%s' (GUEST::HOST)\n", program, arg + 10);
        return 2;
      }
      wasi_map_dirs[n_wasi_map_dirs++] = arg + 10;
    } else if (strncmp(arg, "--env=", 6) == 0) {
      if (!strchr(arg + 6, '=') || arg[6] == '=') {
        fprintf(stderr, "%s: invalid environment variable '%s' (NAME=VALUE)\n", program, arg + 6);
        return 2;
      }
      wasi_env[n_wasi_env++] = arg + 6;
    } else if (strncmp(arg, "--stack-size=", 13) == 0) {
      if (!parse_size(arg + 13, &stack_size) || stack_size == 0) {
        fprintf(stderr, "%s: invalid stack size '%s'\n", program, arg + 13);
        return 2;
      }
    } else if (strncmp(arg, "--timeout=", 10) == 0) {
      if (!parse_limit(arg + 10, UINT32_MAX, &timeout_ms)) {
        fprintf(stderr, "%s: invalid timeout '%s' (milliseconds, 1 or more)\n", program, arg + 10);
        return 2;
      }
    } else if (strncmp(arg, "--fuel=", 7) == 0) {
      if (!parse_limit(arg + 7, INT_MAX, &fuel)) {
        fprintf(stderr, "%s: invalid fuel '%s' (1 to %d units)\n", program, arg + 7, INT_MAX);
        return 2;
      }
    } else if (strncmp(arg, "--llvm-jit-opt-level=", 21) == 0) {
      char *end;
      unsigned long v = strtoul(arg + 21, &end, 10);
      if (end == arg + 21 || *end || v > 3) {
        fprintf(stderr, "%s: invalid LLVM optimisation level '%s' (0-3)\n", program, arg + 21);
        return 2;
      }
      opt_level = (uint32_t)v;
    } else if (strncmp(arg, "--llvm-jit-size-level=", 22) == 0) {
      char *end;
      unsigned long v = strtoul(arg + 22, &end, 10);
      if (end == arg + 22 || *end || v > 2) {
        fprintf(stderr, "%s: invalid LLVM size level '%s' (0-2)\n", program, arg + 22);
        return 2;
      }
      size_level = (uint32_t)v;
    } else if (strcmp(arg, "--llvm-jit-eager") == 0) {
      eager = true;
    } else if (strcmp(arg, "--list-modes") == 0) {
      for (size_t m = 0; m < N_MODE_FLAGS; m++)
        printf("%-16s %s\n", mode_flags[m].name,
               wasm_runtime_is_running_mode_supported(mode_flags[m].mode) ? "supported" : "not built");
      return 0;
    } else if (strcmp(arg, "--version") == 0) {
      uint32_t major, minor, patch;
      wasm_runtime_get_version(&major, &minor, &patch);
      printf("wasmplug %u.%u.%u\n", major, minor, patch);
      return 0;
    } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(arg, "--") == 0) {
      i++;
      break;
    } else {
      fprintf(stderr, "%s: unknown option '%s' (see --help)\n", program, arg);
      return 2;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "%s: no module given (see --help)\n", program);
    return 2;
  }
  const char *path = argv[i++];
  int app_argc = argc - i;
  char **app_argv = argv + i;

  if (mode != Mode_Default && !wasm_runtime_is_running_mode_supported(mode)) {
    fprintf(stderr, "%s: running mode '%s' is not supported by this build\n", program,
            mode_name(mode));
    return 2;
  }

  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  init.running_mode = mode;
  init.llvm_jit_opt_level = opt_level;
  if (!wasm_runtime_full_init(&init)) {
    fprintf(stderr, "%s: cannot initialise the runtime\n", program);
    return 1;
  }
  /* level 0 and eager are beyond what RuntimeInitArgs can say */
  if (wasm_runtime_is_running_mode_supported(Mode_LLVM_JIT))
    wasm_runtime_set_llvm_jit_options(opt_level, size_level, eager);

  int status = 1;
  char error[256];
  wasm_module_t module = NULL;
  wasm_module_inst_t inst = NULL;
  uint32_t size;
  uint8_t *bytes = read_file(path, &size);
  if (!bytes) {
    fprintf(stderr, "%s: cannot read %s: %s\n", program, path, strerror(errno));
    goto out;
  }
  /* Text: anything that does not start like a binary (Wasm or AOT magic,
   * both begin with a NUL byte) is parsed as a .wat module first. */
  if (size == 0 || bytes[0] != '\0') {
    size_t wasm_size;
    uint8_t *wasm = wat_to_binary((const char *)bytes, size, &wasm_size, error, sizeof error);
    free(bytes);
    bytes = wasm;
    if (!wasm) {
      fprintf(stderr, "%s:%s\n", path, error);
      goto out;
    }
    size = (uint32_t)wasm_size;
  }
  module = wasm_runtime_load(bytes, size, error, sizeof error);
  if (!module) {
    fprintf(stderr, "%s: cannot load %s: %s\n", program, path, error);
    goto out;
  }
  /* The program's argv[0] is the module path, as the seed's tool does. */
  wasm_runtime_set_wasi_args(module, wasi_dirs, n_wasi_dirs, wasi_map_dirs, n_wasi_map_dirs,
                             wasi_env, n_wasi_env, argv + i - 1, app_argc + 1);
  /* The limits hold from the start function on: the engine runs it under
   * them, then the call gets the time that is left. */
  uint64_t started = now_ms();
  InstantiationArgs inst_args;
  memset(&inst_args, 0, sizeof inst_args);
  inst_args.default_stack_size = stack_size;
  inst_args.start_time_limit_ms = (uint32_t)timeout_ms;
  inst_args.start_fuel = fuel;
  inst = wasm_runtime_instantiate_ex(module, &inst_args, error, sizeof error);
  if (!inst) {
    fprintf(stderr, "%s: cannot instantiate %s: %s\n", program, path, error);
    goto out;
  }
  if (timeout_ms || fuel) {
    wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
    if (!env) {
      fprintf(stderr, "%s: out of memory\n", program);
      goto out;
    }
    if (fuel)
      wasm_runtime_set_instruction_count_limit(env, (int)fuel);
    if (timeout_ms) {
      uint64_t spent = now_ms() - started;
      wasm_runtime_set_time_limit(env, spent < timeout_ms ? (uint32_t)(timeout_ms - spent) : 1);
    }
  }

  bool ok;
  if (function)
    ok = wasm_application_execute_func(inst, function, app_argc, app_argv);
  else
    ok = wasm_application_execute_main(inst, app_argc, app_argv);
  const char *exception = wasm_runtime_get_exception(inst);
  if (!ok || exception) {
    fprintf(stderr, "%s: %s\n", program, exception ? exception : "call failed");
    /* Where the trap happened: the Wasm call stack, innermost first. */
    wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);
    uint32_t stack_size_needed = wasm_runtime_get_call_stack_buf_size(env);
    char *stack = stack_size_needed ? malloc(stack_size_needed) : NULL;
    if (stack && wasm_runtime_dump_call_stack_to_buf(env, stack, stack_size_needed))
      fputs(stack, stderr);
    free(stack);
    goto out;
  }
  status = wasm_runtime_is_wasi_mode(inst) ? (int)(wasm_runtime_get_wasi_exit_code(inst) & 0xFF)
                                           : 0;

out:
  if (inst)
    wasm_runtime_deinstantiate(inst);
  if (module)
    wasm_runtime_unload(module);
  free(bytes);
  free(wasi_dirs);
  free(wasi_map_dirs);
  free(wasi_env);
  wasm_runtime_destroy();
  return status;
}
