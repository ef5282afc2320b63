/*
 * cpu_features.h -- the x86-64 CPU features AOT code may assume, by their
 * LLVM names ("avx2", "sse4.1"), and what this CPU has (CPUID, and XGETBV
 * for the register state the OS saves).  No LLVM needed: the loader checks
 * a file's features here, and the compiler records only features from this
 * list, so every feature a file names can be checked.
 */
#ifndef WP_CPU_FEATURES_H
#define WP_CPU_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

/* True when `name` (without +/-) is a feature this runtime can check. */
bool cpu_feature_known(const char *name);

/* True when this CPU (and OS) supports the feature; false for unknown ones. */
bool cpu_feature_present(const char *name);

/* This CPU's known features as "+a,+b,..." in the list's order (a static
 * string, made once). */
const char *cpu_features_host(void);

/* The features of a named x86-64 level ("x86-64", "x86-64-v2", "-v3",
 * "-v4") as "+a,+b", or NULL for another name. */
const char *cpu_level_features(const char *cpu);

/* Checks a "+a,-b,+c" list against this CPU: true when every "+" feature is
 * present.  Otherwise writes the missing ones ("+avx512f,+avx512bw") or, for
 * a feature this runtime does not know, that one ("?name") to `missing`. */
bool cpu_features_check(const char *features, char *missing, size_t missing_size);

#endif
