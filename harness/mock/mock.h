/* mock.h -- the built-in mock provider: one libevent loop serving every
 * protocol of protocols.md for the simulated models of a profile.
 *
 * mock_serve binds, calls on_listen with the base URL once it accepts
 * connections, and runs until SIGTERM or SIGINT (then returns 0). It takes
 * ownership of nothing: profile and corpus stay the caller's. Behaviour,
 * flags and formats: docs/mock.md. */
#ifndef ASSAY_MOCK_H
#define ASSAY_MOCK_H

#include <stdint.h>

#include "corpus.h"
#include "harness/util/diag.h"
#include "profile.h"

struct mock_opts {
    const char *host;          /* default 127.0.0.1 */
    int port;                  /* 0 = any free port */
    uint64_t seed;
    const char *log_path;      /* ground-truth JSONL, or NULL */
    int tls;
    const char *cert, *key;    /* PEM files; NULL = generate a self-signed pair */
    const char *cert_out;      /* where to write the certificate PEM (the CA to trust) */
    int verbose;               /* one line per request on stderr */
};

typedef void mock_listen_fn(const char *base_url, void *ud);

int mock_serve(const struct mock_opts *o, struct mock_profile *p, struct corpus *c,
               mock_listen_fn *on_listen, void *ud, struct diag *d);

#endif
