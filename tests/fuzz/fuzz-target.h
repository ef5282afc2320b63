/*
 * fuzz-target.h -- what a crash-fuzzing target provides: libFuzzer's entry
 * point, which fuzz-replay.c calls too where libFuzzer is not available.
 */
#ifndef WP_FUZZ_TARGET_H
#define WP_FUZZ_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Must not crash, leak or hang on any input; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sets the engine up once (the first input does it too). */
void fuzz_target_init(void);

#endif
