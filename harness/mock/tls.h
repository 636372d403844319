/* tls.h -- the mock's HTTPS: an OpenSSL server context from a given
 * certificate and key (PEM files), or from a self-signed certificate made
 * at start (EC P-256, CN and SAN localhost / 127.0.0.1 / ::1, valid one
 * day). cert_out (may be NULL) receives the certificate PEM: the CA a
 * client must trust. Returns an owned SSL_CTX, or NULL with a diag. */
#ifndef ASSAY_MOCK_TLS_H
#define ASSAY_MOCK_TLS_H

#include <openssl/ssl.h>

#include "harness/util/diag.h"

SSL_CTX *mock_tls_ctx(const char *cert, const char *key, const char *cert_out, struct diag *d);

#endif
