/*
 * native.h -- host functions registered through the embedding API
 * (wasm_runtime_register_natives): the registry, keyed by module name, and
 * the lookup that links imports to them.  The call itself is native_invoke
 * (runtime.h), used by runtime_call_host.
 *
 * The registry is process-wide and guarded by a mutex; the HostFunc and
 * FuncInst of a registered symbol stay at the same address until the symbols
 * are unregistered, so instances may point at them.
 */
#ifndef WP_NATIVE_H
#define WP_NATIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"

struct NativeSymbol;

/* Registers n symbols under module_name (raw: the raw calling convention).
 * Parses every signature first: a missing name or function, or a malformed
 * signature, registers nothing and returns false with a message. */
bool native_register(const char *module_name, struct NativeSymbol *symbols, uint32_t n, bool raw,
                     char *err, uint32_t err_size);

/* Removes the registration of exactly this array under this name. */
bool native_unregister(const char *module_name, struct NativeSymbol *symbols);

/* Drops every registration (wasm_runtime_destroy). */
void native_unregister_all(void);

/* The function registered for the import module.field (names of the given
 * lengths, which may contain NUL bytes), latest registration first; NULL
 * when there is none.  The caller checks the type. */
FuncInst *native_lookup(const char *module_name, uint32_t module_len, const char *field_name,
                        uint32_t field_len);

/* The exec env a native function is running on in this thread (innermost),
 * or NULL outside natives. */
ExecEnv *native_running_env(void);

/* Parses a signature string into a function type (types allocated, owned by
 * the caller).  Exposed for the tests. */
bool native_parse_signature(const char *signature, FuncType *type, char *err, uint32_t err_size);

#endif
