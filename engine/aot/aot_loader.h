/*
 * aot_loader.h -- maps AOT code: the x86-64 ELF relocatable objects of an
 * AOT file, relocated in place by our own small linker (no LLVM, no
 * dynamic loader).
 *
 * The objects' allocated sections go into one mapping: code first (with a
 * stub per run-time helper, for calls the helper is too far away for), then
 * read-only data and the GOT, then writable data.  The mapping is written
 * while it is read-write and then protected: code read+execute, constants
 * and GOT read-only, data read-write; no page is ever writable and
 * executable at once.  Undefined symbols resolve to another object's global
 * symbol or to a run-time helper (aot_helpers.def); anything else is an
 * error that names it.
 */
#ifndef WP_AOT_LOADER_H
#define WP_AOT_LOADER_H

#include <stddef.h>
#include <stdint.h>

typedef struct AotImage {
  uint8_t *map;
  size_t map_size;
  uint32_t num_funcs;
  void **func_code; /* per defined function: its native-convention entry, or NULL */
} AotImage;

/* Loads the objects and finds each function's symbol (symbols[i] == "" for a
 * function with no code).  Never reads outside the objects, whatever they
 * hold; a fault in them is an error message, not a crash. */
AotImage *aot_image_load(const uint8_t *const *objects, const size_t *object_sizes,
                         uint32_t num_objects, uint32_t num_funcs, char *const *symbols,
                         char *err, uint32_t err_size);
void aot_image_free(AotImage *image);

#endif
