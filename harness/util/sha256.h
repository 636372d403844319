/* sha256.h -- SHA-256 as lowercase hex (OpenSSL's EVP does the work).
 * Used for config hashes, cache keys and record ids. */
#ifndef ASSAY_SHA256_H
#define ASSAY_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1]);

#endif
