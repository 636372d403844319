/* fuzz_config.c -- the run configuration from any bytes (config_parse:
 * JSON, ${VAR} substitution, every backend type's settings, run, judge,
 * decision kept as written): no crash, no leak, a diag on every failure,
 * and a config that loads has what the run engine relies on. (The
 * decision section's reader has its own target, fuzz_decide.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        /* The variables the seed configs name; the keys are fake. */
        setenv("ASSAY_FUZZ_KEY", "sk-fuzz-not-a-key", 1);
        setenv("ASSAY_FUZZ_URL", "http://127.0.0.1:9", 1);
        setenv("OPENAI_API_KEY", "sk-fuzz-not-a-key", 0);
        once = 1;
    }
    struct config c;
    struct diag d;
    diag_init(&d);
    int rc = config_parse((const char *)data, size, "fuzz.json", "", &c, &d);
    if (rc < 0 && !d.set)
        abort();   /* a failure must say why */
    if (rc == 0) {
        if (!c.nbackends || strlen(c.hash) != 64 || !c.written)
            abort();
        for (size_t i = 0; i < c.nbackends; i++) {
            const struct backend_conf *b = &c.backends[i];
            if (!b->name || !b->ops || !b->base_url || config_backend(&c, b->name) != b)
                abort();
        }
        if (c.judge.backend && !config_backend(&c, c.judge.backend))
            abort();
    }
    config_release(&c);
    return 0;
}
