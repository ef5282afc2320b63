/*
 * sha256.h -- SHA-256 (FIPS 180-4), for the AOT container: the hash of the
 * Wasm module that keys the code cache, and the checksum that refuses a
 * corrupted AOT file before any of it runs.
 */
#ifndef WP_SHA256_H
#define WP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

typedef struct Sha256 {
  uint32_t state[8];
  uint64_t length;    /* bytes hashed so far */
  uint8_t block[64];  /* a partial block */
  uint32_t used;      /* bytes in `block` */
} Sha256;

void sha256_init(Sha256 *s);
void sha256_update(Sha256 *s, const void *data, size_t size);
void sha256_final(Sha256 *s, uint8_t digest[SHA256_DIGEST_SIZE]);

/* The digest of one buffer. */
void sha256(const void *data, size_t size, uint8_t digest[SHA256_DIGEST_SIZE]);

/* Lower-case hexadecimal, 64 characters and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[2 * SHA256_DIGEST_SIZE + 1]);

#endif
