/*
 * aot.h -- the AOT tier (Mode_AOT): modules loaded from an AOT file run the
 * native code compiled into it, with the native convention of
 * runtime/compiled.h.  The file embeds the Wasm module, so the same Module
 * also runs in the interpreters (a mode switch between calls).
 *
 * The loaded code belongs to the Module (Module.aot_code, a TierCache set
 * once at load), like every tier's code: instances share it.
 */
#ifndef WP_AOT_H
#define WP_AOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/runtime.h"

/* Parses, checks and loads an AOT file: the embedded module decoded and
 * validated, its code mapped and relocated.  NULL with a message that says
 * what is wrong or what differs from this runtime and CPU. */
Module *aot_load_module(const uint8_t *buf, size_t size, char *err, uint32_t err_size);

/* True when m was loaded from an AOT file. */
static inline bool aot_module_has_code(const Module *m) { return m && m->aot_code != NULL; }

/* Runs f (defined by an AOT module) in its AOT code, inside a host entry:
 * argv as tier_call's.  Returns false, having run nothing, when there is no
 * AOT code to run it with (a function the compiler left out, or code
 * without bounds checks and a memory without guard pages); the caller then
 * runs it in an interpreter. */
bool aot_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

#endif
