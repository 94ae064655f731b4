#ifndef CVT_SHA256_H
#define CVT_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * SHA-256 (FIPS 180-4), for content-derived identifiers that must be the
 * same on every machine: VEX document ids, BOM serial numbers, SARIF
 * fingerprints. Not used for anything secret.
 */

#define CVT_SHA256_LEN     32
#define CVT_SHA256_HEX_LEN 64

struct cvt_sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in `block` */
};

void cvt_sha256_init(struct cvt_sha256 *ctx);
void cvt_sha256_update(struct cvt_sha256 *ctx, const void *data, size_t len);
void cvt_sha256_final(struct cvt_sha256 *ctx, unsigned char digest[CVT_SHA256_LEN]);

/* One call: the digest of `len` bytes. */
void cvt_sha256(const void *data, size_t len, unsigned char digest[CVT_SHA256_LEN]);
/* The digest as 64 lower-case hex digits and a NUL. */
void cvt_sha256_hex(const void *data, size_t len, char hex[CVT_SHA256_HEX_LEN + 1]);

#endif
