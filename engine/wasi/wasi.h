/*
 * wasi.h -- WASI preview 1 (`wasi_snapshot_preview1`), sandboxed.
 *
 * What the rest of the engine sees: the grants a module or an instance is
 * given (WasiArgs, copied from the API's arguments), the context an instance
 * gets from them when it imports WASI, and the registration of the host
 * functions.  The implementation's own shared declarations are in
 * wasi_impl.h.
 *
 * Sandbox: a guest sees only the directories it is granted (read-only or
 * read-write), the environment and the arguments it is given; with no grant
 * it has no file system at all.  Paths are resolved component by component
 * below a granted directory (wasi_path.c), never by the host's own lookup.
 */
#ifndef WP_WASI_H
#define WP_WASI_H

#include <stdbool.h>
#include <stdint.h>

#include "../runtime/runtime.h"

struct WASIArguments;

/* One granted directory: the name the guest sees, the host directory. */
typedef struct WasiDir {
  char *guest;
  char *host;
  bool read_only;
} WasiDir;

/* The grants, owned copies (the API's arrays need not outlive the call). */
typedef struct WasiArgs {
  WasiDir *dirs;
  uint32_t num_dirs;
  char **env;
  uint32_t num_env;
  char **argv;
  uint32_t argc;
  int64_t stdio[3]; /* host fds for the guest's 0, 1, 2; -1: the process's own */
} WasiArgs;

/* The documented form: dir_list entries are host directories seen under the
 * same name, map_dir_list entries "GUEST::HOST"; both granted read-write.
 * Returns NULL when out of memory or an entry is malformed. */
WasiArgs *wasi_args_new(const char *dir_list[], uint32_t dir_count, const char *map_dir_list[],
                        uint32_t map_dir_count, const char *env[], uint32_t env_count,
                        char *argv[], int argc, int64_t stdinfd, int64_t stdoutfd,
                        int64_t stderrfd);
/* The extended form (wasm_export.h's WASIArguments). */
WasiArgs *wasi_args_from_api(const struct WASIArguments *args);
void wasi_args_free(WasiArgs *args);

/* True when the module imports anything from wasi_snapshot_preview1. */
bool wasi_module_imports_wasi(const Module *m);

/* Gives inst a WASI context made from args (NULL: no grants) when its module
 * imports WASI; false with a message when a granted directory cannot be
 * opened. */
bool wasi_instance_attach(Instance *inst, const WasiArgs *args, char *err, uint32_t err_size);

/* Drops the context of inst (closes its files). */
void wasi_instance_detach(Instance *inst);

/* The context's state, for the API. */
bool wasi_instance_has_context(const Instance *inst);
uint32_t wasi_instance_exit_code(const Instance *inst);

/* Registers the host functions under "wasi_snapshot_preview1" (once per
 * runtime initialisation). */
bool wasi_register(void);

/* The message of the trap proc_exit unwinds with. */
#define WASI_PROC_EXIT_MESSAGE "wasi proc exit"

#endif
