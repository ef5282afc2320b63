/*
 * aot_file.h -- the AOT container (docs/aot-format.md): what wasmplug-compile
 * writes and the loader reads.  Writing and parsing it needs no LLVM: the
 * native code inside is one or more x86-64 ELF relocatable objects, which
 * aot_loader.c maps and relocates itself.
 *
 * A file is a 64-byte header (magic, format version, size, a SHA-256 over the
 * whole file), a section table, and the sections: TARGET (what the code was
 * compiled for and by), WASM (the module itself, so it can also run
 * interpreted), OBJECT (repeated: the code, in a fixed order) and FUNCS (the
 * symbol of each defined function's native-convention entry).
 */
#ifndef WP_AOT_FILE_H
#define WP_AOT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sha256.h"

#define AOT_MAGIC "\0aotwplg"
#define AOT_MAGIC_SIZE 8
#define AOT_FORMAT_VERSION 1u
#define AOT_HEADER_SIZE 64u
#define AOT_SECTION_ENTRY_SIZE 24u
#define AOT_MAX_SECTIONS 4096u   /* objects included */
#define AOT_MAX_STRING 4096u     /* any string of TARGET */
#define AOT_MAX_SYMBOL 1024u     /* a FUNCS symbol name */

enum AotSectionId {
  AOT_SECTION_TARGET = 1,
  AOT_SECTION_WASM = 2,
  AOT_SECTION_OBJECT = 3,
  AOT_SECTION_FUNCS = 4,
};

/* What the code assumes and who made it (section TARGET). */
typedef struct AotTarget {
  uint8_t wasm_sha256[SHA256_DIGEST_SIZE];
  uint32_t opt_level;     /* 0..3 */
  uint32_t size_level;    /* 0..3 */
  bool bounds_checks;     /* the code checks memory bounds itself */
  char *runtime_version;  /* "0.1.0": the wasmplug that compiled it */
  char *triple;           /* "x86_64-pc-linux-gnu" */
  char *cpu;              /* "x86-64", or a named CPU whose features are listed */
  char *cpu_features;     /* "+avx2,+bmi2" (only what the code may use), or "" */
} AotTarget;

/* A parsed container.  The pointers point into the buffer given to
 * aot_file_parse (which must outlive this), except the strings and the
 * arrays, which aot_file_free releases. */
typedef struct AotFile {
  uint32_t format_version;
  AotTarget target;
  const uint8_t *wasm;
  size_t wasm_size;
  uint32_t num_objects;
  const uint8_t **objects;
  size_t *object_sizes;
  uint32_t num_funcs;   /* defined functions of the module */
  char **func_symbols;  /* "" for a function left to the interpreters */
} AotFile;

/* What to write.  The Wasm module's hash is computed by the writer. */
typedef struct AotWriteInput {
  uint32_t opt_level, size_level;
  bool bounds_checks;
  const char *runtime_version; /* NULL: this runtime's (WP_VERSION) */
  const char *triple;
  const char *cpu;
  const char *cpu_features;
  const uint8_t *wasm;
  size_t wasm_size;
  uint32_t num_objects;
  const uint8_t *const *objects;
  const size_t *object_sizes;
  uint32_t num_funcs;
  const char *const *func_symbols; /* NULL entries are written as "" */
} AotWriteInput;

/* True when buf starts with the container's magic (any format version). */
bool aot_file_has_magic(const uint8_t *buf, size_t size);

/* Makes the container in a malloc'ed buffer.  Deterministic: the same input
 * gives the same bytes. */
bool aot_file_write(const AotWriteInput *in, uint8_t **out, size_t *out_size, char *err,
                    uint32_t err_size);

/* Checks the structure and the checksum and fills `out`; never reads outside
 * [buf, buf + size).  Says what is wrong otherwise ("truncated AOT file ...",
 * "corrupted AOT file: checksum mismatch", ...). */
bool aot_file_parse(const uint8_t *buf, size_t size, AotFile *out, char *err, uint32_t err_size);

/* Checks that this runtime on this CPU can run the code: runtime version,
 * target triple, CPU features, bounds checks.  The message says what
 * differs ("compiled by wasmplug 0.2.0, this is 0.3.0"). */
bool aot_file_check_host(const AotFile *f, char *err, uint32_t err_size);

void aot_file_free(AotFile *f);

/* Recomputes the checksum of a container of `size` bytes (whose header
 * holds at least the magic and size fields) after it was changed: for
 * tests that make hostile files reach the parts behind the checksum. */
void aot_file_reseal(uint8_t *buf, size_t size);

/* The target this runtime runs code for. */
const char *aot_host_triple(void);

#endif
